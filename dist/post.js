// The post step's entry (action.yml runs.post): dist/index.js knows by this file's name that it
// runs as the post step, so a post step whose main step never began cannot start a run.
import './index.js'
