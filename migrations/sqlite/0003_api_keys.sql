-- API keys made by `switchyard keys create`: only the SHA-256 of the whole key is kept.
-- Times are RFC 3339 text in UTC.
CREATE TABLE api_keys (
    id           TEXT    NOT NULL PRIMARY KEY,
    hash         TEXT    NOT NULL UNIQUE,
    user_name    TEXT    NOT NULL,
    team         TEXT,
    role         TEXT    NOT NULL,
    created_at   TEXT    NOT NULL,
    expires_at   TEXT,
    revoked_at   TEXT,
    last_used_at TEXT
);

-- What governance decided: key creation and revocation, policy denials, refused tokens
-- (at most 60 a minute).
-- Never holds a token, only a key's public id.
CREATE TABLE audit_log (
    seq       INTEGER PRIMARY KEY AUTOINCREMENT,
    at        TEXT    NOT NULL,
    user_name TEXT    NOT NULL,
    team      TEXT,
    event     TEXT    NOT NULL,
    detail    TEXT    NOT NULL
);
CREATE INDEX audit_log_at ON audit_log (at);
