/**
 * The fast path of sims.csv changes nothing but the time: any file, read with it and without it, gives the
 * same SIM table, or the same error. The files mix plain lines (which the fast path takes) with every near
 * miss it must leave to the checked path: quotes, spaces, signs, exponents, long digit strings, names in
 * another case, plans a communication plan does not allow, empty optional cells, CRLF, extra columns.
 */
import assert from 'node:assert/strict'
import { writeFile } from 'node:fs/promises'
import path from 'node:path'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import type { CommPlan, RatePlan, SimTable } from '../../src/domain/index.js'
import { readSimsFile } from '../../src/io/sims-file.js'
import { propertyRuns } from '../helpers/property.js'
import { tempDir } from '../helpers/temp-dir.js'

const plan = (code: string): RatePlan => ({ code, monthlyRate: 1, includedMb: 10, overageBlockMb: 1, overageBlockPrice: 0.1, smsRate: 0.05, pooled: false })
const PLANS = [plan('P1'), plan('P2'), plan('Big Plan'), plan(' spaced'), plan('é-plan'), plan('a"b'), plan('"Q')]
const COMM_PLANS: CommPlan[] = [
  { name: 'LTE', allowedPlans: [0, 1, 2, 3, 4, 5, 6] },
  { name: 'NB', allowedPlans: [0, 1] },
  { name: 'NONE', allowedPlans: [] },
]

/** Cell texts per column: plain ones the fast path takes, and near misses. */
const CELLS: Readonly<Record<string, readonly string[]>> = {
  iccid: ['8901170000000000001', '8901170000000000002', '890117000000000003F', '890117000000000004f', '1234567890', '1234567890123456789012', '12345', '12345678901234567890123', '8.90117E+18', ' 8901170000000000005', '"8901170000000000006"', '', 'F', '89011700000000000F7'],
  usage_mb: ['0.162', '12', '0', '1.', '.5', '1e3', '-1', '+2', ' 3 ', '"4"', '123456789012345', '1234567890123456', '0.1234567890123456', '00012.5000', 'abc', '', '1.2.3', '0.1', '9007199254740993'],
  sms: ['3', '0', '3.0', '-1', '1e2', '', ' 4', '999999999999999', '9999999999999999', 'x'],
  comm_plan: ['LTE', 'LTE', 'LTE', 'NB', 'lte', ' LTE', 'LTE ', '"LTE"', 'NONE', 'GONE', ''],
  current_plan: ['P1', 'P2', 'Big Plan', ' spaced', 'spaced', 'é-plan', 'a"b', '"Q', 'p1', 'P9', '', '"P2"'],
  days_active: ['', '30', '31', '0', '15', '1.5', ' 7', '28', '29', 'x'],
  auto_change: ['true', 'false', 'TRUE', 'Yes', 'no', '0', '1', 'maybe', '', ' true', 'True', 'NO'],
  note: ['', 'x', '"q"', 'a"b', 'plain text'],
}

const columnsArbitrary = fc
  .tuple(fc.boolean(), fc.boolean(), fc.boolean())
  .chain(([days, auto, note]) => {
    const names = ['iccid', 'usage_mb', 'sms', 'comm_plan', 'current_plan', ...(days ? ['days_active'] : []), ...(auto ? ['auto_change'] : []), ...(note ? ['note'] : [])]
    return fc.shuffledSubarray(names, { minLength: names.length, maxLength: names.length })
  })

/** A cell: mostly the first (plain) texts of its column, sometimes any. */
const cell = (column: string) => {
  const texts = CELLS[column]!
  return fc.oneof({ weight: 25, arbitrary: fc.constantFrom(...texts.slice(0, 3)) }, { weight: 1, arbitrary: fc.constantFrom(...texts) })
}

const fileArbitrary = columnsArbitrary.chain((columns) =>
  fc.record({
    columns: fc.constant(columns),
    rows: fc.array(fc.tuple(...columns.map(cell)), { minLength: 0, maxLength: 8 }),
    crlf: fc.boolean(),
    blankLine: fc.boolean(),
    periodDays: fc.constantFrom(30, 28),
    uniqueIccids: fc.oneof({ weight: 4, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
  }),
)

function tableOf(table: SimTable): unknown {
  return {
    count: table.count,
    iccid: table.iccid,
    usageMb: [...table.usageMb],
    sms: [...table.sms],
    commPlan: [...table.commPlan],
    currentPlan: [...table.currentPlan],
    daysActive: [...table.daysActive],
    autoChange: [...table.autoChange],
  }
}

async function outcome(file: string, periodDays: number, fastPath: boolean): Promise<unknown> {
  try {
    return tableOf(await readSimsFile(file, { plans: PLANS, commPlans: COMM_PLANS, periodDays, fastPath }))
  } catch (error) {
    return { error: error instanceof Error ? `${(error as { code?: string }).code ?? ''}: ${error.message}` : String(error) }
  }
}

describe('sims.csv fast path', () => {
  it('reads every file as the checked path does: the same table or the same error', async () => {
    const folder = await tempDir()
    const file = path.join(folder, 'sims.csv')
    let tables = 0
    await fc.assert(
      fc.asyncProperty(fileArbitrary, async ({ columns, rows, crlf, blankLine, periodDays, uniqueIccids }) => {
        const iccidColumn = columns.indexOf('iccid')
        const lines = rows.map((cells, row) => {
          // Mostly distinct ICCIDs, so that files get past the duplicate check; sometimes as drawn.
          const unique = (value: string) => `8901170000${String(row).padStart(9, '0')}${/[Ff]$/.test(value) ? value.at(-1)! : ''}`
          const values = cells.map((value, column) => (uniqueIccids && column === iccidColumn && CELLS.iccid!.slice(0, 3).includes(value) ? unique(value) : value))
          return values.join(',')
        })
        if (blankLine) lines.splice(Math.floor(lines.length / 2), 0, '')
        const eol = crlf ? '\r\n' : '\n'
        await writeFile(file, `${[columns.join(','), ...lines].join(eol)}${eol}`)
        const fast = await outcome(file, periodDays, true)
        const checked = await outcome(file, periodDays, false)
        assert.deepEqual(fast, checked)
        if (!('error' in (checked as object))) tables++
      }),
      propertyRuns(400),
    )
    // The property means little if every file failed: most must load.
    assert.ok(tables > 80, `only ${tables} files loaded`)
  })
})
