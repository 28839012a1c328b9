// Gearset Automation API (docs/platforms.md §4), `Authorization: token …`, modelled on the vendor's docs
// and spec-generated clients: a CI job runs one run at a time (later run requests wait Pending
// behind it); its cancel call stops the job's current run, whichever request started it; the job
// status route says Idle or Running. Limits are per job and per action (5 reads per 5 s): answers
// under the limit carry X-Rate-Limit-Limit/Remaining/Reset (Reset in ISO 8601 UTC), a read over it
// gets 429 with Retry-After in seconds, counted in `violations`. Error bodies: { Error: { Code, Message } }.
import { phaseOf, RunBook } from '../runs.js'
import { cancelRun, errorAnswer, json, scriptedStatus } from '../respond.js'
import { runNow } from '../clock.js'

const END_WORD = { passed: 'Succeeded', failed: 'Failed', cancelled: 'Cancelled', error: 'Error', partial: 'Partial' }
const MESSAGES = {
  400: 'The request is invalid',
  401: 'Invalid or expired access token',
  403: 'The Automation Platform licence is required',
  404: 'CI job not found'
}
const READS = { count: 5, perMs: 5000 }

function fail(res, status, headers, message) {
  errorAnswer(
    res,
    status,
    { Error: { Code: String(status), Message: message ?? MESSAGES[status] ?? `Error ${status}`, InnerError: null } },
    headers
  )
}

function view(run) {
  const p = phaseOf(run)
  const state = p.unknown ?? (p.phase === 'ended' ? (END_WORD[p.end] ?? p.end) : p.phase === 'queued' ? 'Pending' : 'Started')
  return {
    State: state,
    RunId: p.startedAt === undefined ? null : `run-${run.id}`,
    StartDateTime: p.startedAt ? new Date(p.startedAt).toISOString() : null,
    EndDateTime: p.phase === 'ended' ? new Date(p.endedAt).toISOString() : null
  }
}

export function gearsetSandbox() {
  const book = new RunBook()
  const reads = new Map() // `${jobId} ${action}` → recent GET times
  const jobRuns = (job) => [...book.runs.values()].filter((r) => r.job === job)
  /** Counts a read against its job's limit: the headers to answer with, or undefined when over it. */
  const admitRead = (job, action) => {
    const key = `${job} ${action}`
    const now = runNow()
    const recent = (reads.get(key) ?? []).filter((t) => now - t < READS.perMs)
    reads.set(key, recent)
    if (recent.length >= READS.count) return { over: true, retryAfter: Math.max(1, Math.ceil((recent[0] + READS.perMs - now) / 1000)) }
    recent.push(now)
    return {
      headers: {
        'X-Rate-Limit-Limit': '5s',
        'X-Rate-Limit-Remaining': String(READS.count - recent.length),
        'X-Rate-Limit-Reset': new Date(recent[0] + READS.perMs).toISOString()
      }
    }
  }
  const limited = (ctx, action, answer) => {
    const r = admitRead(ctx.params.job, action)
    if (r.over) {
      sandbox.violations++
      return fail(ctx.res, 429, { 'Retry-After': String(r.retryAfter) }, 'Rate limit exceeded')
    }
    answer(r.headers)
  }
  const sandbox = {
    // Every request is checked for the token first (server.js), answering with `fail`.
    auth: 'token',
    fail,
    name: 'gearset',
    // The inputs a step sends to start a run here (the tests' shared suites start runs with them).
    // One run at a time per scenarioId (docs/platforms.md): steps side by side each take their own.
    oneRunAtATimePer: 'scenarioId',
    stepInputs: { scenarioId: 'job-42' },
    book,
    violations: 0,
    routes: [
      {
        route: 'GET /public/automation/continuous-integration-jobs/:job/status',
        phase: 'meta',
        handle(ctx) {
          const scripted = scriptedStatus(ctx.params.job)
          if (scripted) return fail(ctx.res, scripted)
          limited(ctx, 'status', (headers) => {
            const busy = jobRuns(ctx.params.job).some((r) => phaseOf(r).phase !== 'ended')
            json(ctx.res, 200, { State: busy ? 'Running' : 'Idle' }, headers)
          })
        }
      },
      {
        route: 'POST /public/automation/continuous-integration-jobs/:job/run-requests',
        phase: 'trigger',
        handle(ctx) {
          const b = ctx.body
          if (b !== undefined && (typeof b !== 'object' || b === null || Array.isArray(b)))
            return fail(ctx.res, 400, {}, 'The request body must be a JSON object')
          if (b?.SourceGitCommitId !== undefined && typeof b.SourceGitCommitId !== 'string')
            return fail(ctx.res, 400, {}, 'SourceGitCommitId must be a string')
          const scripted = scriptedStatus(ctx.params.job)
          if (scripted) return fail(ctx.res, scripted)
          ctx.created()
          // One run at a time per job: a new request waits behind the last one not yet ended.
          const after = jobRuns(ctx.params.job)
            .filter((r) => phaseOf(r).phase !== 'ended')
            .pop()
          const run = book.create({ job: ctx.params.job, after, sourceCommit: b?.SourceGitCommitId })
          json(ctx.res, 200, { RunRequestId: `rr-${run.id}` })
        }
      },
      {
        route: 'GET /public/automation/continuous-integration-jobs/:job/run-requests/:id',
        phase: 'poll',
        handle(ctx) {
          limited(ctx, 'run-request', (headers) => {
            const run = book.get(ctx.params.id.replace(/^rr-/, ''))
            if (!run || run.job !== ctx.params.job) return fail(ctx.res, 404, headers)
            json(ctx.res, 200, view(run), headers)
          })
        }
      },
      {
        // Stops the job's current run, whoever started it (docs/platforms.md point 8); a run request
        // still Pending is left alone.
        route: 'POST /public/automation/continuous-integration-jobs/:job/cancel',
        phase: 'cancel',
        handle(ctx) {
          const current = jobRuns(ctx.params.job).find((r) => phaseOf(r).phase === 'running')
          if (!current) return json(ctx.res, 200, {})
          cancelRun(current, ctx.res, () => json(ctx.res, 200, {}))
        }
      }
    ]
  }
  return sandbox
}
