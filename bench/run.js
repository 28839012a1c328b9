// `npm run bench`: prints the figures and writes them to bench/results.json. Not part of `npm test`.
// Compiles src/ first (to bench/.build) so part 1 runs the real wait loop and schedule.
import { execFileSync } from 'node:child_process'
import { cpus, totalmem } from 'node:os'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { ROOT } from '../scripts/github-runner.js'

execFileSync(
  process.execPath,
  [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.json'), '--outDir', join(ROOT, 'bench/.build')],
  { stdio: 'inherit' }
)
const { pollingBench } = await import('./polling.js')
const { concurrencyBench } = await import('./concurrency.js')
const { overheadBench } = await import('./overhead.js')
const { gearsetSharedBench } = await import('./gearset-shared.js')
const { historyBench } = await import('./history.js')
const { realtimeBench } = await import('./realtime.js')
const { manyRunsBench } = await import('./many-runs.js')

const only = process.argv[2] // polling | history | realtime | concurrency | overhead | gearset | many
const f1 = (n) => (Number.isFinite(n) ? n.toFixed(1) : '–')
const r1 = (xs) => `${f1(xs[0])}–${f1(xs[1])}`
const table = (head, rows) => {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)))
  const line = (cells) => cells.map((c, i) => String(c).padStart(widths[i])).join('  ')
  console.log(line(head))
  console.log(widths.map((w) => '-'.repeat(w)).join('  '))
  for (const r of rows) console.log(line(r))
}

const results = {
  machine: { node: process.version, cpus: cpus().length, cpu: cpus()[0]?.model, memoryGiB: Math.round(totalmem() / 2 ** 30) },
  date: new Date().toISOString()
}

