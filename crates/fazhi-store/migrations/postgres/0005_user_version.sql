-- Accounts are edited by two administrators (roles; state and password): a version detects a
-- stale form, as for cases.
ALTER TABLE users ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
