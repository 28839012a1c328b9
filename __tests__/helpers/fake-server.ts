// A throwaway HTTP server on 127.0.0.1:0 whose answers a test scripts request by request.
import http from 'node:http'
import type { AddressInfo } from 'node:net'

export interface Hit {
  method: string
  url: string
  headers: http.IncomingHttpHeaders
  body: string
}

export interface FakeServer {
  url: string
  hits: Hit[]
  close(): Promise<void>
}

export type Handler = (req: http.IncomingMessage, res: http.ServerResponse, hit: Hit) => void

export async function fakeServer(handler: Handler): Promise<FakeServer> {
  const hits: Hit[] = []
  const server = http.createServer((req, res) => {
    let body = ''
    req.on('data', (c) => (body += c))
    req.on('end', () => {
      const hit = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body }
      hits.push(hit)
      handler(req, res, hit)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    hits,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
  }
}

export function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers })
  res.end(JSON.stringify(body))
}
