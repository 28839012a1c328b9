// Testsigma (docs/platforms.md §1), modelled on the vendor's own docs and scripts: POST/GET
// /api/v1/execution_results (a run starts STATUS_CREATED, then STATUS_IN_PROGRESS, then
// STATUS_COMPLETED with a result), per-test results without message or duration, their error text
// on /api/v1/test_case_results, a plan's runs newest first, the deprecated JUnit report, and the stop
// call, whose documented default (canStopAll absent or true) stops every running run of the account.
// Error bodies as the OSS server: { timeStamp, error, code }.
import { phaseOf, RunBook, testsOf } from '../runs.js'
import { cancelRun, errorAnswer, json, scriptedStatus } from '../respond.js'
import { runNow } from '../clock.js'

const END_WORD = { passed: 'SUCCESS', failed: 'FAILURE', cancelled: 'STOPPED', error: 'ABORTED' }
const MESSAGES = { 400: 'executionId is required', 401: 'Unauthorized: invalid API key', 403: 'Forbidden', 404: 'Test plan not found' }
// The only statuses the vendor's scripts know (docs/platforms.md point 7).
const STATUS = { queued: 'STATUS_CREATED', running: 'STATUS_IN_PROGRESS', ended: 'STATUS_COMPLETED' }
const EXECUTION_DETAILS = {
  page_timeout: 30,
  element_timeout: 30,
  recovery_action: 'Run_Next_Testcase',
  on_aborted_action: 'Reuse_Session',
  screenshot_option: 'FAILED_STEPS',
  group_prerequisite_fail: 'Abort',
  test_case_prerequisite_fail: 'Abort',
  test_step_prerequisite_fail: 'Run_Next_Testcase',
  global_param_name: null
}

function fail(res, status, error) {
  errorAnswer(res, status, { timeStamp: Date.now(), error: error ?? MESSAGES[status] ?? `Error ${status}`, code: String(status) })
}

/** The run as the vendor's samples show it (docs/platforms.md §1.2); `execution` is null in the trigger's answer. */
function view(run, { withPlan = true } = {}) {
  const p = phaseOf(run)
  const status = p.unknown ?? STATUS[p.phase]
  const result = p.phase === 'ended' ? (END_WORD[p.end] ?? p.end) : 'QUEUED'
  const c = p.counts
  const failedAs = run.script.failedAs ?? 'failedCount'
  const skippedAs = run.script.skippedAs ?? 'notExecutedCount'
  const counts = { failedCount: 0, abortedCount: 0, stoppedCount: 0, notExecutedCount: 0, preRequisiteFailedCount: 0 }
  counts[failedAs] += c.failed
  counts[skippedAs] += c.skipped
  if (p.end === 'cancelled') counts.stoppedCount += c.total - c.passed - c.failed - c.skipped
  return {
    id: Number(run.id),
    execution: withPlan ? { id: run.planId, applicationVersionId: 47, name: `Test plan ${run.planId}`, description: null } : null,
    executionId: run.planId,
    startTime: run.createdAt, // stamped when the run is created (the trigger sample has it)
    endTime: p.phase === 'ended' ? p.endedAt : null,
    duration: p.phase === 'ended' ? p.endedAt - run.createdAt : null,
    result,
    status,
    message:
      p.phase === 'ended'
        ? p.end === 'cancelled'
          ? 'User stopped the Test Plan'
          : 'Test plan run completed'
        : p.phase === 'queued'
          ? 'Test Plan execution is initiated and waiting to be queued'
          : 'Test plan run in progress',
    executedBy: 43,
    buildNo: run.buildNo ?? null,
    environmentId: run.environmentId ?? null,
    totalCount: c.total,
    passedCount: c.passed,
    ...counts,
    queuedCount: p.phase === 'queued' ? c.total : 0,
    isVisuallyPassed: null,
    environment: null,
    childResult: null,
    reRunParentId: run.reRunParentId === undefined ? null : Number(run.reRunParentId),
    reRunType: run.reRunType ?? null,
    triggeredType: 'API',
    totalRunningCount: p.phase === 'running' ? 1 : 0,
    executionDetails: EXECUTION_DETAILS,
    totalQueuedCount: 0
  }
}

const isId = (v) => (typeof v === 'number' && Number.isInteger(v) && v >= 0) || (typeof v === 'string' && /^[0-9]+$/.test(v))

/** What the vendor would refuse in a trigger body (types from its docs and scripts), or undefined. */
// The documented kinds of re-run (docs/platforms.md §1.2, TS-DOC-RERUN); this sandbox runs ONLY_FAILED_TESTS.
const RERUN_TYPES = ['ALL_TESTS', 'ONLY_FAILED_TESTS', 'ALL_ITERATIONS', 'ONLY_FAILED_ITERATIONS', 'USER_PICKED']

