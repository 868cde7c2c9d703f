-- A settlement run of 10,000 members stores megabytes in one transaction; these keep that within a second.

-- Records, entries, requests and payouts are kept as the JSON text they were written with: json checks the text
-- and stores it, where jsonb would parse every value into a new form (most of a run's database time; nothing
-- queries inside these values). The interval list reads only `overview`, so it no longer loads records whole.
alter table settlement_records alter column value type json using value::json, add column overview jsonb;
update settlement_records set overview = jsonb_build_object(
  'version', value->'version', 'totals', value->'totals', 'gaps', value->'gaps', 'complete', value->'complete',
  'gridLine', value->'gridLine');
alter table settlement_records alter column overview set not null;
alter table ledger_entries alter column value type json using value::json;
alter table payment_requests alter column value type json using value::json;
alter table payouts alter column value type json using value::json;

-- lz4 compresses a record of megabytes several times faster than the default pglz. PGlite is built without it.
do $$
begin
  alter table settlement_records alter column value set compression lz4;
exception when feature_not_supported then null;
end $$;

-- An entry id is the member id and seq joined, so one index serves both; entries are read by member.
alter table ledger_entries drop constraint ledger_entries_pkey, drop constraint ledger_entries_member_id_seq_key,
  add primary key (member_id, seq);

-- A request id is the grid id, consumer id and seq joined; requests are read by consumer, in seq order.
alter table payment_requests drop constraint payment_requests_pkey, add primary key (consumer_id, seq);
