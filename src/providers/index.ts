// The registry of platforms.
import { evaficy } from './evaficy.js'
import { gearset } from './gearset.js'
import { testery } from './testery.js'
import { testsigma } from './testsigma.js'
import type { Provider } from './types.js'
import type { ProviderName } from '../model.js'

const PROVIDERS: Record<ProviderName, Provider> = { evaficy, testsigma, testery, gearset }

export function providerFor(name: ProviderName): Provider {
  return PROVIDERS[name]
}
