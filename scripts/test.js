// `npm test`: the static checks side by side (each is one process on one core, and the bundle the
// end-to-end tests run is built among them), then every test. Each check's output is printed whole
// when it ends; the first check that fails fails the run, after the others have finished.
import { execFile, spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { parse } from 'yaml'

const checks = [
  ['typecheck', 'npm', ['run', '-s', 'typecheck']],
  ['eslint', 'npm', ['run', '-s', 'lint:eslint']],
  ['prettier', 'npm', ['run', '-s', 'lint:prettier']],
  ['knip', 'npm', ['run', '-s', 'lint:knip']],
  ['actionlint and GitHub’s schemas', 'npm', ['run', '-s', 'lint:workflows']],
  // jest's global setup would build it; built here, it is ready (cached) when jest starts.
  ['bundle', process.execPath, ['-e', 'import("./__tests__/global-setup.js").then((m) => m.default())']]
]

function run(name, cmd, args) {
  return new Promise((resolve) => {
    const started = Date.now()
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    child.stdout.on('data', (c) => (out += c))
    child.stderr.on('data', (c) => (out += c))
    child.on('close', (code) => {
      const s = ((Date.now() - started) / 1000).toFixed(1)
      process.stdout.write(`${code === 0 ? 'ok  ' : 'FAIL'} ${name} (${s} s)\n${out}`)
      resolve(code === 0)
    })
  })
}

/**
 * The Node that GitHub runs the action on (action.yml's runs.using, node24): the end-to-end tests
 * run the bundle on it (TTR_NODE). It comes from the npm registry's node package when this machine
 * has another; without it they run on this Node, and the line says so.
 */
function runtimeNode() {
  const major = /^node(\d+)$/.exec(parse(readFileSync('action.yml', 'utf8')).runs.using)?.[1]
  const started = Date.now()
  const line = (ok, text) => process.stdout.write(`${ok ? 'ok  ' : 'note'} ${text} (${((Date.now() - started) / 1000).toFixed(1)} s)\n`)
  if (process.env.TTR_NODE || !major || process.versions.node.split('.')[0] === major) return Promise.resolve(process.env.TTR_NODE)
  return new Promise((resolve) => {
    execFile(
      'npx',
      ['-y', '-p', `node@${major}`, 'node', '-p', 'process.version + " " + process.execPath'],
      { timeout: 180_000 },
      (e, out) => {
        const [version, path] = String(out ?? '')
          .trim()
          .split(' ')
        if (e || !path) {
          line(
            false,
            `Node ${major} (action.yml's runtime) could not be fetched: the end-to-end tests run on Node ${process.versions.node}`
          )
          return resolve(undefined)
        }
        line(true, `the end-to-end tests run the bundle on Node ${version.slice(1)}, action.yml's runtime`)
        resolve(path)
      }
    )
  })
}

const [results, node] = await Promise.all([Promise.all(checks.map((c) => run(...c))), runtimeNode()])
if (node) process.env.TTR_NODE = node
if (results.includes(false)) {
  process.stdout.write('\nA check failed (above): fix it, then run `npm test` again.\n')
  process.exit(1)
}
const jest = spawn(process.execPath, ['--experimental-vm-modules', 'node_modules/jest/bin/jest.js', ...process.argv.slice(2)], {
  stdio: 'inherit'
})
jest.on('close', (code) => process.exit(code ?? 1))
