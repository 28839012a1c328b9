// action.yml is a contract (README, Inputs and Outputs): every input and output declared, described,
// and the code reading and writing exactly those.
import { readFileSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'
import { z } from 'zod'
import { INPUT_DEFAULTS, INPUT_NAMES } from '../src/inputs.js'
import { runOutputs } from '../src/report.js'

// The interface contract's inputs and outputs, in order: their names never change.
const CONTRACT_INPUTS = [
  'provider',
  'token',
  'projectId',
  'scenarioId',
  'environment',
  'buildVersion',
  'runName',
  'wait',
  'timeoutMinutes',
  'pollIntervalSeconds',
  'failOnTestFailure',
  'cancelOnAbort',
  'runId',
  'junitPath',
  'baseUrl'
]
// Added later (run parameters, docs/platforms.md's points 1, 2 and 11), after the original contract's inputs.
const ADDED_INPUTS = [
  'gitRef',
  'gitBranch',
  'latestDeploy',
  'updateVcsStatus',
  'variables',
  'includeTags',
  'excludeTags',
  'testFilters',
  'executionConfig',
  'annotateTests',
  'failOnNoTests',
  'failFast',
  'rerunFailed',
  'failOnFlaky',
  'previewUrl',
  'previewUrlVariable',
  'commitStatus',
  'prComment',
  'githubToken'
]
const CONTRACT_OUTPUTS = [
  'runId',
  'runName',
  'runUrl',
  'status',
  'providerStatus',
  'totalCount',
  'passedCount',
  'failedCount',
  'skippedCount',
  'durationSeconds',
  'result'
]
// Beyond the contract: set by the step where it has per-test results, not by runOutputs.
const ADDED_OUTPUTS = ['failedTests', 'flakyCount']

const ActionYml = z.object({
  name: z.string().min(1),
  description: z.string().min(1),
  author: z.string().optional(),
  branding: z.object({ icon: z.string(), color: z.string() }),
  inputs: z.record(
    z.string(),
    z.object({ description: z.string().min(10), required: z.boolean().optional(), default: z.string().optional() }).strict()
  ),
  outputs: z.record(z.string(), z.object({ description: z.string().min(10) }).strict()),
  runs: z.object({ using: z.literal('node24'), main: z.literal('dist/index.js') }).loose()
})

const action = ActionYml.parse(parse(readFileSync('action.yml', 'utf8')))

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f)
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : []
  })
}

