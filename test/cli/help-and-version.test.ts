/** `simopt --version` and `simopt help <command> <subcommand>`: what a user types first. */
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { describe, it } from 'node:test'
import { runSimopt } from '../helpers/cli.js'
import { REPO_ROOT } from '../helpers/paths.js'

describe('help and version', () => {
  it('simopt --version prints the version of package.json', async () => {
    const { version } = JSON.parse(await readFile(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }
    for (const flag of ['--version', '-V']) {
      const run = await runSimopt([flag])
      assert.equal(run.code, 0, run.stderr)
      assert.equal(run.stdout, `${version}\n`)
    }
  })

  it('simopt help provider add prints the help of provider add, as provider add --help does', async () => {
    const help = await runSimopt(['help', 'provider', 'add'])
    assert.equal(help.code, 0, help.stderr)
    assert.match(help.stdout, /^Usage: simopt provider add \[options\]/)
    assert.match(help.stdout, /--integration/)
    assert.equal(help.stdout, (await runSimopt(['provider', 'add', '--help'])).stdout)
  })

  it('simopt help provider still prints the help of provider', async () => {
    const help = await runSimopt(['help', 'provider'])
    assert.equal(help.code, 0, help.stderr)
    assert.match(help.stdout, /^Usage: simopt provider \[options\] \[command\]/)
  })

  it('simopt help sessions cancel names what cancelling does', async () => {
    const help = await runSimopt(['help', 'sessions', 'cancel'])
    assert.equal(help.code, 0, help.stderr)
    assert.match(help.stdout, /^Usage: simopt sessions cancel \[options\] <session>/)
  })
})
