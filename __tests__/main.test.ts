// The process shell in this process: start, run and post with the real @actions/core writing the
// runner's files, against the sandbox (docs/reliability.md, "Post step" and "Stops").
import { jest } from '@jest/globals'
import { post } from '../src/post.js'
import { run, start } from '../src/main.js'
import { realClock } from '../src/clock.js'
import { FakeClock } from './helpers/fake-clock.js'
import { inProcessStep } from './helpers/in-process.js'
import { sandboxForSuite } from './helpers/step.js'

const TOKEN = 'tok-CANARY-main-7c1e'
const box = sandboxForSuite()
const step = inProcessStep()
const requests = (platform: string, method?: string) =>
  box.get().requests.filter((r) => r.platform === platform && (!method || r.method === method))

beforeEach(() => {
  box.get().requests.length = 0
  box.get().clearFaults()
})

// A plan of its own for each test: a stop checks no other run of the plan is unfinished.
let plan = 3000
beforeEach(() => void plan++)
const testsigma = (inputs: Record<string, string> = {}) => ({
  provider: 'testsigma',
  token: TOKEN,
  scenarioId: String(plan),
  cancelOnAbort: 'true',
  environment: '10',
  baseUrl: box.get().baseUrl('testsigma'),
  pollIntervalSeconds: '1',
  ...inputs
})

/** A run on the sandbox that goes on for a minute: created through the API as a step would. */
async function runningRun(): Promise<string> {
  box.get().script('testsigma', { queuedMs: 0, runMs: 60_000 })
  step.enter({ inputs: testsigma({ wait: 'false' }) })
  await run(realClock, () => undefined)
  const id = step.outputs().runId
  expect(id).toMatch(/^\d+$/)
  return id
}

describe('start: which step runs', () => {
  it('a post step whose main step never began sends nothing, says so, and exits', async () => {
    step.enter({ inputs: testsigma() })
    const exit = jest.fn()
    await start('/runner/_actions/x/dist/post.js', exit)
    expect(requests('testsigma')).toEqual([])
    expect(step.stdout()).toContain('The main step of this action never began')
    expect(exit).toHaveBeenCalledTimes(1)
    expect(step.outputs()).toEqual({})
  })

  it('the main step marks that it began before its first request, then starts the run', async () => {
    step.enter({ inputs: testsigma({ wait: 'false' }) })
    const exit = jest.fn()
    await start('/runner/_actions/x/dist/index.js', exit)
    expect(step.state()).toMatchObject({ isPost: 'true', done: 'true' })
    expect(step.state().runId).toBe(step.outputs().runId)
    expect(step.state().idempotencyKey).toMatch(/^[0-9a-f-]{36}$/)
    expect(requests('testsigma', 'POST')).toHaveLength(1)
    expect(step.outputs().status).toBe('triggered')
    expect(exit).toHaveBeenCalledTimes(1)
  })

  it('index.js run a second time with the main step’s mark is the post step: nothing owed, nothing sent', async () => {
    step.enter({ inputs: testsigma(), state: { isPost: 'true', runId: '77', done: 'true' } })
    await start('/runner/_actions/x/dist/index.js', jest.fn())
    expect(requests('testsigma')).toEqual([])
  })

  it('masks the token before anything else is printed', async () => {
    step.enter({ inputs: testsigma({ wait: 'false' }) })
    await start('index.js', jest.fn())
    expect(step.stdout().split('\n')[0]).toBe(`::add-mask::${TOKEN}`)
  })
})

describe('start: the entry’s name', () => {
  it.each(['/a/dist/notpost.js', '/a/dist/post.js.map', 'post.jsx'])('%s is the main step', async (entry) => {
    step.enter({ inputs: testsigma({ wait: 'false' }) })
    await start(entry, jest.fn())
    expect(requests('testsigma', 'POST')).toHaveLength(1)
    expect(step.state().isPost).toBe('true')
  })

  it('a post step whose main step began, and owes a cancel: the post step runs it', async () => {
    const id = await runningRun()
    box.get().requests.length = 0
    step.enter({ inputs: testsigma(), state: { isPost: 'true', runId: id } })
    await start('C:\\runner\\_actions\\ttr\\dist\\post.js', jest.fn())
    expect(requests('testsigma', 'PUT')).toHaveLength(1)
  })

  it('no token: nothing to mask, and the inputs say what is missing', async () => {
    step.enter({ inputs: testsigma({ token: '' }) })
    await start('index.js', jest.fn())
    expect(step.stdout()).not.toContain('::add-mask::')
    expect(step.errors()[0]).toMatch(/^::error::Input `token` is required/)
  })
})

