// Starting a run exactly once. The HTTP client re-sends a trigger only when it provably did not
// arrive; after an ambiguous failure (reset after sending, timeout, 5xx, unreadable answer) this
// module looks for the run the request may have started and adopts it, rather than sending again.
import { mayHaveTakenEffect } from './retry-policy.js'
import { PlatformError, whatFailed } from './errors.js'
import type { Provider, ProviderContext } from './providers/types.js'
import type { RunCandidate, RunListing, RunState, StartIdentity } from './model.js'

// How early a run's creation time may read against the moment the request was sent, once the
// platform's clock is known from its Date header: both are stamped to the second, and the answer
// took some time to arrive. Without a Date header the clocks are taken as synced, a little looser.
const SLACK_MS = 2000
const SLACK_WITHOUT_DATE_MS = 5000

export interface Started {
  run: RunState
  /** The trigger failed ambiguously and the run it started was found on the platform. */
  adopted: boolean
}

/**
 * The runs this step's request could have created (docs/reliability.md, "Neighbours"): every field
 * the step sent that the listing shows is the same, and the run was created after the request
 * was sent, on the platform's clock. A run whose entry does not show a field is not taken.
 */
export function ownRuns(listing: RunListing, identity: StartIdentity, sentAtEpochMs: number): RunCandidate[] {
  const offset = listing.clockOffsetMs
  const earliest = sentAtEpochMs + (offset ?? 0) - (offset === undefined ? SLACK_WITHOUT_DATE_MS : SLACK_MS)
  return listing.runs.filter(
    (c) =>
      Object.entries(identity.shown).every(([field, sent]) => same(field, c.echoed[field], sent)) &&
      c.createdAt !== undefined &&
      c.createdAt.getTime() >= earliest
  )
}

function same(field: string, echoed: string | undefined, sent: string): boolean {
  if (echoed === undefined) return false
  // A full SHA and an abbreviation of it name the same commit.
  if (field === 'ref') {
    const [x, y] = [echoed.toLowerCase(), sent.toLowerCase()]
    return x.startsWith(y) || y.startsWith(x)
  }
  return echoed === sent
}

/** The step's run in words: "build 812 in environment 10" (what the reader would look for). */
function described(identity: StartIdentity): string {
  return Object.entries(identity.shown)
    .map(([field, value]) => `${field} ${value}`)
    .join(', ')
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
    if (e instanceof PlatformError && e.info.platformMessage && provider.busyMessage?.test(e.info.platformMessage)) {
      // The platform refused the start because the plan is running already: named as that, whatever its status code.
      throw withHint(
        e,
        `${provider.title} says this is already running, so it started no new run: wait for the running one to end (see ${provider.runsPage}) or stop it there, then run the job again.`
      )
    }
    if (!(e instanceof PlatformError) || !mayHaveTakenEffect(e.info) || !provider.recentRuns) throw e
    const identity = provider.startIdentity?.(ctx.inputs) ?? { shown: {}, unseen: [] }
    if (identity.unseen.length > 0) {
      // A run this step started cannot be told from a neighbour's by what the listing shows.
      throw withHint(
        e,
        `the request reached ${provider.title}, so a run may have started; ${provider.title}'s run listing does not show ${identity.unseen.join(', ')}, so it cannot tell this step's run from another job's: look at ${provider.runsPage} before running the job again, and follow the right run with \`runId\`.`
      )
    }
    log(
      `${provider.title}: the trigger request failed after reaching the platform (${whatFailed(e.info)}); looking for the run it may have started, instead of sending it again.`
    )
    let mine: RunCandidate[]
    try {
      mine = ownRuns(await provider.recentRuns(ctx, signal), identity, sentAt)
    } catch (listError) {
      const why = listError instanceof PlatformError ? whatFailed(listError.info) : 'an unexpected error'
      throw withHint(
        e,
        `the request reached ${provider.title}, so a run may have started, and listing the runs to check failed (${why}): look at ${provider.runsPage} before running the job again.`
      )
    }
    const what = described(identity)
    if (mine.length === 1) {
      log(`Found run ${mine[0].state.id} (${what}), created after this step's request: following it.`)
      return { run: mine[0].state, adopted: true }
    }
    if (mine.length === 0) {
      throw withHint(
        e,
        `no run with ${what} was created on ${provider.title} after the request, so the request most likely did nothing; one may still appear: look at ${provider.runsPage} before running the job again.`
      )
    }
    throw withHint(
      e,
      `${mine.length} runs with ${what} were created on ${provider.title} since the request (ids ${mine.map((m) => m.state.id).join(', ')}): look at ${provider.runsPage} and follow the right one with \`runId\`.`
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
