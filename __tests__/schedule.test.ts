import type { RunState } from '../src/model.js'
import { blindDelayMs, DEFAULT_SCHEDULE, PollPlanner } from '../src/schedule.js'

const mid = () => 0.5
const running = (done: number, total = 100): RunState => ({
  id: '1',
  status: 'running',
  providerStatus: 'RUNNING',
  counts: { total, passed: done }
})

describe('PollPlanner', () => {
  it('without counts: every 2.5 s for 30 s, easing to 15 s by minute two', () => {
    expect([0, 15_000, 29_000].map(blindDelayMs)).toEqual([2500, 2500, 2500])
    expect(blindDelayMs(75_000)).toBeCloseTo(8750, 0)
    expect([120_000, 3_600_000].map(blindDelayMs)).toEqual([15_000, 15_000])
    const p = new PollPlanner(DEFAULT_SCHEDULE)
    expect(p.nextDelayMs(0, mid)).toBe(2500)
    expect(p.nextDelayMs(600_000, mid)).toBe(15_000)
  })

  it('jitters by ±10 %', () => {
    const p = new PollPlanner(DEFAULT_SCHEDULE)
    expect(p.nextDelayMs(0, () => 0)).toBe(2250)
    expect(p.nextDelayMs(0, () => 0.999)).toBe(2750)
  })

  it('predicts the end from the rate of completed tests and waits half the time left, at most a minute', () => {
    const p = new PollPlanner(DEFAULT_SCHEDULE)
    p.observe(0, running(0))
    p.observe(10_000, running(10)) // 1 test/s: 90 s left
    expect(p.remainingMs(10_000)).toBe(90_000)
    expect(p.nextDelayMs(10_000, mid)).toBe(45_000)
    p.observe(80_000, running(80)) // 20 s left
    expect(p.nextDelayMs(80_000, mid)).toBe(10_000)
    const slow = new PollPlanner(DEFAULT_SCHEDULE)
    slow.observe(0, running(1, 1000))
    slow.observe(10_000, running(2, 1000))
    expect(slow.nextDelayMs(10_000, mid)).toBe(60_000)
  })

  it('reads every 2 s near the end; every test counted and the run goes on: growing to 9 s, and no further', () => {
    const p = new PollPlanner(DEFAULT_SCHEDULE)
    p.observe(0, running(0))
    p.observe(99_000, running(99))
    expect(p.nextDelayMs(99_000, mid)).toBe(2000)
    p.observe(101_000, running(100))
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9].map(() => p.nextDelayMs(101_000, mid))).toEqual([
      2000, 2600, 3380, 4394, 5712, 7426, 9000, 9000, 9000
    ])
    // Minutes later (plan hooks, videos, reports still running): 9 s, not the overrun's 15 s.
    expect(p.nextDelayMs(400_000, mid)).toBe(9000)
    expect(p.nextDelayMs(400_000, () => 0.999)).toBe(9898)
    expect(p.reason).toMatch(/^every test is counted and the run goes on: finishing read 11, 2 s growing to 9 s$/)
  })

  it('a first failed test with none completed since: the run may be stopping, read as it finishes', () => {
    const p = new PollPlanner(DEFAULT_SCHEDULE)
    p.observe(0, running(0, 1000))
    p.observe(10_000, running(10, 1000)) // 1 test/s: 990 s left, a minute's sleep
    expect(p.nextDelayMs(10_000, mid)).toBe(60_000)
    p.observe(70_000, { ...running(69, 1000), counts: { total: 1000, passed: 69, failed: 1 } })
    expect([1, 2, 3].map(() => p.nextDelayMs(70_000, mid))).toEqual([2000, 2600, 3380])
    expect(p.reason).toMatch(/^a test failed and no other has completed since/)
    // Still 70 done: still stopping.
    p.observe(73_000, { ...running(69, 1000), counts: { total: 1000, passed: 69, failed: 1 } })
    expect(p.nextDelayMs(73_000, mid)).toBe(4394)
    // Another test completed: the run goes on, and the counts predict again.
    p.observe(76_000, { ...running(70, 1000), counts: { total: 1000, passed: 70, failed: 1 } })
    expect(p.nextDelayMs(76_000, mid)).toBe(60_000)
    // A second failure is not a first one.
    p.observe(136_000, { ...running(128, 1000), counts: { total: 1000, passed: 128, failed: 2 } })
    expect(p.nextDelayMs(136_000, mid)).toBe(60_000)
  })

  it('a platform whose runs report no counts: a steady 15 s, queued or running, early or late', () => {
    const p = new PollPlanner({ ...DEFAULT_SCHEDULE, noProgressCounts: true })
    p.observe(0, { ...running(0), status: 'queued', counts: {} })
    expect(p.nextDelayMs(0, mid)).toBe(15_000)
    p.observe(20_000, { ...running(0), counts: {} })
    expect([20_000, 60_000, 3_600_000].map((t) => p.nextDelayMs(t, mid))).toEqual([15_000, 15_000, 15_000])
    expect(p.nextDelayMs(0, () => 0)).toBe(13_500)
    expect(p.reason).toBe('the platform reports no progress counts: a steady 15 s')
    // The user's pollIntervalSeconds still wins.
    expect(new PollPlanner({ ...DEFAULT_SCHEDULE, noProgressCounts: true, fixedMs: 5000 }).nextDelayMs(0, mid)).toBe(5000)
  })

  it('past half a minute overdue, the gaps grow to a quarter of the overrun, never past 15 s', () => {
    const p = new PollPlanner(DEFAULT_SCHEDULE)
    p.observe(0, running(0))
    p.observe(10_000, running(50)) // 5 tests/s: the end due at 20 s
    expect(p.nextDelayMs(20_000, mid)).toBe(2000) // the first overdue read: 2 s
    expect(p.nextDelayMs(40_000, mid)).toBe(5000) // 20 s over: a quarter of that beats 2.6 s
    expect(p.nextDelayMs(60_000, mid)).toBe(10_000)
    expect(p.nextDelayMs(80_000, mid)).toBe(15_000)
    expect(p.nextDelayMs(200_000, mid)).toBe(15_000) // not 45 s
    expect(p.reason).toBe('past the predicted end for 180 s: overdue read 5, 2 s growing to 8 s, then a quarter of the overrun up to 15 s')
    // Counts that move again end the overrun: the next one counts from its own start.
    // 60 at 200 s: the 190 s for 10 tests was a stop, left out of the rate: 40 left at 5 a second.
    p.observe(200_000, running(60))
    expect(p.remainingMs(200_000)).toBe(8000)
    expect(p.nextDelayMs(200_000, mid)).toBe(4000)
    expect(p.nextDelayMs(220_000, mid)).toBe(2000)
  })

  it('falls back to the blind schedule while counts do not move', () => {
    const p = new PollPlanner(DEFAULT_SCHEDULE)
    p.observe(0, running(0))
    p.observe(5000, running(0))
    expect(p.remainingMs(5000)).toBeUndefined()
    expect(p.nextDelayMs(5000, mid)).toBe(2500)
  })

  it('ignores counts of a queued run', () => {
    const p = new PollPlanner(DEFAULT_SCHEDULE)
    p.observe(0, { ...running(0), status: 'queued' })
    p.observe(5000, { ...running(50), status: 'queued' })
    expect(p.remainingMs(5000)).toBeUndefined()
  })

  it('uses a fixed interval when given, never below the platform floor', () => {
    expect(new PollPlanner({ minMs: 1000, fixedMs: 7000 }).nextDelayMs(0, Math.random)).toBe(7000)
    expect(new PollPlanner({ minMs: 2000, fixedMs: 1000 }).nextDelayMs(999_000, Math.random)).toBe(2000)
  })
})

