import { z } from 'zod'
import { HttpApi, READ_LIMIT_MARGIN_MS } from '../src/http.js'
import { PlatformError } from '../src/errors.js'
import { isRetryable, parseRetryAfter, rateLimitWaitMs } from '../src/retry-policy.js'
import { errorReader } from '../src/providers/common.js'
import { realClock, type Clock } from '../src/clock.js'

const realClockForTest = (): Clock => ({ ...realClock, random: () => 1 })
import { failure } from './helpers/failure.js'
import { fakeServer, sendJson, type FakeServer } from './helpers/fake-server.js'

const CANARY = 'tok-CANARY-9f8e7d'

/** A clock whose sleeps return at once, are recorded, and move its time on. */
function instantClock(random = 1): Clock & { slept: number[] } {
  const slept: number[] = []
  let t = 0
  return {
    slept,
    now: () => t,
    sleep: async (ms) => {
      slept.push(ms)
      t += ms
    },
    random: () => random
  }
}

let logged: string[] = []
function api(server: FakeServer, extra: Partial<ConstructorParameters<typeof HttpApi>[0]> = {}) {
  return new HttpApi({
    platform: 'Acme Tests',
    baseUrl: `${server.url}/prefix`,
    authorization: `Bearer ${CANARY}`,
    secrets: [CANARY],
    clock: instantClock(),
    errorMessage: errorReader('message', 'Message', 'ErrorMessage', 'error'),
    log: (line) => logged.push(line),
    ...extra
  })
}

const Run = z.object({ id: z.string(), count: z.number() })
const get = { method: 'GET' as const, path: '/runs/7', template: '/runs/{id}', schema: Run, action: 'read the run' }
const post = { method: 'POST' as const, path: '/runs', template: '/runs', body: { a: 1 }, schema: Run, action: 'create the test run' }

let servers: FakeServer[] = []
beforeEach(() => {
  logged = []
})
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()))
  servers = []
})
async function serve(...args: Parameters<typeof fakeServer>) {
  const s = await fakeServer(...args)
  servers.push(s)
  return s
}

