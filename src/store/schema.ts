/**
 * The database's tables as kysely sees them. Times are epoch milliseconds, flags are 0/1 and ids are
 * UUIDs made by the application, so the same queries run on SQLite and PostgreSQL unchanged.
 */
import type { ColumnType, Generated, Transaction } from 'kysely'
import type { ChangeStatus } from './changes.js'
import type { SessionTrigger, SessionType } from './sessions.js'
import type { ComponentStatus, InstanceStatus, JobStatus, MessageStatus, PushVerdict, SessionStatus, TransitionEntity } from './statuses.js'

/**
 * A status column (`statuses.ts`): read as its union, updated only with it. An insert takes any text: the tests'
 * fixtures seed rows from statuses held in plain strings; the repositories insert the union's values.
 */
type Status<S extends string> = ColumnType<S, string, S>

export interface TenantTable {
  id: string
  name: string
  created_at: number
  /** JSON of `TenantSettings` (`tenant-settings.ts`). */
  settings: Generated<string>
  /** The webhook's signing secret, sealed by the secret box; never returned or printed. */
  webhook_secret: string | null
}

export interface ServiceProviderTable {
  id: string
  tenant_id: string
  name: string
  /** `jasper`, later other carriers; `files` for a provider whose fleet is imported from CSV files. */
  integration: string
  time_zone: string
  cycle_end_day: number
  cycle_end_hour: number
  /** JSON of `ProviderSettings`. */
  settings: string
  /** The carrier API's address, e.g. `https://restapi1.jasper.com`; null for a provider fed by imports. */
  base_url: string | null
  /** `{ user, apiKey }` as JSON, sealed by the secret box; never returned or printed. */
  credentials: string | null
  /** End of the last complete device sync (epoch ms); the next asks for changes since. */
  devices_synced_till: number | null
  created_at: number
}

export interface BillingPeriodTable {
  id: string
  provider_id: string
  /** `YYYY-MM`. */
  name: string
  starts_at: number
  ends_at: number
}

export interface RatePlanTable {
  provider_id: string
  code: string
  /** Order of the price sheet, kept so problems list plans the same way every time. */
  position: number
  monthly_rate: number
  included_mb: number
  overage_block_mb: number
  overage_block_price: number
  sms_rate: number
  pooled: number
  pool: string | null
  /** Mobility: the rate plan type; null for none. */
  rate_plan_type: string | null
  /** Voice and SMS bundles (`MeteredAllowance`); all three of a bundle null: no bundle. */
  voice_included_min: number | null
  voice_block_min: number | null
  voice_block_price: number | null
  sms_included: number | null
  sms_block: number | null
  sms_block_price: number | null
}

/** A Mobility provider's optimization groups: the group of each plan in one (a plan is in at most one). */
export interface OptimizationGroupTable {
  provider_id: string
  plan_code: string
  name: string
  /** Order of the groups' plans as imported. */
  position: number
}

export interface PoolTable {
  provider_id: string
  name: string
  overage_block_mb: number
  overage_block_price: number
}

export interface CommPlanTable {
  provider_id: string
  name: string
  position: number
}

export interface CommPlanRatePlanTable {
  provider_id: string
  comm_plan: string
  plan_code: string
  position: number
}

export interface DeviceTable {
  provider_id: string
  iccid: string
  msisdn: string | null
  status: string
  comm_plan: string
  rate_plan: string
  activated_at: number | null
  auto_change: number
  updated_at: number
}

export interface UsageReadingTable {
  period_id: string
  iccid: string
  usage_mb: number
  sms: number
  /** Voice minutes (Mobility); 0 where the carrier reports none. */
  voice_min: Generated<number>
  /** When the carrier measured it; null for imported usage, which is priced as given (no projection). */
  measured_at: number | null
  /** When a sync stored it (epoch ms): what "read by this sync" is told by; null for imported usage. */
  read_at: number | null
}

export interface SessionTable {
  id: string
  tenant_id: string
  provider_id: string
  period_id: string
  type: SessionType
  trigger: SessionTrigger
  status: Status<SessionStatus>
  message: string | null
  /** 1 for the first run; a restart of a failed session counts up, and job ids carry it. */
  attempt: number
  /** `tenant/period` while the session runs: its unique index lets one session per tenant and period run. */
  running_key: string | null
  /** 1: sync from the carrier before optimizing (for providers that have one); 0: use what is stored. */
  sync: Generated<number>
  created_at: number
  updated_at: number
  finished_at: number | null
  /** A customer session of one customer: its `customers.id`; null for all the tenant's customers, and for carrier sessions. */
  customer_id: string | null
}

