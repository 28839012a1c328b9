// `npm test`: the static checks side by side (each is one process on one core, and the bundle the
// end-to-end tests run is built among them), then every test. Each check's output is printed whole
// when it ends; the first check that fails fails the run, after the others have finished.
import { spawn } from 'node:child_process'

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

const results = await Promise.all(checks.map((c) => run(...c)))
if (results.includes(false)) {
  process.stdout.write('\nA check failed (above): fix it, then run `npm test` again.\n')
  process.exit(1)
}
const jest = spawn(process.execPath, ['--experimental-vm-modules', 'node_modules/jest/bin/jest.js', ...process.argv.slice(2)], {
  stdio: 'inherit'
})
jest.on('close', (code) => process.exit(code ?? 1))
