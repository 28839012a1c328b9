// Part 1b, measured and not built: what the durations of a job's earlier runs would give a wait
// without progress counts (BENCHMARKS.md part 1, "no counts"). The action does not read them:
// Gearset, the platform without counts, lists earlier runs only through its asynchronous Reporting
// API (10 calls an hour), and the platforms with run listings report counts. The rule below is
// this bench's, not the action's.
//
// Each simulated job has a typical duration (log-uniform, 30 s to 60 min, as part 1); its runs vary
// around it log-normally (sigma 0.15: a steady job; 0.4: an uneven one), and a share of them stops
// early at 5-90 % of its length (a failure that ends the run). Ten earlier runs of the same job are
// known before the wait starts; the run itself waits up to 15 s in a queue.
import { DEFAULT_SCHEDULE, PollPlanner } from './.build/schedule.js'
import { median, mulberry32, quantile, spread } from './polling.js'

const lnNormal = (rnd) => Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd())

export const HISTORY_SHAPES = [
  { name: 'steady job, 2 % stop early', sigma: 0.15, early: 0.02 },
  { name: 'steady job, 5 % stop early', sigma: 0.15, early: 0.05 },
  { name: 'uneven job, 2 % stop early', sigma: 0.4, early: 0.02 },
  { name: 'uneven job, 5 % stop early', sigma: 0.4, early: 0.05 }
]

function job(rnd, { sigma, early }) {
  const typical = Math.exp(Math.log(30_000) + rnd() * (Math.log(3_600_000) - Math.log(30_000)))
  const one = () => {
    const d = typical * Math.exp(sigma * lnNormal(rnd))
    return rnd() < early ? d * (0.05 + rnd() * 0.85) : d
  }
  return { earlier: Array.from({ length: 10 }, one), runMs: one(), queuedMs: rnd() * 15_000 }
}

/**
 * The rule measured: sleep half the time to 90 % of the shortest earlier run (2.5 s to 60 s), read
 * every `bandMs` until 110 % of the longest, then every 15 s. No quick start: with it (2.5 s for the
 * first 30 s) the rule spent more reads than a 15 s poller on every shape.
 */
const fromHistory = (bandMs) => (e, earlier) => {
  const lo = Math.min(...earlier) * 0.9
  if (e < lo) return Math.min(60_000, Math.max(2500, (lo - e) / 2))
  return e <= Math.max(...earlier) * 1.1 ? bandMs : 15_000
}

// `gap` undefined: the action's own planner (src/schedule.ts) all the way. The rules from earlier
// runs take over from it once the run leaves the queue, jittered ±10 % as the action's reads are.
const STRATEGIES = [
  ['the action today (blind schedule)', undefined, true],
  ['earlier runs, 10 s in their range', fromHistory(10_000), true],
  ['earlier runs, 15 s in their range', fromHistory(15_000), true],
  ['fixed 10 s', () => 10_000, false],
  ['fixed 15 s', () => 15_000, false]
]

const QUEUED = { id: '1', status: 'queued', providerStatus: 'QUEUED', counts: {} }
const RUNNING = { id: '1', status: 'running', providerStatus: 'RUNNING', counts: {} }

/** Per shape and strategy, over `seeds` seeds of `runs` jobs: reads per run and p50/p95 delay. */
export function historyBench({ seeds = 10, runs = 400, firstSeed = 1 } = {}) {
  const rows = []
  for (const shape of HISTORY_SHAPES) {
    for (const [name, gap, adaptive] of STRATEGIES) {
      const perSeed = []
      for (let seed = firstSeed; seed < firstSeed + seeds; seed++) {
        const draw = mulberry32(seed * 7919)
        const rnd = mulberry32(seed * 104_729 + 1)
        let reads = 0
        const delays = []
        for (let i = 0; i < runs; i++) {
          const j = job(draw, shape)
          const end = j.queuedMs + j.runMs
          const planner = new PollPlanner(DEFAULT_SCHEDULE)
          let t = 0
          while (t < end) {
            planner.observe(t, t < j.queuedMs ? QUEUED : RUNNING)
            if (!adaptive) t += gap()
            else if (!gap || t < j.queuedMs) t += planner.nextDelayMs(t, rnd)
            else t += gap(t - j.queuedMs, j.earlier) * (0.9 + 0.2 * rnd())
            reads++
          }
          delays.push((t - end) / 1000)
        }
        delays.sort((a, b) => a - b)
        perSeed.push({ reads: reads / runs, p50: quantile(delays, 0.5), p95: quantile(delays, 0.95) })
      }
      rows.push({
        shape: shape.name,
        strategy: name,
        requests: median(perSeed.map((s) => s.reads)),
        requestsSpread: spread(perSeed.map((s) => s.reads)),
        p50: median(perSeed.map((s) => s.p50)),
        p95: median(perSeed.map((s) => s.p95)),
        p95Spread: spread(perSeed.map((s) => s.p95))
      })
    }
  }
  return rows
}
