import assert from 'node:assert/strict'
import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import { describe, it } from 'node:test'
import { REPO_ROOT } from '../helpers/paths.js'

/** The pure core may use these Node modules (threads for the optimizer), nothing that does I/O. */
const CORE_MAY_IMPORT = new Set(['node:worker_threads', 'node:os'])
const CORE = ['domain', 'optimizer']

async function sourceFiles(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true, recursive: true })
  return entries.filter((entry) => entry.isFile() && entry.name.endsWith('.ts')).map((entry) => path.join(entry.parentPath, entry.name))
}

function importsOf(source: string): string[] {
  return [...source.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)].map(
    (match) => (match[1] ?? match[2])!,
  )
}

describe('architecture', () => {
  for (const module of CORE) {
    it(`src/${module} imports nothing from adapters or I/O libraries`, async () => {
      const root = path.join(REPO_ROOT, 'src', module)
      const files = await sourceFiles(root)
      assert.ok(files.length > 0)
      for (const file of files) {
        for (const specifier of importsOf(await readFile(file, 'utf8'))) {
          const where = `${path.relative(REPO_ROOT, file)} imports ${specifier}`
          if (!specifier.startsWith('.')) {
            assert.ok(CORE_MAY_IMPORT.has(specifier), where)
            continue
          }
          const target = path.relative(path.join(REPO_ROOT, 'src'), path.resolve(path.dirname(file), specifier))
          const targetModule = target.split(path.sep)[0]!
          const allowed = module === 'domain' ? ['domain'] : CORE
          assert.ok(allowed.includes(targetModule), where)
        }
      }
    })
  }
})
