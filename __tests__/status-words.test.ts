// Every status word of docs/platforms.md, mapped as documented; no other word can produce `passed`.
import { readFileSync } from 'node:fs'
import { fromWord } from '../src/providers/common.js'
import { gearset, gearsetState } from '../src/providers/gearset.js'
import { testery, testeryState } from '../src/providers/testery.js'
import { testsigma, testsigmaState } from '../src/providers/testsigma.js'
import type { Provider } from '../src/providers/types.js'
import type { RunStatus } from '../src/model.js'
import { checked } from '../src/wait.js'

const ts = (status: string | null, result: string | null = null) => testsigmaState({ id: '1', status, result })
const ty = (status: string | null, extra: Record<string, unknown> = {}) => testeryState({ id: '1', status, ...extra })
const gs = (State: string | null) => gearsetState('rr-1', { State })

describe('Testsigma (status × result)', () => {
  it.each([
    ['STATUS_CREATED', 'QUEUED', 'queued'],
    ['STATUS_QUEUED', 'QUEUED', 'queued'],
    ['STATUS_PRE_FLIGHT', 'QUEUED', 'queued'],
    ['STATUS_IN_PROGRESS', 'QUEUED', 'running'],
    ['STATUS_COMPLETED', 'SUCCESS', 'passed'],
    ['STATUS_COMPLETED', 'FAILURE', 'failed'],
    ['STATUS_COMPLETED', 'STOPPED', 'cancelled'],
    ['STATUS_COMPLETED', 'ABORTED', 'error'],
    ['STATUS_COMPLETED', 'NOT_EXECUTED', 'error'],
    ['STATUS_COMPLETED', 'QUEUED', 'error'],
    ['STATUS_COMPLETED', 'PASSED', 'error'],
    ['STATUS_COMPLETED', null, 'error']
  ])('%s / %s → %s', (status, result, expected) => {
    const s = ts(status, result)
    expect(s.status).toBe(expected)
    expect(s.unknownWord).toBeUndefined()
    expect(s.providerStatus).toBe(result ? `${status}/${result}` : status)
  })

  it('only STATUS_COMPLETED ends a run: SUCCESS with any other status is not a pass', () => {
    for (const status of ['STATUS_IN_PROGRESS', 'STATUS_CREATED', 'COMPLETED', 'status_completed', null]) {
      expect(ts(status, 'SUCCESS').status).not.toBe('passed')
    }
    expect(ts('STATUS_PAUSED', 'SUCCESS')).toMatchObject({ status: 'running', unknownWord: 'STATUS_PAUSED' })
  })

  it('links the run: app_url when https, else the documented UI pattern', () => {
    expect(testsigmaState({ id: '337', app_url: 'https://app.testsigma.com/ui/td/runs/337?x' }).url).toBe(
      'https://app.testsigma.com/ui/td/runs/337?x'
    )
    expect(testsigmaState({ id: '337', app_url: 'javascript:alert(1)' }).url).toBe('https://app.testsigma.com/ui/td/runs/337')
    expect(testsigmaState({ id: '337' }).url).toBe('https://app.testsigma.com/ui/td/runs/337')
  })

  it('reads counts and epoch-millisecond times', () => {
    const s = testsigmaState({
      id: '1',
      status: 'STATUS_COMPLETED',
      result: 'FAILURE',
      totalCount: 10,
      passedCount: 6,
      failedCount: 2,
      abortedCount: 1,
      stoppedCount: 0,
      notExecutedCount: 1,
      startTime: 1_700_000_000_000,
      endTime: 1_700_000_090_000
    })
    expect(s.counts).toEqual({ total: 10, passed: 6, failed: 3, skipped: 1 })
    expect(s.endedAt!.getTime() - s.startedAt!.getTime()).toBe(90_000)
  })
})

describe('Testery', () => {
  it.each([
    ['SUBMITTED', 'queued'],
    ['QUEUED', 'queued'],
    ['PENDING', 'queued'],
    ['RUNNING', 'running'],
    ['PASS', 'passed'],
    ['FAIL', 'failed'],
    ['CANCELED', 'cancelled'],
    ['CANCEL', 'cancelled']
  ])('%s → %s', (word, expected) => {
    expect(ty(word)).toMatchObject({ status: expected, providerStatus: word })
    expect(ty(word).unknownWord).toBeUndefined()
  })

  it('FAIL with no failed test and a reason is an error, not a test failure', () => {
    expect(ty('FAIL', { failCount: 0, statusInfo: 'Runner crashed' })).toMatchObject({ status: 'error', message: 'Runner crashed' })
    expect(ty('FAIL', { failCount: 2, statusInfo: 'Tests failed' }).status).toBe('failed')
  })

  it('reads its non-ISO timestamps and counts', () => {
    const s = ty('PASS', {
      startTime: '2020-05-04 23:16:33+0000',
      endTime: '2020-05-04 23:22:59+0000',
      passCount: 30,
      failCount: 0,
      ignoredCount: 1,
      totalCount: 31
    })
    expect(s.startedAt?.toISOString()).toBe('2020-05-04T23:16:33.000Z')
    expect((s.endedAt!.getTime() - s.startedAt!.getTime()) / 1000).toBe(386)
    expect(s.counts).toEqual({ total: 31, passed: 30, failed: 0, skipped: 1 })
  })

  it('links the run under the account name', () => {
    expect(testeryState({ id: '55676', status: 'PASS' }, 'acme').url).toBe('https://testery.app/acme/test-runs/55676')
    expect(testeryState({ id: '55676', status: 'PASS' }).url).toBeUndefined()
  })
})

