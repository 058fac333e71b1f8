/**
 * The one rule for the names of tenants and service providers, checked where they are created (the store)
 * and at the edges (command-line options, the API's JSON schemas are made from it), so an empty or
 * invisible name can never become a tenant.
 */
import { z } from 'zod'
import { SimoptError, quoteInput } from '../domain/index.js'

export const NAME_MAX_LENGTH = 100

export const entityName = z
  .string()
  .min(1, { error: 'must not be empty' })
  .max(NAME_MAX_LENGTH, { error: `must be at most ${NAME_MAX_LENGTH} characters` })
  .regex(/^[^\p{C}\s](?:[^\p{C}]*[^\p{C}\s])?$/u, { error: 'must not begin or end with a space, nor hold control characters' })

/**
 * `name` if it is a valid name of a `kind`.
 * @throws SimoptError `INPUT_INVALID`: `tenant name must not be empty, got ""`.
 */
export function checkName(kind: 'tenant' | 'provider', name: string): string {
  const result = entityName.safeParse(name)
  if (result.success) return result.data
  throw new SimoptError('INPUT_INVALID', `${kind} name ${result.error.issues[0]!.message}, got ${quoteInput(name)}`)
}
