import assert from 'node:assert/strict'
import { readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { describe, it } from 'node:test'
import { priceAssignment } from '../../src/domain/index.js'
import { readAssignmentFile } from '../../src/io/assignment-file.js'
import { readMobilityFiles } from '../../src/io/mobility-files.js'
import type { RunSummary } from '../../src/io/summary-file.js'
import { runSimopt } from '../helpers/cli.js'
import { readWorkbook, sheet, sheetRows, summaryValue } from '../helpers/report-workbook.js'
import { EXAMPLES } from '../helpers/paths.js'
import { tempDir } from '../helpers/temp-dir.js'

const plansFile = path.join(EXAMPLES, 'mobility', 'plans.csv')
const simsFile = path.join(EXAMPLES, 'mobility', 'sims.csv')

describe('simopt optimize --fleet mobility on the bundled Mobility example', () => {
  it('moves SIMs within their optimization group and rate plan type, and writes what the cost model says', async () => {
    const folder = await tempDir()
    const out = path.join(folder, 'assignment.csv')
    const summaryFile = path.join(folder, 'summary.json')
    const run = await runSimopt(['optimize', '--fleet', 'mobility', '--plans', plansFile, '--sims', simsFile, '--out', out, '--summary', summaryFile])
    assert.equal(run.code, 0, run.stderr)
    const summary = JSON.parse(await readFile(summaryFile, 'utf8')) as RunSummary
    const problem = await readMobilityFiles({ plans: plansFile, sims: simsFile }, { periodDays: 30, prorate: false })
    assert.equal(problem.fleet, 'mobility')
    const assignment = await readAssignmentFile(out, problem)
    const priced = priceAssignment(problem, assignment)
    assert.ok(Math.abs(priced.total - summary.costAfter) < 1e-6, `${priced.total} vs ${summary.costAfter}`)
    assert.ok(summary.changes > 0 && summary.costAfter < summary.costBefore)
    assert.ok(summary.lowerBound !== null && summary.lowerBound <= summary.costAfter + 1e-9)
    for (let i = 0; i < problem.sims.count; i++) {
      const from = problem.plans[problem.sims.currentPlan[i]!]!
      const to = problem.plans[assignment[i]!]!
      assert.equal(to.type, from.type, `SIM ${problem.sims.iccid[i]} changed rate plan type`)
      assert.equal(to.pool, from.pool, `SIM ${problem.sims.iccid[i]} changed optimization group`)
    }
    // The pools are the two optimization groups; the tablet plan in no group pools with nothing.
    assert.deepEqual(problem.pools.map((pool) => pool.name), ['SALES', 'FIELD'])
  })

  it('says Mobility in the summary and the workbook, whose rows show SMS and voice minutes', async () => {
    const folder = await tempDir()
    const xlsx = path.join(folder, 'report.xlsx')
    const csv = path.join(folder, 'report.csv')
    const summaryFile = path.join(folder, 'summary.json')
    const run = await runSimopt(['optimize', '--fleet', 'mobility', '--plans', plansFile, '--sims', simsFile, '--out', path.join(folder, 'a.csv'), '--summary', summaryFile, '--xlsx', xlsx, '--report-csv', csv])
    assert.equal(run.code, 0, run.stderr)
    assert.match(run.stdout, /fleet +Mobility/)
    assert.equal((JSON.parse(await readFile(summaryFile, 'utf8')) as RunSummary).fleet, 'mobility')
    const workbook = await readWorkbook(xlsx)
    assert.equal(summaryValue(workbook, 'Fleet'), 'Mobility')
    const rows = sheetRows(sheet(workbook, 'Assignments'))
    const header = rows[0]!
    for (const title of ['Optimization group: type', 'SMS used', 'Voice minutes', 'Voice + SMS']) assert.ok(header.includes(title), `no column ${title}`)
    const talker = rows.find((row) => row[0] === '8901410000000000002')!
    assert.equal(talker[header.indexOf('Voice minutes')], 475)
    assert.equal(talker[header.indexOf('SMS used')], 296)
    assert.equal(talker[header.indexOf('Optimization group: type')], 'SALES: voice+data')
    const csvHeader = (await readFile(csv, 'utf8')).split('\n')[0]!
    assert.equal(csvHeader, 'iccid,msisdn,optimization_group,current_plan,new_plan,raw_usage_mb,usage_mb,sms,voice_min,monthly,overage,voice_sms_charge,cost_before,cost_after')
  })

  it('prices voice minutes and SMS beyond a plan\'s bundles (the 2 GB plan includes 450 minutes and 1000 SMS)', async () => {
    const problem = await readMobilityFiles({ plans: plansFile, sims: simsFile }, { periodDays: 30, prorate: false })
    const small = problem.plans.findIndex((plan) => plan.code === 'BUS-VD-2GB')
    const i = problem.sims.iccid.indexOf('8901410000000000002')
    assert.equal(problem.sims.voiceMinutes![i], 475)
    const assignment = problem.sims.currentPlan.slice()
    assignment[i] = small
    // 25 minutes over at 0.25 each; 296 SMS within 1000.
    assert.equal(priceAssignment(problem, assignment).sms[i], 6.25)
  })
})

interface BadMobilityInput {
  readonly what: string
  readonly plans?: (text: string) => string
  readonly sims?: (text: string) => string
  readonly args?: readonly string[]
  readonly message: RegExp
}

const BAD: BadMobilityInput[] = [
  {
    what: 'a voice bundle missing its block price',
    plans: (text) => text.replace('BUS-VD-2GB,25,2048,1024,15,0,true,voice+data,SALES,450,1,0.25,', 'BUS-VD-2GB,25,2048,1024,15,0,true,voice+data,SALES,450,1,,'),
    message: /^simopt: plans\.csv, line 2, column 12 \(voice_block_price\): is empty while voice_included_min and voice_block_min are given; give all of voice_included_min, voice_block_min, voice_block_price or none$/,
  },
  {
    what: 'negative voice minutes',
    sims: (text) => text.replace('4182.769,296,475,', '4182.769,296,-5,'),
    message: /^simopt: sims\.csv, line 4, column 4 \(voice_min\): must be 0 or more, got -5$/,
  },
  {
    what: 'a plans file without optimization groups',
    plans: (text) => text.replaceAll(',SALES,', ',,').replaceAll(',FIELD,', ',,'),
    message: /^simopt: plans\.csv, line 1, column 9 \(optimization_group\): names no optimization group; /,
  },
  {
    what: 'a group whose plans sell overage differently, without the group\'s terms in a pools file',
    plans: (text) => text.replace('HS-30GB,70,30720,1024,10,', 'HS-30GB,70,30720,1024,12,'),
    message: /^simopt: plans\.csv, line 8, column 9 \(optimization_group\): plans HS-10GB and HS-30GB share pool FIELD but sell overage differently/,
  },
  {
    what: 'a communication plans file given for a Mobility fleet',
    args: ['--comm-plans', path.join(EXAMPLES, 'comm_plans.csv')],
    message: /^simopt: option --comm-plans is for M2M fleets; /,
  },
]

describe('simopt optimize --fleet mobility refuses bad input with its file, line and column', () => {
  for (const bad of BAD) {
    it(bad.what, async () => {
      const folder = await tempDir()
      const plans = path.join(folder, 'plans.csv')
      const sims = path.join(folder, 'sims.csv')
      await writeFile(plans, (bad.plans ?? ((text) => text))(await readFile(plansFile, 'utf8')))
      await writeFile(sims, (bad.sims ?? ((text) => text))(await readFile(simsFile, 'utf8')))
      const out = path.join(folder, 'assignment.csv')
      const run = await runSimopt(['optimize', '--fleet', 'mobility', '--plans', plans, '--sims', sims, '--out', out, ...(bad.args ?? [])], { cwd: folder })
      assert.equal(run.code, 2, run.stderr)
      assert.match(run.stderr.trim(), bad.message)
    })
  }

  it('an M2M run without --comm-plans names the option', async () => {
    const run = await runSimopt(['optimize', '--plans', plansFile, '--sims', simsFile])
    assert.equal(run.code, 2)
    assert.match(run.stderr, /option --comm-plans is required for an M2M fleet/)
  })

  it('an M2M run of a Mobility price sheet (--fleet mobility forgotten) is refused, naming the column', async () => {
    const folder = await tempDir()
    const plans = (await readFile(plansFile, 'utf8')).split('\n').filter((line) => line !== '')
    const codes = plans.slice(1).map((line) => line.split(',')[0]!)
    const commPlans = path.join(folder, 'comm_plans.csv')
    await writeFile(commPlans, `comm_plan,allowed_plans\nALL,${codes.join(';')}\n`)
    const sims = path.join(folder, 'sims.csv')
    await writeFile(sims, `iccid,usage_mb,sms,comm_plan,current_plan\n8901410400000000001,10,0,ALL,${codes[0]}\n`)
    const run = await runSimopt(['optimize', '--plans', plansFile, '--comm-plans', commPlans, '--sims', sims, '--out', path.join(folder, 'out.csv')])
    assert.equal(run.code, 2, run.stderr)
    assert.match(run.stderr, /plans\.csv, line 2, column rate_plan_type.*is for Mobility fleets: give --fleet mobility/)
  })
})
