// `npm run build`: the ncc bundle of src/ into dist/ (or another folder), with a licenses.txt of
// every production package. ncc's own --license writes the notices of only one chunk once the
// bundle is split (the GitHub client is a chunk of its own, loaded only when used), so the file is
// written here from package-lock.json's production packages instead.
import { execFileSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'

const NCC = 'node_modules/@vercel/ncc/dist/ncc/cli.js'

/**
 * Two packages the bundle takes a stand-in for, each only where its one importer imports it: the
 * install tree keeps the real ones (npm ls tells the truth, Dependabot updates them), and the
 * build alone sees the stand-in. Why each is left out: the stand-in's package.json.
 */
export const STAND_INS = [
  { importer: '@actions/http-client', name: 'undici', from: 'stubs/undici' },
  { importer: '@actions/core', name: '@actions/exec', from: 'stubs/actions-exec' }
]

/** The lock's path of the package `name` as Node resolves it from the package at `from`. */
function resolveInLock(packages, from, name) {
  for (let dir = from; ; dir = dir.replace(/\/?node_modules\/(@[^/]+\/)?[^/]+$/, '')) {
    const path = `${dir ? `${dir}/` : ''}node_modules/${name}`
    if (packages[path]) return path
    if (!dir) return undefined
  }
}

/** The lock's paths of the packages the bundle holds: the production tree, less the stood-in edges. */
function bundledPackages(lock) {
  const seen = new Set()
  const visit = (path) => {
    if (seen.has(path)) return
    seen.add(path)
    const info = lock.packages[path]
    const importer = path.replace(/^.*node_modules\//, '')
    for (const name of Object.keys(info.dependencies ?? {})) {
      if (STAND_INS.some((s) => s.importer === importer && s.name === name)) continue
      const dep = resolveInLock(lock.packages, path, name)
      if (dep) visit(dep)
    }
  }
  visit('')
  seen.delete('')
  return [...seen]
}

/** The license notices of the packages in the bundle, one block per package, as ncc writes them. */
export function licenses() {
  const lock = JSON.parse(readFileSync('package-lock.json', 'utf8'))
  const blocks = new Map()
  for (const path of bundledPackages(lock)) {
    const meta = JSON.parse(readFileSync(join(path, 'package.json'), 'utf8'))
    const file = readdirSync(path).find((f) => /^licen[cs]e/i.test(f))
    const text = file ? readFileSync(join(path, file), 'utf8').trim() : ''
    blocks.set(`${meta.name}@${meta.version}`, `${meta.name}\n${meta.license ?? 'UNKNOWN'}\n${text}`)
  }
  return [...blocks.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([, block]) => block)
    .join('\n\n')
    .concat('\n')
}

/**
 * The bundle with every character outside ASCII written as a \u escape. V8 keeps a script's source
 * in memory as long as the script lives, one byte a character if all of them fit in Latin-1 and two
 * otherwise: one em dash in a message doubled the 0.5 MB of source held by every step (0.7 MiB of its
 * peak on Node 24). The escapes mean the same in strings, templates, regular expressions and comments.
 */
export function asciiOnly(source) {
  // After a backslash the escape would be read as a literal "u…": no such place today; say so if one comes.
  if (/\\[^\x00-\x7f]/.test(source)) throw new Error('a backslash before a non-ASCII character: escape it in the source')
  return source.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
}

/**
 * A folder ncc builds from: a copy of src/ and the settings, and of each stand-in's importer with
 * the stand-in nested in its own node_modules, where resolution from that importer finds it first.
 * Every other package resolves up to the project's node_modules, as in any build.
 */
function stage() {
  mkdirSync('node_modules/.cache', { recursive: true })
  const dir = mkdtempSync(resolve('node_modules/.cache/build-'))
  for (const f of ['src', 'package.json', 'tsconfig.json']) cpSync(f, join(dir, f), { recursive: true })
  for (const { importer, name, from } of STAND_INS) {
    const copy = join(dir, 'node_modules', importer)
    const nested = join(copy, 'node_modules', name)
    cpSync(join('node_modules', importer), copy, { recursive: true, dereference: true })
    rmSync(nested, { recursive: true, force: true })
    mkdirSync(dirname(nested), { recursive: true })
    cpSync(from, nested, { recursive: true })
  }
  return dir
}

export function build(outDir) {
  const dir = stage()
  try {
    execFileSync(process.execPath, [resolve(NCC), 'build', 'src/index.ts', '-o', resolve(outDir), '-q'], {
      cwd: dir,
      stdio: 'inherit'
    })
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
  for (const f of readdirSync(outDir).filter((n) => n.endsWith('.js'))) {
    const file = join(outDir, f)
    // webpack names each module from the folder it built in, the stage two levels inside node_modules.
    const named = readFileSync(file, 'utf8').replace(/^(;?\/\/ (?:CONCATENATED |EXTERNAL )?MODULE: )\.\.\/\.\.\//gm, '$1./node_modules/')
    writeFileSync(file, asciiOnly(named))
  }
  writeFileSync(join(outDir, 'licenses.txt'), licenses())
  writeFileSync(join(outDir, 'post.js'), POST_ENTRY)
}

// action.yml's post step: the same bundle, which knows by this file's name that it is the post step.
const POST_ENTRY = `// The post step's entry (action.yml runs.post): dist/index.js knows by this file's name that it
// runs as the post step, so a post step whose main step never began cannot start a run.
import './index.js'
`

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/^.*\//, '/'))) {
  const out = process.argv[2] ?? 'dist'
  build(out)
  if (!existsSync(join(out, 'index.js'))) process.exit(1)
}
