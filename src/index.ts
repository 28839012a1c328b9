// The action's entry point: GitHub runs dist/index.js, which is this file bundled.
import { run } from './main.js'

void run()
