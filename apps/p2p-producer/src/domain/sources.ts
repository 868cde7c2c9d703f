import { type RegistrationPolicy } from '@flexgrid/p2p-service';
import { type JournaledProducer, type ProducerTransaction } from './journaled-producer';

/** The topic the producer's sources stream on (§2). */
export const SOURCE_TOPIC = 'meter.readings';

/**
 * What the producer's registrations mean (§12.1): every registration is a source streaming on `meter.readings`,
 * its `itemType` is its kind (`solar`, `wind`, ...) and may change. The aggregation domain learns of sources in
 * the same transaction (P2P-AG1 expects them from then on).
 */
export function sourcePolicy(journaled: JournaledProducer): RegistrationPolicy<'source', ProducerTransaction> {
  return {
    roleOf: () => 'source',
    topicOf: () => SOURCE_TOPIC,
    typeLocked: () => false,
    hasReturnChannel: () => false,
    answer: () => ({}),
    transact: (work) => journaled.transact(work),
    async stored({ record }, row) {
      record({
        kind: 'register',
        id: row.id,
        at: row.updatedAt,
        streamKey: row.root ?? row.id,
        binding: { binding: row.binding, sideKeyHash: row.sideKeyHash },
      });
      return false;
    },
    async deregistered({ record }, row, at) {
      record({ kind: 'deregister', id: row.id, at });
      return false;
    },
  };
}