describe('action.yml', () => {
  it('declares every input and output of the contract (README, Inputs and Outputs), each with a description', () => {
    expect(Object.keys(action.inputs)).toEqual([...CONTRACT_INPUTS, ...ADDED_INPUTS])
    expect(Object.keys(action.outputs)).toEqual([...CONTRACT_OUTPUTS, ...ADDED_OUTPUTS])
  })

  it('requires only the token, and gives every boolean input a default', () => {
    expect(
      Object.entries(action.inputs)
        .filter(([, i]) => i.required)
        .map(([n]) => n)
    ).toEqual(['token'])
    for (const name of [
      'wait',
      'failOnTestFailure',
      'cancelOnAbort',
      'latestDeploy',
      'updateVcsStatus',
      'failOnNoTests',
      'failFast',
      'failOnFlaky'
    ])
      expect(action.inputs[name].default).toMatch(/^(true|false)$/)
  })

  it('has the same inputs and defaults as the code', () => {
    expect([...INPUT_NAMES]).toEqual(Object.keys(action.inputs))
    const declaredDefaults = Object.fromEntries(
      Object.entries(action.inputs)
        .filter(([, i]) => i.default !== undefined && !String(i.default).startsWith('${{'))
        .map(([n, i]) => [n, i.default])
    )
    expect(INPUT_DEFAULTS).toEqual(declaredDefaults)
    // The one default the runner computes: the workflow's own token.
    expect(action.inputs.githubToken.default).toBe('${{ github.token }}')
  })

  it('is read only through declared inputs', () => {
    const read = new Set<string>()
    for (const file of sources('src')) {
      for (const m of readFileSync(file, 'utf8').matchAll(/get(?:Boolean|Multiline)?Input\(\s*'([^']+)'/g)) read.add(m[1])
    }
    expect(read.size).toBeGreaterThan(0)
    for (const name of read) expect(Object.keys(action.inputs)).toContain(name)
  })

  it('sets exactly the declared outputs', () => {
    const out = runOutputs('testery', { id: '1', status: 'passed', providerStatus: 'PASS', counts: {} })
    expect(Object.keys(out).sort()).toEqual([...CONTRACT_OUTPUTS].sort())
    // A platform's other IDs (Gearset's ciRunId) are in `result` only, and cannot replace a field of it.
    const withRefs = runOutputs('gearset', {
      id: 'rr-1',
      status: 'failed',
      providerStatus: 'Failed',
      counts: {},
      refs: { ciRunId: 'run-1', status: 'passed' }
    })
    expect(Object.keys(withRefs).sort()).toEqual([...CONTRACT_OUTPUTS].sort())
    expect(JSON.parse(withRefs.result)).toMatchObject({ ciRunId: 'run-1', status: 'failed', runId: 'rr-1' })
  })
})

// The reusable workflow mirrors the action: every input (the token as a secret; the GitHub token
// is the caller's own), passed to the step under the same name; every output, as the workflow's.
describe('the reusable workflow', () => {
  const wf = parse(readFileSync('.github/workflows/trigger-test-run.yml', 'utf8'))
  const call = wf.on.workflow_call
  const step = wf.jobs.run.steps.find((s: { id?: string }) => s.id === 'run')
  const actionInputs = Object.keys(action.inputs).filter((n) => n !== 'token' && n !== 'githubToken')

  it('takes every input of the action and passes it on unchanged', () => {
    for (const name of actionInputs) expect([name, call.inputs[name] !== undefined]).toEqual([name, true])
    for (const name of actionInputs) expect([name, step.with[name]]).toEqual([name, `\${{ inputs.${name} }}`])
    expect(step.with.token).toBe('${{ secrets.token }}')
    expect(call.secrets.token.required).toBe(true)
  })

  it('keeps the action’s defaults', () => {
    for (const name of actionInputs) {
      const d = action.inputs[name].default
      if (d === undefined) continue
      expect([name, String(call.inputs[name].default)]).toEqual([name, d])
    }
  })

  it('has no placeholder for where the action comes from: a caller must name it, and the README does', () => {
    expect(call.inputs['action-repository']).toMatchObject({ type: 'string', required: true })
    expect(call.inputs['action-repository'].default).toBeUndefined()
    const readme = readFileSync('README.md', 'utf8')
    const example =
      /uses: ([\w-]+\/[\w-]+)\/\.github\/workflows\/trigger-test-run\.yml@v1\n\s+with:\n\s+action-repository: ([\w-]+\/[\w-]+)/.exec(readme)
    expect(example?.[2]).toBe(example?.[1])
  })

  it('gives every output of the action as its own', () => {
    expect(Object.keys(call.outputs).sort()).toEqual(Object.keys(action.outputs).sort())
    for (const name of Object.keys(action.outputs)) {
      expect(call.outputs[name].value).toBe(`\${{ jobs.run.outputs.${name} }}`)
      expect(wf.jobs.run.outputs[name]).toBe(`\${{ steps.run.outputs.${name} }}`)
    }
  })
})

// What GitHub Marketplace asks of action.yml before it lists an action
// (docs.github.com: "Metadata syntax for GitHub Actions", branding; "Publishing actions in GitHub Marketplace").
describe('Marketplace metadata', () => {
  // The branding colours GitHub accepts, and the Feather icons it leaves out.
  const COLOURS = ['white', 'black', 'yellow', 'blue', 'green', 'orange', 'red', 'purple', 'gray-dark']
  const LEFT_OUT = [
    'coffee',
    'columns',
    'divide-circle',
    'divide-square',
    'divide',
    'frown',
    'hexagon',
    'key',
    'meh',
    'mouse-pointer',
    'smile',
    'tool',
    'x-octagon'
  ]

  it('has a name, a short description, an author and branding GitHub can show', () => {
    expect(action.name).toMatch(/^[\w][\w .-]{0,48}$/)
    expect(typeof action.description).toBe('string')
    expect(action.description.length).toBeLessThanOrEqual(125)
    expect(action.author).toEqual(expect.any(String))
    expect(COLOURS).toContain(action.branding.color)
    expect(action.branding.icon).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/)
    expect(LEFT_OUT).not.toContain(action.branding.icon)
  })

  it('runs on node24, the runtime GitHub runs JavaScript actions on', () => {
    expect(action.runs.using).toBe('node24')
    expect(readFileSync('.node-version', 'utf8').trim()).toMatch(/^24(\.|$)/)
    // The engines and the Node types the code is checked against name the same runtime.
    const pkg = JSON.parse(readFileSync('package.json', 'utf8'))
    expect(pkg.engines.node).toBe('>=24')
    expect(pkg.devDependencies['@types/node']).toMatch(/^\^24\./)
  })
})
