-- Accounts (issue 13, items 4, 5, 8 and 14).

-- Failed logins per account name AND client address (item 5). The name is the one typed (trimmed,
-- lower case), whether an account has it or not, so an unknown name is treated like a known one.
-- After `lockout_attempts` failures from one address each further failure doubles the delay
-- (`blocked_until`, Unix seconds) up to `lockout_minutes`; another address is not affected. A
-- success from the address removes its row; rows quiet for a day are removed.
CREATE TABLE login_failures (
    username TEXT NOT NULL,
    addr TEXT NOT NULL,
    failures INTEGER NOT NULL,
    first_failed_at INTEGER NOT NULL,
    last_failed_at INTEGER NOT NULL,
    blocked_until INTEGER NOT NULL,
    PRIMARY KEY (username, addr)
);
CREATE INDEX login_failures_last ON login_failures (last_failed_at);

-- Login attempts per client address and minute (Unix minutes), shared by every server process on
-- the database (item 14). Windows older than the previous minute are removed.
CREATE TABLE login_rate (
    addr TEXT NOT NULL,
    minute INTEGER NOT NULL,
    attempts INTEGER NOT NULL,
    PRIMARY KEY (addr, minute)
);
CREATE INDEX login_rate_minute ON login_rate (minute);

-- The last password hashes of each account, the current one included (item 8): a new password
-- may not be any of the newest `password_history` of them.
CREATE TABLE password_history (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id),
    password_hash TEXT NOT NULL,
    set_at INTEGER NOT NULL
);
CREATE INDEX password_history_user ON password_history (user_id, id);
INSERT INTO password_history (user_id, password_hash, set_at)
    SELECT id, password_hash, password_changed_at FROM users ORDER BY id;

-- Who submitted a report version for review (item 4): that account may not finalise it. Versions
-- in review now take the submitter from the audit log.
ALTER TABLE rp_reports ADD COLUMN submitted_by INTEGER REFERENCES users(id);
UPDATE rp_reports SET submitted_by = (
    SELECT a.actor_id FROM audit_log a
    WHERE a.entity = 'rp_report' AND a.entity_id = CAST(rp_reports.id AS TEXT) AND a.action = 'submit'
    ORDER BY a.id DESC LIMIT 1
) WHERE status = 'review';
