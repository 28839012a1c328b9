// The job summary a piece of report code builds, as HTML, with @actions/core's buffer emptied around it.
import * as core from '@actions/core'

export function rendered(build: () => void): string {
  core.summary.emptyBuffer()
  build()
  const html = core.summary.stringify()
  core.summary.emptyBuffer()
  return html
}
