// A real HTTP CONNECT proxy on loopback, as corporate networks put in front of self-hosted runners.
// It resolves every host to 127.0.0.1 (so a test can use names like testsigma.platform.test that
// @actions/http-client does not exempt from the proxy, as it exempts loopback), and it can refuse
// the tunnel or ask for credentials.
import http from 'node:http'
import net from 'node:net'
import type { AddressInfo } from 'node:net'

export type ProxyMode = { kind: 'tunnel' } | { kind: 'refuse'; status: number } | { kind: 'auth'; user: string; password: string }

export interface ConnectProxy {
  url: string
  /** Every CONNECT target asked for, with the Proxy-Authorization header if any. */
  connects: { target: string; auth?: string }[]
  mode: ProxyMode
  close(): Promise<void>
}

export async function connectProxy(mode: ProxyMode = { kind: 'tunnel' }): Promise<ConnectProxy> {
  const connects: ConnectProxy['connects'] = []
  const sockets = new Set<net.Socket>()
  const server = http.createServer((_req, res) => {
    res.writeHead(405).end('CONNECT only')
  })
  const proxy: ConnectProxy = { url: '', connects, mode, close: async () => undefined }
  server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    sockets.add(client)
    client.on('close', () => sockets.delete(client))
    client.on('error', () => undefined)
    const auth = req.headers['proxy-authorization']
    connects.push({ target: req.url ?? '', auth })
    const m = proxy.mode
    if (m.kind === 'refuse') return void client.end(`HTTP/1.1 ${m.status} Refused\r\nContent-Length: 0\r\n\r\n`)
    if (m.kind === 'auth' && auth !== `Basic ${Buffer.from(`${m.user}:${m.password}`).toString('base64')}`) {
      return void client.end(
        'HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="test"\r\nContent-Length: 0\r\n\r\n'
      )
    }
    const port = Number((req.url ?? '').split(':').pop())
    const upstream = net.connect(port, '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
      if (head.length) upstream.write(head)
      upstream.pipe(client)
      client.pipe(upstream)
    })
    sockets.add(upstream)
    upstream.on('close', () => sockets.delete(upstream))
    upstream.on('error', () => client.destroy())
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  proxy.close = () =>
    new Promise((resolve) => {
      for (const s of sockets) s.destroy()
      server.close(() => resolve())
    })
  return proxy
}
