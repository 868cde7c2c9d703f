import type { OutgoingEvent } from '@flexgrid/platform-kafka';
import type { ObjectiveEvent, OperatorObjective } from '@flexgrid/protocol-powermatcher';

/*
 * What the service stores (SPEC §8.2, PM-SVC-2): the configuration it ran with, the agents it has seen, the price
 * history (written with its Kafka record through the outbox), the OpenADR events the objective agent knows and
 * the operator objective. Not stored: bids and sessions, which agents re-send after a restart.
 */

export type Dialect = '1.9' | 'v2.1';

/** An agent's connection changed, or it bid; coalesced and written in batches. */
export interface AgentSighting {
  readonly agentId: string;
  readonly parentId: string;
  readonly dialect: Dialect;
  readonly connected: boolean;
  /** When its current connection opened (kept from the first sighting of that connection). */
  readonly connectedAt: Date | null;
  readonly at: Date;
  readonly lastBidNumber: number | null;
}

export interface StoredAgent {
  readonly agentId: string;
  readonly parentId: string;
  readonly dialect: Dialect;
  readonly connected: boolean;
  readonly firstSeen: Date;
  readonly lastSeen: Date;
  readonly connectedAt: Date | null;
  readonly lastBidNumber: number | null;
}

export interface PriceRow {
  readonly round: number;
  readonly at: Date;
  readonly price: number;
  readonly priceIndex: number;
  readonly demand: number[];
}

export interface AuctioneerStore {
  /** At start: the configuration snapshot, every agent marked disconnected; returns the highest stored round. */
  start(snapshot: { auctioneerId: string; config: unknown; at: Date }): Promise<{ maxRound: number }>;
  saveAgents(sightings: readonly AgentSighting[]): Promise<void>;
  agents(): Promise<StoredAgent[]>;
  /** The round's history row and its `powermatcher.prices` record, in one transaction (outbox). */
  saveRound(row: PriceRow, record: OutgoingEvent): Promise<void>;
  /** Rounds with `from ≤ at < to`, oldest first, at most `limit`. */
  prices(from: Date, to: Date, limit: number): Promise<PriceRow[]>;
  /** Keeps the version with the highest modificationNumber. */
  saveObjectiveEvent(event: ObjectiveEvent): Promise<void>;
  objectiveEvents(): Promise<ObjectiveEvent[]>;
  saveOperatorObjective(objective: OperatorObjective | null, at: Date): Promise<void>;
  operatorObjective(): Promise<OperatorObjective | null>;
}
