/** `pools.csv` (optional): `pool,overage_block_mb,overage_block_price`, the terms of named pools. */
import { quoteInput, type PoolDefinition } from '../domain/index.js'
import { name, positiveNumber } from './csv-fields.js'
import { readCsv, type CsvRow } from './csv-reader.js'

export const POOL_COLUMNS = { required: ['pool', 'overage_block_mb', 'overage_block_price'] } as const

export async function readPoolsFile(file: string): Promise<PoolDefinition[]> {
  const pools: PoolDefinition[] = []
  const seen = new Map<string, number>()
  await readCsv(file, POOL_COLUMNS, (row: CsvRow) => {
    const pool = row.parse('pool', name)
    const earlier = seen.get(pool)
    if (earlier !== undefined) row.fail('pool', `pool ${quoteInput(pool, { bare: true })} is already defined on line ${earlier}`)
    seen.set(pool, row.line)
    pools.push({
      name: pool,
      overageBlockMb: row.parse('overage_block_mb', positiveNumber),
      overageBlockPrice: row.parse('overage_block_price', positiveNumber),
    })
  })
  return pools
}