if (!only || only === 'polling') {
  const firstSeed = Number(process.env.TTR_BENCH_FIRST_SEED ?? 1)
  console.log(
    `\n1. Polling economy: every run shape of bench/shapes.js, 10 seeds (from ${firstSeed}) × 400 simulated runs (30 s – 60 min), the real wait loop on a virtual clock.\n   Median over the seeds, (lowest–highest seed) beside it. TTR_BENCH_FIRST_SEED picks other seeds.`
  )
  results.polling = await pollingBench({ firstSeed })
  const f2 = (n) => (Number.isFinite(n) ? n.toFixed(2) : '')
  table(
    ['shape', 'strategy', 'requests/run', '(spread)', 'delay p50 s', 'p95 s', '(spread)', 'max s', '÷ frontier', '(spread)'],
    results.polling.map((r) => [
      r.shape,
      r.strategy,
      f1(r.requests),
      r1(r.requestsSpread),
      f1(r.p50),
      f1(r.p95),
      r1(r.p95Spread),
      f1(r.max),
      f2(r.frontier),
      r.frontierSpread ? `${f2(r.frontierSpread[0])}–${f2(r.frontierSpread[1])}` : ''
    ])
  )
  console.log(
    "   ÷ frontier: ours' p95 over the p95 a fixed poller spending the same requests gets (5–60 s pollers, interpolated), per seed; above 1.00 a fixed poller would do better."
  )
}
if (!only || only === 'history') {
  const firstSeed = Number(process.env.TTR_BENCH_FIRST_SEED ?? 1)
  console.log(
    `\n1b. Without counts, if earlier runs' durations were known (measured, not built: bench/history.js), 10 seeds (from ${firstSeed}) × 400 jobs.`
  )
  results.history = historyBench({ firstSeed })
  table(
    ['shape', 'strategy', 'requests/run', '(spread)', 'delay p50 s', 'p95 s', '(spread)'],
    results.history.map((r) => [r.shape, r.strategy, f1(r.requests), r1(r.requestsSpread), f1(r.p50), f1(r.p95), r1(r.p95Spread)])
  )
}
if (!only || only === 'realtime') {
  console.log(
    '\n1c. The simulator against real time: the same short runs (10–40 s) followed by `node dist/index.js` against the sandbox, and by the simulator on a virtual clock. Medians; the gap is real minus simulated, per run.'
  )
  results.realtime = await realtimeBench()
  table(
    ['shape', 'runs', 'failed', 'reads real', 'simulated', '(gap per run)', 'delay real s', 'simulated s', '(gap per run, s)'],
    results.realtime.map((r) => [
      r.shape,
      r.runs,
      r.failed,
      f1(r.reads[0]),
      f1(r.reads[1]),
      `${r.readsSpread[0]}–${r.readsSpread[1]}`,
      f1(r.delayS[0]),
      f1(r.delayS[1]),
      r1([Math.min(...r.delayGapS), Math.max(...r.delayGapS)])
    ])
  )
}
// Part 3 is measured before part 2, on a machine not yet busy with 50 processes; printed in order.
if (!only || only === 'overhead') results.overhead = await overheadBench()
if (!only || only === 'concurrency') {
  console.log('\n2. Concurrency: 50 `node dist/index.js` at once (15 Testsigma, 15 Testery, 12 Gearset, 8 Evaficy), ~20 s runs')
  results.concurrency = await concurrencyBench()
  const c = results.concurrency
  table(
    ['steps', 'failed steps', '429 answers', 'beyond Gearset limit', 'requests', 'runs created', 'wall s', 'limit (others)'],
    [
      [
        c.steps,
        c.failedSteps,
        c.answers429,
        c.gearsetBeyondLimit,
        c.totalRequests,
        c.runsCreated,
        f1(c.wallSeconds),
        `${c.limitPerSecond}/s per platform`
      ]
    ]
  )
}
if (!only || only === 'overhead') {
  console.log('\n3. Step overhead: a fire-and-forget Evaficy trigger, median of 21, against `node -e 0` in the same loop')
  const o = results.overhead
  table(
    ['node -e 0 ms', 'step ms', 'ratio', 'node -e 0 peak MiB', 'step peak MiB', 'dist/index.js KiB'],
    [[f1(o.bareNodeMs), f1(o.stepMs), o.ratio.toFixed(2), f1(o.bareNodeMaxRssMiB), f1(o.stepMaxRssMiB), f1(o.bundleKiB)]]
  )
  console.log('\n   The same step, its spread over the rounds, with commitStatus on, and an earlier build (TTR_BENCH_BASELINE):')
  table(
    ['step ms (min–max)', 'with commitStatus ms (min–max)', 'its peak MiB', 'earlier build ms (min–max)'],
    [
      [
        `${f1(o.stepMs)} (${o.stepMsRange.join('–')})`,
        `${f1(o.withCommitStatusMs)} (${o.withCommitStatusMsRange.join('–')})`,
        f1(o.withCommitStatusMaxRssMiB),
        o.baselineMs === undefined ? '(not measured)' : `${f1(o.baselineMs)} (${o.baselineMsRange.join('–')})`
      ]
    ]
  )
  console.log(
    '\n   A comparable action in the same loop (TTR_BENCH_PEER: a bundle of Codex-/await-remote-run, awaiting a run that has ended):'
  )
  table(
    ['step ms', 'step peak MiB', 'peer ms (min–max)', 'peer peak MiB'],
    [
      [
        f1(o.stepMs),
        f1(o.stepMaxRssMiB),
        o.peerMs === undefined ? '(not measured)' : `${f1(o.peerMs)} (${o.peerMsRange.join('–')})`,
        o.peerMaxRssMiB === undefined ? '' : f1(o.peerMaxRssMiB)
      ]
    ]
  )
}

