import { createRequire } from 'node:module'
import { Command, CommanderError } from 'commander'
import { isSimoptError } from '../domain/index.js'
import { EXIT_CODES, exitCodeOf } from './exit-codes.js'

/**
 * Every command, in the order help lists them, with the module that builds it. A command's module is
 * loaded only when the program needs it: a run of one command loads only that one (every module costs
 * start-up time, a quarter of a second for all of them), help and unknown words load them all.
 */
const COMMANDS: readonly (readonly [name: string, load: () => Promise<Command>])[] = [
  ['optimize', async () => (await import('./optimize.command.js')).optimizeCommand()],
  ['generate', async () => (await import('./generate.command.js')).generateCommand()],
  ['db', async () => (await import('./db.command.js')).dbCommand()],
  ['import', async () => (await import('./import.command.js')).importCommand()],
  ['customers', async () => (await import('./customers.command.js')).customersCommand()],
  ['provider', async () => (await import('./provider.command.js')).providerCommand()],
  ['tenant', async () => (await import('./tenant.command.js')).tenantCommand()],
  ['run', async () => (await import('./run.command.js')).runCommand()],
  ['restart', async () => (await import('./run.command.js')).restartCommand()],
  ['worker', async () => (await import('./worker.command.js')).workerCommand()],
  ['status', async () => (await import('./status.command.js')).statusCommand()],
  ['sessions', async () => (await import('./sessions.command.js')).sessionsCommand()],
  ['results', async () => (await import('./results.command.js')).resultsCommand()],
  ['report', async () => (await import('./report.command.js')).reportCommand()],
  ['outbox', async () => (await import('./outbox.command.js')).outboxCommand()],
  ['changes', async () => (await import('./changes.command.js')).changesCommand()],
  ['audit', async () => (await import('./audit.command.js')).auditCommand()],
  ['demo', async () => (await import('./demo.command.js')).demoCommand()],
  ['simulate', async () => (await import('./simulate.command.js')).simulateCommand()],
  ['serve', async () => (await import('./serve.command.js')).serveCommand()],
  ['apikey', async () => (await import('./apikey.command.js')).apikeyCommand()],
  ['config', async () => (await import('./config.command.js')).configCommand()],
  ['cleanup', async () => (await import('./cleanup.command.js')).cleanupCommand()],
  ['backup', async () => (await import('./backup.command.js')).backupCommand()],
  ['restore', async () => (await import('./backup.command.js')).restoreCommand()],
  ['schedule', async () => (await import('./schedule.command.js')).scheduleCommand()],
]

/** The program with every command, or only the one named (its help and errors are the same either way). */
export async function buildProgram(only?: string): Promise<Command> {
  const program = new Command('simopt')
    .description('simopt: the cheapest assignment of IoT / M2M SIM cards to carrier rate plans')
    .version(packageVersion(), '-V, --version', 'print the version of simopt')
    .exitOverride()
    // A command's options stay its own: a parent's option of the same name never takes a subcommand's
    // (commander requires this here for `changes` to keep its filter options from `changes approve`).
    .enablePositionalOptions()
    .showHelpAfterError('(run simopt help for the commands and their options)')
  const wanted = COMMANDS.filter(([name]) => only === undefined || name === only)
  for (const command of await Promise.all(wanted.map(([, load]) => load()))) program.addCommand(command)
  return program
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
  // The command is the first word; a word no command has (or none: help) needs them all.
  const word = argv[0]
  const program = await buildProgram(COMMANDS.some(([name]) => name === word) ? word : undefined)
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
