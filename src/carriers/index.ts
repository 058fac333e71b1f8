export {
  CARRIER_ERROR_KINDS,
  CarrierError,
  RETRYABLE_KINDS,
  isCarrierError,
  type Carrier,
  type CarrierErrorDetails,
  type CarrierErrorKind,
  type CarrierRatePlan,
  type CarrierTraits,
  type ChangeOutcome,
  type ChangeRefusal,
  type ChangeRequest,
  type ChangedDevicesPage,
  type ChangeWindow,
  type CycleUsage,
  type CycleWindow,
  type DeviceCursorPage,
  type DeviceListing,
  type DeviceDetails,
  type ListedDevice,
  type PlanDeviceUsage,
  type RatePlansPage,
  type RatePlanUsagePage,
} from './carrier.js'
export { CallLimiter, type CallBudgetLimits, type CallLimiterOptions, type CallLimiterStats, type SharedCallBudget } from './call-limiter.js'
export { closeSharedRedis, redisCallBudget, sharedRedis } from './redis-call-budget.js'
export { JASPER_TRAITS, JasperClient, createJasperClient, type CreateJasperClientOptions, type JasperClientOptions } from './jasper/jasper-client.js'
export { ThingSpaceCarrier, ThingSpaceClient, THINGSPACE_TRAITS, type ThingSpaceCredentials } from './thingspace/index.js'
export { TELEGENCE_TRAITS, TelegenceCarrier, TelegenceClient } from './telegence/index.js'