export interface InstanceTable {
  id: string
  session_id: string
  provider_id: string
  period_id: string
  status: Status<InstanceStatus>
  message: string | null
  sims: number | null
  component_count: number | null
  components_done: number
  cost_before: number | null
  cost_after: number | null
  lower_bound: number | null
  baseline_cost: number | null
  changes: number | null
  created_at: number
  updated_at: number
  finished_at: number | null
  /** Go / no-go for pushing the changes (`go`, `no-go`, `awaiting-approval`), why, and on what estimate. */
  push_decision: PushVerdict | null
  push_reason: string | null
  push_estimated_seconds: number | null
  push_decided_at: number | null
  push_started_at: number | null
  push_finished_at: number | null
  /** Billed SIMs of the provider the problem left out for want of a usage reading, and a sentence saying which and why. */
  unpriced_sims: number | null
  unpriced_note: string | null
  /** A customer session's instance: the customer (`customers.id`) it prices; null for a carrier instance. */
  customer_id: string | null
  /** A customer instance: the customer's own bill before and after (pool shares included); null otherwise. */
  bill_before: number | null
  bill_after: number | null
}

export interface ComponentTable {
  id: string
  instance_id: string
  position: number
  sims: number
  status: Status<ComponentStatus>
  /** The component's problem (`problem-snapshot.ts`). */
  snapshot: Uint8Array
  cost_before: number | null
  cost_after: number | null
  lower_bound: number | null
  baseline_cost: number | null
  changes: number | null
  seconds: number | null
  finished_at: number | null
  /** How the optimizer ran (`OptimizerStatus`, and the whole `OptimizerInfo` as JSON: store/optimizer-runs.ts parses it). */
  optimizer_status: string | null
  optimizer_info: string | null
}

/** One SIM of an instance's result; a SIM's cost is the sum of its split (monthly, overage, SMS). */
export interface ResultTable {
  instance_id: string
  iccid: string
  comm_plan: string
  current_plan: string
  new_plan: string
  raw_usage_mb: number
  usage_mb: number
  monthly_before: number
  overage_before: number
  sms_before: number
  monthly_after: number
  overage_after: number
  sms_after: number
  /** The SIM's change's own saving and its pool effect (domain/change-attribution.ts); 0 when it keeps its plan. */
  own_saving: Generated<number>
  pool_effect: Generated<number>
}

/** A SIM whose plan the result changes, and how pushing it to the carrier went. */
export interface ChangeTable {
  instance_id: string
  iccid: string
  old_plan: string
  new_plan: string
  /** What the change saves: its own saving plus its pool effect; the changes' savings add up to the instance's. */
  saving: number
  /** What the SIM's own lines (monthly, SMS, overage off a pool) cost less on the new plan. */
  own_saving: Generated<number>
  /** Its share of what the pools it leaves and joins charge less (docs/decisions.md). */
  pool_effect: Generated<number>
  /** `planned → approved → pushing → pushed → verified | discrepancy | failed`. */
  status: ChangeStatus
  updated_at: number
  /** Times the change was sent to the carrier. */
  attempts: Generated<number>
  approved_by: string | null
  approved_at: number | null
  pushed_at: number | null
  /** The carrier's answer to the last push (or why it was not pushed). */
  answer: string | null
  verified_at: number | null
  /** The plan the carrier showed at the last verification. */
  found_plan: string | null
}

/** Every step of pushing changes: who or what did what, when. */
export interface AuditLogTable {
  seq: Generated<number>
  at: number
  actor: string
  action: string
  session_id: string | null
  instance_id: string | null
  iccid: string | null
  detail: string
}

export interface SyncTable {
  instance_id: string
  /** `devices`, `usage`, then `done`. */
  stage: string
  /** The device crawl's window `[since, till]`, `till` pinned when the crawl began. */
  window_since: number
  window_till: number
  /** The crawl goes from the last page down (a device that changes mid-crawl then shifts only pages already read). */
  last_page: number | null
  next_page: number | null
  /** JSON: which rate plan and page (or device) the usage sync reached. */
  usage_cursor: string | null
  devices_seen: number
  devices_added: number
  devices_updated: number
  comm_plans_added: number
  usage_rows: number
  calls: number
  errors: number
  started_at: number
  finished_at: number | null
}

/** One plan's or pool's figures in one component, before and after (`PlanTotal`); a report sums them per instance. */
export interface PlanTotalTable {
  component_id: string
  instance_id: string
  kind: 'plan' | 'pool'
  name: string
  pool: string | null
  sims_before: number
  usage_mb_before: number
  allowance_mb_before: number
  monthly_before: number
  overage_before: number
  sms_before: number
  sims_after: number
  usage_mb_after: number
  allowance_mb_after: number
  monthly_after: number
  overage_after: number
  sms_after: number
}

/** A message waiting to be delivered, or delivered: e-mails and webhooks alike (`src/notify/`). */
export interface OutboxTable {
  id: string
  tenant_id: string | null
  session_id: string | null
  channel: 'email' | 'webhook'
  kind: string
  recipient: string
  subject: string | null
  body: Uint8Array
  seq: number
  status: MessageStatus
  attempts: number
  error: string | null
  created_at: number
  updated_at: number
  sent_at: number | null
}

