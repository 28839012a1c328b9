// A step of several runs (README, One gate over several runs) in this process, on the virtual clock
// and a platform of the test's own (Kiwi): the one deadline, failFast, a run whose reads fail for
// good beside runs that pass, failOnTestFailure over several runs, and the post step for each run.
import { post } from '../src/post.js'
import { PlatformError } from '../src/errors.js'
import type { Provider } from '../src/providers/types.js'
import type { startSandbox } from '../sandbox/server.js'
import { kiwi, kiwiOnVirtualClock, registryWith } from './fixtures/throwaway-platform.js'
import type { FakeClock } from './helpers/fake-clock.js'
import { inProcessStep } from './helpers/in-process.js'

const TOKEN = 'tok-CANARY-many-4e1'
const step = inProcessStep()
let box: Awaited<ReturnType<typeof startSandbox>>
let clock: FakeClock
kiwiOnVirtualClock((b, c) => ((box = b), (clock = c)))

const stops = () => box.requests.filter((r) => r.path.endsWith('/stop')).map((r) => r.path)
const base = () => ({
  provider: 'kiwi',
  token: TOKEN,
  wait: 'true',
  pollIntervalSeconds: '1',
  baseUrl: box.baseUrl('kiwi'),
  scenarioId: 'plan-a, plan-b, plan-c'
})
const kiwiStep = (inputs: Record<string, string> = {}, provider: Provider = kiwi) =>
  step.main({ inputs: { ...base(), ...inputs } }, { clock, registry: registryWith(provider) })
const runsOf = (outputs: Record<string, string>) =>
  (JSON.parse(outputs.result) as { runs: { run: string; status: string; runId?: string; problem?: string }[] }).runs

