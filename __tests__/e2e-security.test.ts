// Security end to end (docs/how-it-works.md, Reliability: the token, platform text, network): the token never
// leaks on any failure path, even with debug logging on; platform text cannot forge a workflow
// command or an output; bad input sends nothing.
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'
import { errorsOf, expectNoLeak, sandboxPerTestContext, step, type StepResult } from './helpers/step.js'
import { BAD_INPUTS } from './helpers/bad-inputs.js'

const TOKEN = 'tok-CANARY-sec-90ff'
const { box, each } = sandboxPerTestContext()
const DECLARED_OUTPUTS = Object.keys(parse(readFileSync('action.yml', 'utf8')).outputs)

/**
 * The workflow commands the runner would act on in a step's stdout: a port of the runner's
 * ActionCommand.TryParseV2 (a line whose trimmed start is `::`) and TryParse (`##[` anywhere).
 */
function commandsIn(stdout: string): { name: string; data: string }[] {
  const found: { name: string; data: string }[] = []
  for (const line of stdout.split(/\r?\n/)) {
    const t = line.trimStart()
    if (t.startsWith('::')) {
      const end = t.indexOf('::', 2)
      if (end > 2) found.push({ name: t.slice(2, end).split(' ')[0], data: t.slice(end + 2) })
    }
    const v1 = line.indexOf('##[')
    if (v1 >= 0) found.push({ name: line.slice(v1 + 3).split(/[\] ]/)[0], data: line })
  }
  return found
}

function expectOnlyOwnCommands(r: StepResult) {
  for (const c of commandsIn(r.stdout)) {
    expect(['add-mask', 'debug', 'error', 'warning', 'notice']).toContain(c.name)
    if (c.name === 'add-mask') expect(c.data).toBe(TOKEN)
  }
  expect(Object.keys(r.outputs).every((k) => DECLARED_OUTPUTS.includes(k))).toBe(true)
}

const FORGERIES =
  '\n::add-mask::the\n  ::error::forged\nx ##[warning]y\n::stop-commands::abc\n\u001b[8mhidden\u001b[0m ::set-output name=status::passed'

