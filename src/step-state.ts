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

export const stepState = {
  /** The main step began: saved before its first request. A post step that finds none sends nothing. */
  began: () => flag(KEY.began),
  markBegan: () => saveState(KEY.began, 'true'),
  /** The run this step started or attached to: the one a post step may cancel. */
  runId: () => core.getState(KEY.runId),
  setRunId: (id: string) => saveState(KEY.runId, id),
  /** The main step reported its run to the end: nothing is left for the post step unless a cancel is owed. */
  done: () => flag(KEY.done),
  markDone: () => saveState(KEY.done, 'true'),
  /** A cancel the platform confirmed. */
  cancelSent: () => flag(KEY.cancelSent),
  markCancelSent: () => saveState(KEY.cancelSent, 'true'),
  /** A cancel was wanted and not confirmed: the post step tries again. */
  cancelOwed: () => flag(KEY.cancelOwed),
  oweCancel: (owed: boolean) => saveState(KEY.cancelOwed, owed ? 'true' : ''),
  /** One key per invocation, kept across the main and post step: every attempt of the trigger carries it. */
  idempotencyKey: () => core.getState(KEY.idempotencyKey),
  setIdempotencyKey: (key: string) => saveState(KEY.idempotencyKey, key)
}
