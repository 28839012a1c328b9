// End to end: the edges of a step's life (docs/reliability.md): a post step whose main step never
// began or only attached, the jobs beside it, runner files that cannot be written, URLs and IDs.
// dist/ as the runner runs it, main step and post step, against the sandbox. The tests run one
// after another: the suite's timing tests elsewhere need the machine's cores more than this file does.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startSandbox } from '../sandbox/server.js'
import {
  errorsOf,
  POST_ENTRY,
  POLLABLE,
  sandboxPerTest,
  step,
  warningsOf,
  whenLogged,
  type Pollable,
  type Sandbox
} from './helpers/step.js'

const TOKEN = 'tok-CANARY-edges-5c1'
const inSandbox = sandboxPerTest(TOKEN, 'edges')
const requestsSince = (box: Sandbox, from: number) => box.requests.slice(from)

describe('post step: acts only on what its main step recorded', () => {
  it.concurrent('a post step whose main step never began sends nothing and exits 0', () =>
    inSandbox(async (box) => {
      const from = box.requests.length
      // The runner runs a cancelled job's post step even when the main step was cancelled before it ran.
      const post = await step({
        entry: POST_ENTRY,
        inputs: {
          provider: 'testery',
          token: TOKEN,
          projectId: 'shop',
          environment: 'never',
          wait: 'true',
          cancelOnAbort: 'true',
          baseUrl: box.baseUrl('testery')
        }
      })
      expect(post.code).toBe(0)
      expect(requestsSince(box, from)).toEqual([])
      expect(post.stdout).toContain('never began')
      expect(errorsOf(post)).toEqual([])
      expect(post.outputs).toEqual({})
    })
  )

  it.concurrent('action.yml’s post entry cancels the run its main step owes a cancel for', () =>
    inSandbox(async (box, run) => {
      box.script('testery', { queuedMs: 50, runMs: 600_000 })
      box.fault('testery', { on: 'cancel', do: 'status', status: 500 })
      const main = await run('testery', { cancelOnAbort: 'true' }, { onStart: whenLogged('running (', (child) => child.kill('SIGTERM')) })
      expect(main.state).toMatchObject({ isPost: 'true', cancelOwed: 'true' })
      const from = box.requests.length
      const post = await run('testery', { cancelOnAbort: 'true' }, { entry: POST_ENTRY, state: main.state })
      expect(post.code).toBe(0)
      expect(post.state.cancelSent).toBe('true')
      expect(requestsSince(box, from).filter((r) => r.method === 'PATCH')).toHaveLength(1)
    })
  )

  it.concurrent('attached with runId: a cancel that failed is recorded, and the post step retries it', () =>
    inSandbox(async (box, run) => {
      box.script('testery', { queuedMs: 50, runMs: 600_000 })
      const started = await run('testery', { wait: 'false' })
      box.fault('testery', { on: 'cancel', do: 'status', status: 500 })
      const main = await run(
        'testery',
        { runId: started.outputs.runId, cancelOnAbort: 'true' },
        { onStart: whenLogged('running (', (child) => child.kill('SIGTERM')) }
      )
      expect(warningsOf(main).some((w) => /The post step of this action tries again/.test(w))).toBe(true)
      expect(main.state).toMatchObject({ runId: started.outputs.runId, cancelOwed: 'true' })
      const post = await run('testery', { runId: started.outputs.runId, cancelOnAbort: 'true' }, { entry: POST_ENTRY, state: main.state })
      expect(post.code).toBe(0)
      expect(post.stdout).toContain(`Cancelled run ${started.outputs.runId} on Testery.`)
    })
  )
})

describe('a cancel the platform refused for good is not owed', () => {
  it.concurrent('a 404 on the cancel: one warning, no promise of a retry, and the post step sends nothing', () =>
    inSandbox(async (box, run) => {
      box.script('testery', { queuedMs: 50, runMs: 600_000 })
      box.fault('testery', { on: 'cancel', do: 'status', status: 404 })
      const main = await run('testery', { cancelOnAbort: 'true' }, { onStart: whenLogged('running (', (child) => child.kill('SIGTERM')) })
      const warned = warningsOf(main).filter((w) => /Could not cancel run \d+ on Testery: .*HTTP 404/.test(w))
      expect(warned).toHaveLength(1)
      expect(warned[0]).not.toContain('tries again')
      expect(main.state.cancelOwed ?? '').toBe('')
      const from = box.requests.length
      const post = await run('testery', { cancelOnAbort: 'true' }, { entry: POST_ENTRY, state: main.state })
      expect(post.code).toBe(0)
      expect(requestsSince(box, from)).toEqual([])
    })
  )
})

