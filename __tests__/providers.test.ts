// Each provider declares everything platform-specific about it (CONTRIBUTING.md, "Adding a
// platform"). The compiler asks for the required declarations; this test asks for the rest to be
// stated, even as "none", and checks that what is declared makes sense.
import { INPUT_NAMES, SHARED_INPUTS } from '../src/inputs.js'
import { PROVIDER_NAMES, TERMINAL_STATUSES, type RunStatus } from '../src/model.js'
import { providerFor } from '../src/providers/index.js'
import { runIdSchema, segment, withoutApiPath } from '../src/providers/common.js'
import * as z from 'zod/mini'

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

describe('IDs in paths (docs/reliability.md, Identifiers)', () => {
  it('an ID is one encoded segment, and "." or ".." never resolve out of the route', () => {
    // A URL parser resolves "%2E%2E" as "..": encoding is no defence, so these are refused.
    expect(new URL('https://h/api/test-runs/%2E%2E').pathname).toBe('/api/')
    expect(() => segment('..')).toThrow('cannot name a run')
    expect(() => segment('.')).toThrow('cannot name a run')
    expect(segment('a/b?c')).toBe('a%2Fb%3Fc')
    expect(segment('v1.2')).toBe('v1.2')
  })

  it('a run ID of "." or ".." from a platform is refused', () => {
    for (const id of ['.', '..']) expect(z.safeParse(runIdSchema, id).success).toBe(false)
    expect(z.safeParse(runIdSchema, 'run.1').success).toBe(true)
  })

  it.each(PROVIDER_NAMES.filter((n) => providerFor(n).apiPath !== undefined))(
    '%s: the base URL the vendor documents is taken without its API path',
    (name) => {
      const p = providerFor(name)
      expect(withoutApiPath(`${p.defaultBaseUrl}${p.apiPath}`, p.apiPath!)).toBe(p.defaultBaseUrl)
      expect(withoutApiPath('https://proxy.example/prefix', p.apiPath!)).toBe('https://proxy.example/prefix')
    }
  )
})
