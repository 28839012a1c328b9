// A virtual clock: sleeps advance time at once, so hours of polling take milliseconds.
import type { Clock } from '../../src/clock.js'

export class FakeClock implements Clock {
  ms: number
  sleeps: number[] = []
  /** `start`: where the clock starts, as a real clock does not start at 0 (so `now - start` matters). */
  constructor(
    private readonly rnd = 0.5,
    readonly start = 0
  ) {
    this.ms = start
  }
  /** Time since the clock started. */
  elapsed = () => this.ms - this.start
  now = () => this.ms
  random = () => this.rnd
  sleep = async (ms: number, signal?: AbortSignal) => {
    if (signal?.aborted) throw signal.reason
    this.sleeps.push(ms)
    this.ms += ms
    await Promise.resolve()
  }
}
