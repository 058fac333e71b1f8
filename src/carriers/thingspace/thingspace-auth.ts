/**
 * ThingSpace's two tokens: an OAuth2 client-credentials access token (`Authorization: Bearer`), then a
 * Connectivity Management session token (`VZ-M2M-Token`) got with it. Both expire. A token is renewed
 * before it does (under 60 s left, as the old system did) and when the carrier refuses it (a 401);
 * concurrent callers wait for one renewal rather than each making their own. Tokens and secrets live in
 * private fields only: they are never in a message, a log line or `util.inspect` output.
 */
import type { ZodType } from 'zod'
import * as wire from './thingspace-wire.js'

/** What one ThingSpace account signs in with. */
export interface ThingSpaceCredentials {
  /** The ThingSpace app's key and secret (Key Management): the OAuth2 client credentials. */
  readonly appKey: string
  readonly appSecret: string
  /** The account's UWS user, for the session login. */
  readonly username: string
  readonly password: string
}

/** Posts to the carrier and parses the answer with `schema`. @throws CarrierError */
export type AuthPost = <T>(path: string, headers: Readonly<Record<string, string>>, body: string, schema: ZodType<T>) => Promise<T>

/** The two tokens a call carries. */
export interface CallTokens {
  readonly accessToken: string
  readonly sessionToken: string
}

export interface ThingSpaceAuthOptions {
  readonly credentials: ThingSpaceCredentials
  readonly post: AuthPost
  /** Epoch ms. Default `Date.now`. */
  readonly now?: () => number
  /** Renew a token with less than this left. Default 60,000 ms (half its lifetime when that is shorter). */
  readonly renewBeforeMs?: number
}

interface Held {
  readonly value: string
  /** Epoch ms. */
  readonly expiresAt: number
  /** Epoch ms from which it is renewed before use. */
  readonly renewAt: number
}

/** How often each token was fetched: tests and benchmarks read it. */
export interface AuthStats {
  readonly accessTokens: number
  readonly sessionLogins: number
}

export class ThingSpaceAuth {
  readonly #credentials: ThingSpaceCredentials
  readonly #post: AuthPost
  readonly #now: () => number
  readonly #renewBeforeMs: number
  #access: Held | undefined
  #session: Held | undefined
  /** The renewal in progress, which every caller that needs a token meanwhile waits for. */
  #renewing: Promise<CallTokens> | undefined
  #accessTokens = 0
  #sessionLogins = 0

  constructor(options: ThingSpaceAuthOptions) {
    this.#credentials = options.credentials
    this.#post = options.post
    this.#now = options.now ?? Date.now
    this.#renewBeforeMs = options.renewBeforeMs ?? 60_000
  }

  /** Tokens valid for a call now, renewing whichever is about to expire. @throws CarrierError from the token calls */
  async tokens(): Promise<CallTokens> {
    for (;;) {
      const now = this.#now()
      if (this.#access !== undefined && this.#session !== undefined && now < this.#access.renewAt && now < this.#session.renewAt) {
        return { accessToken: this.#access.value, sessionToken: this.#session.value }
      }
      if (this.#renewing === undefined) {
        this.#renewing = this.#renew().finally(() => {
          this.#renewing = undefined
        })
        return this.#renewing
      }
      // Another caller's renewal: its tokens may already be due again on a slow clock, so check once more.
      await this.#renewing.catch(() => undefined)
    }
  }

  /**
   * The carrier refused `used` (a 401): drop the token it named (`access`, `session`, or `both` when it did
   * not say), unless a renewal has already replaced it, so that many refused calls renew once.
   */
  refused(used: CallTokens, which: 'access' | 'session' | 'both'): void {
    if (which !== 'session' && this.#access?.value === used.accessToken) this.#access = undefined
    if (which !== 'access' && this.#session?.value === used.sessionToken) this.#session = undefined
  }

  get stats(): AuthStats {
    return { accessTokens: this.#accessTokens, sessionLogins: this.#sessionLogins }
  }

  /** Never shows a token or secret. */
  toJSON(): AuthStats {
    return this.stats
  }

  async #renew(): Promise<CallTokens> {
    if (this.#access === undefined || this.#now() >= this.#access.renewAt) {
      const asked = this.#now()
      const { appKey, appSecret } = this.#credentials
      const answer = await this.#post(
        wire.OAUTH_TOKEN_PATH,
        { Authorization: `Basic ${Buffer.from(`${appKey}:${appSecret}`).toString('base64')}`, 'Content-Type': 'application/x-www-form-urlencoded' },
        'grant_type=client_credentials',
        wire.accessToken,
      )
      this.#accessTokens++
      this.#access = this.#held(answer.access_token, asked, answer.expires_in)
      // A session opened with the old access token is still the account's: it stays until it expires.
    }
    const access = this.#access
    if (this.#session === undefined || this.#now() >= this.#session.renewAt) {
      const asked = this.#now()
      const body: wire.SessionLoginBody = { username: this.#credentials.username, password: this.#credentials.password }
      const answer = await this.#post(wire.SESSION_LOGIN_PATH, { Authorization: `Bearer ${access.value}`, 'Content-Type': 'application/json' }, JSON.stringify(body), wire.sessionToken)
      this.#sessionLogins++
      this.#session = this.#held(answer.sessionToken, asked, answer.expiresIn)
    }
    return { accessToken: access.value, sessionToken: this.#session.value }
  }

  /** Lifetimes count from when the token was asked for: the answer may have been slow. */
  #held(value: string, asked: number, expiresInSeconds: number): Held {
    const lifetime = expiresInSeconds * 1000
    // A lifetime under twice the margin (a test's short tokens) is used for half of it, not renewed at every call.
    const margin = Math.min(this.#renewBeforeMs, lifetime / 2)
    return { value, expiresAt: asked + lifetime, renewAt: asked + lifetime - margin }
  }
}
