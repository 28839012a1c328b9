// One exchange with a platform: the request sent, the answer read within a size cap and the
// attempt's time (or until the signal), and what came back turned into data or a failure: a
// redirect, an error answer with the platform's own message, a page that is not JSON, an answer
// of the wrong shape. Retrying and pausing are the caller's (http.ts).
import type { HttpClient } from '@actions/http-client'
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http'
import * as z from 'zod/mini'
import type { FailureInfo } from './errors.js'
import { classifyNetworkError } from './network-errors.js'
import { oneLine, redact } from './text.js'

/** A failure as the exchange knows it; the caller adds the platform, the action and the hint. */
export type Failure = Omit<FailureInfo, 'platform' | 'action' | 'endpoint'>

export interface Sending {
  method: string
  url: string
  payload: string | null
  headers: Record<string, string>
  /** The attempt's time, ms, and how a timeout is described ("30 s", "2 s (the time left …)"). */
  timeoutMs: number
  timeoutDetail: string
  maxBytes: number
}

/** The answer as it arrived: status, headers and the body's text. */
export interface Answer {
  status: number
  headers: IncomingHttpHeaders
  text: string
}

/**
 * Sends one request and reads its answer. Throws what `fail` makes of a failure before a whole
 * answer arrived: never sent, reset, timed out, aborted by the signal, or larger than the cap.
 */
export async function exchange(client: HttpClient, x: Sending, fail: (f: Failure) => Error, signal?: AbortSignal): Promise<Answer> {
  let message: IncomingMessage | undefined
  let timer: NodeJS.Timeout | undefined
  let onAbort: (() => void) | undefined
  // Settles with a timeout or abort failure; whichever of it and the exchange comes first wins.
  const interrupted = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      message?.destroy()
      reject(fail({ kind: 'timeout', detail: x.timeoutDetail, reached: true }))
    }, x.timeoutMs)
    onAbort = () => {
      message?.destroy()
      reject(fail(abortedBy(signal, true)))
    }
    signal?.addEventListener('abort', onAbort, { once: true })
  })
  const send = async (): Promise<Answer> => {
    let res
    try {
      res = await client.request(x.method, x.url, x.payload, x.headers)
    } catch (e) {
      const n = classifyNetworkError(e)
      throw fail({ kind: n.kind, detail: n.detail, reached: n.reached, proxyStatus: n.proxyStatus, hint: n.hint })
    }
    message = res.message
    const status = res.message.statusCode ?? 0
    const text = await readCapped(res.message, x.maxBytes).catch((e: Error) => {
      throw fail({
        kind: e.message === 'too-large' ? 'too-large' : 'network',
        detail: e.message === 'too-large' ? formatBytes(x.maxBytes) : 'connection closed while reading the answer',
        status,
        reached: true
      })
    })
    return { status, headers: res.message.headers, text }
  }
  try {
    return await Promise.race([send(), interrupted])
  } finally {
    clearTimeout(timer)
    if (onAbort) signal?.removeEventListener('abort', onAbort)
    interrupted.catch(() => undefined)
  }
}

export interface Reading<T> {
  url: string
  schema: z.core.$ZodType<T>
  /** The platform's own message in an error answer. */
  errorMessage?: (body: unknown) => string | undefined
  secrets: string[]
  /** A wait the answer asked for (Retry-After, rate-limit headers), and whether it was a rate limit. */
  retryAfterMs?: number
  rateLimited: boolean
}

/** What an answer means: its data, checked against the schema, or the failure it is. */
export function interpret<T>(a: Answer, r: Reading<T>, fail: (f: Failure) => Error): { data: T; clockOffsetMs?: number } {
  const { status } = a
  if (status >= 300 && status < 400) {
    const location = a.headers.location
    let where = 'an unknown place'
    try {
      where = location ? new URL(location, r.url).origin : where
    } catch {
      /* keep the default */
    }
    throw fail({ kind: 'redirect', status, detail: where, reached: true })
  }
  let json: unknown
  let isJson = true
  try {
    // The token, in any form a platform could echo it (a test's error that logged a request's
    // headers), is gone before anything is read: no summary, output or JUnit file can carry it.
    json = a.text === '' ? undefined : JSON.parse(redact(a.text, r.secrets))
  } catch {
    isJson = false
  }
  if (status < 200 || status >= 300) {
    const said = isJson ? r.errorMessage?.(json) : undefined
    const platformMessage = said ? oneLine(redact(said, r.secrets), 300) : undefined
    if (!isJson && status >= 500) {
      throw fail({ kind: 'not-json', status, detail: contentKind(a.headers), reached: true, retryAfterMs: r.retryAfterMs })
    }
    throw fail({ kind: 'http', status, platformMessage, reached: true, retryAfterMs: r.retryAfterMs, rateLimited: r.rateLimited })
  }
  // A 2xx must be JSON (or empty); an HTML page with 200 is a proxy's or a login page.
  const type = String(a.headers['content-type'] ?? '')
  if (a.text !== '' && !/^application\/([\w.+-]*\+)?json\b/i.test(type)) isJson = false
  if (!isJson) throw fail({ kind: 'not-json', status, detail: contentKind(a.headers), reached: true })
  const parsed = z.safeParse(r.schema, json)
  if (!parsed.success) throw fail({ kind: 'shape', status, detail: shapeDetail(parsed.error), reached: true })
  const date = Date.parse(String(a.headers.date ?? ''))
  return { data: parsed.data, ...(Number.isFinite(date) && { clockOffsetMs: date - Date.now() }) }
}

/** Why a request stopped when its signal fired: a caller's AbortSignal.timeout() is a timeout, not a cancellation. */
export function abortedBy(signal: AbortSignal | undefined, inFlight: boolean): Pick<FailureInfo, 'kind' | 'detail' | 'reached'> {
  const timedOut = (signal?.reason as Error | undefined)?.name === 'TimeoutError'
  return timedOut ? { kind: 'timeout', detail: 'the time allowed', reached: inFlight } : { kind: 'aborted', reached: inFlight }
}

/** Names the first place a response departs from its schema, never the value found there. */
function shapeDetail(error: z.core.$ZodError): string {
  const issue = error.issues[0]
  const path = issue.path.length ? issue.path.join('.') : 'body'
  const expected = 'expected' in issue && typeof issue.expected === 'string' ? `expected ${issue.expected}` : issue.code
  return `${path}: ${expected}`
}

const formatBytes = (n: number) => (n >= 1024 * 1024 ? `${+(n / 1024 / 1024).toFixed(1)} MiB` : `${Math.round(n / 1024)} KiB`)

function contentKind(headers: IncomingHttpHeaders): string {
  const type = String(headers['content-type'] ?? 'no content type').split(';')[0]
  return oneLine(type, 60)
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
