// docs/how-it-works.md, Reliability, "never sent": a failure before any answer says whether the request can have reached the
// platform. Only "reached" failures may send the reader looking for a run that may have started.
import { classifyNetworkError } from '../src/network-errors.js'
import { describeFailure, type FailureInfo } from '../src/errors.js'
import { isRetryable, mayHaveTakenEffect } from '../src/retry-policy.js'

const err = (code: string | undefined, message = code ?? 'boom') => Object.assign(new Error(message), code ? { code } : {})
const asFailure = (e: Error, method = 'POST'): FailureInfo => {
  const n = classifyNetworkError(e)
  return {
    platform: 'Acme',
    action: 'start the run',
    endpoint: `${method} /runs`,
    method,
    kind: n.kind,
    detail: n.detail,
    reached: n.reached,
    proxyStatus: n.proxyStatus,
    hint: n.hint
  }
}

describe('classifyNetworkError', () => {
  it.each([
    'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    'SELF_SIGNED_CERT_IN_CHAIN',
    'DEPTH_ZERO_SELF_SIGNED_CERT',
    'CERT_HAS_EXPIRED',
    'ERR_TLS_CERT_ALTNAME_INVALID'
  ])('a certificate check (%s) never sent the request, names NODE_EXTRA_CA_CERTS, and is not retried', (code) => {
    const f = asFailure(err(code))
    expect(f).toMatchObject({ kind: 'tls', detail: code, reached: false })
    expect(f.hint).toContain('NODE_EXTRA_CA_CERTS')
    expect(isRetryable('POST', f)).toBe(false)
    expect(mayHaveTakenEffect(f)).toBe(false)
    expect(describeFailure(f)).toContain('The request never reached Acme.')
  })

  it.each(['ENOTFOUND', 'EAI_AGAIN'])('a DNS failure (%s) never sent the request and may be retried, even a write', (code) => {
    const f = asFailure(err(code))
    expect(f).toMatchObject({ kind: 'dns', reached: false })
    expect(f.hint).toContain('`baseUrl`')
    expect(isRetryable('POST', f)).toBe(true)
  })

  it.each([
    [407, /credentials.*HTTPS_PROXY=http:\/\/user:password@/, false],
    [403, /NO_PROXY/, false],
    [502, /NO_PROXY/, true]
  ])('a proxy answering the CONNECT with %d: never sent, the fix named, retried only for a gateway error', (status, hint, retried) => {
    // What the tunnel agent of @actions/http-client throws for a refused CONNECT.
    const f = asFailure(err('ECONNRESET', `tunneling socket could not be established, statusCode=${status}`))
    expect(f).toMatchObject({ kind: 'proxy', reached: false, proxyStatus: status })
    expect(f.hint).toMatch(hint)
    expect(isRetryable('POST', f)).toBe(retried)
    expect(mayHaveTakenEffect(f)).toBe(false)
  })

  it('a proxy that cannot be reached: never sent, names HTTPS_PROXY', () => {
    const f = asFailure(err('ECONNRESET', 'tunneling socket could not be established, cause=connect ECONNREFUSED 127.0.0.1:9'))
    expect(f).toMatchObject({ kind: 'network', detail: 'proxy unreachable: ECONNREFUSED', reached: false })
    expect(f.hint).toContain('HTTPS_PROXY')
  })

  it.each([
    ['ECONNREFUSED', false],
    ['EHOSTUNREACH', false],
    ['ECONNRESET', true],
    ['EPIPE', true],
    [undefined, true]
  ])('%s: reached = %s (a reset may come after the platform acted)', (code, reached) => {
    const f = asFailure(err(code))
    expect(f.kind).toBe('network')
    expect(f.reached).toBe(reached)
    expect(mayHaveTakenEffect(f)).toBe(reached)
    expect(describeFailure(f).includes('never reached')).toBe(!reached)
  })
})
