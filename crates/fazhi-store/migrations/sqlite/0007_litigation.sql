-- 行政应诉 (issue 4): lawsuits, their instances (一审/二审/再审), hearings with the head-of-agency
-- appearance, and the 司法建议 / 检察建议 a unit receives. Parties and timelines have the same
-- shape as the reconsideration module's.
CREATE TABLE lt_cases (
    id INTEGER PRIMARY KEY,
    case_no TEXT NOT NULL UNIQUE,
    court TEXT NOT NULL,
    unit_id INTEGER NOT NULL REFERENCES units(id),
    defendant_unit_id INTEGER NOT NULL REFERENCES units(id),
    co_defendant INTEGER NOT NULL DEFAULT 0,
    rc_case_id INTEGER REFERENCES rc_cases(id),
    status TEXT NOT NULL,
    level TEXT NOT NULL,
    plaintiff_names TEXT NOT NULL,
    act_name TEXT NOT NULL,
    act_doc_no TEXT,
    claim TEXT NOT NULL,
    registered_date TEXT NOT NULL,
    copy_received_date TEXT NOT NULL,
    received_year INTEGER NOT NULL,
    first_outcome TEXT,
    first_year INTEGER,
    first_lost INTEGER,
    outcome TEXT,
    outcome_date TEXT,
    outcome_lost INTEGER NOT NULL DEFAULT 0,
    final_date TEXT,
    final_year INTEGER,
    final_lost INTEGER,
    requires_performance INTEGER NOT NULL DEFAULT 0,
    performance_days INTEGER,
    performed INTEGER,
    consequence TEXT,
    last_event_date TEXT NOT NULL,
    next_due TEXT,
    next_due_unit TEXT,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX lt_cases_received ON lt_cases (received_year, status, copy_received_date, unit_id, defendant_unit_id);
CREATE INDEX lt_cases_final ON lt_cases (final_year, final_lost, unit_id, defendant_unit_id);
CREATE INDEX lt_cases_first ON lt_cases (first_year, first_lost);
CREATE INDEX lt_cases_unit ON lt_cases (unit_id, copy_received_date);
CREATE INDEX lt_cases_defendant ON lt_cases (defendant_unit_id, copy_received_date);
CREATE INDEX lt_cases_next_due ON lt_cases (next_due);
CREATE INDEX lt_cases_rc ON lt_cases (rc_case_id);

CREATE TABLE lt_instances (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES lt_cases(id),
    level TEXT NOT NULL,
    court TEXT NOT NULL,
    case_no TEXT NOT NULL,
    registered_date TEXT NOT NULL,
    -- Whether its judgment may be appealed (一审; a retrial heard under the first-instance procedure).
    appealable INTEGER NOT NULL DEFAULT 1,
    head_notified INTEGER NOT NULL DEFAULT 0,
    evidence_delay_requested INTEGER NOT NULL DEFAULT 0,
    hearings INTEGER NOT NULL DEFAULT 0,
    hearing_year INTEGER,
    head_appeared INTEGER NOT NULL DEFAULT 0,
    compliant INTEGER,
    outcome TEXT,
    outcome_date TEXT,
    served_date TEXT,
    lost INTEGER,
    compensation INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX lt_instances_case ON lt_instances (case_id);
-- A 案号 names one instance; every lawsuit's own number is its first instance's, so this one
-- index keeps 案号 unique across lawsuits and instances, also under concurrent requests.
CREATE UNIQUE INDEX lt_instances_case_no ON lt_instances (case_no);
CREATE INDEX lt_instances_level ON lt_instances (level, registered_date);
CREATE INDEX lt_instances_hearing ON lt_instances (hearing_year, head_appeared, compliant, case_id);

CREATE TABLE lt_appearances (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES lt_cases(id),
    instance_id INTEGER NOT NULL REFERENCES lt_instances(id),
    hearing_date TEXT NOT NULL,
    appearance TEXT NOT NULL,
    person TEXT,
    post TEXT,
    lawyer TEXT,
    head_notified INTEGER NOT NULL DEFAULT 0,
    excuse TEXT,
    excuse_evidence TEXT,
    compliant INTEGER NOT NULL
);
CREATE INDEX lt_appearances_case ON lt_appearances (case_id);

CREATE TABLE lt_parties (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES lt_cases(id),
    role TEXT NOT NULL,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    id_number TEXT,
    credit_code TEXT,
    phone TEXT,
    sort INTEGER NOT NULL
);
CREATE INDEX lt_parties_case ON lt_parties (case_id);

CREATE TABLE lt_events (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES lt_cases(id),
    action TEXT NOT NULL,
    event_date TEXT NOT NULL,
    detail_json TEXT NOT NULL,
    actor_id INTEGER,
    actor_name TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX lt_events_case ON lt_events (case_id);

CREATE TABLE lt_suggestions (
    id INTEGER PRIMARY KEY,
    unit_id INTEGER NOT NULL REFERENCES units(id),
    addressee_unit_id INTEGER NOT NULL REFERENCES units(id),
    case_id INTEGER REFERENCES lt_cases(id),
    kind TEXT NOT NULL,
    issuer TEXT NOT NULL,
    doc_no TEXT,
    received_date TEXT NOT NULL,
    received_year INTEGER NOT NULL,
    content TEXT NOT NULL,
    status TEXT NOT NULL,
    reply_date TEXT,
    reply TEXT,
    rectified_date TEXT,
    rectification TEXT,
    last_event_date TEXT NOT NULL,
    next_due TEXT,
    next_due_unit TEXT,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX lt_suggestions_received ON lt_suggestions (received_year, kind, status, unit_id, addressee_unit_id);
CREATE INDEX lt_suggestions_next_due ON lt_suggestions (next_due);
CREATE INDEX lt_suggestions_case ON lt_suggestions (case_id);

CREATE TABLE lt_suggestion_events (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES lt_suggestions(id),
    action TEXT NOT NULL,
    event_date TEXT NOT NULL,
    detail_json TEXT NOT NULL,
    actor_id INTEGER,
    actor_name TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX lt_suggestion_events_case ON lt_suggestion_events (case_id);
