// What goes to GitHub (commitStatus, prComment), in process: the commit state of each status (no
// false pass), the comment's text (platform text inert), and which commit and pull request an
// event names.
import { readFileSync } from 'node:fs'
import type { RunState, TestResult } from '../src/model.js'
import { COMMENT_FAILURES, commentBody, commentMarker, commitState, statusDescription } from '../src/github/comment.js'
import { fromEvent } from '../src/github/target.js'
import { GitHubPublisher } from '../src/github/publish.js'
import { publishedAs } from '../src/setup.js'
import { fakeGitHub, type FakeGitHub } from './helpers/fake-github.js'

const run = (status: RunState['status'], extra: Partial<RunState> = {}): RunState => ({
  id: '42',
  name: 'Nightly',
  url: 'https://app.acme.test/runs/42',
  status,
  providerStatus: 'WORD',
  counts: { total: 10, passed: 8, failed: 2 },
  startedAt: new Date('2026-12-01T12:00:00Z'),
  endedAt: new Date('2026-12-01T12:03:04Z'),
  ...extra
})
const ctx = { title: 'Acme 2090', key: 'acme 2090 staging', sha: 'a'.repeat(40), workflowRunUrl: 'https://github.com/o/r/actions/runs/1' }
const failing = (n: number): TestResult[] => Array.from({ length: n }, (_, i) => ({ name: `t${i}`, status: 'failed', error: `e${i}` }))

describe('the commit status', () => {
  it.each([
    ['passed', 'success'],
    ['failed', 'failure'],
    ['cancelled', 'error'],
    ['error', 'error'],
    ['timed_out', 'error'],
    ['triggered', 'pending'],
    ['queued', 'pending'],
    ['running', 'pending']
  ] as const)('%s → %s (only a pass is a success)', (status, state) => {
    expect(commitState(status)).toBe(state)
  })

  it('says the outcome, the counts and the duration in at most 140 characters', () => {
    expect(statusDescription(run('failed'))).toBe('failed · 10 tests, 8 passed, 2 failed · 3m 4s')
    expect(statusDescription(run('triggered', { counts: {}, endedAt: undefined }))).toBe('started; not followed by this step')
    expect(statusDescription(run('passed', { counts: { total: 10 ** 130 } })).length).toBeLessThanOrEqual(140)
  })
})

