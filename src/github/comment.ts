// What the commit status and the pull-request comment say: pure functions of the run.
import { formatDuration } from '../duration.js'
import type { RunState, RunStatus, TestResult } from '../model.js'
import { durationSeconds, flakyOf, MARK } from '../report.js'
import { forSummary } from '../text.js'

/**
 * Platform text in a comment: escaped as in the summary, and no @mention that would notify anyone.
 * GitHub decodes `&#64;` before it looks for mentions, so the `@` stays and a zero-width joiner
 * after it breaks the mention (docs/reliability.md, "GitHub").
 */
export const inert = (text: string, max?: number) => forSummary(text, max).replace(/@/g, '@\u2060')

export type CommitState = 'pending' | 'success' | 'failure' | 'error'

/** Only a pass is a success; a run not followed to its end stays pending, never a pass. */
export function commitState(status: RunStatus): CommitState {
  switch (status) {
    case 'passed':
      return 'success'
    case 'failed':
      return 'failure'
    case 'cancelled':
    case 'error':
    case 'timed_out':
      return 'error'
    default:
      return 'pending'
  }
}

const WORDS: Record<RunStatus, string> = {
  triggered: 'started; not followed by this step',
  queued: 'queued',
  running: 'running',
  passed: 'passed',
  failed: 'failed',
  cancelled: 'cancelled',
  error: 'ended in an error',
  timed_out: 'still running when the step stopped waiting'
}

/** A URL inside a Markdown link: brackets and spaces encoded so the link cannot end early. */
const mdUrl = (url: string) => url.replace(/[()[\]\s<>]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`)

function counts(run: RunState): string {
  const c = run.counts
  return [
    c.total !== undefined ? `${c.total} tests` : '',
    c.passed !== undefined ? `${c.passed} passed` : '',
    c.failed !== undefined ? `${c.failed} failed` : '',
    c.skipped !== undefined ? `${c.skipped} skipped` : ''
  ]
    .filter(Boolean)
    .join(', ')
}

function duration(run: RunState): string | undefined {
  const seconds = durationSeconds(run)
  return seconds === undefined ? undefined : formatDuration(seconds)
}

/** The commit status's one line (GitHub keeps 140 characters). */
export function statusDescription(run: RunState): string {
  const parts = [WORDS[run.status], counts(run), duration(run)].filter(Boolean).join(' · ')
  return parts.length > 140 ? `${parts.slice(0, 139)}…` : parts
}

/** The hidden line that finds this step's comment again on a re-run: one comment per plan. */
export const commentMarker = (key: string) => `<!-- trigger-test-run: ${key.replace(/-->/g, '')} -->`

// A comment lists fewer failed tests than the job summary: it is read in the pull request.
export const COMMENT_FAILURES = 20

export interface CommentContext {
  /** The platform and plan, as the status context names them. */
  title: string
  key: string
  workflowRunUrl?: string
  sha: string
  commitUrl?: string
}

/** The pull-request comment: verdict, counts, the failed tests and links. Platform text is escaped. */
export function commentBody(c: CommentContext, run: RunState, tests: TestResult[] = []): string {
  const link = run.url ? `[${inert(run.name ?? run.id)}](${mdUrl(run.url)})` : inert(run.name ?? run.id)
  const lines = [
    commentMarker(c.key),
    `### ${MARK[run.status]} ${inert(c.title)}: ${WORDS[run.status]}`,
    '',
    // The verdict is in the heading: the platform's own word for the run's state, once.
    `**Run:** ${link} (id ${inert(run.id, 80)}) · ${inert(run.providerStatus, 100)}`
  ]
  const tally = counts(run)
  if (tally) lines.push(`**Tests:** ${tally}`)
  const d = duration(run)
  if (d) lines.push(`**Run time:** ${d}`)
  lines.push(...failedTests('Failed tests', tests, COMMENT_FAILURES), ...flakyTests(tests), ...footer(c))
  return lines.join('\n')
}

