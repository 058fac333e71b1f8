/** `simopt audit [--session S] [--iccid X]`: every step of pushing rate plan changes, who or what did it, and when. */
import { Command } from 'commander'
import { z } from 'zod'
import { auditLog } from '../services/operations.service.js'
import { parseOption } from './options.js'
import { formatTime } from './session-summary.js'
import { withService } from './service.js'

export function auditCommand(): Command {
  return new Command('audit')
    .description('the audit log of rate plan changes: decisions, approvals, pushes, verifications')
    .option('--session <id>', 'only this session')
    .option('--iccid <iccid>', 'only this SIM')
    .option('--limit <n>', 'the latest this many entries', '200')
    .action(async (options: { session?: string; iccid?: string; limit: string }) => {
      const limit = parseOption('--limit', options.limit, z.coerce.number().int().min(1).max(1_000_000))
      await withService(async (service) => {
        const entries = await auditLog(service, { sessionId: options.session, iccid: options.iccid, limit })
        if (entries.length === 0) return void process.stdout.write('no audit entries\n')
        const lines = entries.map((entry) => `  ${formatTime(entry.at)}  ${entry.actor.padEnd(12)}  ${entry.action.padEnd(22)}  ${entry.iccid ?? '-'}  ${entry.detail}`)
        process.stdout.write(`${lines.join('\n')}\n`)
      })
    })
}
