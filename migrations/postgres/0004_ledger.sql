-- Governance: the usage ledger, budget usage per period, quota counters and the audit log of
-- denials. Amounts are integer micro-dollars; times are Unix milliseconds (UTC).

-- One row per tool call and per delegation, written before the answer is sent.
CREATE TABLE ledger (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at_ms           BIGINT  NOT NULL,
    user_name       TEXT COLLATE "C"    NOT NULL,
    team            TEXT COLLATE "C",
    department      TEXT COLLATE "C",
    tool            TEXT COLLATE "C"    NOT NULL,
    instance        TEXT COLLATE "C",
    task            TEXT COLLATE "C",
    model           TEXT COLLATE "C",
    input_tokens    BIGINT  NOT NULL DEFAULT 0,
    output_tokens   BIGINT  NOT NULL DEFAULT 0,
    cached_tokens   BIGINT  NOT NULL DEFAULT 0,
    cost_micros     BIGINT  NOT NULL DEFAULT 0,
    baseline_micros BIGINT,
    latency_ms      BIGINT  NOT NULL,
    outcome         TEXT COLLATE "C"    NOT NULL,
    bytes           BIGINT  NOT NULL,
    truncated       BIGINT  NOT NULL
);
CREATE INDEX ledger_at ON ledger (at_ms);

-- Spend per budget and period: `reserved` holds estimates of calls in flight, `spent` what
-- settled calls cost. A reservation passes only while spent + reserved + estimate <= hard.
CREATE TABLE budget_usage (
    scope          TEXT COLLATE "C"    NOT NULL,
    name           TEXT COLLATE "C"    NOT NULL,
    period_start   BIGINT  NOT NULL,
    spent_micros   BIGINT  NOT NULL DEFAULT 0,
    reserved_micros BIGINT  NOT NULL DEFAULT 0,
    PRIMARY KEY (scope, name, period_start)
);

-- Reservations in flight, so that one whose process died before settling is released by the
-- sweeper (its estimate would otherwise stay reserved until the period ends).
CREATE TABLE budget_reservations (
    id              TEXT COLLATE "C" NOT NULL,
    scope           TEXT COLLATE "C" NOT NULL,
    name            TEXT COLLATE "C" NOT NULL,
    period_start    BIGINT  NOT NULL,
    estimate_micros BIGINT  NOT NULL,
    at_ms           BIGINT  NOT NULL,
    PRIMARY KEY (id, scope, name)
);
CREATE INDEX budget_reservations_at ON budget_reservations (at_ms);

-- Fixed-window counters of quotas: one row per key and window.
CREATE TABLE quota_counters (
    key          TEXT COLLATE "C"    NOT NULL,
    window_start BIGINT  NOT NULL,
    count        BIGINT  NOT NULL,
    PRIMARY KEY (key, window_start)
);

-- Denials (quota, budget). Named governance_audit until it merges with audit_log.
CREATE TABLE governance_audit (
    id        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at_ms     BIGINT  NOT NULL,
    user_name TEXT COLLATE "C"    NOT NULL,
    team      TEXT COLLATE "C",
    event     TEXT COLLATE "C"    NOT NULL,
    detail    TEXT    NOT NULL
);
CREATE INDEX governance_audit_at ON governance_audit (at_ms);
