// `npm run sandbox`: starts the sandbox and prints where each platform answers. Ctrl-C stops it.
import { PLATFORM_NAMES, startSandbox } from './server.js'

const port = Number(process.env.PORT ?? 0)
const sandbox = await startSandbox({ port, quiet: false })
console.log(`Sandbox listening on ${sandbox.url}`)
for (const p of PLATFORM_NAMES) console.log(`  ${p.padEnd(10)} baseUrl: ${sandbox.baseUrl(p)}`)
const stop = () => sandbox.close().then(() => process.exit(0))
process.on('SIGINT', stop)
process.on('SIGTERM', stop)
