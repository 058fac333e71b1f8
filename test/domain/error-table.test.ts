/** The error table's rows agree with one another: what the CLI, the API and the job runner each read from it. */
import assert from 'node:assert/strict'
import { it } from 'node:test'
import { ERROR_TABLE, type ErrorCodeSpec } from '../../src/domain/index.js'

const rows: [string, ErrorCodeSpec][] = Object.entries(ERROR_TABLE)

it('a code the caller must fix (4xx) is never cured by a retry, and exits 2', () => {
  for (const [code, spec] of rows.filter(([, spec]) => spec.httpStatus < 500)) {
    assert.equal(spec.retryable, false, code)
    assert.equal(spec.exitCode, 2, code)
  }
})

it('exit code 3 ("try again later") and HTTP 503 go with a retry that can cure it', () => {
  for (const [code, spec] of rows) {
    if (spec.exitCode === 3 || spec.httpStatus === 503) assert.ok(spec.retryable && spec.exitCode === 3 && spec.httpStatus === 503, code)
  }
})

it("exit code 4 is the carrier's refusal, answered 502 and not retried", () => {
  for (const [code, spec] of rows.filter(([, spec]) => spec.exitCode === 4)) {
    assert.ok(code.startsWith('CARRIER_') && spec.httpStatus === 502 && !spec.retryable, code)
  }
})

it('every code says when it is raised', () => {
  for (const [code, spec] of rows) assert.ok(spec.meaning.length > 20, code)
})
