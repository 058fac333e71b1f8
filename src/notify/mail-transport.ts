/**
 * Where e-mail leaves simopt: an SMTP server (`SIMOPT_SMTP_URL`; SES's SMTP interface the same way), or,
 * on the embedded defaults, `.eml` files in `SIMOPT_OUTBOX_DIR` that any mail program opens.
 */
import { mkdir, rename, writeFile } from 'node:fs/promises'
import path from 'node:path'
import type { Transporter } from 'nodemailer'
import type { Config } from '../config.js'

export interface MailTransport {
  /** Sends the composed message to `to`; resolves once the server (or the folder) has it. */
  send(id: string, raw: Buffer, from: string, to: readonly string[]): Promise<void>
  close(): void
}

export function mailTransport(config: Pick<Config, 'smtpUrl' | 'outboxDir'>): MailTransport {
  const { smtpUrl } = config
  if (smtpUrl === undefined) return folderTransport(config.outboxDir)
  let transporter: Transporter | undefined
  return {
    async send(_id, raw, from, to) {
      // Loaded on the first send, not at the top: nodemailer is slow to load, and most CLI commands send no mail.
      transporter ??= (await import('nodemailer')).default.createTransport(smtpUrl)
      await transporter.sendMail({ envelope: { from, to: [...to] }, raw })
    },
    close: () => transporter?.close(),
  }
}

function folderTransport(folder: string): MailTransport {
  return {
    async send(id, raw) {
      await mkdir(folder, { recursive: true })
      // Renamed into place: a mail program watching the folder never opens half a message.
      const file = path.join(folder, `${id}.eml`)
      await writeFile(`${file}.partial`, raw)
      await rename(`${file}.partial`, file)
    },
    close: () => {},
  }
}
