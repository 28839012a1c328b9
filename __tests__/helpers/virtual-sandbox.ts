// A fresh sandbox for each test, its runs moving on a virtual clock of the test's own, so a step run
// in this process on that clock sees them move exactly as far as its clock did.
import { startSandbox } from '../../sandbox/server.js'
import { FakeClock } from './fake-clock.js'

export type Sandbox = Awaited<ReturnType<typeof startSandbox>>

/** Registers the hooks: `set` receives the sandbox and its clock before each test; the sandbox is closed after it. */
export function sandboxOnVirtualClock(
  set: (box: Sandbox, clock: FakeClock) => void,
  options: Parameters<typeof startSandbox>[0] = {}
): void {
  let box: Sandbox | undefined
  beforeEach(async () => {
    const clock = new FakeClock(0.5, 1000)
    const epoch = Date.now()
    box = await startSandbox({ ...options, now: () => epoch + clock.elapsed() })
    set(box, clock)
  })
  afterEach(() => box?.close())
}
