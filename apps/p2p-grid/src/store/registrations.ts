import { type Queryable } from './queryable';

export type SettlementRole = 'producer' | 'consumer';

/** A member as stored (§12); the secret only as its hash (P2P-CH1). */
export interface RegistrationRow {
  id: string;
  itemName: string | null;
  itemType: string | null;
  role: SettlementRole | null;
  root: string | null;
  sideKeyHash: string | null;
  binding: 'proof' | 'operator' | 'none';
  status: 'active' | 'deregistered';
  hasReturnChannel: boolean;
  createdAt: number;
  updatedAt: number;
}

const COLUMNS = `id, item_name as "itemName", item_type as "itemType", role, root, side_key_hash as "sideKeyHash",
  binding, status, has_return_channel as "hasReturnChannel", created_at::float8 as "createdAt",
  updated_at::float8 as "updatedAt"`;

/** The stream key a member's records arrive under: its root, else its id (§12.4). */
export function streamKeyOf(row: Pick<RegistrationRow, 'id' | 'root'>): string {
  return row.root ?? row.id;
}

/** SQL behind the registration API (§12). */
export const registrationStore = {
  /** With `lock`, the row stays locked until the caller's transaction ends. */
  /** `lock` (in a transaction): `update` to change the row, `share` to keep it as read until the commit. */
  async find(db: Queryable, id: string, lock?: 'update' | 'share'): Promise<RegistrationRow | undefined> {
    const { rows } = await db.query<RegistrationRow>(
      `select ${COLUMNS} from registrations where id = $1${lock ? ` for ${lock}` : ''}`,
      [id],
    );
    return rows[0];
  },

  /** The active member of `role` whose stream is `streamKey` (§12.2 check 9). */
  async holderOf(db: Queryable, role: SettlementRole, streamKey: string): Promise<string | undefined> {
    const { rows } = await db.query<{ id: string }>(
      `select id from registrations where status = 'active' and role = $1 and coalesce(root, id) = $2`,
      [role, streamKey],
    );
    return rows[0]?.id;
  },

  async upsert(db: Queryable, row: RegistrationRow): Promise<void> {
    await db.query(
      `insert into registrations (id, item_name, item_type, role, root, side_key_hash, binding, status,
         has_return_channel, created_at, updated_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
       on conflict (id) do update set item_name = $2, item_type = $3, role = $4, root = $5, side_key_hash = $6,
         binding = $7, status = $8, has_return_channel = $9, updated_at = $11`,
      [
        row.id,
        row.itemName,
        row.itemType,
        row.role,
        row.root,
        row.sideKeyHash,
        row.binding,
        row.status,
        row.hasReturnChannel,
        row.createdAt,
        row.updatedAt,
      ],
    );
  },

  /** Opens an activity period at `at` (re-activation keeps the earlier ones: P2P-AG1, S1). */
  async openPeriod(db: Queryable, id: string, at: number): Promise<void> {
    await db.query(
      `insert into registration_periods (registration_id, from_ms) values ($1, $2) on conflict do nothing`,
      [id, at],
    );
  },

  async closePeriod(db: Queryable, id: string, at: number): Promise<void> {
    await db.query(`update registration_periods set until_ms = $2 where registration_id = $1 and until_ms is null`, [
      id,
      at,
    ]);
  },

  /** P2P-CH4: a goodbye unbinds the active member holding the stream; it stays registered. */
  async unbindStream(db: Queryable, role: SettlementRole, streamKey: string, at: number): Promise<string | undefined> {
    const { rows } = await db.query<{ id: string }>(
      `update registrations set binding = 'none', updated_at = $3
        where status = 'active' and role = $1 and coalesce(root, id) = $2 and binding <> 'none' returning id`,
      [role, streamKey, at],
    );
    return rows[0]?.id;
  },
};
