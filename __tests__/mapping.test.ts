// The providers' state mapping field by field, and the shared readers it uses (timestamps, counts,
// links): each boundary on its own row, as mutation testing asked for.
import { counts, safeLink, toDate } from '../src/providers/common.js'
import { gearsetState } from '../src/providers/gearset.js'
import { testeryState, testStatus } from '../src/providers/testery.js'
import { caseStatus, testsigmaState, webOriginOf } from '../src/providers/testsigma.js'

describe('toDate', () => {
  it.each([
    [null, undefined],
    [undefined, undefined],
    ['', undefined],
    [0, '1970-01-01T00:00:00.000Z'],
    [1764590400000, '2025-12-01T12:00:00.000Z'],
    ['2026-12-01T12:00:00Z', '2026-12-01T12:00:00.000Z'],
    ['2026-12-01T12:00:00.250+01:00', '2026-12-01T11:00:00.250Z'],
    // Testery: a space, and no colon in the offset
    ['2026-12-01 12:00:00+0000', '2026-12-01T12:00:00.000Z'],
    ['2026-12-01 12:00:00-0230', '2026-12-01T14:30:00.000Z'],
    ['2026-12-01 12:00:00.5+0100', '2026-12-01T11:00:00.500Z'],
    ['x2026-12-01 12:00:00+0000', undefined],
    ['2026-12-01 12:00:00+0000x', undefined],
    ['2026-12-01_12:00:00+0000', undefined],
    ['soon', undefined]
  ] as [number | string | null | undefined, string | undefined][])('%j → %s', (value, iso) => {
    expect(toDate(value)?.toISOString()).toBe(iso)
  })
})

describe('counts and links', () => {
  it('keeps only the counts the platform gave as numbers', () => {
    expect(counts({ total: 3, passed: null, failed: 0, skipped: undefined })).toEqual({ total: 3, failed: 0 })
  })

  it.each([
    [undefined, undefined],
    ['', undefined],
    ['not a url', undefined],
    ['https://app.example.com/runs/1', 'https://app.example.com/runs/1'],
    ['https://user:pw@app.example.com/runs/1', undefined],
    ['https://app.example.com.evil.test/runs/1', undefined]
  ])('safeLink(%j) → %s', (url, kept) => {
    expect(safeLink(url, 'https://app.example.com')).toBe(kept)
  })
})

describe('Testery state, field by field', () => {
  const base = { id: '7', status: 'PASS', failCount: 0 }
  it('maps name, status word, message; absent ones stay absent', () => {
    expect(testeryState({ ...base, name: 'nightly', statusInfo: 'ok' })).toMatchObject({
      name: 'nightly',
      providerStatus: 'PASS',
      message: 'ok',
      status: 'passed'
    })
    const bare = testeryState({ id: '7', status: null })
    expect([bare.name, bare.providerStatus, bare.message, bare.url]).toEqual([undefined, '', undefined, undefined])
  })

  it('a PASS with a reason is still a pass; only a FAIL with no failed test and a reason is an error', () => {
    expect(testeryState({ ...base, statusInfo: 'note' }).status).toBe('passed')
    expect(testeryState({ id: '7', status: 'FAIL', failCount: 0, statusInfo: 'build broke' }).status).toBe('error')
    expect(testeryState({ id: '7', status: 'FAIL', failCount: 1, statusInfo: 'x' }).status).toBe('failed')
    expect(testeryState({ id: '7', status: 'FAIL', failCount: 0 }).status).toBe('failed')
  })

  it('links to the run on testery.app when the account is known', () => {
    expect(testeryState(base, 'acme').url).toBe('https://testery.app/acme/test-runs/7')
  })
})

describe('Testsigma state, field by field', () => {
  it('maps the plan name and the message; absent ones stay absent', () => {
    const s = testsigmaState({ id: '9', status: 'STATUS_COMPLETED', result: 'SUCCESS', execution: { name: 'Smoke' }, message: 'done' })
    expect(s).toMatchObject({ name: 'Smoke', message: 'done', status: 'passed', providerStatus: 'STATUS_COMPLETED/SUCCESS' })
    const bare = testsigmaState({ id: '9', status: 'STATUS_IN_PROGRESS', result: null })
    expect([bare.name, bare.message, bare.providerStatus]).toEqual([undefined, undefined, 'STATUS_IN_PROGRESS'])
  })

  it('a completed run with no result is an error, never a pass', () => {
    expect(testsigmaState({ id: '9', status: 'STATUS_COMPLETED', result: null }).status).toBe('error')
    expect(testsigmaState({ id: '9', status: 'STATUS_COMPLETED' } as never).status).toBe('error')
  })
})

