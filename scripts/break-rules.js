// Breaks each reliability rule on purpose, one at a time, and checks that the tests meant to guard
// it go red (CONTRIBUTING.md: break a rule on purpose once and watch a test go red). Each break is a
// one-place edit of src/; dist/ is rebuilt when end-to-end tests are among the guards. The tree
// is restored after every break, also when the script is interrupted.
//
//   node scripts/break-rules.js            every break
//   node scripts/break-rules.js R3a R7b    only these
//
// Prints one line per break: the rule, what was broken, and whether its guards failed (they must).
import { execFileSync, spawnSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { pathToFileURL } from 'node:url'

const UNIT = (...f) => f.map((x) => `__tests__/${x}.test.ts`)

/** { id, only (a jest -t pattern: the guarding tests), rule, what, file, from, to, tests } — `from` must occur exactly once in `file`. */
export const BREAKS = [
  {
    id: 'R1a',
    only: 'safeLink|rule 1',
    rule: 1,
    what: 'links to any https origin',
    file: 'src/providers/common.ts',
    from: 'return u.origin === origin && !u.username',
    to: 'return u.protocol === "https:" && !u.username',
    tests: [...UNIT('annotations', 'e2e-hardening')]
  },
  {
    id: 'R1b',
    only: 'outputs carry platform text|rule 1',
    rule: 1,
    what: 'run name output as the platform sent it',
    file: 'src/report.ts',
    from: 'runName: run.name === undefined ? undefined : oneLine(run.name, 300)',
    to: 'runName: run.name',
    tests: [...UNIT('annotations', 'e2e-hardening')]
  },
  {
    id: 'R2a',
    only: 'rule 2',
    rule: 2,
    what: "another run's answer taken as ours",
    file: 'src/wait.ts',
    from: 'if (s.id !== last.id) throw otherRun(provider.title, last.id, s.id)',
    to: '',
    tests: [...UNIT('wait', 'e2e-hardening')]
  },
  {
    id: 'R2b',
    only: 'attaching',
    rule: 2,
    what: "attach follows another run's answer",
    file: 'src/main.ts',
    from: 'if (found.id !== runId) throw otherRun(provider.title, runId, found.id)',
    to: '',
    tests: [...UNIT('e2e-hardening')]
  },
  {
    id: 'R3a',
    only: 'shrinks the attempt timeout|rule 3',
    rule: 3,
    what: 'attempt timeouts do not shrink to the deadline',
    file: 'src/http.ts',
    from: 'const timeoutMs = Math.min(usual, Math.max(this.deadline - started, this.o.lastLookMs ?? LAST_LOOK_MS))',
    to: 'const timeoutMs = usual',
    tests: [...UNIT('http', 'e2e-hardening')]
  },
  {
    id: 'R3b',
    only: 'one short attempt|near the deadline',
    rule: 3,
    what: 'retries right up to (and past) the deadline',
    file: 'src/http.ts',
    from: 'if (left <= MIN_RETRY_WINDOW_MS) throw e',
    to: 'if (left < -Infinity) throw e',
    tests: [...UNIT('http')]
  },
  {
    id: 'R3c',
    only: 'slow report reads|per-test results that never answer',
    rule: 3,
    what: 'per-test results read without the deadline budget',
    file: 'src/main.ts',
    from: 'return await s.provider.testResults(s.ctx, run, budget.signal)',
    to: 'return await s.provider.testResults(s.ctx, run, signal)',
    tests: [...UNIT('e2e-hardening')]
  },
  {
    id: 'R3d',
    only: 'account name',
    rule: 3,
    what: "Testery's account-name read gets the usual attempts",
    file: 'src/providers/testery.ts',
    from: '          attempts: 1,\n          timeoutMs: ACCOUNT_READ_MS\n',
    to: '',
    tests: [...UNIT('e2e-hardening')]
  },
  {
    id: 'R4a',
    only: 'while the start request is in flight',
    rule: 4,
    what: 'the start request does not hear the cancel signal',
    file: 'src/trigger.ts',
    from: 'provider.trigger(ctx, signal)',
    to: 'provider.trigger(ctx)',
    tests: [...UNIT('e2e-hardening')]
  },
  {
    id: 'R4b',
    only: 'cancelled during the trigger|rule 4',
    rule: 4,
    what: 'a cancelled start is treated as an ambiguous failure',
    file: 'src/trigger.ts',
    from: 'if (e instanceof PlatformError && signal?.aborted) throw cancelledWhileStarting(provider, e)',
    to: '',
    tests: [...UNIT('adoption', 'e2e-hardening')]
  },
  {
    id: 'R5a',
    only: 'owes it|is owed too',
    rule: 5,
    what: 'a failed cancel is not owed',
    file: 'src/main.ts',
    from: "saveState(STATE.cancelOwed, 'true')\n",
    to: '\n',
    tests: [...UNIT('e2e-hardening')]
  },
  {
    id: 'R5b',
    only: 'retries a cancel that got no answer',
    rule: 5,
    what: 'the post step tries once',
    file: 'src/main.ts',
    from: 'for (let attempt = 1; attempt <= 3; attempt++) {',
    to: 'for (let attempt = 1; attempt <= 1; attempt++) {',
    tests: [...UNIT('e2e-hardening')]
  },
  {
    id: 'R6a',
    only: 'rule 6',
    rule: 6,
    what: 'an empty retry bucket ends the wait',
    file: 'src/wait.ts',
    from: "isRetryable('GET', { ...f, budgetExhausted: undefined }) ||",
    to: "(!f.budgetExhausted && isRetryable('GET', f)) ||",
    tests: [...UNIT('wait')]
  },
  {
    id: 'R6b',
    only: 'refills the bucket',
    rule: 6,
    what: 'successful answers do not refill the bucket',
    file: 'src/http.ts',
    from: 'this.tokens = Math.min(RETRY_BUCKET.size, this.tokens + RETRY_BUCKET.refund)',
    to: '',
    tests: [...UNIT('http')]
  },
  {
    id: 'R7a',
    only: 'holds|rule 7',
    rule: 7,
    what: 'a pause asked for holds only the retry of that request',
    file: 'src/http.ts',
    from: 'this.notBefore.set(key, Math.max(this.notBefore.get(key) ?? 0, this.clock.now() + pause))',
    to: '',
    tests: [...UNIT('http', 'e2e-hardening')]
  },
  {
    id: 'R7b',
    only: 'past the deadline|rule 7',
    rule: 7,
    what: 'a pause past the deadline is slept through',
    file: 'src/http.ts',
    from: 'if (notBefore > this.deadline) {',
    to: 'if (notBefore < 0) {',
    tests: [...UNIT('http', 'e2e-hardening')]
  },
  {
    id: 'R8a',
    only: 'per-request size cap|20,000 tests',
    rule: 8,
    what: 'per-test results capped at 1 MiB',
    file: 'src/http.ts',
    from: 'const maxBytes = spec.maxBytes ?? this.o.maxBodyBytes ?? 1024 * 1024',
    to: 'const maxBytes = this.o.maxBodyBytes ?? 1024 * 1024',
    tests: [...UNIT('http', 'e2e-hardening')]
  },
  {
    id: 'R8b',
    only: 'past 10 MiB',
    rule: 8,
    what: 'past the cap the summary says nothing',
    file: 'src/main.ts',
    from: "if (e instanceof PlatformError && e.info.kind === 'too-large') {",
    to: "if (e instanceof PlatformError && e.info.kind === 'too-large' && Date.now() < 0) {",
    tests: [...UNIT('e2e-hardening')]
  },
  {
    id: 'R9a',
    only: 'proxy|CONNECT',
    rule: 9,
    what: 'a refused CONNECT is a reset (may have arrived)',
    file: 'src/network-errors.ts',
    from: 'if (tunnel?.[1]) {',
    to: 'if (tunnel?.[1] && Date.now() < 0) {',
    tests: [...UNIT('network-errors', 'e2e-network')]
  },
  {
    id: 'R9b',
    only: 'certificate',
    rule: 9,
    what: 'a TLS failure is an ordinary network error',
    file: 'src/network-errors.ts',
    from: 'if (code && TLS_CODES.has(code)) {',
    to: 'if (code && TLS_CODES.has(code) && Date.now() < 0) {',
    tests: [...UNIT('network-errors', 'e2e-network')]
  },
  {
    id: 'R10a',
    only: 'annotation places|rule 10|many failures are capped',
    rule: 10,
    what: 'no place kept for the verdict',
    file: 'src/annotations.ts',
    from: 'ANNOTATIONS_PER_KIND - used[kind] - (verdictGiven ? 0 : 1)',
    to: 'ANNOTATIONS_PER_KIND - used[kind]',
    tests: [...UNIT('annotations', 'e2e-hardening', 'e2e-failed-tests')]
  },
  {
    id: 'R10b',
    only: 'annotateTests',
    rule: 10,
    what: 'annotateTests ignored',
    file: 'src/main.ts',
    from: 'if (tests && inputs.annotateTests)',
    to: 'if (tests)',
    tests: [...UNIT('e2e-hardening')]
  },
  {
    id: 'R11a',
    only: 'startRun|ownRuns',
    rule: 11,
    what: 'a run of another build, environment or plan is adopted',
    file: 'src/trigger.ts',
    from: 'Object.entries(identity.shown).every(([field, sent]) => same(field, c.echoed[field], sent)) &&',
    to: '',
    tests: [...UNIT('adoption')]
  },
  {
    id: 'R11b',
    only: 'startRun|ownRuns',
    rule: 11,
    what: 'a run created before the request is adopted',
    file: 'src/trigger.ts',
    from: 'c.createdAt.getTime() >= earliest',
    to: 'true',
    tests: [...UNIT('adoption')]
  },
  {
    id: 'R11c',
    only: 'startRun|ownRuns',
    rule: 11,
    what: 'two candidates: the first is adopted',
    file: 'src/trigger.ts',
    from: 'if (mine.length === 1) {',
    to: 'if (mine.length >= 1) {',
    tests: [...UNIT('adoption')]
  },
  {
    id: 'R11d',
    only: 'failures',
    rule: 11,
    what: 'off by one in the failed-test list',
    file: 'src/report.ts',
    from: '.slice(0, MAX_LISTED_FAILURES)',
    to: '.slice(0, MAX_LISTED_FAILURES + 1)',
    tests: [...UNIT('annotations', 'e2e-hardening')]
  },
  {
    id: 'R11e',
    only: 'echoed back',
    rule: 11,
    what: 'only the plain token is scrubbed',
    file: 'src/text.ts',
    from: "for (const form of [secret, Buffer.from(secret).toString('base64'), encodeURIComponent(secret)]) {",
    to: 'for (const form of [secret]) {',
    tests: [...UNIT('e2e-hardening')]
  },
  {
    id: 'R11f',
    only: 'passed run writes its JUnit',
    rule: 11,
    what: 'no JUnit for a passed run',
    file: 'src/main.ts',
    from: "(run.status === 'passed' && !s.inputs.junitPath)",
    to: "run.status === 'passed'",
    tests: [...UNIT('e2e-hardening')]
  },
  {
    id: 'R11g',
    only: 'read limit',
    rule: 11,
    what: "Gearset's read limiter removed",
    file: 'src/http.ts',
    from: 'if (!limit || !pacer) return\n',
    to: 'if (!limit || !pacer || limit.count > 0) return\n',
    tests: [...UNIT('http', 'wait', 'e2e-hardening')]
  },
  {
    id: 'R11h',
    only: 'Retry-After on a successful read|holds the next request',
    rule: 11,
    what: 'Retry-After on a successful read ignored',
    file: 'src/http.ts',
    from: "const retryAfterMs = parseRetryAfter(res.message.headers['retry-after']) ?? limitMs",
    to: "const retryAfterMs = status >= 200 && status < 300 ? undefined : (parseRetryAfter(res.message.headers['retry-after']) ?? limitMs)",
    tests: [...UNIT('http', 'wait', 'e2e-hardening')]
  },
  {
    id: 'R11i',
    only: 'alone|shared with other',
    rule: 11,
    what: "a step's own reads counted as other readers crowding the shared limit",
    file: 'src/read-pacer.ts',
    from: 'const others = used - own\n',
    to: 'const others = used\n',
    tests: [...UNIT('read-pacer', 'http')]
  },
  {
    id: 'R11j',
    only: 'refused|shared with other',
    rule: 11,
    what: 'a refused read does not slow the pace kept for other readers',
    file: 'src/http.ts',
    from: 'if (status === 429) return this.pacer.refused(',
    to: 'if (status === 429 && own < 0) return this.pacer.refused(',
    tests: [...UNIT('http')]
  },
  {
    id: 'R11k',
    only: 'per action',
    rule: 11,
    what: "a pause asked for by one action holds every action (Gearset's limits are per action)",
    file: 'src/http.ts',
    from: "return this.o.limitsPerAction ? `${spec.method} ${spec.template}` : '*'",
    to: "return '*'",
    tests: [...UNIT('http', 'e2e-vendor')]
  },
  {
    id: 'R11l',
    only: 'per action|job-status read refused',
    rule: 11,
    what: "the wait sleeps through another action's pause (a refused job-status read)",
    file: 'src/http.ts',
    from: "const key = this.o.limitsPerAction ? this.runReadKey : '*'",
    to: "const key = this.o.limitsPerAction ? [...this.notBefore.keys()][0] : '*'",
    tests: [...UNIT('http', 'e2e-hardening')]
  },
  {
    id: 'R11m',
    only: 'refus',
    rule: 11,
    what: "a lone step's first refusal spaced as if a crowd had refused it (its Retry-After no longer the wait)",
    file: 'src/read-pacer.ts',
    from: 'if (retried && !this.crowded && !this.refusedAlone) {',
    to: 'if (retried && !this.crowded && !this.refusedAlone && own < 0) {',
    tests: [...UNIT('read-pacer', 'http')]
  },
  {
    id: 'R11n',
    only: 'alone',
    rule: 11,
    what: "a lone step's gaps jittered (up to 1.5x the platform's pace) though no other reader was seen",
    file: 'src/read-pacer.ts',
    from: 'const gap = this.crowded ? this.spacing * this.jitter : this.spacing',
    to: 'const gap = this.crowded || this.spacing > 0 ? this.spacing * this.jitter : this.spacing',
    tests: [...UNIT('read-pacer', 'http')]
  },
  {
    id: 'R11o',
    only: 'not sent again',
    rule: 11,
    what: 'a refused job-status read (never sent again) taken as a lone blip: steps that started together are not spread',
    file: 'src/read-pacer.ts',
    from: 'if (retried && !this.crowded && !this.refusedAlone) {',
    to: 'if ((retried || own > 0) && !this.crowded && !this.refusedAlone) {',
    tests: [...UNIT('read-pacer', 'http')]
  },
  {
    id: 'R11p',
    only: 'same action',
    rule: 11,
    what: "another action's reads counted as the step's own in a per-action window (other readers undercounted)",
    file: 'src/http.ts',
    from: 'const own = this.recentReads.filter((r) => r.key === key && sentAt - r.at < limit.perMs).length',
    to: 'const own = this.recentReads.filter((r) => (r.key === key || r.at >= 0) && sentAt - r.at < limit.perMs).length',
    tests: [...UNIT('http')]
  },
  {
    id: 'R11q',
    only: 'fair share',
    rule: 11,
    what: 'a crowd kept at half the shared window, not 40 %: random reads find it full 11 % of the time, not 5 %',
    file: 'src/read-pacer.ts',
    from: 'const TARGET_SHARE = 0.4',
    to: 'const TARGET_SHARE = 0.5',
    tests: [...UNIT('read-pacer', 'http')]
  }
]

function build() {
  execFileSync('npm', ['run', 'build'], { stdio: 'ignore' })
}

function main() {
  const only = process.argv.slice(2)
  const chosen = BREAKS.filter((b) => only.length === 0 || only.includes(b.id))
  let survived = 0
  for (const b of chosen) {
    const original = readFileSync(b.file, 'utf8')
    const count = original.split(b.from).length - 1
    if (count !== 1) {
      console.log(`${b.id} rule ${b.rule}: ${b.what}: NOT APPLIED (found ${count} times in ${b.file})`)
      survived++
      continue
    }
    const restore = () => writeFileSync(b.file, original)
    process.once('SIGINT', () => {
      restore()
      process.exit(130)
    })
    try {
      writeFileSync(b.file, original.replace(b.from, b.to))
      const e2e = b.tests.some((t) => t.includes('e2e-'))
      if (e2e) build()
      const r = spawnSync('npx', ['jest', ...b.tests, '-t', b.only], {
        env: { ...process.env, NODE_OPTIONS: '--experimental-vm-modules' },
        encoding: 'utf8'
      })
      const failed = /Tests:\s+(\d+) failed/.exec(r.stderr)?.[1]
      if (!/Tests:\s+/.test(r.stderr)) {
        // A break that does not compile proves nothing about the guards: say so, do not count it red.
        survived++
        console.log(`${b.id} rule ${b.rule}: ${b.what}: DID NOT RUN (the broken source did not build or no test ran)`)
      } else if (failed)
        console.log(
          `${b.id} rule ${b.rule}: ${b.what}: red (${failed} failed in ${b.tests.map((t) => t.replace(/^__tests__\/|\.test\.ts$/g, '')).join(', ')})`
        )
      else {
        survived++
        console.log(`${b.id} rule ${b.rule}: ${b.what}: SURVIVED (the guards stayed green)`)
      }
    } finally {
      restore()
    }
  }
  build()
  console.log(survived === 0 ? `All ${chosen.length} breaks turned their guards red.` : `${survived} of ${chosen.length} breaks survived.`)
  process.exitCode = survived === 0 ? 0 : 1
}

/** Where each break would be applied: the breaks whose `from` is not exactly once in its file. */
export function unappliable(breaks = BREAKS) {
  return breaks.filter((b) => readFileSync(b.file, 'utf8').split(b.from).length - 1 !== 1).map((b) => `${b.id} (${b.file})`)
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) main()
