/**
 * OpenSSH's sshd as an SFTP server on a free loopback port: its own host key, configuration and a generated
 * user key, serving a folder (`internal-sftp`, no shell) to the current user. No test runner here, so the
 * bench can start one too; test/helpers/sftp-server.ts is the tests' way in.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { access, chmod, constants, mkdir, readFile, writeFile } from 'node:fs/promises'
import { createServer, type AddressInfo } from 'node:net'
import { userInfo } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'

export const SSHD = '/usr/sbin/sshd'
const run = promisify(execFile)

export interface SftpServer {
  readonly host: string
  readonly port: number
  /** The folder report files go in, absolute. */
  readonly folder: string
  readonly username: string
  /** The user's private key (OpenSSH text) and its file. */
  readonly privateKey: string
  readonly privateKeyFile: string
  /** The host key's SHA-256, base64 without padding, as `ssh-keygen -lf` prints it after `SHA256:`. */
  readonly hostKeySha256: string
  /** `sftp://127.0.0.1:<port><folder>`. */
  readonly url: string
  stop(): Promise<void>
}

/** Whether sshd is installed. */
export async function sshdInstalled(): Promise<boolean> {
  try {
    await access(SSHD, constants.X_OK)
    return true
  } catch {
    return false
  }
}

/** Starts sshd with its files under `root` (an empty folder the caller removes). */
export async function launchSshd(root: string): Promise<SftpServer> {
  const folder = path.join(root, 'reports')
  await mkdir(folder)
  const username = userInfo().username
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'simopt-test-host', '-f', path.join(root, 'host_key')])
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'simopt-test-user', '-f', path.join(root, 'user_key')])
  await writeFile(path.join(root, 'authorized_keys'), await readFile(path.join(root, 'user_key.pub')))
  await chmod(path.join(root, 'authorized_keys'), 0o600)
  const fingerprint = (await run('ssh-keygen', ['-l', '-E', 'sha256', '-f', path.join(root, 'host_key.pub')])).stdout
  const hostKeySha256 = /SHA256:([A-Za-z0-9+/]+)/.exec(fingerprint)?.[1]
  if (hostKeySha256 === undefined) throw new Error(`ssh-keygen -l printed no SHA256 fingerprint: ${fingerprint}`)
  // sshd started by root separates privileges into this (empty) folder; the package's service would make it.
  if (process.getuid?.() === 0) await mkdir('/run/sshd', { recursive: true, mode: 0o755 })

  const port = await freePort()
  const config = path.join(root, 'sshd_config')
  await writeFile(
    config,
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${path.join(root, 'host_key')}`,
      `PidFile ${path.join(root, 'sshd.pid')}`,
      `AuthorizedKeysFile ${path.join(root, 'authorized_keys')}`,
      'PubkeyAuthentication yes',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'PermitRootLogin prohibit-password',
      'UsePAM no',
      // The keys live in a temp folder whose parents the test does not own.
      'StrictModes no',
      `AllowUsers ${username}`,
      'Subsystem sftp internal-sftp',
      'ForceCommand internal-sftp',
      'AllowTcpForwarding no',
      'X11Forwarding no',
      // INFO: sshd says when it listens, which the helper waits for.
      'LogLevel INFO',
      '',
    ].join('\n'),
  )
  const sshd = spawn(SSHD, ['-D', '-e', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] })
  let log = ''
  sshd.stderr.on('data', (chunk: Buffer) => (log += chunk.toString()))
  const exited = new Promise<void>((resolve) => sshd.once('exit', () => resolve()))
  try {
    await listening(sshd, port, () => log)
  } catch (error) {
    sshd.kill()
    throw error
  }
  const stop = async () => {
    if (sshd.exitCode === null && sshd.signalCode === null) {
      sshd.kill('SIGTERM')
      await exited
    }
  }
  const privateKeyFile = path.join(root, 'user_key')
  return { host: '127.0.0.1', port, folder, username, privateKey: await readFile(privateKeyFile, 'utf8'), privateKeyFile, hostKeySha256, url: `sftp://127.0.0.1:${port}${folder}`, stop }
}

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

/** Resolves once sshd says it listens; rejects with its log if it exits first or takes 10 s. */
function listening(sshd: ChildProcess, port: number, log: () => string): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => done(new Error(`sshd did not listen on 127.0.0.1:${port} within 10 s: ${log().trim()}`)), 10_000)
    const onData = () => {
      if (log().includes(`Server listening on 127.0.0.1 port ${port}`)) done()
    }
    const onExit = () => done(new Error(`sshd exited: ${log().trim()}`))
    const done = (error?: Error) => {
      clearTimeout(timer)
      sshd.stderr?.off('data', onData)
      sshd.off('exit', onExit)
      if (error === undefined) resolve()
      else reject(error)
    }
    sshd.stderr?.on('data', onData)
    sshd.once('exit', onExit)
  })
}
