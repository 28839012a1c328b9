// Testery (platforms.md §3): POST /api/test-run-requests-build (201), GET/PATCH /api/test-runs/{id},
// GET /api/test-runs (newest first), GET /api/account. Error bodies: { message }.
import { phaseOf, RunBook, testsOf } from '../runs.js'
import { cancelRun, errorAnswer, json, scriptedStatus } from '../respond.js'

const END_WORD = { passed: 'PASS', failed: 'FAIL', cancelled: 'CANCELED', error: 'FAIL' }
const MESSAGES = { 400: 'project and environment are required', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Project or environment not found' }

function fail(res, status) {
  errorAnswer(res, status, { message: MESSAGES[status] ?? `Error ${status}` })
}

/** Testery's timestamp format: yyyy-MM-dd HH:mm:ss+0000. */
const stamp = (ms) => (ms === undefined ? null : `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')}+0000`)

function view(run) {
  const p = phaseOf(run)
  const status = p.unknown ?? (p.phase === 'ended' ? (END_WORD[p.end] ?? p.end) : p.phase === 'queued' ? 'QUEUED' : 'RUNNING')
  const c = p.counts
  return {
    id: Number(run.id),
    name: `${run.project} ${run.buildId ?? ''}`.trim(),
    createTime: stamp(run.createdAt),
    startTime: stamp(p.startedAt),
    endTime: p.phase === 'ended' ? stamp(p.endedAt) : null,
    projectId: 123,
    status,
    passCount: c.passed,
    failCount: c.failed,
    ignoredCount: c.skipped,
    totalCount: c.total,
    gitRef: run.ref ?? null,
    buildKey: run.buildId ?? null,
    environment: run.environment,
    statusInfo: p.phase === 'ended' && p.end === 'error' ? 'Test runner crashed before running tests' : null,
    complete: p.phase === 'ended',
    ended: p.phase === 'ended'
  }
}

export function testerySandbox() {
  const book = new RunBook()
  const find = (ctx) => {
    const run = book.get(ctx.params.id)
    if (!run) json(ctx.res, 404, { message: 'Test run not found' })
    return run
  }
  return {
    // Every request is checked for the token first (server.js), answering with `fail`.
    auth: 'Bearer',
    fail,
    name: 'testery',
    book,
    routes: [
      {
        route: 'GET /api/account',
        phase: 'meta',
        handle(ctx) {
          json(ctx.res, 200, { id: 7, name: 'acme', display: 'Acme Inc.' })
        }
      },
      {
        route: 'POST /api/test-run-requests-build',
        phase: 'trigger',
        handle(ctx) {
          const b = ctx.body ?? {}
          if (!b.project || !b.environment) return fail(ctx.res, 400)
          const scripted = scriptedStatus(b.project, b.environment, b.testSuiteId)
          if (scripted) return fail(ctx.res, scripted)
          ctx.created()
          const run = book.create({ project: b.project, environment: b.environment, buildId: b.buildId, ref: b.ref })
          json(ctx.res, 201, { ...view(run), status: 'SUBMITTED' })
        }
      },
      {
        route: 'GET /api/test-runs',
        phase: 'list',
        handle(ctx) {
          const limit = Number(ctx.query.limit ?? 10)
          json(ctx.res, 200, [...book.runs.values()].reverse().slice(0, limit).map(view))
        }
      },
      {
        route: 'GET /api/test-runs/:id/results',
        phase: 'results',
        handle(ctx) {
          const run = find(ctx)
          if (!run) return
          const WORD = { passed: 'PASS', failed: 'FAIL', skipped: 'IGNORED', pending: 'PENDING' }
          json(
            ctx.res,
            200,
            testsOf(run).map((t) => ({
              id: 70_000 + t.id,
              status: WORD[t.status],
              duration: t.durationMs,
              error: t.error ?? null,
              stackTrace: t.error ? `${t.error}
    at tests/${t.suite.toLowerCase()}.spec.ts:${10 + t.id}:5` : null,
              projectTest: { name: t.name, file: `tests/${t.suite.toLowerCase()}.spec.ts`, fileFilter: null }
            }))
          )
        }
      },
      {
        route: 'GET /api/test-runs/:id',
        phase: 'poll',
        handle(ctx) {
          const run = find(ctx)
          if (run) json(ctx.res, 200, view(run))
        }
      },
      {
        route: 'PATCH /api/test-runs/:id',
        phase: 'cancel',
        handle(ctx) {
          const run = find(ctx)
          if (run) cancelRun(run, ctx.res, () => json(ctx.res, 200, view(run)))
        }
      }
    ]
  }
}
