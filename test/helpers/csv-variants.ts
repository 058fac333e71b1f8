/** The same CSV text as other programs write it: CRLF line ends, a byte order mark. */

/** `text` with every record-ending LF made CRLF; line breaks inside quoted fields are left as they are. */
export function withCrlf(text: string): string {
  let out = ''
  let quoted = false
  for (const char of text) {
    if (char === '"') quoted = !quoted
    out += char === '\n' && !quoted ? '\r\n' : char
  }
  return out
}

export function withBom(text: string): string {
  return `\ufeff${text}`
}
