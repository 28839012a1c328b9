// Testery (docs/platforms.md §3): a run starts from a build request and is read as a test run.
import * as z from 'zod/mini'
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
import { ID_SHAPES, type Inputs } from '../inputs.js'
import type { Provider, ProviderContext } from './types.js'
import type { RunListing, RunState, RunStatus, StartIdentity, TestResult } from '../model.js'

const STATUS: Record<string, RunStatus> = {
  SUBMITTED: 'queued',
  QUEUED: 'queued',
  PENDING: 'queued', // legacy spelling
  RUNNING: 'running',
  PASS: 'passed',
  FAIL: 'failed',
  CANCELED: 'cancelled',
  CANCEL: 'cancelled' // legacy spelling
}

export const TestRun = z.object({
  id: runIdSchema,
  createTime: z.nullish(z.string()),
  buildKey: z.nullish(z.string()),
  gitRef: z.nullish(z.string()),
  environment: z.nullish(z.string()),
  name: z.nullish(z.string()),
  status: z.nullish(z.string()),
  statusInfo: z.nullish(z.string()),
  startTime: z.nullish(z.string()),
  endTime: z.nullish(z.string()),
  passCount: countSchema,
  failCount: countSchema,
  ignoredCount: countSchema,
  totalCount: countSchema,
  // Newer payloads (docs/platforms.md point 4): tests not run, and tests that timed out (failures).
  notRunCount: countSchema,
  timeoutCount: countSchema
})
type TestRun = z.infer<typeof TestRun>

export const TestResults = z.array(
  z.object({
    id: runIdSchema,
    status: z.nullish(z.string()),
    duration: z.nullish(z.number()),
    error: z.nullish(z.string()),
    projectTest: z.nullish(z.object({ name: z.nullish(z.string()), file: z.nullish(z.string()) }))
  })
)
// Per-test words (docs/platforms.md §3.3); anything else that is not a pass counts as a failure.
const TEST_STATUS: Record<string, TestResult['status']> = { PASS: 'passed', FAIL: 'failed', IGNORED: 'skipped', PENDING: 'skipped' }

/** How one test ended; a word not in the table is a failure, never a pass. */
export const testStatus = (word: string | null | undefined): TestResult['status'] => TEST_STATUS[word ?? ''] ?? 'failed'

const Project = z.object({ id: z.int(), key: z.string() })

const Account = z.object({ name: z.string().check(z.regex(/^[A-Za-z0-9._-]{1,100}$/)) })

export function testeryState(r: TestRun, account?: string): RunState {
  let mapped = fromWord(STATUS, r.status)
  // FAIL also covers runs stopped by an error before any test failed (docs/platforms.md §3.3).
  const failed = sumOf(r.failCount, r.timeoutCount)
  if (mapped.status === 'failed' && !failed && r.statusInfo) mapped = { status: 'error' }
  return {
    id: r.id,
    name: r.name ?? undefined,
    url: account ? safeLink(`${WEB_ORIGIN}/${account}/test-runs/${r.id}`, WEB_ORIGIN) : undefined,
    ...mapped,
    providerStatus: r.status ?? '',
    counts: counts({ total: r.totalCount, passed: r.passCount, failed, skipped: sumOf(r.ignoredCount, r.notRunCount) }),
    startedAt: toDate(r.startTime),
    endedAt: toDate(r.endTime),
    message: r.statusInfo ?? undefined
  }
}

const path = (id: string) => `/api/test-runs/${segment(id)}`

// Run links (docs/platforms.md §3: https://testery.app/{accountName}/test-runs/{runId}).
const WEB_ORIGIN = 'https://testery.app'

/**
 * The run request as the official CLI builds it (docs/platforms.md §3.2): only what the user chose.
 * `buildId`, `ref`, `branch` and `latestDeploy` each pick the test code; at most one is sent, and
 * with none Testery runs the project's default code.
 */
export function runRequest(inputs: Inputs): Record<string, unknown> {
  return {
    project: inputs.projectId,
    environment: inputs.environment,
    updateVcsStatus: inputs.updateVcsStatus,
    // Exactly one choice of test code, or none (docs/platforms.md point 13): the build only when given.
    ...(inputs.buildChosen && { buildId: inputs.buildVersion }),
    ...(inputs.gitRef !== undefined && { ref: inputs.gitRef }),
    ...(inputs.gitBranch !== undefined && { branch: inputs.gitBranch }),
    ...(inputs.latestDeploy && { latestDeploy: true }),
    ...(inputs.scenarioId !== undefined && { testSuiteId: Number(inputs.scenarioId) }),
    ...(inputs.includeTags && { includeTags: inputs.includeTags }),
    ...(inputs.excludeTags && { excludedTags: inputs.excludeTags }),
    // The CLI's --test-filter-regex sends each filter as "Regex: <expression>".
    ...(inputs.testFilters && { testFilters: inputs.testFilters.map((f) => `Regex: ${f}`) }),
    ...(inputs.variables && { variables: inputs.variables.map((v) => ({ key: v.key, value: v.value, encrypted: v.secure })) })
  }
}

