-- The grid's own facts. Times are epoch ms (bigint), energy Wh and money minor units (bigint).

-- One row: the grid's identity and the facts fixed at its first start (P2P-T9 epoch, CH5 signing seed).
create table grid_state (
  singleton boolean primary key default true check (singleton),
  epoch bigint not null,
  -- Only when P2P_GRID_SIGNING_KEY is unset: generated at first start, for development (§16).
  signing_seed text
);

-- §12: members. role is the settlement role (producer, consumer) or null for other item types.
create table registrations (
  id text collate "C" primary key,
  item_name text,
  item_type text,
  role text check (role in ('producer', 'consumer')),
  -- The stream key its records arrive under; null = the id (P2P-CH3).
  root text collate "C",
  -- P2P-CH1: only the hash of the secret is kept.
  side_key_hash text,
  -- P2P-CH3: proof (needs a matching hello), operator (no hello needed) or none (unbound).
  binding text not null default 'none' check (binding in ('proof', 'operator', 'none')),
  status text not null default 'active' check (status in ('active', 'deregistered')),
  has_return_channel boolean not null default false,
  created_at bigint not null,
  updated_at bigint not null
);

-- §12.2 check 9: a stream key serves one active registration per topic (the role names the topic).
create unique index registrations_active_stream on registrations (role, coalesce(root, id))
  where status = 'active' and role is not null;

-- P2P-AG1/S1: when each member was active, [from_ms, until_ms).
create table registration_periods (
  registration_id text collate "C" not null references registrations (id),
  from_ms bigint not null,
  until_ms bigint,
  primary key (registration_id, from_ms)
);

-- P2P-CH3: the latest hello/goodbye of every stream key of the topics the grid reads.
create table channels (
  topic text not null,
  stream_key text collate "C" not null,
  command text not null check (command in ('hello', 'goodbye')),
  side_key_hash text,
  sent_at bigint not null,
  seen_at bigint not null,
  primary key (topic, stream_key)
);

-- §13: the storage API, keyed (registrationId, context, id) in byte order (§13.3).
create table storage_items (
  registration_id text collate "C" not null,
  context text collate "C" not null,
  item_id text collate "C" not null,
  value jsonb not null,
  updated_at bigint not null,
  primary key (registration_id, context, item_id)
);
