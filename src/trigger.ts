// Starting a run exactly once. The HTTP client re-sends a trigger only when it provably did not
// arrive; after an ambiguous failure (reset after sending, timeout, 5xx, unreadable answer) this
// module looks for the run the request may have started and adopts it, rather than sending again.
import { mayHaveTakenEffect } from './retry-policy.js'
import { PlatformError, whatFailed } from './errors.js'
import type { Provider, ProviderContext } from './providers/types.js'
import type { RunCandidate, RunState } from './model.js'

// Platform clocks and ours differ, and the trigger itself may take a minute: a run created up to
// this long before we sent the request can still be ours.
const CLOCK_SKEW_MS = 120_000

export interface Started {
  run: RunState
  /** The trigger failed ambiguously and the run it started was found on the platform. */
  adopted: boolean
}

/**
 * The candidates that this step's request could have created: same build, created since it was
 * sent, and, where the step chose a commit (`gitRef`) and the platform records one, that commit.
 */
export function ownRuns(candidates: RunCandidate[], ctx: ProviderContext, sentAtEpochMs: number): RunCandidate[] {
  return candidates.filter(
    (c) =>
      c.build === ctx.inputs.buildVersion &&
      (c.ref === undefined || ctx.inputs.gitRef === undefined || sameCommit(c.ref, ctx.inputs.gitRef)) &&
      c.createdAt !== undefined &&
      c.createdAt.getTime() >= sentAtEpochMs - CLOCK_SKEW_MS
  )
}

/** A full SHA and an abbreviation of it name the same commit. */
function sameCommit(a: string, b: string): boolean {
  const [x, y] = [a.toLowerCase(), b.toLowerCase()]
  return x.startsWith(y) || y.startsWith(x)
}

export async function startRun(
  provider: Provider,
  ctx: ProviderContext,
  log: (line: string) => void,
  signal?: AbortSignal,
  nowEpochMs = Date.now
): Promise<Started> {
  const sentAt = nowEpochMs()
  try {
    return { run: await provider.trigger(ctx, signal), adopted: false }
  } catch (e) {
    if (e instanceof PlatformError && signal?.aborted) throw cancelledWhileStarting(provider, e)
    if (!(e instanceof PlatformError) || !mayHaveTakenEffect(e.info) || !provider.recentRuns) throw e
    log(
      `${provider.title}: the trigger request failed after reaching the platform (${whatFailed(e.info)}); looking for the run it may have started, instead of sending it again.`
    )
    let mine: RunCandidate[]
    try {
      mine = ownRuns(await provider.recentRuns(ctx, signal), ctx, sentAt)
    } catch (listError) {
      const why = listError instanceof PlatformError ? whatFailed(listError.info) : 'an unexpected error'
      throw withHint(
        e,
        `the request reached ${provider.title}, so a run may have started, and listing the runs to check failed (${why}): look at ${provider.runsPage} before running the job again.`
      )
    }
    if (mine.length === 1) {
      log(`Found run ${mine[0].state.id} for build ${ctx.inputs.buildVersion}, created by this step's request: following it.`)
      return { run: mine[0].state, adopted: true }
    }
    if (mine.length === 0) {
      throw withHint(
        e,
        `no run for build ${ctx.inputs.buildVersion} appeared on ${provider.title}, so the request most likely did nothing; one may still appear: look at ${provider.runsPage} before running the job again.`
      )
    }
    throw withHint(
      e,
      `${mine.length} runs for build ${ctx.inputs.buildVersion} were created on ${provider.title} since the request (ids ${mine.map((m) => m.state.id).join(', ')}): look at ${provider.runsPage} and follow the right one with \`runId\`.`
    )
  }
}

/**
 * The workflow was cancelled while the step was starting the run. Only a write that was in
 * flight can have started one; the reader is told which it was, and where to look.
 */
function cancelledWhileStarting(provider: Provider, e: PlatformError): PlatformError {
  const wrote = e.info.method !== undefined && e.info.method !== 'GET'
  return withHint(
    e,
    wrote && e.info.reached
      ? `the workflow was cancelled while the start request was in flight, so a run may have started: look at ${provider.runsPage}, and stop it there if it is not wanted.`
      : `the workflow was cancelled before the start request was sent: no run was started on ${provider.title}.`
  )
}

function withHint(e: PlatformError, hint: string): PlatformError {
  return new PlatformError({ ...e.info, hint })
}
