// End to end: the committed dist/index.js, run as the GitHub runner runs it, against the sandbox.
import { expectNoLeak as noLeak, sandboxForSuite, step as runStep, type StepResult } from './helpers/step.js'

const P = '65f1c0ffee0000000000abcd'
const S = '65f1c0ffee0000000000dcba'
const CANARY = 'tok-CANARY-e2e-4b1d'

const box = sandboxForSuite()
let sandbox: ReturnType<typeof box.get>
beforeEach(() => {
  sandbox = box.get()
  sandbox.requests.length = 0
  for (const k of Object.keys(sandbox.runs)) delete sandbox.runs[k as keyof typeof sandbox.runs]
})

function step(inputs: Record<string, string>): Promise<StepResult> {
  return runStep({ inputs: { token: CANARY, projectId: P, scenarioId: S, baseUrl: sandbox.baseUrl('evaficy'), ...inputs } })
}

const expectNoLeak = (r: StepResult, token = CANARY) => noLeak(r, token)

describe('Evaficy, end to end through dist/index.js', () => {
  it('creates a run and reports it in outputs and the job summary', async () => {
    const r = await step({ environment: 'staging', buildVersion: '1.4.2', runName: 'CI #812 – main' })
    expect(r.code).toBe(0)
    expect(r.stdout.split('\n')[0]).toBe(`::add-mask::${CANARY}`)
    expect(sandbox.runs.evaficy).toBe(1)
    expect(r.outputs.runId).toMatch(/^[0-9a-f]{24}$/)
    expect(r.outputs).toMatchObject({
      runName: 'CI #812 – main',
      status: 'triggered',
      providerStatus: 'Draft',
      totalCount: String((0xba % 30) + 1)
    })
    expect(JSON.parse(r.outputs.result)).toMatchObject({ provider: 'evaficy', runId: r.outputs.runId, status: 'triggered' })
    expect(r.stdout).toContain(`Created run CI #812 – main (id ${r.outputs.runId})`)
    expect(r.summary).toContain('<h2>🚀 Test run created on Evaficy Smart Test</h2>')
    expect(r.summary).toContain('<th>Environment</th><td>staging</td>')
    expect(r.summary).toContain('What happens next')
    expect(r.stdout).not.toContain('::error')
    expectNoLeak(r)
  })

  it('sends the commit SHA as buildVersion when none is given', async () => {
    const r = await step({})
    expect(r.code).toBe(0)
    const body = (sandbox.requests[0] as { body: { buildVersion: string } }).body
    expect(body.buildVersion).toBe('3f786850e387550fdab836ed7e6dc881de23001b')
  })

  it.each([
    [{ token: `invalid-${CANARY}` }, 401, /User not found.*regenerate|User not found.*Personal Access Token/],
    [{ token: `free-plan-${CANARY}` }, 403, /Enterprise plan/],
    [{ projectId: '000000000000000000000400' }, 400, /scenarioId and projectId are required/],
    [{ scenarioId: '000000000000000000000404' }, 404, /Scenario not found.*scenarioId/],
    [{ scenarioId: '000000000000000000000500' }, 500, /HTTP 500.*may have taken effect/],
    [{ scenarioId: '000000000000000000000502' }, 502, /HTTP 502 with a body that is not JSON.*may have taken effect/]
  ])('fails clearly on a platform error (%j → HTTP %d), with a summary and no leak', async (inputs, status, message) => {
    const r = await step(inputs)
    expect(r.code).toBe(1)
    const errors = r.stdout.split('\n').filter((l) => l.startsWith('::error::'))
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatch(message)
    expect(errors[0]).toContain(`HTTP ${status}`)
    expect(r.summary).toContain('Could not create the test run on Evaficy Smart Test')
    // Outputs on every path: no run ID, and a status a later step can branch on.
    expect(r.outputs.runId).toBe('')
    expect(r.outputs.status).toBe('error')
    expect(sandbox.requests).toHaveLength(1)
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/)
    expectNoLeak(r, (inputs as { token?: string }).token ?? CANARY)
  })

  it('rejects bad IDs one line each, before any request', async () => {
    const r = await step({ projectId: 'abc', scenarioId: '65f1c0ffee', wait: 'true' })
    expect(r.code).toBe(1)
    const errors = r.stdout.split('\n').filter((l) => l.startsWith('::error::'))
    expect(errors).toEqual([
      // wait: true is a sign the step may be for another platform: said first, not counted.
      expect.stringMatching(/^::error::Input `provider` is `evaficy`, its default when the step leaves it out/),
      expect.stringMatching(/^::error::Input `projectId` must be the 24-character hex Project ID/),
      expect.stringMatching(/^::error::Input `scenarioId` must be the 24-character hex Scenario ID/),
      expect.stringMatching(/^::error::Input `wait` cannot be true for evaficy.*required reviewers/),
      "::error::The step's inputs have 3 problems (listed above); no request was sent."
    ])
    expect(sandbox.requests).toHaveLength(0)
    expect(r.summary).toBe('')
    expectNoLeak(r)
  })

  it('rejects a plain-http baseUrl outside loopback without sending anything', async () => {
    const r = await step({ baseUrl: 'http://evaficy.example.com' })
    expect(r.code).toBe(1)
    expect(r.stdout).toContain('::error::Input `baseUrl` must use https://')
    expect(sandbox.requests).toHaveLength(0)
  })

  it('tells the user what to do when the platform cannot be reached', async () => {
    const r = await step({ baseUrl: 'http://127.0.0.1:9/evaficy' })
    expect(r.code).toBe(1)
    expect(r.stdout).toMatch(
      /::error::Evaficy Smart Test: could not create the test run \(POST \/runs\/trigger\): no connection \(ECONNREFUSED\).*check `baseUrl`/
    )
    expectNoLeak(r)
  })
})
