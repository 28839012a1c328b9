// The outputs over a step's several runs (README, One gate over several runs): the worst status,
// counts summed only where every run reports them, the first run's ID, every run in `result`.
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { batchOutputs, buildBatchSummary, combined, concludeBatch, shownState, type BatchRun } from '../src/batch-report.js'
import type { Inputs } from '../src/inputs.js'
import type { RunState, TestResult } from '../src/model.js'
import type { ReportContext } from '../src/report.js'
import { captureStdout } from './helpers/stdout.js'
import { rendered } from './helpers/summary.js'

const t = (name: string, status: TestResult['status'], error?: string): TestResult => ({ name, suite: 'Checkout', status, error })

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

describe('the summary and the verdict of several runs', () => {
  const log = captureStdout()
  const inputs = (over: Partial<Inputs> = {}): Inputs =>
    ({
      provider: 'testsigma',
      failOnNoTests: true,
      failOnTestFailure: true,
      annotateTests: true,
      cancelOnAbort: false,
      runs: [
        { scenarioId: '2090', environment: '10' },
        { scenarioId: '2091', environment: '10' }
      ],
      ...over
    }) as Inputs
  const report: ReportContext = {
    provider: 'testsigma',
    platform: 'Testsigma',
    buildVersion: '812',
    details: [{ label: 'Test code', value: 'main' }],
    notes: ['A note.'],
    nextStep: 'It goes on.'
  }
  const v = { platform: 'Testsigma', failOnTestFailure: true, cancelOnAbort: false, timeoutMinutes: 60 }
  const passed = (id: string, extra: Partial<RunState> = {}) =>
    run(id, 'passed', { total: 10, passed: 10, failed: 0 }, { message: 'completed', ...extra })
  const failed = (id: string) => run(id, 'failed', { total: 10, passed: 8, failed: 2 }, { message: 'two failed' })
  const verdicts = () => log.commands().filter((l) => /^::(error|warning|notice)::/.test(l))

  it('all passed: the heading says so, a row per run, the column names the inputs that tell them apart, the shared build once', () => {
    const html = rendered(() =>
      buildBatchSummary({ inputs: inputs(), title: 'Testsigma', report }, [
        { label: '2090 · 10', run: passed('1'), cancelled: false },
        { label: '2091 · 10', run: passed('2'), cancelled: false }
      ])
    )
    expect(html).toContain('<h2>✅ All 2 runs passed on Testsigma</h2>')
    expect(html).toContain('<th>scenarioId · environment</th>')
    expect(html).toContain('<td>2090 · 10</td>')
    expect(html.match(/<code>812<\/code>/g)).toHaveLength(1)
    expect(html).toContain('<th>Test code</th><td>main</td>')
    expect(html).toContain('A note.')
    // A passed run's own line is not repeated on every row; a failed run's is.
    expect(html).not.toContain('completed')
  })

  it('one failed, one stopped by failFast: the heading counts both, each row says why, the failed tests come by run', () => {
    const html = rendered(() =>
      buildBatchSummary({ inputs: inputs({ runs: [{ runId: '1' }, { runId: '2' }] }), title: 'Testsigma', report }, [
        { label: 'run 1', run: failed('1'), tests: [t('pays', 'failed', 'boom')], cancelled: false },
        { label: 'run 2', run: run('2', 'running', {}), stopped: 'failFast', cancelled: true }
      ])
    )
    expect(html).toContain('<h2>❌ 1 of 2 runs did not pass, 1 stopped by failFast on Testsigma</h2>')
    expect(html).toContain('<th>runId</th>')
    expect(html).toContain('two failed')
    expect(html).toContain('Not waited for: another run failed the step &#40;failFast&#41;; cancelled on the platform.')
    expect(html).toContain('<h3>Failed tests: run 1 (1)</h3>')
  })

  it('a run that never started, and the workflow cancelled: the heading and the row say so', () => {
    const html = rendered(() =>
      buildBatchSummary({ inputs: inputs(), title: 'Testsigma', report }, [
        { label: '2090 · 10', failure: 'Could not start.', cancelled: false },
        { label: '2091 · 10', run: run('2', 'running', {}), stopped: 'signal', cancelled: false }
      ])
    )
    expect(html).toContain('<h2>⚠️ The workflow was cancelled while waiting for 2 runs on Testsigma</h2>')
    expect(html).toContain('⚠️ not started<br>Could not start.')
    expect(html).toContain('The workflow was cancelled while this step waited.')
  })

  it('the heading counts what did not pass apart from what failFast stopped; a step that started runs says so; every column is named', () => {
    const headingOf = (runs: BatchRun[], over: Partial<Inputs> = {}) =>
      /<h2>(.*?)<\/h2>/.exec(rendered(() => buildBatchSummary({ inputs: inputs(over), title: 'Testsigma', report }, runs)))![1]
    expect(
      headingOf([
        { label: 'a', run: passed('1'), cancelled: false },
        { label: 'b', run: failed('2'), cancelled: false },
        { label: 'c', run: run('3', 'running', {}), stopped: 'failFast', cancelled: false }
      ])
    ).toBe('❌ 1 of 3 runs did not pass, 1 stopped by failFast on Testsigma')
    expect(
      headingOf([
        { label: 'a', run: passed('1'), cancelled: false },
        { label: 'b', run: failed('2'), cancelled: false }
      ])
    ).toBe('❌ 1 of 2 runs did not pass on Testsigma')
    expect(
      headingOf([
        { label: 'a', run: run('1', 'triggered', {}), cancelled: false },
        { label: 'b', run: run('2', 'triggered', {}), cancelled: false }
      ])
    ).toBe('🚀 2 test runs created on Testsigma')
    const html = rendered(() =>
      buildBatchSummary({ inputs: inputs({ runs: [{ scenarioId: '2090' }, { scenarioId: '2091' }] }), title: 'Testsigma', report }, [
        { label: '2090', run: failed('1'), cancelled: false },
        { label: '2091', run: run('2', 'running', {}), stopped: 'signal', cancelled: true }
      ])
    )
    expect(html).toContain('<tr><th>Run</th><th>scenarioId</th><th>Testsigma status</th><th>Tests</th><th>Run time</th></tr>')
    expect(html).toContain('❌ <code>FAILED</code><br>two failed')
    expect(html).toContain('The workflow was cancelled while this step waited; cancelled on the platform.')
  })

  it('no run known: no run time is made up', () => {
    expect(combined([undefined]).startedAt).toBeUndefined()
    expect(combined([undefined]).counts).toEqual({ total: undefined, passed: undefined, failed: undefined, skipped: undefined })
  })

  it('verdict: all passed is a notice naming each run and its ID', () => {
    concludeBatch(
      { inputs: inputs(), title: 'Testsigma', report },
      [
        { label: '2090 · 10', run: passed('1'), cancelled: false },
        { label: '2091 · 10', run: passed('2'), cancelled: false }
      ],
      v
    )
    expect(verdicts()).toEqual(['::notice::All 2 Testsigma runs passed: 2090 · 10 (id 1), 2091 · 10 (id 2).'])
  })

  it('verdict: started, not followed (Evaficy) is a notice for each run', () => {
    concludeBatch(
      { inputs: inputs(), title: 'Evaficy', report },
      [
        { label: 'a', run: run('1', 'triggered', {}), cancelled: false },
        { label: 'b', run: run('2', 'triggered', {}), cancelled: false }
      ],
      { ...v, platform: 'Evaficy' }
    )
    expect(verdicts()).toEqual(['::notice::Started 2 Evaficy runs: a: Evaficy run (id 1). b: Evaficy run (id 2).'])
  })

  it('verdict: the workflow cancelled, with and without cancelOnAbort, and how many were cancelled', () => {
    const stopped = (cancelled: boolean): BatchRun => ({ label: 'x', run: run('1', 'running', {}), stopped: 'signal', cancelled })
    concludeBatch({ inputs: inputs(), title: 'Testsigma', report }, [stopped(false), stopped(false)], v)
    concludeBatch({ inputs: inputs({ cancelOnAbort: true }), title: 'Testsigma', report }, [stopped(false), stopped(false)], v)
    concludeBatch({ inputs: inputs({ cancelOnAbort: true }), title: 'Testsigma', report }, [stopped(true), stopped(false)], v)
    concludeBatch({ inputs: inputs({ cancelOnAbort: true }), title: 'Testsigma', report }, [stopped(true), stopped(true)], v)
    expect(verdicts().map((l) => l.replace(/^::error::The workflow was cancelled while waiting for 2 Testsigma runs: /, ''))).toEqual([
      'they go on there (cancelOnAbort is false).',
      'they were not cancelled (see the warnings above).',
      'cancelled 1 of them on the platform (see the warnings above for the others).',
      'cancelled 2 of them on the platform.'
    ])
  })

  it('verdict: failOnTestFailure false makes a failed run a warning; a run that failed the step for another reason stays an error', () => {
    const runs: BatchRun[] = [
      { label: 'a', run: failed('1'), cancelled: false },
      { label: 'b', run: passed('2'), cancelled: false }
    ]
    concludeBatch({ inputs: inputs({ failOnTestFailure: false }), title: 'Testsigma', report }, runs, { ...v, failOnTestFailure: false })
    expect(verdicts()).toEqual([expect.stringMatching(/^::warning::1 of 2 Testsigma runs failed: a: Tests failed: 2 of 10/)])
    expect(process.exitCode).toBeUndefined()
  })

  it('verdict: one failed and one stopped by failFast: the failure named, the stop counted', () => {
    concludeBatch(
      { inputs: inputs(), title: 'Testsigma', report },
      [
        { label: 'a', run: failed('1'), cancelled: false },
        { label: 'b', run: run('2', 'running', {}), stopped: 'failFast', cancelled: true }
      ],
      v
    )
    expect(verdicts()).toEqual([
      expect.stringMatching(
        /^::error::1 of 2 Testsigma runs failed the step: a: Tests failed: 2 of 10 .* failFast stopped waiting for the other run\.$/
      )
    ])
    expect(process.exitCode).toBe(1)
  })

  it('per-test annotations name the run, and the JUnit file has a testsuite per run with tests', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ttr-batch-'))
    const junitPath = join(dir, 'r.xml')
    concludeBatch(
      { inputs: inputs({ junitPath }), title: 'Testsigma', report },
      [
        { label: 'a', run: failed('1'), tests: [t('pays', 'failed', 'boom'), t('loads', 'passed')], cancelled: false },
        { label: 'b', run: passed('2'), tests: [t('loads', 'passed')], cancelled: false },
        { label: 'c', run: passed('3'), cancelled: false }
      ],
      v
    )
    expect(log.commands()).toContainEqual(expect.stringMatching(/^::error title=Testsigma a%3A Checkout › pays::boom$/))
    const xml = readFileSync(junitPath, 'utf8')
    expect(xml.match(/<testsuite /g)).toHaveLength(2)
    expect(xml).toContain('<testsuites name="Testsigma runs 1, 2" tests="3" failures="1"')
    expect(xml).toContain('<testsuite name="a (run 1)" tests="2" failures="1"')
  })
})
