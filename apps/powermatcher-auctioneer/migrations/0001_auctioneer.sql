-- SPEC §8.2 (PM-SVC-2). Bids and sessions are soft state and not stored: after a restart agents reconnect and re-bid.

-- The configuration a cluster ran with, one row per cluster, replaced at every start.
create table cluster_config (
  cluster_id text primary key,
  auctioneer_id text not null,
  config jsonb not null,
  started_at timestamptz not null
);

-- Every agent the cluster has seen; `connected` is false for all at start and follows the sessions.
create table agents (
  cluster_id text not null,
  agent_id text not null,
  parent_id text not null,
  dialect text not null,
  first_seen timestamptz not null,
  last_seen timestamptz not null,
  connected_at timestamptz,
  connected boolean not null,
  last_bid_number integer,
  primary key (cluster_id, agent_id)
);

-- One row per price round, written with its powermatcher.prices record through the outbox.
create table price_history (
  cluster_id text not null,
  round bigint not null,
  at timestamptz not null,
  price double precision not null,
  price_index integer not null,
  aggregated_demand double precision[] not null,
  primary key (cluster_id, round)
);
create index price_history_at on price_history (cluster_id, at);

-- The OpenADR events the objective agent knows (§6.9), the latest version of each.
create table objective_events (
  cluster_id text not null,
  event_id text not null,
  modification_number bigint not null,
  event jsonb not null,
  primary key (cluster_id, event_id)
);

-- The operator objective (§8.3 PUT /api/objective), until it is cleared.
create table operator_objective (
  cluster_id text primary key,
  objective jsonb not null,
  set_at timestamptz not null
);
