// Gearset Automation API (platforms.md §4): a CI job run is started as a "run request" and read
// under its job. Partial is not a pass.
import * as z from 'zod/mini'
import { fromWord, runIdSchema, toDate } from './common.js'
import type { Provider, ProviderContext, RunState, RunStatus } from './types.js'

const STATE: Record<string, RunStatus> = {
  Pending: 'queued',
  Started: 'running',
  Succeeded: 'passed',
  Failed: 'failed',
  Partial: 'failed'
}

export const RunRequest = z.object({ RunRequestId: runIdSchema })
export const RunRequestStatus = z.object({
  State: z.nullish(z.string()),
  RunId: z.nullish(z.string()),
  StartDateTime: z.nullish(z.string()),
  EndDateTime: z.nullish(z.string())
})

const jobPath = (jobId: string | undefined) => `/public/automation/continuous-integration-jobs/${encodeURIComponent(jobId ?? '')}`

export function gearsetState(id: string, r: z.infer<typeof RunRequestStatus>): RunState {
  return {
    id,
    ...fromWord(STATE, r.State),
    providerStatus: r.State ?? '',
    counts: {},
    startedAt: toDate(r.StartDateTime),
    endedAt: toDate(r.EndDateTime)
  }
}

export const gearset: Provider = {
  name: 'gearset',
  title: 'Gearset',
  defaultBaseUrl: 'https://api.gearset.com',
  authorization: (token) => `token ${token}`,
  headers: { 'api-version': '1' },
  // Documented: 5 status reads per 5 s, per job (platforms.md §4.5).
  readLimit: { count: 5, perMs: 5000 },
  hints: {
    401: 'the access token was not accepted (tokens expire): create a new one under My account > Access token management in Gearset and update the secret.',
    403: 'the Automation API needs the Automation Platform licence, and a Team Owner may need to allow API access tokens.',
    404: 'no such CI job or run request for this token’s team: copy `scenarioId` with "Copy job ID" on the CI dashboard.'
  },
  runsPage: 'the CI job’s View history in Gearset',
  runScope: 'the CI job in `scenarioId`',
  nextStep: 'The CI job runs in Gearset: see it under Continuous integration > the job > View history. Set <code>wait: true</code> to hold this job until it ends.',

  async trigger({ inputs, http }: ProviderContext): Promise<RunState> {
    const { data } = await http.request({
      method: 'POST',
      path: `${jobPath(inputs.scenarioId)}/run-requests`,
      template: '/public/automation/continuous-integration-jobs/{jobId}/run-requests',
      body: {},
      schema: RunRequest,
      action: 'start the CI job',
      creates: true
    })
    return { id: data.RunRequestId, status: 'queued', providerStatus: 'Pending', counts: {} }
  },

  async status({ inputs, http }: ProviderContext, runId: string, signal?: AbortSignal): Promise<RunState> {
    const { data } = await http.request(
      {
        method: 'GET',
        path: `${jobPath(inputs.scenarioId)}/run-requests/${encodeURIComponent(runId)}`,
        template: '/public/automation/continuous-integration-jobs/{jobId}/run-requests/{id}',
        schema: RunRequestStatus,
        action: 'read the run status'
      },
      signal
    )
    return gearsetState(runId, data)
  },

  // Gearset cancels the job's current run; there is no per-run-request cancel.
  async cancel({ inputs, http }: ProviderContext, _runId: string, signal?: AbortSignal): Promise<void> {
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
