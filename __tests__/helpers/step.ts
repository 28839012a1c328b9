// Shared plumbing for end-to-end tests: the sandbox and the runner emulation, typed.
import type { ChildProcess } from 'node:child_process'
import { AsyncLocalStorage } from 'node:async_hooks'
import { runAction } from '../../scripts/github-runner.js'
import { startSandbox } from '../../sandbox/server.js'
import type { ProviderName } from '../../src/model.js'
import { PLATFORMS } from './platforms.js'

export interface StepResult {
  code: number
  signal: string | null
  stdout: string
  stderr: string
  outputs: Record<string, string>
  state: Record<string, string>
  summary: string
  files: { output: string; state: string; env: string }
  ms: number
}

export type Sandbox = Awaited<ReturnType<typeof startSandbox>>

export interface StepOptions {
  inputs?: Record<string, string>
  env?: Record<string, string>
  state?: Record<string, string>
  onStart?: (child: ChildProcess) => void
  timeoutMs?: number
  /** The file the runner starts (default: the bundle's index.js; `POST_ENTRY` for action.yml's post step). */
  entry?: string
}

/** action.yml's post step: the bundle's post.js beside the index.js under test. */
export const POST_ENTRY = (process.env.TTR_BUNDLE ?? 'dist/index.js').replace(/index\.js$/, 'post.js')

export const step = (o: StepOptions): Promise<StepResult> => runAction(o) as Promise<StepResult>

/** What a step of each pollable platform starts on the sandbox (its sandbox file's stepInputs). */
export const POLLABLE: Record<string, Record<string, string>> = Object.fromEntries(
  PLATFORMS.filter((p) => p.pollable).map((p) => [p.name, p.stepInputs])
)
export type Pollable = ProviderName

/**
 * A step that waits for a run of a pollable platform, polled every second. Where a platform runs
 * one run at a time per environment or job (Testery, Gearset: docs/platforms.md points 3 and 8;
 * its sandbox file's oneRunAtATimePer), each step gets its own, so a run an earlier test left
 * running does not hold this one in the queue.
 */
export function pollingStep(box: { get(): Sandbox }, token: string, prefix: string) {
  let fresh = 0
  return (provider: Pollable, inputs: Record<string, string> = {}, extra: StepOptions = {}): Promise<StepResult> => {
    const queue = PLATFORMS.find((p) => p.name === provider)?.oneRunAtATimePer
    const own: Record<string, string> = queue ? { [queue]: `${prefix}-${++fresh}` } : {}
    return step({
      inputs: {
        provider,
        token,
        wait: 'true',
        pollIntervalSeconds: '1',
        baseUrl: box.get().baseUrl(provider),
        ...POLLABLE[provider],
        ...own,
        ...inputs
      },
      ...extra
    })
  }
}

export type PollingStep = ReturnType<typeof pollingStep>

/**
 * Runs each test on a sandbox of its own, started for it and closed after it, so a file's tests
 * can run concurrently (it.concurrent) without taking each other's faults, scripts or queues.
 */
export function sandboxPerTest(token: string, prefix: string) {
  return async (test: (box: Sandbox, run: PollingStep) => Promise<void>): Promise<void> => {
    const box = await startSandbox()
    try {
      await test(box, pollingStep({ get: () => box }, token, prefix))
    } finally {
      await box.close()
    }
  }
}

/**
 * A sandbox per test for files whose helpers read `box.get()`: each test wrapped in `each(…)` gets
 * a sandbox of its own, found through the test's async context, so the file's tests can run
 * concurrently while its helpers stay as they are.
 */
export function sandboxPerTestContext() {
  const current = new AsyncLocalStorage<Sandbox>()
  const box = {
    get: (): Sandbox => {
      const b = current.getStore()
      if (!b) throw new Error('box.get() outside a test wrapped in each()')
      return b
    }
  }
  const each = (test: () => Promise<void>) => async (): Promise<void> => {
    const b = await startSandbox()
    try {
      await current.run(b, test)
    } finally {
      await b.close()
    }
  }
  return { box, each }
}

/** One sandbox for the test file, fresh for it. */
export function sandboxForSuite(): { get(): Sandbox } {
  let sandbox: Sandbox | undefined
  beforeAll(async () => {
    sandbox = await startSandbox()
  })
  afterAll(() => sandbox?.close())
  return { get: () => sandbox! }
}

/** Every `::error`/`::warning` command, titled or not (per-test annotations carry a title). */
export const annotationsOf = (r: StepResult, kind: 'error' | 'warning') =>
  r.stdout.split('\n').filter((l) => l.startsWith(`::${kind}::`) || l.startsWith(`::${kind} `))

/** Errors the step printed as untitled workflow commands: its verdict and its problems. */
export const errorsOf = (r: StepResult) => r.stdout.split('\n').filter((l) => l.startsWith('::error::'))
export const warningsOf = (r: StepResult) => r.stdout.split('\n').filter((l) => l.startsWith('::warning::'))

/** The token may appear only in the ::add-mask:: command that hides it. */
export function expectNoLeak(r: StepResult, token: string): void {
  const forms = [token, Buffer.from(token).toString('base64'), encodeURIComponent(token)]
  const stdout = r.stdout
    .split('\n')
    .filter((l) => l !== `::add-mask::${token}`)
    .join('\n')
  for (const form of forms) {
    for (const text of [stdout, r.stderr, r.summary, r.files.output, r.files.state, r.files.env]) expect(text).not.toContain(form)
  }
}

/** Calls `then` once the step's log contains `text`. */
export function whenLogged(text: string, then: (child: ChildProcess) => void) {
  return (child: ChildProcess) => {
    let log = ''
    let done = false
    child.stdout?.on('data', (c) => {
      log += c
      if (!done && log.includes(text)) {
        done = true
        then(child)
      }
    })
  }
}
