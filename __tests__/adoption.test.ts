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

  it('adopts the one run this request created', async () => {
    const r = await start(provider([candidate({ id: '77' })]))
    expect(r).toMatchObject({ adopted: true, run: { id: '77' } })
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

  it('when the workflow is cancelled during the trigger, does not list or adopt: says a run may have started and where to look', async () => {
    const listed = { count: 0 }
    const stop = new AbortController()
    stop.abort()
    const e = await failure(start(provider([candidate({})], listed), {}, stop.signal))
    expect(listed.count).toBe(0)
    expect(e.info.hint).toMatch(/cancelled while the start request was in flight, so a run may have started: look at the Acme runs page/)
  })
})
