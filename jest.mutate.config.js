// The in-process tests only, for mutation testing (npm run mutate): StrykerJS mutates src/, which
// the end-to-end tests do not load (they run the committed dist/).
import base from './jest.config.js'

export default {
  ...base,
  reporters: ['default'],
  // Stryker mutates src/ in place of a sandbox; these tests do not load a bundle.
  globalSetup: undefined,
  testPathIgnorePatterns: [
    '/node_modules/',
    '/e2e-',
    'dist\\.test',
    'docs\\.test',
    'action-yml\\.test',
    'undici-stub\\.test',
    'architecture\\.test',
    'vendor\\.test',
    'fuzz\\.test'
  ]
}
