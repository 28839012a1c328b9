// Part 3, step overhead: whole-process wall time and peak memory of a fire-and-forget trigger
// (Evaficy, against the sandbox on loopback), as a ratio to `node -e 0` measured in the same loop.
import { spawn } from 'node:child_process'
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

export async function overheadBench({ rounds = 21 } = {}) {
  const sandbox = await startSandbox()
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
  try {
    const bare = []
    const step = []
    for (let i = 0; i < rounds; i++) {
      for (const f of ['output', 'state', 'summary']) writeFileSync(join(dir, f), '')
      bare.push(await measure(['-e', '0'], { PATH: process.env.PATH }))
      const r = await measure([join(ROOT, 'dist/index.js')], env)
      if (r.code !== 0) throw new Error(`the step failed (exit ${r.code})`)
      step.push(r)
    }
    const bareMs = median(bare.map((x) => x.ms))
    const stepMs = median(step.map((x) => x.ms))
    return {
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
    await sandbox.close()
  }
}
