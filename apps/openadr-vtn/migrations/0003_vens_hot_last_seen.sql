-- lastSeen is written for every polling VEN once per OADR_LAST_SEEN_RESOLUTION (ON-1): the bulk of the VTN's
-- writes. An index on last_seen made each of those updates a new index entry in every index of vens; the
-- sweep (ON-2) compares greatest(last_seen, ready-since), which that index never served. Without it, and with
-- room left in each page, a lastSeen update is a heap-only tuple update.
drop index vens_online_sweep;
alter table vens set (fillfactor = 80);
