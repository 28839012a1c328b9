// The one place that touches the process: exit code, signals, the main and the post step.
import * as core from '@actions/core'
import { randomUUID } from 'node:crypto'
import { annotate, verdict } from './annotations.js'
import { HttpApi } from './http.js'
import { PlatformError, whatFailed } from './errors.js'
import { budgeted, realClock, type Clock } from './clock.js'
import { readInputs, type Inputs } from './inputs.js'
import { providerFor } from './providers/index.js'
import { withoutApiPath } from './providers/common.js'
import { toJUnitXml, writeJUnitFile } from './junit.js'
import { giveVerdict, runLabel, type VerdictContext } from './verdict.js'
import type { Provider, ProviderContext } from './providers/types.js'
import type { RunState, TestResult } from './model.js'
import {
  annotateFailedTests,
  buildErrorSummary,
  buildFailedTests,
  buildRunSummary,
  setOutputs,
  writeSummary,
  type ReportContext
} from './report.js'
import { readRunContext } from './run-context.js'
import { saveState } from './runner-files.js'
import { GitHubPublisher } from './github/publish.js'
import { readTarget } from './github/target.js'
import { startRun } from './trigger.js'
import { oneLine, redact } from './text.js'
import { DEFAULT_SCHEDULE } from './schedule.js'
import { isTerminal, otherRun, progressLine, waitForRun, WaitAborted, WaitFailed } from './wait.js'

// The runner sends SIGINT, then SIGTERM 7.5 s later, then kills: a cancel call must fit in that.
const CANCEL_TIMEOUT_MS = 5000
// The post step's own budget for reading the run and cancelling it, retries included.
const POST_BUDGET_MS = 20_000
// Reads that only decorate the report (per-test results) end by the deadline, or this long after
// it when the run ended at the last moment: the verdict is never held up longer.
const REPORT_GRACE_MS = 10_000

// Saved state, read by the post step. `isPost`: the main step began (saved before its first request).
// `cancelOwed`: a cancel was wanted and not confirmed.
const STATE = {
  isPost: 'isPost',
  runId: 'runId',
  done: 'done',
  cancelSent: 'cancelSent',
  cancelOwed: 'cancelOwed',
  idempotencyKey: 'idempotencyKey'
} as const

interface Setup {
  inputs: Inputs
  provider: Provider
  ctx: ProviderContext
  report: ReportContext
  /** The step's deadline on the clock: `timeoutMinutes` from the start, bounding every request. */
  deadline: number
  /** The commit status and pull-request comment, when asked for. */
  github?: GitHubPublisher
}

type CancelOutcome = { done: true } | { done: false; owed: boolean; why: string }

/** Reads and checks the inputs; reports the problems and returns nothing when there are any. */
function setUp(clock: Clock, step: 'main' | 'post' = 'main'): Setup | undefined {
  const runContext = readRunContext()
  const { inputs, problems, warnings } = readInputs(runContext.sha, (name) => providerFor(name).inputRules)
  // The main step said these already; the post step reads the same inputs.
  if (step === 'main') for (const w of warnings) annotate('warning', w)
  if (!inputs) {
    for (const p of problems) annotate('error', p)
    verdict(
      'error',
      `The step's inputs have ${problems.length} problem${problems.length === 1 ? '' : 's'} (listed above); no request was sent.`
    )
    return undefined
  }
  const provider = providerFor(inputs.provider)
  // A secure variable's value is a secret like the token: masked before anything can print it.
  for (const v of inputs.variables ?? []) if (v.secure && v.value) core.setSecret(v.value)
  // One key per invocation, saved before the first attempt: every attempt of the trigger carries it.
  const idempotencyKey = core.getState(STATE.idempotencyKey) || randomUUID()
  saveState(STATE.idempotencyKey, idempotencyKey)
  const http = new HttpApi({
    platform: provider.title,
    baseUrl: baseUrlOf(inputs, provider, step),
    authorization: provider.authorization(inputs.token),
    secrets: [inputs.token],
    hints: provider.hints,
    errorMessage: provider.errorMessage,
    rateLimitHeaders: provider.rateLimitHeaders,
    runsPage: provider.runsPage,
    headers: provider.headers,
    readLimit: provider.readLimit,
    limitsPerAction: provider.limitsPerAction,
    idempotencyKey,
    clock
  })
  const deadline = clock.now() + inputs.timeoutMinutes * 60_000
  http.setDeadline(deadline)
  const report: ReportContext = {
    provider: provider.name,
    platform: provider.title,
    environment: inputs.environment,
    buildVersion: inputs.runId || (provider.buildSelectsCode && !inputs.buildChosen) ? undefined : inputs.buildVersion,
    details: inputs.runId ? [] : (provider.startDetails?.(inputs) ?? []),
    notes: [],
    nextStep: provider.nextStep
  }
  const note = (line: string) => {
    annotate('warning', oneLine(line, 500))
    report.notes.push(line)
  }
  const github = step === 'main' ? gitHubPublisher(inputs, provider) : undefined
  return { inputs, provider, ctx: { inputs, http, run: runContext, note }, report, deadline, github }
}

