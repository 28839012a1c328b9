// The fault matrix through dist/index.js, run as the runner runs it, against a sandbox that injects
// each fault (trigger, poll, cancel). Every case checks the verdict,
// the number of runs created (never more than intended), the outputs and the token canary.
import { startSandbox } from '../sandbox/server.js'
import { errorsOf, expectNoLeak, step, warningsOf, type Sandbox, type StepResult } from './helpers/step.js'
import { PLATFORMS } from './helpers/platforms.js'
import { CASES } from './helpers/fault-cases.js'

const TOKEN = 'tok-CANARY-faults-31c'
// Built from what each provider declares, so a new platform is in the matrix without a line here.
// Every case meets every platform in-process (faults.test.ts); through the bundle, a case whose
// faults hold a request for wall-clock time (stall, drip) runs on every platform, and any other
// case on one platform, taken in turn, so each platform's bundle path meets a share of them.
const holdsTime = (c: (typeof CASES)[number]) => c.faults('http://x').some((f) => f.do === 'stall' || f.do === 'drip')
const MATRIX = CASES.flatMap((c, i) => {
  const able = PLATFORMS.filter((p) => p.pollable && (c.phase !== 'cancel' || p.canCancel))
  return (holdsTime(c) ? able : [able[i % able.length]]).map((p) => [c.phase, c.name, p.name, p, c] as const)
})

const others: Sandbox[] = []
afterAll(() => Promise.all(others.map((o) => o.close())))

describe('fault matrix', () => {
  it.concurrent.each(MATRIX)('%s: %s on %s', async (phase, _name, platform, p, c) => {
    const sandbox = await startSandbox()
    const other = await startSandbox()
    others.push(other)
    try {
      const cancelCase = phase === 'cancel'
      sandbox.script(platform, cancelCase ? { queuedMs: 100, runMs: 600_000 } : { queuedMs: 100, runMs: c.runMs ?? 900 })
      sandbox.fault(platform, ...c.faults(other.url).map((f) => ({ on: phase, ...f })))
      const r: StepResult = await step({
        inputs: {
          provider: platform,
          token: TOKEN,
          wait: 'true',
          pollIntervalSeconds: '1',
          baseUrl: sandbox.baseUrl(platform),
          ...p.stepInputs,
          ...(cancelCase ? { timeoutMinutes: '0.03', cancelOnAbort: 'true' } : { timeoutMinutes: '2' })
        },
        timeoutMs: 60_000
      })
      // A case passes only with its fault: one that no request met proves nothing.
      expect(sandbox.unfiredFaults(platform)).toEqual([])
      const want = c.expect(p)
      const created = sandbox.runs[platform] ?? 0
      const verdict = { code: r.code, status: r.outputs.status, runs: created }
      expect(verdict).toEqual({ code: want.code, status: want.status ?? r.outputs.status, runs: want.runs })
      if (want.status !== 'passed') expect(r.outputs.status).not.toBe('passed') // never a false pass
      if (want.message) expect(errorsOf(r).join('\n')).toMatch(want.message)
      if (want.warning) expect(warningsOf(r).join('\n')).toMatch(want.warning)
      if (created > 0 && want.code === 0) expect(r.outputs.runId).toMatch(/^[\w.-]+$/)
      expect(other.requests).toHaveLength(0) // nothing, and no credential, ever reached another origin
      expect(r.stderr).not.toMatch(/at .*\.js:\d+/)
      expectNoLeak(r, TOKEN)
    } finally {
      await sandbox.close()
    }
  })
})
