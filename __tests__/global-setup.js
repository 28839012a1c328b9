// Before any test: bundle the current sources once, as `npm run build` does, into .test-dist/.
// The end-to-end tests run that bundle (TTR_BUNDLE), so they never test a stale dist/ after an
// edit of src/; dist.test.ts then checks the committed dist/ is exactly this build.
//
// A build takes ncc about 7 s, so it is kept, like jest's own transform cache, in the machine's
// temporary folder under a hash of everything that goes into it (the sources, the lock file, the
// TypeScript settings, ncc's and Node's versions): the same inputs give the same bundle.
import { createHash } from 'node:crypto'
import { cpSync, existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { build } from '../scripts/build.js'

export const TEST_BUNDLE_DIR = '.test-dist'

function filesUnder(dir) {
  return readdirSync(dir, { recursive: true })
    .map((f) => join(dir, String(f)))
    .filter((f) => statSync(f).isFile())
    .sort()
}

/** A hash of every input of the build. */
function buildKey() {
  const hash = createHash('sha256')
  hash.update(`${process.version}\n${JSON.parse(readFileSync('node_modules/@vercel/ncc/package.json', 'utf8')).version}\n`)
  for (const f of [...filesUnder('src'), 'package-lock.json', 'package.json', 'tsconfig.json', 'scripts/build.js']) {
    hash.update(`${f}\n`).update(readFileSync(f)).update('\n')
  }
  return hash.digest('hex').slice(0, 32)
}

export default function globalSetup() {
  const cached = join(tmpdir(), 'ttr-bundle-cache', buildKey())
  rmSync(TEST_BUNDLE_DIR, { recursive: true, force: true })
  if (!existsSync(join(cached, 'index.js'))) {
    const fresh = `${cached}.${process.pid}`
    build(fresh)
    rmSync(cached, { recursive: true, force: true })
    renameSync(fresh, cached) // whole or not at all, even when two runs build at once
  }
  cpSync(cached, TEST_BUNDLE_DIR, { recursive: true })
  process.env.TTR_BUNDLE = `${TEST_BUNDLE_DIR}/index.js`
}
