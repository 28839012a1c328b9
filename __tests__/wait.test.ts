import { HttpApi } from '../src/http.js'
import { PlatformError, type FailureInfo } from '../src/errors.js'
import { gearset } from '../src/providers/gearset.js'
import { testery } from '../src/providers/testery.js'
import { gearsetRunStatus, testeryRun } from './fixtures/vendor.js'
import { fakeServer, sendJson, type FakeServer } from './helpers/fake-server.js'
import type { Provider, ProviderContext } from '../src/providers/types.js'
import type { RunState } from '../src/model.js'
import { DEFAULT_SCHEDULE } from '../src/schedule.js'
import { checked, otherRun, progressLine, waitForRun, WaitAborted, WaitFailed, type WaitOptions } from '../src/wait.js'
import { FakeClock } from './helpers/fake-clock.js'
import { acmeProvider } from './helpers/fake-provider.js'

// The clock starts where a real one would, not at 0: what the wait computes from "since it began"
// must not depend on the clock's origin. Script times and checks are relative to T0.
const T0 = 1_764_590_000_000
const clockAtT0 = () => new FakeClock(0.5, T0)

const run = (status: RunState['status'], providerStatus: string, extra: Partial<RunState> = {}): RunState => ({
  id: '42',
  status,
  providerStatus,
  counts: {},
  ...extra
})
const httpError = (status: number, kind: FailureInfo['kind'] = 'http') =>
  new PlatformError({ platform: 'Acme', action: 'read the run status', endpoint: 'GET /runs/{id}', kind, status, reached: true })

/**
 * A platform whose status reads follow a script on the virtual clock: each entry is what the
 * status call answers (a state or an error) from time `at` (ms since the wait began) on.
 */
function scriptedPlatform(clock: FakeClock, script: { at: number; answer: RunState | Error }[]) {
  const reads: number[] = []
  const provider = acmeProvider({
    trigger: async () => run('queued', 'Q'),
    status: async () => {
      reads.push(clock.elapsed())
      const current = [...script].reverse().find((s) => clock.elapsed() >= s.at)
      if (!current) throw new Error('script has no answer yet')
      if (current.answer instanceof Error) throw current.answer
      return current.answer
    }
  })
  return { provider, reads }
}

function options(clock: FakeClock, provider: Provider, extra: Partial<WaitOptions> = {}) {
  const lines: string[] = []
  const warnings: string[] = []
  const { deadline, timeoutMs = 60 * 60_000, ...rest } = extra
  const o: WaitOptions = {
    provider,
    ctx: {} as ProviderContext,
    clock,
    schedule: DEFAULT_SCHEDULE,
    log: (l) => lines.push(l),
    warn: (l) => warnings.push(l),
    ...rest,
    ...(deadline !== undefined ? { deadline } : { timeoutMs })
  }
  return { o, lines, warnings }
}

