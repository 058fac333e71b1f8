import assert from 'node:assert/strict'
import { readdir } from 'node:fs/promises'
import path from 'node:path'
import { describe, it } from 'node:test'
import { runSimopt } from '../helpers/cli.js'
import { VALID_FILES, withLine, writeFixture, type FixtureFiles } from '../helpers/fixture-files.js'
import { tempDir } from '../helpers/temp-dir.js'

const { plans, commPlans, sims } = VALID_FILES

interface BadInput {
  readonly what: string
  readonly files: Partial<FixtureFiles>
  readonly extraArgs?: readonly string[]
  /** The whole message must match. */
  readonly message: RegExp
}

const BAD_INPUTS: BadInput[] = [
  {
    what: 'a missing column',
    files: { plans: plans.replace(',sms_rate', '').replace(/,0\.0[45],/g, ',') },
    message: /^simopt: plans\.csv, line 1: missing column sms_rate /,
  },
  {
    what: 'a non-numeric usage',
    files: { sims: withLine(sims, 3, '8901170000000000002,forty,0,GENERAL,IND-5,30,true') },
    message: /^simopt: sims\.csv, line 3, column 2 \(usage_mb\): must be a number, got "forty"$/,
  },
  {
    what: 'a negative usage',
    files: { sims: withLine(sims, 3, '8901170000000000002,-40,0,GENERAL,IND-5,30,true') },
    message: /^simopt: sims\.csv, line 3, column 2 \(usage_mb\): must be 0 or more, got -40$/,
  },
  {
    what: 'a negative monthly rate',
    files: { plans: withLine(plans, 2, 'IND-5,-2,5,1,0.5,0.05,false,') },
    message: /^simopt: plans\.csv, line 2, column 2 \(monthly_rate\): must be 0 or more, got -2$/,
  },
  {
    what: 'a block size of 0',
    files: { plans: withLine(plans, 3, 'POOL-25,6,25,0,0.2,0.04,true,') },
    message: /^simopt: plans\.csv, line 3, column 4 \(overage_block_mb\): must be more than 0, got 0$/,
  },
  {
    what: 'a block price of 0',
    files: { plans: withLine(plans, 3, 'POOL-25,6,25,1,0,0.04,true,') },
    message: /^simopt: plans\.csv, line 3, column 5 \(overage_block_price\): must be more than 0, got 0$/,
  },
  {
    what: 'a block size of 0 in a named pool',
    files: { pools: 'pool,overage_block_mb,overage_block_price\nFLEX,0,0.25' },
    message: /^simopt: pools\.csv, line 2, column 2 \(overage_block_mb\): must be more than 0, got 0$/,
  },
  {
    what: 'an unknown plan code in a communication plan',
    files: { commPlans: withLine(commPlans, 3, 'SENSOR,IND-5;IND-500') },
    message: /^simopt: comm_plans\.csv, line 3, column 2 \(rate_plans\): unknown rate plan IND-500; it is not in the plans file$/,
  },
  {
    what: 'an unknown plan code on a SIM',
    files: { sims: withLine(sims, 2, '8901170000000000001,3.5,2,GENERAL,POOL-250,30,true') },
    message: /^simopt: sims\.csv, line 2, column 5 \(current_plan\): unknown rate plan POOL-250; it is not in the plans file$/,
  },
  {
    what: 'an unknown communication plan on a SIM',
    files: { sims: withLine(sims, 2, '8901170000000000001,3.5,2,GENERIC,POOL-25,30,true') },
    message: /^simopt: sims\.csv, line 2, column 4 \(comm_plan\): unknown communication plan GENERIC; /,
  },
  {
    what: 'a duplicated ICCID',
    files: { sims: withLine(sims, 4, '8901170000000000001,0,0,SENSOR,FLEX-10,12,false') },
    message: /^simopt: sims\.csv, line 4, column 1 \(iccid\): ICCID 8901170000000000001 is already listed on line 2$/,
  },
  {
    what: 'a SIM whose communication plan allows no plan',
    files: { sims: withLine(sims, 5, '8901170000000000004,12,1,RETIRED-APN,IND-5,,') },
    message: /^simopt: sims\.csv, line 5, column 4 \(comm_plan\): communication plan RETIRED-APN allows no rate plan, so this SIM cannot be priced$/,
  },
  {
    what: 'a SIM whose current plan is not allowed',
    files: { sims: withLine(sims, 5, '8901170000000000004,12,1,SENSOR,POOL-25,,') },
    message: /^simopt: sims\.csv, line 5, column 5 \(current_plan\): rate plan POOL-25 is not allowed by communication plan SENSOR$/,
  },
  {
    what: 'an empty plans file',
    files: { plans: '' },
    message: /^simopt: plans\.csv: is empty; expected a header line with the columns plan_code,/,
  },
  {
    what: 'an empty communication plans file',
    files: { commPlans: '' },
    message: /^simopt: comm_plans\.csv: is empty; /,
  },
  {
    what: 'an empty SIMs file',
    files: { sims: '' },
    message: /^simopt: sims\.csv: is empty; /,
  },
  {
    what: 'a SIMs file with a header and no SIMs',
    files: { sims: sims.split('\n')[0]! },
    message: /^simopt: sims\.csv: has no SIMs$/,
  },
  {
    what: 'an ICCID a spreadsheet turned into a number',
    files: { sims: withLine(sims, 2, '8.90117E+18,3.5,2,GENERAL,POOL-25,30,true') },
    message: /^simopt: sims\.csv, line 2, column 1 \(iccid\): "8\.90117E\+18" is an ICCID a spreadsheet turned into a number/,
  },
  {
    what: 'days active beyond the period',
    files: { sims: withLine(sims, 2, '8901170000000000001,3.5,2,GENERAL,POOL-25,31,true') },
    message: /^simopt: sims\.csv, line 2, column 6 \(days_active\): must be at most the period of 30 days, got 31$/,
  },
  {
    what: 'an SMS count that is not whole',
    files: { sims: withLine(sims, 2, '8901170000000000001,3.5,2.5,GENERAL,POOL-25,30,true') },
    message: /^simopt: sims\.csv, line 2, column 3 \(sms\): must be a whole number, got 2\.5$/,
  },
  {
    what: 'a pooled flag that is not true or false',
    files: { plans: withLine(plans, 2, 'IND-5,2,5,1,0.5,0.05,maybe,') },
    message: /^simopt: plans\.csv, line 2, column 7 \(pooled\): must be true or false, got "maybe"$/,
  },
  {
    what: 'a pool named on a plan that does not pool',
    files: { plans: withLine(plans, 2, 'IND-5,2,5,1,0.5,0.05,false,FLEX') },
    message: /^simopt: plans\.csv, line 2, column 8 \(pool\): plan IND-5 names pool FLEX but is not pooled$/,
  },
  {
    what: 'plans sharing an undefined pool on different overage terms',
    files: { pools: 'pool,overage_block_mb,overage_block_price', plans: withLine(plans, 5, 'FLEX-50,9,50,10,2,0.04,true,FLEX') },
    message: /^simopt: plans\.csv, line 5, column pool: plans FLEX-10 and FLEX-50 share pool FLEX but sell overage differently/,
  },
  {
    what: 'a duplicated plan code',
    files: { plans: withLine(plans, 3, 'IND-5,6,25,1,0.2,0.04,true,') },
    message: /^simopt: plans\.csv, line 3, column 1 \(plan_code\): plan IND-5 is already defined on line 2$/,
  },
  {
    what: 'a line with too few fields',
    files: { sims: withLine(sims, 3, '8901170000000000002,40,0,GENERAL') },
    message: /^simopt: sims\.csv, line 3: has 4 fields where the header has 7$/,
  },
  {
    what: 'a quote that never closes',
    files: { commPlans: withLine(commPlans, 3, 'SENSOR,"IND-5;FLEX-10') },
    message: /^simopt: comm_plans\.csv, line 3: a quoted field is never closed$/,
  },
  {
    what: 'a minimum saving that is not an amount',
    files: {},
    extraArgs: ['--min-saving-per-change', '-1'],
    message: /^simopt: option --min-saving-per-change: must be an amount of money such as 0\.50, got "-1"$/,
  },
  {
    what: 'a period that is not a number of days',
    files: {},
    extraArgs: ['--period-days', 'thirty'],
    message: /^simopt: option --period-days: must be a whole number of days, got "thirty"$/,
  },
]

