// The workflow check of `npm test` (scripts/lint-workflows.js: actionlint and GitHub's schemas)
// finds what it is there for: a mistyped key in a docs example, an unclosed expression in a
// workflow, a runtime GitHub does not have in action.yml. (npm test runs it on the repository.)
import { execFileSync } from 'node:child_process'

function lint(root: string): { code: number; out: string } {
  try {
    const out = execFileSync(process.execPath, ['--import', './scripts/json-modules.js', 'scripts/lint-workflows.js', root], {
      encoding: 'utf8'
    })
    return { code: 0, out }
  } catch (e) {
    const x = e as { status: number; stdout: string }
    return { code: x.status, out: x.stdout }
  }
}

it('reports each broken workflow, example and action.yml, and fails', () => {
  const r = lint('__tests__/fixtures/bad-workflows')
  expect(r.code).toBe(1)
  expect(r.out).toMatch(/README\.md:4: actionlint: unexpected key "wiht" for "step" section/)
  expect(r.out).toMatch(/broken\.yml: actionlint: .*lexing end marker/)
  expect(r.out).toMatch(/broken\.yml: workflow schema: .*The expression is not closed/)
  expect(r.out).toMatch(/action\.yml: action schema: .*Unexpected value 'node99'/)
})
