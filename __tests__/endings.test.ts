// How a waited-for run ends, in-process on one virtual clock for the step and the sandbox's runs:
// every documented terminal state of every pollable platform, a word the provider does not list,
// and attaching by runId. The end-to-end suite (e2e-wait.test.ts) runs one of each kind through
// dist/index.js.
import { FACTORIES } from '../sandbox/server.js'
import { ENDINGS } from './helpers/endings.js'
import type { FakeClock } from './helpers/fake-clock.js'
import { sandboxOnVirtualClock, type Sandbox } from './helpers/virtual-sandbox.js'
import { inProcessStep } from './helpers/in-process.js'
import { PLATFORMS, POLLABLE_NAMES } from './helpers/platforms.js'
import { MARK } from '../src/report.js'
import type { RunStatus } from '../src/model.js'

const TOKEN = 'tok-CANARY-endings-31c'
const step = inProcessStep()

let box: Sandbox
let clock: FakeClock
sandboxOnVirtualClock((b, c) => ((box = b), (clock = c)), { factories: FACTORIES })

async function waitStep(provider: string, inputs: Record<string, string> = {}) {
  const p = PLATFORMS.find((x) => x.name === provider)!
  const base = { provider, token: TOKEN, wait: 'true', pollIntervalSeconds: '1', timeoutMinutes: '10', baseUrl: box.baseUrl(provider) }
  return step.main({ inputs: { ...base, ...p.stepInputs, ...inputs } }, { clock })
}

describe('every documented ending', () => {
  it.each(ENDINGS)('%s %s (script %j) → status %s, exit %d', async (provider, word, script, status, code) => {
    box.script(provider, { queuedMs: 100, runMs: 700, total: 10, ...script })
    const r = await waitStep(provider)
    expect(r.code).toBe(code)
    expect(r.outputs.status).toBe(status)
    expect(r.outputs.providerStatus).toBe(word)
    expect(JSON.parse(r.outputs.result)).toMatchObject({ provider, status, providerStatus: word })
    // The verdict in the heading (its mark), the platform's word in its own row.
    expect(step.summary().startsWith(`<h2>${MARK[status as RunStatus]} `)).toBe(true)
    expect(step.summary()).toMatch(/ status<\/th><td><code>[^<]+<\/code>/)
    if (status === 'passed') {
      expect(step.errors()).toEqual([])
      expect(step.stdout()).toMatch(/^::notice::Tests passed: /m)
    } else expect(step.errors().filter((l) => l.startsWith('::error::'))).toHaveLength(1)
  })
})

it.each(POLLABLE_NAMES)('%s: an unknown word is logged and waited through to the real ending', async (provider) => {
  box.script(provider, { queuedMs: 100, runMs: 12_000, unknown: 'WARMING_UP', end: 'passed' })
  const r = await waitStep(provider)
  expect(r).toMatchObject({ code: 0, outputs: { status: 'passed' } })
  expect(step.warnings()).toEqual([expect.stringContaining('reported the status "WARMING_UP", which this action does not know')])
})

it.each(POLLABLE_NAMES)('%s: one step triggers, a later one attaches by runId, waits and reports', async (provider) => {
  box.script(provider, { queuedMs: 100, runMs: 1500, end: 'passed' })
  const first = await waitStep(provider, { wait: 'false' })
  expect(first.outputs.status).toBe('triggered')
  const created = box.runs[provider]
  const second = await waitStep(provider, { runId: first.outputs.runId, wait: 'false' })
  expect(second).toMatchObject({ code: 0, outputs: { runId: first.outputs.runId, status: 'passed' } })
  expect(step.stdout()).toContain('Attaching to')
  expect(box.runs[provider]).toBe(created) // attaching never starts a run
})
