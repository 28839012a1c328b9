// What the action needs to know about the workflow run it is part of. Read straight from the
// runner's GITHUB_* variables: @actions/github's context is these same variables, and importing it
// pulls a whole REST client into the bundle (about 1 MB and a third of the start-up time).
export interface RunContext {
  /** The commit under test: the default buildVersion. */
  sha: string
  /** The repository's page, e.g. https://github.com/acme/shop (GitHub Enterprise: its server). */
  repositoryUrl?: string
}

export function readRunContext(env: NodeJS.ProcessEnv = process.env): RunContext {
  // Only an owner/name of the characters GitHub allows, on an https server: it becomes a link.
  const repo = /^[\w.-]+\/[\w.-]+$/.test(env.GITHUB_REPOSITORY ?? '') ? env.GITHUB_REPOSITORY : undefined
  const server = (env.GITHUB_SERVER_URL ?? 'https://github.com').replace(/\/+$/, '')
  return { sha: env.GITHUB_SHA ?? '', repositoryUrl: repo && /^https:\/\/[^\s/]+$/.test(server) ? `${server}/${repo}` : undefined }
}
