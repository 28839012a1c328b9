// The retry policy as pure functions and constants: what is retried, what a write's failure means,
// how long a platform asks us to wait. The transport (http.ts) applies it.
import type { IncomingHttpHeaders } from 'node:http'
import type { FailureInfo, FailureKind } from './errors.js'

export function parseRetryAfter(value: string | string[] | undefined, nowEpochMs = Date.now()): number | undefined {
  const v = Array.isArray(value) ? value[0] : value
  if (!v) return undefined
  const maxMs = MAX_WAIT_MS
  if (/^\s*\d+\s*$/.test(v)) return Math.min(Number(v) * 1000, maxMs)
  const date = Date.parse(v)
  if (Number.isNaN(date)) return undefined
  return Math.min(Math.max(0, date - nowEpochMs), maxMs)
}

/**
 * The platform's time of an answer: its Date header, else this machine's clock. A Retry-After date
 * or a rate-limit reset is a time on the platform's clock, so a runner whose clock is off by
 * seconds neither sends early nor waits longer than asked.
 */
export function platformNow(headers: IncomingHttpHeaders, localEpochMs = Date.now()): number {
  const date = Date.parse(headers.date ?? '')
  return Number.isNaN(date) ? localEpochMs : date
}

/** The names of a platform's rate-limit headers (lower case); a provider declares its own. */
export interface RateLimitHeaders {
  remaining: string
  reset: string
}

/** The common spelling (GitHub, many gateways): what a platform that declares none is read with. */
export const COMMON_RATE_LIMIT_HEADERS: RateLimitHeaders = { remaining: 'x-ratelimit-remaining', reset: 'x-ratelimit-reset' }

/**
 * How long rate-limit headers ask us to wait: remaining 0 until reset (epoch seconds or an ISO
 * date) plus 1 s; a minute when the reset is missing or unreadable.
 */
export function rateLimitWaitMs(
  headers: IncomingHttpHeaders,
  nowEpochMs = Date.now(),
  names: RateLimitHeaders = COMMON_RATE_LIMIT_HEADERS
): number | undefined {
  const get = (name: string) => {
    const v = headers[name]
    return Array.isArray(v) ? v[0] : v
  }
  if (get(names.remaining)?.trim() !== '0') return undefined
  const reset = get(names.reset)?.trim()
  if (!reset) return RATE_LIMIT_FALLBACK_MS
  const at = /^\d+$/.test(reset) ? Number(reset) * 1000 : Date.parse(reset)
  if (Number.isNaN(at)) return RATE_LIMIT_FALLBACK_MS
  return Math.min(Math.max(0, at - nowEpochMs) + 1000, MAX_WAIT_MS)
}

// A rate limit with no word on how long: wait a minute (octokit's fallback).
export const RATE_LIMIT_FALLBACK_MS = 60_000
// The longest wait a platform can ask for between two attempts.
const MAX_WAIT_MS = 120_000
// The retry budget, the AWS SDKs' standard retry token bucket: a retry costs 5 tokens (10 after a timeout),
// every successful answer gives 1 back. It bounds retry storms in a long burst of failures; the
// wait itself never ends for an empty bucket while some reads still succeed (see wait.ts).
export const RETRY_BUCKET = { size: 500, retryCost: 5, timeoutCost: 10, refund: 1 } as const
// A request sent at or after the deadline (the wait's last look, a cancel, a report read) gets one
// attempt of this long: long enough for a healthy platform, short enough to end the step soon.
export const LAST_LOOK_MS = 5000
// In the last second before the deadline no retry is made: it would only hold up the last look.
export const MIN_RETRY_WINDOW_MS = 1000

/** Full-jitter exponential backoff before attempt `attempt + 1` (1 s base, 20 s cap). */
export function backoffMs(attempt: number, random: number): number {
  return random * Math.min(1000 * 2 ** (attempt - 1), 20_000)
}

/** A write that failed this way may still have been carried out by the platform. */
export function mayHaveTakenEffect(f: Omit<FailureInfo, 'hint'>): boolean {
  if (!f.reached || f.kind === 'redirect') return false
  if (f.kind === 'http') return (f.status ?? 0) >= 500 && !(f.status === 503 && f.retryAfterMs !== undefined)
  return true // timeouts, resets, unreadable or unexpected answers: the platform may have acted
}

export function isRetryable(method: string, f: FailureInfo): boolean {
  const final: FailureKind[] = ['aborted', 'shape', 'redirect', 'too-large', 'tls', 'rate-limited', 'wrong-run']
  if (final.includes(f.kind)) return false
  // A proxy that refused the tunnel (403, 407) says the same again; its 5xx is a gateway's blip.
  if (f.kind === 'proxy') return (f.proxyStatus ?? 0) >= 500
  if (method !== 'GET') {
    if (!f.reached) return true
    return (
      f.kind === 'http' &&
      (f.status === 429 || (f.status === 503 && f.retryAfterMs !== undefined) || (f.status === 403 && f.rateLimited === true))
    )
  }
  if (f.kind === 'network' || f.kind === 'dns' || f.kind === 'timeout' || f.kind === 'not-json') return true
  const s = f.status ?? 0
  return s === 408 || s === 429 || (s === 403 && f.rateLimited === true) || (s >= 500 && s !== 501)
}
