/** What simulator handlers are given and answer, and the Jasper error answers they refuse calls with. */
import type { ErrorBody, JasperErrorCode } from '../jasper-wire.js'
import type { SimulatedDevice, SimulatedFleet } from './simulated-fleet.js'

export interface Answer {
  readonly status: number
  readonly body: unknown
  readonly headers?: Readonly<Record<string, string>>
}

/** One authenticated, admitted call. */
export interface CallContext {
  readonly fleet: SimulatedFleet
  /** The simulator's clock at the call, epoch ms. */
  readonly now: number
  readonly query: URLSearchParams
  /** The request body as text; empty for GET. */
  readonly body: string
  /** Advantage account: may read usage by rate plan. */
  readonly advantage: boolean
  /** Told of every `GET /devices` page served; `crawl` names the query apart from its paging. */
  readonly onDevicePage: (page: { readonly crawl: string; readonly pageNumber: number; readonly lastPage: boolean; readonly served: readonly SimulatedDevice[] }) => void
  /** Told of every `GET /usages` page served. */
  readonly onUsagePage: (page: { readonly plan: string; readonly lastPage: boolean }) => void
}

/** Answers a call; `id` is the path's variable part (ICCID, echo value), if the route has one. @throws JasperRejection */
export type Handler = (call: CallContext, id: string) => Answer

/** A call the API refuses; handlers throw it from wherever they find the fault and the server answers it. */
export class JasperRejection extends Error {
  readonly answer: Answer

  constructor(status: number, errorCode: JasperErrorCode | undefined, errorMessage: string, headers?: Readonly<Record<string, string>>) {
    super(errorMessage)
    const body: ErrorBody = errorCode === undefined ? { errorMessage } : { errorMessage, errorCode }
    this.answer = headers === undefined ? { status, body } : { status, body, headers }
  }
}

export function ok(body: unknown): Answer {
  return { status: 200, body }
}
