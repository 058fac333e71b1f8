/**
 * What-if: a price sheet and a fleet uploaded as the files of `simopt optimize` (multipart), optimized
 * the same way, answered with the summary and the first rows of the assignment. Nothing is stored: the
 * files live in a temp folder for the request only.
 *
 * Its body is multipart: `onFile` saves each file to the temp folder and leaves `{file}` in the body, which the
 * contract checks and documents as a binary field; the other fields arrive as text and are coerced.
 */
import { createWriteStream } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { pipeline } from 'node:stream/promises'
import multipart, { type MultipartFile } from '@fastify/multipart'
import type { FastifyRequest } from 'fastify'
import { z } from 'zod'
import { SimoptError, isSimoptError, quoteInput } from '../../domain/index.js'
import { writeReportCsv, writeReportWorkbook } from '../../io/report/index.js'
import { whatIf, whatIfReport } from '../../services/reports.service.js'
import { replies, type ZodApp } from '../contract.js'
import type { ApiDeps } from '../deps.js'
import { CSV, fileAnswer, sendTempFile, WORKBOOK } from '../download.js'
import { optimizerInfoSchema } from '../../store/index.js'

/** Upload fields and the file names they are saved as (error messages name the file by these). */
const FILES = { plans: 'plans.csv', commPlans: 'comm_plans.csv', sims: 'sims.csv', pools: 'pools.csv' } as const
type FileField = keyof typeof FILES

interface Uploaded {
  readonly file: string
}

/** A file field as `onFile` leaves it in the body; documented as the binary upload it was. */
const uploaded = (name: string) =>
  z.custom<Uploaded>((value) => typeof value === 'object' && value !== null && typeof (value as Uploaded).file === 'string', { error: `must be an uploaded file (${name})` }).meta({ type: 'string', format: 'binary', description: name })

/** Multipart fields arrive as text ("true"); a JSON client may send the boolean itself. */
const flag = z.union([z.boolean(), z.stringbool()])

const whatIfBody = z.object({
  plans: uploaded('plans.csv'),
  commPlans: uploaded('comm_plans.csv'),
  sims: uploaded('sims.csv'),
  pools: uploaded('pools.csv (optional)').optional(),
  periodDays: z.coerce.number().int().min(1).max(366).default(30),
  prorate: flag.default(false),
  rows: z.coerce.number().int().min(0).max(1000).default(100).describe('how many assignment rows to return'),
})

const whatIfDownloadBody = whatIfBody.omit({ rows: true }).extend({
  format: z.enum(['csv', 'xlsx']).default('csv').describe('csv: every SIM, the columns of the report CSV; xlsx: the workbook (summary, assignments, plans, changes)'),
})


const whatIfAnswer = z.object({
  summary: z.object({
    strategy: z.string(),
    sims: z.number().int(),
    plans: z.number().int(),
    changes: z.number().int(),
    costBefore: z.number(),
    costAfter: z.number(),
    savings: z.number(),
    savingsPct: z.number(),
    lowerBound: z.number().nullable(),
    gapPct: z.number().nullable(),
    baselineCost: z.number().describe("the old system's (seed strategy's) cost"),
    seconds: z.number(),
    optimizer: optimizerInfoSchema.describe("the optimizer's result info: status, components, evaluations, time per phase"),
  }),
  rows: z.array(
    z.object({ iccid: z.string(), commPlan: z.string(), currentPlan: z.string(), newPlan: z.string(), usageMb: z.number(), costBefore: z.number(), costAfter: z.number() }),
  ),
})

