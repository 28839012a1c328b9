// Results on the commit and the pull request (commitStatus, prComment), end to end through the
// bundle against the sandbox and a local fake of GitHub's REST API.
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expectNoLeak, sandboxPerTest, warningsOf, type StepResult } from './helpers/step.js'
import { fakeGitHub, type FakeGitHub } from './helpers/fake-github.js'

const TOKEN = 'tok-CANARY-github-5d1'
const GH_TOKEN = 'ghs_CANARYgithubToken0123456789'
const HEAD = 'a'.repeat(40)
const inSandbox = sandboxPerTest(TOKEN, 'gh')

/** The event file and variables of a workflow run started by `name`. */
function event(name: string, payload: object): Record<string, string> {
  const file = join(mkdtempSync(join(tmpdir(), 'ttr-event-')), 'event.json')
  writeFileSync(file, JSON.stringify(payload))
  return { GITHUB_EVENT_NAME: name, GITHUB_EVENT_PATH: file }
}
const pullRequest = (number: number) => event('pull_request', { pull_request: { number, head: { sha: HEAD } } })

async function withGitHub(test: (gh: FakeGitHub) => Promise<void>): Promise<void> {
  const gh = await fakeGitHub()
  try {
    await test(gh)
  } finally {
    await gh.close()
  }
}

const expectClean = (r: StepResult) => {
  expectNoLeak(r, TOKEN)
  expectNoLeak(r, GH_TOKEN)
}

