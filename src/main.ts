// The one place that touches the process: exit code, signals, the post step; and the one try/catch.
import * as core from '@actions/core'
import { randomUUID } from 'node:crypto'
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { HttpApi, PlatformError, realClock, whatFailed, type Clock } from './http.js'
import { readInputs, type Inputs } from './inputs.js'
import { providerFor } from './providers/index.js'
import { toJUnitXml } from './junit.js'
import type { Provider, ProviderContext, RunState, TestResult } from './providers/types.js'
import {
  annotateFailedTests,
  buildErrorSummary,
  buildFailedTests,
  buildRunSummary,
  formatDuration,
  setOutputs,
  writeSummary,
  type ReportContext
} from './report.js'
import { readRunContext } from './run-context.js'
import { startRun } from './trigger.js'
import { oneLine, redact } from './text.js'
import { DEFAULT_SCHEDULE } from './schedule.js'
import { isTerminal, progressLine, waitForRun, WaitAborted, WaitFailed } from './wait.js'

// The runner sends SIGINT, then SIGTERM 7.5 s later, then kills: a cancel call must fit in that.
const CANCEL_TIMEOUT_MS = 5000

// Saved state, read by the post step (which runs with post-if: cancelled()).
const STATE = { isPost: 'isPost', runId: 'runId', done: 'done', cancelSent: 'cancelSent', idempotencyKey: 'idempotencyKey' } as const

interface Setup {
  inputs: Inputs
  provider: Provider
  ctx: ProviderContext
  report: ReportContext
}

/** Reads and checks the inputs; reports the problems and returns nothing when there are any. */
function setUp(clock: Clock): Setup | undefined {
  const runContext = readRunContext()
  const { inputs, problems, warnings } = readInputs(runContext.sha)
  for (const w of warnings) core.warning(w)
  if (!inputs) {
    for (const p of problems) core.error(p)
    core.setFailed(
      `The step's inputs have ${problems.length} problem${problems.length === 1 ? '' : 's'} (listed above); no request was sent.`
    )
    return undefined
  }
  const provider = providerFor(inputs.provider)
  // A secure variable's value is a secret like the token: masked before anything can print it.
  for (const v of inputs.variables ?? []) if (v.secure && v.value) core.setSecret(v.value)
  // One key per invocation, saved before the first attempt: every attempt of the trigger carries it.
  const idempotencyKey = core.getState(STATE.idempotencyKey) || randomUUID()
  core.saveState(STATE.idempotencyKey, idempotencyKey)
  const http = new HttpApi({
    platform: provider.title,
    baseUrl: inputs.baseUrl ?? provider.defaultBaseUrl,
    authorization: provider.authorization(inputs.token),
    secrets: [inputs.token],
    hints: provider.hints,
    runsPage: provider.runsPage,
    headers: provider.headers,
    readLimit: provider.readLimit,
    idempotencyKey,
    clock
  })
  const report: ReportContext = {
    provider: provider.name,
    platform: provider.title,
    environment: inputs.environment,
    buildVersion: inputs.runId ? undefined : inputs.buildVersion,
    details: inputs.runId ? [] : (provider.startDetails?.(inputs) ?? []),
    notes: [],
    nextStep: provider.nextStep
  }
  const note = (line: string) => {
    core.warning(oneLine(line, 500))
    report.notes.push(line)
  }
  return { inputs, provider, ctx: { inputs, http, run: runContext, note }, report }
}

