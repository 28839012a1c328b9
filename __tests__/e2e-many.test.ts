// One step, several runs (README, One gate over several runs), end to end through the bundle against
// the sandbox: for each platform that can be followed, three runs that all pass, one that fails, a
// start answered with an ambiguous 502 while the others were created, a signal mid-wait, and a 429
// on the reads. Evaficy starts several scenarios, with no wait.
import type { ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { annotationsOf, errorsOf, expectNoLeak, sandboxPerTest, step, warningsOf, type Sandbox, type StepResult } from './helpers/step.js'
import { fakeGitHub } from './helpers/fake-github.js'
import { PLATFORMS } from './helpers/platforms.js'

const TOKEN = 'tok-CANARY-many-7c2'
const inSandbox = sandboxPerTest(TOKEN, 'many')

type Many = 'testsigma' | 'testery' | 'gearset'

/** What varies between a platform's three runs, and how the sandbox records it on the run it created. */
const MANY: Record<
  Many,
  { inputs: Record<string, string>; labels: string[]; idOf: (id: string) => string; of: (run: Record<string, unknown>) => string }
> = {
  // Three test plans: each plan's stop call reaches that plan's runs only (docs/platforms.md §1).
  testsigma: {
    inputs: { scenarioId: '2090, 2091, 2092', environment: '10' },
    labels: ['2090 · 10', '2091 · 10', '2092 · 10'],
    idOf: (id) => id,
    of: (r) => `${r.planId} · ${r.environmentId}`
  },
  // Three environments of one project: Testery runs one run per environment at a time.
  testery: {
    inputs: { environment: 'many-a, many-b, many-c' },
    labels: ['many-a', 'many-b', 'many-c'],
    idOf: (id) => id,
    of: (r) => String(r.environment)
  },
  // Three CI jobs: a job runs one run at a time.
  gearset: {
    inputs: { scenarioId: 'job-a, job-b, job-c' },
    labels: ['job-a', 'job-b', 'job-c'],
    idOf: (id) => id.replace(/^rr-/, ''),
    of: (r) => String(r.job)
  }
}

interface RunOutput {
  runId?: string
  status: string
  run: string
  problem?: string
}
const runsOf = (r: StepResult) => (JSON.parse(r.outputs.result) as { runs: RunOutput[] }).runs

/** The sandbox's own record of the run a step says it followed: what it was started with. */
function startedWith(box: Sandbox, platform: Many, runId: string): string {
  const run = box.platforms[platform].book.get(MANY[platform].idOf(runId)) as Record<string, unknown> | undefined
  return run ? MANY[platform].of(run) : `no run ${runId}`
}

const PER_TEST_RESULTS: Many[] = ['testsigma', 'testery']

/** Sends the step `signal` once `n` of its runs have logged that they are running (each once). */
const whenRunning =
  (n: number, signal: NodeJS.Signals = 'SIGINT') =>
  (child: ChildProcess): void => {
    let log = ''
    child.stdout?.on('data', (c) => {
      log += c
      if (!child.killed && (log.match(/\] running \(/g) ?? []).length >= n) child.kill(signal)
    })
  }

describe.each(Object.keys(MANY) as Many[])('%s: one step, three runs', (platform) => {
  const many = MANY[platform]

  it.concurrent('all pass: one verdict, a row per run, every run in `result`, the counts summed, a state per run', () =>
    inSandbox(async (box, run) => {
      const r = await run(platform, many.inputs)
      expect(r.code).toBe(0)
      expect(r.outputs.status).toBe('passed')
      const runs = runsOf(r)
      expect(runs.map((x) => [x.run, x.status])).toEqual(many.labels.map((l) => [l, 'passed']))
      // Each run is the one started for its plan, job or environment.
      for (const x of runs) expect(startedWith(box, platform, x.runId!)).toBe(x.run)
      expect(new Set(runs.map((x) => x.runId)).size).toBe(3)
      expect(r.outputs.runId).toBe(runs[0].runId)
      if (platform !== 'gearset') expect(r.outputs.totalCount).toBe('30')
      expect(r.state).toMatchObject({ runId: runs[0].runId, runId_2: runs[1].runId, runId_3: runs[2].runId, done: 'true' })
      expect(r.summary).toContain('All 3 runs passed on')
      for (const l of many.labels) expect(r.summary).toContain(`<td>${l}</td>`)
      expect(r.stdout).toMatch(/::notice::All 3 \w+ runs passed/)
      expect(box.runs[platform]).toBe(3)
      // Each start carried a key of its own: no platform can take one run's start for another's.
      const starts = box.requests.filter((q) => q.method === 'POST' && !/cancel/.test(q.path))
      const keys = starts.map((q) => String(q.headers['idempotency-key']))
      expect(new Set(keys).size).toBe(3)
      // The step's own key (saved for its post step) with each run's place: unique to this step.
      expect(keys.sort()).toEqual([1, 2, 3].map((n) => `${r.state.idempotencyKey}-${n}`))
      expect(r.state.idempotencyKey).toMatch(/^[0-9a-f-]{36}$/)
      expectNoLeak(r, TOKEN)
    })
  )

  it.concurrent('one fails: the step fails naming that run; the summary, JUnit and annotations name it too', () =>
    inSandbox(async (box, run) => {
      box.script(platform, {}, { end: 'failed', failed: 2 }, {})
      const junit = join(mkdtempSync(join(tmpdir(), 'ttr-many-')), 'results.xml')
      const r = await run(platform, { ...many.inputs, junitPath: junit })
      expect(r.code).toBe(1)
      expect(r.outputs.status).toBe('failed')
      const runs = runsOf(r)
      const failed = runs.filter((x) => x.status === 'failed')
      expect(failed).toHaveLength(1)
      const [verdict] = errorsOf(r)
      expect(verdict).toContain(`1 of 3`)
      expect(verdict).toContain(`${failed[0].run}:`)
      expect(verdict).toContain(`(id ${failed[0].runId})`)
      expect(r.summary).toContain('1 of 3 runs did not pass')
      if (PER_TEST_RESULTS.includes(platform)) {
        expect(r.summary).toContain(`Failed tests: ${failed[0].run} (2)`)
        const xml = readFileSync(junit, 'utf8')
        expect(xml.match(/<testsuite /g)).toHaveLength(3)
        expect(xml).toContain(`name="${failed[0].run} (run ${failed[0].runId})"`)
        // Each failed test's annotation is titled with the run it failed in.
        const titled = annotationsOf(r, 'error').filter((l) => l.startsWith('::error title='))
        expect(titled).toHaveLength(2)
        for (const l of titled) expect(l).toContain(`${failed[0].run}%3A `)
        const listed = JSON.parse(r.outputs.failedTests) as { count: number; tests: { runId: string }[] }
        expect(listed.count).toBe(2)
        expect(listed.tests.every((t) => t.runId === failed[0].runId)).toBe(true)
      }
    })
  )

  it.concurrent('an ambiguous 502 on one start while the others were created: no run is taken for another', () =>
    inSandbox(async (box, run) => {
      // The second start is created on the platform, and its gateway answers 502.
      box.fault(platform, { on: 'trigger', do: 'pass' }, { on: 'trigger', do: 'status', status: 502, handled: true, html: true })
      const r = await run(platform, many.inputs)
      expect(box.runs[platform]).toBe(3)
      const runs = runsOf(r)
      // Every run the step followed is the one started for its own plan, job or environment.
      for (const x of runs.filter((y) => y.runId)) expect(startedWith(box, platform, x.runId!)).toBe(x.run)
      if (platform === 'gearset') {
        // Gearset cannot list a job's runs: that run is not adopted, and the step says where to look.
        expect(r.code).toBe(1)
        const lost = runs.filter((x) => !x.runId)
        expect(lost).toHaveLength(1)
        expect(lost[0].problem).toMatch(/may have started|View history/)
        expect(runs.filter((x) => x.status === 'passed')).toHaveLength(2)
      } else {
        // The run it started is found by what it was started with, and followed.
        expect(r.code).toBe(0)
        expect(runs.map((x) => x.status)).toEqual(['passed', 'passed', 'passed'])
        expect(warningsOf(r).some((l) => /Found run \S+ \(/.test(l))).toBe(true)
      }
      // Each start was sent once: the one that got the 502 was looked for, never sent again.
      expect(
        box.requests.filter((q) => q.method === 'POST' && /run|execution_results/.test(q.path) && !/cancel/.test(q.path))
      ).toHaveLength(3)
    })
  )

  it.concurrent('a signal mid-wait: every run is cancelled where that is safe, and the step says how many', () =>
    inSandbox(async (box, run) => {
      box.script(platform, { runMs: 60_000 }, { runMs: 60_000 }, { runMs: 60_000 })
      const r = await run(
        platform,
        { ...many.inputs, cancelOnAbort: 'true' },
        {
          // Once every run is running (Gearset: Started, the only state its cancel is safe in).
          onStart: whenRunning(3)
        }
      )
      expect(r.code).toBe(1)
      expect(errorsOf(r)[0]).toMatch(/The workflow was cancelled while waiting for 3 \w+ runs: cancelled 3 of them on the platform\./)
      expect(runsOf(r).map((x) => x.status)).toEqual(['cancelled', 'cancelled', 'cancelled'])
      expect(r.state).toMatchObject({ cancelSent: 'true', cancelSent_2: 'true', cancelSent_3: 'true' })
      const cancels = box.requests.filter((q) => ['PUT', 'PATCH'].includes(q.method) || /\/cancel$/.test(q.path))
      expect(cancels).toHaveLength(3)
    })
  )

  it.concurrent("a 429 on one run's read holds the other runs' reads too, for as long as the platform asked", () =>
    inSandbox(async (box, run) => {
      // Runs long enough to be read every second through the whole pause, were they not held.
      box.script(platform, { runMs: 14_000 }, { runMs: 14_000 }, { runMs: 14_000 })
      // Each run's first read passes; the next read gets 429 with Retry-After: 9.
      box.fault(platform, { on: 'poll', do: 'pass', times: 3 }, { on: 'poll', do: 'status', status: 429, retryAfter: 9 })
      const r = await run(platform, many.inputs)
      expect(r.code).toBe(0)
      const reads = box.requests.filter((q) => q.method === 'GET' && /run-requests\/|execution_results\/|test-runs\//.test(q.path))
      const refused = reads.findIndex((q) => q.status === 429)
      expect(refused).toBeGreaterThan(0)
      // A read already on its way when the 429 came back cannot be held: at most one per run. Every
      // read sent after it is held for the 9 s, so none comes in the 8 s after it (unheld, each run
      // would be read about 8 times there, once a second). Counted, not timed: load cannot blur it.
      const answered = reads[refused].answeredAt!
      const within = reads.filter((q) => q.at > answered && q.at < answered + 8000)
      const perRun = new Map<string, number>()
      for (const q of within) perRun.set(q.path, (perRun.get(q.path) ?? 0) + 1)
      expect([...perRun.values()].every((n) => n <= 1)).toBe(true)
      expect(reads.some((q) => q.at >= answered + 8000)).toBe(true)
    })
  )
})

describe('testsigma: one plan on three environments', () => {
  it.concurrent('a signal stops all three: the plan’s only unfinished runs are this step’s own, so its oldest-run stop harms nobody', () =>
    inSandbox(async (box, run) => {
      box.script('testsigma', { runMs: 60_000 }, { runMs: 60_000 }, { runMs: 60_000 })
      const r = await run(
        'testsigma',
        { scenarioId: '2090', environment: '10, 11, 12', cancelOnAbort: 'true' },
        {
          onStart: whenRunning(3)
        }
      )
      expect(errorsOf(r)[0]).toMatch(/cancelled 3 of them on the platform\./)
      const book = box.platforms.testsigma.book as { runs: Map<string, { cancelledAt?: number }> }
      expect([...book.runs.values()].every((x) => x.cancelledAt !== undefined)).toBe(true)
    })
  )

  it.concurrent('another workflow’s unfinished run of the plan still stops the stop', () =>
    inSandbox(async (box, run) => {
      box.script('testsigma', { runMs: 60_000 }, { runMs: 60_000 }, { runMs: 60_000 })
      // Somebody else's run of plan 2090, started first: the oldest, the one a stop would end.
      await fetch(`${box.baseUrl('testsigma')}/api/v1/execution_results`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ executionId: 2090, environmentId: 99 })
      })
      const r = await run(
        'testsigma',
        { scenarioId: '2090', environment: '10, 11', cancelOnAbort: 'true' },
        {
          onStart: whenRunning(2)
        }
      )
      expect(warningsOf(r).filter((l) => /oldest unfinished run/.test(l))).toHaveLength(2)
      expect(box.requests.filter((q) => q.method === 'PUT')).toEqual([])
    })
  )
})

