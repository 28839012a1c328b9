// After an ambiguous start, only a run this step's request could have created is adopted.
import { ownRuns, startRun } from '../src/trigger.js'
import { PlatformError } from '../src/errors.js'
import type { Provider, ProviderContext } from '../src/providers/types.js'
import type { RunCandidate } from '../src/model.js'
import type { Inputs } from '../src/inputs.js'
import { failure } from './helpers/failure.js'
import { acmeProvider } from './helpers/fake-provider.js'

const SENT = Date.parse('2026-12-01T12:00:00Z')
const ctx = (inputs: Partial<Inputs>) =>
  ({ inputs: { buildVersion: 'b-812', ...inputs }, run: { sha: 'f'.repeat(40) } }) as unknown as ProviderContext
const candidate = (c: Partial<RunCandidate> & { id?: string }): RunCandidate => ({
  state: { id: c.id ?? '1', status: 'queued', providerStatus: 'SUBMITTED', counts: {} },
  build: 'b-812',
  createdAt: new Date(SENT + 1000),
  ...c
})

describe('ownRuns', () => {
  it('adopts a run of this build created since the request', () => {
    expect(ownRuns([candidate({})], ctx({}), SENT)).toHaveLength(1)
  })

  it.each([
    ['another build', { build: 'b-811' }],
    ['a run created well before the request', { createdAt: new Date(SENT - 10 * 60_000) }],
    ['a run with no creation time', { createdAt: undefined }]
  ])('does not adopt %s', (_, c) => {
    expect(ownRuns([candidate(c)], ctx({}), SENT)).toEqual([])
  })

  it('where the step chose a commit (gitRef), a run of another commit is not ours; an abbreviation matches', () => {
    const sha = 'abc1234' + '0'.repeat(33)
    expect(ownRuns([candidate({ ref: 'def5678' + '0'.repeat(33) })], ctx({ gitRef: sha }), SENT)).toEqual([])
    expect(ownRuns([candidate({ ref: sha })], ctx({ gitRef: 'abc1234' }), SENT)).toHaveLength(1)
  })

  it('without gitRef the platform picks the commit, so the run’s commit does not decide', () => {
    // Testery records the commit it ran, which need not be the workflow's (docs/platforms.md point 1).
    expect(ownRuns([candidate({ ref: '1'.repeat(40) })], ctx({}), SENT)).toHaveLength(1)
  })

  it('a run created up to two minutes before the request can be ours (clocks differ); earlier cannot', () => {
    expect(ownRuns([candidate({ createdAt: new Date(SENT - 120_000) })], ctx({}), SENT)).toHaveLength(1)
    expect(ownRuns([candidate({ createdAt: new Date(SENT - 120_001) })], ctx({}), SENT)).toEqual([])
  })

  it('the commits match whichever side is abbreviated, in either case; a run with no commit recorded matches', () => {
    const sha = 'abc1234' + '0'.repeat(33)
    expect(ownRuns([candidate({ ref: 'abc1234' })], ctx({ gitRef: sha }), SENT)).toHaveLength(1)
    expect(ownRuns([candidate({ ref: sha.toUpperCase() })], ctx({ gitRef: 'abc1234' }), SENT)).toHaveLength(1)
    expect(ownRuns([candidate({ ref: '0000abc1234' })], ctx({ gitRef: 'abc1234' }), SENT)).toEqual([])
    expect(ownRuns([candidate({ ref: undefined })], ctx({ gitRef: sha }), SENT)).toHaveLength(1)
  })

  it('returns every candidate that matches, so two are never adopted blindly', () => {
    expect(ownRuns([candidate({ id: '1' }), candidate({ id: '2' })], ctx({}), SENT)).toHaveLength(2)
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
        return candidates
      }
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
      "Found run 77 for build b-812, created by this step's request: following it."
    ])
  })

  it('a trigger that worked is the run, not adopted, and nothing is listed', async () => {
    const listed = { count: 0 }
    const p = acmeProvider({
      trigger: async () => candidate({ id: '9' }).state,
      recentRuns: async () => {
        listed.count++
        return []
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
        return [candidate({})]
      }
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
    ['a run of another build', [candidate({ build: 'b-811' })], {}],
    ['a run of another commit (gitRef chosen)', [candidate({ ref: 'def5678' + '0'.repeat(33) })], { gitRef: 'abc1234' + '0'.repeat(33) }],
    ['a run created before the request', [candidate({ createdAt: new Date(SENT - 10 * 60_000) })], {}]
  ] as [string, RunCandidate[], Partial<Inputs>][])(
    'does not adopt %s: says a run may still appear, and where to look',
    async (_, list, inputs) => {
      const e = await failure(start(provider(list), inputs))
      expect(e.info.hint).toMatch(
        /no run for build b-812 appeared on Acme, so the request most likely did nothing; one may still appear: look at the Acme runs page/
      )
    }
  )

  it('lists the runs under the step’s cancel signal, so a cancel during the search is obeyed too', async () => {
    const stop = new AbortController()
    let heard: AbortSignal | undefined
    const p = acmeProvider({
      trigger: async () => {
        throw ambiguous()
      },
      recentRuns: async (_ctx, signal) => {
        heard = signal
        return [candidate({ id: '5' })]
      }
    })
    await start(p, {}, stop.signal)
    expect(heard).toBe(stop.signal)
  })

  it('does not adopt either of two candidates: names both and asks for runId', async () => {
    const e = await failure(start(provider([candidate({ id: '1' }), candidate({ id: '2' })])))
    expect(e.info.hint).toMatch(
      /2 runs for build b-812 were created on Acme since the request \(ids 1, 2\): look at the Acme runs page and follow the right one with `runId`/
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
