// Where workflow YAML lives in this repository: fenced yaml blocks in README.md and docs/*.md, and
// the files of .github/workflows. Read by the workflow check (lint-workflows.js) and docs.test.ts.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

/** Each piece of workflow YAML, with where it is (`file:line` of its first line, or the file). */
export function workflowSources(root = '.') {
  const out = []
  const docs = join(root, 'docs')
  const markdown = [
    join(root, 'README.md'),
    ...(existsSync(docs)
      ? readdirSync(docs)
          .filter((f) => f.endsWith('.md'))
          .map((f) => join(docs, f))
      : [])
  ]
  for (const file of markdown) {
    const text = readFileSync(file, 'utf8')
    for (const m of text.matchAll(/```ya?ml\n([\s\S]*?)```/g))
      out.push({ where: `${file}:${text.slice(0, m.index).split('\n').length + 1}`, yaml: m[1] })
  }
  const workflows = join(root, '.github/workflows')
  for (const f of readdirSync(workflows)) out.push({ where: join(workflows, f), yaml: readFileSync(join(workflows, f), 'utf8') })
  return out
}
