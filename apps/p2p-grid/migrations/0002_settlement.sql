-- The facts that change the grid's settlement domain, in the order they happened. The service's working state
-- (the lib's Grid) is this journal replayed; every entry commits with the effects it caused (P2P-IN9, S10).
create table journal (
  seq bigserial primary key,
  kind text not null,
  payload jsonb not null
);

-- P2P-S5, S8, S9: every record a run published, immutable.
create table settlement_records (
  ce_id text primary key,
  type text not null,
  interval_start bigint not null,
  run_no integer not null,
  value jsonb not null
);
create index settlement_records_interval on settlement_records (interval_start);

-- P2P-L1: the members' append-only ledger.
create table ledger_entries (
  entry_id text primary key,
  member_id text collate "C" not null,
  seq integer not null,
  interval_start bigint not null,
  run_no integer not null,
  value jsonb not null,
  unique (member_id, seq)
);

-- P2P-L2: payment requests as issued.
create table payment_requests (
  request_id text primary key,
  consumer_id text collate "C" not null,
  seq integer not null,
  run_no integer not null,
  value jsonb not null
);

-- P2P-L4/L5: payouts sent, and when they were confirmed.
create table payouts (
  payment_id text primary key,
  producer_id text collate "C" not null,
  run_no integer not null,
  value jsonb not null,
  confirmed_at bigint
);

-- §14.1 run summaries.
create table settlement_runs (
  run_no integer primary key,
  as_of bigint not null,
  summary jsonb not null
);

-- P2P-IN8 and P2P-L3 rejections, once per delivered record.
create table rejected_records (
  id bigserial primary key,
  topic text not null,
  record_key text not null,
  record_id text not null,
  reason text not null,
  value jsonb not null,
  rejected_at bigint not null,
  unique (topic, record_id, reason)
);
