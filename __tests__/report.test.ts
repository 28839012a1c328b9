import { readRunContext } from '../src/run-context.js'
import { PlatformError } from '../src/errors.js'
import type { RunState, TestResult } from '../src/model.js'
import { formatDuration } from '../src/duration.js'
import { rendered } from './helpers/summary.js'
import { buildErrorSummary, buildRunSummary, countsBar, failedTestsOutput, runOutputs, type ReportContext } from '../src/report.js'

const ctx: ReportContext = {
  provider: 'evaficy',
  platform: 'Evaficy Smart Test',
  environment: 'staging',
  buildVersion: '1.4.2',
  details: [],
  notes: [],
  nextStep: 'A tester executes the run in Evaficy Smart Test.'
}
const triggered: RunState = {
  id: '65f1c0ffee0000000000aaaa',
  name: 'CI Run — Checkout (1.4.2)',
  status: 'triggered',
  providerStatus: 'Draft',
  counts: { total: 24 },
  message: 'Test run created. Open Evaficy Smart Test to execute it.'
}

describe('outputs', () => {
  it('sets every output of a triggered run, with testCaseCount as totalCount and a JSON result', () => {
    const out = runOutputs('evaficy', triggered)
    expect(out).toEqual({
      runId: '65f1c0ffee0000000000aaaa',
      runName: 'CI Run — Checkout (1.4.2)',
      runUrl: '',
      status: 'triggered',
      providerStatus: 'Draft',
      totalCount: '24',
      passedCount: '',
      failedCount: '',
      skippedCount: '',
      durationSeconds: '',
      result: expect.any(String)
    })
    expect(JSON.parse(out.result)).toEqual({
      provider: 'evaficy',
      runId: '65f1c0ffee0000000000aaaa',
      runName: 'CI Run — Checkout (1.4.2)',
      status: 'triggered',
      providerStatus: 'Draft',
      totalCount: 24
    })
  })

  it('computes the duration from the run times', () => {
    const out = runOutputs('testery', { ...triggered, status: 'passed', startedAt: new Date(0), endedAt: new Date(125_000) })
    expect(out.durationSeconds).toBe('125')
    expect(formatDuration(125)).toBe('2m 5s')
    expect(formatDuration(3725)).toBe('1h 2m 5s')
  })
})

