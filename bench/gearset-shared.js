// Part 4, several steps on one Gearset CI job: Gearset limits status reads per job and per action
// (5 reads per 5 s, docs/platforms.md point 11), so steps that read one job share that limit
// without knowing of each other. N real `node dist/index.js` steps start on one job (whose runs go
// one at a time: docs/platforms.md point 8) against the sandbox, which enforces the limit and
// answers 429 beyond it. Counts the reads the server refused, the steps that failed, and how late
// each step saw its run end. Steps start together (`spreadMs` 0: the worst case, nothing to tell
// them apart), or each at a random moment within `spreadMs` (workflows started by separate events).
import { startSandbox } from '../sandbox/server.js'
import { phaseOf } from '../sandbox/runs.js'
import { runAction } from '../scripts/github-runner.js'

export async function gearsetSharedBench({ steps = 3, runMs = 5000, spreadMs = 0, seed = 1 } = {}) {
  const sandbox = await startSandbox()
  let state = seed
  const random = () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31
  try {
    for (let i = 0; i < steps; i++) sandbox.script('gearset', { queuedMs: 500, runMs })
    const job = 'shared-job'
    const inputs = {
      provider: 'gearset',
      token: 'bench-token',
      scenarioId: job,
      wait: 'true',
      timeoutMinutes: '10',
      baseUrl: sandbox.baseUrl('gearset')
    }
    const started = Date.now()
    const offsets = Array.from({ length: steps }, () => (spreadMs ? Math.round(random() * spreadMs) : 0))
    const results = await Promise.all(
      offsets.map((ms) => new Promise((r) => setTimeout(r, ms)).then(() => runAction({ inputs, timeoutMs: 11 * 60_000 })))
    )
    const reads = sandbox.requests.filter((q) => q.method === 'GET' && q.path.includes(`/continuous-integration-jobs/${job}/`))
    const refused = sandbox.platforms.gearset.violations
    const route = (q) => (q.path.endsWith('/status') ? 'job status' : 'run request')
    const byRoute = {}
    for (const q of reads) {
      const r = (byRoute[route(q)] ??= { reads: 0, refused: 0 })
      r.reads++
      if (q.status === 429) r.refused++
    }
    // How late each step saw its run end: from the run's end to the first answered read after it.
    const late = [...sandbox.platforms.gearset.book.runs.values()].map((run) => {
      const { endedAt } = phaseOf(run)
      const seen = reads.find((q) => q.status === 200 && q.path.endsWith(`/rr-${run.id}`) && q.at >= endedAt)
      return seen ? (seen.at - endedAt) / 1000 : Infinity
    })
    late.sort((a, b) => a - b)
    return {
      byRoute,
      steps,
      spreadMs,
      failedSteps: results.filter((r) => r.code !== 0 || r.outputs.status !== 'passed').length,
      reads: reads.length,
      refused,
      refusedShare: reads.length ? refused / reads.length : 0,
      lateMedianSeconds: late[Math.floor(late.length / 2)],
      lateMaxSeconds: late[late.length - 1],
      wallSeconds: (Date.now() - started) / 1000
    }
  } finally {
    await sandbox.close()
  }
}
