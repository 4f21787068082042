-- 数据填报 and the annual report (issue 5). A round asks units for indicator keys; each unit has one
-- form per round with its values (counts, amounts in 1/10,000 of their unit; a rate is filed as
-- its two parts). A report is one row per jurisdiction unit, year and version; a published
-- version is never updated (the application refuses it), a correction is the next version.
CREATE TABLE st_rounds (
    id INTEGER PRIMARY KEY,
    year INTEGER NOT NULL,
    title TEXT NOT NULL,
    due_date TEXT NOT NULL,
    keys_json TEXT NOT NULL,
    note TEXT,
    status TEXT NOT NULL,
    unit_id INTEGER NOT NULL REFERENCES units(id),
    created_by INTEGER REFERENCES users(id),
    version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX st_rounds_year ON st_rounds (year);

CREATE TABLE st_forms (
    id INTEGER PRIMARY KEY,
    round_id INTEGER NOT NULL REFERENCES st_rounds(id),
    unit_id INTEGER NOT NULL REFERENCES units(id),
    year INTEGER NOT NULL,
    status TEXT NOT NULL,
    comment TEXT,
    submitted_by TEXT,
    submitted_by_id INTEGER REFERENCES users(id),
    submitted_at TEXT,
    approved_by TEXT,
    approved_at TEXT,
    due_date TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    updated_at TEXT NOT NULL,
    UNIQUE (round_id, unit_id)
);
CREATE INDEX st_forms_unit ON st_forms (unit_id, status);
CREATE INDEX st_forms_year ON st_forms (year, status);

CREATE TABLE st_values (
    form_id INTEGER NOT NULL REFERENCES st_forms(id),
    key TEXT NOT NULL,
    value INTEGER NOT NULL,
    PRIMARY KEY (form_id, key)
);

CREATE TABLE rp_reports (
    id INTEGER PRIMARY KEY,
    unit_id INTEGER NOT NULL REFERENCES units(id),
    year INTEGER NOT NULL,
    version_no INTEGER NOT NULL,
    status TEXT NOT NULL,
    content_json TEXT NOT NULL,
    settings_json TEXT NOT NULL,
    change_note TEXT,
    published_date TEXT,
    -- The document as published (JSON of fazhi_report::model::Document): a published version is
    -- rendered from it, never recomputed from records that may have changed since.
    document_json TEXT,
    created_by INTEGER REFERENCES users(id),
    version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (unit_id, year, version_no)
);
