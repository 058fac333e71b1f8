/**
 * The pipeline of DESIGN.md §4: start → sync devices → sync usage (providers with a carrier API) → build
 * problem → optimize (one job per component) → finalize (totals, the change list) → report (workbook,
 * results e-mail; the session is done) → go / no-go → push changes → verify (re-push, discrepancies).
 * Customer sessions (issue 20): start → optimize-customer (one job per customer) → report-customers (one
 * workbook and e-mail; the session is done); nothing is synced or pushed.
 * Every message goes through the outbox and is sent by its own `deliver-message` job. Each stage is a
 * `Stage` that queues the next; the ones after the report outlive the session (`detached`). Apart from
 * sessions, `cleanup` removes old history once a day and queues itself for the next day.
 */
import type { Stage } from '../stage.js'
import { buildProblem } from './build-problem.js'
import { cleanup } from './cleanup.js'
import { decidePushStage } from './decide-push.js'
import { deliverMessage } from './deliver-message.js'
import { finalizeInstance } from './finalize-instance.js'
import { optimizeComponent } from './optimize-component.js'
import { pushChanges } from './push-changes.js'
import { optimizeCustomerStage } from './optimize-customer.js'
import { reportCustomers } from './report-customers.js'
import { reportInstance } from './report-instance.js'
import { startSession } from './start-session.js'
import { syncDevices } from './sync-devices.js'
import { syncUsage } from './sync-usage.js'
import { verifyChanges } from './verify-changes.js'

export const PIPELINE: readonly Stage[] = [startSession, syncDevices, syncUsage, buildProblem, optimizeComponent, finalizeInstance, reportInstance, optimizeCustomerStage, reportCustomers, deliverMessage, decidePushStage, pushChanges, verifyChanges, cleanup]
