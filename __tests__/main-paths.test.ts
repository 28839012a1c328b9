// Every way the main step can go, in this process, on a platform of the test's own (Kiwi,
// fixtures/throwaway-platform.ts) and variants of it: a cancel that cannot, may not or did not
// happen (docs/reliability.md, "Stops"), attaching, per-test results, failures of ours and theirs.
import { jest } from '@jest/globals'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { tmpdir } from 'node:os'
import { realClock, type Clock } from '../src/clock.js'
import { PlatformError } from '../src/errors.js'
import type { Provider } from '../src/providers/types.js'
import { startSandbox } from '../sandbox/server.js'
import { kiwi, kiwiSandbox, registryWith } from './fixtures/throwaway-platform.js'
import { FakeClock } from './helpers/fake-clock.js'
import { inProcessStep } from './helpers/in-process.js'

const TOKEN = 'tok-CANARY-paths-0d4'
const step = inProcessStep()
let box: Awaited<ReturnType<typeof startSandbox>>
beforeEach(async () => {
  box = await startSandbox({ factories: [kiwiSandbox] })
})
afterEach(() => box.close())

const AT_TIMEOUT = { timeoutMinutes: '0.03', cancelOnAbort: 'true' }
const stops = () => box.requests.filter((r) => r.path.endsWith('/stop'))
const longRun = () => box.script('kiwi', { queuedMs: 0, runMs: 600_000 })

async function kiwiStep(inputs: Record<string, string> = {}, provider: Provider = kiwi, clock: Clock = new FakeClock(0.5, 1000)) {
  const base = {
    provider: 'kiwi',
    token: TOKEN,
    wait: 'true',
    pollIntervalSeconds: '1',
    baseUrl: box.baseUrl('kiwi'),
    scenarioId: 'plan-7'
  }
  return step.main({ inputs: { ...base, ...inputs } }, { clock, registry: registryWith(provider) })
}

/** A PlatformError as the transport makes it. */
const platformError = (status: number, kind: 'http' | 'too-large' = 'http') =>
  new PlatformError({
    platform: 'Kiwi',
    action: 'list the runs',
    endpoint: 'GET /v1/runs',
    kind,
    status,
    reached: true,
    ...(kind === 'too-large' && { detail: '10 MB' })
  })

