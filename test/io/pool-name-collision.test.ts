import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { isSimoptError } from '../../src/domain/index.js'
import { readProblemFiles } from '../../src/io/problem-files.js'
import { VALID_FILES, withLine, writeFixture } from '../helpers/fixture-files.js'
import { errorPosition } from '../helpers/input-errors.js'
import { tempDir } from '../helpers/temp-dir.js'

async function refusal(overrides: Partial<typeof VALID_FILES>) {
  const folder = await tempDir()
  const args = await writeFixture(folder, overrides)
  const file = (flag: string) => args[args.indexOf(flag) + 1]!
  const error = await readProblemFiles(
    { plans: file('--plans'), pools: file('--pools'), commPlans: file('--comm-plans'), sims: file('--sims') },
    { periodDays: 30, prorate: false },
  ).then(
    () => assert.fail('accepted'),
    (error: unknown) => error,
  )
  assert.ok(isSimoptError(error) && error.code === 'INPUT_INVALID', String(error))
  return errorPosition(error.message)
}

// Found by the plan-lines property: a pooled plan without a pool name pools alone under its own code, so a
// plan coded FLEX and the shared pool FLEX were two pools of one name; the report showed two lines "FLEX"
// and said plan FLEX shared pool FLEX, which it did not.
describe('a plan pooling alone under the name of a shared pool', () => {
  it('is refused on the plan’s line when the shared pool comes first', async () => {
    // Line 5 is FLEX-50 of pool FLEX; a plan coded FLEX pooling alone joins after it.
    const plans = `${VALID_FILES.plans}\nFLEX,3,5,1,0.3,0.04,true,`
    assert.deepEqual(await refusal({ plans }), { file: 'plans.csv', line: 6 })
  })

  it('is refused on the shared pool’s first line when the plan comes first', async () => {
    // IND-5 on line 2 becomes a pooled plan coded FLEX; FLEX-10 on line 4 opens the shared pool FLEX.
    const rename = (text: string) => text.replaceAll('IND-5', 'FLEX')
    const plans = withLine(VALID_FILES.plans, 2, 'FLEX,2,5,1,0.5,0.05,true,')
    assert.deepEqual(await refusal({ plans, commPlans: rename(VALID_FILES.commPlans), sims: rename(VALID_FILES.sims) }), { file: 'plans.csv', line: 4 })
  })
})
