// `npm run docs:screenshot`: renders the job summary of a real (sandbox) failed Testsigma run to
// docs/job-summary.png, and the pull-request comment of a real failed Testery run (written to a
// local stand-in of GitHub's API) to docs/pr-comment.png, with headless Chromium, styled like
// GitHub's pages. The comment's Markdown is rendered with marked (a dev dependency for this alone).
// Needs Chromium (Debian: apt-get install chromium); it is a documentation tool, not part of the tests.
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import { marked } from 'marked'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startSandbox } from '../sandbox/server.js'
import { ROOT, runAction } from './github-runner.js'

const CSS = `
body { margin: 0; background: #f6f8fa; font: 14px/1.5 -apple-system, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif; color: #1f2328; }
.frame { margin: 16px; background: #fff; border: 1px solid #d1d9e0; border-radius: 6px; }
.title { padding: 12px 16px; border-bottom: 1px solid #d1d9e0; font-weight: 600; }
.title span { color: #59636e; font-weight: 400; }
.body { padding: 8px 24px 16px; }
h2 { font-size: 1.5em; border-bottom: 1px solid #d1d9e0; padding-bottom: .3em; margin: 16px 0; }
h3 { font-size: 1.25em; margin: 24px 0 12px; }
table { border-collapse: collapse; margin: 0 0 16px; }
th, td { border: 1px solid #d1d9e0; padding: 6px 13px; text-align: left; vertical-align: top; }
tr:nth-child(2n) { background: #f6f8fa; }
code { background: #eff1f3; border-radius: 6px; padding: .2em .4em; font: 85% ui-monospace, SFMono-Regular, Menlo, monospace; }
a { color: #0969da; text-decoration: none; }
blockquote { margin: 0 0 16px; padding: 0 1em; color: #59636e; border-left: .25em solid #d1d9e0; }
`

/** Renders a local page to a PNG with headless Chromium. */
function shoot(page, out, dir, height) {
  execFileSync(
    process.env.CHROMIUM ?? 'chromium',
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      `--user-data-dir=${join(dir, 'profile')}`,
      '--hide-scrollbars',
      '--force-device-scale-factor=1',
      `--window-size=980,${height}`,
      `--screenshot=${out}`,
      `file://${page}`
    ],
    { stdio: 'ignore' }
  )
  console.log(`Wrote ${out}`)
}

const sandbox = await startSandbox()
try {
  sandbox.script('testsigma', { queuedMs: 200, runMs: 1500, total: 48, failed: 3, skipped: 2, end: 'failed' })
  const r = await runAction({
    inputs: {
      provider: 'testsigma',
      token: 'demo-token',
      scenarioId: '2090',
      environment: '10',
      wait: 'true',
      pollIntervalSeconds: '1',
      baseUrl: sandbox.baseUrl('testsigma')
    },
    env: { GITHUB_SHA: '9fceb02d0ae598e95dc970b74767f19372d61af8' }
  })
  const dir = mkdtempSync(join(tmpdir(), 'ttr-shot-'))
  const page = join(dir, 'summary.html')
  writeFileSync(
    page,
    `<!DOCTYPE html><meta charset="utf-8"><style>${CSS}</style><div class="frame"><div class="title">acceptance summary <span>· Deploy #812</span></div><div class="body">${r.summary}</div></div>`
  )
  mkdirSync(join(ROOT, 'docs'), { recursive: true })
  shoot(page, join(ROOT, 'docs/job-summary.png'), dir, 760)

  // The comment: a failed Testery run on pull request #7, written to a stand-in of GitHub's API.
  let comment = ''
  const github = createServer((req, res) => {
    let body = ''
    req.on('data', (c) => (body += c))
    req.on('end', () => {
      res.setHeader('content-type', 'application/json')
      if (req.method === 'POST' && /\/issues\/7\/comments$/.test(req.url ?? '')) {
        comment = JSON.parse(body).body
        res.statusCode = 201
        return res.end(JSON.stringify({ id: 1, body: comment, user: { login: 'github-actions[bot]' } }))
      }
      if (req.url === '/user') {
        res.statusCode = 403
        return res.end(JSON.stringify({ message: 'Resource not accessible by integration' }))
      }
      res.end('[]')
    })
  })
  await new Promise((resolve) => github.listen(0, '127.0.0.1', resolve))
  const head = '9fceb02d0ae598e95dc970b74767f19372d61af8'
  const event = join(dir, 'event.json')
  writeFileSync(event, JSON.stringify({ pull_request: { number: 7, head: { sha: head } } }))
  sandbox.script('testery', { queuedMs: 200, runMs: 1500, total: 24, failed: 3, skipped: 1, end: 'failed' })
  try {
    await runAction({
      inputs: {
        provider: 'testery',
        token: 'demo-token',
        projectId: 'shop',
        environment: 'staging',
        gitRef: head,
        wait: 'true',
        pollIntervalSeconds: '1',
        prComment: 'true',
        githubToken: 'demo-github-token',
        baseUrl: sandbox.baseUrl('testery')
      },
      env: {
        GITHUB_SHA: 'b1a9d0c0ffee0000000000000000000000000001',
        GITHUB_EVENT_NAME: 'pull_request',
        GITHUB_EVENT_PATH: event,
        GITHUB_API_URL: `http://127.0.0.1:${github.address().port}`
      }
    })
  } finally {
    github.close()
  }
  if (!comment) throw new Error('the step wrote no comment')
  const commentPage = join(dir, 'comment.html')
  writeFileSync(
    commentPage,
    `<!DOCTYPE html><meta charset="utf-8"><style>${CSS}</style><div class="frame"><div class="title">github-actions <span>bot commented</span></div><div class="body">${marked.parse(comment, { gfm: true, breaks: true })}</div></div>`
  )
  shoot(commentPage, join(ROOT, 'docs/pr-comment.png'), dir, 430)
} finally {
  await sandbox.close()
}
