// The report of a step of several runs (README, One gate over several runs): the outputs (the worst
// status, the counts summed, the first run's ID and link, every run in `result`), a job summary
// with a row per run above the failed tests grouped by run, and one verdict over them all.
// Building it sends nothing; batch.ts writes it.
import * as core from '@actions/core'
import { annotate, verdict } from './annotations.js'
import { formatDuration } from './duration.js'
import type { Inputs } from './inputs.js'
import { toJUnitXmlOfRuns, writeJUnitFile } from './junit.js'
import type { RunCounts, RunState, RunStatus, TestResult } from './model.js'
import {
  addNotes,
  annotateFailedTests,
  buildFailedTests,
  durationSeconds,
  MARK,
  row,
  runCell,
  runOutputs,
  testsCell,
  withShortShas,
  buildCell,
  type ReportContext
} from './report.js'
import { forSummary, oneLine } from './text.js'
import { checkedForTests, verdictOf, type RunVerdict, type VerdictContext } from './verdict.js'

/** One run of the step, as the step left it. */
export interface BatchRun {
  /** What it ran, as a reader names it: its plan and environment, or its ID. */
  label: string
  /** Its last known state; absent when it never started. */
  run?: RunState
  tests?: TestResult[]
  /** Why the step has no ending for it: its start, or a read no wait can fix, failed (the verdict's words). */
  failure?: string
  /** The wait stopped before the run ended: the workflow was cancelled, or another run failed (failFast). */
  stopped?: 'signal' | 'failFast'
  /** It was cancelled on the platform by this step. */
  cancelled: boolean
}

// Worst first: the one status that stands for the step (the `status` output, the heading's mark). A
// verdict on the tests (failed) comes before a run stopped (the others failFast cancelled).
const WORST_FIRST: RunStatus[] = ['error', 'failed', 'timed_out', 'cancelled', 'running', 'queued', 'triggered', 'passed']

/** The run as the report shows it: the status the step gives it, which a stop or failure overrides. */
export function shownState(b: BatchRun, failOnNoTests: boolean): RunState | undefined {
  if (!b.run) return undefined
  if (b.stopped) return { ...b.run, status: 'cancelled' }
  if (b.failure) return { ...b.run, status: 'error' }
  return failOnNoTests ? checkedForTests(b.run) : b.run
}

/** A count summed over the runs, only where every run reports it: a sum of some is no total. */
function summed(states: RunState[], key: keyof RunCounts): number | undefined {
  if (states.length === 0 || states.some((s) => s.counts[key] === undefined)) return undefined
  return states.reduce((a, s) => a + (s.counts[key] ?? 0), 0)
}

/**
 * The step's outputs over its runs: the worst status (and its run's own word), the counts summed,
 * the first run's ID, name and link, the time from the first start to the last end.
 */
export function combined(states: (RunState | undefined)[]): RunState {
  const known = states.filter((s): s is RunState => s !== undefined)
  const status = states.some((s) => s === undefined) ? 'error' : WORST_FIRST.find((w) => known.some((s) => s.status === w))!
  const worst = known.find((s) => s.status === status)
  const first = known[0]
  const starts = known.map((s) => s.startedAt?.getTime())
  const ends = known.map((s) => s.endedAt?.getTime())
  const timed = known.length > 0 && [...starts, ...ends].every((t) => t !== undefined)
  return {
    id: first?.id ?? '',
    name: first?.name,
    url: first?.url,
    status,
    providerStatus: worst?.providerStatus ?? '',
    counts: {
      total: summed(known, 'total'),
      passed: summed(known, 'passed'),
      failed: summed(known, 'failed'),
      skipped: summed(known, 'skipped')
    },
    ...(timed && { startedAt: new Date(Math.min(...(starts as number[]))), endedAt: new Date(Math.max(...(ends as number[]))) })
  }
}

