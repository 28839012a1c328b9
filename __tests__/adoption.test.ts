// After an ambiguous start, only a run this step's request could have created is adopted.
import { ownRuns, startRun } from '../src/trigger.js'
import { PlatformError } from '../src/errors.js'
import type { Provider, ProviderContext } from '../src/providers/types.js'
import type { RunCandidate, RunListing, StartIdentity } from '../src/model.js'
import type { Inputs } from '../src/inputs.js'
import { failure } from './helpers/failure.js'
import { acmeProvider } from './helpers/fake-provider.js'

const SENT = Date.parse('2026-12-01T12:00:00Z')
const ctx = (inputs: Partial<Inputs>) =>
  ({ inputs: { buildVersion: 'b-812', ...inputs }, run: { sha: 'f'.repeat(40) } }) as unknown as ProviderContext
const candidate = (c: Partial<RunCandidate> & { id?: string }): RunCandidate => ({
  state: { id: c.id ?? '1', status: 'queued', providerStatus: 'SUBMITTED', counts: {} },
  echoed: { plan: '2090', environment: '10', build: 'b-812' },
  createdAt: new Date(SENT + 1000),
  ...c
})
// What a matrix leg sent: plan 2090 on environment 10, build b-812 (the sibling leg runs environment 11).
const SENT_FIELDS: StartIdentity = { shown: { plan: '2090', environment: '10', build: 'b-812' }, unseen: [] }
const listed = (runs: RunCandidate[], clockOffsetMs?: number): RunListing => ({ runs, clockOffsetMs })

describe('ownRuns (docs/reliability.md, Neighbours)', () => {
  it('adopts a run of this plan, environment and build created since the request', () => {
    expect(ownRuns(listed([candidate({})], 0), SENT_FIELDS, SENT)).toHaveLength(1)
  })

  it.each([
    ['another build', { echoed: { plan: '2090', environment: '10', build: 'b-811' } }],
    ['the sibling leg’s run on another environment', { echoed: { plan: '2090', environment: '11', build: 'b-812' } }],
    ['another plan', { echoed: { plan: '2091', environment: '10', build: 'b-812' } }],
    ['a run whose entry does not show the environment', { echoed: { plan: '2090', build: 'b-812' } }],
    ['a run created a minute before the request', { createdAt: new Date(SENT - 60_000) }],
    ['a run with no creation time', { createdAt: undefined }]
  ] as [string, Partial<RunCandidate>][])('does not adopt %s', (_, c) => {
    expect(ownRuns(listed([candidate(c)], 0), SENT_FIELDS, SENT)).toEqual([])
  })

  it('creation times are read on the platform’s clock, from its Date header', () => {
    // The platform's clock runs 5 minutes ahead: its run, stamped 4 minutes "after" our send, came before it.
    const ahead = 5 * 60_000
    expect(ownRuns(listed([candidate({ createdAt: new Date(SENT + 4 * 60_000) })], ahead), SENT_FIELDS, SENT)).toEqual([])
    expect(ownRuns(listed([candidate({ createdAt: new Date(SENT + ahead + 500) })], ahead), SENT_FIELDS, SENT)).toHaveLength(1)
    // Stamped to the second: 2 s of slack on the platform's clock, no more.
    expect(ownRuns(listed([candidate({ createdAt: new Date(SENT - 2000) })], 0), SENT_FIELDS, SENT)).toHaveLength(1)
    expect(ownRuns(listed([candidate({ createdAt: new Date(SENT - 2001) })], 0), SENT_FIELDS, SENT)).toEqual([])
    // Without a Date header the clocks are taken as synced, with 5 s of slack.
    expect(ownRuns(listed([candidate({ createdAt: new Date(SENT - 5000) })]), SENT_FIELDS, SENT)).toHaveLength(1)
    expect(ownRuns(listed([candidate({ createdAt: new Date(SENT - 5001) })]), SENT_FIELDS, SENT)).toEqual([])
  })

  it('the commits match whichever side is abbreviated, in either case', () => {
    const sha = 'abc1234' + '0'.repeat(33)
    const withRef = (ref: string | undefined) => candidate({ echoed: { ...candidate({}).echoed, ref } })
    const sent = (ref: string): StartIdentity => ({ shown: { ...SENT_FIELDS.shown, ref }, unseen: [] })
    expect(ownRuns(listed([withRef('abc1234')], 0), sent(sha), SENT)).toHaveLength(1)
    expect(ownRuns(listed([withRef(sha.toUpperCase())], 0), sent('abc1234'), SENT)).toHaveLength(1)
    expect(ownRuns(listed([withRef('0000abc1234')], 0), sent('abc1234'), SENT)).toEqual([])
    expect(ownRuns(listed([withRef('def5678' + '0'.repeat(33))], 0), sent(sha), SENT)).toEqual([])
    // A run whose entry shows no commit is not taken for one that chose a commit.
    expect(ownRuns(listed([withRef(undefined)], 0), sent(sha), SENT)).toEqual([])
  })

  it('fields other than the commit match whole: environment 1 is not environment 10', () => {
    const sent: StartIdentity = { shown: { ...SENT_FIELDS.shown, environment: '1' }, unseen: [] }
    expect(ownRuns(listed([candidate({})], 0), sent, SENT)).toEqual([])
  })

  it('a field the step did not send does not decide', () => {
    expect(ownRuns(listed([candidate({ echoed: { ...candidate({}).echoed, ref: '1'.repeat(40) } })], 0), SENT_FIELDS, SENT)).toHaveLength(1)
  })

  it('returns every candidate that matches, so two are never adopted blindly', () => {
    expect(ownRuns(listed([candidate({ id: '1' }), candidate({ id: '2' })], 0), SENT_FIELDS, SENT)).toHaveLength(2)
  })
})

