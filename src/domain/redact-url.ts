/**
 * The one way a URL is shown (messages, logs, listings): any password in it masked. Text with several URLs,
 * or none, is fine: each `//user:password@` in it is masked.
 */
export function redactUrl(text: string): string {
  // Up to the authority's last `@`, as URL parsers read it: a password may itself hold `@` or `:`.
  return text.replace(/\/\/([^/?#\s]*)@/g, (_match, userinfo: string) => {
    const colon = userinfo.indexOf(':')
    return colon < 0 ? `//${userinfo}@` : `//${userinfo.slice(0, colon)}:***@`
  })
}
