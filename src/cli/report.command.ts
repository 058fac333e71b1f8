/** `simopt report SESSION --xlsx FILE [--csv FILE]`: the workbook and the CSV of a finished session, made from what is stored. */
import { Command } from 'commander'
import { SimoptError } from '../domain/index.js'
import { checkOutputs, writeOutputs, type OutputTarget, type PendingOutput } from '../io/index.js'
import { writeReportCsv, writeReportWorkbook } from '../io/report/index.js'
import { writeFile } from 'node:fs/promises'
import { customerSessionReport, sessionReport } from '../services/reports.service.js'
import { formatCount } from './format.js'
import { withService } from './service.js'

export function reportCommand(): Command {
  return new Command('report')
    .description('write the Excel workbook (Summary, Assignments, Plans, Changes) and the CSV of a finished session')
    .argument('<session>', 'session id')
    .option('--xlsx <file>', 'workbook to write')
    .option('--csv <file>', 'CSV of the assignments to write')
    .action(async (sessionId: string, options: { xlsx?: string; csv?: string }) => {
      if (options.xlsx === undefined && options.csv === undefined) throw new SimoptError('INPUT_INVALID', 'give --xlsx FILE, --csv FILE or both')
      const targets: OutputTarget[] = []
      if (options.xlsx !== undefined) targets.push({ path: options.xlsx, option: '--xlsx' })
      if (options.csv !== undefined) targets.push({ path: options.csv, option: '--csv' })
      await checkOutputs(targets)
      await withService(async (service) => {
        const customers = await customerSessionReport(service, sessionId)
        if (customers !== undefined) {
          // A customer session: its workbook has a Summary sheet and a sheet per customer; its CSV is `simopt results`.
          if (options.csv !== undefined) throw new SimoptError('INPUT_INVALID', 'a customer session has no report CSV; simopt results SESSION --out FILE writes every SIM of every customer')
          await writeOutputs([{ path: options.xlsx!, option: '--xlsx', write: (file) => writeFile(file, customers.content) }])
          process.stdout.write(`wrote the report of ${formatCount(customers.sims)} SIMs to ${options.xlsx}\n`)
          return
        }
        const source = await sessionReport(service, sessionId)
        const outputs: PendingOutput[] = []
        if (options.xlsx !== undefined) outputs.push({ path: options.xlsx, option: '--xlsx', write: (file) => writeReportWorkbook(file, source).then(() => undefined) })
        if (options.csv !== undefined) outputs.push({ path: options.csv, option: '--csv', write: (file) => writeReportCsv(file, source).then(() => undefined) })
        await writeOutputs(outputs)
        process.stdout.write(`wrote the report of ${formatCount(source.summary.sims)} SIMs to ${outputs.map((output) => output.path).join(' and ')}\n`)
      })
    })
}
