// The registry of platforms.
import { evaficy } from './evaficy.js'
import type { Provider, ProviderName } from './types.js'

const PROVIDERS: Record<ProviderName, Provider | undefined> = {
  evaficy,
  testsigma: undefined,
  testery: undefined,
  gearset: undefined
}

export function providerFor(name: ProviderName): Provider | undefined {
  return PROVIDERS[name]
}