describe('commitStatus and prComment', () => {
  it.concurrent('off by default: nothing is sent to GitHub', () =>
    withGitHub((gh) =>
      inSandbox(async (_box, run) => {
        const r = await run('testsigma', {}, { env: { GITHUB_API_URL: gh.url, GITHUB_TOKEN: GH_TOKEN, ...pullRequest(7) } })
        expect(r.outputs.status).toBe('passed')
        expect(gh.hits).toEqual([])
      })
    )
  )

  it.concurrent('the commit status goes pending → the verdict, on the pull request’s head commit, with counts and the run link', () =>
    withGitHub((gh) =>
      inSandbox(async (box, run) => {
        box.script('testsigma', { end: 'failed', failed: 2 })
        const r = await run(
          'testsigma',
          { commitStatus: 'true', githubToken: GH_TOKEN },
          { env: { GITHUB_API_URL: gh.url, ...pullRequest(7) } }
        )
        expect(r.outputs.status).toBe('failed')
        expect(gh.statuses.map((s) => [s.sha, s.state, s.context])).toEqual([
          [HEAD, 'pending', 'Testsigma 2090 (10)'],
          [HEAD, 'failure', 'Testsigma 2090 (10)']
        ])
        expect(gh.statuses[1].description).toMatch(/^failed · \d+ tests, \d+ passed, 2 failed/)
        expect(gh.statuses[1].target_url).toBe(r.outputs.runUrl)
        expect(gh.auth.every((a) => a.endsWith(GH_TOKEN))).toBe(true)
        expect(gh.comments).toEqual([]) // only what was asked for
        expectClean(r)
      })
    )
  )

  it.concurrent('a second run of the step updates the same comment; it never adds one', () =>
    withGitHub((gh) =>
      inSandbox(async (box, run) => {
        const inputs = { prComment: 'true', githubToken: GH_TOKEN }
        const env = { GITHUB_API_URL: gh.url, ...pullRequest(7) }
        box.script('testsigma', { end: 'failed', failed: 1 })
        const first = await run('testsigma', inputs, { env })
        expect(gh.comments).toHaveLength(1)
        expect(gh.comments[0]).toMatchObject({ issue: 7, body: expect.stringContaining('Testsigma 2090 &#40;10&#41;: failed') })
        expect(gh.comments[0].body).toContain('Failed tests (1)')
        expect(first.stdout).toContain('Commented on pull request #7.')
        const second = await run('testsigma', inputs, { env })
        expect(second.outputs.status).toBe('passed')
        expect(gh.comments).toHaveLength(1)
        expect(gh.comments[0].body).toContain('Testsigma 2090 &#40;10&#41;: passed')
        expect(gh.comments[0].body).not.toContain('Failed tests')
        expect(second.stdout).toContain('Updated the comment on pull request #7.')
        expectClean(second)
      })
    )
  )

  it.concurrent('another plan gets a comment of its own', () =>
    withGitHub((gh) =>
      inSandbox(async (_box, run) => {
        const inputs = { prComment: 'true', githubToken: GH_TOKEN }
        const env = { GITHUB_API_URL: gh.url, ...pullRequest(7) }
        await run('testsigma', inputs, { env })
        await run('testsigma', { ...inputs, scenarioId: '2091' }, { env })
        expect(gh.comments.map((c) => c.body.split('\n')[1])).toEqual([
          expect.stringContaining('Testsigma 2090 &#40;10&#41;'),
          expect.stringContaining('Testsigma 2091 &#40;10&#41;')
        ])
      })
    )
  )

  it.concurrent('a 403 is a warning naming the permission; the verdict is unchanged and no token is printed', () =>
    withGitHub((gh) =>
      inSandbox(async (_box, run) => {
        gh.forbid.add('statuses').add('comments')
        const r = await run(
          'testsigma',
          { commitStatus: 'true', prComment: 'true', githubToken: GH_TOKEN },
          { env: { GITHUB_API_URL: gh.url, ...pullRequest(7) } }
        )
        expect(r.code).toBe(0)
        expect(r.outputs.status).toBe('passed')
        const warnings = warningsOf(r).join('\n')
        expect(warnings).toMatch(
          /Could not set the commit status on aaaaaaa: GitHub answered 403 \(Resource not accessible by integration\)\. .*`permissions: statuses: write`/
        )
        expect(warnings).toMatch(
          /Could not write the comment on pull request #7: GitHub answered 403 .*`permissions: pull-requests: write`/
        )
        expect(warnings).toMatch(/fork/)
        expectClean(r)
      })
    )
  )

  it.concurrent('a deployment_status run: the deployed commit’s status, and the comment on its open pull request', () =>
    withGitHub((gh) =>
      inSandbox(async (_box, run) => {
        const deployed = 'd'.repeat(40)
        gh.pullsOfCommit.push({ number: 3, state: 'closed' }, { number: 12, state: 'open' })
        const r = await run(
          'testery',
          { commitStatus: 'true', prComment: 'true', githubToken: GH_TOKEN },
          { env: { GITHUB_API_URL: gh.url, ...event('deployment_status', { deployment: { sha: deployed } }) } }
        )
        expect(r.outputs.status).toBe('passed')
        expect(gh.statuses.map((s) => s.sha)).toEqual([deployed, deployed])
        expect(gh.comments.map((c) => c.issue)).toEqual([12])
      })
    )
  )

  it.concurrent('a GitHub API that is down: a warning, the step’s verdict unchanged', () =>
    inSandbox(async (_box, run) => {
      const gone = await fakeGitHub()
      await gone.close() // nothing listens there any more
      const r = await run(
        'testsigma',
        { commitStatus: 'true', githubToken: GH_TOKEN },
        { env: { GITHUB_API_URL: gone.url, ...pullRequest(7) } }
      )
      expect(r.code).toBe(0)
      expect(r.outputs.status).toBe('passed')
      expect(warningsOf(r).join('\n')).toContain(
        `Could not set the commit status on aaaaaaa: the request to GitHub's API at ${gone.url} failed`
      )
      expectClean(r)
    })
  )

  it.concurrent('the debug log names each poll decision, each status word and each request’s timing, never a token', () =>
    inSandbox(async (box, run) => {
      // Gearset reports no counts: the schedule reads it at a steady 15 s (docs/how-it-works.md, How often it polls), so a
      // run of 2 s is read once, at its end.
      box.script('gearset', { queuedMs: 500, runMs: 2000 })
      const r = await run('gearset', { pollIntervalSeconds: '' }, { env: { ACTIONS_STEP_DEBUG: 'true' } })
      expect(r.outputs.status).toBe('passed')
      const debug = r.stdout.split('\n').filter((l) => l.startsWith('::debug::'))
      expect(debug).toContainEqual(
        expect.stringMatching(/^::debug::Next status read in 1[3-7]\.\d s: the platform reports no progress counts: a steady 15 s/)
      )
      expect(debug).toContainEqual(expect.stringMatching(/^::debug::Status of run [\w-]+: Succeeded → passed \{\}$/))
      expect(debug).toContainEqual(expect.stringMatching(/^::debug::GET \/public\/automation\/.+ -> 200 in \d+ ms$/))
      expect(debug).toContainEqual(
        expect.stringMatching(/^::debug:: {2}rate-limit headers: x-rate-limit-remaining: \d+, x-rate-limit-reset: /)
      )
      expectClean(r)
    })
  )
})

