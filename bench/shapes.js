// The run shapes the polling benchmark follows: data, not code of the action. Each shape draws one
// simulated run from a seeded random source. A run: when it leaves the queue, when each test
// completes, when it ends and how, and how the platform reports progress while it runs.
//
// What the vendors' material says (docs/platforms.md): Testsigma's result carries totalCount,
// passedCount, failedCount, notExecutedCount, queuedCount… and Testery's run passCount, failCount,
// notRunCount, totalCount [C]; neither documents how often they are refreshed while a run goes, or
// whether tests not yet run count as "not executed" [I]. Gearset's run request reports no counts at
// all [C]. So the shapes below cover each way the counts could behave, and Gearset is the
// "no counts" shape.

const lnNormal = (rnd) => Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd())

/** Run length log-uniform from 30 s to 60 min, as CI test runs spread. */
const runLength = (rnd) => Math.exp(Math.log(30_000) + rnd() * (Math.log(3_600_000) - Math.log(30_000)))

/**
 * Lays `total` tests over [start, end] on `runners` parallel runners, each test taking a time
 * drawn by `testTime(rnd, index, total)` (relative units), and returns the sorted completion times.
 */
function completions(rnd, total, start, end, testTime, runners = 1) {
  const lanes = Array.from({ length: runners }, () => [])
  for (let i = 0; i < total; i++) lanes[i % runners].push(testTime(rnd, i, total))
  const out = []
  const longest = Math.max(...lanes.map((l) => l.reduce((a, b) => a + b, 0)))
  for (const lane of lanes) {
    let acc = 0
    for (const t of lane) out.push(start + ((acc += t) / longest) * (end - start))
  }
  return out.sort((a, b) => a - b)
}

/** The common draw: length, a short queue, 20–400 tests at 0.5–2× of each other, up to 3 s to finish. */
function baseRun(rnd, o = {}) {
  const durationMs = (o.length ?? runLength)(rnd)
  const queuedMs = o.queueMs ? o.queueMs(rnd) : rnd() * Math.min(15_000, durationMs * 0.2)
  const finishMs = rnd() * 3000
  const total = 20 + Math.floor(rnd() * 380)
  const endMs = queuedMs + durationMs
  const done = completions(rnd, total, queuedMs, endMs - finishMs, o.testTime ?? ((r) => 0.5 + r() * 1.5), o.runners)
  return { endMs, queuedMs, total, completions: done, counts: 'live', end: 'passed' }
}

