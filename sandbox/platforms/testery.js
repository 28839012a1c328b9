// Testery (docs/platforms.md §3), modelled on the official CLI and docs: POST /api/test-run-requests-build
// (201), GET/PATCH /api/test-runs/{id}, GET /api/test-runs (newest first), GET /api/account,
// GET /api/projects and /api/environments (what the CLI looks keys up in). As Testery does, an
// environment runs one run at a time: a new run waits QUEUED behind the running one, a run still
// queued is CANCELED when a newer one arrives for the same environment, and a run is cancelled
// 3 hours after it was created. Error bodies: { message }.
import { phaseOf, RunBook, testsOf } from '../runs.js'
import { cancelRun, errorAnswer, json, scriptedStatus } from '../respond.js'
import { runNow } from '../clock.js'

const END_WORD = { passed: 'PASS', failed: 'FAIL', cancelled: 'CANCELED', error: 'FAIL' }
const MESSAGES = {
  400: 'project and environment are required',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Project or environment not found'
}
const MAX_LIFE_MS = 3 * 3600_000

function fail(res, status, message) {
  errorAnswer(res, status, { message: message ?? MESSAGES[status] ?? `Error ${status}` })
}

/** Testery's timestamp format: yyyy-MM-dd HH:mm:ss+0000. */
const stamp = (ms) => (ms === undefined ? null : `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')}+0000`)

/** A run with the fields of Testery's API documentation (docs/platforms.md §3.3) and the newer ones. */
function view(run, projectIds = new Map()) {
  const p = phaseOf(run)
  const status = p.unknown ?? (p.phase === 'ended' ? (END_WORD[p.end] ?? p.end) : p.phase === 'queued' ? 'QUEUED' : 'RUNNING')
  const c = p.counts
  const counts = { passCount: c.passed, failCount: 0, ignoredCount: 0, notRunCount: 0, timeoutCount: 0, totalCount: c.total }
  counts[run.script.failedAs ?? 'failCount'] += c.failed
  counts[run.script.skippedAs ?? 'ignoredCount'] += c.skipped
  return {
    id: Number(run.id),
    name: `${run.project} ${run.buildId ?? ''}`.trim(),
    testName: null,
    key: `TR${run.id}`,
    createTime: stamp(run.createdAt),
    startTime: stamp(p.startedAt),
    endTime: p.phase === 'ended' ? stamp(p.endedAt) : null,
    accountId: 7,
    projectId: projectIds.get(run.project) ?? 123,
    status,
    copies: 1,
    ...counts,
    totalTestingTime: p.phase === 'ended' ? c.total * 1000 : 0,
    isSchedule: null,
    gitRef: run.ref ?? null,
    branch: run.branch ?? null,
    buildKey: run.buildId ?? null,
    environment: run.environment,
    environmentId: 40,
    statusInfo: p.phase === 'ended' ? statusInfo(run, p) : null,
    includeTags: run.includeTags ?? [],
    complete: p.phase === 'ended',
    ended: p.phase === 'ended',
    codeCoverageName: null,
    codeCoveragePercentage: null
  }
}

/**
 * Why a run ended that way, as Testery says it (docs/platforms.md point 19): its cancel reasons, or
 * the error that stopped it.
 */
function statusInfo(run, p) {
  if (p.end === 'error') return 'Test runner crashed before running tests'
  if (p.end !== 'cancelled') return null
  if (run.supersededAt !== undefined && run.supersededAt === run.cancelledAt) return 'Canceled - Due to newer test run'
  if (run.cancelledAt === undefined && run.script.end !== 'cancelled') return 'Canceled - Due to running too long'
  return null
}

const strings = (v) => Array.isArray(v) && v.every((x) => typeof x === 'string')

/** What Testery would refuse in a run request (types from its CLI), or undefined. */
function invalid(b) {
  if (typeof b.project !== 'string' || typeof b.environment !== 'string' || !b.project || !b.environment) return MESSAGES[400]
  for (const k of ['ref', 'branch', 'buildId', 'testName', 'statusName', 'playwrightProject'])
    if (b[k] !== undefined && typeof b[k] !== 'string') return `${k} must be a string`
  for (const k of ['updateVcsStatus', 'latestDeploy', 'parallelizeByFile', 'applyTestSelectionRules'])
    if (b[k] !== undefined && typeof b[k] !== 'boolean') return `${k} must be a boolean`
  for (const k of ['testSuiteId', 'runners', 'copies', 'timeoutMinutes', 'testTimeoutSeconds'])
    if (b[k] !== undefined && !Number.isInteger(b[k])) return `${k} must be an integer`
  for (const k of ['includeTags', 'excludedTags', 'testFilters'])
    if (b[k] !== undefined && !strings(b[k])) return `${k} must be a list of strings`
  if (
    b.variables !== undefined &&
    !(
      Array.isArray(b.variables) &&
      b.variables.every((v) => typeof v?.key === 'string' && typeof v?.value === 'string' && typeof v?.encrypted === 'boolean')
    )
  )
    return 'variables must be a list of { key, value, encrypted }'
  return undefined
}

