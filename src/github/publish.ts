// Results where the team looks: a commit status on the tested commit (pending, then the verdict)
// and one pull-request comment per plan, updated in place. Opt-in (`commitStatus`, `prComment`).
// @actions/github is loaded only when one of them is on, so a step without them starts as fast
// as before. Nothing here can fail the step: a refusal is a warning naming the permission.
import { budgeted } from '../clock.js'
import type { RunState, TestResult } from '../model.js'
import { oneLine, redact } from '../text.js'
import { commentBody, commentMarker, commitState, statusDescription } from './comment.js'
import type { GitHubTarget } from './target.js'

export interface PublishOptions {
  token: string
  target: GitHubTarget
  commitStatus: boolean
  prComment: boolean
  /** The platform and plan: the status's context, the comment's title. */
  title: string
  /** What tells this plan's comment from another plan's. */
  key: string
  warn: (line: string) => void
  info: (line: string) => void
  debug: (line: string) => void
}

// A status write or a comment is a small request: a GitHub API that does not answer in this long
// is not waited for (the step's verdict does not depend on it).
const GITHUB_TIMEOUT_MS = 10_000
const HURRIED_TIMEOUT_MS = 2000

type Octokit = ReturnType<(typeof import('@actions/github'))['getOctokit']>

/** What a refusal means, per write: the permission the job's token needs for it. */
const PERMISSION = {
  status: 'statuses: write',
  comment: 'pull-requests: write',
  read: 'pull-requests: read'
} as const

export class GitHubPublisher {
  private octokit?: Promise<Octokit>
  constructor(private readonly o: PublishOptions) {}

  private client(): Promise<Octokit> {
    this.octokit ??= import('@actions/github').then(({ getOctokit }) => getOctokit(this.o.token, { baseUrl: this.o.target.apiUrl }))
    return this.octokit
  }

  /**
   * Once the workflow is cancelled the runner kills the step within seconds: a write to GitHub
   * then gets this long, and the comment is left as it was.
   */
  private hurried = false
  hurry(): void {
    this.hurried = true
  }
  private get timeoutMs(): number {
    return this.hurried ? HURRIED_TIMEOUT_MS : GITHUB_TIMEOUT_MS
  }

  /**
   * The commit status, once the run is known (pending) and at the end (the verdict). `signal`: the
   * step's, while it still has other work to do (the pending status must not hold up a cancel).
   */
  async status(run: RunState, signal?: AbortSignal): Promise<void> {
    if (!this.o.commitStatus) return
    const { owner, repo, sha } = this.o.target
    const state = commitState(run.status)
    await this.attempt('status', `set the commit status on ${sha.slice(0, 7)}`, signal, async (gh, request) => {
      await gh.rest.repos.createCommitStatus({
        owner,
        repo,
        sha,
        state,
        context: oneLine(this.o.title, 100),
        description: statusDescription(run),
        ...(run.url ? { target_url: run.url } : {}),
        request
      })
      this.o.debug(`GitHub: commit status ${state} on ${sha}`)
    })
  }

  /** The pull-request comment with the run's summary: created once, then updated in place. */
  async comment(run: RunState, tests?: TestResult[]): Promise<void> {
    if (!this.o.prComment || this.hurried) return
    const { owner, repo, sha } = this.o.target
    const pull = this.o.target.pullNumber ?? (await this.pullOf(sha))
    if (pull === undefined) {
      this.o.info(`No open pull request has commit ${sha.slice(0, 7)}: no comment was written.`)
      return
    }
    const body = commentBody({ title: this.o.title, key: this.o.key, sha, workflowRunUrl: this.o.target.runUrl }, run, tests)
    const marker = commentMarker(this.o.key)
    await this.attempt('comment', `write the comment on pull request #${pull}`, undefined, async (gh, request) => {
      const comments = await gh.paginate(gh.rest.issues.listComments, { owner, repo, issue_number: pull, per_page: 100, request })
      const mine = comments.find((c) => c.body?.includes(marker))
      if (mine) {
        await gh.rest.issues.updateComment({ owner, repo, comment_id: mine.id, body, request })
        this.o.info(`Updated the comment on pull request #${pull}.`)
      } else {
        await gh.rest.issues.createComment({ owner, repo, issue_number: pull, body, request })
        this.o.info(`Commented on pull request #${pull}.`)
      }
    })
  }

  /** The open pull request that has this commit (for events that do not name one). */
  private async pullOf(sha: string): Promise<number | undefined> {
    const { owner, repo } = this.o.target
    let found: number | undefined
    await this.attempt('read', `find the pull request of commit ${sha.slice(0, 7)}`, undefined, async (gh, request) => {
      const { data } = await gh.rest.repos.listPullRequestsAssociatedWithCommit({ owner, repo, commit_sha: sha, request })
      found = data.find((p) => p.state === 'open')?.number
    })
    return found
  }

  /** One call to GitHub, within its time budget and the step's signal; a failure is a warning. */
  private async attempt(
    what: keyof typeof PERMISSION,
    action: string,
    signal: AbortSignal | undefined,
    call: (gh: Octokit, request: { signal: AbortSignal }) => Promise<void>
  ): Promise<void> {
    const budget = budgeted(signal, this.timeoutMs, `no answer within ${this.timeoutMs / 1000} s`)
    try {
      await call(await this.client(), { signal: budget.signal })
    } catch (e) {
      // The workflow was cancelled: the step says so itself, and the final status follows.
      if (signal?.aborted) return
      this.o.warn(`Could not ${action}: ${this.explain(e, what)} The step's result is unchanged.`)
    } finally {
      budget.release()
    }
  }

  private explain(e: unknown, what: keyof typeof PERMISSION): string {
    const err = e as { status?: number; message?: string; response?: { data?: { message?: string } }; name?: string }
    const said = oneLine(redact(err.response?.data?.message ?? err.message ?? String(e), [this.o.token]), 200)
    if (err.name === 'TimeoutError' || err.name === 'AbortError' || /aborted|timeout/i.test(said))
      return `GitHub's API at ${this.o.target.apiUrl} did not answer within ${this.timeoutMs / 1000} s.`
    // Octokit reports a request that got no answer as a status 500 with no response.
    if (err.response === undefined) return `the request to GitHub's API at ${this.o.target.apiUrl} failed (${said}).`
    if (err.status === 403 || err.status === 404) {
      return (
        `GitHub answered ${err.status} (${said}). The workflow's token may not do this: give the job \`permissions: ${PERMISSION[what]}\`. ` +
        'A pull request from a fork gets a read-only token whatever the workflow asks for, so there the step cannot write.'
      )
    }
    if (err.status === 401) return `GitHub answered 401 (${said}): the token in \`githubToken\` was not accepted.`
    return `GitHub answered ${err.status} (${said}).`
  }
}
