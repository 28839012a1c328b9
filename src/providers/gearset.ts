// Gearset Automation API (docs/platforms.md §4): a CI job run is started as a "run request" and read
// under its job. A job runs one run at a time; its cancel call stops the job's current run,
// whichever request started it. Partial is not a pass.
import * as z from 'zod/mini'
import { PlatformError } from '../errors.js'
import { isRetryable } from '../retry-policy.js'
import { ID_SHAPES } from '../inputs.js'
import { errorReader, fromWord, runIdSchema, segment, toDate } from './common.js'
import type { Provider, ProviderContext } from './types.js'
import type { RunState, RunStatus } from '../model.js'

const STATE: Record<string, RunStatus> = {
  Pending: 'queued',
  Started: 'running',
  Succeeded: 'passed',
  Failed: 'failed',
  Partial: 'failed',
  // Gearset's own CI webhooks say Error; its unit-test runs also end Cancelled (docs/platforms.md point 10).
  Error: 'error',
  Cancelled: 'cancelled'
}

export const RunRequest = z.object({ RunRequestId: runIdSchema })
export const RunRequestStatus = z.object({
  State: z.nullish(z.string()),
  RunId: z.nullish(z.string()),
  StartDateTime: z.nullish(z.string()),
  EndDateTime: z.nullish(z.string())
})
export const JobStatus = z.object({ State: z.nullish(z.string()) })

const JOB_STATUS_READ_MS = 10_000

const jobPath = (jobId: string | undefined) => `/public/automation/continuous-integration-jobs/${segment(jobId ?? '')}`

export function gearsetState(id: string, r: z.infer<typeof RunRequestStatus>): RunState {
  // The CI run's own ID, once it started: kept only when it is a plain ID.
  const ciRunId = z.safeParse(runIdSchema, r.RunId)
  return {
    id,
    ...(ciRunId.success && { refs: { ciRunId: ciRunId.data } }),
    ...fromWord(STATE, r.State),
    providerStatus: r.State ?? '',
    counts: {},
    startedAt: toDate(r.StartDateTime),
    endedAt: toDate(r.EndDateTime)
  }
}

// Documented: 5 status reads per 5 s, per job and per action, for every reader (docs/platforms.md point 11).
const READ_LIMIT = { count: 5, perMs: 5000 }

/**
 * Reads the job's state before starting, as every independent client does (docs/platforms.md point 9):
 * a busy job makes the new request wait behind another run, which the reader should know. A job
 * that does not exist, or a token that is refused, ends the step here, before anything is started.
 */
async function checkJob({ inputs, http, note }: ProviderContext, signal?: AbortSignal): Promise<void> {
  try {
    const { data } = await http.request(
      {
        method: 'GET',
        path: `${jobPath(inputs.scenarioId)}/status`,
        template: '/public/automation/continuous-integration-jobs/{jobId}/status',
        schema: JobStatus,
        action: 'read the CI job status',
        // A note for the reader, and a check of the IDs: it must not hold up the start for long, and
        // a refused read (other readers of the job share its limit) is not sent again.
        timeoutMs: JOB_STATUS_READ_MS,
        attempts: 1
      },
      signal
    )
    if (data.State === 'Running') {
      note(`The Gearset CI job ${inputs.scenarioId} is already running another run: this run request waits (Pending) until that run ends.`)
    }
  } catch (e) {
    if (!(e instanceof PlatformError) || !isRetryable('GET', e.info) || signal?.aborted) throw e
    const shared =
      e.info.status === 429
        ? ` Gearset allows ${READ_LIMIT.count} status reads per ${READ_LIMIT.perMs / 1000} s per job, for every workflow reading it: other workflows are probably reading this job too, so this step reads it less often.`
        : ''
    note(
      `Could not read the Gearset CI job status before starting (${e.info.status !== undefined ? `HTTP ${e.info.status}` : e.info.kind}); starting the run request anyway.${shared}`
    )
  }
}

