-- The report analyzer in the platform (issue 6 item 7): published reports uploaded for analysis.
-- Only the decoded text is kept (figure offsets are character offsets into it); the analysis is
-- recomputed from the text when shown, so a better analyzer improves old uploads too. The same
-- bytes uploaded twice by one unit are one document.
CREATE TABLE an_documents (
    id INTEGER PRIMARY KEY,
    file_name TEXT NOT NULL,
    format TEXT NOT NULL,
    encoding TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    text TEXT NOT NULL,
    title TEXT,
    jurisdiction TEXT,
    year INTEGER,
    uploaded_by INTEGER REFERENCES users(id),
    unit_id INTEGER NOT NULL REFERENCES units(id),
    created_at TEXT NOT NULL,
    UNIQUE (unit_id, sha256)
);
CREATE INDEX an_documents_created ON an_documents (created_at);
