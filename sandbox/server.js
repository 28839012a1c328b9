// A local server that speaks the platforms' documented APIs on loopback, for the demo and tests.
// Each platform lives in sandbox/platforms/<name>.js and is served under /<name>, so its base URL
// is http://127.0.0.1:<port>/<name> and the documented paths follow unchanged.
import http from 'node:http'
import https from 'node:https'
import { evaficySandbox } from './platforms/evaficy.js'
import { gearsetSandbox } from './platforms/gearset.js'
import { testerySandbox } from './platforms/testery.js'
import { testsigmaSandbox } from './platforms/testsigma.js'
import { checkPhase, FaultQueue, withFault } from './faults.js'
import { authStatus, json } from './respond.js'
import { driveRunClock, runNow } from './clock.js'

export const FACTORIES = [evaficySandbox, testsigmaSandbox, testerySandbox, gearsetSandbox]
export const PLATFORM_NAMES = ['evaficy', 'testsigma', 'testery', 'gearset']

/** @typedef {{ platform: string, method: string, path: string, query: Record<string, string>, headers: import('node:http').IncomingHttpHeaders, body: any, at: number, status?: number, answeredAt?: number }} SandboxRequest */

function compile(route) {
  const [method, pattern] = route.route.split(' ')
  const names = []
  const re = new RegExp(`^${pattern.replace(/:([a-zA-Z]+)/g, (_, n) => (names.push(n), '([^/]+)'))}$`)
  return { method, re, names, handle: route.handle, phase: checkPhase(route.phase, `route ${route.route}`) }
}

/**
 * Starts the sandbox. Resolves to { url, port, baseUrl(platform), requests, runs, platforms, script, close }.
 * `requests` lists every request received ({ platform, method, path, headers, body });
 * `runs` counts the runs created per platform; `script(platform, ...scripts)` sets how the next
 * runs go (sandbox/runs.js); `fault(platform, ...faults)` breaks the next requests (faults.js);
 * `platforms.gearset.violations` counts reads beyond Gearset's limit.
 * Over HTTP: POST /__sandbox/<platform>/scripts or /faults with one (or an array) as the body.
 * `tls` ({ key, cert }, PEM): serve HTTPS instead, as the real platforms do, so tests can drive a
 * private certificate authority and a CONNECT proxy (its URL then names `localhost`).
 * `factories`: the platforms served (each platforms/<name>.js; a test may add one of its own).
 * `now`: drives the run clock (clock.js) with a test's own clock, epoch ms; close() gives it back.
 * @param {{ port?: number, host?: string, quiet?: boolean, rateLimit?: { perSecond: number }, tls?: import('node:https').ServerOptions, factories?: Array<() => any>, now?: () => number }} [options]
 * @returns {Promise<{ url: string, port: number, requests: SandboxRequest[], runs: Record<string, number>,
 *   platforms: Record<string, any>, script: (platform: string, ...scripts: object[]) => void,
 *   fault: (platform: string, ...faults: object[]) => void, clearFaults: () => void, unfiredFaults: (platform: string) => object[], limited: Record<string, number>,
 *   baseUrl: (platform: string) => string, close: () => Promise<void> }>}
 */
