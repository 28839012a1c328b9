// The process shell: signals, the main step's sequence (open, follow, report) and the entry point
// that tells the main step from the post step.
import * as core from '@actions/core'
import { PlatformError } from './errors.js'
import { realClock, type Clock } from './clock.js'
import type { RunState } from './model.js'
import { setFailedTests, setOutputs, writeSummary } from './report.js'
import { cancelNow } from './cancel.js'
import { post } from './post.js'
import { setUp, type Setup } from './setup.js'
import { reportOf, type Outcome } from './outcome.js'
import type { Registry } from './providers/index.js'
import { stepState } from './step-state.js'
import { openRun, readTestResults, waitOptions } from './run-steps.js'
import { runMany } from './batch.js'
import { rerunFailedTests } from './rerun.js'
import { isTerminal, progressLine, waitForRun, WaitAborted, WaitFailed } from './wait.js'

/**
 * The one report sequence, the same on every path: the outputs, then the job summary, then what
 * comes after it (per-test annotations, the JUnit file) and last the verdict.
 */
async function finish(s: Setup, outcome: Outcome): Promise<void> {
  const r = reportOf(outcome, { inputs: s.inputs, title: s.provider.title, report: s.report })
  setOutputs(s.provider.name, r.outputs)
  if (r.tests) setFailedTests(r.tests)
  r.summary()
  await writeSummary()
  await s.github?.status(r.outputs)
  if (r.outputs.id) await s.github?.comment(r.outputs, r.tests)
  r.conclude()
}

/** Follows the run to its end (or the deadline), then reports it: summary, failed tests, JUnit, verdict. */
async function follow(s: Setup, first: RunState, clock: Clock, signal: AbortSignal, onState: (st: RunState) => void): Promise<void> {
  const { inputs, provider } = s
  const final = await waitForRun(first, {
    ...waitOptions(s, clock, signal),
    onState: (st) => {
      onState(st)
      setOutputs(provider.name, st)
    }
  })
  onState(final)
  const cancelled = final.status === 'timed_out' && inputs.cancelOnAbort && (await cancelNow(s, final))
  const read = await readTestResults(s, final, clock, signal)
  core.info(`Final: ${progressLine(final)}`)
  // rerunFailed: a run whose tests failed has them re-run (docs/how-it-works.md, Flaky tests).
  const reruns =
    inputs.rerunFailed > 0 && final.status === 'failed' && read?.some((t) => t.status === 'failed')
      ? await rerunFailedTests(s, final, read, clock, signal)
      : undefined
  if (inputs.rerunFailed > 0 && final.status === 'failed' && !read)
    s.report.notes.push(
      'The failed tests were not re-run (rerunFailed): their per-test results could not be read, so which tests failed is not known.'
    )
  const run = reruns?.run ?? (inputs.rerunFailed > 0 && isTerminal(final) ? { ...final, flaky: 0 } : final)
  await finish(s, { kind: 'followed', run, tests: reruns?.tests ?? read, cancelled, reruns })
}

/** The workflow was cancelled while the step waited: cancel the run if asked, report, fail. */
async function stopped(s: Setup, last: RunState): Promise<void> {
  const cancelled = s.inputs.cancelOnAbort ? await cancelNow(s, last) : false
  stepState.markDone()
  s.github?.hurry()
  await finish(s, { kind: 'stopped', last, cancelled })
}

/** The main step. Resolves when the step is over; never throws. */
export async function run(clock: Clock = realClock, exit: (code?: number) => void = process.exit, registry?: Registry): Promise<void> {
  const s = setUp(clock, 'main', registry)
  if (!s) return
  const { inputs, provider } = s

  // First signal: stop waiting (and cancel the remote run if asked). A second one: stop at once.
  const stop = new AbortController()
  const onSignal = () => {
    if (stop.signal.aborted) exit(1)
    core.info('Received a cancel signal from the runner; stopping.')
    stop.abort()
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  s.github?.follow(stop.signal)

  let current: RunState | undefined
  try {
    // Several runs (README, One gate over several runs) have a sequence of their own; one run keeps this one.
    if (inputs.runs.length > 1) return await runMany(s, clock, stop.signal)
    current = await openRun(s, stop.signal)
    if (inputs.wait || inputs.runId !== undefined) {
      setOutputs(provider.name, current)
      await follow(s, current, clock, stop.signal, (st) => (current = st))
    } else {
      current = { ...current, status: 'triggered' }
      await finish(s, { kind: 'triggered', run: current })
    }
    stepState.markDone()
  } catch (e) {
    if (e instanceof WaitAborted || (stop.signal.aborted && current)) await stopped(s, e instanceof WaitAborted ? e.last : current!)
    else if (e instanceof WaitFailed)
      await finish(s, { kind: 'failed', error: e.cause, message: e.message, last: e.last, cancelled: false })
    else if (e instanceof PlatformError)
      await finish(s, { kind: 'failed', error: e, message: e.message, last: current, cancelled: stop.signal.aborted })
    else await finish(s, { kind: 'bug', message: e instanceof Error ? e.message : String(e), last: current })
  } finally {
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
  }
}

/**
 * Entry point. action.yml runs the main step as dist/index.js and the post step as dist/post.js
 * (`entry`); a post step run as index.js is known by the mark its main step saved. The mark is
 * saved before the main step's first request: a post step that finds none (the workflow was
 * cancelled before the main step ran) sends nothing (docs/reliability.md, "Post step").
 */
export async function start(entry = process.argv[1] ?? '', exit: (code?: number) => void = process.exit): Promise<void> {
  // Mask the token before anything else can print.
  const token = core.getInput('token')
  if (token) core.setSecret(token)
  const began = stepState.began()
  if (/(^|[\\/])post\.js$/.test(entry) || began) {
    if (began) await post()
    else core.info('The main step of this action never began (the workflow was cancelled before it ran): nothing to clean up.')
  } else {
    stepState.markBegan()
    await run(realClock, exit)
  }
  // Pending sockets of abandoned requests must not hold the step open.
  exit()
}
