import assert from 'node:assert/strict'
import { readFile, readdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { isSimoptError } from '../../src/domain/index.js'
import { CsvSyntaxError, CsvTokenizer } from '../../src/io/csv-tokenizer.js'
import { readProblemFiles, writeProblemFiles, type ProblemFiles } from '../../src/io/problem-files.js'
import { CORRUPTION, corrupt, type Corruption } from '../helpers/byte-corruption.js'
import { runSimopt } from '../helpers/cli.js'
import { VALID_FILES, writeFixture } from '../helpers/fixture-files.js'
import { errorPosition } from '../helpers/input-errors.js'
import { EXTREME, REALISTIC, problemArbitrary } from '../helpers/problem-arbitraries.js'
import { propertyRuns } from '../helpers/property.js'
import { tempDir } from '../helpers/temp-dir.js'

type FileKey = keyof Required<ProblemFiles>
const FILE_KEYS: readonly FileKey[] = ['plans', 'pools', 'commPlans', 'sims']
const BILLING = { periodDays: 30, prorate: true }
/** Far longer than reading these small files takes: reaching it means the reader hangs waiting. */
const HANG_MS = 5000
/** A `simopt optimize` that never exits fails its test at this limit instead of stalling the run. */
const LIMIT = { timeout: 120_000 }

/** The fixture's files, as `simopt optimize` and `readProblemFiles` take them. */
async function fixtureFiles(folder: string): Promise<Required<ProblemFiles>> {
  const args = await writeFixture(folder)
  const file = (flag: string) => args[args.indexOf(flag) + 1]!
  return { plans: file('--plans'), pools: file('--pools'), commPlans: file('--comm-plans'), sims: file('--sims') }
}

/** Reads the files; the outcome is the problem's SIM count, or the input error (any other error fails the test). */
async function readOutcome(files: Required<ProblemFiles>): Promise<{ sims: number } | { error: string }> {
  let timer: NodeJS.Timeout | undefined
  const hang = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${HANG_MS} ms`)), HANG_MS)))
  try {
    const problem = await Promise.race([readProblemFiles(files, BILLING), hang])
    return { sims: problem.sims.count }
  } catch (error) {
    assert.ok(isSimoptError(error), `not an input error: ${error instanceof Error ? error.stack : String(error)}`)
    assert.equal(error.code, 'INPUT_INVALID', error.message)
    return { error: error.message }
  } finally {
    clearTimeout(timer)
  }
}

/** The error names one of the input files, and a line in it unless what is wrong is the whole file. */
async function assertLocated(message: string, files: Required<ProblemFiles>): Promise<void> {
  const position = errorPosition(message)
  const key = FILE_KEYS.find((key) => path.basename(files[key]) === position.file)
  assert.ok(key !== undefined, `names no input file: ${message}`)
  const lines = (await readFile(files[key], 'utf8')).split('\n')
  if (position.line === undefined) {
    // Only a file with no data rows is wrong as a whole (empty, no plans, no SIMs).
    assert.ok(lines.filter((line) => line.trim() !== '').length <= 1, `no line: ${message}`)
  } else {
    assert.ok(position.line >= 1 && position.line <= lines.length, `line ${position.line} of a file of ${lines.length}: ${message}`)
  }
}

const CORRUPTIONS = fc.record({ file: fc.constantFrom(...FILE_KEYS), damage: fc.array(CORRUPTION, { minLength: 1, maxLength: 3 }) })

async function damage(files: Required<ProblemFiles>, key: FileKey, damage: readonly ((length: number) => Corruption)[]): Promise<void> {
  let bytes: Buffer = await readFile(files[key])
  for (const make of damage) bytes = corrupt(bytes, make(bytes.length))
  await writeFile(files[key], bytes)
}

describe('damaged CSV files are read or refused with a position, never a crash or a hang (property)', () => {
  it('the fixture cut, with bytes flipped, NULs and invalid UTF-8', async () => {
    const folder = await tempDir()
    let run = 0
    await fc.assert(
      fc.asyncProperty(CORRUPTIONS, async ({ file, damage: corruptions }) => {
        const files = await fixtureFiles(path.join(folder, String(run++)))
        await damage(files, file, corruptions)
        const outcome = await readOutcome(files)
        if ('error' in outcome) await assertLocated(outcome.error, files)
      }),
      propertyRuns(120),
    )
  })

  it('any written problem, damaged the same ways', async () => {
    const folder = await tempDir()
    let run = 0
    // Realistic sheets, and sheets whose names need quotes, hold line breaks and any Unicode.
    const written = fc.oneof(problemArbitrary({ ...REALISTIC, minSims: 1 }), problemArbitrary(EXTREME))
    await fc.assert(
      fc.asyncProperty(written, CORRUPTIONS, async (problem, { file, damage: corruptions }) => {
        const files = await writeProblemFiles(path.join(folder, String(run++)), problem)
        await damage(files, file, corruptions)
        const outcome = await readOutcome(files)
        if ('error' in outcome) await assertLocated(outcome.error, files)
      }),
      propertyRuns(60),
    )
  })

  it('through simopt optimize: exit 2, one line naming the position, no file written; or a normal run', LIMIT, async () => {
    const folder = await tempDir()
    let run = 0
    let refused = 0
    await fc.assert(
      fc.asyncProperty(CORRUPTIONS, async ({ file, damage: corruptions }) => {
        const base = path.join(folder, String(run++))
        const files = await fixtureFiles(path.join(base, 'in'))
        await damage(files, file, corruptions)
        const expected = await readOutcome(files)
        const out = path.join(base, 'out')
        const cli = await runSimopt([
          'optimize',
          ...['--plans', files.plans, '--pools', files.pools, '--comm-plans', files.commPlans, '--sims', files.sims],
          ...['--out', path.join(out, 'assignment.csv'), '--summary', path.join(out, 'summary.json')],
        ])
        if ('sims' in expected) {
          assert.equal(cli.code, 0, cli.stderr)
          return
        }
        assert.equal(cli.code, 2, cli.stderr)
        refused++
        assert.equal(cli.stdout, '')
        const lines = cli.stderr.trimEnd().split('\n')
        assert.equal(lines.length, 1, `one line of error, got:\n${cli.stderr}`)
        assert.deepEqual(errorPosition(lines[0]!.replace(/^simopt: /, '')), errorPosition(expected.error))
        assert.deepEqual(await readdir(out).catch(() => []), [], 'no output written')
      }),
      propertyRuns(4),
    )
    assert.ok(refused > 0, 'no damage was refused: the runs showed nothing about exit 2')
  })

  it('keeps the fixture valid, so each damage is what the reader sees', async () => {
    const outcome = await readOutcome(await fixtureFiles(await tempDir()))
    assert.deepEqual(outcome, { sims: VALID_FILES.sims.split('\n').length - 1 })
  })
})

describe('the tokenizer on any text (property)', () => {
  /** Records and the error of `text` fed in pieces cut at `cuts`. */
  function outcome(text: string, cuts: readonly number[]): { records: [string[], number][]; error?: number } {
    const records: [string[], number][] = []
    const tokenizer = new CsvTokenizer((fields, line) => records.push([fields, line]))
    try {
      let from = 0
      for (const cut of [...cuts].sort((a, b) => a - b)) {
        tokenizer.push(text.slice(from, Math.max(from, cut)))
        from = Math.max(from, cut)
      }
      tokenizer.push(text.slice(from))
      tokenizer.end()
      return { records }
    } catch (error) {
      assert.ok(error instanceof CsvSyntaxError, `not a syntax error: ${String(error)}`)
      return { records, error: error.line }
    }
  }

  it('gives the same records, or the same syntax error on a line of the text, however the text is cut', () => {
    const char = fc.constantFrom('a', ' ', ',', '"', '"', '\n', '\r', '\t', '\ufeff', '\u0000', '\ufffd')
    fc.assert(
      fc.property(fc.string({ unit: char, maxLength: 40 }), fc.array(fc.nat({ max: 45 }), { maxLength: 5 }), (text, cuts) => {
        const whole = outcome(text, [])
        assert.deepEqual(outcome(text, cuts), whole)
        const lineCount = text.split('\n').length
        for (const [, line] of whole.records) assert.ok(line >= 1 && line <= lineCount, `record on line ${line} of ${lineCount}`)
        if (whole.error !== undefined) assert.ok(whole.error >= 1 && whole.error <= lineCount, `error on line ${whole.error} of ${lineCount}`)
      }),
      propertyRuns(3000),
    )
  })
})
