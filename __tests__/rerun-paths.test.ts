// Re-running failed tests (docs/how-it-works.md, Flaky tests) in this process, on one virtual clock
// for the step and the sandbox's Testsigma: the re-run loop itself, which the end-to-end suite
// (e2e-rerun.test.ts) runs through dist/index.js.
import { FACTORIES } from '../sandbox/server.js'
import type { FakeClock } from './helpers/fake-clock.js'
import { sandboxOnVirtualClock, type Sandbox } from './helpers/virtual-sandbox.js'
import { inProcessStep } from './helpers/in-process.js'

const TOKEN = 'tok-CANARY-rerun-paths-6d0'
const step = inProcessStep()

let box: Sandbox
let clock: FakeClock
sandboxOnVirtualClock((b, c) => ((box = b), (clock = c)), { factories: FACTORIES })

const testsigma = (inputs: Record<string, string> = {}) =>
  step.main(
    {
      inputs: {
        provider: 'testsigma',
        token: TOKEN,
        wait: 'true',
        pollIntervalSeconds: '1',
        timeoutMinutes: '10',
        baseUrl: box.baseUrl('testsigma'),
        scenarioId: '2090',
        ...inputs
      }
    },
    { clock }
  )
const reruns = () =>
  box.requests
    .filter((q) => q.method === 'POST' && (q.body as { isReRun?: boolean }).isReRun)
    .map((q) => (q.body as { executionResultId: string }).executionResultId)
const script = (...s: Record<string, unknown>[]) => box.script('testsigma', ...s.map((x) => ({ queuedMs: 100, runMs: 900, ...x })))

describe('the re-run loop', () => {
  it('each re-run re-runs what failed in the one before, while tests still fail, up to rerunFailed', async () => {
    script({ end: 'failed', failed: 3 }, { end: 'failed', failed: 2 }, { end: 'failed', failed: 1 }, {})
    const r = await testsigma({ rerunFailed: '3' })
    expect(reruns()).toEqual(['1001', '1002', '1003'])
    expect(r.outputs).toMatchObject({ status: 'passed', flakyCount: '3', failedCount: '0', runId: '1001' })
    expect(JSON.parse(r.outputs.result).rerunIds).toBe('1002,1003,1004')
    expect(step.stdout()).toContain('Re-running the 3 failed tests of run 1001 (re-run 1 of 3)…')
    expect(step.stdout()).toContain('Re-running the 1 failed test of run 1003 (re-run 3 of 3)…')
    // The post step would cancel the re-run, the run the step last followed.
    expect(r.state.runId).toBe('1004')
  })

  it('stops once no test fails: no re-run is asked for beyond that', async () => {
    script({ end: 'failed', failed: 2 }, {})
    const r = await testsigma({ rerunFailed: '3' })
    expect(reruns()).toEqual(['1001'])
    expect(r.outputs.flakyCount).toBe('2')
  })

  it('stops at rerunFailed: the tests still failing fail the step, the ones that passed are flaky', async () => {
    script({ end: 'failed', failed: 2 }, { end: 'failed', failed: 1 })
    const r = await testsigma({ rerunFailed: '1' })
    expect(reruns()).toEqual(['1001'])
    expect(r.code).toBe(1)
    expect(r.outputs).toMatchObject({ status: 'failed', flakyCount: '1', failedCount: '1' })
    expect(step.warnings()).toContainEqual(
      expect.stringMatching(/^::warning::1 test passed only on a re-run \(flaky\): Login › applies a coupon$/)
    )
  })

  it('a refused re-run: a warning, nothing more asked for, the run’s own verdict', async () => {
    script({ end: 'failed', failed: 2 })
    box.fault('testsigma', { on: 'trigger', do: 'pass' }, { on: 'trigger', do: 'status', status: 400 })
    const r = await testsigma({ rerunFailed: '3' })
    expect(reruns()).toEqual(['1001'])
    expect(r.outputs).toMatchObject({ status: 'failed', flakyCount: '0', failedCount: '2' })
    expect(step.warnings()).toContainEqual(
      expect.stringMatching(
        /^::warning::Re-running the failed tests stopped: the re-run could not be started: .*The verdict is the run's own\.$/
      )
    )
    expect(step.summary()).toContain('Re-running stopped: the re-run could not be started')
  })

  it('a re-run still running at the deadline proves nothing: failed, and it says the re-run did not end', async () => {
    script({ end: 'failed', failed: 2, runMs: 5000 }, { runMs: 600_000 })
    const r = await testsigma({ rerunFailed: '1', timeoutMinutes: '0.5' })
    expect(r.code).toBe(1)
    expect(r.outputs).toMatchObject({ status: 'failed', failedCount: '2' })
    expect(step.warnings()).toContainEqual(expect.stringMatching(/Re-running the failed tests stopped: re-run 1002 ended timed_out/))
  })

  it('without rerunFailed nothing is re-run and no flakyCount is written', async () => {
    script({ end: 'failed', failed: 2 })
    const r = await testsigma()
    expect(reruns()).toEqual([])
    expect(r.outputs.flakyCount).toBeUndefined()
  })
})
