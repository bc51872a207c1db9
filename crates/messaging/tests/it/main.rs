//! The messaging use cases on SQLite and PostgreSQL: sending, views, strikes and the ladder, reversal, appeals,
//! limits and idempotency.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod corrupt;
mod flows;
mod support;
