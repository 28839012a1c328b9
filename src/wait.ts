// Following a run until it ends: the polling schedule, the deadline, and what a failed poll means.
// Time comes from an injected clock, so tests run hours of polling in milliseconds.
import { isRetryable } from './retry-policy.js'
import { PlatformError } from './errors.js'
import { type Clock } from './clock.js'
import { type Provider, type ProviderContext } from './providers/types.js'
import { TERMINAL_STATUSES, type RunState } from './model.js'
import { formatDuration } from './duration.js'
import { PollPlanner, type Schedule } from './schedule.js'
import { oneLine } from './text.js'

/** When the wait ends: the step's deadline (clock ms), or a timeout from the wait's own start. */
type Until = { deadline: number; timeoutMs?: never } | { timeoutMs: number; deadline?: never }

export type WaitOptions = Until & {
  provider: Provider
  ctx: ProviderContext
  clock: Clock
  schedule: Schedule
  signal?: AbortSignal
  log(line: string): void
  warn(line: string): void
  /** Called when the state read changes, so outputs can follow the run. */
  onState?(state: RunState): void
  /** The run was created by this step just now: a 404 may be the platform catching up. */
  justCreated?: boolean
  /** Failed reads in a row for this long end the wait (platform unreachable). */
  maxUnreachableMs?: number
  /** How long a just-created run may answer 404. */
  notFoundGraceMs?: number
  /** The debug log (ACTIONS_STEP_DEBUG): each poll decision and each raw status word. */
  debug?: (line: string) => void
}

/** The step stopped waiting because it was told to (workflow cancelled). */
export class WaitAborted extends Error {
  constructor(readonly last: RunState) {
    super('stopped waiting: the step was cancelled')
    this.name = 'WaitAborted'
  }
}

/** A read failed in a way that waiting longer cannot fix (bad token, run gone, API changed). */
export class WaitFailed extends Error {
  constructor(
    readonly cause: PlatformError,
    readonly last: RunState,
    message = cause.message
  ) {
    super(message)
    this.name = 'WaitFailed'
  }
}

/** A status answer that names another run than the one asked about. */
export function otherRun(platform: string, asked: string, answered: string): PlatformError {
  return new PlatformError({
    platform,
    action: `read the status of run ${asked}`,
    endpoint: 'the run status',
    kind: 'wrong-run',
    detail: oneLine(answered, 128),
    reached: true
  })
}

export function isTerminal(s: RunState): boolean {
  return TERMINAL_STATUSES.includes(s.status)
}

/** A pass only counts when the platform's own counts agree: a "pass" with failed tests is a failure. */
export function checked(s: RunState): RunState {
  if (s.status === 'passed' && (s.counts.failed ?? 0) > 0) {
    return { ...s, status: 'failed', message: `${s.providerStatus} reported with ${s.counts.failed} failed tests` }
  }
  return s
}

/** A one-line progress report: state, counts, elapsed. */
export function progressLine(s: RunState, elapsedMs?: number): string {
  const c = s.counts
  const parts = [`${s.status} (${oneLine(s.providerStatus || 'no status', 60)})`]
  if (c.total !== undefined || c.passed !== undefined || c.failed !== undefined) {
    const done = (c.passed ?? 0) + (c.failed ?? 0) + (c.skipped ?? 0)
    parts.push(`${done}/${c.total ?? '?'} done: ${c.passed ?? 0} passed, ${c.failed ?? 0} failed`)
  }
  if (elapsedMs !== undefined) parts.push(`${formatDuration(Math.round(elapsedMs / 1000))} elapsed`)
  return parts.join(' · ')
}

const fingerprint = (s: RunState) => JSON.stringify([s.status, s.providerStatus, s.counts])

/**
 * Polls until the run ends or the deadline passes. Returns the final state: terminal, or
 * `timed_out` after one last look. A failed read is "unknown this time", never "the run failed":
 * only a long unreachable window, or an answer no retry can change, ends the wait early.
 */
