// GitHub runs the committed dist/index.js: it must be exactly what the sources build today.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

it('dist/ is rebuilt from the current sources', () => {
  const out = mkdtempSync(join(tmpdir(), 'ttr-dist-'))
  try {
    execFileSync(
      process.execPath,
      ['node_modules/@vercel/ncc/dist/ncc/cli.js', 'build', 'src/index.ts', '-o', out, '--license', 'licenses.txt', '-q'],
      { stdio: 'pipe' }
    )
    for (const file of ['index.js', 'package.json', 'licenses.txt']) {
      const same = readFileSync(join(out, file)).equals(readFileSync(join('dist', file)))
      if (!same) throw new Error(`dist/${file} is out of date: run \`npm run build\` and commit dist/ with the sources`)
    }
  } finally {
    rmSync(out, { recursive: true, force: true })
  }
}, 120_000)
