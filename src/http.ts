// The one HTTP client (the transport): auth header, JSON in and out, per-attempt timeout bounded by
// the deadline, response size cap, zod validation of every answer, and the retry policy applied.
import * as core from '@actions/core'
import { HttpClient } from '@actions/http-client'
import type { RequestHandler } from '@actions/http-client/lib/interfaces'
import type { IncomingMessage } from 'node:http'
import * as z from 'zod/mini'
import { realClock, type Clock } from './clock.js'
import { ReadPacer, type ReadLimit } from './read-pacer.js'
import { hintFor, PlatformError, type FailureInfo } from './errors.js'
import { classifyNetworkError } from './network-errors.js'
import {
  backoffMs,
  COMMON_RATE_LIMIT_HEADERS,
  isRetryable,
  LAST_LOOK_MS,
  mayHaveTakenEffect,
  MIN_RETRY_WINDOW_MS,
  parseRetryAfter,
  RATE_LIMIT_FALLBACK_MS,
  rateLimitWaitMs,
  RETRY_BUCKET,
  type RateLimitHeaders
} from './retry-policy.js'
import { oneLine, redact } from './text.js'

/**
 * @actions/http-client hands Node the URL's hostname, and an IPv6 literal's hostname keeps its
 * brackets (`[::1]`), which Node then looks up as a name and fails (ENOTFOUND): without them it
 * connects, as every URL form the README accepts must.
 */
export const ipv6Literals: RequestHandler = {
  prepareRequest(options) {
    if (typeof options.host === 'string') options.host = options.host.replace(/^\[(.*)\]$/, '$1')
  },
  canHandleAuthentication: () => false,
  handleAuthentication: () => Promise.reject(new Error('not used'))
}