export function startSandbox({
  port = 0,
  host = '127.0.0.1',
  quiet = true,
  rateLimit = undefined,
  tls = undefined,
  factories = FACTORIES,
  now = undefined
} = {}) {
  if (now) driveRunClock(now)
  /** @type {SandboxRequest[]} */
  const requests = []
  /** @type {Record<string, number>} */
  const runs = {}
  const state = { requests, runs }
  const platforms = Object.fromEntries(factories.map((make) => make()).map((p) => [p.name, p]))
  const table = Object.values(platforms).map((p) => ({ platform: p, routes: p.routes.map(compile) }))
  const script = (platform, ...scripts) => platforms[platform].book.enqueue(...scripts)
  const faults = Object.fromEntries(Object.keys(platforms).map((name) => [name, new FaultQueue()]))
  const fault = (platform, ...list) => faults[platform].add(...list)
  // Drops every fault not yet used, so one test's leftovers do not break the next one's requests.
  const clearFaults = () => Object.values(faults).forEach((q) => (q.faults.length = 0))
  // An optional limit for the platforms that document none: `rateLimit.perSecond` requests per
  // platform per second, then 429 with Retry-After; answers counted in `limited`.
  const limited = {}
  const windows = {}
  const overLimit = (platform) => {
    if (!rateLimit || platform === 'gearset') return false // Gearset has its own, documented limit
    const now = Date.now()
    const w = (windows[platform] ??= [])
    while (w.length && now - w[0] >= 1000) w.shift()
    if (w.length >= rateLimit.perSecond) return true
    w.push(now)
    return false
  }

  const handler = (req, res) => {
    // Its answers' Date agrees with its run clock (what rate-limit resets are stamped in).
    res.setHeader('Date', new Date(runNow()).toUTCString())
    const chunks = []
    req.on('data', (c) => chunks.push(c))
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8')
      let body
      try {
        body = raw ? JSON.parse(raw) : undefined
      } catch {
        body = raw
      }
      const url = new URL(req.url ?? '/', 'http://sandbox')
      const [, prefix, ...rest] = url.pathname.split('/')
      const path = `/${rest.join('/')}`
      if (prefix === '__sandbox') {
        const [name, what] = rest
        const list = Array.isArray(body) ? body : [body]
        if (req.method === 'POST' && what === 'scripts' && platforms[name]?.book) {
          script(name, ...list)
          return json(res, 200, { queued: platforms[name].book.queue.length })
        }
        if (req.method === 'POST' && what === 'faults' && faults[name]) {
          fault(name, ...list)
          return json(res, 200, { queued: faults[name].faults.length })
        }
        return json(res, 404, { message: 'sandbox control: POST /__sandbox/<platform>/scripts or /faults' })
      }
      const entry = table.find((t) => t.platform.name === prefix)
      const record = {
        platform: prefix,
        method: req.method,
        path,
        query: Object.fromEntries(url.searchParams),
        headers: req.headers,
        body,
        at: Date.now()
      }
      requests.push(record)
      res.on('finish', () => {
        record.status = res.statusCode
        record.answeredAt = Date.now()
      })
      if (!quiet) process.stdout.write(`sandbox: ${req.method} ${url.pathname}\n`)
      if (!entry) return json(res, 404, { message: `no platform "${prefix}" in the sandbox` })
      if (overLimit(prefix)) {
        limited[prefix] = (limited[prefix] ?? 0) + 1
        return json(res, 429, { message: 'Too many requests' }, { 'Retry-After': '1' })
      }
      for (const r of entry.routes) {
        const m = r.method === req.method ? r.re.exec(path) : null
        if (!m) continue
        const params = Object.fromEntries(r.names.map((n, i) => [n, decodeURIComponent(m[i + 1])]))
        const handle = (out) => {
          const denied = authStatus(req, entry.platform.auth)
          if (denied) return entry.platform.fail(out, denied)
          const ctx = {
            req,
            res: out,
            body,
            params,
            query: record.query,
            created: () => (runs[prefix] = (runs[prefix] ?? 0) + 1),
            state
          }
          try {
            return r.handle(ctx)
          } catch (e) {
            return json(out, 500, { message: `sandbox error: ${e.message}` })
          }
        }
        return withFault(faults[prefix]?.take(r.phase), req, res, handle)
      }
      json(res, 404, { message: `no route ${req.method} ${path} on the ${prefix} sandbox` })
    })
  }
  const server = tls ? https.createServer(tls, handler) : http.createServer(handler)

  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      const addr = server.address()
      const url = tls ? `https://localhost:${addr.port}` : `http://${host}:${addr.port}`
      resolve({
        url,
        port: addr.port,
        requests,
        runs,
        platforms,
        script,
        fault,
        clearFaults,
        unfiredFaults: (platform) => faults[platform].unfired(),
        limited,
        baseUrl: (platform) => `${url}/${platform}`,
        close: () =>
          new Promise((done) => {
            if (now) driveRunClock(undefined)
            server.closeAllConnections?.()
            server.close(() => done())
          })
      })
    })
  })
}
