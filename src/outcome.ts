// How the main step ended, as one tagged union, and the one function that says what each ending
// means: the outputs, the job summary, and what comes after it (per-test annotations, the JUnit
// file, the verdict and so the exit code). Building the report sends nothing; main.ts writes it.
import { annotate, verdict } from './annotations.js'
import type { PlatformError } from './errors.js'
import type { Inputs } from './inputs.js'
import { toJUnitXml, writeJUnitFile } from './junit.js'
import type { RunState, TestResult } from './model.js'
import {
  annotateFailedTests,
  buildErrorSummary,
  buildFailedTests,
  buildFlakyTests,
  flakyOf,
  buildReruns,
  buildRunSummary,
  type ReportContext
} from './report.js'
import { oneLine, redact } from './text.js'
import { checkedForTests, giveVerdict, runLabel, verdictContextOf } from './verdict.js'

export type Outcome =
  /** Started and not waited for. */
  | { kind: 'triggered'; run: RunState }
  /** Followed to its end, or to the timeout (`timed_out`), with the per-test results when read. */
  | { kind: 'followed'; run: RunState; tests?: TestResult[]; cancelled: boolean; reruns?: { attempts: RunState[]; stopped?: string } }
  /** The workflow was cancelled while the step waited. */
  | { kind: 'stopped'; last: RunState; cancelled: boolean }
  /** The platform failed the step (a start refused, a read no wait can fix); `cancelled`: by a signal. */
  | { kind: 'failed'; error: PlatformError; message: string; last?: RunState; cancelled: boolean }
  /** A bug of ours. */
  | { kind: 'bug'; message: string; last?: RunState }

export interface StepReport {
  /** The outputs, written first. */
  outputs: RunState
  /** The job summary's content. */
  summary(): void
  /** What follows the summary, the verdict last. */
  conclude(): void
  /** The per-test results, for the pull-request comment. */
  tests?: TestResult[]
}

export interface OutcomeContext {
  inputs: Inputs
  title: string
  report: ReportContext
}

/** The outputs of a step that has no run to name. */
const noRun = (status: RunState['status']): RunState => ({ id: '', status, providerStatus: '', counts: {} })

export function reportOf(o: Outcome, { inputs, title, report }: OutcomeContext): StepReport {
  const verdictContext = verdictContextOf(inputs, title)
  switch (o.kind) {
    case 'triggered':
      return { outputs: o.run, summary: () => buildRunSummary(report, o.run), conclude: () => giveVerdict(verdictContext, o.run, false) }
    case 'followed': {
      const { tests, cancelled, reruns } = o
      const flaky = tests ? flakyOf(tests) : []
      const run = inputs.failOnNoTests ? checkedForTests(o.run) : o.run
      const timeoutNote = cancelled
        ? 'This step stopped waiting at the timeout and cancelled the run on the platform.'
        : 'This step stopped waiting at the timeout; the run goes on on the platform. Open it to see how it ends.'
      return {
        outputs: run,
        tests,
        summary: () => {
          buildRunSummary(report, run, run.status === 'timed_out' ? timeoutNote : undefined)
          if (reruns) buildReruns(reruns.attempts, reruns.stopped)
          if (tests) buildFailedTests(tests)
          buildFlakyTests(flaky)
        },
        conclude: () => {
          if (tests && inputs.annotateTests)
            annotateFailedTests(title, tests, run.status === 'failed' && !inputs.failOnTestFailure ? 'warning' : 'error')
          // Never a silent pass: the tests that passed only on a re-run are named where the verdict is read.
          if (flaky.length > 0)
            annotate(
              'warning',
              oneLine(
                `${flaky.length} test${flaky.length === 1 ? '' : 's'} passed only on a re-run (flaky): ${flaky.map((t) => `${t.suite ? `${t.suite} › ` : ''}${t.name}`).join(', ')}`,
                1000
              )
            )
          if (tests && inputs.junitPath) writeJUnitFile(inputs.junitPath, toJUnitXml(title, run, tests), tests.length)
          giveVerdict(verdictContext, run, cancelled)
        }
      }
    }
    case 'stopped': {
      const shown: RunState = { ...o.last, status: 'cancelled' }
      const fate = o.cancelled
        ? 'cancelled it on the platform.'
        : inputs.cancelOnAbort
          ? 'it was not cancelled (see the warning above).'
          : 'it goes on there (cancelOnAbort is false).'
      const goesOn = o.cancelled ? 'The run was cancelled on the platform too.' : 'The run goes on on the platform.'
      return {
        outputs: shown,
        summary: () => buildRunSummary(report, shown, `The workflow was cancelled while this step waited. ${goesOn}`),
        conclude: () => verdict('error', `The workflow was cancelled while waiting for ${title} run ${runLabel(o.last)}: ${fate}`)
      }
    }
    case 'failed': {
      // Outputs on every path: a step cancelled while starting says cancelled, with no run ID.
      const status = o.cancelled ? 'cancelled' : 'error'
      return {
        outputs: o.last ? { ...o.last, status } : noRun(status),
        summary: () => buildErrorSummary(report, o.error, o.last),
        conclude: () => verdict('error', o.message)
      }
    }
    case 'bug':
      // Said plainly, without a stack trace and without any secret.
      return {
        outputs: o.last ? { ...o.last, status: 'error' } : noRun('error'),
        summary: () => undefined,
        conclude: () =>
          verdict('error', `Unexpected error in the action: ${oneLine(redact(o.message, [inputs.token]), 500)}. Please report it.`)
      }
  }
}
