/** Settings kept as JSON in a column (a tenant's, a provider's), parsed with their zod schema whenever read. */
import type { z } from 'zod'
import { SimoptError } from '../domain/index.js'

/**
 * `json` parsed and checked with `schema`, defaults filled in; `owner` names whose settings they are in
 * messages (`provider main`, `tenant acme`).
 * @throws SimoptError `INPUT_INVALID` naming the owner and the setting when the stored settings are not valid.
 */
export function parseSettingsJson<S extends z.ZodType>(schema: S, json: string, owner: string): z.output<S> {
  let value: unknown
  try {
    value = JSON.parse(json)
  } catch {
    throw new SimoptError('INPUT_INVALID', `settings of ${owner} are not JSON: ${JSON.stringify(json.slice(0, 80))}`)
  }
  const parsed = schema.safeParse(value)
  if (parsed.success) return parsed.data
  const issue = parsed.error.issues[0]!
  throw new SimoptError('INPUT_INVALID', `settings of ${owner}: ${issue.path.join('.')}: ${issue.message}`)
}
