-- Foundation and 行政复议. Dates are ISO 'YYYY-MM-DD' text and instants RFC 3339 UTC text on both
-- backends, so every query is written once (see docs/architecture.md).
CREATE TABLE jurisdiction (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    name TEXT NOT NULL,
    division_code TEXT NOT NULL,
    case_prefix TEXT NOT NULL
);

CREATE TABLE units (
    id INTEGER PRIMARY KEY,
    parent_id INTEGER REFERENCES units(id),
    name TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    sort INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    unit_id INTEGER NOT NULL REFERENCES units(id),
    password_hash TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL
);

CREATE TABLE user_roles (
    user_id INTEGER NOT NULL REFERENCES users(id),
    role TEXT NOT NULL,
    PRIMARY KEY (user_id, role)
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id),
    csrf_token TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL
);

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor_id INTEGER,
    actor_name TEXT NOT NULL,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id TEXT,
    before_json TEXT,
    after_json TEXT,
    request_id TEXT
);
CREATE INDEX audit_log_entity ON audit_log (entity, entity_id);
CREATE INDEX audit_log_at ON audit_log (at);

-- Append-only: the database itself refuses to change or remove an entry.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

-- Case numbers are never reused: the counter only goes up.
CREATE TABLE case_numbers (
    prefix TEXT NOT NULL,
    year INTEGER NOT NULL,
    last_seq INTEGER NOT NULL,
    PRIMARY KEY (prefix, year)
);

CREATE TABLE rc_cases (
    id INTEGER PRIMARY KEY,
    case_no TEXT NOT NULL UNIQUE,
    case_year INTEGER NOT NULL,
    unit_id INTEGER NOT NULL REFERENCES units(id),
    respondent_unit_id INTEGER NOT NULL REFERENCES units(id),
    status TEXT NOT NULL,
    procedure_kind TEXT,
    channel TEXT NOT NULL,
    received_date TEXT NOT NULL,
    received_year INTEGER NOT NULL,
    act_name TEXT NOT NULL,
    act_doc_no TEXT,
    act_date TEXT NOT NULL,
    request TEXT NOT NULL,
    applicant_names TEXT NOT NULL,
    handler TEXT,
    accepted_date TEXT,
    closed_date TEXT,
    closed_year INTEGER,
    decision_type TEXT,
    corrected INTEGER NOT NULL DEFAULT 0,
    termination_reason TEXT,
    requires_performance INTEGER NOT NULL DEFAULT 0,
    performed INTEGER,
    litigation_date TEXT,
    extended INTEGER NOT NULL DEFAULT 0,
    hearing_held INTEGER NOT NULL DEFAULT 0,
    letters INTEGER NOT NULL DEFAULT 0,
    last_event_date TEXT NOT NULL,
    next_due TEXT,
    next_due_unit TEXT,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX rc_cases_received ON rc_cases (received_year, received_date);
CREATE INDEX rc_cases_closed ON rc_cases (closed_year);
CREATE INDEX rc_cases_unit ON rc_cases (unit_id, received_date);
CREATE INDEX rc_cases_respondent ON rc_cases (respondent_unit_id, received_date);
CREATE INDEX rc_cases_status ON rc_cases (status, received_date);
CREATE INDEX rc_cases_next_due ON rc_cases (next_due);

CREATE TABLE rc_parties (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES rc_cases(id),
    role TEXT NOT NULL,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    id_number TEXT,
    credit_code TEXT,
    phone TEXT,
    sort INTEGER NOT NULL
);
CREATE INDEX rc_parties_case ON rc_parties (case_id);

CREATE TABLE rc_events (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES rc_cases(id),
    action TEXT NOT NULL,
    event_date TEXT NOT NULL,
    detail_json TEXT NOT NULL,
    actor_id INTEGER,
    actor_name TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX rc_events_case ON rc_events (case_id);

-- Deadlines of every module: the clock (start, period, pauses, extensions) as JSON, and the
-- computed due date for queries.
CREATE TABLE deadlines (
    id INTEGER PRIMARY KEY,
    module TEXT NOT NULL,
    case_id INTEGER NOT NULL,
    kind TEXT NOT NULL,
    clock_json TEXT NOT NULL,
    period_unit TEXT NOT NULL,
    due_date TEXT,
    completed_date TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX deadlines_case ON deadlines (module, case_id);
CREATE INDEX deadlines_open_due ON deadlines (completed_date, due_date);
