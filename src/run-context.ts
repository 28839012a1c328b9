// What the action needs to know about the workflow run it is part of. Read straight from the
// runner's GITHUB_* variables: @actions/github's context is these same variables, and importing it
// pulls a whole REST client into the bundle (about 1 MB and a third of the start-up time).
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
  const runId = env.GITHUB_RUN_ID ?? ''
  const server = env.GITHUB_SERVER_URL ?? 'https://github.com'
  return {
    sha: env.GITHUB_SHA ?? '',
    branch: env.GITHUB_HEAD_REF || env.GITHUB_REF_NAME || '',
    repository,
    workflowRunUrl: repository && runId ? `${server}/${repository}/actions/runs/${runId}` : undefined,
    marker: `gh-${runId || 'local'}-${env.GITHUB_RUN_ATTEMPT ?? '1'}-${env.GITHUB_JOB ?? 'job'}`
  }
}
