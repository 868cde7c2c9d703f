-- A run stores megabytes of record values (a 10,000-member interval is one 3 MB record, and as many entries and
-- requests); parsing them into jsonb took most of the run's database time. They are written once and read whole,
-- never queried inside, so json (checked, kept as sent) serves them.
alter table settlement_records alter column value type json;
alter table ledger_entries alter column value type json;
alter table payment_requests alter column value type json;
alter table payouts alter column value type json;
