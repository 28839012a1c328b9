// End to end: "never sent" told apart from "may have arrived" (docs/how-it-works.md, Reliability: never sent). dist/index.js
// talks HTTPS to the sandbox signed by a private certificate authority, directly and through a
// real CONNECT proxy on loopback, as a self-hosted runner in a corporate network does.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { startSandbox } from '../sandbox/server.js'
import { connectProxy, type ConnectProxy } from './helpers/connect-proxy.js'
import { errorsOf, expectNoLeak, step, type Sandbox, type StepResult } from './helpers/step.js'

const TOKEN = 'tok-CANARY-network-5d1'
const TLS_DIR = join(process.cwd(), '__tests__', 'fixtures', 'tls')
const CA = join(TLS_DIR, 'ca.pem')

let box: Sandbox
let proxy: ConnectProxy
beforeAll(async () => {
  box = await startSandbox({ tls: { key: readFileSync(join(TLS_DIR, 'server.key')), cert: readFileSync(join(TLS_DIR, 'server.pem')) } })
  proxy = await connectProxy()
})
afterAll(async () => {
  await proxy.close()
  await box.close()
})

const port = () => new URL(box.url).port
/** A host name only the proxy can resolve (it maps every name to loopback). */
const viaProxyUrl = (platform: string) => `https://${platform}.platform.test:${port()}/${platform}`

function testsigma(baseUrl: string, env: Record<string, string> = {}, inputs: Record<string, string> = {}): Promise<StepResult> {
  box.script('testsigma', { queuedMs: 50, runMs: 300, total: 4 })
  return step({
    inputs: { provider: 'testsigma', token: TOKEN, scenarioId: '2090', wait: 'true', pollIntervalSeconds: '1', baseUrl, ...inputs },
    env
  })
}

/** A step whose request never reached the platform: the message says so, and no run was started. */
function expectNeverSent(r: StepResult, cause: RegExp, fix: RegExp): void {
  expect(r.code).toBe(1)
  const verdict = errorsOf(r).at(-1) ?? ''
  expect(verdict).toMatch(cause)
  expect(verdict).toMatch(fix)
  expect(verdict).toContain('The request never reached Testsigma.')
  expect(verdict).not.toMatch(/may have (started|taken effect)|look at the test plan/)
  expect(r.summary).toContain('never reached Testsigma')
  expect(r.outputs.status).toBe('error')
  expect(r.outputs.runId).toBe('')
  expectNoLeak(r, TOKEN)
}

describe('a private certificate authority', () => {
  it('without NODE_EXTRA_CA_CERTS: the certificate is refused, nothing is sent, and the fix is named', async () => {
    const before = box.requests.length
    const r = await testsigma(box.baseUrl('testsigma'))
    expectNeverSent(
      r,
      /TLS certificate was not accepted \((UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_GET_ISSUER_CERT_LOCALLY)\)/,
      /NODE_EXTRA_CA_CERTS=/
    )
    expect(box.requests.length).toBe(before) // no HTTP request got through the handshake
  })

  it('with NODE_EXTRA_CA_CERTS: the run is started and followed to its end', async () => {
    const r = await testsigma(box.baseUrl('testsigma'), { NODE_EXTRA_CA_CERTS: CA })
    expect(r.code).toBe(0)
    expect(r.outputs.status).toBe('passed')
  })
})

describe('a CONNECT proxy (HTTPS_PROXY)', () => {
  afterEach(() => {
    proxy.mode = { kind: 'tunnel' }
  })

  it('tunnels to the platform: the run is started and followed', async () => {
    const from = proxy.connects.length
    const r = await testsigma(viaProxyUrl('testsigma'), { NODE_EXTRA_CA_CERTS: CA, HTTPS_PROXY: proxy.url })
    expect(r.code).toBe(0)
    expect(r.outputs.status).toBe('passed')
    expect(proxy.connects.slice(from).map((c) => c.target)).toContain(`testsigma.platform.test:${port()}`)
  })

  it('refused (403): the step says the proxy refused, how to fix it, and that nothing reached the platform', async () => {
    proxy.mode = { kind: 'refuse', status: 403 }
    const runs = box.runs.testsigma ?? 0
    const r = await testsigma(viaProxyUrl('testsigma'), { NODE_EXTRA_CA_CERTS: CA, HTTPS_PROXY: proxy.url })
    expectNeverSent(r, /the proxy answered the CONNECT with 403, so no connection to the platform was made/, /NO_PROXY/)
    expect(box.runs.testsigma ?? 0).toBe(runs)
  })

  it('asking for credentials (407): the step names proxy credentials; with them in HTTPS_PROXY it works', async () => {
    proxy.mode = { kind: 'auth', user: 'ci', password: 'pr0xy-pass' }
    const refused = await testsigma(viaProxyUrl('testsigma'), { NODE_EXTRA_CA_CERTS: CA, HTTPS_PROXY: proxy.url })
    expectNeverSent(refused, /the proxy answered the CONNECT with 407/, /credentials.*HTTPS_PROXY=http:\/\/user:password@/)
    const withCredentials = proxy.url.replace('http://', 'http://ci:pr0xy-pass@')
    const r = await testsigma(viaProxyUrl('testsigma'), { NODE_EXTRA_CA_CERTS: CA, HTTPS_PROXY: withCredentials })
    expect(r.code).toBe(0)
    expect(r.outputs.status).toBe('passed')
  })

  it('unreachable: the step names the proxy, not the platform', async () => {
    const r = await testsigma(viaProxyUrl('testsigma'), { NODE_EXTRA_CA_CERTS: CA, HTTPS_PROXY: 'http://127.0.0.1:9' })
    expectNeverSent(r, /no connection \(proxy unreachable: ECONNREFUSED\)/, /check HTTPS_PROXY/)
  })
})

describe('a host name that does not resolve', () => {
  it('says so, names what to check, and that nothing reached the platform', async () => {
    const r = await testsigma('https://testsigma.nonexistent.invalid', {}, { timeoutMinutes: '1' })
    expectNeverSent(r, /the host name did not resolve \(ENOTFOUND\)/, /check the spelling of `baseUrl`/)
  })
})
