import { MAX_SPACING_MS, ReadPacer } from '../src/read-pacer.js'
import { Pauses } from '../src/pauses.js'
import { FakeClock } from './helpers/fake-clock.js'

// Gearset's documented limit: 5 status reads per 5 s, per job, for every reader of that job.
const LIMIT = { count: 5, perMs: 5000 }

describe('read pacer (several steps sharing one limit)', () => {
  it('starts at the platform’s own pace and sends the first read at once', () => {
    const p = new ReadPacer(LIMIT)
    expect(p.spacingMs).toBe(1000)
    expect(p.nextAt()).toBe(-Infinity)
  })

  it('a step alone is never slowed by its own reads, however many of the window they use', () => {
    const p = new ReadPacer(LIMIT)
    for (let own = 1; own <= 5; own++) p.answered(5 - own, own)
    expect(p.spacingMs).toBe(1000)
  })

  it('a step alone is not jittered either: each gap is exactly the platform’s pace', () => {
    const p = new ReadPacer(LIMIT)
    p.answered(4, 1)
    p.sent(50_000, 0.999)
    expect(p.nextAt()).toBe(51_000)
    p.sent(60_000, 0)
    expect(p.nextAt()).toBe(61_000)
  })

  it('other readers filling the window: at least a fair share of 40 % of the limit, and slower while it stays over that', () => {
    const p = new ReadPacer(LIMIT)
    p.answered(0, 1) // 4 reads of others in the window: at least 5 readers share 2 reads per 5 s
    expect(p.spacingMs).toBe(12_500)
    p.answered(0, 1)
    expect(p.spacingMs).toBe(18_750)
  })

  it('others present but the window at most 40 % used: eases off, not below the fair share', () => {
    const p = new ReadPacer(LIMIT)
    p.answered(0, 1)
    expect(p.spacingMs).toBe(12_500)
    p.answered(3, 1) // 1 other read: 2 readers share 2 reads per 5 s, one each 5 s
    expect(p.spacingMs).toBe(10_000)
    for (let i = 0; i < 10; i++) p.answered(3, 1)
    expect(p.spacingMs).toBe(5000)
  })

  it('a quiet window (no reads of others) shrinks the spacing back to the platform’s pace, not below', () => {
    const p = new ReadPacer(LIMIT)
    p.answered(0, 1)
    p.answered(4, 1)
    expect(p.spacingMs).toBe(10_000)
    for (let i = 0; i < 20; i++) p.answered(4, 1)
    expect(p.spacingMs).toBe(1000)
  })

  it('a first refusal with no other sign of readers changes nothing (its Retry-After stays the wait); a second is a crowd', () => {
    const p = new ReadPacer(LIMIT)
    p.refused(1)
    expect(p.spacingMs).toBe(1000)
    p.sent(50_000, 0.999)
    expect(p.nextAt()).toBe(51_000) // not jittered either
    p.refused(1) // twice: the window was full of others, 4 reads plus the one that crowded this one out
    expect(p.spacingMs).toBe(15_000)
    p.refused(1)
    expect(p.spacingMs).toBe(30_000) // doubled
  })

  it('a refusal of a read that is not sent again is a crowd at once (nobody waits on its Retry-After)', () => {
    const p = new ReadPacer(LIMIT)
    p.refused(1, false)
    expect(p.spacingMs).toBe(15_000)
    p.sent(50_000, 0)
    expect(p.nextAt()).toBe(57_500) // jittered: others are about
  })

  it('a refusal after others were seen: at least their fair share of a full window at once', () => {
    const p = new ReadPacer(LIMIT)
    p.answered(3, 1) // one other read in the window
    expect(p.spacingMs).toBe(5000)
    p.refused(1)
    expect(p.spacingMs).toBe(15_000)
  })

  it('never spaces reads further apart than 30 s, jitter included', () => {
    const p = new ReadPacer(LIMIT)
    for (let i = 0; i < 10; i++) p.refused(1)
    expect(p.spacingMs).toBe(MAX_SPACING_MS)
    p.sent(1000, 0.999)
    expect(p.nextAt()).toBe(1000 + MAX_SPACING_MS)
  })

  it('jitters each gap between half and one and a half times the spacing, so steps started together drift apart', () => {
    const p = new ReadPacer(LIMIT)
    p.answered(0, 1)
    p.sent(50_000, 0)
    expect(p.nextAt()).toBe(56_250)
    p.sent(50_000, 0.5)
    expect(p.nextAt()).toBe(62_500)
    p.sent(50_000, 0.75)
    expect(p.nextAt()).toBe(65_625)
  })
})

describe('pauses and the read limit together', () => {
  const read = { method: 'GET', template: '/jobs/{jobId}/run-requests/{id}', readsRun: true }

  it('a read waiting its turn under the read limit is held by a pause asked meanwhile (another run’s read refused)', async () => {
    const clock = new FakeClock()
    const pauses = new Pauses({ clock, limitsPerAction: true, readLimit: LIMIT })
    await pauses.throttle(read, Infinity)
    expect(clock.elapsed()).toBe(0)
    // The platform answers another run's read with Retry-After: 3 while this one waits for its turn.
    pauses.asked(read, 3000)
    await pauses.throttle(read, Infinity)
    expect(clock.elapsed()).toBeGreaterThanOrEqual(3000)
  })

  it('the pause holds a read no later than the deadline (its last look is still sent)', async () => {
    const clock = new FakeClock()
    const pauses = new Pauses({ clock, limitsPerAction: true, readLimit: LIMIT })
    pauses.asked(read, 60_000)
    await pauses.throttle(read, 2000)
    expect(clock.elapsed()).toBe(2000)
  })
})