describe('the pull-request comment', () => {
  it('starts with the marker that finds it again, then the verdict, run, counts, duration and a link back', () => {
    const body = commentBody(ctx, run('passed'))
    const lines = body.split('\n')
    expect(lines[0]).toBe(commentMarker('acme 2090 staging'))
    expect(lines[1]).toBe('### ✅ Acme 2090: passed')
    // The verdict once (the heading); the platform's word once.
    expect(body).toContain('**Run:** [Nightly](https://app.acme.test/runs/42) (id 42) · WORD\n')
    expect(body.match(/passed/g)).toEqual(['passed', 'passed']) // the heading and the count "8 passed"
    expect(commentBody({ ...ctx, commitUrl: `https://github.com/o/r/commit/${'a'.repeat(40)}` }, run('passed'))).toContain(
      `for commit [aaaaaaa](https://github.com/o/r/commit/${'a'.repeat(40)}).</sub>`
    )
    expect(body).toContain('**Tests:** 10 tests, 8 passed, 2 failed')
    expect(body).toContain('**Run time:** 3m 4s')
    expect(body).toContain('<sub>Updated by [workflow run](https://github.com/o/r/actions/runs/1) for commit aaaaaaa.</sub>')
    expect(body).not.toContain('Failed tests')
  })

  it('lists the failed tests, open when there are few, the first 20 when there are many', () => {
    expect(commentBody(ctx, run('failed'), failing(2))).toContain('<details open><summary>Failed tests (2)</summary>')
    const many = commentBody(ctx, run('failed'), [...failing(25), { name: 'ok', status: 'passed' }])
    expect(many).toContain('<details><summary>Failed tests (25)</summary>')
    expect(many.match(/^\| t\d+ \|/gm)).toHaveLength(COMMENT_FAILURES)
    expect(many).toContain('…and 5 more: open the run for the full list.')
  })

  it('keeps platform text inert: no markup, no @mention, no link that ends early', () => {
    const body = commentBody(ctx, run('failed', { name: '<img src=x> [a](b) @org/team', url: 'https://app.acme.test/runs/42?x=(1)' }), [
      { name: '@here *bold*', status: 'failed', error: 'line\n## heading | pipe', url: 'https://app.acme.test/t/1) [x](y' }
    ])
    expect(body).not.toMatch(/<img|@org|@here|\*bold\*|\n## heading/)
    expect(body).toContain('(https://app.acme.test/runs/42?x=%281%29)')
    expect(body).toContain('(https://app.acme.test/t/1%29%20%5Bx%5D%28y)')
    // GitHub decodes &#64; before it finds mentions: the @ is kept and a word joiner breaks the name off it.
    expect(body).not.toContain('&#64;')
    expect(body).toContain('@\u2060org/team')
    expect(body.replace(/<!--.*-->/, '')).not.toMatch(/@[A-Za-z0-9]/)
  })

  it('a marker cannot be closed early by the key', () => {
    expect(commentMarker('a --> b')).toBe('<!-- trigger-test-run: a  b -->')
  })
})

describe('the commit and the pull request of an event', () => {
  const FALLBACK = 'f'.repeat(40)
  it.each([
    ['pull_request', { pull_request: { number: 7, head: { sha: 'h1' } } }, { sha: 'h1', pullNumber: 7 }],
    ['pull_request_target', { pull_request: { number: 8, head: { sha: 'h2' } } }, { sha: 'h2', pullNumber: 8 }],
    ['workflow_run', { workflow_run: { head_sha: 'h3', pull_requests: [{ number: 9 }] } }, { sha: 'h3', pullNumber: 9 }],
    ['workflow_run', { workflow_run: { head_sha: 'h4', pull_requests: [] } }, { sha: 'h4', pullNumber: undefined }],
    ['deployment_status', { deployment: { sha: 'h5' } }, { sha: 'h5' }],
    ['deployment', { deployment: { sha: 'h6' } }, { sha: 'h6' }],
    ['issue_comment', { issue: { number: 11, pull_request: {} } }, { sha: FALLBACK, pullNumber: 11 }],
    ['issue_comment', { issue: { number: 12 } }, { sha: FALLBACK }],
    ['push', {}, { sha: FALLBACK }],
    ['schedule', {}, { sha: FALLBACK }],
    ['pull_request', { pull_request: { number: 'x', head: {} } }, { sha: FALLBACK, pullNumber: undefined }]
  ])('%s %j → %j', (name, event, expected) => {
    expect(fromEvent(name, event, FALLBACK)).toEqual(expected)
  })
})

describe('GitHubPublisher, against a local fake of GitHub’s API', () => {
  let gh: FakeGitHub | undefined
  afterEach(async () => gh?.close())
  const publisher = (url: string, warnings: string[] = []) =>
    new GitHubPublisher({
      token: 'ghs_CANARY0123',
      target: { owner: 'o', repo: 'r', sha: 'a'.repeat(40), pullNumber: 7, apiUrl: url },
      commitStatus: true,
      prComment: true,
      title: 'Acme 2090',
      key: 'acme 2090',
      warn: (l) => warnings.push(l),
      info: () => undefined,
      debug: () => undefined
    })

  it('sets the status and comments; once the workflow is cancelled, it sets the status only', async () => {
    gh = await fakeGitHub()
    const p = publisher(gh.url)
    await p.status(run('running'))
    await p.comment(run('passed'))
    expect(gh.statuses.map((s) => s.state)).toEqual(['pending'])
    expect(gh.comments).toHaveLength(1)
    p.hurry()
    await p.status(run('cancelled'))
    await p.comment(run('cancelled'))
    expect(gh.statuses.map((s) => s.state)).toEqual(['pending', 'error'])
    expect(gh.comments[0].body).toContain('passed')
  })

  it('a status write hears the step’s cancel signal: it stops, and leaves the saying to the step', async () => {
    gh = await fakeGitHub()
    const warnings: string[] = []
    const stop = new AbortController()
    stop.abort()
    await publisher(gh.url, warnings).status(run('running'), stop.signal)
    expect(gh.statuses).toEqual([])
    expect(warnings).toEqual([])
  })

  it('a refused pull-request lookup names the one permission the README names, and does not say there is no pull request', async () => {
    gh = await fakeGitHub()
    gh.forbid.add('pulls')
    const warnings: string[] = []
    const infos: string[] = []
    const p = new GitHubPublisher({
      token: 'ghs_CANARY0123',
      target: { owner: 'o', repo: 'r', sha: 'a'.repeat(40), apiUrl: gh.url },
      commitStatus: false,
      prComment: true,
      title: 'Acme 2090',
      key: 'acme 2090',
      warn: (l) => warnings.push(l),
      info: (l) => infos.push(l),
      debug: () => undefined
    })
    await p.comment(run('passed'))
    expect(warnings).toEqual([
      "Could not find the pull request of commit aaaaaaa: GitHub answered 403 (Resource not accessible by integration). The workflow's token may not do this: give the job `permissions: contents: read`. The step's result is unchanged."
    ])
    expect(infos).toEqual([])
    expect(gh.comments).toEqual([])
    // The README's permissions table names the same one for the lookup.
    expect(readFileSync('README.md', 'utf8')).toMatch(
      /`prComment: true` \| `pull-requests: write` \(.*`contents: read` to find it from the commit\)/
    )
    // With the lookup allowed and no open pull request, that is what it says.
    gh.forbid.delete('pulls')
    await p.comment(run('passed'))
    expect(infos).toEqual(['No open pull request has commit aaaaaaa: no comment was written.'])
  })

  it('a refusal is a warning with the permission, the token scrubbed', async () => {
    gh = await fakeGitHub()
    gh.forbid.add('statuses')
    const warnings: string[] = []
    await publisher(gh.url, warnings).status(run('passed'))
    expect(warnings).toEqual([
      expect.stringMatching(
        /^Could not set the commit status on aaaaaaa: GitHub answered 403 .*`permissions: statuses: write`.*The step's result is unchanged\.$/
      )
    ])
    expect(warnings.join('')).not.toContain('ghs_CANARY0123')
  })
})

describe('what the status and the comment are known by', () => {
  const testery = { title: 'Testery', name: 'testery' }
  it('is the platform, what ran and where: the same from one workflow run to the next', () => {
    expect(publishedAs({ title: 'Testsigma', name: 'testsigma' }, { scenarioId: '2090', environment: '10' })).toEqual({
      title: 'Testsigma 2090 (10)',
      key: 'testsigma 2090 10'
    })
    expect(publishedAs(testery, { projectId: 'shop', environment: 'staging' }).title).toBe('Testery shop (staging)')
    // An attaching step that names what ran keeps the same context; the run ID adds nothing to it.
    expect(publishedAs(testery, { projectId: 'shop', environment: 'staging', runId: '1001' }).title).toBe('Testery shop (staging)')
  })

  it('names the run of a step that attaches with runId alone: two such matrix legs never share a status', () => {
    const a = publishedAs(testery, { environment: 'staging', runId: '1001' })
    const b = publishedAs(testery, { environment: 'staging', runId: '1002' })
    expect(a).toEqual({ title: 'Testery run 1001 (staging)', key: 'testery run 1001 staging' })
    expect(b.title).not.toBe(a.title)
    expect(b.key).not.toBe(a.key)
    expect(publishedAs(testery, {}).title).toBe('Testery')
  })
})
