/**
 * The pipeline of DESIGN.md §4, as far as it is built: start → sync devices → sync usage (providers with
 * a carrier API) → build problem → optimize (one job per component) → finalize → report (workbook, results
 * e-mail). Every message goes through the outbox and is sent by its own `deliver-message` job. The rate
 * plan change stages join this list in their issue; each is a `Stage` that queues the next.
 */
import type { Stage } from '../stage.js'
import { buildProblem } from './build-problem.js'
import { deliverMessage } from './deliver-message.js'
import { finalizeInstance } from './finalize-instance.js'
import { optimizeComponent } from './optimize-component.js'
import { reportInstance } from './report-instance.js'
import { startSession } from './start-session.js'
import { syncDevices } from './sync-devices.js'
import { syncUsage } from './sync-usage.js'

export const PIPELINE: readonly Stage[] = [startSession, syncDevices, syncUsage, buildProblem, optimizeComponent, finalizeInstance, reportInstance, deliverMessage]