describe('job summary', () => {
  it('shows the run, the platform’s word, environment, build, test cases and what happens next; the platform once, in the heading', () => {
    const html = rendered(() => buildRunSummary(ctx, triggered))
    expect(html).toContain('<h2>🚀 Test run created on Evaficy Smart Test</h2>')
    expect(html.split('Evaficy Smart Test<').length - 1).toBe(1)
    expect(html).not.toContain('<th>Platform</th>')
    expect(html).toContain(`<th>Evaficy Smart Test status</th><td><code>${triggered.providerStatus}</code></td>`)
    expect(html).toContain('<th>Run</th><td>CI Run — Checkout &#40;1.4.2&#41; <code>65f1c0ffee0000000000aaaa</code></td>')
    expect(html).toContain('<th>Environment</th><td>staging</td>')
    expect(html).toContain('<th>Build</th><td><code>1.4.2</code></td>')
    expect(html).toContain('<th>Test cases</th><td>24</td>')
    expect(html).toContain('<h3>What happens next</h3>')
    expect(html).toContain('A tester executes the run in Evaficy Smart Test.')
  })

  it('renders platform text literally: no HTML, no Markdown, no links', () => {
    const html = rendered(() =>
      buildRunSummary(ctx, {
        ...triggered,
        name: '</code></pre><img src=x onerror=alert(1)> a|b [x](https://evil) **bold**',
        message: '<script>x</script>'
      })
    )
    expect(html).not.toContain('<img')
    expect(html).not.toContain('<script>')
    expect(html).not.toContain('](https://evil)')
    expect(html).not.toContain('a|b')
    expect(html).not.toContain('**bold**')
    expect(html).toContain('&lt;img src=x onerror=alert&#40;1&#41;&gt;')
  })

  it('links the run when its URL is known and shows counts with a bar', () => {
    const html = rendered(() =>
      buildRunSummary(ctx, {
        id: '337',
        name: 'Nightly',
        url: 'https://app.testsigma.com/ui/td/runs/337',
        status: 'failed',
        providerStatus: 'STATUS_COMPLETED/FAILURE',
        counts: { total: 10, passed: 7, failed: 2, skipped: 1 },
        startedAt: new Date(0),
        endedAt: new Date(90_000)
      })
    )
    expect(html).toContain('<h2>❌ Tests failed on Evaficy Smart Test</h2>')
    expect(html).toContain('<a href="https://app.testsigma.com/ui/td/runs/337">Nightly</a>')
    expect(html).toContain('10 total · 7 passed · 2 failed · 1 skipped<br>🟩🟩🟩🟩🟩🟩🟩🟩🟩🟩🟩🟩🟩🟩🟥🟥🟥🟥🟨🟨')
    expect(html).toContain('<th>Run time</th><td>1m 30s</td>')
    // The verdict once (the heading), the platform's word once (its row).
    expect(html).toContain('<th>Evaficy Smart Test status</th><td><code>STATUS&#95;COMPLETED/FAILURE</code></td>')
    expect(html.match(/failed/gi)?.length).toBe(2) // "Tests failed" and the count "2 failed"
  })

  it('says a full commit SHA once, short, linked to its commit where the repository is known', () => {
    const sha = '3f786850e387550fdab836ed7e6dc881de23001b'
    const repo = { ...ctx, buildVersion: sha, repositoryUrl: 'https://github.com/acme/shop' }
    const linked = `<a href="https://github.com/acme/shop/commit/${sha}"><code>3f78685</code></a>`
    expect(rendered(() => buildRunSummary(repo, triggered))).toContain(`<th>Build</th><td>${linked}</td>`)
    // The same SHA in a detail (the tests' commit): said there, and no Build row beside it.
    const both = rendered(() => buildRunSummary({ ...repo, details: [{ label: 'Test code', value: `commit ${sha} (gitRef)` }] }, triggered))
    expect(both).toContain(`<th>Test code</th><td>commit ${linked} &#40;gitRef&#41;</td>`)
    expect(both).not.toContain('<th>Build</th>')
    expect(both).not.toMatch(new RegExp(`>${sha}|${sha}<`))
    // No repository known: short, unlinked. A build that is not a SHA is shown as it is.
    expect(rendered(() => buildRunSummary({ ...repo, repositoryUrl: undefined }, triggered))).toContain(
      '<th>Build</th><td><code>3f78685</code></td>'
    )
    expect(rendered(() => buildRunSummary(ctx, triggered))).toContain('<th>Build</th><td><code>1.4.2</code></td>')
    // A build that is no SHA is shown even when a detail's text happens to contain it.
    const other = rendered(() =>
      buildRunSummary({ ...ctx, buildVersion: '812', details: [{ label: 'Test code', value: 'build 812 (buildVersion)' }] }, triggered)
    )
    expect(other).toContain('<th>Build</th><td><code>812</code></td>')
  })

  it('explains a platform error with what failed, what the platform said and what to do', () => {
    const error = new PlatformError({
      platform: 'Evaficy Smart Test',
      action: 'create the test run',
      endpoint: 'POST /runs/trigger',
      kind: 'http',
      status: 401,
      platformMessage: 'User not found',
      hint: 'create a new Personal Access Token under Settings → API Tokens.',
      reached: true
    })
    const html = rendered(() => buildErrorSummary(ctx, error))
    expect(html).toContain('<h2>❌ Could not create the test run on Evaficy Smart Test</h2>')
    expect(html).toContain('<th>Problem</th><td>HTTP 401 Unauthorized</td>')
    expect(html).toContain('Evaficy Smart Test said: User not found')
    expect(html).toContain('<strong>What to do:</strong> create a new Personal Access Token under Settings → API Tokens.')
  })
})

describe('the error summary, part by part', () => {
  const failure = (info: Partial<ConstructorParameters<typeof PlatformError>[0]>) =>
    new PlatformError({
      platform: 'Acme',
      action: 'start the run',
      endpoint: 'POST /runs',
      kind: 'http',
      status: 502,
      reached: true,
      ...info
    })
  const acme: ReportContext = { ...ctx, platform: 'Acme', notes: ['the job was busy'] }

  it('names the platform, the request and the problem, the run when one is known, and the notes', () => {
    const run: RunState = { id: '77', name: 'Nightly', status: 'error', providerStatus: 'X', counts: {} }
    const html = rendered(() => buildErrorSummary(acme, failure({}), run))
    expect(html).toContain('<h2>❌ Could not start the run on Acme</h2>\n<table><tr><th>Request</th><td><code>POST /runs</code></td></tr>')
    expect(html).toContain('<tr><th>Run</th><td>Nightly <code>77</code></td></tr>')
    expect(html).toContain('<p>⚠️ the job was busy</p>\n')
    expect(html).not.toContain('said:')
    expect(html).not.toContain('What to do')
    expect(html).not.toContain('never reached')
    // A run without a name (Gearset's) is named by its ID, once; with a link where there is one.
    const unnamed = { ...run, name: undefined }
    expect(rendered(() => buildErrorSummary(acme, failure({}), unnamed))).toContain('<tr><th>Run</th><td><code>77</code></td></tr>')
    expect(rendered(() => buildErrorSummary(acme, failure({}), { ...unnamed, url: 'https://acme.test/runs/77' }))).toContain(
      '<td><code><a href="https://acme.test/runs/77">77</a></code></td>'
    )
    // A blank name from the platform would be an invisible link: the ID stands in for it.
    expect(rendered(() => buildErrorSummary(acme, failure({}), { ...run, name: ' ', url: 'https://acme.test/runs/77' }))).toContain(
      '<td><code><a href="https://acme.test/runs/77">77</a></code></td>'
    )
    expect(rendered(() => buildErrorSummary(acme, failure({})))).not.toContain('<th>Run</th>')
  })

  it('says a request that never reached the platform changed nothing there; not for a cancelled one', () => {
    const never = rendered(() => buildErrorSummary(acme, failure({ kind: 'dns', status: undefined, reached: false })))
    expect(never).toContain('<p>The request never reached Acme, so it changed nothing there.</p>\n')
    const aborted = rendered(() => buildErrorSummary(acme, failure({ kind: 'aborted', status: undefined, reached: false })))
    expect(aborted).not.toContain('never reached')
  })

  it('a run without a name has an empty runName output', () => {
    expect(runOutputs('acme', { id: '1', status: 'passed', providerStatus: 'P', counts: {} }).runName).toBe('')
  })
})

