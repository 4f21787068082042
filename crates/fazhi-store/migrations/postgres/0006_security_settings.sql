-- Security settings the 安全管理员 changes at run time (account and session controls); a key not
-- here takes the configuration file's value.
CREATE TABLE security_settings (
    key TEXT PRIMARY KEY,
    value BIGINT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL
);
