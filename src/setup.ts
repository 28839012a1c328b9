// The step's setting up, the same for the main and the post step: the inputs read and checked, the
// platform's client, the report's context and the GitHub publisher.
import * as core from '@actions/core'
import { randomUUID } from 'node:crypto'
import { annotate, verdict } from './annotations.js'
import { HttpApi } from './http.js'
import type { Clock } from './clock.js'
import { inputsOf, readInputs, type Inputs } from './inputs.js'
import { REGISTRY, type Registry } from './providers/index.js'
import { withoutApiPath } from './providers/common.js'
import type { Provider, ProviderContext } from './providers/types.js'
import type { ReportContext } from './report.js'
import { readRunContext } from './run-context.js'
import { GitHubPublisher } from './github/publish.js'
import { readTarget } from './github/target.js'
import { oneLine } from './text.js'
import { stepState } from './step-state.js'

export interface Setup {
  inputs: Inputs
  provider: Provider
  ctx: ProviderContext
  report: ReportContext
  /**
   * The step's deadline on the clock: `timeoutMinutes` from the start, bounding every request of
   * the main step. The post step has its own budget, and no deadline from the main step's inputs.
   */
  deadline: number
  /** The commit status and pull-request comment, when asked for. */
  github?: GitHubPublisher
  /**
   * Which of the step's runs this is about (`inputs.runs`): 0 for a step of one run. A step of
   * several has a view of its own per run (`forRun`), saving that run's state under its index.
   */
  index: number
  /** The step log: a run of several says which it is at the start of each line. */
  log: (line: string) => void
  /** How a run of several is named at the start of its lines and warnings ("[2090 · 10] "); empty for one run. */
  tag: string
  /** The step's Idempotency-Key: a start of its own (another run, a re-run) adds its place to it. */
  idempotencyKey: string
}

/** Reads and checks the inputs; reports the problems and returns nothing when there are any. */
export function setUp(clock: Clock, step: 'main' | 'post' = 'main', registry: Registry = REGISTRY): Setup | undefined {
  const runContext = readRunContext()
  const { inputs, problems, warnings, cause } = readInputs(
    runContext.sha,
    (name) => registry.providerFor(name).inputRules,
    registry.names,
    runContext.previewUrl
  )
  // The main step said these already; the post step reads the same inputs.
  if (step === 'main') for (const w of warnings) annotate('warning', w)
  if (!inputs) {
    if (cause) annotate('error', cause)
    for (const p of problems) annotate('error', p)
    verdict(
      'error',
      `The step's inputs have ${problems.length} problem${problems.length === 1 ? '' : 's'} (listed above); no request was sent.`
    )
    return undefined
  }
  const provider = registry.providerFor(inputs.provider)
  // A secure variable's value is a secret like the token: masked before anything can print it.
  for (const v of inputs.variables ?? []) if (v.secure && v.value) core.setSecret(v.value)
  // One key per invocation, saved before the first attempt: every attempt of the trigger carries it.
  const idempotencyKey = stepState.idempotencyKey() || randomUUID()
  stepState.setIdempotencyKey(idempotencyKey)
  const deadline = step === 'main' ? clock.now() + inputs.timeoutMinutes * 60_000 : Infinity
  const http = new HttpApi(
    {
      platform: provider.title,
      baseUrl: baseUrlOf(inputs, provider, step),
      authorization: provider.authorization(inputs.token),
      secrets: [inputs.token],
      hints: provider.hints,
      errorMessage: provider.errorMessage,
      rateLimitHeaders: provider.rateLimitHeaders,
      runsPage: provider.runsPage,
      headers: provider.headers,
      readLimit: provider.readLimit,
      limitsPerAction: provider.limitsPerAction,
      idempotencyKey,
      clock
    },
    deadline
  )
  const report: ReportContext = {
    provider: provider.name,
    platform: provider.title,
    ...runReport(provider, inputs),
    notes: [],
    nextStep: provider.nextStep,
    repositoryUrl: runContext.repositoryUrl
  }
  const note = (line: string) => {
    annotate('warning', oneLine(line, 500))
    report.notes.push(line)
  }
  const github = step === 'main' ? gitHubPublisher(inputs, provider) : undefined
  return {
    inputs,
    provider,
    ctx: { inputs, http, run: runContext, note },
    report,
    deadline,
    github,
    index: 0,
    log: (l) => core.info(l),
    tag: '',
    idempotencyKey
  }
}

/** What the report says of how one run was started: where, which build, and the platform's details. */
function runReport(provider: Provider, inputs: Inputs): Pick<ReportContext, 'environment' | 'buildVersion' | 'details'> {
  return {
    environment: inputs.environment,
    buildVersion: inputs.runId || (provider.buildSelectsCode && !inputs.buildChosen) ? undefined : inputs.buildVersion,
    details: inputs.runId ? [] : (provider.startDetails?.(inputs) ?? [])
  }
}