/** Which test code the run uses, in words, for the log and the summary. */
export function testCode(inputs: Inputs): string {
  if (inputs.gitRef !== undefined) return `commit ${inputs.gitRef} (gitRef)`
  if (inputs.gitBranch !== undefined) return `the latest commit of branch ${inputs.gitBranch} (gitBranch)`
  if (inputs.latestDeploy) return `the tests last deployed to ${inputs.environment ?? 'the environment'} (latestDeploy)`
  if (inputs.buildChosen) return `the build artifacts uploaded as build ${inputs.buildVersion} (buildVersion)`
  return 'not chosen by this step: Testery runs the project’s default test code (set gitRef, gitBranch, latestDeploy or buildVersion to choose)'
}

/**
 * The account name is the first segment of run links: one read per step, and optional (it only
 * decorates the report). It never holds up a status read, which uses it once it has arrived
 * (docs/reliability.md, "Optional reads"); the start, which it runs beside, gives it at most
 * ACCOUNT_GRACE_MS more, so a step that does not wait can still link its run.
 */
interface AccountRead {
  name?: string
  done: Promise<void>
}
const accounts = new WeakMap<object, AccountRead>()
const ACCOUNT_READ_MS = 5000
const ACCOUNT_GRACE_MS = 1000
function accountRead({ http }: ProviderContext, signal?: AbortSignal): AccountRead {
  let read = accounts.get(http)
  if (!read) {
    const started: AccountRead = { done: Promise.resolve() }
    started.done = http
      .request(
        {
          method: 'GET',
          path: '/api/account',
          template: '/api/account',
          schema: Account,
          action: 'read the account name',
          attempts: 1,
          timeoutMs: ACCOUNT_READ_MS
        },
        signal
      )
      .then((r) => void (started.name = r.data.name))
      .catch(() => undefined)
    accounts.set(http, started)
    read = started
  }
  return read
}

/** Waits for the account read up to `ms`, never longer. */
async function briefly(read: AccountRead, ms: number): Promise<string | undefined> {
  let timer: NodeJS.Timeout | undefined
  await Promise.race([read.done, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))])
  clearTimeout(timer)
  return read.name
}