/** The outputs of the step: those of `combined`, with `result` carrying every run's own, in order. */
export function batchOutputs(provider: string, runs: BatchRun[], failOnNoTests: boolean): Record<string, string> {
  const states = runs.map((b) => shownState(b, failOnNoTests))
  const out = runOutputs(provider, combined(states))
  const all = JSON.parse(out.result) as Record<string, unknown>
  out.result = JSON.stringify({
    ...all,
    runs: runs.map((b, i) => {
      const s = states[i]
      const own = s ? (JSON.parse(runOutputs(provider, s).result) as Record<string, unknown>) : { provider, status: 'error' }
      return { ...own, run: b.label, ...(b.failure ? { problem: oneLine(b.failure, 500) } : {}) }
    })
  })
  return out
}

/** What the row of a run that did not end on its own says. */
function problemOf(b: BatchRun): string | undefined {
  if (b.failure) return b.failure
  if (b.stopped === 'failFast')
    return `Not waited for: another run failed the step (failFast)${b.cancelled ? '; cancelled on the platform' : '; not cancelled on the platform'}.`
  if (b.stopped === 'signal') return `The workflow was cancelled while this step waited${b.cancelled ? '; cancelled on the platform' : ''}.`
  return undefined
}

export interface BatchContext {
  inputs: Inputs
  title: string
  /** The first run's context: the build and the details the runs share, and the step's notes. */
  report: ReportContext
}

/** The job summary: the verdict over the runs, a row per run, the notes, the failed tests by run. */
export function buildBatchSummary(c: BatchContext, runs: BatchRun[]): void {
  const states = runs.map((b) => shownState(b, c.inputs.failOnNoTests))
  const status = combined(states).status
  const passed = states.filter((s) => s?.status === 'passed').length
  const stopped = runs.filter((b) => b.stopped === 'failFast').length
  const headline = runs.some((b) => b.stopped === 'signal')
    ? `The workflow was cancelled while waiting for ${runs.length} runs`
    : status === 'triggered'
      ? `${runs.length} test runs created`
      : status === 'passed'
        ? `All ${runs.length} runs passed`
        : `${runs.length - passed - stopped} of ${runs.length} runs did not pass${stopped > 0 ? `, ${stopped} stopped by failFast` : ''}`
  const s = core.summary
  s.addHeading(`${MARK[status]} ${headline} on ${forSummary(c.title)}`, 2)
  // The inputs that tell the runs apart name the column of what each ran.
  const what = c.inputs.runs.some((r) => r.runId)
    ? 'runId'
    : ['scenarioId', 'environment'].filter((n) => c.inputs.runs.some((r) => r[n as 'scenarioId'])).join(' · ')
  const header = ['Run', what, `${forSummary(c.title)} status`, 'Tests', 'Run time'].map((data) => ({ data, header: true }))
  const rows = runs.map((b, i) => {
    const st = states[i]
    // The platform's own line, where it says why a run did not pass (not "completed" on every row).
    const problem = problemOf(b) ?? (st?.status !== 'passed' ? st?.message : undefined)
    const word = st ? `${MARK[st.status]} <code>${forSummary(st.providerStatus || st.status)}</code>` : '⚠️ not started'
    const seconds = st ? durationSeconds(st) : undefined
    return [
      st ? runCell(st) : '—',
      forSummary(b.label),
      `${word}${problem ? `<br>${forSummary(problem, 400)}` : ''}`,
      st ? testsCell(st.counts) : '',
      seconds === undefined ? '' : formatDuration(seconds)
    ]
  })
  s.addTable([header, ...rows])
  // What the runs share (the build, how they were started) is said once, below them.
  const shared = [
    ...(c.report.buildVersion ? [row('Build', buildCell(c.report.buildVersion, c.report.repositoryUrl))] : []),
    ...c.report.details.map((d) => row(forSummary(d.label), withShortShas(forSummary(d.value), c.report.repositoryUrl)))
  ]
  if (shared.length > 0) s.addTable(shared)
  addNotes(c.report)
  if (status === 'triggered') s.addHeading('What happens next', 3).addRaw(`<p>${c.report.nextStep}</p>`, true)
  for (const b of runs) if (b.tests) buildFailedTests(b.tests, `Failed tests: ${forSummary(b.label)}`)
}