/** Names the first place a response departs from its schema, never the value found there. */
function shapeDetail(error: z.core.$ZodError): string {
  const issue = error.issues[0]
  const path = issue.path.length ? issue.path.join('.') : 'body'
  const expected = 'expected' in issue && typeof issue.expected === 'string' ? `expected ${issue.expected}` : issue.code
  return `${path}: ${expected}`
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

/** How much longer than a platform's documented window the read limit keeps its sends. */
export const READ_LIMIT_MARGIN_MS = 300

export class HttpApi {
  private readonly client: HttpClient
  private readonly clock: Clock
  readonly platform: string
  /** This step's reads within the platform's window: when, and under which limit (`pauseKey`). */
  private readonly recentReads: { at: number; key: string }[] = []
  /** Spaces reads under a limit shared with other readers. */
  private readonly pacer?: ReadPacer
  private tokens: number = RETRY_BUCKET.size
  /** The step's deadline (clock ms): attempts shrink to it, and no wait ends past it. */
  private deadline = Infinity
  /**
   * No request is sent before these clock times: the platform asked for a pause. One pause holds
   * every request, or, where the platform counts its limits per action, each action has its own.
   */
  private readonly notBefore = new Map<string, number>()
  /** The pause key of the run-status read, once one was sent. */
  private runReadKey?: string

  /**
   * Bounds every request by this clock time: per-attempt timeouts shrink to the time left, no retry
   * or rate-limit wait ends past it, and at or after it a request gets one short attempt.
   */
  setDeadline(clockMs: number): void {
    this.deadline = clockMs
  }

  /**
   * Clock ms until the platform allows the wait's next read of the run (0: now). Where limits are
   * counted per action, that is the pause of the run-status read (`readsRun`), whatever other
   * actions were refused (a job-status read before the start holds only job-status reads).
   */
  pausedForMs(): number {
    const key = this.o.limitsPerAction ? this.runReadKey : '*'
    return key === undefined ? 0 : Math.max(0, (this.notBefore.get(key) ?? 0) - this.clock.now())
  }

  /** How many times this request may be sent. */
  private attemptsOf(spec: RequestSpec<unknown>): number {
    return spec.attempts ?? this.o.maxAttempts ?? 3
  }

  /** Which pause holds this request. */
  private pauseKey(spec: RequestSpec<unknown>): string {
    return this.o.limitsPerAction ? `${spec.method} ${spec.template}` : '*'
  }

  /** Tokens left in the retry bucket (README, Reliability: retry budget). */
  get retryTokens(): number {
    return this.tokens
  }

  constructor(private readonly o: HttpApiOptions) {
    this.platform = o.platform
    this.clock = o.clock ?? realClock
    if (o.readLimit) this.pacer = new ReadPacer(o.readLimit)
    this.client = new HttpClient(o.userAgent ?? 'trigger-test-run', [ipv6Literals], {
      allowRedirects: false,
      allowRetries: false,
      keepAlive: false,
      socketTimeout: Math.max(o.getTimeoutMs ?? 30_000, o.postTimeoutMs ?? 60_000)
    })
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
        this.tokens = Math.min(RETRY_BUCKET.size, this.tokens + RETRY_BUCKET.refund)
        return reply
      } catch (e) {
        if (!(e instanceof PlatformError) || attempt >= attempts || !isRetryable(spec.method, e.info)) throw e
        const left = this.deadline - this.clock.now()
        // At the deadline a request has had its one attempt: the step ends, honestly, now. (A retry
        // in the last second before it would only hold up the wait's last look.)
        if (left <= MIN_RETRY_WINDOW_MS) throw e
        const cost = e.info.kind === 'timeout' ? RETRY_BUCKET.timeoutCost : RETRY_BUCKET.retryCost
        if (this.tokens < cost) throw new PlatformError({ ...e.info, budgetExhausted: true })
        const asked = e.info.retryAfterMs ?? (e.info.rateLimited ? RATE_LIMIT_FALLBACK_MS : undefined)
        if (asked !== undefined && asked > left) {
          // Waiting as told would outlast the step: say so now rather than sleep past the deadline.
          const until = new Date(Date.now() + asked).toISOString()
          throw new PlatformError({ ...e.info, detail: `rate limited until ${until}, past the step's deadline` })
        }
        const backoff = backoffMs(attempt, this.clock.random())
        const delay = asked ?? Math.min(backoff, left)
        this.tokens -= cost
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
    const notBefore = this.notBefore.get(this.pauseKey(spec)) ?? 0
    const wait = notBefore - this.clock.now()
    if (wait <= 0) return
    if (notBefore > this.deadline) {
      const until = new Date(Date.now() + wait).toISOString()
      throw this.fail(spec, { kind: 'rate-limited', detail: until, reached: false, rateLimited: true })
    }
    core.debug(`${spec.method} ${spec.template}: the platform asked for a pause; waiting ${(wait / 1000).toFixed(1)} s before sending`)
    await this.clock.sleep(wait, signal).catch(() => {
      throw this.fail(spec, abortedBy(signal, false))
    })
  }

  /**
   * Waits until one more GET fits in the platform's documented rate limit, and until the pace this
   * step keeps for readers it shares the limit with allows it (that pace never holds a read past
   * the step's deadline: the last look is sent).
   */
  private async throttle(spec: RequestSpec<unknown>, signal?: AbortSignal): Promise<void> {
    const limit = this.o.readLimit
    const pacer = this.pacer
    if (!limit || !pacer) return
    for (;;) {
      const now = this.clock.now()
      // The platform counts arrivals, which jitter: a window is kept READ_LIMIT_MARGIN_MS longer.
      const window = limit.perMs + READ_LIMIT_MARGIN_MS
      while (this.recentReads.length && now - this.recentReads[0].at >= window) this.recentReads.shift()
      const full = this.recentReads.length >= limit.count
      const paced = Math.min(pacer.nextAt(), this.deadline) - now
      if (!full && paced <= 0) {
        this.recentReads.push({ at: now, key: this.pauseKey(spec) })
        pacer.sent(now, this.clock.random())
        return
      }
      const wait = Math.max(paced, full ? this.recentReads[0].at + window - now + 1 : 0)
      if (paced > 0 && !full)
        core.debug(
          `  other readers share the platform's read limit: this read waits ${seconds(wait)} (spacing ${seconds(pacer.spacingMs)})`
        )
      await this.clock.sleep(wait, signal)
    }
  }

  /** What a GET's answer says of the shared read limit, for the pacer. */
  private heard(spec: RequestSpec<unknown>, status: number, remainingHeader: string | string[] | undefined, sentAt: number): void {
    const limit = this.o.readLimit
    if (!limit || !this.pacer) return
    // The platform's window counts this action's reads only, where it counts limits per action.
    const key = this.pauseKey(spec)
    const own = this.recentReads.filter((r) => r.key === key && sentAt - r.at < limit.perMs).length
    // A refused read that is not sent again holds nobody to its Retry-After: it is taken for what
    // it says, a window full of other readers' reads.
    if (status === 429) return this.pacer.refused(own, this.attemptsOf(spec) > 1)
    const v = Array.isArray(remainingHeader) ? remainingHeader[0] : remainingHeader
    if (v !== undefined && /^\s*\d+\s*$/.test(v)) this.pacer.answered(Number(v), own)
  }

  private fail(spec: RequestSpec<unknown>, f: Omit<FailureInfo, 'platform' | 'action' | 'endpoint'>): PlatformError {
    const base = { ...f, platform: this.o.platform, action: spec.action, endpoint: `${spec.method} ${spec.template}`, method: spec.method }
    let hint = f.hint ?? hintFor(base, this.o.hints ?? {})
    if (spec.method !== 'GET' && mayHaveTakenEffect(base)) {
      // Saying "run the job again" here could start a second run: say where to look first.
      hint = `the request reached ${this.o.platform} before it failed, so it may have taken effect: look at ${this.o.runsPage ?? 'the platform'} before running the job again.`
    }
    return new PlatformError({ ...base, hint })
  }

  private async once<T>(spec: RequestSpec<T>, signal?: AbortSignal): Promise<Reply<T>> {
    if (spec.readsRun) this.runReadKey = this.pauseKey(spec)
    if (signal?.aborted) throw this.fail(spec, abortedBy(signal, false))
    await this.obeyPause(spec, signal)
    if (spec.method === 'GET') {
      try {
        await this.throttle(spec, signal)
      } catch {
        throw this.fail(spec, abortedBy(signal, false))
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
    const timeoutDetail = `${seconds(timeoutMs)}${timeoutMs < usual ? " (the time left before the step's deadline)" : ''}`
    const maxBytes = spec.maxBytes ?? this.o.maxBodyBytes ?? 1024 * 1024

    let message: IncomingMessage | undefined
    let timer: NodeJS.Timeout | undefined
    let onAbort: (() => void) | undefined
    // Settles with a timeout or abort failure; whichever of it and the exchange comes first wins.
    const interrupted = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        message?.destroy()
        reject(this.fail(spec, { kind: 'timeout', detail: timeoutDetail, reached: true }))
      }, timeoutMs)
      onAbort = () => {
        message?.destroy()
        reject(this.fail(spec, abortedBy(signal, true)))
      }
      signal?.addEventListener('abort', onAbort, { once: true })
    })
    const exchange = async (): Promise<Reply<T>> => {
      let res
      try {
        res = await this.client.request(spec.method, url, payload, headers)
      } catch (e) {
        const n = classifyNetworkError(e)
        throw this.fail(spec, { kind: n.kind, detail: n.detail, reached: n.reached, proxyStatus: n.proxyStatus, hint: n.hint })
      }
      message = res.message
      const status = res.message.statusCode ?? 0
      const text = await readCapped(res.message, maxBytes).catch((e: Error) => {
        throw this.fail(spec, {
          kind: e.message === 'too-large' ? 'too-large' : 'network',
          detail: e.message === 'too-large' ? formatBytes(maxBytes) : 'connection closed while reading the answer',
          status,
          reached: true
        })
      })
      core.debug(`${spec.method} ${spec.template} -> ${status} in ${Math.round(this.clock.now() - started)} ms`)
      const names = this.o.rateLimitHeaders ?? COMMON_RATE_LIMIT_HEADERS
      const seen = ['retry-after', names.remaining, names.reset].filter((h) => res.message.headers[h] !== undefined)
      if (seen.length)
        core.debug(`  rate-limit headers: ${seen.map((h) => `${h}: ${oneLine(String(res.message.headers[h]), 60)}`).join(', ')}`)
      if (spec.method === 'GET') this.heard(spec, status, res.message.headers[names.remaining], started)
      const limitMs = rateLimitWaitMs(res.message.headers, Date.now(), this.o.rateLimitHeaders)
      const retryAfterMs = parseRetryAfter(res.message.headers['retry-after']) ?? limitMs
      const rateLimited = status === 429 || limitMs !== undefined
      // A pause the platform asked for holds every next request, of any kind, not only a retry of this one.
      const pause = retryAfterMs ?? (rateLimited ? RATE_LIMIT_FALLBACK_MS : undefined)
      if (pause !== undefined) {
        const key = this.pauseKey(spec)
        this.notBefore.set(key, Math.max(this.notBefore.get(key) ?? 0, this.clock.now() + pause))
      }
      if (status >= 300 && status < 400) {
        const location = res.message.headers.location
        let where = 'an unknown place'
        try {
          where = location ? new URL(location, url).origin : where
        } catch {
          /* keep the default */
        }
        throw this.fail(spec, { kind: 'redirect', status, detail: where, reached: true })
      }
      let json: unknown
      let isJson = true
      try {
        json = text === '' ? undefined : JSON.parse(text)
      } catch {
        isJson = false
      }
      if (status < 200 || status >= 300) {
        const said = isJson ? this.o.errorMessage?.(json) : undefined
        const platformMessage = said ? oneLine(redact(said, this.o.secrets), 300) : undefined
        if (!isJson && status >= 500) {
          throw this.fail(spec, { kind: 'not-json', status, detail: contentKind(res.message), reached: true, retryAfterMs })
        }
        throw this.fail(spec, { kind: 'http', status, platformMessage, reached: true, retryAfterMs, rateLimited })
      }
      // A 2xx must be JSON (or empty); an HTML page with 200 is a proxy's or a login page.
      const type = String(res.message.headers['content-type'] ?? '')
      if (text !== '' && !/^application\/([\w.+-]*\+)?json\b/i.test(type)) isJson = false
      if (!isJson) {
        throw this.fail(spec, { kind: 'not-json', status, detail: contentKind(res.message), reached: true })
      }
      const parsed = z.safeParse(spec.schema, json)
      if (!parsed.success) throw this.fail(spec, { kind: 'shape', status, detail: shapeDetail(parsed.error), reached: true })
      const date = Date.parse(String(res.message.headers.date ?? ''))
      return { status, data: parsed.data, ...(Number.isFinite(date) && { clockOffsetMs: date - Date.now() }) }
    }
    try {
      return await Promise.race([exchange(), interrupted])
    } finally {
      clearTimeout(timer)
      if (onAbort) signal?.removeEventListener('abort', onAbort)
      interrupted.catch(() => undefined)
    }
  }
}

