/**
 * The account the Jasper simulator serves: the SIMs of a seeded synthetic fleet (`generateFleet`) with the
 * identities, statuses and dates Control Center keeps for them, and usage that grows through the cycle so
 * that projecting it to the cycle end gives back the generator's usage.
 */
import { generateFleet, Random } from '../../../demo/index.js'
import { BYTES_PER_MB, billingPeriodAt, type BillingCycle, type BillingPeriod, type DeviceStatus, type Problem } from '../../../domain/index.js'
import { writeProblemFiles, type ProblemFiles } from '../../../io/index.js'
import { ModificationOrder } from './modification-order.js'

const DAY_MS = 86_400_000
/** The simulated account bills calendar months in UTC unless told otherwise, as the demo's provider does. */
export const SIMULATED_CYCLE: BillingCycle = { timeZone: 'UTC', cycleEndDay: 1, cycleEndHour: 0 }
/** How far back device changes are spread: well inside the year `modifiedSince` may reach back. */
const UPDATES_SPREAD_MS = 180 * DAY_MS

export interface SimulatedFleetOptions {
  readonly sims: number
  /** Rate plans in the price sheet (default 12). */
  readonly plans?: number
  readonly seed: number
  /** When the fleet is made, epoch ms: every date lies before it, and its cycle is the one the generator's usage is for. */
  readonly now: number
  /** The account's billing cycle (default {@link SIMULATED_CYCLE}). */
  readonly cycle?: BillingCycle
}

export interface SimulatedDevice {
  readonly iccid: string
  readonly imsi: string
  readonly msisdn: string
  readonly imei: string
  readonly status: DeviceStatus
  readonly ratePlan: string
  readonly communicationPlan: string
  /** Epoch ms. */
  readonly dateAdded: number
  /**
   * Epoch ms; null for SIMs never activated (`INVENTORY`, `ACTIVATION_READY`). A SIM the generator has
   * active for fewer days than the cycle was activated that many days before the cycle ends, which early
   * in the cycle is still ahead of the clock.
   */
  readonly dateActivated: number | null
  /** Epoch ms of the last change; what `GET /devices` filters and orders by. */
  readonly dateUpdated: number
  readonly accountId: string
  /** Data over a whole cycle, bytes (the generator's usage). */
  readonly cycleBytes: number
  /** SMS over a whole cycle. */
  readonly cycleSms: number
  /** Data sessions over a whole cycle. */
  readonly cycleSessions: number
}

export interface SimulatedPlan {
  readonly name: string
  /** Pooled: its SIMs share their allowance. */
  readonly shared: boolean
  /** As Control Center names rate plan types, e.g. `Monthly Flexible Pool`. */
  readonly type: string
}

/** Cycle-to-date usage of one device. */
export interface CycleUsage {
  /** Bytes. */
  readonly dataBytes: number
  readonly sms: number
  readonly sessions: number
}

type DeviceState = { -readonly [K in keyof SimulatedDevice]: SimulatedDevice[K] }

/** The simulated account's devices and plans; holds the state `PUT /devices` and the faults change. */
export class SimulatedFleet {
  /** The generator's price sheet and fleet, as the devices started out. */
  readonly problem: Problem
  readonly accountId: string
  readonly plans: readonly SimulatedPlan[]
  readonly #byIccid: Map<string, DeviceState>
  /** In ICCID order (the generator numbers its SIMs). */
  readonly #devices: DeviceState[]
  readonly #order: ModificationOrder<DeviceState>
  readonly #allowedPlans: Map<string, readonly string[]>
  /** Rate plan changes applied per ICCID: tests check a change was made once, not twice. */
  readonly ratePlanChanges = new Map<string, number>()
  /** How the account is billed: cycles, and the time zone of their start dates. */
  readonly billing: BillingCycle
  #cycle: BillingPeriod

