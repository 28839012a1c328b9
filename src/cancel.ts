// Stopping a run on the platform: when the step times out, when the workflow is cancelled, and in
// the post step. Never throws: what happened comes back as an outcome (docs/reliability.md, "Stops").
import * as core from '@actions/core'
import { annotate } from './annotations.js'
import { PlatformError, whatFailed } from './errors.js'
import type { RunState } from './model.js'
import type { ProviderContext } from './providers/types.js'
import type { Setup } from './setup.js'
import { stepState } from './step-state.js'
import { oneLine, redact } from './text.js'
import { isTerminal } from './wait.js'

// The runner sends SIGINT, then SIGTERM 7.5 s later, then kills: a cancel call must fit in that.
export const CANCEL_TIMEOUT_MS = 5000

export type CancelOutcome = { done: true } | { done: false; owed: boolean; why: string }

/**
 * Asks the platform to stop a run, within `budgetMs`. Never throws. Only a confirmed cancel (a 2xx
 * answer) counts as done; one that failed or got no answer is owed, and the post step tries again.
 */
export async function cancelRemote(s: Setup, run: RunState, budgetMs = CANCEL_TIMEOUT_MS): Promise<CancelOutcome> {
  if (!s.provider.cancel) return { done: false, owed: false, why: `${s.provider.title} has no cancel call: run ${run.id} goes on there.` }
  const refused = s.provider.refuseCancel?.(run)
  // The reason quotes the platform's last status word: one line, like all platform text in the log.
  if (refused) return { done: false, owed: false, why: `Did not cancel run ${run.id} on ${s.provider.title}: ${oneLine(refused, 500)}` }
  stepState.oweCancel(true, s.index)
  const started = Date.now()
  const left = () => budgetMs - (Date.now() - started)
  // The cancel has its own budget; the wait's deadline, which has passed by now, does not apply.
  const ctx = { ...s.ctx, http: s.ctx.http.until(Infinity) }
  if (s.provider.otherRunsAtRisk) {
    // A stop that can reach another run is sent only while ours is the only one (docs/reliability.md, "Stops").
    try {
      const risk = await s.provider.otherRunsAtRisk(ctx, run, AbortSignal.timeout(Math.max(left(), 1)))
      if (risk) {
        // Not owed: the post step would find the same other run.
        stepState.oweCancel(false, s.index)
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
    await s.provider.cancel(ctx, run, AbortSignal.timeout(Math.max(left(), 1)))
    stepState.markCancelSent(s.index)
    stepState.oweCancel(false, s.index)
    core.info(`Cancelled run ${run.id} on ${s.provider.title}.`)
    await confirmStopped(s, ctx, run.id, left())
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
    if (definite) stepState.oweCancel(false, s.index)
    // A sentence, so the line after it ("The post step … tries again.") reads as its own.
    const said = /[.!?]$/.test(why) ? why : `${why}.`
    return { done: false, owed: !definite, why: `Could not cancel run ${run.id} on ${s.provider.title}: ${said}` }
  }
}

/** Reads the run once more after a stop and says whether it stopped; a read that fails says so too. */
async function confirmStopped(s: Setup, ctx: ProviderContext, runId: string, budgetMs: number): Promise<void> {
  if (!s.provider.status || budgetMs < 200) return
  try {
    const after = await s.provider.status(ctx, runId, AbortSignal.timeout(budgetMs))
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
export async function cancelNow(s: Setup, run: RunState): Promise<boolean> {
  const outcome = await cancelRemote(s, run)
  if (outcome.done) return true
  annotate('warning', outcome.owed ? `${outcome.why} The post step of this action tries again.` : outcome.why)
  return false
}
