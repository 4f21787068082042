-- Covering indexes measured at 1,000,000 cases (docs/performance.md): list counts by year, status
-- and unit, and the indicator counts by closing year, are answered from the index alone; the
-- unfiltered list walks received dates in order; hearings and letters by kind and date with
-- their case.
CREATE INDEX rc_cases_year_status ON rc_cases (received_year, status, received_date, unit_id, respondent_unit_id);
DROP INDEX rc_cases_closed;
CREATE INDEX rc_cases_closed ON rc_cases (closed_year, status, decision_type, requires_performance, performed, unit_id, respondent_unit_id);
CREATE INDEX rc_cases_received_date ON rc_cases (received_date);
DROP INDEX rc_events_action;
CREATE INDEX rc_events_action ON rc_events (action, event_date, case_id);