  constructor(options: SimulatedFleetOptions) {
    this.billing = options.cycle ?? SIMULATED_CYCLE
    this.#cycle = billingPeriodAt(options.now, this.billing)
    this.problem = generateFleet({ sims: options.sims, plans: options.plans ?? 12, seed: options.seed, periodDays: this.#cycle.days })
    this.accountId = String(100_020_000 + (options.seed % 10_000))
    this.plans = this.problem.plans.map((plan) => ({
      name: plan.code,
      shared: plan.pooled,
      type: !plan.pooled ? 'Monthly Individual' : plan.pool === undefined ? 'Monthly Pooled' : 'Monthly Flexible Pool',
    }))
    this.#allowedPlans = new Map(this.problem.commPlans.map((commPlan) => [commPlan.name, commPlan.allowedPlans.map((index) => this.problem.plans[index]!.code)]))
    this.#devices = makeDevices(this.problem, this.#cycle, this.accountId, options)
    this.#byIccid = new Map(this.#devices.map((device) => [device.iccid, device]))
    this.#order = new ModificationOrder(this.#devices)
  }

  get size(): number {
    return this.#devices.length
  }

  /** Every device, in ICCID order. */
  devices(): readonly SimulatedDevice[] {
    return this.#devices
  }

  device(iccid: string): SimulatedDevice | undefined {
    return this.#byIccid.get(iccid)
  }

  plan(name: string): SimulatedPlan | undefined {
    return this.plans.find((plan) => plan.name === name)
  }

  /** The billing cycle containing `at`. */
  cycleAt(at: number): BillingPeriod {
    if (at < this.#cycle.start || at >= this.#cycle.end) this.#cycle = billingPeriodAt(at, this.billing)
    return this.#cycle
  }

  /**
   * Usage from the start of the cycle containing `at` to `at`: the whole cycle's usage times the share of
   * the cycle elapsed, so that simopt's projection (usage · cycle / elapsed) gives back the generator's usage.
   */
  usageAt(device: SimulatedDevice, at: number): CycleUsage {
    const cycle = this.cycleAt(at)
    const share = Math.min(1, Math.max(0, (at - cycle.start) / (cycle.end - cycle.start)))
    return {
      dataBytes: Math.round(device.cycleBytes * share),
      sms: Math.round(device.cycleSms * share),
      sessions: Math.ceil(device.cycleSessions * share),
    }
  }

  /** Up to `take` devices changed between `since` and `till` (inclusive, epoch ms), oldest change first, after `skip`; and how many there are. */
  modifiedBetween(since: number, till: number, skip: number, take: number): { readonly devices: readonly SimulatedDevice[]; readonly total: number } {
    const { items, total } = this.#order.page(since, till, skip, take)
    return { devices: items, total }
  }

  /** Moves a device to `ratePlan` (a plan of the price sheet) at `at`, which becomes its `dateUpdated`. */
  changeRatePlan(iccid: string, ratePlan: string, at: number): SimulatedDevice {
    const device = this.#byIccid.get(iccid)
    if (device === undefined) throw new Error(`no simulated device ${iccid}`)
    if (this.plan(ratePlan) === undefined) throw new Error(`no simulated rate plan ${ratePlan}`)
    this.#order.update(device, () => {
      device.ratePlan = ratePlan
      device.dateUpdated = at
    })
    this.ratePlanChanges.set(iccid, (this.ratePlanChanges.get(iccid) ?? 0) + 1)
    return device
  }

  /** Takes a device out of the account (moved to another account, purged): every call then answers it is unknown. */
  remove(iccid: string): void {
    const device = this.#byIccid.get(iccid)
    if (device === undefined) throw new Error(`no simulated device ${iccid}`)
    this.#order.remove(device)
    this.#byIccid.delete(iccid)
    this.#devices.splice(this.#devices.indexOf(device), 1)
  }

  /** Gives a device another MSISDN at `at`, which becomes its `dateUpdated` (a number port, a SIM swap). */
  changeMsisdn(iccid: string, msisdn: string, at: number): SimulatedDevice {
    const device = this.#byIccid.get(iccid)
    if (device === undefined) throw new Error(`no simulated device ${iccid}`)
    this.#order.update(device, () => {
      device.msisdn = msisdn
      device.dateUpdated = at
    })
    return device
  }

  /** Whether the device's communication plan allows `ratePlan`. */
  allows(device: SimulatedDevice, ratePlan: string): boolean {
    return (this.#allowedPlans.get(device.communicationPlan) ?? []).includes(ratePlan)
  }

  /** Another plan the device's communication plan allows (its own when it allows no other). */
  otherAllowedPlan(device: SimulatedDevice): string {
    const allowed = this.#allowedPlans.get(device.communicationPlan) ?? []
    return allowed[(allowed.indexOf(device.ratePlan) + 1) % allowed.length] ?? device.ratePlan
  }
}

