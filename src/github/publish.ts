// Results where the team looks: a commit status on the tested commit (pending, then the verdict)
// and one pull-request comment per plan, updated in place. Opt-in (`commitStatus`, `prComment`).
// @actions/github is loaded only when one of them is on, so a step without them starts as fast
// as before. Nothing here can fail the step: a refusal is a warning naming the permission.
import { budgeted } from '../clock.js'
import type { RunState, TestResult } from '../model.js'
import { oneLine, redact } from '../text.js'
import { commentBody, commentMarker, commitState, statusDescription, type CommentContext } from './comment.js'
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
type Comment = { id: number; body?: string; user?: { login: string } | null }

// The workflow token's identity on GitHub.
const WORKFLOW_BOT = 'github-actions[bot]'
// 100 comments a page: a pull request with more than 2,000 comments gets a new one.
const MAX_COMMENT_PAGES = 20
// Retries of a call GitHub refused for a while (5xx, a rate limit): at most this many, within the budget.
const GITHUB_ATTEMPTS = 3

/** What a refusal means, per write: the permission the job's token needs for it. */
const PERMISSION = {
  status: 'statuses: write',
  comment: 'pull-requests: write',
  // Finding a commit's pull requests reads the repository's contents (README, Permissions).
  read: 'contents: read'
} as const

export class GitHubPublisher {
  private octokit?: Promise<Octokit>
  constructor(private readonly o: PublishOptions) {}

  /**
   * The same publisher (its client and identity) under another title and key, writing only what
   * `writes` keeps on: a step of several runs sets one status per run and one comment for them all.
   */
  as(title: string, key: string, writes: { commitStatus?: false; prComment?: false }): GitHubPublisher {
    const other = new GitHubPublisher({ ...this.o, title, key, ...writes })
    other.octokit = this.client()
    other.step = this.step
    return other
  }

  private client(): Promise<Octokit> {
    this.octokit ??= import('@actions/github').then(({ getOctokit }) => getOctokit(this.o.token, { baseUrl: this.o.target.apiUrl }))
    return this.octokit
  }

  /**
   * Once the workflow is cancelled the runner kills the step within seconds: a write to GitHub
   * then gets this long, and the comment is left as it was.
   */
  // Shared with the publishers `as` makes: the step is one, whichever run a write is about.
  private step: { hurried: boolean; signal?: AbortSignal } = { hurried: false }
  private get hurried(): boolean {
    return this.step.hurried
  }
  /** The step's cancel signal: a call in flight when the workflow is cancelled is abandoned. */
  private get stepSignal(): AbortSignal | undefined {
    return this.step.signal
  }
  follow(signal: AbortSignal): void {
    this.step.signal = signal
  }
  hurry(): void {
    this.step.hurried = true
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
    // A run this step does not follow would leave a pending status nothing resolves: none is set.
    // A later step that attaches with runId and commitStatus sets one, pending then its verdict.
    if (run.status === 'triggered') {
      this.o.info(
        'commitStatus: this step does not wait for the run, so it sets no commit status; a later step with `runId` and `commitStatus: true` sets it.'
      )
      return
    }
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
    await this.commentWith((c) => commentBody(c, run, tests))
  }

  /** The pull-request comment `build` writes (one run's, or a step of several runs'), created once, then updated. */
  async commentWith(build: (c: CommentContext) => string): Promise<void> {
    if (!this.o.prComment || this.hurried) return
    const { owner, repo, sha } = this.o.target
    const pull = this.o.target.pullNumber ?? (await this.pullOf(sha))
    // The lookup failed and said why: whether there is a pull request is not known.
    if (pull === 'unknown') return
    if (pull === undefined) {
      this.o.info(`No open pull request has commit ${sha.slice(0, 7)}: no comment was written.`)
      return
    }
    const body = build({
      title: this.o.title,
      key: this.o.key,
      sha,
      workflowRunUrl: this.o.target.runUrl,
      commitUrl: this.o.target.commitUrl
    })
    const marker = commentMarker(this.o.key)
    await this.attempt('comment', `write the comment on pull request #${pull}`, undefined, async (gh, request) => {
      // Ours: the marker and the token's own identity; the newest one, if a race left two.
      const me = await this.identity(gh, request)
      const mine = (await this.comments(gh, pull, request)).filter((c) => c.body?.includes(marker) && c.user?.login === me).pop()
      if (mine) {
        await gh.rest.issues.updateComment({ owner, repo, comment_id: mine.id, body, request })
        this.o.info(`Updated the comment on pull request #${pull}.`)
      } else {
        await gh.rest.issues.createComment({ owner, repo, issue_number: pull, body, request })
        this.o.info(`Commented on pull request #${pull}.`)
      }
    })
  }

