/**
 * The master problem of the dual ascent, kept warm between iterations. The dual is a sum of parts (SIMs
 * grouped by usage), each with its own cuts, which models it far better per evaluation than one cut for
 * the sum:
 *
 *   maximize Σ_g θ_g  subject to  θ_g ≤ b_j + G_j·μ  for every cut j of part g,   lower ≤ μ ≤ upper.
 *
 * It is solved through its LP dual, a convex combination of each part's cuts:
 *
 *   minimize Σ b_j·α_j + Σ upper_k·β_k − Σ lower_k·γ_k
 *   subject to Σ_{j of g} α_j = 1 for every part g,  −Σ G_jk·α_j + β_k − γ_k = 0 for every k,  α, β, γ ≥ 0
 *
 * whose constraints never change: a new cut is a new column and a new box only new costs, so the last
 * basis stays feasible and a few primal simplex pivots restore optimality. θ and μ are the simplex
 * multipliers. The basis has one row per part and per price, so a dense inverse is small.
 */

const EPSILON = 1e-10
/** Pivots between recomputing the basis inverse from scratch, which bounds float drift. */
const REFACTOR_EVERY = 64

interface Column {
  /** Column of the constraint matrix, length m. */
  readonly entries: Float64Array
  cost: number
  readonly kind: 'cut' | 'upper' | 'lower'
  /** For a box column: its price; for a cut: its part. */
  readonly index: number
  /** Caller's handle for a cut. */
  readonly cut?: number
}

export interface MasterSolution {
  /** Optimal Σ θ_g (relative to the offsets the cuts were given with). */
  readonly theta: number
  readonly mu: Float64Array
}

export class CuttingPlaneMaster {
  readonly #prices: number
  readonly #parts: number
  readonly #rows: number
  readonly #columns: Column[] = []
  #basis: number[] = []
  #inverse: Float64Array[] = []
  #values = new Float64Array(0)
  #pivotsSinceRefactor = 0
  #lower: Float64Array
  #upper: Float64Array