describe('a step of several runs', () => {
  it('one deadline for every run: each still running at it is timed out and (cancelOnAbort) stopped', async () => {
    box.script('kiwi', { queuedMs: 0, runMs: 1000 }, { queuedMs: 0, runMs: 600_000 }, { queuedMs: 0, runMs: 600_000 })
    const r = await kiwiStep({ timeoutMinutes: '0.05', cancelOnAbort: 'true' })
    expect(runsOf(r.outputs).map((x) => x.status)).toEqual(['passed', 'timed_out', 'timed_out'])
    expect(r.outputs.status).toBe('timed_out')
    expect(stops()).toHaveLength(2)
    // Both timed out at the step's one deadline, not one after the other.
    expect(clock.elapsed()).toBeLessThan(0.05 * 60_000 + 10_000)
    expect(step.errors()).toEqual([
      expect.stringMatching(/^::error::2 of 3 Kiwi runs failed the step: plan-b: Stopped waiting after 3s: .* plan-c: /)
    ])
  })

  it('failFast: the first run that fails the step stops the others’ waits and cancels them; without it, every run is seen to its end', async () => {
    const scripts = () =>
      box.script(
        'kiwi',
        { queuedMs: 0, runMs: 2000, end: 'failed', failed: 1 },
        { queuedMs: 0, runMs: 600_000 },
        { queuedMs: 0, runMs: 600_000 }
      )
    scripts()
    const fast = await kiwiStep({ failFast: 'true' })
    expect(runsOf(fast.outputs).map((x) => x.status)).toEqual(['failed', 'cancelled', 'cancelled'])
    expect(fast.outputs.status).toBe('failed')
    expect(stops()).toHaveLength(2)
    expect(clock.elapsed()).toBeLessThan(60_000)
    expect(step.errors()).toEqual([
      expect.stringMatching(
        /^::error::1 of 3 Kiwi runs failed the step: plan-a: Tests failed.*failFast stopped waiting for the other 2 runs\.$/
      )
    ])
    expect(step.summary()).toContain('1 of 3 runs did not pass, 2 stopped by failFast')

    scripts()
    const before = clock.elapsed()
    const slow = await kiwiStep({ timeoutMinutes: '20' })
    expect(runsOf(slow.outputs).map((x) => x.status)).toEqual(['failed', 'passed', 'passed'])
    expect(clock.elapsed() - before).toBeGreaterThanOrEqual(600_000)
    expect(stops()).toHaveLength(2)
  })

  it('a run whose reads fail for good is an error of that run: the others are followed to their end, and the verdict names it', async () => {
    const refusing: Provider = {
      ...kiwi,
      async status(ctx, runId, signal) {
        if (ctx.inputs.scenarioId === 'plan-b')
          throw new PlatformError({
            platform: 'Kiwi',
            action: 'read the run status',
            endpoint: 'GET /v1/runs/{id}',
            kind: 'http',
            status: 403,
            reached: true
          })
        return kiwi.status!(ctx, runId, signal)
      }
    }
    const r = await kiwiStep({}, refusing)
    const runs = runsOf(r.outputs)
    expect(runs.map((x) => x.status)).toEqual(['passed', 'error', 'passed'])
    expect(runs[1].problem).toMatch(/403/)
    expect(r.code).toBe(1)
    expect(r.outputs.status).toBe('error')
    expect(step.errors()).toEqual([expect.stringMatching(/^::error::1 of 3 Kiwi runs failed the step: plan-b: .*403/)])
  })

  it('failOnTestFailure: false over several runs: a failed run is a warning, and the step passes', async () => {
    box.script('kiwi', {}, { end: 'failed', failed: 2 }, {})
    const r = await kiwiStep({ failOnTestFailure: 'false' })
    expect(r.code).toBe(0)
    expect(r.outputs.status).toBe('failed')
    expect(step.errors()).toEqual([])
    expect(step.warnings()).toEqual([expect.stringMatching(/^::warning::1 of 3 Kiwi runs failed: plan-b: Tests failed: 2 of 10/)])
  })

  it('runs that fail for the same reason (a refused token) are named together, and the reason is said once', async () => {
    const r = await kiwiStep({ token: 'invalid-tok-CANARY-many' })
    expect(r.code).toBe(1)
    const [line] = step.errors()
    expect(line).toMatch(/^::error::3 of 3 Kiwi runs failed the step: plan-a, plan-b, plan-c: .*401/)
    // Kiwi's hint for a 401, once for the three runs.
    expect(line.match(/create a new Kiwi API key/g)).toHaveLength(1)
  })

  it('the counts are summed only where every run reports them; the first run names runId', async () => {
    const r = await kiwiStep()
    expect(r.outputs).toMatchObject({
      status: 'passed',
      totalCount: '30',
      passedCount: '30',
      failedCount: '0',
      runId: runsOf(r.outputs)[0].runId
    })
  })
})

describe('the post step of a step of several runs', () => {
  async function started(n: number): Promise<string[]> {
    const ids: string[] = []
    for (const plan of ['plan-a', 'plan-b', 'plan-c'].slice(0, n)) {
      box.script('kiwi', { queuedMs: 0, runMs: 600_000 })
      const res = await fetch(`${box.baseUrl('kiwi')}/v1/plans/${plan}/runs`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${TOKEN}` }
      })
      ids.push(String(((await res.json()) as { id: string }).id))
    }
    return ids
  }

  it('cancels every run the main step saved and did not see to its end; one it confirmed is left alone', async () => {
    const [a, b, c] = await started(3)
    step.enter({
      inputs: { ...base(), cancelOnAbort: 'true' },
      state: { isPost: 'true', runId: a, runId_2: b, runId_3: c, cancelSent_2: 'true' }
    })
    await post(clock, registryWith(kiwi))
    expect(stops().sort()).toEqual([`/v1/runs/${a}/stop`, `/v1/runs/${c}/stop`].sort())
    expect(step.state()).toMatchObject({ cancelSent: 'true', cancelSent_3: 'true' })
  })

  it('after a main step that ended, only the runs whose cancel is owed', async () => {
    const [a, b] = await started(2)
    step.enter({
      inputs: { ...base(), cancelOnAbort: 'true' },
      state: { isPost: 'true', runId: a, runId_2: b, done: 'true', cancelOwed_2: 'true' }
    })
    await post(clock, registryWith(kiwi))
    expect(stops()).toEqual([`/v1/runs/${b}/stop`])
  })
})