// One after another: these steps would otherwise add to the load the suite's timing tests run under.
describe('GitHub calls are bounded, inert and ours (docs/reliability.md, GitHub)', () => {
  const inputs = { prComment: 'true', githubToken: GH_TOKEN }

  it.concurrent('a comment someone else wrote with the marker is never edited; the action’s own newest comment is', () =>
    withGitHub((gh) =>
      inSandbox(async (box, run) => {
        const env = { GITHUB_API_URL: gh.url, ...pullRequest(9) }
        const first = await run('testsigma', inputs, { env })
        expect(first.outputs.status).toBe('passed')
        const marker = gh.comments[0].body.split('\n')[0]
        // Somebody quotes the action's comment, marker and all, in a comment of their own.
        gh.comments.push({ id: 1, issue: 9, body: `${marker}\nlooks good`, user: { login: 'mallory' } })
        box.script('testsigma', { end: 'failed', failed: 1 })
        await run('testsigma', inputs, { env })
        expect(gh.comments.find((c) => c.user.login === 'mallory')?.body).toBe(`${marker}\nlooks good`)
        const own = gh.comments.filter((c) => c.user.login === 'github-actions[bot]')
        expect(own).toHaveLength(1)
        expect(own[0].body).toContain(': failed')
      })
    )
  )

  it.concurrent('comments past the first page are read: the action’s own, on page 2, is updated', () =>
    withGitHub((gh) =>
      inSandbox(async (box, run) => {
        const env = { GITHUB_API_URL: gh.url, ...pullRequest(11) }
        await run('testsigma', inputs, { env })
        const own = gh.comments[0]
        gh.comments.unshift(
          ...Array.from({ length: 120 }, (_, i) => ({ id: 5000 + i, issue: 11, body: `chatter ${i}`, user: { login: 'dev' } }))
        )
        box.script('testsigma', { end: 'failed', failed: 1 })
        const second = await run('testsigma', inputs, { env })
        expect(second.stdout).toContain('Updated the comment on pull request #11.')
        expect(gh.comments.filter((c) => c.user.login === 'github-actions[bot]')).toEqual([
          { ...own, body: expect.stringContaining(': failed') }
        ])
      })
    )
  )

  it.concurrent('platform text mentions no one, even as &#64;', () =>
    withGitHub((gh) =>
      inSandbox(async (box, run) => {
        box.script('testsigma', { end: 'failed', failed: 1 })
        box.fault('testsigma', { on: 'poll', do: 'patch', times: 50, body: { execution: { name: 'Plan for @octocat and &#64;hubot' } } })
        await run('testsigma', inputs, { env: { GITHUB_API_URL: gh.url, ...pullRequest(12) } })
        const body = gh.comments[0].body
        // What GitHub does before it finds mentions: decode the entities.
        const decoded = body.replace(/&#64;/g, '@').replace(/&amp;/g, '&')
        expect(decoded).not.toMatch(/@(octocat|hubot)/)
      })
    )
  )

  it.concurrent('a personal token’s own comment is found by its user, also when reading who it is was rate limited', () =>
    withGitHub((gh) =>
      inSandbox(async (box, run) => {
        gh.identity.login = 'release-bot'
        const env = { GITHUB_API_URL: gh.url, ...pullRequest(16) }
        await run('testsigma', inputs, { env })
        expect(gh.comments.map((c) => c.user.login)).toEqual(['release-bot'])
        // The first call of the next step, GET /user, meets a secondary rate limit: waited out, not
        // taken to mean the workflow token (which would miss this comment and write a second one).
        gh.refusals.push({ status: 403, body: { message: 'You have exceeded a secondary rate limit.' }, headers: { 'retry-after': '1' } })
        box.script('testsigma', { end: 'failed', failed: 1 })
        const second = await run('testsigma', inputs, { env })
        expect(second.stdout).toContain('Updated the comment on pull request #16.')
        expect(gh.comments).toHaveLength(1)
        expect(gh.comments[0].body).toContain(': failed')
      })
    )
  )

  it.concurrent('a secondary rate limit is waited out within the budget and named as what it is', () =>
    withGitHub((gh) =>
      inSandbox(async (_box, run) => {
        const limited = {
          status: 403,
          body: { message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.' },
          headers: { 'retry-after': '1' }
        }
        gh.refusals.push(limited)
        const once = await run(
          'testsigma',
          { commitStatus: 'true', githubToken: GH_TOKEN },
          { env: { GITHUB_API_URL: gh.url, ...pullRequest(13) } }
        )
        expect(gh.statuses.map((s) => s.state)).toEqual(['pending', 'success'])
        expect(warningsOf(once)).toEqual([])
        // Refused past the budget: a warning that says rate limit, not permissions.
        gh.refusals.push(...Array.from({ length: 6 }, () => ({ ...limited, headers: { 'retry-after': '60' } })))
        const again = await run(
          'testsigma',
          { commitStatus: 'true', githubToken: GH_TOKEN },
          { env: { GITHUB_API_URL: gh.url, ...pullRequest(13) } }
        )
        const warned = warningsOf(again).join('\n')
        expect(warned).toMatch(/secondary rate limit/)
        expect(warned).not.toMatch(/permissions:/)
        expect(again.outputs.status).toBe('passed')
      })
    )
  )

  it.concurrent('wait: false sets no commit status; a later step attached with runId sets pending, then the verdict', () =>
    withGitHub((gh) =>
      inSandbox(async (_box, run) => {
        const env = { GITHUB_API_URL: gh.url, ...pullRequest(14) }
        const started = await run('testsigma', { commitStatus: 'true', githubToken: GH_TOKEN, wait: 'false' }, { env })
        expect(started.outputs.status).toBe('triggered')
        expect(gh.statuses).toEqual([])
        expect(started.stdout).toContain('sets no commit status')
        const attached = await run('testsigma', { commitStatus: 'true', githubToken: GH_TOKEN, runId: started.outputs.runId }, { env })
        expect(attached.outputs.status).toBe('passed')
        expect(gh.statuses.map((s) => s.state)).toEqual(['success'])
      })
    )
  )
})

describe('a stalled GitHub API and a cancelled workflow', () => {
  it.concurrent('the comment call in flight is abandoned at the cancel signal, quietly, and the step ends', () =>
    withGitHub((gh) =>
      inSandbox(async (box, run) => {
        gh.stall.add('comments')
        box.script('testsigma', { queuedMs: 50, runMs: 300, total: 3 })
        let signalledAt = 0
        const r = await run(
          'testsigma',
          { prComment: 'true', githubToken: GH_TOKEN },
          {
            env: { GITHUB_API_URL: gh.url, ...pullRequest(15) },
            // The listing is in flight once it has reached the fake: then the workflow is cancelled.
            onStart: (child) => {
              const poll = setInterval(() => {
                if (!gh.hits.some((h) => h.method === 'GET' && h.url.includes('/issues/15/comments'))) return
                clearInterval(poll)
                signalledAt = Date.now()
                child.kill('SIGINT')
              }, 50)
              child.on('exit', () => clearInterval(poll))
            }
          }
        )
        expect(signalledAt).toBeGreaterThan(0)
        // Held to its 10 s budget, the call would end in a warning that GitHub did not answer.
        expect(warningsOf(r).filter((w) => /Could not write the comment/.test(w))).toEqual([])
        expect(r.stdout).toContain('Received a cancel signal')
        expect(r.outputs.status).toBe('passed')
      })
    )
  )
})
