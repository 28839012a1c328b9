// Re-running failed tests (rerunFailed; docs/how-it-works.md, Flaky tests), end to end through the
// bundle against the sandbox's Testsigma, which re-runs a run's failed tests as the vendor documents
// (docs/platforms.md §1.2): a flaky test passes on a re-run, a test fails again, the re-run's start
// is refused, a signal comes during the re-run, failOnFlaky, and the inputs that cannot be.
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { errorsOf, expectNoLeak, sandboxPerTest, warningsOf } from './helpers/step.js'

const TOKEN = 'tok-CANARY-rerun-3b8'
const inSandbox = sandboxPerTest(TOKEN, 'rerun')
const junitFile = () => join(mkdtempSync(join(tmpdir(), 'ttr-rerun-')), 'results.xml')
const starts = (box: { requests: { method: string; path: string; body: unknown }[] }) =>
  box.requests.filter((q) => q.method === 'POST' && q.path === '/api/v1/execution_results').map((q) => q.body as Record<string, unknown>)

describe('rerunFailed on Testsigma', () => {
  it.concurrent('a test that fails and then passes on the re-run: the gate passes, and the flaky tests are named everywhere', () =>
    inSandbox(async (box, run) => {
      box.script('testsigma', { end: 'failed', failed: 2 }, {})
      const junit = junitFile()
      const r = await run('testsigma', { rerunFailed: '2', junitPath: junit })
      expect(r.code).toBe(0)
      expect(r.outputs).toMatchObject({ status: 'passed', flakyCount: '2', failedCount: '0', passedCount: '10' })
      // The re-run is the documented call: the same start, naming the run and only its failed tests.
      const [first, again] = starts(box)
      expect(again).toEqual({ executionId: '2090', executionResultId: r.outputs.runId, isReRun: true, reRunType: 'ONLY_FAILED_TESTS' })
      expect(first.isReRun).toBeUndefined()
      // The re-run's start has a key of its own, made from the step's (unique to this step).
      const keys = box.requests.filter((q) => q.method === 'POST').map((q) => String(q.headers['idempotency-key']))
      expect(keys).toEqual([r.state.idempotencyKey, `${r.state.idempotencyKey}-rerun-1`])
      expect(r.state.idempotencyKey).toMatch(/^[0-9a-f-]{36}$/)
      expect(JSON.parse(r.outputs.failedTests).count).toBe(0)
      expect(warningsOf(r)).toContainEqual(
        expect.stringMatching(/2 tests passed only on a re-run \(flaky\): Checkout › loads the page, Login › applies a coupon/)
      )
      expect(r.stdout).toMatch(/::notice::Tests passed: .*\(2 of them only on a re-run: flaky/)
      expect(r.summary).toContain('Flaky tests (2): passed only on a re-run')
      expect(r.summary).toContain('The failed tests were re-run once')
      const xml = readFileSync(junit, 'utf8')
      expect(xml.match(/<flakyFailure /g)).toHaveLength(2)
      expect(xml).not.toContain('<failure')
      expectNoLeak(r, TOKEN)
    })
  )

  it.concurrent('a test that fails again on every re-run: the gate fails on its last attempt, with each failure in JUnit', () =>
    inSandbox(async (box, run) => {
      box.script('testsigma', { end: 'failed', failed: 2 }, { end: 'failed', failed: 1 }, { end: 'failed', failed: 1 })
      const junit = junitFile()
      const r = await run('testsigma', { rerunFailed: '2', junitPath: junit })
      expect(r.code).toBe(1)
      expect(r.outputs).toMatchObject({ status: 'failed', flakyCount: '1', failedCount: '1' })
      expect(starts(box)).toHaveLength(3)
      // The second re-run names the first re-run: it re-runs what failed last.
      expect(starts(box)[2].executionResultId).toBe(String(Number(r.outputs.runId) + 1))
      expect(errorsOf(r).at(-1)).toMatch(/^::error::Tests failed: 1 of 10 tests failed/)
      const listed = JSON.parse(r.outputs.failedTests) as { count: number; tests: { name: string }[] }
      expect(listed.tests.map((t) => t.name)).toEqual(['loads the page'])
      const xml = readFileSync(junit, 'utf8')
      expect(xml.match(/<rerunFailure /g)).toHaveLength(2)
      expect(xml.match(/<flakyFailure /g)).toHaveLength(1)
    })
  )

  it.concurrent('the re-run’s start is refused: a clear warning, and the run’s own verdict stands', () =>
    inSandbox(async (box, run) => {
      box.script('testsigma', { end: 'failed', failed: 2 })
      box.fault('testsigma', { on: 'trigger', do: 'pass' }, { on: 'trigger', do: 'status', status: 403 })
      const r = await run('testsigma', { rerunFailed: '1' })
      expect(r.code).toBe(1)
      expect(r.outputs).toMatchObject({ status: 'failed', failedCount: '2', flakyCount: '0' })
      expect(warningsOf(r)).toContainEqual(expect.stringMatching(/the re-run could not be started: .*403.*The verdict is the run's own\./))
      expect(errorsOf(r).at(-1)).toMatch(/^::error::Tests failed: 2 of 10 tests failed/)
      expect(r.summary).toContain('Re-running stopped: the re-run could not be started')
    })
  )

  it.concurrent('a re-run that ends cancelled proves nothing: a warning, and the run’s own verdict stands', () =>
    inSandbox(async (box, run) => {
      box.script('testsigma', { end: 'failed', failed: 2 }, { end: 'cancelled' })
      const r = await run('testsigma', { rerunFailed: '2' })
      expect(r.code).toBe(1)
      expect(r.outputs).toMatchObject({ status: 'failed', failedCount: '2', flakyCount: '0' })
      expect(starts(box)).toHaveLength(2)
      expect(warningsOf(r)).toContainEqual(
        expect.stringMatching(/Re-running the failed tests stopped: re-run \d+ ended cancelled .*The verdict is the run's own\./)
      )
      expect(errorsOf(r).at(-1)).toMatch(/^::error::Tests failed: 2 of 10 tests failed/)
    })
  )

  it.concurrent('a signal during the re-run: the re-run is cancelled (cancelOnAbort) and the step says so', () =>
    inSandbox(async (box, run) => {
      box.script('testsigma', { end: 'failed', failed: 2 }, { runMs: 60_000 })
      const r = await run(
        'testsigma',
        { rerunFailed: '1', cancelOnAbort: 'true' },
        {
          onStart: (child) => {
            let log = ''
            child.stdout?.on('data', (c) => {
              log += c
              if (!child.killed && /Re-run 1: running \(/.test(log)) child.kill('SIGINT')
            })
          }
        }
      )
      expect(r.code).toBe(1)
      const rerunId = String(Number(JSON.parse(r.outputs.result).runId))
      expect(errorsOf(r).at(-1)).toMatch(
        new RegExp(`cancelled while waiting for Testsigma run .*\\(id ${rerunId}\\): cancelled it on the platform`)
      )
      expect(box.requests.filter((q) => q.method === 'PUT').map((q) => q.path)).toEqual([`/api/v1/execution_results/${rerunId}`])
      expect(r.state.runId).toBe(rerunId)
    })
  )

  it.concurrent('failOnFlaky: every test passed in the end, some only on a re-run, and the step fails saying why', () =>
    inSandbox(async (box, run) => {
      box.script('testsigma', { end: 'failed', failed: 1 }, {})
      const r = await run('testsigma', { rerunFailed: '1', failOnFlaky: 'true' })
      expect(r.code).toBe(1)
      expect(r.outputs).toMatchObject({ status: 'failed', flakyCount: '1', failedCount: '0' })
      expect(errorsOf(r).at(-1)).toMatch(/^::error::1 test passed only on a re-run \(flaky\), and failOnFlaky is true: /)
    })
  )

  it.concurrent('per-test results that cannot be read: nothing is re-run (which tests failed is not known), and the summary says so', () =>
    inSandbox(async (box, run) => {
      box.script('testsigma', { end: 'failed', failed: 2 })
      box.fault('testsigma', { on: 'results', do: 'status', status: 404, times: 5 })
      const r = await run('testsigma', { rerunFailed: '2' })
      expect(r.code).toBe(1)
      expect(starts(box)).toHaveLength(1)
      expect(r.summary).toContain('The failed tests were not re-run &#40;rerunFailed&#41;: their per-test results could not be read')
    })
  )

  it.concurrent('a run that passes is not re-run; flakyCount says 0', () =>
    inSandbox(async (box, run) => {
      const r = await run('testsigma', { rerunFailed: '3' })
      expect(r.outputs).toMatchObject({ status: 'passed', flakyCount: '0' })
      expect(starts(box)).toHaveLength(1)
    })
  )
})

describe('rerunFailed: what cannot be', () => {
  it.concurrent.each([
    ['testsigma', { rerunFailed: '4' }, 'Input `rerunFailed` must be at most 3: a test that fails 4 times is not flaky.'],
    ['testsigma', { rerunFailed: 'two' }, 'Input `rerunFailed` must be a whole number of re-runs, 0 to 3.'],
    [
      'testsigma',
      { rerunFailed: '1', wait: 'false' },
      'Input `rerunFailed` needs `wait: true`: a failed run is re-run only once this step has seen it end.'
    ],
    [
      'gearset',
      { rerunFailed: '1' },
      "Input `rerunFailed` cannot be used with gearset: this action re-runs failed tests only where the platform documents a re-run of only a run's failed tests (testsigma)."
    ],
    [
      'testery',
      { rerunFailed: '1' },
      "Input `rerunFailed` cannot be used with testery: this action re-runs failed tests only where the platform documents a re-run of only a run's failed tests (testsigma)."
    ],
    [
      'testsigma',
      { rerunFailed: '1', scenarioId: '2090, 2091' },
      'Input `rerunFailed` works on a step of one run: give one `scenarioId` and `environment`, or use a matrix.'
    ]
  ] as const)('%s %j: one line, nothing sent', (platform, inputs, line) =>
    inSandbox(async (box, run) => {
      const r = await run(platform, inputs)
      expect(r.code).toBe(1)
      expect(errorsOf(r)[0]).toBe(`::error::${line}`)
      expect(box.requests).toEqual([])
    })
  )
})
