// After an ambiguous start, only a run this step's request could have created is adopted.
import { ownRuns } from '../src/trigger.js'
import type { ProviderContext, RunCandidate } from '../src/providers/types.js'
import type { Inputs } from '../src/inputs.js'

const SENT = Date.parse('2026-12-01T12:00:00Z')
const ctx = (inputs: Partial<Inputs>) => ({ inputs: { buildVersion: 'b-812', ...inputs }, run: { sha: 'f'.repeat(40) } }) as unknown as ProviderContext
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
    // Testery records the commit it ran, which need not be the workflow's (platforms.md point 1).
    expect(ownRuns([candidate({ ref: '1'.repeat(40) })], ctx({}), SENT)).toHaveLength(1)
  })

  it('returns every candidate that matches, so two are never adopted blindly', () => {
    expect(ownRuns([candidate({ id: '1' }), candidate({ id: '2' })], ctx({}), SENT)).toHaveLength(2)
  })
})
