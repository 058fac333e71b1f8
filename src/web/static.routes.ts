/**
 * The dashboard: hand-written HTML, CSS and browser modules in `src/web/public/`, served as they are (no
 * build step). They are read from the source folder beside the compiled code's root, so `dist/` and any
 * other output folder serve the same files.
 */
import { readFile, readdir } from 'node:fs/promises'
import path from 'node:path'
import { z } from 'zod'
import type { ZodApp } from '../api/contract.js'

/** `<repository>/src/web/public`, from `<repository>/<out>/src/web/`. */
export const PUBLIC_DIR = path.resolve(import.meta.dirname, '../../../src/web/public')

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
}

export async function webRoutes(app: ZodApp): Promise<void> {
  // The file list is fixed at start: a request can only ever name one of these, never a path of its own.
  const files = await listFiles(PUBLIC_DIR)
  const send = async (name: string, reply: import('fastify').FastifyReply) => {
    const type = TYPES[path.extname(name)]
    if (!files.has(name) || type === undefined) return reply.status(404).send({ code: 'NOT_FOUND', message: `no file ${name}` })
    return reply.type(type).header('cache-control', 'no-cache').send(await readFile(path.join(PUBLIC_DIR, name)))
  }
  app.get('/', { schema: { operationId: 'getDashboard', tags: ['dashboard'], summary: 'the dashboard', produces: ['text/html'] } }, async (_request, reply) => send('index.html', reply))
  app.get(
    '/web/*',
    {
      schema: {
        operationId: 'getDashboardFile',
        tags: ['dashboard'],
        summary: "the dashboard's scripts and styles",
        params: z.object({ '*': z.string().regex(/^[a-z0-9-]+(\/[a-z0-9-]+)*\.(js|css|svg)$/, { error: 'must name a file of the dashboard' }) }),
      },
    },
    async (request, reply) => send(request.params['*'], reply),
  )
}

async function listFiles(folder: string): Promise<Set<string>> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true })
  return new Set(entries.filter((entry) => entry.isFile()).map((entry) => path.relative(folder, path.join(entry.parentPath, entry.name)).split(path.sep).join('/')))
}
