// When to read a run's status next. Fixed pollers spend a request every few seconds for the whole
// run; this schedule spends them where the end is likely: sparse while progress counts say the end
// is far, dense as the predicted end nears, and steady where nothing predicts it (a steady pace is
// what sees an unpredictable end soonest for the reads it spends).
import type { RunState } from './model.js'

export interface Schedule {
  /** A fixed interval (the `pollIntervalSeconds` input), ms. */
  fixedMs?: number
  /** The platform's floor, ms. */
  minMs: number
  /** The platform's runs report no counts: every read, queued or running, at the steady pace. */
  noProgressCounts?: boolean
}

export const DEFAULT_SCHEDULE: Schedule = { minMs: 1000 }

// A platform whose runs report no counts: every read at a steady 15 s, queued or running. For the
// reads spent, a steady pace sees an end that nothing predicts soonest (p95); the quick start
// below cost such runs about 20 reads a run for a p95 0.4 s better (BENCHMARKS.md, part 1).
const CRUISE_MS = 15_000
// Until the counts of a platform that reports them move: every 2.5 s for the first 30 s (a run that
// ends in seconds is seen within ~3 s, and the first counts date the rate), easing to 15 s by minute two.
const QUICK_MS = 2500
const QUICK_UNTIL_MS = 30_000
const CRUISE_FROM_MS = 120_000
// With progress counts: wait a share of the predicted remaining time (at most half of it), at most
// a minute (a run that ends early, e.g. aborted, is still seen within a minute), at least 2 s.
const PREDICTED_CAP_MS = 60_000
// How much of the prediction the counts can promise. Tests completing one after another are a
// renewal process: the spread of the completions counted between reads, over their expected number
// (the index of dispersion), estimates the squared coefficient of variation (CV²) of one test's
// time, and the time r tests still take varies by about CV/√r of its prediction. The step sleeps
// only as long as the end cannot come unless those tests go SURE_Z standard deviations faster than
// predicted: near half the prediction while many even tests are left, down to a tenth of it when
// a few uneven ones (or counts that arrive in bursts) are, but not below the overdue reads' 8 s.
const SURE_Z = 2
const MOST_SHARE = 0.5
const LEAST_SHARE = 0.1
// Fewer reads than this with progress between them tell nothing of the spread: half, as before.
const SPREAD_MIN_INTERVALS = 3
const NEAR_END_MS = 2000
// Past the predicted end (all tests done, the run finishing): 2 s, growing 1.3x per read to 8 s;
// after half a minute past it, a quarter of the time since (up to the 15 s cruise).
const OVERDUE_MAX_MS = 8000
// The readings the spread is taken from, and the changes of the count the rate is taken from.
const KEPT = 20
// Every test counted but the run goes on (plan hooks, videos, reports), or a first failure that may
// stop it: the end can come at any read and nothing predicts when. Reads stay as dense as the
// overdue reads' growth allows, never easing past 9 s: with ±10 % jitter a gap of 9.9 s at most,
// so such an end is seen at least as soon as a 10 s poller sees it.
const FINISHING_MAX_MS = 9000
// Counts that stood still this many times longer than the run's usual time per test (and at least
// half a minute) were stopped (an agent or device restarting): that time is left out of the rate.
const STOP_FACTOR = 10
const STOP_MIN_MS = 30_000

interface Observation {
  t: number
  done: number
  total: number
}

/** Plans the next read from what has been seen so far. One planner per wait. */
export class PollPlanner {
  /** The latest readings with counts, for the spread of the completions between them. */
  private readonly seen: Observation[] = []
  /**
   * The latest changes of the count: each the first reading that showed it. A count tells where the
   * run was when it changed, not when it was read again: counts that stand still (a platform that
   * refreshes them every 30 s, a slow test) are as old as the first reading that showed them. And
   * the readings of a long wait on one slow test do not push the changes before it out of the rate.
   */
  private readonly changes: Observation[] = []
  private overdueReads = 0
  private overdueSince?: number
  /** A first test failed and none has completed since: the run may be stopping on it. */
  private stoppingAt?: number
  private lastFailed = 0
  private queuedSince?: number
  private runningSince = 0
  /** Why the last delay was chosen, for the debug log. */
  reason = ''