describe('a cancel at the timeout', () => {
  it('a platform with no cancel call: said once, nothing owed to the post step', async () => {
    longRun()
    const r = await kiwiStep(AT_TIMEOUT, { ...kiwi, cancel: undefined })
    expect(r.outputs.status).toBe('timed_out')
    expect(step.warnings()).toEqual([expect.stringMatching(/^::warning::Kiwi has no cancel call: run \d+ goes on there\.$/)])
    expect(r.state.cancelOwed).toBeUndefined()
  })

  it('a cancel the provider refuses (it could stop another run): not sent, the reason on one line, not owed', async () => {
    longRun()
    const r = await kiwiStep(AT_TIMEOUT, { ...kiwi, refuseCancel: () => 'last seen QUEUED,\nnot ours yet' })
    expect(stops()).toEqual([])
    expect(step.warnings()).toEqual([expect.stringMatching(/^::warning::Did not cancel run \d+ on Kiwi: last seen QUEUED, not ours yet$/)])
    expect(r.state.cancelOwed).toBeUndefined()
  })

  it('another run the stop could reach: not sent, named, and not owed', async () => {
    longRun()
    const r = await kiwiStep(AT_TIMEOUT, { ...kiwi, otherRunsAtRisk: async () => 'run 9 of the plan is unfinished' })
    expect(stops()).toEqual([])
    expect(step.warnings()).toEqual([expect.stringMatching(/^::warning::Did not cancel run \d+ on Kiwi: run 9 of the plan is unfinished$/)])
    expect(r.state.cancelOwed).toBe('')
  })

  it.each([404, 405, 501])(
    'a listing the platform does not have (%i): ours is stopped without the check, and the log says so',
    async (status) => {
      longRun()
      const r = await kiwiStep(AT_TIMEOUT, {
        ...kiwi,
        otherRunsAtRisk: async () => {
          throw platformError(status)
        }
      })
      expect(stops()).toHaveLength(1)
      expect(r.out).toMatch(
        new RegExp(`Could not list the other runs before stopping run \\d+ \\(HTTP ${status}[^)]*\\): stopping it without that check\\.`)
      )
      expect(r.out).toMatch(/Cancelled run \d+ on Kiwi\./)
      expect(r.state).toMatchObject({ cancelSent: 'true', cancelOwed: '' })
    }
  )

  it.each([
    ['HTTP 500 Internal Server Error', () => platformError(500)],
    ['an unexpected error', () => new Error('boom')]
  ])('a listing that failed for now (%s): no stop, owed to the post step', async (what, error) => {
    longRun()
    const r = await kiwiStep(AT_TIMEOUT, {
      ...kiwi,
      otherRunsAtRisk: async () => {
        throw error()
      }
    })
    expect(stops()).toEqual([])
    expect(step.warnings()).toEqual([
      expect.stringContaining(
        `: could not check that no other run of it would be stopped (${what}). The post step of this action tries again.`
      )
    ])
    expect(r.state.cancelOwed).toBe('true')
  })

  it('a definite refusal of the stop (404): reported as what it is, not owed', async () => {
    longRun()
    box.fault('kiwi', { on: 'cancel', do: 'status', status: 404 })
    const r = await kiwiStep(AT_TIMEOUT)
    expect(step.warnings()).toEqual([expect.stringMatching(/^::warning::Could not cancel run \d+ on Kiwi: .*HTTP 404[^]*$/)])
    expect(step.warnings()[0]).not.toMatch(/tries again/)
    expect(r.state.cancelOwed).toBe('')
  })

  it.each([408, 500])('a stop that failed for now (%i): owed, and the post step tries again', async (status) => {
    longRun()
    box.fault('kiwi', { on: 'cancel', do: 'status', status })
    const r = await kiwiStep(AT_TIMEOUT)
    expect(step.warnings()).toEqual([
      expect.stringMatching(new RegExp(`Could not cancel run \\d+ on Kiwi: .*HTTP ${status}.*The post step of this action tries again\\.$`))
    ])
    expect(r.state.cancelOwed).toBe('true')
  })

  it('a stop that throws something else: one line, the token scrubbed, owed', async () => {
    longRun()
    const r = await kiwiStep(AT_TIMEOUT, {
      ...kiwi,
      cancel: async () => {
        throw new TypeError(`bad ${TOKEN}\nline`)
      }
    })
    expect(step.warnings()).toEqual([
      expect.stringMatching(/Could not cancel run \d+ on Kiwi: TypeError: bad \*\*\* line\. The post step of this action tries again\.$/)
    ])
    expect(r.state.cancelOwed).toBe('true')
  })

  it('says the caveat of a stop the vendor does not confirm, and that the run stopped', async () => {
    longRun()
    const r = await kiwiStep(AT_TIMEOUT, { ...kiwi, cancelCaveat: 'Kiwi does not document what its stop answers.' })
    expect(r.out).toContain('Kiwi does not document what its stop answers.')
    expect(r.out).toMatch(/Run \d+ has stopped \(STOPPED\)\./)
    expect(step.summary()).toMatch(/cancelled the run on the platform/)
    expect(r.code).toBe(1)
  })

  it('a stop that did not reach the run: the read after it says so', async () => {
    longRun()
    const r = await kiwiStep(AT_TIMEOUT, { ...kiwi, cancel: async () => undefined })
    expect(r.out).toMatch(
      /Run \d+ still shows RUNNING after the stop: Kiwi may take a moment, or the stop did not reach it; check Runs in Kiwi\./
    )
  })

  it('a read after the stop that fails: says where to look', async () => {
    longRun()
    let stopped = false
    const r = await kiwiStep(AT_TIMEOUT, {
      ...kiwi,
      cancel: async () => void (stopped = true),
      status: (ctx, id, signal) => (stopped ? Promise.reject(new Error('down')) : kiwi.status!(ctx, id, signal))
    })
    expect(r.out).toMatch(/Could not read run \d+ again after the stop: check Runs in Kiwi that it stopped\./)
  })

  it('a read after the stop that names another run: says nothing of it', async () => {
    longRun()
    let stopped = false
    const r = await kiwiStep(AT_TIMEOUT, {
      ...kiwi,
      cancel: async () => void (stopped = true),
      status: async (ctx, id, signal) => ({ ...(await kiwi.status!(ctx, id, signal)), ...(stopped && { id: '4242' }) })
    })
    expect(r.out).not.toMatch(/has stopped|still shows|again after the stop/)
  })
})

