// The retry policy's pure functions, one boundary per row: what is retried, what a failed write
// may have done, how long a platform asks us to wait. (http.test.ts drives them through the client.)
import type { FailureInfo } from '../src/errors.js'
import {
  isRetryable,
  mayHaveTakenEffect,
  parseRetryAfter,
  platformNow,
  RATE_LIMIT_FALLBACK_MS,
  rateLimitWaitMs
} from '../src/retry-policy.js'

const NOW = Date.parse('2026-12-01T12:00:00Z')
const f = (x: Partial<FailureInfo>): FailureInfo => ({ platform: 'p', action: 'a', endpoint: 'e', kind: 'http', reached: true, ...x })

describe('parseRetryAfter', () => {
  it.each([
    [undefined, undefined],
    ['', undefined],
    ['3', 3000],
    [['3', '9'], 3000],
    [' 3', 3000],
    ['3 ', 3000],
    ['x3', undefined],
    ['3x', undefined],
    ['200', 120_000],
    ['Tue, 01 Dec 2026 12:00:05 GMT', 5000],
    ['Tue, 01 Dec 2026 11:00:00 GMT', 0],
    ['soon', undefined]
  ] as [string | string[] | undefined, number | undefined][])('%j → %s ms', (value, ms) => {
    expect(parseRetryAfter(value, NOW)).toBe(ms)
  })
})

describe('platformNow: a wait is measured on the platform’s clock', () => {
  it.each([
    [{ date: 'Tue, 01 Dec 2026 11:59:50 GMT' }, NOW - 10_000],
    [{ date: 'yesterday-ish' }, NOW],
    [{}, NOW]
  ] as [Record<string, string>, number][])('%j → its Date, else this machine’s', (headers, at) => {
    expect(platformNow(headers, NOW)).toBe(at)
  })

  it('a reset 5 s after the platform’s Date is a 6 s wait, whatever this machine’s clock says', () => {
    const headers = { date: 'Tue, 01 Dec 2026 11:59:50 GMT', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '2026-12-01T11:59:55Z' }
    expect(rateLimitWaitMs(headers, platformNow(headers, NOW))).toBe(6000)
    expect(parseRetryAfter('Tue, 01 Dec 2026 11:59:55 GMT', platformNow(headers, NOW))).toBe(5000)
  })
})

