import { mkdir, rename, rm } from 'node:fs/promises'
import path from 'node:path'

export interface PendingOutput {
  readonly path: string
  /** Writes the whole content to `file` (a temporary name next to the final one). */
  readonly write: (file: string) => Promise<void>
}

/**
 * Writes every output under a temporary name, then renames them all into place, so that a failure part
 * way leaves no output at all, never a half-written file or a new file beside a stale one.
 */
export async function writeOutputs(outputs: readonly PendingOutput[]): Promise<void> {
  const temporary = outputs.map((output) => `${output.path}.${process.pid}.partial`)
  try {
    for (const [index, output] of outputs.entries()) {
      await mkdir(path.dirname(output.path), { recursive: true })
      await output.write(temporary[index]!)
    }
    for (const [index, output] of outputs.entries()) await rename(temporary[index]!, output.path)
  } catch (error) {
    await Promise.all(temporary.map((file) => rm(file, { force: true })))
    throw error
  }
}
