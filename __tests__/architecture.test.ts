// ARCHITECTURE.md's table of modules is the rule for what each module of src/ may import: this
// test reads the table and the code, and fails on any import the table does not allow.
import { readdirSync, readFileSync } from 'node:fs'
import { join, posix } from 'node:path'

const TABLE = readFileSync('ARCHITECTURE.md', 'utf8')

/** Module name as the table writes it: `providers/gearset` for src/providers/gearset.ts. */
const nameOf = (file: string) => file.replace(/^src\//, '').replace(/\.ts$/, '')

function sourceFiles(dir = 'src'): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []
  )
}

/** The modules of src/ a file imports (static and dynamic), by table name. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8')
  const specs = [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)].map((m) => m[1])
  return specs.map((s) => nameOf(posix.join(posix.dirname(file), s).replace(/\.js$/, '.ts')))
}

/** The table's rows: module → the modules it may import (`*` for main's "any module but index"). */
function rules(): Map<string, Set<string> | '*'> {
  const out = new Map<string, Set<string> | '*'>()
  for (const line of TABLE.split('\n')) {
    const m = /^\| `src\/([\w/-]+)\.ts` \|[^|]*\| (.*) \|$/.exec(line)
    if (!m) continue
    const allowed = m[2].startsWith('any module') ? '*' : new Set([...m[2].matchAll(/`([\w/-]+)`/g)].map((x) => x[1]))
    out.set(m[1], allowed)
  }
  return out
}

const files = sourceFiles()
const table = rules()

describe('ARCHITECTURE.md', () => {
  it('has a row for every module of src/, and no row for a module that is gone', () => {
    expect([...table.keys()].sort()).toEqual(files.map(nameOf).sort())
  })

  it.each(files.map(nameOf))('%s imports only what its row allows', (name) => {
    const allowed = table.get(name)
    const imported = importsOf(`src/${name}.ts`)
    const forbidden = allowed === '*' ? imported.filter((i) => i === 'index') : imported.filter((i) => !allowed?.has(i))
    expect(forbidden).toEqual([])
  })

  it('nothing imports main but index', () => {
    const importers = files.filter((f) => importsOf(f).includes('main')).map(nameOf)
    expect(importers).toEqual(['index'])
  })

  it('has no import cycle', () => {
    const graph = new Map(files.map((f) => [nameOf(f), importsOf(f)]))
    const cycles: string[] = []
    const visit = (node: string, path: string[]) => {
      if (path.includes(node)) return void cycles.push([...path.slice(path.indexOf(node)), node].join(' → '))
      for (const next of graph.get(node) ?? []) visit(next, [...path, node])
    }
    for (const node of graph.keys()) visit(node, [])
    expect(cycles).toEqual([])
  })
})