describe('HttpApi', () => {
  it('sends JSON with the auth header to baseUrl + path and validates the answer', async () => {
    const s = await serve((_req, res) => sendJson(res, 201, { id: 'r1', count: 3, extra: true }))
    const reply = await api(s).request(post)
    expect(reply).toEqual({ status: 201, data: { id: 'r1', count: 3 }, clockOffsetMs: expect.any(Number) })
    // The server's clock, from its Date header: this one runs on ours, to the second.
    expect(Math.abs(reply.clockOffsetMs!)).toBeLessThan(1500)
    expect(s.hits).toHaveLength(1)
    expect(s.hits[0]).toMatchObject({ method: 'POST', url: '/prefix/runs', body: '{"a":1}' })
    expect(s.hits[0].headers).toMatchObject({
      authorization: `Bearer ${CANARY}`,
      'content-type': 'application/json',
      accept: 'application/json'
    })
  })

  it('reads a successful answer with the token scrubbed from it, in every form it could be echoed in', async () => {
    // A per-test error that logged the request's headers, as a run's own results can.
    const Echo = z.object({ id: z.string(), count: z.number(), error: z.string() })
    const echoed = `Bearer ${CANARY} ${Buffer.from(CANARY).toString('base64')} ${encodeURIComponent(CANARY)}`
    const s = await serve((_req, res) => sendJson(res, 200, { id: 'r1', count: 1, error: echoed }))
    const reply = await api(s).request({ ...get, schema: Echo })
    expect(reply.data).toEqual({ id: 'r1', count: 1, error: 'Bearer *** *** ***' })
  })

  it('turns an HTTP error into what failed, the platform message and a hint, without the token', async () => {
    // A platform that echoes the Authorization header back in its message.
    const s = await serve((req, res) => sendJson(res, 401, { message: `User not found for ${req.headers.authorization}` }))
    const e = await failure(api(s, { hints: { 401: 'regenerate the token.' } }).request(post))
    expect(e.message).toBe(
      'Acme Tests: could not create the test run (POST /runs): HTTP 401 Unauthorized. Acme Tests said: "User not found for Bearer ***". What to do: regenerate the token.'
    )
    expect(e.info).toMatchObject({ kind: 'http', status: 401, reached: true })
    expect(s.hits).toHaveLength(1)
  })

  it.each([
    [{ Error: { Code: 'UnsupportedApiVersion', Message: 'Version 9 is not supported' } }, 'Version 9 is not supported'],
    [{ error: 'Test plan not found', code: 'x' }, 'Test plan not found'],
    [{ Message: 'Job not found' }, 'Job not found']
  ])('reads the platform message from %j', async (body, said) => {
    const s = await serve((_req, res) => sendJson(res, 404, body))
    const e = await failure(api(s).request(post))
    expect(e.info.platformMessage).toBe(said)
    expect(e.message).toContain('What to do: check the IDs')
  })

  it('explains a non-JSON error page without a stack trace', async () => {
    const s = await serve((_req, res) => {
      res.writeHead(502, { 'Content-Type': 'text/html' })
      res.end('<html><body><h1>502 Bad Gateway</h1></body></html>')
    })
    const e = await failure(api(s).request(post))
    expect(e.info.kind).toBe('not-json')
    expect(e.message).toMatch(/HTTP 502 with a body that is not JSON \(text\/html\)/)
    expect(e.message).not.toMatch(/at .*\.js:\d+/)
    expect(s.hits).toHaveLength(1) // a POST is not re-sent after it reached the platform
  })

  it('names the field, never the value, when the answer has the wrong shape', async () => {
    const s = await serve((_req, res) => sendJson(res, 200, { id: 'r1', count: 'SECRET-VALUE' }))
    const e = await failure(api(s).request(get))
    expect(e.info.kind).toBe('shape')
    expect(e.message).toMatch(/\(count: expected number\)/)
    expect(e.message).not.toContain('SECRET-VALUE')
    expect(s.hits).toHaveLength(1) // a schema mismatch is not retried
  })

  it('retries a GET on 502 and 503 with backoff, then succeeds', async () => {
    let n = 0
    const s = await serve((_req, res) =>
      ++n < 3 ? sendJson(res, n === 1 ? 502 : 503, { message: 'busy' }) : sendJson(res, 200, { id: 'r', count: 1 })
    )
    const clock = instantClock(1)
    const reply = await api(s, { clock }).request(get)
    expect(reply.data.id).toBe('r')
    expect(s.hits).toHaveLength(3)
    expect(clock.slept).toEqual([1000, 2000]) // full jitter with random = 1: 1 s, then 2 s
    expect(logged).toEqual([
      'Acme Tests: GET /runs/{id} failed (HTTP 502); retrying in 1.0 s',
      'Acme Tests: GET /runs/{id} failed (HTTP 503); retrying in 2.0 s'
    ])
  })

  it('honours Retry-After on 429', async () => {
    let n = 0
    const s = await serve((_req, res) =>
      ++n === 1 ? sendJson(res, 429, { message: 'slow down' }, { 'Retry-After': '7' }) : sendJson(res, 200, { id: 'r', count: 1 })
    )
    const clock = instantClock(1)
    await api(s, { clock }).request(get)
    expect(clock.slept).toEqual([7000])
  })

  it('gives up after three attempts', async () => {
    const s = await serve((_req, res) => sendJson(res, 500, { message: 'down' }))
    const e = await failure(api(s).request(get))
    expect(e.info.status).toBe(500)
    expect(s.hits).toHaveLength(3)
  })

  it('never re-sends a POST that reached the platform and failed ambiguously', async () => {
    const s = await serve((_req, res) => sendJson(res, 500, { message: 'oops' }))
    await failure(api(s).request(post))
    expect(s.hits).toHaveLength(1)
  })

  it('re-sends a POST the platform refused with 429', async () => {
    let n = 0
    const s = await serve((_req, res) =>
      ++n === 1 ? sendJson(res, 429, {}, { 'Retry-After': '1' }) : sendJson(res, 201, { id: 'r', count: 0 })
    )
    await api(s).request(post)
    expect(s.hits).toHaveLength(2)
  })

  it('re-sends a POST that never reached the platform (connection refused)', async () => {
    const s = await serve((_req, res) => sendJson(res, 200, {}))
    const url = s.url
    await s.close()
    servers = []
    const e = await failure(
      new HttpApi({
        platform: 'Acme Tests',
        baseUrl: url,
        authorization: 'x',
        secrets: [],
        clock: instantClock(),
        log: () => undefined
      }).request(post)
    )
    expect(e.info).toMatchObject({ kind: 'network', detail: 'ECONNREFUSED', reached: false })
    expect(e.message).toMatch(/no connection \(ECONNREFUSED\).*What to do: check `baseUrl`/)
  })

  it('does not follow a redirect to another origin, so credentials never leave', async () => {
    const other = await serve((_req, res) => sendJson(res, 200, { id: 'x', count: 0 }))
    const s = await serve((_req, res) => {
      res.writeHead(302, { Location: `${other.url}/steal` })
      res.end()
    })
    const e = await failure(api(s).request(get))
    expect(e.info.kind).toBe('redirect')
    expect(e.message).toContain(`a redirect to ${other.url}`)
    expect(other.hits).toHaveLength(0)
  })

  it('aborts an attempt that gets no answer within the timeout', async () => {
    const s = await serve(() => {
      /* never answers */
    })
    const e = await failure(api(s, { getTimeoutMs: 200, maxAttempts: 1 }).request(get))
    expect(e.info).toMatchObject({ kind: 'timeout', reached: true })
  })

  it('caps the size of an answer while reading it', async () => {
    const s = await serve((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' })
      res.write('{"id":"')
      const chunk = 'x'.repeat(64 * 1024)
      let sent = 0
      const pump = () => {
        while (sent < 40 && res.write(chunk)) sent++
        if (sent < 40) res.once('drain', pump)
        else res.end('"}')
      }
      pump()
    })
    const e = await failure(api(s, { maxBodyBytes: 256 * 1024 }).request(post))
    expect(e.info.kind).toBe('too-large')
    expect(e.message).toMatch(/larger than 256 KiB/)
  })
})

