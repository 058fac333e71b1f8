/**
 * The simulated Telegence foundation account: its BANs and subscribers (a seeded synthetic Mobility fleet on
 * the plans of mobility-catalog.ts), the usage each makes over a bill cycle, and the usage report lines the
 * carrier would put in its SFTP files at any moment.
 */
import { Random } from '../../../demo/index.js'
import { billingPeriod, billingPeriodAt, localDate, type BillingCycle, type BillingPeriod } from '../../../domain/index.js'
import type { FeedLine } from '../feed/feed-format.js'
import type { SubscriberStatus } from '../telegence-wire.js'
import { MOBILITY_CATALOG, type CatalogPlan } from './mobility-catalog.js'

export interface SimulatedLine {
  readonly subscriberNumber: string
  readonly iccid: string
  readonly imei: string
  readonly ban: string
  status: SubscriberStatus
  soc: string
  /** `yyyy-mm-dd`. */
  readonly activatedDate: string
  /** Usage over a whole bill cycle: MB, voice minutes, SMS. */
  readonly cycleDataMb: number
  readonly cycleVoiceMinutes: number
  readonly cycleSms: number
}

export interface SimulatedFanOptions {
  readonly lines: number
  /** Billing accounts the lines are spread over (default: one per 25,000 lines, at least 2). */
  readonly bans?: number
  readonly seed: number
  readonly cycle: BillingCycle
  readonly fan?: string
}

export class SimulatedFan {
  readonly fan: string
  readonly bans: readonly string[]
  readonly cycle: BillingCycle
  readonly #lines = new Map<string, SimulatedLine>()
  readonly #byBan = new Map<string, SimulatedLine[]>()

  constructor(options: SimulatedFanOptions) {
    this.fan = options.fan ?? '90000001'
    this.cycle = options.cycle
    const random = new Random(options.seed)
    const banCount = options.bans ?? Math.max(2, Math.ceil(options.lines / 25_000))
    this.bans = Array.from({ length: banCount }, (_, i) => String(450_000_001 + i))
    for (const ban of this.bans) this.#byBan.set(ban, [])
    for (let i = 0; i < options.lines; i++) {
      const plan = random.pick(MOBILITY_CATALOG)
      const line: SimulatedLine = {
        subscriberNumber: String(2_140_000_000 + i),
        iccid: `89014104${String(i).padStart(11, '0')}`,
        imei: `35${String(random.int(0, 999_999_999)).padStart(9, '0')}${String(i % 10_000).padStart(4, '0')}`,
        ban: this.bans[i % banCount]!,
        status: random.chance(0.03) ? 'S' : random.chance(0.01) ? 'C' : 'A',
        soc: plan.soc,
        activatedDate: `20${random.int(20, 25)}-${String(random.int(1, 12)).padStart(2, '0')}-${String(random.int(1, 28)).padStart(2, '0')}`,
        ...usageOf(plan, random),
      }
      this.#lines.set(line.subscriberNumber, line)
      this.#byBan.get(line.ban)!.push(line)
    }
  }

  get size(): number {
    return this.#lines.size
  }

  line(subscriberNumber: string): SimulatedLine | undefined {
    return this.#lines.get(subscriberNumber)
  }

  lines(): SimulatedLine[] {
    return [...this.#lines.values()]
  }

  linesOf(ban: string): readonly SimulatedLine[] | undefined {
    return this.#byBan.get(ban)
  }

  cycleAt(at: number): BillingPeriod {
    return billingPeriodAt(at, this.cycle)
  }

  /** The cycle after the one running at `at`: its first day is the next bill cycle date. */
  nextCycleStart(at: number): string {
    return localDate(this.cycleAt(at).end, this.cycle.timeZone)
  }

  /** Every billed line's usage since its cycle started, as of `at` (usage grows evenly over the cycle). */
  usageLines(at: number): FeedLine[] {
    return this.#usage(this.cycleAt(at), at)
  }

  /** Every billed line's usage over the whole of period `name` (`2026-11`): the final file's lines. */
  finalLines(name: string): FeedLine[] {
    const period = billingPeriod(name, this.cycle)
    return this.#usage(period, period.end)
  }

  #usage(period: BillingPeriod, at: number): FeedLine[] {
    const share = Math.min(1, Math.max(0, (at - period.start) / (period.end - period.start)))
    const billCycleStart = localDate(period.start, this.cycle.timeZone)
    const lines: FeedLine[] = []
    for (const line of this.#lines.values()) {
      if (line.status !== 'A') continue
      lines.push({
        subscriberNumber: line.subscriberNumber,
        iccid: line.iccid,
        billCycleStart,
        dataMb: line.cycleDataMb * share,
        voiceMinutes: line.cycleVoiceMinutes * share,
        sms: Math.floor(line.cycleSms * share),
      })
    }
    return lines
  }
}

/** A month's usage, drawn apart from the line's plan: many lines are on a plan that does not fit them. */
function usageOf(plan: CatalogPlan, random: Random): Pick<SimulatedLine, 'cycleDataMb' | 'cycleVoiceMinutes' | 'cycleSms'> {
  const heavy = plan.type === 'hotspot' ? 12_000 : 2500
  return {
    cycleDataMb: random.chance(0.1) ? 0 : Math.min(80_000, random.logNormal(heavy, 0.9)),
    cycleVoiceMinutes: plan.type === 'voice+data' ? Math.min(5000, random.logNormal(350, 0.8)) : 0,
    cycleSms: plan.type === 'voice+data' ? Math.floor(Math.min(20_000, random.logNormal(400, 1))) : 0,
  }
}