export async function whatIfRoutes(app: ZodApp, { config }: ApiDeps): Promise<void> {
  const folders = new WeakMap<FastifyRequest, string>()
  const folderOf = async (request: FastifyRequest) => {
    let folder = folders.get(request)
    if (folder === undefined) folders.set(request, (folder = await mkdtemp(path.join(tmpdir(), 'simopt-what-if-'))))
    return folder
  }
  // Files go straight to disk: a million-SIM file never sits in memory whole.
  async function onFile(this: FastifyRequest, part: MultipartFile): Promise<void> {
    if (!(part.fieldname in FILES)) {
      part.file.resume()
      throw new SimoptError('INPUT_INVALID', `body/${quoteInput(part.fieldname, { bare: true })} is not an upload field (plans, commPlans, sims, pools)`)
    }
    const target = path.join(await folderOf(this), FILES[part.fieldname as FileField])
    await pipeline(part.file, createWriteStream(target))
    if (part.file.truncated) throw new SimoptError('PAYLOAD_TOO_LARGE', `body/${part.fieldname} is larger than ${config.bodyLimitBytes} bytes`)
    // The body's value for this field: where the file is (`file` also satisfies the schema's `isFile`).
    part.value = { file: target } satisfies Uploaded
  }
  // Multipart bodies bypass fastify's body limit; the declared length is checked before any is read.
  const refuseLargeBody = async (request: FastifyRequest) => {
    if (Number(request.headers['content-length'] ?? 0) > config.bodyLimitBytes) throw new SimoptError('PAYLOAD_TOO_LARGE', `request body is larger than ${config.bodyLimitBytes} bytes`)
  }
  await app.register(multipart, { attachFieldsToBody: 'keyValues', onFile, limits: { fileSize: config.bodyLimitBytes, files: 4, fields: 10, parts: 14 } })
  const removeFolder = async (request: FastifyRequest) => {
    const folder = folders.get(request)
    if (folder !== undefined) await rm(folder, { recursive: true, force: true })
  }
  // The multipart parser (busboy) throws plain errors ("Unexpected end of form", "Multipart: Boundary not
  // found") for a body that is not well formed: the caller's fault, so 400, not the 500 of an unknown error.
  // Only while the body is parsed: once the handler runs, an unknown error is ours again.
  const handled = new WeakSet<FastifyRequest>()
  app.setErrorHandler((error, request) => {
    if (!handled.has(request) && isMalformedUpload(error)) throw new SimoptError('INPUT_INVALID', `body: not a well-formed multipart upload: ${quoteInput(error.message)}`)
    throw error
  })
  app.addHook('onResponse', removeFolder)
  app.addHook('onRequestAbort', removeFolder)

  app.post(
    '/api/what-if',
    {
      config: { role: 'operator' },
      onRequest: refuseLargeBody,
      schema: {
        operationId: 'whatIf',
        tags: ['what-if'],
        summary: 'optimize uploaded files (the files of simopt optimize) without storing anything: the summary and the first rows',
        consumes: ['multipart/form-data'],
        body: whatIfBody,
        response: replies({ 200: whatIfAnswer }),
      },
    },
    async (request) => {
      handled.add(request)
      const { body } = request
      const files = { plans: body.plans.file, commPlans: body.commPlans.file, sims: body.sims.file, pools: body.pools?.file }
      return whatIf(files, { periodDays: body.periodDays, prorate: body.prorate }, body.rows)
    },
  )

  // The same files again, answered with every SIM: nothing is kept between the two requests.
  app.post(
    '/api/what-if/download',
    {
      config: { role: 'operator' },
      onRequest: refuseLargeBody,
      schema: {
        operationId: 'downloadWhatIf',
        tags: ['what-if'],
        summary: 'optimize uploaded files as whatIf does, answered with every SIM: the report CSV or the workbook',
        consumes: ['multipart/form-data'],
        body: whatIfDownloadBody,
        produces: [CSV, WORKBOOK],
        response: replies({ 200: fileAnswer('the CSV file or the workbook') }),
      },
    },
    async (request, reply) => {
      handled.add(request)
      const { body } = request
      const files = { plans: body.plans.file, commPlans: body.commPlans.file, sims: body.sims.file, pools: body.pools?.file }
      const source = await whatIfReport(files, { periodDays: body.periodDays, prorate: body.prorate })
      return body.format === 'xlsx'
        ? sendTempFile(reply, { name: 'simopt-what-if.xlsx', type: WORKBOOK }, (file) => writeReportWorkbook(file, source))
        : sendTempFile(reply, { name: 'simopt-what-if.csv', type: `${CSV}; charset=utf-8` }, (file) => writeReportCsv(file, source))
    },
  )
}

/** An error of the body's parsing that is not one of ours, of fastify's (they carry a status) or of the system (they carry a code). */
function isMalformedUpload(error: unknown): error is Error {
  if (!(error instanceof Error) || isSimoptError(error)) return false
  const { statusCode, code } = error as { statusCode?: unknown; code?: unknown }
  return statusCode === undefined && code === undefined
}
