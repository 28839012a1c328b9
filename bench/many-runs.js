// Part 5, ten runs: one step following them all (README, One gate over several runs) against ten
// matrix steps of one run each, as real `node dist/index.js` processes against the sandbox, each
// under GNU time for its peak memory (VmHWM). Measured per case: runner time (the seconds each
// runner is busy, and GitHub's billed minutes: each job rounded up to a minute), requests, reads
// the platform refused, how late each run's end was seen, and peak memory per runner.
//   - ten Testsigma plans, run lengths drawn from the seed (4–12 s, 40 tests each);
//   - ten run requests queued on one Gearset CI job (it runs one at a time, 2 s each), followed by
//     `runId`: the job's documented read limit (5 per 5 s) is shared by whoever reads it;
//   - one step following 20 Testsigma runs over HTTPS (the target: ≤ 80 MiB on Node 24).
// `npm run bench -- many`; TTR_NODE picks the Node that runs the steps, TTR_BENCH_MANY_SEEDS the seeds (3).
import { spawn } from 'node:child_process'
import { readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { startSandbox } from '../sandbox/server.js'
import { phaseOf } from '../sandbox/runs.js'
import { ROOT, parseCommandFile, stepEnvironment } from '../scripts/github-runner.js'

const TLS = join(ROOT, '__tests__/fixtures/tls')
const TOKEN = 'tok-bench-many'

/** One step, as the runner starts it, under GNU time: exit code, outputs, wall seconds, peak MiB. */
function step(inputs, env = {}) {
  const node = process.env.TTR_NODE || process.execPath
  const { dir, files, env: childEnv } = stepEnvironment({ inputs: { token: TOKEN, ...inputs }, env })
  const out = join(dir, 'time')
  const started = Date.now()
  return new Promise((resolve, reject) => {
    const child = spawn('/usr/bin/time', ['-f', '%M', '-o', out, node, join(ROOT, 'dist/index.js')], {
      cwd: dir,
      env: childEnv,
      stdio: 'ignore'
    })
    child.on('error', reject)
    child.on('close', (code) => {
      const seconds = (Date.now() - started) / 1000
      const kib = Number(readFileSync(out, 'utf8').trim().split('\n').pop())
      const outputs = parseCommandFile(readFileSync(files.GITHUB_OUTPUT, 'utf8'))
      rmSync(dir, { recursive: true, force: true })
      resolve({ code, outputs, seconds, mib: kib / 1024 })
    })
  })
}

function seeded(seed) {
  let state = seed
  return () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31
}

/** What a case cost: runner time, requests, refusals, how late the ends were seen, memory. */
function costs(box, platform, steps, seenLate) {
  const requests = box.requests.filter((q) => q.platform === platform)
  return {
    passed: steps.every((s) => s.code === 0 && s.outputs.status === 'passed'),
    runners: steps.length,
    runnerSeconds: steps.reduce((a, s) => a + s.seconds, 0),
    billedMinutes: steps.reduce((a, s) => a + Math.ceil(s.seconds / 60), 0),
    requests: requests.length,
    refused: requests.filter((q) => q.status === 429).length,
    seenLateMedian: seenLate[Math.floor(seenLate.length / 2)],
    seenLateMax: seenLate.at(-1),
    peakMiB: Math.max(...steps.map((s) => s.mib))
  }
}

/** From each run's end to the first answered read of it that saw the end, seconds, sorted. */
function lateness(box, platform, pathOf) {
  const reads = box.requests.filter((q) => q.platform === platform && q.method === 'GET' && q.status === 200)
  return [...box.platforms[platform].book.runs.values()]
    .map((run) => {
      const { endedAt } = phaseOf(run)
      const seen = reads.find((q) => q.path === pathOf(run) && q.at >= endedAt)
      return seen ? (seen.at - endedAt) / 1000 : Infinity
    })
    .sort((a, b) => a - b)
}

/** Ten Testsigma plans: one step with the list, or ten steps of one plan each, started together. */
async function plans(seed, oneStep, runs = 10) {
  const box = await startSandbox({ quiet: true })
  try {
    const random = seeded(seed)
    const ids = Array.from({ length: runs }, (_, i) => String(4000 + i))
    for (let i = 0; i < runs; i++) box.script('testsigma', { queuedMs: 500, runMs: Math.round(4000 + random() * 8000), total: 40 })
    const base = { provider: 'testsigma', environment: '10', wait: 'true', baseUrl: box.baseUrl('testsigma') }
    const steps = oneStep
      ? [await step({ ...base, scenarioId: ids.join(',') })]
      : await Promise.all(ids.map((id) => step({ ...base, scenarioId: id })))
    return costs(
      box,
      'testsigma',
      steps,
      lateness(box, 'testsigma', (run) => `/api/v1/execution_results/${run.id}`)
    )
  } finally {
    await box.close()
  }
}

/** Ten run requests queued on one Gearset job, followed by one step (a list of runId) or ten. */
async function sharedJob(seed, oneStep, runs = 10) {
  const box = await startSandbox({ quiet: true })
  try {
    const job = 'shared-job'
    const ids = []
    for (let i = 0; i < runs; i++) {
      box.script('gearset', { queuedMs: 500, runMs: 2000 })
      const res = await fetch(`${box.baseUrl('gearset')}/public/automation/continuous-integration-jobs/${job}/run-requests`, {
        method: 'POST',
        headers: { Authorization: `token ${TOKEN}`, 'api-version': '1', 'Content-Type': 'application/json' },
        body: '{}'
      })
      ids.push((await res.json()).RunRequestId)
    }
    const before = box.requests.length
    // The seed orders the matrix legs' starts, a few milliseconds apart, as runners come up.
    const random = seeded(seed)
    const base = { provider: 'gearset', scenarioId: job, wait: 'true', timeoutMinutes: '10', baseUrl: box.baseUrl('gearset') }
    const steps = oneStep
      ? [await step({ ...base, runId: ids.join(',') })]
      : await Promise.all(ids.map((id) => new Promise((r) => setTimeout(r, random() * 50)).then(() => step({ ...base, runId: id }))))
    box.requests.splice(0, before)
    return costs(
      box,
      'gearset',
      steps,
      lateness(box, 'gearset', (run) => `/public/automation/continuous-integration-jobs/${job}/run-requests/rr-${run.id}`)
    )
  } finally {
    await box.close()
  }
}

/** One step following `runs` Testsigma runs of 40 tests over HTTPS, as against the real platform: its peak MiB. */
async function memoryOf(runs) {
  const box = await startSandbox({
    quiet: true,
    tls: { key: readFileSync(join(TLS, 'server.key')), cert: readFileSync(join(TLS, 'server.pem')) }
  })
  try {
    for (let i = 0; i < runs; i++) box.script('testsigma', { queuedMs: 500, runMs: 20_000, total: 40, failed: i % 4 === 0 ? 3 : 0 })
    const ids = Array.from({ length: runs }, (_, i) => String(5000 + i))
    const s = await step(
      {
        provider: 'testsigma',
        scenarioId: ids.join(','),
        environment: '10',
        wait: 'true',
        failOnTestFailure: 'false',
        baseUrl: box.baseUrl('testsigma')
      },
      { NODE_EXTRA_CA_CERTS: join(TLS, 'ca.pem') }
    )
    return { mib: s.mib, code: s.code, status: s.outputs.status }
  } finally {
    await box.close()
  }
}

export async function manyRunsBench({ seeds = [1, 2, 3] } = {}) {
  const out = { plans: { oneStep: [], matrix: [] }, sharedJob: { oneStep: [], matrix: [] }, memory: {} }
  for (const seed of seeds) {
    out.plans.oneStep.push(await plans(seed, true))
    out.plans.matrix.push(await plans(seed, false))
    out.sharedJob.oneStep.push(await sharedJob(seed, true))
    out.sharedJob.matrix.push(await sharedJob(seed, false))
  }
  for (const runs of [1, 10, 20]) {
    out.memory[runs] = []
    for (let i = 0; i < seeds.length; i++) out.memory[runs].push(await memoryOf(runs))
  }
  return out
}
