import { PlatformError } from '../../src/errors.js'

/** The PlatformError a promise rejects with; fails the test if it resolves or throws anything else. */
export async function failure(p: Promise<unknown>): Promise<PlatformError> {
  try {
    await p
  } catch (e) {
    if (e instanceof PlatformError) return e
    throw e
  }
  throw new Error('expected a PlatformError')
}