describe('waitForRun', () => {
  it('follows a run to its end, logging each change with counts and elapsed time', async () => {
    const clock = clockAtT0()
    const { provider, reads } = scriptedPlatform(clock, [
      { at: 0, answer: run('running', 'RUNNING', { counts: { total: 10, passed: 2, failed: 0 } }) },
      { at: 10_000, answer: run('running', 'RUNNING', { counts: { total: 10, passed: 6, failed: 1 } }) },
      { at: 60_000, answer: run('passed', 'PASS', { counts: { total: 10, passed: 10, failed: 0 } }) }
    ])
    const { o, lines } = options(clock, provider)
    const final = await waitForRun(run('queued', 'SUBMITTED'), o)
    expect(final.status).toBe('passed')
    expect(lines).toEqual([
      'queued (SUBMITTED) · 0s elapsed',
      'running (RUNNING) · 2/10 done: 2 passed, 0 failed · 3s elapsed',
      'running (RUNNING) · 7/10 done: 6 passed, 1 failed · 10s elapsed',
      // A first failure at 10 s and no test completed since: the run may stop on it, so the reads
      // are finishing reads (2 s growing to 9 s, never more) until the end.
      'passed (PASS) · 10/10 done: 10 passed, 0 failed · 1m 3s elapsed'
    ])
    // 2.5 s apart until the counts move, then finishing reads from the failure seen at 10 s: 2 s
    // growing 1.3x per read to 9 s, and held there; 13 reads in all.
    expect(reads).toEqual([2500, 5000, 7500, 10000, 12000, 14600, 17980, 22374, 28086, 35512, 44512, 53512, 62512])
    expect(reads[reads.length - 1] - 60_000).toBeLessThanOrEqual(9900) // seen within one finishing read
  })

  it('keeps polling through an unknown word, warns once, and ends on the terminal word', async () => {
    const clock = clockAtT0()
    const { provider } = scriptedPlatform(clock, [
      { at: 0, answer: run('running', 'WEIRD', { unknownWord: 'WEIRD' }) },
      { at: 120_000, answer: run('passed', 'PASS') }
    ])
    const { o, warnings } = options(clock, provider)
    const final = await waitForRun(run('queued', 'SUBMITTED'), o)
    expect(final.status).toBe('passed')
    expect(warnings).toEqual([
      expect.stringMatching(/^Acme reported the status "WEIRD", which this action does not know: it is not taken as the end/)
    ])
  })

  it('never passes a run whose counts show failures', async () => {
    const clock = clockAtT0()
    const { provider } = scriptedPlatform(clock, [
      { at: 0, answer: run('passed', 'PASSED', { counts: { total: 5, passed: 3, failed: 2 } }) }
    ])
    const final = await waitForRun(run('running', 'RUNNING'), options(clock, provider).o)
    expect(final.status).toBe('failed')
  })

  it('times out after one last look, within the deadline plus one read', async () => {
    const clock = clockAtT0()
    const { provider, reads } = scriptedPlatform(clock, [{ at: 0, answer: run('running', 'RUNNING') }])
    const final = await waitForRun(run('running', 'RUNNING'), options(clock, provider, { timeoutMs: 3 * 3600_000 }).o)
    expect(final).toMatchObject({ status: 'timed_out', providerStatus: 'RUNNING' })
    expect(clock.elapsed()).toBe(3 * 3600_000)
    expect(reads[reads.length - 1]).toBe(3 * 3600_000) // the last look, at the deadline
    expect(reads.length).toBeLessThan((3 * 3600) / 15 + 60) // no counts: every 15 s after the first minutes
  })

  it('takes the end seen in the last look instead of timing out', async () => {
    const clock = clockAtT0()
    const { provider } = scriptedPlatform(clock, [
      { at: 0, answer: run('running', 'RUNNING') },
      { at: 59_999, answer: run('failed', 'FAIL') }
    ])
    const final = await waitForRun(
      run('running', 'RUNNING'),
      options(clock, provider, { timeoutMs: 60_000, schedule: { ...DEFAULT_SCHEDULE, fixedMs: 30_000 } }).o
    )
    expect(final.status).toBe('failed')
  })

  it('treats failed reads as unknown this time, and keeps waiting', async () => {
    const clock = clockAtT0()
    const { provider } = scriptedPlatform(clock, [
      { at: 0, answer: run('running', 'RUNNING') },
      { at: 5000, answer: httpError(502, 'not-json') },
      { at: 9 * 60_000, answer: httpError(503) },
      { at: 9 * 60_000 + 30_000, answer: run('passed', 'PASS') }
    ])
    const { o, lines } = options(clock, provider)
    const final = await waitForRun(run('running', 'RUNNING'), o)
    expect(final.status).toBe('passed')
    expect(lines.filter((l) => l.startsWith('Could not read the run status this time')).length).toBeGreaterThan(5)
  })

  it('gives up after 10 minutes without a successful read, saying so', async () => {
    const clock = clockAtT0()
    const { provider } = scriptedPlatform(clock, [
      { at: 0, answer: run('running', 'RUNNING') },
      { at: 5000, answer: httpError(503) }
    ])
    const e = await waitForRun(run('running', 'RUNNING'), options(clock, provider).o).catch((x) => x)
    expect(e).toBeInstanceOf(WaitFailed)
    expect(e.message).toMatch(/^Lost contact with Acme for 10m \d+s while waiting for run 42/)
    expect(clock.elapsed()).toBeGreaterThanOrEqual(10 * 60_000 + 5000)
    expect(clock.elapsed()).toBeLessThan(11 * 60_000 + 5000)
  })

  it('tolerates a 404 just after creation, but not later or for an attached run', async () => {
    const clock = clockAtT0()
    const { provider } = scriptedPlatform(clock, [
      { at: 0, answer: httpError(404) },
      { at: 20_000, answer: run('passed', 'PASS') }
    ])
    expect((await waitForRun(run('queued', 'SUBMITTED'), options(clock, provider, { justCreated: true }).o)).status).toBe('passed')

    const clock2 = clockAtT0()
    const gone = scriptedPlatform(clock2, [{ at: 0, answer: httpError(404) }])
    const e = await waitForRun(run('queued', 'SUBMITTED'), options(clock2, gone.provider, { justCreated: true }).o).catch((x) => x)
    expect(e).toBeInstanceOf(WaitFailed)
    expect(clock2.elapsed()).toBeGreaterThanOrEqual(60_000)
    expect(clock2.elapsed()).toBeLessThan(100_000)

    const clock3 = clockAtT0()
    const attached = scriptedPlatform(clock3, [{ at: 0, answer: httpError(404) }])
    await expect(waitForRun(run('queued', 'SUBMITTED'), options(clock3, attached.provider).o)).rejects.toBeInstanceOf(WaitFailed)
    expect(attached.reads).toHaveLength(1)
  })

  it('ends at once on an answer waiting cannot fix (401)', async () => {
    const clock = clockAtT0()
    const { provider, reads } = scriptedPlatform(clock, [{ at: 0, answer: httpError(401) }])
    const e = await waitForRun(run('running', 'RUNNING'), options(clock, provider).o).catch((x) => x)
    expect(e).toBeInstanceOf(WaitFailed)
    expect(e.last.status).toBe('running')
    expect(reads).toHaveLength(1)
  })

  it('stops when aborted, returning the last state it knew', async () => {
    const clock = clockAtT0()
    const stop = new AbortController()
    const { provider } = scriptedPlatform(clock, [{ at: 0, answer: run('running', 'RUNNING', { counts: { total: 3 } }) }])
    const { o } = options(clock, provider, { signal: stop.signal, onState: () => stop.abort() })
    const e = await waitForRun(run('queued', 'SUBMITTED'), o).catch((x) => x)
    expect(e).toBeInstanceOf(WaitAborted)
    expect(e.last).toMatchObject({ status: 'running', counts: { total: 3 } })
  })

  it('writes a progress line without elapsed time when none is given', () => {
    expect(progressLine(run('failed', 'Partial'))).toBe('failed (Partial)')
  })
})

