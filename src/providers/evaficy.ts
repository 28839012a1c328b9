// Evaficy Smart Test: a manual test tool. The API creates a run in Draft for a tester to execute;
// there is no status or cancel call (docs/platforms.md §2), so a run ends here as `triggered`.
import * as z from 'zod/mini'
import { ID_SHAPES } from '../inputs.js'
import { counts, countSchema, errorReader, runIdSchema } from './common.js'
import type { Provider, ProviderContext } from './types.js'
import type { RunState } from '../model.js'

// The run exists once the 201 names its runId: the other fields may be null or absent
// (docs/platforms.md point 12), and none of them may fail the step.
export const TriggerReply = z.object({
  runId: runIdSchema,
  runName: z.nullish(z.string()),
  testCaseCount: countSchema,
  message: z.nullish(z.string())
})

export const evaficy: Provider = {
  name: 'evaficy',
  title: 'Evaficy Smart Test',
  errorMessage: errorReader('message'),
  // No status API: a created run is Draft until a tester opens it.
  statusWords: { Draft: 'triggered' },
  pollFloorMs: 1000,
  // It gives no links and documents no rate limit.
  webOrigin: undefined,
  rateLimitHeaders: undefined,
  readLimit: undefined,
  inputRules: {
    uses: ['projectId', 'environment', 'buildVersion', 'runName'],
    // Its environment is a name ("Staging"), which may hold a comma: one per step, never a list.
    whole: ['environment'],
    check(p, c) {
      const what = (id: string) => `the 24-character hex ${id} ID from the ${id.toLowerCase()} URL in Evaficy`
      if (c.need('projectId', p.projectId, what('Project'))) c.shape('projectId', p.projectId, ID_SHAPES.hex24, what('Project'))
      if (c.need('scenarioId', p.scenarioId, what('Scenario'))) c.shape('scenarioId', p.scenarioId, ID_SHAPES.hex24, what('Scenario'))
      if (p.wait)
        c.problem(
          'Input `wait` cannot be true for evaficy: Evaficy runs are executed by a tester and Evaficy has no status API. ' +
            'Trigger the run in this job with wait: false, and gate the deploy in a later job whose GitHub Environment ' +
            'has required reviewers (see the action\'s docs/recipes.md, "Gate a deploy on Evaficy sign-off").'
        )
      if (p.runId !== undefined)
        c.problem('Input `runId` cannot be used with evaficy: Evaficy has no status API to attach to; leave `runId` empty.')
    }
  },
  defaultBaseUrl: 'https://app.evaficy.com',
  authorization: (token) => `Bearer ${token}`,
  hints: {
    400: 'Evaficy needs both IDs: check that `projectId` and `scenarioId` hold the 24-character hex IDs from the project and scenario URLs.',
    401: 'the token is invalid or was deleted: create a new Personal Access Token under Settings → API Tokens in Evaficy and update the secret.',
    403: 'the CI/CD trigger needs the Enterprise plan: upgrade under Settings → Billing in Evaficy.',
    404: 'no such scenario in that project: copy `scenarioId` from the scenario URL and `projectId` from the project URL in Evaficy.'
  },
  runsPage: 'Test Runs in Evaficy Smart Test',
  nextStep:
    'A tester executes the run in Evaficy Smart Test: it is in <strong>Test Runs</strong> with Draft status. ' +
    'To hold a deploy until QA signs off, gate the deploy job with a GitHub Environment that has required reviewers.',

  async trigger({ inputs, http }: ProviderContext, signal?: AbortSignal): Promise<RunState> {
    const body = {
      projectId: inputs.projectId,
      scenarioId: inputs.scenarioId,
      ...(inputs.environment !== undefined && { environment: inputs.environment }),
      buildVersion: inputs.buildVersion,
      ...(inputs.runName !== undefined && { runName: inputs.runName })
    }
    const { data } = await http.request(
      {
        method: 'POST',
        path: '/runs/trigger',
        template: '/runs/trigger',
        body,
        schema: TriggerReply,
        action: 'create the test run',
        creates: true
      },
      signal
    )
    return {
      id: data.runId,
      name: data.runName ?? undefined,
      status: 'triggered',
      // The documented lifecycle: a created run is in Draft until a tester opens it.
      providerStatus: 'Draft',
      counts: counts({ total: data.testCaseCount }),
      message: data.message ?? undefined
    }
  }
}
