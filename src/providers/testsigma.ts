// Testsigma (docs/platforms.md §1): a run is an "execution result" of a test plan. Only
// STATUS_COMPLETED ends a run; its `result` says how.
import * as core from '@actions/core'
import * as z from 'zod/mini'
import { ID_SHAPES } from '../inputs.js'
import {
  counts,
  countSchema,
  errorReader,
  text,
  fromWord,
  RESULTS_MAX_BYTES,
  runIdSchema,
  safeLink,
  segment,
  sumOf,
  toDate
} from './common.js'
import type { Provider, ProviderContext } from './types.js'
import {
  TERMINAL_STATUSES as TERMINAL,
  type RunListing,
  type RunState,
  type RunStatus,
  type StartIdentity,
  type TestResult
} from '../model.js'

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
  NOT_EXECUTED: 'skipped',
  // A test that never ran (docs/platforms.md point 16): not run, not a failure.
  QUEUED: 'skipped'
}

/** How one test case ended; a word not in the table is a failure, never a pass. */
export const caseStatus = (word: string | null | undefined): TestResult['status'] => CASE_RESULT[word ?? ''] ?? 'failed'

// docs/platforms.md point 6: one entry per test case, with no message and no duration.
export const TestCaseResults = z.object({
  testCases: z.array(
    z.object({
      testCaseName: z.string(),
      testSuiteName: z.nullish(z.string()),
      testCaseResultId: z.nullish(z.union([z.number(), z.string()])),
      result: z.nullish(z.string())
    })
  )
})

// The error text of test case results, a page at a time (seen in a third-party script; the shape is
// not confirmed by Testsigma, so any other answer means "no error text", never a failed step).
export const TestCaseMessages = z.object({
  content: z.array(z.object({ id: z.union([z.number(), z.string()]), message: z.nullish(z.string()) }))
})
const MESSAGE_PAGE_SIZE = 200
const MAX_MESSAGE_PAGES = 10

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
  notExecutedCount: countSchema,
  preRequisiteFailedCount: countSchema
})
type ExecutionResult = z.infer<typeof ExecutionResult>

export function testsigmaState(r: ExecutionResult, origin: string = WEB_ORIGIN): RunState {
  let mapped: { status: RunStatus; unknownWord?: string }
  if (r.status === 'STATUS_COMPLETED') {
    mapped = Object.hasOwn(RESULT, r.result ?? '') ? { status: RESULT[r.result ?? ''] } : { status: 'error' }
  } else {
    mapped = fromWord(STATUS, r.status)
  }
  return {
    id: r.id,
    name: r.execution?.name ?? undefined,
    url: safeLink(r.app_url, origin) ?? `${origin}/ui/td/runs/${r.id}`,
    ...mapped,
    providerStatus: [r.status, r.result].filter(Boolean).join('/'),
    counts: counts({
      total: r.totalCount,
      passed: r.passedCount,
      // A failed prerequisite is a failure too (docs/platforms.md point 7).
      failed: sumOf(r.failedCount, r.abortedCount, r.preRequisiteFailedCount),
      skipped: sumOf(r.stoppedCount, r.notExecutedCount)
    }),
    startedAt: toDate(r.startTime),
    endedAt: toDate(r.endTime),
    message: r.message ?? undefined
  }
}

const path = (id: string) => `/api/v1/execution_results/${segment(id)}`

// Run links point here only (docs/platforms.md §1: app_url, else the run page built from the ID).
const WEB_ORIGIN = 'https://app.testsigma.com'
// Regional apps serve their own runs (docs/platforms.md point 17): links follow the configured one.
const REGIONAL = /^app-(eu|in)\.testsigma\.com$/

/** The web app of the configured API: a regional app's own origin, else the global one. */
export function webOriginOf(baseUrl: string | undefined): string {
  if (!baseUrl) return WEB_ORIGIN
  const u = new URL(baseUrl)
  return u.protocol === 'https:' && REGIONAL.test(u.hostname) && !u.port ? u.origin : WEB_ORIGIN
}

/** A start of the test plan (a run, or a re-run of a run's failed tests): one POST, never sent twice. */
async function start(
  { inputs, http }: ProviderContext,
  body: Record<string, unknown>,
  action: string,
  signal?: AbortSignal
): Promise<RunState> {
  const { data } = await http.request(
    {
      method: 'POST',
      path: '/api/v1/execution_results',
      template: '/api/v1/execution_results',
      body,
      schema: ExecutionResult,
      action,
      creates: true
    },
    signal
  )
  return testsigmaState(data, webOriginOf(inputs.baseUrl))
}