export const gearset: Provider = {
  name: 'gearset',
  title: 'Gearset',
  // { Error: { Code, Message } } as documented; { Message } from its gateway; { message } from proxies.
  errorMessage: errorReader('ErrorMessage', 'Message', 'message'),
  statusWords: STATE,
  // Its answers carry X-Rate-Limit-Remaining / -Reset (docs/platforms.md §4.5).
  rateLimitHeaders: { remaining: 'x-rate-limit-remaining', reset: 'x-rate-limit-reset' },
  // 5 status reads per 5 s per job: one a second, and the read limit below holds the rest.
  pollFloorMs: 1000,
  noProgressCounts: true,
  // Its run links are not documented: the run request ID names the run.
  webOrigin: undefined,
  inputRules: {
    uses: ['gitRef'],
    check(p, c) {
      if (c.need('scenarioId', p.scenarioId, 'the CI job ID ("Copy job ID" on the CI dashboard)'))
        c.shape('scenarioId', p.scenarioId, ID_SHAPES.safeId, 'the Gearset CI job ID ("Copy job ID" on the CI dashboard)')
    }
  },
  defaultBaseUrl: 'https://api.gearset.com',
  apiPath: '/public/automation',
  authorization: (token) => `token ${token}`,
  headers: { 'api-version': '1' },
  readLimit: READ_LIMIT,
  // "per team, per job, per action": a refused status read does not hold a start or a cancel.
  limitsPerAction: true,
  hints: {
    401: 'the access token was not accepted (tokens expire): create a new one under My account > Access token management in Gearset and update the secret. A team on Gearset’s EU instance sets `baseUrl: https://eu.gearset.com` (a token is valid only in its own region).',
    403: 'the Automation API needs the Automation Platform licence, and a Team Owner may need to allow API access tokens.',
    404: 'no such CI job or run request for this token’s team: copy `scenarioId` with "Copy job ID" on the CI dashboard.'
  },
  runsPage: 'the CI job’s View history in Gearset',
  runScope: 'the CI job in `scenarioId`',
  nextStep:
    'The CI job runs in Gearset: see it under Continuous integration > the job > View history. Set <code>wait: true</code> to hold this job until it ends.',

  startDetails: (inputs) => (inputs.gitRef !== undefined ? [{ label: 'Source commit', value: `${inputs.gitRef} (gitRef)` }] : []),

  async trigger(ctx: ProviderContext, signal?: AbortSignal): Promise<RunState> {
    const { inputs, http } = ctx
    await checkJob(ctx, signal)
    const { data } = await http.request(
      {
        method: 'POST',
        path: `${jobPath(inputs.scenarioId)}/run-requests`,
        template: '/public/automation/continuous-integration-jobs/{jobId}/run-requests',
        body: inputs.gitRef !== undefined ? { SourceGitCommitId: inputs.gitRef } : {},
        schema: RunRequest,
        action: 'start the CI job',
        creates: true
      },
      signal
    )
    return { id: data.RunRequestId, status: 'queued', providerStatus: 'Pending', counts: {} }
  },

  async status({ inputs, http }: ProviderContext, runId: string, signal?: AbortSignal): Promise<RunState> {
    const { data } = await http.request(
      {
        method: 'GET',
        path: `${jobPath(inputs.scenarioId)}/run-requests/${segment(runId)}`,
        template: '/public/automation/continuous-integration-jobs/{jobId}/run-requests/{id}',
        schema: RunRequestStatus,
        action: 'read the run status',
        // Its limits are per action: the wait sleeps through this read's pauses, no other's.
        readsRun: true
      },
      signal
    )
    return gearsetState(runId, data)
  },

  // The cancel call stops whatever run the job is running (docs/platforms.md point 8): it is ours only
  // while our run request's last state read is Started.
  refuseCancel(run: RunState): string | undefined {
    if (run.providerStatus === 'Started') return undefined
    const state = run.providerStatus || 'unknown'
    return `Gearset's cancel call stops the CI job's current run, whichever request started it, and run request ${run.id} was last seen ${state}, not Started: cancelling could stop somebody else's run, so it was not sent.`
  },

  async cancel({ inputs, http }: ProviderContext, _run: RunState, signal?: AbortSignal): Promise<void> {
    await http.request(
      {
        method: 'POST',
        path: `${jobPath(inputs.scenarioId)}/cancel`,
        template: '/public/automation/continuous-integration-jobs/{jobId}/cancel',
        body: {},
        schema: z.unknown(),
        action: 'cancel the CI job'
      },
      signal
    )
  }
}
