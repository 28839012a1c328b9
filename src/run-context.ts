// What the action needs to know about the workflow run it is part of.
import { context } from '@actions/github'

export interface RunContext {
  sha: string
  /** Branch (or tag) name the workflow runs for; the PR's head branch on pull_request events. */
  branch: string
  repository: string
  /** Link to this workflow run, for the job summary. */
  workflowRunUrl?: string
  /** `gh-<runId>-<attempt>-<job>`: marks what this step started so it can be found again. */
  marker: string
}

export function readRunContext(env: NodeJS.ProcessEnv = process.env): RunContext {
  const repository = env.GITHUB_REPOSITORY ?? ''
  const runId = Number.isFinite(context.runId) ? String(context.runId) : ''
  const attempt = Number.isFinite(context.runAttempt) ? String(context.runAttempt) : '1'
  return {
    sha: context.sha ?? '',
    branch: env.GITHUB_HEAD_REF || env.GITHUB_REF_NAME || '',
    repository,
    workflowRunUrl:
      repository && runId ? `${context.serverUrl}/${repository}/actions/runs/${runId}` : undefined,
    marker: `gh-${runId || 'local'}-${attempt}-${context.job ?? 'job'}`
  }
}
