// The Provider interface: what a platform's translation offers to starting, waiting and reporting.
import type { HttpApi } from '../http.js'
import type { ReadLimit } from '../read-pacer.js'
import type { RateLimitHeaders } from '../retry-policy.js'
import type { InputRules, Inputs } from '../inputs.js'
import type { ProviderName, RunListing, RunState, RunStatus, StartDetail, StartIdentity, TestResult } from '../model.js'
import type { RunContext } from '../run-context.js'

export interface ProviderContext {
  inputs: Inputs
  http: HttpApi
  run: RunContext
  /** Something the reader should know about this run (a busy job, a choice made): a warning in the log and a line in the summary. */
  note(line: string): void
  /**
   * The runs of this step that it is stopping along with this one (a step of several runs): no
   * other reader's, so a stop that may reach one of them harms nobody (Testsigma's oldest-run stop).
   */
  ownRuns?: ReadonlySet<string>
}

export interface Provider {
  readonly name: ProviderName
  /** Its inputs: which it reads beyond the shared ones, and its own rules for them. */
  readonly inputRules: InputRules
  /** The platform's name as users know it. */
  readonly title: string
  /** The platform's public API origin (and path prefix), used when `baseUrl` is not given. */
  readonly defaultBaseUrl: string
  /**
   * The path the vendor's own documented base URL ends with, which every request path here starts
   * with: a `baseUrl` pasted from the vendor's docs is taken without it (docs/platforms.md point 18).
   */
  readonly apiPath?: string
  /**
   * The build is sent only when `buildVersion` is given, because the platform reads it as a choice
   * of test code, not a label (Testery's buildId, docs/platforms.md point 13).
   */
  readonly buildSelectsCode?: boolean
  /** The Authorization header value for a token. */
  authorization(token: string): string
  /** Start a run; the signal is the step's cancel signal, obeyed while the request is in flight. */
  trigger(ctx: ProviderContext, signal?: AbortSignal): Promise<RunState>
  /**
   * Start a re-run of only the failed tests of a run that ended (Testsigma); absent where the
   * platform documents none. Its answer is the new run, followed like the first.
   */
  rerunFailed?(ctx: ProviderContext, run: RunState, signal?: AbortSignal): Promise<RunState>
  /** Read a run's state; absent where the platform has no status API (Evaficy). */
  status?(ctx: ProviderContext, runId: string, signal?: AbortSignal): Promise<RunState>
  /** Ask the platform to stop a run; absent where it has no cancel call. */
  cancel?(ctx: ProviderContext, run: RunState, signal?: AbortSignal): Promise<void>
  /**
   * Why cancelling this run now could do harm, judged from its last state read (Gearset's cancel
   * stops the job's current run, which is ours only while ours is Started); undefined when it is safe.
   */
  refuseCancel?(run: RunState): string | undefined
  /**
   * Why a cancel could reach another run, judged from what the platform shows now (Testsigma's stop
   * ends the plan's oldest unfinished run, whichever it names): undefined when only ours is there.
   */
  otherRunsAtRisk?(ctx: ProviderContext, run: RunState, signal?: AbortSignal): Promise<string | undefined>
  /** The platform's message when it refuses a start because the plan is already running (Testsigma's 500). */
  readonly busyMessage?: RegExp
  /** Said in the log before every cancel call, when the call is not confirmed by the vendor. */
  readonly cancelCaveat?: string
  /** How the run is started, beyond the IDs (the log and the summary show it). */
  startDetails?(inputs: Inputs): StartDetail[]
  /**
   * The platform's latest runs of what this step starts, with what identifies them, so a run
   * that a failed trigger request may have started can be found (absent: the platform cannot list).
   */
  recentRuns?(ctx: ProviderContext, signal?: AbortSignal): Promise<RunListing>
  /** What this step's start request sets that the listing can and cannot show (with `recentRuns`). */
  startIdentity?(inputs: Inputs): StartIdentity
  /** Per-test results of a run, where the platform exposes them (Testsigma, Testery). */
  testResults?(ctx: ProviderContext, run: RunState, signal?: AbortSignal): Promise<TestResult[]>
  /** Extra headers every request carries (e.g. Gearset's api-version). */
  readonly headers?: Record<string, string>
  /** Reads the platform's own message from an error answer (its error-body shape). */
  readonly errorMessage: (body: unknown) => string | undefined
  /** The names of its rate-limit headers, where it documents its own; else the common ones are read. */
  readonly rateLimitHeaders?: RateLimitHeaders
  /** The shortest time between two status reads, ms (pollIntervalSeconds cannot go below it). */
  readonly pollFloorMs: number
  /** Its runs report no test counts while they go (Gearset): nothing predicts when one ends. */
  readonly noProgressCounts?: boolean
  /** Its status words and what each means; a word not in it is never an ending. */
  readonly statusWords: Readonly<Record<string, RunStatus>>
  /**
   * A documented limit on status reads, shared by every reader of the same job and enforced by the
   * HTTP client (Gearset: 5 per 5 s per job).
   */
  readonly readLimit?: ReadLimit
  /** The platform counts its rate limits per action: a pause it asks for holds only that action. */
  readonly limitsPerAction?: boolean
  /** Platform-specific hints for HTTP statuses, added to error messages. */
  readonly hints: Partial<Record<number, string>>
  /** Where a run ID lives besides the account, when it does (Gearset: under a CI job). */
  readonly runScope?: string
  /**
   * The origin of the platform's web app: the only place a run or test link may point (a link the
   * platform sends to anywhere else is dropped). Absent: the platform gives no links.
   */
  readonly webOrigin?: string
  /** Where a person sees the runs: "Test Runs in Evaficy Smart Test". */
  readonly runsPage: string
  /** What happens next after a run is triggered and not waited for (job summary). */
  readonly nextStep: string
}
