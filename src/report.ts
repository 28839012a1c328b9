// Everything the step shows: outputs, the job summary and annotations.
import * as core from '@actions/core'
import { annotate, roomFor } from './annotations.js'
import { formatDuration } from './duration.js'
import { whatFailed, type PlatformError } from './errors.js'
import type { RunCounts, RunState, RunStatus, StartDetail, TestResult } from './model.js'
import { guardFileAsync, setOutput } from './runner-files.js'
import { forSummary, oneLine } from './text.js'

export interface ReportContext {
  provider: string
  platform: string
  environment?: string
  buildVersion?: string
  /** How the run was started (e.g. Testery's test code), as rows of the run table. */
  details: StartDetail[]
  /** What the step learned that the reader should know (e.g. a busy Gearset job). */
  notes: string[]
  /** What happens after a run is triggered and not followed. */
  nextStep: string
  /** The repository's page (https://github.com/owner/repo), to link a commit SHA to its commit. */
  repositoryUrl?: string
}

/**
 * Text already escaped for the summary, with each full commit SHA shortened to 7 characters and
 * linked to its commit where the repository is known: a 40-character SHA said once, readably.
 */
export function withShortShas(escaped: string, repositoryUrl: string | undefined): string {
  return escaped.replace(/\b[0-9a-f]{40}\b/g, (sha) => {
    const short = `<code>${sha.slice(0, 7)}</code>`
    return repositoryUrl ? `<a href="${forSummary(`${repositoryUrl}/commit/${sha}`, 2000)}">${short}</a>` : short
  })
}

/** The build: a commit SHA shortened and linked to its commit, any other build as it was given. */
export function buildCell(build: string, repositoryUrl: string | undefined): string {
  return /^[0-9a-f]{40}$/.test(build) ? withShortShas(build, repositoryUrl) : `<code>${forSummary(build, 80)}</code>`
}

/** The mark of each status, in the summary and the pull-request comment. */
export const MARK: Record<RunStatus, string> = {
  triggered: '🚀',
  queued: '⏳',
  running: '⏳',
  passed: '✅',
  failed: '❌',
  cancelled: '🚫',
  error: '⚠️',
  timed_out: '⏱️'
}

const HEADLINE: Record<RunStatus, string> = {
  triggered: 'Test run created',
  queued: 'Test run queued',
  running: 'Test run still running',
  passed: 'Tests passed',
  failed: 'Tests failed',
  cancelled: 'Test run cancelled',
  error: 'Test run ended in an error',
  timed_out: 'Stopped waiting: timeout reached'
}

export function durationSeconds(run: RunState): number | undefined {
  if (!run.startedAt || !run.endedAt) return undefined
  return Math.max(0, Math.round((run.endedAt.getTime() - run.startedAt.getTime()) / 1000))
}

/** The step outputs of a run, every value a plain string; platform text as one clean line. */
export function runOutputs(provider: string, run: RunState): Record<string, string> {
  const duration = durationSeconds(run)
  const values = {
    provider,
    runId: run.id,
    runName: run.name === undefined ? undefined : oneLine(run.name, 300),
    runUrl: run.url,
    status: run.status,
    providerStatus: oneLine(run.providerStatus, 100),
    totalCount: run.counts.total,
    passedCount: run.counts.passed,
    failedCount: run.counts.failed,
    skippedCount: run.counts.skipped,
    durationSeconds: duration,
    flakyCount: run.flaky
  }
  const out: Record<string, string> = {}
  // flakyCount is written only by a step that re-runs failed tests (rerunFailed): others are as they were.
  for (const [k, v] of Object.entries(values))
    if (k !== 'provider' && !(k === 'flakyCount' && v === undefined)) out[k] = v === undefined ? '' : String(v)
  // The platform's other IDs go in `result` only: the outputs are action.yml's, no more; and none
  // of them can stand in for a field above.
  out.result = JSON.stringify({ ...run.refs, ...values })
  return out
}

