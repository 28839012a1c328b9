// What the action needs to know about the workflow run it is part of. Read straight from the
// runner's GITHUB_* variables and its event file: @actions/github's context is these same variables, and importing it
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

/** The event that started the workflow, as the runner's event file gives it; {} when there is none. */
export function readEvent(env: NodeJS.ProcessEnv = process.env): Record<string, unknown> {
  try {
    const event: unknown = env.GITHUB_EVENT_PATH ? JSON.parse(readFileSync(env.GITHUB_EVENT_PATH, 'utf8')) : undefined
    return event && typeof event === 'object' ? (event as Record<string, unknown>) : {}
  } catch {
    return {}
  }
}

/** The environment_url of a deployment_status event; else undefined. */
function deployedUrl(env: NodeJS.ProcessEnv): string | undefined {
  if (env.GITHUB_EVENT_NAME !== 'deployment_status') return undefined
  const status = readEvent(env).deployment_status as { environment_url?: unknown } | undefined
  const url = status && typeof status === 'object' ? status.environment_url : undefined
  return typeof url === 'string' && url !== '' ? url : undefined
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
