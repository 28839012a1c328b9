// What the shared suites know of each platform, never by its name: what its provider declares in
// the registry (src/providers/index.ts) and how a step starts a run on its sandbox (the sandbox
// file's stepInputs). A fifth platform joins every suite built from these.
import { PROVIDER_NAMES, type ProviderName } from '../../src/model.js'
import { providerFor } from '../../src/providers/index.js'
import type { Provider } from '../../src/providers/types.js'
import { FACTORIES } from '../../sandbox/server.js'

export interface PlatformUnderTest {
  name: ProviderName
  provider: Provider
  /** It has a status call: a step can wait for its runs. */
  pollable: boolean
  /** It lists recent runs: a run an ambiguous start may have created can be found and adopted. */
  canList: boolean
  /** It has a cancel call. */
  canCancel: boolean
  /** What a step sends to start a run on the sandbox. */
  stepInputs: Record<string, string>
  /** The input that scopes the platform's one-run-at-a-time queue, where it has one (the sandbox file says). */
  oneRunAtATimePer?: string
}

export function platformUnderTest(provider: Provider, stepInputs: Record<string, string>, oneRunAtATimePer?: string): PlatformUnderTest {
  return {
    oneRunAtATimePer,
    name: provider.name,
    provider,
    pollable: provider.status !== undefined,
    canList: provider.recentRuns !== undefined,
    canCancel: provider.cancel !== undefined,
    stepInputs
  }
}

/** What the suites read of a sandbox platform file. */
interface SandboxPlatform {
  name: string
  stepInputs?: Record<string, string>
  oneRunAtATimePer?: string
}
const sandboxes = new Map(FACTORIES.map((make) => make() as SandboxPlatform).map((s) => [s.name, s]))

export const PLATFORMS: PlatformUnderTest[] = PROVIDER_NAMES.map((name) => {
  const box = sandboxes.get(name)
  if (!box?.stepInputs) throw new Error(`the sandbox has no platform ${name}, or it declares no stepInputs`)
  return platformUnderTest(providerFor(name), box.stepInputs, box.oneRunAtATimePer)
})

export const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/** The platforms a step can wait for (a status call), by name. */
export const POLLABLE_NAMES = PLATFORMS.filter((p) => p.pollable).map((p) => p.name)
/** Those that can also cancel a run. */
export const CANCELLABLE_NAMES = PLATFORMS.filter((p) => p.pollable && p.canCancel).map((p) => p.name)
