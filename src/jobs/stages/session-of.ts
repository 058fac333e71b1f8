import type { Db } from '../../store/database.js'

export async function sessionOfInstance(db: Db, instanceId: string): Promise<string | undefined> {
  return (await db.selectFrom('instances').select('session_id').where('id', '=', instanceId).executeTakeFirst())?.session_id
}

export async function sessionOfComponent(db: Db, componentId: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('components')
    .innerJoin('instances', 'instances.id', 'components.instance_id')
    .select('instances.session_id')
    .where('components.id', '=', componentId)
    .executeTakeFirst()
  return row?.session_id
}
