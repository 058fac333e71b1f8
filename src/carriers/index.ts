export {
  CARRIER_ERROR_KINDS,
  CarrierError,
  RETRYABLE_KINDS,
  isCarrierError,
  type Carrier,
  type CarrierErrorDetails,
  type CarrierErrorKind,
  type CarrierRatePlan,
  type ChangedDevicesPage,
  type ChangeWindow,
  type CycleUsage,
  type DeviceDetails,
  type ListedDevice,
  type PlanDeviceUsage,
  type RatePlansPage,
  type RatePlanUsagePage,
} from './carrier.js'
export { CallLimiter, type CallLimiterOptions, type CallLimiterStats } from './call-limiter.js'
export { JasperClient, createJasperClient, type CreateJasperClientOptions, type JasperClientOptions } from './jasper/jasper-client.js'
