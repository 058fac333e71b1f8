/**
 * A component's problem as one binary value, stored with the component when the problem is built so the
 * optimize job prices exactly what was built, whatever changes in the fleet tables meanwhile.
 * Layout: a JSON header (price sheet, billing terms, sizes), then the SIM columns as raw typed arrays
 * (8-byte aligned), then the ICCIDs as UTF-8 separated by newlines. A million SIMs take about 60 MB;
 * JSON of the same would take three times that and far longer to parse.
 */
import { z } from 'zod'
import { FLEET_KINDS, type BillingTerms, type CommPlan, type FleetKind, type Problem, type RatePlan, type RatePool } from '../domain/index.js'

export interface ProblemSnapshot {
  readonly problem: Problem
  /** Usage as the carrier reported it, before projection (the problem prices projected usage). */
  readonly rawUsageMb: Float64Array
  /** The provider's setting when the problem was built: every component of a session follows the same rule. */
  readonly minSavingPerChange: number
}

interface Header {
  readonly version: 1
  readonly plans: readonly RatePlan[]
  readonly pools: readonly RatePool[]
  readonly poolOfPlan: readonly number[]
  readonly commPlans: readonly CommPlan[]
  readonly billing: BillingTerms
  readonly count: number
  readonly iccidBytes: number
  readonly minSavingPerChange: number
  /** Absent: M2M. */
  readonly fleet?: FleetKind | undefined
  /** Whether a voice minutes column follows the others (Mobility); absent: none. */
  readonly voice?: boolean | undefined
}

// Keys in the domain types' order, and loose: the header is handed on as the domain objects it was written from.
const headerSchema = z.object({
  version: z.literal(1),
  plans: z.array(
    z.looseObject({
      code: z.string(),
      monthlyRate: z.number(),
      includedMb: z.number(),
      overageBlockMb: z.number(),
      overageBlockPrice: z.number(),
      smsRate: z.number(),
      pooled: z.boolean(),
      pool: z.string().optional(),
    }),
  ),
  pools: z.array(z.looseObject({ name: z.string(), overageBlockMb: z.number(), overageBlockPrice: z.number(), plans: z.array(z.number().int()) })),
  poolOfPlan: z.array(z.number().int()),
  commPlans: z.array(z.looseObject({ name: z.string(), allowedPlans: z.array(z.number().int()) })),
  billing: z.looseObject({ periodDays: z.number(), prorate: z.boolean() }),
  count: z.number().int().min(0),
  iccidBytes: z.number().int().min(0),
  minSavingPerChange: z.number(),
  fleet: z.enum(FLEET_KINDS).optional(),
  voice: z.boolean().optional(),
}) satisfies z.ZodType<Header>

const align8 = (n: number) => Math.ceil(n / 8) * 8

export function encodeSnapshot({ problem, rawUsageMb, minSavingPerChange }: ProblemSnapshot): Uint8Array {
  const { sims } = problem
  const iccids = Buffer.from(sims.iccid.join('\n'), 'utf8')
  const header: Header = {
    version: 1,
    plans: problem.plans,
    pools: problem.pools,
    poolOfPlan: Array.from(problem.poolOfPlan),
    commPlans: problem.commPlans,
    billing: problem.billing,
    count: sims.count,
    iccidBytes: iccids.length,
    minSavingPerChange,
    ...(problem.fleet === undefined ? {} : { fleet: problem.fleet }),
    ...(sims.voiceMinutes === undefined ? {} : { voice: true }),
  }
  const headerBytes = Buffer.from(JSON.stringify(header), 'utf8')
  const n = sims.count
  const columnsAt = align8(4 + headerBytes.length)
  const size = columnsAt + n * (8 * 4 + 4 * 2 + 1 + (sims.voiceMinutes === undefined ? 0 : 8)) + iccids.length
  const out = Buffer.alloc(size)
  out.writeUInt32LE(headerBytes.length, 0)
  headerBytes.copy(out, 4)
  let at = columnsAt
  const columns = [sims.usageMb, sims.sms, sims.daysActive, rawUsageMb, sims.commPlan, sims.currentPlan, sims.autoChange, ...(sims.voiceMinutes === undefined ? [] : [sims.voiceMinutes])]
  for (const column of columns) {
    const bytes = new Uint8Array(column.buffer, column.byteOffset, n * column.BYTES_PER_ELEMENT)
    out.set(bytes, at)
    at += bytes.length
  }
  iccids.copy(out, at)
  return out
}

export function decodeSnapshot(bytes: Uint8Array): ProblemSnapshot {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const headerLength = buffer.readUInt32LE(0)
  const json: unknown = JSON.parse(buffer.toString('utf8', 4, 4 + headerLength))
  const version = typeof json === 'object' && json !== null && 'version' in json ? json.version : undefined
  if (version !== 1) throw new Error(`problem snapshot version ${String(version)} is not known`)
  const header: Header = headerSchema.parse(json)
  const n = header.count
  let at = align8(4 + headerLength)
  // Copies, not views: the source buffer may not be aligned for typed arrays.
  const take = <T extends Float64Array | Int32Array | Uint8Array>(make: (buffer: ArrayBuffer) => T, width: number): T => {
    const copy = new ArrayBuffer(n * width)
    new Uint8Array(copy).set(buffer.subarray(at, at + n * width))
    at += n * width
    return make(copy)
  }
  const usageMb = take((b) => new Float64Array(b), 8)
  const sms = take((b) => new Float64Array(b), 8)
  const daysActive = take((b) => new Float64Array(b), 8)
  const rawUsageMb = take((b) => new Float64Array(b), 8)
  const commPlan = take((b) => new Int32Array(b), 4)
  const currentPlan = take((b) => new Int32Array(b), 4)
  const autoChange = take((b) => new Uint8Array(b), 1)
  const voiceMinutes = header.voice === true ? take((b) => new Float64Array(b), 8) : undefined
  const iccid = n === 0 ? [] : buffer.toString('utf8', at, at + header.iccidBytes).split('\n')
  const problem: Problem = {
    plans: header.plans,
    pools: header.pools,
    poolOfPlan: Int32Array.from(header.poolOfPlan),
    commPlans: header.commPlans,
    billing: header.billing,
    sims: { count: n, iccid, usageMb, sms, ...(voiceMinutes === undefined ? {} : { voiceMinutes }), commPlan, currentPlan, daysActive, autoChange },
    ...(header.fleet === undefined ? {} : { fleet: header.fleet }),
  }
  return { problem, rawUsageMb, minSavingPerChange: header.minSavingPerChange }
}
