/**
 * Tenants: listed and made (the API: service-wide administrators only), and their settings shown and
 * changed: who gets which e-mail, the webhook and its secret (sealed, never shown), approval, the last day's runs.
 */
import { SimoptError } from '../domain/index.js'
import { parseTenantSettings, tenantSettingsSchema, type EmailKind, type TenantSettings } from '../notify/tenant-settings.js'
import { ensureTenant, findTenant, inTransaction, listTenants as storedTenants, saveTenantSettings, secretBox, tenantSettingsRecord, type Tenant } from '../store/index.js'
import type { ServiceContext } from './context.js'
import { visibleTenant, type Viewer } from './tenant-access.js'

/** The tenants the viewer may see, by name. */
export async function listTenants(ctx: ServiceContext, viewer?: Viewer): Promise<Tenant[]> {
  return storedTenants(ctx.store.db, viewer?.tenantId ?? undefined)
}

/** @throws SimoptError `FORBIDDEN` for a tenant's own key, `ALREADY_EXISTS`, `INPUT_INVALID` for a bad name. */
export async function createTenant(ctx: ServiceContext, input: { readonly name: string }, viewer?: Viewer): Promise<Tenant> {
  if (viewer !== undefined && viewer.tenantId !== null) throw new SimoptError('FORBIDDEN', "creating tenants needs a service-wide administrator's key")
  return inTransaction(ctx.store, async (trx) => {
    if ((await findTenant(trx, input.name)) !== undefined) throw new SimoptError('ALREADY_EXISTS', `tenant ${JSON.stringify(input.name)} already exists`)
    await ensureTenant(trx, input.name)
    return (await findTenant(trx, input.name))!
  })
}

export interface TenantSettingsView {
  readonly tenant: string
  readonly settings: TenantSettings
  readonly hasWebhookSecret: boolean
}

/** @throws SimoptError `TENANT_NOT_FOUND`. */
export async function showTenantSettings(ctx: ServiceContext, input: { readonly tenant: string }, viewer?: Viewer): Promise<TenantSettingsView> {
  await visibleTenant(ctx.store.db, viewer, input.tenant)
  const record = (await tenantSettingsRecord(ctx.store.db, input.tenant))!
  return { tenant: record.name, settings: parseTenantSettings(record.settingsJson, record.name), hasWebhookSecret: record.hasWebhookSecret }
}

/** A change of a tenant's settings: only what is given changes. */
export interface TenantSettingsChange {
  readonly tenant: string
  readonly emailTo?: readonly string[]
  /** Recipients or subject of one kind of e-mail; the other of the two stays. */
  readonly email?: readonly { readonly kind: EmailKind; readonly to?: readonly string[]; readonly subject?: string }[]
  /** null removes the webhook. */
  readonly webhookUrl?: string | null
  /** Stored sealed; never shown. */
  readonly webhookSecret?: string
  readonly simCountChangePct?: number
  readonly requireApproval?: boolean
  readonly continuousLastDay?: boolean
  /** IANA zone the tenant reads times in. */
  readonly timeZone?: string
  /** The From of the tenant's e-mails; null: back to `SIMOPT_MAIL_FROM`. */
  readonly emailFrom?: string | null
}

/**
 * Applies the change to the tenant's settings, checked as a whole; the tenant is made when missing.
 * @throws SimoptError `INPUT_INVALID` naming the tenant and the setting that is not valid; nothing is stored then.
 */
export async function setTenantSettings(ctx: ServiceContext, change: TenantSettingsChange): Promise<void> {
  const sealed = change.webhookSecret === undefined ? undefined : secretBox(ctx.config).seal(change.webhookSecret)
  await inTransaction(ctx.store, async (trx) => {
    const id = await ensureTenant(trx, change.tenant)
    const record = (await tenantSettingsRecord(trx, change.tenant))!
    const settings = applyChange(parseTenantSettings(record.settingsJson, change.tenant), change)
    await saveTenantSettings(trx, id, JSON.stringify(settings), sealed)
  })
}

function applyChange(current: TenantSettings, change: TenantSettingsChange): TenantSettings {
  const email: Record<string, { to?: readonly string[]; subject?: string }> = { ...current.email }
  for (const { kind, ...own } of change.email ?? []) email[kind] = { ...email[kind], ...own }
  const next = {
    ...current,
    email,
    ...(change.emailTo === undefined ? {} : { emailTo: change.emailTo }),
    ...(change.webhookUrl === undefined ? {} : { webhookUrl: change.webhookUrl ?? undefined }),
    ...(change.simCountChangePct === undefined ? {} : { simCountChangePct: change.simCountChangePct }),
    ...(change.requireApproval === undefined ? {} : { requireApproval: change.requireApproval }),
    ...(change.continuousLastDay === undefined ? {} : { continuousLastDay: change.continuousLastDay }),
    ...(change.timeZone === undefined ? {} : { timeZone: change.timeZone }),
    ...(change.emailFrom === undefined ? {} : { emailFrom: change.emailFrom ?? undefined }),
  }
  const parsed = tenantSettingsSchema.safeParse(next)
  if (parsed.success) return parsed.data
  const issue = parsed.error.issues[0]!
  throw new SimoptError('INPUT_INVALID', `tenant ${change.tenant}: ${issue.path.join('.')}: ${issue.message}`)
}
