import assert from 'node:assert/strict'
import path from 'node:path'
import { describe, it } from 'node:test'
import { generateFleet } from '../../src/demo/fleet-generator.js'
import { currentAssignment, priceAssignment } from '../../src/domain/index.js'
import { readProblemFiles, writeProblemFiles } from '../../src/io/problem-files.js'
import { VALID_FILES, writeFixture } from '../helpers/fixture-files.js'
import { tempDir } from '../helpers/temp-dir.js'

describe('problem files', () => {
  it('read the documented format into a problem: pools resolved, defaults applied', async () => {
    const folder = await tempDir()
    const args = await writeFixture(folder)
    const file = (flag: string) => args[args.indexOf(flag) + 1]!
    const problem = await readProblemFiles(
      { plans: file('--plans'), pools: file('--pools'), commPlans: file('--comm-plans'), sims: file('--sims') },
      { periodDays: 30, prorate: true },
    )
    assert.deepEqual(
      problem.plans.map((plan) => plan.code),
      ['IND-5', 'POOL-25', 'FLEX-10', 'FLEX-50'],
    )
    assert.deepEqual(
      problem.pools.map((pool) => [pool.name, pool.overageBlockMb, pool.overageBlockPrice, pool.plans]),
      [
        ['POOL-25', 1, 0.2, [1]],
        ['FLEX', 1, 0.25, [2, 3]],
      ],
    )
    assert.deepEqual([...problem.poolOfPlan], [-1, 0, 1, 1])
    assert.deepEqual(
      problem.commPlans.map((commPlan) => [commPlan.name, commPlan.allowedPlans]),
      [
        ['GENERAL', [0, 1, 2, 3]],
        ['SENSOR', [0, 2]],
        ['RETIRED-APN', []],
      ],
    )
    const { sims } = problem
    assert.equal(sims.count, 4)
    assert.deepEqual([...sims.usageMb], [3.5, 40, 0, 12])
    assert.deepEqual([...sims.daysActive], [30, 30, 12, 30], 'an empty days_active is the whole period')
    assert.deepEqual([...sims.autoChange], [1, 1, 0, 1], 'an empty auto_change is true')
    assert.deepEqual([...sims.commPlan], [0, 0, 1, 1])
    assert.deepEqual([...sims.currentPlan], [1, 0, 2, 0])
  })

  it('accept columns in any order, extra columns and headers in capitals', async () => {
    const folder = await tempDir()
    const sims = ['Current_Plan,ICCID,note,usage_mb,sms,comm_plan', 'IND-5,8901170000000000009,hello,1.5,0,GENERAL'].join('\n')
    const args = await writeFixture(folder, { sims })
    const file = (flag: string) => args[args.indexOf(flag) + 1]!
    const problem = await readProblemFiles(
      { plans: file('--plans'), commPlans: file('--comm-plans'), sims: file('--sims') },
      { periodDays: 28, prorate: false },
    )
    assert.equal(problem.sims.iccid[0], '8901170000000000009')
    assert.equal(problem.sims.daysActive[0], 28)
    assert.equal(VALID_FILES.sims.includes('hello'), false)
  })

  it('round-trip a generated fleet of 100,000 SIMs through the files unchanged', async () => {
    const folder = await tempDir()
    const fleet = generateFleet({ sims: 100_000, plans: 15, seed: 3 })
    const files = await writeProblemFiles(path.join(folder, 'fleet'), fleet)
    const read = await readProblemFiles(files, fleet.billing)
    assert.deepEqual(read.plans, fleet.plans)
    assert.deepEqual(read.pools, fleet.pools)
    assert.deepEqual(read.commPlans, fleet.commPlans)
    assert.deepEqual(read.sims, fleet.sims)
    assert.equal(priceAssignment(read, currentAssignment(read)).total, priceAssignment(fleet, currentAssignment(fleet)).total)
  })
})
