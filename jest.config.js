/** ESM TypeScript under jest 29. */
import { availableParallelism } from 'node:os'

// Sized to the machine: the end-to-end tests start a Node process each.
const cores = availableParallelism()

export default {
  preset: 'ts-jest/presets/default-esm',
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.test.json' }] },
  testMatch: ['<rootDir>/__tests__/**/*.test.ts'],
  // StrykerJS's copy of the project (npm run mutate) is not this one.
  modulePathIgnorePatterns: ['<rootDir>/.stryker-tmp/'],
  reporters: ['default', '<rootDir>/scripts/jest-closing-line.js'],
  testTimeout: 30000,
  // Most end-to-end tests wait on real clocks (a run of seconds, a deadline) and use little CPU:
  // each on a sandbox of its own, several of a file side by side, two files a core. Each one starts
  // a Node process, though: 40 at once (the old limit) loaded a 2-core machine past what the suite's
  // wall-clock bounds allow (load average above 8); 8 a core (16 on 2 cores) keeps it green.
  maxWorkers: 2 * cores,
  globalSetup: '<rootDir>/__tests__/global-setup.js',
  maxConcurrency: 8 * cores
}
