import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after } from 'node:test'

/** A fresh folder under the system's temp folder, removed when the test file's tests are done. */
export async function tempDir(prefix = 'simopt-test-'): Promise<string> {
  const folder = await mkdtemp(path.join(tmpdir(), prefix))
  after(() => rm(folder, { recursive: true, force: true }))
  return folder
}
