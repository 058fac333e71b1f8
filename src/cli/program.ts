import { createRequire } from 'node:module'
import { Command, CommanderError } from 'commander'
import { isSimoptError } from '../domain/index.js'
import { EXIT_CODES, exitCodeOf } from './exit-codes.js'
import { apikeyCommand } from './apikey.command.js'
import { auditCommand } from './audit.command.js'
import { backupCommand, restoreCommand } from './backup.command.js'
import { changesCommand } from './changes.command.js'
import { cleanupCommand } from './cleanup.command.js'
import { configCommand } from './config.command.js'
import { dbCommand } from './db.command.js'
import { demoCommand } from './demo.command.js'
import { generateCommand } from './generate.command.js'
import { importCommand } from './import.command.js'
import { optimizeCommand } from './optimize.command.js'
import { outboxCommand } from './outbox.command.js'
import { providerCommand } from './provider.command.js'
import { reportCommand } from './report.command.js'
import { resultsCommand } from './results.command.js'
import { serveCommand } from './serve.command.js'
import { sessionsCommand } from './sessions.command.js'
import { simulateCommand } from './simulate.command.js'
import { restartCommand, runCommand } from './run.command.js'
import { scheduleCommand } from './schedule.command.js'
import { statusCommand } from './status.command.js'
import { tenantCommand } from './tenant.command.js'
import { workerCommand } from './worker.command.js'

export function buildProgram(): Command {
  return new Command('simopt')
    .description('simopt: the cheapest assignment of IoT / M2M SIM cards to carrier rate plans')
    .version(packageVersion(), '-V, --version', 'print the version of simopt')
    .exitOverride()
    // A command's options stay its own: a parent's option of the same name never takes a subcommand's
    // (commander requires this here for `changes` to keep its filter options from `changes approve`).
    .enablePositionalOptions()
    .showHelpAfterError('(run simopt help for the commands and their options)')
    .addCommand(optimizeCommand())
    .addCommand(generateCommand())
    .addCommand(dbCommand())
    .addCommand(importCommand())
    .addCommand(providerCommand())
    .addCommand(tenantCommand())
    .addCommand(runCommand())
    .addCommand(restartCommand())
    .addCommand(workerCommand())
    .addCommand(statusCommand())
    .addCommand(sessionsCommand())
    .addCommand(resultsCommand())
    .addCommand(reportCommand())
    .addCommand(outboxCommand())
    .addCommand(changesCommand())
    .addCommand(auditCommand())
    .addCommand(demoCommand())
    .addCommand(simulateCommand())
    .addCommand(serveCommand())
    .addCommand(apikeyCommand())
    .addCommand(configCommand())
    .addCommand(cleanupCommand())
    .addCommand(backupCommand())
    .addCommand(restoreCommand())
    .addCommand(scheduleCommand())
}

/** The version in package.json, two folders above the built `dist/src/cli/`, as in the source tree. */
function packageVersion(): string {
  const { version } = createRequire(import.meta.url)('../../../package.json') as { version: string }
  return version
}

/**
 * `help provider add` as `provider add --help`: commander's own help command looks at its first argument
 * only, and would print the help of `provider` instead.
 */
function helpOfSubcommand(argv: readonly string[]): readonly string[] {
  return argv[0] === 'help' && argv.length > 2 && !argv.includes('--help') ? [...argv.slice(1), '--help'] : argv
}

/** Runs the command line and returns the exit code; errors are reported on standard error, one line each. */
export async function runCli(argv: readonly string[]): Promise<number> {
  const program = buildProgram()
  for (const command of program.commands) command.exitOverride()
  try {
    await program.parseAsync([...helpOfSubcommand(argv)], { from: 'user' })
    // A command that finished but reports a failure (say, `run --wait` on a session that failed) set it.
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT_CODES.OK
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has already printed its message (or the help text).
      return error.exitCode === 0 ? EXIT_CODES.OK : EXIT_CODES.USAGE
    }
    if (isSimoptError(error)) {
      process.stderr.write(`simopt: ${error.message}\n`)
      return exitCodeOf(error.code)
    }
    process.stderr.write(`simopt: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
    return EXIT_CODES.INTERNAL
  }
}
