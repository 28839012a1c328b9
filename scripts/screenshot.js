// `npm run docs:screenshot`: renders the job summary of a real (sandbox) failed Testsigma run to
// docs/job-summary.png with headless Chromium, styled like GitHub's job summary page.
// Needs Chromium (Debian: apt-get install chromium); it is a documentation tool, not part of the tests.
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
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
  const out = join(ROOT, 'docs/job-summary.png')
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
      '--window-size=980,760',
      `--screenshot=${out}`,
      `file://${page}`
    ],
    { stdio: 'ignore' }
  )
  console.log(`Wrote ${out}`)
} finally {
  await sandbox.close()
}
