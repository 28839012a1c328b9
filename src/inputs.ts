// Reads every input of action.yml, validates it with zod, and returns one typed object.
// Every problem is collected and reported at once, one line each, naming the input.
import * as core from '@actions/core'
import * as z from 'zod/mini'
import { PROVIDER_NAMES, type ProviderName } from './model.js'

/** Every input the action reads, in action.yml order. A test keeps this and action.yml equal. */
export const INPUT_NAMES = [
  'provider',
  'token',
  'projectId',
  'scenarioId',
  'environment',
  'buildVersion',
  'runName',
  'wait',
  'timeoutMinutes',
  'pollIntervalSeconds',
  'failOnTestFailure',
  'cancelOnAbort',
  'runId',
  'junitPath',
  'baseUrl',
  'gitRef',
  'gitBranch',
  'latestDeploy',
  'updateVcsStatus',
  'variables',
  'includeTags',
  'excludeTags',
  'testFilters',
  'executionConfig',
  'annotateTests',
  'failOnNoTests',
  'failFast',
  'rerunFailed',
  'failOnFlaky',
  'previewUrl',
  'previewUrlVariable',
  'commitStatus',
  'prComment',
  'githubToken'
] as const
export type InputName = (typeof INPUT_NAMES)[number]

/** Defaults used when an input is empty; a test checks they equal action.yml's. */
export const INPUT_DEFAULTS: Partial<Record<InputName, string>> = {
  provider: 'evaficy',
  wait: 'false',
  timeoutMinutes: '60',
  failOnTestFailure: 'true',
  failOnNoTests: 'true',
  cancelOnAbort: 'false',
  failFast: 'false',
  rerunFailed: '0',
  failOnFlaky: 'false',
  latestDeploy: 'false',
  updateVcsStatus: 'true',
  annotateTests: 'true',
  commitStatus: 'false',
  prComment: 'false'
}

/** A variable passed to the run (Testsigma runtime data, Testery variables). */
export interface RunVariable {
  key: string
  value: string
  /** `secure:KEY=value`: Testery stores it encrypted; the value is masked in the log. */
  secure: boolean
}

/**
 * One run of the step: what it starts (a plan, suite or job, on an environment) or the run it
 * attaches to. A step of several runs has one per combination of `scenarioId` and `environment`,
 * or one per `runId` (README, One gate over several runs).
 */
export interface RunSpec {
  scenarioId?: string
  environment?: string
  runId?: string
}

/** The most runs one step starts or follows: beyond it, an input error and nothing is sent. */
export const MAX_RUNS = 20

/** The most re-runs of a run's failed tests one step asks for. */
export const MAX_RERUNS = 3

export interface Inputs {
  provider: ProviderName
  token: string
  projectId?: string
  scenarioId?: string
  environment?: string
  buildVersion: string
  /** `buildVersion` was given, not defaulted to the commit (Testery sends a build only then). */
  buildChosen: boolean
  runName?: string
  wait: boolean
  timeoutMinutes: number
  pollIntervalSeconds?: number
  failOnTestFailure: boolean
  failOnNoTests: boolean
  cancelOnAbort: boolean
  /** A step of several runs: once one run fails the step, the others are cancelled (where safe) and not waited for. */
  failFast: boolean
  /**
   * Every run of the step, in order: one for a single run, whose values are also `scenarioId`,
   * `environment` and `runId` above. With several, those name the first run only: each run's own
   * inputs come from `inputsOf`.
   */
  runs: RunSpec[]
  /** Re-runs of a failed run's failed tests, at most MAX_RERUNS (docs/how-it-works.md, Flaky tests). */
  rerunFailed: number
  /** A test that passed only on a re-run fails the step. */
  failOnFlaky: boolean
  runId?: string
  junitPath?: string
  baseUrl?: string
  /** The commit to run: Testery `ref` (the tests' repository), Gearset `SourceGitCommitId`. */
  gitRef?: string
  /** Testery `branch`: the latest commit of this branch of the tests' repository. */
  gitBranch?: string
  /** Testery `latestDeploy`: the tests last deployed to the environment. */
  latestDeploy: boolean
  /** Testery `updateVcsStatus`, true unless turned off (as the official CLI sends it). */
  updateVcsStatus: boolean
  variables?: RunVariable[]
  includeTags?: string[]
  excludeTags?: string[]
  testFilters?: string[]
  /** Testsigma `executionConfig`: a saved partial-run configuration, by ID or by name. */
  executionConfig?: string
  /** One annotation per failed test (off when another reporter publishes the JUnit file). */
  annotateTests: boolean
  /** The URL a deploy just made (previewUrl, or a deployment_status event's environment_url). */
  previewUrl?: string
  /** The variable the run gets previewUrl as; it is one of `variables` once parsed. */
  previewUrlVariable?: string
  /** A commit status on the tested commit: pending, then the verdict. */
  commitStatus: boolean
  /** The run's summary as a pull-request comment, one per plan, updated in place. */
  prComment: boolean
  /** The token for GitHub's API (the workflow's own token by default). */
  githubToken?: string
}

