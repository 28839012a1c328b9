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

it('the bundle is ASCII only, so V8 holds its source one byte a character (scripts/build.js)', () => {
  for (const file of readdirSync('dist').filter((f) => f.endsWith('.js'))) {
    const text = readFileSync(join('dist', file), 'utf8')
    expect([...text].filter((c) => c.charCodeAt(0) > 0x7f).slice(0, 3)).toEqual([])
  }
})

it('the escapes mean what the characters meant: in strings, templates and regular expressions', async () => {
  const { asciiOnly } = await import('../scripts/build.js')
  const source = "[ '— …', `a ’ ${1}`, /^[—⚠️]+$/u.test('⚠️—'), /’/.test('’'), /[^’]/.test('’') ]"
  const escaped = asciiOnly(source)
  expect(escaped).not.toMatch(/[^\x00-\x7f]/)
  const value = (code: string) => new Function(`return ${code}`)()
  expect(value(escaped)).toEqual(['— …', 'a ’ 1', true, true, false])
  expect(value(escaped)).toEqual(value(source))
  expect(() => asciiOnly('"\\—"')).toThrow(/backslash/)
})
