// The sandbox's run clock: when runs are created, move through their phases and stop, and what the
// read limits count. It is the wall clock unless a test drives it (startSandbox({ now })), so a step
// on the virtual clock sees runs move exactly as far as its own clock did. One per process: a test
// that drives it has the process's sandboxes to itself (jest gives each test file its own).
let current = () => Date.now()

/** Epoch ms on the run clock. */
export const runNow = () => current()

/** Drives the run clock with `now` (epoch ms), or gives it back to the wall clock. */
export function driveRunClock(now) {
  current = now ?? (() => Date.now())
}
