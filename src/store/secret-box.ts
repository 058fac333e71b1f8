/**
 * Carrier credentials at rest: AES-256-GCM under a key from `SIMOPT_SECRET_KEY`, or, when unset, a random
 * key generated into `SIMOPT_SECRET_KEY_FILE` on first use (readable by its owner only). A value reads
 * `v1:<iv>:<tag>:<ciphertext>` in base64; a wrong key or a changed value fails to open, never decrypts
 * to garbage.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { SimoptError } from '../domain/index.js'

export class SecretBox {
  readonly #key: Buffer

  /** `secret`: any string of 16 characters or more; it is hashed to the 32-byte key. */
  constructor(secret: string) {
    this.#key = createHash('sha256').update(secret, 'utf8').digest()
  }

  seal(plain: string): string {
    const iv = randomBytes(12)
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv)
    const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()])
    return ['v1', iv.toString('base64'), cipher.getAuthTag().toString('base64'), data.toString('base64')].join(':')
  }

  /** @throws SimoptError `INPUT_INVALID` when the value was sealed under another key or altered. */
  open(sealed: string): string {
    const [version, iv, tag, data] = sealed.split(':')
    if (version !== 'v1' || iv === undefined || tag === undefined || data === undefined) throw new SimoptError('INPUT_INVALID', 'stored credentials are not in a known format')
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.#key, Buffer.from(iv, 'base64'))
      decipher.setAuthTag(Buffer.from(tag, 'base64'))
      return Buffer.concat([decipher.update(Buffer.from(data, 'base64')), decipher.final()]).toString('utf8')
    } catch (error) {
      throw new SimoptError('INPUT_INVALID', 'stored credentials cannot be opened with this SIMOPT_SECRET_KEY (was the key changed?)', { cause: error })
    }
  }
}

/** The configured secret box: the given key, or the key file's (created with a random key when missing). */
export function secretBox(config: { readonly secretKey: string | undefined; readonly secretKeyFile: string }): SecretBox {
  if (config.secretKey !== undefined) return new SecretBox(config.secretKey)
  const file = path.resolve(config.secretKeyFile)
  if (!existsSync(file)) {
    mkdirSync(path.dirname(file), { recursive: true })
    // 'wx': two processes starting at once cannot both write a key; the loser reads the winner's.
    try {
      writeFileSync(file, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' })
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    }
  }
  return new SecretBox(readFileSync(file, 'utf8').trim())
}
