// Scripted runs shared by the sandbox platforms: each run moves through queued → running → end
// over real time, with counts that rise while it runs. A platform file turns a run's phase into
// its own words and fields.
//
// A script: {
//   queuedMs: 500, runMs: 2500,         how long the run is queued, then running
//   total: 10, failed: 0, skipped: 0,   the final counts (they rise while running)
//   end: 'passed',                      passed | failed | cancelled | error, or any word of the platform
//   unknown: 'WEIRD',                   a word the platform shows in the second half of the running phase
//   tailMs: 0,                          how long the run goes on after its last test is counted
//   cancel: 'ok',                       ok | hang (never answers) | fail (500) for the cancel call
//   failedAs, skippedAs                 report the failed/skipped tests in another count field of the
//                                       platform (e.g. Testsigma preRequisiteFailedCount, Testery notRunCount)
// }
//
// A platform that runs one run at a time (a Testery environment, a Gearset CI job) sets `run.after`
// to the run this one waits behind: it stays queued until that run ends. `run.maxLifeMs` cancels a
// run that has not ended that long after it was created (Testery's 3 hours).
import { runNow } from './clock.js'

export const DEFAULT_SCRIPT = Object.freeze({
  queuedMs: 500,
  runMs: 2500,
  tailMs: 0,
  total: 10,
  failed: 0,
  skipped: 0,
  end: 'passed',
  cancel: 'ok'
})

export class RunBook {
  constructor() {
    this.runs = new Map()
    this.queue = []
    this.nextId = 1000
  }

  /** The next runs created take these scripts, in order; after that, the default. */
  enqueue(...scripts) {
    this.queue.push(...scripts)
  }

  create(fields = {}) {
    const script = { ...DEFAULT_SCRIPT, ...(this.queue.shift() ?? {}) }
    const run = { id: String(++this.nextId), createdAt: runNow(), script, cancelledAt: undefined, ...fields }
    this.runs.set(run.id, run)
    return run
  }

  get(id) {
    return this.runs.get(String(id))
  }
}

/**
 * Where a run is at `now`: { phase: queued | running | ended, progress (0..1), counts, end,
 * unknown (the unknown word, when showing), startedAt, endedAt }.
 */
export function phaseOf(run, now = runNow()) {
  const s = run.script
  const { startedAt, endedAt, end } = timeline(run)
  const final = { total: s.total, failed: s.failed, skipped: s.skipped, passed: s.total - s.failed - s.skipped }
  const started = endedAt >= startedAt ? startedAt : undefined
  if (now >= endedAt) {
    const progress = end === 'cancelled' ? Math.min(1, Math.max(0, (endedAt - startedAt) / s.runMs)) : 1
    return { phase: 'ended', end, progress, counts: scaled(final, progress), startedAt: started, endedAt }
  }
  if (now < startedAt) return { phase: 'queued', progress: 0, counts: scaled(final, 0), startedAt: undefined }
  const progress = Math.min(1, (now - startedAt) / s.runMs)
  const unknown = s.unknown && progress >= 0.5 ? s.unknown : undefined
  return { phase: 'running', progress, counts: scaled(final, progress), unknown, startedAt }
}

/** When a run starts and ends, and how: its script, what it waits behind, a cancel, its longest life. */
function timeline(run) {
  const s = run.script
  const blockedUntil = run.after ? timeline(run.after).endedAt : -Infinity
  const startedAt = Math.max(run.createdAt + s.queuedMs, blockedUntil)
  let endedAt = startedAt + s.runMs + s.tailMs
  let end = s.end
  const stops = [run.cancelledAt, run.maxLifeMs === undefined ? undefined : run.createdAt + run.maxLifeMs].filter((t) => t !== undefined)
  const stop = Math.min(...stops)
  if (stop < endedAt) {
    endedAt = Math.max(stop, run.createdAt)
    end = 'cancelled'
  }
  return { startedAt, endedAt, end }
}

function scaled(final, progress) {
  const failed = Math.floor(final.failed * progress)
  const skipped = Math.floor(final.skipped * progress)
  const passed = Math.floor(final.passed * progress)
  return { total: final.total, passed, failed, skipped }
}

const SUITES = ['Checkout', 'Login', 'Search', 'Cart', 'Account', 'Payments']
const CASES = [
  'loads the page',
  'applies a coupon',
  'rejects a bad card',
  'keeps items after reload',
  'shows the total with tax',
  'sends the receipt',
  'signs in with SSO',
  'resets a password'
]
const ERRORS = [
  "AssertionError: expected 'Total: $90.00' to equal 'Total: $80.00'",
  'TimeoutError: locator("#pay") not visible after 30000 ms',
  'Element <button id="submit"> is not clickable at point (412, 633)'
]

/**
 * The tests of a run, as far as it has got: { name, suite, status (passed | failed | skipped),
 * durationMs, error }. The first `failed` tests fail and the next `skipped` are skipped.
 */
export function testsOf(run, now = runNow()) {
  const p = phaseOf(run, now)
  const { total, failed, skipped } = run.script
  const tests = []
  for (let i = 0; i < total; i++) {
    const suite = SUITES[i % SUITES.length]
    const name = `${CASES[i % CASES.length]}${i >= CASES.length ? ` #${Math.floor(i / CASES.length) + 1}` : ''}`
    const done = i < p.counts.passed + p.counts.failed + p.counts.skipped || p.phase === 'ended'
    const status = !done ? 'pending' : i < failed ? 'failed' : i < failed + skipped ? 'skipped' : 'passed'
    tests.push({
      id: i + 1,
      name,
      suite,
      status,
      durationMs: 800 + ((i * 137) % 4000),
      error: status === 'failed' ? ERRORS[i % ERRORS.length] : undefined
    })
  }
  return tests
}
