// The README's inputs and outputs tables are generated from action.yml (`npm run docs`), and every
// workflow example in the docs and in .github/ uses only the action's declared inputs, with the
// right types.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { parse } from 'yaml'
import { z } from 'zod'
import { renderReadme } from '../scripts/docs.js'
import { PROVIDER_NAMES } from '../src/model.js'
import { workflowSources } from '../scripts/workflow-sources.js'

const action = parse(readFileSync('action.yml', 'utf8'))
const readme = readFileSync('README.md', 'utf8')

describe('README tables', () => {
  it('are what `npm run docs` makes of action.yml (run it after changing action.yml)', () => {
    expect(renderReadme(readme, action)).toBe(readme)
  })

  it('list every input and output', () => {
    for (const name of [...Object.keys(action.inputs), ...Object.keys(action.outputs)]) expect(readme).toContain(`| \`${name}\` |`)
  })
})

/** Every step (any object with a `uses:`) that runs this action. */
function ourSteps(node: unknown, found: Record<string, unknown>[] = []): Record<string, unknown>[] {
  if (Array.isArray(node)) node.forEach((n) => ourSteps(n, found))
  else if (node && typeof node === 'object') {
    const o = node as Record<string, unknown>
    if (typeof o.uses === 'string' && (o.uses === './' || /\/trigger-test-run@v\d+$/.test(o.uses))) found.push(o)
    Object.values(o).forEach((v) => ourSteps(v, found))
  }
  return found
}

const expr = z.string().regex(/^\$\{\{.*\}\}$|^.*\$\{\{.*\}\}.*$/)
const bool = z.union([z.boolean(), z.enum(['true', 'false']), expr])
const num = z.union([z.number().positive(), z.string().regex(/^\d+(\.\d+)?$/), expr])
const text = z.union([z.string().min(1), z.number()])
const With = z
  .object({
    provider: z.union([z.enum(PROVIDER_NAMES), expr]).optional(),
    token: z.string().min(1),
    projectId: text.optional(),
    scenarioId: text.optional(),
    environment: text.optional(),
    buildVersion: text.optional(),
    runName: text.optional(),
    wait: bool.optional(),
    timeoutMinutes: num.optional(),
    pollIntervalSeconds: num.optional(),
    failOnTestFailure: bool.optional(),
    failOnNoTests: bool.optional(),
    failFast: bool.optional(),
    rerunFailed: num.optional(),
    failOnFlaky: bool.optional(),
    previewUrl: z.union([z.string().regex(/^https:\/\//), expr]).optional(),
    previewUrlVariable: z
      .string()
      .regex(/^[A-Za-z_][\w.-]*$/)
      .optional(),
    cancelOnAbort: bool.optional(),
    runId: text.optional(),
    junitPath: text.optional(),
    baseUrl: z
      .string()
      .regex(/^(https:\/\/|http:\/\/(127\.0\.0\.1|localhost)[:/])/)
      .optional(),
    gitRef: z.union([z.string().regex(/^[0-9a-f]{7,64}$/i), expr]).optional(),
    gitBranch: text.optional(),
    latestDeploy: bool.optional(),
    updateVcsStatus: bool.optional(),
    variables: z
      .string()
      .regex(/^((secure:)?[A-Za-z_][\w.-]*=.*|#.*|\s*)(\n((secure:)?[A-Za-z_][\w.-]*=.*|#.*|\s*))*$/)
      .optional(),
    includeTags: text.optional(),
    excludeTags: text.optional(),
    testFilters: text.optional(),
    executionConfig: text.optional(),
    annotateTests: z.enum(['true', 'false']).optional(),
    commitStatus: bool.optional(),
    prComment: bool.optional(),
    githubToken: text.optional()
  })
  .strict()

describe('workflow examples', () => {
  const all = workflowSources()
  it('are found: the README and .github hold several', () => {
    expect(all.length).toBeGreaterThan(8)
    expect(all.flatMap((e) => ourSteps(parse(e.yaml))).length).toBeGreaterThan(10)
  })

  it('schema covers exactly the inputs of action.yml', () => {
    expect(Object.keys(With.shape).sort()).toEqual(Object.keys(action.inputs).sort())
  })

  it.each(all.map((e) => [e.where, e.yaml]))('%s parses and uses only declared inputs, typed right', (_where, yaml) => {
    const doc = parse(yaml)
    for (const s of ourSteps(doc)) {
      const result = With.safeParse(s.with)
      if (!result.success)
        throw new Error(`${JSON.stringify(s.with)}: ${result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`)
    }
  })
})

// Every link from one of the repository's documents to another resolves: the file exists, and a
// #fragment names one of its headings (GitHub's slugs). A README that links a doc that was moved or
// never written fails here.
describe('links between the documents', () => {
  const DOCS = [
    'README.md',
    'CONTRIBUTING.md',
    'BENCHMARKS.md',
    ...readdirSync('docs')
      .filter((f) => f.endsWith('.md'))
      .map((f) => `docs/${f}`)
  ]
  /** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
  const slug = (heading: string) =>
    heading
      .trim()
      .toLowerCase()
      .replace(/[`*_]/g, '')
      .replace(/[^\p{L}\p{N}\s-]/gu, '')
      .replace(/\s/g, '-')
  const anchors = (file: string) =>
    new Set(
      readFileSync(file, 'utf8')
        .replace(/```[\s\S]*?```/g, '')
        .split('\n')
        .filter((l) => /^#{1,6} /.test(l))
        .map((l) => slug(l.replace(/^#+ /, '')))
    )
  const links = DOCS.flatMap((from) =>
    [
      ...readFileSync(from, 'utf8')
        .replace(/```[\s\S]*?```/g, '')
        .matchAll(/\]\(([^)\s]+)\)/g)
    ]
      .map((m) => m[1])
      .filter((to) => !/^[a-z]+:/i.test(to))
      .map((to) => [from, to] as const)
  )

  it('are found: the README links the docs it moved its detail to', () => {
    const fromReadme = links.filter(([from]) => from === 'README.md').map(([, to]) => to.split('#')[0])
    for (const doc of ['docs/how-it-works.md', 'docs/recipes.md', 'docs/platforms.md', 'docs/reliability.md', 'CONTRIBUTING.md'])
      expect(fromReadme).toContain(doc)
  })

  it.each(links)('%s → %s', (from, to) => {
    const [path, fragment] = to.split('#')
    const target = path ? join(dirname(from), path) : from
    expect([to, existsSync(target)]).toEqual([to, true])
    if (fragment && target.endsWith('.md')) expect([to, anchors(target).has(fragment)]).toEqual([to, true])
  })
})
