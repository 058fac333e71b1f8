/**
 * The account the ThingSpace simulator serves: a seeded synthetic fleet (`generateFleet`, the same price
 * sheet `simopt generate` gives for the seed) as ThingSpace keeps it, device ids that grow with gaps (the
 * list's cursor), daily usage rated in arrears, and the service plan changes each device had this month.
 */
import { generateFleet, Random } from '../../../demo/index.js'
import { BYTES_PER_MB, billingPeriodAt, type BillingCycle, type BillingPeriod, type Problem } from '../../../domain/index.js'
import type { DeviceState } from '../thingspace-wire.js'

const DAY_MS = 86_400_000
/** Rated data of a day appears this long after the day ends (Verizon: usually two days in arrears). */
export const DATA_ARREARS_MS = 2 * DAY_MS
/** SMS of a day appear this long after it ends (Verizon: up to three days). */
export const SMS_ARREARS_MS = 3 * DAY_MS
export const SIMULATED_CYCLE: BillingCycle = { timeZone: 'UTC', cycleEndDay: 1, cycleEndHour: 0 }

export interface SimulatedDevice {
  readonly deviceId: number
  readonly iccid: string
  readonly imsi: string
  readonly msisdn: string
  readonly imei: string
  state: DeviceState
  servicePlan: string
  /** Epoch ms. */
  readonly createdAt: number
  /** Epoch ms; null for a device never activated. */
  readonly activatedAt: number | null
  /** Data over a whole cycle, bytes. */
  readonly cycleBytes: number
  readonly cycleSms: number
}

/** One day's rated usage. */
export interface DailyUsage {
  /** Epoch ms, the day's start. */
  readonly day: number
  readonly bytes: number
  readonly sms: number
}

export interface SimulatedAccountOptions {
  readonly sims: number
  readonly plans?: number
  readonly seed: number
  /** Epoch ms; the generator's usage is for the cycle containing it. */
  readonly now: number
  readonly cycle?: BillingCycle
}

export class SimulatedAccount {
  readonly accountName: string
  readonly problem: Problem
  readonly billing: BillingCycle
  /** Service plan codes, as the price sheet names plans. */
  readonly servicePlans: readonly string[]
  /** In device id order. */
  readonly #devices: SimulatedDevice[]
  readonly #byIccid: Map<string, SimulatedDevice>
  /** Epoch ms of each plan change counted against the monthly limit, by ICCID (done or pending). */
  readonly #changes = new Map<string, number[]>()

  constructor(options: SimulatedAccountOptions) {
    this.billing = options.cycle ?? SIMULATED_CYCLE
    const cycle = billingPeriodAt(options.now, this.billing)
    this.problem = generateFleet({ sims: options.sims, plans: options.plans ?? 12, seed: options.seed, periodDays: cycle.days })
    this.accountName = `${String(420_000 + (options.seed % 100_000)).padStart(10, '0')}-00001`
    this.servicePlans = this.problem.plans.map((plan) => plan.code)
    this.#devices = makeDevices(this.problem, cycle, options.seed)
    this.#byIccid = new Map(this.#devices.map((device) => [device.iccid, device]))
  }

  get size(): number {
    return this.#devices.length
  }

  devices(): readonly SimulatedDevice[] {
    return this.#devices
  }

  device(iccid: string): SimulatedDevice | undefined {
    return this.#byIccid.get(iccid)
  }

  cycleAt(at: number): BillingPeriod {
    return billingPeriodAt(at, this.billing)
  }

