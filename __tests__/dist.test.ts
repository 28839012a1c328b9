// GitHub runs the committed dist/index.js: it must be exactly what the sources build today.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

it('dist/ is exactly what the current sources build (the bundle the tests ran)', () => {
  // __tests__/global-setup.js built it before any test ran.
  // Every file: the entry, its chunks (the GitHub client is one), package.json and the licenses.
  expect(readdirSync('dist').sort()).toEqual(readdirSync('.test-dist').sort())
  for (const file of readdirSync('.test-dist')) {
    const same = readFileSync(join('.test-dist', file)).equals(readFileSync(join('dist', file)))
    if (!same) throw new Error(`dist/${file} is out of date: run \`npm run build\` and commit dist/ with the sources`)
  }
})
