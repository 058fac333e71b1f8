/** SIM statuses as Cisco IoT Control Center reports them. */
export const DEVICE_STATUSES = [
  'TEST_READY',
  'ACTIVATION_READY',
  'ACTIVATED',
  'DEACTIVATED',
  'INVENTORY',
  'RETIRED',
  'REPLACED',
  'PURGED',
] as const

export type DeviceStatus = (typeof DEVICE_STATUSES)[number]

/** Statuses whose usage no longer grows, so projecting it to the period end would invent data. */
export const INACTIVE_STATUSES: readonly DeviceStatus[] = ['DEACTIVATED', 'RETIRED']

/** Statuses of SIMs no longer billed: left out of pricing, and not read by a sync's usage pass. */
export const UNBILLED_STATUSES: readonly DeviceStatus[] = ['RETIRED', 'PURGED', 'REPLACED']

/** Bytes per MB: the carrier reports bytes, prices in MB. */
export const BYTES_PER_MB = 1_048_576

export function bytesToMb(bytes: number): number {
  return bytes / BYTES_PER_MB
}
