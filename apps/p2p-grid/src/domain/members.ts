import { enqueue } from '@flexgrid/platform-db';
import { type RegistrationPolicy } from '@flexgrid/p2p-service';
import { returnChannelGoodbye, returnChannelHello } from '../records';
import { storageStore } from '../store/storage';
import { type GridTransaction, type JournaledGrid } from './journaled-grid';

export type SettlementRole = 'producer' | 'consumer';

/** The topics the grid reads streams from, and the settlement role whose streams they carry (§2). */
export const STREAM_TOPICS = { consumer: 'meter.readings', producer: 'p2p.producer-output' } as const;

/**
 * What the grid's registrations mean (§12.1): `producer` and `consumer` are settlement roles, fixed once stored;
 * any other type is a member without one. The settlement domain learns of members in the same transaction; a
 * consumer gets the return channel (P2P-CH5); deregistration deletes the member's storage (§12.3).
 */
export function memberPolicy(options: {
  journaled: JournaledGrid;
  gridId: string;
  verificationKey: string;
}): RegistrationPolicy<SettlementRole, GridTransaction> {
  const { journaled, gridId, verificationKey } = options;
  return {
    roleOf: (itemType) => (itemType === 'producer' || itemType === 'consumer' ? itemType : null),
    topicOf: (role) => STREAM_TOPICS[role],
    typeLocked: () => true,
    hasReturnChannel: (role) => role === 'consumer',
    answer: (row) => (row.role === 'consumer' ? { root: row.id, sideKey: verificationKey } : {}),
    transact: (work) => journaled.transact(work),
    async stored({ client, record }, row, change) {
      if (row.role !== null)
        record({
          kind: 'register',
          id: row.id,
          role: row.role,
          at: row.updatedAt,
          streamKey: row.root ?? row.id,
          binding: { binding: row.binding, sideKeyHash: row.sideKeyHash },
        });
      if (!change.opensReturnChannel) return false;
      await enqueue(client, [returnChannelHello(gridId, row.id, verificationKey, row.updatedAt)]);
      return true;
    },
    async deregistered({ client, record }, row, at) {
      await storageStore.delete(client, row.id);
      if (row.role !== null) record({ kind: 'deregister', id: row.id, at });
      if (!row.hasReturnChannel) return false;
      await enqueue(client, [returnChannelGoodbye(gridId, row.id, at)]);
      return true;
    },
  };
}
