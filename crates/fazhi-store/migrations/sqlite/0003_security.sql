-- Security baseline (issue 3): a hash chain over the audit log, and account lockout and password
-- ageing. Entries written before this migration stay unchained (their hash is NULL); the chain
-- starts at the first entry after it (see docs/security.md).
ALTER TABLE audit_log ADD COLUMN seq INTEGER;
ALTER TABLE audit_log ADD COLUMN prev_hash TEXT;
ALTER TABLE audit_log ADD COLUMN hash TEXT;
CREATE UNIQUE INDEX audit_log_seq ON audit_log (seq);

-- The head of the chain: the last sequence number and hash. Every audit write updates this one
-- row first, which serialises writers so that the chain stays linear on both backends.
CREATE TABLE audit_head (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    seq INTEGER NOT NULL,
    last_hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, last_hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_head
BEGIN SELECT RAISE(ABORT, 'audit_head cannot be deleted'); END;

ALTER TABLE users ADD COLUMN failed_logins INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN locked_until INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN password_changed_at INTEGER NOT NULL DEFAULT 0;
UPDATE users SET password_changed_at = CAST(strftime('%s', 'now') AS INTEGER);
-- A session opened with a password that must be changed can do nothing else until it is.
ALTER TABLE sessions ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0;