/** Asks the platform to stop a run, within the runner's cancel window. Never throws. */
async function cancelRemote(s: Setup, run: RunState): Promise<boolean> {
  if (!s.provider.cancel) {
    core.warning(`${s.provider.title} has no cancel call: run ${run.id} goes on there.`)
    return false
  }
  const refused = s.provider.refuseCancel?.(run)
  if (refused) {
    // The reason quotes the platform's last status word: one line, like all platform text in the log.
    core.warning(`Did not cancel run ${run.id} on ${s.provider.title}: ${oneLine(refused, 500)}`)
    return false
  }
  if (s.provider.cancelCaveat) core.info(s.provider.cancelCaveat)
  try {
    // The cancel has its own budget; the wait's deadline, which has passed by now, does not apply.
    s.ctx.http.setDeadline(Infinity)
    await s.provider.cancel(s.ctx, run, AbortSignal.timeout(CANCEL_TIMEOUT_MS))
    core.saveState(STATE.cancelSent, 'true')
    core.info(`Cancelled run ${run.id} on ${s.provider.title}.`)
    return true
  } catch (e) {
    const why =
      e instanceof PlatformError && e.info.kind === 'timeout'
        ? `no answer within ${CANCEL_TIMEOUT_MS / 1000} s; it may still be cancelled, check ${s.provider.runsPage}.`
        : e instanceof PlatformError
          ? e.message
          : oneLine(redact(String(e), [s.inputs.token]))
    core.warning(`Could not cancel run ${run.id} on ${s.provider.title}: ${why}`)
    return false
  }
}

/**
 * The per-test results of a run that ended, when they are worth reading: it did not pass (to list
 * the failures), or a JUnit file was asked for. A failure here is a warning, never the step's.
 */
async function readTestResults(s: Setup, run: RunState, signal: AbortSignal): Promise<TestResult[] | undefined> {
  if (!s.provider.testResults || !isTerminal(run) || (run.status === 'passed' && !s.inputs.junitPath)) return undefined
  try {
    return await s.provider.testResults(s.ctx, run, signal)
  } catch (e) {
    core.warning(`Could not read the per-test results: ${e instanceof PlatformError ? e.message : oneLine(redact(String(e), [s.inputs.token]))}`)
    return undefined
  }
}

function writeJUnit(path: string, xml: string, count: number): void {
  try {
    mkdirSync(dirname(path), { recursive: true })
    writeFileSync(path, xml)
    core.info(`Wrote the results of ${count} tests as JUnit XML to ${path}.`)
  } catch (e) {
    core.warning(`Could not write the JUnit file ${path}: ${oneLine((e as Error).message)}`)
  }
}

function runLabel(run: RunState): string {
  return `${run.name ? `${oneLine(run.name, 120)} ` : ''}(id ${run.id})`
}

/** Turns the final state into the step's result: annotations and the exit code. */
function conclude(s: Setup, run: RunState, cancelled: boolean): void {
  const where = `${s.provider.title} run ${runLabel(run)}${run.url ? ` ${run.url}` : ''}`
  const c = run.counts
  const tally = c.failed !== undefined ? `: ${c.failed} of ${c.total ?? '?'} tests failed` : ''
  switch (run.status) {
    case 'triggered':
    case 'queued':
    case 'running':
      core.notice(`Started ${where}`)
      return
    case 'passed':
      if (c.total === 0) core.warning(`${where} passed with no tests run: check the test plan or suite selects tests.`)
      core.notice(`Tests passed: ${where}`)
      return
    case 'failed':
      if (s.inputs.failOnTestFailure) core.setFailed(`Tests failed${tally} (${oneLine(run.providerStatus)}): ${where}`)
      else core.warning(`Tests failed${tally} (${oneLine(run.providerStatus)}): ${where}. Not failing the step: failOnTestFailure is false.`)
      return
    case 'cancelled':
      core.setFailed(`The run was cancelled on ${s.provider.title} (${oneLine(run.providerStatus)}): ${where}`)
      return
    case 'error':
      core.setFailed(
        `The run ended in an error on ${s.provider.title} (${oneLine(run.providerStatus)})${run.message ? `: ${oneLine(run.message, 200)}` : ''}. ${where}`
      )
      return
    case 'timed_out':
      core.setFailed(
        `Stopped waiting after ${formatDuration(Math.round(s.inputs.timeoutMinutes * 60))}: ${where} was still ${oneLine(run.providerStatus)}. ` +
          (cancelled
            ? 'It was cancelled on the platform.'
            : s.inputs.cancelOnAbort
              ? 'It was not cancelled (see the warning above), so it goes on there.'
              : 'It goes on there; raise `timeoutMinutes` to wait longer, or set `cancelOnAbort: true` to stop it.')
      )
  }
}

