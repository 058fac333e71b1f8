import assert from 'node:assert/strict'
import { writeFile } from 'node:fs/promises'
import path from 'node:path'
import { describe, it } from 'node:test'
import { runSimopt } from '../helpers/cli.js'
import { VALID_FILES, withLine, writeFixture } from '../helpers/fixture-files.js'
import { tempDir } from '../helpers/temp-dir.js'

const { sims, plans } = VALID_FILES

async function optimizeWith(files: Partial<typeof VALID_FILES>, extraArgs: readonly string[] = []) {
  const folder = await tempDir()
  const inputs = await writeFixture(folder, files)
  return runSimopt(['optimize', ...inputs, ...extraArgs, '--out', path.join(folder, 'out', 'a.csv'), '--summary', path.join(folder, 'out', 's.json')])
}

describe('error messages quote bad values cut and escaped, in the project\'s words', { concurrency: 4 }, () => {
  it('a number too large for a double is refused in words, not "expected number, received Infinity"', async () => {
    const run = await optimizeWith({ sims: withLine(sims, 3, '8901170000000000002,1e400,0,GENERAL,IND-5,30,true') })
    assert.equal(run.code, 2)
    assert.equal(run.stderr, 'simopt: sims.csv, line 3, column 2 (usage_mb): must be a number below 1e308, got "1e400"\n')
  })

  it('a 50 MB digit string gives a short message that says the value was cut', async () => {
    const huge = '9'.repeat(50_000_000)
    const run = await optimizeWith({ plans: withLine(plans, 2, `IND-5,${huge},5,1,0.5,0.05,false,`) })
    assert.equal(run.code, 2)
    assert.equal(run.stderr, `simopt: plans.csv, line 2, column 2 (monthly_rate): must be a number below 1e308, got "${'9'.repeat(60)}…" (cut; 50000000 characters in all)\n`)
  })

  it('a 45 MB text field is cut in the message', async () => {
    const run = await optimizeWith({ sims: withLine(sims, 3, `8901170000000000002,${'x'.repeat(45_000_000)},0,GENERAL,IND-5,30,true`) })
    assert.equal(run.code, 2)
    assert.ok(run.stderr.length < 300, `stderr of ${run.stderr.length} characters`)
    assert.match(run.stderr, /^simopt: sims\.csv, line 3, column 2 \(usage_mb\): must be a number, got "x{60}…" \(cut; 45000000 characters in all\)\n$/)
  })

  it('a binary header is shown escaped, never raw', async () => {
    const folder = await tempDir()
    const inputs = await writeFixture(folder)
    const simsFile = inputs[inputs.indexOf('--sims') + 1]!
    await writeFile(simsFile, Buffer.concat([Buffer.from([0x1b, 0x5b, 0x32, 0x4a, 0x00, 0xff, 0xfe, 0x07]), Buffer.from(',usage_mb\n1,2\n')]))
    const run = await runSimopt(['optimize', ...inputs, '--out', path.join(folder, 'a.csv'), '--summary', path.join(folder, 's.json')])
    assert.equal(run.code, 2)
    assert.doesNotMatch(run.stderr, /[\u0000-\u0009\u000b-\u001f\u007f\ufffd]/, 'no control character or replacement character in the message')
    assert.match(run.stderr, /the header has "\\u001b\[2J\\u0000\\ufffd\\ufffd\\u0007,usage_mb"\)\n$/)
  })

  it('an option value is cut and escaped', async () => {
    const run = await optimizeWith({}, ['--period-days', `\u001b[2J${'3'.repeat(100)}`])
    assert.equal(run.code, 2)
    assert.equal(run.stderr, `simopt: option --period-days: must be a whole number of days, got "\\u001b[2J${'3'.repeat(56)}…" (cut; 104 characters in all)\n`)
  })

  it('an amount past a double\'s range is refused, not taken as Infinity', async () => {
    const run = await optimizeWith({}, ['--min-saving-per-change', `1${'0'.repeat(400)}`])
    assert.equal(run.code, 2)
    assert.equal(run.stderr, `simopt: option --min-saving-per-change: must be a number, got "1${'0'.repeat(59)}…" (cut; 401 characters in all)\n`)
  })

  it('a setting that is not a number says so with the text given, not "expected number, received NaN"', async () => {
    const run = await runSimopt(['config'], { env: { SIMOPT_PORT: 'abc' } })
    assert.equal(run.code, 2)
    assert.equal(run.stderr, 'simopt: setting SIMOPT_PORT: must be a number, got "abc"\n')
    const fraction = await runSimopt(['config'], { env: { SIMOPT_JOB_LEASE_MS: '1.5' } })
    assert.equal(fraction.stderr, 'simopt: setting SIMOPT_JOB_LEASE_MS: must be a whole number, got "1.5"\n')
    const big = await runSimopt(['config'], { env: { SIMOPT_PORT: '1e400' } })
    assert.equal(big.stderr, 'simopt: setting SIMOPT_PORT: must be a number, got "1e400"\n')
    const range = await runSimopt(['config'], { env: { SIMOPT_PORT: '70000' } })
    assert.equal(range.stderr, 'simopt: setting SIMOPT_PORT: must be at most 65535, got "70000"\n')
  })
})
