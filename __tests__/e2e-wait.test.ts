// End to end: dist/index.js as the runner runs it, waiting for scripted sandbox runs on the
// three platforms that can be followed.
import {
  errorsOf,
  expectNoLeak,
  sandboxPerTest,
  warningsOf,
  whenLogged,
  type Pollable,
  type PollingStep,
  type Sandbox
} from './helpers/step.js'
import { CANCELLABLE_NAMES, POLLABLE_NAMES } from './helpers/platforms.js'
import { ENDINGS_END_TO_END } from './helpers/endings.js'
import { MARK } from '../src/report.js'
import type { RunStatus } from '../src/model.js'

const TOKEN = 'tok-CANARY-wait-77aa'
// Short scripted runs, polled every second.
const QUICK = { queuedMs: 100, runMs: 700, total: 10 }

const inSandbox = sandboxPerTest(TOKEN, 'staging')

const cancelCalls = (box: Sandbox, provider: Pollable) =>
  box.requests.filter((r) => r.platform === provider && (r.method === 'PUT' || r.method === 'PATCH' || r.path.endsWith('/cancel')))

describe('waiting for a run to end', () => {
  // Every ending on every platform, in-process: endings.test.ts.
  it.concurrent.each(ENDINGS_END_TO_END)('%s %s (script %j) → status %s, exit %d', (provider, word, script, status, code) =>
    inSandbox(async (box, waitStep) => {
      box.script(provider, { ...QUICK, ...script })
      const r = await waitStep(provider)
      expect(r.code).toBe(code)
      expect(r.outputs.status).toBe(status)
      expect(r.outputs.providerStatus).toBe(word)
      expect(JSON.parse(r.outputs.result)).toMatchObject({ provider, status, providerStatus: word })
      // The verdict in the heading (its mark), the platform's word in its own row.
      expect(r.summary.startsWith(`<h2>${MARK[status as RunStatus]} `)).toBe(true)
      expect(r.summary).toMatch(/ status<\/th><td><code>[^<]+<\/code>/)
      if (status === 'passed') {
        expect(errorsOf(r)).toEqual([])
        expect(r.stdout).toMatch(/^::notice::Tests passed: /m)
      } else expect(errorsOf(r)).toHaveLength(1)
      expectNoLeak(r, TOKEN)
    })
  )

  it.concurrent('shows progress while waiting and reports counts, duration and the run link', () =>
    inSandbox(async (box, waitStep) => {
      // Running for 8 s: eight reads' worth at one a second, so a loaded machine still reads it mid-run.
      box.script('testsigma', { queuedMs: 100, runMs: 8000, total: 20, failed: 2, skipped: 1, end: 'failed' })
      const r = await waitStep('testsigma')
      const progress = r.stdout.split('\n').filter((l) => /^(queued|running|failed) \(/.test(l))
      // Testsigma's first status is STATUS_CREATED (docs/platforms.md point 7).
      expect(progress[0]).toMatch(/^queued \(STATUS_CREATED\/QUEUED\) · 0\/20 done/)
      expect(progress.some((l) => /^running \(STATUS_IN_PROGRESS\/QUEUED\) · \d+\/20 done: [1-9]\d* passed/.test(l))).toBe(true)
      expect(progress[progress.length - 1]).toMatch(
        /^failed \(STATUS_COMPLETED\/FAILURE\) · 20\/20 done: 17 passed, 2 failed · \d+s elapsed$/
      )
      expect(r.outputs).toMatchObject({
        totalCount: '20',
        passedCount: '17',
        failedCount: '2',
        skippedCount: '1',
        runUrl: expect.stringMatching(/^https:\/\/app\.testsigma\.com\/ui\/td\/runs\/\d+$/)
      })
      expect(Number(r.outputs.durationSeconds)).toBeGreaterThanOrEqual(2)
      expect(r.summary).toContain('<h2>❌ Tests failed on Testsigma</h2>')
      expect(r.summary).toContain('20 total · 17 passed · 2 failed · 1 skipped')
      expect(r.summary).toContain(`<a href="${r.outputs.runUrl}">`)
      expect(errorsOf(r)[0]).toMatch(
        /^::error::Tests failed: 2 of 20 tests failed \(STATUS_COMPLETED\/FAILURE\): Testsigma run .* https:\/\/app\.testsigma\.com/
      )
    })
  )

  it.concurrent('turns a test failure into a warning with failOnTestFailure: false', () =>
    inSandbox(async (box, waitStep) => {
      box.script('testery', { ...QUICK, end: 'failed', failed: 1 })
      const r = await waitStep('testery', { failOnTestFailure: 'false' })
      expect(r.code).toBe(0)
      expect(r.outputs.status).toBe('failed')
      expect(warningsOf(r)).toEqual([
        expect.stringMatching(/Tests failed: 1 of 10 tests failed .*Not failing the step: failOnTestFailure is false/)
      ])
    })
  )

  // Every platform that reports counts; Gearset reports none, and no counts is not zero tests.
  it.concurrent.each(['testsigma', 'testery'] as const)(
    '%s: a pass with no test executed fails the gate; failOnNoTests: false passes it with a warning',
    (provider) =>
      inSandbox(async (box, waitStep) => {
        box.script(provider, { ...QUICK, total: 0, end: 'passed' })
        const r = await waitStep(provider)
        expect(r.code).toBe(1)
        expect(r.outputs.status).toBe('failed') // a later step's `status == 'passed'` cannot deploy
        expect(r.outputs.totalCount).toBe('0')
        expect(errorsOf(r)).toEqual([expect.stringMatching(/^::error::No test was executed \(.+\): .*set failOnNoTests: false\.$/)])
        expect(r.summary).toMatch(/^<h2>❌ Tests failed on /)
        expect(r.summary).toContain('reported with no test executed')
        box.script(provider, { ...QUICK, total: 0, end: 'passed' })
        const allowed = await waitStep(provider, { failOnNoTests: 'false' })
        expect(allowed.code).toBe(0)
        expect(allowed.outputs.status).toBe('passed')
        expect(warningsOf(allowed)).toEqual([expect.stringMatching(/passed with no test executed: .*failOnNoTests is false\.$/)])
      })
  )

  it.concurrent('Gearset (no counts): a pass is a pass, not "no tests"', () =>
    inSandbox(async (box, waitStep) => {
      box.script('gearset', { queuedMs: 100, runMs: 700, end: 'passed' })
      const r = await waitStep('gearset')
      expect(r.code).toBe(0)
      expect(r.outputs.status).toBe('passed')
      expect(warningsOf(r)).toEqual([])
    })
  )

  // On every platform, in-process: endings.test.ts.
  it.concurrent.each(POLLABLE_NAMES.slice(0, 1))('%s: an unknown word is logged and waited through to the real ending', (provider) =>
    inSandbox(async (box, waitStep) => {
      // The word shows for the second half of the run: 6 s, six reads' worth at one a second, so a
      // loaded machine that stalls the step for a few seconds still sees it.
      box.script(provider, { queuedMs: 100, runMs: 12_000, unknown: 'WARMING_UP', end: 'passed' })
      const r = await waitStep(provider)
      expect(r.code).toBe(0)
      expect(r.outputs.status).toBe('passed')
      expect(warningsOf(r)).toEqual([expect.stringContaining('reported the status "WARMING_UP", which this action does not know')])
    })
  )

  it.concurrent('times out: one last look, status timed_out, the run left going', () =>
    inSandbox(async (box, waitStep) => {
      box.script('testery', { queuedMs: 100, runMs: 600_000 })
      const r = await waitStep('testery', { timeoutMinutes: '0.04' })
      expect(r.code).toBe(1)
      expect(r.outputs.status).toBe('timed_out')
      expect(r.outputs.providerStatus).toBe('RUNNING')
      expect(errorsOf(r)[0]).toMatch(
        /^::error::Stopped waiting after 2s: Testery run .* was still RUNNING\. It goes on there; raise `timeoutMinutes`/
      )
      expect(r.summary).toContain('Stopped waiting: timeout reached')
      expect(cancelCalls(box, 'testery')).toHaveLength(0)
      // It separates a step that waits for the 10-minute run; a loaded 2-core machine took 11.2 s.
      expect(r.ms).toBeLessThan(25_000)
    })
  )

  it.concurrent('times out and cancels the run with cancelOnAbort: true', () =>
    inSandbox(async (box, waitStep) => {
      box.script('testsigma', { queuedMs: 100, runMs: 600_000 })
      const before = cancelCalls(box, 'testsigma').length
      const r = await waitStep('testsigma', { timeoutMinutes: '0.04', cancelOnAbort: 'true' })
      expect(r.code).toBe(1)
      expect(r.outputs.status).toBe('timed_out')
      expect(cancelCalls(box, 'testsigma').length - before).toBe(1)
      expect(errorsOf(r)[0]).toContain('It was cancelled on the platform.')
      expect(r.state.cancelSent).toBe('true')
    })
  )

  it.concurrent('with wait: false, starts the run, never reads its status, and reports it as triggered', () =>
    inSandbox(async (box, waitStep) => {
      const r = await waitStep('testery', { wait: 'false' })
      expect(r.code).toBe(0)
      expect(r.outputs).toMatchObject({
        status: 'triggered',
        providerStatus: 'SUBMITTED',
        runUrl: expect.stringMatching(/^https:\/\/testery\.app\/acme\/test-runs\/\d+$/)
      })
      expect(box.requests.filter((q) => q.path === `/api/test-runs/${r.outputs.runId}`)).toEqual([])
      // Without gitRef, gitBranch, latestDeploy or buildVersion the request chooses no test code
      // (docs/platforms.md points 1 and 13), and sends updateVcsStatus as the official CLI does (point 2).
      const sent = box.requests.filter((q) => q.path === '/api/test-run-requests-build').pop()
      expect(sent?.body).toEqual({
        project: 'shop',
        environment: expect.stringMatching(/^staging-\d+$/),
        updateVcsStatus: true
      })
      expect(r.stdout).toContain('Test code: not chosen by this step: Testery runs the project’s default test code')
      expect(r.summary).toContain('Test run created on Testery')
    })
  )
})

it.concurrent('Gearset: polling every second stays within 5 status reads per 5 s per job', () =>
  inSandbox(async (box, waitStep) => {
    box.script('gearset', { queuedMs: 100, runMs: 7000 })
    const r = await waitStep('gearset')
    expect(r.outputs.status).toBe('passed')
    const reads = box.requests.filter((q) => q.platform === 'gearset' && q.method === 'GET')
    // How many reads, exactly, on one clock with the runs: progress.test.ts. Here: a few, none refused.
    expect(reads.length).toBeGreaterThanOrEqual(3)
    expect(box.platforms.gearset.violations).toBe(0)
  })
)

describe('attaching to a run by runId', () => {
  // On every platform, in-process: endings.test.ts.
  it.concurrent.each(POLLABLE_NAMES.slice(-1))('%s: one step triggers, a later one waits and reports', (provider) =>
    inSandbox(async (box, waitStep) => {
      box.script(provider, { queuedMs: 100, runMs: 1500, end: 'passed' })
      const created = box.runs[provider] ?? 0
      const job: Record<string, string> = provider === 'gearset' ? { scenarioId: 'job-attach' } : {} // Gearset reads a run request under its job
      const first = await waitStep(provider, { wait: 'false', ...job })
      expect(first.outputs.status).toBe('triggered')
      const second = await waitStep(provider, { runId: first.outputs.runId, wait: 'false', ...job })
      expect(second.code).toBe(0)
      expect(second.stdout).toContain(`Attaching to`)
      expect(second.outputs).toMatchObject({ runId: first.outputs.runId, status: 'passed' })
      expect(box.runs[provider]).toBe(created + 1) // attaching never starts a run
    })
  )

  it.concurrent('fails clearly when the run does not exist', () =>
    inSandbox(async (box, waitStep) => {
      const r = await waitStep('testery', { runId: '999999' })
      expect(r.code).toBe(1)
      expect(errorsOf(r)[0]).toMatch(
        /Testery: could not read the run status \(GET \/api\/test-runs\/\{id\}\): HTTP 404 Not Found\. Testery said: "Test run not found"\. What to do: there is no run 999999 that this token can see: check `runId` comes from the step that started the run/
      )
    })
  )
})

describe('cancellation', () => {
  it.concurrent.each(CANCELLABLE_NAMES)('%s: SIGTERM while waiting cancels the run (cancelOnAbort) and exits non-zero', (provider) =>
    inSandbox(async (box, waitStep) => {
      box.script(provider, { queuedMs: 100, runMs: 60_000 })
      const before = cancelCalls(box, provider).length
      let sentAt = 0
      const r = await waitStep(
        provider,
        { cancelOnAbort: 'true' },
        {
          onStart: whenLogged('running (', (child) => {
            sentAt = Date.now()
            child.kill('SIGTERM')
          })
        }
      )
      const exitedAfter = Date.now() - sentAt
      expect(r.code).toBe(1)
      // Ends on the signal, not with the minute-long run.
      expect(exitedAfter).toBeLessThan(20_000)
      expect(cancelCalls(box, provider).length - before).toBe(1)
      expect(r.outputs.status).toBe('cancelled')
      expect(r.outputs.runId).not.toBe('')
      expect(r.summary).toContain('The run was cancelled on the platform too.')
      expect(errorsOf(r)[0]).toMatch(/The workflow was cancelled while waiting for .*: cancelled it on the platform\./)
      expect(r.state).toMatchObject({ runId: r.outputs.runId, cancelSent: 'true', done: 'true' })
      expectNoLeak(r, TOKEN)
    })
  )

  it.concurrent('exits within 6 s even when the cancel call hangs', () =>
    inSandbox(async (box, waitStep) => {
      box.script('testery', { queuedMs: 100, runMs: 60_000, cancel: 'hang' })
      let sentAt = 0
      const r = await waitStep(
        'testery',
        { cancelOnAbort: 'true' },
        {
          onStart: whenLogged('running (', (child) => {
            sentAt = Date.now()
            child.kill('SIGINT')
          })
        }
      )
      expect(r.code).toBe(1)
      // Ends on the signal, not with the minute-long run.
      expect(Date.now() - sentAt).toBeLessThan(20_000)
      expect(r.outputs.status).toBe('cancelled')
      expect(warningsOf(r)[0]).toMatch(/Could not cancel run \d+ on Testery: .*no answer within 5 s/)
      expect(r.state.cancelSent).toBeUndefined()
    })
  )

  it.concurrent('a second signal stops the step at once, without waiting for a hanging cancel', () =>
    inSandbox(async (box, waitStep) => {
      box.script('testsigma', { queuedMs: 100, runMs: 60_000, cancel: 'hang' })
      const r = await waitStep(
        'testsigma',
        { cancelOnAbort: 'true' },
        {
          onStart: whenLogged('running (', (child) => {
            child.kill('SIGINT')
            setTimeout(() => child.kill('SIGTERM'), 300)
          })
        }
      )
      expect(r.code).toBe(1)
      // That the second signal exits at once, not after the cancel call's 5 s, is main.test.ts's to prove in-process.
    })
  )

  it.concurrent('leaves the run going without cancelOnAbort', () =>
    inSandbox(async (box, waitStep) => {
      box.script('gearset', { queuedMs: 100, runMs: 60_000 })
      const before = cancelCalls(box, 'gearset').length
      const r = await waitStep('gearset', {}, { onStart: whenLogged('running (', (child) => child.kill('SIGTERM')) })
      expect(r.code).toBe(1)
      expect(cancelCalls(box, 'gearset').length).toBe(before)
      expect(errorsOf(r)[0]).toContain('it goes on there (cancelOnAbort is false)')
    })
  )
})

describe('post step (post-if: failure() || cancelled())', () => {
  async function runningRun(box: Sandbox, waitStep: PollingStep, provider: Pollable, script: Record<string, unknown> = {}) {
    box.script(provider, { queuedMs: 100, runMs: 60_000, ...script })
    const r = await waitStep(provider, { wait: 'false' })
    return r.outputs.runId
  }

  it.concurrent('cancels a run the main step left behind, once', () =>
    inSandbox(async (box, waitStep) => {
      const runId = await runningRun(box, waitStep, 'testsigma')
      const before = cancelCalls(box, 'testsigma').length
      const r = await waitStep('testsigma', { cancelOnAbort: 'true' }, { state: { isPost: 'true', runId } })
      expect(r.code).toBe(0)
      expect(cancelCalls(box, 'testsigma').length - before).toBe(1)
      expect(r.state.cancelSent).toBe('true')
    })
  )

  it.concurrent('does nothing when the main step already cancelled or finished', () =>
    inSandbox(async (box, waitStep) => {
      const runId = await runningRun(box, waitStep, 'testery')
      const before = cancelCalls(box, 'testery').length
      for (const state of [{ cancelSent: 'true' }, { done: 'true' }] as Record<string, string>[]) {
        const r = await waitStep('testery', { cancelOnAbort: 'true' }, { state: { isPost: 'true', runId, ...state } })
        expect(r.code).toBe(0)
      }
      const without = await waitStep('testery', { cancelOnAbort: 'false' }, { state: { isPost: 'true', runId } })
      expect(without.code).toBe(0)
      expect(cancelCalls(box, 'testery').length).toBe(before)
    })
  )

  it.concurrent('never fails the job when the cancel call fails', () =>
    inSandbox(async (box, waitStep) => {
      const runId = await runningRun(box, waitStep, 'testery', { cancel: 'fail' })
      const r = await waitStep('testery', { cancelOnAbort: 'true' }, { state: { isPost: 'true', runId } })
      expect(r.code).toBe(0)
      expect(warningsOf(r)[0]).toMatch(/Could not cancel run \d+ on Testery: .*HTTP 500/)
    })
  )
})
