// Per-test results as JUnit XML, the format the test-report actions people already use can publish.
import * as core from '@actions/core'
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { annotate } from './annotations.js'
import { oneLine } from './text.js'
import type { RunState, TestResult } from './model.js'

const XML: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' }

/** Text for an XML attribute or element: escaped, and without characters XML 1.0 forbids. */
function xml(text: string): string {
  return text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '').replace(/[&<>"']/g, (c) => XML[c])
}

const seconds = (ms?: number) => ((ms ?? 0) / 1000).toFixed(3)

/** A failure element with its error; no error text is invented where the platform gives none (Testsigma often does not). */
function failure(tag: 'failure' | 'flakyFailure' | 'rerunFailure', error: string | undefined): string {
  const message = error === undefined ? '' : ` message="${xml(error.split('\n')[0].slice(0, 500))}"`
  return `<${tag}${message}>${xml(error ?? '')}</${tag}>`
}

const count = (list: TestResult[], status: TestResult['status']) => list.filter((t) => t.status === status).length
const total = (list: TestResult[]) => list.reduce((a, t) => a + (t.durationMs ?? 0), 0)

/** One `<testsuite>` element: its tests, each with the class name `classOf` gives it. */
function testsuite(name: string, list: TestResult[], classOf: (t: TestResult) => string): string[] {
  const lines = [
    `  <testsuite name="${xml(name)}" tests="${list.length}" failures="${count(list, 'failed')}" skipped="${count(list, 'skipped')}" time="${seconds(total(list))}">`
  ]
  for (const t of list) {
    // `file` is what test reporters (mikepenz/action-junit-report, dorny/test-reporter) annotate.
    const file = t.file ? ` file="${xml(t.file)}"` : ''
    const open = `    <testcase name="${xml(t.name)}" classname="${xml(classOf(t))}"${file} time="${seconds(t.durationMs)}"`
    // Re-runs in Maven Surefire's format, which the common reporters read: a test that passed on a
    // re-run has a <flakyFailure> per failed attempt; one that failed every time has its first
    // failure as <failure> and each re-run's as <rerunFailure>.
    const earlier = t.earlierFailures ?? []
    if (t.status === 'passed')
      lines.push(earlier.length === 0 ? `${open}/>` : `${open}>${earlier.map((f) => failure('flakyFailure', f.error)).join('')}</testcase>`)
    else if (t.status === 'skipped') lines.push(`${open}><skipped/></testcase>`)
    else {
      const [first, ...later] = [...earlier, { error: t.error }]
      lines.push(`${open}>${failure('failure', first.error)}${later.map((f) => failure('rerunFailure', f.error)).join('')}</testcase>`)
    }
  }
  lines.push('  </testsuite>')
  return lines
}

function document(name: string, all: TestResult[], suites: string[][]): string {
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${xml(name)}" tests="${all.length}" failures="${count(all, 'failed')}" skipped="${count(all, 'skipped')}" time="${seconds(total(all))}">`,
    ...suites.flat(),
    '</testsuites>',
    ''
  ].join('\n')
}

/** One run's results: a `<testsuite>` per suite the platform names. */
export function toJUnitXml(platform: string, run: RunState, tests: TestResult[]): string {
  const suites = new Map<string, TestResult[]>()
  for (const t of tests) {
    const key = t.suite ?? run.name ?? platform
    suites.set(key, [...(suites.get(key) ?? []), t])
  }
  return document(
    `${platform} run ${run.id}`,
    tests,
    [...suites].map(([suite, list]) => testsuite(suite, list, () => suite))
  )
}

/**
 * The results of a step of several runs: a `<testsuite>` per run, named by what it ran and its
 * ID, each test's own suite as its class name (README, One gate over several runs).
 */
export function toJUnitXmlOfRuns(platform: string, runs: { label: string; run: RunState; tests: TestResult[] }[]): string {
  return document(
    `${platform} runs ${runs.map((r) => r.run.id).join(', ')}`,
    runs.flatMap((r) => r.tests),
    runs.map((r) => testsuite(`${r.label} (run ${r.run.id})`, r.tests, (t) => t.suite ?? r.run.name ?? platform))
  )
}

/** Writes the JUnit file, making its folder; a failure is a warning, never the step's. */
export function writeJUnitFile(path: string, xml: string, count: number): void {
  try {
    mkdirSync(dirname(path), { recursive: true })
    writeFileSync(path, xml)
    core.info(`Wrote the results of ${count} tests as JUnit XML to ${path}.`)
  } catch (e) {
    annotate('warning', `Could not write the JUnit file ${path}: ${oneLine((e as Error).message)}`)
  }
}
