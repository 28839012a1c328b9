// What an in-process test's code printed: stdout captured for each test, the annotation count and
// the exit code reset around it (verdict('error') is core.setFailed, which sets process.exitCode:
// it must not become the test run's).
import { jest } from '@jest/globals'
import { resetAnnotations } from '../../src/annotations.js'

/** Registers the capture for the file's tests; returns what the current test printed so far. */
export function captureStdout(): { text(): string; commands(): string[] } {
  let out: string[] = []
  let exitCode: typeof process.exitCode
  beforeEach(() => {
    exitCode = process.exitCode
    process.exitCode = undefined
    resetAnnotations()
    out = []
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      out.push(String(chunk))
      return true
    })
  })
  afterEach(() => {
    jest.restoreAllMocks()
    process.exitCode = exitCode
  })
  const text = () => out.join('')
  return {
    text,
    commands: () =>
      text()
        .split('\n')
        .filter((l) => l.startsWith('::'))
  }
}
