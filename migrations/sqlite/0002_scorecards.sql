-- Scorecards written by `switchyard eval`: one row per task kind and model, the latest run.
CREATE TABLE scorecards (
    task             TEXT    NOT NULL,
    model            TEXT    NOT NULL,
    cases            INTEGER NOT NULL,
    passed           INTEGER NOT NULL,
    p50_latency_ms   INTEGER NOT NULL,
    mean_cost_micros INTEGER NOT NULL,
    measured_at      TEXT    NOT NULL,
    PRIMARY KEY (task, model)
);
