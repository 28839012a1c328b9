// `npm run demo`: starts the sandbox, runs dist/index.js exactly as the GitHub runner would, and
// prints the step's log (live), its outputs and its job summary. By default it waits for a
// Testsigma run that passes. Arguments are `name=value` pairs:
//   provider=testsigma|testery|gearset|evaficy   the platform
//   outcome=passed|failed|cancelled|error|<a platform word, e.g. Partial>   how the sandbox run ends
//   seconds=8                                    how long the sandbox run takes
//   any input of action.yml, e.g. token=invalid-token, timeoutMinutes=0.05, wait=false
import { mkdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { FACTORIES, startSandbox } from '../sandbox/server.js'
import { runAction } from './github-runner.js'

const args = Object.fromEntries(
  process.argv.slice(2).map((a) => {
    const i = a.indexOf('=')
    if (i < 1) {
      console.error(`demo: arguments are input=value pairs (got "${a}")`)
      process.exit(2)
    }
    return [a.slice(0, i), a.slice(i + 1)]
  })
)

/** The job summary as a person would read it in a terminal. */
function summaryAsText(html) {
  const entities = { amp: '&', lt: '<', gt: '>', quot: '"' }
  return html
    .replace(/<h(\d)>(.*?)<\/h\1>/g, (_, n, t) => `\n${'#'.repeat(Number(n))} ${t}\n`)
    .replace(/<tr><th>(.*?)<\/th><td>(.*?)<\/td><\/tr>/g, '  $1: $2\n')
    .replace(/<tr>(.*?)<\/tr>/g, (_, cells) => `  ${cells.replace(/<\/t[hd]><t[hd]>/g, ' | ')}\n`)
    .replace(/<a href="([^"]*)">(.*?)<\/a>/g, '$2 ($1)')
    .replace(/<blockquote>(.*?)<\/blockquote>/g, '  > $1\n')
    .replace(/<br>/g, '\n        ')
    .replace(/<\/p>/g, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&(#\d+|\w+);/g, (m, e) => (e[0] === '#' ? String.fromCodePoint(Number(e.slice(1))) : (entities[e] ?? m)))
    .replace(/\n{3,}/g, '\n\n')
    .trim()
}

/** The step's log as the Actions UI shows it: commands rendered, masks and debug lines hidden. */
function logAsShown(stdout) {
  return stdout
    .split('\n')
    .filter((l) => l !== '' && !l.startsWith('::add-mask::') && !(l.startsWith('::debug::') && !process.env.RUNNER_DEBUG))
    .map((l) =>
      l
        .replace(/^::(error|warning|notice)(?: ([^:]*))?::/, (_, k, props = '') => {
          const title = /title=([^,]*)/.exec(props)?.[1]
          return `${k[0].toUpperCase()}${k.slice(1)}: ${title ? `${decodeURIComponent(title)}: ` : ''}`
        })
        .replace(/%0A/g, '\n')
    )
    .join('\n')
}

const rule = (title) => console.log(`\n\x1b[1m── ${title} ${'─'.repeat(Math.max(0, 66 - title.length))}\x1b[0m`)

// What the demo adds to a platform's own start inputs (its sandbox file's stepInputs): a run name,
// a commit, and waiting where the platform can be followed. A platform not listed is waited for.
const EXTRAS = {
  evaficy: { environment: 'Staging', runName: 'CI Run — build #812' },
  testsigma: { wait: 'true' },
  testery: { gitRef: '3f786850e387550fdab836ed7e6dc881de23001b', wait: 'true' },
  gearset: { scenarioId: 'ci-job-7f3a', wait: 'true' }
}

const { outcome = 'passed', seconds = '8', ...overrides } = args
const provider = overrides.provider ?? 'testsigma'
const known = Object.fromEntries(FACTORIES.map((make) => make()).map((p) => [p.name, p.stepInputs]))
if (!known[provider]) {
  console.error(`demo: provider must be one of ${Object.keys(known).join(', ')}`)
  process.exit(2)
}
const TARGET = { ...known[provider], ...(EXTRAS[provider] ?? { wait: 'true' }) }

const sandbox = await startSandbox()
try {
  const inputs = { provider, token: 'demo-token-not-a-secret', ...TARGET, baseUrl: sandbox.baseUrl(provider), ...overrides }
  if (provider !== 'evaficy') {
    const runMs = Math.max(1, Number(seconds)) * 1000
    const script = (end, ms) => ({
      queuedMs: Math.min(1500, ms / 4),
      runMs: ms,
      total: 24,
      failed: end === 'failed' ? 3 : 0,
      skipped: 1,
      end
    })
    sandbox.script(provider, script(outcome, runMs))
    // With lists (scenarioId=2090,2091 environment=10,11), the other runs pass, a little apart.
    for (let i = 1; i < 20; i++) sandbox.script(provider, script('passed', runMs + i * 700))
    console.log(
      `Sandbox: the ${provider} run will take ${seconds} s and end "${outcome}" (change with outcome=… seconds=…; with several runs, the first does, and the others pass).`
    )
  }
  rule('Step inputs (as `with:` in a workflow)')
  for (const [k, v] of Object.entries(inputs)) console.log(`  ${k}: ${k === 'token' ? '***' : v}`)

  rule('Step log (node dist/index.js)')
  const r = await runAction({
    inputs,
    timeoutMs: 30 * 60_000,
    onStart: (child) => {
      let pending = ''
      child.stdout.on('data', (chunk) => {
        const lines = (pending + chunk).split('\n')
        pending = lines.pop()
        const shown = logAsShown(lines.join('\n'))
        if (shown) process.stdout.write(shown.replace(/^/gm, '  ') + '\n')
      })
    }
  })
  if (r.stderr.trim()) process.stdout.write(r.stderr.replace(/^/gm, '  stderr: '))
  console.log(`  (exit code ${r.code})`)

  rule('Step outputs')
  const outputs = Object.entries(r.outputs)
  if (outputs.length === 0) console.log('  (none)')
  for (const [k, v] of outputs) console.log(`  ${k.padEnd(15)} ${v}`)

  rule('Job summary')
  console.log(r.summary ? summaryAsText(r.summary).replace(/^/gm, '  ') : '  (none written)')
  if (r.summary) {
    const dir = join(tmpdir(), 'trigger-test-run-demo')
    mkdirSync(dir, { recursive: true })
    const file = join(dir, 'job-summary.html')
    writeFileSync(file, `<!DOCTYPE html><meta charset="utf-8"><title>Job summary</title>\n${r.summary}`)
    console.log(`\n  The summary as GitHub renders it: ${file}`)
  }
  rule(r.code === 0 ? 'The step succeeded' : 'The step failed')
  process.exitCode = r.code === 0 ? 0 : 1
} finally {
  await sandbox.close()
}
