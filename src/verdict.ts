// The verdict: the final state of a run turned into the step's result, one annotation that is
// always shown (annotations.ts) and the exit code. It takes plain data, never main.ts's own types.
import { annotate, verdict } from './annotations.js'
import { formatDuration } from './duration.js'
import type { RunState } from './model.js'
import { oneLine } from './text.js'

/** What the verdict needs of the step's setup. */
export interface VerdictContext {
  platform: string
  failOnTestFailure: boolean
  cancelOnAbort: boolean
  timeoutMinutes: number
}

/** The verdict's context from the step's inputs and the platform's name. */
export function verdictContextOf(
  inputs: Pick<VerdictContext, 'failOnTestFailure' | 'cancelOnAbort' | 'timeoutMinutes'>,
  platform: string
): VerdictContext {
  return {
    platform,
    failOnTestFailure: inputs.failOnTestFailure,
    cancelOnAbort: inputs.cancelOnAbort,
    timeoutMinutes: inputs.timeoutMinutes
  }
}

/** The run as a reader names it: its name, if any, and its ID. */
export function runLabel(run: RunState): string {
  return `${run.name ? `${oneLine(run.name, 120)} ` : ''}(id ${run.id})`
}

/** The platform reported counts, and not one test passed or failed (skipped ones do not count). */
export function noTestExecuted(s: RunState): boolean {
  const c = s.counts
  const reported = c.total !== undefined || c.passed !== undefined || c.failed !== undefined
  return reported && (c.passed ?? 0) + (c.failed ?? 0) === 0
}

/**
 * A pass with no test executed is no pass (failOnNoTests): a plan or suite that selects nothing
 * must not gate a deploy through. Runs without counts are not judged: no counts is not zero tests.
 */
export function checkedForTests(s: RunState): RunState {
  if (s.status !== 'passed' || !noTestExecuted(s)) return s
  return { ...s, status: 'failed', message: `${s.providerStatus} reported with no test executed` }
}

/** What a run's final state means for the step: the verdict's kind and words, and a warning to give before it. */
export interface RunVerdict {
  kind: 'error' | 'warning' | 'notice'
  message: string
  warning?: string
}

/** The final state of one run in words: what the verdict says, and whether it fails the step. */
export function verdictOf(v: VerdictContext, run: RunState, cancelled: boolean): RunVerdict {
  const where = `${v.platform} run ${runLabel(run)}${run.url ? ` ${run.url}` : ''}`
  const c = run.counts
  const tally = c.failed !== undefined ? `: ${c.failed} of ${c.total ?? '?'} tests failed` : ''
  const word = oneLine(run.providerStatus, 100)
  switch (run.status) {
    case 'triggered':
    case 'queued':
    case 'running':
      return { kind: 'notice', message: `Started ${where}` }
    case 'passed':
      return {
        kind: 'notice',
        message: `Tests passed: ${where}${run.flaky ? ` (${run.flaky} of them only on a re-run: flaky, listed in the job summary)` : ''}`,
        ...(noTestExecuted(run) && {
          warning: `${where} passed with no test executed: check that the test plan or suite selects tests. Not failing the step: failOnNoTests is false.`
        })
      }
    case 'failed':
      // A pass turned into a failure for want of tests (checkedForTests) says so, and how to allow it.
      if (noTestExecuted(run) && run.message?.endsWith('with no test executed'))
        return {
          kind: 'error',
          message: `No test was executed (${word}): ${where}. A run without tests is not a pass: check that the test plan or suite selects tests, or set failOnNoTests: false.`
        }
      // Every test passed in the end, some only on a re-run, and failOnFlaky holds that against them.
      if (run.flaky && run.counts.failed === 0)
        return {
          kind: 'error',
          message: `${run.flaky} test${run.flaky === 1 ? '' : 's'} passed only on a re-run (flaky), and failOnFlaky is true: ${where}`
        }
      if (v.failOnTestFailure) return { kind: 'error', message: `Tests failed${tally} (${word}): ${where}` }
      return { kind: 'warning', message: `Tests failed${tally} (${word}): ${where}. Not failing the step: failOnTestFailure is false.` }
    case 'cancelled':
      // The platform's reason, where it gives one (Testery: "Canceled - Due to newer test run").
      return {
        kind: 'error',
        message: `The run was cancelled on ${v.platform} (${word})${run.message ? `: ${oneLine(run.message, 200)}` : ''}. ${where}`
      }
    case 'error':
      return {
        kind: 'error',
        message: `The run ended in an error on ${v.platform} (${word})${run.message ? `: ${oneLine(run.message, 200)}` : ''}. ${where}`
      }
    case 'timed_out':
      return {
        kind: 'error',
        message:
          `Stopped waiting after ${formatDuration(Math.round(v.timeoutMinutes * 60))}: ${where} was still ${word}. ` +
          (cancelled
            ? 'It was cancelled on the platform.'
            : v.cancelOnAbort
              ? 'It was not cancelled (see the warning above), so it goes on there.'
              : 'It goes on there; raise `timeoutMinutes` to wait longer, or set `cancelOnAbort: true` to stop it.')
      }
  }
}

/** Turns the final state into the step's result: the verdict annotation and the exit code. */
export function giveVerdict(v: VerdictContext, run: RunState, cancelled: boolean): void {
  const r = verdictOf(v, run, cancelled)
  if (r.warning) annotate('warning', r.warning)
  verdict(r.kind, r.message)
}
