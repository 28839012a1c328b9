// The process shell: signals, the main step's sequence (open, follow, report) and the entry point
// that tells the main step from the post step.
import * as core from '@actions/core'
import { annotate } from './annotations.js'
import { PlatformError } from './errors.js'
import { budgeted, realClock, type Clock } from './clock.js'
import { runLabel } from './verdict.js'
import type { RunState, TestResult } from './model.js'
import { setFailedTests, setOutputs, writeSummary } from './report.js'
import { cancelNow } from './cancel.js'
import { post } from './post.js'
import { setUp, type Setup } from './setup.js'
import { reportOf, type Outcome } from './outcome.js'
import type { Registry } from './providers/index.js'
import { stepState } from './step-state.js'
import { startRun } from './trigger.js'
import { oneLine, redact } from './text.js'
import { DEFAULT_SCHEDULE } from './schedule.js'
import { isTerminal, otherRun, progressLine, waitForRun, WaitAborted, WaitFailed } from './wait.js'

// Reads that only decorate the report (per-test results) end by the deadline, or this long after
// it when the run ended at the last moment: the verdict is never held up longer.
const REPORT_GRACE_MS = 10_000

/**
 * The per-test results of a run that ended, when they are worth reading: it did not pass (to list
 * the failures), or a JUnit file was asked for. A failure here is a warning, never the step's.
 */
async function readTestResults(s: Setup, run: RunState, clock: Clock, signal: AbortSignal): Promise<TestResult[] | undefined> {
  if (!s.provider.testResults || !isTerminal(run) || (run.status === 'passed' && !s.inputs.junitPath)) return undefined
  const budget = budgeted(signal, Math.round(Math.max(s.deadline - clock.now(), REPORT_GRACE_MS)), 'the report budget ran out')
  try {
    return await s.provider.testResults(s.ctx, run, budget.signal)
  } catch (e) {
    if (e instanceof PlatformError && e.info.kind === 'too-large') {
      // Past the size cap the summary says so; the verdict comes from the run's own status.
      s.report.notes.push(
        `The per-test results of this run are larger than ${e.info.detail}, so they are not listed and no JUnit file was written; the verdict above comes from the run's own status. Open the run for the failed tests.`
      )
    }
    annotate(
      'warning',
      `Could not read the per-test results: ${e instanceof PlatformError ? e.message : oneLine(redact(String(e), [s.inputs.token]))}`
    )
    return undefined
  } finally {
    budget.release()
  }
}

/** Attaches to the run in `runId`, or starts one. */
async function openRun(s: Setup, signal: AbortSignal): Promise<RunState> {
  const { inputs, provider, ctx } = s
  if (inputs.runId) {
    const runId = inputs.runId
    core.info(`Attaching to ${provider.title} run ${runId}…`)
    const found = await provider.status!(ctx, runId, signal).catch((e: unknown) => {
      if (!(e instanceof PlatformError) || e.info.status !== 404) throw e
      const where = provider.runScope ? ` under ${provider.runScope}` : ''
      throw new PlatformError({
        ...e.info,
        hint: `there is no run ${runId}${where} that this token can see: check \`runId\` comes from the step that started the run (its \`runId\` output), with the same account${where ? ' and job' : ''}.`
      })
    })
    // Only the run asked for may be followed and reported: an answer about another one is refused.
    if (found.id !== runId) throw otherRun(provider.title, runId, found.id)
    // Recorded like a started run: a cancel owed on it is the post step's to retry.
    stepState.setRunId(runId)
    return found
  }
  core.info(`Starting a test run on ${provider.title}…`)
  for (const d of s.report.details) core.info(`${d.label}: ${oneLine(d.value)}`)
  const { run } = await startRun(provider, ctx, (l) => annotate('warning', l), signal)
  stepState.setRunId(run.id)
  core.info(`Created run ${runLabel(run)}${run.counts.total !== undefined ? ` with ${run.counts.total} tests` : ''}.`)
  if (run.url) core.info(`Open it: ${run.url}`)
  if (run.message) core.info(`${provider.title} said: ${oneLine(run.message)}`)
  // Pending only for a run this step follows to its verdict (docs/reliability.md, "GitHub").
  if (inputs.wait) await s.github?.status(run, signal)
  return run
}

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
  const { inputs, provider, ctx } = s
  const final = await waitForRun(first, {
    provider,
    ctx,
    clock,
    deadline: s.deadline,
    schedule: {
      ...DEFAULT_SCHEDULE,
      minMs: provider.pollFloorMs,
      noProgressCounts: provider.noProgressCounts,
      fixedMs: inputs.pollIntervalSeconds !== undefined ? inputs.pollIntervalSeconds * 1000 : undefined
    },
    signal,
    justCreated: !inputs.runId,
    log: (l) => core.info(l),
    warn: (l) => annotate('warning', l),
    debug: (l) => core.debug(l),
    onState: (st) => {
      onState(st)
      setOutputs(provider.name, st)
    }
  })
  onState(final)
  const cancelled = final.status === 'timed_out' && inputs.cancelOnAbort && (await cancelNow(s, final))
  const tests = await readTestResults(s, final, clock, signal)
  core.info(`Final: ${progressLine(final)}`)
  await finish(s, { kind: 'followed', run: final, tests, cancelled })
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
