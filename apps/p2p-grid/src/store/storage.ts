import { type Queryable } from './queryable';

export interface StoredPage {
  ids: string[];
  items: unknown[];
  totalItems: number;
}

/** SQL behind the storage API (§13); ids in byte order (`collate "C"`, §13.3). */
export const storageStore = {
  async put(db: Queryable, registrationId: string, context: string, id: string, value: unknown, at: number) {
    await db.query(
      `insert into storage_items (registration_id, context, item_id, value, updated_at) values ($1, $2, $3, $4, $5)
       on conflict (registration_id, context, item_id) do update set value = $4, updated_at = $5`,
      [registrationId, context, id, JSON.stringify(value), at],
    );
  },

  async get(
    db: Queryable,
    registrationId: string,
    context: string,
    id: string,
  ): Promise<{ value: unknown } | undefined> {
    const { rows } = await db.query<{ value: unknown }>(
      `select value from storage_items where registration_id = $1 and context = $2 and item_id = $3`,
      [registrationId, context, id],
    );
    return rows[0];
  },

  /** One window of a context and the context's size (§13.4). */
  async page(
    db: Queryable,
    registrationId: string,
    context: string,
    offset: number,
    limit: number,
  ): Promise<StoredPage> {
    const [{ rows }, count] = [
      await db.query<{ id: string; value: unknown }>(
        `select item_id as id, value from storage_items where registration_id = $1 and context = $2
          order by item_id collate "C" limit $3 offset $4`,
        [registrationId, context, limit, offset],
      ),
      await db.query<{ n: number }>(
        `select count(*)::int as n from storage_items where registration_id = $1 and context = $2`,
        [registrationId, context],
      ),
    ];
    return { ids: rows.map((r) => r.id), items: rows.map((r) => r.value), totalItems: count.rows[0].n };
  },

  /** Deletes an item, a context, or everything of the registration (§13.1, §12.3). */
  async delete(db: Queryable, registrationId: string, context?: string, id?: string): Promise<void> {
    if (context === undefined) await db.query(`delete from storage_items where registration_id = $1`, [registrationId]);
    else if (id === undefined)
      await db.query(`delete from storage_items where registration_id = $1 and context = $2`, [
        registrationId,
        context,
      ]);
    else
      await db.query(`delete from storage_items where registration_id = $1 and context = $2 and item_id = $3`, [
        registrationId,
        context,
        id,
      ]);
  },
};