  constructor(private readonly s: Schedule) {}

  /** Records a state read at `t` (ms since the wait began). */
  observe(t: number, state: RunState): void {
    // How long it has been queued, and since when it runs: a queue says nothing of the run's length.
    if (state.status === 'queued') this.queuedSince ??= t
    else if (this.queuedSince !== undefined) {
      this.queuedSince = undefined
      this.runningSince = t
    }
    const c = state.counts
    if (state.status !== 'running' || !c.total) return
    const executed = (c.passed ?? 0) + (c.failed ?? 0)
    // A running run whose counts already account for every test reports the ones still to run as
    // skipped ("not executed"): those are not done.
    const done = executed + (c.skipped ?? 0) >= c.total ? executed : executed + (c.skipped ?? 0)
    const o = { t, done: Math.min(done, c.total), total: c.total }
    const latest = this.seen[this.seen.length - 1]
    // A first failed test: until another test completes, the run may be stopping on it.
    if ((c.failed ?? 0) > 0 && this.lastFailed === 0) this.stoppingAt = o.done
    else if (this.stoppingAt !== undefined && o.done > this.stoppingAt) this.stoppingAt = undefined
    this.lastFailed = c.failed ?? 0
    this.seen.push(o)
    if (this.seen.length > KEPT) this.seen.shift()
    if (latest?.done === o.done) return
    this.changes.push(o)
    if (this.changes.length > KEPT) this.changes.shift()
  }

  /** The latest counts account for every test: what is left of the run is not tests. */
  allCounted(): boolean {
    const last = this.seen[this.seen.length - 1]
    return last !== undefined && last.done >= last.total
  }

  /**
   * The predicted time left (ms) from the rate at which tests complete, or undefined when the
   * counts do not tell yet (no counts, or no progress between two reads).
   */
  remainingMs(t: number): number | undefined {
    const last = this.seen[this.seen.length - 1]
    if (!last) return undefined
    if (last.done >= last.total) return 0
    const rate = this.rate()
    if (rate === undefined) return undefined
    return (last.total - last.done) / rate.perMs - (t - rate.at)
  }

  /**
   * Tests done per ms over the changes kept, from the first with fewer done to the last, leaving
   * out the time of a stop: a stretch between two changes far longer per test than the others.
   */
  private rate(): { perMs: number; at: number } | undefined {
    const last = this.changes[this.changes.length - 1]
    const from = this.changes.findIndex((o) => o.done < last.done)
    if (from < 0 || last.t <= this.changes[from].t) return undefined
    const steps = this.changes
      .slice(from + 1)
      .map((o, i) => ({ ms: o.t - this.changes[from + i].t, done: o.done - this.changes[from + i].done }))
    const perTest = steps.map((x) => x.ms / x.done).sort((a, b) => a - b)
    const usual = perTest[Math.floor((perTest.length - 1) / 2)]
    const kept = steps.filter((x) => x.ms / x.done <= usual * STOP_FACTOR || x.ms < STOP_MIN_MS)
    const ms = kept.reduce((a, x) => a + x.ms, 0)
    if (ms <= 0) return undefined
    return { perMs: kept.reduce((a, x) => a + x.done, 0) / ms, at: last.t }
  }

