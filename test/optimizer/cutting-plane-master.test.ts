import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { Random } from '../../src/demo/random.js'
import { CuttingPlaneMaster } from '../../src/optimizer/cutting-plane-master.js'
import { highs } from '../helpers/highs.js'

describe('the cutting-plane master', () => {
  it('agrees with HiGHS on random masters, warm across added cuts and moved boxes', async () => {
    const solver = await highs()
    const random = new Random(42)
    for (let trial = 0; trial < 40; trial++) {
      const prices = random.int(1, 12)
      const parts = random.int(1, 4)
      const cuts: { part: number; offset: number; slope: Float64Array }[] = []
      const lower = new Float64Array(prices)
      const upper = new Float64Array(prices).fill(1)
      const master = new CuttingPlaneMaster(parts, prices, lower, upper)
      const addCut = (part: number) => {
        const slope = Float64Array.from({ length: prices }, () => (random.next() - 0.5) * 40)
        const offset = random.next() * 10
        cuts.push({ part, offset, slope })
        master.addCut(part, offset, slope, cuts.length - 1)
      }
      for (let g = 0; g < parts; g++) addCut(g)
      for (let round = 0; round < 6; round++) {
        for (let extra = 0; extra < 5; extra++) addCut(random.int(0, parts - 1))
        for (let k = 0; k < prices; k++) {
          lower[k] = random.next() * 0.5
          upper[k] = lower[k]! + random.next() * 0.5
        }
        master.setBox(lower, upper)
        const ours = master.solve()
        assert.ok(ours !== undefined, `trial ${trial}`)
        const lp = [
          'Maximize',
          ` obj: ${Array.from({ length: parts }, (_, g) => `+ t${g}`).join(' ')}`,
          'Subject To',
          ...cuts.map((cut, j) => ` c${j}: t${cut.part} ${[...cut.slope].map((a, k) => `${a >= 0 ? '-' : '+'} ${Math.abs(a)} m${k}`).join(' ')} <= ${cut.offset}`),
          'Bounds',
          ...Array.from({ length: parts }, (_, g) => ` -inf <= t${g} <= +inf`),
          ...Array.from({ length: prices }, (_, k) => ` ${lower[k]} <= m${k} <= ${upper[k]}`),
          'End',
        ].join('\n')
        const reference = solver.solve(lp, { output_flag: false })
        assert.equal(reference.Status, 'Optimal', `trial ${trial}`)
        assert.ok(Math.abs(ours!.theta - reference.ObjectiveValue) <= 1e-7 * (1 + Math.abs(reference.ObjectiveValue)), `trial ${trial}: ${ours!.theta} vs ${reference.ObjectiveValue}`)
      }
    }
  })
})
