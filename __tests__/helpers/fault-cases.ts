// The fault cases every platform meets, with what the step must end in, by what the platform
// declares (PlatformUnderTest), never by its name: the end-to-end fault matrix runs them through
// dist/index.js on the four platforms, and the throwaway-platform test in-process on a fifth.
import { escapeRegExp, type PlatformUnderTest } from './platforms.js'

type Pollable = PlatformUnderTest
type Fault = Record<string, unknown>
export interface Case {
  phase: 'trigger' | 'poll' | 'cancel'
  name: string
  faults: (other: string) => Fault[]
  /** How long the run goes on, when the faults need more reads than a short run gets. */
  runMs?: number
  /** What the step must end in, for a platform. */
  expect: (p: Pollable) => { code: number; status?: string; runs: number; message?: RegExp; warning?: RegExp }
}

const passes = () => ({ code: 0, status: 'passed', runs: 1 })
// A trigger that failed after reaching the platform: adopted where the platform can list runs.
const ambiguousCreated = (p: Pollable) =>
  p.canList
    ? { code: 0, status: 'passed', runs: 1 }
    : { code: 1, runs: 1, message: new RegExp(`may have taken effect: look at ${escapeRegExp(p.provider.runsPage)}`) }
// A trigger that failed before the platform created anything: never re-sent.
const ambiguousNothing = (p: Pollable) => ({
  code: 1,
  runs: 0,
  message: p.canList
    ? /no run with .+ was created on \w+ after the request, so the request most likely did nothing/
    : /may have taken effect/
})

