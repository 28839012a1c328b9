// Scripted runs shared by the sandbox platforms: each run moves through queued → running → end
// over real time, with counts that rise while it runs. A platform file turns a run's phase into
// its own words and fields.
//
// A script: {
//   queuedMs: 500, runMs: 2500,         how long the run is queued, then running
//   total: 10, failed: 0, skipped: 0,   the final counts (they rise while running)
//   end: 'passed',                      passed | failed | cancelled | error, or any word of the platform
//   unknown: 'WEIRD',                   a word the platform shows in the second half of the running phase
//   cancel: 'ok',                       ok | hang (never answers) | fail (500) for the cancel call
// }

export const DEFAULT_SCRIPT = Object.freeze({ queuedMs: 500, runMs: 2500, total: 10, failed: 0, skipped: 0, end: 'passed', cancel: 'ok' })

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
    const run = { id: String(++this.nextId), createdAt: Date.now(), script, cancelledAt: undefined, ...fields }
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
export function phaseOf(run, now = Date.now()) {
  const s = run.script
  const elapsed = now - run.createdAt
  const startedAt = run.createdAt + s.queuedMs
  let endedAt = startedAt + s.runMs
  let end = s.end
  if (run.cancelledAt !== undefined && run.cancelledAt < endedAt) {
    endedAt = Math.max(run.cancelledAt, run.createdAt)
    end = 'cancelled'
  }
  const final = { total: s.total, failed: s.failed, skipped: s.skipped, passed: s.total - s.failed - s.skipped }
  if (now >= endedAt) {
    const progress = end === 'cancelled' ? Math.min(1, Math.max(0, (endedAt - startedAt) / s.runMs)) : 1
    return { phase: 'ended', end, progress, counts: scaled(final, progress), startedAt, endedAt }
  }
  if (elapsed < s.queuedMs) return { phase: 'queued', progress: 0, counts: scaled(final, 0), startedAt: undefined }
  const progress = Math.min(1, (now - startedAt) / s.runMs)
  const unknown = s.unknown && progress >= 0.5 ? s.unknown : undefined
  return { phase: 'running', progress, counts: scaled(final, progress), unknown, startedAt }
}

function scaled(final, progress) {
  const failed = Math.floor(final.failed * progress)
  const skipped = Math.floor(final.skipped * progress)
  const passed = Math.floor(final.passed * progress)
  return { total: final.total, passed, failed, skipped }
}
