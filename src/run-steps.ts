// The steps every run goes through, in a step of one run (main.ts) and of several (batch.ts): its
// start or attach, the wait's options, and the reading of its per-test results.
import * as core from '@actions/core'
import { annotate } from './annotations.js'
import { PlatformError } from './errors.js'
import { budgeted, type Clock } from './clock.js'
import { runLabel } from './verdict.js'
import type { RunState, TestResult } from './model.js'
import type { Setup } from './setup.js'
import { stepState } from './step-state.js'
import { startRun } from './trigger.js'
import { oneLine, redact } from './text.js'
import { DEFAULT_SCHEDULE } from './schedule.js'
import { isTerminal, otherRun, type WaitOptions } from './wait.js'

// Reads that only decorate the report (per-test results) end by the deadline, or this long after
// it when the run ended at the last moment: the verdict is never held up longer.
const REPORT_GRACE_MS = 10_000

/**
 * The per-test results of a run that ended, when they are worth reading: it did not pass (to list
 * the failures), or a JUnit file was asked for. A failure here is a warning, never the step's.
 */
export async function readTestResults(
  s: Setup,
  run: RunState,
  clock: Clock,
  signal: AbortSignal,
  /** Read them whatever the run's end (a re-run: its passes are what it is for). */
  always = false
): Promise<TestResult[] | undefined> {
  if (!s.provider.testResults || !isTerminal(run) || (run.status === 'passed' && !s.inputs.junitPath && !always)) return undefined
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
export async function openRun(s: Setup, signal: AbortSignal): Promise<RunState> {
  const { inputs, provider, ctx } = s
  if (inputs.runId) {
    const runId = inputs.runId
    s.log(`Attaching to ${provider.title} run ${runId}…`)
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
    stepState.setRunId(runId, s.index)
    return found
  }
  s.log(`Starting a test run on ${provider.title}…`)
  for (const d of s.report.details) s.log(`${d.label}: ${oneLine(d.value)}`)
  const { run } = await startRun(provider, ctx, (l) => annotate('warning', `${s.tag}${l}`), signal)
  stepState.setRunId(run.id, s.index)
  s.log(`Created run ${runLabel(run)}${run.counts.total !== undefined ? ` with ${run.counts.total} tests` : ''}.`)
  if (run.url) s.log(`Open it: ${run.url}`)
  if (run.message) s.log(`${provider.title} said: ${oneLine(run.message)}`)
  // Pending only for a run this step follows to its verdict (docs/reliability.md, "GitHub").
  if (inputs.wait) await s.github?.status(run, signal)
  return run
}

/** How the wait follows a run of this step: the schedule, the deadline, the log. */
export function waitOptions(s: Setup, clock: Clock, signal: AbortSignal): WaitOptions {
  const { inputs, provider, ctx } = s
  return {
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
    log: s.log,
    warn: (l) => annotate('warning', `${s.tag}${l}`),
    debug: (l) => core.debug(l)
  }
}
