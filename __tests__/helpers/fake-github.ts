// A local stand-in for GitHub's REST API: the routes commitStatus and prComment use (commit
// statuses, issue comments, the pull requests of a commit), with the answers and error bodies
// GitHub documents, and a switch that refuses a route as a read-only token is refused.
import { fakeServer, sendJson, type FakeServer } from './fake-server.js'

export interface FakeGitHub extends FakeServer {
  statuses: { sha: string; state: string; context: string; description?: string; target_url?: string }[]
  /** Comments, oldest first, with their author (the token writes as github-actions[bot], as GITHUB_TOKEN does). */
  comments: { id: number; issue: number; body: string; user: { login: string } }[]
  /** Who the token is: a personal token's user when `login` is set; else GITHUB_TOKEN, which cannot read /user. */
  identity: { login?: string }
  /** Routes that never answer (a stalled GitHub API). */
  stall: Set<'comments'>
  /** Answers for the next requests (e.g. a secondary rate limit), used up one by one. */
  refusals: { status: number; body: object; headers?: Record<string, string> }[]

  /** Routes that answer 403 "Resource not accessible by integration". */
  forbid: Set<'statuses' | 'comments' | 'pulls'>
  /** What GET /repos/{o}/{r}/commits/{sha}/pulls answers. */
  pullsOfCommit: { number: number; state: string }[]
  /** The Authorization headers received. */
  auth: string[]
}

const FORBIDDEN = {
  message: 'Resource not accessible by integration',
  documentation_url: 'https://docs.github.com/rest/commits/statuses#create-a-commit-status',
  status: '403'
}

export async function fakeGitHub(): Promise<FakeGitHub> {
  const state = {
    statuses: [] as FakeGitHub['statuses'],
    comments: [] as FakeGitHub['comments'],
    refusals: [] as FakeGitHub['refusals'],
    stall: new Set<'comments'>(),
    identity: {} as { login?: string },

    forbid: new Set<'statuses' | 'comments' | 'pulls'>(),
    pullsOfCommit: [] as FakeGitHub['pullsOfCommit'],
    auth: [] as string[]
  }
  let nextId = 1000
  const server = await fakeServer((req, res, hit) => {
    state.auth.push(String(req.headers.authorization ?? ''))
    const path = (req.url ?? '').split('?')[0]
    const body = hit.body ? JSON.parse(hit.body) : {}
    const refusal = state.refusals.shift()
    if (refusal) return sendJson(res, refusal.status, refusal.body, refusal.headers)
    // GITHUB_TOKEN cannot read the user it acts for.
    if (path === '/user')
      return state.identity.login
        ? sendJson(res, 200, { login: state.identity.login, type: 'User' })
        : sendJson(res, 403, { ...FORBIDDEN, documentation_url: 'https://docs.github.com/rest/users/users' })
    let m: RegExpExecArray | null
    if ((m = /^\/repos\/[^/]+\/[^/]+\/statuses\/(\w+)$/.exec(path)) && req.method === 'POST') {
      if (state.forbid.has('statuses')) return sendJson(res, 403, FORBIDDEN)
      state.statuses.push({ sha: m[1], ...body })
      return sendJson(res, 201, { id: nextId++, state: body.state, context: body.context })
    }
    if ((m = /^\/repos\/[^/]+\/[^/]+\/issues\/(\d+)\/comments$/.exec(path))) {
      const issue = Number(m[1])
      if (req.method === 'GET') {
        if (state.stall.has('comments')) return
        const page = Number(new URL(req.url ?? '', 'http://x').searchParams.get('page') ?? 1)
        const per = Math.min(100, Number(new URL(req.url ?? '', 'http://x').searchParams.get('per_page') ?? 30))
        return sendJson(res, 200, state.comments.filter((c) => c.issue === issue).slice((page - 1) * per, page * per))
      }
      if (state.forbid.has('comments')) return sendJson(res, 403, FORBIDDEN)
      const c = { id: nextId++, issue, body: body.body, user: { login: state.identity.login ?? 'github-actions[bot]' } }
      state.comments.push(c)
      return sendJson(res, 201, c)
    }
    if ((m = /^\/repos\/[^/]+\/[^/]+\/issues\/comments\/(\d+)$/.exec(path)) && req.method === 'PATCH') {
      if (state.forbid.has('comments')) return sendJson(res, 403, FORBIDDEN)
      const c = state.comments.find((x) => x.id === Number(m![1]))
      if (!c) return sendJson(res, 404, { message: 'Not Found' })
      c.body = body.body
      return sendJson(res, 200, c)
    }
    if (/^\/repos\/[^/]+\/[^/]+\/commits\/\w+\/pulls$/.test(path)) {
      if (state.forbid.has('pulls')) return sendJson(res, 403, FORBIDDEN)
      return sendJson(res, 200, state.pullsOfCommit)
    }
    sendJson(res, 404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' })
  })
  return Object.assign(server, state)
}
