// Before any test: bundle the current sources once, as `npm run build` does, into .test-dist/.
// The end-to-end tests run that bundle (TTR_BUNDLE), so they never test a stale dist/ after an
// edit of src/; dist.test.ts then checks the committed dist/ is exactly this build.
import { execFileSync } from 'node:child_process'
import { rmSync } from 'node:fs'

export const TEST_BUNDLE_DIR = '.test-dist'

export default function globalSetup() {
  rmSync(TEST_BUNDLE_DIR, { recursive: true, force: true })
  execFileSync(
    process.execPath,
    ['node_modules/@vercel/ncc/dist/ncc/cli.js', 'build', 'src/index.ts', '-o', TEST_BUNDLE_DIR, '--license', 'licenses.txt', '-q'],
    { stdio: 'inherit' }
  )
  process.env.TTR_BUNDLE = `${TEST_BUNDLE_DIR}/index.js`
}
