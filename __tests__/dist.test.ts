// GitHub runs the committed dist/index.js: it must be exactly what the sources build today.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

it('dist/ is exactly what the current sources build (the bundle the tests ran)', () => {
  // __tests__/global-setup.js built it before any test ran.
  for (const file of ['index.js', 'package.json', 'licenses.txt']) {
    const same = readFileSync(join('.test-dist', file)).equals(readFileSync(join('dist', file)))
    if (!same) throw new Error(`dist/${file} is out of date: run \`npm run build\` and commit dist/ with the sources`)
  }
})
