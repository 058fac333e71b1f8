/**
 * A fresh `npm install` on the Node version the README names must not warn that a dependency needs a newer
 * Node: every package in the lock file must accept the lowest Node `engines` allows, and the one running.
 */
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { test } from 'node:test'
import semver from 'semver'
import { REPO_ROOT } from '../helpers/paths.js'

interface LockFile { packages: Record<string, { engines?: { node?: string } | string[] }> }

test('every locked package runs on the Node versions package.json allows', () => {
  const manifest = JSON.parse(readFileSync(`${REPO_ROOT}/package.json`, 'utf8')) as { engines: { node: string } }
  const lowest = semver.minVersion(manifest.engines.node)?.version
  assert.ok(lowest, `package.json engines.node "${manifest.engines.node}" names no version`)
  const lock = JSON.parse(readFileSync(`${REPO_ROOT}/package-lock.json`, 'utf8')) as LockFile
  const refused = Object.entries(lock.packages).flatMap(([path, entry]) => {
    const wanted = Array.isArray(entry.engines) ? undefined : entry.engines?.node
    if (wanted === undefined) return []
    return [lowest, process.versions.node].filter((version) => !semver.satisfies(version, wanted)).map((version) => `${path} needs node ${wanted}, not ${version}`)
  })
  assert.deepEqual(refused, [])
})