/**
 * The view of one run of a step of several (README, One gate over several runs): its own inputs,
 * its own Idempotency-Key on the same client (one pace, one retry budget, one deadline for them
 * all), its own commit status; the notes, the deadline and the signal stay the step's.
 */
export function forRun(s: Setup, index: number): Setup {
  const inputs = inputsOf(s.inputs, s.inputs.runs[index])
  const key = `${s.idempotencyKey}-${index + 1}`
  const { title, key: statusKey } = publishedAs(s.provider, inputs)
  return {
    ...s,
    inputs,
    ctx: { ...s.ctx, inputs, http: s.ctx.http.startingWith(key) },
    report: { ...s.report, ...runReport(s.provider, inputs) },
    github: s.github?.as(title, statusKey, { prComment: false }),
    index,
    log: (l) => core.info(`${runTag(inputs)} ${l}`),
    tag: `${runTag(inputs)} `
  }
}

/** The base URL requests go to: `baseUrl` without the vendor's documented API path, or the platform's own. */
function baseUrlOf(inputs: Inputs, provider: Provider, step: 'main' | 'post'): string {
  if (!inputs.baseUrl) return provider.defaultBaseUrl
  const base = provider.apiPath ? withoutApiPath(inputs.baseUrl, provider.apiPath) : inputs.baseUrl
  if (base !== inputs.baseUrl && step === 'main')
    core.info(
      `baseUrl ends with ${provider.apiPath}, the path every ${provider.title} request starts with: sending to ${base}${provider.apiPath}/…`
    )
  return base
}

/** The commit status and pull-request comment, when asked for and possible; a warning when not. */
function gitHubPublisher(inputs: Inputs, provider: Provider): GitHubPublisher | undefined {
  if (!inputs.commitStatus && !inputs.prComment) return undefined
  const asked = [inputs.commitStatus && 'commitStatus', inputs.prComment && 'prComment'].filter(Boolean).join(' and ')
  if (!inputs.githubToken) {
    annotate('warning', `${asked}: \`githubToken\` is empty, so nothing is written to GitHub. Leave it out to use the workflow's token.`)
    return undefined
  }
  core.setSecret(inputs.githubToken)
  const target = readTarget()
  if (typeof target === 'string') {
    annotate('warning', `${asked}: ${target}, so nothing is written to GitHub.`)
    return undefined
  }
  const { title, key } = publishedAs(provider, inputs)
  return new GitHubPublisher({
    token: inputs.githubToken,
    target,
    commitStatus: inputs.commitStatus,
    prComment: inputs.prComment,
    title,
    key,
    warn: (l) => annotate('warning', l),
    info: (l) => core.info(l),
    debug: (l) => core.debug(l)
  })
}

/**
 * The commit status's context (what a branch protection rule requires) and the comment's key: the
 * platform, what ran and where, so they stay the same from one workflow run to the next. A step
 * that attaches with `runId` alone knows no plan: its run ID names it, so that two such steps (a
 * matrix attaching to several runs) never write over each other's verdict (README, Results on the
 * pull request).
 */
export function publishedAs(
  provider: { title: string; name: string },
  inputs: Pick<Inputs, 'scenarioId' | 'projectId' | 'environment' | 'runId'>
): { title: string; key: string } {
  const plan = inputs.scenarioId ?? inputs.projectId ?? (inputs.runId ? `run ${inputs.runId}` : '')
  return {
    title: `${provider.title} ${plan}${inputs.environment ? ` (${inputs.environment})` : ''}`.replace(/\s+/g, ' ').trim(),
    key: [provider.name, plan, inputs.environment ?? ''].join(' ')
  }
}

/**
 * The one pull-request comment of a step of several runs: its title and key name every plan and
 * environment (or run) it covers, so the same step updates its own comment from one workflow run
 * to the next, and another step's is never touched.
 */
export function batchPublishedAs(provider: { title: string; name: string }, inputs: Pick<Inputs, 'runs' | 'projectId'>) {
  const all = (pick: (r: Inputs['runs'][number]) => string | undefined) => [...new Set(inputs.runs.map(pick).filter(Boolean))].join(', ')
  return publishedAs(provider, {
    projectId: inputs.projectId,
    scenarioId: all((r) => r.scenarioId) || undefined,
    environment: all((r) => r.environment) || undefined,
    runId: all((r) => r.runId) || undefined
  })
}

/** A run of several as the summary names it: its plan and environment, or its ID ("2090 · 10"). */
export function runLabelOf(run: { scenarioId?: string; environment?: string; runId?: string }): string {
  return run.runId ? `run ${run.runId}` : [run.scenarioId, run.environment].filter(Boolean).join(' · ')
}

/** The same at the start of a log line: "[2090 · 10]". */
export const runTag = (run: { scenarioId?: string; environment?: string; runId?: string }): string => `[${runLabelOf(run)}]`
