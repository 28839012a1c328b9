// What the main step leaves for its post step, in the runner's saved state: the one place its keys
// and their meanings live (docs/reliability.md, "Post step").
import * as core from '@actions/core'
import { saveState } from './runner-files.js'

// The runner hands each key to the post step as STATE_<key>.
const KEY = {
  began: 'isPost',
  runId: 'runId',
  done: 'done',
  cancelSent: 'cancelSent',
  cancelOwed: 'cancelOwed',
  idempotencyKey: 'idempotencyKey'
} as const

const flag = (key: string) => core.getState(key) === 'true'

/**
 * A key of one run of the step: the first run's is the key itself, the n-th run's has `_n` added
 * (a step of several runs, README "One gate over several runs"), so a step of one run saves what it
 * always did.
 */
export const ofRun = (key: string, index: number) => (index === 0 ? key : `${key}_${index + 1}`)

export const stepState = {
  /** The main step began: saved before its first request. A post step that finds none sends nothing. */
  began: () => flag(KEY.began),
  markBegan: () => saveState(KEY.began, 'true'),
  /** The run this step started or attached to, by its place in the step's runs: the one a post step may cancel. */
  runId: (index = 0) => core.getState(ofRun(KEY.runId, index)),
  setRunId: (id: string, index = 0) => saveState(ofRun(KEY.runId, index), id),
  /** The main step reported its runs to the end: nothing is left for the post step unless a cancel is owed. */
  done: () => flag(KEY.done),
  markDone: () => saveState(KEY.done, 'true'),
  /** A cancel the platform confirmed. */
  cancelSent: (index = 0) => flag(ofRun(KEY.cancelSent, index)),
  markCancelSent: (index = 0) => saveState(ofRun(KEY.cancelSent, index), 'true'),
  /** A cancel was wanted and not confirmed: the post step tries again. */
  cancelOwed: (index = 0) => flag(ofRun(KEY.cancelOwed, index)),
  oweCancel: (owed: boolean, index = 0) => saveState(ofRun(KEY.cancelOwed, index), owed ? 'true' : ''),
  /** One key per invocation, kept across the main and post step: every attempt of the trigger carries it. */
  idempotencyKey: () => core.getState(KEY.idempotencyKey),
  setIdempotencyKey: (key: string) => saveState(KEY.idempotencyKey, key)
}
