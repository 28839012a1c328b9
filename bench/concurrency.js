// Part 2, concurrency: 50 real `node dist/index.js` processes at once, a mix of the four
// platforms with scripted runs of about 20 s, against one sandbox that enforces Gearset's
// documented per-job limit and a 429-with-Retry-After limit for the others.
import { startSandbox } from '../sandbox/server.js'
import { runAction } from '../scripts/github-runner.js'

const MIX = { testsigma: 15, testery: 15, gearset: 12, evaficy: 8 }

function inputsFor(platform, i, sandbox) {
  const common = { provider: platform, token: `bench-token-${i}`, baseUrl: sandbox.baseUrl(platform), timeoutMinutes: '5' }
  switch (platform) {
    case 'testsigma':
      return { ...common, scenarioId: String(2000 + i), wait: 'true' }
    case 'testery':
      return { ...common, projectId: `shop-${i}`, environment: `staging-${i}`, wait: 'true' } // Testery runs one run per environment at a time
    case 'gearset':
      return { ...common, scenarioId: `ci-job-${i}`, wait: 'true' } // one CI job per step, as in real use
    default:
      return { ...common, projectId: '65f1c0ffee0000000000abcd', scenarioId: '65f1c0ffee0000000000dcba' }
  }
}

export async function concurrencyBench({ perSecond = 20 } = {}) {
  const sandbox = await startSandbox({ rateLimit: { perSecond } })
  try {
    const steps = []
    let i = 0
    for (const [platform, count] of Object.entries(MIX)) {
      for (let k = 0; k < count; k++, i++) {
        if (platform !== 'evaficy') sandbox.script(platform, { queuedMs: 2000, runMs: 18_000, total: 40, failed: 0 })
        steps.push({ platform, inputs: inputsFor(platform, i, sandbox) })
      }
    }
    const started = Date.now()
    const results = await Promise.all(steps.map((s) => runAction({ inputs: s.inputs, timeoutMs: 6 * 60_000 }).then((r) => ({ ...s, r }))))
    const wallMs = Date.now() - started
    const expected = (s) => (s.platform === 'evaficy' ? 'triggered' : 'passed')
    return {
      steps: results.length,
      failedSteps: results.filter((x) => x.r.code !== 0 || x.r.outputs.status !== expected(x)).length,
      answers429: Object.values(sandbox.limited).reduce((a, b) => a + b, 0) + sandbox.platforms.gearset.violations,
      gearsetBeyondLimit: sandbox.platforms.gearset.violations,
      totalRequests: sandbox.requests.length,
      runsCreated: Object.values(sandbox.runs).reduce((a, b) => a + b, 0),
      wallSeconds: wallMs / 1000,
      limitPerSecond: perSecond
    }
  } finally {
    await sandbox.close()
  }
}