/** Why a request stopped when its signal fired: a caller's AbortSignal.timeout() is a timeout, not a cancellation. */
function abortedBy(signal: AbortSignal | undefined, inFlight: boolean): Pick<FailureInfo, 'kind' | 'detail' | 'reached'> {
  const timedOut = (signal?.reason as Error | undefined)?.name === 'TimeoutError'
  return timedOut ? { kind: 'timeout', detail: 'the time allowed', reached: inFlight } : { kind: 'aborted', reached: inFlight }
}

const seconds = (ms: number) => `${ms < 10_000 ? (ms / 1000).toFixed(1).replace(/\.0$/, '') : Math.round(ms / 1000)} s`

const formatBytes = (n: number) => (n >= 1024 * 1024 ? `${+(n / 1024 / 1024).toFixed(1)} MiB` : `${Math.round(n / 1024)} KiB`)

function contentKind(msg: IncomingMessage): string {
  const type = String(msg.headers['content-type'] ?? 'no content type').split(';')[0]
  return oneLine(type, 60)
}

function shortReason(f: FailureInfo): string {
  if (f.kind === 'http') return `HTTP ${f.status}`
  if (f.kind === 'not-json') return `HTTP ${f.status}, not JSON`
  return f.detail ? `${f.kind}: ${f.detail}` : f.kind
}

function readCapped(msg: IncomingMessage, max: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    msg.on('data', (c: Buffer) => {
      size += c.length
      if (size > max) {
        msg.destroy()
        reject(new Error('too-large'))
      } else chunks.push(c)
    })
    let ended = false
    msg.on('end', () => {
      ended = true
      resolve(Buffer.concat(chunks).toString('utf8'))
    })
    msg.on('error', reject)
    msg.on('close', () => {
      if (!ended) reject(new Error('closed'))
    })
  })
}