function invalid(b) {
  if (b.executionId === undefined || b.executionId === '' || b.executionId === null) return MESSAGES[400]
  if (!isId(b.executionId)) return 'executionId must be a number'
  if (b.environmentId !== undefined && !isId(b.environmentId)) return 'environmentId must be a number'
  if (b.buildNo !== undefined && typeof b.buildNo !== 'string' && typeof b.buildNo !== 'number') return 'buildNo must be a string'
  if (
    b.runtimeData !== undefined &&
    (typeof b.runtimeData !== 'object' ||
      b.runtimeData === null ||
      Array.isArray(b.runtimeData) ||
      Object.values(b.runtimeData).some((v) => typeof v !== 'string'))
  )
    return 'runtimeData must be an object of strings'
  if (b.isReRun !== undefined && typeof b.isReRun !== 'boolean') return 'isReRun must be a boolean'
  if (b.isReRun && !isId(b.executionResultId)) return 'executionResultId must be a number'
  if (b.isReRun && !RERUN_TYPES.includes(b.reRunType)) return `reRunType must be one of ${RERUN_TYPES.join(', ')}`
  if (
    b.executionConfig !== undefined &&
    (typeof b.executionConfig !== 'object' ||
      b.executionConfig === null ||
      (b.executionConfig.id === undefined && b.executionConfig.name === undefined))
  )
    return 'executionConfig must have an id or a name'
  return undefined
}