describe('countsBar', () => {
  it('is 20 cells, with at least one red cell when anything failed', () => {
    expect(countsBar({ total: 1000, passed: 999, failed: 1 })).toBe('🟩'.repeat(19) + '🟥')
    expect(countsBar({ total: 4, passed: 4 })).toBe('🟩'.repeat(20))
    expect(countsBar({})).toBe('')
  })
})

describe('the repository a commit SHA links to', () => {
  it('is the runner’s server and repository, only when both are what GitHub gives', () => {
    const env = { GITHUB_SHA: 'abc', GITHUB_SERVER_URL: 'https://github.com', GITHUB_REPOSITORY: 'acme/shop' }
    expect(readRunContext(env)).toEqual({ sha: 'abc', repositoryUrl: 'https://github.com/acme/shop' })
    expect(readRunContext({ ...env, GITHUB_SERVER_URL: 'https://ghe.acme.internal/' }).repositoryUrl).toBe(
      'https://ghe.acme.internal/acme/shop'
    )
    expect(readRunContext({ ...env, GITHUB_SERVER_URL: undefined }).repositoryUrl).toBe('https://github.com/acme/shop')
    // Anything else links nowhere: the SHA is still shown, short.
    for (const bad of [
      { GITHUB_REPOSITORY: 'acme/shop\n[x](https://evil)' },
      { GITHUB_REPOSITORY: 'acme' },
      { GITHUB_SERVER_URL: 'http://github.com' },
      { GITHUB_SERVER_URL: 'javascript:alert(1)' }
    ])
      expect(readRunContext({ ...env, ...bad }).repositoryUrl).toBeUndefined()
  })
})

describe('the failedTests output', () => {
  const failed = (i: number, extra: Partial<TestResult> = {}): TestResult => ({ name: `test ${i}`, status: 'failed', ...extra })
  it('lists the failed tests only, the first 50, and counts the rest', () => {
    expect(JSON.parse(failedTestsOutput([]))).toEqual({ count: 0, tests: [], more: 0 })
    const many = [...Array.from({ length: 120 }, (_, i) => failed(i)), { name: 'ok', status: 'passed' as const }]
    const out = JSON.parse(failedTestsOutput(many))
    expect(out.count).toBe(120)
    expect(out.tests).toHaveLength(50)
    expect(out.more).toBe(70)
    expect(out.tests[0]).toEqual({ name: 'test 0' })
  })

  it('gives each field as one clean line: an error’s first line, a link only to an https page', () => {
    const out = JSON.parse(
      failedTestsOutput([
        failed(1, {
          suite: 'Checkout',
          error: '\n  AssertionError: 1 != 2\n    at step 3',
          url: 'https://testery.app/acme/test-runs/1/tests/7'
        }),
        failed(2, { name: 'a\u001b[31m\nb', error: '::error::x', url: 'javascript:alert(1)' })
      ])
    )
    expect(out.tests[0]).toEqual({
      name: 'test 1',
      suite: 'Checkout',
      error: 'AssertionError: 1 != 2',
      url: 'https://testery.app/acme/test-runs/1/tests/7'
    })
    expect(out.tests[1].name).not.toMatch(/[\n\u001b]/)
    expect(out.tests[1].error).not.toMatch(/^::/)
    expect(out.tests[1]).not.toHaveProperty('url')
  })
})
