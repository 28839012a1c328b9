// End to end through dist/index.js: the twelve points of docs/platforms.md ("What changed
// after checking against vendor-written material"), each against a sandbox that does what the
// vendor does. Each test fails if the action (or the sandbox) goes back to the old behaviour.
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  annotationsOf,
  errorsOf,
  expectNoLeak,
  sandboxPerTestContext,
  step,
  warningsOf,
  whenLogged,
  type StepResult
} from './helpers/step.js'

const TOKEN = 'tok-CANARY-vendor-5e1'
const SHA = '3f786850e387550fdab836ed7e6dc881de23001b'
const { box, each } = sandboxPerTestContext()
let fresh = 0

function run(provider: string, inputs: Record<string, string>, extra: Parameters<typeof step>[0] = {}): Promise<StepResult> {
  return step({ inputs: { provider, token: TOKEN, pollIntervalSeconds: '1', baseUrl: box.get().baseUrl(provider), ...inputs }, ...extra })
}
const lastBody = (platform: string, path: string | RegExp) =>
  box
    .get()
    .requests.filter(
      (q) => q.platform === platform && q.method !== 'GET' && (typeof path === 'string' ? q.path === path : path.test(q.path))
    )
    .pop()?.body
const testery = (inputs: Record<string, string> = {}) => run('testery', { projectId: 'shop', environment: `env-${++fresh}`, ...inputs })

