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

/**
 * A signal that aborts with `parent`, or as a timeout after `ms`. (Not AbortSignal.any with
 * AbortSignal.timeout: on Node 20 the timeout signal inside it may be collected and never fire.)
 */
export function budgeted(
  parent: AbortSignal | undefined,
  ms: number,
  why = 'the time budget ran out'
): { signal: AbortSignal; release(): void } {
  const c = new AbortController()
  const onAbort = () => c.abort(parent?.reason)
  if (parent?.aborted) onAbort()
  else parent?.addEventListener('abort', onAbort, { once: true })
  const timer = setTimeout(() => c.abort(new DOMException(why, 'TimeoutError')), ms)
  return {
    signal: c.signal,
    release: () => {
      clearTimeout(timer)
      parent?.removeEventListener('abort', onAbort)
    }
  }
}
