// Part 4, several steps on one Gearset CI job: Gearset limits status reads per job and per action
// (5 reads per 5 s, docs/platforms.md point 11), so steps that read one job share that limit
// without knowing of each other. N real `node dist/index.js` steps start at once on one job (whose
// runs go one at a time: docs/platforms.md point 8) against the sandbox, which enforces the limit
// and answers 429 beyond it. Counts the reads the server refused and the steps that failed.
import { startSandbox } from '../sandbox/server.js'
import { runAction } from '../scripts/github-runner.js'

export async function gearsetSharedBench({ steps = 3, runMs = 5000 } = {}) {
  const sandbox = await startSandbox()
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
    const results = await Promise.all(Array.from({ length: steps }, () => runAction({ inputs, timeoutMs: 11 * 60_000 })))
    const reads = sandbox.requests.filter((q) => q.method === 'GET' && q.path.includes(`/continuous-integration-jobs/${job}/`))
    const refused = sandbox.platforms.gearset.violations
    const route = (q) => (q.path.endsWith('/status') ? 'job status' : 'run request')
    const byRoute = {}
    for (const q of reads) {
      const r = (byRoute[route(q)] ??= { reads: 0, refused: 0 })
      r.reads++
      if (q.status === 429) r.refused++
    }
    return {
      byRoute,
      steps,
      failedSteps: results.filter((r) => r.code !== 0 || r.outputs.status !== 'passed').length,
      reads: reads.length,
      refused,
      refusedShare: reads.length ? refused / reads.length : 0,
      wallSeconds: (Date.now() - started) / 1000
    }
  } finally {
    await sandbox.close()
  }
}
