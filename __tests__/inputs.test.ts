import { INPUT_NAMES, parseInputs, type InputName } from '../src/inputs.js'
import { providerFor } from '../src/providers/index.js'
import type { ProviderName } from '../src/model.js'

const rulesOf = (name: ProviderName) => providerFor(name).inputRules

const SHA = '3f786850e387550fdab836ed7e6dc881de23001b'
const P = '65f1c0ffee0000000000abcd'
const S = '65f1c0ffee0000000000dcba'

function raw(values: Partial<Record<InputName, string>>): Record<InputName, string> {
  return Object.fromEntries(INPUT_NAMES.map((n) => [n, values[n] ?? ''])) as Record<InputName, string>
}

describe('parseInputs', () => {
  it('reads a valid Evaficy step and defaults buildVersion to the commit SHA', () => {
    const r = parseInputs(raw({ token: 'tok-123', projectId: P, scenarioId: S, environment: 'staging' }), SHA, rulesOf)
    expect(r.problems).toEqual([])
    expect(r.inputs).toMatchObject({
      provider: 'evaficy',
      token: 'tok-123',
      projectId: P,
      scenarioId: S,
      environment: 'staging',
      buildVersion: SHA,
      wait: false,
      timeoutMinutes: 60,
      failOnTestFailure: true,
      cancelOnAbort: false
    })
    expect(r.inputs?.runName).toBeUndefined()
    expect(r.inputs?.pollIntervalSeconds).toBeUndefined()
  })

  it('keeps a given buildVersion and runName', () => {
    const r = parseInputs(raw({ token: 't0k3n', projectId: P, scenarioId: S, buildVersion: '1.4.2', runName: 'CI #812' }), SHA, rulesOf)
    expect(r.inputs?.buildVersion).toBe('1.4.2')
    expect(r.inputs?.runName).toBe('CI #812')
  })

  it('reports every problem at once, one line each naming the input', () => {
    const r = parseInputs(
      raw({ provider: 'evaficy', token: '', projectId: '123', scenarioId: 'not-hex', wait: 'yes', timeoutMinutes: '-5' }),
      SHA,
      rulesOf
    )
    expect(r.inputs).toBeUndefined()
    expect(r.problems).toHaveLength(5)
    const byInput = (name: string) => r.problems.filter((p) => p.startsWith(`Input \`${name}\``))
    expect(byInput('token')).toHaveLength(1)
    expect(byInput('projectId')[0]).toMatch(/24-character hex Project ID.*got "123"/)
    expect(byInput('scenarioId')[0]).toMatch(/24-character hex Scenario ID/)
    expect(byInput('wait')[0]).toMatch(/must be true or false/)
    expect(byInput('timeoutMinutes')[0]).toMatch(/positive number of minutes/)
    for (const p of r.problems) expect(p).not.toMatch(/\n/)
  })

  it('refuses wait: true for Evaficy and explains the two-job pattern', () => {
    const r = parseInputs(raw({ token: 'tok1', projectId: P, scenarioId: S, wait: 'true' }), SHA, rulesOf)
    expect(r.inputs).toBeUndefined()
    expect(r.problems).toHaveLength(1)
    expect(r.problems[0]).toMatch(/^Input `wait` cannot be true for evaficy/)
    expect(r.problems[0]).toMatch(/required reviewers/)
    expect(r.problems[0]).toMatch(/later job/)
  })

  it('refuses runId for Evaficy (no status API)', () => {
    const r = parseInputs(raw({ token: 'tok1', projectId: P, scenarioId: S, runId: 'abc' }), SHA, rulesOf)
    expect(r.problems).toEqual([expect.stringMatching(/^Input `runId` cannot be used with evaficy/)])
  })

  it('requires both IDs for Evaficy', () => {
    const r = parseInputs(raw({ token: 'tok1' }), SHA, rulesOf)
    expect(r.problems).toEqual([
      expect.stringMatching(/^Input `projectId` is required for evaficy/),
      expect.stringMatching(/^Input `scenarioId` is required for evaficy/)
    ])
  })

  it('a step for another platform that leaves `provider` out is told first that it was checked as Evaficy', () => {
    // A Testery quick start without its provider line: inputs Evaficy does not read, and wait: true.
    const testery = parseInputs(
      raw({ token: 'tok1', projectId: 'shop', scenarioId: 'smoke', environment: 'staging', wait: 'true' }),
      SHA,
      rulesOf
    )
    expect(testery.cause).toBe(
      "Input `provider` is `evaficy`, its default when the step leaves it out, so the inputs were checked as evaficy's: if this step is for another platform, set `provider` (one of evaficy, testsigma, testery, gearset)."
    )
    // The cause is said beside the problems, not counted among them.
    expect(testery.problems).toEqual([
      expect.stringMatching(/^Input `projectId` must be/),
      expect.stringMatching(/^Input `scenarioId` must be/),
      expect.stringMatching(/^Input `wait` cannot be true for evaficy/)
    ])
    // Either sign alone is enough: wait: true (no other input), or an input Evaficy does not read.
    expect(parseInputs(raw({ token: 'tok1', scenarioId: '2090', wait: 'true' }), SHA, rulesOf).cause).toMatch(/its default/)
    expect(parseInputs(raw({ token: 'tok1', scenarioId: 'job-42', gitBranch: 'main' }), SHA, rulesOf).cause).toMatch(/its default/)
    // A mistyped Evaficy ID is no sign, nor a step that names another platform.
    expect(parseInputs(raw({ token: 'tok1', projectId: '65f1', scenarioId: S }), SHA, rulesOf).cause).toBeUndefined()
    expect(
      parseInputs(raw({ provider: 'testery', token: 'tok1', projectId: 'shop', environment: 'staging' }), SHA, rulesOf).cause
    ).toBeUndefined()
  })

  describe('a preview URL handed to the run (previewUrl, previewUrlVariable)', () => {
    const testery = { provider: 'testery', token: 'tok1', projectId: 'shop', environment: 'staging' }
    it('becomes the variable it names: from previewUrl, else from a deployment_status event', () => {
      const given = parseInputs(
        raw({ ...testery, previewUrl: 'https://pr-7.preview.example.com', previewUrlVariable: 'BASE_URL' }),
        SHA,
        rulesOf
      )
      expect(given.problems).toEqual([])
      expect(given.inputs?.variables).toEqual([{ key: 'BASE_URL', value: 'https://pr-7.preview.example.com', secure: false }])
      const fromEvent = parseInputs(
        raw({ ...testery, variables: 'user=qa', previewUrlVariable: 'BASE_URL' }),
        SHA,
        rulesOf,
        undefined,
        'https://pr-8.preview.example.com/app'
      )
      expect(fromEvent.inputs?.variables).toEqual([
        { key: 'user', value: 'qa', secure: false },
        { key: 'BASE_URL', value: 'https://pr-8.preview.example.com/app', secure: false }
      ])
      // previewUrl wins over the event's URL; without a variable name, the event's URL is not used.
      expect(
        parseInputs(
          raw({ ...testery, previewUrl: 'https://a.example.com', previewUrlVariable: 'U' }),
          SHA,
          rulesOf,
          undefined,
          'https://b.example.com'
        ).inputs?.variables
      ).toEqual([{ key: 'U', value: 'https://a.example.com', secure: false }])
      expect(parseInputs(raw(testery), SHA, rulesOf, undefined, 'https://b.example.com').inputs?.variables).toBeUndefined()
      // As written: a bare host gets no "/" added; a path, query or trailing "/" is kept.
      for (const url of ['https://x.example.com', 'https://x.example.com/', 'https://x.example.com/app', 'https://x.example.com?pr=7'])
        expect(parseInputs(raw({ ...testery, previewUrl: url, previewUrlVariable: 'U' }), SHA, rulesOf).inputs?.variables?.[0].value).toBe(
          url === 'https://x.example.com?pr=7' ? 'https://x.example.com/?pr=7' : url
        )
    })

    it.each([
      [
        { previewUrl: 'http://pr-7.example.com', previewUrlVariable: 'BASE_URL' },
        undefined,
        /^Input `previewUrl` must be an https:\/\/ URL\.$/
      ],
      [{ previewUrl: 'not a url', previewUrlVariable: 'BASE_URL' }, undefined, /^Input `previewUrl` must be an https:\/\/ URL\.$/],
      [
        { previewUrl: 'https://u:p@pr-7.example.com', previewUrlVariable: 'BASE_URL' },
        undefined,
        /must not contain a user name or password/
      ],
      [
        { previewUrlVariable: 'BASE_URL' },
        'http://pr-7.example.com',
        /^Input `previewUrlVariable`: the deployment_status event's environment_url must be an https/
      ],
      [
        { previewUrlVariable: 'BASE_URL' },
        undefined,
        /^Input `previewUrlVariable` needs a URL: set `previewUrl`, or run the step on a deployment_status event/
      ],
      [{ previewUrl: 'https://pr-7.example.com' }, undefined, /^Input `previewUrl` needs `previewUrlVariable`/],
      [
        { previewUrlVariable: 'BASE URL', previewUrl: 'https://x.example.com' },
        undefined,
        /^Input `previewUrlVariable` must be a variable name/
      ],
      [
        { previewUrlVariable: 'user', variables: 'user=qa', previewUrl: 'https://x.example.com' },
        undefined,
        /names user, which `variables` also sets/
      ]
    ])('%j (event URL %s) is one clear problem', (inputs, eventUrl, message) => {
      const r = parseInputs(raw({ ...testery, ...inputs }), SHA, rulesOf, undefined, eventUrl)
      expect(r.inputs).toBeUndefined()
      expect(r.problems).toEqual([expect.stringMatching(message)])
    })

    it('is an input error on a platform whose runs take no variables', () => {
      const r = parseInputs(
        raw({ provider: 'gearset', token: 'tok1', scenarioId: 'job-42', previewUrl: 'https://x.example.com', previewUrlVariable: 'U' }),
        SHA,
        rulesOf
      )
      expect(r.problems).toEqual(['Input `previewUrlVariable` cannot be used with gearset: its runs take no variables.'])
      expect(r.warnings).toEqual([])
    })
  })

  it.each([
    ['provider', 'jenkins', /must be one of evaficy, testsigma, testery, gearset/],
    ['token', 'has space', /space or line break/],
    ['token', 'Bearer abc', /starts with "Bearer"/],
    ['failOnTestFailure', 'maybe', /must be true or false/],
    ['cancelOnAbort', '1', /must be true or false/],
    ['timeoutMinutes', 'soon', /positive number of minutes/],
    ['timeoutMinutes', '0', /positive number of minutes/],
    ['pollIntervalSeconds', '0.5', /1 or more/],
    ['pollIntervalSeconds', 'fast', /number of seconds/],
    ['baseUrl', 'not a url', /is not a URL/],
    ['baseUrl', 'http://example.com', /must use https/],
    ['baseUrl', 'http://169.254.169.254', /must use https/],
    ['baseUrl', 'https://user:pw@example.com', /user name or password/],
    ['baseUrl', 'https://example.com/?x=1', /query string/]
  ])('input %s = %j is one clear problem', (name, value, message) => {
    const r = parseInputs(raw({ token: 'tok1', projectId: P, scenarioId: S, [name]: value }), SHA, rulesOf)
    expect(r.inputs).toBeUndefined()
    expect(r.problems).toHaveLength(1)
    expect(r.problems[0].startsWith(`Input \`${name}\``)).toBe(true)
    expect(r.problems[0]).toMatch(message)
  })

  it('never echoes the token in a problem', () => {
    const r = parseInputs(raw({ token: 'Bearer s3cr3t-canary', projectId: P, scenarioId: S }), SHA, rulesOf)
    expect(r.problems.join('\n')).not.toContain('s3cr3t-canary')
  })

  it.each([
    ['https://api.example.com/prefix/', 'https://api.example.com/prefix'],
    ['http://127.0.0.1:4010', 'http://127.0.0.1:4010'],
    ['http://localhost:8080/evaficy', 'http://localhost:8080/evaficy'],
    ['http://[::1]:9000', 'http://[::1]:9000']
  ])('accepts baseUrl %s as %s', (given, kept) => {
    const r = parseInputs(raw({ token: 'tok1', projectId: P, scenarioId: S, baseUrl: given }), SHA, rulesOf)
    expect(r.problems).toEqual([])
    expect(r.inputs?.baseUrl).toBe(kept)
  })

  it('accepts decimal timeouts and fixed poll intervals', () => {
    const r = parseInputs(
      raw({ provider: 'testsigma', token: 'tok1', scenarioId: '2090', timeoutMinutes: '0.05', pollIntervalSeconds: '7' }),
      SHA,
      rulesOf
    )
    expect(r.inputs?.timeoutMinutes).toBe(0.05)
    expect(r.inputs?.pollIntervalSeconds).toBe(7)
  })

  it('warns about inputs a platform does not use, without failing', () => {
    const r = parseInputs(raw({ provider: 'testsigma', token: 'tok1', scenarioId: '2090', runName: 'x', projectId: 'p' }), SHA, rulesOf)
    expect(r.problems).toEqual([])
    expect(r.warnings).toEqual([
      'Input `projectId` is not used by testsigma; it is ignored.',
      'Input `runName` is not used by testsigma; it is ignored.'
    ])
  })

  it.each([
    ['testsigma', {}, [/^Input `scenarioId` is required for testsigma/]],
    [
      'testsigma',
      { scenarioId: 'plan-a', environment: 'staging' },
      [/^Input `scenarioId` must be the numeric Test Plan ID/, /^Input `environment` must be the numeric Environment ID/]
    ],
    ['testery', {}, [/^Input `projectId` is required for testery/, /^Input `environment` is required for testery/]],
    [
      'testery',
      { projectId: 'shop', environment: 'staging', scenarioId: 'smoke' },
      [/^Input `scenarioId` must be the numeric Testery test suite ID/]
    ],
    ['gearset', {}, [/^Input `scenarioId` is required for gearset/]],
    ['gearset', { scenarioId: 'job id with spaces' }, [/^Input `scenarioId` must be the Gearset CI job ID/]]
  ] as const)('checks the IDs %s needs (%j)', (provider, values, expected) => {
    const r = parseInputs(raw({ provider, token: 'tok1', ...values }), SHA, rulesOf)
    expect(r.inputs).toBeUndefined()
    expect(r.problems).toHaveLength(expected.length)
    expected.forEach((re, i) => expect(r.problems[i]).toMatch(re))
  })

  it('refuses "." and ".." as IDs: placed in a path they would leave the run’s route (docs/reliability.md, Identifiers)', () => {
    for (const id of ['.', '..']) {
      const run = parseInputs(raw({ provider: 'gearset', token: 'tok1', scenarioId: 'job-1', runId: id }), SHA, rulesOf)
      expect(run.problems).toEqual([expect.stringMatching(/^Input `runId` must be a run ID .*other than "\." or "\.\."/)])
      const job = parseInputs(raw({ provider: 'gearset', token: 'tok1', scenarioId: id }), SHA, rulesOf)
      expect(job.problems).toEqual([expect.stringMatching(/^Input `scenarioId` must be the Gearset CI job ID/)])
    }
    expect(parseInputs(raw({ provider: 'gearset', token: 'tok1', scenarioId: 'job.1', runId: '...' }), SHA, rulesOf).problems).toEqual([])
  })

  it('lets runId stand in for the trigger IDs on pollable platforms', () => {
    const r = parseInputs(raw({ provider: 'testsigma', token: 'tok1', runId: '337' }), SHA, rulesOf)
    expect(r.problems).toEqual([])
    expect(r.inputs?.runId).toBe('337')
    const bad = parseInputs(raw({ provider: 'testery', token: 'tok1', runId: '1\nstatus=passed' }), SHA, rulesOf)
    expect(bad.problems).toEqual([expect.stringMatching(/^Input `runId` must be a run ID/)])
  })
})

