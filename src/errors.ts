// The error model: what failed, in which request, whether it reached the platform, and the message
// a person can act on (what failed, what the platform said, what to do).
export type FailureKind =
  | 'http'
  | 'network'
  | 'tls'
  | 'dns'
  | 'proxy'
  | 'timeout'
  | 'not-json'
  | 'shape'
  | 'redirect'
  | 'too-large'
  | 'aborted'
  | 'rate-limited'
  | 'wrong-run'

export interface FailureInfo {
  platform: string
  /** What we were doing, as a verb phrase: "create the test run". */
  action: string
  /** `METHOD /path/template`, never with IDs that could carry secrets. */
  endpoint: string
  /** The request's method, where a request was made. */
  method?: string
  kind: FailureKind
  status?: number
  /** The platform's own message, cleaned and redacted. */
  platformMessage?: string
  /** What went wrong on our side of the wire (network code, schema path). */
  detail?: string
  hint?: string
  /** False only when the request provably never reached the platform. */
  reached: boolean
  /** How long the platform asked us to wait (Retry-After, or rate-limit headers). */
  retryAfterMs?: number
  /** The platform signalled a rate limit (429, or remaining = 0). */
  rateLimited?: boolean
  /** This invocation used up its retries: nothing more will be retried. */
  budgetExhausted?: boolean
  /** A proxy refused the tunnel with this CONNECT answer (kind 'proxy'). */
  proxyStatus?: number
}

export class PlatformError extends Error {
  constructor(readonly info: FailureInfo) {
    super(describeFailure(info))
    this.name = 'PlatformError'
  }
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  408: 'Request Timeout',
  409: 'Conflict',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout'
}

/** Hints that hold for every platform; a provider's own hints take precedence. */
const GENERIC_HINTS: Record<number, string> = {
  400: 'the platform rejected the request: check the IDs and values in the step inputs.',
  401: 'the token was not accepted: regenerate the API token on the platform and update the secret.',
  403: "the token's account is not allowed to do this: check the plan or licence and the token's permissions.",
  404: 'check the IDs in the step inputs.',
  408: 'the platform timed out; run the job again.',
  429: 'the platform is rate-limiting these requests; run the job again later or poll less often.',
  500: 'the platform failed; run the job again later and check the platform status page.'
}

/** What went wrong, in a few words: "HTTP 401 Unauthorized", "no connection (ECONNREFUSED)". */
export function whatFailed(f: FailureInfo): string {
  let what: string
  switch (f.kind) {
    case 'http':
      what = `HTTP ${f.status}${STATUS_TEXT[f.status ?? 0] ? ` ${STATUS_TEXT[f.status ?? 0]}` : ''}${f.detail ? ` (${f.detail})` : ''}`
      break
    case 'network':
      what = `no connection (${f.detail})`
      break
    case 'tls':
      what = `the server's TLS certificate was not accepted (${f.detail})`
      break
    case 'dns':
      what = `the host name did not resolve (${f.detail})`
      break
    case 'proxy':
      what = `${f.detail}, so no connection to the platform was made`
      break
    case 'rate-limited':
      what = `rate limited: the platform asked for no requests until ${f.detail}, past the step's deadline`
      break
    case 'wrong-run':
      what = `the answer was about run ${f.detail}, not the run asked for`
      break
    case 'timeout':
      what = `no answer within ${f.detail}`
      break
    case 'not-json':
      what = `HTTP ${f.status} with a body that is not JSON (${f.detail}), likely an error page from a proxy or gateway`
      break
    case 'shape':
      what = `the answer did not have the documented shape (${f.detail})`
      break
    case 'redirect':
      what = `HTTP ${f.status}, a redirect to ${f.detail}, which is not followed with credentials`
      break
    case 'too-large':
      what = `the answer was larger than ${f.detail}`
      break
    case 'aborted':
      what = 'the step was cancelled'
      break
  }
  return what
}

export function describeFailure(f: FailureInfo): string {
  const what = whatFailed(f)
  const said =
    (f.platformMessage ? ` ${f.platform} said: "${f.platformMessage}".` : '') +
    // Said plainly, so nobody goes looking for a run that a request which never left could not start.
    (!f.reached && f.kind !== 'aborted' ? ` The request never reached ${f.platform}.` : '') +
    (f.budgetExhausted ? ' The retry budget of this step is exhausted, so it was not retried.' : '')
  const hint = f.hint ? ` What to do: ${f.hint}` : ''
  return `${f.platform}: could not ${f.action} (${f.endpoint}): ${what}.${said}${hint}`
}

export function hintFor(f: Omit<FailureInfo, 'hint'>, own: Partial<Record<number, string>>): string | undefined {
  switch (f.kind) {
    case 'http': {
      const s = f.status ?? 0
      return own[s] ?? GENERIC_HINTS[s] ?? (s >= 500 ? GENERIC_HINTS[500] : undefined)
    }
    case 'rate-limited':
      return 'raise `timeoutMinutes`, or poll less often so the platform does not limit the requests.'
    case 'wrong-run':
      return 'the platform or a proxy in front of it answered for another run; check `baseUrl` points at the platform API, and report it to the platform if it persists.'
    case 'timeout':
      return 'the platform is slow or unreachable; run the job again later.'
    case 'not-json':
      return 'the platform or a proxy in front of it is failing; run the job again later, and check `baseUrl` points at the API.'
    case 'shape':
      return 'the platform API may have changed; please open an issue on this action with this message.'
    case 'redirect':
      return 'set `baseUrl` to the final API address so no redirect is needed.'
    case 'too-large':
      return 'check `baseUrl` points at the platform API.'
    default:
      return undefined
  }
}