export const testsigma: Provider = {
  name: 'testsigma',
  title: 'Testsigma',
  // Its server answers errors as { timeStamp, error, code } (docs/platforms.md §1).
  errorMessage: errorReader('error', 'message'),
  statusWords: {
    ...STATUS,
    ...Object.fromEntries(Object.entries(RESULT).map(([result, status]) => [`STATUS_COMPLETED/${result}`, status]))
  },
  // No documented limit: the floor of pollIntervalSeconds.
  pollFloorMs: 1000,
  rateLimitHeaders: undefined,
  readLimit: undefined,
  inputRules: {
    uses: ['environment', 'buildVersion', 'junitPath', 'variables', 'executionConfig', 'annotateTests'],
    check(p, c) {
      if (p.runId === undefined && c.need('scenarioId', p.scenarioId, 'the Test Plan ID (Test Plans > your plan > CI/CD Integrations)'))
        c.shape('scenarioId', p.scenarioId, ID_SHAPES.digits, 'the numeric Test Plan ID')
      c.shape('environment', p.environment, ID_SHAPES.digits, 'the numeric Environment ID from Test Data > Environments')
      // Its re-run names the plan beside the run (docs/platforms.md §1.2, TS-DOC-RERUN).
      if (p.rerunFailed > 0 && p.runId !== undefined && p.scenarioId === undefined)
        c.problem('Input `rerunFailed` with `runId` needs `scenarioId`: Testsigma re-runs a run by its test plan ID and its own.')
    },
    rerun: 'the same start call with isReRun and reRunType ONLY_FAILED_TESTS'
  },
  defaultBaseUrl: 'https://app.testsigma.com',
  apiPath: '/api/v1',
  webOrigin: WEB_ORIGIN,
  authorization: (token) => `Bearer ${token}`,
  hints: {
    400: 'check `scenarioId` is the Test Plan ID (Test Plans > your plan > CI/CD Integrations) and `environment` an Environment ID.',
    401: 'the API key was not accepted: create a new one under Settings > API Keys in Testsigma and update the secret.',
    404: 'no such test plan or run: check `scenarioId` (the Test Plan ID) or `runId`.'
  },
  runsPage: 'the test plan’s Run History in Testsigma',
  nextStep: 'The run goes on in Testsigma; open it from the link above. Set <code>wait: true</code> to hold this job until it ends.',

  async trigger(ctx: ProviderContext, signal?: AbortSignal): Promise<RunState> {
    const { inputs } = ctx
    return start(
      ctx,
      {
        executionId: inputs.scenarioId,
        ...(inputs.environment !== undefined && { environmentId: inputs.environment }),
        buildNo: inputs.buildVersion,
        ...(inputs.variables && { runtimeData: Object.fromEntries(inputs.variables.map((v) => [v.key, v.value])) }),
        // Testsigma takes a saved configuration by ID or by name (docs/platforms.md §1.2).
        ...(inputs.executionConfig !== undefined && {
          executionConfig: /^[0-9]+$/.test(inputs.executionConfig) ? { id: inputs.executionConfig } : { name: inputs.executionConfig }
        })
      },
      'start the test plan',
      signal
    )
  },

  // A re-run of a run's failed tests is the same call, naming the run (docs/platforms.md §1.2, TS-DOC-RERUN).
  async rerunFailed(ctx: ProviderContext, run: RunState, signal?: AbortSignal): Promise<RunState> {
    return start(
      ctx,
      { executionId: ctx.inputs.scenarioId, executionResultId: run.id, isReRun: true, reRunType: 'ONLY_FAILED_TESTS' },
      `re-run the failed tests of run ${run.id}`,
      signal
    )
  },

  async status({ inputs, http }: ProviderContext, runId: string, signal?: AbortSignal): Promise<RunState> {
    const { data } = await http.request(
      {
        method: 'GET',
        path: path(runId),
        template: '/api/v1/execution_results/{id}',
        schema: ExecutionResult,
        action: 'read the run status'
      },
      signal
    )
    return testsigmaState(data, webOriginOf(inputs.baseUrl))
  },

  // Its listing echoes the plan, the environment and the build; not the run-time data or the
  // saved configuration (docs/platforms.md §1.2).
  startIdentity: (inputs): StartIdentity => ({
    shown: {
      plan: inputs.scenarioId ?? '',
      ...(inputs.environment !== undefined && { environment: inputs.environment }),
      build: inputs.buildVersion
    },
    unseen: [inputs.variables && 'variables', inputs.executionConfig !== undefined && 'executionConfig'].filter((n): n is string => !!n)
  }),

  // The plan's latest runs, newest first (the listing seen in third-party clients, docs/platforms.md §1.5).
  async recentRuns({ inputs, http }: ProviderContext, signal?: AbortSignal): Promise<RunListing> {
    const { data, clockOffsetMs } = await http.request(
      {
        method: 'GET',
        path: `/api/v1/executions/${segment(inputs.scenarioId ?? '')}/test_plan_results?page=0&size=20&sortBy=id&direction=DESC`,
        template: '/api/v1/executions/{planId}/test_plan_results',
        schema: z.object({
          content: z.array(
            z.extend(ExecutionResult, {
              buildNo: z.nullish(z.string()),
              executionId: z.nullish(z.union([z.number(), z.string()])),
              environmentId: z.nullish(z.union([z.number(), z.string()]))
            })
          )
        }),
        action: 'list the test plan’s runs'
      },
      signal
    )
    return {
      clockOffsetMs,
      runs: data.content.map((r) => ({
        state: testsigmaState(r, webOriginOf(inputs.baseUrl)),
        echoed: { plan: text(r.executionId), environment: text(r.environmentId), build: text(r.buildNo) },
        createdAt: toDate(r.startTime)
      }))
    }
  },

  // docs/platforms.md §1.5: one entry per test case; a result other than the known words is a failure.
  async testResults(ctx: ProviderContext, run: RunState, signal?: AbortSignal): Promise<TestResult[]> {
    const { data } = await ctx.http.request(
      {
        method: 'GET',
        path: `${path(run.id)}/test_case_results`,
        template: '/api/v1/execution_results/{id}/test_case_results',
        schema: TestCaseResults,
        action: 'read the test results',
        maxBytes: RESULTS_MAX_BYTES
      },
      signal
    )
    const tests = data.testCases.map((t) => ({
      resultId: t.testCaseResultId === null || t.testCaseResultId === undefined ? undefined : String(t.testCaseResultId),
      test: {
        name: t.testCaseName,
        suite: t.testSuiteName ?? undefined,
        status: caseStatus(t.result),
        url: run.url
      } as TestResult
    }))
    const failed = tests.filter((t) => t.test.status === 'failed' && t.resultId !== undefined)
    if (failed.length > 0) {
      const messages = await errorTexts(ctx, run.id, new Set(failed.map((t) => t.resultId!)), signal)
      for (const t of failed) {
        const message = messages.get(t.resultId!)
        if (message) t.test.error = message
      }
    }
    return tests.map((t) => t.test)
  },

  // Testsigma documents only an account-wide stop (PUT /api/v1/execution_results, which stops every
  // running execution unless canStopAll is false; docs/platforms.md point 5). This call names the run in
  // the path and always sends canStopAll: false, so it can never stop another run.
  cancelCaveat:
    'Testsigma documents no call that stops one run: this action asks it to stop only this run (canStopAll: false), which may not take effect; check the run in Testsigma.',
  // Its server stops the plan's oldest unfinished run whatever ID the stop names, and one plan may
  // run several times at once (docs/platforms.md point 14): with another unfinished run of the plan
  // there, no stop is sent. Runs of this same step that it stops too are not another's: one stop
  // each ends them all, oldest first (docs/how-it-works.md, Several runs in one step).
  async otherRunsAtRisk(ctx: ProviderContext, run: RunState, signal?: AbortSignal): Promise<string | undefined> {
    const { runs } = await testsigma.recentRuns!(ctx, signal)
    const others = runs
      .filter((r) => r.state.id !== run.id && !ctx.ownRuns?.has(r.state.id) && !TERMINAL.includes(r.state.status))
      .map((r) => r.state.id)
    if (others.length === 0) return undefined
    return `Testsigma stops a test plan's oldest unfinished run, whichever run the stop names, and test plan ${ctx.inputs.scenarioId ?? ''} has ${others.length === 1 ? 'another unfinished run' : 'other unfinished runs'} (${others.join(', ')}): stopping could end somebody else's run, so no stop was sent for run ${run.id}. Stop it in Testsigma if it is not wanted.`
  },
  // "Plan already running", which its server answers as HTTP 500 (docs/platforms.md point 15).
  busyMessage: /already\s+(in\s+)?running|EXECUTION_ALREADY_RUNNING/i,
  async cancel({ http }: ProviderContext, run: RunState, signal?: AbortSignal): Promise<void> {
    await http.request(
      {
        method: 'PUT',
        path: path(run.id),
        template: '/api/v1/execution_results/{id}',
        body: { result: 'STOPPED', canStopAll: false },
        schema: z.unknown(),
        action: 'stop the run'
      },
      signal
    )
  }
}

/**
 * The error text of the given test case results, by result ID. Best effort: an answer of another
 * shape, or none, leaves the tests without text (they are still listed by name).
 */
async function errorTexts(
  { http }: ProviderContext,
  runId: string,
  wanted: Set<string>,
  signal?: AbortSignal
): Promise<Map<string, string>> {
  const found = new Map<string, string>()
  try {
    for (let page = 0; page < MAX_MESSAGE_PAGES && found.size < wanted.size; page++) {
      const { data } = await http.request(
        {
          method: 'GET',
          path: `/api/v1/test_case_results?executionResultId=${encodeURIComponent(runId)}&page=${page}&size=${MESSAGE_PAGE_SIZE}`,
          template: '/api/v1/test_case_results',
          schema: TestCaseMessages,
          action: 'read the test error messages',
          maxBytes: RESULTS_MAX_BYTES
        },
        signal
      )
      for (const r of data.content) if (wanted.has(String(r.id)) && r.message?.trim()) found.set(String(r.id), r.message)
      if (data.content.length < MESSAGE_PAGE_SIZE) break
    }
  } catch (e) {
    core.debug(`No error text for Testsigma's test results: ${e instanceof Error ? e.message : String(e)}`)
  }
  return found
}
