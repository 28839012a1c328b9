// Inputs with one problem each, and the line that names it (README, Inputs): a step with any of
// them sends no request. `wait: true` on the default provider also says, before it, that the
// provider was left to its default (CAUSE).
import { PROVIDER_NAMES } from '../../src/model.js'

/** The line said before the problems of a step that may be for another platform but left `provider` out. */
export const CAUSE = /^Input `provider` is `evaficy`, its default when the step leaves it out/

export const BAD_INPUTS: [Record<string, string>, RegExp][] = [
  [{ provider: 'jenkins' }, new RegExp(`^Input \`provider\` must be one of ${PROVIDER_NAMES.join(', ')}\\.$`)],
  [{ token: '' }, /^Input `token` is required/],
  [{ token: 'Bearer abc123' }, /^Input `token` starts with "Bearer" or "token"/],
  [{ token: 'abc 123' }, /^Input `token` contains a space or line break/],
  [{ projectId: '65f1' }, /^Input `projectId` must be the 24-character hex Project ID/],
  [{ scenarioId: 'zz' }, /^Input `scenarioId` must be the 24-character hex Scenario ID/],
  [{ provider: 'testsigma', scenarioId: 'plan' }, /^Input `scenarioId` must be the numeric Test Plan ID/],
  [{ provider: 'testsigma', scenarioId: '2090', environment: 'staging' }, /^Input `environment` must be the numeric Environment ID/],
  [{ provider: 'testery', projectId: '', scenarioId: '', environment: 'staging' }, /^Input `projectId` is required for testery/],
  [{ provider: 'gearset', scenarioId: 'a/b' }, /^Input `scenarioId` must be the Gearset CI job ID/],
  [{ wait: 'yes' }, /^Input `wait` must be true or false\.$/],
  [{ wait: 'true' }, /^Input `wait` cannot be true for evaficy/],
  [{ timeoutMinutes: '0' }, /^Input `timeoutMinutes` must be a positive number of minutes/],
  [{ timeoutMinutes: '1h' }, /^Input `timeoutMinutes` must be a positive number of minutes/],
  [{ pollIntervalSeconds: '0.2' }, /^Input `pollIntervalSeconds` must be 1 or more seconds\.$/],
  [{ failOnTestFailure: 'no' }, /^Input `failOnTestFailure` must be true or false\.$/],
  [{ cancelOnAbort: 'on' }, /^Input `cancelOnAbort` must be true or false\.$/],
  [{ provider: 'testery', runId: '../../etc', projectId: '', scenarioId: '', environment: '' }, /^Input `runId` must be a run ID/],
  [{ runId: '123' }, /^Input `runId` cannot be used with evaficy/],
  [{ baseUrl: 'ftp://x' }, /^Input `baseUrl` must use https:\/\//],
  [{ baseUrl: 'http://10.0.0.5' }, /^Input `baseUrl` must use https:\/\//],
  [{ baseUrl: 'https://u:p@api.example.com' }, /^Input `baseUrl` must not contain a user name or password/],
  [{ baseUrl: 'nonsense' }, /^Input `baseUrl` is not a URL/]
]
