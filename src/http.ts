// The one HTTP client (the transport) a provider talks through: the auth header, JSON in and out,
// and the retry loop, each request bounded by the deadline of the client view it is sent through
// (`until`). One exchange is exchange.ts's; the pauses a platform asks for are pauses.ts's.
import * as core from '@actions/core'
import { HttpClient } from '@actions/http-client'
import type { RequestHandler } from '@actions/http-client/lib/interfaces'
import type * as z from 'zod/mini'
import { realClock, type Clock } from './clock.js'
import type { ReadLimit } from './read-pacer.js'
import { hintFor, PlatformError, type FailureInfo } from './errors.js'
import { abortedBy, exchange, interpret, type Failure } from './exchange.js'
import { Pauses, seconds } from './pauses.js'
import {
  backoffMs,
  COMMON_RATE_LIMIT_HEADERS,
  isRetryable,
  LAST_LOOK_MS,
  mayHaveTakenEffect,
  MIN_RETRY_WINDOW_MS,
  parseRetryAfter,
  RATE_LIMIT_FALLBACK_MS,
  platformNow,
  rateLimitWaitMs,
  RETRY_BUCKET,
  type RateLimitHeaders
} from './retry-policy.js'
import { oneLine } from './text.js'

/**
 * @actions/http-client hands Node the URL's hostname, and an IPv6 literal's hostname keeps its
 * brackets (`[::1]`), which Node then looks up as a name and fails (ENOTFOUND): without them it
 * connects, as every URL form docs/how-it-works.md (Reliability: network) accepts must.
 */
export const ipv6Literals: RequestHandler = {
  prepareRequest(options) {
    if (typeof options.host === 'string') options.host = options.host.replace(/^\[(.*)\]$/, '$1')
  },
  canHandleAuthentication: () => false,
  handleAuthentication: () => Promise.reject(new Error('not used'))
}

export interface RequestSpec<T> {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT'
  /** Path appended to the base URL, with IDs already encoded. */
  path: string
  /** The same path with placeholders, for messages: `/api/test-runs/{id}`. */
  template: string
  body?: unknown
  /** Any zod schema (classic or mini) of the answer. */
  schema: z.core.$ZodType<T>
  /** Largest answer read, bytes (default: the client's, 1 MiB); per-test results may be 10 MiB. */
  maxBytes?: number
  /** Per-attempt timeout for this request, ms (default: the client's GET or write timeout). */
  timeoutMs?: number
  /** Attempts for this request (default: the client's); 1 for reads that only decorate the report. */
  attempts?: number
  /** "create the test run" */
  action: string
  /** This request starts a run: it carries the step's Idempotency-Key. */
  creates?: boolean
  /** This is the wait's read of the run's status (see `pausedForMs`). */
  readsRun?: boolean
}

export interface Reply<T> {
  status: number
  data: T
  /** The platform's clock minus ours, ms, from the answer's Date header (absent: none, or unreadable). */
  clockOffsetMs?: number
}

export interface HttpApiOptions {
  platform: string
  baseUrl: string
  authorization: string
  /** Secrets to scrub from anything the platform echoes back. */
  secrets: string[]
  hints?: Partial<Record<number, string>>
  /** Where a person finds the platform's runs, for "a run may have started" messages. */
  runsPage?: string
  headers?: Record<string, string>
  userAgent?: string
  clock?: Clock
  /** Per-attempt timeouts (headers and body), ms. */
  getTimeoutMs?: number
  postTimeoutMs?: number
  maxBodyBytes?: number
  maxAttempts?: number
  /** The one attempt a request gets at or past the deadline, ms (default LAST_LOOK_MS). */
  lastLookMs?: number
  /** The platform's own message in an error answer (each provider reads its own error shape). */
  errorMessage?: (body: unknown) => string | undefined
  /** The names of the platform's rate-limit headers (default: X-RateLimit-Remaining / -Reset). */
  rateLimitHeaders?: RateLimitHeaders
  /**
   * At most `count` GETs in any `perMs` window: a platform's documented rate limit, shared with
   * every other reader of the same resource (read-pacer.ts spaces this step's share of it).
   */
  readLimit?: ReadLimit
  /**
   * The platform counts its limits per action (Gearset, docs/platforms.md point 11): a pause it asks
   * for holds only requests of the same method and path, so a refused read never holds a cancel.
   */
  limitsPerAction?: boolean
  /** Sent as `Idempotency-Key` on requests that start a run, on every attempt. */
  idempotencyKey?: string
  /** Where retry notes go (the step log by default). */
  log?: (line: string) => void
}

export { READ_LIMIT_MARGIN_MS } from './pauses.js'

/** What every view of one client shares: the connection settings, the pauses, the retry budget. */
interface Shared {
  client: HttpClient
  clock: Clock
  pauses: Pauses
  tokens: number
}

