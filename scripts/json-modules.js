// `node --import ./scripts/json-modules.js`: lets a package import a .json file without the import
// attribute Node 20 asks for (@actions/workflow-parser is written for bundlers, which do not ask).
import { register } from 'node:module'

register(
  'data:text/javascript,' +
    encodeURIComponent(`
import { readFile } from 'node:fs/promises'
export async function load(url, context, next) {
  if (url.startsWith('file:') && url.endsWith('.json') && !context.importAttributes?.type)
    return { format: 'json', source: await readFile(new URL(url), 'utf8'), shortCircuit: true }
  return next(url, context)
}`)
)
