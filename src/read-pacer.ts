// Paces a step's reads under a limit other readers share unseen (Gearset: 5 status reads per 5 s
// per job, for everyone; docs/platforms.md point 11). Reads left in the window that this step did
// not use, others did: the spacing grows while they fill it (at least doubles on a refusal), shrinks
// back to the platform's own pace when it is quiet, and is jittered once others are seen, so steps
// that started together drift apart. A step alone is never slowed.

export interface ReadLimit {
  count: number
  perMs: number
}

// Slower steps see the end later: past this spacing the shared limit is not the reason to wait.
export const MAX_SPACING_MS = 30_000
// Grow on a crowded window, more on a refusal; shrink slowly, so a crowd stays spread out.
const CROWDED_GROWTH = 1.5
const REFUSED_GROWTH = 2
const QUIET_SHRINK = 0.8
// Readers that keep the window at most 40 % used rarely meet a full one: reads arriving at random
// into a window of 5 find it full 5 % of the time at a mean of 2 a window, 11 % at 2.5 and 37 % at 4.
// Each step slows down while it sees more than 2 of 5 used, aiming at about 5 % refused (the bench,
// 12 steps: about 5 % on the median, up to 8 %; at half the window 8-10 %, as the 11 % foretold).
const TARGET_SHARE = 0.4

export class ReadPacer {
  private readonly baseMs: number
  private spacing: number
  private last = -Infinity
  private jitter = 1
  /** Another reader has been seen: others' reads in a window, or a refusal. */
  private crowded = false
  /** A refusal came before any other sign of readers (taken as a blip, once). */
  private refusedAlone = false

  constructor(private readonly limit: ReadLimit) {
    this.baseMs = limit.perMs / limit.count
    this.spacing = this.baseMs
  }

  /** The current spacing between this step's reads, ms (before jitter). */
  get spacingMs(): number {
    return this.spacing
  }

  /** Clock time before which the next read is not sent. */
  nextAt(): number {
    // Jitter only once another reader has been seen: a step alone keeps the platform's own pace.
    const gap = this.crowded ? this.spacing * this.jitter : this.spacing
    return this.last + Math.min(MAX_SPACING_MS, gap)
  }

  /** A read is sent at `now`; `random` in [0, 1) draws the jitter of the next gap (0.5-1.5x). */
  sent(now: number, random: number): void {
    this.last = now
    this.jitter = 0.5 + random
  }

  /**
   * An answer under the limit: `remaining` reads left in the platform's window, of which this step
   * made `own` within that window (this one included).
   */
  answered(remaining: number, own: number): void {
    const used = this.limit.count - remaining
    const others = used - own
    if (others <= 0) {
      this.spacing = Math.max(this.baseMs, this.spacing * QUIET_SHRINK)
      return
    }
    this.crowded = true
    // Slow down further while the window is more than 40 % used; ease off while it is not.
    const next = used > this.limit.count * TARGET_SHARE ? this.spacing * CROWDED_GROWTH : this.spacing * QUIET_SHRINK
    this.spacing = Math.min(MAX_SPACING_MS, Math.max(this.fairMs(others), next))
  }

  /**
   * The platform refused a read for the limit (429), of which this step made `own` reads within
   * the window (the refused one included): the rest of the window was other readers'. `retried`:
   * the refused read is sent again once its Retry-After is over.
   */
  refused(own: number, retried = true): void {
    // A first refusal of a retried read with no other sign of readers (a blip, or a platform that
    // refused for its own reasons) changes nothing but is remembered: its Retry-After is the wait,
    // exactly. A second one, one after any sign of others, or one of a read nobody waits to send
    // again (a step's first read of the job, refused: others filled the window) is a crowd.
    if (retried && !this.crowded && !this.refusedAlone) {
      this.refusedAlone = true
      return
    }
    this.crowded = true
    this.spacing = Math.min(MAX_SPACING_MS, Math.max(this.fairMs(this.limit.count - own + 1), this.spacing * REFUSED_GROWTH))
  }

  /**
   * Each other read seen in the window is at least one other reader: this step's fair share of
   * 40 % of the limit, as a spacing.
   */
  private fairMs(others: number): number {
    const share = (this.limit.count * TARGET_SHARE) / (1 + Math.max(0, others))
    return Math.min(MAX_SPACING_MS, Math.max(this.baseMs, this.limit.perMs / share))
  }
}