export class HttpApi {
  readonly platform: string
  private readonly clock: Clock

  /**
   * `deadline` (clock ms) bounds every request sent through this client: per-attempt timeouts shrink
   * to the time left, no retry or pause ends past it, and at or after it a request gets one short
   * attempt. `until` gives the same client bound to another deadline.
   */
  constructor(
    private readonly o: HttpApiOptions,
    readonly deadline = Infinity,
    private readonly s: Shared = {
      client: new HttpClient(o.userAgent ?? 'trigger-test-run', [ipv6Literals], {
        allowRedirects: false,
        allowRetries: false,
        keepAlive: false,
        socketTimeout: Math.max(o.getTimeoutMs ?? 30_000, o.postTimeoutMs ?? 60_000)
      }),
      clock: o.clock ?? realClock,
      pauses: new Pauses({ clock: o.clock ?? realClock, limitsPerAction: o.limitsPerAction, readLimit: o.readLimit }),
      tokens: RETRY_BUCKET.size
    }
  ) {
    this.platform = o.platform
    this.clock = s.clock
  }

  /** The same client (its pauses, pace and retry budget) with every request bounded by `deadline`. */
  until(deadline: number): HttpApi {
    return new HttpApi(this.o, deadline, this.s)
  }

  /**
   * The same client (its pauses, pace and retry budget) sending `key` as the Idempotency-Key: each
   * run of a step of several is started by a request of its own, never taken for another's.
   */
  startingWith(key: string): HttpApi {
    return new HttpApi({ ...this.o, idempotencyKey: key }, this.deadline, this.s)
  }

  /** Clock ms until the platform allows the wait's next read of the run (0: now). */
  pausedForMs(): number {
    return this.s.pauses.pausedForMs()
  }

  /** Tokens left in the retry bucket (docs/how-it-works.md, Reliability: retry budget). */
  get retryTokens(): number {
    return this.s.tokens
  }

  /** How many times this request may be sent. */
  private attemptsOf(spec: RequestSpec<unknown>): number {
    return spec.attempts ?? this.o.maxAttempts ?? 3
  }

  /**
   * Sends a request, retrying where that is safe:
   * - GET: network errors, timeouts, 408/429/5xx and non-JSON answers, up to `maxAttempts`;
   * - POST and other writes: only when the request never reached the platform, or the platform
   *   refused it with 429, or 503 with Retry-After: a write is never re-sent after an ambiguous
   *   failure, so one step can never start two runs.
   * Waits use full-jitter exponential backoff (1 s base, 20 s cap) or the platform's Retry-After.
   */
  async request<T>(spec: RequestSpec<T>, signal?: AbortSignal): Promise<Reply<T>> {
    const attempts = this.attemptsOf(spec)
    for (let attempt = 1; ; attempt++) {
      try {
        const reply = await this.once(spec, signal)
        this.s.tokens = Math.min(RETRY_BUCKET.size, this.s.tokens + RETRY_BUCKET.refund)
        return reply
      } catch (e) {
        if (!(e instanceof PlatformError) || attempt >= attempts || !isRetryable(spec.method, e.info)) throw e
        const left = this.deadline - this.clock.now()
        // At the deadline a request has had its one attempt: the step ends, honestly, now. (A retry
        // in the last second before it would only hold up the wait's last look.)
        if (left <= MIN_RETRY_WINDOW_MS) throw e
        const cost = e.info.kind === 'timeout' ? RETRY_BUCKET.timeoutCost : RETRY_BUCKET.retryCost
        if (this.s.tokens < cost) throw new PlatformError({ ...e.info, budgetExhausted: true })
        const asked = e.info.retryAfterMs ?? (e.info.rateLimited ? RATE_LIMIT_FALLBACK_MS : undefined)
        if (asked !== undefined && asked > left) {
          // Waiting as told would outlast the step: say so now rather than sleep past the deadline.
          const until = new Date(Date.now() + asked).toISOString()
          throw new PlatformError({ ...e.info, detail: `rate limited until ${until}, past the step's deadline` })
        }
        const backoff = backoffMs(attempt, this.clock.random())
        const delay = asked ?? Math.min(backoff, left)
        this.s.tokens -= cost
        const log = this.o.log ?? core.info
        log(`${this.platform}: ${spec.method} ${spec.template} failed (${shortReason(e.info)}); retrying in ${(delay / 1000).toFixed(1)} s`)
        await this.clock.sleep(delay, signal).catch(() => {
          throw this.fail(spec, abortedBy(signal, false))
        })
      }
    }
  }

