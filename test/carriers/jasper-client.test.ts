import assert from 'node:assert/strict'
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { after, before, beforeEach, describe, it } from 'node:test'
import { CallLimiter, CarrierError, JasperClient, type CallLimiterOptions, type CarrierErrorKind } from '../../src/carriers/index.js'

/** One canned answer; `hang` never answers. */
interface Answer {
  readonly status?: number
  readonly json?: unknown
  readonly text?: string
  readonly contentType?: string
  readonly hang?: boolean
}

interface Seen {
  readonly method: string
  readonly url: string
  readonly headers: IncomingHttpHeaders
  readonly body: string
}

/** Answers requests in order from a script, and records them; nothing else. */
class ScriptedJasper {
  readonly seen: Seen[] = []
  #script: Answer[] = []
  readonly #server: Server = createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      this.seen.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers, body: Buffer.concat(chunks).toString() })
      const answer = this.#script.shift() ?? { status: 599, text: 'nothing scripted' }
      if (answer.hang === true) return
      const body = answer.json === undefined ? (answer.text ?? '') : JSON.stringify(answer.json)
      response.writeHead(answer.status ?? 200, { 'Content-Type': answer.contentType ?? (answer.json === undefined ? 'text/plain' : 'application/json') })
      response.end(body)
    })
  })

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve))
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`
  }

  script(...answers: Answer[]): void {
    this.#script = answers
    this.seen.length = 0
  }

  async stop(): Promise<void> {
    this.#server.closeAllConnections()
    await new Promise((resolve) => this.#server.close(resolve))
  }
}

const ICCID = '89011704278930000001'
const MEASURED_AT = Date.UTC(2026, 10, 12, 8, 0, 0)

const details = (overrides: Record<string, unknown> = {}) => ({
  iccid: ICCID,
  imsi: '310170123456789',
  msisdn: null,
  imei: '356938035643809',
  status: 'ACTIVATED',
  ratePlan: 'hphlr rp1',
  communicationPlan: 'GENERAL',
  customer: null,
  endConsumerId: null,
  dateActivated: '2016-06-29 00:21:33.339+0000',
  dateAdded: '2016-06-01 10:00:00.000+0000',
  dateUpdated: '2026-11-10 09:30:00.000+0000',
  dateShipped: null,
  accountId: '100020620',
  fixedIPAddress: null,
  ...overrides,
})

const ctdUsage = (dataBytes: number) => ({
  iccid: ICCID,
  imsi: null,
  msisdn: null,
  imei: null,
  status: 'ACTIVATED',
  ratePlan: 'IND-5MB',
  communicationPlan: 'SENSOR',
  ctdDataUsage: dataBytes,
  ctdSMSUsage: 7,
  ctdVoiceUsage: 0,
  ctdSessionCount: 3,
  overageLimitReached: false,
  overageLimitOverride: 'DEFAULT',
})

const jasperError = (status: number, errorCode: string | undefined, errorMessage: string): Answer => ({
  status,
  json: errorCode === undefined ? { errorMessage } : { errorCode, errorMessage },
})

describe('Jasper client', () => {
  const server = new ScriptedJasper()
  let baseUrl = ''
  /** A clock that moves only when the limiter sleeps: retries and back-off take no real time. */
  let virtualMs = 0

  const client = (limiter: Partial<CallLimiterOptions> = {}, timeoutMs?: number) => {
    const options: CallLimiterOptions = {
      maxRetries: 0,
      now: () => virtualMs,
      sleep: async (ms) => void (virtualMs += ms),
      ...limiter,
    }
    return new JasperClient({ baseUrl, user: 'api-user', apiKey: 'k3y:with/odd=chars', limiter: new CallLimiter(options), timeoutMs, now: () => MEASURED_AT })
  }

  before(async () => {
    baseUrl = await server.start()
  })
  after(() => server.stop())
  beforeEach(() => {
    virtualMs = 0
  })

  it('sends Basic auth of user:apiKey and asks for JSON', async () => {
    server.script({ json: details() })
    await client().deviceDetails(ICCID)
    const [request] = server.seen
    assert.equal(request?.headers.authorization, `Basic ${Buffer.from('api-user:k3y:with/odd=chars').toString('base64')}`)
    assert.equal(request?.headers.accept, 'application/json')
    assert.equal(request?.url, `/rws/api/v1/devices/${ICCID}`)
  })

  it('lists changed devices with the window URL-encoded, the + of the offset as %2B', async () => {
    server.script({
      json: {
        devices: [
          { iccid: '1', status: 'ACTIVATED', ratePlan: 'IND-5MB', communicationPlan: 'SENSOR' },
          { iccid: '2', status: 'DEACTIVATED', ratePlan: 'POOL-25MB', communicationPlan: 'GENERAL' },
        ],
        pageNumber: 2,
        lastPage: false,
      },
    })
    // Whole seconds, the window widened to them: since rounded down, till rounded up.
    const page = await client().listDevicesChanged({ since: Date.UTC(2016, 3, 18, 17, 31, 34, 250), till: Date.UTC(2016, 3, 19, 0, 0, 0, 999) }, 2)
    assert.equal(
      server.seen[0]?.url,
      '/rws/api/v1/devices?modifiedSince=2016-04-18T17%3A31%3A34%2B00%3A00&modifiedTill=2016-04-19T00%3A00%3A01%2B00%3A00&pageSize=50&pageNumber=2',
    )
    assert.deepEqual(page, {
      devices: [
        { iccid: '1', status: 'ACTIVATED', ratePlan: 'IND-5MB', commPlan: 'SENSOR' },
        { iccid: '2', status: 'DEACTIVATED', ratePlan: 'POOL-25MB', commPlan: 'GENERAL' },
      ],
      lastPage: false,
    })
  })

  it('reads device details, with missing identifiers and dates as undefined', async () => {
    server.script({ json: details() }, { json: details({ dateActivated: null, msisdn: '15551234567' }) })
    assert.deepEqual(await client().deviceDetails(ICCID), {
      iccid: ICCID,
      msisdn: undefined,
      imsi: '310170123456789',
      imei: '356938035643809',
      status: 'ACTIVATED',
      ratePlan: 'hphlr rp1',
      commPlan: 'GENERAL',
      activatedAt: Date.UTC(2016, 5, 29, 0, 21, 33, 339),
      updatedAt: Date.UTC(2026, 10, 10, 9, 30),
    })
    const never = await client().deviceDetails(ICCID)
    assert.equal(never.activatedAt, undefined)
    assert.equal(never.msisdn, '15551234567')
  })

  it('reads a date to the same epoch ms in the response format and in ISO 8601 with an offset or Z', async () => {
    const formats = ['2016-06-29 02:21:33.339+0200', '2016-06-29T00:21:33.339+00:00', '2016-06-29T00:21:33.339Z', '2016-06-28 19:21:33.339-0500']
    server.script(...formats.map((dateUpdated) => ({ json: details({ dateUpdated }) })))
    for (const format of formats) {
      assert.equal((await client().deviceDetails(ICCID)).updatedAt, Date.UTC(2016, 5, 29, 0, 21, 33, 339), format)
    }
  })

  it('converts cycle usage from bytes to MB exactly, and stamps when it was measured', async () => {
    server.script({ json: ctdUsage(1_048_576) }, { json: ctdUsage(5 * 1_048_576 + 524_288) })
    assert.deepEqual(await client().cycleUsage(ICCID), {
      iccid: ICCID,
      msisdn: undefined,
      dataMb: 1,
      sms: 7,
      status: 'ACTIVATED',
      ratePlan: 'IND-5MB',
      commPlan: 'SENSOR',
      measuredAt: MEASURED_AT,
    })
    assert.equal((await client().cycleUsage(ICCID)).dataMb, 5.5)
    assert.equal(server.seen[0]?.url, `/rws/api/v1/devices/${ICCID}/ctdUsages`)
  })

  it('reads a rate plan’s usage, adding up a device’s zones and its SMS both ways', async () => {
    const usage = (dataUsage: number, smsMOUsage: number, smsMTUsage: number) => ({ dataUsage, smsMOUsage, smsMTUsage, voiceMOUsage: 60, voiceMTUsage: 0 })
    server.script({
      json: {
        zones: [
          { zone: 'USA', devices: [{ deviceId: 'A', usage: usage(1_048_576, 1, 2) }, { deviceId: 'B', usage: usage(0, 0, 0) }] },
          { zone: 'Roaming', devices: [{ deviceId: 'A', usage: usage(3 * 1_048_576, 4, 0) }] },
        ],
        pageNumber: 1,
        lastPage: true,
      },
    })
    const page = await client().usageByRatePlan('hphlr rp1', Date.UTC(2026, 10, 1), 1)
    assert.equal(server.seen[0]?.url, '/rws/api/v1/usages?ratePlanName=hphlr+rp1&cycleStartDate=2026-11-01&pageSize=50&pageNumber=1')
    assert.deepEqual(page, {
      kind: 'usage',
      devices: [
        { iccid: 'A', dataMb: 4, sms: 7 },
        { iccid: 'B', dataMb: 0, sms: 0 },
      ],
      lastPage: true,
    })
  })

  it('answers not-available, not an error, when usage by rate plan is refused with 10000030', async () => {
    server.script(jasperError(400, '10000030', 'Your role does not have access to this API function'))
    const limiter = new CallLimiter({ maxRetries: 0, now: () => virtualMs, sleep: async () => {} })
    const jasper = new JasperClient({ baseUrl, user: 'u', apiKey: 'k', limiter })
    const page = await jasper.usageByRatePlan('POOL-25MB', Date.UTC(2026, 10, 1), 1)
    assert.equal(page.kind, 'not-available')
    assert.match(page.kind === 'not-available' ? page.reason : '', /10000030 Your role does not have access/)
    assert.equal(limiter.stats.errors['bad-request'], 0)
  })

  it('reads rate plans and changes one with a PUT of a JSON body', async () => {
    server.script(
      {
        json: {
          operatorName: 'AT&T',
          operatorId: 7,
          timeStamp: '2026-11-12T08:00:00.000Z',
          pageNumber: 1,
          lastPage: true,
          ratePlans: [
            { name: 'IND-5MB', shared: false, type: 'Monthly Individual' },
            { name: 'POOL-25MB', shared: true, type: 'Monthly Flexible Pool' },
          ],
        },
      },
      { status: 202, json: { iccid: ICCID } },
    )
    const jasper = client()
    assert.deepEqual(await jasper.ratePlans(1), {
      plans: [
        { name: 'IND-5MB', shared: false },
        { name: 'POOL-25MB', shared: true },
      ],
      lastPage: true,
    })
    assert.equal(server.seen[0]?.url, '/rws/api/v1/rateplans?pageSize=50&pageNumber=1')
    await jasper.changeRatePlan(ICCID, 'POOL-25MB')
    const put = server.seen[1]
    assert.equal(put?.method, 'PUT')
    assert.equal(put?.url, `/rws/api/v1/devices/${ICCID}`)
    assert.equal(put?.headers['content-type'], 'application/json')
    assert.deepEqual(JSON.parse(put?.body ?? ''), { ratePlan: 'POOL-25MB' })
  })

  const errors: [string, Answer, CarrierErrorKind, string | undefined, number][] = [
    ['bad credentials', jasperError(401, '10000001', 'Invalid credentials'), 'auth', '10000001', 401],
    ['no credentials (no errorCode)', jasperError(401, undefined, 'Full authentication is required to access this resource'), 'auth', undefined, 401],
    ['the rate limit, on HTTP 400', jasperError(400, '40000029', 'Rate limit exceeded'), 'rate-limited', '40000029', 400],
    ['an unknown ICCID', jasperError(404, '20000001', 'Resource not found - Invalid ICCID'), 'not-found', '20000001', 404],
    ['a server error', jasperError(500, '30000001', 'Unknown server error'), 'server', '30000001', 500],
    ['a bad parameter', jasperError(400, '10000028', 'Unrecognized parameter'), 'bad-request', '10000028', 400],
  ]
  for (const [what, answer, kind, errorCode, httpStatus] of errors) {
    it(`maps ${what} to ${kind}`, async () => {
      server.script(answer)
      await assert.rejects(client().deviceDetails(ICCID), (error: unknown) => {
        assert.ok(error instanceof CarrierError)
        assert.deepEqual(
          { kind: error.kind, errorCode: error.errorCode, httpStatus: error.httpStatus, path: error.path },
          { kind, errorCode, httpStatus, path: `/rws/api/v1/devices/${ICCID}` },
        )
        assert.match(error.message, new RegExp(`^GET /rws/api/v1/devices/${ICCID}: `))
        assert.ok(error.message.includes((answer.json as { errorMessage: string }).errorMessage))
        return true
      })
    })
  }

  it('maps an HTML 404 from a host that is not the API to not-found, saying so', async () => {
    server.script({ status: 404, text: '<!DOCTYPE html>\n<html><body><h1>Not Found</h1></body></html>', contentType: 'text/html;charset=ISO-8859-1' })
    await assert.rejects(client().deviceDetails(ICCID), (error: unknown) => {
      assert.ok(error instanceof CarrierError)
      assert.equal(error.kind, 'not-found')
      assert.equal(error.errorCode, undefined)
      assert.match(error.message, /not a Jasper answer \(text\/html.*Not Found.*REST API host/)
      return true
    })
  })

  it('retries a rate-limited call through the limiter and returns its answer', async () => {
    server.script(jasperError(400, '40000029', 'Rate limit exceeded'), { json: ctdUsage(0) })
    const limiter = new CallLimiter({ now: () => virtualMs, sleep: async (ms) => void (virtualMs += ms) })
    const jasper = new JasperClient({ baseUrl, user: 'u', apiKey: 'k', limiter })
    assert.equal((await jasper.cycleUsage(ICCID)).dataMb, 0)
    assert.equal(server.seen.length, 2)
    assert.deepEqual([limiter.stats.calls, limiter.stats.retries, limiter.stats.rateLimited], [2, 1, 1])
  })

  it('rejects a 200 of the wrong shape as bad-answer, naming the field', async () => {
    server.script(
      { json: { devices: [{ iccid: '1', status: 'ACTIVATED', ratePlan: 5, communicationPlan: 'SENSOR' }], pageNumber: 1, lastPage: true } },
      { json: { devices: [{ iccid: '1', status: 'SUSPENDED', ratePlan: 'IND-5MB', communicationPlan: 'SENSOR' }], pageNumber: 1, lastPage: true } },
      { json: ctdUsage(-1) },
      { text: '<html>maintenance</html>', contentType: 'text/html' },
    )
    const limiter = new CallLimiter({ failureThreshold: 100, now: () => virtualMs, sleep: async (ms) => void (virtualMs += ms) })
    const jasper = new JasperClient({ baseUrl, user: 'u', apiKey: 'k', limiter })
    const window = { since: 0, till: 1000 }
    await assert.rejects(jasper.listDevicesChanged(window, 1), { kind: 'bad-answer', message: /devices\[0\]\.ratePlan: / })
    await assert.rejects(jasper.listDevicesChanged(window, 1), { kind: 'bad-answer', message: /devices\[0\]\.status: "SUSPENDED" is not a SIM status/ })
    await assert.rejects(jasper.cycleUsage(ICCID), { kind: 'bad-answer', message: /ctdDataUsage: / })
    await assert.rejects(jasper.cycleUsage(ICCID), { kind: 'bad-answer', message: /not JSON: "<html>maintenance<\/html>"/ })
    assert.equal(limiter.stats.errors['bad-answer'], 4, 'the limiter sees every bad answer, the status one included')
  })

  it('gives up on a call with no answer within the timeout', async () => {
    server.script({ hang: true })
    await assert.rejects(client({}, 50).deviceDetails(ICCID), (error: unknown) => {
      assert.ok(error instanceof CarrierError)
      assert.equal(error.kind, 'timeout')
      assert.ok(error.retryable)
      assert.match(error.message, /no answer within 50 ms/)
      return true
    })
  })

  it('maps a refused connection to network', async () => {
    const closed = new ScriptedJasper()
    const url = await closed.start()
    await closed.stop()
    const jasper = new JasperClient({ baseUrl: url, user: 'u', apiKey: 'k', limiter: new CallLimiter({ maxRetries: 0 }) })
    await assert.rejects(jasper.ratePlans(1), { kind: 'network', message: /ECONNREFUSED/ })
  })
})
