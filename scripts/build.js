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

export function build(outDir) {
  execFileSync(process.execPath, [NCC, 'build', 'src/index.ts', '-o', outDir, '-q'], { stdio: 'inherit' })
  writeFileSync(join(outDir, 'licenses.txt'), licenses())
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/^.*\//, '/'))) {
  const out = process.argv[2] ?? 'dist'
  build(out)
  if (!existsSync(join(out, 'index.js'))) process.exit(1)
}
