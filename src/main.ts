// The process shell: signals, the main step's sequence (open, follow, report) and the entry point
// that tells the main step from the post step.
import * as core from '@actions/core'
import { annotate, verdict } from './annotations.js'
import { PlatformError } from './errors.js'
import { budgeted, realClock, type Clock } from './clock.js'
import { toJUnitXml, writeJUnitFile } from './junit.js'
import { giveVerdict, runLabel, type VerdictContext } from './verdict.js'
import type { RunState, TestResult } from './model.js'
import { annotateFailedTests, buildErrorSummary, buildFailedTests, buildRunSummary, setOutputs, writeSummary } from './report.js'
import { cancelNow } from './cancel.js'
import { post } from './post.js'
import { setUp, type Setup } from './setup.js'
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

const verdictContext = (s: Setup): VerdictContext => ({
  platform: s.provider.title,
  failOnTestFailure: s.inputs.failOnTestFailure,
  cancelOnAbort: s.inputs.cancelOnAbort,
  timeoutMinutes: s.inputs.timeoutMinutes
})

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
async function finish(s: Setup, outputs: RunState, summary: () => void, conclude: () => void, tests?: TestResult[]): Promise<void> {
  setOutputs(s.provider.name, outputs)
  summary()
  await writeSummary()
  await s.github?.status(outputs)
  if (outputs.id) await s.github?.comment(outputs, tests)
  conclude()
}

/** The outputs of a step that has no run to name. */
const noRun = (status: RunState['status']): RunState => ({ id: '', status, providerStatus: '', counts: {} })

/** Follows the run to its end (or the deadline), then reports it: summary, failed tests, JUnit, verdict. */
async function follow(s: Setup, first: RunState, clock: Clock, signal: AbortSignal, onState: (st: RunState) => void): Promise<void> {
  const { inputs, provider, ctx } = s
  const final = await waitForRun(first, {
    provider,
    ctx,
    clock,
    timeoutMs: inputs.timeoutMinutes * 60_000,
    deadline: s.deadline,
    schedule: {
      ...DEFAULT_SCHEDULE,
      minMs: provider.pollFloorMs,
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
  const timeoutNote = cancelled
    ? 'This step stopped waiting at the timeout and cancelled the run on the platform.'
    : 'This step stopped waiting at the timeout; the run goes on on the platform. Open it to see how it ends.'
  await finish(
    s,
    final,
    () => {
      buildRunSummary(s.report, final, final.status === 'timed_out' ? timeoutNote : undefined)
      if (tests) buildFailedTests(tests)
    },
    () => {
      if (tests && inputs.annotateTests)
        annotateFailedTests(provider.title, tests, final.status === 'failed' && !inputs.failOnTestFailure ? 'warning' : 'error')
      if (tests && inputs.junitPath) writeJUnitFile(inputs.junitPath, toJUnitXml(provider.title, final, tests), tests.length)
      giveVerdict(verdictContext(s), final, cancelled)
    },
    tests
  )
}

/** The workflow was cancelled while the step waited: cancel the run if asked, report, fail. */
async function stopped(s: Setup, last: RunState): Promise<void> {
  const { inputs, provider } = s
  const cancelled = inputs.cancelOnAbort ? await cancelNow(s, last) : false
  const shown: RunState = { ...last, status: 'cancelled' }
  stepState.markDone()
  s.github?.hurry()
  const fate = cancelled
    ? 'cancelled it on the platform.'
    : inputs.cancelOnAbort
      ? 'it was not cancelled (see the warning above).'
      : 'it goes on there (cancelOnAbort is false).'
  await finish(
    s,
    shown,
    () =>
      buildRunSummary(
        s.report,
        shown,
        `The workflow was cancelled while this step waited. ${cancelled ? 'The run was cancelled on the platform too.' : 'The run goes on on the platform.'}`
      ),
    () => verdict('error', `The workflow was cancelled while waiting for ${provider.title} run ${runLabel(last)}: ${fate}`)
  )
}

/** The main step. Resolves when the step is over; never throws. */
export async function run(clock: Clock = realClock, exit: (code?: number) => void = process.exit, registry?: Registry): Promise<void> {
  const s = setUp(clock, 'main', registry)
  if (!s) return
  const { inputs, provider, report } = s

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
      const triggered: RunState = { ...current, status: 'triggered' }
      current = triggered
      await finish(
        s,
        triggered,
        () => buildRunSummary(report, triggered),
        () => giveVerdict(verdictContext(s), triggered, false)
      )
    }
    stepState.markDone()
  } catch (e) {
    if (e instanceof WaitAborted || (stop.signal.aborted && current)) {
      await stopped(s, e instanceof WaitAborted ? e.last : current!)
    } else if (e instanceof WaitFailed) {
      const failed = e
      await finish(
        s,
        { ...failed.last, status: 'error' },
        () => buildErrorSummary(report, failed.cause, failed.last),
        () => verdict('error', failed.message)
      )
    } else if (e instanceof PlatformError) {
      // Outputs on every path: a step cancelled while starting says cancelled, with no run ID.
      const status = stop.signal.aborted ? 'cancelled' : 'error'
      const known = current
      await finish(
        s,
        known ? { ...known, status } : noRun(status),
        () => buildErrorSummary(report, e, known),
        () => verdict('error', e.message)
      )
    } else {
      // A bug of ours: say so plainly, without a stack trace and without any secret.
      const message = e instanceof Error ? e.message : String(e)
      const known = current
      await finish(
        s,
        known ? { ...known, status: 'error' } : noRun('error'),
        () => undefined,
        () => verdict('error', `Unexpected error in the action: ${oneLine(redact(message, [inputs.token]), 500)}. Please report it.`)
      )
    }
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
