import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { MONEY_QUANTUM, currentAssignment, priceAssignment, type Problem } from '../../src/domain/index.js'
import { Random } from '../../src/demo/random.js'
import { assignmentOf, plan, problemOf } from '../helpers/problems.js'

const close = (actual: number, expected: number, message?: string) =>
  assert.ok(Math.abs(actual - expected) < 1e-9, `${message ?? 'value'}: expected ${expected}, got ${actual}`)

const priceCurrent = (problem: Problem) => priceAssignment(problem, currentAssignment(problem))

describe('cost model', () => {
  describe('a SIM on an unpooled plan', () => {
    const m2m25 = plan('M2M-25MB', { monthlyRate: 5, includedMb: 25, overageBlockMb: 1, overageBlockPrice: 0.2 })

    it('under its allowance pays the monthly rate only', () => {
      const priced = priceCurrent(problemOf({ plans: [m2m25], sims: [{ usageMb: 10, plan: 'M2M-25MB' }] }))
      close(priced.total, 5)
      close(priced.monthly[0]!, 5)
      close(priced.overage[0]!, 0)
    })

    it('over its allowance buys whole 1 MB blocks: 2.5 MB over is 3 blocks of 0.20', () => {
      const priced = priceCurrent(problemOf({ plans: [m2m25], sims: [{ usageMb: 27.5, plan: 'M2M-25MB' }] }))
      close(priced.overage[0]!, 0.6)
      close(priced.total, 5.6)
    })

    it('buys 1024 MB blocks: 1 MB over is one block, 2048 MB over is two', () => {
      const gig = plan('M2M-1GB', { monthlyRate: 40, includedMb: 1024, overageBlockMb: 1024, overageBlockPrice: 10 })
      const priced = priceCurrent(
        problemOf({ plans: [gig], sims: [{ usageMb: 1025, plan: 'M2M-1GB' }, { usageMb: 3072, plan: 'M2M-1GB' }] }),
      )
      close(priced.overage[0]!, 10)
      close(priced.overage[1]!, 20)
      close(priced.total, 40 + 10 + 40 + 20)
    })

    it('charges SMS at the plan rate: 40 SMS at 0.05', () => {
      const withSms = plan('SMS', { monthlyRate: 1, includedMb: 5, smsRate: 0.05 })
      const priced = priceCurrent(problemOf({ plans: [withSms], sims: [{ usageMb: 1, plan: 'SMS', sms: 40 }] }))
      close(priced.sms[0]!, 2)
      close(priced.totalSms, 2)
      close(priced.total, 3)
    })
  })

  describe('a pool over one plan', () => {
    const pool5 = plan('POOL-5MB', { monthlyRate: 2, includedMb: 5, overageBlockMb: 1, overageBlockPrice: 0.4, pooled: true })

    it('under its shared allowance pays no overage even where one SIM uses more than its own', () => {
      const priced = priceCurrent(
        problemOf({ plans: [pool5], sims: [1, 2, 9].map((usageMb) => ({ usageMb, plan: 'POOL-5MB' })) }),
      )
      close(priced.total, 6)
      close(priced.totalOverage, 0)
      assert.deepEqual([...priced.overage], [0, 0, 0])
      assert.equal(priced.pools[0]!.blocks, 0)
    })

    it('over its shared allowance buys blocks for the pool and splits them by usage above own allowance', () => {
      // 4 + 6 + 9 = 19 MB against 15 MB: 4 blocks of 0.40 = 1.60; SIMs 1 and 4 MB above their own 5 MB.
      const priced = priceCurrent(
        problemOf({ plans: [pool5], sims: [4, 6, 9].map((usageMb) => ({ usageMb, plan: 'POOL-5MB' })) }),
      )
      close(priced.pools[0]!.charge, 1.6)
      assert.equal(priced.pools[0]!.blocks, 4)
      close(priced.overage[0]!, 0)
      close(priced.overage[1]!, 0.32)
      close(priced.overage[2]!, 1.28)
      close(priced.total, 6 + 1.6)
    })
  })

  it('a named pool over two plans shares their allowances and sells overage on the pool’s terms', () => {
    // Allowance 5 + 5 + 5 + 20 = 35 MB, usage 60 MB: 25 MB over, 3 blocks of 10 MB at 1.50 (the plans' own
    // terms, 1 MB at 9.99, must not apply).
    const small = plan('FLEX-5MB', { monthlyRate: 2, includedMb: 5, overageBlockPrice: 9.99, pooled: true, pool: 'FLEX' })
    const large = plan('FLEX-20MB', { monthlyRate: 6, includedMb: 20, overageBlockPrice: 9.99, pooled: true, pool: 'FLEX' })
    const problem = problemOf({
      plans: [small, large],
      poolDefinitions: [{ name: 'FLEX', overageBlockMb: 10, overageBlockPrice: 1.5 }],
      sims: [
        { usageMb: 10, plan: 'FLEX-5MB' },
        { usageMb: 10, plan: 'FLEX-5MB' },
        { usageMb: 0, plan: 'FLEX-5MB' },
        { usageMb: 40, plan: 'FLEX-20MB' },
      ],
    })
    assert.equal(problem.pools.length, 1)
    const priced = priceCurrent(problem)
    assert.equal(priced.pools[0]!.blocks, 3)
    close(priced.pools[0]!.charge, 4.5)
    close(priced.totalMonthly, 12)
    close(priced.total, 16.5)
    // Usage above own allowance: 5, 5, 0, 20 of 30.
    ;[0.75, 0.75, 0, 3].forEach((share, i) => close(priced.overage[i]!, share, `SIM ${i}`))
  })

  describe('proration', () => {
    // Activated on day 20 of a 30-day period: active days 20..30, 11 days, factor 11/30.
    const m2m30 = plan('M2M-30MB', { monthlyRate: 6, includedMb: 30, overageBlockMb: 1, overageBlockPrice: 0.5 })
    const sims = [{ usageMb: 15, plan: 'M2M-30MB', daysActive: 11 }]

    it('scales the monthly rate and the allowance of a SIM activated on day 20 of 30', () => {
      // Allowance 11 MB, 4 MB over: 4 blocks of 0.50; monthly 6 x 11/30 = 2.20.
      const priced = priceCurrent(problemOf({ plans: [m2m30], sims, prorate: true }))
      close(priced.monthly[0]!, 2.2)
      close(priced.overage[0]!, 2)
      close(priced.total, 4.2)
    })

    it('does nothing when the provider does not prorate', () => {
      close(priceCurrent(problemOf({ plans: [m2m30], sims, prorate: false })).total, 6)
    })

    it('scales a pooled SIM’s contribution to the pool allowance', () => {
      const pooled = plan('POOL-30MB', { monthlyRate: 6, includedMb: 30, overageBlockPrice: 0.5, pooled: true })
      const priced = priceCurrent(problemOf({ plans: [pooled], sims: [{ usageMb: 15, plan: 'POOL-30MB', daysActive: 11 }], prorate: true }))
      close(priced.pools[0]!.allowanceMb, 11)
      close(priced.pools[0]!.charge, 2)
    })
  })

  describe('the 1e-9 MB tolerance', () => {
    it('buys no block for float noise: 0.1 + 0.2 MB in a pool of 0.3 MB', () => {
      const pooled = plan('POOL', { monthlyRate: 1, includedMb: 0.15, overageBlockPrice: 7, pooled: true })
      const priced = priceCurrent(
        problemOf({ plans: [pooled], sims: [{ usageMb: 0.1, plan: 'POOL' }, { usageMb: 0.2, plan: 'POOL' }] }),
      )
      assert.ok(priced.pools[0]!.usageMb > priced.pools[0]!.allowanceMb, 'the sum really is above the allowance in floats')
      assert.equal(priced.pools[0]!.blocks, 0)
      close(priced.total, 2)
    })

    it('buys no extra block when usage is a whole number of blocks over, plus noise', () => {
      const blocks = plan('B', { monthlyRate: 0, includedMb: 0.1, overageBlockMb: 0.1, overageBlockPrice: 1 })
      // 0.1 + 0.2 = 0.30000000000000004: 0.2 over, two blocks of 0.1, not three.
      const priced = priceCurrent(problemOf({ plans: [blocks], sims: [{ usageMb: 0.1 + 0.2, plan: 'B' }] }))
      close(priced.overage[0]!, 2)
    })

    it('still buys a block for a real excess of a millionth of a MB', () => {
      const exact = plan('E', { monthlyRate: 0, includedMb: 5, overageBlockPrice: 1 })
      close(priceCurrent(problemOf({ plans: [exact], sims: [{ usageMb: 5 + 1e-6, plan: 'E' }] })).total, 1)
    })
  })

  it('attributes every pool charge so the shares add up to exactly the charge', () => {
    const random = new Random(7)
    const pooled = plan('POOL', { monthlyRate: 1, includedMb: 3, overageBlockMb: 0.7, overageBlockPrice: 0.37, pooled: true })
    const other = plan('OTHER', { monthlyRate: 2, includedMb: 4, overageBlockMb: 3, overageBlockPrice: 1.13, pooled: true })
    const sims = Array.from({ length: 997 }, () => ({ usageMb: random.logNormal(3, 1.3), plan: random.chance(0.5) ? 'POOL' : 'OTHER' }))
    const problem = problemOf({ plans: [pooled, other], sims })
    const priced = priceCurrent(problem)
    for (const [k, bill] of priced.pools.entries()) {
      assert.ok(bill.charge > 0, 'the test needs pools over their allowance')
      let quanta = 0
      let sum = 0
      for (let i = 0; i < problem.sims.count; i++) {
        if (problem.poolOfPlan[problem.sims.currentPlan[i]!] !== k) continue
        const share = priced.overage[i]!
        assert.ok(share >= 0)
        assert.ok(Number.isInteger(Math.round(share / MONEY_QUANTUM)))
        quanta += Math.round(share / MONEY_QUANTUM)
        sum += share
      }
      assert.equal(quanta, Math.round(bill.charge / MONEY_QUANTUM), `pool ${k}: shares in micro-units`)
      close(sum, bill.charge, `pool ${k}: shares`)
    }
  })

  it('totals monthly, SMS and overage of unpooled SIMs and pools, whatever the assignment', () => {
    const problem = problemOf({
      plans: [
        plan('A', { monthlyRate: 1, includedMb: 1, overageBlockPrice: 0.5, smsRate: 0.1 }),
        plan('B', { monthlyRate: 3, includedMb: 10, overageBlockPrice: 0.2, pooled: true, smsRate: 0.05 }),
      ],
      sims: [
        { usageMb: 0.5, plan: 'A', sms: 3 },
        { usageMb: 12, plan: 'B', sms: 1 },
        { usageMb: 2.5, plan: 'A' },
      ],
    })
    const priced = priceAssignment(problem, assignmentOf(problem, ['A', 'B', 'A']))
    // A: 1 + 0.3; B: 3 + 0.05 + 2 blocks x 0.2; A: 1 + 2 blocks x 0.5.
    close(priced.total, 1.3 + 3.05 + 0.4 + 2)
    close(priced.totalMonthly + priced.totalSms + priced.totalOverage, priced.total)
    const perSim = [0, 1, 2].reduce((sum, i) => sum + priced.monthly[i]! + priced.sms[i]! + priced.overage[i]!, 0)
    close(perSim, priced.total)
  })
})
