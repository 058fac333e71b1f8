/** `GET /devices`, `GET /devices/{iccid}`, `GET /devices/{iccid}/ctdUsages` and `PUT /devices/{iccid}`. */
import {
  JASPER_ERRORS,
  editDeviceBody,
  formatResponseDate,
  type CtdUsage,
  type DeviceDetails,
  type DeviceListPage,
} from '../jasper-wire.js'
import { JasperRejection, ok, type Answer, type CallContext } from './answers.js'
import { dateParameter, invalidParameter, onlyParameters, pagingParameters } from './query-parameters.js'
import type { SimulatedDevice } from './simulated-fleet.js'

/** How far back `modifiedSince` may reach. */
const ONE_YEAR_MS = 365 * 86_400_000

/** Devices changed in `[modifiedSince, modifiedTill]` (till defaults to now), oldest change first, then by ICCID. */
export function listDevices(call: CallContext): Answer {
  const { query, now, fleet } = call
  onlyParameters(query, ['modifiedSince', 'modifiedTill', 'pageSize', 'pageNumber'])
  const since = dateParameter(query, 'modifiedSince')
  if (since === undefined) throw new JasperRejection(400, JASPER_ERRORS.MODIFIED_SINCE_REQUIRED, 'ModifiedSince is required')
  if (since > now) throw new JasperRejection(400, JASPER_ERRORS.MODIFIED_SINCE_IN_FUTURE, 'ModifiedSince cannot be in the future')
  if (since < now - ONE_YEAR_MS) throw new JasperRejection(400, JASPER_ERRORS.MODIFIED_SINCE_TOO_OLD, 'ModifiedSince cannot be more than one year old')
  const till = dateParameter(query, 'modifiedTill') ?? now
  const { pageSize, pageNumber } = pagingParameters(query)
  const skip = (pageNumber - 1) * pageSize
  const { devices, total } = fleet.modifiedBetween(since, till, skip, pageSize)
  const page: DeviceListPage = {
    devices: devices.map((device) => ({ iccid: device.iccid, status: device.status, ratePlan: device.ratePlan, communicationPlan: device.communicationPlan })),
    pageNumber,
    lastPage: skip + pageSize >= total,
  }
  // The query as sent, so that a crawl without modifiedTill stays one crawl while the clock moves.
  const crawl = `${query.get('modifiedSince')}|${query.get('modifiedTill') ?? ''}|${pageSize}`
  call.onDevicePage({ crawl, pageNumber, lastPage: page.lastPage, served: devices })
  return ok(page)
}

export function deviceDetails(call: CallContext, iccid: string): Answer {
  onlyParameters(call.query, [])
  const device = knownDevice(call, iccid)
  const details: DeviceDetails = {
    ...identity(device),
    customer: null,
    endConsumerId: null,
    dateActivated: device.dateActivated === null ? null : formatResponseDate(device.dateActivated),
    dateAdded: formatResponseDate(device.dateAdded),
    dateUpdated: formatResponseDate(device.dateUpdated),
    dateShipped: null,
    accountId: device.accountId,
    fixedIPAddress: null,
  }
  return ok(details)
}

export function deviceUsage(call: CallContext, iccid: string): Answer {
  onlyParameters(call.query, [])
  const device = knownDevice(call, iccid)
  const usage = call.fleet.usageAt(device, call.now)
  const answer: CtdUsage = {
    ...identity(device),
    ctdDataUsage: usage.dataBytes,
    ctdSMSUsage: usage.sms,
    ctdVoiceUsage: 0,
    ctdSessionCount: usage.sessions,
    overageLimitReached: false,
    overageLimitOverride: 'DEFAULT',
  }
  return ok(answer)
}

/** Changes the device's rate plan at once (an `effectiveDate` is accepted and not waited for). */
export function editDevice(call: CallContext, iccid: string): Answer {
  onlyParameters(call.query, [])
  let json: unknown
  try {
    json = JSON.parse(call.body)
  } catch {
    throw new JasperRejection(400, JASPER_ERRORS.JSON_NOT_WELL_FORMED, 'Request body is not well-formed JSON')
  }
  const device = knownDevice(call, iccid)
  const edit = editDeviceBody.safeParse(json)
  if (!edit.success) throw invalidParameter(`Invalid request body: ${edit.error.issues[0]?.message ?? 'not an edit'}`)
  if (call.fleet.plan(edit.data.ratePlan) === undefined) throw invalidParameter(`Invalid ratePlan: ${edit.data.ratePlan}`)
  call.fleet.changeRatePlan(device.iccid, edit.data.ratePlan, call.now)
  return ok({ iccid: device.iccid })
}

function knownDevice(call: CallContext, iccid: string): SimulatedDevice {
  const device = call.fleet.device(iccid)
  if (device === undefined) throw new JasperRejection(404, JASPER_ERRORS.INVALID_ICCID, 'Resource not found - Invalid ICCID')
  return device
}

function identity(device: SimulatedDevice) {
  return {
    iccid: device.iccid,
    imsi: device.imsi,
    msisdn: device.msisdn,
    imei: device.imei,
    status: device.status,
    ratePlan: device.ratePlan,
    communicationPlan: device.communicationPlan,
  }
}
