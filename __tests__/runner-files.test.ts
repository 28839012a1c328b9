// Runner files that cannot be written (docs/reliability.md, "Runner files"): named once per file,
// with the file, its path and the cause; an error for outputs and state, a warning for the summary.
// In process, with the workflow commands read from stdout.
import { captureStdout } from './helpers/stdout.js'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileProblem, guardFile, guardFileAsync, resetRunnerFiles, saveState, setOutput } from '../src/runner-files.js'

const printed = captureStdout()
const commands = printed.commands
const env = { ...process.env }
beforeEach(() => resetRunnerFiles())
afterEach(() => {
  for (const k of ['GITHUB_OUTPUT', 'GITHUB_STATE'] as const) {
    if (env[k] === undefined) delete process.env[k]
    else process.env[k] = env[k]
  }
})
const failing =
  (code?: string, message = 'no such file') =>
  () => {
    throw Object.assign(new Error(`${message}\n    at somewhere (file.js:1:1)`), code ? { code } : {})
  }

describe('fileProblem', () => {
  it('names the file, its path, the cause and what follows', () => {
    process.env.GITHUB_OUTPUT = '/runner/out'
    expect(fileProblem('GITHUB_OUTPUT', Object.assign(new Error('x'), { code: 'EACCES' }))).toBe(
      "Could not write the step outputs to GITHUB_OUTPUT (/runner/out): EACCES. The step's result is unchanged; later steps see no outputs of this step (treat a missing `status` as not passed)."
    )
  })

  it('without a system code: the first line of the message, never a stack', () => {
    delete process.env.GITHUB_STATE
    expect(fileProblem('GITHUB_STATE', new Error('Missing file at path: /x\n    at issueFileCommand'))).toBe(
      "Could not write the state the post step reads to GITHUB_STATE: Missing file at path: /x. The step's result is unchanged; the post step cannot cancel a run this step leaves behind."
    )
    expect(fileProblem('GITHUB_STEP_SUMMARY', 'gone')).toMatch(
      /^Could not write the job summary to GITHUB_STEP_SUMMARY.*: gone\. .*in this log only\.$/
    )
  })
})

describe('guardFile', () => {
  it('a write that works: true, and nothing said', () => {
    let wrote = 0
    expect(guardFile('GITHUB_OUTPUT', () => void wrote++)).toBe(true)
    expect(wrote).toBe(1)
    expect(commands()).toEqual([])
  })

  it('outputs and state that fail: one ::error each, however often they fail, and false', () => {
    expect(guardFile('GITHUB_OUTPUT', failing('ENOSPC'))).toBe(false)
    expect(guardFile('GITHUB_OUTPUT', failing('ENOSPC'))).toBe(false)
    expect(guardFile('GITHUB_STATE', failing())).toBe(false)
    const said = commands()
    expect(said).toHaveLength(2)
    expect(said[0]).toMatch(/^::error::Could not write the step outputs to GITHUB_OUTPUT.*: ENOSPC\./)
    expect(said[1]).toMatch(/^::error::Could not write the state the post step reads to GITHUB_STATE.*: no such file\./)
    expect(said.join('\n')).not.toContain('at somewhere')
  })

  it('a summary that fails: one warning, never an error', async () => {
    expect(await guardFileAsync('GITHUB_STEP_SUMMARY', async () => Promise.reject(new Error('Unable to access summary file')))).toBe(false)
    expect(await guardFileAsync('GITHUB_STEP_SUMMARY', async () => Promise.reject(new Error('again')))).toBe(false)
    expect(commands()).toEqual([
      expect.stringMatching(/^::warning::Could not write the job summary to GITHUB_STEP_SUMMARY.*: Unable to access summary file\./)
    ])
    expect(await guardFileAsync('GITHUB_STEP_SUMMARY', async () => undefined)).toBe(true)
  })
})

describe('saveState and setOutput', () => {
  it('write through to the runner’s files, and name the right file when they cannot', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ttr-files-'))
    process.env.GITHUB_OUTPUT = join(dir, 'output')
    process.env.GITHUB_STATE = join(dir, 'state')
    writeFileSync(process.env.GITHUB_OUTPUT, '')
    writeFileSync(process.env.GITHUB_STATE, '')
    expect(setOutput('status', 'passed')).toBe(true)
    expect(saveState('runId', '42')).toBe(true)
    expect(readFileSync(join(dir, 'output'), 'utf8')).toMatch(/^status<<.*\npassed\n/)
    expect(readFileSync(join(dir, 'state'), 'utf8')).toMatch(/^runId<<.*\n42\n/)
    expect(commands()).toEqual([])
    process.env.GITHUB_OUTPUT = join(dir, 'gone', 'output')
    process.env.GITHUB_STATE = join(dir, 'gone', 'state')
    expect(setOutput('status', 'passed')).toBe(false)
    expect(saveState('runId', '42')).toBe(false)
    expect(commands()).toEqual([
      expect.stringMatching(/^::error::Could not write the step outputs to GITHUB_OUTPUT \(.*gone.*\): Missing file/),
      expect.stringMatching(/^::error::Could not write the state the post step reads to GITHUB_STATE \(.*gone.*\): Missing file/)
    ])
  })

  it('a cause is one line of at most 200 characters; anything thrown is named', () => {
    expect(fileProblem('GITHUB_STEP_SUMMARY', new Error('x'.repeat(300)))).toContain(`: ${'x'.repeat(200)}. `)
    expect(fileProblem('GITHUB_STEP_SUMMARY', null)).toContain(': null. ')
  })
})
