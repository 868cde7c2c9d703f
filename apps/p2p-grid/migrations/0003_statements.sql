-- §14.2: final statements, immutable, numbered gaplessly per grid in the transaction that stores them.
create table statements (
  number text primary key,
  seq integer not null unique,
  member_id text collate "C" not null,
  period_start bigint not null,
  period_end bigint not null,
  content jsonb not null,
  unique (member_id, period_start, period_end)
);

-- The ledger entries a final statement covered: a later statement shows only entries not covered before.
create table statement_entries (
  entry_id text primary key,
  number text not null references statements (number)
);
