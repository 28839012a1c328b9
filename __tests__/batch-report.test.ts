// The outputs over a step's several runs (README, One gate over several runs): the worst status,
// counts summed only where every run reports them, the first run's ID, every run in `result`.
import { batchOutputs, combined, shownState, type BatchRun } from '../src/batch-report.js'
import type { RunState } from '../src/model.js'

const run = (id: string, status: RunState['status'], counts: RunState['counts'] = {}, extra: Partial<RunState> = {}): RunState => ({
  id,
  status,
  providerStatus: status.toUpperCase(),
  counts,
  ...extra
})

describe('the outputs of several runs', () => {
  it('status: the worst, a failed test before a stopped run, an error before anything; passed only when every run passed', () => {
    const of = (...s: RunState['status'][]) => combined(s.map((x, i) => run(String(i), x))).status
    expect(of('passed', 'passed')).toBe('passed')
    expect(of('passed', 'failed', 'cancelled')).toBe('failed')
    expect(of('cancelled', 'timed_out')).toBe('timed_out')
    expect(of('failed', 'timed_out')).toBe('failed')
    expect(of('passed', 'error', 'failed')).toBe('error')
    expect(of('triggered', 'triggered')).toBe('triggered')
    expect(of('passed', 'running')).toBe('running')
    // A run that never started is an error of the step.
    expect(combined([run('1', 'passed'), undefined]).status).toBe('error')
  })

  it('providerStatus is the word of the run whose status stands for the step', () => {
    expect(combined([run('1', 'passed'), run('2', 'failed')]).providerStatus).toBe('FAILED')
  })

  it('counts are summed only where every run reports them (a sum of some is no total)', () => {
    const c = combined([
      run('1', 'passed', { total: 10, passed: 10, skipped: 1 }),
      run('2', 'failed', { total: 5, passed: 3, failed: 2 })
    ]).counts
    expect(c).toEqual({ total: 15, passed: 13, failed: undefined, skipped: undefined })
  })

  it('runId, name and link are the first run’s; the run time spans the first start to the last end', () => {
    const at = (s: number) => new Date(1_700_000_000_000 + s * 1000)
    const c = combined([
      run('a', 'passed', {}, { name: 'A', url: 'https://x/a', startedAt: at(10), endedAt: at(40) }),
      run('b', 'passed', {}, { startedAt: at(0), endedAt: at(90) })
    ])
    expect(c).toMatchObject({ id: 'a', name: 'A', url: 'https://x/a' })
    expect(c.startedAt).toEqual(at(0))
    expect(c.endedAt).toEqual(at(90))
    // One run without times: no span is made up.
    expect(combined([run('a', 'passed', {}, { startedAt: at(0), endedAt: at(9) }), run('b', 'passed')]).startedAt).toBeUndefined()
  })

  it('`result` carries every run in order, with what it ran and why one has no ending of its own', () => {
    const runs: BatchRun[] = [
      { label: '2090', run: run('1', 'passed'), cancelled: false },
      { label: '2091', failure: 'Could not start the test plan: HTTP 502.', cancelled: false },
      { label: '2092', run: run('3', 'running'), stopped: 'failFast', cancelled: true }
    ]
    const out = batchOutputs('testsigma', runs, true)
    expect(out.status).toBe('error')
    expect(out.runId).toBe('1')
    const result = JSON.parse(out.result) as { runs: Record<string, unknown>[] }
    expect(result.runs.map((r) => [r.run, r.runId, r.status, r.problem])).toEqual([
      ['2090', '1', 'passed', undefined],
      ['2091', undefined, 'error', 'Could not start the test plan: HTTP 502.'],
      ['2092', '3', 'cancelled', undefined]
    ])
  })

  it('a pass with no test executed is a failure of that run (failOnNoTests), as in a step of one run', () => {
    const empty: BatchRun = { label: 'p', run: run('1', 'passed', { total: 0, passed: 0, failed: 0 }), cancelled: false }
    expect(shownState(empty, true)?.status).toBe('failed')
    expect(shownState(empty, false)?.status).toBe('passed')
  })
})
