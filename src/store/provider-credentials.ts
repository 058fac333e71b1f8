/**
 * A carrier account's credentials, sealed together with the API address they were given for: a new
 * address needs them again, so changing only the URL can never send the stored key to another host.
 */
import { z } from 'zod'
import { SimoptError } from '../domain/index.js'
import type { SecretBox } from './secret-box.js'

export interface Credentials {
  readonly user: string
  readonly apiKey: string
  /** The address they were given for; absent in credentials stored before they were bound. */
  readonly url?: string
}

/** What a `provider set` / `PATCH` gives: any of them, and how its interface names them in messages. */
export interface AccountChange {
  readonly url?: string | undefined
  readonly user?: string | undefined
  readonly apiKey?: string | undefined
}

export interface FieldNames {
  readonly url: string
  readonly user: string
  readonly apiKey: string
}

export function sealCredentials(box: SecretBox, credentials: Required<Credentials>): string {
  return box.seal(JSON.stringify(credentials))
}

const credentialsSchema = z.object({ user: z.string(), apiKey: z.string(), url: z.string().optional() })

/** @throws SimoptError `INPUT_INVALID` when what the box opens is not credentials (sealed by something else). */
export function openCredentials(box: SecretBox, sealed: string): Credentials {
  const opened = credentialsSchema.safeParse(JSON.parse(box.open(sealed)))
  if (!opened.success) throw new SimoptError('INPUT_INVALID', 'the stored credentials are not a user and an API key; give them again')
  return opened.data
}

/** Where a provider's credentials stand: its address and its sealed credentials, as stored. */
export interface CurrentAccount {
  readonly baseUrl: string | null
  readonly sealedCredentials: string | null
}

/**
 * The sealed credentials `row` keeps after `change`: the same when neither its address nor its credentials
 * change, sealed anew (bound to the new address) when they do.
 * @throws SimoptError `INPUT_INVALID` when the address changes without both credentials, or only one
 * credential is given to a provider without any.
 */
export function credentialsAfter(box: SecretBox, row: CurrentAccount, change: AccountChange, names: FieldNames): string | null {
  const url = change.url ?? row.baseUrl
  const urlChanged = change.url !== undefined && change.url !== row.baseUrl
  if (urlChanged && row.sealedCredentials !== null && (change.user === undefined || change.apiKey === undefined)) {
    throw new SimoptError('INPUT_INVALID', `${names.url}: a new address needs the credentials again: give ${names.user} and ${names.apiKey} with it (stored credentials are never sent to an address they were not given for)`, { field: names.url })
  }
  if (change.user === undefined && change.apiKey === undefined) return row.sealedCredentials
  const current: Partial<Credentials> = row.sealedCredentials === null ? {} : openCredentials(box, row.sealedCredentials)
  const user = change.user ?? current.user
  const apiKey = change.apiKey ?? current.apiKey
  if (user === undefined || apiKey === undefined) throw new SimoptError('INPUT_INVALID', `give both ${names.user} and ${names.apiKey}: this provider has no credentials yet`, { field: change.user === undefined ? names.user : names.apiKey })
  if (url === null) throw new SimoptError('INPUT_INVALID', `${names.url}: this provider has no API address to give the credentials for; give one with them`, { field: names.url })
  return sealCredentials(box, { user, apiKey, url })
}