describe('rateLimitWaitMs', () => {
  const epoch = (ms: number) => String(Math.floor((NOW + ms) / 1000))
  it.each([
    [{}, undefined],
    [{ 'x-ratelimit-remaining': '1', 'x-ratelimit-reset': epoch(10_000) }, undefined],
    [{ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': epoch(10_000) }, 11_000],
    [{ 'x-ratelimit-remaining': ' 0 ', 'x-ratelimit-reset': ` ${epoch(10_000)} ` }, 11_000],
    [{ 'x-ratelimit-remaining': ['0'], 'x-ratelimit-reset': [epoch(10_000)] }, 11_000],
    [{ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': 'Tue, 01 Dec 2026 12:00:10 +0000' }, 11_000],
    [{ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '2026-12-01T12:00:10Z' }, 11_000],
    [{ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': epoch(-60_000) }, 1000],
    [{ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': epoch(3600_000) }, 120_000],
    [{ 'x-ratelimit-remaining': '0' }, RATE_LIMIT_FALLBACK_MS],
    [{ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': ' ' }, RATE_LIMIT_FALLBACK_MS],
    [{ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': 'never' }, RATE_LIMIT_FALLBACK_MS]
  ] as [Record<string, string | string[]>, number | undefined][])('%j → %s ms', (headers, ms) => {
    expect(rateLimitWaitMs(headers, NOW)).toBe(ms)
  })
})

describe('mayHaveTakenEffect (a failed write that may still have been carried out)', () => {
  it.each([
    ['never reached', f({ kind: 'network', reached: false }), false],
    ['a redirect not followed', f({ kind: 'redirect', status: 302 }), false],
    ['HTTP 499', f({ status: 499 }), false],
    ['HTTP 500', f({ status: 500 }), true],
    ['HTTP 502', f({ status: 502 }), true],
    ['HTTP 503 without Retry-After', f({ status: 503 }), true],
    ['HTTP 503 with Retry-After (refused, not carried out)', f({ status: 503, retryAfterMs: 1000 }), false],
    ['HTTP 504 with Retry-After', f({ status: 504, retryAfterMs: 1000 }), true],
    ['HTTP 400', f({ status: 400 }), false],
    ['a timeout', f({ kind: 'timeout' }), true],
    ['a reset after sending', f({ kind: 'network' }), true],
    ['an unreadable answer', f({ kind: 'not-json', status: 200 }), true]
  ])('%s → %s', (_, failure, expected) => {
    expect(mayHaveTakenEffect(failure)).toBe(expected)
  })
})

describe('isRetryable', () => {
  it.each(['aborted', 'shape', 'redirect', 'too-large', 'tls', 'rate-limited', 'wrong-run'] as const)(
    'a %s failure is final, for reads and writes',
    (kind) => {
      expect(isRetryable('GET', f({ kind, status: 503 }))).toBe(false)
      expect(isRetryable('POST', f({ kind, reached: false }))).toBe(false)
    }
  )

  it.each([
    ['a proxy’s 500', f({ kind: 'proxy', proxyStatus: 500, reached: false }), true],
    ['a proxy’s 502', f({ kind: 'proxy', proxyStatus: 502, reached: false }), true],
    ['a proxy’s 407', f({ kind: 'proxy', proxyStatus: 407, reached: false }), false],
    ['a proxy’s 403', f({ kind: 'proxy', proxyStatus: 403, reached: false }), false]
  ])('%s → %s', (_, failure, expected) => {
    expect(isRetryable('GET', failure)).toBe(expected)
    expect(isRetryable('POST', failure)).toBe(expected)
  })

  it.each([
    ['never reached', f({ kind: 'network', reached: false }), true],
    ['a reset after sending', f({ kind: 'network' }), false],
    ['a timeout', f({ kind: 'timeout' }), false],
    ['HTTP 429', f({ status: 429 }), true],
    ['HTTP 503 with Retry-After', f({ status: 503, retryAfterMs: 1000 }), true],
    ['HTTP 503 without Retry-After', f({ status: 503 }), false],
    ['HTTP 504 with Retry-After', f({ status: 504, retryAfterMs: 1000 }), false],
    ['HTTP 403 that is a rate limit', f({ status: 403, rateLimited: true }), true],
    ['HTTP 403', f({ status: 403 }), false],
    ['HTTP 401 with rate-limit headers', f({ status: 401, rateLimited: true }), false],
    ['an unreadable 503 with Retry-After', f({ kind: 'not-json', status: 503, retryAfterMs: 1000 }), false],
    ['HTTP 500', f({ status: 500 }), false]
  ])('a write: %s → %s', (_, failure, expected) => {
    expect(isRetryable('POST', failure)).toBe(expected)
  })

  it.each([
    ['a DNS failure', f({ kind: 'dns', reached: false }), true],
    ['a reset', f({ kind: 'network' }), true],
    ['a timeout', f({ kind: 'timeout' }), true],
    ['an unreadable answer', f({ kind: 'not-json', status: 200 }), true],
    ['HTTP 408', f({ status: 408 }), true],
    ['HTTP 429', f({ status: 429 }), true],
    ['HTTP 500', f({ status: 500 }), true],
    ['HTTP 501', f({ status: 501 }), false],
    ['HTTP 503', f({ status: 503 }), true],
    ['HTTP 404', f({ status: 404 }), false],
    ['HTTP 403 that is a rate limit', f({ status: 403, rateLimited: true }), true],
    ['HTTP 403', f({ status: 403 }), false],
    ['HTTP 401 with rate-limit headers', f({ status: 401, rateLimited: true }), false],
    ['HTTP 499', f({ status: 499 }), false]
  ])('a read: %s → %s', (_, failure, expected) => {
    expect(isRetryable('GET', failure)).toBe(expected)
  })
})
