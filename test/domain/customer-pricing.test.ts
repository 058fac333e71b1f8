import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  MONEY_QUANTUM,
  billedNow,
  customerBill,
  customerProblem,
  othersFixedCost,
  priceAssignment,
  type ChargeType,
  type CustomerPlan,
  type CustomerSheet,
  type CustomerSim,
} from '../../src/domain/index.js'
import { optimize } from '../../src/optimizer/index.js'

const close = (actual: number, expected: number, message?: string, tolerance = 1e-9) =>
  assert.ok(Math.abs(actual - expected) < tolerance, `${message ?? 'value'}: expected ${expected}, got ${actual}`)

function customerPlan(code: string, terms: Partial<CustomerPlan> = {}): CustomerPlan {
  return { code, monthlyRate: 10, includedMb: 100, overageBlockMb: 10, overageBlockPrice: 2, smsRate: 0.1, pooled: false, autoChange: true, chargeType: 'rate+overage', ...terms }
}

function sim(iccid: string, customer: string, plan: number, usageMb: number, terms: Partial<CustomerSim> = {}): CustomerSim {
  return { iccid, customer, plan, usageMb, sms: 0, billInAdvance: false, ...terms }
}

const current = (sheet: CustomerSheet, customer: string) => {
  const cp = customerProblem(sheet, customer)
  return { cp, priced: priceAssignment(cp.problem, cp.problem.sims.currentPlan) }
}

