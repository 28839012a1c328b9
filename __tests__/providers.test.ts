// Each provider declares everything platform-specific about it (CONTRIBUTING.md, "Adding a
// platform"). The compiler asks for the required declarations; this test asks for the rest to be
// stated, even as "none", and checks that what is declared makes sense.
import { INPUT_NAMES, SHARED_INPUTS } from '../src/inputs.js'
import { PROVIDER_NAMES, TERMINAL_STATUSES, type RunStatus } from '../src/model.js'
import { providerFor } from '../src/providers/index.js'

const STATUSES: RunStatus[] = ['triggered', 'queued', 'running', 'passed', 'failed', 'cancelled', 'error', 'timed_out']
// Declarations a platform may have none of: it must still say so (`undefined`), so that a new
// platform's author decides each one rather than forgets it.
const STATED = ['webOrigin', 'rateLimitHeaders', 'readLimit'] as const
// What the sandbox answers for an error, per platform (sandbox/platforms/*.js, after the vendors).
const ERROR_BODIES = {
  evaficy: { success: false, message: 'User not found' },
  testsigma: { timeStamp: 1, error: 'Unauthorized: invalid API key', code: '401' },
  testery: { message: 'Unauthorized' },
  gearset: { Error: { Code: '401', Message: 'The access token is invalid', InnerError: null } }
} as const

describe.each(PROVIDER_NAMES)('provider %s', (name) => {
  const p = providerFor(name)

  it('is registered under its own name', () => expect(p.name).toBe(name))

  it.each(STATED)('states its %s, even when it has none', (key) => expect(Object.hasOwn(p, key)).toBe(true))

  it('uses only inputs of action.yml, beyond the shared ones', () => {
    for (const input of p.inputRules.uses) {
      expect(INPUT_NAMES).toContain(input)
      expect(SHARED_INPUTS).not.toContain(input)
    }
  })

  it('links only to an https origin of its own web app', () => {
    if (p.webOrigin === undefined) return
    expect(new URL(p.webOrigin).origin).toBe(p.webOrigin)
    expect(p.webOrigin).toMatch(/^https:\/\//)
  })

  it('maps its status words to statuses, an ending among them where it can be followed', () => {
    const mapped = Object.values(p.statusWords)
    expect(mapped.length).toBeGreaterThan(0)
    for (const s of mapped) expect(STATUSES).toContain(s)
    if (p.status) expect(mapped.some((s) => TERMINAL_STATUSES.includes(s))).toBe(true)
    expect(mapped).not.toContain('timed_out') // our deadline, never a platform's word
  })

  it('reads its own error body', () => {
    const body = ERROR_BODIES[name]
    const said = p.errorMessage(body)
    expect(said).toBeDefined()
    expect(JSON.stringify(body)).toContain(said!)
  })

  it('polls no faster than once a second, and names its rate-limit headers in lower case', () => {
    expect(p.pollFloorMs).toBeGreaterThanOrEqual(1000)
    if (p.rateLimitHeaders) for (const h of Object.values(p.rateLimitHeaders)) expect(h).toBe(h.toLowerCase())
  })
})
