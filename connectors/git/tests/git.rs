//! Tests of the git connector against real repositories built with the git CLI.
//! One test binary (cases/ holds the topics), so the fixture helpers link once.

mod cases;
mod support;