/**
 * Writes the simulated account's price sheet and communication plans as simopt files (plans.csv, pools.csv,
 * comm_plans.csv), so that simopt can price what it pulls from the simulator; sims.csv holds the generator's
 * SIMs with their whole-cycle usage on the plans they started on. Returns the files' paths.
 */
export async function writeSimulatedPriceSheet(folder: string, fleet: SimulatedFleet): Promise<Required<ProblemFiles>> {
  return writeProblemFiles(folder, fleet.problem)
}

function makeDevices(problem: Problem, cycle: BillingPeriod, accountId: string, options: SimulatedFleetOptions): DeviceState[] {
  // A stream of its own, so that the generator's fleet is the same as `simopt generate` gives for the seed.
  const random = new Random(options.seed ^ 0x5eed_f1ee)
  const serial = random.int(0, 999_999_999)
  const deviceModels = ['35332011', '35925406', '86473503', '35290611', '01520200']
  const { sims, plans, commPlans } = problem
  const devices: DeviceState[] = []
  for (let i = 0; i < sims.count; i++) {
    const usageMb = sims.usageMb[i]!
    const fullCycle = sims.daysActive[i]! >= cycle.days
    const status = statusOf(usageMb, fullCycle, random)
    const dateAdded = cycle.start - random.int(10, 720) * DAY_MS - random.int(0, DAY_MS - 1)
    const dateActivated =
      status === 'INVENTORY' || status === 'ACTIVATION_READY'
        ? null
        : fullCycle
          ? dateAdded + Math.floor(random.next() * (cycle.start - dateAdded))
          : cycle.end - sims.daysActive[i]! * DAY_MS
    const lastKnown = dateActivated !== null && dateActivated <= options.now ? dateActivated : dateAdded
    const updatesFrom = Math.max(lastKnown, options.now - UPDATES_SPREAD_MS)
    const number = (serial + i) % 1_000_000_000
    devices.push({
      iccid: sims.iccid[i]!,
      imsi: `310170${String(number).padStart(9, '0')}`,
      msisdn: `1${2_000_000_000 + number}`,
      imei: withLuhnDigit(`${random.pick(deviceModels)}${String(number % 1_000_000).padStart(6, '0')}`),
      status,
      ratePlan: plans[sims.currentPlan[i]!]!.code,
      communicationPlan: commPlans[sims.commPlan[i]!]!.name,
      dateAdded,
      dateActivated,
      dateUpdated: updatesFrom + Math.floor(random.next() * (options.now - updatesFrom)),
      accountId,
      cycleBytes: Math.round(usageMb * BYTES_PER_MB),
      cycleSms: sims.sms[i]!,
      cycleSessions: usageMb > 0 ? random.int(1, 300) : 0,
    })
  }
  return devices
}

/**
 * Mostly `ACTIVATED`. Only SIMs without usage are deactivated or never activated, and only those active the
 * whole cycle are never activated, so that every status agrees with the generator's usage and days active.
 */
function statusOf(usageMb: number, fullCycle: boolean, random: Random): DeviceStatus {
  const draw = random.next()
  if (usageMb > 0) return draw < 0.02 ? 'TEST_READY' : 'ACTIVATED'
  if (draw < 0.12) return 'DEACTIVATED'
  if (fullCycle && draw < 0.2) return 'INVENTORY'
  if (fullCycle && draw < 0.25) return 'ACTIVATION_READY'
  return 'ACTIVATED'
}

/** IMEIs end in a Luhn check digit over the 14 before it. */
function withLuhnDigit(digits: string): string {
  let sum = 0
  for (let i = 0; i < digits.length; i++) {
    let digit = Number(digits[digits.length - 1 - i])
    if (i % 2 === 0) digit = digit * 2 > 9 ? digit * 2 - 9 : digit * 2
    sum += digit
  }
  return `${digits}${(10 - (sum % 10)) % 10}`
}