/**
 * The `failedTests` output: the failed tests as JSON a later step can use as it is, each field one
 * clean line (an error's first line), a link only to the platform's https page, the first
 * MAX_LISTED_FAILURES listed and the rest counted.
 */
export function failedTestsOutput(tests: (TestResult & { runId?: string })[]): string {
  const failed = tests.filter((t) => t.status === 'failed')
  return JSON.stringify({
    count: failed.length,
    tests: failed.slice(0, MAX_LISTED_FAILURES).map((t) => {
      const url = httpsHref(t.url)
      return {
        // A step of several runs names each test's run.
        ...(t.runId !== undefined ? { runId: t.runId } : {}),
        name: oneLine(t.name, 200),
        ...(t.suite ? { suite: oneLine(t.suite, 120) } : {}),
        ...(t.error ? { error: oneLine(t.error.split(/\r?\n/).find((l) => l.trim()) ?? '', 300) } : {}),
        ...(url ? { url } : {})
      }
    }),
    more: Math.max(0, failed.length - MAX_LISTED_FAILURES)
  })
}

export function setFailedTests(tests: (TestResult & { runId?: string })[]): void {
  setOutput('failedTests', failedTestsOutput(tests))
}

export function setOutputs(provider: string, run: RunState): void {
  for (const [name, value] of Object.entries(runOutputs(provider, run))) if (!setOutput(name, value)) return
}

/** A text bar of passed / failed / skipped, 20 cells wide. */
export function countsBar(c: RunCounts, width = 20): string {
  const total = c.total ?? (c.passed ?? 0) + (c.failed ?? 0) + (c.skipped ?? 0)
  if (!total) return ''
  const cells = (n = 0) => Math.round((n / total) * width)
  // Failures are never rounded away: one failed test out of a thousand still shows a red cell.
  const failed = Math.max(c.failed ? 1 : 0, cells(c.failed))
  const skipped = Math.min(cells(c.skipped), width - failed)
  const passed = Math.min(cells(c.passed), width - failed - skipped)
  const rest = width - passed - failed - skipped
  return '🟩'.repeat(passed) + '🟥'.repeat(failed) + '🟨'.repeat(skipped) + '⬜'.repeat(rest)
}

/** The counts in words above their bar ("10 total · 8 passed · 2 failed"); empty where none are reported. */
export function testsCell(c: RunCounts): string {
  if (c.total === undefined && c.passed === undefined && c.failed === undefined) return ''
  const parts = [
    c.total !== undefined ? `${c.total} total` : '',
    c.passed !== undefined ? `${c.passed} passed` : '',
    c.failed !== undefined ? `${c.failed} failed` : '',
    c.skipped !== undefined ? `${c.skipped} skipped` : ''
  ].filter(Boolean)
  return `${parts.join(' · ')}<br>${countsBar(c)}`
}

/** An https URL in its serialised form (never the raw string); undefined for anything else. */
function httpsHref(url: string | undefined): string | undefined {
  try {
    return url && new URL(url).protocol === 'https:' ? new URL(url).href : undefined
  } catch {
    return undefined
  }
}

/** A link only to an https URL (providers keep only their web app's origin), in its serialised form. */
export function link(text: string, url: string | undefined): string {
  const href = httpsHref(url)
  if (!href) return forSummary(text)
  return `<a href="${forSummary(href, 2000)}">${forSummary(text)}</a>`
}

export function row(label: string, value: string): [{ data: string; header: true }, string] {
  return [{ data: label, header: true }, value]
}

/**
 * The run's name (a link where the platform gave one) and its ID; the ID once when it has no name,
 * or a blank one (which would make an invisible link).
 */
export function runCell(run: RunState): string {
  if (!run.name?.trim()) return `<code>${link(run.id, run.url)}</code>`
  return `${link(run.name, run.url)} <code>${forSummary(run.id)}</code>`
}

