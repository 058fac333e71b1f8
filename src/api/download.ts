/**
 * Files too big to hold in memory (a million SIMs' CSV or workbook): written to a temp folder by the
 * report writers, streamed to the client, and removed once the answer ends, however it ends.
 */
import { createReadStream } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { FastifyReply } from 'fastify'
import { z } from 'zod'

/** Media types of the downloads. */
export const CSV = 'text/csv'
export { WORKBOOK_MEDIA_TYPE as WORKBOOK } from '../io/report/index.js'

export async function sendTempFile(reply: FastifyReply, file: { name: string; type: string }, write: (target: string) => Promise<unknown>): Promise<FastifyReply> {
  const folder = await mkdtemp(path.join(tmpdir(), 'simopt-download-'))
  const remove = () => void rm(folder, { recursive: true, force: true })
  try {
    const target = path.join(folder, file.name)
    await write(target)
    const stream = createReadStream(target)
    stream.once('close', remove)
    reply.raw.once('close', () => stream.destroy())
    return reply.type(file.type).header('content-disposition', `attachment; filename="${file.name}"`).send(stream)
  } catch (error) {
    remove()
    throw error
  }
}

/**
 * A download's answer, for the OpenAPI document (binary; its media type is the route's `produces`). A
 * stream is sent as it is: this schema never checks the bytes.
 */
export function fileAnswer(description: string) {
  return z.string().meta({ format: 'binary' }).describe(description)
}
