create table meters (
  meter_id text primary key,
  name text not null
);

create table readings (
  meter_id text not null references meters,
  start_time bigint not null,
  end_time bigint not null,
  energy_wh bigint not null,
  primary key (meter_id, start_time)
);