describe('run parameters', () => {
  const testery = (values: Partial<Record<InputName, string>>) =>
    parseInputs(raw({ provider: 'testery', token: 't0k3n', projectId: 'shop', environment: 'staging', ...values }), SHA, rulesOf)

  it('variables: KEY=value lines, comments and blank lines skipped, secure: marked, "=" kept in values', () => {
    const r = testery({ variables: 'BASE_URL=https://x.example/?a=b\n\n# note\r\nsecure:API_KEY=s=3\nEMPTY=' })
    expect(r.problems).toEqual([])
    expect(r.inputs?.variables).toEqual([
      { key: 'BASE_URL', value: 'https://x.example/?a=b', secure: false },
      { key: 'API_KEY', value: 's=3', secure: true },
      { key: 'EMPTY', value: '', secure: false }
    ])
  })

  it.each([
    ['no equals sign', 'JUST_A_WORD', /^Input `variables` line 1 must be KEY=value/],
    ['a bad key', 'GOOD=1\n1BAD=2', /^Input `variables` line 2 must be KEY=value/],
    ['a repeated key', 'A=1\nA=2', /^Input `variables` line 2 repeats the key A; give each key once\.$/]
  ])('variables with %s: one line naming the input and the line, never the value', (_, value, message) => {
    const r = testery({ variables: value })
    expect(r.inputs).toBeUndefined()
    expect(r.problems).toEqual([expect.stringMatching(message)])
    expect(r.problems[0]).not.toContain('=2')
  })

  it('tags split on commas and lines; filters on lines only', () => {
    const r = testery({ includeTags: 'smoke, checkout\nfast', excludeTags: 'wip', testFilters: 'a,b\n  c.*  ' })
    expect(r.inputs).toMatchObject({ includeTags: ['smoke', 'checkout', 'fast'], excludeTags: ['wip'], testFilters: ['a,b', 'c.*'] })
  })

  it('gitRef must be a SHA; gitBranch a branch name; at most one way to choose the test code', () => {
    expect(testery({ gitRef: 'main' }).problems[0]).toMatch(/^Input `gitRef` must be a commit SHA/)
    expect(testery({ gitBranch: 'a..b' }).problems[0]).toMatch(/^Input `gitBranch` must be a git branch name/)
    expect(testery({ gitRef: 'abc1234' }).inputs?.gitRef).toBe('abc1234')
    expect(testery({ gitRef: SHA, gitBranch: 'main', latestDeploy: 'true' }).problems).toEqual([
      expect.stringMatching(/^Input `gitBranch` cannot be combined with `gitRef`/),
      expect.stringMatching(/^Input `latestDeploy` cannot be combined with `gitRef`/)
    ])
  })

  it('buildVersion chooses Testery’s test code too (uploaded artifacts): with another choice it is an input error', () => {
    expect(testery({ buildVersion: '812', gitRef: SHA }).problems).toEqual([
      expect.stringMatching(/^Input `gitRef` cannot be combined with `buildVersion`/)
    ])
    expect(testery({ buildVersion: '812', latestDeploy: 'true' }).problems).toEqual([
      expect.stringMatching(/^Input `latestDeploy` cannot be combined with `buildVersion`/)
    ])
    expect(testery({ buildVersion: '812' }).inputs).toMatchObject({ buildVersion: '812', buildChosen: true })
    expect(testery({}).inputs).toMatchObject({ buildVersion: SHA, buildChosen: false })
  })

  it('updateVcsStatus is on unless turned off; latestDeploy off unless turned on', () => {
    expect(testery({}).inputs).toMatchObject({ updateVcsStatus: true, latestDeploy: false })
    expect(testery({ updateVcsStatus: 'false', latestDeploy: 'true' }).inputs).toMatchObject({ updateVcsStatus: false, latestDeploy: true })
  })

  it('an input the platform does not use warns, unless it is only the default', () => {
    const r = parseInputs(
      raw({
        provider: 'testsigma',
        token: 't0k3n',
        scenarioId: '2090',
        includeTags: 'smoke',
        latestDeploy: 'false',
        updateVcsStatus: 'true'
      }),
      SHA,
      rulesOf
    )
    expect(r.warnings).toEqual(['Input `includeTags` is not used by testsigma; it is ignored.'])
  })
})

