// See package.json: the one name @actions/core's platform module imports from @actions/exec, never called here.
export function getExecOutput() {
  throw new Error('@actions/exec is not bundled with this action: core.platform.getDetails() is not supported')
}