/** Each run's verdict in words; a run with no ending of its own says why. */
function verdictsOf(v: VerdictContext, runs: BatchRun[], failOnNoTests: boolean): (RunVerdict & { label: string })[] {
  return runs.map((b) => {
    const st = shownState(b, failOnNoTests)
    if (b.failure) return { kind: 'error', message: b.failure, label: b.label }
    if (b.stopped || !st) return { kind: 'error', message: problemOf(b) ?? 'not started.', label: b.label }
    return { ...verdictOf(v, st, b.cancelled), label: b.label }
  })
}

/**
 * Each run's words after its label, one sentence each; runs that failed for the same reason (a
 * refused token, say) are named together, so the reason is said once.
 */
function listed(verdicts: { message: string; label: string }[]): string {
  const byMessage = new Map<string, string[]>()
  for (const r of verdicts) byMessage.set(r.message, [...(byMessage.get(r.message) ?? []), r.label])
  return [...byMessage].map(([message, labels]) => `${labels.join(', ')}: ${/[.!?]$/.test(message) ? message : `${message}.`}`).join(' ')
}

/**
 * What follows the summary: per-test annotations (sharing GitHub's 10 a kind, the verdict's place
 * kept), one JUnit file with a `<testsuite>` per run, and the one verdict, which fails the step
 * unless every run passed.
 */
export function concludeBatch(c: BatchContext, runs: BatchRun[], v: VerdictContext): void {
  const { inputs, title } = c
  const states = runs.map((b) => shownState(b, inputs.failOnNoTests))
  for (const [i, b] of runs.entries()) {
    const st = states[i]
    if (!b.tests || !st || !inputs.annotateTests) continue
    annotateFailedTests(`${title} ${b.label}`, b.tests, st.status === 'failed' && !inputs.failOnTestFailure ? 'warning' : 'error')
  }
  const withTests = runs.flatMap((b, i) => (b.tests && states[i] ? [{ label: b.label, run: states[i], tests: b.tests }] : []))
  if (inputs.junitPath && withTests.length > 0)
    writeJUnitFile(
      inputs.junitPath,
      toJUnitXmlOfRuns(title, withTests),
      withTests.reduce((a, r) => a + r.tests.length, 0)
    )
  const verdicts = verdictsOf(v, runs, inputs.failOnNoTests)
  for (const r of verdicts) if (r.warning) annotate('warning', r.warning)
  const n = runs.length
  if (runs.some((b) => b.stopped === 'signal')) {
    const cancelled = runs.filter((b) => b.cancelled).length
    const fate =
      cancelled > 0
        ? `cancelled ${cancelled} of them on the platform${cancelled < n ? ' (see the warnings above for the others)' : ''}.`
        : inputs.cancelOnAbort
          ? 'they were not cancelled (see the warnings above).'
          : 'they go on there (cancelOnAbort is false).'
    verdict('error', `The workflow was cancelled while waiting for ${n} ${title} runs: ${fate}`)
    return
  }
  const failing = verdicts.filter((r, i) => r.kind === 'error' && runs[i].stopped !== 'failFast')
  const stopped = runs.filter((b) => b.stopped === 'failFast').length
  const warned = verdicts.filter((r) => r.kind === 'warning')
  if (failing.length > 0 || stopped > 0) {
    const rest = stopped > 0 ? ` failFast stopped waiting for the other ${stopped === 1 ? 'run' : `${stopped} runs`}.` : ''
    verdict('error', `${failing.length} of ${n} ${title} runs failed the step: ${listed(failing)}${rest}`)
  } else if (warned.length > 0) verdict('warning', `${warned.length} of ${n} ${title} runs failed: ${listed(warned)}`)
  else if (states.every((s) => s?.status === 'triggered'))
    verdict('notice', `Started ${n} ${title} runs: ${listed(verdicts.map((r) => ({ ...r, message: r.message.replace(/^Started /, '') })))}`)
  else verdict('notice', `All ${n} ${title} runs passed: ${runs.map((b, i) => `${b.label} (id ${states[i]?.id})`).join(', ')}.`)
}