/** The base URL requests go to: `baseUrl` without the vendor's documented API path, or the platform's own. */
function baseUrlOf(inputs: Inputs, provider: Provider, step: 'main' | 'post'): string {
  if (!inputs.baseUrl) return provider.defaultBaseUrl
  const base = provider.apiPath ? withoutApiPath(inputs.baseUrl, provider.apiPath) : inputs.baseUrl
  if (base !== inputs.baseUrl && step === 'main')
    core.info(
      `baseUrl ends with ${provider.apiPath}, the path every ${provider.title} request starts with: sending to ${base}${provider.apiPath}/…`
    )
  return base
}

/** The commit status and pull-request comment, when asked for and possible; a warning when not. */
function gitHubPublisher(inputs: Inputs, provider: Provider): GitHubPublisher | undefined {
  if (!inputs.commitStatus && !inputs.prComment) return undefined
  const asked = [inputs.commitStatus && 'commitStatus', inputs.prComment && 'prComment'].filter(Boolean).join(' and ')
  if (!inputs.githubToken) {
    annotate('warning', `${asked}: \`githubToken\` is empty, so nothing is written to GitHub. Leave it out to use the workflow's token.`)
    return undefined
  }
  core.setSecret(inputs.githubToken)
  const target = readTarget()
  if (typeof target === 'string') {
    annotate('warning', `${asked}: ${target}, so nothing is written to GitHub.`)
    return undefined
  }
  const plan = inputs.scenarioId ?? inputs.projectId ?? (inputs.runId ? `run ${inputs.runId}` : '')
  const title = `${provider.title} ${plan}${inputs.environment ? ` (${inputs.environment})` : ''}`.trim()
  return new GitHubPublisher({
    token: inputs.githubToken,
    target,
    commitStatus: inputs.commitStatus,
    prComment: inputs.prComment,
    title,
    key: [provider.name, plan, inputs.environment ?? ''].join(' '),
    warn: (l) => annotate('warning', l),
    info: (l) => core.info(l),
    debug: (l) => core.debug(l)
  })
}

/**
 * Asks the platform to stop a run, within `budgetMs`. Never throws. Only a confirmed cancel (a 2xx
 * answer) counts as done; one that failed or got no answer is owed, and the post step tries again.
 */
