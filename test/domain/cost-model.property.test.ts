import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { MB_TOLERANCE, MONEY_QUANTUM, allowanceMb, planLines, planTotalCost, planTotals, priceAssignment, prorationFactor, type Problem } from '../../src/domain/index.js'
import { REALISTIC, assignmentArbitrary, pricedCaseArbitrary } from '../helpers/problem-arbitraries.js'
import { propertyRuns } from '../helpers/property.js'

const CASES = pricedCaseArbitrary({ ...REALISTIC, maxSims: 16 })

/** Sums agree up to float noise: a relative 1e-12 of the money involved, and a quantum per pool for shares. */
function assertClose(actual: number, expected: number, slack: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= slack + 1e-12 * Math.max(1, Math.abs(expected)), `${what}: ${actual} vs ${expected}`)
}

/** `blocks` of `blockMb` are the fewest that cover `excessMb` beyond the tolerance for float noise. */
function assertFewestBlocks(blocks: number, blockMb: number, excessMb: number, what: string): void {
  const excess = excessMb - MB_TOLERANCE
  assert.ok(Number.isInteger(blocks) && blocks >= 0, `${what}: ${blocks} blocks`)
  assert.ok(blocks * blockMb >= excess - 1e-9 * Math.abs(excess), `${what}: ${blocks} blocks of ${blockMb} MB do not cover ${excessMb} MB`)
  assert.ok(blocks === 0 || (blocks - 1) * blockMb < excess, `${what}: ${blocks} blocks of ${blockMb} MB for ${excessMb} MB is one too many`)
}

function quanta(money: number): number {
  return Math.round(money / MONEY_QUANTUM)
}

/** `problem` with SIM `sim` using `extraMb` more and sending `extraSms` more. */
function usingMore(problem: Problem, sim: number, extraMb: number, extraSms: number): Problem {
  const usageMb = problem.sims.usageMb.slice()
  const sms = problem.sims.sms.slice()
  usageMb[sim] = usageMb[sim]! + extraMb
  sms[sim] = sms[sim]! + extraSms
  return { ...problem, sims: { ...problem.sims, usageMb, sms } }
}

const EXTRA = fc.record({
  pick: fc.nat(),
  extraMb: fc.oneof(fc.constantFrom(0, MB_TOLERANCE / 2, MB_TOLERANCE, 2 * MB_TOLERANCE, 0.5, 1), fc.double({ min: 0, max: 5000, noNaN: true })),
  extraSms: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 100 })),
})

