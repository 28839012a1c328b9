// Re-running failed tests (docs/how-it-works.md, Flaky tests): how a re-run's results replace the
// tests it re-ran, what is flaky, and how the run is judged by each test's last attempt.
import { judged, merged } from '../src/rerun.js'
import { flakyOf } from '../src/report.js'
import { commentBody } from '../src/github/comment.js'
import type { RunState, TestResult } from '../src/model.js'

const t = (name: string, status: TestResult['status'], error?: string, suite = 'Checkout'): TestResult => ({ name, suite, status, error })
const run = (status: RunState['status'], counts: RunState['counts'], id = '1001'): RunState => ({
  id,
  status,
  providerStatus: status === 'passed' ? 'STATUS_COMPLETED/SUCCESS' : 'STATUS_COMPLETED/FAILURE',
  counts
})

describe('merging a re-run', () => {
  const first = [t('pays', 'failed', 'boom'), t('loads', 'passed'), t('pays', 'failed', 'other suite', 'Cart'), t('skips', 'skipped')]

  it('a re-run test replaces the failed test of the same suite and name, keeping the failure before it', () => {
    const out = merged(first, [t('pays', 'passed')])
    expect(out[0]).toEqual({ name: 'pays', suite: 'Checkout', status: 'passed', error: undefined, earlierFailures: [{ error: 'boom' }] })
    // Same name, another suite: not the same test, so still failed as it was.
    expect(out[2]).toEqual(first[2])
    expect(out[1]).toBe(first[1])
  })

  it('a passed test is never replaced, even by a re-run result of the same name', () => {
    expect(merged(first, [t('loads', 'failed', 'late')])[1]).toBe(first[1])
  })

  it('failures pile up over re-runs, oldest first; flaky is failed-then-passed only', () => {
    const twice = merged(merged(first, [t('pays', 'failed', 'again')]), [t('pays', 'passed')])
    expect(twice[0].earlierFailures).toEqual([{ error: 'boom' }, { error: 'again' }])
    expect(flakyOf(twice).map((x) => x.name)).toEqual(['pays'])
    expect(flakyOf(first)).toEqual([])
  })
})

describe('judging the run by each test’s last attempt', () => {
  const first = run('failed', { total: 10, passed: 8, failed: 2 })
  const tests = (statuses: TestResult['status'][]) =>
    statuses.map((s, i) => ({ ...t(`t${i}`, s), ...(s === 'passed' && i < 2 ? { earlierFailures: [{ error: 'x' }] } : {}) }))

  it('every failed test passed on a re-run: passed, the counts moved, flaky counted, the re-runs named', () => {
    const j = judged(first, tests(['passed', 'passed']), [run('passed', {}, '1002')], false)
    expect(j).toMatchObject({
      id: '1001',
      status: 'passed',
      flaky: 2,
      counts: { total: 10, passed: 10, failed: 0 },
      refs: { rerunIds: '1002' }
    })
    expect(j.providerStatus).toBe('STATUS_COMPLETED/FAILURE, re-run: STATUS_COMPLETED/SUCCESS')
  })

  it('a failure the run counted that the per-test results do not list was never re-run: still failed', () => {
    const counted3 = run('failed', { total: 10, passed: 7, failed: 3 })
    expect(judged(counted3, tests(['passed', 'passed']), [run('passed', {}, '1002')], false).status).toBe('failed')
  })

  it('failOnFlaky: the same run fails', () => {
    expect(judged(first, tests(['passed', 'passed']), [run('passed', {}, '1002')], true).status).toBe('failed')
  })

  it('a test still failing: failed', () => {
    expect(judged(first, tests(['passed', 'failed']), [run('failed', {}, '1002')], false)).toMatchObject({ status: 'failed', flaky: 1 })
  })

  it('a re-run that did not end as a run of tests (cancelled, an error, the deadline) proves nothing: failed', () => {
    for (const status of ['cancelled', 'error', 'timed_out'] as const)
      expect(judged(first, tests(['passed', 'passed']), [run(status, {}, '1002')], false).status).toBe('failed')
    expect(judged(first, tests(['failed', 'failed']), [], false).status).toBe('failed')
  })
})

describe('the pull-request comment of a run with re-runs', () => {
  it('lists the flaky tests apart from the failed ones, with the error they first failed with', () => {
    const body = commentBody(
      { title: 'Testsigma 2090', key: 'k', sha: 'a'.repeat(40) },
      run('passed', { total: 2, passed: 2, failed: 0 }),
      [{ ...t('pays', 'passed'), earlierFailures: [{ error: 'boom' }] }, t('loads', 'passed')]
    )
    expect(body).toContain('Flaky tests: passed only on a re-run (1)')
    expect(body).toContain('| pays | Checkout | boom |')
    expect(body).not.toContain('Failed tests')
  })
})