describe('run: the main step', () => {
  it('inputs with problems: one error each and the verdict, no request, the step fails', async () => {
    step.enter({ inputs: testsigma({ scenarioId: '', timeoutMinutes: 'soon' }) })
    await run(realClock, jest.fn())
    expect(step.errors()).toEqual([
      expect.stringMatching(/scenarioId/),
      expect.stringMatching(/timeoutMinutes/),
      expect.stringMatching(/inputs have 2 problems .*no request was sent/)
    ])
    expect(requests('testsigma')).toEqual([])
    expect(process.exitCode).toBe(1)
  })

  it('a run that passes: outputs, the summary, no error, done saved', async () => {
    box.get().script('testsigma', { queuedMs: 0, runMs: 300 })
    step.enter({ inputs: testsigma({ wait: 'true' }) })
    await run(realClock, jest.fn())
    expect(step.outputs()).toMatchObject({ status: 'passed', totalCount: '10', failedCount: '0' })
    expect(step.summary()).toMatch(/passed/i)
    expect(step.errors()).toEqual([])
    expect(process.exitCode).toBeUndefined()
    expect(step.state().done).toBe('true')
  })

  it('a run that fails: the failed tests are read, the step fails with the counts', async () => {
    box.get().script('testsigma', { queuedMs: 0, runMs: 300, end: 'failed', failed: 2 })
    step.enter({ inputs: testsigma({ wait: 'true' }) })
    await run(realClock, jest.fn())
    expect(step.outputs()).toMatchObject({ status: 'failed', failedCount: '2' })
    expect(step.errors().at(-1)).toMatch(/2 of 10 tests failed|failed/)
    expect(process.exitCode).toBe(1)
  })

  it('a token the platform refuses: the platform’s words and a hint, outputs say error, no token', async () => {
    step.enter({ inputs: testsigma({ token: 'invalid-key-9', wait: 'true' }) })
    await run(realClock, jest.fn())
    expect(step.outputs()).toMatchObject({ status: 'error', runId: '' })
    expect(step.errors().at(-1)).toMatch(/HTTP 401/)
    expect(step.summary()).toMatch(/401/)
    expect(step.stdout().replace('::add-mask::invalid-key-9', '')).not.toContain('invalid-key-9')
    expect(process.exitCode).toBe(1)
  })

  it('at the timeout (virtual clock) the run is cancelled on the platform and the step says so', async () => {
    box.get().script('testsigma', { queuedMs: 0, runMs: 60_000 })
    step.enter({ inputs: testsigma({ wait: 'true', timeoutMinutes: '1', cancelOnAbort: 'true' }) })
    const clock = new FakeClock(0.5, 1000)
    await run(clock, jest.fn())
    expect(step.outputs().status).toBe('timed_out')
    expect(requests('testsigma', 'PUT')).toHaveLength(1)
    expect(step.stdout()).toMatch(/Cancelled run \d+ on Testsigma/)
    expect(step.summary()).toMatch(/cancelled the run on the platform/)
    expect(step.state()).toMatchObject({ cancelSent: 'true', cancelOwed: '' })
    expect(clock.elapsed()).toBeGreaterThanOrEqual(60_000)
  })

  it('a signal while it waits: the run is cancelled, outputs say cancelled; a second signal exits at once', async () => {
    box.get().script('testsigma', { queuedMs: 0, runMs: 60_000 })
    step.enter({ inputs: testsigma({ wait: 'true', cancelOnAbort: 'true' }) })
    const before = new Set(process.listeners('SIGTERM'))
    const exit = jest.fn()
    const done = run(realClock, exit)
    // The step's own listener, called as the runner's SIGTERM would call it.
    const deadline = Date.now() + 20_000
    while (requests('testsigma', 'GET').length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20))
    const ours = process.listeners('SIGTERM').find((l) => !before.has(l)) as () => void
    ours()
    ours()
    await done
    expect(exit).toHaveBeenCalledWith(1)
    expect(requests('testsigma', 'PUT')).toHaveLength(1)
    expect(step.outputs().status).toBe('cancelled')
    expect(step.errors().at(-1)).toMatch(/workflow was cancelled while waiting .*cancelled it on the platform/)
    expect(process.listeners('SIGTERM').filter((l) => !before.has(l))).toEqual([])
  })
})

