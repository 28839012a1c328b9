// Runs the bundled action exactly as the GitHub runner does: INPUT_* variables (with action.yml's
// defaults filled in), GITHUB_OUTPUT / GITHUB_STATE / GITHUB_STEP_SUMMARY files, the GITHUB_*
// context variables, `node dist/index.js`. Used by the demo and the end-to-end tests.
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')

/** The runner's name for an input's variable: INPUT_ + upper-cased name, spaces as `_`. */
export const inputVariable = (name) => `INPUT_${name.replace(/ /g, '_').toUpperCase()}`

/** Parses a GITHUB_OUTPUT / GITHUB_STATE file (`name<<DELIM` … `DELIM`, or `name=value`). */
export function parseCommandFile(text) {
  const out = {}
  const lines = text.split(/\r?\n/)
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]
    if (!line) continue
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line)
    if (heredoc) {
      const [, name, delim] = heredoc
      const value = []
      while (++i < lines.length && lines[i] !== delim) value.push(lines[i])
      out[name] = value.join('\n')
    } else {
      const eq = line.indexOf('=')
      out[line.slice(0, eq)] = line.slice(eq + 1)
    }
  }
  return out
}

const action = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8'))

/**
 * The step's environment as the runner sets it, with its runner files in a new folder `dir`:
 * { dir, files, env }. `inputs` get action.yml's defaults filled in; `state` becomes STATE_*.
 */
export function stepEnvironment({ inputs = {}, env = {}, state = {} } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'ttr-step-'))
  const files = {
    GITHUB_OUTPUT: join(dir, 'output'),
    GITHUB_STATE: join(dir, 'state'),
    GITHUB_STEP_SUMMARY: join(dir, 'summary.md'),
    GITHUB_ENV: join(dir, 'env'),
    GITHUB_PATH: join(dir, 'path')
  }
  for (const f of Object.values(files)) writeFileSync(f, '')
  const inputEnv = {}
  for (const [name, spec] of Object.entries(action.inputs ?? {})) {
    // The one expression among action.yml's defaults: the workflow's token (none in these runs
    // unless the caller passes GITHUB_TOKEN).
    if (spec?.default !== undefined)
      inputEnv[inputVariable(name)] = String(spec.default).replace(/^\$\{\{ github\.token \}\}$/, env.GITHUB_TOKEN ?? '')
  }
  for (const [name, value] of Object.entries(inputs)) inputEnv[inputVariable(name)] = String(value)
  // A post step gets the main step's saved state as STATE_* variables.
  const stateEnv = Object.fromEntries(Object.entries(state).map(([k, v]) => [`STATE_${k}`, String(v)]))
  const stepEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    GITHUB_ACTIONS: 'true',
    CI: 'true',
    GITHUB_SHA: '3f786850e387550fdab836ed7e6dc881de23001b',
    GITHUB_REPOSITORY: 'acme/shop',
    GITHUB_REF: 'refs/heads/main',
    GITHUB_REF_NAME: 'main',
    GITHUB_RUN_ID: '8812345678',
    GITHUB_RUN_NUMBER: '812',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_JOB: 'acceptance',
    GITHUB_WORKFLOW: 'Deploy',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_API_URL: 'https://api.github.com',
    RUNNER_TEMP: dir,
    ...files,
    ...inputEnv,
    ...stateEnv,
    ...env
  }
  return { dir, files, env: stepEnv }
}

/**
 * Runs `node <entry>` as a step. Resolves to
 * { code, signal, stdout, stderr, outputs, state, summary, ms }.
 * `onStart(child)` gets the process, e.g. to send it a signal.
 */
// Tests run the bundle jest's global setup built from the current sources (TTR_BUNDLE); the demo runs dist/.
export function runAction({
  inputs = {},
  env = {},
  entry = process.env.TTR_BUNDLE ?? 'dist/index.js',
  state = {},
  onStart,
  timeoutMs = 60_000
} = {}) {
  const { dir, files, env: childEnv } = stepEnvironment({ inputs, env, state })
  const started = Date.now()
  return new Promise((resolve, reject) => {
    // The Node that runs the step: TTR_NODE when set (npm test sets it to action.yml's runtime, Node 24).
    const node = process.env.TTR_NODE || process.execPath
    const child = spawn(node, [join(ROOT, entry)], { cwd: dir, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (c) => (stdout += c))
    child.stderr.on('data', (c) => (stderr += c))
    const killer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    child.on('error', reject)
    child.on('close', (code, signal) => {
      clearTimeout(killer)
      const read = (f) => readFileSync(f, 'utf8')
      const result = {
        code,
        signal,
        stdout,
        stderr,
        outputs: parseCommandFile(read(files.GITHUB_OUTPUT)),
        state: parseCommandFile(read(files.GITHUB_STATE)),
        summary: read(files.GITHUB_STEP_SUMMARY),
        files: { output: read(files.GITHUB_OUTPUT), state: read(files.GITHUB_STATE), env: read(files.GITHUB_ENV) },
        ms: Date.now() - started
      }
      rmSync(dir, { recursive: true, force: true })
      resolve(result)
    })
    onStart?.(child)
  })
}
