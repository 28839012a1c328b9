// The verdict: every final status → the one annotation that is always shown, and whether the
// step fails. In process, with the workflow commands read from stdout.
import { captureStdout } from './helpers/stdout.js'
import type { RunState } from '../src/model.js'
import { checkedForTests, giveVerdict, noTestExecuted, runLabel, type VerdictContext } from '../src/verdict.js'

const printed = captureStdout()

const v: VerdictContext = { platform: 'Acme', failOnTestFailure: true, cancelOnAbort: false, timeoutMinutes: 1.5 }
const run = (status: RunState['status'], extra: Partial<RunState> = {}): RunState => ({
  id: '42',
  name: 'Nightly',
  url: 'https://acme.test/runs/42',
  status,
  providerStatus: 'WORD',
  counts: { total: 10, failed: 2 },
  ...extra
})
const lines = () => printed.commands()
const WHERE = 'Acme run Nightly (id 42) https://acme.test/runs/42'

describe('giveVerdict', () => {
  it.each([
    ['triggered', `::notice::Started ${WHERE}`, undefined],
    ['queued', `::notice::Started ${WHERE}`, undefined],
    ['running', `::notice::Started ${WHERE}`, undefined],
    ['passed', `::notice::Tests passed: ${WHERE}`, undefined],
    ['failed', `::error::Tests failed: 2 of 10 tests failed (WORD): ${WHERE}`, 1],
    ['cancelled', `::error::The run was cancelled on Acme (WORD). ${WHERE}`, 1],
    ['error', `::error::The run ended in an error on Acme (WORD). ${WHERE}`, 1],
    [
      'timed_out',
      `::error::Stopped waiting after 1m 30s: ${WHERE} was still WORD. It goes on there; raise \`timeoutMinutes\` to wait longer, or set \`cancelOnAbort: true\` to stop it.`,
      1
    ]
  ] as [RunState['status'], string, number | undefined][])('%s → %s', (status, line, code) => {
    giveVerdict(v, run(status), false)
    expect(lines()).toEqual([line])
    expect(process.exitCode).toBe(code)
  })

  it('a failure with failOnTestFailure: false is a warning, and the step passes', () => {
    giveVerdict({ ...v, failOnTestFailure: false }, run('failed'), false)
    expect(lines()).toEqual([
      `::warning::Tests failed: 2 of 10 tests failed (WORD): ${WHERE}. Not failing the step: failOnTestFailure is false.`
    ])
    expect(process.exitCode).toBeUndefined()
  })

  it('a failure without counts names no tally; unknown totals are "?"', () => {
    giveVerdict(v, run('failed', { counts: {} }), false)
    giveVerdict(v, run('failed', { counts: { failed: 3 } }), false)
    expect(lines()).toEqual([`::error::Tests failed (WORD): ${WHERE}`, `::error::Tests failed: 3 of ? tests failed (WORD): ${WHERE}`])
  })

  it('a pass with no test executed (failOnNoTests: false) passes, with a warning first', () => {
    giveVerdict(v, run('passed', { counts: { total: 0 } }), false)
    expect(lines()).toEqual([
      `::warning::${WHERE} passed with no test executed: check that the test plan or suite selects tests. Not failing the step: failOnNoTests is false.`,
      `::notice::Tests passed: ${WHERE}`
    ])
  })

  describe('no test executed (failOnNoTests, docs/how-it-works.md)', () => {
    it.each([
      [{ total: 0 }, true],
      [{ total: 5, passed: 0, failed: 0, skipped: 5 }, true], // every test skipped: none executed
      [{ passed: 0 }, true],
      [{ total: 5, passed: 1, failed: 0 }, false],
      [{ total: 5, failed: 1 }, false],
      [{ failed: 0 }, true],
      [{ total: 4, passed: 2, failed: 2 }, false],
      [{}, false] // no counts (Gearset) is not zero tests
    ])('counts %j: no test executed = %s', (counts, none) => {
      expect(noTestExecuted(run('passed', { counts }))).toBe(none)
      const judged = checkedForTests(run('passed', { counts }))
      expect(judged.status).toBe(none ? 'failed' : 'passed')
      if (none) expect(judged.message).toBe('WORD reported with no test executed')
    })

    it('only a pass is judged: every other ending is left as it is', () => {
      for (const status of ['failed', 'cancelled', 'error', 'timed_out', 'triggered', 'running'] as const)
        expect(checkedForTests(run(status, { counts: { total: 0 } }))).toEqual(run(status, { counts: { total: 0 } }))
    })

    it('a run the platform itself failed, with no test executed, is a plain failure: no advice on failOnNoTests', () => {
      giveVerdict(v, run('failed', { counts: { total: 0 } }), false)
      giveVerdict(v, run('failed', { counts: { total: 0 }, message: 'environment not found' }), false)
      expect(lines()).toEqual([`::error::Tests failed (WORD): ${WHERE}`, `::error::Tests failed (WORD): ${WHERE}`])
    })

    it('a pass turned into a failure for want of tests says so, and how to allow it', () => {
      giveVerdict(v, checkedForTests(run('passed', { counts: { total: 0 } })), false)
      expect(lines()).toEqual([
        `::error::No test was executed (WORD): ${WHERE}. A run without tests is not a pass: check that the test plan or suite selects tests, or set failOnNoTests: false.`
      ])
    })
  })

  it('an error says what the platform said', () => {
    giveVerdict(v, run('error', { message: 'environment\ndown' }), false)
    expect(lines()).toEqual([`::error::The run ended in an error on Acme (WORD): environment down. ${WHERE}`])
  })

  it.each([
    [true, true, 'It was cancelled on the platform.'],
    [false, true, 'It was not cancelled (see the warning above), so it goes on there.']
  ])('a timeout says what became of the run (cancelled: %s, cancelOnAbort: %s)', (cancelled, cancelOnAbort, fate) => {
    giveVerdict({ ...v, cancelOnAbort }, run('timed_out'), cancelled)
    expect(lines()).toEqual([`::error::Stopped waiting after 1m 30s: ${WHERE} was still WORD. ${fate}`])
  })

  it('a cancelled run quotes the platform’s reason (Testery: docs/platforms.md point 19)', () => {
    giveVerdict(v, run('cancelled', { message: 'Canceled - Due to newer\ntest run' }), false)
    expect(lines()).toEqual([`::error::The run was cancelled on Acme (WORD): Canceled - Due to newer test run. ${WHERE}`])
  })

  it('a run without name or link is named by its ID alone; platform words are one line', () => {
    giveVerdict(v, run('cancelled', { name: undefined, url: undefined, providerStatus: 'A\nB' }), false)
    expect(lines()).toEqual(['::error::The run was cancelled on Acme (A B). Acme run (id 42)'])
    expect(runLabel(run('passed', { name: 'x\ny' }))).toBe('x y (id 42)')
  })
})
