/** `GET /usages` (usage of every device on one rate plan) and `GET /rateplans`. */
import { JASPER_ERRORS, formatCycleDate, formatResponseDate, type RatePlanUsagePage, type RatePlansPage } from '../jasper-wire.js'
import { JasperRejection, ok, type Answer, type CallContext } from './answers.js'
import { invalidParameter, onlyParameters, pagingParameters } from './query-parameters.js'

/** The one rating zone the simulated account's usage falls in. */
const ZONE = 'USA'

/** The cycle-to-date usage of the devices on an unpooled plan, by ICCID. Advantage accounts only. */
export function ratePlanUsage(call: CallContext): Answer {
  const { query, fleet, now } = call
  if (!call.advantage) throw notAllowed('Usage by rate plan requires an Advantage account')
  onlyParameters(query, ['ratePlanName', 'cycleStartDate', 'pageSize', 'pageNumber'])
  const name = query.get('ratePlanName')
  if (name === null || name === '') throw invalidParameter('ratePlanName is required')
  const plan = fleet.plan(name)
  if (plan === undefined) throw invalidParameter(`Invalid ratePlanName: ${name}`)
  if (plan.shared) throw notAllowed(`Usage by rate plan is not available for shared rate plans: ${name}`)
  const cycleStart = formatCycleDate(fleet.cycleAt(now).start, fleet.billing.timeZone)
  const asked = query.get('cycleStartDate')
  // The simulator keeps no history: only the current cycle can be asked for.
  if (asked !== null && asked !== cycleStart) throw invalidParameter(`Invalid cycleStartDate: ${asked} (the current cycle started ${cycleStart})`)
  const { pageSize, pageNumber } = pagingParameters(query)
  const onPlan = fleet.devices().filter((device) => device.ratePlan === plan.name)
  const skip = (pageNumber - 1) * pageSize
  const page: RatePlanUsagePage = {
    zones: [
      {
        zone: ZONE,
        devices: onPlan.slice(skip, skip + pageSize).map((device) => {
          const usage = fleet.usageAt(device, now)
          // Devices mostly send: two SMS of three mobile-originated.
          const terminated = Math.floor(usage.sms / 3)
          return {
            deviceId: device.iccid,
            usage: { dataUsage: usage.dataBytes, smsMOUsage: usage.sms - terminated, smsMTUsage: terminated, voiceMOUsage: 0, voiceMTUsage: 0 },
          }
        }),
      },
    ],
    pageNumber,
    lastPage: skip + pageSize >= onPlan.length,
  }
  call.onUsagePage({ plan: plan.name, lastPage: page.lastPage })
  return ok(page)
}

/** The account's published rate plans; `accountId`, when sent, must be the account's own. */
export function ratePlans(call: CallContext): Answer {
  const { query, fleet, now } = call
  onlyParameters(query, ['accountId', 'pageSize', 'pageNumber'])
  const accountId = query.get('accountId')
  if (accountId !== null && accountId !== fleet.accountId) throw invalidParameter(`Invalid accountId: ${accountId}`)
  const { pageSize, pageNumber } = pagingParameters(query)
  const skip = (pageNumber - 1) * pageSize
  const page: RatePlansPage = {
    operatorName: 'Simulated Operator',
    operatorId: 1,
    // `yyyy-MM-ddTHH:mm:ss.SSSZ`: the device date with a `T`.
    timeStamp: formatResponseDate(now).replace(' ', 'T'),
    pageNumber,
    lastPage: skip + pageSize >= fleet.plans.length,
    ratePlans: fleet.plans.slice(skip, skip + pageSize).map((plan) => ({ name: plan.name, shared: plan.shared, type: plan.type })),
  }
  return ok(page)
}

function notAllowed(message: string): JasperRejection {
  return new JasperRejection(400, JASPER_ERRORS.ROLE_NOT_ALLOWED, message)
}
