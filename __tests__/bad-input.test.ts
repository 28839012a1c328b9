// Bad input in-process, each case as a step: one clear line naming the input, the count, no
// request to the platform, no summary, the step fails, no token printed. The end-to-end suite
// (e2e-security.test.ts) runs some of them through dist/index.js.
import { run } from '../src/main.js'
import { FACTORIES, startSandbox } from '../sandbox/server.js'
import { BAD_INPUTS, CAUSE } from './helpers/bad-inputs.js'
import { FakeClock } from './helpers/fake-clock.js'
import { inProcessStep } from './helpers/in-process.js'

const TOKEN = 'tok-CANARY-bad-input-6d'
const step = inProcessStep()
let box: Awaited<ReturnType<typeof startSandbox>>
beforeAll(async () => {
  box = await startSandbox({ factories: FACTORIES })
})
afterAll(() => box.close())

it.each(BAD_INPUTS)('%j', async (inputs, message) => {
  const before = box.requests.length
  step.enter({
    inputs: {
      token: TOKEN,
      projectId: '65f1c0ffee0000000000abcd',
      scenarioId: '65f1c0ffee0000000000dcba',
      baseUrl: box.baseUrl(inputs.provider ?? 'evaficy'),
      ...inputs
    }
  })
  await run(new FakeClock(), () => undefined)
  expect(process.exitCode).toBe(1)
  const errors = step.errors().map((l) => l.replace(/^::error::/, ''))
  const cause = inputs.wait === 'true' && !inputs.provider ? [expect.stringMatching(CAUSE)] : []
  expect(errors).toEqual([
    ...cause,
    expect.stringMatching(message),
    "The step's inputs have 1 problem (listed above); no request was sent."
  ])
  expect(box.requests.length).toBe(before)
  expect(step.summary()).toBe('')
  expect(step.stdout().replaceAll(`::add-mask::${TOKEN}`, '')).not.toContain(TOKEN)
})