describe('simopt optimize refuses bad input with exit code 2, one message, nothing written', { concurrency: 4 }, () => {
  for (const bad of BAD_INPUTS) {
    it(`refuses ${bad.what}`, async () => {
      const folder = await tempDir()
      const inputs = await writeFixture(path.join(folder, 'in'), bad.files)
      const out = path.join(folder, 'out')
      const run = await runSimopt([
        'optimize',
        ...inputs,
        ...(bad.extraArgs ?? []),
        '--out',
        path.join(out, 'assignment.csv'),
        '--summary',
        path.join(out, 'summary.json'),
      ])
      assert.equal(run.code, 2, `exit code; stderr: ${run.stderr}`)
      const lines = run.stderr.trimEnd().split('\n')
      assert.equal(lines.length, 1, `one line of error, got:\n${run.stderr}`)
      assert.match(lines[0]!, bad.message)
      assert.equal(run.stdout, '')
      assert.deepEqual(await readdir(out).catch(() => []), [], 'no output written')
    })
  }

  it('refuses a file that does not exist', async () => {
    const folder = await tempDir()
    const inputs = await writeFixture(folder)
    inputs[inputs.indexOf('--sims') + 1] = path.join(folder, 'nope.csv')
    const run = await runSimopt(['optimize', ...inputs, '--out', path.join(folder, 'a.csv'), '--summary', path.join(folder, 's.json')])
    assert.equal(run.code, 2)
    assert.match(run.stderr, /^simopt: nope\.csv: cannot be read: no such file\n$/)
  })

  it('refuses an unknown strategy and a missing required option', async () => {
    const folder = await tempDir()
    const inputs = await writeFixture(folder)
    const strategy = await runSimopt(['optimize', ...inputs, '--strategy', 'magic'])
    assert.equal(strategy.code, 2)
    assert.match(strategy.stderr, /argument 'magic' is invalid/)
    const missing = await runSimopt(['optimize', '--plans', 'plans.csv', '--comm-plans', 'comm_plans.csv'])
    assert.equal(missing.code, 2)
    assert.match(missing.stderr, /required option '--sims <file>' not specified/)
  })
})