describe('runner files never change the verdict', () => {
  const missing = () => join(mkdtempSync(join(tmpdir(), 'ttr-files-')), 'gone', 'file')

  it.concurrent('a job summary that cannot be written is a warning: a passed run still passes', () =>
    inSandbox(async (box, run) => {
      box.script('testsigma', { queuedMs: 50, runMs: 300, total: 3 })
      const r = await run('testsigma', {}, { env: { GITHUB_STEP_SUMMARY: missing() } })
      expect(r.code).toBe(0)
      expect(r.outputs.status).toBe('passed')
      expect(
        warningsOf(r).filter((w) => /Could not write the job summary to GITHUB_STEP_SUMMARY .*gone.*ENOENT|Unable to access/.test(w))
      ).toHaveLength(1)
      expect(errorsOf(r)).toEqual([])
      expect(r.stderr).not.toMatch(/\n\s+at /)
    })
  )

  it.concurrent('outputs that cannot be written: one ::error naming the file and the cause, no stack trace', () =>
    inSandbox(async (box, run) => {
      box.script('testsigma', { queuedMs: 50, runMs: 300, total: 3 })
      const r = await run('testsigma', {}, { env: { GITHUB_OUTPUT: missing() } })
      const errors = errorsOf(r)
      expect(errors).toHaveLength(1)
      expect(errors[0]).toMatch(/Could not write the step outputs to GITHUB_OUTPUT \(.*gone.*\): Missing file/)
      expect(r.stdout).toMatch(/::notice::Tests passed/)
      expect(r.stderr).not.toMatch(/\n\s+at /)
      expect(r.stdout).not.toMatch(/\n\s+at /)
    })
  )

  it.concurrent('state that cannot be written: one ::error, and the run is still followed to its verdict', () =>
    inSandbox(async (box, run) => {
      box.script('testsigma', { queuedMs: 50, runMs: 300, total: 3, failed: 1, end: 'failed' })
      const r = await run('testsigma', {}, { env: { GITHUB_STATE: missing() } })
      const errors = errorsOf(r)
      expect(errors.filter((e) => /Could not write the state the post step reads to GITHUB_STATE/.test(e))).toHaveLength(1)
      expect(errors.filter((e) => /Tests failed/.test(e))).toHaveLength(1)
      expect(r.outputs.status).toBe('failed')
      expect(r.code).toBe(1)
    })
  )
})

describe('every URL form docs/how-it-works.md accepts connects (Reliability: network)', () => {
  it.concurrent('an IPv6 loopback literal, http://[::1]:port', async () => {
    const box = await startSandbox({ host: '::1' })
    try {
      box.script('testsigma', { queuedMs: 50, runMs: 300, total: 3 })
      const r = await step({
        inputs: {
          provider: 'testsigma',
          token: TOKEN,
          wait: 'true',
          pollIntervalSeconds: '1',
          baseUrl: `http://[::1]:${box.port}/testsigma`,
          ...POLLABLE.testsigma
        }
      })
      expect(r.stdout).not.toContain('ENOTFOUND')
      expect(r.outputs.status).toBe('passed')
    } finally {
      await box.close()
    }
  })

  const VENDOR_PATHS: [Pollable, string][] = [
    ['testery', '/api'],
    ['testsigma', '/api/v1'],
    ['gearset', '/public/automation']
  ]
  it.concurrent.each(VENDOR_PATHS)('%s: a base URL pasted from the vendor’s docs (ending %s) works', (provider, apiPath) =>
    inSandbox(async (box, run) => {
      box.script(provider, { queuedMs: 50, runMs: 300, total: 3 })
      const r = await run(provider, { baseUrl: `${box.baseUrl(provider)}${apiPath}` })
      expect(r.outputs.status).toBe('passed')
      expect(r.stdout).toContain(`baseUrl ends with ${apiPath}`)
    })
  )
})