/** Builds the job summary of a run that the platform answered for. */
export function buildRunSummary(ctx: ReportContext, run: RunState, note?: string): void {
  const s = core.summary
  const flaky = run.flaky ? ` (${run.flaky} flaky)` : ''
  s.addHeading(`${MARK[run.status]} ${HEADLINE[run.status]} on ${forSummary(ctx.platform)}${flaky}`, 2)
  // Each fact once: the heading names the platform and the verdict, so the rows give the run, the
  // platform's own word for its state, and what was run where.
  const rows = [row('Run', runCell(run)), row(`${forSummary(ctx.platform)} status`, `<code>${forSummary(run.providerStatus)}</code>`)]
  if (ctx.environment) rows.push(row('Environment', forSummary(ctx.environment)))
  // A build that is a commit SHA a detail already names (Gearset's source commit) is said there
  // once; any other build is always shown, whatever the details' text happens to contain.
  const build = ctx.buildVersion
  const sha = build !== undefined && /^[0-9a-f]{40}$/.test(build)
  if (build && !(sha && ctx.details.some((d) => d.value.includes(build)))) rows.push(row('Build', buildCell(build, ctx.repositoryUrl)))
  for (const d of ctx.details) rows.push(row(forSummary(d.label), withShortShas(forSummary(d.value), ctx.repositoryUrl)))
  const c = run.counts
  if (run.status === 'triggered') {
    if (c.total !== undefined) rows.push(row('Test cases', String(c.total)))
  } else if (testsCell(c)) rows.push(row('Tests', testsCell(c)))
  const duration = durationSeconds(run)
  // The run's own time on the platform, from its start to its end: not the step's wait, which also
  // counts the queue (the log's "elapsed").
  if (duration !== undefined) rows.push(row('Run time', formatDuration(duration)))
  s.addTable(rows)
  if (run.message) s.addQuote(forSummary(run.message))
  addNotes(ctx)
  if (run.status === 'triggered') s.addHeading('What happens next', 3).addRaw(`<p>${ctx.nextStep}</p>`, true)
  if (note) s.addRaw(`<p>${forSummary(note, 600)}</p>`, true)
}

// How many failed tests the summary lists and the log annotates; the rest are counted.
export const MAX_LISTED_FAILURES = 50
export const MAX_ANNOTATED_FAILURES = 10

/** Adds the failed tests to the job summary: name, suite, an excerpt of the error, a link. */
export function buildFailedTests(tests: TestResult[], heading = 'Failed tests'): void {
  const failed = tests.filter((t) => t.status === 'failed')
  if (failed.length === 0) return
  const s = core.summary
  s.addHeading(`${heading} (${failed.length})`, 3)
  const rows = [
    [
      { data: 'Test', header: true },
      { data: 'Suite', header: true },
      { data: 'Error', header: true }
    ],
    ...failed
      .slice(0, MAX_LISTED_FAILURES)
      .map((t) => [link(t.name, t.url), forSummary(t.suite ?? '', 120), t.error ? `<code>${forSummary(t.error, 200)}</code>` : ''])
  ]
  s.addTable(rows)
  if (failed.length > MAX_LISTED_FAILURES)
    s.addRaw(`<p>…and ${failed.length - MAX_LISTED_FAILURES} more: open the run for the full list.</p>`, true)
}

/** Tests that failed and then passed on a re-run (rerunFailed). */
export const flakyOf = (tests: TestResult[]) => tests.filter((t) => t.status === 'passed' && (t.earlierFailures?.length ?? 0) > 0)

/** The re-runs of the failed tests, each linked with how it ended, and why re-running stopped early. */
export function buildReruns(attempts: RunState[], stopped?: string): void {
  const list = attempts.map((a) => `${MARK[a.status]} ${link(`run ${a.id}`, a.url)} <code>${forSummary(a.providerStatus)}</code>`)
  const said =
    list.length > 0 ? `The failed tests were re-run ${list.length === 1 ? 'once' : `${list.length} times`}: ${list.join(', ')}.` : ''
  const why = stopped ? ` Re-running stopped: ${forSummary(stopped, 400)}; the verdict is the run's own.` : ''
  if (said || why) core.summary.addRaw(`<p>🔁 ${said}${why}</p>`, true)
}