describe('reliability policy', () => {
  it('sends the same Idempotency-Key on every attempt of a trigger, and none on reads', async () => {
    let n = 0
    const s = await serve((_req, res) =>
      ++n < 3 ? sendJson(res, 429, {}, { 'Retry-After': '1' }) : sendJson(res, 201, { id: 'r', count: 0 })
    )
    const client = api(s, { idempotencyKey: 'key-123' })
    await client.request({ ...post, creates: true })
    await client.request(get)
    expect(s.hits.map((h) => h.headers['idempotency-key'])).toEqual(['key-123', 'key-123', 'key-123', undefined])
  })

  it('treats an HTML page with 200 as not JSON (retried for reads)', async () => {
    let n = 0
    const s = await serve((_req, res) => {
      if (++n === 1) {
        res.writeHead(200, { 'Content-Type': 'text/html' })
        res.end('{"id":"looks","count":1}')
      } else sendJson(res, 200, { id: 'r', count: 1 }, { 'Content-Type': 'application/vnd.api+json' })
    })
    expect((await api(s).request(get)).data.id).toBe('r')
    expect(s.hits).toHaveLength(2)
  })

  it('waits for a rate-limit reset instead of hammering: 403 with remaining 0', async () => {
    let n = 0
    const reset = Math.floor(Date.now() / 1000) + 30
    const s = await serve((_req, res) =>
      ++n === 1
        ? sendJson(res, 403, { message: 'rate limit' }, { 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': String(reset) })
        : sendJson(res, 200, { id: 'r', count: 1 })
    )
    const clock = instantClock()
    await api(s, { clock }).request(get)
    expect(clock.slept[0]).toBeGreaterThan(28_000)
    expect(clock.slept[0]).toBeLessThanOrEqual(32_000)
  })

  it('never retries a 403 without rate-limit signals', async () => {
    const s = await serve((_req, res) => sendJson(res, 403, { message: 'licence' }))
    await failure(api(s).request(get))
    expect(s.hits).toHaveLength(1)
  })

  it.each([
    [{ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1700000030' }, 31_000],
    [{ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '2023-11-14T22:13:40Z' }, 21_000],
    [{ 'x-ratelimit-remaining': '0' }, 60_000],
    [{ 'x-ratelimit-remaining': '3', 'x-ratelimit-reset': '1700000030' }, undefined],
    // Another platform's spelling is not read unless the provider declares it (Gearset does).
    [{ 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': '1700000030' }, undefined],
    [{}, undefined]
  ])('rate-limit headers %j → wait %s ms', (headers, expected) => {
    expect(rateLimitWaitMs(headers, 1_700_000_000_000)).toBe(expected)
  })

  it('reads the header names a provider declares (Gearset: X-Rate-Limit-*)', () => {
    const gearsetNames = { remaining: 'x-rate-limit-remaining', reset: 'x-rate-limit-reset' }
    expect(
      rateLimitWaitMs({ 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': '2023-11-14T22:13:40Z' }, 1_700_000_000_000, gearsetNames)
    ).toBe(21_000)
    expect(rateLimitWaitMs({ 'x-ratelimit-remaining': '0' }, 1_700_000_000_000, gearsetNames)).toBeUndefined()
  })

  it('waits a minute on a bare 429 with no Retry-After', async () => {
    let n = 0
    const s = await serve((_req, res) => (++n === 1 ? sendJson(res, 429, {}) : sendJson(res, 200, { id: 'r', count: 1 })))
    const clock = instantClock()
    await api(s, { clock }).request(get)
    expect(clock.slept).toEqual([60_000])
  })

  it('does not sleep past the deadline: a long rate limit fails at once, saying until when', async () => {
    const s = await serve((_req, res) => sendJson(res, 429, {}, { 'Retry-After': '100' }))
    const clock = instantClock()
    const client = api(s, { clock }).until(50_000)
    const e = await failure(client.request(get))
    expect(e.message).toMatch(/HTTP 429 Too Many Requests \(rate limited until \d{4}-\d\d-\d\dT.*past the step's deadline\)/)
    expect(clock.slept).toEqual([])
    expect(s.hits).toHaveLength(1)
  })

  it('near the deadline, backs off only as long as is left', async () => {
    let n = 0
    const s = await serve((_req, res) => (++n === 1 ? sendJson(res, 502, { message: 'busy' }) : sendJson(res, 200, { id: 'r', count: 1 })))
    const clock = instantClock(1)
    const client = api(s, { clock }).until(1300)
    await client.request(get)
    expect(clock.slept).toEqual([1000])
    // In the last second before the deadline, no retry: the wait's last look comes next.
    n = 0
    const nearly = client.until(clock.now() + 900)
    expect((await failure(nearly.request(get))).info.status).toBe(502)
    expect(s.hits).toHaveLength(3)
  })

  it('spends retries from a bucket of 500 tokens (5 a retry), then stops retrying and says so', async () => {
    const s = await serve((_req, res) => sendJson(res, 500, { message: 'down' }))
    const client = api(s)
    const errors: PlatformError[] = []
    for (let i = 0; i < 55; i++) errors.push(await failure(client.request(get)))
    expect(s.hits).toHaveLength(50 * 3 + 5) // 50 requests x 2 retries x 5 tokens empty the bucket; then one attempt each
    expect(errors[49].info.budgetExhausted).toBeUndefined()
    expect(errors[50].info.budgetExhausted).toBe(true)
    expect(errors[50].message).toContain('The retry budget of this step is exhausted')
    expect(client.retryTokens).toBe(0)
  })

  it('refills the bucket by one token per successful answer; a timeout costs 10', async () => {
    let mode: 'ok' | 'down' | 'hang' = 'down'
    const s = await serve((_req, res) =>
      mode === 'ok' ? sendJson(res, 200, { id: 'r', count: 1 }) : mode === 'down' ? sendJson(res, 500, {}) : undefined
    )
    // A timeout far from a loopback answer's time, even on a loaded machine: only 'hang' meets it.
    const client = api(s, { getTimeoutMs: 1000 })
    for (let i = 0; i < 50; i++) await failure(client.request(get))
    expect(client.retryTokens).toBe(0)
    mode = 'ok'
    for (let i = 0; i < 12; i++) await client.request(get)
    expect(client.retryTokens).toBe(12)
    mode = 'hang'
    const e = await failure(client.request(get)) // one retry after a timeout (10), then 2 tokens < 10: no more
    expect(e.info.kind).toBe('timeout')
    expect(e.info.budgetExhausted).toBe(true)
    expect(client.retryTokens).toBe(2)
  })

  it('aborts a slow drip at the attempt timeout', async () => {
    const s = await serve((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' })
      const t = setInterval(() => (res.destroyed ? clearInterval(t) : res.write(' ')), 50)
      res.on('close', () => clearInterval(t))
    })
    const started = Date.now()
    const e = await failure(api(s, { getTimeoutMs: 400, maxAttempts: 1 }).request(get))
    expect(e.info.kind).toBe('timeout')
    expect(Date.now() - started).toBeLessThan(1500)
  })

  it('holds the next request of any kind for a Retry-After on a successful read', async () => {
    const s = await serve((req, res) =>
      sendJson(res, req.method === 'GET' ? 200 : 201, { id: 'r', count: 1 }, req.method === 'GET' ? { 'Retry-After': '45' } : {})
    )
    const clock = instantClock()
    const client = api(s, { clock })
    await client.request(get)
    expect(client.pausedForMs()).toBe(45_000)
    await client.request(post)
    expect(clock.slept).toEqual([45_000])
    expect(client.pausedForMs()).toBe(0)
  })

  it('holds every request after a 429 until its Retry-After, even once the 429 was given up on', async () => {
    const s = await serve((_req, res) => sendJson(res, 429, { message: 'slow down' }, { 'Retry-After': '30' }))
    const clock = instantClock()
    const client = api(s, { clock, maxAttempts: 1 })
    await failure(client.request(get))
    expect(s.hits).toHaveLength(1)
    const next = failure(client.request(get))
    await next
    expect(clock.slept).toEqual([30_000]) // the second read waited the 30 s before it was sent
    expect(s.hits).toHaveLength(2)
  })

  it('does not send a request the platform asked to hold past the deadline: rate limited, never reached', async () => {
    const s = await serve((_req, res) => sendJson(res, 429, {}, { 'Retry-After': '90' }))
    const clock = instantClock()
    const client = api(s, { clock, maxAttempts: 1 }).until(60_000)
    await failure(client.request(get))
    const e = await failure(client.request(get))
    expect(e.info.kind).toBe('rate-limited')
    expect(e.info.reached).toBe(false)
    expect(e.message).toMatch(
      /the platform asked for no requests until \d{4}-.*past the step's deadline\. The request never reached Acme Tests\./
    )
    expect(s.hits).toHaveLength(1)
    expect(clock.slept).toEqual([])
  })

  it('shrinks the attempt timeout to the time left before the deadline, and says so', async () => {
    const s = await serve(() => undefined) // never answers
    const client = api(s, { clock: realClockForTest(), lastLookMs: 100, getTimeoutMs: 30_000 }).until(performance.now() + 400)
    const started = Date.now()
    const e = await failure(client.request(get))
    expect(e.info.kind).toBe('timeout')
    expect(e.message).toContain("(the time left before the step's deadline)")
    // One attempt of ~400 ms; at the deadline no retry is made.
    expect(Date.now() - started).toBeLessThan(2000)
    expect(s.hits).toHaveLength(1)
  })

  it('gives a request sent at or past the deadline one short attempt, never a retry', async () => {
    const s = await serve(() => undefined)
    // Short against the usual 30 s, yet long enough for the request to reach the server on a loaded
    // machine (at 150 ms it once did not, and the test saw no attempt at all).
    const client = api(s, { clock: realClockForTest(), lastLookMs: 500, getTimeoutMs: 30_000 }).until(performance.now() - 1)
    const started = Date.now()
    const e = await failure(client.request(get))
    expect(e.info.kind).toBe('timeout')
    expect(Date.now() - started).toBeLessThan(1500)
    expect(s.hits).toHaveLength(1)
  })

  it('reads up to a per-request size cap (per-test results may be 10 MiB)', async () => {
    const big = JSON.stringify({ id: 'r', count: 1, pad: 'x'.repeat(2 * 1024 * 1024) })
    const s = await serve((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' })
      res.end(big)
    })
    const client = api(s)
    expect((await failure(client.request(get))).info.kind).toBe('too-large') // the client's 1 MiB
    expect((await client.request({ ...get, maxBytes: 10 * 1024 * 1024 })).data.id).toBe('r')
    const e = await failure(client.request({ ...get, maxBytes: 1024 * 1024 + 1 }))
    expect(e.message).toContain('larger than 1 MiB')
  })
})

describe('read limit', () => {
  it('never sends more than the documented number of GETs in any window (Gearset: 5 per 5 s)', async () => {
    const s = await serve((_req, res) => sendJson(res, 200, { id: 'r', count: 0 }))
    const sent: number[] = []
    let now = 0
    const clock: Clock = { now: () => now, random: () => 0, sleep: async (ms) => void (now += ms) }
    const limited = api(s, { clock, readLimit: { count: 5, perMs: 5000 } })
    for (let i = 0; i < 23; i++) {
      await limited.request(get)
      sent.push(now)
    }
    expect(s.hits).toHaveLength(23)
    // Arrivals jitter, so sends keep a margin beyond the window, and no more than that.
    for (let i = 5; i < sent.length; i++) expect(sent[i] - sent[i - 5]).toBeGreaterThanOrEqual(5000 + READ_LIMIT_MARGIN_MS)
    expect(sent[20]).toBeLessThan(4 * (5000 + READ_LIMIT_MARGIN_MS) + 100)
  })
})

describe('retry rules', () => {
  const f = (kind: PlatformError['info']['kind'], status?: number, reached = true, retryAfterMs?: number) =>
    ({ platform: 'p', action: 'a', endpoint: 'e', kind, status, reached, retryAfterMs }) as const
  it.each([
    ['GET', f('http', 400), false],
    ['GET', f('http', 401), false],
    ['GET', f('http', 403), false],
    ['GET', f('http', 404), false],
    ['GET', f('http', 408), true],
    ['GET', f('http', 429), true],
    ['GET', f('http', 500), true],
    ['GET', f('http', 501), false],
    ['GET', f('http', 503), true],
    ['GET', f('not-json', 200), true],
    ['GET', f('network'), true],
    ['GET', f('timeout'), true],
    ['GET', f('shape', 200), false],
    ['POST', f('network', undefined, false), true],
    ['POST', f('network'), false],
    ['POST', f('timeout'), false],
    ['POST', f('http', 500), false],
    ['POST', f('http', 502), false],
    ['POST', f('http', 503), false],
    ['POST', f('http', 503, true, 5000), true],
    ['POST', f('http', 429), true]
  ])('%s after %j: retry = %s', (method, failure, expected) => {
    expect(isRetryable(method, failure)).toBe(expected)
  })

  it('parses Retry-After as seconds or an HTTP date, capped at 120 s', () => {
    const now = Date.parse('2026-11-24T10:00:00Z')
    expect(parseRetryAfter('7', now)).toBe(7000)
    expect(parseRetryAfter('Tue, 24 Nov 2026 10:00:30 GMT', now)).toBe(30000)
    expect(parseRetryAfter('99999999999', now)).toBe(120000)
    expect(parseRetryAfter('soon', now)).toBeUndefined()
    expect(parseRetryAfter(undefined, now)).toBeUndefined()
  })
})

describe('a read limit shared with other readers (Gearset: every reader of a job)', () => {
  const GEARSET_HEADERS = { remaining: 'x-rate-limit-remaining', reset: 'x-rate-limit-reset' }
  const shared = (s: FakeServer, clock: Clock) =>
    api(s, { clock, readLimit: { count: 5, perMs: 5000 }, rateLimitHeaders: GEARSET_HEADERS, limitsPerAction: true })
  /** A job whose `nth` read is refused for 1 s; every other answer leaves `remaining` reads. */
  const refusingRead = (nth: number, remaining: string) => {
    let n = 0
    return serve((_req, res) =>
      ++n === nth
        ? sendJson(res, 429, {}, { 'Retry-After': '1' })
        : sendJson(res, 200, { id: 'r', count: 1 }, { 'X-Rate-Limit-Remaining': remaining })
    )
  }

  it('others filling the window space the next read by a fair share of the limit (jittered)', async () => {
    // One read left of 5, and this step made one of the four used: three were other readers'.
    const s = await serve((_req, res) => sendJson(res, 200, { id: 'r', count: 1 }, { 'X-Rate-Limit-Remaining': '1' }))
    const clock = instantClock(1)
    const client = shared(s, clock)
    await client.request(get)
    await client.request(get)
    // 4 readers share 2 reads per 5 s: one each 10 s, times the jitter of 1.5 this clock draws.
    expect(clock.slept).toEqual([15_000])
  })

  it('a step alone keeps the platform’s pace: its own reads in the window are not crowding', async () => {
    let mine = 0
    const s = await serve((_req, res) => sendJson(res, 200, { id: 'r', count: 1 }, { 'X-Rate-Limit-Remaining': String(5 - ++mine) }))
    // A clock whose draws would stretch a jittered gap to 1.5 s: a step alone is not jittered.
    const clock = instantClock(0.99)
    const client = shared(s, clock)
    for (let i = 0; i < 4; i++) await client.request(get)
    expect(clock.slept).toEqual([1000, 1000, 1000])
  })

  it('without rate-limit headers (another platform, or a proxy’s answer) the pace stays the platform’s', async () => {
    const s = await serve((_req, res) => sendJson(res, 200, { id: 'r', count: 1 }))
    const clock = instantClock(0.5)
    const client = shared(s, clock)
    for (let i = 0; i < 3; i++) await client.request(get)
    expect(clock.slept).toEqual([1000, 1000])
  })

  it('a refused read is retried no sooner than its Retry-After, and exactly then when nobody else was seen', async () => {
    const s = await refusingRead(1, '4')
    // Draws that would stretch a jittered or grown spacing well past 1 s.
    const clock = instantClock(0.99)
    const client = shared(s, clock)
    expect((await client.request(get)).status).toBe(200)
    // A first refusal, nobody else seen: its Retry-After of 1 s, exactly.
    expect(clock.slept).toEqual([1000])
    expect(s.hits).toHaveLength(2)
  })

  it('a refused read after others were seen is retried later than its Retry-After, at the crowd’s pace', async () => {
    const s = await refusingRead(2, '3')
    const clock = instantClock(0)
    const client = shared(s, clock)
    await client.request(get) // one other read in the window: 5 s spacing
    await client.request(get) // sent 2.5 s later (jittered to half); refused, then retried
    // Retry-After 1 s, then the pace for a window full of others (two of its reads were this step's,
    // so at least 4 other readers, 5 in all): 12.5 s, jittered to half, 6.25 s after the refused read.
    expect(clock.slept).toEqual([2500, 1000, 5250])
    expect(s.hits).toHaveLength(3)
  })

  it('a refused read that is not sent again (the job status before a start) spaces the next reads as a crowd', async () => {
    const s = await serve((req, res) =>
      req.url?.endsWith('/job')
        ? sendJson(res, 429, {}, { 'Retry-After': '3' })
        : sendJson(res, 200, { id: 'r', count: 1 }, { 'X-Rate-Limit-Remaining': '4' })
    )
    const clock = instantClock(0)
    const client = shared(s, clock)
    await failure(client.request({ ...get, path: '/job', template: '/job', attempts: 1 }))
    await client.request(get)
    // Others filled the job's window: at least 5 other readers, so 6 share 2 reads per 5 s, one each 15 s,
    // jittered to half. (A retried read refused once, alone, would have changed nothing.)
    expect(clock.slept).toEqual([7500])
  })

  it('where limits are per action, only the same action’s reads are this step’s own in its window', async () => {
    const s = await serve((req, res) =>
      sendJson(res, 200, { id: 'r', count: 1 }, { 'X-Rate-Limit-Remaining': req.url?.endsWith('/job') ? '4' : '3' })
    )
    const clock = instantClock(1)
    const client = shared(s, clock)
    await client.request({ ...get, path: '/job', template: '/job' })
    await client.request(get) // 2 run reads used, 1 of them this step's: the job read is not counted
    await client.request(get)
    // One other reader: 2 share 2 reads per 5 s, one each 5 s, jittered to 1.5 times that.
    expect(clock.slept).toEqual([1000, 7500])
  })

  it('never holds a read past the step’s deadline: the last look is sent', async () => {
    const s = await serve((_req, res) => sendJson(res, 200, { id: 'r', count: 1 }, { 'X-Rate-Limit-Remaining': '1' }))
    const clock = instantClock(1)
    const client = shared(s, clock)
    for (let i = 0; i < 3; i++) await client.request(get) // the spacing grows far past the 4 s left
    await client.until(clock.now() + 4000).request(get)
    expect(clock.slept.at(-1)).toBe(4000)
    expect(s.hits).toHaveLength(4)
  })

  it('a view bound to another deadline shares the pauses and the retry budget, never the deadline', async () => {
    let n = 0
    const s = await serve((_req, res) =>
      ++n === 1 ? sendJson(res, 429, {}, { 'Retry-After': '30' }) : sendJson(res, 500, { message: 'down' })
    )
    const clock = instantClock()
    const client = api(s, { clock, maxAttempts: 1 })
    await failure(client.request(get))
    const soon = client.until(clock.now() + 10_000)
    expect([client.deadline, soon.deadline]).toEqual([Infinity, clock.now() + 10_000])
    // The platform's 30 s pause, heard through one view, ends past the other's deadline: not sent.
    expect((await failure(soon.request(get))).info.kind).toBe('rate-limited')
    expect(s.hits).toHaveLength(1)
    expect(soon.pausedForMs()).toBe(client.pausedForMs())
    expect(soon.retryTokens).toBe(client.retryTokens)
  })

  it('limits counted per action: a refused read holds the next read, not a start or a cancel', async () => {
    const s = await serve((req, res) =>
      req.method === 'GET' ? sendJson(res, 429, {}, { 'Retry-After': '30' }) : sendJson(res, 201, { id: 'r', count: 0 })
    )
    const clock = instantClock()
    const client = api(s, { clock, maxAttempts: 1, limitsPerAction: true })
    await failure(client.request(get))
    await client.request(post)
    expect(clock.slept).toEqual([]) // the POST went at once
    await failure(client.request(get))
    expect(clock.slept).toEqual([30_000])
  })

  it('limits counted per action: the wait sleeps through the pause of its own run read, not another read’s', async () => {
    const s = await serve((req, res) =>
      req.url?.endsWith('/job')
        ? sendJson(res, 429, {}, { 'Retry-After': '30' })
        : sendJson(res, 200, { id: 'r', count: 0 }, { 'Retry-After': '7' })
    )
    const clock = instantClock()
    const client = api(s, { clock, maxAttempts: 1, limitsPerAction: true })
    await failure(client.request({ ...get, path: '/job', template: '/job' }))
    expect(client.pausedForMs()).toBe(0) // no run read yet: the job read's 30 s holds only job reads
    await client.request({ ...get, readsRun: true })
    expect(clock.slept).toEqual([])
    expect(client.pausedForMs()).toBe(7000)
    // Where limits are not per action, any pause holds the wait.
    const whole = api(s, { clock: instantClock(), maxAttempts: 1 })
    await failure(whole.request({ ...get, path: '/job', template: '/job' }))
    expect(whole.pausedForMs()).toBe(30_000)
  })
})