describe('attaching to a run (runId)', () => {
  it('follows the run, records it for the post step, and starts nothing', async () => {
    box.script('kiwi', { queuedMs: 0, runMs: 1 })
    const first = await kiwiStep({ wait: 'false' })
    const created = box.runs.kiwi
    const r = await kiwiStep({ runId: first.outputs.runId })
    expect(r.out).toContain(`Attaching to Kiwi run ${first.outputs.runId}…`)
    expect(r.outputs).toMatchObject({ runId: first.outputs.runId, status: 'passed' })
    expect(r.state.runId).toBe(first.outputs.runId)
    expect(box.runs.kiwi).toBe(created)
  })

  it('a run that is not there: says where run IDs come from', async () => {
    const r = await kiwiStep({ runId: '31337' })
    expect(step.errors().at(-1)).toMatch(
      /HTTP 404.*What to do: there is no run 31337 that this token can see: check `runId` comes from the step that started the run \(its `runId` output\), with the same account\.$/
    )
    expect(r.code).toBe(1)
  })

  it('a platform whose runs live under a job: the hint names it', async () => {
    await kiwiStep({ runId: '31337' }, { ...kiwi, runScope: 'the plan in `scenarioId`' })
    expect(step.errors().at(-1)).toMatch(
      /there is no run 31337 under the plan in `scenarioId` that this token can see: .* with the same account and job\.$/
    )
  })

  it('an answer about another run is refused', async () => {
    box.script('kiwi', { queuedMs: 0, runMs: 1 })
    const first = await kiwiStep({ wait: 'false' })
    const r = await kiwiStep(
      { runId: first.outputs.runId },
      { ...kiwi, status: async () => ({ id: '4242', status: 'passed', providerStatus: 'PASS', counts: {} }) }
    )
    expect(r.outputs.status).toBe('error')
    expect(step.errors().at(-1)).toMatch(/4242/)
  })
})

describe('the start', () => {
  it('says what was created: counts, the link, the platform’s words; wait false reports it triggered', async () => {
    const trigger: Provider['trigger'] = async (ctx, signal) => ({
      ...(await kiwi.trigger(ctx, signal)),
      url: 'https://app.kiwi.example/runs/1',
      message: 'Queued\nbehind 2'
    })
    const r = await kiwiStep({ wait: 'false' }, { ...kiwi, trigger })
    expect(r.out).toMatch(/Created run \(id \d+\) with 10 tests\./)
    expect(r.out).toContain('Open it: https://app.kiwi.example/runs/1')
    expect(r.out).toContain('Kiwi said: Queued behind 2')
    expect(r.outputs.status).toBe('triggered')
    expect(step.summary()).toContain('The run goes on in Kiwi.')
    expect(r.code).toBe(0)
  })

  it('a bug of ours: said plainly, without a stack trace or the token, outputs still written', async () => {
    const r = await kiwiStep(
      {},
      {
        ...kiwi,
        trigger: async () => {
          throw new TypeError(`cannot read x of ${TOKEN}`)
        }
      }
    )
    expect(step.errors()).toEqual([`::error::Unexpected error in the action: cannot read x of ***. Please report it.`])
    expect(r.outputs).toMatchObject({ status: 'error', runId: '' })
  })

  it('a read that waiting cannot fix: the error summary and the verdict, status error', async () => {
    box.script('kiwi', { queuedMs: 0, runMs: 60_000 })
    box.fault('kiwi', { on: 'poll', do: 'json', body: { id: [7] } })
    const r = await kiwiStep()
    expect(r.outputs.status).toBe('error')
    expect(step.errors().at(-1)).toMatch(/did not have the documented shape/)
    expect(step.summary()).toMatch(/did not have the documented shape/)
  })
})