export const CASES: Case[] = [
  // trigger: a write is re-sent only when the platform refused it, never after it may have arrived
  { phase: 'trigger', name: '500 JSON', faults: () => [{ do: 'status', status: 500 }], expect: ambiguousNothing },
  { phase: 'trigger', name: '502 HTML page', faults: () => [{ do: 'status', status: 502, html: true }], expect: ambiguousNothing },
  { phase: 'trigger', name: '504 HTML page', faults: () => [{ do: 'status', status: 504, html: true }], expect: ambiguousNothing },
  { phase: 'trigger', name: '503 with Retry-After', faults: () => [{ do: 'status', status: 503, retryAfter: 1 }], expect: passes },
  { phase: 'trigger', name: '429 with Retry-After', faults: () => [{ do: 'status', status: 429, retryAfter: 1 }], expect: passes },
  { phase: 'trigger', name: 'reset before handling', faults: () => [{ do: 'reset-before' }], expect: ambiguousNothing },
  { phase: 'trigger', name: 'reset after creating the run', faults: () => [{ do: 'reset-after' }], expect: ambiguousCreated },
  { phase: 'trigger', name: 'truncated answer', faults: () => [{ do: 'truncate' }], expect: ambiguousCreated },
  { phase: 'trigger', name: 'HTML page with 200', faults: () => [{ do: 'not-json' }], expect: ambiguousCreated },
  { phase: 'trigger', name: 'huge answer', faults: () => [{ do: 'huge', bytes: 3 * 1024 * 1024 }], expect: ambiguousCreated },
  { phase: 'trigger', name: 'slow drip', faults: () => [{ do: 'drip', tickMs: 2 }], expect: passes },
  {
    phase: 'trigger',
    name: 'redirect to another origin',
    faults: (other) => [{ do: 'redirect', to: other }],
    expect: () => ({
      code: 1,
      runs: 0,
      message: /HTTP 302, a redirect to http:\/\/127\.0\.0\.1:\d+, which is not followed with credentials/
    })
  },
  {
    phase: 'trigger',
    name: '401 echoing the token',
    faults: () => [{ do: 'echo-auth' }],
    expect: () => ({ code: 1, runs: 0, message: /HTTP 401 Unauthorized/ })
  },

  // poll: a failed read is "unknown this time"; only answers no retry can fix end the wait
  { phase: 'poll', name: '502 HTML page x2', faults: () => [{ do: 'status', status: 502, html: true, times: 2 }], expect: passes },
  { phase: 'poll', name: '503 with Retry-After', faults: () => [{ do: 'status', status: 503, retryAfter: 1 }], expect: passes },
  { phase: 'poll', name: '500 x5 (beyond one read’s retries)', faults: () => [{ do: 'status', status: 500, times: 5 }], expect: passes },
  { phase: 'poll', name: '429 with Retry-After', faults: () => [{ do: 'status', status: 429, retryAfter: 1 }], expect: passes },
  { phase: 'poll', name: 'reset before handling', faults: () => [{ do: 'reset-before', times: 2 }], expect: passes },
  { phase: 'poll', name: 'reset after handling', faults: () => [{ do: 'reset-after' }], expect: passes },
  { phase: 'poll', name: 'truncated answer', faults: () => [{ do: 'truncate' }], expect: passes },
  { phase: 'poll', name: 'HTML page with 200', faults: () => [{ do: 'not-json' }], expect: passes },
  { phase: 'poll', name: 'stall 2 s', faults: () => [{ do: 'stall', ms: 2000 }], expect: passes },
  { phase: 'poll', name: 'slow drip', faults: () => [{ do: 'drip', tickMs: 2 }], expect: passes },
  {
    phase: 'poll',
    name: 'the canonical blip sequence',
    faults: () => [
      { do: 'reset-before' },
      { do: 'status', status: 502, html: true },
      { do: 'stall', ms: 1500 },
      { do: 'status', status: 503, retryAfter: 1 }
    ],
    // Long enough for every fault of the sequence to meet a read (it once ended before the last).
    runMs: 8000,
    expect: passes
  },
  {
    phase: 'poll',
    name: 'redirect to another origin',
    faults: (other) => [{ do: 'redirect', to: other }],
    expect: () => ({ code: 1, status: 'error', runs: 1, message: /a redirect to http:\/\/127\.0\.0\.1:\d+, which is not followed/ })
  },
  {
    phase: 'poll',
    name: 'an answer of the wrong shape',
    faults: () => [{ do: 'json', body: { id: 'x\nstatus=passed', status: 7, State: 7 } }],
    expect: () => ({ code: 1, status: 'error', runs: 1, message: /the answer did not have the documented shape/ })
  },
  {
    phase: 'poll',
    name: '401 echoing the token',
    faults: () => [{ do: 'echo-auth' }],
    expect: () => ({ code: 1, status: 'error', runs: 1, message: /HTTP 401/ })
  },

  // cancel (the wait times out with cancelOnAbort: true): a failed cancel is a warning, never a hang
  {
    phase: 'cancel',
    name: '500',
    faults: () => [{ do: 'status', status: 500 }],
    expect: () => ({ code: 1, status: 'timed_out', runs: 1, warning: /Could not cancel run/ })
  },
  {
    phase: 'cancel',
    name: '503 with Retry-After',
    faults: () => [{ do: 'status', status: 503, retryAfter: 1 }],
    expect: () => ({ code: 1, status: 'timed_out', runs: 1, message: /It was cancelled on the platform/ })
  },
  {
    phase: 'cancel',
    name: '429 with Retry-After',
    faults: () => [{ do: 'status', status: 429, retryAfter: 1 }],
    expect: () => ({ code: 1, status: 'timed_out', runs: 1, message: /It was cancelled on the platform/ })
  },
  {
    phase: 'cancel',
    name: 'reset after handling',
    faults: () => [{ do: 'reset-after' }],
    expect: () => ({ code: 1, status: 'timed_out', runs: 1, warning: /Could not cancel run/ })
  },
  {
    phase: 'cancel',
    name: 'no answer at all',
    faults: () => [{ do: 'stall' }],
    expect: () => ({ code: 1, status: 'timed_out', runs: 1, warning: /no answer within 5 s/ })
  }
]
