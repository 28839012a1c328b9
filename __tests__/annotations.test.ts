// GitHub shows 10 annotations of each kind per step; the verdict is never the
// one dropped, and per-test annotations take only the places left.
import * as core from '@actions/core'
import { annotate, roomFor, verdict } from '../src/annotations.js'
import { captureStdout } from './helpers/stdout.js'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { annotateFailedTests, buildFailedTests, MAX_LISTED_FAILURES, runOutputs, writeSummary } from '../src/report.js'
import { safeLink } from '../src/providers/common.js'
import type { TestResult } from '../src/model.js'

const printed = captureStdout()
const commands = (kind: string) =>
  printed
    .text()
    .split('\n')
    .filter((l) => l.startsWith(`::${kind}`))
const failedTests = (n: number): TestResult[] =>
  Array.from({ length: n }, (_, i) => ({ name: `test ${i}`, status: 'failed', error: `boom ${i}` }))

describe('annotation places', () => {
  it('keeps one place of each kind for the verdict; the eleventh and later go to the log as plain lines', () => {
    for (let i = 0; i < 12; i++) annotate('warning', `note ${i}`)
    verdict('warning', 'the verdict')
    const warnings = commands('warning')
    expect(warnings).toHaveLength(10)
    expect(warnings.at(-1)).toBe('::warning::the verdict')
    expect(printed.text()).toContain('Warning: note 9\n')
    expect(printed.text()).toContain('Warning: note 11\n')
  })

  it('per-test annotations fill only what is left after the step’s other annotations, verdict kept', () => {
    for (let i = 0; i < 4; i++) annotate('error', `problem ${i}`)
    expect(roomFor('error')).toBe(5)
    expect(annotateFailedTests('Acme', failedTests(30), 'error')).toBe(5)
    verdict('error', 'Tests failed')
    const errors = commands('error')
    expect(errors).toHaveLength(10)
    expect(errors.at(-1)).toBe('::error::Tests failed')
    expect(printed.text()).toContain('…and 25 more failed tests (see the job summary).')
  })

  it('one kind does not take the places of another', () => {
    for (let i = 0; i < 20; i++) annotate('warning', `w ${i}`)
    expect(roomFor('error')).toBe(9)
    expect(roomFor('notice')).toBe(9)
  })
})

describe('each annotation, and the verdict, counted exactly', () => {
  it('starts with nine places of each kind free (one kept for the verdict); each annotation takes one', () => {
    expect([roomFor('error'), roomFor('warning'), roomFor('notice')]).toEqual([9, 9, 9])
    expect(annotate('notice', 'n')).toBe(true)
    expect(roomFor('notice')).toBe(8)
  })

  it('once the verdict is given, its place is no longer kept', () => {
    verdict('notice', 'done')
    expect(roomFor('notice')).toBe(9) // the verdict took one of the ten
    expect(roomFor('warning')).toBe(10)
  })

  it('an annotation with no place left is a plain line with its kind and title, and says it was not shown', () => {
    for (let i = 0; i < 9; i++) annotate('error', `e ${i}`)
    for (let i = 0; i < 9; i++) annotate('notice', `n ${i}`)
    expect(annotate('error', 'boom', { title: 'checkout spec' })).toBe(false)
    expect(annotate('notice', 'fyi')).toBe(false)
    expect(printed.text()).toContain('Error: checkout spec: boom\n')
    expect(printed.text()).toContain('Notice: fyi\n')
  })

  it('an error verdict fails the step; a warning or notice verdict does not', () => {
    process.exitCode = undefined
    verdict('warning', 'attention')
    verdict('notice', 'fine')
    expect(process.exitCode).toBeUndefined()
    verdict('error', 'Tests failed')
    expect(process.exitCode).toBe(1)
    expect(commands('error')).toEqual(['::error::Tests failed'])
  })
})

describe('the failed-test list of the summary', () => {
  const listed = (n: number) => {
    core.summary.emptyBuffer()
    buildFailedTests(failedTests(n))
    const html = core.summary.stringify()
    core.summary.emptyBuffer()
    return html
  }
  it.each([
    [MAX_LISTED_FAILURES, false],
    [MAX_LISTED_FAILURES + 1, true]
  ])('%d failures: 50 rows, "…and 1 more" only past 50', (n, more) => {
    const html = listed(n)
    expect((html.match(/<tr>/g) ?? []).length - 1).toBe(50)
    expect(html.includes('…and 1 more: open the run for the full list.</p>')).toBe(more)
    expect(html.includes('…and')).toBe(more)
  })

  it('has a heading with the count and a header row; passed tests are not listed; no failures, no list', () => {
    const html = listed(2)
    expect(html).toContain('<h3>Failed tests (2)</h3>')
    expect(html).toContain('<tr><th>Test</th><th>Suite</th><th>Error</th></tr>')
    expect(html).toContain('<td><code>boom 1</code></td>')
    core.summary.emptyBuffer()
    buildFailedTests([{ name: 'ok', status: 'passed' }, ...failedTests(1)])
    expect(core.summary.stringify()).toContain('Failed tests (1)')
    core.summary.emptyBuffer()
    buildFailedTests([{ name: 'ok', status: 'passed' }])
    expect(core.summary.stringify()).toBe('')
  })
})

