import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { currentAssignment, mobilityPriceSheet, priceAssignment, voiceSmsCharge, type Problem } from '../../src/domain/index.js'
import { assignmentOf, mobilityProblemOf, plan } from '../helpers/problems.js'

const close = (actual: number, expected: number, message?: string) =>
  assert.ok(Math.abs(actual - expected) < 1e-9, `${message ?? 'value'}: expected ${expected}, got ${actual}`)

const priceCurrent = (problem: Problem) => priceAssignment(problem, currentAssignment(problem))

describe('Mobility cost', () => {
  describe('voice and SMS bundles, per SIM', () => {
    const phone = plan('PHONE-5GB', {
      monthlyRate: 30,
      includedMb: 5120,
      overageBlockMb: 1024,
      overageBlockPrice: 10,
      type: 'voice+data',
      voice: { included: 500, blockSize: 100, blockPrice: 5 },
      text: { included: 1000, blockSize: 500, blockPrice: 2 },
    })

    it('within both allowances: no voice or SMS charge', () => {
      close(voiceSmsCharge(phone, 1000, 500), 0)
    })

    it('720 minutes over 500 included in 100-minute blocks at 5 is 3 blocks = 15; 1001 SMS over 1000 in 500s at 2 is 2', () => {
      close(voiceSmsCharge(phone, 1001, 720), 17)
    })

    it('a plan with an SMS rate and an SMS bundle charges both: 10 SMS at 0.05 plus nothing within 1000', () => {
      close(voiceSmsCharge({ ...phone, smsRate: 0.05 }, 10, 0), 0.5)
    })

    it('a plan without bundles charges voice nothing, whatever the minutes (M2M as before)', () => {
      close(voiceSmsCharge(plan('M2M', { smsRate: 0.05 }), 40, 10_000), 2)
    })

    it('lands in the SIM\'s SMS split and in the total', () => {
      const problem = mobilityProblemOf({
        plans: [phone],
        groups: { G: ['PHONE-5GB'] },
        sims: [{ usageMb: 100, plan: 'PHONE-5GB', voiceMinutes: 720, sms: 1001 }],
      })
      const priced = priceCurrent(problem)
      close(priced.sms[0]!, 17)
      close(priced.totalSms, 17)
      close(priced.total, 30 + 17)
    })
  })

  describe('optimization groups', () => {
    const big = plan('VD-10GB', { monthlyRate: 50, includedMb: 10240, overageBlockMb: 1024, overageBlockPrice: 15, type: 'voice+data' })
    const small = plan('VD-2GB', { monthlyRate: 20, includedMb: 2048, overageBlockMb: 1024, overageBlockPrice: 15, type: 'voice+data' })
    const hotspot = plan('HS-5GB', { monthlyRate: 25, includedMb: 5120, overageBlockMb: 1024, overageBlockPrice: 15, type: 'hotspot' })
    const other = plan('OTHER-1GB', { monthlyRate: 10, includedMb: 1024, overageBlockMb: 1024, overageBlockPrice: 15, type: 'voice+data' })

    it('pool usage across every plan of the group: 3 SIMs using 8000 + 3000 + 6000 MB against 10240 + 2048 + 5120', () => {
      const problem = mobilityProblemOf({
        plans: [big, small, hotspot],
        groups: { BUSINESS: ['VD-10GB', 'VD-2GB', 'HS-5GB'] },
        sims: [
          { usageMb: 8000, plan: 'VD-10GB' },
          { usageMb: 3000, plan: 'VD-2GB' },
          { usageMb: 6000, plan: 'HS-5GB' },
        ],
      })
      // 17000 MB against 17408 MB: no overage, though two SIMs exceed their own allowance.
      const priced = priceCurrent(problem)
      close(priced.total, 95)
      close(priced.totalOverage, 0)
      assert.equal(problem.pools.length, 1)
      assert.equal(problem.pools[0]!.name, 'BUSINESS')
      // Moving the 2 GB SIM's line to nothing cheaper: 2 GB SIM on the 10 GB plan adds 30 and brings 8192 MB.
      const moved = priceAssignment(problem, assignmentOf(problem, ['VD-2GB', 'VD-2GB', 'HS-5GB']))
      // 17000 MB against 2048 + 2048 + 5120 = 9216: 7784 MB over, 8 blocks of 15 = 120.
      close(moved.total, 20 + 20 + 25 + 120)
    })

    it('allow a SIM only the plans of its group of its own type', () => {
      const problem = mobilityProblemOf({
        plans: [big, small, hotspot, other],
        groups: { BUSINESS: ['VD-10GB', 'VD-2GB', 'HS-5GB'], SMALL: ['OTHER-1GB'] },
        sims: [{ usageMb: 1, plan: 'VD-2GB' }, { usageMb: 1, plan: 'HS-5GB' }, { usageMb: 1, plan: 'OTHER-1GB' }],
      })
      const allowedCodes = (i: number) => problem.commPlans[problem.sims.commPlan[i]!]!.allowedPlans.map((p) => problem.plans[p]!.code)
      assert.deepEqual(allowedCodes(0), ['VD-10GB', 'VD-2GB'])
      assert.deepEqual(allowedCodes(1), ['HS-5GB'])
      assert.deepEqual(allowedCodes(2), ['OTHER-1GB'])
      assert.equal(problem.commPlans[problem.sims.commPlan[0]!]!.name, 'BUSINESS: voice+data')
    })

    it('refuse a plan in two groups, and a grouped plan naming another pool', () => {
      const twice = mobilityPriceSheet([big, small], [{ name: 'A', planCodes: ['VD-10GB'] }, { name: 'B', planCodes: ['VD-10GB', 'VD-2GB'] }])
      assert.equal(twice.ok, false)
      assert.match(!twice.ok ? twice.message : '', /plan VD-10GB is in optimization groups A and B/)
      const pooled = mobilityPriceSheet([{ ...big, pooled: true, pool: 'X' }], [{ name: 'A', planCodes: ['VD-10GB'] }])
      assert.equal(!pooled.ok && pooled.field, 'pool')
    })

    it('are never prorated: a SIM active 10 of 30 days pays the whole monthly rate', () => {
      const problem = mobilityProblemOf({ plans: [small], groups: { G: ['VD-2GB'] }, sims: [{ usageMb: 0, plan: 'VD-2GB' }] })
      const shortened = { ...problem, sims: { ...problem.sims, daysActive: Float64Array.of(10) } }
      close(priceCurrent(shortened).total, 20)
    })
  })
})
