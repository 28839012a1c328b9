// A virtual clock: sleeps advance time at once, so hours of polling take milliseconds.
import type { Clock } from '../../src/clock.js'

export class FakeClock implements Clock {
  ms = 0
  sleeps: number[] = []
  constructor(private readonly rnd = 0.5) {}
  now = () => this.ms
  random = () => this.rnd
  sleep = async (ms: number, signal?: AbortSignal) => {
    if (signal?.aborted) throw signal.reason
    this.sleeps.push(ms)
    this.ms += ms
    await Promise.resolve()
  }
}