  constructor(parts: number, prices: number, lower: Float64Array, upper: Float64Array) {
    this.#parts = parts
    this.#prices = prices
    this.#rows = parts + prices
    this.#lower = lower.slice()
    this.#upper = upper.slice()
    for (let k = 0; k < prices; k++) {
      const up = new Float64Array(this.#rows)
      up[parts + k] = 1
      this.#columns.push({ entries: up, cost: this.#upper[k]!, kind: 'upper', index: k })
      const down = new Float64Array(this.#rows)
      down[parts + k] = -1
      this.#columns.push({ entries: down, cost: -this.#lower[k]!, kind: 'lower', index: k })
    }
  }

  get cutCount(): number {
    return this.#columns.length - 2 * this.#prices
  }

  /**
   * Adds the cut θ_part ≤ offset + slope·μ; `handle` identifies it for {@link removeCuts}. The first cut of
   * every part must be added before the first {@link solve}.
   */
  addCut(part: number, offset: number, slope: Float64Array, handle: number): void {
    let scale = 1
    for (let k = 0; k < this.#prices; k++) scale = Math.max(scale, Math.abs(slope[k]!))
    const entries = new Float64Array(this.#rows)
    entries[part] = 1 / scale
    for (let k = 0; k < this.#prices; k++) entries[this.#parts + k] = -slope[k]! / scale
    this.#columns.push({ entries, cost: offset / scale, kind: 'cut', index: part, cut: handle })
  }

  /** Moves the box; the basis stays feasible, only costs change. */
  setBox(lower: Float64Array, upper: Float64Array): void {
    this.#lower = lower.slice()
    this.#upper = upper.slice()
    for (const column of this.#columns) {
      if (column.kind === 'upper') column.cost = this.#upper[column.index]!
      else if (column.kind === 'lower') column.cost = -this.#lower[column.index]!
    }
  }

  /** Handles of the cuts still held. */
  cutHandles(): number[] {
    return this.#columns.flatMap((column) => (column.kind === 'cut' ? [column.cut!] : []))
  }

  /**
   * The cuts in the last optimal basis with their weights α (which sum to one): the convex combination
   * of cuts, hence of the assignments that made them, that the master's optimum rests on.
   */
  basicCutWeights(): { handle: number; part: number; weight: number }[] {
    return this.#basis.flatMap((index, row) => {
      const column = this.#columns[index]!
      // The column was divided by its scale, so the variable is α·scale.
      return column.kind === 'cut' && this.#values[row]! > 0
        ? [{ handle: column.cut!, part: column.index, weight: this.#values[row]! * column.entries[column.index]! }]
        : []
    })
  }

  /** Drops cuts the caller no longer wants, except those in the basis. */
  removeCuts(drop: (handle: number) => boolean): void {
    const basic = new Set(this.#basis.map((index) => this.#columns[index]!))
    const kept = this.#columns.filter((column) => column.kind !== 'cut' || basic.has(column) || !drop(column.cut!))
    const basisColumns = this.#basis.map((index) => this.#columns[index]!)
    this.#columns.splice(0, this.#columns.length, ...kept)
    this.#basis = basisColumns.map((column) => this.#columns.indexOf(column))
  }

  solve(maxPivots = 10_000): MasterSolution | undefined {
    if (this.#basis.length === 0) this.#initialBasis()
    const m = this.#rows
    let degenerate = 0
    for (let pivot = 0; pivot < maxPivots; pivot++) {
      const multipliers = this.#multipliers()
      // Entering column: most negative reduced cost (Bland's rule after a degenerate run).
      const bland = degenerate > 30
      let entering = -1
      let best = -EPSILON
      const inBasis = new Uint8Array(this.#columns.length)
      for (const index of this.#basis) inBasis[index] = 1
      for (let j = 0; j < this.#columns.length; j++) {
        if (inBasis[j]) continue
        const column = this.#columns[j]!
        let reduced = column.cost
        for (let r = 0; r < m; r++) reduced -= multipliers[r]! * column.entries[r]!
        const scaled = reduced / (1 + Math.abs(column.cost))
        if (scaled < best) {
          entering = j
          if (bland) break
          best = scaled
        }
      }
      if (entering < 0) {
        let theta = 0
        for (let g = 0; g < this.#parts; g++) theta += multipliers[g]!
        return { theta, mu: multipliers.slice(this.#parts) }
      }
      const direction = this.#times(this.#columns[entering]!.entries)
      let leaving = -1
      let ratio = Infinity
      for (let r = 0; r < m; r++) {
        if (direction[r]! <= EPSILON) continue
        const candidate = this.#values[r]! / direction[r]!
        if (candidate < ratio - EPSILON || (bland && candidate < ratio + EPSILON && leaving >= 0 && this.#basis[r]! < this.#basis[leaving]!)) {
          ratio = candidate
          leaving = r
        }
      }
      if (leaving < 0) return undefined // unbounded: cannot happen while the box is finite
      degenerate = ratio <= EPSILON ? degenerate + 1 : 0
      this.#pivot(leaving, entering, direction)
    }
    return undefined
  }

  #initialBasis(): void {
    // Each part's first cut at weight one, each price's row balanced by its upper or lower box column.
    const basis: number[] = []
    const balance = new Float64Array(this.#prices)
    for (let g = 0; g < this.#parts; g++) {
      const index = this.#columns.findIndex((column) => column.kind === 'cut' && column.index === g)
      if (index < 0) throw new Error(`cutting-plane master: part ${g} has no cut`)
      basis.push(index)
      const column = this.#columns[index]!
      for (let k = 0; k < this.#prices; k++) balance[k]! -= column.entries[this.#parts + k]! / column.entries[g]!
    }
    for (let k = 0; k < this.#prices; k++) basis.push(2 * k + (balance[k]! >= 0 ? 0 : 1))
    this.#basis = basis
    this.#refactor()
  }

  /** Multipliers π = c_B·B⁻¹: π_0 is θ, π_{k+1} is μ_k. */
  #multipliers(): Float64Array {
    const m = this.#rows
    const result = new Float64Array(m)
    for (let r = 0; r < m; r++) {
      const cost = this.#columns[this.#basis[r]!]!.cost
      if (cost === 0) continue
      const row = this.#inverse[r]!
      for (let c = 0; c < m; c++) result[c]! += cost * row[c]!
    }
    return result
  }

  #times(vector: Float64Array): Float64Array {
    const m = this.#rows
    const result = new Float64Array(m)
    for (let r = 0; r < m; r++) {
      const row = this.#inverse[r]!
      let sum = 0
      for (let c = 0; c < m; c++) sum += row[c]! * vector[c]!
      result[r] = sum
    }
    return result
  }

  #pivot(leaving: number, entering: number, direction: Float64Array): void {
    const m = this.#rows
    const pivotValue = direction[leaving]!
    const pivotRow = this.#inverse[leaving]!
    for (let c = 0; c < m; c++) pivotRow[c] = pivotRow[c]! / pivotValue
    const step = this.#values[leaving]! / pivotValue
    for (let r = 0; r < m; r++) {
      if (r === leaving) continue
      const factor = direction[r]!
      if (factor !== 0) {
        const row = this.#inverse[r]!
        for (let c = 0; c < m; c++) row[c] = row[c]! - factor * pivotRow[c]!
      }
      this.#values[r] = Math.max(0, this.#values[r]! - factor * step)
    }
    this.#values[leaving] = step
    this.#basis[leaving] = entering
    if (++this.#pivotsSinceRefactor >= REFACTOR_EVERY) this.#refactor()
  }

  /** Recomputes B⁻¹ by Gauss-Jordan elimination with partial pivoting, and the basic values B⁻¹e₀. */
  #refactor(): void {
    const m = this.#rows
    const matrix = Array.from({ length: m }, (_, r) => {
      const line = new Float64Array(2 * m)
      for (let c = 0; c < m; c++) line[c] = this.#columns[this.#basis[c]!]!.entries[r]!
      line[m + r] = 1
      return line
    })
    for (let c = 0; c < m; c++) {
      let pivotRow = c
      for (let r = c + 1; r < m; r++) if (Math.abs(matrix[r]![c]!) > Math.abs(matrix[pivotRow]![c]!)) pivotRow = r
      ;[matrix[c], matrix[pivotRow]] = [matrix[pivotRow]!, matrix[c]!]
      const line = matrix[c]!
      const pivot = line[c]!
      for (let j = 0; j < 2 * m; j++) line[j] = line[j]! / pivot
      for (let r = 0; r < m; r++) {
        if (r === c) continue
        const factor = matrix[r]![c]!
        if (factor === 0) continue
        const other = matrix[r]!
        for (let j = 0; j < 2 * m; j++) other[j] = other[j]! - factor * line[j]!
      }
    }
    this.#inverse = matrix.map((line) => line.slice(m))
    // Basic values B⁻¹·rhs, the right-hand side being one on each part's row.
    this.#values = Float64Array.from(this.#inverse, (row) => {
      let value = 0
      for (let g = 0; g < this.#parts; g++) value += row[g]!
      return Math.max(0, value)
    })
    this.#pivotsSinceRefactor = 0
  }
}
