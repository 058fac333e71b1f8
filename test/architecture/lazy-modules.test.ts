/**
 * Every CLI process pays for the modules it loads before it does anything. The heavy packages (the
 * workbook writer, the queue, the HTTP server, the PostgreSQL driver, the mailer) are loaded where they are
 * used, so `--help` and the commands that need none of them start quickly (the test suite spawns hundreds).
 * A loader hook records the packages the command resolves.
 */
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { describe, it } from 'node:test'
import { pathToFileURL } from 'node:url'
import { CLI_MAIN } from '../helpers/paths.js'
import { tempDir } from '../helpers/temp-dir.js'

const HEAVY_PACKAGES = ['exceljs', 'bullmq', 'ioredis', 'fastify', 'prom-client', 'pg', 'nodemailer']
const HEAVY_SCOPES = ['@fastify/']
/** Loaded by every command: if the hook recorded nothing, these would be missing too. */
const ALWAYS_LOADED = ['commander', 'zod']

/** Appends the package of every module resolved from node_modules to the file named in `initialize`. */
const HOOK = `
import { appendFileSync } from 'node:fs'
let log
export function initialize(file) {
  log = file
}
export async function resolve(specifier, context, nextResolve) {
  const resolved = await nextResolve(specifier, context)
  const name = /\\/node_modules\\/((?:@[^/]+\\/)?[^/]+)\\//.exec(resolved.url)?.[1]
  if (name !== undefined) appendFileSync(log, name + '\\n')
  return resolved
}
`
const REGISTER = `
import { register } from 'node:module'
register('./hook.mjs', { parentURL: import.meta.url, data: process.env.LOADED_PACKAGES_LOG })
`

function isHeavy(name: string): boolean {
  return HEAVY_PACKAGES.includes(name) || HEAVY_SCOPES.some((scope) => name.startsWith(scope))
}

/** Runs `simopt <args>` with the hook; returns the packages it loaded. */
async function packagesLoadedBy(args: readonly string[]): Promise<Set<string>> {
  const folder = await tempDir()
  const log = path.join(folder, 'loaded.log')
  await Promise.all([writeFile(path.join(folder, 'hook.mjs'), HOOK), writeFile(path.join(folder, 'register.mjs'), REGISTER), writeFile(log, '')])
  const child = spawn(process.execPath, ['--import', pathToFileURL(path.join(folder, 'register.mjs')).href, CLI_MAIN, ...args], {
    env: { ...process.env, LOADED_PACKAGES_LOG: log },
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  let stderr = ''
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
  const code = await new Promise<number | null>((resolve, reject) => child.on('error', reject).on('close', resolve))
  assert.equal(code, 0, stderr)
  return new Set((await readFile(log, 'utf8')).split('\n').filter((line) => line !== ''))
}

describe('the CLI loads heavy packages only where they are used', () => {
  for (const args of [['--help'], ['config']]) {
    it(`simopt ${args.join(' ')}`, async () => {
      const loaded = await packagesLoadedBy(args)
      for (const name of ALWAYS_LOADED) assert.ok(loaded.has(name), `${name} is recorded as loaded (else the hook recorded nothing)`)
      assert.deepEqual([...loaded].filter(isHeavy), [])
    })
  }
})
