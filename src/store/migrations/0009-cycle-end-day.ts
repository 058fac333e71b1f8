/**
 * The cycle end day used to name a cycle's last day (the cycle closing at the end hour of the day after);
 * it now names the day at whose end hour the cycle ends, as the old system and the carriers' "cycle ends
 * day 1" mean it. Each provider's day moves one on, so every provider keeps the cycles it had: the month's
 * last day (0, or 31, which every month clamped to its last day) becomes 0, "when the month ends".
 * Billing periods already recorded keep their stored bounds.
 */
import { sql, type Kysely, type Migration } from 'kysely'

export function cycleEndDay(): Migration {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db
        .updateTable('service_providers')
        .set({ cycle_end_day: sql`case when cycle_end_day in (0, 31) then 0 else cycle_end_day + 1 end` })
        .execute()
    },
  }
}