describe('reliability rules in the wait', () => {
  it('rule 2: an answer about another run is no reading: warned once, never an ending, never onState', async () => {
    const clock = clockAtT0()
    const { provider } = scriptedPlatform(clock, [
      { at: 0, answer: run('passed', 'PASS', { id: '999' }) },
      { at: 60_000, answer: run('failed', 'FAIL', { counts: { failed: 1 } }) }
    ])
    const seen: RunState[] = []
    const { o, warnings } = options(clock, provider, { onState: (st) => seen.push(st) })
    const final = await waitForRun(run('running', 'RUNNING'), o)
    expect(final).toMatchObject({ id: '42', status: 'failed' })
    expect(seen.every((st) => st.id === '42')).toBe(true)
    expect(warnings.filter((w) => w.includes('the answer was about run 999, not the run asked for'))).toHaveLength(1)
  })

  it('rule 2: answers about another run for 10 minutes are lost contact, not a verdict', async () => {
    const clock = clockAtT0()
    const { provider } = scriptedPlatform(clock, [{ at: 0, answer: run('passed', 'PASS', { id: '999' }) }])
    const { o } = options(clock, provider)
    const e = await waitForRun(run('running', 'RUNNING'), o).catch((x: unknown) => x)
    expect(e).toBeInstanceOf(WaitFailed)
    expect((e as WaitFailed).message).toMatch(/^Lost contact with Acme for 10m/)
  })

  it('rule 6: an empty retry bucket never ends the wait; an outage under 10 minutes ends with the real verdict', async () => {
    const clock = clockAtT0()
    const exhausted = new PlatformError({ ...httpError(502).info, budgetExhausted: true })
    const { provider } = scriptedPlatform(clock, [
      { at: 0, answer: exhausted },
      { at: 9 * 60_000, answer: run('passed', 'PASS') }
    ])
    const { o } = options(clock, provider)
    expect(await waitForRun(run('running', 'RUNNING'), o)).toMatchObject({ status: 'passed' })
  })

  it('rule 7: a pause the platform asked for past the deadline lets the wait run out to it: timed out, at the deadline', async () => {
    const clock = clockAtT0()
    const paused = new PlatformError({
      platform: 'Acme',
      action: 'read',
      endpoint: 'GET /runs/{id}',
      kind: 'rate-limited',
      detail: 'later',
      reached: false
    })
    const { provider, reads } = scriptedPlatform(clock, [{ at: 0, answer: paused }])
    const http = { pausedForMs: () => 10 * 60_000 } as unknown as ProviderContext['http']
    const { o } = options(clock, provider, { timeoutMs: 60_000, ctx: { http } as ProviderContext })
    const final = await waitForRun(run('running', 'RUNNING'), o)
    expect(final.status).toBe('timed_out')
    expect(clock.elapsed()).toBe(60_000)
    expect(reads).toEqual([60_000]) // slept through the pause to the deadline; one last look
  })

  it('rule 3: the wait ends at the step deadline when the step began before the wait did', async () => {
    const clock = clockAtT0()
    clock.ms = T0 + 50_000
    const { provider } = scriptedPlatform(clock, [{ at: 0, answer: run('running', 'RUNNING') }])
    const { o } = options(clock, provider, { deadline: T0 + 60_000 })
    const final = await waitForRun(run('running', 'RUNNING'), o)
    expect(final.status).toBe('timed_out')
    expect(clock.elapsed()).toBe(60_000)
  })
})

