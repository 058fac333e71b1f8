/**
 * The SIMs of a problem, one column per field. A million SIMs as objects would cost hundreds of MB and
 * slow every pass of the optimizer; columns of typed arrays keep them compact and cache-friendly.
 * Row `i` of every column describes the same SIM.
 */
export interface SimTable {
  readonly count: number
  readonly iccid: readonly string[]
  /** Usage to price, MB (already projected to the period end). */
  readonly usageMb: Float64Array
  /** SMS count in the period. */
  readonly sms: Float64Array
  /** Voice minutes in the period (Mobility fleets); absent: no SIM of the table has any. */
  readonly voiceMinutes?: Float64Array | undefined
  /** Index into the problem's communication plans. */
  readonly commPlan: Int32Array
  /** Index into the problem's rate plans: the plan the SIM is on now. */
  readonly currentPlan: Int32Array
  /** Days the SIM was active in the period, whole days, at most the period. */
  readonly daysActive: Float64Array
  /** 1: the SIM may change plan; 0: it keeps its plan (and still counts in its pool). */
  readonly autoChange: Uint8Array
}

export interface SimRow {
  readonly iccid: string
  readonly usageMb: number
  readonly sms: number
  readonly voiceMinutes?: number | undefined
  readonly commPlan: number
  readonly currentPlan: number
  readonly daysActive: number
  readonly autoChange: boolean
}

/** Collects rows of unknown count (a streamed file) into a {@link SimTable}, growing by doubling. */
export class SimTableBuilder {
  #count = 0
  #iccid: string[] = []
  #usageMb: Float64Array
  #sms: Float64Array
  /** Allocated at the first row that has voice minutes. */
  #voiceMinutes: Float64Array | undefined
  #commPlan: Int32Array
  #currentPlan: Int32Array
  #daysActive: Float64Array
  #autoChange: Uint8Array

  constructor(initialCapacity = 1024) {
    const capacity = Math.max(1, initialCapacity)
    this.#usageMb = new Float64Array(capacity)
    this.#sms = new Float64Array(capacity)
    this.#commPlan = new Int32Array(capacity)
    this.#currentPlan = new Int32Array(capacity)
    this.#daysActive = new Float64Array(capacity)
    this.#autoChange = new Uint8Array(capacity)
  }

  get count(): number {
    return this.#count
  }

  add(row: SimRow): void {
    if (this.#count === this.#usageMb.length) this.#grow(this.#count * 2)
    const i = this.#count++
    this.#iccid.push(row.iccid)
    this.#usageMb[i] = row.usageMb
    this.#sms[i] = row.sms
    if (row.voiceMinutes !== undefined && row.voiceMinutes !== 0) {
      this.#voiceMinutes ??= new Float64Array(this.#usageMb.length)
      this.#voiceMinutes[i] = row.voiceMinutes
    }
    this.#commPlan[i] = row.commPlan
    this.#currentPlan[i] = row.currentPlan
    this.#daysActive[i] = row.daysActive
    this.#autoChange[i] = row.autoChange ? 1 : 0
  }

  /** The table of the rows added so far; the builder must not be used afterwards. */
  build(): SimTable {
    this.#grow(this.#count)
    return {
      count: this.#count,
      iccid: this.#iccid,
      usageMb: this.#usageMb,
      sms: this.#sms,
      ...(this.#voiceMinutes === undefined ? {} : { voiceMinutes: this.#voiceMinutes }),
      commPlan: this.#commPlan,
      currentPlan: this.#currentPlan,
      daysActive: this.#daysActive,
      autoChange: this.#autoChange,
    }
  }

  #grow(capacity: number): void {
    const resize = <T extends Float64Array | Int32Array | Uint8Array>(column: T, make: (n: number) => T): T => {
      const next = make(capacity)
      next.set(column.subarray(0, Math.min(this.#count, capacity)))
      return next
    }
    this.#usageMb = resize(this.#usageMb, (n) => new Float64Array(n))
    this.#sms = resize(this.#sms, (n) => new Float64Array(n))
    if (this.#voiceMinutes !== undefined) this.#voiceMinutes = resize(this.#voiceMinutes, (n) => new Float64Array(n))
    this.#commPlan = resize(this.#commPlan, (n) => new Int32Array(n))
    this.#currentPlan = resize(this.#currentPlan, (n) => new Int32Array(n))
    this.#daysActive = resize(this.#daysActive, (n) => new Float64Array(n))
    this.#autoChange = resize(this.#autoChange, (n) => new Uint8Array(n))
  }
}

/** Builds a table from rows in memory (tests, generators, small programmatic problems). */
export function simTableFromRows(rows: readonly SimRow[]): SimTable {
  const builder = new SimTableBuilder(rows.length)
  for (const row of rows) builder.add(row)
  return builder.build()
}
