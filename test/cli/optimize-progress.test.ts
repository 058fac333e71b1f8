/**
 * `simopt optimize` on a terminal says what it is doing (reading, components solved, writing) on a line of
 * standard error redrawn in place, cleared before the answer; in a pipe it writes nothing there
 * (optimize-example.test.ts). The terminal is a real pseudo-terminal: util-linux's `script`.
 */
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import path from 'node:path'
import { promisify } from 'node:util'
import { it } from 'node:test'
import { CLI_MAIN, EXAMPLES } from '../helpers/paths.js'
import { tempDir } from '../helpers/temp-dir.js'

const run = promisify(execFile)

it('simopt optimize on a terminal shows its progress, then the same answer as in a pipe', async (t) => {
  try {
    await run('script', ['--version'])
  } catch {
    if (process.env.CI === 'true') throw new Error("util-linux's script is needed for a pseudo-terminal")
    return t.skip('skipped: script (util-linux) is not installed')
  }
  const folder = await tempDir()
  const quote = (text: string) => `'${text.replaceAll("'", "'\\''")}'`
  const inputs = ['plans', 'pools', 'comm-plans', 'sims'].flatMap((name) => [`--${name}`, path.join(EXAMPLES, `${name.replace('-', '_')}.csv`)])
  const args = ['optimize', ...inputs, '--summary', path.join(folder, 'summary.json')]
  const command = (out: string) => [process.execPath, CLI_MAIN, ...args, '--out', path.join(folder, out)].map(quote).join(' ')
  // script runs the command on a pseudo-terminal: standard output and error both arrive on it.
  const terminal = (await run('script', ['-qec', command('tty.csv'), '/dev/null'], { env: { ...process.env, SIMOPT_SCHEDULE_CRON: 'off' } })).stdout
  const pipe = await run(process.execPath, [CLI_MAIN, ...args, '--out', path.join(folder, 'pipe.csv')])
  assert.equal(pipe.stderr, '')

  assert.match(terminal, /\rreading the files \(\d+ s\)\x1b\[K/)
  assert.match(terminal, /\roptimizing: 0 of 1 component solved \(\d+ s\)\x1b\[K/)
  assert.match(terminal, /\roptimizing: 1 of 1 component solved \(\d+ s\)\x1b\[K/)
  assert.match(terminal, /\rwriting the files \(\d+ s\)\x1b\[K\r\x1b\[K {2}strategy/, 'the line is cleared before the answer')
  // The answer is the same: solved on a worker thread on the terminal, inline in the pipe.
  const answer = terminal.slice(terminal.lastIndexOf('\x1b[K') + 3).replaceAll('\r\n', '\n')
  assert.equal(answer.replace('tty.csv', 'pipe.csv'), pipe.stdout)
})