// README, One gate over several runs.
describe('several runs in one step', () => {
  const testsigma = (values: Partial<Record<InputName, string>>) =>
    parseInputs(raw({ provider: 'testsigma', token: 'tok1', wait: 'true', ...values }), SHA, rulesOf)

  it('one run per plan on each environment, in the order given; a single value stays one run', () => {
    expect(testsigma({ scenarioId: '2090, 2091', environment: '10\n11' }).inputs?.runs).toEqual([
      { scenarioId: '2090', environment: '10' },
      { scenarioId: '2090', environment: '11' },
      { scenarioId: '2091', environment: '10' },
      { scenarioId: '2091', environment: '11' }
    ])
    const one = testsigma({ scenarioId: '2090', environment: '10' }).inputs
    expect(one?.runs).toEqual([{ scenarioId: '2090', environment: '10' }])
    expect(one).toMatchObject({ scenarioId: '2090', environment: '10' })
  })

  it('each item is checked as a single value would be, and a problem shared by items is said once', () => {
    expect(testsigma({ scenarioId: '2090, plan-b, 2092', environment: '10, 11' }).problems).toEqual([
      'Input `scenarioId` must be the numeric Test Plan ID (got "plan-b").'
    ])
  })

  it('a repeated item is an input error, named once', () => {
    expect(testsigma({ scenarioId: '2090, 2091, 2090, 2090' }).problems).toEqual(['Input `scenarioId` lists "2090" twice; give each once.'])
    expect(testsigma({ runId: '7, 7' }).problems).toEqual(['Input `runId` lists "7" twice; give each once.'])
  })

  it('more than 20 runs is an input error that says how many and what to do', () => {
    const plans = Array.from({ length: 7 }, (_, i) => String(2090 + i)).join(',')
    expect(testsigma({ scenarioId: plans, environment: '10, 11, 12' }).problems).toEqual([
      'Input `scenarioId` with `environment` names 21 runs (7 × 3); one step starts at most 20: split them over two steps, or a matrix.'
    ])
    expect(testsigma({ scenarioId: plans, environment: '10, 11' }).problems).toEqual([])
    const ids = Array.from({ length: 21 }, (_, i) => String(i + 1)).join('\n')
    expect(testsigma({ runId: ids }).problems).toEqual(['Input `runId` names 21 runs; one step follows at most 20.'])
  })

  it('several runs to attach to are read under one plan and environment', () => {
    expect(testsigma({ runId: '7, 8' }).inputs?.runs).toEqual([{ runId: '7' }, { runId: '8' }])
    expect(testsigma({ runId: '7, 8', scenarioId: '2090, 2091' }).problems).toEqual([
      'Input `scenarioId` names several values beside `runId`: the runs in `runId` are read under one scenarioId; give one.'
    ])
  })

  it('a list in an input the platform does not read names no runs (Gearset has no environment)', () => {
    const r = parseInputs(raw({ provider: 'gearset', token: 'tok1', scenarioId: 'job-a, job-b', environment: 'x, y' }), SHA, rulesOf)
    expect(r.inputs?.runs).toEqual([{ scenarioId: 'job-a' }, { scenarioId: 'job-b' }])
    expect(r.warnings).toEqual(['Input `environment` is not used by gearset; it is ignored.'])
  })

  it('Evaficy takes its environment name whole, comma and all: a single run stays exactly as it was', () => {
    const r = parseInputs(raw({ token: 'tok1', projectId: P, scenarioId: S, environment: 'Staging, EU ' }), SHA, rulesOf)
    expect(r.inputs?.runs).toEqual([{ scenarioId: S, environment: 'Staging, EU ' }])
    expect(r.inputs?.environment).toBe('Staging, EU ')
  })

  it('Evaficy starts several scenarios (it cannot wait for any)', () => {
    const r = parseInputs(raw({ token: 'tok1', projectId: P, scenarioId: `${S}, ${S.replace(/a$/, 'b')}` }), SHA, rulesOf)
    expect(r.problems).toEqual([])
    expect(r.inputs?.runs).toHaveLength(2)
  })
})

describe('several runs in one step: what a platform allows', () => {
  it('Testery: two suites on one environment would cancel each other (one run per environment): an input error', () => {
    const testery = (values: Partial<Record<InputName, string>>) =>
      parseInputs(raw({ provider: 'testery', token: 'tok1', wait: 'true', projectId: 'shop', ...values }), SHA, rulesOf)
    expect(testery({ scenarioId: '11, 12', environment: 'staging' }).problems).toEqual([
      'Input `environment` has several test suites run on staging: Testery runs one run per environment at a time and cancels a queued run when a newer one for its environment arrives, so they could cancel each other. Give each suite an environment of its own, or start them in steps one after another.'
    ])
    expect(testery({ scenarioId: '11', environment: 'staging, qa' }).problems).toEqual([])
    expect(testery({ runId: '7, 8' }).problems).toEqual([])
  })
})
