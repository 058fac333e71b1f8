/** A From line as people write it: `simopt <ops@example.com>` or `ops@example.com`. */

/** The address of `Name <address>` or of a bare address; undefined when `text` is neither. */
export function mailboxAddress(text: string): string | undefined {
  const match = /^\s*(?:"?([^"<>]*?)"?\s*<([^<>\s]+)>|([^<>\s]+))\s*$/.exec(text)
  const address = match?.[2] ?? match?.[3]
  return address !== undefined && /^[^@\s]+@[^@\s]+$/.test(address) ? address : undefined
}
