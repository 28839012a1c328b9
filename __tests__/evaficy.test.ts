// The Evaficy provider against the sandbox's Evaficy API, through the real HTTP client.
import { HttpApi } from '../src/http.js'
import { INPUT_NAMES, parseInputs, type InputName } from '../src/inputs.js'
import { evaficy } from '../src/providers/evaficy.js'
import type { RunContext } from '../src/run-context.js'
import { startSandbox } from '../sandbox/server.js'
import { failure } from './helpers/failure.js'
import type { Sandbox } from './helpers/step.js'
import { providerFor } from '../src/providers/index.js'
import type { ProviderName } from '../src/model.js'

const rulesOf = (name: ProviderName) => providerFor(name).inputRules

const P = '65f1c0ffee0000000000abcd'
const S = '65f1c0ffee0000000000dcba'
const run: RunContext = { sha: 'abc123' }

let sandbox: Sandbox
beforeEach(async () => {
  sandbox = await startSandbox()
})
afterEach(() => sandbox.close())

function context(values: Partial<Record<InputName, string>>) {
  const raw = Object.fromEntries(INPUT_NAMES.map((n) => [n, values[n] ?? ''])) as Record<InputName, string>
  const { inputs, problems } = parseInputs(
    { ...raw, token: values.token ?? 'good-token', projectId: values.projectId ?? P, scenarioId: values.scenarioId ?? S },
    run.sha,
    rulesOf
  )
  if (!inputs) throw new Error(problems.join('\n'))
  const http = new HttpApi({
    platform: evaficy.title,
    baseUrl: sandbox.baseUrl('evaficy'),
    authorization: evaficy.authorization(inputs.token),
    secrets: [inputs.token],
    hints: evaficy.hints,
    errorMessage: evaficy.errorMessage,
    runsPage: evaficy.runsPage
  })
  return { inputs, http, run, note: () => undefined }
}

describe('evaficy provider', () => {
  it('creates a run with the documented body and maps the 201 to a triggered RunState', async () => {
    const state = await evaficy.trigger(context({ environment: 'staging', buildVersion: '1.4.2', runName: 'CI #812 – main' }))
    expect(state).toMatchObject({
      name: 'CI #812 – main',
      status: 'triggered',
      providerStatus: 'Draft',
      counts: { total: (0xba % 30) + 1 },
      message: 'Test run created. Open Evaficy Smart Test to execute it.'
    })
    expect(state.id).toMatch(/^[0-9a-f]{24}$/)
    expect(sandbox.requests[0].headers.authorization).toBe('Bearer good-token')
    expect(sandbox.requests[0].body).toEqual({
      projectId: P,
      scenarioId: S,
      environment: 'staging',
      buildVersion: '1.4.2',
      runName: 'CI #812 – main'
    })
    expect(sandbox.runs.evaficy).toBe(1)
  })

  it('sends the commit SHA as buildVersion and leaves out what was not given', async () => {
    const state = await evaficy.trigger(context({}))
    expect(sandbox.requests[0].body).toEqual({ projectId: P, scenarioId: S, buildVersion: 'abc123' })
    expect(state.name).toMatch(/^CI Run — Scenario 00dcba \(abc123\)/)
  })

  it.each([
    [{ token: 'invalid-token' }, 401, 'User not found', /Settings → API Tokens/],
    [{ token: 'free-plan-token' }, 403, 'Feature not available on your plan', /Enterprise plan/],
    [{ projectId: '000000000000000000000400' }, 400, 'scenarioId and projectId are required', /24-character hex IDs/],
    [{ scenarioId: '000000000000000000000404' }, 404, 'Scenario not found', /copy `scenarioId` from the scenario URL/]
  ] as const)('turns a documented error (%j) into an actionable message', async (values, status, said, hint) => {
    const e = await failure(evaficy.trigger(context(values)))
    expect(e.info.status).toBe(status)
    expect(e.info.platformMessage).toBe(said)
    expect(e.message).toContain(`Evaficy Smart Test: could not create the test run (POST /runs/trigger): HTTP ${status}`)
    expect(e.message).toMatch(hint)
    expect(sandbox.runs.evaficy ?? 0).toBe(0)
  })

  it('does not re-send the trigger after a 502 gateway page (a run may exist)', async () => {
    const e = await failure(evaficy.trigger(context({ scenarioId: '000000000000000000000502' })))
    expect(e.info.kind).toBe('not-json')
    expect(e.message).toContain('it may have taken effect: look at Test Runs in Evaficy Smart Test before running the job again')
    expect(sandbox.requests).toHaveLength(1)
  })
})
