// Part 1, polling economy: the real wait loop (src/wait.ts with src/schedule.ts) against fixed
// pollers, on the same seeded set of simulated runs, on a virtual clock.
import { DEFAULT_SCHEDULE } from './.build/schedule.js'
import { waitForRun } from './.build/wait.js'

export function mulberry32(seed) {
  return () => {
    seed |= 0
    seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/**
 * Runs with durations log-uniform from 30 s to 60 min, half with progress counts. Each queues for
 * a while, completes its tests at an uneven pace (test times vary ×4), then takes up to 3 s to finish.
 */
export function makeRuns(n, rnd) {
  const runs = []
  for (let i = 0; i < n; i++) {
    const durationMs = Math.exp(Math.log(30_000) + rnd() * (Math.log(3_600_000) - Math.log(30_000)))
    const queuedMs = rnd() * Math.min(15_000, durationMs * 0.2)
    const finishMs = rnd() * 3000
    const total = 20 + Math.floor(rnd() * 380)
    const steps = Array.from({ length: total }, () => 0.5 + rnd() * 1.5)
    const sum = steps.reduce((a, b) => a + b, 0)
    const span = durationMs - queuedMs - finishMs
    let acc = 0
    const completions = steps.map((s) => queuedMs + ((acc += s) / sum) * span)
    runs.push({ durationMs, queuedMs, total, completions, withCounts: i % 2 === 0 })
  }
  return runs
}

function stateAt(run, t) {
  if (t >= run.durationMs) {
    return { id: '1', status: 'passed', providerStatus: 'PASS', counts: run.withCounts ? { total: run.total, passed: run.total } : {} }
  }
  if (t < run.queuedMs) return { id: '1', status: 'queued', providerStatus: 'QUEUED', counts: {} }
  let lo = 0
  let hi = run.completions.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (run.completions[mid] <= t) lo = mid + 1
    else hi = mid
  }
  return { id: '1', status: 'running', providerStatus: 'RUNNING', counts: run.withCounts ? { total: run.total, passed: lo } : {} }
}

/** Follows one simulated run with the real wait loop; returns status reads and detection delay. */
async function follow(run, schedule, rnd) {
  let now = 0
  let reads = 0
  const clock = { now: () => now, random: rnd, sleep: async (ms) => void (now += ms) }
  const provider = {
    title: 'Sim',
    status: async () => {
      reads++
      return stateAt(run, now)
    }
  }
  const final = await waitForRun(stateAt(run, 0), {
    provider,
    ctx: {},
    clock,
    timeoutMs: 3 * 3_600_000,
    schedule,
    log: () => undefined,
    warn: () => undefined
  })
  if (final.status !== 'passed') throw new Error(`simulation: run ended ${final.status}`)
  return { reads, delayMs: now - run.durationMs }
}

export const STRATEGIES = [
  ['ours (adaptive)', DEFAULT_SCHEDULE],
  ...[5, 10, 15, 20, 30].map((s) => [`fixed ${s} s`, { minMs: 1000, fixedMs: s * 1000 }])
]

export const BANDS = [
  ['< 2 min', (d) => d < 120_000],
  ['2–10 min', (d) => d >= 120_000 && d < 600_000],
  ['10–60 min', (d) => d >= 600_000]
]

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]

export async function pollingBench({ runs = 600, seed = 42 } = {}) {
  const set = makeRuns(runs, mulberry32(seed))
  const rows = []
  for (const [name, schedule] of STRATEGIES) {
    const rnd = mulberry32(seed + 1)
    const results = []
    for (const run of set) results.push({ run, ...(await follow(run, schedule, rnd)) })
    for (const [band, inBand] of BANDS) {
      for (const withCounts of [true, false]) {
        const r = results.filter((x) => inBand(x.run.durationMs) && x.run.withCounts === withCounts)
        const delays = r.map((x) => x.delayMs / 1000).sort((a, b) => a - b)
        rows.push({
          strategy: name,
          band,
          counts: withCounts ? 'with counts' : 'no counts',
          runs: r.length,
          requestsMean: r.reduce((a, x) => a + x.reads, 0) / r.length,
          delayP50: quantile(delays, 0.5),
          delayP95: quantile(delays, 0.95),
          delayMax: delays[delays.length - 1]
        })
      }
    }
  }
  return rows
}
