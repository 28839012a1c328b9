// What the action needs to know about the workflow run it is part of. Read straight from the
// runner's GITHUB_* variables: @actions/github's context is these same variables, and importing it
// pulls a whole REST client into the bundle (about 1 MB and a third of the start-up time).
export interface RunContext {
  /** The commit under test: the default buildVersion. */
  sha: string
}

export function readRunContext(env: NodeJS.ProcessEnv = process.env): RunContext {
  return { sha: env.GITHUB_SHA ?? '' }
}