describe('a step of several runs killed while it waits', () => {
  it.concurrent('its outputs already name every run it started, for a later step (and its post step)', () =>
    inSandbox(async (box, run) => {
      box.script('testery', { runMs: 60_000 }, { runMs: 60_000 })
      const r = await run(
        'testery',
        { environment: 'kill-a, kill-b' },
        {
          onStart: whenRunning(2, 'SIGKILL')
        }
      )
      expect(r.signal).toBe('SIGKILL')
      expect(runsOf(r).map((x) => [x.run, x.status])).toEqual([
        ['kill-a', 'queued'],
        ['kill-b', 'queued']
      ])
      expect(r.outputs.runId).toBe(r.state.runId)
      expect(runsOf(r)[1].runId).toBe(r.state.runId_2)
    })
  )
})

describe('evaficy: one step, several scenarios', () => {
  it.concurrent('starts one run per scenario, with no wait, and names each', () =>
    inSandbox(async (box) => {
      const evaficy = PLATFORMS.find((p) => p.name === 'evaficy')!
      const scenarios = ['65f1c0ffee0000000000dcb1', '65f1c0ffee0000000000dcb2', '65f1c0ffee0000000000dcb3']
      const r = await step({
        inputs: {
          provider: 'evaficy',
          token: TOKEN,
          baseUrl: box.baseUrl('evaficy'),
          ...evaficy.stepInputs,
          scenarioId: scenarios.join('\n')
        }
      })
      expect(r.code).toBe(0)
      expect(r.outputs.status).toBe('triggered')
      const runs = runsOf(r)
      expect(runs.map((x) => [x.run, x.status])).toEqual(scenarios.map((s) => [s, 'triggered']))
      const bodies = box.requests.filter((q) => q.method === 'POST').map((q) => (q.body as { scenarioId: string }).scenarioId)
      expect(bodies.sort()).toEqual(scenarios)
      expect(r.summary).toContain('3 test runs created on Evaficy')
      expect(r.stdout).toMatch(/::notice::Started 3 Evaficy Smart Test runs/)
    })
  )
})

