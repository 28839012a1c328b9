// Gearset Automation API (platforms.md §4), `Authorization: token …`: run requests under a CI job,
// the job cancel call, and the documented limit of 5 status reads per 5 s per job (429 beyond it,
// counted in `violations`). Error bodies: { Error: { Code, Message } }.
import { phaseOf, RunBook } from '../runs.js'
import { cancelRun, errorAnswer, json, scriptedStatus } from '../respond.js'

const END_WORD = { passed: 'Succeeded', failed: 'Failed', cancelled: 'Failed', error: 'Failed', partial: 'Partial' }
const MESSAGES = { 401: 'Invalid or expired access token', 403: 'The Automation Platform licence is required', 404: 'CI job not found' }

function fail(res, status, headers) {
  errorAnswer(res, status, { Error: { Code: String(status), Message: MESSAGES[status] ?? `Error ${status}`, InnerError: null } }, headers)
}

function view(run) {
  const p = phaseOf(run)
  const state = p.unknown ?? (p.phase === 'ended' ? (END_WORD[p.end] ?? p.end) : p.phase === 'queued' ? 'Pending' : 'Started')
  return {
    State: state,
    RunId: p.phase === 'queued' ? null : `run-${run.id}`,
    StartDateTime: p.startedAt ? new Date(p.startedAt).toISOString() : null,
    EndDateTime: p.phase === 'ended' ? new Date(p.endedAt).toISOString() : null
  }
}

export function gearsetSandbox() {
  const book = new RunBook()
  const reads = new Map() // jobId → recent GET times
  const sandbox = {
    // Every request is checked for the token first (server.js), answering with `fail`.
    auth: 'token',
    fail,
    name: 'gearset',
    book,
    violations: 0,
    routes: [
      {
        route: 'POST /public/automation/continuous-integration-jobs/:job/run-requests',
        phase: 'trigger',
        handle(ctx) {
          const scripted = scriptedStatus(ctx.params.job)
          if (scripted) return fail(ctx.res, scripted)
          ctx.created()
          const run = book.create({ job: ctx.params.job })
          json(ctx.res, 200, { RunRequestId: `rr-${run.id}` })
        }
      },
      {
        route: 'GET /public/automation/continuous-integration-jobs/:job/run-requests/:id',
        phase: 'poll',
        handle(ctx) {
          const now = Date.now()
          const recent = (reads.get(ctx.params.job) ?? []).filter((t) => now - t < 5000)
          if (recent.length >= 5) {
            sandbox.violations++
            const retry = Math.ceil((recent[0] + 5000 - now) / 1000)
            return fail(ctx.res, 429, { 'Retry-After': String(retry), 'X-Rate-Limit-Limit': '5s', 'X-Rate-Limit-Remaining': '0' })
          }
          recent.push(now)
          reads.set(ctx.params.job, recent)
          const run = book.get(ctx.params.id.replace(/^rr-/, ''))
          if (!run || run.job !== ctx.params.job) return fail(ctx.res, 404)
          json(ctx.res, 200, view(run))
        }
      },
      {
        route: 'POST /public/automation/continuous-integration-jobs/:job/cancel',
        phase: 'cancel',
        handle(ctx) {
          const runs = [...book.runs.values()].filter((r) => r.job === ctx.params.job && phaseOf(r).phase !== 'ended')
          if (runs.length === 0) return json(ctx.res, 200, {})
          cancelRun(runs[runs.length - 1], ctx.res, () => {
            for (const r of runs) r.cancelledAt ??= Date.now()
            json(ctx.res, 200, {})
          })
        }
      }
    ]
  }
  return sandbox
}