  /** Holds the request until the platform's requested pause is over; never past the deadline. */
  private async obeyPause(spec: RequestSpec<unknown>, signal?: AbortSignal): Promise<void> {
    const { waitMs, past } = this.s.pauses.pauseFor(spec, this.deadline)
    if (waitMs <= 0) return
    if (past) {
      const until = new Date(Date.now() + waitMs).toISOString()
      throw this.fail(spec, { kind: 'rate-limited', detail: until, reached: false, rateLimited: true })
    }
    core.debug(`${spec.method} ${spec.template}: the platform asked for a pause; waiting ${(waitMs / 1000).toFixed(1)} s before sending`)
    await this.clock.sleep(waitMs, signal).catch(() => {
      throw this.fail(spec, abortedBy(signal, false))
    })
  }

  private fail(spec: RequestSpec<unknown>, f: Failure): PlatformError {
    const base = { ...f, platform: this.o.platform, action: spec.action, endpoint: `${spec.method} ${spec.template}`, method: spec.method }
    let hint = f.hint ?? hintFor(base, this.o.hints ?? {})
    if (spec.method !== 'GET' && mayHaveTakenEffect(base)) {
      // Saying "run the job again" here could start a second run: say where to look first.
      hint = `the request reached ${this.o.platform} before it failed, so it may have taken effect: look at ${this.o.runsPage ?? 'the platform'} before running the job again.`
    }
    return new PlatformError({ ...base, hint })
  }

  /** One attempt: the pauses obeyed, the request sent and its answer read. */
  private async once<T>(spec: RequestSpec<T>, signal?: AbortSignal): Promise<Reply<T>> {
    const pauses = this.s.pauses
    pauses.sending(spec)
    const fail = (f: Failure) => this.fail(spec, f)
    if (signal?.aborted) throw fail(abortedBy(signal, false))
    await this.obeyPause(spec, signal)
    if (spec.method === 'GET') {
      try {
        await pauses.throttle(spec, this.deadline, signal)
      } catch {
        throw fail(abortedBy(signal, false))
      }
    }
    const url = `${this.o.baseUrl}${spec.path}`
    const headers: Record<string, string> = {
      Accept: 'application/json',
      Authorization: this.o.authorization,
      ...this.o.headers
    }
    if (spec.creates && this.o.idempotencyKey) headers['Idempotency-Key'] = this.o.idempotencyKey
    let payload: string | null = null
    if (spec.body !== undefined) {
      payload = JSON.stringify(spec.body)
      headers['Content-Type'] = 'application/json'
    }
    const usual = spec.timeoutMs ?? (spec.method === 'GET' ? (this.o.getTimeoutMs ?? 30_000) : (this.o.postTimeoutMs ?? 60_000))
    const started = this.clock.now()
    // The attempt ends by the deadline; at or past it (the last look), it gets one short attempt.
    const timeoutMs = Math.min(usual, Math.max(this.deadline - started, this.o.lastLookMs ?? LAST_LOOK_MS))
    const answer = await exchange(
      this.s.client,
      {
        method: spec.method,
        url,
        payload,
        headers,
        timeoutMs,
        timeoutDetail: `${seconds(timeoutMs)}${timeoutMs < usual ? " (the time left before the step's deadline)" : ''}`,
        maxBytes: spec.maxBytes ?? this.o.maxBodyBytes ?? 1024 * 1024
      },
      fail,
      signal
    )
    const { status } = answer
    core.debug(`${spec.method} ${spec.template} -> ${status} in ${Math.round(this.clock.now() - started)} ms`)
    const names = this.o.rateLimitHeaders ?? COMMON_RATE_LIMIT_HEADERS
    const seen = ['retry-after', names.remaining, names.reset].filter((h) => answer.headers[h] !== undefined)
    if (seen.length) core.debug(`  rate-limit headers: ${seen.map((h) => `${h}: ${oneLine(String(answer.headers[h]), 60)}`).join(', ')}`)
    if (spec.method === 'GET') pauses.heard(spec, status, answer.headers[names.remaining], started, this.attemptsOf(spec) > 1)
    const theirNow = platformNow(answer.headers)
    const limitMs = rateLimitWaitMs(answer.headers, theirNow, this.o.rateLimitHeaders)
    const retryAfterMs = parseRetryAfter(answer.headers['retry-after'], theirNow) ?? limitMs
    const rateLimited = status === 429 || limitMs !== undefined
    // A pause the platform asked for holds every next request, of any kind, not only a retry of this one.
    const pause = retryAfterMs ?? (rateLimited ? RATE_LIMIT_FALLBACK_MS : undefined)
    if (pause !== undefined) pauses.asked(spec, pause)
    const read = interpret(
      answer,
      { url, schema: spec.schema, errorMessage: this.o.errorMessage, secrets: this.o.secrets, retryAfterMs, rateLimited },
      fail
    )
    return { status, ...read }
  }
}

function shortReason(f: FailureInfo): string {
  if (f.kind === 'http') return `HTTP ${f.status}`
  if (f.kind === 'not-json') return `HTTP ${f.status}, not JSON`
  return f.detail ? `${f.kind}: ${f.detail}` : f.kind
}
