// A fifth platform that exists only in this test (fixtures/throwaway-platform.ts: a provider and its
// sandbox) joins a registry of the test's own and meets the shared suites: the fault matrix
// (faults.test.ts runs it on every platform and this one) and, here, the endings. The step runs in
// this process on the virtual clock; nothing in src/ names the platform.
import { startSandbox } from '../sandbox/server.js'
import { kiwi, kiwiSandbox, registryWith } from './fixtures/throwaway-platform.js'
import { inProcessStep } from './helpers/in-process.js'
import { platformUnderTest } from './helpers/platforms.js'

const TOKEN = 'tok-CANARY-kiwi-5e0'
const registry = registryWith(kiwi)
const KIWI = platformUnderTest(kiwi, kiwiSandbox().stepInputs)
const step = inProcessStep()

type Box = Awaited<ReturnType<typeof startSandbox>>
let box: Box
beforeEach(async () => {
  box = await startSandbox({ factories: [kiwiSandbox] })
})
afterEach(() => box.close())

/** The step on the virtual clock: sleeps, backoffs and the timeout take no wall-clock time. */
async function kiwiStep(inputs: Record<string, string>) {
  const base = { provider: 'kiwi', token: TOKEN, wait: 'true', pollIntervalSeconds: '1', baseUrl: box.baseUrl('kiwi') }
  return step.main({ inputs: { ...base, ...KIWI.stepInputs, ...inputs } }, { registry })
}

it('the platform is what its provider declares: it can be waited for, cancelled and listed', () => {
  expect(KIWI).toMatchObject({ pollable: true, canCancel: true, canList: true })
})

describe('the endings on a fifth platform', () => {
  it.each([
    ['passed', {}, 'passed', 0],
    ['failed', { end: 'failed', failed: 3 }, 'failed', 1],
    ['cancelled', { end: 'cancelled' }, 'cancelled', 1],
    ['error', { end: 'error' }, 'error', 1]
  ] as const)('a run that ends %s', async (_word, script, status, code) => {
    box.script('kiwi', { queuedMs: 0, runMs: 1, ...script })
    const r = await kiwiStep({})
    expect(r).toMatchObject({ code, outputs: { status, runId: expect.stringMatching(/^\d+$/) } })
    expect(step.summary()).toContain('Kiwi')
  })

  it('a word the provider does not list is never an ending: the step waits through it to the real one', async () => {
    box.script('kiwi', { queuedMs: 0, runMs: 400, unknown: 'WARMING', end: 'passed' })
    const r = await kiwiStep({})
    expect(r.outputs.status).toBe('passed')
    expect(step.stdout()).toMatch(/WARMING/)
  })
})