/** The summary's text with the escapes of forSummary() undone, to read it as a person would. */
const plain = (html: string) => html.replace(/&#(\d+);/g, (_, n) => String.fromCharCode(Number(n)))

/** Starts a run on the sandbox directly, as another workflow or a person would. */
async function startElsewhere(platform: string, path: string, body: unknown) {
  const auth = platform === 'gearset' ? 'token someone-else' : 'Bearer someone-else'
  const res = await fetch(`${box.get().baseUrl(platform)}${path}`, {
    method: 'POST',
    headers: { Authorization: auth, 'Content-Type': 'application/json' },
    body: JSON.stringify(body)
  })
  return res.json()
}

describe('1, 2: Testery runs the test code the user chose, and only that', () => {
  it.concurrent(
    'no choice: no selector at all is sent (not even the commit as buildId); the log and the summary say so',
    each(async () => {
      const r = await testery()
      expect(r.code).toBe(0)
      const body = lastBody('testery', '/api/test-run-requests-build')
      expect(body).not.toHaveProperty('ref')
      expect(body).not.toHaveProperty('branch')
      expect(body).not.toHaveProperty('latestDeploy')
      expect(body).not.toHaveProperty('buildId')
      expect(body).toMatchObject({ updateVcsStatus: true })
      expect(r.stdout).toContain('Test code: not chosen by this step: Testery runs the project’s default test code')
      expect(r.summary).not.toContain(SHA)
      expect(r.summary).toMatch(/<th>Test code<\/th><td>not chosen by this step/)
    })
  )

  it.concurrent.each([
    [{ gitRef: SHA }, { ref: SHA }, `commit ${SHA} (gitRef)`],
    [{ gitBranch: 'release/2.4' }, { branch: 'release/2.4' }, 'the latest commit of branch release/2.4 (gitBranch)'],
    [{ latestDeploy: 'true' }, { latestDeploy: true }, 'the tests last deployed to env-'],
    [{ gitRef: SHA, updateVcsStatus: 'false' }, { ref: SHA, updateVcsStatus: false }, `commit ${SHA}`],
    [{ buildVersion: '812' }, { buildId: '812' }, 'the build artifacts uploaded as build 812 (buildVersion)']
  ])('%j sends %j and says so', (inputs, sent, said) =>
    each(async () => {
      const r = await testery({ wait: 'true', ...inputs })
      expect(r.code).toBe(0)
      const body = lastBody('testery', '/api/test-run-requests-build') as Record<string, unknown>
      expect(body).toMatchObject(sent)
      // Exactly one selector (docs/platforms.md point 13).
      for (const k of ['ref', 'branch', 'latestDeploy', 'buildId']) if (!(k in sent)) expect(body).not.toHaveProperty(k)
      expect(r.stdout).toContain(`Test code: ${said}`)
      // The summary says a full SHA short, linked to its commit.
      expect(plain(r.summary).replace(/<[^>]+>/g, '')).toContain(said.replace(/\b([0-9a-f]{7})[0-9a-f]{33}\b/g, '$1'))
    })()
  )

  it.concurrent(
    'two choices at once are an input error, and nothing is sent',
    each(async () => {
      const before = box.get().requests.length
      const r = await testery({ gitRef: SHA, latestDeploy: 'true' })
      expect(r.code).toBe(1)
      expect(errorsOf(r)[0]).toMatch(
        /^::error::Input `latestDeploy` cannot be combined with `gitRef`: each chooses which test code Testery runs/
      )
      expect(box.get().requests.length).toBe(before)
    })
  )
})

describe('run parameters, validated before anything is sent', () => {
  it.concurrent(
    'Testery: variables (secure ones encrypted and masked), tags and filters, as the CLI sends them',
    each(async () => {
      const r = await testery({
        variables: 'BASE_URL=https://staging.example.com\n# a comment\nsecure:API_KEY=s3cr3t-value-9',
        includeTags: 'smoke, checkout',
        excludeTags: 'wip',
        testFilters: 'login.*\ncart'
      })
      expect(r.code).toBe(0)
      expect(lastBody('testery', '/api/test-run-requests-build')).toMatchObject({
        variables: [
          { key: 'BASE_URL', value: 'https://staging.example.com', encrypted: false },
          { key: 'API_KEY', value: 's3cr3t-value-9', encrypted: true }
        ],
        includeTags: ['smoke', 'checkout'],
        excludedTags: ['wip'],
        testFilters: ['Regex: login.*', 'Regex: cart']
      })
      expect(r.stdout).toContain('::add-mask::s3cr3t-value-9')
    })
  )

  it.concurrent(
    'Testsigma: variables as runtime data; executionConfig by ID or by name',
    each(async () => {
      for (const [config, sent] of [
        ['7', { id: '7' }],
        ['nightly smoke', { name: 'nightly smoke' }]
      ] as const) {
        const r = await run('testsigma', {
          scenarioId: '2090',
          variables: 'url=https://staging.example.com\nuser=qa',
          executionConfig: config
        })
        expect(r.code).toBe(0)
        expect(lastBody('testsigma', '/api/v1/execution_results')).toMatchObject({
          executionId: '2090',
          runtimeData: { url: 'https://staging.example.com', user: 'qa' },
          executionConfig: sent
        })
      }
    })
  )

  it.concurrent(
    'a preview deploy’s URL from a deployment_status event reaches the run as the variable named (Testsigma runtime data, Testery variables)',
    each(async () => {
      const dir = mkdtempSync(join(tmpdir(), 'ttr-event-'))
      const event = join(dir, 'event.json')
      writeFileSync(
        event,
        JSON.stringify({
          deployment_status: { state: 'success', environment_url: 'https://pr-7.preview.example.com' },
          deployment: { sha: SHA }
        })
      )
      const env = { GITHUB_EVENT_NAME: 'deployment_status', GITHUB_EVENT_PATH: event }
      const ts = await run('testsigma', { scenarioId: '2090', previewUrlVariable: 'url' }, { env })
      expect(ts.code).toBe(0)
      expect(lastBody('testsigma', '/api/v1/execution_results')).toMatchObject({
        runtimeData: { url: 'https://pr-7.preview.example.com' }
      })
      const ty = await testery({ previewUrlVariable: 'BASE_URL' })
      expect(ty.code).toBe(1) // not the event this step ran on: no URL, and nothing sent
      const tyOnEvent = await run('testery', { projectId: 'shop', environment: `env-${++fresh}`, previewUrlVariable: 'BASE_URL' }, { env })
      expect(tyOnEvent.code).toBe(0)
      expect(lastBody('testery', '/api/test-run-requests-build')).toMatchObject({
        variables: [{ key: 'BASE_URL', value: 'https://pr-7.preview.example.com', encrypted: false }]
      })
      // A URL that is not https, from the event: an input error naming the input, nothing sent.
      writeFileSync(event, JSON.stringify({ deployment_status: { environment_url: 'http://pr-7.preview.example.com' } }))
      const before = box.get().requests.length
      const plainHttp = await run('testsigma', { scenarioId: '2090', previewUrlVariable: 'url' }, { env })
      expect(plainHttp.code).toBe(1)
      expect(plainHttp.stdout).toContain(
        "::error::Input `previewUrlVariable`: the deployment_status event's environment_url must be an https:// URL."
      )
      expect(box.get().requests.length).toBe(before)
    })
  )

  it.concurrent(
    'Gearset: gitRef is the run request’s SourceGitCommitId (point 11)',
    each(async () => {
      const r = await run('gearset', { scenarioId: `job-${++fresh}`, gitRef: SHA })
      expect(r.code).toBe(0)
      expect(lastBody('gearset', /\/run-requests$/)).toEqual({ SourceGitCommitId: SHA })
      // Once, short, linked to the commit: the Build row (the same SHA, the default build) is left out.
      expect(plain(r.summary)).toContain(
        `<th>Source commit</th><td><a href="https://github.com/acme/shop/commit/${SHA}"><code>${SHA.slice(0, 7)}</code></a> (gitRef)</td>`
      )
      expect(r.summary).not.toContain('<th>Build</th>')
    })
  )

  it.concurrent(
    'bad values: one line per problem naming the input, no request',
    each(async () => {
      const before = box.get().requests.length
      const r = await run('testery', {
        projectId: 'shop',
        environment: 'x',
        variables: 'GOOD=1\nnot a pair',
        gitRef: 'main',
        gitBranch: 'has space'
      })
      expect(r.code).toBe(1)
      expect(errorsOf(r).slice(0, 3)).toEqual([
        expect.stringMatching(/^::error::Input `gitRef` must be a commit SHA/),
        expect.stringMatching(/^::error::Input `gitBranch` must be a git branch name/),
        expect.stringMatching(/^::error::Input `variables` line 2 must be KEY=value/)
      ])
      expect(box.get().requests.length).toBe(before)
    })
  )
})

describe('3: Testery runs one run per environment', () => {
  it.concurrent(
    'a queued run that a newer run supersedes ends cancelled, at once, not at the timeout',
    each(async () => {
      const env = `busy-${++fresh}`
      let newer: Promise<unknown> | undefined
      box.get().script('testery', { queuedMs: 60_000, runMs: 1000 }, { queuedMs: 100, runMs: 500 })
      const started = Date.now()
      const ours = await run(
        'testery',
        { projectId: 'shop', environment: env, wait: 'true', timeoutMinutes: '1' },
        {
          onStart: whenLogged('queued (', () => {
            newer = startElsewhere('testery', '/api/test-run-requests-build', { project: 'shop', environment: env, updateVcsStatus: true })
          })
        }
      )
      await newer
      expect(ours.outputs.status).toBe('cancelled')
      expect(ours.outputs.providerStatus).toBe('CANCELED')
      expect(Date.now() - started).toBeLessThan(20_000)
      // Testery's reason is quoted (docs/platforms.md point 19).
      expect(errorsOf(ours)[0]).toMatch(/^::error::The run was cancelled on Testery \(CANCELED\): Canceled - Due to newer test run\./)
    })
  )
})

describe('4, 7: counts that are failures are never a pass', () => {
  it.concurrent(
    'Testery PASS with a timed-out test fails the step',
    each(async () => {
      box.get().script('testery', { queuedMs: 100, runMs: 600, total: 5, failed: 1, failedAs: 'timeoutCount', end: 'passed' })
      const r = await testery({ wait: 'true' })
      expect(r.outputs).toMatchObject({ status: 'failed', providerStatus: 'PASS', failedCount: '1' })
      expect(r.code).toBe(1)
    })
  )

  it.concurrent(
    'Testery notRunCount counts as skipped, not as a failure',
    each(async () => {
      box.get().script('testery', { queuedMs: 100, runMs: 600, total: 5, skipped: 2, skippedAs: 'notRunCount', end: 'passed' })
      const r = await testery({ wait: 'true' })
      expect(r.outputs).toMatchObject({ status: 'passed', skippedCount: '2', failedCount: '0' })
    })
  )

  it.concurrent(
    'Testsigma SUCCESS with a failed prerequisite fails the step',
    each(async () => {
      box.get().script('testsigma', { queuedMs: 100, runMs: 600, total: 5, failed: 1, failedAs: 'preRequisiteFailedCount', end: 'passed' })
      const r = await run('testsigma', { scenarioId: '2090', wait: 'true' })
      expect(r.outputs).toMatchObject({ status: 'failed', providerStatus: 'STATUS_COMPLETED/SUCCESS', failedCount: '1' })
      expect(r.code).toBe(1)
    })
  )
})

describe('5: a Testsigma stop never stops another run', () => {
  it.concurrent(
    'sends canStopAll: false, says the call is not confirmed, and leaves the other run running',
    each(async () => {
      box.get().script('testsigma', { queuedMs: 0, runMs: 60_000 }, { queuedMs: 100, runMs: 60_000 })
      const other = (await startElsewhere('testsigma', '/api/v1/execution_results', { executionId: 3000 })) as { id: number }
      const r = await run(
        'testsigma',
        { scenarioId: '2090', wait: 'true', cancelOnAbort: 'true' },
        { onStart: whenLogged('running (', (child) => child.kill('SIGTERM')) }
      )
      expect(r.outputs.status).toBe('cancelled')
      expect(lastBody('testsigma', /^\/api\/v1\/execution_results\/\d+$/)).toEqual({ result: 'STOPPED', canStopAll: false })
      expect(r.stdout).toContain(
        'Testsigma documents no call that stops one run: this action asks it to stop only this run (canStopAll: false), which may not take effect'
      )
      const res = await fetch(`${box.get().baseUrl('testsigma')}/api/v1/execution_results/${other.id}`, {
        headers: { Authorization: 'Bearer x' }
      })
      expect((await res.json()).status).toBe('STATUS_IN_PROGRESS')
    })
  )
})

describe('8, 9: Gearset cancels only when our run request is the one running', () => {
  it.concurrent(
    'a busy job is said in the log and the summary; a Pending run request is not cancelled, and the other run goes on',
    each(async () => {
      const job = `shared-job-${++fresh}`
      const path = `/public/automation/continuous-integration-jobs/${job}`
      box.get().script('gearset', { queuedMs: 0, runMs: 60_000 }, { queuedMs: 0, runMs: 1000 })
      const other = (await startElsewhere('gearset', `${path}/run-requests`, {})) as { RunRequestId: string }
      const cancels = () => box.get().requests.filter((q) => q.platform === 'gearset' && q.path === `${path}/cancel`).length
      const r = await run(
        'gearset',
        { scenarioId: job, wait: 'true', cancelOnAbort: 'true' },
        { onStart: whenLogged('queued (Pending)', (child) => setTimeout(() => child.kill('SIGTERM'), 300)) }
      )
      expect(warningsOf(r)[0]).toMatch(
        new RegExp(`^::warning::The Gearset CI job ${job} is already running another run: this run request waits \\(Pending\\)`)
      )
      expect(r.summary).toContain(`⚠️ The Gearset CI job ${job} is already running another run`)
      expect(cancels()).toBe(0)
      expect(
        warningsOf(r).some((w) =>
          /Did not cancel run rr-\d+ on Gearset: Gearset’s cancel call stops the CI job’s current run.*last seen Pending, not Started/.test(
            w.replace(/'/g, '’')
          )
        )
      ).toBe(true)
      const res = await fetch(`${box.get().baseUrl('gearset')}${path}/run-requests/${other.RunRequestId}`, {
        headers: { Authorization: 'token x' }
      })
      expect((await res.json()).State).toBe('Started')
      expect(r.outputs.status).toBe('cancelled')
    })
  )

  it.concurrent(
    'the post step reads the run request first and does not cancel a Pending one either',
    each(async () => {
      const job = `post-job-${++fresh}`
      const path = `/public/automation/continuous-integration-jobs/${job}`
      box.get().script('gearset', { queuedMs: 0, runMs: 60_000 }, { queuedMs: 0, runMs: 1000 })
      await startElsewhere('gearset', `${path}/run-requests`, {})
      const ours = await run('gearset', { scenarioId: job })
      const r = await run('gearset', { scenarioId: job, cancelOnAbort: 'true' }, { state: { isPost: 'true', runId: ours.outputs.runId } })
      expect(r.code).toBe(0)
      expect(box.get().requests.filter((q) => q.path === `${path}/cancel`)).toHaveLength(0)
      expect(warningsOf(r)[0]).toMatch(/Did not cancel run rr-\d+ on Gearset/)
    })
  )

  it.concurrent(
    'when our run request is Started, the cancel is sent',
    each(async () => {
      const job = `own-job-${++fresh}`
      box.get().script('gearset', { queuedMs: 100, runMs: 60_000 })
      const r = await run(
        'gearset',
        { scenarioId: job, wait: 'true', cancelOnAbort: 'true' },
        { onStart: whenLogged('running (Started)', (child) => child.kill('SIGTERM')) }
      )
      expect(box.get().requests.filter((q) => q.path === `/public/automation/continuous-integration-jobs/${job}/cancel`)).toHaveLength(1)
      expect(r.state.cancelSent).toBe('true')
    })
  )

  it.concurrent(
    'a job that does not exist ends the step before anything is started',
    each(async () => {
      const before = box.get().runs.gearset ?? 0
      const r = await run('gearset', { scenarioId: '0000404' })
      expect(r.code).toBe(1)
      expect(errorsOf(r)[0]).toMatch(
        /Gearset: could not read the CI job status .*HTTP 404 Not Found\. Gearset said: "CI job not found"\. What to do: .*Copy job ID/
      )
      expect(box.get().runs.gearset ?? 0).toBe(before)
    })
  )
})

describe('12: Evaficy’s 201 with null fields', () => {
  it.concurrent(
    'still succeeds with the runId',
    each(async () => {
      box.get().fault('evaficy', {
        on: 'trigger',
        do: 'json',
        status: 201,
        body: { success: true, runId: '65f1c0ffee0000000000beef', runName: null, testCaseCount: null, message: null }
      })
      const r = await run('evaficy', { projectId: '65f1c0ffee0000000000abcd', scenarioId: '65f1c0ffee0000000000dcba' })
      expect(r.code).toBe(0)
      expect(r.outputs).toMatchObject({ runId: '65f1c0ffee0000000000beef', status: 'triggered', runName: '', totalCount: '' })
      expect(annotationsOf(r, 'error')).toEqual([])
      expectNoLeak(r, TOKEN)
    })
  )
})