describe('per-test results', () => {
  const tests = [
    { name: 'checkout', status: 'failed' as const, error: 'expected 200' },
    { name: 'login', status: 'passed' as const }
  ]

  it('read for a run that did not pass: the failures in the summary and as annotations', async () => {
    box.script('kiwi', { queuedMs: 0, runMs: 1, end: 'failed', failed: 1 })
    const read = jest.fn(async () => tests)
    const r = await kiwiStep({}, { ...kiwi, testResults: read })
    expect(read).toHaveBeenCalledTimes(1)
    expect(step.summary()).toContain('checkout')
    expect(step.errors().some((l) => l.includes('checkout'))).toBe(true)
    expect(r.code).toBe(1)
  })

  it('not read for a run that passed, unless a JUnit file is asked for', async () => {
    box.script('kiwi', { queuedMs: 0, runMs: 1 }, { queuedMs: 0, runMs: 1 })
    const read = jest.fn(async () => tests.slice(1))
    await kiwiStep({}, { ...kiwi, testResults: read })
    expect(read).not.toHaveBeenCalled()
    const junit = join(tmpdir(), `ttr-junit-${process.pid}.xml`)
    await kiwiStep({ junitPath: junit }, { ...kiwi, testResults: read })
    expect(read).toHaveBeenCalledTimes(1)
    expect(existsSync(junit) && readFileSync(junit, 'utf8')).toContain('login')
  })

  it('results too large to list: the summary says so, the verdict comes from the run', async () => {
    box.script('kiwi', { queuedMs: 0, runMs: 1, end: 'failed', failed: 1 })
    const r = await kiwiStep(
      {},
      {
        ...kiwi,
        testResults: async () => {
          throw platformError(200, 'too-large')
        }
      }
    )
    expect(step.summary()).toMatch(/larger than 10 MB, so they are not listed/)
    expect(step.warnings()).toEqual([expect.stringMatching(/^::warning::Could not read the per-test results: /)])
    expect(r.outputs.status).toBe('failed')
  })

  it('a read that throws something else: a warning with the token scrubbed, never the step’s failure', async () => {
    box.script('kiwi', { queuedMs: 0, runMs: 1, end: 'failed', failed: 1 })
    await kiwiStep(
      {},
      {
        ...kiwi,
        testResults: async () => {
          throw new Error(`no ${TOKEN}`)
        }
      }
    )
    expect(step.warnings()).toEqual(['::warning::Could not read the per-test results: Error: no ***'])
    expect(step.summary()).not.toMatch(/larger than/)
  })
})

