/**
 * The adapters' borders (docs/architecture.md): SQL is written in `src/store` only, and the rest of the code
 * reaches the store through `store/index.ts`.
 */
import assert from 'node:assert/strict'
import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import { describe, it } from 'node:test'
import { REPO_ROOT } from '../helpers/paths.js'

const SRC = path.join(REPO_ROOT, 'src')

async function sourceFiles(): Promise<string[]> {
  const entries = await readdir(SRC, { withFileTypes: true, recursive: true })
  return entries.filter((entry) => entry.isFile() && entry.name.endsWith('.ts')).map((entry) => path.relative(SRC, path.join(entry.parentPath, entry.name)))
}

const outsideStore = async () => (await sourceFiles()).filter((file) => !file.startsWith(`store${path.sep}`))

describe('architecture: the store', () => {
  it('no file outside src/store imports kysely or builds a query', async () => {
    const offenders: string[] = []
    for (const file of await outsideStore()) {
      const source = await readFile(path.join(SRC, file), 'utf8')
      if (/from\s+['"]kysely['"]/.test(source) || /\.(selectFrom|insertInto|updateTable|deleteFrom|selectNoFrom)\(|\bsql`/.test(source)) offenders.push(file)
    }
    assert.deepEqual(offenders, [], 'SQL belongs in src/store: move these queries into a repository there')
  })

  it('code outside src/store imports it through store/index.ts only', async () => {
    const offenders: string[] = []
    for (const file of await outsideStore()) {
      const source = await readFile(path.join(SRC, file), 'utf8')
      for (const match of source.matchAll(/from\s+['"]((?:\.\.?\/)+store\/[^'"]+)['"]/g)) {
        if (!match[1]!.endsWith('store/index.js')) offenders.push(`${file} imports ${match[1]}`)
      }
    }
    assert.deepEqual(offenders, [], 'import the store from store/index.js')
  })
})
