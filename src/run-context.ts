// What the action needs to know about the workflow run it is part of. Read straight from the
// runner's GITHUB_* variables: @actions/github's context is these same variables, and importing it
// pulls a whole REST client into the bundle (about 1 MB and a third of the start-up time).
import { readFileSync } from 'node:fs'

export interface RunContext {
  /** The commit under test: the default buildVersion. */
  sha: string
  /** The repository's page, e.g. https://github.com/acme/shop (GitHub Enterprise: its server). */
  repositoryUrl?: string
  /** A deployment_status event's environment_url: the URL the deploy made (checked where it is used). */
  previewUrl?: string
}

/** The environment_url of a deployment_status event, as the event file gives it; else undefined. */
function deployedUrl(env: NodeJS.ProcessEnv): string | undefined {
  if (env.GITHUB_EVENT_NAME !== 'deployment_status' || !env.GITHUB_EVENT_PATH) return undefined
  try {
    const url = JSON.parse(readFileSync(env.GITHUB_EVENT_PATH, 'utf8'))?.deployment_status?.environment_url
    return typeof url === 'string' && url !== '' ? url : undefined
  } catch {
    return undefined
  }
}

export function readRunContext(env: NodeJS.ProcessEnv = process.env): RunContext {
  // Only an owner/name of the characters GitHub allows, on an https server: it becomes a link.
  const repo = /^[\w.-]+\/[\w.-]+$/.test(env.GITHUB_REPOSITORY ?? '') ? env.GITHUB_REPOSITORY : undefined
  const server = (env.GITHUB_SERVER_URL ?? 'https://github.com').replace(/\/+$/, '')
  return {
    sha: env.GITHUB_SHA ?? '',
    repositoryUrl: repo && /^https:\/\/[^\s/]+$/.test(server) ? `${server}/${repo}` : undefined,
    previewUrl: deployedUrl(env)
  }
}
