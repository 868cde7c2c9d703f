-- The journal keeps each fact as the JSON text it was written with (see journalStore in @flexgrid/p2p-service):
-- facts are read whole and in order, so parsing them into jsonb bought nothing and slowed ingest.
alter table journal alter column payload type json using payload::json;
