-- Issue 15: one timeline table and one party table for every module, keyed by (module, case_id)
-- as `deadlines` is, instead of a pair of tables per module (rc_, lt_, lt_suggestion_). The rows
-- move in their order, so each case's timeline keeps its order; the module names are those the
-- deadlines already use.
CREATE TABLE case_events (
    id INTEGER PRIMARY KEY,
    module TEXT NOT NULL,
    case_id INTEGER NOT NULL,
    action TEXT NOT NULL,
    event_date TEXT NOT NULL,
    detail_json TEXT NOT NULL,
    actor_id INTEGER,
    actor_name TEXT NOT NULL,
    created_at TEXT NOT NULL
);

INSERT INTO case_events (module, case_id, action, event_date, detail_json, actor_id, actor_name, created_at)
SELECT 'reconsideration', case_id, action, event_date, detail_json, actor_id, actor_name, created_at
FROM rc_events ORDER BY id;
INSERT INTO case_events (module, case_id, action, event_date, detail_json, actor_id, actor_name, created_at)
SELECT 'litigation', case_id, action, event_date, detail_json, actor_id, actor_name, created_at
FROM lt_events ORDER BY id;
INSERT INTO case_events (module, case_id, action, event_date, detail_json, actor_id, actor_name, created_at)
SELECT 'suggestion', case_id, action, event_date, detail_json, actor_id, actor_name, created_at
FROM lt_suggestion_events ORDER BY id;

-- A case's timeline; the indicators that count steps of a year (hearings, letters).
CREATE INDEX case_events_case ON case_events (module, case_id);
CREATE INDEX case_events_action ON case_events (module, action, event_date, case_id);

CREATE TABLE case_parties (
    id INTEGER PRIMARY KEY,
    module TEXT NOT NULL,
    case_id INTEGER NOT NULL,
    role TEXT NOT NULL,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    id_number TEXT,
    credit_code TEXT,
    phone TEXT,
    sort INTEGER NOT NULL
);

INSERT INTO case_parties (module, case_id, role, kind, name, id_number, credit_code, phone, sort)
SELECT 'reconsideration', case_id, role, kind, name, id_number, credit_code, phone, sort
FROM rc_parties ORDER BY id;
INSERT INTO case_parties (module, case_id, role, kind, name, id_number, credit_code, phone, sort)
SELECT 'litigation', case_id, role, kind, name, id_number, credit_code, phone, sort
FROM lt_parties ORDER BY id;

CREATE INDEX case_parties_case ON case_parties (module, case_id);

DROP TABLE rc_events;
DROP TABLE lt_events;
DROP TABLE lt_suggestion_events;
DROP TABLE rc_parties;
DROP TABLE lt_parties;
