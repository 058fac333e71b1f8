/**
 * A real SFTP server for the tests (test/helpers/sshd.ts): Debian's OpenSSH `sshd` on a free loopback port
 * serving a folder of the test's to the current user. Outside CI a test is skipped with a message when sshd
 * is not installed; in CI (`CI=true`) it fails (.ci/run installs openssh-server). Stopped after the test file.
 */
import { after, type TestContext } from 'node:test'
import { launchSshd, SSHD, sshdInstalled, type SftpServer } from './sshd.js'
import { tempDir } from './temp-dir.js'

export type { SftpServer } from './sshd.js'

/** Starts sshd, or skips the test (fails it in CI) when sshd is not installed. */
export async function startSftpServer(t: TestContext): Promise<SftpServer | undefined> {
  if (!(await sshdInstalled())) {
    const reason = `${SSHD} is not installed (apt-get install openssh-server)`
    if (process.env.CI === 'true') throw new Error(`${reason}; CI needs it (.ci/run installs it)`)
    t.skip(`skipped: ${reason}`)
    return undefined
  }
  const server = await launchSshd(await tempDir('simopt-sftp-'))
  after(() => server.stop())
  return server
}
