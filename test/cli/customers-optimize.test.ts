import assert from 'node:assert/strict'
import { readdir, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { describe, it } from 'node:test'
import { runSimopt } from '../helpers/cli.js'
import { EXAMPLES } from '../helpers/paths.js'
import { tempDir } from '../helpers/temp-dir.js'

const CUSTOMERS = path.join(EXAMPLES, 'customers')
const PLANS = `plan_code,monthly_rate,included_mb,overage_block_mb,overage_block_price,sms_rate,pooled,pool,auto_change,charge_type
A,10,100,10,2,0.1,false,,true,
B,14,200,10,2,0.1,false,,true,rate+overage
C,1,1000,10,2,0.1,false,,false,rate-only
`
const SIMS = `iccid,customer,customer_name,customer_plan,bill_in_advance,usage_mb,sms
8901000000000000001,c1,One,A,false,125,0
8901000000000000002,c1,,C,false,5000,0
8901000000000000003,c2,Two,A,true,50,10
`

async function files(plans: string, sims: string): Promise<{ dir: string; args: string[] }> {
  const dir = await tempDir()
  await writeFile(path.join(dir, 'customer_plans.csv'), plans)
  await writeFile(path.join(dir, 'customers.csv'), sims)
  return { dir, args: ['customers', 'optimize', '--customer-plans', path.join(dir, 'customer_plans.csv'), '--customers', path.join(dir, 'customers.csv')] }
}

describe('simopt customers optimize', () => {
  it('prints each customer\'s bill before and after, bound, gap and old method, and writes the plan of every SIM', async () => {
    const { dir, args } = await files(PLANS, SIMS)
    const out = path.join(dir, 'out.csv')
    const summary = path.join(dir, 'summary.json')
    const run = await runSimopt([...args, '--out', out, '--summary', summary])
    assert.equal(run.code, 0, run.stderr)
    // c1: A at 125 MB is 16.00, B 14.00; C is not auto-change: 1.00 with 5,000 MB, 400 blocks of 2.00 (rate-only: none) = 1.00.
    assert.match(run.stdout, /^c1 \(One\)\s+2\s+1\s+17\.00\s+15\.00\s+15\.00\s+0\.000%\s+15\.00$/m)
    // c2: 50 MB on A, 10 SMS: 11.00, already the cheapest.
    assert.match(run.stdout, /^c2 \(Two\)\s+1\s+0\s+11\.00\s+11\.00\s+11\.00\s+0\.000%\s+11\.00$/m)
    const lines = (await readFile(out, 'utf8')).trim().split('\n')
    assert.equal(lines[0], 'customer,iccid,current_plan,new_plan,usage_mb,charge_type,bill_in_advance,monthly,overage,sms_charge,cost_before,cost_after,billed_now')
    assert.deepEqual(lines.slice(1), [
      'c1,8901000000000000001,A,B,125,rate+overage,false,14,0,0,16,14,14',
      'c1,8901000000000000002,C,C,5000,rate-only,false,1,0,0,1,1,1',
      // Billed in advance: the bill issued now carries the next period's rate alone.
      'c2,8901000000000000003,A,A,50,rate-only,true,10,0,1,11,11,10',
    ])
    const figures = JSON.parse(await readFile(summary, 'utf8')) as { customers: { customer: string; billBefore: number; billAfter: number; lowerBound: number; gapPct: number }[] }
    assert.deepEqual(figures.customers.map((c) => [c.customer, c.billBefore, c.billAfter]), [['c1', 17, 15], ['c2', 11, 11]])
    for (const c of figures.customers) assert.ok(c.lowerBound <= c.billAfter + 1e-9 && c.gapPct >= 0)
  })

  it('runs the examples: six customers, a pool shared between them priced whole', async () => {
    const run = await runSimopt(['customers', 'optimize', '--customer-plans', path.join(CUSTOMERS, 'customer_plans.csv'), '--customer-pools', path.join(CUSTOMERS, 'customer_pools.csv'), '--customers', path.join(CUSTOMERS, 'customers.csv')])
    assert.equal(run.code, 0, run.stderr)
    assert.equal(run.stdout.split('\n').filter((line) => line.startsWith('CUST-')).length, 6)
    assert.match(run.stdout, /^total\s+1,200 /m)
    assert.match(run.stdout, /"pools whole"/)
  })

  const BAD: { what: string; plans?: string; sims?: string; message: RegExp }[] = [
    { what: 'an unknown customer plan', sims: SIMS.replace('c2,Two,A', 'c2,Two,Z'), message: /^simopt: customers\.csv, line 4, column 4 \(customer_plan\): unknown customer plan Z; the customer plans file does not define it$/ },
    { what: 'a SIM billed to two customers', sims: `${SIMS}8901000000000000001,c2,,A,false,1,0\n`, message: /^simopt: customers\.csv, line 5, column 1 \(iccid\): SIM 8901000000000000001 is already listed on line 2; a SIM is billed to one customer at most$/ },
    { what: 'an unknown charge type', plans: PLANS.replace('false,,true,rate+overage', 'false,,true,flat'), message: /^simopt: customer_plans\.csv, line 3, column 10 \(charge_type\): must be one of rate\+overage, overage-only, rate-only, got "flat"$/ },
    { what: 'a pooled rate-only plan', plans: PLANS.replace('C,1,1000,10,2,0.1,false,,false', 'C,1,1000,10,2,0.1,true,,false'), message: /^simopt: customer_plans\.csv, line 4, column 10 \(charge_type\): plan C is rate-only and pooled/ },
    { what: 'a negative usage', sims: SIMS.replace('false,125,0', 'false,-1,0'), message: /^simopt: customers\.csv, line 2, column 6 \(usage_mb\): must be 0 or more, got -1$/ },
    { what: 'no usage column', sims: SIMS.split('\n').map((line) => line.split(',').slice(0, 5).join(',')).join('\n'), message: /^simopt: customers\.csv, line 1: missing column usage_mb/ },
    { what: 'a customer named twice otherwise', sims: SIMS.replace('c1,,C', 'c1,Uno,C'), message: /^simopt: customers\.csv, line 3, column 3 \(customer_name\): customer c1 is named "One" on line 2$/ },
  ]
  for (const bad of BAD) {
    it(`refuses ${bad.what}, naming file, line and column, exit 2, nothing written`, async () => {
      const { dir, args } = await files(bad.plans ?? PLANS, bad.sims ?? SIMS)
      const run = await runSimopt([...args, '--out', path.join(dir, 'out.csv'), '--summary', path.join(dir, 'summary.json')])
      assert.equal(run.code, 2, run.stdout)
      assert.match(run.stderr.trim(), bad.message)
      assert.deepEqual((await readdir(dir)).sort(), ['customer_plans.csv', 'customers.csv'])
    })
  }
})
