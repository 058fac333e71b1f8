/**
 * An e-mail as sent: composed once into RFC 5322 bytes when it enters the outbox, so what waits there is
 * exactly what goes out (the same Message-ID on every retry, for receivers that drop duplicates), and sent
 * from there as it is.
 */
import { emailList, type Config } from '../config.js'
import { mailboxAddress } from '../domain/index.js'
import { mailTransport } from './mail-transport.js'
import type { Attachment } from './render-notice.js'

export interface EmailContent {
  readonly id: string
  readonly from: string
  readonly to: readonly string[]
  readonly subject: string
  readonly text: string
  /** The same message as HTML, beside the text (multipart/alternative); absent: text only. */
  readonly html?: string | undefined
  readonly attachments: readonly Attachment[]
}

export async function composeEmail(email: EmailContent): Promise<Buffer> {
  // Loaded here, not at the top: nodemailer is slow to load, and most CLI commands compose no e-mail.
  const { default: MailComposer } = await import('nodemailer/lib/mail-composer')
  const composer = new MailComposer({
    from: email.from,
    to: [...email.to],
    subject: email.subject,
    text: email.text,
    ...(email.html === undefined ? {} : { html: email.html }),
    messageId: `<${email.id}@simopt>`,
    date: new Date(),
    attachments: email.attachments.map((attachment) => ({ filename: attachment.filename, content: attachment.content, contentType: attachment.contentType })),
  })
  return composer.compile().build()
}

/**
 * Sends an outbox e-mail as composed to its recipients (`a@x, b@y`), from `SIMOPT_MAIL_FROM`'s address (the
 * envelope; the From header is in the message). @throws what the transport throws.
 */
export async function sendEmail(config: Pick<Config, 'smtpUrl' | 'outboxDir' | 'mailFrom'>, message: { readonly id: string; readonly body: Uint8Array; readonly recipient: string }): Promise<void> {
  const transport = mailTransport(config)
  try {
    await transport.send(message.id, Buffer.from(message.body), mailboxAddress(config.mailFrom) ?? config.mailFrom, emailList(message.recipient))
  } finally {
    transport.close()
  }
}
