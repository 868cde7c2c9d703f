import { enqueue, inTransaction } from '@flexgrid/platform-db';
import type { OutgoingEvent } from '@flexgrid/platform-kafka';
import type { ObjectiveEvent, OperatorObjective } from '@flexgrid/protocol-powermatcher';
import type pg from 'pg';
import { PRICES_TOPIC } from '../records';
import type { AgentSighting, AuctioneerStore, Dialect, PriceRow, StoredAgent } from './store';

interface AgentRow {
  agent_id: string;
  parent_id: string;
  dialect: Dialect;
  connected: boolean;
  first_seen: Date;
  last_seen: Date;
  connected_at: Date | null;
  last_bid_number: number | null;
}

interface PriceHistoryRow {
  round: string;
  at: Date;
  price: number;
  price_index: number;
  aggregated_demand: number[];
}

/** The store on the service's PostgreSQL (or PGlite): one cluster's rows, keyed by its id. */
export class PostgresStore implements AuctioneerStore {
  constructor(
    private readonly pool: pg.Pool,
    private readonly clusterId: string,
  ) {}

  async start(snapshot: { auctioneerId: string; config: unknown; at: Date }): Promise<{ maxRound: number }> {
    await this.pool.query(
      `insert into cluster_config (cluster_id, auctioneer_id, config, started_at) values ($1, $2, $3, $4)
         on conflict (cluster_id) do update set auctioneer_id = excluded.auctioneer_id, config = excluded.config,
           started_at = excluded.started_at`,
      [this.clusterId, snapshot.auctioneerId, JSON.stringify(snapshot.config), snapshot.at],
    );
    // No session survives a restart (§8.2): every agent is disconnected until it reconnects.
    await this.pool.query(
      'update agents set connected = false, connected_at = null where cluster_id = $1 and connected',
      [this.clusterId],
    );
    const { rows } = await this.pool.query<{ max: string | null }>(
      'select max(round)::text as max from price_history where cluster_id = $1',
      [this.clusterId],
    );
    return { maxRound: rows[0]?.max === null || rows[0]?.max === undefined ? 0 : Number(rows[0].max) };
  }

  async saveAgents(sightings: readonly AgentSighting[]): Promise<void> {
    if (sightings.length === 0) return;
    // One statement per batch: at 10 000 agents re-bidding every 30 s that is a few rows a millisecond.
    await this.pool.query(
      `insert into agents (cluster_id, agent_id, parent_id, dialect, first_seen, last_seen, connected_at, connected,
                           last_bid_number)
         select $1, s.agent_id, s.parent_id, s.dialect, s.at, s.at, s.connected_at, s.connected, s.last_bid_number
           from unnest($2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::timestamptz[], $7::boolean[],
                       $8::integer[]) as s(agent_id, parent_id, dialect, at, connected_at, connected, last_bid_number)
         on conflict (cluster_id, agent_id) do update set
           parent_id = excluded.parent_id, dialect = excluded.dialect, last_seen = excluded.last_seen,
           connected_at = excluded.connected_at, connected = excluded.connected,
           last_bid_number = coalesce(excluded.last_bid_number, agents.last_bid_number)`,
      [
        this.clusterId,
        sightings.map((s) => s.agentId),
        sightings.map((s) => s.parentId),
        sightings.map((s) => s.dialect),
        sightings.map((s) => s.at),
        sightings.map((s) => s.connectedAt),
        sightings.map((s) => s.connected),
        sightings.map((s) => s.lastBidNumber),
      ],
    );
  }

  async agents(): Promise<StoredAgent[]> {
    const { rows } = await this.pool.query<AgentRow>(
      `select agent_id, parent_id, dialect, connected, first_seen, last_seen, connected_at, last_bid_number
         from agents where cluster_id = $1 order by agent_id`,
      [this.clusterId],
    );
    return rows.map((row) => ({
      agentId: row.agent_id,
      parentId: row.parent_id,
      dialect: row.dialect,
      connected: row.connected,
      firstSeen: row.first_seen,
      lastSeen: row.last_seen,
      connectedAt: row.connected_at,
      lastBidNumber: row.last_bid_number,
    }));
  }

  async saveRound(row: PriceRow, record: OutgoingEvent): Promise<void> {
    await inTransaction(this.pool, async (client) => {
      // A round already stored (a retry after an unknown commit outcome) is not written twice.
      const { rowCount } = await client.query(
        `insert into price_history (cluster_id, round, at, price, price_index, aggregated_demand)
           values ($1, $2, $3, $4, $5, $6) on conflict do nothing`,
        [this.clusterId, row.round, row.at, row.price, row.priceIndex, row.demand],
      );
      if (rowCount === 1) await enqueue(client, [{ topic: PRICES_TOPIC, event: record }]);
    });
  }

  async prices(from: Date, to: Date, limit: number): Promise<PriceRow[]> {
    const { rows } = await this.pool.query<PriceHistoryRow>(
      `select round::text as round, at, price, price_index, aggregated_demand from price_history
         where cluster_id = $1 and at >= $2 and at < $3 order by round limit $4`,
      [this.clusterId, from, to, limit],
    );
    return rows.map((r) => ({
      round: Number(r.round),
      at: r.at,
      price: r.price,
      priceIndex: r.price_index,
      demand: r.aggregated_demand,
    }));
  }

  async saveObjectiveEvent(event: ObjectiveEvent): Promise<void> {
    await this.pool.query(
      `insert into objective_events (cluster_id, event_id, modification_number, event) values ($1, $2, $3, $4)
         on conflict (cluster_id, event_id) do update set modification_number = excluded.modification_number,
           event = excluded.event where objective_events.modification_number < excluded.modification_number`,
      [this.clusterId, event.eventId, event.modificationNumber, JSON.stringify(event)],
    );
  }

  async objectiveEvents(): Promise<ObjectiveEvent[]> {
    const { rows } = await this.pool.query<{ event: ObjectiveEvent }>(
      'select event from objective_events where cluster_id = $1 order by event_id',
      [this.clusterId],
    );
    return rows.map((row) => row.event);
  }

  async saveOperatorObjective(objective: OperatorObjective | null, at: Date): Promise<void> {
    if (objective === null || objective.mode === 'none') {
      await this.pool.query('delete from operator_objective where cluster_id = $1', [this.clusterId]);
      return;
    }
    await this.pool.query(
      `insert into operator_objective (cluster_id, objective, set_at) values ($1, $2, $3)
         on conflict (cluster_id) do update set objective = excluded.objective, set_at = excluded.set_at`,
      [this.clusterId, JSON.stringify(objective), at],
    );
  }

  async operatorObjective(): Promise<OperatorObjective | null> {
    const { rows } = await this.pool.query<{ objective: OperatorObjective }>(
      'select objective from operator_objective where cluster_id = $1',
      [this.clusterId],
    );
    return rows[0]?.objective ?? null;
  }
}
