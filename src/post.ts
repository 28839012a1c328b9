// The post step: the cancel a main step owes, tried again within its own budget.
import * as core from '@actions/core'
import { cancelRemote, CANCEL_TIMEOUT_MS, type CancelOutcome } from './cancel.js'
import { realClock, type Clock } from './clock.js'
import { PlatformError, whatFailed } from './errors.js'
import type { RunState } from './model.js'
import { forRun, setUp, type Setup } from './setup.js'
import { MAX_RUNS } from './inputs.js'
import type { Registry } from './providers/index.js'
import { stepState } from './step-state.js'
import { oneLine } from './text.js'
import { isTerminal } from './wait.js'

// The post step's own budget for reading the run and cancelling it, retries included.
const POST_BUDGET_MS = 20_000

/**
 * The post step (post-if: failure() || cancelled()): cancels the remote run when the main step
 * owes a cancel: the workflow was cancelled before the main step could, or the main step's cancel
 * failed or got no answer. Reads the run first (an ended run needs nothing; Gearset's cancel is
 * safe only while our run is Started), and tries again within its own budget. Never fails the job.
 */
export async function post(clock: Clock = realClock, registry?: Registry): Promise<void> {
  try {
    await retryCancel(clock, registry)
  } finally {
    // The post step never fails the job: what it could not do is a warning.
    process.exitCode = 0
  }
}

async function retryCancel(clock: Clock, registry?: Registry): Promise<void> {
  // Each run the main step saved (one, or each of several: README, One gate over several runs) that
  // it did not see to its end, or owes a cancel.
  const owing = Array.from({ length: MAX_RUNS }, (_, i) => i).filter(
    (i) => stepState.runId(i) && !stepState.cancelSent(i) && (!stepState.done() || stepState.cancelOwed(i))
  )
  if (owing.length === 0) return
  const s = setUp(clock, 'post', registry)
  if (!s || !s.inputs.cancelOnAbort) return
  const until = clock.now() + POST_BUDGET_MS
  // Every run this post step stops is the step's own, so a stop reaching one of them harms nobody.
  const ours = new Set(owing.map((i) => stepState.runId(i)))
  // The runs share the post step's budget: their cancels go out together.
  await Promise.all(
    owing
      .filter((i) => i < s.inputs.runs.length)
      .map((i) => {
        if (s.inputs.runs.length === 1) return retryOne(s, clock, until)
        const view = forRun(s, i)
        view.ctx.ownRuns = ours
        return retryOne(view, clock, until)
      })
  )
}

async function retryOne(s: Setup, clock: Clock, until: number): Promise<void> {
  const runId = stepState.runId(s.index)
  core.info(
    stepState.cancelOwed(s.index)
      ? `The main step could not confirm the cancel of ${s.provider.title} run ${runId}: trying again.`
      : `The workflow was cancelled before the main step finished: cancelling ${s.provider.title} run ${runId}.`
  )
  let last: CancelOutcome | undefined
  for (let attempt = 1; attempt <= 3; attempt++) {
    const left = () => until - clock.now()
    const run = await readForCancel(s, runId, Math.min(CANCEL_TIMEOUT_MS, left()))
    if (isTerminal(run)) {
      core.info(`Run ${runId} has ended (${oneLine(run.providerStatus)}): nothing to cancel.`)
      stepState.oweCancel(false, s.index)
      return
    }
    if (left() < 1000) break
    last = await cancelRemote(s, run, Math.min(CANCEL_TIMEOUT_MS, left()))
    // No wait after the last try, nor one the budget cannot follow with a try: the warning says it.
    if (last.done || !last.owed || attempt === 3 || left() < 2000) break
    core.info(`${last.why} Trying again in ${attempt} s.`)
    await clock.sleep(1000 * attempt)
  }
  if (last && !last.done)
    core.warning(
      last.owed
        ? `${last.why} Gave up after ${Math.round((clock.now() - (until - POST_BUDGET_MS)) / 1000)} s: check ${s.provider.runsPage}.`
        : last.why
    )
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