// The real client and a real provider, against a local server, on the virtual clock.
describe('the wait loop with the real HTTP client', () => {
  let server: FakeServer | undefined
  afterEach(async () => server?.close())

  function context(clock: FakeClock, provider: Provider, inputs: Record<string, unknown> = {}) {
    const http = new HttpApi({
      platform: provider.title,
      baseUrl: server!.url,
      authorization: 'Bearer t0ken-x',
      secrets: ['t0ken-x'],
      clock,
      readLimit: provider.readLimit,
      errorMessage: provider.errorMessage,
      rateLimitHeaders: provider.rateLimitHeaders,
      headers: provider.headers,
      log: () => undefined
    })
    return { inputs, http, run: { sha: 'f'.repeat(40) }, note: () => undefined } as unknown as ProviderContext
  }

  it('rule 11: a Retry-After on a successful read spaces the next poll (Testery)', async () => {
    const clock = clockAtT0()
    const readsAt: number[] = []
    server = await fakeServer((req, res) => {
      if (req.url === '/api/account') return sendJson(res, 200, { name: 'acme' })
      readsAt.push(clock.elapsed())
      const done = readsAt.length >= 3
      sendJson(
        res,
        200,
        { ...testeryRun, id: 42, status: done ? 'PASS' : 'RUNNING', failCount: 0 },
        readsAt.length === 1 ? { 'Retry-After': '45' } : {}
      )
    })
    const { o } = options(clock, testery, { ctx: context(clock, testery), schedule: { ...DEFAULT_SCHEDULE, fixedMs: 2000 } })
    const final = await waitForRun(run('running', 'RUNNING'), o)
    expect(final.status).toBe('passed')
    expect(readsAt[1] - readsAt[0]).toBeGreaterThanOrEqual(45_000)
    expect(readsAt[2] - readsAt[1]).toBe(2000)
  })

  it('rule 11: Gearset’s read limit (5 per 5 s per job) holds even with a poll interval that would break it', async () => {
    const clock = clockAtT0()
    const readsAt: number[] = []
    server = await fakeServer((_req, res) => {
      readsAt.push(clock.elapsed())
      // Every third read fails: its retries (0.5 s, 1 s backoff) on top of 1 s polls would break the limit.
      if (readsAt.length % 3 === 1) return sendJson(res, 502, { message: 'busy' })
      sendJson(res, 200, { ...gearsetRunStatus, State: readsAt.length >= 30 ? 'Succeeded' : 'Started' })
    })
    const { o } = options(clock, gearset, {
      ctx: context(clock, gearset, { scenarioId: 'job-1' }),
      schedule: { ...DEFAULT_SCHEDULE, fixedMs: 200 }
    })
    expect((await waitForRun(run('running', 'Started'), o)).status).toBe('passed')
    expect(readsAt).toHaveLength(30)
    for (let i = 5; i < readsAt.length; i++) expect(readsAt[i] - readsAt[i - 5]).toBeGreaterThanOrEqual(5000)
  })
})

