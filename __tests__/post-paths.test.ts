// The post step's retries on the virtual clock, on a platform of the test's own (Kiwi) and variants
// of it: how often it tries, how long it waits, when it stops, and what it says (docs/reliability.md,
// "Post step").
import { jest } from '@jest/globals'
import { post } from '../src/post.js'
import { start } from '../src/main.js'
import type { Provider } from '../src/providers/types.js'
import type { startSandbox } from '../sandbox/server.js'
import { kiwi, kiwiOnVirtualClock, registryWith } from './fixtures/throwaway-platform.js'
import type { FakeClock } from './helpers/fake-clock.js'
import { inProcessStep } from './helpers/in-process.js'

const TOKEN = 'tok-CANARY-post-9f2'
const step = inProcessStep()
let box: Awaited<ReturnType<typeof startSandbox>>
let clock: FakeClock
kiwiOnVirtualClock((b, c) => ((box = b), (clock = c)))

const stops = () => box.requests.filter((r) => r.path.endsWith('/stop'))
const inputs = () => ({ provider: 'kiwi', token: TOKEN, scenarioId: 'plan-7', cancelOnAbort: 'true', baseUrl: box.baseUrl('kiwi') })

/** A run on the sandbox (ten minutes long unless scripted), started through its API; its ID. */
async function aRun(script: Record<string, unknown> = { queuedMs: 0, runMs: 600_000 }): Promise<string> {
  box.script('kiwi', script)
  const res = await fetch(`${box.baseUrl('kiwi')}/v1/plans/plan-7/runs`, { method: 'POST', headers: { Authorization: `Bearer ${TOKEN}` } })
  return String(((await res.json()) as { id: string }).id)
}

async function postStep(runId: string, provider: Provider = kiwi, state: Record<string, string> = { cancelOwed: 'true' }) {
  step.enter({ inputs: inputs(), state: { isPost: 'true', runId, ...state } })
  await post(clock, registryWith(provider))
  expect(step.stdout().replaceAll(`::add-mask::${TOKEN}`, '')).not.toContain(TOKEN)
  expect(process.exitCode).toBe(0)
}

it('a stop that keeps failing for now: three tries, 1 s then 2 s apart, then one warning with the time it took', async () => {
  const id = await aRun()
  box.fault('kiwi', { on: 'cancel', do: 'status', status: 500, times: 3 })
  await postStep(id)
  expect(stops()).toHaveLength(3)
  expect(clock.sleeps).toEqual([1000, 2000])
  expect(step.stdout().match(new RegExp(`Could not cancel run ${id} on Kiwi: .*HTTP 500`, 'g'))).toHaveLength(3)
  expect(step.warnings()).toEqual([expect.stringMatching(/HTTP 500.* Gave up after 3 s: check Runs in Kiwi\.$/)])
})

it('a stop that works on the second try: no warning, and the debt is cleared', async () => {
  const id = await aRun()
  box.fault('kiwi', { on: 'cancel', do: 'status', status: 500 })
  await postStep(id)
  expect(stops()).toHaveLength(2)
  expect(step.warnings()).toEqual([])
  expect(step.state()).toMatchObject({ cancelSent: 'true', cancelOwed: '' })
})

it('a read before the stop that fails: said, and the stop is still sent', async () => {
  const id = await aRun()
  box.fault('kiwi', { on: 'poll', do: 'status', status: 500, times: 3 })
  await postStep(id)
  expect(step.stdout()).toMatch(new RegExp(`Could not read run ${id} before cancelling it \\(HTTP 500[^)]*\\)\\.`))
  expect(stops()).toHaveLength(1)
})

it('a read that throws something else: said as an unexpected error, and the stop is still sent', async () => {
  const id = await aRun()
  await postStep(id, { ...kiwi, status: () => Promise.reject(new Error('boom')) })
  expect(step.stdout()).toContain(`Could not read run ${id} before cancelling it (unexpected error).`)
  expect(stops()).toHaveLength(1)
})

it('a read that names another run: going by what is known, the stop is sent', async () => {
  const id = await aRun()
  await postStep(id, { ...kiwi, status: async () => ({ id: '4242', status: 'passed', providerStatus: 'PASS', counts: {} }) })
  expect(step.stdout()).toContain(`Reading run ${id} before cancelling it gave run 4242 instead; going by what is known.`)
  expect(stops()).toHaveLength(1)
})

it('a platform that cannot be read: the stop is sent without a read', async () => {
  const id = await aRun()
  await postStep(id, { ...kiwi, status: undefined })
  expect(box.requests.filter((r) => r.method === 'GET')).toEqual([])
  expect(stops()).toHaveLength(1)
})

it('a run that ended: nothing to cancel, and the debt is cleared', async () => {
  const id = await aRun({ queuedMs: 0, runMs: 1 })
  clock.ms += 10
  await postStep(id)
  expect(stops()).toEqual([])
  expect(step.stdout()).toContain(`Run ${id} has ended (PASS): nothing to cancel.`)
  expect(step.state().cancelOwed).toBe('')
})

it('a read that used up the budget: no stop is sent in the last second, and nothing is claimed', async () => {
  const id = await aRun()
  const slow: Provider = {
    ...kiwi,
    status: async (ctx, runId, signal) => {
      clock.ms += 19_500
      return kiwi.status!(ctx, runId, signal)
    }
  }
  await postStep(id, slow)
  expect(stops()).toEqual([])
  expect(step.warnings()).toEqual([])
})

it('a failure with under 2 s of the budget left: no second try, and the warning counts the time', async () => {
  const id = await aRun()
  const slow: Provider = {
    ...kiwi,
    cancel: async () => {
      clock.ms += 18_500
      throw new Error('stuck')
    }
  }
  await postStep(id, slow)
  expect(clock.sleeps).toEqual([])
  expect(step.warnings()).toEqual([
    expect.stringMatching(/Could not cancel run \d+ on Kiwi: Error: stuck\. Gave up after 19 s: check Runs in Kiwi\.$/)
  ])
})

it('a refusal meant for good: said once as it is, without "Gave up"', async () => {
  const id = await aRun()
  await postStep(id, { ...kiwi, refuseCancel: () => 'it could stop another run' })
  expect(step.warnings()).toEqual([`::warning::Did not cancel run ${id} on Kiwi: it could stop another run`])
})

it('post.js after a main step that began: the post step runs (and reads its inputs: the action’s registry has no Kiwi)', async () => {
  const id = await aRun()
  step.enter({ inputs: inputs(), state: { isPost: 'true', runId: id } })
  await start('/home/runner/work/_actions/acme/ttr/v1/dist/post.js', jest.fn())
  expect(step.errors()[0]).toMatch(/Input `provider` must be one of evaficy, testsigma, testery, gearset\./)
  expect(stops()).toEqual([])
})
