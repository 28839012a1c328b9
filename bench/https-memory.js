// Peak memory of the step over HTTPS, as against the real platforms (BENCHMARKS.md, part 3, "Over
// HTTPS"): `node dist/index.js` under GNU time (VmHWM, %M) against the sandbox serving HTTPS with
// the test certificate authority trusted through NODE_EXTRA_CA_CERTS. Not part of `npm run bench`:
// it needs the Node to measure, e.g.
//   TTR_NODE="$(npx -y -p node@24 which node)" node bench/https-memory.js
// TTR_NODE may be a wrapper script (to try V8 flags); TTR_ROUNDS sets the rounds (3).
import { spawn } from 'node:child_process'
import { readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { startSandbox } from '../sandbox/server.js'
import { ROOT, stepEnvironment } from '../scripts/github-runner.js'

const TLS = join(ROOT, '__tests__/fixtures/tls')
const node = process.env.TTR_NODE || process.execPath
const rounds = Number(process.env.TTR_ROUNDS ?? 3)
const box = await startSandbox({
  quiet: true,
  tls: { key: readFileSync(join(TLS, 'server.key')), cert: readFileSync(join(TLS, 'server.pem')) }
})

// A start (Evaficy), and a wait for a 20 s run without counts (Gearset) and with 40 tests (Testsigma).
const CASES = {
  'starts a run (Evaficy)': { provider: 'evaficy', projectId: '65f1c0ffee0000000000abcd', scenarioId: '65f1c0ffee0000000000dcba' },
  'waits, no counts (Gearset)': { provider: 'gearset', scenarioId: 'job-42', wait: 'true' },
  'waits, 40 tests (Testsigma)': { provider: 'testsigma', scenarioId: '2090', environment: '10', wait: 'true' }
}

function once(inputs) {
  if (inputs.provider !== 'evaficy') box.script(inputs.provider, { queuedMs: 500, runMs: 20_000, total: 40 })
  const all = { token: 'tok-https-memory', baseUrl: box.baseUrl(inputs.provider), ...inputs }
  const { dir, env } = stepEnvironment({ inputs: all, env: { NODE_EXTRA_CA_CERTS: join(TLS, 'ca.pem') } })
  const out = join(dir, 'time')
  return new Promise((resolve, reject) => {
    const child = spawn('/usr/bin/time', ['-f', '%M', '-o', out, node, join(ROOT, 'dist/index.js')], { cwd: dir, env, stdio: 'ignore' })
    child.on('error', reject)
    child.on('close', (code) => {
      const kib = Number(readFileSync(out, 'utf8').trim().split('\n').pop())
      rmSync(dir, { recursive: true, force: true })
      resolve({ code, mib: kib / 1024 })
    })
  })
}

try {
  const version = await new Promise((resolve) => {
    const c = spawn(node, ['-v'])
    let v = ''
    c.stdout.on('data', (d) => (v += d))
    c.on('close', () => resolve(v.trim()))
  })
  console.log(`Peak memory over HTTPS, ${node} (${version}), ${rounds} rounds:`)
  for (const [name, inputs] of Object.entries(CASES)) {
    const runs = []
    for (let i = 0; i < rounds; i++) runs.push(await once(inputs))
    const failed = runs.filter((r) => r.code !== 0).length
    const mib = runs.map((r) => r.mib).sort((a, b) => a - b)
    console.log(`  ${name.padEnd(28)} ${mib[0].toFixed(1)}–${mib.at(-1).toFixed(1)} MiB${failed ? `  (${failed} failed)` : ''}`)
  }
} finally {
  await box.close()
}