describe('vendor details in the outputs', () => {
  it.concurrent('Gearset: the CI run’s RunId is in the result output as ciRunId', () =>
    inSandbox(async (box, run) => {
      box.script('gearset', { queuedMs: 50, runMs: 300 })
      const r = await run('gearset')
      expect(r.outputs.status).toBe('passed')
      expect(JSON.parse(r.outputs.result)).toMatchObject({ runId: r.outputs.runId, ciRunId: expect.stringMatching(/^run-\d+$/) })
      expect(r.outputs).not.toHaveProperty('ciRunId') // an output action.yml does not declare
    })
  )
})

describe('a matrix: a leg whose start got a 502 never reports its sibling’s run', () => {
  // Each test starts the sibling leg first, and breaks the next start only once the sibling's run exists.
  const siblingLeg = () => {
    let created: () => void = () => undefined
    const ready = new Promise<void>((resolve) => (created = resolve))
    return { ready, onStart: whenLogged('Created run', () => created()) }
  }

  it.concurrent('Testsigma: same plan and build, two environments; the second leg’s start answers 502 (nothing created)', () =>
    inSandbox(async (box, run) => {
      box.script('testsigma', { queuedMs: 50, runMs: 3000, total: 3 })
      const leg0 = siblingLeg()
      const sibling = run('testsigma', { environment: '11' }, { onStart: leg0.onStart })
      await leg0.ready
      box.fault('testsigma', { on: 'trigger', do: 'status', status: 502, html: true })
      const leg = await run('testsigma', { environment: '10' })
      expect((await sibling).outputs.status).toBe('passed')
      expect(leg.code).toBe(1)
      expect(leg.outputs.status).toBe('error')
      expect(leg.outputs.runId).toBe('')
      expect(errorsOf(leg).join('\n')).toMatch(
        /no run with plan 2090, environment 10, build \w+ was created on Testsigma after the request/
      )
    })
  )

  it.concurrent('Testsigma: a run of the same plan, environment and build created a minute before the request is not adopted', () =>
    inSandbox(async (box, run) => {
      box.script('testsigma', { queuedMs: 50, runMs: 600_000 })
      const earlier = await run('testsigma', { wait: 'false' })
      // The earlier run's clock is set back a minute: to the platform, it was created before this request.
      box.platforms.testsigma.book.get(earlier.outputs.runId).createdAt -= 60_000
      box.fault('testsigma', { on: 'trigger', do: 'status', status: 502, html: true })
      const leg = await run('testsigma')
      expect(leg.outputs.runId).toBe('')
      expect(leg.code).toBe(1)
    })
  )

  it.concurrent('Testery: two projects on one environment; the second project’s start answers 502', () =>
    inSandbox(async (box, run) => {
      box.script('testery', { queuedMs: 50, runMs: 3000, total: 3 })
      const env = 'matrix-shared'
      const leg0 = siblingLeg()
      const sibling = run('testery', { projectId: 'shop', environment: env }, { onStart: leg0.onStart })
      await leg0.ready
      box.fault('testery', { on: 'trigger', do: 'status', status: 502, html: true })
      const leg = await run('testery', { projectId: 'admin', environment: env })
      await sibling
      expect(leg.outputs.runId).toBe('')
      expect(leg.code).toBe(1)
      expect(errorsOf(leg).join('\n')).toMatch(/no run with project admin, environment matrix-shared was created on Testery/)
    })
  )

  it.concurrent('the leg’s own run, created before a reset, is still adopted', () =>
    inSandbox(async (box, run) => {
      box.script('testsigma', { queuedMs: 50, runMs: 3000, total: 3 }, { queuedMs: 50, runMs: 300, total: 3 })
      const leg0 = siblingLeg()
      const sibling = run('testsigma', { environment: '11' }, { onStart: leg0.onStart })
      await leg0.ready
      box.fault('testsigma', { on: 'trigger', do: 'reset-after' })
      const leg = await run('testsigma', { environment: '10' })
      await sibling
      expect(leg.outputs.status).toBe('passed')
      expect(leg.stdout).toMatch(/Found run \d+ \(plan 2090, environment 10, build \w+\), created after this step's request/)
    })
  )
})

describe('a stop stops only ours', () => {
  it.concurrent('Testsigma: with another unfinished run of the plan, no stop is sent, and the warning names it', () =>
    inSandbox(async (box, run) => {
      box.script('testsigma', { queuedMs: 50, runMs: 600_000 }, { queuedMs: 50, runMs: 600_000 })
      const other = await run('testsigma', { wait: 'false', environment: '11' })
      const from = box.requests.length
      const ours = await run('testsigma', { timeoutMinutes: '0.05', cancelOnAbort: 'true' })
      expect(ours.outputs.status).toBe('timed_out')
      expect(requestsSince(box, from).filter((r) => r.method === 'PUT')).toEqual([])
      expect(warningsOf(ours).join('\n')).toMatch(
        new RegExp(`Did not cancel run ${ours.outputs.runId} on Testsigma: .*other unfinished run \\(${other.outputs.runId}\\)`)
      )
      // The other job's run goes on, and no cancel is owed to the post step.
      expect(box.platforms.testsigma.book.get(other.outputs.runId).cancelledAt).toBeUndefined()
      expect(ours.state.cancelOwed ?? '').toBe('')
    })
  )

  it.concurrent('Testsigma: alone on the plan, the stop is sent and the run is read again to say it stopped', () =>
    inSandbox(async (box, run) => {
      box.script('testsigma', { queuedMs: 50, runMs: 600_000 })
      const ours = await run('testsigma', { scenarioId: '2091', timeoutMinutes: '0.05', cancelOnAbort: 'true' })
      expect(ours.outputs.status).toBe('timed_out')
      expect(ours.stdout).toContain(`Cancelled run ${ours.outputs.runId} on Testsigma.`)
      expect(ours.stdout).toMatch(new RegExp(`Run ${ours.outputs.runId} has stopped \\(STATUS_COMPLETED/STOPPED\\)`))
    })
  )

  it.concurrent('Testsigma: a listing that failed for now sends no stop; the post step checks again and stops ours', () =>
    inSandbox(async (box, run) => {
      box.script('testsigma', { queuedMs: 50, runMs: 600_000 })
      box.fault('testsigma', { on: 'list', do: 'status', status: 503, times: 3 })
      const from = box.requests.length
      const main = await run('testsigma', { scenarioId: '2092', timeoutMinutes: '0.05', cancelOnAbort: 'true' })
      expect(requestsSince(box, from).filter((r) => r.method === 'PUT')).toEqual([])
      expect(warningsOf(main).join('\n')).toMatch(/could not check that no other run of it would be stopped \(HTTP 503/)
      expect(main.state.cancelOwed).toBe('true')
      const post = await run('testsigma', { scenarioId: '2092', cancelOnAbort: 'true' }, { entry: POST_ENTRY, state: main.state })
      expect(post.state.cancelSent).toBe('true')
      expect(requestsSince(box, from).filter((r) => r.method === 'PUT')).toHaveLength(1)
    })
  )

  it.concurrent('Testsigma: a server without the listing (404): ours is stopped without the check, and the log says so', () =>
    inSandbox(async (box, run) => {
      box.script('testsigma', { queuedMs: 50, runMs: 600_000 })
      box.fault('testsigma', { on: 'list', do: 'status', status: 404 })
      const r = await run('testsigma', { scenarioId: '2093', timeoutMinutes: '0.05', cancelOnAbort: 'true' })
      expect(r.stdout).toMatch(/Could not list the other runs before stopping run \d+ \(HTTP 404.*\): stopping it without that check/)
      expect(r.stdout).toContain(`Cancelled run ${r.outputs.runId} on Testsigma.`)
    })
  )

  it.concurrent('Testsigma: "plan already running" answered as HTTP 500 is named as that', () =>
    inSandbox(async (box, run) => {
      box.fault('testsigma', {
        on: 'trigger',
        do: 'json',
        status: 500,
        body: { timeStamp: 1, error: 'Test plan is already running', code: 'EXECUTION_ALREADY_RUNNING' }
      })
      const r = await run('testsigma')
      expect(r.code).toBe(1)
      expect(errorsOf(r).join('\n')).toMatch(/Testsigma says this is already running, so it started no new run/)
    })
  )
})