// Each rule of the prediction on its own boundary (what mutation testing found unpinned).
describe('PollPlanner boundaries', () => {
  it('one reading with counts predicts nothing yet: the blind schedule', () => {
    const p = new PollPlanner(DEFAULT_SCHEDULE)
    p.observe(0, running(10))
    expect(p.remainingMs(0)).toBeUndefined()
    expect(p.nextDelayMs(0, mid)).toBe(2500)
  })

  it('counts that did not move predict nothing; two readings at the same moment neither', () => {
    const p = new PollPlanner(DEFAULT_SCHEDULE)
    p.observe(0, running(10))
    p.observe(5000, running(10))
    expect(p.remainingMs(5000)).toBeUndefined()
    const q = new PollPlanner(DEFAULT_SCHEDULE)
    q.observe(1000, running(5))
    q.observe(1000, running(10))
    expect(q.remainingMs(1000)).toBeUndefined()
  })

  it('skipped and failed tests are done tests', () => {
    const p = new PollPlanner(DEFAULT_SCHEDULE)
    p.observe(0, { ...running(0), counts: { total: 100, passed: 0 } })
    p.observe(10_000, { ...running(0), counts: { total: 100, passed: 4, failed: 3, skipped: 3 } })
    expect(p.remainingMs(10_000)).toBe(90_000)
  })

  it('the time since the last reading counts against what is left', () => {
    const p = new PollPlanner(DEFAULT_SCHEDULE)
    p.observe(0, running(0))
    p.observe(10_000, running(10))
    expect(p.remainingMs(30_000)).toBe(70_000)
  })

  it('counts that stand still are as old as the first reading that showed them', () => {
    const p = new PollPlanner(DEFAULT_SCHEDULE)
    p.observe(0, running(0))
    p.observe(10_000, running(10)) // 1 test/s, 90 left: the end 90 s after this reading
    p.observe(20_000, running(10)) // the same count again: it still says where the run was at 10 s
    expect(p.remainingMs(20_000)).toBe(80_000)
    expect(p.remainingMs(30_000)).toBe(70_000)
  })

  it('only the latest stretch of equal counts is their age: an earlier equal count is not', () => {
    const p = new PollPlanner(DEFAULT_SCHEDULE)
    p.observe(0, running(10))
    p.observe(10_000, running(5)) // the platform counted again from fewer
    p.observe(20_000, running(10))
    // 5 tests in 10 s from the reading at 10 s; 90 left from the count first seen at 20 s
    expect(p.remainingMs(20_000)).toBe(180_000)
  })

  it('all tests done: the end is due now', () => {
    const p = new PollPlanner(DEFAULT_SCHEDULE)
    p.observe(0, running(50))
    p.observe(10_000, running(100))
    expect(p.remainingMs(10_000)).toBe(0)
  })

  it('the rate comes from the last 20 readings: an early slow start is forgotten', () => {
    const p = new PollPlanner(DEFAULT_SCHEDULE)
    p.observe(0, running(0, 1000))
    p.observe(100_000, running(1, 1000)) // a slow start: 1 test in 100 s
    for (let i = 1; i <= 20; i++) p.observe(100_000 + i * 1000, running(1 + i * 10, 1000)) // then 10 tests/s
    // The kept readings: 10 tests/s, 799 left → 79.9 s; with the slow start kept it would be far longer.
    expect(p.remainingMs(120_000)).toBeCloseTo(79_900, -2)
  })

  it('counts that stood still far longer per test than the rest (a stop, an agent restarting) are left out of the rate', () => {
    const p = new PollPlanner(DEFAULT_SCHEDULE)
    for (let i = 0; i <= 4; i++) p.observe(i * 10_000, running(i * 10)) // 1 test/s until 40 s
    for (let k = 1; k <= 30; k++) p.observe(40_000 + k * 8000, running(40)) // 4 minutes without a test
    p.observe(288_000, running(41))
    // Kept as read, the last 20 readings would hold only the stop, and 59 tests at its pace would
    // take hours; with the stop in the rate, 414 s. Without it: 59 s at 1 a second.
    expect(p.remainingMs(288_000)).toBeCloseTo(59_000, 0)
  })

  it('a stretch is a stop only when 10x longer per test than the usual one and at least 30 s', () => {
    const at = (gapMs: number) => {
      const p = new PollPlanner(DEFAULT_SCHEDULE)
      for (let i = 0; i <= 4; i++) p.observe(i * 2000, running(i)) // 2 s a test
      p.observe(8000 + gapMs, running(5))
      return p.remainingMs(8000 + gapMs)
    }
    expect(at(20_000)).toBeCloseTo(95 * (28_000 / 5), 0) // 10x but under 30 s: in the rate
    expect(at(29_999)).toBeCloseTo(95 * (37_999 / 5), 0) // 15x, under 30 s: in the rate
    expect(at(30_000)).toBeCloseTo(95 * 2000, 0) // 15x and 30 s: left out
    const q = new PollPlanner(DEFAULT_SCHEDULE)
    for (let i = 0; i <= 4; i++) q.observe(i * 10_000, running(i)) // 10 s a test
    q.observe(40_000 + 100_000, running(5)) // exactly 10x: in the rate
    expect(q.remainingMs(140_000)).toBeCloseTo(95 * 28_000, 0)
  })

  it('the rate comes from exactly the last 20 changes of the count', () => {
    const p = new PollPlanner(DEFAULT_SCHEDULE)
    p.observe(0, running(0, 1000))
    p.observe(100_000, running(1, 1000))
    p.observe(101_000, running(2, 1000)) // one test in the first second, then 10 a second
    for (let i = 2; i <= 19; i++) p.observe(100_000 + i * 1000, running(2 + (i - 1) * 10, 1000))
    // 21 changes: the 20 kept start at 1 test at 100 s: 181 tests in 19 s, 818 left.
    expect(p.remainingMs(119_000)).toBeCloseTo((818 * 19_000) / 181, 3)
  })

  it('a total that grows while the done count stands still does not date the count anew', () => {
    const p = new PollPlanner(DEFAULT_SCHEDULE)
    p.observe(0, running(0))
    p.observe(10_000, running(10)) // 1 test/s
    p.observe(20_000, running(10, 120)) // 110 left, the count 10 s old
    expect(p.remainingMs(20_000)).toBe(100_000)
  })

  it('a first reading with every test done: the end is due now', () => {
    const p = new PollPlanner(DEFAULT_SCHEDULE)
    p.observe(0, running(100))
    expect(p.remainingMs(0)).toBe(0)
  })

  it('no reading yet predicts nothing', () => {
    expect(new PollPlanner(DEFAULT_SCHEDULE).remainingMs(0)).toBeUndefined()
  })

  it('the blind schedule changes at exactly 30 s and two minutes', () => {
    expect(blindDelayMs(29_999)).toBe(2500)
    expect(blindDelayMs(30_000)).toBe(2500)
    expect(blindDelayMs(30_001)).toBeGreaterThan(2500)
    expect(blindDelayMs(119_999)).toBeLessThan(15_000)
    expect(blindDelayMs(120_000)).toBe(15_000)
  })
})

