/** `simopt results SESSION --out FILE.csv`: the winning assignment of a finished session, as `assignment.csv`. */
import { Command } from 'commander'
import { ASSIGNMENT_COLUMNS, assignmentLine, checkOutputs, csvField, writeCsvLines, writeOutputs } from '../io/index.js'
import { sessionAssignment } from '../services/reports.service.js'
import { resultCosts } from '../store/index.js'
import { formatCount } from './format.js'
import { withService } from './service.js'

export function resultsCommand(): Command {
  return new Command('results')
    .description('write the winning assignment of a finished session (columns as assignment.csv)')
    .argument('<session>', 'session id')
    .requiredOption('--out <file>', 'CSV file to write')
    .action(async (sessionId: string, options: { out: string }) => {
      await checkOutputs([{ path: options.out, option: '--out' }])
      await withService(async (service) => {
        const assignment = await sessionAssignment(service, sessionId)
        let rows = 0
        await writeOutputs([
          {
            path: options.out,
            option: '--out',
            write: (file) =>
              writeCsvLines(
                file,
                ASSIGNMENT_COLUMNS,
                (async function* () {
                  for await (const row of assignment) {
                    rows++
                    yield assignmentLine(
                      csvField(row.iccid),
                      csvField(row.comm_plan),
                      csvField(row.current_plan),
                      csvField(row.new_plan),
                      row.usage_mb,
                      { monthly: row.monthly_after, overage: row.overage_after, sms: row.sms_after },
                      resultCosts(row).before,
                    )
                  }
                })(),
              ),
          },
        ])
        process.stdout.write(`wrote ${formatCount(rows)} SIMs to ${options.out}\n`)
      })
    })
}
