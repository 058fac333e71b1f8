import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { isSimoptError } from '../../src/domain/index.js'
import { readProblemFiles } from '../../src/io/problem-files.js'
import { VALID_FILES, withLine, writeFixture } from '../helpers/fixture-files.js'
import { errorPosition } from '../helpers/input-errors.js'
import { tempDir } from '../helpers/temp-dir.js'

/** The fixture with its plan POOL-25 (line 3 of plans.csv) coded `code` everywhere. */
async function readWithPlanCode(code: string) {
  const folder = await tempDir()
  const rename = (text: string) => text.replaceAll('POOL-25', code)
  const args = await writeFixture(folder, {
    plans: withLine(VALID_FILES.plans, 3, `${code},6,25,1,0.2,0.04,true,`),
    commPlans: rename(VALID_FILES.commPlans),
    sims: rename(VALID_FILES.sims),
  })
  const file = (flag: string) => args[args.indexOf(flag) + 1]!
  return readProblemFiles({ plans: file('--plans'), pools: file('--pools'), commPlans: file('--comm-plans'), sims: file('--sims') }, { periodDays: 30, prorate: false })
}

// Found by the round-trip property: such plans were accepted, then comm_plans.csv (codes split on ';' and
// trimmed) could never name them, and the error pointed at comm_plans.csv, which the writer had made itself.
describe('a plan code comm_plans.csv cannot name', () => {
  for (const [what, code] of [
    ['a ";"', '"POOL;25"'],
    ['leading spaces', '"  POOL-25"'],
    ['a trailing tab', '"POOL-25\t"'],
  ] as const) {
    it(`is refused on its own line in plans.csv: ${what}`, async () => {
      const error = await readWithPlanCode(code).then(
        () => assert.fail('accepted'),
        (error: unknown) => error,
      )
      assert.ok(isSimoptError(error) && error.code === 'INPUT_INVALID', String(error))
      assert.deepEqual(errorPosition(error.message), { file: 'plans.csv', line: 3, column: 1 })
    })
  }

  it('is no reason to refuse a code with spaces inside it', async () => {
    const problem = await readWithPlanCode('POOL 25')
    assert.equal(problem.plans[1]!.code, 'POOL 25')
    assert.deepEqual(problem.commPlans[0]!.allowedPlans, [0, 1, 2, 3])
  })
})