/** A folded table of failed tests, the first `room` listed and the rest counted. */
function failedTests(heading: string, tests: TestResult[], room: number): string[] {
  return testsTable(
    heading,
    tests.filter((t) => t.status === 'failed'),
    room,
    (t) => t.error
  )
}

/** The tests that passed only on a re-run, with the error they first failed with. */
function flakyTests(tests: TestResult[]): string[] {
  return testsTable('Flaky tests: passed only on a re-run', flakyOf(tests), COMMENT_FAILURES, (t) => t.earlierFailures?.[0]?.error)
}

function testsTable(heading: string, failed: TestResult[], room: number, errorOf: (t: TestResult) => string | undefined): string[] {
  if (failed.length === 0) return []
  const lines = ['', `<details${failed.length <= 5 ? ' open' : ''}><summary>${heading} (${failed.length})</summary>`, '']
  if (room > 0) lines.push('| Test | Suite | Error |', '|---|---|---|')
  for (const t of failed.slice(0, room)) {
    const name = t.url ? `[${inert(t.name, 120)}](${mdUrl(t.url)})` : inert(t.name, 120)
    const error = errorOf(t)
    lines.push(`| ${name} | ${inert(t.suite ?? '', 80)} | ${error ? inert(error, 160) : ''} |`)
  }
  if (failed.length > room) lines.push('', `…and ${failed.length - room} more: open the run for the full list.`)
  lines.push('', '</details>')
  return lines
}

/** Where the comment comes from: the workflow run and the commit. */
function footer(c: CommentContext): string[] {
  const from = c.workflowRunUrl ? `[workflow run](${c.workflowRunUrl})` : 'the workflow run'
  const short = inert(c.sha.slice(0, 7))
  const commit = c.commitUrl ? `[${short}](${mdUrl(c.commitUrl)})` : short
  return ['', `<sub>Updated by ${from} for commit ${commit}.</sub>`]
}

/** One run of a step of several, as its comment row shows it: what it ran, and how it ended. */
export interface CommentRun {
  /** What it ran: plan and environment, or its ID. */
  label: string
  /** Its last known state; absent when it never started. */
  run?: RunState
  /** Why it has no ending of its own: its start failed, or failFast stopped it. */
  problem?: string
  tests?: TestResult[]
}

/**
 * The one pull-request comment of a step of several runs: the verdict over them all, a row per run,
 * then the failed tests grouped by run (COMMENT_FAILURES in all). Platform text is escaped.
 */
export function batchCommentBody(c: CommentContext, status: RunStatus, runs: CommentRun[]): string {
  const passed = runs.filter((r) => r.run?.status === 'passed').length
  const lines = [
    commentMarker(c.key),
    `### ${MARK[status]} ${inert(c.title)}: ${passed} of ${runs.length} runs passed`,
    '',
    '| Run | What | Status | Tests | Run time |',
    '|---|---|---|---|---|'
  ]
  for (const r of runs) {
    const run = r.run
    const name = run ? (run.url ? `[${inert(run.name ?? run.id, 80)}](${mdUrl(run.url)})` : inert(run.name ?? run.id, 80)) : '—'
    const state = run ? `${MARK[run.status]} ${WORDS[run.status]} · ${inert(run.providerStatus, 60)}` : '⚠️ not started'
    const why = r.problem ? `<br>${inert(r.problem, 200)}` : ''
    lines.push(`| ${name} | ${inert(r.label, 80)} | ${state}${why} | ${run ? counts(run) : ''} | ${run ? (duration(run) ?? '') : ''} |`)
  }
  // The comment lists COMMENT_FAILURES failed tests in all, run after run.
  let room = COMMENT_FAILURES
  for (const r of runs) {
    const tests = r.tests ?? []
    lines.push(...failedTests(`Failed tests: ${inert(r.label, 80)}`, tests, room))
    room = Math.max(0, room - tests.filter((t) => t.status === 'failed').length)
  }
  lines.push(...footer(c))
  return lines.join('\n')
}
