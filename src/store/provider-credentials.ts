/**
 * A carrier account's credentials, sealed together with the API address they were given for: a new
 * address needs them again, so changing only the URL can never send the stored key to another host.
 */
import { z } from 'zod'
import { SimoptError } from '../domain/index.js'
import type { SecretBox } from './secret-box.js'

export interface Credentials {
  /** Jasper: the API user; ThingSpace: the user of the M2M session login. */
  readonly user: string
  /** Jasper: the API key; ThingSpace: the session login's password. */
  readonly apiKey: string
  /** The address they were given for; absent in credentials stored before they were bound. */
  readonly url?: string
  /** ThingSpace only: the app's OAuth2 client credentials and the billing account they act on. */
  readonly carrierAccount?: CarrierAccount
  /** Telegence: the private key (OpenSSH or PEM text) of the SFTP login, when it logs in by key. */
  readonly sftpKey?: string
}

/** What a ThingSpace account needs besides a user and a password. */
export interface CarrierAccount {
  readonly clientId: string
  readonly clientSecret: string
  /** The billing account, leading zeros included: `0000123456-00001`. */
  readonly accountName: string
}

/** What a `provider set` / `PATCH` gives: any of them, and how its interface names them in messages. */
export interface AccountChange {
  readonly url?: string | undefined
  readonly user?: string | undefined
  /** Stored sealed, never given back. */
  readonly apiKey?: string | undefined
  /** ThingSpace: the app's OAuth2 client id and secret, and the billing account. */
  readonly clientId?: string | undefined
  readonly clientSecret?: string | undefined
  readonly accountName?: string | undefined
  /** Telegence: the SFTP login's private key text; stored sealed, never given back. */
  readonly sftpKey?: string | undefined
}

export interface FieldNames {
  readonly url: string
  readonly user: string
  readonly apiKey: string
  readonly clientSecret?: string
}

export function sealCredentials(box: SecretBox, credentials: Credentials & { readonly url: string }): string {
  return box.seal(JSON.stringify(credentials))
}

const credentialsSchema = z.object({
  user: z.string(),
  apiKey: z.string(),
  url: z.string().optional(),
  carrierAccount: z.object({ clientId: z.string(), clientSecret: z.string(), accountName: z.string() }).optional(),
  sftpKey: z.string().optional(),
})

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
  /**
   * `telegence`: the user and password are the SFTP login's, never sent to the API, so a new API address
   * needs only the client secret (the app-secret) again.
   */
  readonly integration?: string
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
  const loginGoesToApi = row.integration !== 'telegence'
  if (urlChanged && loginGoesToApi && row.sealedCredentials !== null && (change.user === undefined || change.apiKey === undefined)) {
    throw new SimoptError('INPUT_INVALID', `${names.url}: a new address needs the credentials again: give ${names.user} and ${names.apiKey} with it (stored credentials are never sent to an address they were not given for)`, { field: names.url })
  }
  const accountChanged = change.clientId !== undefined || change.clientSecret !== undefined || change.accountName !== undefined
  if (change.user === undefined && change.apiKey === undefined && !accountChanged && change.sftpKey === undefined && !(urlChanged && !loginGoesToApi)) return row.sealedCredentials
  const current: Partial<Credentials> = row.sealedCredentials === null ? {} : openCredentials(box, row.sealedCredentials)
  const secretName = names.clientSecret ?? 'the client secret'
  // The client secret goes to the new address's token endpoint: it must have been given for it too.
  if (urlChanged && current.carrierAccount !== undefined && change.clientSecret === undefined) {
    throw new SimoptError('INPUT_INVALID', `${names.url}: a new address needs the credentials again: give ${secretName} with it too`, { field: names.url })
  }
  const user = change.user ?? current.user
  const apiKey = change.apiKey ?? current.apiKey
  if (user === undefined || apiKey === undefined) throw new SimoptError('INPUT_INVALID', `give both ${names.user} and ${names.apiKey}: this provider has no credentials yet`, { field: change.user === undefined ? names.user : names.apiKey })
  if (url === null) throw new SimoptError('INPUT_INVALID', `${names.url}: this provider has no API address to give the credentials for; give one with them`, { field: names.url })
  const carrierAccount = accountAfter(current.carrierAccount, change)
  const sftpKey = change.sftpKey ?? current.sftpKey
  return sealCredentials(box, { user, apiKey, url, ...(carrierAccount === undefined ? {} : { carrierAccount }), ...(sftpKey === undefined ? {} : { sftpKey }) })
}

/** The ThingSpace account after a change: the stored one with the fields given replaced; all three or none. */
function accountAfter(current: CarrierAccount | undefined, change: AccountChange): CarrierAccount | undefined {
  const clientId = change.clientId ?? current?.clientId
  const clientSecret = change.clientSecret ?? current?.clientSecret
  const accountName = change.accountName ?? current?.accountName
  if (clientId === undefined && clientSecret === undefined && accountName === undefined) return undefined
  if (clientId === undefined || clientSecret === undefined || accountName === undefined) {
    const missing = clientId === undefined ? 'clientId' : clientSecret === undefined ? 'clientSecret' : 'accountName'
    throw new SimoptError('INPUT_INVALID', `give the client id, client secret and account name together: ${missing} is missing`, { field: missing })
  }
  return { clientId, clientSecret, accountName }
}
