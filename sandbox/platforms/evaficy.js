// Evaficy Smart Test: POST /runs/trigger, as documented on the vendor's CI/CD page
// (docs/seeds/evaficy-cicd-trigger.txt). Tokens starting with "invalid" get 401,
// tokens starting with "free-plan" get 403; IDs 000…0NNN script HTTP status NNN.
import { randomBytes } from 'node:crypto'
import { errorAnswer, json, scriptedStatus } from '../respond.js'

const MESSAGES = {
  400: 'scenarioId and projectId are required',
  401: 'User not found',
  403: 'Feature not available on your plan',
  404: 'Scenario not found',
  500: 'Internal server error'
}

function fail(res, status) {
  errorAnswer(res, status, { success: false, message: MESSAGES[status] ?? `Error ${status}` })
}

export function evaficySandbox() {
  return {
    // Every request is checked for the token first (server.js), answering with `fail`.
    auth: 'Bearer',
    fail,
    name: 'evaficy',
    // The inputs a step sends to start a run here (the tests' shared suites start runs with them).
    stepInputs: { projectId: '65f1c0ffee0000000000abcd', scenarioId: '65f1c0ffee0000000000dcba' },
    routes: [
      {
        route: 'POST /runs/trigger',
        phase: 'trigger',
        handle({ res, body, created }) {
          const b = typeof body === 'object' && body !== null ? body : {}
          if (!b.projectId || !b.scenarioId) return fail(res, 400)
          const scripted = scriptedStatus(b.scenarioId, b.projectId)
          if (scripted) return fail(res, scripted)
          created()
          const date = new Date().toISOString().slice(0, 10)
          const runName =
            b.runName ||
            `CI Run — Scenario ${String(b.scenarioId).slice(-6)}${b.buildVersion ? ` (${String(b.buildVersion).slice(0, 12)})` : ''} — ${date}`
          json(res, 201, {
            success: true,
            runId: randomBytes(12).toString('hex'),
            runName,
            testCaseCount: (parseInt(String(b.scenarioId).slice(-2), 16) % 30) + 1,
            message: 'Test run created. Open Evaficy Smart Test to execute it.'
          })
        }
      }
    ]
  }
}
