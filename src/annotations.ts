// GitHub shows at most 10 annotations of each kind (error, warning, notice) per step and drops the
// rest. The verdict must never be the one dropped: until it is given, every other annotation
// leaves one place of its kind free, and one that finds no place goes to the log as a plain line.
import * as core from '@actions/core'

export type AnnotationKind = 'error' | 'warning' | 'notice'

export const ANNOTATIONS_PER_KIND = 10

const used: Record<AnnotationKind, number> = { error: 0, warning: 0, notice: 0 }
let verdictGiven = false

const LABEL: Record<AnnotationKind, string> = { error: 'Error', warning: 'Warning', notice: 'Notice' }

/** How many more annotations of this kind GitHub would show, keeping the verdict's place. */
export function roomFor(kind: AnnotationKind): number {
  return Math.max(0, ANNOTATIONS_PER_KIND - used[kind] - (verdictGiven ? 0 : 1))
}

/** An annotation that is not the verdict; a plain log line when it would crowd the verdict out. */
export function annotate(kind: AnnotationKind, message: string, properties?: core.AnnotationProperties): boolean {
  if (roomFor(kind) === 0) {
    core.info(`${LABEL[kind]}: ${properties?.title ? `${properties.title}: ` : ''}${message}`)
    return false
  }
  used[kind]++
  core[kind](message, properties)
  return true
}

/** The step's verdict: always shown. An error verdict also fails the step. */
export function verdict(kind: AnnotationKind, message: string): void {
  used[kind]++
  verdictGiven = true
  if (kind === 'error') core.setFailed(message)
  else core[kind](message)
}

/** For tests: forget what this process annotated so far. */
export function resetAnnotations(): void {
  used.error = used.warning = used.notice = 0
  verdictGiven = false
}
