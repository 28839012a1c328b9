// run(): the one place that touches the process (exit code), and the one try/catch.
import * as core from '@actions/core'
import { HttpApi, PlatformError } from './http.js'
import { readInputs } from './inputs.js'
import { providerFor } from './providers/index.js'
import { buildErrorSummary, buildRunSummary, setOutputs, writeSummary, type ReportContext } from './report.js'
import { readRunContext } from './run-context.js'
import { oneLine, redact } from './text.js'

export async function run(): Promise<void> {
  // Mask the token before anything else can print.
  const token = core.getInput('token')
  if (token) core.setSecret(token)

  const runContext = readRunContext()
  const { inputs, problems, warnings } = readInputs(runContext.sha)
  for (const w of warnings) core.warning(w)
  if (!inputs) {
    for (const p of problems) core.error(p)
    core.setFailed(
      `The step's inputs have ${problems.length} problem${problems.length === 1 ? '' : 's'} (listed above); no request was sent.`
    )
    return
  }

  const provider = providerFor(inputs.provider)
  if (!provider) {
    core.setFailed(`Input \`provider\`: ${inputs.provider} is not supported by this version of the action yet.`)
    return
  }
  const http = new HttpApi({
    platform: provider.title,
    baseUrl: inputs.baseUrl ?? provider.defaultBaseUrl,
    authorization: provider.authorization(inputs.token),
    secrets: [inputs.token],
    hints: provider.hints,
    runsPage: provider.runsPage
  })
  const report: ReportContext = {
    provider: provider.name,
    platform: provider.title,
    environment: inputs.environment,
    buildVersion: inputs.buildVersion,
    nextStep: provider.nextStep
  }

  try {
    core.info(`Starting a test run on ${provider.title} (build ${oneLine(inputs.buildVersion, 80)})…`)
    const run = await provider.trigger({ inputs, http, run: runContext })
    setOutputs(provider.name, run)
    core.info(`Created run ${oneLine(run.name ?? run.id)} (id ${run.id})${run.counts.total !== undefined ? ` with ${run.counts.total} test cases` : ''}.`)
    if (run.message) core.info(`${provider.title} said: ${oneLine(run.message)}`)
    buildRunSummary(report, run)
    await writeSummary()
  } catch (e) {
    if (e instanceof PlatformError) {
      buildErrorSummary(report, e)
      await writeSummary()
      core.setFailed(e.message)
    } else {
      // A bug of ours: say so plainly, without a stack trace and without any secret.
      const message = e instanceof Error ? e.message : String(e)
      core.setFailed(`Unexpected error in the action: ${oneLine(redact(message, [inputs.token]), 500)}. Please report it.`)
    }
  }
}
