/**
 * Where a carrier API may be: loopback, private and link-local targets (cloud metadata at 169.254.169.254)
 * were accepted, and a URL's password was echoed. Addresses in every IPv4 and IPv6 spelling, names that
 * resolve to such addresses when the call is made, and URLs carrying a password.
 */
import assert from 'node:assert/strict'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { hostname } from 'node:os'
import { lookup } from 'node:dns/promises'
import { describe, it } from 'node:test'
import { CallLimiter, JasperClient } from '../../src/carriers/index.js'
import { carrierUrlProblem, isNonPublicAddress } from '../../src/carriers/carrier-address.js'
import { redactUrl } from '../../src/domain/index.js'

const NON_PUBLIC = [
  '127.0.0.1', '127.255.0.9', '10.0.0.1', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '224.0.0.1', '255.255.255.255',
  '::', '::1', 'fe80::1', 'fe80::1%eth0', 'fd00::1', 'fc00::1', 'ff02::1', '::ffff:127.0.0.1', '::ffff:7f00:1', '::ffff:169.254.169.254', '::ffff:a9fe:a9fe', '0:0:0:0:0:ffff:a00:1',
  '64:ff9b::a9fe:a9fe', '64:ff9b::10.0.0.1', '2002:a9fe:a9fe::1', '2002:7f00:1::', '::127.0.0.1', '2001:db8::1',
]
const PUBLIC = ['8.8.8.8', '1.1.1.1', '172.32.0.1', '100.128.0.1', '169.255.0.1', '2a00:1450:4001:80b::200e', '::ffff:8.8.8.8', '64:ff9b::808:808', '2002:808:808::1', '2606:4700::1111']

describe('carrier addresses', () => {
  it('are not public on loopback, private, link-local and reserved networks, in every IPv4 and IPv6 spelling', () => {
    for (const address of NON_PUBLIC) assert.equal(isNonPublicAddress(address), true, address)
    for (const address of PUBLIC) assert.equal(isNonPublicAddress(address), false, address)
  })

  it('are refused as given unless the operator allows private ones (metadata addresses were accepted)', () => {
    const refused = ['http://169.254.169.254/latest', 'http://127.0.0.1:8080', 'http://[::1]:8080', 'http://[::ffff:169.254.169.254]', 'http://[::ffff:a9fe:a9fe]', 'http://10.1.2.3', 'https://192.168.0.1', 'http://localhost:9', 'http://api.localhost', 'http://[fe80::1]', 'http://0x7f.1', 'http://2130706433', 'http://[fd12::1]:443']
    for (const url of refused) {
      assert.match(carrierUrlProblem(url, false) ?? 'accepted', /loopback, private or link-local address, not a carrier's \(SIMOPT_ALLOW_PRIVATE_CARRIER_URLS=true allows it\)/, url)
      assert.equal(carrierUrlProblem(url, true), undefined, `${url} with the setting`)
    }
    assert.equal(carrierUrlProblem('https://restapi1.jasper.com', false), undefined)
    assert.equal(carrierUrlProblem('https://8.8.8.8:8443', false), undefined)
    assert.match(carrierUrlProblem('ftp://restapi1.jasper.com', false) ?? '', /must be an http\(s\) URL/)
  })

  it('are refused with a password in them, and the password is never echoed (it was stored and listed)', () => {
    for (const url of ['http://user:s3cret-pw@restapi1.jasper.com', 'https://user:s3cret-pw@127.0.0.1:1/x', 'http://:s3cret-pw@host.example', 'http://user:s3cr@t-pw@host.example']) {
      for (const allow of [false, true]) {
        const problem = carrierUrlProblem(url, allow) ?? 'accepted'
        assert.match(problem, /must not carry a user name or password/, url)
        assert.doesNotMatch(problem, /s3cr/, url)
      }
    }
    assert.match(carrierUrlProblem('http://user@host.example', true) ?? '', /must not carry a user name or password/)
    assert.throws(() => new JasperClient({ baseUrl: 'http://user:s3cret-pw@127.0.0.1:1', user: 'u', apiKey: 'k', limiter: new CallLimiter() }), (error: Error) => /user name or password/.test(error.message) && !/s3cret/.test(error.message))
  })

  it('redact a password wherever a URL is shown, one or several in a text', () => {
    assert.equal(redactUrl('http://u:pw@h:1/p'), 'http://u:***@h:1/p')
    assert.equal(redactUrl('a http://u:p@ss:w@rd@h/x and postgres://me:pw2@db/n'), 'a http://u:***@h/x and postgres://me:***@db/n')
    assert.equal(redactUrl('http://host/path?q=a@b'), 'http://host/path?q=a@b')
    assert.equal(redactUrl('https://restapi1.jasper.com'), 'https://restapi1.jasper.com')
  })

  it('are checked again when a call is made: a name that resolves to a loopback address is not called', async (t) => {
    const name = hostname()
    const resolved = await lookup(name, { all: true }).catch(() => [])
    if (resolved.length === 0 || !resolved.every(({ address }) => isNonPublicAddress(address))) return t.skip(`this machine's name ${name} does not resolve to local addresses only`)
    let requests = 0
    const server = createServer((_request, response) => {
      requests++
      response.writeHead(200, { 'Content-Type': 'application/json' }).end('{}')
    })
    await new Promise<void>((resolve) => server.listen(0, resolve))
    try {
      const baseUrl = `http://${name}:${(server.address() as AddressInfo).port}`
      assert.equal(carrierUrlProblem(baseUrl, false), undefined, 'a name passes as given')
      const refusing = new JasperClient({ baseUrl, user: 'u', apiKey: 'k', limiter: new CallLimiter({ maxRetries: 0 }), refusePrivateAddresses: true })
      await assert.rejects(refusing.ratePlans(1), { kind: 'bad-request', message: new RegExp(`GET /rws/api/v1/rateplans.*: not called: ${name} resolves to ${resolved[0]!.address.replaceAll('.', '\\.')}, a loopback, private or link-local address`) })
      assert.equal(requests, 0, 'the credentials never left')
      const allowing = new JasperClient({ baseUrl, user: 'u', apiKey: 'k', limiter: new CallLimiter({ maxRetries: 0 }) })
      await assert.rejects(allowing.ratePlans(1), { kind: 'bad-answer' })
      assert.equal(requests, 1, 'the same call is made where private addresses are allowed')
    } finally {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    }
  })
})
