// What a failed exchange says about whether the request reached the platform, and what to do.
// "Never sent" matters most for a trigger: then no run can have started, and the message must
// not send the reader looking for one.
import { oneLine } from './text.js'

export type NetworkKind = 'network' | 'tls' | 'dns' | 'proxy'

export interface NetworkFailure {
  kind: NetworkKind
  /** A short name of the cause: the error code, or the proxy's answer. */
  detail: string
  /** False when the request provably never reached the platform. */
  reached: boolean
  /** The CONNECT answer of a proxy that refused the tunnel. */
  proxyStatus?: number
  hint: string
}

// Certificate checks that failed before any byte of the request was sent (Node's TLS error codes).
const TLS_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'CERT_REVOKED',
  'CERT_SIGNATURE_FAILURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'EPROTO'
])

const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME'])

// Connection failures where nothing was sent: safe to re-send even a trigger.
const NOT_CONNECTED = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL', 'UND_ERR_CONNECT_TIMEOUT'])

const CA_HINT =
  'the runner does not trust the certificate the server presented. If the platform (or a proxy that inspects TLS) uses a private certificate authority, ' +
  'give the runner its certificate with the environment variable NODE_EXTRA_CA_CERTS=/path/to/ca.pem; check `baseUrl` otherwise. This action never turns certificate checks off.'
const PROTOCOL_HINT = 'the server did not speak TLS: check `baseUrl` (https:// to a plain-HTTP port?) and the proxy settings.'
const DNS_HINT =
  'the host name could not be resolved: check the spelling of `baseUrl`, and that the runner has DNS for it (a self-hosted runner behind a proxy needs HTTPS_PROXY).'
const PROXY_AUTH_HINT =
  'the proxy asked for credentials (407): put them in the proxy URL, e.g. HTTPS_PROXY=http://user:password@proxy.example:8080, or ask who runs the proxy.'
const PROXY_REFUSED_HINT =
  'the proxy in HTTPS_PROXY refused to open a connection to the platform: ask who runs it to allow the platform’s host, or, if the runner reaches the platform directly, add the host to NO_PROXY.'
const PROXY_DOWN_HINT =
  'the proxy in HTTPS_PROXY could not be reached: check HTTPS_PROXY, or add the platform’s host to NO_PROXY if the runner reaches it directly.'
const CONNECT_HINT = 'check `baseUrl` and that the runner can reach the platform (a self-hosted runner behind a proxy needs HTTPS_PROXY).'

/** Classifies an error thrown by the transport before any answer arrived. */
export function classifyNetworkError(e: unknown): NetworkFailure {
  const err = e as NodeJS.ErrnoException
  const code = typeof err?.code === 'string' ? err.code : undefined
  const message = typeof err?.message === 'string' ? err.message : String(e)
  // The tunnel agent of @actions/http-client reports every failed CONNECT as ECONNRESET with this message.
  const tunnel = /^tunneling socket could not be established, (?:statusCode=(\d+)|cause=(.*))$/s.exec(message)
  if (tunnel?.[1]) {
    const status = Number(tunnel[1])
    return {
      kind: 'proxy',
      detail: `the proxy answered the CONNECT with ${status}`,
      reached: false,
      proxyStatus: status,
      hint: status === 407 ? PROXY_AUTH_HINT : PROXY_REFUSED_HINT
    }
  }
  if (tunnel) {
    const cause = /\b(E[A-Z_]+)\b/.exec(tunnel[2] ?? '')?.[1] ?? oneLine(tunnel[2] ?? '', 60)
    return { kind: 'network', detail: `proxy unreachable: ${cause}`, reached: false, hint: PROXY_DOWN_HINT }
  }
  if (code && TLS_CODES.has(code)) {
    const protocol = code === 'EPROTO' || code === 'ERR_SSL_WRONG_VERSION_NUMBER'
    return { kind: 'tls', detail: code, reached: false, hint: protocol ? PROTOCOL_HINT : CA_HINT }
  }
  if (code && DNS_CODES.has(code)) return { kind: 'dns', detail: code, reached: false, hint: DNS_HINT }
  const detail = code ?? oneLine(message, 80)
  return { kind: 'network', detail, reached: !NOT_CONNECTED.has(detail), hint: CONNECT_HINT }
}