describe('the cost model (property)', () => {
  it('bills the sum of its parts: monthly, SMS, unpooled overage and each pool’s whole blocks', () => {
    fc.assert(
      fc.property(CASES, ({ problem, assignment }) => {
        const priced = priceAssignment(problem, assignment)
        const { sims, plans, poolOfPlan, billing } = problem
        assert.equal(priced.total, priced.totalMonthly + priced.totalSms + priced.totalOverage)
        let monthly = 0
        let sms = 0
        let unpooled = 0
        const poolUsage = new Float64Array(problem.pools.length)
        const poolAllowance = new Float64Array(problem.pools.length)
        for (let i = 0; i < sims.count; i++) {
          monthly += priced.monthly[i]!
          sms += priced.sms[i]!
          const pool = poolOfPlan[assignment[i]!]!
          const plan = plans[assignment[i]!]!
          // DESIGN.md §2: R·f + S·sms, f = days active / days in the period when prorating.
          const factor = billing.prorate ? sims.daysActive[i]! / billing.periodDays : 1
          assertClose(priced.monthly[i]!, plan.monthlyRate * factor, 0, `SIM ${i} monthly`)
          assertClose(priced.sms[i]!, plan.smsRate * sims.sms[i]!, 0, `SIM ${i} SMS`)
          if (pool < 0) {
            unpooled += priced.overage[i]!
            const excess = sims.usageMb[i]! - allowanceMb(plan, prorationFactor(sims.daysActive[i]!, billing))
            assertFewestBlocks(Math.round(priced.overage[i]! / plan.overageBlockPrice), plan.overageBlockMb, excess, `SIM ${i}`)
            assertClose(priced.overage[i]!, Math.round(priced.overage[i]! / plan.overageBlockPrice) * plan.overageBlockPrice, 0, `SIM ${i} overage`)
          } else {
            poolUsage[pool]! += sims.usageMb[i]!
            poolAllowance[pool]! += allowanceMb(plans[assignment[i]!]!, prorationFactor(sims.daysActive[i]!, billing))
          }
        }
        let poolCharges = 0
        for (const [k, bill] of priced.pools.entries()) {
          const pool = problem.pools[k]!
          assertClose(bill.usageMb, poolUsage[k]!, 0, `pool ${pool.name} usage`)
          assertClose(bill.allowanceMb, poolAllowance[k]!, 0, `pool ${pool.name} allowance`)
          assertFewestBlocks(bill.blocks, pool.overageBlockMb, bill.usageMb - bill.allowanceMb, `pool ${pool.name}`)
          assert.equal(bill.charge, bill.blocks * pool.overageBlockPrice)
          poolCharges += bill.charge
        }
        assertClose(priced.totalMonthly, monthly, 0, 'monthly')
        assertClose(priced.totalSms, sms, 0, 'SMS')
        assertClose(priced.totalOverage, unpooled + poolCharges, 0, 'overage')
        const perSim = monthly + sms + priced.overage.reduce((sum, share) => sum + share, 0)
        assertClose(perSim, priced.total, problem.pools.length * MONEY_QUANTUM, 'the SIMs’ costs')
        const byPlan = planTotals(problem, assignment, priced).reduce((sum, total) => sum + planTotalCost(total), 0)
        assertClose(byPlan, priced.total, problem.pools.length * MONEY_QUANTUM, 'the plans’ totals')
      }),
      propertyRuns(2000),
    )
  })

  it('attributes each pool’s charge to its SIMs over their own allowance, adding up to it exactly in money quanta', () => {
    fc.assert(
      fc.property(CASES, ({ problem, assignment }) => {
        const priced = priceAssignment(problem, assignment)
        const { sims, plans, poolOfPlan, billing } = problem
        const excessOf = (i: number) => sims.usageMb[i]! - allowanceMb(plans[assignment[i]!]!, prorationFactor(sims.daysActive[i]!, billing))
        for (const [k, bill] of priced.pools.entries()) {
          const members = [...assignment.keys()].filter((i) => poolOfPlan[assignment[i]!] === k)
          const totalExcess = members.reduce((sum, i) => sum + Math.max(0, excessOf(i)), 0)
          let shares = 0
          for (const i of members) {
            const share = priced.overage[i]!
            assert.equal(quanta(share) * MONEY_QUANTUM, share, `SIM ${i}: a share of ${share} is not whole quanta`)
            shares += quanta(share)
            if (!(excessOf(i) > 0)) assert.equal(share, 0, `SIM ${i} within its allowance pays a share`)
            else {
              const exact = (quanta(bill.charge) * excessOf(i)) / totalExcess
              assert.ok(Math.abs(quanta(share) - exact) <= 1 + 1e-9 * exact, `SIM ${i}: ${quanta(share)} quanta for ${exact}`)
            }
          }
          assert.equal(shares, quanta(bill.charge), `pool ${problem.pools[k]!.name}: shares ${shares} of ${quanta(bill.charge)} quanta`)
        }
      }),
      propertyRuns(2000),
    )
  })

  it('draws plan lines that add up to the bill, and pool lines that carry their pool’s charge, shared out to their plans', () => {
    fc.assert(
      fc.property(CASES.chain(({ problem, assignment }) => fc.record({ problem: fc.constant(problem), after: fc.constant(assignment), before: assignmentArbitrary(problem) })), ({ problem, before, after }) => {
        const priced = { before: priceAssignment(problem, before), after: priceAssignment(problem, after) }
        const lines = planLines(problem, { assignment: before, priced: priced.before }, { assignment: after, priced: priced.after })
        const slack = problem.pools.length * MONEY_QUANTUM
        for (const side of ['before', 'after'] as const) {
          const planLinesCost = lines.filter((line) => line.kind === 'plan').reduce((sum, line) => sum + planTotalCost(line[side]), 0)
          assertClose(planLinesCost, priced[side].total, slack, `${side}: the plan lines`)
          assert.equal(
            lines.filter((line) => line.kind === 'plan').reduce((sum, line) => sum + line[side].sims, 0),
            problem.sims.count,
          )
          for (const line of lines.filter((line) => line.kind === 'pool')) {
            const k = problem.pools.findIndex((pool) => pool.name === line.name)
            assert.equal(line[side].overage, priced[side].pools[k]!.charge)
            const members = lines.filter((plan) => plan.kind === 'plan' && plan.pool === line.name)
            assertClose(members.reduce((sum, plan) => sum + plan[side].overage, 0), line[side].overage, MONEY_QUANTUM, `${side}: pool ${line.name}`)
          }
        }
      }),
      propertyRuns(1000),
    )
  })

  it('never bills less when a SIM uses more data or sends more SMS: the total, the SIM, its pool, its plan if unpooled', () => {
    fc.assert(
      fc.property(CASES.filter(({ problem }) => problem.sims.count > 0), EXTRA, ({ problem, assignment }, { pick, extraMb, extraSms }) => {
        const sim = pick % problem.sims.count
        const more = usingMore(problem, sim, extraMb, extraSms)
        const before = priceAssignment(problem, assignment)
        const after = priceAssignment(more, assignment)
        const plan = assignment[sim]!
        const pool = problem.poolOfPlan[plan]!
        assert.ok(after.total >= before.total, `total ${before.total} → ${after.total}`)
        // A pooled SIM's share grows with its own excess and with the pool's charge, and rounding the
        // running total (not each share) keeps that true in whole quanta.
        const cost = (priced: typeof before) => priced.monthly[sim]! + priced.sms[sim]! + priced.overage[sim]!
        assert.ok(cost(after) >= cost(before), `SIM cost ${cost(before)} → ${cost(after)}`)
        if (pool >= 0) assert.ok(after.pools[pool]!.charge >= before.pools[pool]!.charge, `pool charge ${before.pools[pool]!.charge} → ${after.pools[pool]!.charge}`)
        else {
          const planCost = (p: Problem, priced: typeof before) => planTotalCost(planTotals(p, assignment, priced)[plan]!)
          assert.ok(planCost(more, after) >= planCost(problem, before), `plan cost ${planCost(problem, before)} → ${planCost(more, after)}`)
        }
      }),
      propertyRuns(2000),
    )
  })
})
