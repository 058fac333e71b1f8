import { mkdir, rename, rm, stat } from 'node:fs/promises'
import path from 'node:path'
import { SimoptError, quoteInput } from '../domain/index.js'

/** A file a command will write, and the option that named it (messages name the option). */
export interface OutputTarget {
  readonly path: string
  readonly option: string
}

export interface PendingOutput extends OutputTarget {
  /** Writes the whole content to `file` (a temporary name next to the final one). */
  readonly write: (file: string) => Promise<void>
}

/** A file a command reads, and the option that named it. */
export interface InputSource {
  readonly path: string
  readonly option: string
}

/**
 * Refuses, before anything is read or written, an output that is a folder, that is one of the inputs
 * (the same file under another name or through a link too), or that two options name. A missing folder
 * on the way to an output is fine: `writeOutputs` creates it.
 * @throws SimoptError `INPUT_INVALID` naming the option and the path.
 */
export async function checkOutputs(outputs: readonly OutputTarget[], inputs: readonly InputSource[] = []): Promise<void> {
  const seen: { target: OutputTarget; id: string }[] = []
  const inputIds = await Promise.all(inputs.map(async (input) => ({ input, id: await fileIdentity(input.path) })))
  for (const target of outputs) {
    const found = await stat(target.path).catch(() => undefined)
    if (found?.isDirectory() === true) throw outputError(target, 'is a folder; give the name of a file to write')
    const id = await fileIdentity(target.path)
    const input = inputIds.find((candidate) => candidate.id === id)
    if (input !== undefined) throw outputError(target, `is the file given to ${input.input.option}; refusing to overwrite an input`)
    const twice = seen.find((earlier) => earlier.id === id)
    if (twice !== undefined) throw outputError(target, `is also given to ${twice.target.option}; each output needs its own file`)
    seen.push({ target, id })
  }
}

/**
 * Writes every output under a temporary name, then renames them all into place, so that a failure part
 * way leaves no output at all, never a half-written file or a new file beside a stale one. Missing folders
 * on the way are created.
 */
export async function writeOutputs(outputs: readonly PendingOutput[]): Promise<void> {
  await checkOutputs(outputs)
  const temporary = outputs.map((output) => `${output.path}.${process.pid}.partial`)
  let current: OutputTarget | undefined
  try {
    for (const [index, output] of outputs.entries()) {
      current = output
      await mkdir(path.dirname(output.path), { recursive: true })
      await output.write(temporary[index]!)
    }
    for (const [index, output] of outputs.entries()) {
      current = output
      await rename(temporary[index]!, output.path)
    }
  } catch (error) {
    // A temporary file that was never made may sit under a path that is not a folder at all: nothing to remove.
    await Promise.all(temporary.map((file) => rm(file, { force: true }).catch(() => undefined)))
    throw asOutputError(current, error)
  }
}

/** Same device and inode for a file that exists (links, case-insensitive names), else the absolute path. */
async function fileIdentity(file: string): Promise<string> {
  const found = await stat(file).catch(() => undefined)
  return found === undefined ? `path:${path.resolve(file)}` : `inode:${found.dev}:${found.ino}`
}

function outputError(target: OutputTarget, message: string): SimoptError {
  return new SimoptError('INPUT_INVALID', `option ${target.option}: ${quoteInput(target.path)} ${message}`)
}

/** File system refusals a user can fix (a file where a folder is needed, no permission) become one clear line. */
function asOutputError(target: OutputTarget | undefined, error: unknown): unknown {
  if (target === undefined || !(error instanceof Error) || !('code' in error)) return error
  switch (error.code) {
    case 'ENOTDIR':
    case 'EEXIST':
      return outputError(target, 'cannot be written: a file stands where its folder should be')
    case 'EISDIR':
      return outputError(target, 'is a folder; give the name of a file to write')
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return outputError(target, 'cannot be written: permission denied')
    default:
      return error
  }
}
