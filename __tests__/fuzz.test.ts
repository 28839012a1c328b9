// Property-based checks of every response parser (docs/how-it-works.md, Reliability: answers): whatever a platform sends,
// the action gets a typed value or our own error — never a crash, never a hang, never a false pass,
// never the token in a message.
import fc from 'fast-check'
import * as z from 'zod/mini'
import { HttpApi } from '../src/http.js'
import { PlatformError } from '../src/errors.js'
import { RunRequest, RunRequestStatus, gearsetState } from '../src/providers/gearset.js'
import { TriggerReply } from '../src/providers/evaficy.js'
import { TestRun, testeryState } from '../src/providers/testery.js'
import { ExecutionResult, testsigmaState } from '../src/providers/testsigma.js'
import type { RunState } from '../src/model.js'
import { fakeServer } from './helpers/fake-server.js'

const STATUSES = ['queued', 'running', 'passed', 'failed', 'cancelled', 'error']
const RUN_ID = /^[A-Za-z0-9._-]{1,128}$/

// Values near the real ones, so the fuzzer reaches past the schema into the mapping.
const word = fc.oneof(
  fc.constantFrom(
    'STATUS_COMPLETED',
    'STATUS_IN_PROGRESS',
    'SUCCESS',
    'FAILURE',
    'PASS',
    'FAIL',
    'Succeeded',
    'Partial',
    'CANCELED',
    'ABORTED',
    '',
    '__proto__',
    'PASSED'
  ),
  fc.string()
)
const loose = fc.oneof(fc.jsonValue(), word, fc.integer(), fc.constant(null))
const near = (keys: string[]) => fc.dictionary(fc.oneof(fc.constantFrom(...keys), fc.string()), loose, { maxKeys: keys.length + 3 })

interface Parser {
  name: string
  schema: z.core.$ZodType<unknown>
  keys: string[]
  map?: (data: never) => RunState
  /** The platform's own words for a pass, read from the raw value. */
  saysPass: (raw: Record<string, unknown>) => boolean
}

const PARSERS: Parser[] = [
  {
    name: 'Testsigma execution result',
    schema: ExecutionResult,
    keys: ['id', 'status', 'result', 'totalCount', 'passedCount', 'failedCount', 'app_url', 'startTime', 'endTime'],
    map: testsigmaState as (d: never) => RunState,
    saysPass: (r) => r.status === 'STATUS_COMPLETED' && r.result === 'SUCCESS'
  },
  {
    name: 'Testery test run',
    schema: TestRun,
    keys: ['id', 'status', 'statusInfo', 'passCount', 'failCount', 'totalCount', 'createTime', 'startTime'],
    map: ((d: z.infer<typeof TestRun>) => testeryState(d, 'acme')) as (d: never) => RunState,
    saysPass: (r) => r.status === 'PASS'
  },
  {
    name: 'Gearset run request status',
    schema: RunRequestStatus,
    keys: ['State', 'RunId', 'StartDateTime', 'EndDateTime'],
    map: ((d: z.infer<typeof RunRequestStatus>) => gearsetState('rr-1', d)) as (d: never) => RunState,
    saysPass: (r) => r.State === 'Succeeded'
  },
  { name: 'Gearset run request', schema: RunRequest, keys: ['RunRequestId'], saysPass: () => false },
  { name: 'Evaficy trigger reply', schema: TriggerReply, keys: ['runId', 'runName', 'testCaseCount', 'message'], saysPass: () => false }
]

describe.each(PARSERS)('$name', (p) => {
  it('returns a typed value or a schema error for any JSON value', () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), near(p.keys)), (raw) => {
        const parsed = z.safeParse(p.schema, raw)
        if (!parsed.success || !p.map) return
        const state = p.map(parsed.data as never)
        expect(STATUSES).toContain(state.status)
        expect(state.id).toMatch(RUN_ID)
        if (state.status === 'passed') expect(p.saysPass(raw as Record<string, unknown>)).toBe(true)
        if (state.url !== undefined) expect(state.url).toMatch(/^https:\/\//)
      }),
      { numRuns: 3000 }
    )
  })
})

describe('the HTTP layer, fed arbitrary bytes', () => {
  const TOKEN = 'tok-CANARY-fuzz-5e'
  it('answers with a typed value or a PlatformError that names no secret', async () => {
    let next: Buffer = Buffer.alloc(0)
    let status = 200
    const server = await fakeServer((_req, res) => {
      res.writeHead(status, { 'Content-Type': 'application/json' })
      res.end(next)
    })
    const api = new HttpApi({
      platform: 'Fuzz',
      baseUrl: server.url,
      authorization: `Bearer ${TOKEN}`,
      secrets: [TOKEN],
      maxAttempts: 1,
      clock: { now: () => 0, random: () => 0, sleep: async () => undefined }
    })
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)),
            fc.jsonValue().map((v) => Buffer.from(JSON.stringify(v) ?? ''))
          ),
          fc.constantFrom(200, 201, 400, 401, 404, 500, 502),
          async (body, code) => {
            next = Buffer.concat([body, Buffer.from(code === 401 ? ` ${TOKEN}` : '')])
            status = code
            try {
              const reply = await api.request({ method: 'GET', path: '/x', template: '/x', schema: ExecutionResult, action: 'read' })
              expect(reply.data.id).toMatch(RUN_ID)
            } catch (e) {
              expect(e).toBeInstanceOf(PlatformError)
              expect((e as Error).message).not.toContain(TOKEN)
            }
          }
        ),
        { numRuns: 300 }
      )
    } finally {
      await server.close()
    }
  })
})
