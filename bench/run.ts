/**
 * `npm run bench`: the figures the issues ask for, measured in one run on this machine.
 * Every instance is generated from a fixed seed, so runs are comparable.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { generateFleet } from '../src/demo/fleet-generator.js'
import { writeProblemFiles } from '../src/io/problem-files.js'
import { measureNodeProcess } from './measure.js'

const CLI = path.join(import.meta.dirname, '../src/cli/main.js')

async function optimizeFromFiles(folder: string, sims: number, plans: number): Promise<void> {
  const fleet = generateFleet({ sims, plans, seed: 1 })
  const files = await writeProblemFiles(path.join(folder, `fleet-${sims}`), fleet)
  const run = await measureNodeProcess(CLI, [
    'optimize',
    '--plans', files.plans,
    '--pools', files.pools,
    '--comm-plans', files.commPlans,
    '--sims', files.sims,
    '--out', path.join(folder, `assignment-${sims}.csv`),
    '--summary', path.join(folder, `summary-${sims}.json`),
  ])
  if (run.code !== 0) throw new Error(`simopt optimize failed: ${run.stderr}`)
  console.log(`simopt optimize, CSV files to summary.json, ${sims.toLocaleString('en-US')} SIMs x ${plans} plans: ${run.seconds.toFixed(1)} s, peak memory ${run.peakRssMb.toFixed(0)} MB`)
}

const folder = await mkdtemp(path.join(tmpdir(), 'simopt-bench-'))
try {
  await optimizeFromFiles(folder, 1_000_000, 15)
} finally {
  await rm(folder, { recursive: true, force: true })
}
