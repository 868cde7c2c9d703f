import type { OutgoingEvent } from '@flexgrid/platform-kafka';
import type { Effect, MarketBasis, PricePoint } from '@flexgrid/protocol-powermatcher';
import type { AuctioneerMetrics } from '../metrics';
import { bidAcceptedRecord, bidAggregatedRecord, pricePublishedRecord } from '../records';
import type { PriceRow } from '../store/store';
import type { BidReferences } from './bid-references';

/** Where the recorder's output goes: soft bid records, and each round with its record (outbox). */
export interface RecorderSinks {
  publishBids(records: readonly OutgoingEvent[]): void;
  writeRound(row: PriceRow, record: OutgoingEvent): void;
  /** An agent's bid was accepted (the agents table keeps the last bid number). */
  bidAccepted(agentId: string, bidNumber: number, at: Date): void;
}

/**
 * The cluster's observation (SPEC §6.11, §8.1): every accepted bid and every matcher run becomes a
 * `powermatcher.bids` record, every round a `powermatcher.prices` record with its price-history row.
 */
export class ClusterRecorder {
  /** The aggregate of the auctioneer's latest run, which its `round` effect prices. */
  private lastAuctioneerDemand: readonly number[] = [];

  constructor(
    private readonly cluster: { readonly clusterId: string; readonly auctioneerId: string | null },
    private readonly basis: () => MarketBasis | null,
    private readonly references: BidReferences,
    private readonly pricePointsOf: (agentId: string, bidNumber: number) => readonly PricePoint[] | undefined,
    private readonly sinks: RecorderSinks,
    private readonly metrics: AuctioneerMetrics,
  ) {}

  readonly record = (effects: readonly Effect[]): void => {
    const bids: OutgoingEvent[] = [];
    const basis = this.basis();
    const clusterId = this.cluster.clusterId;
    for (let i = 0; i < effects.length; i++) {
      const effect = effects[i]!;
      this.references.apply(effect);
      switch (effect.type) {
        case 'bidAccepted':
          if (basis) {
            bids.push(
              bidAcceptedRecord(clusterId, basis, effect, this.pricePointsOf(effect.agentId, effect.bidNumber)),
            );
          }
          this.sinks.bidAccepted(effect.agentId, effect.bidNumber, new Date(effect.t));
          break;
        case 'aggregated': {
          // A concentrator's sent bid is the effect right after its run's `aggregated`, unless suppressed.
          const next = effects[i + 1];
          const sent = next?.type === 'bid' && next.agentId === effect.matcherId ? next : undefined;
          bids.push(bidAggregatedRecord(clusterId, effect, this.references.of(effect.matcherId), sent));
          if (effect.matcherId === this.cluster.auctioneerId) this.lastAuctioneerDemand = effect.demand;
          break;
        }
        case 'round':
          if (basis && this.cluster.auctioneerId) {
            const record = pricePublishedRecord(basis, effect, this.references.of(this.cluster.auctioneerId));
            this.sinks.writeRound(
              {
                round: effect.round,
                at: new Date(effect.t),
                price: effect.price,
                priceIndex: effect.priceIndex,
                demand: [...this.lastAuctioneerDemand],
              },
              record,
            );
          }
          this.metrics.rounds.inc();
          this.metrics.price.set(effect.price);
          break;
        default:
          break;
      }
    }
    if (bids.length > 0) this.sinks.publishBids(bids);
  };
}
