// The action's entry point: GitHub runs dist/index.js (main and post step), which is this file bundled.
import { start } from './main.js'

void start()