/** Attaches to the run in `runId`, or starts one. */
async function openRun(s: Setup, signal: AbortSignal): Promise<RunState> {
  const { inputs, provider, ctx } = s
  if (inputs.runId) {
    const runId = inputs.runId
    core.info(`Attaching to ${provider.title} run ${runId}…`)
    return provider.status!(ctx, runId, signal).catch((e: unknown) => {
      if (!(e instanceof PlatformError) || e.info.status !== 404) throw e
      const where = provider.runScope ? ` under ${provider.runScope}` : ''
      throw new PlatformError({
        ...e.info,
        hint: `there is no run ${runId}${where} that this token can see: check \`runId\` comes from the step that started the run (its \`runId\` output), with the same account${where ? ' and job' : ''}.`
      })
    })
  }
  core.info(`Starting a test run on ${provider.title}…`)
  for (const d of s.report.details) core.info(`${d.label}: ${oneLine(d.value)}`)
  const { run } = await startRun(provider, ctx, (l) => core.warning(l))
  core.saveState(STATE.runId, run.id)
  core.info(`Created run ${runLabel(run)}${run.counts.total !== undefined ? ` with ${run.counts.total} tests` : ''}.`)
  if (run.url) core.info(`Open it: ${run.url}`)
  if (run.message) core.info(`${provider.title} said: ${oneLine(run.message)}`)
  return run
}

/** Follows the run to its end (or the deadline), then reports it: summary, failed tests, JUnit, verdict. */
async function follow(s: Setup, first: RunState, clock: Clock, signal: AbortSignal, onState: (st: RunState) => void): Promise<void> {
  const { inputs, provider, ctx } = s
  // No retry may wait past the deadline: a long rate limit then fails instead.
  ctx.http.setDeadline(clock.now() + inputs.timeoutMinutes * 60_000)
  const final = await waitForRun(first, {
    provider,
    ctx,
    clock,
    timeoutMs: inputs.timeoutMinutes * 60_000,
    schedule: { ...DEFAULT_SCHEDULE, fixedMs: inputs.pollIntervalSeconds !== undefined ? inputs.pollIntervalSeconds * 1000 : undefined },
    signal,
    justCreated: !inputs.runId,
    log: (l) => core.info(l),
    warn: (l) => core.warning(l),
    onState: (st) => {
      onState(st)
      setOutputs(provider.name, st)
    }
  })
  onState(final)
  const cancelled = final.status === 'timed_out' && inputs.cancelOnAbort && (await cancelRemote(s, final))
  const tests = await readTestResults(s, final, signal)
  core.info(`Final: ${progressLine(final)}`)
  setOutputs(provider.name, final)
  const timeoutNote = cancelled
    ? 'This step stopped waiting at the timeout and cancelled the run on the platform.'
    : 'This step stopped waiting at the timeout; the run goes on on the platform. Open it to see how it ends.'
  buildRunSummary(s.report, final, final.status === 'timed_out' ? timeoutNote : undefined)
  if (tests) buildFailedTests(tests)
  await writeSummary()
  if (tests) {
    annotateFailedTests(provider.title, tests, final.status === 'failed' && !inputs.failOnTestFailure ? 'warning' : 'error')
    if (inputs.junitPath) writeJUnit(inputs.junitPath, toJUnitXml(provider.title, final, tests), tests.length)
  }
  conclude(s, final, cancelled)
}

