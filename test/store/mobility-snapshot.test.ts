import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { Random } from '../../src/demo/random.js'
import { currentAssignment, priceAssignment } from '../../src/domain/index.js'
import { decodeSnapshot, encodeSnapshot } from '../../src/store/problem-snapshot.js'
import { randomMobilityProblem, randomProblem } from '../helpers/random-problems.js'

describe('problem snapshots of Mobility fleets', () => {
  it('keep the fleet kind, the plans\' types and bundles, and every SIM\'s voice minutes', () => {
    const random = new Random(14)
    for (let trial = 0; trial < 20; trial++) {
      const problem = randomMobilityProblem(random, { sims: 30, plans: 5 })
      const rawUsageMb = Float64Array.from(problem.sims.usageMb, (usage) => usage / 2)
      const { problem: decoded, rawUsageMb: raw } = decodeSnapshot(encodeSnapshot({ problem, rawUsageMb, minSavingPerChange: 0 }))
      assert.equal(decoded.fleet, 'mobility')
      assert.deepEqual(decoded.plans, JSON.parse(JSON.stringify(problem.plans)))
      assert.deepEqual(decoded.commPlans, problem.commPlans)
      assert.deepEqual(decoded.sims.voiceMinutes, problem.sims.voiceMinutes)
      assert.deepEqual(decoded.sims.iccid, problem.sims.iccid)
      assert.deepEqual(raw, rawUsageMb)
      assert.equal(priceAssignment(decoded, currentAssignment(decoded)).total, priceAssignment(problem, currentAssignment(problem)).total)
    }
  })

  it('of M2M fleets stay as they were: no fleet, no voice column', () => {
    const problem = randomProblem(new Random(3), { sims: 10, plans: 3 })
    const bytes = encodeSnapshot({ problem, rawUsageMb: problem.sims.usageMb, minSavingPerChange: 0 })
    const { problem: decoded } = decodeSnapshot(bytes)
    assert.equal(decoded.fleet, undefined)
    assert.equal(decoded.sims.voiceMinutes, undefined)
  })
})