// Each rule of the wait on its own boundary (what mutation testing showed no test pinned down).
describe('the wait’s rules, one boundary at a time', () => {
  const every10s = { ...DEFAULT_SCHEDULE, fixedMs: 10_000 }
  const rateLimited = new PlatformError({
    platform: 'Acme',
    action: 'read the run status',
    endpoint: 'GET /runs/{id}',
    kind: 'rate-limited',
    detail: 'later',
    reached: false
  })

  it.each([
    [{}, 'running (no status)'],
    [{ total: 10 }, 'running (no status) · 0/10 done: 0 passed, 0 failed'],
    [{ passed: 3 }, 'running (no status) · 3/? done: 3 passed, 0 failed'],
    [{ failed: 2 }, 'running (no status) · 2/? done: 0 passed, 2 failed'],
    [{ total: 5, passed: 1, failed: 1, skipped: 2 }, 'running (no status) · 4/5 done: 1 passed, 1 failed'],
    [{ skipped: 2 }, 'running (no status)']
  ])('a progress line shows counts when the platform gave some (%j)', (counts, line) => {
    expect(progressLine(run('running', '', { counts }))).toBe(line)
  })

  it('a pass with failed tests is a failure, saying why', () => {
    expect(checked(run('passed', 'PASS', { counts: { failed: 2 } }))).toMatchObject({
      status: 'failed',
      message: 'PASS reported with 2 failed tests'
    })
    expect(checked(run('passed', 'PASS', { counts: { failed: 0 } })).status).toBe('passed')
  })

  it('an answer about another run is a reached, named failure of the status read', () => {
    expect(otherRun('Acme', '42', '43\nx').info).toEqual({
      platform: 'Acme',
      action: 'read the status of run 42',
      endpoint: 'the run status',
      kind: 'wrong-run',
      detail: '43 x',
      reached: true
    })
  })

  it('names its endings: WaitAborted, WaitFailed', () => {
    const a = new WaitAborted(run('running', 'R'))
    expect([a.name, a.message]).toEqual(['WaitAborted', 'stopped waiting: the step was cancelled'])
    expect(new WaitFailed(httpError(401), run('running', 'R')).name).toBe('WaitFailed')
  })

  it('a platform without a status call cannot be waited for, and says so', async () => {
    const provider = acmeProvider({ trigger: async () => run('queued', 'Q') })
    await expect(waitForRun(run('queued', 'Q'), options(clockAtT0(), provider).o)).rejects.toThrow('Acme has no status API')
  })

  it('a 404 is tolerated only within the grace after creation: the read at the grace’s end fails', async () => {
    const clock = clockAtT0()
    const { provider, reads } = scriptedPlatform(clock, [{ at: 0, answer: httpError(404) }])
    const { o } = options(clock, provider, { justCreated: true, notFoundGraceMs: 20_000, schedule: every10s })
    await expect(waitForRun(run('queued', 'Q'), o)).rejects.toBeInstanceOf(WaitFailed)
    expect(reads).toEqual([10_000, 20_000])
  })

  it.each([401, 403, 400])('just after creation, only a 404 is tolerated: %d ends the wait at once', async (status) => {
    const clock = clockAtT0()
    const { provider, reads } = scriptedPlatform(clock, [{ at: 0, answer: httpError(status) }])
    const { o } = options(clock, provider, { justCreated: true, schedule: every10s })
    await expect(waitForRun(run('queued', 'Q'), o)).rejects.toBeInstanceOf(WaitFailed)
    expect(reads).toHaveLength(1)
  })

  it('a read the client held back for a rate limit is waited through, with no warning', async () => {
    const clock = clockAtT0()
    const { provider } = scriptedPlatform(clock, [
      { at: 0, answer: rateLimited },
      { at: 30_000, answer: run('passed', 'PASS') }
    ])
    const { o, warnings } = options(clock, provider, { schedule: every10s })
    expect((await waitForRun(run('running', 'R'), o)).status).toBe('passed')
    expect(warnings).toEqual([])
  })

  it('failed reads are logged, never warned about (only an answer about another run is)', async () => {
    const clock = clockAtT0()
    const { provider } = scriptedPlatform(clock, [
      { at: 0, answer: httpError(502) },
      { at: 30_000, answer: run('passed', 'PASS') }
    ])
    const { o, warnings, lines } = options(clock, provider, { schedule: every10s })
    expect((await waitForRun(run('running', 'R'), o)).status).toBe('passed')
    expect(warnings).toEqual([])
    expect(lines.filter((l) => l.startsWith('Could not read the run status this time'))).toHaveLength(2)
  })

  it('lost contact ends the wait at the read where the window is reached, naming how long', async () => {
    const clock = clockAtT0()
    const { provider, reads } = scriptedPlatform(clock, [{ at: 0, answer: httpError(503) }])
    const { o } = options(clock, provider, { maxUnreachableMs: 30_000, schedule: every10s })
    const e = await waitForRun(run('running', 'R'), o).catch((x) => x)
    expect(e).toBeInstanceOf(WaitFailed)
    expect(reads).toEqual([10_000, 20_000, 30_000, 40_000])
    expect(e.message).toMatch(/^Lost contact with Acme for 30s while waiting for run 42: /)
  })

  it('a signal during a read ends the wait as aborted, whatever the read failed with', async () => {
    const clock = clockAtT0()
    const stop = new AbortController()
    const provider = acmeProvider({
      trigger: async () => run('queued', 'Q'),
      status: async () => {
        stop.abort()
        throw httpError(502)
      }
    })
    const e = await waitForRun(run('running', 'R'), options(clock, provider, { signal: stop.signal, schedule: every10s }).o).catch((x) => x)
    expect(e).toBeInstanceOf(WaitAborted)
  })

  it('an unexpected error in a read (a bug) is not taken for a failed read', async () => {
    const bug = new TypeError('cannot read properties of undefined')
    const provider = acmeProvider({
      trigger: async () => run('queued', 'Q'),
      status: async () => {
        throw bug
      }
    })
    await expect(waitForRun(run('running', 'R'), options(clockAtT0(), provider).o)).rejects.toBe(bug)
  })

  it('a last look that fails still ends as timed out; a signal during it ends as aborted', async () => {
    const clock = clockAtT0()
    const { provider } = scriptedPlatform(clock, [
      { at: 0, answer: run('running', 'R') },
      { at: 55_000, answer: httpError(401) }
    ])
    const { o } = options(clock, provider, { timeoutMs: 60_000, schedule: { ...DEFAULT_SCHEDULE, fixedMs: 50_000 } })
    expect(await waitForRun(run('running', 'R'), o)).toMatchObject({ status: 'timed_out', providerStatus: 'R' })

    const clock2 = clockAtT0()
    const stop = new AbortController()
    const provider2 = acmeProvider({
      trigger: async () => run('queued', 'Q'),
      status: async () => {
        if (clock2.elapsed() >= 60_000) stop.abort()
        throw httpError(502)
      }
    })
    const o2 = options(clock2, provider2, { timeoutMs: 60_000, signal: stop.signal, schedule: { ...DEFAULT_SCHEDULE, fixedMs: 50_000 } }).o
    await expect(waitForRun(run('running', 'R'), o2)).rejects.toBeInstanceOf(WaitAborted)
  })
})

