// Part 1c, the simulator against real time: the same runs followed twice. Once as the runner runs
// the action (`node dist/index.js` with INPUT_* variables, against the sandbox over HTTP, real
// timers); once by part 1's simulator (the wait loop and schedule on a virtual clock, the run's
// state from bench/shapes.js's stateAt). The runs are short (10–40 s running) so that a few dozen
// take minutes; each shape's runs go side by side, each on a plan or job of its own.
import { startSandbox } from '../sandbox/server.js'
import { runAction } from '../scripts/github-runner.js'
import { DEFAULT_SCHEDULE } from './.build/schedule.js'
import { follow, median, mulberry32 } from './polling.js'

/** Short runs of three shapes: counts even (base), every test counted and the run goes on, no counts. */
const SHAPES = [
  { name: 'base (Testsigma)', platform: 'testsigma', tail: false },
  { name: 'runs on after its last test (Testsigma)', platform: 'testsigma', tail: true },
  { name: 'no counts (Gearset)', platform: 'gearset', tail: false, schedule: { noProgressCounts: true } }
]

function draw(rnd, shape) {
  const queuedMs = 500 + Math.round(rnd() * 2500)
  const runMs = 10_000 + Math.round(rnd() * 30_000)
  const tailMs = shape.tail ? 5000 + Math.round(rnd() * 15_000) : 0
  const total = 20 + Math.floor(rnd() * 40)
  return { queuedMs, runMs, tailMs, total }
}

/** The sandbox's run as the simulator sees it: the count is floor(total × progress), linear in time. */
const simulated = (s, counts) => ({
  queuedMs: s.queuedMs,
  endMs: s.queuedMs + s.runMs + s.tailMs,
  total: s.total,
  completions: Array.from({ length: s.total }, (_, k) => s.queuedMs + (s.runMs * (k + 1)) / s.total),
  counts,
  end: 'passed'
})

async function realRuns(shape, scripts) {
  const box = await startSandbox({ quiet: true })
  try {
    const steps = scripts.map(async (s, i) => {
      box.script(shape.platform, s)
      const inputs = {
        provider: shape.platform,
        token: `bench-realtime-${i}`,
        baseUrl: box.baseUrl(shape.platform),
        scenarioId: shape.platform === 'gearset' ? `job-rt-${i}` : String(7000 + i),
        wait: 'true',
        timeoutMinutes: '5'
      }
      // Side by side, but each created before the next script is taken: one script a run.
      const r = await runAction({ inputs, timeoutMs: 6 * 60_000 })
      return { r, s }
    })
    // Scripts are taken in creation order; the steps start together, so pair each by its run ID.
    const done = await Promise.all(steps)
    const book = box.platforms[shape.platform].book
    return done.map(({ r }) => {
      // Gearset's run request IDs carry a prefix before the sandbox's own number.
      const run = book.get(String(r.outputs.runId).replace(/^\D+-/, ''))
      if (!run)
        throw new Error(
          `a step did not start its run: ${r.stdout
            .split('\n')
            .filter((l) => l.startsWith('::error'))
            .join(' ')}`
        )
      const s = run.script
      const endedAt = run.createdAt + s.queuedMs + s.runMs + s.tailMs
      const reads = box.requests.filter(
        (q) => q.platform === shape.platform && q.method === 'GET' && q.path.endsWith(`/${r.outputs.runId}`)
      )
      const seen = reads.find((q) => q.at >= endedAt)
      return { s, status: r.outputs.status, reads: reads.length, delayMs: seen ? seen.at - endedAt : NaN }
    })
  } finally {
    await box.close()
  }
}

export async function realtimeBench({ perShape = 12, seed = 1 } = {}) {
  const rows = []
  for (const shape of SHAPES) {
    const rnd = mulberry32(seed * 31 + rows.length)
    const scripts = Array.from({ length: perShape }, () => draw(rnd, shape))
    const real = await realRuns(shape, scripts)
    const sim = []
    for (const x of real) {
      const r = await follow(simulated(x.s, shape.schedule ? 'none' : 'live'), { ...DEFAULT_SCHEDULE, ...shape.schedule }, mulberry32(seed))
      sim.push(r)
    }
    const pair = (f) => [median(real.map(f.real)), median(sim.map(f.sim))]
    rows.push({
      shape: shape.name,
      runs: real.length,
      failed: real.filter((x) => x.status !== 'passed').length,
      reads: pair({ real: (x) => x.reads, sim: (x) => x.reads }),
      readsSpread: [Math.min(...real.map((x, i) => x.reads - sim[i].reads)), Math.max(...real.map((x, i) => x.reads - sim[i].reads))],
      delayS: pair({ real: (x) => x.delayMs / 1000, sim: (x) => x.delayMs / 1000 }),
      delayGapS: real.map((x, i) => (x.delayMs - sim[i].delayMs) / 1000)
    })
  }
  return rows
}
