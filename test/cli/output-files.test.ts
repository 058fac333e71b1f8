import assert from 'node:assert/strict'
import { mkdir, readFile, readdir, stat, symlink } from 'node:fs/promises'
import path from 'node:path'
import { describe, it } from 'node:test'
import { runSimopt } from '../helpers/cli.js'
import { VALID_FILES, writeFixture } from '../helpers/fixture-files.js'
import { sqliteLocal } from '../helpers/service-env.js'
import { tempDir } from '../helpers/temp-dir.js'

function fileArg(args: readonly string[], option: string): string {
  return args[args.indexOf(option) + 1]!
}

/** One line on standard error, exit 2, nothing on standard output: a refusal, not a crash. */
function assertRefused(run: { code: number | null; stdout: string; stderr: string }, message: RegExp): void {
  assert.equal(run.code, 2, `exit code; stderr: ${run.stderr}`)
  assert.equal(run.stderr.split('\n').length, 2, `one line, got:\n${run.stderr}`)
  assert.match(run.stderr, message)
  assert.equal(run.stdout, '')
}

describe('output options refuse folders and inputs cleanly, and create missing folders', { concurrency: 4 }, () => {
  it('--out naming a folder exits 2 with one line, not "internal error: EISDIR", and writes nothing', async () => {
    const folder = await tempDir()
    const inputs = await writeFixture(path.join(folder, 'in'))
    const target = path.join(folder, 'target')
    await mkdir(target)
    const run = await runSimopt(['optimize', ...inputs, '--out', target, '--summary', path.join(folder, 'summary.json')])
    assertRefused(run, /^simopt: option --out: ".*target" is a folder; give the name of a file to write\n$/)
    assert.deepEqual(await readdir(target), [])
    await assert.rejects(stat(path.join(folder, 'summary.json')))
  })

  it('--out equal to an input is refused before the inputs are read, and the input is untouched', async () => {
    const folder = await tempDir()
    // A sims file that would be refused if it were read: the output check must come first.
    const inputs = await writeFixture(folder, { sims: `${VALID_FILES.sims}\nnot,a,valid,line` })
    const sims = fileArg(inputs, '--sims')
    const before = await readFile(sims, 'utf8')
    const run = await runSimopt(['optimize', ...inputs, '--out', sims, '--summary', path.join(folder, 'summary.json')])
    assertRefused(run, /^simopt: option --out: ".*sims\.csv" is the file given to --sims; refusing to overwrite an input\n$/)
    assert.equal(await readFile(sims, 'utf8'), before)
    await assert.rejects(stat(path.join(folder, 'summary.json')))
  })

  it('an output reaching an input through a link, or another output, is refused', async () => {
    const folder = await tempDir()
    const inputs = await writeFixture(folder)
    await symlink(fileArg(inputs, '--plans'), path.join(folder, 'link.json'))
    const linked = await runSimopt(['optimize', ...inputs, '--summary', path.join(folder, 'link.json'), '--out', path.join(folder, 'a.csv')])
    assertRefused(linked, /^simopt: option --summary: ".*link\.json" is the file given to --plans; /)
    const twice = await runSimopt(['optimize', ...inputs, '--out', path.join(folder, 'a.csv'), '--summary', path.join(folder, 's.json'), '--report-csv', path.join(folder, 'a.csv')])
    assertRefused(twice, /^simopt: option --report-csv: ".*a\.csv" is also given to --out; each output needs its own file\n$/)
    const xlsx = await runSimopt(['optimize', ...inputs, '--out', path.join(folder, 'b.csv'), '--summary', path.join(folder, 't.json'), '--xlsx', folder])
    assertRefused(xlsx, /^simopt: option --xlsx: ".*" is a folder; /)
    await assert.rejects(stat(path.join(folder, 'b.csv')))
  })

  it('an output under a file used as a folder exits 2 with one line', async () => {
    const folder = await tempDir()
    const inputs = await writeFixture(folder)
    const run = await runSimopt(['optimize', ...inputs, '--out', path.join(fileArg(inputs, '--sims'), 'a.csv'), '--summary', path.join(folder, 's.json')])
    assertRefused(run, /^simopt: option --out: ".*a\.csv" cannot be written: a file stands where its folder should be\n$/)
    await assert.rejects(stat(path.join(folder, 's.json')))
  })

  it('--out in a folder that does not exist yet creates it', async () => {
    const folder = await tempDir()
    const inputs = await writeFixture(path.join(folder, 'in'))
    const out = path.join(folder, 'new', 'deeper', 'a.csv')
    const run = await runSimopt(['optimize', ...inputs, '--out', out, '--summary', path.join(folder, 'new', 's.json')])
    assert.equal(run.code, 0, run.stderr)
    assert.match(await readFile(out, 'utf8'), /^iccid,/)
  })

  it('results --out and report --xlsx / --csv naming a folder or one file twice exit 2 before opening the database', async () => {
    const folder = await tempDir()
    const env = sqliteLocal(folder)
    const results = await runSimopt(['results', '00000000-0000-4000-8000-000000000000', '--out', folder], { env })
    assertRefused(results, /^simopt: option --out: ".*" is a folder; /)
    const report = await runSimopt(['report', '00000000-0000-4000-8000-000000000000', '--xlsx', path.join(folder, 'r'), '--csv', path.join(folder, 'r')], { env })
    assertRefused(report, /^simopt: option --csv: ".*r" is also given to --xlsx; /)
    await assert.rejects(stat(path.join(folder, 'simopt.db')), 'the database was not opened')
  })
})