describe('how much of the prediction the counts can promise', () => {
  // Reads 100 s apart; `steps` are the tests completed between them.
  const planned = (steps: number[], total: number) => {
    const p = new PollPlanner(DEFAULT_SCHEDULE)
    let done = 0
    p.observe(0, running(0, total))
    steps.forEach((n, i) => p.observe((i + 1) * 100_000, running((done += n), total)))
    return { p, t: steps.length * 100_000 }
  }

  it('even counts with many tests left: half the predicted time, as the rate alone says', () => {
    const { p, t } = planned([10, 10, 10, 10], 100)
    expect(p.sureShare()).toBe(0.5)
    expect(p.nextDelayMs(t, mid)).toBe(60_000) // 60 left at 0.1/s: 600 s, capped at a minute
  })

  it('uneven counts with few tests left: less, by the spread the counts show (CV/√left, two of them)', () => {
    // Increments 12, 8, 12, 8 against 10 expected: dispersion 16/40 = 0.4; 4 tests left.
    const { p, t } = planned([12, 8, 12, 8], 44)
    expect(p.sureShare()).toBeCloseTo(1 - 2 * Math.sqrt(0.4 / 4), 10)
    expect(p.nextDelayMs(t, mid)).toBe(Math.round(40_000 * (1 - 2 * Math.sqrt(0.1))))
    // The same spread with 40 left promises the usual half.
    expect(planned([12, 8, 12, 8], 80).p.sureShare()).toBe(0.5)
  })

  it('counts that arrive in bursts promise little: a tenth of the prediction, never less', () => {
    // Increments 0, 0, 30 against 10 expected: dispersion 600/30 = 20.
    const { p, t } = planned([0, 0, 30], 60)
    expect(p.sureShare()).toBe(0.1)
    expect(p.nextDelayMs(t, mid)).toBe(30_000) // 30 left at 0.1/s: 300 s, a tenth of it
  })

  it('however little the counts promise, no denser than the overdue reads (8 s)', () => {
    const { p, t } = planned([0, 0, 30], 33) // 3 left: 30 s predicted, a tenth would be 3 s
    expect(p.sureShare()).toBe(0.1)
    expect(p.nextDelayMs(t, mid)).toBe(8000)
    // Unless half the predicted time is shorter still.
    const near = new PollPlanner(DEFAULT_SCHEDULE)
    ;[0, 0, 0, 3].forEach((done, i) => near.observe(i * 1000, running(done, 4)))
    expect(near.remainingMs(3000)).toBe(1000)
    expect(near.nextDelayMs(3000, mid)).toBe(2000)
  })

  it('fewer than three intervals with progress tell nothing of the spread: half', () => {
    expect(planned([0, 30], 100).p.sureShare()).toBe(0.5)
    expect(planned([0, 0, 30], 100).p.sureShare()).toBe(0.1)
    // Readings from before the counts went back (the platform restarted the run) are not
    // intervals of its progress: 10, 12, 30 are two, however uneven.
    const p = new PollPlanner(DEFAULT_SCHEDULE)
    ;[50, 50, 10, 12, 30].forEach((done, i) => p.observe(i * 100_000, running(done, 40)))
    expect(p.sureShare()).toBe(0.5)
    p.observe(500_000, running(31, 40)) // a third: now the spread counts
    expect(p.sureShare()).toBeLessThan(0.5)
  })

  it('a count that stood still through all the readings kept tells nothing of the spread: half', () => {
    const p = new PollPlanner(DEFAULT_SCHEDULE)
    for (let i = 0; i <= 3; i++) p.observe(i * 10_000, running(i * 10)) // 1 test/s
    for (let k = 1; k <= 25; k++) p.observe(30_000 + k * 8000, running(30)) // then one slow test
    expect(p.sureShare()).toBe(0.5)
  })

  it('says in the debug log how much of the prediction it sleeps, and why', () => {
    const { p, t } = planned([12, 8, 12, 8], 44)
    p.nextDelayMs(t, mid)
    expect(p.reason).toBe("the counts predict the end in 40 s: 37 % of that (as sure as the counts' spread allows), between 2 s and 60 s")
  })
})