  /**
   * The share of the predicted time left that the step may sleep: MOST_SHARE while the counts are
   * even or too few to judge, less the fewer and the more unevenly completing tests are left.
   */
  sureShare(): number {
    const rate = this.rate()
    const last = this.seen[this.seen.length - 1]
    const from = this.seen.findIndex((o) => o.done < last.done)
    if (!rate || from < 0 || this.seen.length - 1 - from < SPREAD_MIN_INTERVALS) return MOST_SHARE
    let squares = 0
    let expected = 0
    for (let i = from + 1; i < this.seen.length; i++) {
      const e = rate.perMs * (this.seen[i].t - this.seen[i - 1].t)
      squares += (this.seen[i].done - this.seen[i - 1].done - e) ** 2
      expected += e
    }
    const cvLeft = Math.sqrt(squares / expected / Math.max(1, last.total - last.done))
    return Math.min(MOST_SHARE, Math.max(LEAST_SHARE, 1 - SURE_Z * cvLeft))
  }

  /** The wait before the next read, given the time since the wait began. */
  nextDelayMs(t: number, random: () => number): number {
    if (this.s.fixedMs !== undefined) {
      this.reason = 'the fixed pollIntervalSeconds'
      return Math.max(this.s.fixedMs, this.s.minMs)
    }
    const remaining = this.remainingMs(t)
    let delay: number
    if (this.s.noProgressCounts) {
      delay = CRUISE_MS
      this.reason = 'the platform reports no progress counts: a steady 15 s'
    } else if (this.queuedSince !== undefined) {
      // The longer a run has waited in the queue, the longer it is likely to wait still.
      const queued = t - this.queuedSince
      delay = Math.min(CRUISE_MS, Math.max(QUICK_MS, queued / 4))
      this.reason = `queued for ${Math.round(queued / 1000)} s: a quarter of that, between 2.5 s and 15 s`
    } else if (remaining === undefined) {
      delay = blindDelayMs(t - this.runningSince)
      this.reason = 'no progress counts to predict the end from yet: the quick, easing schedule'
    } else if (this.allCounted() || this.stoppingAt !== undefined) {
      // Every test counted, or a first failure: the end may come at any read (FINISHING_MAX_MS).
      delay = Math.min(FINISHING_MAX_MS, NEAR_END_MS * 1.3 ** this.overdueReads++)
      this.reason = this.allCounted()
        ? `every test is counted and the run goes on: finishing read ${this.overdueReads}, 2 s growing to 9 s`
        : `a test failed and no other has completed since: the run may stop on it; read ${this.overdueReads}, 2 s growing to 9 s`
    } else if (remaining > 0) {
      this.overdueReads = 0
      this.overdueSince = undefined
      const share = this.sureShare()
      // However little the counts promise, no denser than the overdue reads (unless half the
      // predicted time is shorter still).
      delay = Math.min(PREDICTED_CAP_MS, Math.max(NEAR_END_MS, remaining * share, Math.min(remaining / 2, OVERDUE_MAX_MS)))
      this.reason = `the counts predict the end in ${Math.round(remaining / 1000)} s: ${Math.round(share * 100)} % of that (as sure as the counts' spread allows), between 2 s and 60 s`
    } else {
      // As for a queue: the longer the run has overrun its prediction, the less that says, so past
      // half a minute the gaps grow to a quarter of the overrun, up to 15 s.
      this.overdueSince ??= t
      const overrun = t - this.overdueSince
      delay = Math.min(CRUISE_MS, Math.max(overrun / 4, Math.min(OVERDUE_MAX_MS, NEAR_END_MS * 1.3 ** this.overdueReads++)))
      this.reason = `past the predicted end for ${Math.round(overrun / 1000)} s: overdue read ${this.overdueReads}, 2 s growing to 8 s, then a quarter of the overrun up to 15 s`
    }
    // ±10 % so that many jobs started together do not read in step.
    return Math.max(this.s.minMs, Math.round(delay * (0.9 + 0.2 * random())))
  }
}

/** Until counts predict the end: quick, easing to the steady pace. */
export function blindDelayMs(t: number): number {
  if (t < QUICK_UNTIL_MS) return QUICK_MS
  if (t >= CRUISE_FROM_MS) return CRUISE_MS
  return QUICK_MS + ((t - QUICK_UNTIL_MS) / (CRUISE_FROM_MS - QUICK_UNTIL_MS)) * (CRUISE_MS - QUICK_MS)
}
