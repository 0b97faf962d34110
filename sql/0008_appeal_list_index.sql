-- 0008_appeal_list_index: reads of 民事直说 without a sort or a second lookup
-- (docs/performance.md, issue 8).
-- A village's work list, newest first: the page's rows come from this index in
-- order (a cadre's scope is one village), and its counts from the index alone,
-- the state included. It takes the place of appeal_org_state(org_id, state,
-- created_at), so an intake still writes as many index entries as before.
CREATE INDEX appeal_org_created ON appeal(org_id, created_at, id, state);
DROP INDEX appeal_org_state;
-- The timeline, in the same order as before, now with the columns the raiser
-- sees: public tracking reads its timeline from the index, not from the table.
DROP INDEX appeal_event_appeal;
CREATE INDEX appeal_event_appeal ON appeal_event(appeal_id, id, is_public, at, action, from_state, to_state);