/** The workflow was cancelled while the step waited: cancel the run if asked, report, fail. */
async function stopped(s: Setup, last: RunState): Promise<void> {
  const { inputs, provider } = s
  const cancelled = inputs.cancelOnAbort ? await cancelRemote(s, last) : false
  setOutputs(provider.name, { ...last, status: 'cancelled' })
  buildRunSummary(
    s.report,
    { ...last, status: 'cancelled' },
    `The workflow was cancelled while this step waited. ${cancelled ? 'The run was cancelled on the platform too.' : 'The run goes on on the platform.'}`
  )
  await writeSummary()
  core.saveState(STATE.done, 'true')
  const fate = cancelled ? 'cancelled it on the platform.' : inputs.cancelOnAbort ? 'it could not be cancelled and goes on there.' : 'it goes on there (cancelOnAbort is false).'
  core.setFailed(`The workflow was cancelled while waiting for ${provider.title} run ${runLabel(last)}: ${fate}`)
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

  let current: RunState | undefined
  try {
    current = await openRun(s, stop.signal)
    if (inputs.wait || inputs.runId !== undefined) {
      setOutputs(provider.name, current)
      await follow(s, current, clock, stop.signal, (st) => (current = st))
    } else {
      current = { ...current, status: 'triggered' }
      setOutputs(provider.name, current)
      buildRunSummary(report, current)
      await writeSummary()
      conclude(s, current, false)
    }
    core.saveState(STATE.done, 'true')
  } catch (e) {
    if (e instanceof WaitAborted || (stop.signal.aborted && current)) {
      await stopped(s, e instanceof WaitAborted ? e.last : current!)
    } else if (e instanceof WaitFailed) {
      setOutputs(provider.name, { ...e.last, status: 'error' })
      buildErrorSummary(report, e.cause, e.last)
      await writeSummary()
      core.setFailed(e.message)
    } else if (e instanceof PlatformError) {
      buildErrorSummary(report, e, current)
      await writeSummary()
      core.setFailed(e.message)
    } else {
      // A bug of ours: say so plainly, without a stack trace and without any secret.
      const message = e instanceof Error ? e.message : String(e)
      core.setFailed(`Unexpected error in the action: ${oneLine(redact(message, [inputs.token]), 500)}. Please report it.`)
    }
  } finally {
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
  }
}

/**
 * The post step (post-if: cancelled()): when the main step was stopped before it could cancel
 * the remote run, cancel it now. Idempotent, and never fails the job.
 */
export async function post(clock: Clock = realClock): Promise<void> {
  const runId = core.getState(STATE.runId)
  if (!runId || core.getState(STATE.done) === 'true' || core.getState(STATE.cancelSent) === 'true') return
  const s = setUp(clock)
  if (!s || !s.inputs.cancelOnAbort) return
  core.info(`The workflow was cancelled before the main step finished: cancelling ${s.provider.title} run ${runId}.`)
  // What the run is doing now decides whether a cancel is needed, and whether it is safe (Gearset).
  let run: RunState = { id: runId, status: 'running', providerStatus: '', counts: {} }
  try {
    if (s.provider.status) run = await s.provider.status(s.ctx, runId, AbortSignal.timeout(CANCEL_TIMEOUT_MS))
  } catch (e) {
    core.info(`Could not read run ${runId} before cancelling it (${e instanceof PlatformError ? whatFailed(e.info) : 'unexpected error'}).`)
  }
  if (isTerminal(run)) core.info(`Run ${runId} has already ended (${oneLine(run.providerStatus)}): nothing to cancel.`)
  else await cancelRemote(s, run)
  process.exitCode = 0
}

/** Entry point: the main step, or the post step when the main step left its mark. */
export async function start(): Promise<void> {
  // Mask the token before anything else can print.
  const token = core.getInput('token')
  if (token) core.setSecret(token)
  if (core.getState(STATE.isPost) === 'true') await post()
  else {
    core.saveState(STATE.isPost, 'true')
    await run()
  }
  // Pending sockets of abandoned requests must not hold the step open.
  process.exit()
}