export function testerySandbox() {
  const book = new RunBook()
  const projects = new Set(['shop'])
  const environments = new Set(['staging'])
  // Project keys in the order first seen: the numeric IDs runs carry (projectId) and /api/projects lists.
  const projectId = (key) => 123 + [...projects].indexOf(key)
  const ids = () => new Map([...projects].map((key) => [key, projectId(key)]))
  const find = (ctx) => {
    const run = book.get(ctx.params.id)
    if (!run) json(ctx.res, 404, { message: 'Test run not found' })
    return run
  }
  /** Starts a run in an environment that runs one at a time, superseding any run still queued there. */
  const admit = (environment) => {
    const waiting = [...book.runs.values()].filter((r) => r.environment === environment && phaseOf(r).phase !== 'ended')
    for (const r of waiting) if (phaseOf(r).phase === 'queued') r.cancelledAt = r.supersededAt = runNow()
    return waiting.find((r) => phaseOf(r).phase === 'running')
  }
  return {
    // Every request is checked for the token first (server.js), answering with `fail`.
    auth: 'Bearer',
    fail,
    name: 'testery',
    // The inputs a step sends to start a run here (the tests' shared suites start runs with them).
    // One run at a time per environment (docs/platforms.md): steps side by side each take their own.
    oneRunAtATimePer: 'environment',
    stepInputs: { projectId: 'shop', environment: 'staging' },
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
        route: 'GET /api/projects',
        phase: 'meta',
        handle(ctx) {
          json(
            ctx.res,
            200,
            [...projects].map((key) => ({ id: projectId(key), key, name: key }))
          )
        }
      },
      {
        route: 'GET /api/environments',
        phase: 'meta',
        handle(ctx) {
          json(
            ctx.res,
            200,
            [...environments].map((key, i) => ({ id: 40 + i, key, name: key, maximumParallelTestRuns: 1 }))
          )
        }
      },
      {
        route: 'POST /api/test-run-requests-build',
        phase: 'trigger',
        handle(ctx) {
          const b = typeof ctx.body === 'object' && ctx.body !== null ? ctx.body : {}
          const problem = invalid(b)
          if (problem) return fail(ctx.res, 400, problem)
          const scripted = scriptedStatus(b.project, b.environment, b.testSuiteId)
          if (scripted) return fail(ctx.res, scripted)
          projects.add(b.project)
          environments.add(b.environment)
          ctx.created()
          const after = admit(b.environment)
          const run = book.create({
            project: b.project,
            environment: b.environment,
            buildId: b.buildId,
            ref: b.ref,
            branch: b.branch,
            includeTags: b.includeTags,
            request: b,
            after,
            maxLifeMs: MAX_LIFE_MS
          })
          json(ctx.res, 201, { ...view(run, ids()), status: 'SUBMITTED' })
        }
      },
      {
        route: 'GET /api/test-runs',
        phase: 'list',
        handle(ctx) {
          const limit = Number(ctx.query.limit ?? 10)
          json(
            ctx.res,
            200,
            [...book.runs.values()]
              .reverse()
              .slice(0, limit)
              .map((r) => view(r, ids()))
          )
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
              stackTrace: t.error ? `${t.error}\n    at tests/${t.suite.toLowerCase()}.spec.ts:${10 + t.id}:5` : null,
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
          if (run) json(ctx.res, 200, view(run, ids()))
        }
      },
      {
        route: 'PATCH /api/test-runs/:id',
        phase: 'cancel',
        handle(ctx) {
          const run = find(ctx)
          if (!run) return
          if (ctx.body?.status !== 'CANCELED') return fail(ctx.res, 400, 'status must be CANCELED')
          cancelRun(run, ctx.res, () => json(ctx.res, 200, view(run, ids())))
        }
      }
    ]
  }
}