describe('a signal while waiting', () => {
  async function signalled(inputs: Record<string, string>, provider: Provider = kiwi) {
    longRun()
    const before = new Set(process.listeners('SIGINT'))
    const done = kiwiStep(inputs, provider, realClock)
    const deadline = Date.now() + 20_000
    while (!box.requests.some((q) => q.method === 'GET') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20))
    ;(process.listeners('SIGINT').find((l) => !before.has(l)) as () => void)()
    return done
  }

  it('cancelOnAbort false: the run goes on, and the step says so', async () => {
    const r = await signalled({ cancelOnAbort: 'false' })
    expect(stops()).toEqual([])
    expect(r.outputs.status).toBe('cancelled')
    expect(step.errors().at(-1)).toMatch(
      /workflow was cancelled while waiting for Kiwi run \(id \d+\): it goes on there \(cancelOnAbort is false\)\.$/
    )
    expect(step.summary()).toContain('The run goes on on the platform.')
  })

  it('a cancel that failed: the verdict points at the warning', async () => {
    box.fault('kiwi', { on: 'cancel', do: 'status', status: 500 })
    const r = await signalled({ cancelOnAbort: 'true' })
    expect(r.outputs.status).toBe('cancelled')
    expect(step.errors().at(-1)).toMatch(/it was not cancelled \(see the warning above\)\.$/)
    expect(r.state.done).toBe('true')
  })
})

describe('what each ending writes', () => {
  const tests = [{ name: 'checkout', status: 'failed' as const, error: 'expected 200' }]

  it('a failed run with failOnTestFailure false: the failed tests are warnings, like the verdict', async () => {
    box.script('kiwi', { queuedMs: 0, runMs: 1, end: 'failed', failed: 1 })
    const r = await kiwiStep({ failOnTestFailure: 'false' }, { ...kiwi, testResults: async () => tests })
    expect(step.errors()).toEqual([])
    expect(step.warnings().some((l) => l.startsWith('::warning ') && l.includes('checkout'))).toBe(true)
    expect(r.code).toBe(0)
  })

  it('annotateTests false: the failed tests are in the summary, not annotations', async () => {
    box.script('kiwi', { queuedMs: 0, runMs: 1, end: 'failed', failed: 1 })
    await kiwiStep({ annotateTests: 'false' }, { ...kiwi, testResults: async () => tests })
    expect(step.summary()).toContain('checkout')
    expect([...step.errors(), ...step.warnings()].some((l) => l.includes('checkout'))).toBe(false)
  })

  it('a JUnit file asked of a platform without per-test results: none is written, and nothing breaks', async () => {
    box.script('kiwi', { queuedMs: 0, runMs: 1 })
    const junit = join(tmpdir(), `ttr-junit-none-${process.pid}.xml`)
    const r = await kiwiStep({ junitPath: junit })
    expect(existsSync(junit)).toBe(false)
    expect(r.outputs.status).toBe('passed')
  })

  it('the timeout without a cancel: the summary says the run goes on, the step fails', async () => {
    longRun()
    const r = await kiwiStep({ timeoutMinutes: '0.03' })
    expect(stops()).toEqual([])
    expect(step.summary()).toContain(
      'This step stopped waiting at the timeout; the run goes on on the platform. Open it to see how it ends.'
    )
    expect(r.out).toMatch(/Final: timed_out \(RUNNING\)/)
    expect(r.code).toBe(1)
  })

  it('a bug once the run is known: its ID stays in the outputs, status error', async () => {
    box.script('kiwi', { queuedMs: 0, runMs: 60_000 })
    const r = await kiwiStep({}, { ...kiwi, status: () => Promise.reject(new TypeError('x is undefined')) })
    expect(r.outputs).toMatchObject({ status: 'error', runId: expect.stringMatching(/^\d+$/) })
    expect(step.errors().at(-1)).toBe('::error::Unexpected error in the action: x is undefined. Please report it.')
  })

  it('how the run is started is logged before it is: the platform’s details, one line each', async () => {
    box.script('kiwi', { queuedMs: 0, runMs: 1 })
    const r = await kiwiStep(
      { wait: 'false' },
      {
        ...kiwi,
        startDetails: () => [{ label: 'Branch', value: 'main\nnext' }],
        trigger: async (ctx, signal) => ({ ...(await kiwi.trigger(ctx, signal)), counts: {} })
      }
    )
    expect(r.out).toMatch(/Starting a test run on Kiwi…\nBranch: main next\n/)
    expect(r.out).toMatch(/Created run \(id \d+\)\.\n/)
    expect(r.out).not.toMatch(/Open it:|Kiwi said:/)
  })
})