if (!only || only === 'gearset') {
  console.log('\n4. Several steps on one Gearset CI job (5 status reads per 5 s per job, shared): reads the server refused')
  const reps = Number(process.env.TTR_BENCH_GEARSET_REPS ?? 3)
  const cases = [
    { steps: 3, spreadMs: 0 },
    { steps: 12, spreadMs: 0 },
    { steps: 3, spreadMs: 30_000 },
    { steps: 12, spreadMs: 30_000 }
  ]
  results.gearsetShared = []
  for (const c of cases) {
    const runs = []
    for (let seed = 1; seed <= reps; seed++) runs.push(await gearsetSharedBench({ ...c, seed }))
    results.gearsetShared.push({ ...c, runs })
  }
  // The median run of the repetitions, with the lowest and highest.
  const spread = (xs, f, fmt = String) => {
    const v = xs.map(f).sort((a, b) => a - b)
    return `${fmt(v[Math.floor(v.length / 2)])} (${fmt(v[0])}–${fmt(v[v.length - 1])})`
  }
  table(
    [
      'steps',
      'start',
      'failed steps',
      'reads',
      'refused',
      'refused %',
      'job status refused',
      'run request refused',
      'seen late, median s',
      'max s'
    ],
    results.gearsetShared.map((g) => [
      g.steps,
      g.spreadMs ? `within ${g.spreadMs / 1000} s` : 'together',
      g.runs.reduce((n, r) => n + r.failedSteps, 0),
      spread(g.runs, (r) => r.reads),
      spread(g.runs, (r) => r.refused),
      spread(g.runs, (r) => Math.round(100 * r.refusedShare)),
      spread(g.runs, (r) => r.byRoute['job status']?.refused ?? 0),
      spread(g.runs, (r) => r.byRoute['run request']?.refused ?? 0),
      spread(g.runs, (r) => r.lateMedianSeconds, f1),
      spread(g.runs, (r) => r.lateMaxSeconds, f1)
    ])
  )
}

if (!only || only === 'many') {
  const seeds = Array.from({ length: Number(process.env.TTR_BENCH_MANY_SEEDS ?? 3) }, (_, i) => i + 1)
  console.log(
    `\n5. Ten runs: one step with lists, or ten matrix steps of one run each. Real steps (${process.env.TTR_NODE ? 'TTR_NODE' : process.version}) against the sandbox, seeds ${seeds.join(', ')}: median (lowest–highest).`
  )
  results.manyRuns = await manyRunsBench({ seeds })
  const mid = (xs, f, fmt = f1) => {
    const v = xs.map(f).sort((a, b) => a - b)
    return `${fmt(v[Math.floor(v.length / 2)])} (${fmt(v[0])}–${fmt(v.at(-1))})`
  }
  const whole = (n) => String(Math.round(n))
  const rows = []
  for (const [name, c] of [
    ['10 Testsigma plans', results.manyRuns.plans],
    ['10 runs, one Gearset job', results.manyRuns.sharedJob]
  ])
    for (const [how, runs] of [
      ['one step', c.oneStep],
      ['10 matrix steps', c.matrix]
    ])
      rows.push([
        name,
        how,
        runs.every((r) => r.passed) ? 'yes' : 'NO',
        mid(runs, (r) => r.runnerSeconds),
        mid(runs, (r) => r.billedMinutes, whole),
        mid(runs, (r) => r.requests, whole),
        mid(runs, (r) => r.refused, whole),
        mid(runs, (r) => r.seenLateMedian),
        mid(runs, (r) => r.seenLateMax),
        mid(runs, (r) => r.peakMiB)
      ])
  table(
    ['runs', 'how', 'all passed', 'runner s', 'billed min', 'requests', 'refused', 'end seen late, median s', 'max s', 'peak MiB / runner'],
    rows
  )
  for (const [runs, list] of Object.entries(results.manyRuns.memory)) {
    const mib = list.map((r) => r.mib).sort((a, b) => a - b)
    console.log(
      `   one step following ${runs} Testsigma run(s) over HTTPS: peak ${f1(mib[0])}–${f1(mib.at(-1))} MiB${list.some((r) => r.code !== 0 && r.status !== 'failed') ? ' (a step failed)' : ''}`
    )
  }
}

if (!only) writeFileSync(join(ROOT, 'bench/results.json'), `${JSON.stringify(results, null, 2)}\n`)
console.log(only ? '' : '\nWritten to bench/results.json')