export function testsigmaSandbox() {
  const book = new RunBook()
  const find = (ctx) => {
    const run = book.get(ctx.params.id)
    if (!run) fail(ctx.res, 404, 'Test plan result not found')
    return run
  }
  /**
   * Stops runs as the vendor does: canStopAll absent or true stops every running run of the account;
   * a stop of one run ends the plan's oldest unfinished run, whichever run it names (its server's
   * beforeStop(), docs/platforms.md point 14).
   */
  const stop = (ctx, run) => {
    const b = ctx.body ?? {}
    if (b.result !== 'STOPPED') return fail(ctx.res, 400, 'result must be STOPPED')
    const oldestOfPlan = (r) => [...book.runs.values()].find((o) => o.planId === r.planId && phaseOf(o).phase !== 'ended') ?? r
    const targets =
      b.canStopAll === false ? (run ? [oldestOfPlan(run)] : []) : [...book.runs.values()].filter((r) => phaseOf(r).phase !== 'ended')
    if (targets.length === 0) return fail(ctx.res, 400, 'No execution to stop')
    const reply = run ?? targets[0]
    cancelRun(reply, ctx.res, () => {
      for (const r of targets) r.cancelledAt ??= runNow()
      json(ctx.res, 200, view(reply))
    })
  }
  /**
   * A re-run of a run's failed tests (docs/platforms.md §1.2, TS-DOC-RERUN): a new run of the same
   * plan, environment and build, holding only the tests that failed in the run it names, which
   * points back to it (reRunParentId). The sandbox's next script says how many of them fail again
   * (none by default). A run that has not ended, or has no failed test, is refused.
   */
  const rerun = (ctx, b) => {
    const parent = book.get(b.executionResultId)
    if (!parent || parent.planId !== Number(b.executionId)) return fail(ctx.res, 404, 'Test plan result not found')
    const p = phaseOf(parent)
    const failed = p.counts.failed
    if (p.phase !== 'ended' || failed === 0) return fail(ctx.res, 400, 'There are no failed test cases to re-run in this execution')
    ctx.created()
    const run = book.create({
      planId: parent.planId,
      buildNo: parent.buildNo,
      environmentId: parent.environmentId,
      reRunParentId: parent.id,
      reRunType: b.reRunType
    })
    // Its tests are the parent's failed ones, by place (runs.js testsOf: the first `failed` tests fail).
    run.script = { ...run.script, total: failed, failed: Math.min(run.script.failed, failed), skipped: 0, failedAs: undefined }
    json(ctx.res, 200, view(run, { withPlan: false }))
  }
  return {
    // Every request is checked for the token first (server.js), answering with `fail`.
    auth: 'Bearer',
    fail,
    name: 'testsigma',
    // The inputs a step sends to start a run here (the tests' shared suites start runs with them).
    stepInputs: { scenarioId: '2090', environment: '10' },
    book,
    routes: [
      {
        route: 'POST /api/v1/execution_results',
        phase: 'trigger',
        handle(ctx) {
          const b = typeof ctx.body === 'object' && ctx.body !== null ? ctx.body : {}
          const problem = invalid(b)
          if (problem) return fail(ctx.res, 400, problem)
          const scripted = scriptedStatus(b.executionId)
          if (scripted) return fail(ctx.res, scripted)
          if (b.isReRun) return rerun(ctx, b)
          ctx.created()
          const run = book.create({
            planId: Number(b.executionId),
            buildNo: b.buildNo === undefined ? undefined : String(b.buildNo),
            environmentId: b.environmentId === undefined ? undefined : Number(b.environmentId),
            runtimeData: b.runtimeData,
            executionConfig: b.executionConfig
          })
          json(ctx.res, 200, view(run, { withPlan: false }))
        }
      },
      {
        route: 'GET /api/v1/execution_results/:id',
        phase: 'poll',
        handle(ctx) {
          const run = find(ctx)
          if (run) json(ctx.res, 200, view(run))
        }
      },
      {
        route: 'GET /api/v1/execution_results/:id/test_case_results',
        phase: 'results',
        handle(ctx) {
          const run = find(ctx)
          if (!run) return
          const WORD = { passed: 'SUCCESS', failed: 'FAILURE', skipped: 'NOT_EXECUTED', pending: 'QUEUED' }
          const p = phaseOf(run)
          // The vendor's fields (docs/platforms.md point 6): no message, no duration.
          const testCases = testsOf(run).map((t) => ({
            testCaseId: 500 + t.id,
            testCaseName: t.name,
            testCaseResultId: 9000 + t.id,
            result: WORD[t.status],
            isDataDrivenCase: false,
            iterationResults: [],
            testSuiteId: 190 + (t.id % 6),
            testSuiteName: t.suite,
            testSuiteResultId: 2290 + (t.id % 6),
            machineId: 414,
            machineTitle: 'machine 1',
            machineResultId: 2370
          }))
          json(ctx.res, 200, {
            executionId: run.planId,
            executionResultId: Number(run.id),
            result: p.phase === 'ended' ? (END_WORD[p.end] ?? p.end) : 'QUEUED',
            status: STATUS[p.phase],
            testCases
          })
        }
      },
      {
        // Error text of test case results, a page at a time (third-party script's shape, docs/platforms.md point 6).
        // Testsigma's messages can hold control characters; the sandbox's do too.
        route: 'GET /api/v1/test_case_results',
        phase: 'results',
        handle(ctx) {
          const run = book.get(ctx.query.executionResultId)
          if (!run) return json(ctx.res, 200, { content: [], totalElements: 0, last: true })
          const page = Number(ctx.query.page ?? 0)
          const size = Number(ctx.query.size ?? 20)
          const all = testsOf(run).map((t) => ({
            id: 9000 + t.id,
            testCaseId: 500 + t.id,
            result: t.status === 'failed' ? 'FAILURE' : 'SUCCESS',
            message: t.error ? `${t.error}\r\n\tat step ${t.id}` : null
          }))
          const content = all.slice(page * size, (page + 1) * size)
          json(ctx.res, 200, { content, totalElements: all.length, last: (page + 1) * size >= all.length })
        }
      },
      {
        route: 'GET /api/v1/executions/:plan/test_plan_results',
        phase: 'list',
        handle(ctx) {
          const size = Number(ctx.query.size ?? 20)
          const content = [...book.runs.values()]
            .filter((r) => String(r.planId) === ctx.params.plan)
            .reverse()
            .slice(0, size)
            .map((r) => view(r))
          json(ctx.res, 200, { content, totalElements: content.length, last: true })
        }
      },
      {
        // Deprecated (docs/platforms.md §1.5): XML, with Deprecation and Sunset headers.
        route: 'GET /api/v1/reports/junit/:id',
        phase: 'results',
        handle(ctx) {
          const run = find(ctx)
          if (!run) return
          const tests = testsOf(run)
          const cases = tests
            .map((t) => `<testcase name="${t.name}" classname="${t.suite}">${t.status === 'failed' ? '<failure/>' : ''}</testcase>`)
            .join('')
          const xml = `<?xml version="1.0" encoding="UTF-8"?><testsuites><testsuite name="Test plan ${run.planId}" tests="${tests.length}">${cases}</testsuite></testsuites>`
          ctx.res.writeHead(200, {
            'Content-Type': 'application/xml',
            Deprecation: 'true',
            Sunset: 'Wed, 31 Dec 2026 23:59:59 GMT',
            'Content-Length': Buffer.byteLength(xml)
          })
          ctx.res.end(xml)
        }
      },
      {
        // The documented stop: no run in the path; canStopAll decides how many runs stop.
        route: 'PUT /api/v1/execution_results',
        phase: 'cancel',
        handle(ctx) {
          stop(ctx, undefined)
        }
      },
      {
        // The single-run form the action infers (docs/platforms.md §1.6); canStopAll keeps its documented default.
        route: 'PUT /api/v1/execution_results/:id',
        phase: 'cancel',
        handle(ctx) {
          const run = find(ctx)
          if (run) stop(ctx, run)
        }
      }
    ]
  }
}
