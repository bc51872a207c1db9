//! The storage test suite, written once and run on SQLite and on PostgreSQL (see `testkit`).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod api_keys;
mod audit;
mod migrations;