const HEX24 = /^[0-9a-f]{24}$/i
const DIGITS = /^[0-9]{1,18}$/
// `.` and `..` would leave the run's route once placed in a path (docs/reliability.md, "Identifiers").
const SAFE_ID = /^(?!\.{1,2}$)[A-Za-z0-9._-]{1,128}$/

const optional = z.pipe(
  z.string(),
  z.transform((v) => (v === '' ? undefined : v))
)

// YAML 1.2 core schema booleans, as core.getBooleanInput accepts them.
const boolean = z.pipe(
  z.enum(['true', 'True', 'TRUE', 'false', 'False', 'FALSE'], { error: 'must be true or false' }),
  z.transform((v) => v.toLowerCase() === 'true')
)

const positiveNumber = (what: string) =>
  z.pipe(
    z.pipe(z.string().check(z.regex(/^\s*[0-9]*\.?[0-9]+\s*$/, { error: `must be ${what}` })), z.transform(Number)),
    z.number().check(z.refine((n) => Number.isFinite(n) && n > 0, { error: `must be ${what}` }))
  )

/** An input that may be left empty: empty is "not given", anything else must pass `inner`. */
const emptyOr = <T>(inner: z.core.$ZodType<T, string>) =>
  z.pipe(
    z.string(),
    z.transform((v, ctx) => {
      if (v === '') return undefined
      const r = z.safeParse(inner, v)
      if (r.success) return r.data
      for (const issue of r.error.issues) ctx.issues.push({ code: 'custom', message: issue.message, input: v })
      return z.NEVER
    })
  )

/** Non-empty, trimmed lines (and, with `commas`, comma-separated items) of a list input. */
const items = (commas: boolean) =>
  z.pipe(
    z.string(),
    z.transform((v) =>
      v
        .split(commas ? /[,\n]/ : /\n/)
        .map((x) => x.trim())
        .filter((x) => x !== '')
    )
  )

const list = (commas: boolean, what: string) =>
  emptyOr(
    z.pipe(
      items(commas),
      z.array(
        z
          .string()
          .check(
            z.maxLength(500, { error: `has an item over 500 characters; each item must be ${what}` }),
            z.regex(/^[^\u0000-\u001f\u007f]*$/, { error: `has a control character; each item must be ${what}` })
          )
      )
    )
  )

// The inputs that may name several runs: comma- or line-separated, each item checked by the
// platform's own rules as a single value would be.
const runList = emptyOr(items(true))

const VARIABLE_KEY = /^[A-Za-z_][A-Za-z0-9_.-]{0,127}$/

// KEY=value lines; `secure:KEY=value` for a value Testery should store encrypted (as its CLI's --variable).
// Problems name the line, never the value (a value may be a secret).
const variables = z.pipe(
  z.string(),
  z.transform((v, ctx) => {
    const out: RunVariable[] = []
    const problem = (message: string) => ctx.issues.push({ code: 'custom', message, input: '' })
    v.split('\n').forEach((raw, i) => {
      const line = raw.replace(/\r$/, '')
      if (line.trim() === '' || line.trim().startsWith('#')) return
      const secure = line.startsWith('secure:')
      const body = secure ? line.slice('secure:'.length) : line
      const eq = body.indexOf('=')
      const key = eq < 0 ? '' : body.slice(0, eq).trim()
      if (!VARIABLE_KEY.test(key))
        return problem(`line ${i + 1} must be KEY=value, with a KEY of letters, digits, "_", "." or "-" (a # line is a comment)`)
      if (out.some((o) => o.key === key)) return problem(`line ${i + 1} repeats the key ${key}; give each key once`)
      out.push({ key, value: body.slice(eq + 1), secure })
    })
    return ctx.issues.length ? z.NEVER : out
  })
)

