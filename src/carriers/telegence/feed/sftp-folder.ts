/**
 * A carrier's SFTP folder, read-only: its files' names, sizes and times, and a file's bytes. One SSH
 * connection per use ({@link withSftpFolder}); the server's host key is checked against the provider's
 * setting when it has one. Failures are {@link CarrierError}s: `auth` for a refused login or a host key that
 * does not match, `network` / `timeout` for a server that cannot be reached.
 */
import { createHash } from 'node:crypto'
import { Client, type SFTPWrapper } from 'ssh2'
import { CarrierError } from '../../carrier.js'
import type { SftpAddress } from './sftp-address.js'

const DEFAULT_TIMEOUT_MS = 30_000

export interface SftpLogin {
  readonly address: SftpAddress
  readonly username: string
  /** One of the two. */
  readonly password?: string | undefined
  readonly privateKey?: string | undefined
  /** SHA-256 of the host key, base64 without padding (`ssh-keygen -lf` without `SHA256:`); absent: not checked. */
  readonly hostKeySha256?: string | undefined
  readonly timeoutMs?: number
}

export interface RemoteFile {
  readonly name: string
  /** Bytes. */
  readonly size: number
  /** Epoch ms (the server counts whole seconds). */
  readonly modifiedAt: number
}

export interface SftpFolder {
  /** The folder's plain files. */
  list(): Promise<RemoteFile[]>
  /** A file's bytes. */
  read(name: string): Promise<Buffer>
}

/** Connects, runs `work` on the folder, and disconnects whatever `work` does. */
export async function withSftpFolder<T>(login: SftpLogin, work: (folder: SftpFolder) => Promise<T>): Promise<T> {
  const { address } = login
  const where = `sftp://${address.host}:${address.port}${address.folder}`
  const client = new Client()
  let hostKeyRefused: string | undefined
  const sftp = await new Promise<SFTPWrapper>((resolve, reject) => {
    client.once('ready', () => client.sftp((error, wrapper) => (error === undefined ? resolve(wrapper) : reject(new CarrierError('server', `${where}: the server has no SFTP: ${error.message}`, { path: address.folder, cause: error })))))
    client.once('error', (error: Error & { level?: string }) => {
      if (hostKeyRefused !== undefined) return reject(new CarrierError('auth', `${where}: ${hostKeyRefused}`, { path: address.folder }))
      if (error.level === 'client-authentication') return reject(new CarrierError('auth', `${where}: login of ${login.username} refused (${error.message})`, { path: address.folder, cause: error }))
      if (/timed out/i.test(error.message)) return reject(new CarrierError('timeout', `${where}: no answer within ${login.timeoutMs ?? DEFAULT_TIMEOUT_MS} ms`, { path: address.folder, cause: error }))
      reject(new CarrierError('network', `${where}: ${error.message}`, { path: address.folder, cause: error }))
    })
    client.connect({
      host: address.host,
      port: address.port,
      username: login.username,
      ...(login.privateKey === undefined ? {} : { privateKey: login.privateKey }),
      ...(login.password === undefined || login.password === '' ? {} : { password: login.password }),
      readyTimeout: login.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      hostVerifier: (key: Buffer) => {
        if (login.hostKeySha256 === undefined) return true
        const found = createHash('sha256').update(key).digest('base64').replace(/=+$/, '')
        if (found === login.hostKeySha256.replace(/=+$/, '')) return true
        hostKeyRefused = `the server's host key is SHA256:${found}, not the SHA256:${login.hostKeySha256} the provider names (a different server, or its key changed)`
        return false
      },
    })
  })
  try {
    return await work({
      list: () =>
        new Promise((resolve, reject) =>
          sftp.readdir(address.folder, (error, entries) => {
            if (error !== undefined) return reject(new CarrierError('not-found', `${where}: cannot list the folder (${error.message})`, { path: address.folder, cause: error }))
            // Mode 0o100000: a regular file (links, folders and devices are not report files).
            const files = entries.filter((entry) => (entry.attrs.mode & 0o170000) === 0o100000)
            resolve(files.map((entry) => ({ name: entry.filename, size: entry.attrs.size, modifiedAt: entry.attrs.mtime * 1000 })))
          }),
        ),
      read: (name) =>
        new Promise((resolve, reject) =>
          sftp.readFile(`${address.folder === '/' ? '' : address.folder}/${name}`, (error, bytes) => {
            if (error !== undefined) return reject(new CarrierError('not-found', `${where}/${name}: cannot read it (${error.message})`, { path: `${address.folder}/${name}`, cause: error }))
            resolve(bytes)
          }),
        ),
    })
  } finally {
    client.end()
  }
}
