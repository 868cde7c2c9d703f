import { type Paging, REGISTRATION_ID, sameSideKeyHash, sideKeyHash } from '@flexgrid/protocol-p2p';
import { inTransaction } from '@flexgrid/platform-db';
import type { Pool, PoolClient } from 'pg';
import { invalidParameter, sideKeyFailure, unknownRegistration } from '../errors';
import { registrationStore } from '../store/registrations';
import { type Queryable } from '../store/queryable';
import { storageStore } from '../store/storage';

// eslint-disable-next-line no-control-regex -- control characters are exactly what §13.2 refuses
const CONTROL = /[\x00-\x1F\x7F]/;

export interface StorageOptions {
  pool: Pool;
  /** §13.2 check 6: writes of a registration without a secret (`P2P_STORAGE_ALLOW_UNSECURED`). */
  allowUnsecured: boolean;
  readsNeedSideKey: boolean;
  now: () => number;
}

/** An item's address as the route gave it; context and id are absent for the wider DELETEs. */
export interface StorageAddress {
  registrationId: string;
  context?: string;
  id?: string;
}

export interface StoragePage {
  ids: string[];
  items: unknown[];
  totalItems: number;
  totalPages: number;
  pageSize: number;
}

/** Checks 1–3 (§13.2) in order. */
function checkAddress(address: StorageAddress): void {
  if (!REGISTRATION_ID.test(address.registrationId)) throw invalidParameter('registrationId');
  const { context, id } = address;
  if (
    context !== undefined &&
    (context.length < 1 || context.length > 128 || context.includes('/') || CONTROL.test(context))
  )
    throw invalidParameter('context');
  if (id !== undefined && (id.length < 1 || id.length > 512 || CONTROL.test(id))) throw invalidParameter('id');
}

/** The storage API's rules (§13): checks in the order of §13.2, then the store. */
export class Storage {
  constructor(private readonly options: StorageOptions) {}

  async put(address: Required<StorageAddress>, value: unknown, sideKey: string | undefined): Promise<void> {
    checkAddress(address);
    await this.write(address.registrationId, sideKey, (client) =>
      storageStore.put(client, address.registrationId, address.context, address.id, value, this.options.now()),
    );
  }

  /** A missing item is a success without `item` (§13.1, kept for client compatibility). */
  async get(address: Required<StorageAddress>, sideKey: string | undefined): Promise<{ item?: unknown }> {
    checkAddress(address);
    await this.authorise(this.options.pool, address.registrationId, sideKey, 'read');
    const found = await storageStore.get(this.options.pool, address.registrationId, address.context, address.id);
    return found ? { item: found.value } : {};
  }

  /** §13.4; `paging` is the caller's parse (check 4), given as a thunk so it fails in order after checks 1–3. */
  async list(
    address: { registrationId: string; context: string },
    paging: () => Paging,
    sideKey: string | undefined,
  ): Promise<StoragePage> {
    checkAddress(address);
    const { page, pageSize } = paging();
    await this.authorise(this.options.pool, address.registrationId, sideKey, 'read');
    const found = await storageStore.page(
      this.options.pool,
      address.registrationId,
      address.context,
      page * pageSize,
      pageSize,
    );
    return { ...found, totalPages: Math.ceil(found.totalItems / pageSize), pageSize };
  }

  async delete(address: StorageAddress, sideKey: string | undefined): Promise<void> {
    checkAddress(address);
    await this.write(address.registrationId, sideKey, (client) =>
      storageStore.delete(client, address.registrationId, address.context, address.id),
    );
  }

  /**
   * Checks 5 and 6 and the write in one transaction, the registration row share-locked from the check to the
   * commit: a deregistration (§12.3, which deletes the member's storage) either waits for the write and deletes
   * it too, or commits first and the check refuses; a write never lands for a member deleted in between.
   */
  private write(
    registrationId: string,
    sideKey: string | undefined,
    work: (client: PoolClient) => Promise<void>,
  ): Promise<void> {
    return inTransaction(this.options.pool, async (client) => {
      await this.authorise(client, registrationId, sideKey, 'write');
      await work(client);
    });
  }

  /** Checks 5 and 6. */
  private async authorise(
    db: Queryable,
    registrationId: string,
    sideKey: string | undefined,
    access: 'read' | 'write',
  ): Promise<void> {
    const row = await registrationStore.find(db, registrationId, access === 'write' ? 'share' : undefined);
    if (!row || row.status !== 'active') throw unknownRegistration(registrationId);
    if (access === 'read' && !this.options.readsNeedSideKey) return;
    if (row.sideKeyHash === null) {
      if (access === 'write' && this.options.allowUnsecured) return;
      if (access === 'read') return;
      throw sideKeyFailure(registrationId);
    }
    if (sideKey === undefined || !sameSideKeyHash(sideKeyHash(sideKey), row.sideKeyHash))
      throw sideKeyFailure(registrationId);
  }
}