export const testery: Provider = {
  name: 'testery',
  title: 'Testery',
  errorMessage: errorReader('message'),
  statusWords: STATUS,
  // No documented limit: the floor of pollIntervalSeconds.
  pollFloorMs: 1000,
  rateLimitHeaders: undefined,
  readLimit: undefined,
  inputRules: {
    uses: [
      'projectId',
      'environment',
      'buildVersion',
      'junitPath',
      'gitRef',
      'gitBranch',
      'latestDeploy',
      'updateVcsStatus',
      'variables',
      'includeTags',
      'excludeTags',
      'testFilters',
      'annotateTests'
    ],
    // One run per environment at a time, and a queued run is cancelled when a newer one for its
    // environment arrives (docs/platforms.md point 3): a step's runs on one environment would cancel each other.
    checkRuns(runs, c) {
      const started = runs.filter((r) => r.runId === undefined)
      const shared = started.find((r, i) => started.findIndex((o) => o.environment === r.environment) !== i)
      if (shared)
        c.problem(
          `Input \`environment\` has several test suites run on ${shared.environment ?? 'one environment'}: Testery runs one run per environment at a time and cancels a queued run when a newer one for its environment arrives, so they could cancel each other. Give each suite an environment of its own, or start them in steps one after another.`
        )
    },
    check(p, c) {
      if (p.runId === undefined) {
        c.need('projectId', p.projectId, 'the Testery project key')
        c.need('environment', p.environment, 'the Testery environment key')
      }
      c.shape('scenarioId', p.scenarioId, ID_SHAPES.digits, 'the numeric Testery test suite ID')
      // Each of these chooses which test code Testery runs (docs/platforms.md, points 1 and 13): one at most.
      const chosen = (['buildVersion', 'gitRef', 'gitBranch', 'latestDeploy'] as const).filter((n) =>
        n === 'latestDeploy' ? p.latestDeploy : p[n] !== undefined
      )
      for (const n of chosen.slice(1))
        c.problem(
          `Input \`${n}\` cannot be combined with \`${chosen[0]}\`: each chooses which test code Testery runs (uploaded build artifacts, a commit, a branch's latest commit, or the latest deploy); give one.`
        )
    }
  },
  defaultBaseUrl: 'https://api.testery.io',
  apiPath: '/api',
  buildSelectsCode: true,
  webOrigin: WEB_ORIGIN,
  authorization: (token) => `Bearer ${token}`,
  hints: {
    401: 'the API token was not accepted: copy it again from Settings > Integrations > Show API Token in Testery and update the secret.',
    404: 'no such project, environment, test suite or run: check `projectId` (the project key), `environment` (the environment key), `scenarioId` and `runId`.'
  },
  runsPage: 'Test Runs in Testery',
  nextStep: 'The run goes on in Testery; open it from the link above. Set <code>wait: true</code> to hold this job until it ends.',

  startDetails: (inputs) => [{ label: 'Test code', value: testCode(inputs) }],

  async trigger(ctx: ProviderContext, signal?: AbortSignal): Promise<RunState> {
    const { inputs, http } = ctx
    const account = accountRead(ctx, signal)
    const { data } = await http.request(
      {
        method: 'POST',
        path: '/api/test-run-requests-build',
        template: '/api/test-run-requests-build',
        body: runRequest(inputs),
        schema: TestRun,
        action: 'start the test run',
        creates: true
      },
      signal
    )
    return testeryState(data, await briefly(account, ACCOUNT_GRACE_MS))
  },

  async status(ctx: ProviderContext, runId: string, signal?: AbortSignal): Promise<RunState> {
    const { data } = await ctx.http.request(
      { method: 'GET', path: path(runId), template: '/api/test-runs/{id}', schema: TestRun, action: 'read the run status' },
      signal
    )
    return testeryState(data, accountRead(ctx, signal).name)
  },

  // Its listing echoes the project (as its numeric ID), the environment, the build, the commit,
  // the branch and the tags; not the suite, the filters, the variables or latestDeploy (§3.3).
  startIdentity: (inputs): StartIdentity => ({
    shown: {
      project: inputs.projectId ?? '',
      environment: inputs.environment ?? '',
      ...(inputs.buildChosen && { build: inputs.buildVersion }),
      ...(inputs.gitRef !== undefined && { ref: inputs.gitRef }),
      ...(inputs.gitBranch !== undefined && { branch: inputs.gitBranch }),
      ...(inputs.includeTags && { tags: [...inputs.includeTags].sort().join(',') })
    },
    unseen: [
      inputs.scenarioId !== undefined && 'scenarioId (the test suite)',
      inputs.excludeTags && 'excludeTags',
      inputs.testFilters && 'testFilters',
      inputs.variables && 'variables',
      inputs.latestDeploy && 'latestDeploy'
    ].filter((n): n is string => !!n)
  }),

  // The account's latest runs, newest first (a bare array, docs/platforms.md §3.4). Runs name their
  // project by ID: the project keys are read as the CLI reads them (§3.2) to tell projects apart.
  async recentRuns(ctx: ProviderContext, signal?: AbortSignal): Promise<RunListing> {
    const { data, clockOffsetMs } = await ctx.http.request(
      {
        method: 'GET',
        path: '/api/test-runs?page=0&limit=50',
        template: '/api/test-runs',
        schema: z.array(
          z.extend(TestRun, { projectId: z.nullish(z.int()), branch: z.nullish(z.string()), includeTags: z.nullish(z.array(z.string())) })
        ),
        action: 'list the recent runs'
      },
      signal
    )
    const projects = await ctx.http.request(
      { method: 'GET', path: '/api/projects', template: '/api/projects', schema: z.array(Project), action: 'read the project keys' },
      signal
    )
    const keyOf = new Map(projects.data.map((p) => [p.id, p.key]))
    const account = accountRead(ctx, signal).name
    return {
      clockOffsetMs,
      runs: data.map((r) => ({
        state: testeryState(r, account),
        echoed: {
          project: r.projectId === null || r.projectId === undefined ? undefined : keyOf.get(r.projectId),
          environment: text(r.environment),
          build: text(r.buildKey),
          ref: text(r.gitRef),
          branch: text(r.branch),
          tags: r.includeTags ? [...r.includeTags].sort().join(',') : undefined
        },
        createdAt: toDate(r.createTime)
      }))
    }
  },

  async testResults({ http }: ProviderContext, run: RunState, signal?: AbortSignal): Promise<TestResult[]> {
    const { data } = await http.request(
      {
        method: 'GET',
        path: `${path(run.id)}/results`,
        template: '/api/test-runs/{id}/results',
        schema: TestResults,
        action: 'read the test results',
        maxBytes: RESULTS_MAX_BYTES
      },
      signal
    )
    return data.map((t) => ({
      name: t.projectTest?.name ?? `test ${t.id}`,
      suite: t.projectTest?.file ?? undefined,
      file: t.projectTest?.file ?? undefined,
      status: testStatus(t.status),
      durationMs: t.duration ?? undefined,
      error: t.error ?? undefined,
      url: run.url ? `${run.url}/tests/${t.id}` : undefined
    }))
  },

  async cancel({ http }: ProviderContext, run: RunState, signal?: AbortSignal): Promise<void> {
    await http.request(
      {
        method: 'PATCH',
        path: path(run.id),
        template: '/api/test-runs/{id}',
        body: { status: 'CANCELED' },
        schema: z.unknown(),
        action: 'cancel the run'
      },
      signal
    )
  }
}
