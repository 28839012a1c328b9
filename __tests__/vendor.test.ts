// The platforms as their vendors describe them (docs/platforms.md, "What changed after
// checking against vendor-written material"): vendor-shaped bodies through our parsers, the
// sandbox held to the vendors' fields and behaviour, and each vendor client's own call sequence
// replayed against the sandbox.
import * as z from 'zod/mini'
import { startSandbox } from '../sandbox/server.js'
import { TriggerReply } from '../src/providers/evaficy.js'
import { gearset, gearsetState, JobStatus, RunRequest, RunRequestStatus } from '../src/providers/gearset.js'
import { TestResults, TestRun, testeryState } from '../src/providers/testery.js'
import { ExecutionResult, TestCaseResults, testsigmaState } from '../src/providers/testsigma.js'
import { checked } from '../src/wait.js'
import * as V from './fixtures/vendor.js'
import type { Sandbox } from './helpers/step.js'

let box: Sandbox
beforeAll(async () => {
  box = await startSandbox()
})
afterAll(() => box.close())

const AUTH = { testsigma: 'Bearer ts-key', testery: 'Bearer ty-token', gearset: 'token gs-token' } as const
type Platform = keyof typeof AUTH

async function call(platform: Platform, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${box.baseUrl(platform)}${path}`, {
    method,
    headers: {
      Authorization: AUTH[platform],
      Accept: 'application/json',
      'Content-Type': 'application/json',
      ...(platform === 'gearset' && { 'api-version': '1' }),
      ...headers
    },
    body: body === undefined ? undefined : JSON.stringify(body)
  })
  const text = await res.text()
  let json: any
  try {
    json = JSON.parse(text)
  } catch {
    json = undefined
  }
  return { status: res.status, headers: res.headers, json, text }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** Polls like the vendors' scripts: until `done(answer)`, at most `ms`. Returns every answer seen. */
async function pollUntil(read: () => Promise<any>, done: (a: any) => boolean, everyMs = 150, ms = 8000) {
  const seen = []
  const until = Date.now() + ms
  for (;;) {
    const a = await read()
    seen.push(a)
    if (done(a) || Date.now() > until) return seen
    await sleep(everyMs)
  }
}

/** Every field of the vendor's sample is in the sandbox's answer, with the same JSON type (null: any). */
function expectVendorShape(answer: Record<string, unknown>, sample: Record<string, unknown>) {
  const want = V.typesOf(sample)
  const got = V.typesOf(answer)
  for (const [k, t] of Object.entries(want)) {
    expect([k, k in got]).toEqual([k, true])
    if (t !== 'null' && got[k] !== 'null') expect([k, got[k]]).toEqual([k, t])
  }
}

describe('vendor-shaped bodies through the parsers', () => {
  it('Testsigma: the trigger answer is a queued run (STATUS_CREATED), the stop answer a cancelled one', () => {
    expect(testsigmaState(z.parse(ExecutionResult, V.testsigmaTrigger))).toMatchObject({
      id: '337',
      status: 'queued',
      providerStatus: 'STATUS_CREATED/QUEUED',
      counts: { total: 0, passed: 0, failed: 0, skipped: 0 }
    })
    expect(testsigmaState(z.parse(ExecutionResult, V.testsigmaStopped))).toMatchObject({
      id: '1165',
      name: '12 small plan pass',
      status: 'cancelled',
      providerStatus: 'STATUS_COMPLETED/STOPPED'
    })
  })

  it('Testsigma: per-test results parse with no message and no duration', () => {
    const r = z.parse(TestCaseResults, V.testsigmaTestCaseResults)
    expect(r.testCases[0]).toMatchObject({
      testCaseName: '03 data driven small',
      testSuiteName: '02 DD Small',
      testCaseResultId: 7975,
      result: 'FAILURE'
    })
    expect(r.testCases[0]).not.toHaveProperty('message')
  })

  it('Testery: the documented run and per-test results', () => {
    expect(testeryState(z.parse(TestRun, V.testeryRun), 'acme')).toMatchObject({
      id: '55676',
      status: 'passed',
      counts: { total: 30, passed: 30, failed: 0, skipped: 0 },
      url: 'https://testery.app/acme/test-runs/55676'
    })
    expect(z.parse(TestResults, V.testeryResults)[0]).toMatchObject({ status: 'FAIL', error: 'expected 200, got 500' })
  })

  it('Gearset: run request, run status and job status', () => {
    expect(z.parse(RunRequest, V.gearsetRunRequest).RunRequestId).toBe(V.gearsetRunRequest.RunRequestId)
    expect(gearsetState('rr', z.parse(RunRequestStatus, V.gearsetRunStatus))).toMatchObject({
      status: 'passed',
      providerStatus: 'Succeeded'
    })
    expect(z.parse(JobStatus, V.gearsetJobStatus).State).toBe('Idle')
  })

  it('Evaficy: a 201 with null runName, testCaseCount and message still names the run (point 12)', () => {
    expect(z.parse(TriggerReply, V.evaficyCreated)).toMatchObject({ runId: V.evaficyCreated.runId, testCaseCount: 17 })
    expect(z.safeParse(TriggerReply, V.evaficyCreatedNulls).success).toBe(true)
  })

  it('a Testsigma SUCCESS whose counts show a failed prerequisite is not a pass (point 7)', () => {
    const s = testsigmaState(z.parse(ExecutionResult, { ...V.testsigmaStopped, result: 'SUCCESS', preRequisiteFailedCount: 1 }))
    expect(checked(s).status).toBe('failed')
  })
})

describe('the sandbox answers with the vendors’ fields and types', () => {
  it('Testsigma: trigger, status and per-test results', async () => {
    box.script('testsigma', { queuedMs: 100, runMs: 300, total: 3, failed: 1, end: 'failed' })
    const t = await call('testsigma', 'POST', '/api/v1/execution_results', { executionId: 274 })
    expect(t.status).toBe(200)
    expectVendorShape(t.json, V.testsigmaTrigger)
    expect(t.json).toMatchObject({ status: 'STATUS_CREATED', result: 'QUEUED', execution: null })
    await sleep(600)
    expectVendorShape((await call('testsigma', 'GET', `/api/v1/execution_results/${t.json.id}`)).json, V.testsigmaTrigger)
    const cases = (await call('testsigma', 'GET', `/api/v1/execution_results/${t.json.id}/test_case_results`)).json
    expectVendorShape(cases, V.testsigmaTestCaseResults)
    expectVendorShape(cases.testCases[0], V.testsigmaTestCaseResults.testCases[0])
    for (const c of cases.testCases) expect(c).not.toHaveProperty('message')
    for (const c of cases.testCases) expect(c).not.toHaveProperty('duration')
  })

  it('Testery: trigger (201) and status', async () => {
    const t = await call('testery', 'POST', '/api/test-run-requests-build', {
      project: 'shop',
      environment: 'shape-env',
      updateVcsStatus: true,
      buildId: '1'
    })
    expect(t.status).toBe(201)
    expectVendorShape(t.json, V.testeryRun)
    expectVendorShape((await call('testery', 'GET', `/api/test-runs/${t.json.id}`)).json, V.testeryRun)
  })

  it('Gearset: run request, run status, job status, and the error body', async () => {
    const t = await call('gearset', 'POST', '/public/automation/continuous-integration-jobs/shape-job/run-requests', {})
    expectVendorShape(t.json, V.gearsetRunRequest)
    expectVendorShape(
      (await call('gearset', 'GET', `/public/automation/continuous-integration-jobs/shape-job/run-requests/${t.json.RunRequestId}`)).json,
      V.gearsetRunStatus
    )
    expectVendorShape(
      (await call('gearset', 'GET', '/public/automation/continuous-integration-jobs/shape-job/status')).json,
      V.gearsetJobStatus
    )
    const missing = await call('gearset', 'GET', '/public/automation/continuous-integration-jobs/shape-job/run-requests/rr-nope')
    expect(missing.status).toBe(404)
    expectVendorShape(missing.json.Error, V.gearsetError.Error)
  })
})

describe('the sandbox refuses what the vendor would (their error shapes)', () => {
  it.each([
    ['testsigma', '/api/v1/execution_results', {}, 'error'],
    ['testsigma', '/api/v1/execution_results', { executionId: 'plan-a' }, 'error'],
    ['testsigma', '/api/v1/execution_results', { executionId: 1, runtimeData: { n: 1 } }, 'error'],
    ['testery', '/api/test-run-requests-build', { project: 'shop' }, 'message'],
    ['testery', '/api/test-run-requests-build', { project: 'shop', environment: 'e', updateVcsStatus: 'yes' }, 'message'],
    ['testery', '/api/test-run-requests-build', { project: 'shop', environment: 'e', testSuiteId: '42' }, 'message'],
    ['testery', '/api/test-run-requests-build', { project: 'shop', environment: 'e', variables: [{ key: 'A', value: 1 }] }, 'message'],
    ['gearset', '/public/automation/continuous-integration-jobs/j/run-requests', { SourceGitCommitId: 123 }, 'Error']
  ] as const)('%s %s %j → 400', async (platform, path, body, field) => {
    const before = box.runs[platform] ?? 0
    const r = await call(platform, 'POST', path, body)
    expect(r.status).toBe(400)
    expect(r.json).toHaveProperty(field)
    expect(box.runs[platform] ?? 0).toBe(before)
  })
})

describe('the sandbox behaves as the vendors document', () => {
  it('Testsigma: a stop without canStopAll stops every running run of the account; canStopAll: false only the one (point 5)', async () => {
    box.script('testsigma', { queuedMs: 0, runMs: 60_000 }, { queuedMs: 0, runMs: 60_000 }, { queuedMs: 0, runMs: 60_000 })
    const [a, b, c] = await Promise.all([1, 2, 3].map(() => call('testsigma', 'POST', '/api/v1/execution_results', { executionId: 55 })))
    const result = async (r: typeof a) => (await call('testsigma', 'GET', `/api/v1/execution_results/${r.json.id}`)).json.result
    expect(
      (await call('testsigma', 'PUT', `/api/v1/execution_results/${a.json.id}`, { result: 'STOPPED', canStopAll: false })).status
    ).toBe(200)
    await sleep(50)
    expect([await result(a), await result(b), await result(c)]).toEqual(['STOPPED', 'QUEUED', 'QUEUED'])
    // The run's own address without canStopAll keeps the documented default: every run stops.
    expect((await call('testsigma', 'PUT', `/api/v1/execution_results/${b.json.id}`, { result: 'STOPPED' })).status).toBe(200)
    await sleep(50)
    expect([await result(b), await result(c)]).toEqual(['STOPPED', 'STOPPED'])
    box.script('testsigma', { queuedMs: 0, runMs: 60_000 })
    const d = await call('testsigma', 'POST', '/api/v1/execution_results', { executionId: 56 })
    expect((await call('testsigma', 'PUT', '/api/v1/execution_results', { result: 'STOPPED' })).status).toBe(200)
    await sleep(50)
    expect(await result(d)).toBe('STOPPED')
  })

  it('Testery: one run per environment; a queued run is cancelled when a newer one arrives (point 3)', async () => {
    const start = () =>
      call('testery', 'POST', '/api/test-run-requests-build', { project: 'shop', environment: 'one-at-a-time', updateVcsStatus: true })
    const status = async (r: { json: { id: number } }) => (await call('testery', 'GET', `/api/test-runs/${r.json.id}`)).json.status
    box.script('testery', { queuedMs: 50, runMs: 1500 }, { queuedMs: 50, runMs: 300 }, { queuedMs: 50, runMs: 300 })
    const first = await start()
    await sleep(150)
    expect(await status(first)).toBe('RUNNING')
    const second = await start()
    await sleep(150)
    expect(await status(second)).toBe('QUEUED') // waits behind the running one
    const third = await start()
    await sleep(50)
    expect(await status(second)).toBe('CANCELED') // superseded while queued
    expect(await status(third)).toBe('QUEUED')
    const seen = await pollUntil(
      () => status(third),
      (s) => s === 'PASS'
    )
    expect(seen).toContain('RUNNING')
    expect(await status(first)).toBe('PASS')
  })

  it('Gearset: one run per job; later requests wait Pending; cancel stops the current run only (point 8)', async () => {
    const job = '/public/automation/continuous-integration-jobs/one-job'
    box.script('gearset', { queuedMs: 0, runMs: 60_000 }, { queuedMs: 0, runMs: 300 })
    const first = (await call('gearset', 'POST', `${job}/run-requests`, {})).json.RunRequestId
    const second = (await call('gearset', 'POST', `${job}/run-requests`, {})).json.RunRequestId
    const state = async (id: string) => (await call('gearset', 'GET', `${job}/run-requests/${id}`)).json.State
    await sleep(50)
    expect([await state(first), await state(second)]).toEqual(['Started', 'Pending'])
    expect((await call('gearset', 'GET', `${job}/status`)).json.State).toBe('Running')
    expect((await call('gearset', 'POST', `${job}/cancel`, {})).status).toBe(200)
    await sleep(50)
    expect(await state(first)).toBe('Cancelled')
    expect(await state(second)).toBe('Started') // left alone by the cancel: it runs now that the job is free
    await sleep(1200) // the read limit's window, then the second run has run
    expect(await state(second)).toBe('Succeeded')
    expect((await call('gearset', 'GET', `${job}/status`)).json.State).toBe('Idle')
  })

  it('Gearset: answers under the limit carry X-Rate-Limit-*; over it, 429 with Retry-After in seconds (point 11)', async () => {
    const id = (await call('gearset', 'POST', '/public/automation/continuous-integration-jobs/limit-job/run-requests', {})).json
      .RunRequestId
    const answers = []
    for (let i = 0; i < 6; i++)
      answers.push(await call('gearset', 'GET', `/public/automation/continuous-integration-jobs/limit-job/run-requests/${id}`))
    expect(answers.slice(0, 5).map((a) => a.status)).toEqual([200, 200, 200, 200, 200])
    expect(answers.map((a) => a.headers.get('x-rate-limit-remaining')).slice(0, 5)).toEqual(['4', '3', '2', '1', '0'])
    expect(answers[0].headers.get('x-rate-limit-reset')).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)
    expect(answers[5].status).toBe(429)
    expect(answers[5].headers.get('retry-after')).toMatch(/^[1-5]$/)
    expect(answers[5].headers.get('x-rate-limit-remaining')).toBeNull()
    // The job status is another action, with its own limit.
    expect((await call('gearset', 'GET', '/public/automation/continuous-integration-jobs/limit-job/status')).status).toBe(200)
  })

  it('Gearset: an Error or Cancelled ending can be scripted (point 10)', async () => {
    box.script('gearset', { queuedMs: 0, runMs: 50, end: 'error' }, { queuedMs: 0, runMs: 50, end: 'cancelled' })
    const ids = [
      (await call('gearset', 'POST', '/public/automation/continuous-integration-jobs/end-a/run-requests', {})).json.RunRequestId,
      (await call('gearset', 'POST', '/public/automation/continuous-integration-jobs/end-b/run-requests', {})).json.RunRequestId
    ]
    await sleep(150)
    expect((await call('gearset', 'GET', `/public/automation/continuous-integration-jobs/end-a/run-requests/${ids[0]}`)).json.State).toBe(
      'Error'
    )
    expect((await call('gearset', 'GET', `/public/automation/continuous-integration-jobs/end-b/run-requests/${ids[1]}`)).json.State).toBe(
      'Cancelled'
    )
  })
})

describe('each vendor client’s own call sequence gets the answers it expects', () => {
  it('Testsigma’s shell script: POST (HTTP 200, numeric id), poll until STATUS_COMPLETED, then the JUnit report', async () => {
    box.script('testsigma', { queuedMs: 200, runMs: 400, total: 4 })
    // The script sends executionId and buildNo as bare numbers, runtimeData as an object of strings.
    const t = await call('testsigma', 'POST', '/api/v1/execution_results', {
      executionId: 2090,
      runtimeData: { url: 'https://the-internet.herokuapp.com/login', test: '1221' },
      buildNo: 202412011200
    })
    expect(t.status).toBe(200)
    expect(String(t.json.id)).toMatch(/^[0-9]/)
    const seen = await pollUntil(
      async () => (await call('testsigma', 'GET', `/api/v1/execution_results/${t.json.id}`)).json,
      (a) => a.status === 'STATUS_COMPLETED'
    )
    // The script knows only these three; anything else is "Unexpected Execution status".
    for (const a of seen) expect(['STATUS_CREATED', 'STATUS_IN_PROGRESS', 'STATUS_COMPLETED']).toContain(a.status)
    expect(seen[0].status).toBe('STATUS_CREATED')
    expect(seen[seen.length - 1].result).toBe('SUCCESS')
    const junit = await call('testsigma', 'GET', `/api/v1/reports/junit/${t.json.id}`, undefined, { Accept: 'application/xml' })
    expect(junit.status).toBe(200)
    expect(junit.text).toMatch(/<testsuites>/)
    expect(junit.headers.get('sunset')).toBeTruthy()
  })

  it('Testery’s CLI: verify-token, key look-ups, create-test-run (201) with updateVcsStatus, monitor until PASS/FAIL/CANCELED', async () => {
    box.script('testery', { queuedMs: 100, runMs: 400, total: 6, failed: 1, end: 'failed' })
    expect((await call('testery', 'GET', '/api/account')).status).toBe(200)
    const projects = (await call('testery', 'GET', '/api/projects')).json
    expect(projects.find((p: { key: string }) => p.key === 'shop')).toMatchObject({ id: expect.any(Number) })
    const envs = (await call('testery', 'GET', '/api/environments')).json
    expect(Array.isArray(envs)).toBe(true)
    const t = await call('testery', 'POST', '/api/test-run-requests-build', {
      project: 'shop',
      environment: 'cli-env',
      updateVcsStatus: true,
      ref: 'abcd4e87',
      buildId: '812',
      includeTags: ['smoke'],
      testFilters: ['Regex: login.*'],
      variables: [{ key: 'BASE_URL', value: 'https://x', encrypted: false }]
    })
    expect(t.status).toBe(201) // the CLI treats anything else as a failure
    expect(t.json.status).toBe('SUBMITTED')
    const seen = await pollUntil(
      async () => (await call('testery', 'GET', `/api/test-runs/${t.json.id}`)).json,
      (a) => ['PASS', 'FAIL', 'CANCELED'].includes(a.status)
    )
    const last = seen[seen.length - 1]
    expect(last).toMatchObject({ status: 'FAIL', totalCount: 6, passCount: 5, failCount: 1, ignoredCount: 0, gitRef: 'abcd4e87' })
  })

  it('the Gearset curl flow: job status, start, poll the run request until it ends (token scheme, api-version 1)', async () => {
    box.script('gearset', { queuedMs: 100, runMs: 300, end: 'Partial' })
    const job = '/public/automation/continuous-integration-jobs/curl-job'
    expect((await call('gearset', 'GET', `${job}/status`)).json).toEqual({ State: 'Idle' })
    const t = await call('gearset', 'POST', `${job}/run-requests`, { SourceGitCommitId: '3f786850e387550fdab836ed7e6dc881de23001b' })
    expect(t.status).toBe(200)
    const seen = await pollUntil(
      async () => (await call('gearset', 'GET', `${job}/run-requests/${t.json.RunRequestId}`)).json,
      (a) => ['Succeeded', 'Failed', 'Partial', 'Error', 'Cancelled'].includes(a.State),
      1100
    )
    expect(seen[seen.length - 1]).toMatchObject({ State: 'Partial', RunId: expect.any(String), EndDateTime: expect.any(String) })
    expect(
      box.requests
        .filter((q) => q.platform === 'gearset' && q.path.startsWith(job))
        .every((q) => q.headers.authorization === 'token gs-token')
    ).toBe(true)
    // The action's provider declares the same scheme and version header.
    expect(gearset.authorization('x')).toBe('token x')
    expect(gearset.headers).toEqual({ 'api-version': '1' })
  })
})