describe('customer pricing', () => {
  describe('charge types of a plan: 125 MB and 20 SMS on 10.00 with 100 MB, 2.00 per 10 MB block, 0.10 per SMS', () => {
    // 25 MB over is 3 blocks: 6.00 of overage; 20 SMS are 2.00.
    const expected: Record<ChargeType, number> = { 'rate+overage': 10 + 6 + 2, 'overage-only': 6 + 2, 'rate-only': 10 + 2 }
    for (const [chargeType, bill] of Object.entries(expected) as [ChargeType, number][]) {
      it(`${chargeType} bills ${bill.toFixed(2)}`, () => {
        const sheet: CustomerSheet = { plans: [customerPlan('A', { chargeType })], poolDefinitions: [], sims: [sim('8901000000000000001', 'c1', 0, 125, { sms: 20 })] }
        const { cp, priced } = current(sheet, 'c1')
        close(customerBill(cp, priced).bill, bill)
        close(priced.total, bill)
      })
    }

    it('a rate-only plan never charges overage, whatever the usage', () => {
      const sheet: CustomerSheet = { plans: [customerPlan('A', { chargeType: 'rate-only' })], poolDefinitions: [], sims: [sim('8901000000000000001', 'c1', 0, 5e6)] }
      close(current(sheet, 'c1').priced.total, 10)
    })

    it('a pooled rate-only plan is refused: it has nothing to pool', () => {
      const sheet: CustomerSheet = { plans: [customerPlan('A', { chargeType: 'rate-only', pooled: true })], poolDefinitions: [], sims: [sim('8901000000000000001', 'c1', 0, 5)] }
      assert.throws(() => customerProblem(sheet, 'c1'), { code: 'INPUT_INVALID', message: /customer plan A is rate-only and pooled/ })
    })
  })

  describe('pools', () => {
    it('a pooled plan without a named pool pools each customer apart', () => {
      // Q: 5.00 with 100 MB pooled, 10.00 per 100 MB. c1: 250 + 0 MB against 200 MB: one block. c2: 0 MB, no overage.
      const sheet: CustomerSheet = {
        plans: [customerPlan('Q', { monthlyRate: 5, pooled: true, overageBlockMb: 100, overageBlockPrice: 10 })],
        poolDefinitions: [],
        sims: [sim('8901000000000000001', 'c1', 0, 250), sim('8901000000000000002', 'c1', 0, 0), sim('8901000000000000003', 'c2', 0, 0)],
      }
      const one = current(sheet, 'c1')
      assert.equal(one.cp.problem.sims.count, 2, 'c2 is not in c1\'s problem')
      close(customerBill(one.cp, one.priced).bill, 5 + 5 + 10)
      const two = current(sheet, 'c2')
      assert.equal(two.cp.problem.sims.count, 1)
      close(customerBill(two.cp, two.priced).bill, 5)
    })

    it('a named pool shared by two customers is priced whole, each paying its attributed share', () => {
      // Pool S: 100 MB per SIM, 10.00 per 100 MB. c1 uses 250 MB, c2 130 MB, against 200 MB: 180 MB over, two blocks, 20.00.
      // Excess over each SIM's own allowance: c1 150 MB, c2 30 MB; c1 pays 150/180 of 20.00, c2 30/180.
      const sheet: CustomerSheet = {
        plans: [customerPlan('P', { monthlyRate: 5, pooled: true, pool: 'S' })],
        poolDefinitions: [{ name: 'S', overageBlockMb: 100, overageBlockPrice: 10 }],
        sims: [sim('8901000000000000001', 'c1', 0, 250), sim('8901000000000000002', 'c2', 0, 130)],
      }
      const one = current(sheet, 'c1')
      assert.equal(one.cp.problem.sims.count, 2, 'c2\'s SIM is held in c1\'s problem')
      assert.deepEqual([...one.cp.own], [1, 0])
      assert.equal(one.cp.problem.sims.autoChange[1], 0, 'the other customer\'s SIM is held on its plan')
      const bill = customerBill(one.cp, one.priced)
      // Attributed shares are whole multiples of MONEY_QUANTUM (1e-6).
      close(bill.bill, 5 + (20 * 150) / 180, 'c1', MONEY_QUANTUM)
      close(bill.instanceCost, 5 + 20, 'c1\'s instance cost is the whole pool charge and c1\'s rate')
      close(othersFixedCost(one.cp), 5)
      const two = current(sheet, 'c2')
      close(customerBill(two.cp, two.priced).bill, 5 + (20 * 30) / 180, 'c2', MONEY_QUANTUM)
    })
  })

  describe('optimization', () => {
    // A: 10.00 with 100 MB (125 MB costs 16.00); B: 14.00 with 200 MB; C: 1.00 with 1000 MB, not auto-change.
    const plans = [customerPlan('A'), customerPlan('B', { monthlyRate: 14, includedMb: 200 }), customerPlan('C', { monthlyRate: 1, includedMb: 1000, autoChange: false })]

    it('moves a SIM on an auto-change plan to the cheapest auto-change plan, never onto a plan that is not auto-change', async () => {
      const sheet: CustomerSheet = { plans, poolDefinitions: [], sims: [sim('8901000000000000001', 'c1', 0, 125)] }
      const cp = customerProblem(sheet, 'c1')
      const result = await optimize(cp.problem, { workers: 0 })
      assert.equal(plans[result.assignment[0]!]!.code, 'B')
      close(customerBill(cp, result.before).bill, 16)
      close(customerBill(cp, result.priced).bill, 14)
      assert.ok(result.lowerBound !== undefined && result.lowerBound <= result.priced.total + 1e-9 && result.lowerBound >= 14 - 1e-6)
    })

    it('prices a SIM on a plan that is not auto-change as it is, and never moves it', async () => {
      // On C with 5,000 MB: 1.00 and 400 blocks of 2.00; B would cost 14.00 + 480 blocks, A more: it stays anyway.
      const sheet: CustomerSheet = { plans, poolDefinitions: [], sims: [sim('8901000000000000001', 'c1', 2, 5000), sim('8901000000000000002', 'c1', 0, 125)] }
      const cp = customerProblem(sheet, 'c1')
      assert.equal(cp.problem.sims.autoChange[0], 0)
      const result = await optimize(cp.problem, { workers: 0 })
      assert.deepEqual([...result.assignment].map((p) => plans[p]!.code), ['C', 'B'])
      close(customerBill(cp, result.priced).bill, 1 + 400 * 2 + 14)
    })
  })

  describe('a SIM billed in advance', () => {
    it('carries only the next period\'s rate on the bill issued now, whatever its plan\'s charge type', () => {
      assert.deepEqual(billedNow('rate+overage', true, 10, 6, 2), { chargeType: 'rate-only', amount: 10 })
      assert.deepEqual(billedNow('overage-only', true, 0, 6, 2), { chargeType: 'rate-only', amount: 0 })
      assert.deepEqual(billedNow('rate+overage', false, 10, 6, 2), { chargeType: 'rate+overage', amount: 18 })
    })
  })

  it('a customer with no SIM is refused by name', () => {
    assert.throws(() => customerProblem({ plans, poolDefinitions: [], sims: [] }, 'nobody'), { code: 'NOT_FOUND', message: /customer nobody has no SIM/ })
  })
})

const plans = [customerPlan('A')]
