-- OpenADR 2.0b VTN state (SPEC DB-1). Every protocol decision reads these tables, so replicas on one
-- database behave as one VTN. Instants are timestamptz; durations are whole seconds.

create table vens (
  ven_id text primary key,
  ven_name text,
  -- SEC-3 form (last 10 bytes, upper-case pairs); unique: one certificate identifies one VEN.
  fingerprint text unique,
  groups text[] not null default '{}',
  party_id text,
  resources text[] not null default '{}',
  -- resourceIDs of the VEN's METADATA reports (EV-4).
  report_resources text[] not null default '{}',
  -- provisioned through PUT /api/v1/vens (allow-list) rather than created by auto-accept.
  provisioned boolean not null default false,
  -- DELETE /api/v1/vens/{id}: registrations refused until provisioned again (REG-8).
  removed boolean not null default false,
  -- REG-4: one registrationID for the VEN's lifetime here.
  registration_id text unique,
  registration text not null default 'none' check (registration in ('none', 'active', 'cancelled')),
  report_only boolean not null default false,
  xml_signature boolean not null default false,
  transport_address text,
  -- provisioned pollFreq (REG-5), else OADR_POLL_FREQ.
  poll_freq_seconds integer,
  -- P_v: the value advertised at the last registration (ON-2 uses it).
  advertised_poll_seconds integer,
  online boolean not null default false,
  last_seen timestamptz,
  online_since timestamptz,
  offline_since timestamptz,
  created_at timestamptz not null default now()
);
create index vens_online_sweep on vens (last_seen) where online and registration = 'active';

create table events (
  event_id text primary key,
  modification_number integer not null,
  -- the current version, in the lib's EventVersion shape (instants in epoch ms).
  version jsonb not null,
  -- the body of the create, for the idempotent create by eventId (§5.1).
  create_body jsonb not null,
  created_at timestamptz not null,
  cancelled_at timestamptz,
  -- S + D + C in epoch ms, null for open-ended events: full-state queries skip completed events by it.
  ends_at bigint
);

create table event_versions (
  event_id text not null references events on delete cascade,
  modification_number integer not null,
  version jsonb not null,
  created_at timestamptz not null default now(),
  primary key (event_id, modification_number)
);

-- One row per (event, VEN) the event ever matched: what EV-11, EV-12 and EV-13 need.
create table event_vens (
  event_id text not null references events on delete cascade,
  ven_id text not null references vens on delete cascade,
  matched boolean not null,
  delivered_modification_number integer,
  delivered_at timestamptz,
  -- EV-11: when a VEN that received the event stopped being matched.
  withdrawn_at timestamptz,
  cancellation_acked boolean not null default false,
  primary key (ven_id, event_id)
);
create index event_vens_event on event_vens (event_id);

create table event_deliveries (
  ven_id text not null,
  event_id text not null,
  modification_number integer not null,
  delivered_at timestamptz not null,
  primary key (ven_id, event_id, modification_number, delivered_at)
);

-- EV-18: one row per (VEN, event, modificationNumber).
create table opt_responses (
  ven_id text not null,
  event_id text not null,
  modification_number integer not null,
  opt_type text not null,
  response_code text not null,
  request_id text not null,
  stale boolean not null,
  received_at timestamptz not null,
  primary key (ven_id, event_id, modification_number)
);

-- §7: EiOpt opts, event opts and availability schedules.
create table opts (
  ven_id text not null,
  opt_id text not null,
  kind text not null check (kind in ('event', 'schedule')),
  event_id text,
  modification_number integer,
  opt_type text not null,
  opt_reason text not null,
  -- the classified opt (resourceIds, periods, marketContext, deviceClassMrids) for API and records.
  content jsonb not null,
  state text not null default 'active' check (state in ('active', 'cancelled')),
  received_at timestamptz not null,
  primary key (ven_id, opt_id)
);

-- §6: the per-VEN queue.
create table queue_items (
  id bigserial primary key,
  ven_id text not null references vens on delete cascade,
  kind text not null,
  supersede_key text not null,
  -- the stored payload (XML); null for a distribute, which is rendered at delivery.
  payload text,
  request_id text,
  report_request_ids text[] not null default '{}',
  expects_reply boolean not null default true,
  state text not null default 'pending' check (state in ('pending', 'in-flight', 'acked', 'superseded', 'expired')),
  attempts integer not null default 0,
  last_delivered_at timestamptz,
  created_at timestamptz not null default now(),
  settled_at timestamptz
);
create index queue_open on queue_items (ven_id, id) where state in ('pending', 'in-flight');
create unique index queue_one_distribute on queue_items (ven_id) where kind = 'distribute' and state in ('pending', 'in-flight');

-- RP-2: the VEN's METADATA, per report specifier.
create table report_registrations (
  ven_id text not null references vens on delete cascade,
  report_specifier_id text not null,
  report_name text not null,
  duration_seconds integer,
  -- the oadrReportDescription list as the lib reads it.
  descriptions jsonb not null,
  registered_at timestamptz not null default now(),
  primary key (ven_id, report_specifier_id)
);

create table report_requests (
  report_request_id text primary key,
  ven_id text not null references vens on delete cascade,
  report_specifier_id text not null,
  report_name text not null,
  granularity_seconds integer not null,
  report_back_seconds integer not null,
  r_ids text[] not null,
  state text not null check (state in ('requested', 'created', 'refused', 'cancelling', 'cancelled', 'superseded')),
  response_code text,
  origin text not null check (origin in ('registration', 'operator')),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index report_requests_ven on report_requests (ven_id, report_specifier_id);

-- RP-8: data per (VEN, rID, start) with revisions.
create table report_data (
  ven_id text not null,
  r_id text not null,
  start_ms bigint not null,
  revision integer not null,
  end_ms bigint not null,
  report_request_id text not null,
  value jsonb not null,
  received_at timestamptz not null default now(),
  primary key (ven_id, r_id, start_ms, revision)
);

-- RP-14: the latest TELEMETRY_STATUS per (VEN, rID).
create table report_status (
  ven_id text not null,
  r_id text not null,
  value jsonb not null,
  at timestamptz not null,
  primary key (ven_id, r_id)
);
