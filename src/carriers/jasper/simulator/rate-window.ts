/**
 * Control Center's per-account call cap: at most `limit` calls in any sliding one-second window. Calls
 * refused over the cap do not count against it, so a client that waits out the window gets through.
 */
const WINDOW_MS = 1000

export class RateWindow {
  /** Times of the admitted calls of the last second, oldest first. */
  readonly #admitted: number[] = []

  /** Admits a call at `at` (epoch ms) when fewer than `limit` were admitted in the second before it. */
  admit(at: number, limit: number): boolean {
    while (this.#admitted.length > 0 && this.#admitted[0]! <= at - WINDOW_MS) this.#admitted.shift()
    if (this.#admitted.length >= limit) return false
    this.#admitted.push(at)
    return true
  }
}
