/**
 * The README's example output is the real output of the command it documents: each block marked
 * `<!-- readme-output: NAME -->` is compared with what the `sh` block before it prints when run, in a folder
 * where `examples/` is the repository's. `UPDATE_README=1` writes the output into the README instead.
 */
import assert from 'node:assert/strict'
import { readFile, symlink, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { describe, it } from 'node:test'
import { runSimopt } from '../helpers/cli.js'
import { EXAMPLES, REPO_ROOT } from '../helpers/paths.js'
import { tempDir } from '../helpers/temp-dir.js'

const README = path.join(REPO_ROOT, 'README.md')
const MARKER = /<!-- readme-output: ([a-z-]+) -->\n```\n([\s\S]*?)```\n/g
const NPM_PREFIX = 'npm run --silent simopt -- '

interface OutputBlock {
  readonly name: string
  /** The arguments of the last `simopt` command in the `sh` block above the marker. */
  readonly args: readonly string[]
  readonly output: string
  /** Where the output starts and ends in the README. */
  readonly start: number
  readonly end: number
}

function outputBlocks(readme: string): OutputBlock[] {
  return [...readme.matchAll(MARKER)].map((match) => {
    const above = readme.slice(0, match.index)
    const sh = [...above.matchAll(/```sh\n([\s\S]*?)```/g)].at(-1)
    if (sh === undefined) throw new Error(`README output ${match[1]} has no sh block above it`)
    const command = sh[1]!.replace(/\\\n/g, ' ').split('\n').filter((line) => line.startsWith(NPM_PREFIX)).at(-1)
    if (command === undefined) throw new Error(`the sh block above README output ${match[1]} runs no simopt command`)
    const start = match.index + match[0].indexOf('```\n') + 4
    return { name: match[1]!, args: command.slice(NPM_PREFIX.length).trim().split(/\s+/), output: match[2]!, start, end: start + match[2]!.length }
  })
}

describe('the README shows the real output of its commands', async () => {
  const readme = await readFile(README, 'utf8')
  const blocks = outputBlocks(readme)

  it('has the blocks this test keeps', () => {
    assert.deepEqual(blocks.map((block) => block.name), ['optimize', 'customers'])
  })

  const outputs = new Map<string, string>()
  for (const block of blocks) {
    it(`simopt ${block.args[0]}: README block "${block.name}"`, async () => {
      // The documented paths (examples/…, assignment.csv) resolved in a folder of the test's own.
      const folder = await tempDir()
      await symlink(EXAMPLES, path.join(folder, 'examples'))
      const run = await runSimopt(block.args, { cwd: folder })
      assert.equal(run.code, 0, run.stderr)
      outputs.set(block.name, run.stdout)
      if (process.env.UPDATE_README !== '1') assert.equal(block.output, run.stdout, 'the README block differs from the output: run this test with UPDATE_README=1 to write it')
    })
  }

  if (process.env.UPDATE_README === '1') {
    it('writes the outputs into the README', async () => {
      let updated = readme
      // From the last block back, so that the earlier blocks' positions still hold.
      for (const block of [...blocks].reverse()) updated = updated.slice(0, block.start) + outputs.get(block.name)! + updated.slice(block.end)
      await writeFile(README, updated)
    })
  }
})
