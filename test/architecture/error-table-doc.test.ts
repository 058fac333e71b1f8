/** docs/architecture.md shows the error table; it must say what src/domain/errors.ts does. */
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { it } from 'node:test'
import { ERROR_TABLE } from '../../src/domain/index.js'
import { REPO_ROOT } from '../helpers/paths.js'

it("docs/architecture.md's error table matches the codes, statuses, exit codes and retries of the one table", async () => {
  const doc = await readFile(path.join(REPO_ROOT, 'docs', 'architecture.md'), 'utf8')
  const rows = new Map(
    [...doc.matchAll(/^\| `([A-Z_]+)` \| (\d{3}) \| (\d) \| (yes|no) \|$/gm)].map((match) => [match[1]!, `${match[2]} ${match[3]} ${match[4]}`]),
  )
  const expected = new Map(Object.entries(ERROR_TABLE).map(([code, spec]) => [code, `${spec.httpStatus} ${spec.exitCode} ${spec.retryable ? 'yes' : 'no'}`]))
  assert.deepEqual(rows, expected)
})
