// scripts/break-rules.js breaks each reliability rule (README, Reliability) in one place of src/; a break
// whose place has moved (a refactor, a reformat) would silently test nothing: this test says so.
import { BREAKS, unappliable } from '../scripts/break-rules.js'

describe('break-rules', () => {
  it('every break still finds its one place in src/', () => {
    expect(unappliable()).toEqual([])
  })

  it('covers every rule (1 to 11), each with guarding tests', () => {
    expect([...new Set(BREAKS.map((b: { rule: number }) => b.rule))].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11])
    for (const b of BREAKS as { tests: string[]; only: string }[]) expect(b.tests.length * b.only.length).toBeGreaterThan(0)
  })
})
