// What the commit status and the pull-request comment say: pure functions of the run.
import { formatDuration } from '../duration.js'
import type { RunState, RunStatus, TestResult } from '../model.js'
import { durationSeconds, MARK } from '../report.js'
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
  const failed = tests.filter((t) => t.status === 'failed')
  if (failed.length > 0) {
    lines.push('', `<details${failed.length <= 5 ? ' open' : ''}><summary>Failed tests (${failed.length})</summary>`, '')
    lines.push('| Test | Suite | Error |', '|---|---|---|')
    for (const t of failed.slice(0, COMMENT_FAILURES)) {
      const name = t.url ? `[${inert(t.name, 120)}](${mdUrl(t.url)})` : inert(t.name, 120)
      lines.push(`| ${name} | ${inert(t.suite ?? '', 80)} | ${t.error ? inert(t.error, 160) : ''} |`)
    }
    if (failed.length > COMMENT_FAILURES) lines.push('', `…and ${failed.length - COMMENT_FAILURES} more: open the run for the full list.`)
    lines.push('', '</details>')
  }
  const from = c.workflowRunUrl ? `[workflow run](${c.workflowRunUrl})` : 'the workflow run'
  const short = inert(c.sha.slice(0, 7))
  const commit = c.commitUrl ? `[${short}](${mdUrl(c.commitUrl)})` : short
  lines.push('', `<sub>Updated by ${from} for commit ${commit}.</sub>`)
  return lines.join('\n')
}
