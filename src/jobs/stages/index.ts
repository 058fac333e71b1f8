/**
 * The pipeline of DESIGN.md §4, as far as it is built: start → build problem → optimize (one job per
 * component) → finalize. Sync (devices, usage), report, notify and the rate plan change stages join this
 * list in their issues; each is a `Stage` that queues the next.
 */
import type { Stage } from '../stage.js'
import { buildProblem } from './build-problem.js'
import { finalizeInstance } from './finalize-instance.js'
import { optimizeComponent } from './optimize-component.js'
import { startSession } from './start-session.js'

export const PIPELINE: readonly Stage[] = [startSession, buildProblem, optimizeComponent, finalizeInstance]
