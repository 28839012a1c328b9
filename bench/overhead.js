// Part 3, step overhead: whole-process wall time and peak memory of a fire-and-forget trigger
// (Evaficy, against the sandbox on loopback), as a ratio to `node -e 0` measured in the same loop;
// the same step with commitStatus on (against a local stand-in of GitHub's API), and, when
// TTR_BENCH_BASELINE names a folder with an earlier build, that build, and when TTR_BENCH_PEER names
// the bundle of a comparable action (Codex-/await-remote-run's dist/index.mjs: a JavaScript action
// that awaits a run and reports it, node24), that action awaiting a run that has already ended,
// against a local stand-in of GitHub's API: start, two reads (the run's jobs and the run), outputs,
// exit; our step makes one request (the start). All in one loop, so the machine's load touches each
// alike. The peer's code is not kept in this repository.
import { spawn } from 'node:child_process'
import { createServer } from 'node:http'
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startSandbox } from '../sandbox/server.js'
import { ROOT } from '../scripts/github-runner.js'

/** Runs a command under GNU time; resolves to { ms, maxRssKiB, code }. */
function measure(args, env) {
  const out = join(tmpdir(), `ttr-time-${process.pid}-${Math.random().toString(36).slice(2)}`)
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint()
    const child = spawn('/usr/bin/time', ['-f', '%M', '-o', out, process.execPath, ...args], { env, stdio: 'ignore' })
    child.on('error', reject)
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6
      const maxRssKiB = Number(readFileSync(out, 'utf8').trim().split('\n').pop())
      rmSync(out, { force: true })
      resolve({ ms, maxRssKiB, code })
    })
  })
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

/**
 * What await-remote-run reads of GitHub's API, for a run that has already ended: its jobs (one in
 * progress, for the log's link) and the run itself, completed with success.
 */
async function fakeFinishedRun() {
  const server = createServer((req, res) => {
    req.resume()
    req.on('end', () => {
      res.writeHead(200, { 'Content-Type': 'application/json' })
      const url = 'https://github.com/acme/shop/actions/runs/1'
      res.end(
        JSON.stringify(
          req.url.includes('/jobs')
            ? {
                total_count: 1,
                jobs: [{ id: 1, name: 'e2e', status: 'in_progress', conclusion: null, html_url: `${url}/job/1`, steps: [] }]
              }
            : { id: 1, status: 'completed', conclusion: 'success', html_url: url }
        )
      )
    })
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((r) => server.close(r)) }
}

/** Answers every request as GitHub answers a new commit status (201). */
async function fakeGitHub() {
  const server = createServer((req, res) => {
    req.resume()
    req.on('end', () => {
      res.writeHead(201, { 'Content-Type': 'application/json' })
      res.end('{"id":1,"state":"pending"}')
    })
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((r) => server.close(r)) }
}

export async function overheadBench({ rounds = 21, baseline = process.env.TTR_BENCH_BASELINE, peer = process.env.TTR_BENCH_PEER } = {}) {
  const sandbox = await startSandbox()
  const github = await fakeGitHub()
  const finished = await fakeFinishedRun()
  const dir = mkdtempSync(join(tmpdir(), 'ttr-overhead-'))
  const env = {
    PATH: process.env.PATH,
    GITHUB_SHA: '3f786850e387550fdab836ed7e6dc881de23001b',
    GITHUB_OUTPUT: join(dir, 'output'),
    GITHUB_STATE: join(dir, 'state'),
    GITHUB_STEP_SUMMARY: join(dir, 'summary'),
    INPUT_PROVIDER: 'evaficy',
    INPUT_TOKEN: 'bench-token',
    INPUT_PROJECTID: '65f1c0ffee0000000000abcd',
    INPUT_SCENARIOID: '65f1c0ffee0000000000dcba',
    INPUT_WAIT: 'false',
    INPUT_TIMEOUTMINUTES: '60',
    INPUT_FAILONTESTFAILURE: 'true',
    INPUT_CANCELONABORT: 'false',
    INPUT_BASEURL: sandbox.baseUrl('evaficy')
  }
  const withStatus = {
    ...env,
    INPUT_COMMITSTATUS: 'true',
    INPUT_GITHUBTOKEN: 'bench-github-token',
    GITHUB_REPOSITORY: 'acme/shop',
    GITHUB_API_URL: github.url
  }
  const peerEnv = {
    PATH: process.env.PATH,
    GITHUB_API_URL: finished.url,
    GITHUB_REPOSITORY: 'acme/shop',
    GITHUB_OUTPUT: join(dir, 'output'),
    GITHUB_STEP_SUMMARY: join(dir, 'summary'),
    INPUT_TOKEN: 'bench-github-token',
    INPUT_OWNER: 'acme',
    INPUT_REPO: 'shop',
    INPUT_RUN_ID: '1',
    INPUT_RUN_TIMEOUT_SECONDS: '300',
    INPUT_POLL_INTERVAL_MS: '5000'
  }
  const fresh = () => {
    for (const f of ['output', 'state', 'summary']) writeFileSync(join(dir, f), '')
  }
  const stepOf = async (entry, variables) => {
    fresh()
    const r = await measure([entry], variables)
    if (r.code !== 0) throw new Error(`the step failed (exit ${r.code})`)
    return r
  }
  try {
    const bare = []
    const step = []
    const status = []
    const before = []
    const peers = []
    for (let i = 0; i < rounds; i++) {
      bare.push(await measure(['-e', '0'], { PATH: process.env.PATH }))
      step.push(await stepOf(join(ROOT, 'dist/index.js'), env))
      status.push(await stepOf(join(ROOT, 'dist/index.js'), withStatus))
      if (baseline) before.push(await stepOf(join(baseline, 'index.js'), env))
      if (peer) peers.push(await stepOf(peer, peerEnv))
    }
    const bareMs = median(bare.map((x) => x.ms))
    const stepMs = median(step.map((x) => x.ms))
    const spread = (xs) => [Math.min(...xs), Math.max(...xs)].map((x) => Math.round(x))
    return {
      stepMsRange: spread(step.map((x) => x.ms)),
      withCommitStatusMs: median(status.map((x) => x.ms)),
      withCommitStatusMsRange: spread(status.map((x) => x.ms)),
      withCommitStatusMaxRssMiB: median(status.map((x) => x.maxRssKiB)) / 1024,
      ...(baseline ? { baselineMs: median(before.map((x) => x.ms)), baselineMsRange: spread(before.map((x) => x.ms)) } : {}),
      ...(peer
        ? {
            peerMs: median(peers.map((x) => x.ms)),
            peerMsRange: spread(peers.map((x) => x.ms)),
            peerMaxRssMiB: median(peers.map((x) => x.maxRssKiB)) / 1024
          }
        : {}),
      rounds,
      bareNodeMs: bareMs,
      stepMs,
      ratio: stepMs / bareMs,
      bareNodeMaxRssMiB: median(bare.map((x) => x.maxRssKiB)) / 1024,
      stepMaxRssMiB: median(step.map((x) => x.maxRssKiB)) / 1024,
      bundleKiB: statSync(join(ROOT, 'dist/index.js')).size / 1024,
      runsCreated: sandbox.runs.evaficy
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
    await github.close()
    await finished.close()
    await sandbox.close()
  }
}