describe('the debug log (ACTIONS_STEP_DEBUG)', () => {
  it('says why each poll waits as long as it does, and what each read said, word for word', async () => {
    const clock = clockAtT0()
    const { provider } = scriptedPlatform(clock, [
      { at: 0, answer: run('running', 'RUNNING', { counts: { total: 10, passed: 2 } }) },
      { at: 5000, answer: run('running', 'RUNNING', { counts: { total: 10, passed: 6 } }) },
      { at: 12_000, answer: run('passed', 'PASS', { counts: { total: 10, passed: 10 } }) }
    ])
    const debug: string[] = []
    await waitForRun(run('queued', 'SUBMITTED'), options(clock, provider, { debug: (l) => debug.push(l) }).o)
    expect(debug[0]).toBe('Next status read in 2.5 s: queued for 0 s: a quarter of that, between 2.5 s and 15 s.')
    expect(debug).toContain('Status of run 42: RUNNING → running {"total":10,"passed":2}')
    expect(
      debug.some((l) =>
        /^Next status read in \d+\.\d s: the counts predict the end in \d+ s: \d+ % of that \(as sure as the counts' spread allows\)/.test(
          l
        )
      )
    ).toBe(true)
    expect(debug.at(-1)).toBe('Status of run 42: PASS → passed {"total":10,"passed":10}')
  })

  it('names a fixed interval, and a pause the platform asked for', async () => {
    const clock = clockAtT0()
    const { provider } = scriptedPlatform(clock, [
      { at: 0, answer: run('running', 'R') },
      { at: 1, answer: run('passed', 'PASS') }
    ])
    const debug: string[] = []
    await waitForRun(
      run('running', 'R'),
      options(clock, provider, { debug: (l) => debug.push(l), schedule: { ...DEFAULT_SCHEDULE, fixedMs: 5000 } }).o
    )
    expect(debug[0]).toBe('Next status read in 5.0 s: the fixed pollIntervalSeconds.')
    const clock2 = clockAtT0()
    const p2 = scriptedPlatform(clock2, [{ at: 0, answer: run('passed', 'PASS') }])
    const debug2: string[] = []
    const http = { pausedForMs: () => 30_000 } as unknown as ProviderContext['http']
    await waitForRun(
      run('running', 'R'),
      options(clock2, p2.provider, { debug: (l) => debug2.push(l), ctx: { http } as ProviderContext }).o
    )
    expect(debug2[0]).toBe('Next status read in 30.0 s: the platform asked for a pause of 30.0 s.')
  })
})