describe('per-test annotations', () => {
  it('title the platform, suite and test; a test without error text says so; only failed tests', () => {
    const tests: TestResult[] = [
      { name: 'pays', suite: 'Checkout', status: 'failed', error: 'expected 80' },
      { name: 'logs in', status: 'failed' },
      { name: 'ok', status: 'passed' }
    ]
    expect(annotateFailedTests('Acme', tests, 'warning')).toBe(2)
    expect(commands('warning')).toEqual([
      '::warning title=Acme%3A Checkout › pays::expected 80',
      '::warning title=Acme%3A logs in::failed (Acme gives no error text for this test; open the run)'
    ])
    expect(printed.text()).not.toContain('more failed tests')
  })
})

describe('the job summary file', () => {
  // @actions/core keeps the summary file's path once it has read it: one file, emptied each time.
  const file = join(mkdtempSync(join(tmpdir(), 'ttr-summary-')), 'summary.md')
  const summaryFile = () => {
    writeFileSync(file, '')
    return file
  }
  afterEach(() => {
    delete process.env.GITHUB_STEP_SUMMARY
    core.summary.emptyBuffer()
  })

  it('is cut under GitHub’s 1 MiB limit at a line end, saying so', async () => {
    const f = summaryFile()
    process.env.GITHUB_STEP_SUMMARY = f
    for (let i = 0; i < 20_000; i++) core.summary.addRaw(`line ${i} ${'x'.repeat(40)}`, true)
    await writeSummary()
    const text = readFileSync(f, 'utf8')
    expect(Buffer.byteLength(text)).toBeLessThan(900 * 1024)
    expect(Buffer.byteLength(text)).toBeGreaterThan(400 * 1024)
    expect(text).toMatch(/x\n<p>…the rest of this summary was cut to stay under GitHub’s size limit\.<\/p>\n$/)
  })

  it('is written whole when it fits', async () => {
    const f = summaryFile()
    process.env.GITHUB_STEP_SUMMARY = f
    core.summary.addRaw('small', true)
    await writeSummary()
    expect(readFileSync(f, 'utf8')).toBe('small\n')
  })

  it('without a summary file, nothing is written and the buffer is emptied', async () => {
    // @actions/core still knows the file of the tests above: it must not be written to.
    const f = summaryFile()
    core.summary.addRaw('orphan', true)
    await writeSummary()
    expect(core.summary.isEmptyBuffer()).toBe(true)
    expect(readFileSync(f, 'utf8')).toBe('')
  })
})

describe('rule 1: platform text in outputs and links', () => {
  it('outputs carry platform text as one line, without control characters', () => {
    const o = runOutputs('testery', {
      id: '7',
      name: 'a\nb\u0007c\r\n::set-output name=x::y',
      status: 'running',
      providerStatus: 'RUN\nNING',
      counts: {}
    })
    expect(o.runName).toBe('a b c ::set-output name=x::y') // one line; a value, never a command
    expect(o.providerStatus).toBe('RUN NING')
    for (const v of Object.values(o)) expect(v).not.toMatch(/[\u0000-\u001f]/)
  })

  it.each([
    ['https://app.testsigma.com/ui/td/runs/5', 'https://app.testsigma.com/ui/td/runs/5'],
    ['https://app.testsigma.com/ui/td/runs/5\n::error::x', 'https://app.testsigma.com/ui/td/runs/5::error::x'],
    ['https://app.testsigma.com.evil.example/runs/5', undefined],
    ['https://evil.example/?u=https://app.testsigma.com', undefined],
    ['http://app.testsigma.com/ui/td/runs/5', undefined],
    ['https://user:pw@app.testsigma.com/ui', undefined],
    ['javascript:alert(1)', undefined],
    ['not a url', undefined]
  ])('safeLink(%j) on the platform origin → %j', (url, expected) => {
    expect(safeLink(url, 'https://app.testsigma.com')).toBe(expected)
  })
})