async function cancelRemote(s: Setup, run: RunState, budgetMs = CANCEL_TIMEOUT_MS): Promise<CancelOutcome> {
  if (!s.provider.cancel) return { done: false, owed: false, why: `${s.provider.title} has no cancel call: run ${run.id} goes on there.` }
  const refused = s.provider.refuseCancel?.(run)
  // The reason quotes the platform's last status word: one line, like all platform text in the log.
  if (refused) return { done: false, owed: false, why: `Did not cancel run ${run.id} on ${s.provider.title}: ${oneLine(refused, 500)}` }
  saveState(STATE.cancelOwed, 'true')
  const started = Date.now()
  const left = () => budgetMs - (Date.now() - started)
  // The cancel has its own budget; the wait's deadline, which has passed by now, does not apply.
  s.ctx.http.setDeadline(Infinity)
  if (s.provider.otherRunsAtRisk) {
    // A stop that can reach another run is sent only while ours is the only one (docs/reliability.md, "Stops").
    try {
      const risk = await s.provider.otherRunsAtRisk(s.ctx, run, AbortSignal.timeout(Math.max(left(), 1)))
      if (risk) {
        // Not owed: the post step would find the same other run.
        saveState(STATE.cancelOwed, '')
        return { done: false, owed: false, why: `Did not cancel run ${run.id} on ${s.provider.title}: ${oneLine(risk, 600)}` }
      }
    } catch (e) {
      const why = e instanceof PlatformError ? whatFailed(e.info) : 'an unexpected error'
      // A server without the listing (404, 405, 501) will never show it: ours is stopped unchecked,
      // and the log says so. A listing that failed for now is tried again by the post step.
      const absent = e instanceof PlatformError && [404, 405, 501].includes(e.info.status ?? 0)
      if (!absent)
        return {
          done: false,
          owed: true,
          why: `Did not cancel run ${run.id} on ${s.provider.title}: could not check that no other run of it would be stopped (${why}).`
        }
      core.info(`Could not list the other runs before stopping run ${run.id} (${why}): stopping it without that check.`)
    }
  }
  if (s.provider.cancelCaveat) core.info(s.provider.cancelCaveat)
  try {
    await s.provider.cancel(s.ctx, run, AbortSignal.timeout(Math.max(left(), 1)))
    saveState(STATE.cancelSent, 'true')
    saveState(STATE.cancelOwed, '')
    core.info(`Cancelled run ${run.id} on ${s.provider.title}.`)
    await confirmStopped(s, run.id, left())
    return { done: true }
  } catch (e) {
    const why =
      e instanceof PlatformError && e.info.kind === 'timeout'
        ? `no answer within ${(budgetMs / 1000).toFixed(0)} s; it may still be cancelled, check ${s.provider.runsPage}.`
        : e instanceof PlatformError
          ? e.message
          : oneLine(redact(String(e), [s.inputs.token]))
    // A refusal the platform means (a 4xx other than 408 and 429: no such run, a token it refuses) is
    // not owed: sending the same call again would get the same answer.
    const status = e instanceof PlatformError && e.info.kind === 'http' ? (e.info.status ?? 0) : 0
    const definite = status >= 400 && status < 500 && status !== 408 && status !== 429
    if (definite) saveState(STATE.cancelOwed, '')
    return { done: false, owed: !definite, why: `Could not cancel run ${run.id} on ${s.provider.title}: ${why}` }
  }
}

/** Reads the run once more after a stop and says whether it stopped; a read that fails says so too. */
async function confirmStopped(s: Setup, runId: string, budgetMs: number): Promise<void> {
  if (!s.provider.status || budgetMs < 200) return
  try {
    const after = await s.provider.status(s.ctx, runId, AbortSignal.timeout(budgetMs))
    if (after.id !== runId) return
    core.info(
      isTerminal(after)
        ? `Run ${runId} has stopped (${oneLine(after.providerStatus, 100)}).`
        : `Run ${runId} still shows ${oneLine(after.providerStatus, 100) || after.status} after the stop: ${s.provider.title} may take a moment, or the stop did not reach it; check ${s.provider.runsPage}.`
    )
  } catch {
    core.info(`Could not read run ${runId} again after the stop: check ${s.provider.runsPage} that it stopped.`)
  }
}

