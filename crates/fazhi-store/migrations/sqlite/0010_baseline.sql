-- "Use as baseline" (issue 6, item 7): a published annual report's figures filed as the values of
-- its year. The round, its one form (the jurisdiction's root unit, approved) and its values are
-- ordinary st_* rows; st_baselines says which round came from which document, and
-- st_value_sources keeps the printed quote (and its offsets in the analysed text) of each value.
CREATE TABLE st_baselines (
    round_id INTEGER PRIMARY KEY REFERENCES st_rounds(id),
    year INTEGER NOT NULL,
    document_title TEXT NOT NULL,
    file_name TEXT NOT NULL,
    -- SHA-256 of the document as uploaded (lowercase hex): the same document for the same year
    -- is applied once.
    sha256 TEXT NOT NULL,
    -- The uploaded document's row, when it came from the analyzer's page.
    document_id INTEGER,
    applied_by INTEGER REFERENCES users(id),
    applied_at TEXT NOT NULL,
    UNIQUE (year, sha256)
);

CREATE TABLE st_value_sources (
    form_id INTEGER NOT NULL REFERENCES st_forms(id),
    key TEXT NOT NULL,
    quote TEXT NOT NULL,
    start_offset INTEGER NOT NULL,
    end_offset INTEGER NOT NULL,
    document_title TEXT NOT NULL,
    PRIMARY KEY (form_id, key)
);
