// The fault matrix in-process, on every platform the registry holds and a made-up fifth one
// (fixtures/throwaway-platform.ts): each case that does not hold a request for wall-clock time,
// on one virtual clock for the step and the sandbox's runs. The end-to-end matrix
// (e2e-faults.test.ts) runs the cases through dist/index.js as the runner does.
import { FACTORIES, startSandbox } from '../sandbox/server.js'
import { kiwi, kiwiSandbox, registryWith } from './fixtures/throwaway-platform.js'
import { CASES } from './helpers/fault-cases.js'
import { FakeClock } from './helpers/fake-clock.js'
import { inProcessStep } from './helpers/in-process.js'
import { PLATFORMS, platformUnderTest } from './helpers/platforms.js'

const TOKEN = 'tok-CANARY-faults-in-7a'
const registry = registryWith(kiwi)
const UNDER_TEST = [...PLATFORMS, platformUnderTest(kiwi, kiwiSandbox().stepInputs)].filter((p) => p.pollable)
const step = inProcessStep()

// Faults that hold a request for wall-clock time (stall, drip) stay in the end-to-end matrix.
const QUICK = CASES.filter((c) => !c.faults('http://x').some((f) => f.do === 'stall' || f.do === 'drip'))
const MATRIX = QUICK.flatMap((c) =>
  UNDER_TEST.filter((p) => c.phase !== 'cancel' || p.canCancel).map((p) => [c.phase, c.name, p.name, p, c] as const)
)

describe('fault matrix, in-process on the virtual clock', () => {
  it.each(MATRIX)('%s: %s on %s', async (phase, _name, platform, p, c) => {
    const clock = new FakeClock(0.5, 1000)
    const epoch = Date.now()
    const now = () => epoch + clock.elapsed()
    const box = await startSandbox({ factories: [...FACTORIES, kiwiSandbox], now })
    const other = await startSandbox({ factories: [kiwiSandbox] })
    try {
      const cancelCase = phase === 'cancel'
      box.script(platform, cancelCase ? { queuedMs: 100, runMs: 600_000 } : { queuedMs: 100, runMs: c.runMs ?? 900 })
      box.fault(platform, ...c.faults(other.url).map((f) => ({ on: phase, ...f })))
      const { outputs } = await step.main(
        {
          inputs: {
            provider: platform,
            token: TOKEN,
            wait: 'true',
            pollIntervalSeconds: '1',
            baseUrl: box.baseUrl(platform),
            ...p.stepInputs,
            ...(cancelCase ? { timeoutMinutes: '0.03', cancelOnAbort: 'true' } : { timeoutMinutes: '2' })
          }
        },
        { clock, registry }
      )
      expect(box.unfiredFaults(platform)).toEqual([])
      const want = c.expect(p)
      const created = box.runs[platform] ?? 0
      expect({ code: process.exitCode === 1 ? 1 : 0, status: outputs.status, runs: created }).toEqual({
        code: want.code,
        status: want.status ?? outputs.status,
        runs: want.runs
      })
      if (want.status !== 'passed') expect(outputs.status).not.toBe('passed') // never a false pass
      if (want.message) expect(step.errors().join('\n')).toMatch(want.message)
      if (want.warning) expect(step.warnings().join('\n')).toMatch(want.warning)
      expect(other.requests).toHaveLength(0)
    } finally {
      await Promise.all([box.close(), other.close()])
    }
  })
})
