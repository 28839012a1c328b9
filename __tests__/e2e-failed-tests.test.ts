// The job summary, annotations and JUnit file of a failed run, end to end through dist/index.js.
import { mkdtempSync, readFileSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { annotationsOf, sandboxPerTestContext, step, warningsOf } from './helpers/step.js'

const { box, each } = sandboxPerTestContext()
const TOKEN = 'tok-failed-tests-1'

function waitFor(provider: 'testsigma' | 'testery', inputs: Record<string, string> = {}) {
  const target: Record<string, string> = provider === 'testsigma' ? { scenarioId: '2090' } : { projectId: 'shop', environment: 'staging' }
  return step({
    inputs: { provider, token: TOKEN, wait: 'true', pollIntervalSeconds: '1', baseUrl: box.get().baseUrl(provider), ...target, ...inputs }
  })
}

/** The rows of the HTML table that follows `heading` in the summary, as arrays of cell texts. */
function tableAfter(html: string, heading: string): string[][] {
  const at = html.indexOf(heading)
  expect(at).toBeGreaterThanOrEqual(0)
  const table = /<table>(.*?)<\/table>/s.exec(html.slice(at))?.[1] ?? ''
  return [...table.matchAll(/<tr>(.*?)<\/tr>/g)].map((r) => [...r[1].matchAll(/<t[hd]>(.*?)<\/t[hd]>/g)].map((c) => c[1]))
}

describe('a failed run', () => {
  it.concurrent(
    'Testery: the summary lists the failed tests with suite, error and link; one annotation each; JUnit written',
    each(async () => {
      box.get().script('testery', { queuedMs: 100, runMs: 800, total: 12, failed: 3, skipped: 2, end: 'failed' })
      const junitPath = join(mkdtempSync(join(tmpdir(), 'ttr-junit-')), 'reports', 'testery.xml')
      const r = await waitFor('testery', { junitPath })
      expect(r.code).toBe(1)

      // The structure: result heading, the run table, then the failed tests.
      const headings = [...r.summary.matchAll(/<h(\d)>(.*?)<\/h\1>/g)].map((m) => `h${m[1]} ${m[2]}`)
      expect(headings).toEqual(['h2 ❌ Tests failed on Testery', 'h3 Failed tests (3)'])
      const runTable = tableAfter(r.summary, 'Tests failed on Testery')
      // No Build row: Testery gets no build unless buildVersion chooses one (docs/platforms.md point 13).
      // Each fact once: the platform in the heading, its word for the run's state in its own row.
      expect(runTable.map((row) => row[0])).toEqual(['Run', 'Testery status', 'Environment', 'Test code', 'Tests', 'Run time'])
      expect(runTable[1][1]).toBe('<code>FAIL</code>')
      expect(runTable[4][1]).toMatch(/^12 total · 7 passed · 3 failed · 2 skipped<br>/)
      const failed = tableAfter(r.summary, 'Failed tests (3)')
      expect(failed[0]).toEqual(['Test', 'Suite', 'Error'])
      expect(failed).toHaveLength(4)
      expect(failed[1][0]).toMatch(/^<a href="https:\/\/testery\.app\/acme\/test-runs\/\d+\/tests\/70001">loads the page<\/a>$/)
      expect(failed[1][1]).toBe('tests/checkout.spec.ts')
      expect(failed[1][2]).toBe('<code>AssertionError: expected &#39;Total: $90.00&#39; to equal &#39;Total: $80.00&#39;</code>')

      // One annotation per failed test, titled with platform, suite and test, then the verdict.
      const errors = annotationsOf(r, 'error')
      expect(errors).toHaveLength(4)
      expect(errors[0]).toMatch(
        /^::error title=Testery%3A tests\/checkout\.spec\.ts › loads the page::AssertionError: expected 'Total: \$90\.00'/
      )
      expect(errors[3]).toMatch(/^::error::Tests failed: 3 of 12 tests failed/)

      // JUnit XML with every test, publishable by the usual test-report actions.
      expect(existsSync(junitPath)).toBe(true)
      const xml = readFileSync(junitPath, 'utf8')
      expect(xml).toMatch(
        /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<testsuites name="Testery run \d+" tests="12" failures="3" skipped="2"/
      )
      expect(xml.match(/<testcase /g)).toHaveLength(12)
      expect(xml.match(/<failure /g)).toHaveLength(3)
      expect(xml).toContain('message="AssertionError: expected &apos;Total: $90.00&apos; to equal &apos;Total: $80.00&apos;"')
      // Testery names each test's file: reporters annotate that file.
      expect(xml).toMatch(/<testcase name="[^"]+" classname="([^"]+)" file="\1" time=/)
      expect(xml.match(/ file="/g)).toHaveLength(12)
    })
  )

  it.concurrent(
    'Testsigma: many failures are capped — 50 rows and "…and N more", 10 annotations',
    each(async () => {
      box.get().script('testsigma', { queuedMs: 100, runMs: 800, total: 130, failed: 120, end: 'failed' })
      const r = await waitFor('testsigma')
      const failed = tableAfter(r.summary, 'Failed tests (120)')
      expect(failed).toHaveLength(51)
      expect(r.summary).toContain('<p>…and 70 more: open the run for the full list.</p>')
      // GitHub shows 10 errors a step: 9 failed tests, and the verdict, which is never crowded out.
      const errors = annotationsOf(r, 'error')
      expect(errors).toHaveLength(10)
      expect(errors.at(-1)).toMatch(/^::error::Tests failed: 120 of 130 tests failed/)
      expect(r.stdout).toContain('…and 111 more failed tests (see the job summary).')
    })
  )

  it.concurrent(
    'with failOnTestFailure: false the failed tests are warnings, and the step passes',
    each(async () => {
      box.get().script('testsigma', { queuedMs: 100, runMs: 800, total: 5, failed: 1, end: 'failed' })
      const r = await waitFor('testsigma', { failOnTestFailure: 'false' })
      expect(r.code).toBe(0)
      expect(annotationsOf(r, 'error')).toEqual([])
      expect(annotationsOf(r, 'warning')[0]).toMatch(/^::warning title=Testsigma%3A Checkout › loads the page::AssertionError/)
    })
  )

  it.concurrent(
    'Testsigma: the error text comes from test_case_results, cleaned to one line; per-test results carry none (docs/platforms.md point 6)',
    each(async () => {
      box.get().script('testsigma', { queuedMs: 100, runMs: 800, total: 6, failed: 2, end: 'failed' })
      const junitPath = join(mkdtempSync(join(tmpdir(), 'ttr-junit-')), 'ts.xml')
      const r = await waitFor('testsigma', { junitPath })
      const failed = tableAfter(r.summary, 'Failed tests (2)')
      expect(failed[1][0]).toMatch(/loads the page/)
      // The sandbox's message has "\r\n\t" in it, as Testsigma's can: one line in the summary and the annotation.
      expect(failed[1][2]).toBe('<code>AssertionError: expected &#39;Total: $90.00&#39; to equal &#39;Total: $80.00&#39; at step 1</code>')
      expect(annotationsOf(r, 'error')[0]).toMatch(
        /^::error title=Testsigma%3A Checkout › loads the page::AssertionError: expected 'Total: \$90\.00' to equal 'Total: \$80\.00' at step 1$/
      )
      const xml = readFileSync(junitPath, 'utf8')
      expect(xml.match(/<failure /g)).toHaveLength(2)
      expect(xml).toContain('time="0.000"') // Testsigma gives no duration: none is invented
      expect(xml).not.toContain(' file=') // nor a file it does not name
      const asked = box
        .get()
        .requests.filter((q) => q.path === '/api/v1/test_case_results')
        .pop()
      expect(asked?.query).toMatchObject({ executionResultId: r.outputs.runId, page: '0' })
    })
  )

  it.concurrent(
    'Testsigma: without an error-text endpoint every failed test is still listed by name, with no invented text',
    each(async () => {
      box.get().script('testsigma', { queuedMs: 100, runMs: 800, total: 6, failed: 2, end: 'failed' })
      box.get().fault('testsigma', { on: 'results', do: 'pass' }, { on: 'results', do: 'json', status: 200, body: { unexpected: true } })
      const junitPath = join(mkdtempSync(join(tmpdir(), 'ttr-junit-')), 'ts.xml')
      const r = await waitFor('testsigma', { junitPath })
      expect(r.outputs.status).toBe('failed')
      const failed = tableAfter(r.summary, 'Failed tests (2)')
      expect(failed.slice(1).map((row) => [row[0].replace(/<[^>]+>/g, ''), row[2] ?? ''])).toEqual([
        ['loads the page', ''],
        ['applies a coupon', '']
      ])
      expect(annotationsOf(r, 'error')[0]).toMatch(/::failed \(Testsigma gives no error text for this test; open the run\)$/)
      const xml = readFileSync(junitPath, 'utf8')
      expect(xml.match(/<failure>/g)).toHaveLength(2)
      expect(xml).not.toContain('message=')
      expect(warningsOf(r)).toEqual([])
    })
  )

  it.concurrent(
    'a passed run reads no per-test results unless a JUnit file is asked for',
    each(async () => {
      box.get().script('testery', { queuedMs: 100, runMs: 800, total: 5 })
      const before = box.get().requests.filter((q) => q.path.endsWith('/results')).length
      const r = await waitFor('testery')
      expect(r.outputs.status).toBe('passed')
      expect(box.get().requests.filter((q) => q.path.endsWith('/results')).length).toBe(before)
      expect(r.summary).not.toContain('Failed tests')
    })
  )

  it.concurrent(
    'a results endpoint that fails is a warning, not the verdict',
    each(async () => {
      box.get().script('testery', { queuedMs: 100, runMs: 800, total: 5, failed: 1, end: 'failed' })
      box.get().fault('testery', { on: 'results', do: 'status', status: 404 })
      const r = await waitFor('testery')
      expect(r.outputs.status).toBe('failed')
      expect(warningsOf(r)[0]).toMatch(
        /Could not read the per-test results: Testery: could not read the test results \(GET \/api\/test-runs\/\{id\}\/results\): HTTP 404/
      )
    })
  )
})

// The failedTests output (README, Outputs), parsed as a Slack or issue step would: 3, 0 and 500 failures.
describe('the failedTests output', () => {
  const parsed = (value: string) =>
    JSON.parse(value) as { count: number; tests: { name: string; suite?: string; error?: string; url?: string }[]; more: number }

  it.concurrent.each([
    ['testery', 3, 12],
    ['testsigma', 0, 8],
    ['testery', 500, 520]
  ] as const)('%s with %d failed tests of %d', (provider, failed, total) =>
    each(async () => {
      box.get().script(provider, { queuedMs: 100, runMs: 800, total, failed, end: failed ? 'failed' : 'passed' })
      const r = await waitFor(provider)
      expect(r.code).toBe(failed ? 1 : 0)
      const out = parsed(r.outputs.failedTests)
      expect(out.count).toBe(failed)
      expect(out.tests).toHaveLength(Math.min(failed, 50))
      expect(out.more).toBe(Math.max(0, failed - 50))
      for (const t of out.tests) {
        expect(t.name).toMatch(/\S/)
        expect(t.error ?? '').not.toMatch(/\n/)
        if (t.url) expect(t.url).toMatch(/^https:\/\//)
      }
      if (failed) expect(out.tests[0]).toMatchObject({ name: expect.any(String), error: expect.any(String) })
    })
  )

  it.concurrent(
    'is empty where the platform gives no per-test results (Gearset)',
    each(async () => {
      box.get().script('gearset', { queuedMs: 100, runMs: 800, end: 'failed' })
      const r = await step({
        inputs: {
          provider: 'gearset',
          token: TOKEN,
          wait: 'true',
          pollIntervalSeconds: '1',
          scenarioId: 'job-42',
          baseUrl: box.get().baseUrl('gearset')
        }
      })
      expect(r.outputs.status).toBe('failed')
      expect(r.outputs.failedTests ?? '').toBe('')
    })
  )
})
