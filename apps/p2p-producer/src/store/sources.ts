import { type Queryable } from '@flexgrid/p2p-service';

export interface SourceRow {
  id: string;
  itemName: string | null;
  itemType: string | null;
  root: string;
  binding: 'proof' | 'operator' | 'none';
  hasSecret: boolean;
  status: 'active' | 'deregistered';
  createdAt: number;
  updatedAt: number;
}

/** SQL behind §14.1 `GET /sources`: every registration with how its stream is held, never the secret. */
export const sourceStore = {
  async list(db: Queryable): Promise<SourceRow[]> {
    const { rows } = await db.query<SourceRow>(
      `select id, item_name as "itemName", item_type as "itemType", coalesce(root, id) as root, binding,
              side_key_hash is not null as "hasSecret", status, created_at::float8 as "createdAt",
              updated_at::float8 as "updatedAt"
         from registrations order by id`,
    );
    return rows;
  },
};
