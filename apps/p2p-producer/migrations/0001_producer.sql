-- The producer's own facts. Times are epoch ms (bigint), energy Wh (bigint).

-- One row: what was fixed at the first start (P2P-T9 epoch) and the secret its channel last said hello with (P2P-AG8).
create table producer_state (
  singleton boolean primary key default true check (singleton),
  epoch bigint not null,
  -- The hash of the secret of the latest hello on p2p.producer-output; null before the first.
  hello_side_key_hash text,
  -- POST /api/operator/closedown said goodbye: no runs until the next start opens the stream again.
  closed boolean not null default false
);

-- §12: the producer's sources. Every registration is a source; item_type is its kind (solar, wind, ...).
-- Same shape as the grid's members, so the registration rules are shared (libs/platform/p2p-service).
create table registrations (
  id text collate "C" primary key,
  item_name text,
  item_type text,
  role text check (role = 'source'),
  root text collate "C",
  side_key_hash text,
  binding text not null default 'none' check (binding in ('proof', 'operator', 'none')),
  status text not null default 'active' check (status in ('active', 'deregistered')),
  has_return_channel boolean not null default false,
  created_at bigint not null,
  updated_at bigint not null
);

-- §12.2 check 9: a stream key of meter.readings serves one active source.
create unique index registrations_active_stream on registrations (role, coalesce(root, id))
  where status = 'active' and role is not null;

-- P2P-AG1: when each source was active, [from_ms, until_ms).
create table registration_periods (
  registration_id text collate "C" not null references registrations (id),
  from_ms bigint not null,
  until_ms bigint,
  primary key (registration_id, from_ms)
);

-- P2P-CH3: the latest hello/goodbye of every stream key of meter.readings.
create table channels (
  topic text not null,
  stream_key text collate "C" not null,
  command text not null check (command in ('hello', 'goodbye')),
  side_key_hash text,
  sent_at bigint not null,
  seen_at bigint not null,
  primary key (topic, stream_key)
);

-- Every fact that changes the aggregation domain, in the order it saw them (see domain/journaled-producer.ts).
create table journal (
  seq bigserial primary key,
  kind text not null,
  payload jsonb not null
);

-- P2P-AG3/AG4: each published producer.output revision, once ((interval_start, revision) is its ce_id).
create table outputs (
  interval_start bigint not null,
  revision integer not null,
  run_no bigint not null,
  output_wh bigint not null,
  complete boolean not null,
  value jsonb not null,
  published_at bigint not null,
  primary key (interval_start, revision)
);

-- P2P-AG6: one row per aggregation run.
create table aggregation_runs (
  run_no bigint primary key,
  as_of bigint not null,
  published integer not null,
  revised integer not null,
  ran_at bigint not null
);

-- P2P-IN8: rejected records with the reason.
create table rejected_records (
  id bigserial primary key,
  channel text not null,
  stream_key text collate "C" not null,
  reason text not null,
  value jsonb not null,
  rejected_at bigint not null
);
