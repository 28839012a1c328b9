// Part 1, polling economy: the real wait loop (src/wait.ts with src/schedule.ts) against fixed
// pollers, on every run shape of bench/shapes.js, each over many seeds, on a virtual clock.
// Every figure is the median over the seeds, with the spread (lowest–highest seed) beside it.
import { DEFAULT_SCHEDULE } from './.build/schedule.js'
import { waitForRun } from './.build/wait.js'
import { SHAPES, stateAt } from './shapes.js'

export function mulberry32(seed) {
  return () => {
    seed |= 0
    seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Follows one simulated run with the real wait loop; returns status reads and detection delay. */
export async function follow(run, schedule, rnd) {
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
  if (final.status !== run.end) throw new Error(`simulation: run ended ${final.status}, not ${run.end}`)
  return { reads, delayMs: now - run.endMs }
}

// The fixed pollers that draw the frontier: for any number of requests, the best p95 a fixed
// interval gets for it (interpolated between neighbours).
export const FIXED_SECONDS = [5, 10, 15, 20, 30, 45, 60]
export const STRATEGIES = [['ours', DEFAULT_SCHEDULE], ...FIXED_SECONDS.map((s) => [`fixed ${s} s`, { minMs: 1000, fixedMs: s * 1000 }])]

/**
 * The p95 a fixed poller spending `requests` would get, from the fixed pollers' (requests, p95)
 * points of the same runs: linear between the two that bracket it, the nearest one's beyond them.
 */
export function frontierP95(points, requests) {
  const byRequests = [...points].sort((a, b) => a.requests - b.requests)
  if (requests <= byRequests[0].requests) return byRequests[0].p95
  for (let i = 1; i < byRequests.length; i++) {
    const [a, b] = [byRequests[i - 1], byRequests[i]]
    if (requests <= b.requests) return a.p95 + ((requests - a.requests) / (b.requests - a.requests)) * (b.p95 - a.p95)
  }
  return byRequests[byRequests.length - 1].p95
}

export const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]
export const median = (xs) =>
  quantile(
    [...xs].sort((a, b) => a - b),
    0.5
  )
export const spread = (xs) => [Math.min(...xs), Math.max(...xs)]

/**
 * For each shape and strategy: per seed, the mean requests per run and the p50 / p95 / max delay
 * over its runs; then the median of each over the seeds and the spread of requests and p95.
 */
export async function pollingBench({ seeds = 10, runs = 400, firstSeed = 1, shapes = SHAPES } = {}) {
  const rows = []
  for (const shape of shapes) {
    const perStrategy = new Map(STRATEGIES.map(([name]) => [name, []]))
    for (let seed = firstSeed; seed < firstSeed + seeds; seed++) {
      const draw = mulberry32(seed * 7919)
      const set = Array.from({ length: runs }, () => shape.draw(draw))
      for (const [name, schedule] of STRATEGIES) {
        const rnd = mulberry32(seed * 104_729 + 1)
        const results = []
        // What the platform's provider tells the schedule (noProgressCounts) goes with the shape.
        const theirs = name === 'ours' ? { ...schedule, ...shape.schedule } : schedule
        for (const run of set) results.push(await follow(run, theirs, rnd))
        const delays = results.map((x) => x.delayMs / 1000).sort((a, b) => a - b)
        perStrategy.get(name).push({
          requests: results.reduce((a, x) => a + x.reads, 0) / results.length,
          p50: quantile(delays, 0.5),
          p95: quantile(delays, 0.95),
          max: delays[delays.length - 1]
        })
      }
    }
    // Ours against the frontier of the same seed's runs: above 1, a fixed poller spending as many
    // requests would have seen the end sooner.
    const frontier = perStrategy.get('ours').map((o, i) => {
      const fixed = FIXED_SECONDS.map((sec) => perStrategy.get(`fixed ${sec} s`)[i])
      return o.p95 / frontierP95(fixed, o.requests)
    })
    for (const [name, perSeed] of perStrategy) {
      rows.push({
        ...(name === 'ours' && { frontier: median(frontier), frontierSpread: spread(frontier) }),
        shape: shape.name,
        strategy: name,
        seeds,
        runsPerSeed: runs,
        requests: median(perSeed.map((s) => s.requests)),
        requestsSpread: spread(perSeed.map((s) => s.requests)),
        p50: median(perSeed.map((s) => s.p50)),
        p95: median(perSeed.map((s) => s.p95)),
        p95Spread: spread(perSeed.map((s) => s.p95)),
        max: Math.max(...perSeed.map((s) => s.max))
      })
    }
  }
  return rows
}