describe('one step, several runs: bad input', () => {
  it.concurrent('a repeated plan and too many runs: one line each, and nothing is sent', () =>
    inSandbox(async (box, run) => {
      const plans = Array.from({ length: 11 }, (_, i) => String(3000 + i))
      const r = await run('testsigma', { scenarioId: [...plans, '3000'].join(', '), environment: '10, 11' })
      expect(r.code).toBe(1)
      expect(errorsOf(r)).toEqual([
        '::error::Input `scenarioId` lists "3000" twice; give each once.',
        '::error::Input `scenarioId` with `environment` names 22 runs (11 × 2); one step starts at most 20: split them over two steps, or a matrix.',
        "::error::The step's inputs have 2 problems (listed above); no request was sent."
      ])
      expect(box.requests).toEqual([])
    })
  )
})

describe('one step, several runs: on GitHub', () => {
  it.concurrent('a commit status per run under its own context, and one pull-request comment for the step', async () => {
    const gh = await fakeGitHub()
    try {
      await inSandbox(async (box, run) => {
        const file = join(mkdtempSync(join(tmpdir(), 'ttr-event-')), 'event.json')
        writeFileSync(file, JSON.stringify({ pull_request: { number: 7, head: { sha: 'a'.repeat(40) } } }))
        const env = { GITHUB_API_URL: gh.url, GITHUB_EVENT_NAME: 'pull_request', GITHUB_EVENT_PATH: file }
        const inputs = { scenarioId: '2090, 2091', environment: '10', commitStatus: 'true', prComment: 'true', githubToken: 'ghs_many' }
        await run('testsigma', inputs, { env })
        expect(
          gh.statuses
            .filter((s) => s.state === 'success')
            .map((s) => s.context)
            .sort()
        ).toEqual(['Testsigma 2090 (10)', 'Testsigma 2091 (10)'])
        expect(gh.comments).toHaveLength(1)
        expect(gh.comments[0].body).toContain('Testsigma 2090, 2091 &#40;10&#41;: 2 of 2 runs passed')
        // The next workflow run updates the same comment: here, one run failed.
        box.script('testsigma', {}, { end: 'failed', failed: 2 })
        const failed = await run('testsigma', inputs, { env })
        expect(failed.code).toBe(1)
        expect(gh.comments).toHaveLength(1)
        const body = gh.comments[0].body
        expect(body).toContain('### ❌ Testsigma 2090, 2091 &#40;10&#41;: 1 of 2 runs passed')
        expect(body).toContain('Failed tests: 2091 · 10 (2)')
        expect(gh.statuses.filter((s) => s.state === 'failure').map((s) => s.context)).toEqual(['Testsigma 2091 (10)'])
      })
    } finally {
      await gh.close()
    }
  })
})