const LOOPBACK = /^(localhost|127(\.[0-9]{1,3}){3}|\[::1\])$/i

const baseUrl = z.pipe(
  z.string(),
  z.transform((v, ctx) => {
    const problem = (message: string) => ctx.issues.push({ code: 'custom', message, input: v })
    let url: URL
    try {
      url = new URL(v)
    } catch {
      problem('is not a URL; give an origin such as https://api.example.com')
      return z.NEVER
    }
    if (url.username || url.password) problem('must not contain a user name or password; pass credentials in `token`')
    const loopback = LOOPBACK.test(url.hostname)
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
      problem('must use https:// (http:// is allowed only for localhost and 127.0.0.1)')
    }
    if (url.search || url.hash) problem('must not have a query string or fragment')
    return `${url.origin}${url.pathname.replace(/\/+$/, '')}`
  })
)

const schema = z.object({
  // Checked against the registry's names in parseInputs: a name there is a ProviderName.
  provider: z.custom<ProviderName>((v) => typeof v === 'string'),
  token: z.string().check(
    z.minLength(1, { error: 'is required: pass the platform API token from a secret, e.g. token: ${{ secrets.TEST_PLATFORM_TOKEN }}' }),
    z.refine((t) => !/^(bearer|token)[:\s]/i.test(t), {
      error: 'starts with "Bearer" or "token"; store only the token itself, the action adds the scheme'
    }),
    z.refine((t) => !/\s/.test(t), { error: 'contains a space or line break; store only the token itself in the secret' })
  ),
  projectId: optional,
  scenarioId: runList,
  environment: runList,
  buildVersion: optional,
  runName: optional,
  wait: boolean,
  timeoutMinutes: positiveNumber('a positive number of minutes, e.g. 30 or 0.5'),
  pollIntervalSeconds: emptyOr(
    z.pipe(
      positiveNumber('a number of seconds, 1 or more'),
      z.number().check(z.refine((n) => n >= 1, { error: 'must be 1 or more seconds' }))
    )
  ),
  failOnTestFailure: boolean,
  failOnNoTests: boolean,
  cancelOnAbort: boolean,
  failFast: boolean,
  rerunFailed: z.pipe(
    z.string().check(z.regex(/^\s*[0-9]+\s*$/, { error: `must be a whole number of re-runs, 0 to ${MAX_RERUNS}` })),
    z.pipe(
      z.transform(Number),
      z.number().check(
        z.refine((n) => n <= MAX_RERUNS, {
          error: `must be at most ${MAX_RERUNS}: a test that fails ${MAX_RERUNS + 1} times is not flaky`
        })
      )
    )
  ),
  failOnFlaky: boolean,
  runId: runList,
  junitPath: optional,
  baseUrl: emptyOr(baseUrl),
  gitRef: emptyOr(
    z.string().check(z.regex(/^[0-9a-f]{7,64}$/i, { error: 'must be a commit SHA (7 to 64 hex characters), e.g. ${{ github.sha }}' }))
  ),
  gitBranch: emptyOr(
    z.string().check(
      z.regex(/^(?!-)(?!.*\.\.)[^\s~^:?*[\\\u0000-\u001f\u007f]{1,255}$/, {
        error: 'must be a git branch name (no spaces, "..", "~", "^", ":", "?", "*", "[" or "\\"), e.g. main'
      })
    )
  ),
  latestDeploy: boolean,
  updateVcsStatus: boolean,
  variables: emptyOr(variables),
  includeTags: list(true, 'a tag'),
  excludeTags: list(true, 'a tag'),
  testFilters: list(false, 'a regular expression, one per line'),
  executionConfig: emptyOr(
    z
      .string()
      .check(z.regex(/^[^\u0000-\u001f\u007f]{1,200}$/, { error: 'must be the ID or the name of a saved run configuration, on one line' }))
  ),
  annotateTests: boolean,
  previewUrl: emptyOr(z.string()),
  previewUrlVariable: emptyOr(
    z.string().check(z.regex(VARIABLE_KEY, { error: 'must be a variable name of letters, digits, "_", "." or "-", e.g. BASE_URL' }))
  ),
  commitStatus: boolean,
  prComment: boolean,
  githubToken: optional
})

type RunListName = 'scenarioId' | 'environment' | 'runId'

/** The inputs as parsed, before the platform's own rules and defaults apply; one run's values. */
export type ParsedInputs = Omit<z.infer<typeof schema>, RunListName> & RunSpec

/** Shows an ID in a message only when it is short and plain; otherwise only its length. */
function shown(value: string): string {
  return /^[\w.-]{1,48}$/.test(value) ? `"${value}"` : `a ${value.length}-character value`
}

/** Checks a provider's input rules use: each adds one line naming the input when it finds a problem. */
export interface InputChecks {
  /** The input is required: a problem when it is empty. True when it has a value. */
  need(name: InputName, value: string | undefined, what: string): value is string
  /** The input, when given, must match `re` (`what` says what it must be). */
  shape(name: InputName, value: string | undefined, re: RegExp, what: string): void
  /** Any other problem, as one line starting with "Input `name`". */
  problem(line: string): void
}

/** What a provider declares about its inputs (each provider file holds its own). */
export interface InputRules {
  /** The inputs it reads beyond SHARED_INPUTS; another one given is warned about, and ignored. */
  readonly uses: readonly InputName[]
  /** Its own rules: which IDs are required and what they look like. */
  check(p: ParsedInputs, c: InputChecks): void
  /**
   * Inputs it takes whole, never as a list of runs: a free-text value that may hold a comma
   * (Evaficy's environment name).
   */
  readonly whole?: readonly RunListName[]
  /**
   * How it re-runs a run's failed tests, where it documents a re-run of only those (Testsigma);
   * absent: `rerunFailed` is an input error naming the platform.
   */
  readonly rerun?: string
  /** Its rules over the runs of one step together, when there are several (Testery: one run per environment). */
  checkRuns?(runs: readonly RunSpec[], c: InputChecks): void
}

/** Inputs every platform reads. */
export const SHARED_INPUTS: readonly InputName[] = [
  'provider',
  'token',
  'scenarioId',
  'wait',
  'timeoutMinutes',
  'pollIntervalSeconds',
  'failOnTestFailure',
  'failOnNoTests',
  'failFast',
  'rerunFailed',
  'failOnFlaky',
  'cancelOnAbort',
  'runId',
  'baseUrl',
  'commitStatus',
  'prComment',
  'githubToken',
  'previewUrl',
  'previewUrlVariable'
]

/** ID shapes the platforms' rules share. */
export const ID_SHAPES = { hex24: HEX24, digits: DIGITS, safeId: SAFE_ID } as const

function platformProblems(p: ParsedInputs, rules: InputRules): string[] {
  const out: string[] = []
  const checks = checksOf(p, out)
  rules.check(p, checks)
  checks.shape('runId', p.runId, SAFE_ID, 'a run ID of letters, digits, ".", "_" or "-", other than "." or ".."')
  return out
}

/** The checks a provider's rules use, each problem one line added to `out`. */
function checksOf(p: ParsedInputs, out: string[]): InputChecks {
  return {
    need: (name, value, what): value is string => {
      if (value === undefined) out.push(`Input \`${name}\` is required for ${p.provider}: ${what}.`)
      return value !== undefined
    },
    shape: (name, value, re, what) => {
      if (value !== undefined && !re.test(value)) out.push(`Input \`${name}\` must be ${what} (got ${shown(value)}).`)
    },
    problem: (line) => void out.push(line)
  }
}

/**
 * A preview deploy's URL handed to the run as the variable `previewUrlVariable` names: `previewUrl`,
 * or a deployment_status event's environment_url. Only an https URL with no user name or password;
 * only on a platform whose runs take variables; never twice under one name. Adds it to
 * `p.variables` and returns the problems, one line each.
 */
function withPreviewUrl(p: ParsedInputs, rules: InputRules, eventUrl: string | undefined): string[] {
  const name = p.previewUrlVariable
  if (!name)
    return p.previewUrl
      ? ['Input `previewUrl` needs `previewUrlVariable`: the name of the variable the run gets the URL as, e.g. BASE_URL.']
      : []
  if (!rules.uses.includes('variables'))
    return [`Input \`previewUrlVariable\` cannot be used with ${p.provider}: its runs take no variables.`]
  const url = p.previewUrl ?? eventUrl
  const from = p.previewUrl ? 'Input `previewUrl`' : "Input `previewUrlVariable`: the deployment_status event's environment_url"
  if (!url)
    return ['Input `previewUrlVariable` needs a URL: set `previewUrl`, or run the step on a deployment_status event (its environment_url).']
  let parsed: URL | undefined
  try {
    parsed = new URL(url)
  } catch {
    parsed = undefined
  }
  if (!parsed || parsed.protocol !== 'https:') return [`${from} must be an https:// URL.`]
  if (parsed.username || parsed.password) return [`${from} must not contain a user name or password (pass them as a secure: variable).`]
  if (p.variables?.some((v) => v.key === name))
    return [`Input \`previewUrlVariable\` names ${name}, which \`variables\` also sets: give it once.`]
  // The parsed form (no stray characters), without the "/" it adds to a bare host: as the user wrote it.
  const bare = parsed.pathname === '/' && !parsed.search && !parsed.hash && !url.trim().endsWith('/')
  p.variables = [...(p.variables ?? []), { key: name, value: bare ? parsed.href.slice(0, -1) : parsed.href, secure: false }]
  return []
}

export interface ReadInputsResult {
  inputs?: Inputs
  problems: string[]
  warnings: string[]
  /** Why the problems may not be the inputs' fault at all, said before them (not one of them). */
  cause?: string
}

/**
 * A step written for another platform that left `provider` out is checked as the default's. The
 * signs: inputs the default does not read, or `wait: true`, which it cannot do (every other
 * platform's quick start waits). An ID alone is no sign: any platform's may be mistyped.
 */
function defaultProviderCause(provider: ProviderName, waits: boolean, warnings: string[], names: readonly string[]): string | undefined {
  if (provider !== INPUT_DEFAULTS.provider || (warnings.length === 0 && !waits)) return undefined
  return `Input \`provider\` is \`${provider}\`, its default when the step leaves it out, so the inputs were checked as ${provider}'s: if this step is for another platform, set \`provider\` (one of ${names.join(', ')}).`
}

/**
 * Validates the raw input strings. `defaultBuildVersion` is the commit SHA.
 * Returns every problem at once; `inputs` is set only when there are none.
 */
export function parseInputs(
  raw: Record<InputName, string>,
  defaultBuildVersion: string,
  rulesOf: (provider: ProviderName) => InputRules,
  names: readonly string[] = PROVIDER_NAMES,
  eventPreviewUrl?: string
): ReadInputsResult {
  const withDefaults = Object.fromEntries(INPUT_NAMES.map((n) => [n, raw[n] === '' ? (INPUT_DEFAULTS[n] ?? '') : raw[n]])) as Record<
    InputName,
    string
  >
  // Each input is parsed on its own so that one bad value does not hide the problems of the others.
  const problems: string[] = []
  const values: Record<string, unknown> = {}
  for (const name of INPUT_NAMES) {
    const r = z.safeParse(schema.shape[name], withDefaults[name])
    if (name === 'provider' && !names.includes(withDefaults[name])) problems.push(`Input \`provider\` must be one of ${names.join(', ')}.`)
    else if (r.success) values[name] = r.data
    else problems.push(`Input \`${name}\` ${r.error.issues[0].message}.`) // the first problem of each input is enough
  }
  if (values.provider === undefined) return { problems, warnings: [] }
  const lists = values as Partial<Record<RunListName, string[]>>
  const rules = rulesOf(values.provider as ProviderName)
  for (const name of rules.whole ?? []) lists[name] = withDefaults[name] === '' ? undefined : [withDefaults[name]]
  // An input the platform does not read names no runs (it is warned about below, and ignored).
  const runs = runsOf(rules.uses.includes('environment') ? lists : { ...lists, environment: undefined }, problems)
  const p = { ...values, ...runs[0], environment: runs[0].environment ?? lists.environment?.[0] } as ParsedInputs
  // Each run is checked as a step of that one run would be; a problem they share is said once.
  problems.push(...new Set(runs.flatMap((run) => platformProblems({ ...p, ...run }, rules))))
  if (runs.length > 1) rules.checkRuns?.(runs, checksOf(p, problems))
  if (p.rerunFailed > 0) problems.push(...rerunProblems(p, rules, runs.length))
  // Their own shapes first: a preview URL rule only speaks of inputs that parsed.
  if (!problems.some((l) => l.startsWith('Input `previewUrl'))) problems.push(...withPreviewUrl(p, rules, eventPreviewUrl))
  // One line per problem, in action.yml's order of inputs, whichever check found it.
  const rank = (line: string) => INPUT_NAMES.indexOf(/^Input `(\w+)`/.exec(line)?.[1] as InputName)
  problems.sort((a, b) => rank(a) - rank(b))
  // Only what the user wrote is worth a warning, not a default.
  const warnings = INPUT_NAMES.filter(
    (name) => !SHARED_INPUTS.includes(name) && !rules.uses.includes(name) && raw[name] !== '' && raw[name] !== INPUT_DEFAULTS[name]
  ).map((name) => `Input \`${name}\` is not used by ${p.provider}; it is ignored.`)
  if (problems.length > 0) return { problems, warnings, cause: defaultProviderCause(p.provider, p.wait === true, warnings, names) }
  return {
    problems,
    warnings,
    inputs: { ...p, runs, buildVersion: p.buildVersion ?? defaultBuildVersion, buildChosen: p.buildVersion !== undefined }
  }
}

/**
 * The runs the step's lists name (README, One gate over several runs): one per `runId`, or one per
 * combination of `scenarioId` and `environment`, at most MAX_RUNS. A repeated item, several IDs to
 * attach to beside several plans or environments, or too many runs: one problem line each.
 */
function runsOf(lists: Partial<Record<RunListName, string[]>>, problems: string[]): RunSpec[] {
  const list = (name: RunListName): (string | undefined)[] => {
    const given = lists[name] ?? []
    const twice = given.filter((v, i) => given.indexOf(v) !== i)
    for (const v of new Set(twice)) problems.push(`Input \`${name}\` lists ${shown(v)} twice; give each once.`)
    return given.length > 0 ? [...new Set(given)] : [undefined]
  }
  const [plans, environments, ids] = [list('scenarioId'), list('environment'), list('runId')]
  if (ids[0] !== undefined) {
    // The runs named by ID are read under one plan or job and environment (a Gearset job's runs).
    for (const [name, values] of [
      ['scenarioId', plans],
      ['environment', environments]
    ] as const)
      if (values.length > 1)
        problems.push(
          `Input \`${name}\` names several values beside \`runId\`: the runs in \`runId\` are read under one ${name}; give one.`
        )
    if (ids.length > MAX_RUNS) problems.push(`Input \`runId\` names ${ids.length} runs; one step follows at most ${MAX_RUNS}.`)
    return ids.map((runId) => ({ scenarioId: plans[0], environment: environments[0], runId }))
  }
  const runs = plans.flatMap((scenarioId) => environments.map((environment) => ({ scenarioId, environment })))
  if (runs.length > MAX_RUNS)
    problems.push(
      `Input \`scenarioId\` with \`environment\` names ${runs.length} runs (${plans.length} × ${environments.length}); one step starts at most ${MAX_RUNS}: split them over two steps, or a matrix.`
    )
  return runs
}

/** What stands in the way of re-running failed tests (docs/how-it-works.md, Flaky tests): one line each. */
function rerunProblems(p: ParsedInputs, rules: InputRules, runs: number): string[] {
  if (!rules.rerun)
    return [
      `Input \`rerunFailed\` cannot be used with ${p.provider}: this action re-runs failed tests only where the platform documents a re-run of only a run's failed tests (testsigma).`
    ]
  const out: string[] = []
  if (!p.wait && p.runId === undefined)
    out.push('Input `rerunFailed` needs `wait: true`: a failed run is re-run only once this step has seen it end.')
  if (runs > 1) out.push('Input `rerunFailed` works on a step of one run: give one `scenarioId` and `environment`, or use a matrix.')
  return out
}

/** One run's inputs: the step's, with that run's plan, environment and run ID. */
export function inputsOf(inputs: Inputs, run: RunSpec): Inputs {
  return { ...inputs, scenarioId: run.scenarioId, environment: run.environment, runId: run.runId }
}

/** Reads the inputs the way the runner passes them (INPUT_* variables). */
export function readInputs(
  defaultBuildVersion: string,
  rulesOf: (provider: ProviderName) => InputRules,
  names: readonly string[] = PROVIDER_NAMES,
  eventPreviewUrl?: string
): ReadInputsResult {
  const raw = Object.fromEntries(INPUT_NAMES.map((n) => [n, core.getInput(n)])) as Record<InputName, string>
  return parseInputs(raw, defaultBuildVersion, rulesOf, names, eventPreviewUrl)
}