export const SHAPES = [
  {
    name: 'base',
    says: 'one runner, test times 0.5–2× of each other, counts live and known at once, queue ≤ 15 s',
    draw: (rnd) => baseRun(rnd)
  },
  {
    name: 'log-normal test times',
    says: 'test times log-normal (σ = 1): a few slow tests dominate',
    draw: (rnd) => baseRun(rnd, { testTime: (r) => Math.exp(lnNormal(r)) })
  },
  {
    name: '4 parallel runners',
    says: 'tests on 4 runners at once: counts move in bursts, lanes end apart',
    draw: (rnd) => baseRun(rnd, { runners: 4, testTime: (r) => Math.exp(0.7 * lnNormal(r)) })
  },
  {
    name: 'counts every 30 s',
    says: 'the platform refreshes its counts every 30 s, not per test',
    draw: (rnd) => ({ ...baseRun(rnd), batchMs: 30_000 })
  },
  {
    name: 'long queue',
    says: 'up to 10 minutes queued before the run starts (a busy environment or job)',
    draw: (rnd) => baseRun(rnd, { queueMs: (r) => r() * 600_000 })
  },
  {
    name: 'ends early',
    says: 'a third of the runs stop at 5–60 % of their tests (a failed prerequisite) and end failed',
    draw: (rnd) => {
      const run = baseRun(rnd)
      if (rnd() >= 1 / 3) return run
      const cut = run.completions[Math.floor((0.05 + rnd() * 0.55) * run.total)]
      return { ...run, endMs: cut + rnd() * 3000, completions: run.completions.filter((c) => c <= cut), end: 'failed' }
    }
  },
  {
    name: 'pending as not executed',
    says: 'tests not yet run are counted as not executed (skipped) while the run goes',
    draw: (rnd) => ({ ...baseRun(rnd), counts: 'pending-skipped' })
  },
  {
    name: 'one slow test',
    says: 'one test at a random place takes 20–50 % of the run (a long end-to-end test), the others 0.5–2×',
    draw: (rnd) => {
      const share = 0.2 + rnd() * 0.3
      const at = rnd()
      return baseRun(rnd, {
        testTime: (r, i, total) => {
          const usual = 0.5 + r() * 1.5
          // The others take 1.25 on average: the slow one takes `share` of the whole.
          return i === Math.floor(at * total) ? (share / (1 - share)) * (total - 1) * 1.25 : usual
        }
      })
    }
  },
  {
    name: 'runs on after its last test',
    says: 'every test counted, then 30 s – 5 min more before the run ends (plan hooks, videos, reports)',
    // Testsigma runs plan hooks and visual checks after the tests (its result carries
    // testPlanHookResults and visualTestResult) and Testery keeps screenshots and videos per test
    // (docs/platforms.md, sections 1.2 and 3.5): none of it is counted as a test.
    draw: (rnd) => {
      const run = baseRun(rnd)
      const tail = 30_000 + rnd() * 270_000
      return { ...run, endMs: run.completions[run.completions.length - 1] + tail }
    }
  },
  {
    name: 'counts stop, then resume',
    says: 'at 20–80 % of the run the counts stand still for 1–10 min (an agent or device restarting), then go on at the old pace',
    // Testsigma's automator re-creates a driver session mid-suite and records it (restartCurrentSession
    // in its open-source TestsuiteRunner); a run on a local agent waits while the agent restarts.
    draw: (rnd) => {
      const run = baseRun(rnd)
      const at = run.queuedMs + (0.2 + rnd() * 0.6) * (run.endMs - run.queuedMs)
      const stop = 60_000 + rnd() * 540_000
      return { ...run, endMs: run.endMs + stop, completions: run.completions.map((c) => (c > at ? c + stop : c)) }
    }
  },
  {
    name: 'stops at a failure',
    says: 'a third of the runs: one test fails at 5–95 % and the run ends 0–30 s later, the rest not run',
    // Testsigma skips the tests whose prerequisite failed (preRequisiteFailedCount in its result;
    // its open-source TestsuiteRunner runs them as skipped), so a failed prerequisite ends a run
    // early; the failure is counted when that test completes (docs/platforms.md, section 1.2).
    draw: (rnd) => {
      const run = baseRun(rnd)
      if (rnd() >= 1 / 3) return run
      const i = Math.floor((0.05 + rnd() * 0.9) * run.total)
      const failedAt = run.completions[i]
      return { ...run, endMs: failedAt + rnd() * 30_000, completions: run.completions.slice(0, i + 1), failures: [failedAt], end: 'failed' }
    }
  },
  {
    name: 'no counts',
    says: 'no progress counts at all (Gearset, whose provider says so: noProgressCounts)',
    schedule: { noProgressCounts: true },
    draw: (rnd) => ({ ...baseRun(rnd), counts: 'none' })
  }
]

/** What the platform answers about `run` at time `t`. */
export function stateAt(run, t) {
  const failedBy = (at) => (run.failures ?? []).filter((f) => f <= at).length
  if (t >= run.endMs) {
    const failed = failedBy(t)
    const counts = run.counts === 'none' ? {} : { total: run.total, passed: run.completions.length - failed, ...(failed && { failed }) }
    return { id: '1', status: run.end, providerStatus: run.end === 'passed' ? 'PASS' : 'FAIL', counts }
  }
  if (t < run.queuedMs) return { id: '1', status: 'queued', providerStatus: 'QUEUED', counts: {} }
  const seenAt = run.batchMs ? run.queuedMs + Math.floor((t - run.queuedMs) / run.batchMs) * run.batchMs : t
  let lo = 0
  let hi = run.completions.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (run.completions[mid] <= seenAt) lo = mid + 1
    else hi = mid
  }
  const failed = failedBy(seenAt)
  const counts =
    run.counts === 'none'
      ? {}
      : run.counts === 'pending-skipped'
        ? { total: run.total, passed: lo - failed, skipped: run.total - lo }
        : { total: run.total, passed: lo - failed, ...(failed && { failed }) }
  return { id: '1', status: 'running', providerStatus: 'RUNNING', counts }
}
