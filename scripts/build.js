// `npm run build`: the ncc bundle of src/ into dist/ (or another folder), with a licenses.txt of
// every production package. ncc's own --license writes the notices of only one chunk once the
// bundle is split (the GitHub client is a chunk of its own, loaded only when used), so the file is
// written here from package-lock.json's production packages instead.
import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

const NCC = 'node_modules/@vercel/ncc/dist/ncc/cli.js'

/** The license notices of the production packages, one block per package, as ncc writes them. */
export function licenses() {
  const lock = JSON.parse(readFileSync('package-lock.json', 'utf8'))
  const blocks = new Map()
  for (const [path, info] of Object.entries(lock.packages)) {
    if (!path || info.dev) continue
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

export function build(outDir) {
  execFileSync(process.execPath, [NCC, 'build', 'src/index.ts', '-o', outDir, '-q'], { stdio: 'inherit' })
  for (const f of readdirSync(outDir).filter((n) => n.endsWith('.js'))) {
    const file = join(outDir, f)
    writeFileSync(file, asciiOnly(readFileSync(file, 'utf8')))
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
