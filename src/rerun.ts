// Re-running a failed run's failed tests (rerunFailed; docs/how-it-works.md, Flaky tests): each
// re-run is started once, followed under the step's deadline, signal and client like the first
// run, and its per-test results replace those of the tests it re-ran. A test that failed and then
// passed is flaky; the verdict follows each test's last attempt. A re-run that cannot be started or
// read leaves the verdict the run already had, and says why.
import { annotate } from './annotations.js'
import type { Clock } from './clock.js'
import { PlatformError } from './errors.js'
import type { RunState, TestResult } from './model.js'
import { flakyOf } from './report.js'
import { readTestResults, waitOptions } from './run-steps.js'
import type { Setup } from './setup.js'
import { stepState } from './step-state.js'
import { oneLine } from './text.js'
import { isTerminal, progressLine, waitForRun } from './wait.js'

export interface Reruns {
  /** The step's view of the run: the first run, judged by each test's last attempt. */
  run: RunState
  /** Every test, as of its last attempt, with its earlier failures. */
  tests: TestResult[]
  /** The re-runs, as they ended (or as far as they got). */
  attempts: RunState[]
  /** Why re-running stopped before the tests passed or the re-runs ran out, where something went wrong. */
  stopped?: string
}

const keyOf = (t: TestResult) => `${t.suite ?? ''}\u0000${t.name}`

/** The tests after a re-run: each one it re-ran takes its new result, and keeps the failures before it. */
export function merged(tests: TestResult[], again: TestResult[]): TestResult[] {
  const latest = new Map(again.map((t) => [keyOf(t), t]))
  return tests.map((t) => {
    const next = t.status === 'failed' ? latest.get(keyOf(t)) : undefined
    if (!next) return t
    return { ...next, earlierFailures: [...(t.earlierFailures ?? []), { error: t.error }] }
  })
}

/**
 * The first run judged by each test's last attempt: passed once no test fails (failed with
 * failOnFlaky when one passed only on a re-run), its counts moved by the tests that passed since.
 */
export function judged(first: RunState, tests: TestResult[], attempts: RunState[], failOnFlaky: boolean): RunState {
  const flaky = flakyOf(tests).length
  const stillFailing = tests.some((t) => t.status === 'failed')
  const last = attempts.at(-1)
  // A re-run that did not end as a run of tests (cancelled, an error, the deadline) proves nothing.
  const settled = last !== undefined && (last.status === 'passed' || last.status === 'failed')
  const c = first.counts
  // Every failure the run counted must be a test the re-runs saw pass: a failure the per-test
  // results do not list (an aborted test counted apart) was never re-run, so it still stands.
  const failedAtFirst = tests.filter((t) => t.status === 'failed' || (t.earlierFailures?.length ?? 0) > 0).length
  const accounted = c.failed === undefined || failedAtFirst >= c.failed
  const passes = settled && !stillFailing && accounted
  return {
    ...first,
    status: passes && !(failOnFlaky && flaky > 0) ? 'passed' : 'failed',
    providerStatus: last ? `${first.providerStatus}, re-run: ${last.providerStatus}` : first.providerStatus,
    counts: {
      ...c,
      passed: c.passed === undefined ? undefined : c.passed + flaky,
      failed: c.failed === undefined ? undefined : Math.max(0, c.failed - flaky)
    },
    endedAt: last?.endedAt ?? first.endedAt,
    refs: { ...first.refs, ...(attempts.length > 0 && { rerunIds: attempts.map((a) => a.id).join(',') }) },
    flaky,
    ...(passes && { message: undefined })
  }
}

/**
 * Re-runs the failed tests of `first` (which failed) up to `rerunFailed` times, while some still
 * fail and the deadline allows. A signal during a re-run ends the wait as it ends the first run's
 * (WaitAborted, with the re-run as the last state), so the step stops and cancels that re-run.
 */
export async function rerunFailedTests(s: Setup, first: RunState, tests: TestResult[], clock: Clock, signal: AbortSignal): Promise<Reruns> {
  const { provider, inputs } = s
  const attempts: RunState[] = []
  let current = tests
  let stopped: string | undefined
  for (let n = 1; n <= inputs.rerunFailed; n++) {
    const failing = current.filter((t) => t.status === 'failed')
    if (failing.length === 0) break
    if (clock.now() >= s.deadline) {
      stopped = 'the step reached its timeout before the re-run'
      break
    }
    const of = attempts.at(-1) ?? first
    s.log(
      `Re-running the ${failing.length} failed test${failing.length === 1 ? '' : 's'} of run ${of.id} (re-run ${n} of ${inputs.rerunFailed})…`
    )
    let rerun: RunState
    try {
      // Each re-run is a start of its own: a key of its own, never re-sent after it may have arrived.
      rerun = await provider.rerunFailed!({ ...s.ctx, http: s.ctx.http.startingWith(`${s.idempotencyKey}-rerun-${n}`) }, of, signal)
    } catch (e) {
      if (signal.aborted || !(e instanceof PlatformError)) throw e
      stopped = `the re-run could not be started: ${e.message}`
      break
    }
    // The re-run is the run a post step would cancel now.
    stepState.setRunId(rerun.id, s.index)
    s.log(`Started re-run ${rerun.id}${rerun.url ? `: ${rerun.url}` : ''}`)
    const end = await waitForRun(rerun, { ...waitOptions(s, clock, signal), log: (l) => s.log(`Re-run ${n}: ${l}`) })
    attempts.push(end)
    s.log(`Re-run ${end.id}: ${progressLine(end)}`)
    if (!isTerminal(end) || (end.status !== 'passed' && end.status !== 'failed')) {
      stopped = `re-run ${end.id} ended ${end.status} (${oneLine(end.providerStatus, 60)})`
      break
    }
    const again = await readTestResults(s, end, clock, signal, true)
    if (!again) {
      stopped = `the results of re-run ${end.id} could not be read`
      break
    }
    current = merged(current, again)
  }
  if (stopped)
    annotate(
      'warning',
      `Re-running the failed tests stopped: ${oneLine(stopped, 600)}${/[.!?]$/.test(stopped) ? '' : '.'} The verdict is the run's own.`
    )
  const flaky = flakyOf(current)
  if (flaky.length > 0)
    s.log(`Passed only on a re-run (flaky): ${flaky.map((t) => oneLine(`${t.suite ? `${t.suite} › ` : ''}${t.name}`, 120)).join(', ')}`)
  return { run: judged(first, current, attempts, inputs.failOnFlaky), tests: current, attempts, stopped }
}
