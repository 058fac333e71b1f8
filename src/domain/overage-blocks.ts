/** Whole overage blocks: how every allowance of the cost model (data, voice, SMS) is exceeded. */

/** Excess at or below this many units (MB, minutes, SMS) is float noise and never buys an overage block. */
export const MB_TOLERANCE = 1e-9

/** Whole overage blocks needed to cover `excess` (0 when usage is within the allowance). */
export function overageBlocks(excess: number, blockSize: number): number {
  return excess > MB_TOLERANCE ? Math.ceil((excess - MB_TOLERANCE) / blockSize) : 0
}
