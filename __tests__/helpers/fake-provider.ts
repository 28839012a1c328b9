// A platform "Acme" for in-process tests of trigger and wait: every declaration a real provider
// makes, with nothing platform-specific; a test adds the calls it drives.
import type { Provider } from '../../src/providers/types.js'

export function acmeProvider(calls: Partial<Provider> & Pick<Provider, 'trigger'>): Provider {
  return {
    name: 'testery',
    title: 'Acme',
    inputRules: { uses: [], check: () => undefined },
    errorMessage: () => undefined,
    pollFloorMs: 1000,
    statusWords: {},
    defaultBaseUrl: 'https://acme.test',
    authorization: (t) => t,
    hints: {},
    runsPage: 'the Acme runs page',
    nextStep: '',
    ...calls
  }
}
