/**
 * The "page that changes mid-crawl" fault. On the real service a device that changes while a client pages
 * through `GET /devices` moves to the end of the modification order, so every later page starts one device
 * further on and the client never sees the device that slid onto a page it already has.
 */
import type { SimulatedDevice, SimulatedFleet } from './simulated-fleet.js'

export class CrawlShifter {
  /** Crawls (one query, all pages) already disturbed: each is disturbed once, so a client that starts over can finish. */
  readonly #shifted = new Set<string>()

  /**
   * Called after page `pageNumber` of `crawl` was served with `served`: when it is page `afterPage` and not
   * the last, moves the page's first device to another rate plan at `at`. Returns the device it changed.
   */
  afterPage(
    fleet: SimulatedFleet,
    page: { readonly crawl: string; readonly pageNumber: number; readonly lastPage: boolean; readonly served: readonly SimulatedDevice[] },
    afterPage: number,
    at: number,
  ): SimulatedDevice | undefined {
    const first = page.served[0]
    if (page.pageNumber !== afterPage || page.lastPage || first === undefined || this.#shifted.has(page.crawl)) return undefined
    this.#shifted.add(page.crawl)
    return fleet.changeRatePlan(first.iccid, fleet.otherAllowedPlan(first), at)
  }
}
