// Where results go on GitHub: the repository, the commit that was tested and its pull request,
// read from the runner's variables and the event that started the workflow. A pull request's
// GITHUB_SHA is a merge commit that no one looks at, and a deployment_status, workflow_run or
// schedule workflow runs on a commit whose pull request the event does not always name.
import { readEvent } from '../run-context.js'

export interface GitHubTarget {
  owner: string
  repo: string
  /** The commit whose status is set: the pull request's head, the deployed or the built commit. */
  sha: string
  /** The pull request, when the event names one; otherwise it is looked up from the commit. */
  pullNumber?: number
  apiUrl: string
  /** A link back to this workflow run, for the comment. */
  runUrl?: string
  /** A link to the tested commit, for the comment. */
  commitUrl?: string
}

type Event = Record<string, unknown>

const obj = (v: unknown): Event | undefined => (v && typeof v === 'object' ? (v as Event) : undefined)
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined)
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : undefined)

/** The tested commit and its pull request, from the event payload. */
export function fromEvent(name: string, event: Event, fallbackSha: string): { sha: string; pullNumber?: number } {
  const pr = obj(event.pull_request)
  if (pr) return { sha: str(obj(pr.head)?.sha) ?? fallbackSha, pullNumber: num(pr.number) }
  if (name === 'workflow_run') {
    const run = obj(event.workflow_run)
    const prs = Array.isArray(run?.pull_requests) ? run.pull_requests : []
    return { sha: str(run?.head_sha) ?? fallbackSha, pullNumber: num(obj(prs[0])?.number) }
  }
  if (name === 'deployment_status' || name === 'deployment') return { sha: str(obj(event.deployment)?.sha) ?? fallbackSha }
  const issue = obj(event.issue)
  if (name === 'issue_comment' && issue?.pull_request) return { sha: fallbackSha, pullNumber: num(issue.number) }
  return { sha: fallbackSha }
}

/** The target from the runner's variables; undefined (with the reason) when they are missing. */
export function readTarget(env: NodeJS.ProcessEnv = process.env): GitHubTarget | string {
  const [owner, repo] = (env.GITHUB_REPOSITORY ?? '').split('/')
  if (!owner || !repo || !env.GITHUB_SHA) return 'GITHUB_REPOSITORY or GITHUB_SHA is not set (this is not a GitHub Actions run)'
  const event: Event = readEvent(env)
  const { sha, pullNumber } = fromEvent(env.GITHUB_EVENT_NAME ?? '', event, env.GITHUB_SHA)
  const server = env.GITHUB_SERVER_URL ?? 'https://github.com'
  return {
    owner,
    repo,
    sha,
    pullNumber,
    apiUrl: env.GITHUB_API_URL ?? 'https://api.github.com',
    runUrl: env.GITHUB_RUN_ID ? `${server}/${owner}/${repo}/actions/runs/${env.GITHUB_RUN_ID}` : undefined,
    commitUrl: /^[0-9a-f]{40}$/i.test(sha) ? `${server}/${owner}/${repo}/commit/${sha}` : undefined
  }
}
