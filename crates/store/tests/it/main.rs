//! The storage test suite, written once and run on SQLite and on PostgreSQL (see `testkit`).

mod api_keys;
mod audit;
mod migrations;
