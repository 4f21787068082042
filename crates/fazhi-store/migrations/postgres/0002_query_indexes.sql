-- Indexes for the indicator queries (accepted and litigated cases of a period, events by kind
-- and date), added after measuring at 1,000,000 cases (docs/performance.md).
CREATE INDEX rc_cases_accepted ON rc_cases (accepted_date);
CREATE INDEX rc_cases_litigation ON rc_cases (litigation_date);
CREATE INDEX rc_events_action ON rc_events (action, event_date);
