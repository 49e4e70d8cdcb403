//! Evaluations end to end with scripted providers: every check type passing and failing with
//! its reason, rubric checks through a scripted judge, the scorecard math, provider failures,
//! bounded concurrency and timeouts, `switchyard eval` saving to a store, and the shipped
//! suites (they parse, reference answers pass them, poor answers fail them).

#![expect(
    clippy::expect_used,
    reason = "test helpers that cannot set up fail the test"
)]

mod checks;
mod cli;
mod runner;
mod shipped;
mod support;