describe('Gearset', () => {
  it.each([
    ['Pending', 'queued'],
    ['Started', 'running'],
    ['Succeeded', 'passed'],
    ['Failed', 'failed'],
    ['Partial', 'failed'],
    // docs/platforms.md point 10: Gearset's CI webhooks say Error, its unit-test runs Cancelled: both end the wait.
    ['Error', 'error'],
    ['Cancelled', 'cancelled']
  ])('%s → %s', (word, expected) => {
    expect(gs(word)).toMatchObject({ status: expected, providerStatus: word })
    expect(gs(word).unknownWord).toBeUndefined()
  })
})

describe('counts that are failures or not-run (docs/platforms.md points 4 and 7)', () => {
  it('Testsigma: a failed prerequisite is a failed test, so SUCCESS with one is not a pass', () => {
    const s = testsigmaState({
      id: '1',
      status: 'STATUS_COMPLETED',
      result: 'SUCCESS',
      totalCount: 5,
      passedCount: 4,
      failedCount: 0,
      preRequisiteFailedCount: 1
    })
    expect(s.counts).toEqual({ total: 5, passed: 4, failed: 1 })
    expect(checked(s)).toMatchObject({ status: 'failed' })
  })

  it('Testery: timed-out tests are failures and not-run tests are skipped; PASS with a timeout is not a pass', () => {
    const s = ty('PASS', { totalCount: 10, passCount: 7, failCount: 0, ignoredCount: 1, notRunCount: 1, timeoutCount: 1 })
    expect(s.counts).toEqual({ total: 10, passed: 7, failed: 1, skipped: 2 })
    expect(checked(s)).toMatchObject({ status: 'failed' })
    // A FAIL whose only failures are timeouts is a test failure, not an error.
    expect(ty('FAIL', { failCount: 0, timeoutCount: 2, statusInfo: 'Tests timed out' }).status).toBe('failed')
  })
})

describe('unknown words', () => {
  const WORDS = [
    '',
    'pass',
    'Pass',
    'PASSED',
    'passed',
    'SUCCESS',
    'Success',
    'succeeded',
    'SUCCEEDED',
    'OK',
    'COMPLETE',
    'DONE',
    'Idle',
    'Canceled',
    'Errored',
    'WEIRD',
    ' PASS',
    'PASS ',
    '__proto__',
    'constructor',
    'toString',
    'hasOwnProperty'
  ]
  it.each(WORDS)('%j is never a pass, and never an ending', (word) => {
    for (const s of [ty(word), gs(word), ts(word, 'SUCCESS')]) {
      if (s.providerStatus === 'PASS' || s.providerStatus === 'Succeeded') continue
      expect(s.status).toBe('running')
      expect(s.unknownWord).toBe(word || '(none)')
    }
  })

  it('a missing status is unknown, not a pass', () => {
    expect(ty(null)).toMatchObject({ status: 'running', unknownWord: '(none)' })
    expect(gs(null)).toMatchObject({ status: 'running', unknownWord: '(none)' })
  })

  it('fromWord only knows the table’s own words', () => {
    const table: Record<string, RunStatus> = { PASS: 'passed' }
    expect(fromWord(table, 'PASS').status).toBe('passed')
    expect(fromWord(table, 'toString')).toEqual({ status: 'running', unknownWord: 'toString' })
  })
})

// Each provider declares its words (statusWords): the declaration is what its state mapping
// does, word for word, and what the table of docs/how-it-works.md tells users.
describe('the declared status words', () => {
  const mappers: [string, Provider, (word: string) => RunStatus][] = [
    ['Testsigma', testsigma, (w) => ts(...(w.split('/') as [string, string?])).status],
    ['Testery', testery, (w) => ty(w, { failCount: w === 'FAIL' ? 1 : 0 }).status],
    ['Gearset', gearset, (w) => gs(w).status]
  ]
  const doc = readFileSync('docs/how-it-works.md', 'utf8')
  const table = doc.slice(doc.indexOf('| status | Testsigma'), doc.indexOf('A word the action does not know'))
  const column = (status: RunStatus, i: number) =>
    (table.split('\n').find((l) => l.startsWith(`| \`${status}\` |`)) ?? '').split('|')[i + 2] ?? ''

  it.each(mappers)('%s: every declared word maps to its declared status, and docs/how-it-works.md lists it there', (_, p, map) => {
    const i = mappers.findIndex((m) => m[1] === p)
    for (const [word, status] of Object.entries(p.statusWords)) {
      expect([word, map(word)]).toEqual([word, status])
      // Testsigma's endings are listed as STATUS_COMPLETED/<result>, or as the results of an `error`.
      const listed = column(status, i)
      expect([word, listed.includes(`\`${word}\``) || listed.includes(`\`${word.split('/')[1]}\``)]).toEqual([word, true])
    }
  })
})
