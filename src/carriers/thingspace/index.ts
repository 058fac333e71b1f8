/** What the rest of simopt may use of the ThingSpace carrier. */
export { startChangeCallbackListener, parseChangeCallback, type ChangeCallbackListener, type ChangeOutcome } from './change-callbacks.js'
export { ThingSpaceAuth, type AuthStats, type ThingSpaceCredentials } from './thingspace-auth.js'
export {
  ThingSpaceClient,
  createThingSpaceClient,
  type ChangeStatus,
  type CreateThingSpaceClientOptions,
  type ThingSpaceClientOptions,
  type ThingSpaceDevice,
  type ThingSpaceDevicePage,
  type ThingSpaceUsage,
} from './thingspace-client.js'
export { PLAN_CHANGES_PER_MONTH } from './thingspace-wire.js'
export { THINGSPACE_TRAITS, ThingSpaceCarrier, type ThingSpaceCarrierOptions } from './thingspace-carrier.js'
