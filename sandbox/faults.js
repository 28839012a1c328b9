// Fault injection for the sandbox: each platform has a queue of faults, and each fault applies to
// the next request(s) of its phase (PHASES) or of `any` phase, so a test can
// script any sequence: `sandbox.fault('testery', { on: 'poll', do: 'status', status: 502, html: true, times: 2 })`.
//
// What a fault can do:
//   status      answer `status` without handling the request (JSON { message }, or an HTML page
//               with `html: true`), with `retryAfter` seconds if given; with `handled: true`, after
//               handling it (a gateway's 502 for a start that created its run)
//   reset-before  destroy the connection before handling (the platform did nothing)
//   reset-after   handle the request (a run may be created), then destroy the connection unanswered
//   stall       wait `ms` before handling; with no `ms`, never answer
//   drip        handle, then send the answer a byte at a time, every `tickMs` (default 10)
//   truncate    handle, then send half the answer and close
//   not-json    handle, then answer 200 with an HTML page
//   huge        handle, then stream `bytes` (default 50 MB) of JSON-ish text with no Content-Length
//   redirect    answer 302 to the same path under `to` (another origin)
//   echo-auth   answer 401 with a message that repeats the Authorization header (`encoding`: base64 or
//               url repeats the token in that form, as some gateways log it)
//   json        answer `status` (default 200) with `body`, without handling (a status answer the
//               platform should never give: another run's, a forged link)
//   patch       handle, then merge `body` into the JSON answer (a field the platform should never
//               send: a link to another site, a name with a line break)
//   pass        handle as usual (lets the next request of a phase through, so a later one can be broken)
// Any fault that answers may add response `headers` (e.g. Retry-After on a successful read).
import { htmlPage, json } from './respond.js'

/**
 * What a request does, as routes declare it and faults name it. A phase outside this list is an
 * error at once, in a route and in a fault: a misspelt one would let its faults pass unfired.
 */
export const PHASES = ['trigger', 'poll', 'cancel', 'list', 'results', 'meta']

/** The phase, checked against PHASES (`any` as well, for a fault). */
export function checkPhase(phase, what, anyAllowed = false) {
  if (PHASES.includes(phase) || (anyAllowed && phase === 'any')) return phase
  throw new Error(`${what}: unknown phase ${JSON.stringify(phase)}; the phases are ${PHASES.join(', ')}${anyAllowed ? ', any' : ''}`)
}

export class FaultQueue {
  constructor() {
    this.faults = []
    // Every fault ever added, with how often it fired: a test can check its faults did.
    this.added = []
  }

  add(...faults) {
    const queued = faults.map((f) => ({ times: 1, on: 'any', ...f, fired: 0 }))
    for (const f of queued) checkPhase(f.on, `fault ${JSON.stringify(f.do)}`, true)
    this.faults.push(...queued)
    this.added.push(...queued)
  }

  /** The faults added that no request ever met (a misspelt phase, a route that changed). */
  unfired() {
    return this.added.filter((f) => f.fired === 0).map(({ fired: _fired, ...f }) => f)
  }

  /** The fault for the next request of this phase, if any; used up after `times` requests. */
  take(phase) {
    const i = this.faults.findIndex((f) => f.on === phase || f.on === 'any')
    if (i < 0) return undefined
    const f = this.faults[i]
    f.fired++
    if (--f.times <= 0) this.faults.splice(i, 1)
    return f
  }
}

/** A stand-in response that records what a handler answers, so a fault can change it. */
function capture(onDone) {
  let status = 200
  let headers = {}
  return {
    writeHead(s, h = {}) {
      status = s
      headers = h
    },
    end(text = '') {
      onDone(status, headers, String(text))
    }
  }
}

/** Runs `handle(res)` with the fault applied. */
export function withFault(fault, req, res, handle) {
  const socket = req.socket
  switch (fault?.do) {
    case undefined:
      return handle(res)
    case 'pass':
      if (!fault.headers) return handle(res)
      return handle(
        capture((status, headers, text) => {
          res.writeHead(status, { ...headers, ...fault.headers })
          res.end(text)
        })
      )
    case 'status': {
      const headers = fault.retryAfter !== undefined ? { 'Retry-After': String(fault.retryAfter) } : {}
      const answer = (r) =>
        fault.html ? htmlPage(r, fault.status, 'Error') : json(r, fault.status, { message: `injected ${fault.status}` }, headers)
      // `handled`: the platform did the work (a run may be created) and its gateway answered the error.
      if (fault.handled) return handle(capture(() => answer(res)))
      return answer(res)
    }
    case 'reset-before':
      return socket.destroy()
    case 'reset-after':
      return handle(capture(() => socket.destroy()))
    case 'stall':
      if (fault.ms === undefined) return undefined
      return setTimeout(() => handle(res), fault.ms)
    case 'drip':
      return handle(
        capture((status, headers, text) => {
          res.writeHead(status, { ...headers, 'Content-Length': Buffer.byteLength(text) })
          const bytes = Buffer.from(text)
          let i = 0
          const tick = setInterval(() => {
            if (i >= bytes.length || res.destroyed) {
              clearInterval(tick)
              return res.end()
            }
            res.write(bytes.subarray(i, i + 1))
            i++
          }, fault.tickMs ?? 10)
        })
      )
    case 'truncate':
      return handle(
        capture((status, headers, text) => {
          const { 'Content-Length': _dropped, ...rest } = headers
          res.writeHead(status, rest)
          res.write(text.slice(0, Math.floor(text.length / 2)))
          setTimeout(() => socket.destroy(), 20)
        })
      )
    case 'not-json':
      return handle(capture(() => htmlPage(res, 200, 'Welcome')))
    case 'huge':
      return handle(
        capture(() => {
          res.writeHead(200, { 'Content-Type': 'application/json' })
          let left = fault.bytes ?? 50 * 1024 * 1024
          const chunk = Buffer.alloc(64 * 1024, 'x')
          res.write('{"pad":"')
          const pump = () => {
            while (left > 0 && !res.destroyed) {
              left -= chunk.length
              if (!res.write(chunk)) return res.once('drain', pump)
            }
            if (!res.destroyed) res.end('"}')
          }
          res.on('error', () => undefined)
          pump()
        })
      )
    case 'redirect':
      res.writeHead(302, { Location: `${fault.to}${req.url}` })
      return res.end()
    case 'echo-auth': {
      const auth = String(req.headers.authorization ?? '')
      const token = auth.replace(/^\S+\s+/, '')
      const echoed =
        fault.encoding === 'base64' ? Buffer.from(token).toString('base64') : fault.encoding === 'url' ? encodeURIComponent(token) : auth
      return json(res, 401, { message: `token not valid: ${echoed}` })
    }
    case 'json':
      return json(res, fault.status ?? 200, fault.body, fault.headers ?? {})
    case 'patch':
      return handle(
        capture((status, headers, text) => {
          const { 'Content-Length': _dropped, ...rest } = headers
          json(res, status, { ...JSON.parse(text), ...fault.body }, { ...rest, ...(fault.headers ?? {}) })
        })
      )
    default:
      return json(res, 500, { message: `unknown fault ${fault.do}` })
  }
}
