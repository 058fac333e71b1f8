/**
 * Devices ordered as `GET /devices` lists them: by `dateUpdated`, then ICCID. Kept sorted as devices change
 * so that every page of a crawl is a binary search and a slice, not a sort of the whole fleet.
 */
export interface Modified {
  readonly iccid: string
  readonly dateUpdated: number
}

export class ModificationOrder<T extends Modified> {
  readonly #items: T[]

  constructor(items: Iterable<T>) {
    this.#items = [...items].sort(compare)
  }

  /** Up to `take` of the items with `since <= dateUpdated <= till`, in order, after skipping `skip`; and how many there are. */
  page(since: number, till: number, skip: number, take: number): { readonly items: readonly T[]; readonly total: number } {
    const from = this.#firstAtOrAfter(since, '')
    // ICCIDs are digits, so '\uffff' sorts after every ICCID with the same date.
    const to = this.#firstAtOrAfter(till, '\uffff')
    const total = Math.max(0, to - from)
    return { items: skip < total ? this.#items.slice(from + skip, Math.min(to, from + skip + take)) : [], total }
  }

  /** Runs `change`, which may move `item` in time, and keeps the order. `item` must be in the order. */
  update(item: T, change: () => void): void {
    const at = this.#firstAtOrAfter(item.dateUpdated, item.iccid)
    if (this.#items[at] !== item) throw new Error(`device ${item.iccid} is not where its dateUpdated puts it`)
    this.#items.splice(at, 1)
    change()
    this.#items.splice(this.#firstAtOrAfter(item.dateUpdated, item.iccid), 0, item)
  }

  /** Takes `item` out of the order. `item` must be in the order. */
  remove(item: T): void {
    const at = this.#firstAtOrAfter(item.dateUpdated, item.iccid)
    if (this.#items[at] !== item) throw new Error(`device ${item.iccid} is not where its dateUpdated puts it`)
    this.#items.splice(at, 1)
  }

  #firstAtOrAfter(dateUpdated: number, iccid: string): number {
    let low = 0
    let high = this.#items.length
    while (low < high) {
      const middle = (low + high) >>> 1
      if (compare(this.#items[middle]!, { iccid, dateUpdated }) < 0) low = middle + 1
      else high = middle
    }
    return low
  }
}

function compare(a: Modified, b: Modified): number {
  if (a.dateUpdated !== b.dateUpdated) return a.dateUpdated - b.dateUpdated
  return a.iccid < b.iccid ? -1 : a.iccid > b.iccid ? 1 : 0
}
