/**
 * The "plan change during the usage sync" fault. A client reads usage rate plan by rate plan (`GET /usages`);
 * a SIM that another tool moves from a plan the client has not read yet onto one it has already read is in
 * neither plan's pages, and only a client that checks every SIM for a reading notices it.
 */
import type { SimulatedDevice, SimulatedFleet } from './simulated-fleet.js'

export class UsageShifter {
  /** Plans at least one `GET /usages` page was served for. */
  readonly #asked = new Set<string>()
  #moved = 0

  /**
   * Called after a page of `plan`'s usage was served: when it was the plan's last page and fewer than
   * `limit` devices were moved so far, moves the first device (by ICCID) of a plan not asked for yet, whose
   * communication plan allows `plan`, onto `plan` at `at`. Returns the device it moved.
   */
  afterPage(fleet: SimulatedFleet, page: { readonly plan: string; readonly lastPage: boolean }, limit: number, at: number): SimulatedDevice | undefined {
    this.#asked.add(page.plan)
    if (!page.lastPage || this.#moved >= limit) return undefined
    const unread = (device: SimulatedDevice) => !this.#asked.has(device.ratePlan) && fleet.plan(device.ratePlan)?.shared === false
    const device = fleet.devices().find((candidate) => unread(candidate) && fleet.allows(candidate, page.plan))
    if (device === undefined) return undefined
    this.#moved++
    return fleet.changeRatePlan(device.iccid, page.plan, at)
  }
}