/** Cancels at the timeout or on a signal: a warning when it did not happen, saying what comes next. */
async function cancelNow(s: Setup, run: RunState): Promise<boolean> {
  const outcome = await cancelRemote(s, run)
  if (outcome.done) return true
  annotate('warning', outcome.owed ? `${outcome.why} The post step of this action tries again.` : outcome.why)
  return false
}

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
    saveState(STATE.runId, runId)
    return found
  }
  core.info(`Starting a test run on ${provider.title}…`)
  for (const d of s.report.details) core.info(`${d.label}: ${oneLine(d.value)}`)
  const { run } = await startRun(provider, ctx, (l) => annotate('warning', l), signal)
  saveState(STATE.runId, run.id)
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
  saveState(STATE.done, 'true')
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
export async function run(clock: Clock = realClock): Promise<void> {
  const s = setUp(clock)
  if (!s) return
  const { inputs, provider, report } = s

  // First signal: stop waiting (and cancel the remote run if asked). A second one: stop at once.
  const stop = new AbortController()
  const onSignal = () => {
    if (stop.signal.aborted) process.exit(1)
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
    saveState(STATE.done, 'true')
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
 * The post step (post-if: failure() || cancelled()): cancels the remote run when the main step
 * owes a cancel: the workflow was cancelled before the main step could, or the main step's cancel
 * failed or got no answer. Reads the run first (an ended run needs nothing; Gearset's cancel is
 * safe only while our run is Started), and tries again within its own budget. Never fails the job.
 */
export async function post(clock: Clock = realClock): Promise<void> {
  const runId = core.getState(STATE.runId)
  const owed = core.getState(STATE.cancelOwed) === 'true'
  if (!runId || core.getState(STATE.cancelSent) === 'true' || (core.getState(STATE.done) === 'true' && !owed)) return
  const s = setUp(clock, 'post')
  if (!s || !s.inputs.cancelOnAbort) return
  s.ctx.http.setDeadline(Infinity)
  core.info(
    owed
      ? `The main step could not confirm the cancel of ${s.provider.title} run ${runId}: trying again.`
      : `The workflow was cancelled before the main step finished: cancelling ${s.provider.title} run ${runId}.`
  )
  const until = clock.now() + POST_BUDGET_MS
  let last: CancelOutcome | undefined
  for (let attempt = 1; attempt <= 3; attempt++) {
    const left = () => until - clock.now()
    const run = await readForCancel(s, runId, Math.min(CANCEL_TIMEOUT_MS, left()))
    if (isTerminal(run)) {
      core.info(`Run ${runId} has ended (${oneLine(run.providerStatus)}): nothing to cancel.`)
      saveState(STATE.cancelOwed, '')
      return
    }
    if (left() < 1000) break
    last = await cancelRemote(s, run, Math.min(CANCEL_TIMEOUT_MS, left()))
    if (last.done || !last.owed) break
    core.info(last.why)
    if (left() < 2000) break
    await clock.sleep(1000 * attempt)
  }
  if (last && !last.done)
    core.warning(
      last.owed
        ? `${last.why} Gave up after ${Math.round((clock.now() - (until - POST_BUDGET_MS)) / 1000)} s: check ${s.provider.runsPage}.`
        : last.why
    )
  process.exitCode = 0
}

/** The run's state before a cancel; "running, status unknown" when the read fails or names another run. */
async function readForCancel(s: Setup, runId: string, budgetMs: number): Promise<RunState> {
  const unknown: RunState = { id: runId, status: 'running', providerStatus: '', counts: {} }
  if (!s.provider.status) return unknown
  try {
    const run = await s.provider.status(s.ctx, runId, AbortSignal.timeout(Math.max(budgetMs, 1)))
    if (run.id === runId) return run
    core.info(`Reading run ${runId} before cancelling it gave run ${run.id} instead; going by what is known.`)
  } catch (e) {
    core.info(`Could not read run ${runId} before cancelling it (${e instanceof PlatformError ? whatFailed(e.info) : 'unexpected error'}).`)
  }
  return unknown
}

/**
 * Entry point. action.yml runs the main step as dist/index.js and the post step as dist/post.js
 * (`entry`); a post step run as index.js is known by the mark its main step saved. The mark is
 * saved before the main step's first request: a post step that finds none (the workflow was
 * cancelled before the main step ran) sends nothing (docs/reliability.md, "Post step").
 */
export async function start(entry = process.argv[1] ?? ''): Promise<void> {
  // Mask the token before anything else can print.
  const token = core.getInput('token')
  if (token) core.setSecret(token)
  const began = core.getState(STATE.isPost) === 'true'
  if (/(^|[\\/])post\.js$/.test(entry) || began) {
    if (began) await post()
    else core.info('The main step of this action never began (the workflow was cancelled before it ran): nothing to clean up.')
  } else {
    saveState(STATE.isPost, 'true')
    await run()
  }
  // Pending sockets of abandoned requests must not hold the step open.
  process.exit()
}
