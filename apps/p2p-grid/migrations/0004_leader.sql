-- The fencing token of the active instance (§ "one instance works at a time"): each new leader raises the term
-- before it replays the journal, and every unit of work checks the term it started with, so an instance that lost
-- its lock without noticing cannot commit after another took over.
create table leader (
  singleton boolean primary key default true check (singleton),
  term bigint not null
);
insert into leader (term) values (0);
