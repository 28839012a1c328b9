// Testsigma (platforms.md §1): POST/GET /api/v1/execution_results, a plan's runs newest first,
// and the inferred single-run stop PUT /api/v1/execution_results/{id}. Error bodies as the OSS server: { error, code }.
import { phaseOf, RunBook, testsOf } from '../runs.js'
import { cancelRun, errorAnswer, json, scriptedStatus } from '../respond.js'

const END_WORD = { passed: 'SUCCESS', failed: 'FAILURE', cancelled: 'STOPPED', error: 'ABORTED' }
const MESSAGES = { 400: 'executionId is required', 401: 'Unauthorized: invalid API key', 403: 'Forbidden', 404: 'Test plan not found' }

function fail(res, status) {
  errorAnswer(res, status, { timeStamp: Date.now(), error: MESSAGES[status] ?? `Error ${status}`, code: String(status) })
}

function view(run) {
  const p = phaseOf(run)
  const status = p.unknown ?? { queued: 'STATUS_QUEUED', running: 'STATUS_IN_PROGRESS', ended: 'STATUS_COMPLETED' }[p.phase]
  const result = p.phase === 'ended' ? (END_WORD[p.end] ?? p.end) : 'QUEUED'
  const c = p.counts
  return {
    id: Number(run.id),
    executionId: run.planId,
    execution: { id: run.planId, name: `Test plan ${run.planId}` },
    startTime: run.createdAt, // Testsigma stamps a run when it is created (the trigger sample has it)
    endTime: p.phase === 'ended' ? p.endedAt : null,
    duration: p.phase === 'ended' ? p.endedAt - run.createdAt : null,
    result,
    status,
    message: p.phase === 'ended' ? (p.end === 'cancelled' ? 'User stopped the Test Plan' : 'Test plan run completed') : 'Test plan run in progress',
    buildNo: run.buildNo ?? null,
    environmentId: run.environmentId ?? null,
    totalCount: c.total,
    passedCount: c.passed,
    failedCount: c.failed,
    abortedCount: 0,
    stoppedCount: p.end === 'cancelled' ? c.total - c.passed - c.failed : 0,
    notExecutedCount: c.skipped,
    queuedCount: p.phase === 'queued' ? c.total : 0,
    triggeredType: 'API'
  }
}

export function testsigmaSandbox() {
  const book = new RunBook()
  const find = (ctx) => {
    const run = book.get(ctx.params.id)
    if (!run) fail(ctx.res, 404)
    return run
  }
  return {
    // Every request is checked for the token first (server.js), answering with `fail`.
    auth: 'Bearer',
    fail,
    name: 'testsigma',
    book,
    routes: [
      {
        route: 'POST /api/v1/execution_results',
        phase: 'trigger',
        handle(ctx) {
          const planId = ctx.body?.executionId
          if (planId === undefined || planId === '') return fail(ctx.res, 400)
          const scripted = scriptedStatus(planId)
          if (scripted) return fail(ctx.res, scripted)
          ctx.created()
          const run = book.create({ planId: Number(planId), buildNo: ctx.body.buildNo, environmentId: ctx.body.environmentId })
          json(ctx.res, 200, view(run))
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
          const testCases = testsOf(run).map((t) => ({
            testCaseId: 500 + t.id,
            testCaseResultId: 9000 + t.id,
            testCaseName: t.name,
            testSuiteName: t.suite,
            result: WORD[t.status],
            message: t.error ?? null,
            duration: t.durationMs
          }))
          json(ctx.res, 200, { executionId: run.planId, executionResultId: Number(run.id), testCases })
        }
      },
      {
        route: 'GET /api/v1/executions/:plan/test_plan_results',
        phase: 'list',
        handle(ctx) {
          const size = Number(ctx.query.size ?? 20)
          const content = [...book.runs.values()].filter((r) => String(r.planId) === ctx.params.plan).reverse().slice(0, size).map(view)
          json(ctx.res, 200, { content, totalElements: content.length, last: true })
        }
      },
      {
        route: 'PUT /api/v1/execution_results/:id',
        phase: 'cancel',
        handle(ctx) {
          const run = find(ctx)
          if (run) cancelRun(run, ctx.res, () => json(ctx.res, 200, view(run)))
        }
      }
    ]
  }
}
