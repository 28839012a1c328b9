// The main and post step run in this process, set up as the runner sets them up: the step's
// environment (scripts/github-runner.js) in process.env for one test and taken out after it,
// stdout captured, the runner files read back. @actions/core is the real one, writing to those files.
import * as core from '@actions/core'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseCommandFile, stepEnvironment } from '../../scripts/github-runner.js'
import { run } from '../../src/main.js'
import type { Clock } from '../../src/clock.js'
import type { Registry } from '../../src/providers/index.js'
import { FakeClock } from './fake-clock.js'
import { captureStdout } from './stdout.js'

export interface StepSetting {
  inputs?: Record<string, string>
  state?: Record<string, string>
  env?: Record<string, string>
}

export function inProcessStep() {
  const log = captureStdout()
  // core.summary keeps the first summary path it reads: one file for the whole test file.
  const summaryDir = mkdtempSync(join(tmpdir(), 'ttr-summary-'))
  const summaryFile = join(summaryDir, 'summary.md')
  let files: Record<string, string> = {}
  let dir = ''
  let saved: Record<string, string | undefined> = {}
  beforeEach(() => {
    writeFileSync(summaryFile, '')
    core.summary.emptyBuffer()
  })
  afterEach(() => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k]
      else process.env[k] = v
    }
    saved = {}
    if (dir) rmSync(dir, { recursive: true, force: true })
    dir = ''
  })
  afterAll(() => rmSync(summaryDir, { recursive: true, force: true }))

  const read = (f: string) => readFileSync(f, 'utf8')
  const outputs = () => parseCommandFile(read(files.GITHUB_OUTPUT)) as Record<string, string>
  const state = () => parseCommandFile(read(files.GITHUB_STATE)) as Record<string, string>
  return {
    /** Sets up the step: inputs (with action.yml's defaults), saved state, other variables. */
    enter(o: StepSetting) {
      const step = stepEnvironment(o)
      dir = step.dir
      files = { ...step.files, GITHUB_STEP_SUMMARY: summaryFile }
      const env: Record<string, string | undefined> = { ...step.env, GITHUB_STEP_SUMMARY: summaryFile }
      for (const [k, v] of Object.entries(env)) {
        if (!(k in saved)) saved[k] = process.env[k]
        if (v === undefined) delete process.env[k]
        else process.env[k] = v
      }
    },
    /**
     * The main step with these inputs, on `clock` (a virtual one unless given) and `registry`: its
     * exit code, outputs, saved state and log. The token, if any, never shows in the log.
     */
    async main(setting: StepSetting, o: { clock?: Clock; registry?: Registry } = {}) {
      this.enter(setting)
      await run(o.clock ?? new FakeClock(0.5, 1000), () => undefined, o.registry)
      const out = log.text()
      const token = setting.inputs?.token
      if (token && out.replaceAll(`::add-mask::${token}`, '').includes(token)) throw new Error('the token is in the log')
      return { code: process.exitCode === 1 ? 1 : 0, outputs: outputs(), state: state(), out }
    },
    outputs,
    state,
    summary: () => read(summaryFile),
    stdout: log.text,
    errors: () => log.commands().filter((l) => l.startsWith('::error')),
    warnings: () => log.commands().filter((l) => l.startsWith('::warning'))
  }
}