export interface JobTable {
  id: string
  type: string
  /** JSON: ids only. */
  payload: string
  status: Status<JobStatus>
  attempts: number
  run_after: number
  locked_by: string | null
  locked_until: number | null
  last_error: string | null
  created_at: number
  updated_at: number
}

export interface StateTransitionTable {
  seq: Generated<number>
  entity: TransitionEntity
  entity_id: string
  from_status: SessionStatus | null
  to_status: Status<SessionStatus>
  message: string | null
  at: number
}

/** A key of the HTTP API (`src/api/`): only its hash is kept. */
export interface ApiKeyTable {
  id: string
  /** The one tenant the key sees; null for a service-wide administrator. */
  tenant_id: string | null
  name: string
  role: 'viewer' | 'operator' | 'admin'
  key_hash: string
  created_at: number
  last_used_at: number | null
  revoked_at: number | null
}

/** What the schedule did about one provider's scheduled day (`simopt schedule`). */
export interface ScheduleRunTable {
  provider_id: string
  /** The run's slot in the provider's billing time zone: its local date, `YYYY-MM-DD`, or for a continuous run on the last day its local hour with the offset, `YYYY-MM-DD HH:MM±HH:MM`. */
  slot: string
  /** `YYYY-MM`. */
  period: string
  /** `started`, or `skipped` so far (the next tick tries again until the slot ends). */
  outcome: 'started' | 'skipped'
  /** Why it was skipped (the last time). */
  reason: string | null
  session_id: string | null
  /** Ticks that skipped the day. */
  skips: Generated<number>
  updated_at: number
}

/** A report file downloaded from a provider's usage feed (Telegence's SFTP folder), and what became of it. */
export interface UsageFeedFileTable {
  provider_id: string
  name: string
  kind: 'daily' | 'data' | 'final'
  /** Epoch ms the file's figures are as of (a final file: its period's end). */
  as_of: number
  /** Bytes. */
  size: number
  downloaded_at: number
  /** `loaded`; `refused`: a final file of another period than the one synced; `superseded`: older than what was loaded. */
  outcome: 'loaded' | 'refused' | 'superseded'
  /** Lines in the file, and lines loaded as readings. */
  lines: number
  loaded: number
  note: string | null
}

/** The newest feed file a stale-feed warning was sent for, per provider. */
export interface UsageFeedWarningTable {
  provider_id: string
  newest_as_of: number
  warned_at: number
}

export interface CustomerTable {
  id: string
  tenant_id: string
  /** The billing system's id of the customer; unique in the tenant. */
  external_id: string
  name: string
  created_at: number
}

/** The tenant's customer price sheet (`CustomerPlan`): a carrier plan's terms plus auto-change and charge type. */
export interface CustomerRatePlanTable {
  tenant_id: string
  code: string
  position: number
  monthly_rate: number
  included_mb: number
  overage_block_mb: number
  overage_block_price: number
  sms_rate: number
  pooled: number
  pool: string | null
  auto_change: number
  /** One of `CHARGE_TYPES`. */
  charge_type: string
}

export interface CustomerRatePoolTable {
  tenant_id: string
  name: string
  overage_block_mb: number
  overage_block_price: number
}

/** Which customer a SIM is billed to (at most one per tenant), on which customer plan. */
export interface CustomerSimTable {
  tenant_id: string
  iccid: string
  customer_id: string
  plan_code: string
  bill_in_advance: number
}

export interface Database {
  usage_feed_files: UsageFeedFileTable
  usage_feed_warnings: UsageFeedWarningTable
  tenants: TenantTable
  service_providers: ServiceProviderTable
  billing_periods: BillingPeriodTable
  rate_plans: RatePlanTable
  optimization_groups: OptimizationGroupTable
  pools: PoolTable
  comm_plans: CommPlanTable
  comm_plan_rate_plans: CommPlanRatePlanTable
  devices: DeviceTable
  usage_readings: UsageReadingTable
  sessions: SessionTable
  instances: InstanceTable
  components: ComponentTable
  results: ResultTable
  changes: ChangeTable
  jobs: JobTable
  state_transitions: StateTransitionTable
  syncs: SyncTable
  plan_totals: PlanTotalTable
  outbox: OutboxTable
  audit_log: AuditLogTable
  api_keys: ApiKeyTable
  schedule_runs: ScheduleRunTable
  customers: CustomerTable
  customer_rate_plans: CustomerRatePlanTable
  customer_rate_pools: CustomerRatePoolTable
  customer_sims: CustomerSimTable
}

/** A transaction on the database: what store functions that must run inside one take. */
export type Trx = Transaction<Database>