describe('Gearset state', () => {
  it('keeps the status word, or none', () => {
    expect(gearsetState('rr-1', { State: 'Succeeded' })).toMatchObject({ providerStatus: 'Succeeded', status: 'passed' })
    expect(gearsetState('rr-1', { State: null }).providerStatus).toBe('')
  })
})

describe('vendor details (docs/platforms.md points 16, 17, 20)', () => {
  const base = { id: '7', status: 'STATUS_IN_PROGRESS' }

  it('Testsigma links follow the regional app of the configured base URL', () => {
    expect(webOriginOf(undefined)).toBe('https://app.testsigma.com')
    expect(webOriginOf('https://app-eu.testsigma.com')).toBe('https://app-eu.testsigma.com')
    expect(webOriginOf('https://app-in.testsigma.com/api/v1')).toBe('https://app-in.testsigma.com')
    expect(webOriginOf('https://app-xx.testsigma.com')).toBe('https://app.testsigma.com')
    expect(webOriginOf('http://127.0.0.1:4010/testsigma')).toBe('https://app.testsigma.com')
    expect(testsigmaState(base, webOriginOf('https://app-eu.testsigma.com')).url).toBe('https://app-eu.testsigma.com/ui/td/runs/7')
    // A link the platform gives is kept only on the configured app.
    expect(testsigmaState({ ...base, app_url: 'https://app-eu.testsigma.com/ui/td/runs/7' }, 'https://app-eu.testsigma.com').url).toBe(
      'https://app-eu.testsigma.com/ui/td/runs/7'
    )
    expect(testsigmaState({ ...base, app_url: 'https://app-eu.testsigma.com/ui/td/runs/7' }).url).toBe(
      'https://app.testsigma.com/ui/td/runs/7'
    )
  })

  it('a Testsigma test QUEUED never ran: skipped, not failed; an unknown word is a failure', () => {
    expect(caseStatus('QUEUED')).toBe('skipped')
    expect(caseStatus('NOT_EXECUTED')).toBe('skipped')
    expect(caseStatus('FAILURE')).toBe('failed')
    expect(caseStatus('WEIRD')).toBe('failed')
    expect(caseStatus(null)).toBe('failed')
  })

  it('Gearset’s RunId (the CI run) is kept as ciRunId for the result output, when it is a plain ID', () => {
    expect(gearsetState('rr-1', { State: 'Started', RunId: 'run-55' }).refs).toEqual({ ciRunId: 'run-55' })
    expect(gearsetState('rr-1', { State: 'Pending', RunId: null }).refs).toBeUndefined()
    expect(gearsetState('rr-1', { State: 'Started', RunId: 'x\nstatus=passed' }).refs).toBeUndefined()
  })
})

describe('how one test ended, word by word (a word not listed is a failure, never a pass)', () => {
  it.each([
    ['SUCCESS', 'passed'],
    ['FAILURE', 'failed'],
    ['ABORTED', 'failed'],
    ['STOPPED', 'skipped'],
    ['NOT_EXECUTED', 'skipped'],
    ['QUEUED', 'skipped'],
    ['', 'failed'],
    [undefined, 'failed']
  ] as const)('Testsigma %j → %s', (word, status) => expect(caseStatus(word)).toBe(status))

  it.each([
    ['PASS', 'passed'],
    ['FAIL', 'failed'],
    ['IGNORED', 'skipped'],
    ['PENDING', 'skipped'],
    ['WEIRD', 'failed'],
    [null, 'failed']
  ] as const)('Testery %j → %s', (word, status) => expect(testStatus(word)).toBe(status))

  it('a completed Testsigma run with a result word not listed is an error', () => {
    expect(testsigmaState({ id: '1', status: 'STATUS_COMPLETED', result: 'WEIRD' }).status).toBe('error')
    expect(testsigmaState({ id: '1', status: 'STATUS_COMPLETED' }).status).toBe('error')
  })
})