export async function waitForRun(first: RunState, o: WaitOptions): Promise<RunState> {
  const { provider, clock } = o
  const status = provider.status?.bind(provider)
  if (!status) throw new Error(`${provider.title} has no status API`)
  const started = clock.now()
  const deadline = o.deadline ?? started + o.timeoutMs!
  const maxUnreachable = o.maxUnreachableMs ?? 10 * 60_000
  const notFoundGrace = o.notFoundGraceMs ?? 60_000
  const warned = new Set<string>()
  let last = checked(first)
  let seen = fingerprint(last)
  const planner = new PollPlanner(o.schedule)
  planner.observe(0, last)
  let failingSince: number | undefined
  o.log(progressLine(last, 0))

  const read = async (): Promise<RunState | undefined> => {
    try {
      const s = checked(await status(o.ctx, last.id, o.signal))
      o.debug?.(
        `Status of run ${oneLine(s.id, 64)}: ${oneLine(s.providerStatus || '(no word)', 100)} → ${s.status} ${JSON.stringify(s.counts)}`
      )
      // Only our run decides our verdict: an answer about another run is no reading of ours.
      if (s.id !== last.id) throw otherRun(provider.title, last.id, s.id)
      failingSince = undefined
      return s
    } catch (e) {
      if (o.signal?.aborted) throw new WaitAborted(last)
      if (!(e instanceof PlatformError)) throw e
      const now = clock.now()
      const f = e.info
      // An empty retry bucket stops retries inside one read, never the wait: the lost-contact
      // window below is what ends a wait for lack of answers (docs/how-it-works.md, Reliability: retry budget). A pause the platform asked
      // for that outlasts the deadline lets the wait run out to it and end as timed out.
      const tolerable =
        isRetryable('GET', { ...f, budgetExhausted: undefined }) ||
        f.kind === 'rate-limited' ||
        f.kind === 'wrong-run' ||
        (f.kind === 'http' && f.status === 404 && o.justCreated && now - started < notFoundGrace)
      if (!tolerable) throw new WaitFailed(e, last)
      if (f.kind === 'wrong-run' && !warned.has(`run:${f.detail}`)) {
        warned.add(`run:${f.detail}`)
        o.warn(`${e.message} It is not taken as a reading of run ${last.id}; still waiting.`)
      }
      failingSince ??= now
      if (now - failingSince >= maxUnreachable) {
        throw new WaitFailed(
          e,
          last,
          `Lost contact with ${provider.title} for ${formatDuration(Math.round((now - failingSince) / 1000))} while waiting for run ${last.id}: ${e.message}`
        )
      }
      o.log(`Could not read the run status this time (${oneLine(e.message, 200)}); still waiting.`)
      return undefined
    }
  }

  while (!isTerminal(last)) {
    const now = clock.now()
    if (now >= deadline) {
      // One last look: the run may have ended while we slept.
      const final = await read().catch((e) => {
        if (e instanceof WaitAborted) throw e
        return undefined
      })
      if (final) last = final
      if (isTerminal(last)) break
      return { ...last, status: 'timed_out' }
    }
    try {
      // A pause the platform asked for (Retry-After, rate-limit headers, on any answer) is kept by
      // the HTTP client, which holds every request until it is over; the wait sleeps through it
      // rather than asking for reads that may not be sent.
      const planned = planner.nextDelayMs(now - started, clock.random)
      const paused = o.ctx.http?.pausedForMs() ?? 0
      const delay = Math.max(planned, paused)
      o.debug?.(
        `Next status read in ${(delay / 1000).toFixed(1)} s: ${paused > planned ? `the platform asked for a pause of ${(paused / 1000).toFixed(1)} s` : planner.reason}.`
      )
      await clock.sleep(Math.min(delay, deadline - now), o.signal)
    } catch {
      throw new WaitAborted(last)
    }
    // Woken at the deadline: the last look above is the one read left.
    if (clock.now() >= deadline) continue
    const next = await read()
    if (!next) continue
    if (next.unknownWord && !warned.has(next.unknownWord)) {
      warned.add(next.unknownWord)
      o.warn(
        `${provider.title} reported the status "${oneLine(next.unknownWord, 60)}", which this action does not know: it is not taken as the end of the run; still waiting.`
      )
    }
    last = next
    planner.observe(clock.now() - started, last)
    if (fingerprint(last) !== seen) {
      seen = fingerprint(last)
      o.log(progressLine(last, clock.now() - started))
      o.onState?.(last)
    }
  }
  return last
}
