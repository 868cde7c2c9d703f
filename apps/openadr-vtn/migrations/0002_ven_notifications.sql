-- Every replica keeps an in-memory view of each VEN for the poll path (DB-3: an empty poll without a round
-- trip) and of its full state (EV-12) for oadrRequestEvent. These notifications tell all replicas, once a
-- change commits, which VEN's registration, online state, queue or event rows changed, so that none of them
-- answers from an outdated view. lastSeen alone notifies nobody: it
-- changes with every poll and no decision of the poll path depends on it.
create function oadr_notify_ven() returns trigger language plpgsql as $$
begin
  perform pg_notify('oadr_ven', coalesce(new.ven_id, old.ven_id));
  return null;
end $$;

create trigger queue_items_notify after insert or update or delete on queue_items
  for each row execute function oadr_notify_ven();

create trigger event_vens_notify after insert or update or delete on event_vens
  for each row execute function oadr_notify_ven();

-- A new version of an event changes the full state of every VEN that ever had it, withdrawn ones included.
create function oadr_notify_event_vens() returns trigger language plpgsql as $$
begin
  perform pg_notify('oadr_ven', ven_id) from event_vens where event_id = new.event_id;
  return null;
end $$;

create trigger events_notify after update on events
  for each row execute function oadr_notify_event_vens();

create trigger vens_notify_insert_delete after insert or delete on vens
  for each row execute function oadr_notify_ven();

create trigger vens_notify_update after update on vens
  for each row when (
    (old.registration, old.online, old.fingerprint, old.removed, old.provisioned, old.registration_id,
     old.advertised_poll_seconds, old.poll_freq_seconds, old.report_only)
    is distinct from
    (new.registration, new.online, new.fingerprint, new.removed, new.provisioned, new.registration_id,
     new.advertised_poll_seconds, new.poll_freq_seconds, new.report_only))
  execute function oadr_notify_ven();
