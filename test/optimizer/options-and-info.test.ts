/**
 * The optimizer's one options object (its defaults are the tuned values; a partial overrides them) and the
 * result info `optimize()` returns (status, components and why they stopped, work counted, time per phase).
 */
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { describe, it } from 'node:test'
import { generateFleet } from '../../src/demo/fleet-generator.js'
import { Random } from '../../src/demo/random.js'
import {
  COMPONENT_STOPS,
  DEFAULT_OPTIMIZER_OPTIONS,
  OPTIMIZER_PHASES,
  mergeOptimizerInfo,
  optimize,
  optimizerOptions,
  type OptimizerInfo,
} from '../../src/optimizer/index.js'
import { REPO_ROOT } from '../helpers/paths.js'
import { randomProblem } from '../helpers/random-problems.js'

describe('optimizer options', () => {
  it("docs/optimizer.md's table gives every option with its default", async () => {
    // Changing a default changes answers: the bench and the table must move with it.
    const doc = await readFile(path.join(REPO_ROOT, 'docs', 'optimizer.md'), 'utf8')
    const documented = Object.fromEntries(
      [...doc.matchAll(/^\| `(\w+)` \| ([^|]+?) \|/gm)].map((match) => [match[1]!, documentedNumber(match[2]!)]),
    )
    assert.deepEqual(documented, { ...DEFAULT_OPTIMIZER_OPTIONS })
    assert.ok(Object.isFrozen(DEFAULT_OPTIMIZER_OPTIONS))
  })

  it('takes a partial: what is given overrides, what is left out or undefined keeps its default', () => {
    const options = optimizerOptions({ maxDives: 3, swapSims: undefined })
    assert.equal(options.maxDives, 3)
    assert.equal(options.swapSims, DEFAULT_OPTIMIZER_OPTIONS.swapSims)
    assert.deepEqual(optimizerOptions(), DEFAULT_OPTIMIZER_OPTIONS)
  })

  it('gives the same answer when the defaults are passed explicitly', async () => {
    const problem = generateFleet({ sims: 1500, plans: 10, seed: 4 })
    const implicit = await optimize(problem, { workers: 0 })
    const explicit = await optimize(problem, { workers: 0, ...DEFAULT_OPTIMIZER_OPTIONS })
    assert.deepEqual(explicit.assignment, implicit.assignment)
    assert.equal(explicit.lowerBound, implicit.lowerBound)
  })

  it('steers the phases: no enumeration with exhaustiveLimit 0, an uncertified dual with one evaluation', async () => {
    const problem = randomProblem(new Random(5), { sims: 6, plans: 3 })
    const enumerated = await optimize(problem, { workers: 0 })
    assert.equal(enumerated.info.stops.enumerated, enumerated.info.components)
    assert.equal(enumerated.info.status, 'optimal')
    const dual = await optimize(problem, { workers: 0, exhaustiveLimit: 0, dualMaxEvaluations: 1 })
    assert.equal(dual.info.stops.enumerated, 0)
    assert.ok(dual.info.dualEvaluations > 0)
    assert.ok(dual.lowerBound! <= dual.priced.total + 1e-9)
    const fleet = generateFleet({ sims: 2000, plans: 12, seed: 1 })
    const capped = await optimize(fleet, { workers: 0, dualMaxEvaluations: 2 })
    assert.ok(capped.info.dualUnconverged > 0, 'two evaluations certify no maximum')
    assert.ok(capped.lowerBound! <= capped.priced.total + 1e-9)
  })
})

function assertConsistent(info: OptimizerInfo, label: string): void {
  assert.equal(
    COMPONENT_STOPS.reduce((sum, stop) => sum + info.stops[stop], 0),
    info.components,
    `${label}: every component stopped for one reason`,
  )
  for (const phase of OPTIMIZER_PHASES) assert.ok(Number.isFinite(info.phaseMs[phase]) && info.phaseMs[phase] >= 0, `${label}: ${phase} ms`)
  assert.ok(info.dualUnconverged <= info.components && info.searchBudgetSpent <= info.components, label)
}

describe('optimizer result info', () => {
  it('counts the components, why each stopped and the work, the same on threads as inline', async () => {
    const problem = generateFleet({ sims: 3000, plans: 14, seed: 2 })
    const inline = await optimize(problem, { workers: 0 })
    const threaded = await optimize(problem, { workers: 2 })
    assertConsistent(inline.info, 'inline')
    assert.ok(inline.info.components >= 1)
    assert.ok(inline.info.dualEvaluations > 0)
    const counts = (info: OptimizerInfo) => ({ ...info, phaseMs: undefined })
    assert.deepEqual(counts(threaded.info), counts(inline.info))
    assert.ok(inline.info.phaseMs.dual > 0 && inline.info.phaseMs.search > 0 && inline.info.phaseMs.seed > 0)
  })

  it('says how close the answer is proven: the status follows cost and bound', async () => {
    const random = new Random(21)
    for (let trial = 0; trial < 12; trial++) {
      const problem = trial % 2 === 0 ? randomProblem(random, { sims: random.int(20, 120), plans: random.int(2, 6) }) : generateFleet({ sims: 400 + 100 * trial, plans: 6 + trial, seed: trial })
      const { info, priced, lowerBound } = await optimize(problem, { workers: 0 })
      assertConsistent(info, `trial ${trial}`)
      const gap = (priced.total - lowerBound!) / Math.max(1, priced.total)
      const expected = gap <= 1e-9 ? 'optimal' : gap <= DEFAULT_OPTIMIZER_OPTIONS.refineMinGap ? 'within-gap' : 'gap-open'
      assert.equal(info.status, expected, `trial ${trial}: gap ${gap}`)
      assert.equal(info.keptCurrent, false)
    }
  })

  it('has no bound and no components for the old method', async () => {
    const problem = generateFleet({ sims: 500, plans: 6, seed: 3 })
    const { info } = await optimize(problem, { strategy: 'seed' })
    assert.equal(info.status, 'no-bound')
    assert.equal(info.components, 0)
    assert.equal(info.dualEvaluations, 0)
    assertConsistent(info, 'seed')
  })

  it('merges the runs of a session: counts and times add up, the status is the worst', () => {
    const run = (status: OptimizerInfo['status'], components: number, dualMs: number): OptimizerInfo => ({
      status,
      components,
      stops: { enumerated: 0, 'gap-closed': components, refined: 0, 'too-large-to-refine': 0 },
      dualEvaluations: 10 * components,
      branchEvaluations: 1,
      dives: 2,
      dualUnconverged: 0,
      searchBudgetSpent: 1,
      keptCurrent: false,
      phaseMs: { split: 1, exhaustive: 0, dual: dualMs, dives: 0, search: 2, bound: 0, seed: 3, price: 1 },
    })
    const merged = mergeOptimizerInfo([run('optimal', 1, 5), run('within-gap', 2, 7), run('optimal', 1, 1)])!
    assert.equal(merged.status, 'within-gap')
    assert.equal(merged.components, 4)
    assert.equal(merged.stops['gap-closed'], 4)
    assert.equal(merged.dualEvaluations, 40)
    assert.equal(merged.searchBudgetSpent, 3)
    assert.equal(merged.phaseMs.dual, 13)
    assert.equal(mergeOptimizerInfo([]), undefined)
  })
})

/** `200,000`, `1e-4`, `20 million` as the table writes them. */
function documentedNumber(text: string): number {
  const million = /^([\d.]+) million$/.exec(text)
  return million === null ? Number(text.replaceAll(',', '')) : Number(million[1]) * 1e6
}
