// The common run model: the only things that cross from a platform's wire format into waiting and
// reporting. It imports nothing: inputs, providers, wait and report all import it.

export const PROVIDER_NAMES = ['evaficy', 'testsigma', 'testery', 'gearset'] as const
export type ProviderName = (typeof PROVIDER_NAMES)[number]

/** `triggered`: started and not followed (Evaficy, or wait: false). `timed_out`: our deadline passed. */
export type RunStatus = 'triggered' | 'queued' | 'running' | 'passed' | 'failed' | 'cancelled' | 'error' | 'timed_out'

export const TERMINAL_STATUSES: readonly RunStatus[] = ['passed', 'failed', 'cancelled', 'error']

export interface RunCounts {
  total?: number
  passed?: number
  failed?: number
  skipped?: number
}

export interface RunState {
  id: string
  name?: string
  url?: string
  status: RunStatus
  /** The platform's own status word(s), as it spelled them. */
  providerStatus: string
  counts: RunCounts
  startedAt?: Date
  endedAt?: Date
  /** A human-readable line from the platform (e.g. Evaficy's confirmation). */
  message?: string
  /** Set when the platform returned a status word we do not know (not terminal). */
  unknownWord?: string
  /**
   * Other IDs the platform gives the run, under the names the `result` output uses (Gearset:
   * `ciRunId`, the CI run its External Testing API takes, docs/platforms.md point 20).
   */
  refs?: Record<string, string>
  /** With re-runs of failed tests: how many tests failed and then passed on a re-run. */
  flaky?: number
}

/** One test of a finished run, as the platform reports it. */
export interface TestResult {
  name: string
  suite?: string
  status: 'passed' | 'failed' | 'skipped'
  durationMs?: number
  /** The failure's message, as the platform gives it. */
  error?: string
  url?: string
  /** The test's source file in the tests' repository, where the platform names one (Testery). */
  file?: string
  /** Its failed attempts before this one, oldest first, each with its error where given (a re-run's test). */
  earlierFailures?: { error?: string }[]
}

/** A run found on the platform, with the fields that tell whether this step started it. */
export interface RunCandidate {
  state: RunState
  /**
   * How the run was started, as the listing shows it, under the names of `StartIdentity.shown`
   * (plan, project, environment, build, ref, …); undefined where this run's entry does not say.
   */
  echoed: Record<string, string | undefined>
  /** When the platform created it, on the platform's clock. */
  createdAt?: Date
}

/** A platform's latest runs, and how far its clock is from ours. */
export interface RunListing {
  runs: RunCandidate[]
  /** The platform's clock minus ours, ms, from the listing answer's Date header (absent: not sent). */
  clockOffsetMs?: number
}

/** What a start request set that tells its run from a neighbour's (another leg, project or plan). */
export interface StartIdentity {
  /** Fields the listing echoes, by name, with the value this step sent. */
  shown: Record<string, string>
  /** Inputs this step set that the listing cannot show: while any is set, nothing is adopted. */
  unseen: string[]
}

/** A line of the job summary's run table that says how the run was started (e.g. which test code). */
export interface StartDetail {
  label: string
  value: string
}