describe('post: the cancel the main step owes', () => {
  it('owed: reads the run, cancels it, and clears the debt', async () => {
    const id = await runningRun()
    box.get().requests.length = 0
    step.enter({ inputs: testsigma(), state: { isPost: 'true', runId: id, cancelOwed: 'true', done: 'true' } })
    await post(realClock)
    expect(requests('testsigma', 'PUT')).toHaveLength(1)
    expect(step.stdout()).toMatch(new RegExp(`could not confirm the cancel of Testsigma run ${id}: trying again`))
    expect(step.state().cancelOwed).toBe('')
    expect(process.exitCode).toBe(0)
  })

  it('the workflow cancelled mid-step (not done): cancels the run it recorded', async () => {
    const id = await runningRun()
    box.get().requests.length = 0
    step.enter({ inputs: testsigma(), state: { isPost: 'true', runId: id } })
    await post(realClock)
    expect(requests('testsigma', 'PUT')).toHaveLength(1)
    expect(step.stdout()).toMatch(/cancelled before the main step finished/)
  })

  it.each([
    ['done, nothing owed', { done: 'true' }],
    ['a cancel already confirmed', { cancelSent: 'true', cancelOwed: 'true' }],
    ['no run recorded', { runId: '' }]
  ])('%s: sends nothing', async (_, state) => {
    step.enter({ inputs: testsigma(), state: { isPost: 'true', runId: '41', ...state } })
    await post(realClock)
    expect(requests('testsigma')).toEqual([])
  })

  it('cancelOnAbort false: leaves the run alone', async () => {
    step.enter({ inputs: testsigma({ cancelOnAbort: 'false' }), state: { isPost: 'true', runId: '41' } })
    await post(realClock)
    expect(requests('testsigma')).toEqual([])
  })

  it('a run that has ended needs no cancel', async () => {
    box.get().script('testsigma', { queuedMs: 0, runMs: 1 })
    step.enter({ inputs: testsigma({ wait: 'false' }) })
    await run(realClock, jest.fn())
    const id = step.outputs().runId
    await new Promise((r) => setTimeout(r, 50))
    box.get().requests.length = 0
    step.enter({ inputs: testsigma(), state: { isPost: 'true', runId: id, cancelOwed: 'true' } })
    await post(realClock)
    expect(requests('testsigma', 'PUT')).toEqual([])
    expect(step.stdout()).toMatch(new RegExp(`Run ${id} has ended .*nothing to cancel`))
  })

  it('a definite refusal (404) is reported once as what it is, not retried, and not "gave up"', async () => {
    const id = await runningRun()
    box.get().requests.length = 0
    box.get().fault('testsigma', { on: 'cancel', do: 'status', status: 404 })
    step.enter({ inputs: testsigma(), state: { isPost: 'true', runId: id, cancelOwed: 'true' } })
    const clock = new FakeClock(0.5, 1000)
    await post(clock)
    expect(requests('testsigma', 'PUT')).toHaveLength(1)
    expect(step.warnings()).toEqual([expect.stringMatching(new RegExp(`Could not cancel run ${id} on Testsigma: .*HTTP 404`))])
    expect(step.warnings()[0]).not.toMatch(/Gave up/)
    expect(step.state().cancelOwed).toBe('')
  })

  it('a cancel that keeps failing for now is tried three times within the budget, then named with the time it took', async () => {
    const id = await runningRun()
    box.get().requests.length = 0
    box.get().fault('testsigma', { on: 'cancel', do: 'status', status: 502, times: 10 })
    step.enter({ inputs: testsigma(), state: { isPost: 'true', runId: id, cancelOwed: 'true' } })
    const clock = new FakeClock(0.5, 1000)
    await post(clock)
    expect(requests('testsigma', 'PUT').length).toBeGreaterThanOrEqual(3)
    expect(step.warnings()).toEqual([expect.stringMatching(/Could not cancel run .*Gave up after \d+ s: check /)])
    expect(process.exitCode).toBe(0)
  })
})

it('start: an entry named post.js, without a folder, is the post step', async () => {
  step.enter({ inputs: testsigma() })
  await start('post.js', jest.fn())
  expect(step.stdout()).toContain('The main step of this action never began')
  expect(requests('testsigma')).toEqual([])
})
