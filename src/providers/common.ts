// What the platform translations share: status-word tables, run IDs, timestamps, counts.
import * as z from 'zod/mini'
import type { RunCounts, RunStatus } from '../model.js'

/** A run ID from a platform, number or string, checked so it is safe in an output or a URL path. */
export const runIdSchema = z.pipe(
  z.pipe(z.union([z.string(), z.int().check(z.gte(0))]), z.transform(String)),
  z.string().check(z.regex(/^(?!\.{1,2}$)[A-Za-z0-9._-]{1,128}$/, { error: 'a run ID of letters, digits, ".", "_" or "-"' }))
)

/**
 * An ID as one encoded path segment. `.` and `..` cannot be one, encoded or not (a URL parser
 * resolves `%2E%2E` too, out of the run's route): the inputs and the run-ID schema refuse them
 * first, and this refuses them last (docs/reliability.md, "Identifiers").
 */
export function segment(id: string): string {
  if (/^\.{1,2}$/.test(id)) throw new Error(`"${id}" cannot name a run or a job in a URL path`)
  return encodeURIComponent(id)
}

/**
 * The base URL with the vendor's own API path taken off its end: the vendors document base URLs
 * that include it (docs/platforms.md point 18), and every request path here starts with it.
 */
export function withoutApiPath(baseUrl: string, apiPath: string): string {
  return baseUrl.endsWith(apiPath) ? baseUrl.slice(0, -apiPath.length) : baseUrl
}

/** Where platforms put their own message in an error answer; a provider lists the ones it uses. */
export const ERROR_SHAPES = {
  /** `{ "message": "…" }`: Evaficy, Testery, and most gateways. */
  message: z.object({ message: z.string() }),
  /** `{ "error": "…" }`: Testsigma (its server's error body). */
  error: z.object({ error: z.string() }),
  /** `{ "Message": "…" }`: ASP.NET style (Gearset). */
  Message: z.object({ Message: z.string() }),
  /** `{ "Error": { "Message": "…" } }`: Gearset's documented error body. */
  ErrorMessage: z.object({ Error: z.object({ Message: z.string() }) })
} as const

/** Reads the platform's message from an error answer: the first of `shapes` that fits. */
export function errorReader(...shapes: (keyof typeof ERROR_SHAPES)[]): (body: unknown) => string | undefined {
  return (body) => {
    for (const shape of shapes) {
      const r = z.safeParse(ERROR_SHAPES[shape], body)
      if (!r.success) continue
      const d = r.data as { message?: string; error?: string; Message?: string; Error?: { Message: string } }
      return d.message ?? d.error ?? d.Message ?? d.Error?.Message
    }
    return undefined
  }
}

/** Per-test results may be this large (a run of 20,000 tests is about 6 MiB of JSON; docs/how-it-works.md, Reliability). */
export const RESULTS_MAX_BYTES = 10 * 1024 * 1024

/** A listed field as text for comparing, or undefined when the platform did not fill it in. */
export const text = (v: string | number | null | undefined): string | undefined => (v === null || v === undefined ? undefined : String(v))

/** A count that may be absent or null on the wire. */
export const countSchema = z.nullish(z.int().check(z.gte(0)))

/**
 * Maps a platform's status word through its table. A word not in the table is not an ending:
 * the run is taken as still running and the word is reported, so a platform adding a state can
 * never produce a pass (or stop the wait) by accident.
 */
export function fromWord(
  table: Readonly<Record<string, RunStatus>>,
  word: string | null | undefined
): { status: RunStatus; unknownWord?: string } {
  const w = word ?? ''
  return Object.hasOwn(table, w) ? { status: table[w] } : { status: 'running', unknownWord: w || '(none)' }
}

/**
 * A platform timestamp as a Date: epoch milliseconds (Testsigma), ISO 8601 (Gearset), or
 * `yyyy-MM-dd HH:mm:ss+0000` (Testery, which is not ISO: a space and no colon in the offset).
 */
export function toDate(value: number | string | null | undefined): Date | undefined {
  if (value === null || value === undefined || value === '') return undefined
  let d: Date
  if (typeof value === 'number') d = new Date(value)
  else {
    const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2}(?:\.\d+)?)([+-]\d{2}):?(\d{2})$/.exec(value)
    d = new Date(m ? `${m[1]}T${m[2]}${m[3]}:${m[4]}` : value)
  }
  return Number.isNaN(d.getTime()) ? undefined : d
}

/** Drops counts the platform did not report. */
export function counts(c: { total?: number | null; passed?: number | null; failed?: number | null; skipped?: number | null }): RunCounts {
  const out: RunCounts = {}
  for (const k of ['total', 'passed', 'failed', 'skipped'] as const) {
    const v = c[k]
    if (typeof v === 'number') out[k] = v
  }
  return out
}

/** The sum of the counts the platform reported, or undefined when it reported none of them. */
export function sumOf(...values: (number | null | undefined)[]): number | undefined {
  const given = values.filter((v): v is number => typeof v === 'number')
  return given.length ? given.reduce((a, b) => a + b, 0) : undefined
}

/**
 * A link from a platform, kept only when it points at the platform's own web app (`origin`), and
 * then in its parsed, serialised form: never the raw string, never another site, never a
 * javascript: or data: URL, never a line break.
 */
export function safeLink(url: string | null | undefined, origin: string): string | undefined {
  if (!url) return undefined
  try {
    const u = new URL(url)
    return u.origin === origin && !u.username && !u.password ? u.href : undefined
  } catch {
    return undefined
  }
}
