-- Scorecards written by `switchyard eval`: one row per task kind and model, the latest run.
CREATE TABLE scorecards (
    task             TEXT COLLATE "C" NOT NULL,
    model            TEXT COLLATE "C" NOT NULL,
    cases            BIGINT NOT NULL,
    passed           BIGINT NOT NULL,
    p50_latency_ms   BIGINT NOT NULL,
    mean_cost_micros BIGINT NOT NULL,
    measured_at      TEXT   NOT NULL,
    PRIMARY KEY (task, model)
);
