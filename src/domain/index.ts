export { ERROR_CODES, ERROR_TABLE, SimoptError, errorCodeOf, errorSpec, isSimoptError, type ErrorCode, type ErrorCodeSpec, type SimoptErrorOptions } from './errors.js'
export type { CommPlan, MeteredAllowance, PoolDefinition, RatePlan, RatePool } from './rate-plan.js'
export { SimTableBuilder, simTableFromRows, type SimRow, type SimTable } from './sim-table.js'
export {
  allowedPlanMatrix,
  createProblem,
  currentAssignment,
  resolvePools,
  type BillingTerms,
  type PoolResolution,
  type Problem,
  type ProblemInput,
} from './problem.js'
export {
  MB_TOLERANCE,
  MONEY_QUANTUM,
  allowanceMb,
  monthlyCharge,
  overageBlocks,
  overageCharge,
  poolOverageCharge,
  priceAssignment,
  prorationFactor,
  smsCharge,
  unpooledOverageCharge,
  type PoolBill,
  type PricedAssignment,
} from './cost-model.js'
export { BYTES_PER_MB, DEVICE_STATUSES, INACTIVE_STATUSES, UNBILLED_STATUSES, bytesToMb, type DeviceStatus } from './device.js'
export {
  DEFAULT_PROJECTION,
  projectUsage,
  type PeriodBounds,
  type ProjectionSettings,
  type UsageReading,
} from './projection.js'
export { billingPeriod, billingPeriodAt, daysActiveIn, type BillingCycle, type BillingPeriod } from './billing-period.js'
export { subProblem } from './sub-problem.js'
export { hasBundles, meteredCharge, voiceSmsCharge } from './voice-sms-cost.js'
export {
  FLEET_KINDS,
  createMobilityProblem,
  mobilityGroups,
  mobilityPriceSheet,
  mobilitySetName,
  type FleetKind,
  type MobilityPriceSheet,
  type MobilityProblemInput,
  type MobilityResolution,
  type OptimizationGroup,
} from './mobility.js'
export { EMPTY_PLAN_TOTAL, addPlanTotals, planLines, planTotalCost, planTotals, type PlanLine, type PlanTotal } from './plan-totals.js'
export { gapPercent, savingsFigures, type SavingsFigures } from './savings.js'
export { DEFAULT_PUSH_PER_MINUTE, PUSH_MARGIN_MS, decidePush, type PushDecision, type PushFacts } from './push-decision.js'
export { isTimeZone, localDate, localMinute } from './zoned-time.js'
export { scheduleAt, type ScheduleDecision, type ScheduledProvider, type ScheduleQuestion, type SessionSeen } from './schedule.js'
export { redactUrl } from './redact-url.js'
export { QUOTED_LENGTH, quoteInput } from './quote-input.js'
export { attributeChanges, type ChangeAttribution } from './change-attribution.js'
export { DEFAULT_CURRENCY, currencySymbol, formatAmount, formatMoney, isCurrencyCode, moneyNumberFormat } from './money-format.js'
export { DEFAULT_TIME_ZONE, formatTime, wallClockDate } from './time-format.js'
export { mailboxAddress } from './mailbox.js'
export {
  AUTO_CHANGE_SET,
  CHARGE_TYPES,
  RATE_ONLY_INCLUDED_MB,
  billedNow,
  billedPlan,
  checkCustomerPlans,
  customerBill,
  customerProblem,
  customersOf,
  othersFixedCost,
  type ChargeType,
  type CustomerBill,
  type CustomerFiguresLine,
  type CustomerPlan,
  type CustomerProblem,
  type CustomerSheet,
  type CustomerSim,
} from './customer.js'
