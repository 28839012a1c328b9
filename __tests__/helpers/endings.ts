// Every documented terminal state of every pollable platform (docs/platforms.md), the sandbox
// script that ends a run with it, and what the step makes of it: status and exit code.
import type { Pollable } from './step.js'

export const ENDINGS: [Pollable, string, Record<string, unknown>, string, number][] = [
  ['testsigma', 'STATUS_COMPLETED/SUCCESS', { end: 'passed' }, 'passed', 0],
  ['testsigma', 'STATUS_COMPLETED/FAILURE', { end: 'failed', failed: 2 }, 'failed', 1],
  ['testsigma', 'STATUS_COMPLETED/STOPPED', { end: 'cancelled' }, 'cancelled', 1],
  ['testsigma', 'STATUS_COMPLETED/ABORTED', { end: 'ABORTED' }, 'error', 1],
  ['testsigma', 'STATUS_COMPLETED/NOT_EXECUTED', { end: 'NOT_EXECUTED' }, 'error', 1],
  ['testery', 'PASS', { end: 'passed' }, 'passed', 0],
  ['testery', 'FAIL', { end: 'failed', failed: 3 }, 'failed', 1],
  ['testery', 'CANCELED', { end: 'CANCELED' }, 'cancelled', 1],
  ['testery', 'CANCEL', { end: 'CANCEL' }, 'cancelled', 1],
  ['testery', 'FAIL', { end: 'error' }, 'error', 1],
  ['gearset', 'Succeeded', { end: 'passed' }, 'passed', 0],
  ['gearset', 'Failed', { end: 'failed' }, 'failed', 1],
  ['gearset', 'Partial', { end: 'Partial' }, 'failed', 1],
  // docs/platforms.md point 10: these end the wait, never run into the timeout.
  ['gearset', 'Error', { end: 'error' }, 'error', 1],
  ['gearset', 'Cancelled', { end: 'cancelled' }, 'cancelled', 1]
]

const platforms = [...new Set(ENDINGS.map((e) => e[0]))]
const kinds = [...new Set(ENDINGS.map((e) => e[3]))]

/**
 * What runs end to end through dist/index.js: a pass on each platform, and each other kind of
 * ending (fail, cancel, error) on one platform in turn. The in-process suite runs them all.
 */
export const ENDINGS_END_TO_END = ENDINGS.filter(([platform, , , status], i) => {
  const first = ENDINGS.findIndex((e) => e[0] === platform && e[3] === status) === i
  const k = kinds.indexOf(status)
  return first && (status === 'passed' || platforms[k % platforms.length] === platform)
})
