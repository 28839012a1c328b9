// The runner's files (GITHUB_OUTPUT, GITHUB_STATE, GITHUB_STEP_SUMMARY) can be unwritable: a
// container job running as another user, a full disk, a file removed by an earlier step. What the
// run did decides the verdict, never a file (docs/reliability.md, "Runner files"): a file that
// cannot be written is named once, with the cause, and never ends in a stack trace.
import * as core from '@actions/core'
import { annotate } from './annotations.js'

export type RunnerFile = 'GITHUB_OUTPUT' | 'GITHUB_STATE' | 'GITHUB_STEP_SUMMARY'

const WHAT: Record<RunnerFile, string> = {
  GITHUB_OUTPUT: 'the step outputs',
  GITHUB_STATE: 'the state the post step reads',
  GITHUB_STEP_SUMMARY: 'the job summary'
}

// What each file not written means for the reader, after the cause.
const SO: Record<RunnerFile, string> = {
  GITHUB_OUTPUT: 'later steps see no outputs of this step (treat a missing `status` as not passed)',
  GITHUB_STATE: 'the post step cannot cancel a run this step leaves behind',
  GITHUB_STEP_SUMMARY: 'the results are in this log only'
}

const reported = new Set<RunnerFile>()

/** The cause of a failed write in a few words: the system's code, or its message without a stack. */
function cause(e: unknown): string {
  const err = e as { code?: string; message?: string }
  if (typeof err?.code === 'string') return err.code
  return String(err?.message ?? e)
    .split('\n')[0]
    .slice(0, 200)
}

/** The line that names an unwritable file: which, where, why, and what follows. */
export function fileProblem(file: RunnerFile, e: unknown): string {
  const where = process.env[file] ? ` (${process.env[file]})` : ''
  return `Could not write ${WHAT[file]} to ${file}${where}: ${cause(e)}. The step's result is unchanged; ${SO[file]}.`
}

/**
 * Runs one write to a runner file. A failure is reported once per file, as an error (outputs and
 * state) or a warning (the summary), and the step goes on; true when the write went through.
 */
export function guardFile(file: RunnerFile, write: () => void): boolean {
  try {
    write()
    return true
  } catch (e) {
    if (!reported.has(file)) {
      reported.add(file)
      annotate(file === 'GITHUB_STEP_SUMMARY' ? 'warning' : 'error', fileProblem(file, e))
    }
    return false
  }
}

/** The same for a write that is asynchronous (the job summary). */
export async function guardFileAsync(file: RunnerFile, write: () => Promise<unknown>): Promise<boolean> {
  try {
    await write()
    return true
  } catch (e) {
    return guardFile(file, () => {
      throw e
    })
  }
}

/** `core.saveState`, guarded. */
export const saveState = (name: string, value: string): boolean => guardFile('GITHUB_STATE', () => core.saveState(name, value))

/** `core.setOutput`, guarded. */
export const setOutput = (name: string, value: string): boolean => guardFile('GITHUB_OUTPUT', () => core.setOutput(name, value))

/** For tests: forget which files were reported. */
export function resetRunnerFiles(): void {
  reported.clear()
}
