-- Governance: the usage ledger, budget usage per period, quota counters and the audit log of
-- denials. Amounts are integer micro-dollars; times are Unix milliseconds (UTC).

-- One row per tool call and per delegation, written before the answer is sent.
CREATE TABLE ledger (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    at_ms           INTEGER NOT NULL,
    user_name       TEXT    NOT NULL,
    team            TEXT,
    department      TEXT,
    tool            TEXT    NOT NULL,
    instance        TEXT,
    task            TEXT,
    model           TEXT,
    input_tokens    INTEGER NOT NULL DEFAULT 0,
    output_tokens   INTEGER NOT NULL DEFAULT 0,
    cached_tokens   INTEGER NOT NULL DEFAULT 0,
    cost_micros     INTEGER NOT NULL DEFAULT 0,
    baseline_micros INTEGER,
    latency_ms      INTEGER NOT NULL,
    outcome         TEXT    NOT NULL,
    bytes           INTEGER NOT NULL,
    truncated       INTEGER NOT NULL
);
CREATE INDEX ledger_at ON ledger (at_ms);

-- Spend per budget and period: `reserved` holds estimates of calls in flight, `spent` what
-- settled calls cost. A reservation passes only while spent + reserved + estimate <= hard.
CREATE TABLE budget_usage (
    scope          TEXT    NOT NULL,
    name           TEXT    NOT NULL,
    period_start   INTEGER NOT NULL,
    spent_micros   INTEGER NOT NULL DEFAULT 0,
    reserved_micros INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (scope, name, period_start)
);

-- Reservations in flight, so that one whose process died before settling is released by the
-- sweeper (its estimate would otherwise stay reserved until the period ends).
CREATE TABLE budget_reservations (
    id              TEXT NOT NULL,
    scope           TEXT NOT NULL,
    name            TEXT NOT NULL,
    period_start    INTEGER NOT NULL,
    estimate_micros INTEGER NOT NULL,
    at_ms           INTEGER NOT NULL,
    PRIMARY KEY (id, scope, name)
);
CREATE INDEX budget_reservations_at ON budget_reservations (at_ms);

-- Fixed-window counters of quotas: one row per key and window.
CREATE TABLE quota_counters (
    key          TEXT    NOT NULL,
    window_start INTEGER NOT NULL,
    count        INTEGER NOT NULL,
    PRIMARY KEY (key, window_start)
);

-- Denials (quota, budget). Named governance_audit until it merges with audit_log.
CREATE TABLE governance_audit (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    at_ms     INTEGER NOT NULL,
    user_name TEXT    NOT NULL,
    team      TEXT,
    event     TEXT    NOT NULL,
    detail    TEXT    NOT NULL
);
CREATE INDEX governance_audit_at ON governance_audit (at_ms);
