/**
 * The "plan change during the usage sync" fault. A client reads usage rate plan by rate plan (`GET /usages`).
 * A SIM that another tool moves from a plan the client has not read yet onto one it has already read is on
 * neither plan's pages; one moved the other way is on both, the second time under a plan the client does not
 * have it on. Only a client that checks every SIM for a reading, and every reading against the SIM's plan,
 * prices both right.
 */
import type { SimulatedDevice, SimulatedFleet } from './simulated-fleet.js'

export class UsageShifter {
  /** Plans at least one `GET /usages` page was served for. */
  readonly #asked = new Set<string>()
  #moved = 0

  /**
   * Called after a page of `plan`'s usage was served. When it was the plan's last page, and while fewer than
   * `limit` devices were moved so far, moves (in turn) the first device, by ICCID, of an unshared plan not
   * asked for yet onto `plan`, and the first device of `plan` onto an unshared plan not asked for yet, each
   * only where its communication plan allows it, at `at`. Returns the devices it moved.
   */
  afterPage(fleet: SimulatedFleet, page: { readonly plan: string; readonly lastPage: boolean }, limit: number, at: number): SimulatedDevice[] {
    this.#asked.add(page.plan)
    if (!page.lastPage) return []
    const unread = (plan: string) => !this.#asked.has(plan) && fleet.plan(plan)?.shared === false
    const moved: SimulatedDevice[] = []
    const onto = fleet.devices().find((device) => unread(device.ratePlan) && fleet.allows(device, page.plan))
    if (onto !== undefined && this.#moved < limit) moved.push(this.#move(fleet, onto, page.plan, at))
    const away = fleet.devices().find((device) => device.ratePlan === page.plan && fleet.plans.some((plan) => unread(plan.name) && fleet.allows(device, plan.name)))
    if (away !== undefined && this.#moved < limit) {
      const target = fleet.plans.find((plan) => unread(plan.name) && fleet.allows(away, plan.name))!
      moved.push(this.#move(fleet, away, target.name, at))
    }
    return moved
  }

  #move(fleet: SimulatedFleet, device: SimulatedDevice, plan: string, at: number): SimulatedDevice {
    this.#moved++
    return fleet.changeRatePlan(device.iccid, plan, at)
  }
}
