// What every sandbox platform answers with: JSON, gateway error pages, scripted statuses.
import { runNow } from './clock.js'

/** Writes a JSON answer. */
export function json(res, status, body, headers = {}) {
  const text = JSON.stringify(body)
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text), ...headers })
  res.end(text)
}

/** Writes an HTML error page, as a proxy or gateway would. */
export function htmlPage(res, status, title) {
  const text = `<!DOCTYPE html><html><head><title>${status} ${title}</title></head><body><h1>${status} ${title}</h1></body></html>`
  res.writeHead(status, { 'Content-Type': 'text/html', 'Content-Length': Buffer.byteLength(text) })
  res.end(text)
}

/** The token of a request, whatever scheme it was sent with (`Bearer x`, `token x`). */
export function tokenOf(req, scheme) {
  const h = req.headers.authorization ?? ''
  const prefix = `${scheme} `
  return h.startsWith(prefix) ? h.slice(prefix.length) : undefined
}

/**
 * IDs of the form 000…0NNN ask the sandbox for HTTP status NNN, so every documented error can be
 * reached from an input: e.g. scenarioId 000000000000000000000404 → 404.
 */
export function scriptedStatus(...ids) {
  for (const id of ids) {
    const m = /^0+([1-5][0-9]{2})$/.exec(String(id ?? ''))
    if (m) return Number(m[1])
  }
  return undefined
}

/**
 * The HTTP status a request's token asks for: 401 for none or one starting with "invalid",
 * 403 for one starting with "free-plan" or "forbidden"; undefined when it is accepted.
 */
export function authStatus(req, scheme) {
  const token = tokenOf(req, scheme)
  if (!token || token.startsWith('invalid')) return 401
  if (token.startsWith('free-plan') || token.startsWith('forbidden')) return 403
  return undefined
}

/**
 * Carries out a cancel call as the run's script says: `hang` never answers, `fail` answers 500,
 * otherwise the run is cancelled (if it has not ended) and `ok()` answers.
 */
export function cancelRun(run, res, ok) {
  if (run.script.cancel === 'hang') return
  if (run.script.cancel === 'fail') return json(res, 500, { message: 'cancel failed' })
  run.cancelledAt ??= runNow()
  ok()
}

/** An error answer: an HTML gateway page for 502 and 504, as a proxy would send, else `body` as JSON. */
export function errorAnswer(res, status, body, headers = {}) {
  if (status === 502 || status === 504) return htmlPage(res, status, status === 502 ? 'Bad Gateway' : 'Gateway Timeout')
  json(res, status, body, headers)
}