  /**
   * Every comment of the pull request, page by page, each page within the call's budget and signal
   * (octokit's paginate drops the request's signal). At most MAX_COMMENT_PAGES pages.
   */
  private async comments(gh: Octokit, pull: number, request: { signal: AbortSignal }): Promise<Comment[]> {
    const { owner, repo } = this.o.target
    const all: Comment[] = []
    for (let page = 1; page <= MAX_COMMENT_PAGES; page++) {
      const { data } = await gh.rest.issues.listComments({ owner, repo, issue_number: pull, per_page: 100, page, request })
      all.push(...data)
      if (data.length < 100) break
    }
    return all
  }

  /**
   * Who the token writes as: the user of a personal token, or the workflow token's bot (a token that
   * cannot read /user is an app's: GITHUB_TOKEN writes as github-actions[bot]).
   */
  private login?: string
  private async identity(gh: Octokit, request: { signal: AbortSignal }): Promise<string> {
    if (this.login === undefined) {
      try {
        this.login = (await gh.rest.users.getAuthenticated({ request })).data.login
      } catch (e) {
        // A rate limit says nothing of who the token is: it is waited out like any call's.
        const status = (e as { status?: number }).status
        if ((status !== 403 && status !== 401) || isRateLimit(e)) throw e
        this.login = WORKFLOW_BOT
      }
    }
    return this.login
  }

  /** The open pull request that has this commit (for events that do not name one). */
  private async pullOf(sha: string): Promise<number | undefined | 'unknown'> {
    const { owner, repo } = this.o.target
    let found: number | undefined | 'unknown' = 'unknown'
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
    // The caller's signal, else the step's while it has not fired: a call made after the cancel (the
    // final status, hurried) gets its own short budget instead.
    const own = signal ?? (this.stepSignal?.aborted ? undefined : this.stepSignal)
    const budget = budgeted(own, this.timeoutMs, `no answer within ${this.timeoutMs / 1000} s`)
    const until = Date.now() + this.timeoutMs
    try {
      for (let attempt = 1; ; attempt++) {
        try {
          await call(await this.client(), { signal: budget.signal })
          return
        } catch (e) {
          // 5xx and rate limits pass: tried again while the budget allows (docs/reliability.md, "GitHub").
          const wait = retryAfterMs(e, attempt)
          if (wait === undefined || attempt >= GITHUB_ATTEMPTS || Date.now() + wait >= until || budget.signal.aborted) throw e
          this.o.debug(
            `GitHub: ${action} failed (HTTP ${(e as { status?: number }).status}); trying again in ${(wait / 1000).toFixed(1)} s`
          )
          await new Promise<void>((resolve) => {
            const t = setTimeout(resolve, wait)
            budget.signal.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true })
          })
        }
      }
    } catch (e) {
      // The workflow was cancelled: the step says so itself, and the final status follows.
      if (own?.aborted) return
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
    if (isRateLimit(e))
      return `GitHub's ${/secondary/i.test(said) ? 'secondary ' : ''}rate limit held this call past its ${this.timeoutMs / 1000} s budget (${said}).`
    if (err.status !== undefined && err.status >= 500) return `GitHub's API answered ${err.status} (${said}), also when tried again.`
    if (err.status === 403 || err.status === 404) {
      const grant = `GitHub answered ${err.status} (${said}). The workflow's token may not do this: give the job \`permissions: ${PERMISSION[what]}\`.`
      // Only a write meets a fork's read-only token.
      if (what === 'read') return grant
      return `${grant} A pull request from a fork gets a read-only token whatever the workflow asks for, so there the step cannot write.`
    }
    if (err.status === 401) return `GitHub answered 401 (${said}): the token in \`githubToken\` was not accepted.`
    return `GitHub answered ${err.status} (${said}).`
  }
}

interface GitHubError {
  status?: number
  message?: string
  response?: { headers?: Record<string, string | undefined>; data?: { message?: string } }
}

/** A refusal GitHub means for a while: a primary or secondary rate limit (403 or 429 that says so). */
function isRateLimit(e: unknown): boolean {
  const err = e as GitHubError
  if (err.status !== 403 && err.status !== 429) return false
  const h = err.response?.headers ?? {}
  const said = `${err.response?.data?.message ?? ''} ${err.message ?? ''}`
  return err.status === 429 || h['retry-after'] !== undefined || h['x-ratelimit-remaining'] === '0' || /rate limit/i.test(said)
}

/** How long to wait before trying a call again, or undefined when it must not be tried again. */
function retryAfterMs(e: unknown, attempt: number): number | undefined {
  const err = e as GitHubError
  const rateLimited = isRateLimit(e)
  if (!rateLimited && !(err.status !== undefined && err.status >= 500 && err.response !== undefined)) return undefined
  const after = Number(err.response?.headers?.['retry-after'])
  if (Number.isFinite(after) && after >= 0) return after * 1000
  // GitHub asks for a minute after a secondary rate limit without Retry-After: past any budget here.
  return rateLimited ? 60_000 : 1000 * 2 ** (attempt - 1)
}
