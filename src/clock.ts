// Time for everything that waits: monotonic now, an abortable sleep, and jitter. Injected, so tests
// run hours of polling in milliseconds on a virtual clock.
export interface Clock {
  /** Monotonic milliseconds. */
  now(): number
  /** Resolves after `ms`, or rejects with the signal's reason when it aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>
  /** A number in [0, 1), for jitter. */
  random(): number
}

export const realClock: Clock = {
  now: () => performance.now(),
  sleep: (ms, signal) =>
    new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason)
      const onAbort = () => {
        clearTimeout(timer)
        reject(signal?.reason)
      }
      const timer = setTimeout(
        () => {
          signal?.removeEventListener('abort', onAbort)
          resolve()
        },
        Math.min(Math.max(0, ms), 2 ** 31 - 1)
      )
      signal?.addEventListener('abort', onAbort, { once: true })
    }),
  random: Math.random
}
