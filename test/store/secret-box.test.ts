import assert from 'node:assert/strict'
import { readFile, stat } from 'node:fs/promises'
import path from 'node:path'
import { describe, it } from 'node:test'
import { SecretBox, secretBox } from '../../src/store/secret-box.js'
import { tempDir } from '../helpers/temp-dir.js'

describe('the secret box for carrier credentials', () => {
  it('opens what it sealed, and nothing sealed under another key or altered', () => {
    const box = new SecretBox('a key of sixteen+ characters')
    const sealed = box.seal('{"user":"demo","apiKey":"demo-key"}')
    assert.doesNotMatch(sealed, /demo-key/)
    assert.notEqual(box.seal('same'), box.seal('same'), 'a fresh IV every time')
    assert.equal(box.open(sealed), '{"user":"demo","apiKey":"demo-key"}')
    assert.throws(() => new SecretBox('another key, also long').open(sealed), /cannot be opened with this SIMOPT_SECRET_KEY/)
    const [version, iv, tag, data] = sealed.split(':')
    const altered = [version, iv, tag, Buffer.from(Buffer.from(data!, 'base64').map((b, i) => (i === 0 ? b ^ 1 : b))).toString('base64')].join(':')
    assert.throws(() => box.open(altered), /cannot be opened/)
    assert.throws(() => box.open('plain text'), /not in a known format/)
  })

  it('generates a key file readable by its owner only when no key is configured, and keeps using it', async () => {
    const file = path.join(await tempDir(), 'nested', 'secret.key')
    const sealed = secretBox({ secretKey: undefined, secretKeyFile: file }).seal('x')
    assert.equal((await stat(file)).mode & 0o777, 0o600)
    assert.ok((await readFile(file, 'utf8')).trim().length >= 40)
    assert.equal(secretBox({ secretKey: undefined, secretKeyFile: file }).open(sealed), 'x')
  })
})
