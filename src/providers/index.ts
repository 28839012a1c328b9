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

/** The platforms a step can name in `provider`, and each one's provider. */
export interface Registry {
  readonly names: readonly string[]
  providerFor(name: ProviderName): Provider
}

/** The registry the action runs with; tests may hand the step another (a platform of their own). */
export const REGISTRY: Registry = { names: Object.keys(PROVIDERS), providerFor }
