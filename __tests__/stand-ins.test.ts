// Two packages the bundle takes a stand-in for (scripts/build.js STAND_INS; why, in each stand-in's
// package.json). The substitution happens at bundle time, scoped to the one importer: the install
// tree is the real one, so `npm ls` tells the truth and Dependabot can update every dependency.
import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { STAND_INS, licenses } from '../scripts/build.js'

const BUNDLE = process.env.TTR_BUNDLE ?? 'dist/index.js'

/** Every name the importer's lib/ takes from `name`: `import { a, b as c }` and `import * as ns` then `ns.x`. */
function namesImported(importer: string, name: string): string[] {
  const lib = join('node_modules', importer, 'lib')
  const from = name.replace('/', '\\/')
  return readdirSync(lib)
    .filter((f) => f.endsWith('.js'))
    .flatMap((f) => {
      const text = readFileSync(join(lib, f), 'utf8')
      const named = [...text.matchAll(new RegExp(`import\\s*\\{([^}]*)\\}\\s*from\\s*'${from}'`, 'g'))].flatMap((m) =>
        m[1].split(',').map((n) => n.trim().split(/\s+as\s+/)[0])
      )
      const ns = new RegExp(`import \\* as (\\w+) from '${from}'`).exec(text)?.[1]
      const viaNs = ns ? [...text.matchAll(new RegExp(`\\b${ns}\\.(\\w+)`, 'g'))].map((m) => m[1]) : []
      return [...named, ...viaNs].filter(Boolean)
    })
}

describe('the stand-ins', () => {
  it.each(STAND_INS)('$name: exports every name $importer imports from it', async ({ importer, name, from }) => {
    const names = namesImported(importer, name)
    // None left? The importer stopped using it: take the stand-in out of STAND_INS.
    expect(names.length).toBeGreaterThan(0)
    const stub = await import(`../${from}/index.js`)
    for (const n of new Set(names)) expect(Object.keys(stub)).toContain(n)
  })

  it('are what the bundle holds, and nothing else is: the GitHub chunk keeps the real undici', () => {
    const entry = readFileSync(BUNDLE, 'utf8')
    expect(entry).toContain('undici is not bundled with this action')
    expect(entry).toContain('@actions/exec is not bundled with this action')
    expect(entry).not.toContain('"child_process"')
    const dir = BUNDLE.replace(/[^/]+$/, '')
    const chunks = readdirSync(dir).filter((f) => /^\d+\.index\.js$/.test(f))
    expect(chunks).toHaveLength(1)
    const chunk = readFileSync(join(dir, chunks[0]), 'utf8')
    // @actions/github fetches through undici (its proxy support): the real one, not the stand-in.
    expect(chunk).toContain('EnvHttpProxyAgent')
    expect(chunk).not.toContain('not bundled with this action')
  })

  it('the action’s own sources never reach what they stand in for', () => {
    for (const f of readdirSync('src', { recursive: true })
      .map(String)
      .filter((n) => n.endsWith('.ts')))
      expect(readFileSync(join('src', f), 'utf8')).not.toMatch(/\bplatform\.getDetails|getAgentDispatcher|@actions\/exec|'undici'/)
  })

  it('leave the install tree whole: no file: dependencies, no overrides, and npm ls is clean', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8'))
    expect(pkg.overrides).toBeUndefined()
    const all = { ...pkg.dependencies, ...pkg.devDependencies }
    expect(Object.entries(all).filter(([, v]) => String(v).startsWith('file:'))).toEqual([])
    // npm ls exits non-zero on an invalid, missing or extraneous package.
    const out = execFileSync('npm', ['ls', '--all', '--omit=dev', '--parseable'], { encoding: 'utf8' })
    for (const { importer } of STAND_INS) expect(out).toContain(`node_modules/${importer}`)
    expect(out).toMatch(/node_modules\/@actions\/exec$/m)
  })

  it('licenses.txt lists what the bundle holds: not the packages left out', () => {
    const text = licenses()
    const names = [...text.matchAll(/^(@?[\w.-]+(?:\/[\w.-]+)?)\n(?:MIT|ISC|Apache-2\.0|BSD-\d-Clause|UNKNOWN)\n/gm)].map((m) => m[1])
    expect(names).toContain('@actions/core')
    expect(names).toContain('undici') // @actions/github's
    expect(names).not.toContain('@actions/exec')
    expect(names).not.toContain('@actions/io')
  })
})
