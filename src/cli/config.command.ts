/**
 * `simopt config`: the configuration the other commands would run with, every setting with where its value
 * came from (the environment, the old system's name, or the default), secrets masked. A bad setting stops
 * it as it stops every command: exit 2 and the variable's name.
 */
import { Command } from 'commander'
import { effectiveSettings, type EffectiveSetting } from '../config.js'

export function configCommand(): Command {
  return new Command('config')
    .description('print the effective configuration (secrets masked) and where each setting came from')
    .option('--json', 'as JSON: [{ name, value, source, oldName }]')
    .action((options: { json?: boolean }) => {
      const { settings, unknown } = effectiveSettings()
      if (options.json === true) {
        process.stdout.write(`${JSON.stringify({ settings: settings.map((s) => ({ ...s, value: s.value ?? null, oldName: s.oldName ?? null })), unknown }, null, 2)}\n`)
        return
      }
      process.stdout.write(formatSettings(settings))
      // Zod drops variables it does not know: a misspelt setting would otherwise go unnoticed.
      for (const name of unknown) process.stderr.write(`simopt: ${name} is not a setting simopt reads (misspelt?); it is ignored\n`)
    })
}

export function formatSettings(settings: readonly EffectiveSetting[]): string {
  const nameWidth = Math.max(...settings.map((s) => s.name.length))
  const values = settings.map((s) => s.value ?? '(unset)')
  const valueWidth = Math.max(...values.map((v) => v.length))
  const lines = settings.map((s, i) => {
    const source = s.source === 'old name' ? `from ${s.oldName}` : s.source
    return `  ${s.name.padEnd(nameWidth)}  ${values[i]!.padEnd(valueWidth)}  ${source}`
  })
  return `${lines.join('\n')}\n`
}
