// Testsigma (platforms.md §1): a run is an "execution result" of a test plan. Only
// STATUS_COMPLETED ends a run; its `result` says how.
import * as z from 'zod/mini'
import { counts, countSchema, fromWord, runIdSchema, safeLink, toDate } from './common.js'
import type { Provider, ProviderContext, RunCandidate, RunState, RunStatus, TestResult } from './types.js'

const STATUS: Record<string, RunStatus> = {
  STATUS_CREATED: 'queued',
  STATUS_QUEUED: 'queued',
  STATUS_PRE_FLIGHT: 'queued',
  STATUS_IN_PROGRESS: 'running'
}

// How one test case ended (the same words as a run's result).
const CASE_RESULT: Record<string, TestResult['status']> = {
  SUCCESS: 'passed',
  FAILURE: 'failed',
  ABORTED: 'failed',
  STOPPED: 'skipped',
  NOT_EXECUTED: 'skipped'
}

export const TestCaseResults = z.object({
  testCases: z.array(
    z.object({
      testCaseName: z.string(),
      testSuiteName: z.nullish(z.string()),
      result: z.nullish(z.string()),
      message: z.nullish(z.string()),
      duration: z.nullish(z.number())
    })
  )
})

// How a completed run ended. A completed run with any other result is an error, never a pass.
const RESULT: Record<string, RunStatus> = {
  SUCCESS: 'passed',
  FAILURE: 'failed',
  STOPPED: 'cancelled',
  ABORTED: 'error',
  NOT_EXECUTED: 'error'
}

export const ExecutionResult = z.object({
  id: runIdSchema,
  status: z.nullish(z.string()),
  result: z.nullish(z.string()),
  message: z.nullish(z.string()),
  startTime: z.nullish(z.number()),
  endTime: z.nullish(z.number()),
  app_url: z.nullish(z.string()),
  execution: z.nullish(z.object({ name: z.nullish(z.string()) })),
  totalCount: countSchema,
  passedCount: countSchema,
  failedCount: countSchema,
  abortedCount: countSchema,
  stoppedCount: countSchema,
  notExecutedCount: countSchema
})
type ExecutionResult = z.infer<typeof ExecutionResult>

export function testsigmaState(r: ExecutionResult): RunState {
  let mapped: { status: RunStatus; unknownWord?: string }
  if (r.status === 'STATUS_COMPLETED') {
    mapped = Object.hasOwn(RESULT, r.result ?? '') ? { status: RESULT[r.result ?? ''] } : { status: 'error' }
  } else {
    mapped = fromWord(STATUS, r.status)
  }
  const skipped = (r.stoppedCount ?? 0) + (r.notExecutedCount ?? 0)
  return {
    id: r.id,
    name: r.execution?.name ?? undefined,
    url: safeLink(r.app_url) ?? `https://app.testsigma.com/ui/td/runs/${r.id}`,
    ...mapped,
    providerStatus: [r.status, r.result].filter(Boolean).join('/'),
    counts: counts({
      total: r.totalCount,
      passed: r.passedCount,
      failed: r.failedCount === undefined && r.abortedCount === undefined ? undefined : (r.failedCount ?? 0) + (r.abortedCount ?? 0),
      skipped: r.stoppedCount === undefined && r.notExecutedCount === undefined ? undefined : skipped
    }),
    startedAt: toDate(r.startTime),
    endedAt: toDate(r.endTime),
    message: r.message ?? undefined
  }
}

const path = (id: string) => `/api/v1/execution_results/${encodeURIComponent(id)}`

export const testsigma: Provider = {
  name: 'testsigma',
  title: 'Testsigma',
  defaultBaseUrl: 'https://app.testsigma.com',
  authorization: (token) => `Bearer ${token}`,
  hints: {
    400: 'check `scenarioId` is the Test Plan ID (Test Plans > your plan > CI/CD Integrations) and `environment` an Environment ID.',
    401: 'the API key was not accepted: create a new one under Settings > API Keys in Testsigma and update the secret.',
    404: 'no such test plan or run: check `scenarioId` (the Test Plan ID) or `runId`.'
  },
  runsPage: 'the test plan’s Run History in Testsigma',
  nextStep: 'The run goes on in Testsigma; open it from the link above. Set <code>wait: true</code> to hold this job until it ends.',

  async trigger({ inputs, http }: ProviderContext): Promise<RunState> {
    const { data } = await http.request({
      method: 'POST',
      path: '/api/v1/execution_results',
      template: '/api/v1/execution_results',
      body: {
        executionId: inputs.scenarioId,
        ...(inputs.environment !== undefined && { environmentId: inputs.environment }),
        buildNo: inputs.buildVersion
      },
      schema: ExecutionResult,
      action: 'start the test plan',
      creates: true
    })
    return testsigmaState(data)
  },

  async status({ http }: ProviderContext, runId: string, signal?: AbortSignal): Promise<RunState> {
    const { data } = await http.request(
      { method: 'GET', path: path(runId), template: '/api/v1/execution_results/{id}', schema: ExecutionResult, action: 'read the run status' },
      signal
    )
    return testsigmaState(data)
  },

  // The plan's latest runs, newest first (the listing seen in third-party clients, platforms.md §1.5).
  async recentRuns({ inputs, http }: ProviderContext, signal?: AbortSignal): Promise<RunCandidate[]> {
    const { data } = await http.request(
      {
        method: 'GET',
        path: `/api/v1/executions/${encodeURIComponent(inputs.scenarioId ?? '')}/test_plan_results?page=0&size=20&sortBy=id&direction=DESC`,
        template: '/api/v1/executions/{planId}/test_plan_results',
        schema: z.object({ content: z.array(z.extend(ExecutionResult, { buildNo: z.nullish(z.string()) })) }),
        action: 'list the test plan’s runs'
      },
      signal
    )
    return data.content.map((r) => ({ state: testsigmaState(r), build: r.buildNo ?? undefined, createdAt: toDate(r.startTime) }))
  },

  // platforms.md §1.5: one entry per test case; a result other than the known words is a failure.
  async testResults({ http }: ProviderContext, run: RunState, signal?: AbortSignal): Promise<TestResult[]> {
    const { data } = await http.request(
      { method: 'GET', path: `${path(run.id)}/test_case_results`, template: '/api/v1/execution_results/{id}/test_case_results', schema: TestCaseResults, action: 'read the test results' },
      signal
    )
    return data.testCases.map((t) => ({
      name: t.testCaseName,
      suite: t.testSuiteName ?? undefined,
      status: CASE_RESULT[t.result ?? ''] ?? 'failed',
      durationMs: t.duration ?? undefined,
      error: t.message ?? undefined,
      url: run.url
    }))
  },

  // Testsigma documents no single-run stop on the cloud API; this is the OSS server's form
  // applied to execution_results (platforms.md §1.6, marked inferred).
  async cancel({ http }: ProviderContext, runId: string, signal?: AbortSignal): Promise<void> {
    await http.request(
      { method: 'PUT', path: path(runId), template: '/api/v1/execution_results/{id}', body: { result: 'STOPPED' }, schema: z.unknown(), action: 'stop the run' },
      signal
    )
  }
}
