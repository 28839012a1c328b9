// `npm run docs`: writes the inputs and outputs tables of README.md from action.yml, between the
// <!-- inputs --> / <!-- outputs --> markers. A test fails when README.md and action.yml drift.
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'

const ROOT = join(fileURLToPath(new URL('.', import.meta.url)), '..')

const cell = (text) =>
  String(text)
    .replace(/\|/g, '\\|')
    .replace(/\s*\n\s*/g, ' ')

export function inputsTable(action) {
  const rows = Object.entries(action.inputs).map(
    ([name, i]) =>
      `| \`${name}\` | ${i.required ? 'yes' : ''} | ${i.default !== undefined ? `\`${i.default}\`` : ''} | ${cell(i.description)} |`
  )
  return ['| input | required | default | description |', '|---|---|---|---|', ...rows].join('\n')
}

export function outputsTable(action) {
  const rows = Object.entries(action.outputs).map(([name, o]) => `| \`${name}\` | ${cell(o.description)} |`)
  return ['| output | description |', '|---|---|', ...rows].join('\n')
}

/** README.md with its generated tables brought up to date with action.yml. */
export function renderReadme(readme, action) {
  const put = (text, marker, table) => {
    const re = new RegExp(`(<!-- ${marker}:start[^>]*-->)[\\s\\S]*?(<!-- ${marker}:end -->)`)
    if (!re.test(text)) throw new Error(`README.md has no <!-- ${marker}:start --> … <!-- ${marker}:end --> markers`)
    return text.replace(re, (_, start, end) => `${start}\n${table}\n${end}`)
  }
  return put(put(readme, 'inputs', inputsTable(action)), 'outputs', outputsTable(action))
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const action = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8'))
  const path = join(ROOT, 'README.md')
  const before = readFileSync(path, 'utf8')
  const after = renderReadme(before, action)
  writeFileSync(path, after)
  console.log(
    before === after ? 'README.md is up to date with action.yml.' : 'README.md: inputs and outputs tables rewritten from action.yml.'
  )
}
