// A step of several runs (README, One gate over several runs): each run started once, by a request
// of its own, all at the same time; all followed together under the step's one deadline and one
// client (one pace and one retry budget for the platform, a pause it asks for held by every run);
// cancelled together on a signal; reported as one, with one verdict.
import * as core from '@actions/core'
import { batchOutputs, buildBatchSummary, combined, concludeBatch, shownState, type BatchRun } from './batch-report.js'
import { cancelNow } from './cancel.js'
import type { Clock } from './clock.js'
import { PlatformError } from './errors.js'
import { batchCommentBody } from './github/comment.js'
import type { RunState } from './model.js'
import { setFailedTests, writeSummary } from './report.js'
import { setOutput } from './runner-files.js'
import { openRun, readTestResults, waitOptions } from './run-steps.js'
import { batchPublishedAs, forRun, runLabelOf, runTag, type Setup } from './setup.js'
import { stepState } from './step-state.js'
import { oneLine, redact } from './text.js'
import { verdictContextOf, verdictOf } from './verdict.js'
import { isTerminal, progressLine, waitForRun, WaitAborted, WaitFailed } from './wait.js'

interface Entry extends BatchRun {
  view: Setup
}

/** The main step of a step of several runs. Resolves when the step is over; never throws. */
export async function runMany(s: Setup, clock: Clock, stop: AbortSignal): Promise<void> {
  const { inputs, provider } = s
  const follows = inputs.wait || inputs.runId !== undefined
  const entries: Entry[] = inputs.runs.map((run, i) => ({ view: forRun(s, i), label: runLabelOf(run), cancelled: false }))
  // failFast: the first run that fails the step stops the others' waits (never a start in flight).
  const failed = new AbortController()
  const waits = AbortSignal.any([stop, failed.signal])
  const v = verdictContextOf(inputs, provider.title)
  s.log(
    `${inputs.runId ? 'Attaching to' : 'Starting'} ${entries.length} runs on ${provider.title}: ${entries.map((e) => e.label).join(', ')}.`
  )

  // Once every run is started (or failed to), the outputs name them: a step killed while it waits
  // still leaves its runs' IDs for a later step.
  let opened = 0
  const onOpened = () => {
    if (++opened === entries.length) writeOutputs(s, entries)
  }
  await Promise.all(
    entries.map(async (e) => {
      try {
        e.run = await openRun(e.view, stop)
        onOpened()
        if (!follows) {
          e.run = { ...e.run, status: 'triggered' }
          return
        }
        e.run = await waitForRun(e.run, { ...waitOptions(e.view, clock, waits), onState: (st) => (e.run = st) })
        e.view.log(`Final: ${progressLine(e.run)}`)
      } catch (err) {
        if (err instanceof WaitAborted || (stop.aborted && err instanceof PlatformError && e.run)) {
          e.run = err instanceof WaitAborted ? err.last : e.run
          e.stopped = stop.aborted ? 'signal' : 'failFast'
          return
        }
        if (err instanceof WaitFailed) e.run = err.last
        e.failure =
          err instanceof WaitFailed || err instanceof PlatformError
            ? err.message
            : `Unexpected error in the action: ${oneLine(redact(err instanceof Error ? err.message : String(err), [inputs.token]), 500)}. Please report it.`
        // Its start failed: it counts as opened, with its failure.
        if (!e.run) onOpened()
      }
      const shown = shownState(e, inputs.failOnNoTests)
      if (inputs.failFast && (e.failure || (shown && verdictOf(v, shown, false).kind === 'error'))) {
        if (!failed.signal.aborted) s.log(`${runTag(e.view.inputs)} failed the step: failFast stops waiting for the other runs.`)
        failed.abort()
      }
    })
  )

  // A run left behind: cancelled when failFast stopped it, or (cancelOnAbort) at the timeout or on a
  // signal. Every unfinished run is stopped then, so each stop knows the others are this step's own.
  const left = entries.filter(
    (e) =>
      e.run &&
      !isTerminal(e.run) &&
      e.run.status !== 'triggered' &&
      !e.failure &&
      (e.stopped === 'failFast' || (inputs.cancelOnAbort && (e.stopped === 'signal' || e.run.status === 'timed_out')))
  )
  const ours = new Set(left.map((e) => e.run!.id))
  await Promise.all(
    left.map(async (e) => {
      e.view.ctx.ownRuns = ours
      e.cancelled = await cancelNow(e.view, e.run!)
    })
  )
  if (stop.aborted) {
    stepState.markDone()
    s.github?.hurry()
  } else {
    await Promise.all(
      entries.map(async (e) => {
        if (e.run && !e.failure && !e.stopped) e.tests = await readTestResults(e.view, e.run, clock, stop)
      })
    )
  }
  await finishMany(s, entries)
  stepState.markDone()
}

/** The step's outputs over its runs, as far as they have got. */
function writeOutputs(s: Setup, entries: Entry[]): void {
  for (const [name, value] of Object.entries(batchOutputs(s.provider.name, entries, s.inputs.failOnNoTests)))
    if (!setOutput(name, value)) break
}

/**
 * The report sequence of a step of several runs, as of one: the outputs, the job summary, a commit
 * status per run (its own context), one pull-request comment, then annotations, JUnit, the verdict.
 */
async function finishMany(s: Setup, entries: Entry[]): Promise<void> {
  const { inputs, provider } = s
  writeOutputs(s, entries)
  const withTests = entries.filter((e) => e.tests)
  if (withTests.length > 0) setFailedTests(withTests.flatMap((e) => e.tests!.map((t) => ({ ...t, runId: e.run!.id }))))
  const context = { inputs, title: provider.title, report: s.report }
  buildBatchSummary(context, entries)
  await writeSummary()
  const shown = entries.map((e) => shownState(e, inputs.failOnNoTests))
  await Promise.all(entries.map((e, i) => (shown[i] ? e.view.github?.status(shown[i]) : undefined)))
  await comment(s, entries, shown)
  concludeBatch(context, entries, verdictContextOf(inputs, provider.title))
}

/** The one pull-request comment over every run, under a key naming them all. */
async function comment(s: Setup, entries: Entry[], shown: (RunState | undefined)[]): Promise<void> {
  if (!s.github || shown.every((st) => st === undefined)) return
  const { title, key } = batchPublishedAs(s.provider, s.inputs)
  const status = combined(shown).status
  await s.github.as(title, key, { commitStatus: false }).commentWith((c) =>
    batchCommentBody(
      c,
      status,
      entries.map((e, i) => ({ label: e.label, run: shown[i], problem: e.failure, tests: e.tests }))
    )
  )
  core.debug(`GitHub: one comment for ${entries.length} runs`)
}