describe('tests still to run, reported as skipped', () => {
  it('when a running run’s counts already account for every test, its skipped ones are not done', () => {
    const p = new PollPlanner(DEFAULT_SCHEDULE)
    const pending = (done: number): RunState => ({ ...running(done), counts: { total: 100, passed: done, skipped: 100 - done } })
    p.observe(0, pending(0))
    p.observe(10_000, pending(10))
    expect(p.remainingMs(10_000)).toBe(90_000) // not 0: 90 tests are still to run
    expect(p.nextDelayMs(10_000, mid)).toBe(45_000)
  })

  it('all executed is still the end being due', () => {
    const p = new PollPlanner(DEFAULT_SCHEDULE)
    p.observe(0, running(50))
    p.observe(10_000, { ...running(90), counts: { total: 100, passed: 90, failed: 10 } })
    expect(p.remainingMs(10_000)).toBe(0)
  })
})

describe('a queued run', () => {
  const queued: RunState = { id: '1', status: 'queued', providerStatus: 'QUEUED', counts: {} }
  it('is read less often the longer it has been queued: a quarter of that, 2.5 s to 15 s', () => {
    const p = new PollPlanner(DEFAULT_SCHEDULE)
    p.observe(0, queued)
    expect(p.nextDelayMs(0, mid)).toBe(2500)
    p.observe(20_000, queued)
    expect(p.nextDelayMs(20_000, mid)).toBe(5000)
    const later = new PollPlanner(DEFAULT_SCHEDULE)
    later.observe(20_000, queued) // queued from the first reading at 20 s
    expect(later.nextDelayMs(40_000, mid)).toBe(5000)
    expect(p.nextDelayMs(600_000, mid)).toBe(15_000)
    expect(p.reason).toBe('queued for 600 s: a quarter of that, between 2.5 s and 15 s')
  })

  it('once it runs, the quick schedule counts from its start, not from the wait’s', () => {
    const p = new PollPlanner(DEFAULT_SCHEDULE)
    p.observe(0, queued)
    p.observe(600_000, running(0))
    expect(p.nextDelayMs(600_000, mid)).toBe(2500) // not 15 s: the run has just begun
    expect(p.nextDelayMs(600_000 + 300_000, mid)).toBe(15_000)
  })
})
