// A local server that speaks the platforms' documented APIs on loopback, for the demo and tests.
// Each platform lives in sandbox/platforms/<name>.js and is served under /<name>, so its base URL
// is http://127.0.0.1:<port>/<name> and the documented paths follow unchanged.
import http from 'node:http'
import { json } from './respond.js'
import { evaficy } from './platforms/evaficy.js'

export const PLATFORMS = [evaficy]

function compile(route) {
  const [method, pattern] = route.route.split(' ')
  const names = []
  const re = new RegExp(`^${pattern.replace(/:([a-zA-Z]+)/g, (_, n) => (names.push(n), '([^/]+)'))}$`)
  return { method, re, names, handle: route.handle }
}

/**
 * Starts the sandbox. Resolves to { url, port, requests, runs, close }.
 * `requests` lists every request received ({ platform, method, path, headers, body });
 * `runs` counts the runs created per platform.
 */
export function startSandbox({ port = 0, host = '127.0.0.1', quiet = true } = {}) {
  const requests = []
  const runs = {}
  const state = { requests, runs }
  const table = PLATFORMS.map((p) => ({ platform: p, routes: p.routes.map(compile) }))

  const server = http.createServer((req, res) => {
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
      const entry = table.find((t) => t.platform.name === prefix)
      const record = { platform: prefix, method: req.method, path, query: Object.fromEntries(url.searchParams), headers: req.headers, body }
      requests.push(record)
      if (!quiet) process.stdout.write(`sandbox: ${req.method} ${url.pathname}\n`)
      if (!entry) return json(res, 404, { message: `no platform "${prefix}" in the sandbox` })
      for (const r of entry.routes) {
        const m = r.method === req.method ? r.re.exec(path) : null
        if (!m) continue
        const params = Object.fromEntries(r.names.map((n, i) => [n, decodeURIComponent(m[i + 1])]))
        const ctx = {
          req,
          res,
          body,
          params,
          query: record.query,
          created: () => (runs[prefix] = (runs[prefix] ?? 0) + 1),
          state
        }
        try {
          return r.handle(ctx)
        } catch (e) {
          return json(res, 500, { message: `sandbox error: ${e.message}` })
        }
      }
      json(res, 404, { message: `no route ${req.method} ${path} on the ${prefix} sandbox` })
    })
  })

  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      const addr = server.address()
      const url = `http://${host}:${addr.port}`
      resolve({
        url,
        port: addr.port,
        requests,
        runs,
        baseUrl: (platform) => `${url}/${platform}`,
        close: () =>
          new Promise((done) => {
            server.closeAllConnections?.()
            server.close(() => done())
          })
      })
    })
  })
}
