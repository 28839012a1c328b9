// The stand-in for undici (stubs/undici: why in its package.json) reaches only the bundle's
// @actions/http-client, through an override scoped to it; the rest of the install tree (for
// example @github/local-action as a dev dependency) gets the real undici.
import { createHash } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

const HTTP_CLIENT = 'node_modules/@actions/http-client'

/**
 * package-lock.json's integrity for the packed stand-in installed at `path`, and the sha512 of that
 * tarball as committed: a stale integrity passes wherever npm's cache still holds the old tarball,
 * and fails on a fresh machine with EINTEGRITY. After re-packing: npm install (it rewrites the lock).
 */
function lockAndTarball(path: string): [string, string] {
  const entry = JSON.parse(readFileSync('package-lock.json', 'utf8')).packages[path]
  const tarball = readFileSync(entry.resolved.replace(/^file:/, ''))
  return [entry.integrity, `sha512-${createHash('sha512').update(tarball).digest('base64')}`]
}
const NESTED = join(HTTP_CLIENT, 'node_modules/undici')

/** Every name @actions/http-client imports from undici. */
function namesImported(): string[] {
  const lib = join(HTTP_CLIENT, 'lib')
  return readdirSync(lib)
    .filter((f) => f.endsWith('.js'))
    .flatMap((f) => [...readFileSync(join(lib, f), 'utf8').matchAll(/import\s*\{([^}]*)\}\s*from\s*'undici'/g)])
    .flatMap((m) => m[1].split(',').map((n) => n.trim().split(/\s+as\s+/)[0]))
    .filter(Boolean)
}

describe('the undici stand-in', () => {
  it('exports every name @actions/http-client imports from undici', async () => {
    const names = namesImported()
    expect(names.length).toBeGreaterThan(0)
    const stub = await import('../stubs/undici/index.js')
    for (const name of names) expect(Object.keys(stub)).toContain(name)
  })

  it('is what the bundle’s @actions/http-client loads, as packed from stubs/undici', () => {
    expect(JSON.parse(readFileSync(join(NESTED, 'package.json'), 'utf8')).version).toBe('0.0.0-not-bundled')
    // Edited the stub? Re-pack it (npm pack stubs/undici --pack-destination stubs) and npm install.
    expect(readFileSync(join(NESTED, 'index.js'), 'utf8')).toBe(readFileSync('stubs/undici/index.js', 'utf8'))
  })

  it('is the tarball package-lock.json vouches for, so npm ci installs it on a machine with an empty cache', () => {
    const [integrity, tarball] = lockAndTarball(NESTED)
    expect(integrity).toBe(tarball)
  })

  it('does not reach the rest of the install tree: the root undici is the real one', async () => {
    const root = JSON.parse(readFileSync('node_modules/undici/package.json', 'utf8'))
    expect(root.version).not.toBe('0.0.0-not-bundled')
    expect(typeof (await import('undici')).fetch).toBe('function')
  })
})

// The stand-in for @actions/exec (stubs/actions-exec: why in its package.json): @actions/core imports
// it only for core.platform, which the action never calls.
describe('the @actions/exec stand-in', () => {
  const CORE = 'node_modules/@actions/core'
  const EXEC = 'node_modules/@actions/exec'

  it('exports every name @actions/core takes from @actions/exec, and the action never reaches them', async () => {
    const lib = join(CORE, 'lib')
    const used = readdirSync(lib)
      .filter((f) => f.endsWith('.js'))
      .flatMap((f) => {
        const text = readFileSync(join(lib, f), 'utf8')
        const ns = /import \* as (\w+) from '@actions\/exec'/.exec(text)?.[1]
        return ns ? [...text.matchAll(new RegExp(`\\b${ns}\\.(\\w+)`, 'g'))].map((m) => m[1]) : []
      })
    expect(used.length).toBeGreaterThan(0)
    const stub = await import('../stubs/actions-exec/index.js')
    for (const name of new Set(used)) expect(Object.keys(stub)).toContain(name)
    // What uses them is core.platform (the runner's OS details): the action's sources never touch it.
    for (const f of readdirSync('src', { recursive: true })
      .map(String)
      .filter((n) => n.endsWith('.ts')))
      expect(readFileSync(join('src', f), 'utf8')).not.toMatch(/\bplatform\.getDetails|@actions\/exec/)
  })

  it('is what the bundle’s @actions/core loads, as packed, and what package-lock.json vouches for', () => {
    expect(JSON.parse(readFileSync(join(EXEC, 'package.json'), 'utf8')).version).toBe('0.0.0-not-bundled')
    // Edited the stub? Re-pack it (npm pack ./stubs/actions-exec --pack-destination stubs) and npm install.
    expect(readFileSync(join(EXEC, 'index.js'), 'utf8')).toBe(readFileSync('stubs/actions-exec/index.js', 'utf8'))
    const [integrity, tarball] = lockAndTarball(EXEC)
    expect(integrity).toBe(tarball)
  })

  it('keeps child_process out of the bundle', () => {
    expect(readFileSync('dist/index.js', 'utf8')).not.toContain('"child_process"')
  })
})