describe('platform text cannot forge workflow commands, outputs or summary markup', () => {
  it.concurrent(
    'Testery: a run name, status info and status word full of commands',
    each(async () => {
      const sandbox = box.get()
      sandbox.fault('testery', {
        on: 'poll',
        do: 'json',
        times: 50,
        body: {
          id: 77,
          name: `Nightly${FORGERIES} <img src=x onerror=alert(1)> [x](https://evil)`,
          status: `WEIRD${FORGERIES}`,
          statusInfo: FORGERIES,
          passCount: 1,
          failCount: 0,
          totalCount: 1
        }
      })
      const r = await step({
        inputs: {
          provider: 'testery',
          token: TOKEN,
          runId: '77',
          timeoutMinutes: '0.03',
          pollIntervalSeconds: '1',
          baseUrl: sandbox.baseUrl('testery')
        },
        env: { RUNNER_DEBUG: '1' }
      })
      expect(r.code).toBe(1)
      expect(r.outputs.status).toBe('timed_out')
      expectOnlyOwnCommands(r)
      expect(errorsOf(r)).toHaveLength(1)
      expect(r.summary).not.toContain('<img')
      expect(r.summary).not.toContain('](https://evil)')
      expectNoLeak(r, TOKEN)
    })
  )

  it.concurrent(
    'Testsigma: a platform error message full of commands',
    each(async () => {
      const sandbox = box.get()
      sandbox.fault('testsigma', { on: 'trigger', do: 'json', status: 400, body: { error: `Bad plan${FORGERIES}` } })
      const r = await step({ inputs: { provider: 'testsigma', token: TOKEN, scenarioId: '2090', baseUrl: sandbox.baseUrl('testsigma') } })
      expect(r.code).toBe(1)
      expectOnlyOwnCommands(r)
      expect(errorsOf(r)[0]).toContain('Testsigma said: "Bad plan')
      expect(r.summary).not.toContain('##[')
    })
  )

  it.concurrent(
    'a run ID that would inject an output is refused, and no output is forged',
    each(async () => {
      const sandbox = box.get()
      sandbox.fault('testsigma', { on: 'trigger', do: 'json', body: { id: '1\nstatus=passed', status: 'STATUS_CREATED' } })
      const r = await step({
        inputs: { provider: 'testsigma', token: TOKEN, scenarioId: '2090', wait: 'true', baseUrl: sandbox.baseUrl('testsigma') }
      })
      expect(r.code).toBe(1)
      expect(errorsOf(r)[0]).toMatch(/the answer did not have the documented shape \(id: /)
      expect(r.outputs).toMatchObject({ status: 'error', runId: '' })
      expect(r.files.output).not.toContain('status=passed')
      expect(r.files.env).toBe('')
    })
  )
})

describe('the token never leaks, with debug logging on', () => {
  const paths: [string, string, Record<string, string>, Record<string, unknown> | undefined][] = [
    ['401 echoing the token (trigger)', 'testery', { projectId: 'shop', environment: 'staging' }, { on: 'trigger', do: 'echo-auth' }],
    ['401 echoing the token (poll)', 'gearset', { scenarioId: 'job-1', wait: 'true' }, { on: 'poll', do: 'echo-auth' }],
    ['HTML 500', 'testsigma', { scenarioId: '2090' }, { on: 'trigger', do: 'status', status: 500, html: true }],
    ['schema failure', 'gearset', { scenarioId: 'job-1' }, { on: 'trigger', do: 'json', body: { RunRequestId: { nested: true } } }],
    ['redirect', 'testery', { projectId: 'shop', environment: 'staging' }, { on: 'trigger', do: 'redirect', to: 'http://127.0.0.1:9' }],
    ['timeout', 'testsigma', { scenarioId: '2090', wait: 'true', timeoutMinutes: '0.02', cancelOnAbort: 'true' }, undefined]
  ]
  it.concurrent.each(paths)('%s', (_name, provider, inputs, fault) =>
    each(async () => {
      const sandbox = box.get()
      sandbox.script(provider, { runMs: 60_000 })
      if (fault) sandbox.fault(provider, fault)
      const r = await step({
        inputs: { provider, token: TOKEN, pollIntervalSeconds: '1', baseUrl: sandbox.baseUrl(provider), ...inputs },
        env: { RUNNER_DEBUG: '1' }
      })
      expect(r.code).toBe(1)
      expect(r.stdout).toContain('::debug::')
      expect(r.stdout.split('\n')[0]).toBe(`::add-mask::${TOKEN}`)
      expectNoLeak(r, TOKEN)
    })()
  )
})

describe('bad input: one clear line per problem naming the input, and no request', () => {
  // Every case in-process: bad-input.test.ts. Here every eighth, through dist/index.js.
  const CASES = BAD_INPUTS.filter((_, i) => i % 8 === 0)
  it.concurrent.each(CASES)('%j', (inputs, message) =>
    each(async () => {
      const sandbox = box.get()
      const before = sandbox.requests.length
      const r = await step({
        inputs: {
          token: TOKEN,
          projectId: '65f1c0ffee0000000000abcd',
          scenarioId: '65f1c0ffee0000000000dcba',
          baseUrl: sandbox.baseUrl(inputs.provider ?? 'evaficy'),
          ...inputs
        }
      })
      expect(r.code).toBe(1)
      const errors = errorsOf(r).map((l) => l.replace(/^::error::/, ''))
      expect(errors).toHaveLength(2)
      expect(errors[0]).toMatch(message)
      expect(errors[1]).toBe("The step's inputs have 1 problem (listed above); no request was sent.")
      expect(sandbox.requests.length).toBe(before)
      expect(r.summary).toBe('')
      expectNoLeak(r, TOKEN)
    })()
  )
})

it('never turns off TLS verification (docs/how-it-works.md, Reliability: network)', () => {
  const files = readdirSync('src', { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'))
  expect(files.length).toBeGreaterThan(5)
  for (const f of files) expect(readFileSync(join('src', f), 'utf8')).not.toMatch(/rejectUnauthorized|NODE_TLS_REJECT_UNAUTHORIZED/)
})
