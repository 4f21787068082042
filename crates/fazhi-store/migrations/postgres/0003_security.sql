-- Security baseline (issue 3): a hash chain over the audit log, and account lockout and password
-- ageing. Entries written before this migration stay unchained (their hash is NULL); the chain
-- starts at the first entry after it (see docs/security.md).
ALTER TABLE audit_log ADD COLUMN seq BIGINT;
ALTER TABLE audit_log ADD COLUMN prev_hash TEXT;
ALTER TABLE audit_log ADD COLUMN hash TEXT;
CREATE UNIQUE INDEX audit_log_seq ON audit_log (seq);

-- The head of the chain: the last sequence number and hash. Every audit write updates this one
-- row first, which serialises writers so that the chain stays linear on both backends.
CREATE TABLE audit_head (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    seq BIGINT NOT NULL,
    last_hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, last_hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
CREATE RULE audit_head_no_delete AS ON DELETE TO audit_head DO INSTEAD NOTHING;

ALTER TABLE users ADD COLUMN failed_logins BIGINT NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN locked_until BIGINT NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN must_change_password BIGINT NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN password_changed_at BIGINT NOT NULL DEFAULT 0;
UPDATE users SET password_changed_at = CAST(EXTRACT(EPOCH FROM now()) AS BIGINT);
-- A session opened with a password that must be changed can do nothing else until it is.
ALTER TABLE sessions ADD COLUMN must_change_password BIGINT NOT NULL DEFAULT 0;
