/**
 * PostgreSQL may end a connection the pool holds idle (a restart, a failover, an administrator's
 * pg_terminate_backend): the process goes on, and the next query gets a new connection.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { sql } from 'kysely'
import pg from 'pg'
import { openStore } from '../../src/store/database.js'
import { POSTGRES_ADMIN_URL, freshPostgresDatabase } from '../helpers/services.js'

describe('a PostgreSQL connection ended by the server', () => {
  it('does not stop the process, and the next query is answered on a new connection', async (t) => {
    const url = await freshPostgresDatabase(t)
    if (url === undefined) return
    const store = openStore(url)
    const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL })
    await admin.connect()
    try {
      const first = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(store.db)
      const pid = first.rows[0]!.pid
      // The connection is back in the pool, idle, when the server ends it.
      const ended = await admin.query('select pg_terminate_backend($1) as ended', [pid])
      assert.equal(ended.rows[0].ended, true)
      await new Promise((resolve) => setTimeout(resolve, 300))
      const next = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(store.db)
      assert.notEqual(next.rows[0]!.pid, pid)
    } finally {
      await admin.end()
      await store.close()
    }
  })
})