describe('a signal while waiting, the cancel done', () => {
  it('the log says it was received; the summary and verdict say the run was cancelled too', async () => {
    longRun()
    const before = new Set(process.listeners('SIGTERM'))
    const done = kiwiStep({ cancelOnAbort: 'true' }, kiwi, realClock)
    const deadline = Date.now() + 20_000
    while (!box.requests.some((q) => q.method === 'GET') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20))
    ;(process.listeners('SIGTERM').find((l) => !before.has(l)) as () => void)()
    const r = await done
    expect(r.out).toContain('Received a cancel signal from the runner; stopping.')
    expect(step.summary()).toContain('The workflow was cancelled while this step waited. The run was cancelled on the platform too.')
    expect(step.errors().at(-1)).toMatch(/: cancelled it on the platform\.$/)
    expect(r.outputs.status).toBe('cancelled')
  })
})

describe('the wait’s settings and edges', () => {
  // The sandbox's runs move on the step's own virtual clock.
  let clock: FakeClock
  beforeEach(async () => {
    await box.close()
    clock = new FakeClock(0.5, 1000)
    const epoch = Date.now()
    box = await startSandbox({ factories: [kiwiSandbox], now: () => epoch + clock.elapsed() })
  })

  it('pollIntervalSeconds sets every gap between reads, in seconds', async () => {
    box.script('kiwi', { queuedMs: 0, runMs: 10_000 })
    const r = await kiwiStep({ pollIntervalSeconds: '3' }, kiwi, clock)
    expect(r.outputs.status).toBe('passed')
    expect(clock.sleeps.length).toBeGreaterThan(1)
    expect(new Set(clock.sleeps)).toEqual(new Set([3000]))
  })

  it('a run this step just created may answer 404 for a moment: waited through; an attached one may not', async () => {
    box.script('kiwi', { queuedMs: 0, runMs: 5000 })
    box.fault('kiwi', { on: 'poll', do: 'status', status: 404 })
    const r = await kiwiStep({}, kiwi, clock)
    expect(r.outputs.status).toBe('passed')
    box.fault('kiwi', { on: 'poll', do: 'status', status: 404 })
    const attached = await kiwiStep({ runId: r.outputs.runId }, kiwi, clock)
    expect(attached.outputs.status).toBe('error')
  })

  it('a run that passed is not cancelled, with cancelOnAbort or without', async () => {
    box.script('kiwi', { queuedMs: 0, runMs: 2000 })
    const r = await kiwiStep({ cancelOnAbort: 'true' }, kiwi, clock)
    expect(r.outputs.status).toBe('passed')
    expect(stops()).toEqual([])
    expect(r.out).toMatch(/^running \(RUNNING\) · /m)
    expect(r.out).toMatch(/^Final: passed \(PASS\)/m)
  })

  it('a run still going at the timeout: its per-test results are not read', async () => {
    longRun()
    const read = jest.fn(async () => [])
    const r = await kiwiStep({ timeoutMinutes: '0.03' }, { ...kiwi, testResults: read })
    expect(r.outputs.status).toBe('timed_out')
    expect(read).not.toHaveBeenCalled()
  })

  it('attaching to a run the platform fails to read (500): no hint that the run is not there', async () => {
    box.fault('kiwi', { on: 'poll', do: 'status', status: 500, times: 20 })
    const r = await kiwiStep({ runId: '31337', timeoutMinutes: '0.5' })
    expect(r.code).toBe(1)
    expect(step.errors().join('\n')).not.toMatch(/there is no run/)
  })

  it('takes its signal listeners away when it ends', async () => {
    box.script('kiwi', { queuedMs: 0, runMs: 1 })
    const before = [process.listenerCount('SIGINT'), process.listenerCount('SIGTERM')]
    await kiwiStep()
    expect([process.listenerCount('SIGINT'), process.listenerCount('SIGTERM')]).toEqual(before)
  })
})
