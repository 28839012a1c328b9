// The pauses a platform asks for, and the pace it documents: a Retry-After or rate-limit answer
// holds the next requests (all of them, or only the same action's where the platform counts its
// limits per action), and a documented read limit, shared with other readers, spaces this step's
// reads (read-pacer.ts). Every wait ends by the deadline it is given.
import * as core from '@actions/core'
import type { Clock } from './clock.js'
import { ReadPacer, type ReadLimit } from './read-pacer.js'

/** What a pause is keyed by: the method and path template of a request. */
export interface Paced {
  method: string
  template: string
  readsRun?: boolean
}

/** How much longer than a platform's documented window the read limit keeps its sends. */
export const READ_LIMIT_MARGIN_MS = 300

export interface PausesOptions {
  clock: Clock
  /** The platform counts its limits per action (Gearset, docs/platforms.md point 11). */
  limitsPerAction?: boolean
  /** At most `count` GETs in any `perMs` window, shared with every other reader of the resource. */
  readLimit?: ReadLimit
}

export class Pauses {
  /** No request is sent before these clock times, by pause key. */
  private readonly notBefore = new Map<string, number>()
  /** This step's reads within the platform's window: when, and under which pause key. */
  private readonly recentReads: { at: number; key: string }[] = []
  private readonly pacer?: ReadPacer
  /** The pause key of the run-status read, once one was sent. */
  private runReadKey?: string

  constructor(private readonly o: PausesOptions) {
    if (o.readLimit) this.pacer = new ReadPacer(o.readLimit)
  }

  /** Which pause holds this request. */
  keyOf(r: Paced): string {
    return this.o.limitsPerAction ? `${r.method} ${r.template}` : '*'
  }

  /** Notes the request about to be sent; the run-status read's key is the one `pausedForMs` reports. */
  sending(r: Paced): void {
    if (r.readsRun) this.runReadKey = this.keyOf(r)
  }

  /**
   * Clock ms until the platform allows the wait's next read of the run (0: now). Where limits are
   * counted per action, that is the pause of the run-status read, whatever other actions were refused.
   */
  pausedForMs(): number {
    const key = this.o.limitsPerAction ? this.runReadKey : '*'
    return key === undefined ? 0 : Math.max(0, (this.notBefore.get(key) ?? 0) - this.o.clock.now())
  }

  /** The platform asked for a pause of `ms` after this request: it holds the next ones of its key. */
  asked(r: Paced, ms: number): void {
    const key = this.keyOf(r)
    this.notBefore.set(key, Math.max(this.notBefore.get(key) ?? 0, this.o.clock.now() + ms))
  }

  /**
   * Clock ms this request must wait for a pause (0: none); `past` when the pause ends after the
   * deadline, where waiting would be pointless.
   */
  pauseFor(r: Paced, deadline: number): { waitMs: number; past: boolean } {
    const notBefore = this.notBefore.get(this.keyOf(r)) ?? 0
    return { waitMs: Math.max(0, notBefore - this.o.clock.now()), past: notBefore > deadline }
  }

  /**
   * Waits until one more GET fits in the documented read limit, and until the pace this step keeps
   * for the readers it shares the limit with allows it (never past the deadline: the last look is sent).
   */
  async throttle(r: Paced, deadline: number, signal?: AbortSignal): Promise<void> {
    const limit = this.o.readLimit
    const pacer = this.pacer
    if (!limit || !pacer) return
    for (;;) {
      const now = this.o.clock.now()
      // The platform counts arrivals, which jitter: a window is kept READ_LIMIT_MARGIN_MS longer.
      const window = limit.perMs + READ_LIMIT_MARGIN_MS
      while (this.recentReads.length && now - this.recentReads[0].at >= window) this.recentReads.shift()
      const full = this.recentReads.length >= limit.count
      const paced = Math.min(pacer.nextAt(), deadline) - now
      // A pause the platform asked for while this read waited its turn (another run's read refused) holds it too.
      const paused = Math.min(this.notBefore.get(this.keyOf(r)) ?? 0, deadline) - now
      if (!full && paced <= 0 && paused <= 0) {
        this.recentReads.push({ at: now, key: this.keyOf(r) })
        pacer.sent(now, this.o.clock.random())
        return
      }
      const wait = Math.max(paced, paused, full ? this.recentReads[0].at + window - now + 1 : 0)
      if (paced > 0 && !full)
        core.debug(
          `  other readers share the platform's read limit: this read waits ${seconds(wait)} (spacing ${seconds(pacer.spacingMs)})`
        )
      await this.o.clock.sleep(wait, signal)
    }
  }

  /** What a GET's answer says of the shared read limit, for the pacer; `resent`: a refused read is sent again. */
  heard(r: Paced, status: number, remainingHeader: string | string[] | undefined, sentAt: number, resent: boolean): void {
    const limit = this.o.readLimit
    if (!limit || !this.pacer) return
    // The platform's window counts this action's reads only, where it counts limits per action.
    const key = this.keyOf(r)
    const own = this.recentReads.filter((x) => x.key === key && sentAt - x.at < limit.perMs).length
    // A refused read that is not sent again holds nobody to its Retry-After: it is taken for what
    // it says, a window full of other readers' reads.
    if (status === 429) return this.pacer.refused(own, resent)
    const v = Array.isArray(remainingHeader) ? remainingHeader[0] : remainingHeader
    if (v !== undefined && /^\s*\d+\s*$/.test(v)) this.pacer.answered(Number(v), own)
  }
}

export const seconds = (ms: number) => `${ms < 10_000 ? (ms / 1000).toFixed(1).replace(/\.0$/, '') : Math.round(ms / 1000)} s`