  /** Up to `take` devices with an id above `after` (all without it), and whether more follow. */
  page(after: number | undefined, take: number): { readonly devices: readonly SimulatedDevice[]; readonly hasMoreData: boolean } {
    let from = 0
    if (after !== undefined) {
      // Binary search: the first device with a larger id.
      let high = this.#devices.length
      while (from < high) {
        const middle = (from + high) >>> 1
        if (this.#devices[middle]!.deviceId <= after) from = middle + 1
        else high = middle
      }
    }
    const devices = this.#devices.slice(from, from + take)
    return { devices, hasMoreData: from + take < this.#devices.length }
  }

  /**
   * The device's rated daily usage for days starting in `[earliest, latest]`, as known at `now`: a day's
   * data once {@link DATA_ARREARS_MS} have passed since it ended, its SMS after {@link SMS_ARREARS_MS}.
   * Each cycle's days add up to the generator's usage for a whole cycle.
   */
  dailyUsage(device: SimulatedDevice, earliest: number, latest: number, now: number): DailyUsage[] {
    const days: DailyUsage[] = []
    for (let cycle = this.cycleAt(earliest); cycle.start <= latest; cycle = this.cycleAt(cycle.end)) {
      const length = cycle.end - cycle.start
      const share = (at: number, total: number) => Math.round((total * (at - cycle.start)) / length)
      for (let k = Math.max(0, Math.ceil((earliest - cycle.start) / DAY_MS)); ; k++) {
        const day = cycle.start + k * DAY_MS
        if (day >= cycle.end || day > latest) break
        const end = Math.min(day + DAY_MS, cycle.end)
        if (end > now - DATA_ARREARS_MS) return days
        const sms = end > now - SMS_ARREARS_MS ? 0 : share(end, device.cycleSms) - share(day, device.cycleSms)
        days.push({ day, bytes: share(end, device.cycleBytes) - share(day, device.cycleBytes), sms })
      }
    }
    return days
  }

  /** Plan changes of the device counted in the billing cycle containing `at` (done, or accepted and pending). */
  changesThisMonth(iccid: string, at: number): number {
    const cycle = this.cycleAt(at)
    return (this.#changes.get(iccid) ?? []).filter((when) => when >= cycle.start && when < cycle.end).length
  }

  /** Counts a change accepted at `at` against the device's monthly limit. */
  countChange(iccid: string, at: number): void {
    this.#changes.set(iccid, [...(this.#changes.get(iccid) ?? []), at])
  }

  /** A change that failed does not count. */
  uncountChange(iccid: string, at: number): void {
    const times = this.#changes.get(iccid) ?? []
    const index = times.indexOf(at)
    if (index >= 0) times.splice(index, 1)
  }

  /** Suspends a device (as a user would on the portal): plan changes are refused while it is. */
  suspend(iccid: string): SimulatedDevice {
    const device = this.#byIccid.get(iccid)
    if (device === undefined) throw new Error(`no simulated device ${iccid}`)
    device.state = 'suspend'
    return device
  }
}

function makeDevices(problem: Problem, cycle: BillingPeriod, seed: number): SimulatedDevice[] {
  const random = new Random(seed ^ 0x7a5e_71ce)
  const serial = random.int(0, 999_999_999)
  const models = ['35332011', '35925406', '86473503', '35290611']
  const { sims, plans } = problem
  const devices: SimulatedDevice[] = []
  let deviceId = random.int(10_000, 99_999)
  for (let i = 0; i < sims.count; i++) {
    // Ids grow with gaps, as ids of devices added and removed over years do: a cursor, not a row number.
    deviceId += random.int(1, 9)
    const usageMb = sims.usageMb[i]!
    const draw = random.next()
    const state: DeviceState = usageMb > 0 ? 'active' : draw < 0.1 ? 'deactive' : draw < 0.15 ? 'suspend' : draw < 0.2 ? 'pre-active' : 'active'
    const createdAt = cycle.start - random.int(10, 720) * DAY_MS
    const number = (serial + i) % 1_000_000_000
    devices.push({
      deviceId,
      iccid: sims.iccid[i]!,
      imsi: `311480${String(number).padStart(9, '0')}`,
      msisdn: `1${3_000_000_000 + number}`,
      imei: `${random.pick(models)}${String(number % 10_000_000).padStart(7, '0')}`,
      state,
      servicePlan: plans[sims.currentPlan[i]!]!.code,
      createdAt,
      activatedAt: state === 'pre-active' ? null : createdAt + random.int(0, 9) * DAY_MS,
      cycleBytes: Math.round(usageMb * BYTES_PER_MB),
      cycleSms: sims.sms[i]!,
    })
  }
  return devices
}
