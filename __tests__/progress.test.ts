// Progress and the debug log, on one virtual clock for the step and the sandbox's runs
// (sandbox/clock.js): what the step sees and says is exact, whatever the machine's load.
import type { FakeClock } from './helpers/fake-clock.js'
import { sandboxOnVirtualClock, type Sandbox } from './helpers/virtual-sandbox.js'
import { inProcessStep } from './helpers/in-process.js'
import { POLLABLE } from './helpers/step.js'

const TOKEN = 'tok-CANARY-progress-2b'
const step = inProcessStep()
let clock: FakeClock
let box: Sandbox
sandboxOnVirtualClock((b, c) => ((box = b), (clock = c)))

async function follow(provider: string, inputs: Record<string, string> = {}) {
  const base = { provider, token: TOKEN, wait: 'true', baseUrl: box.baseUrl(provider) }
  return (await step.main({ inputs: { ...base, ...POLLABLE[provider], ...inputs }, env: { RUNNER_DEBUG: '1' } }, { clock })).out
}

it('a fixed interval: one read a second, each counted line as the run moves, the end seen at the first read after it', async () => {
  box.script('testsigma', { queuedMs: 2000, runMs: 10_000, total: 10 })
  const out = await follow('testsigma', { pollIntervalSeconds: '1' })
  const reads = box.requests.filter((r) => r.method === 'GET' && /execution_results\/\d+$/.test(r.path))
  // Queued 2 s, running 10 s: the read at 12 s sees the end.
  expect(reads).toHaveLength(12)
  expect(clock.elapsed()).toBe(12_000)
  const done = [...out.matchAll(/· (\d+)\/10 done/g)].map((m) => Number(m[1]))
  expect(done).toEqual([...done].sort((a, b) => a - b))
  expect(done.at(-1)).toBe(10)
  expect(out.match(/::debug::Next status read in 1\.0 s: the fixed pollIntervalSeconds\./g)).toHaveLength(12)
  expect(out).toMatch(/::debug::Status of run \d+: STATUS_IN_PROGRESS\/QUEUED → running/)
  expect(out).toMatch(/::debug::GET \/api\/v1\/execution_results\/\{id\} -> 200 in \d+ ms/)
  expect(step.outputs().status).toBe('passed')
  expect(out.replaceAll(`::add-mask::${TOKEN}`, '')).not.toContain(TOKEN)
})

it('the adaptive schedule on a Gearset run (no counts): a steady 15 s (±10 %), the end seen within one read gap', async () => {
  box.script('gearset', { queuedMs: 1000, runMs: 60_000 })
  const out = await follow('gearset')
  const reads = box.requests.filter((r) => r.method === 'GET' && /run-requests\//.test(r.path))
  expect(step.outputs().status).toBe('passed')
  const gaps = [...out.matchAll(/::debug::Next status read in ([\d.]+) s: the platform reports no progress counts/g)]
  expect(gaps.length).toBe(reads.length)
  for (const [, s] of gaps) {
    expect(Number(s)).toBeGreaterThanOrEqual(13.5)
    expect(Number(s)).toBeLessThanOrEqual(16.5)
  }
  expect(clock.elapsed() - 61_000).toBeGreaterThanOrEqual(0)
  expect(clock.elapsed() - 61_000).toBeLessThanOrEqual(16_500)
  expect(reads.length).toBeLessThanOrEqual(5) // 61 s at 13.5 s or more a read
  expect(out).toMatch(/::debug::Status of run rr-\d+: Started → running/)
})

it('Gearset at one read a second: within 5 status reads per 5 s per job, none refused, the end seen', async () => {
  box.script('gearset', { queuedMs: 100, runMs: 7000 })
  await follow('gearset', { pollIntervalSeconds: '1' })
  const reads = box.requests.filter((r) => r.method === 'GET' && /run-requests\//.test(r.path))
  expect(step.outputs().status).toBe('passed')
  expect(reads.length).toBeGreaterThanOrEqual(6)
  expect(box.platforms.gearset.violations).toBe(0)
})

it('a Retry-After on a successful read spaces the next read, and only that one', async () => {
  box.script('testsigma', { queuedMs: 0, runMs: 10_000 })
  box.fault('testsigma', { on: 'poll', do: 'pass', headers: { 'Retry-After': '3' } })
  await follow('testsigma', { pollIntervalSeconds: '1' })
  expect(step.outputs().status).toBe('passed')
  // 1 s to the first read, whose answer asks for 3 s; then 1 s again, to the end.
  const [first, paused, ...after] = clock.sleeps
  expect([first, paused]).toEqual([1000, 3000])
  expect(after.length).toBeGreaterThanOrEqual(4)
  expect(new Set(after)).toEqual(new Set([1000]))
})