// The whole start path: an ambiguous trigger failure, then the platform's listing.
describe('startRun after an ambiguous failure', () => {
  const ambiguous = () =>
    new PlatformError({
      platform: 'Acme',
      action: 'start the run',
      endpoint: 'POST /runs',
      method: 'POST',
      kind: 'http',
      status: 502,
      reached: true
    })
  function provider(candidates: RunCandidate[], listed: { count: number } = { count: 0 }): Provider {
    return acmeProvider({
      trigger: async () => {
        throw ambiguous()
      },
      recentRuns: async () => {
        listed.count++
        return { runs: candidates, clockOffsetMs: 0 }
      },
      startIdentity: () => SENT_FIELDS
    })
  }
  const logs: string[] = []
  const start = (p: Provider, inputs: Partial<Inputs> = {}, signal?: AbortSignal) =>
    startRun(
      p,
      ctx(inputs),
      (l) => logs.push(l),
      signal,
      () => SENT
    )

  beforeEach(() => {
    logs.length = 0
  })

  it('adopts the one run this request created, saying why it looked and what it found', async () => {
    const r = await start(provider([candidate({ id: '77' })]))
    expect(r).toMatchObject({ adopted: true, run: { id: '77' } })
    expect(logs).toEqual([
      'Acme: the trigger request failed after reaching the platform (HTTP 502 Bad Gateway); looking for the run it may have started, instead of sending it again.',
      "Found run 77 (plan 2090, environment 10, build b-812), created after this step's request: following it."
    ])
  })

  it('a trigger that worked is the run, not adopted, and nothing is listed', async () => {
    const listed = { count: 0 }
    const p = acmeProvider({
      trigger: async () => candidate({ id: '9' }).state,
      recentRuns: async () => {
        listed.count++
        return { runs: [] }
      }
    })
    expect(await start(p)).toEqual({ run: candidate({ id: '9' }).state, adopted: false })
    expect(listed.count).toBe(0)
  })

  it.each([
    ['a refusal (HTTP 400)', new PlatformError({ ...ambiguous().info, status: 400 })],
    ['a request that never arrived', new PlatformError({ ...ambiguous().info, kind: 'network', status: undefined, reached: false })],
    ['an error that is no platform failure (a bug)', new TypeError('x is undefined')]
  ])('%s is not ambiguous: it is thrown as it is, and nothing is listed', async (_, error) => {
    const listed = { count: 0 }
    const p = acmeProvider({
      trigger: async () => {
        throw error
      },
      recentRuns: async () => {
        listed.count++
        return { runs: [candidate({})] }
      },
      busyMessage: /already running/
    })
    await expect(start(p)).rejects.toBe(error)
    expect(listed.count).toBe(0)
  })

  it('a platform that cannot list its runs: the ambiguous failure is thrown as it is', async () => {
    const e = ambiguous()
    const p = acmeProvider({
      trigger: async () => {
        throw e
      }
    })
    await expect(start(p)).rejects.toBe(e)
  })

  it.each([
    [
      'fails on the platform',
      new PlatformError({ platform: 'Acme', action: 'list runs', endpoint: 'GET /runs', kind: 'http', status: 503, reached: true }),
      'HTTP 503 Service Unavailable'
    ],
    ['throws something else', new Error('boom'), 'an unexpected error']
  ])('when the listing %s, the step says a run may have started and where to look', async (_, listError, why) => {
    const p = acmeProvider({
      trigger: async () => {
        throw ambiguous()
      },
      recentRuns: async () => {
        throw listError
      }
    })
    const e = await failure(start(p))
    expect(e.info.hint).toBe(
      `the request reached Acme, so a run may have started, and listing the runs to check failed (${why}): look at the Acme runs page before running the job again.`
    )
    expect(e.info.status).toBe(502) // the trigger's own failure stays the one reported
  })

  it.each([
    ['a run of another build', [candidate({ echoed: { plan: '2090', environment: '10', build: 'b-811' } })]],
    ['the sibling leg’s run (another environment)', [candidate({ echoed: { plan: '2090', environment: '11', build: 'b-812' } })]],
    ['a run created before the request', [candidate({ createdAt: new Date(SENT - 10 * 60_000) })]]
  ] as [string, RunCandidate[]][])('does not adopt %s: says a run may still appear, and where to look', async (_, list) => {
    const e = await failure(start(provider(list)))
    expect(e.info.hint).toMatch(
      /no run with plan 2090, environment 10, build b-812 was created on Acme after the request, so the request most likely did nothing; one may still appear: look at the Acme runs page/
    )
  })

  it('a field the step set that the listing cannot show: adopts nothing, lists nothing, says where to look', async () => {
    const count = { count: 0 }
    const p = { ...provider([candidate({})], count), startIdentity: () => ({ ...SENT_FIELDS, unseen: ['variables', 'executionConfig'] }) }
    const e = await failure(start(p))
    expect(count.count).toBe(0)
    expect(e.info.hint).toMatch(
      /Acme's run listing does not show variables, executionConfig, so it cannot tell this step's run from another job's: look at the Acme runs page/
    )
  })

  it.each([
    ['a platform message that says something else', 'Bad gateway', /already running/],
    ['no platform message', undefined, /undefined|already running/],
    ['a platform that declares no busy message', 'already running', undefined]
  ] as [string, string | undefined, RegExp | undefined][])(
    '%s: the ambiguous failure goes on to the listing',
    async (_, platformMessage, busyMessage) => {
      const count = { count: 0 }
      const failed = new PlatformError({ ...ambiguous().info, platformMessage })
      const p = { ...provider([candidate({ id: '5' })], count), busyMessage, trigger: async () => Promise.reject(failed) }
      const r = await startRun(
        p,
        ctx({}),
        () => undefined,
        undefined,
        () => SENT
      )
      expect(count.count).toBe(1)
      expect(r).toMatchObject({ adopted: true, run: { id: '5' } })
    }
  )

  it('a refusal that says the plan is already running is named as that, and nothing is listed', async () => {
    const count = { count: 0 }
    const busy = new PlatformError({
      ...ambiguous().info,
      status: 500,
      platformMessage: 'EXECUTION_ALREADY_RUNNING: Test plan is already running'
    })
    const p = acmeProvider({
      trigger: async () => {
        throw busy
      },
      recentRuns: async () => {
        count.count++
        return { runs: [] }
      },
      busyMessage: /already running/
    })
    const e = await failure(start(p))
    expect(count.count).toBe(0)
    expect(e.info.hint).toMatch(/^Acme says this is already running, so it started no new run/)
  })

  it('lists the runs under the step’s cancel signal, so a cancel during the search is obeyed too', async () => {
    const stop = new AbortController()
    let heard: AbortSignal | undefined
    const p = acmeProvider({
      trigger: async () => {
        throw ambiguous()
      },
      recentRuns: async (_ctx, signal) => {
        heard = signal
        return { runs: [candidate({ id: '5' })], clockOffsetMs: 0 }
      },
      startIdentity: () => SENT_FIELDS
    })
    await start(p, {}, stop.signal)
    expect(heard).toBe(stop.signal)
  })

  it('does not adopt either of two candidates: names both and asks for runId', async () => {
    const e = await failure(start(provider([candidate({ id: '1' }), candidate({ id: '2' })])))
    expect(e.info.hint).toMatch(
      /2 runs with plan 2090, environment 10, build b-812 were created on Acme since the request \(ids 1, 2\): look at the Acme runs page and follow the right one with `runId`/
    )
  })

  it.each([
    ['a read before it (GET)', { method: 'GET', reached: true }],
    ['a write that never arrived', { method: 'POST', reached: false, kind: 'network' as const, status: undefined }],
    ['a failure with no request', { method: undefined, reached: true }]
  ])('when the workflow is cancelled during %s, the step says no run was started', async (_, info) => {
    const stop = new AbortController()
    stop.abort()
    const p = acmeProvider({
      trigger: async () => {
        throw new PlatformError({ ...ambiguous().info, ...info })
      }
    })
    const e = await failure(start(p, {}, stop.signal))
    expect(e.info.hint).toBe('the workflow was cancelled before the start request was sent: no run was started on Acme.')
  })

  it('when the workflow is cancelled during the trigger, does not list or adopt: says a run may have started and where to look', async () => {
    const listed = { count: 0 }
    const stop = new AbortController()
    stop.abort()
    const e = await failure(start(provider([candidate({})], listed), {}, stop.signal))
    expect(listed.count).toBe(0)
    expect(e.info.hint).toMatch(/cancelled while the start request was in flight, so a run may have started: look at the Acme runs page/)
  })
})