/** The tests that failed and then passed on a re-run: listed apart, with the error they first failed with. */
export function buildFlakyTests(flaky: TestResult[]): void {
  if (flaky.length === 0) return
  core.summary.addHeading(`Flaky tests (${flaky.length}): passed only on a re-run`, 3)
  core.summary.addTable([
    [
      { data: 'Test', header: true },
      { data: 'Suite', header: true },
      { data: 'Failed first with', header: true }
    ],
    ...flaky.slice(0, MAX_LISTED_FAILURES).map((t) => {
      const first = t.earlierFailures?.[0]?.error
      return [link(t.name, t.url), forSummary(t.suite ?? '', 120), first ? `<code>${forSummary(first, 200)}</code>` : '']
    })
  ])
}

/**
 * One annotation per failed test, in the places GitHub still shows after the step's other
 * annotations, always leaving one for the verdict (annotations.ts); the rest are counted.
 */
export function annotateFailedTests(platform: string, tests: TestResult[], level: 'error' | 'warning'): number {
  const failed = tests.filter((t) => t.status === 'failed')
  const shown = failed.slice(0, Math.min(MAX_ANNOTATED_FAILURES, roomFor(level)))
  for (const t of shown) {
    annotate(level, oneLine(t.error ?? `failed (${platform} gives no error text for this test; open the run)`, 500), {
      title: oneLine(`${platform}: ${t.suite ? `${t.suite} › ` : ''}${t.name}`, 200)
    })
  }
  if (failed.length > shown.length) core.info(`…and ${failed.length - shown.length} more failed tests (see the job summary).`)
  return shown.length
}

/** Builds the job summary of a failure that the platform (or the network) gave us. */
export function buildErrorSummary(ctx: ReportContext, error: PlatformError, run?: RunState): void {
  const s = core.summary
  const f = error.info
  s.addHeading(`❌ Could not ${forSummary(f.action)} on ${forSummary(ctx.platform)}`, 2)
  const rows = [row('Request', `<code>${forSummary(f.endpoint)}</code>`)]
  rows.push(row('Problem', forSummary(whatFailed(f), 400)))
  if (run) rows.push(row('Run', runCell(run)))
  s.addTable(rows)
  if (f.platformMessage) s.addQuote(`${forSummary(ctx.platform)} said: ${forSummary(f.platformMessage)}`)
  if (!f.reached && f.kind !== 'aborted')
    s.addRaw(`<p>The request never reached ${forSummary(ctx.platform)}, so it changed nothing there.</p>`, true)
  if (f.hint) s.addRaw(`<p><strong>What to do:</strong> ${forSummary(f.hint, 600)}</p>`, true)
  addNotes(ctx)
}

export function addNotes(ctx: ReportContext): void {
  for (const n of ctx.notes) core.summary.addRaw(`<p>⚠️ ${forSummary(n, 600)}</p>`, true)
}

/** Writes the summary built so far, when the runner gave us a summary file. */
export async function writeSummary(): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) {
    core.summary.emptyBuffer()
    return
  }
  // The runner drops a summary over 1 MiB whole: keep well under it.
  if (Buffer.byteLength(core.summary.stringify()) > MAX_SUMMARY_BYTES) {
    const kept = core.summary.stringify().slice(0, MAX_SUMMARY_BYTES / 2)
    core.summary
      .emptyBuffer()
      .addRaw(kept.slice(0, kept.lastIndexOf('\n')))
      .addRaw('\n<p>…the rest of this summary was cut to stay under GitHub’s size limit.</p>', true)
  }
  // A summary file that cannot be written is a warning: the verdict comes from the run (runner-files.ts).
  if (!(await guardFileAsync('GITHUB_STEP_SUMMARY', () => core.summary.write()))) core.summary.emptyBuffer()
}

const MAX_SUMMARY_BYTES = 900 * 1024
