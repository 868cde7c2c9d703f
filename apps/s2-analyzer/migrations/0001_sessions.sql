-- One row per S2 session (RULES.md §1: one RM↔CEM websocket pairing, from the first connection to the first
-- close), observed live or dialled, or imported from a transcript.
create table sessions (
  session_id uuid primary key,
  rm_id text not null,
  cem_id text not null,
  origin text not null check (origin in ('relay', 'dial', 'import')),
  started_at timestamptz not null,
  ended_at timestamptz,
  end_reason text,
  frames integer not null default 0,
  errors integer not null default 0,
  warnings integer not null default 0,
  verdict text not null default 'valid' check (verdict in ('valid', 'invalid')),
  schema_valid boolean not null default true,
  -- The readable state of RULES.md §8, as of the last stored frame (the final state once ended). json, not
  -- jsonb: an S2 string may hold \u0000, which jsonb refuses.
  state json,
  -- The highest seq stored.
  stored_seq integer not null default 0,
  -- Frames forwarded but not stored because the store stayed unreachable past its buffer (never silently).
  frames_lost integer not null default 0,
  -- s2.frames and meter.readings records of frames up to this seq are on Kafka.
  published_seq integer not null default 0,
  end_published boolean not null default false
);

create index sessions_started on sessions (started_at desc);
create index sessions_pair on sessions (rm_id, cem_id, started_at desc);
create index sessions_unpublished on sessions (started_at) where not end_published;
create index sessions_open on sessions (started_at) where ended_at is null;

-- Every frame as received: the exact bytes (text frames are UTF-8, `is_binary` marks binary frames).
create table frames (
  session_id uuid not null references sessions on delete cascade,
  seq integer not null check (seq >= 1),
  t bigint not null check (t >= 0),
  direction text not null check (direction in ('rm->cem', 'cem->rm')),
  received_at timestamptz not null,
  payload bytea not null,
  is_binary boolean not null default false,
  message_type text,
  finding_count integer not null default 0,
  primary key (session_id, seq)
);

create index frames_type on frames (session_id, message_type, seq);
create index frames_with_findings on frames (session_id, seq) where finding_count > 0;

-- RULES.md §3.1 findings; at most one per (frame, rule) (§3.4).
create table findings (
  session_id uuid not null references sessions on delete cascade,
  seq integer not null,
  rule text not null,
  level text not null,
  severity text not null,
  detail text not null,
  path text,
  primary key (session_id, seq, rule)
);

-- Readings derived from applied PowerMeasurements (DESIGN.md meter.readings): the span from the meter's previous
-- sample to this one. Kept so that publication survives a Kafka outage and a restart.
create table meter_readings (
  meter_id text not null,
  start_time bigint not null,
  end_time bigint not null,
  power_w bigint not null,
  energy_wh bigint not null,
  session_id uuid not null references sessions on delete cascade,
  seq integer not null,
  primary key (meter_id, start_time, end_time)
);

create index meter_readings_session on meter_readings (session_id, seq);

-- The latest sample per meter, across sessions: where the next reading's span starts.
create table meter_samples (
  meter_id text primary key,
  sampled_at bigint not null,
  power_w double precision not null
);
