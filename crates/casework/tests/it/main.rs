//! Reports and cases on SQLite and PostgreSQL: reports join cases with their evidence, the lock, notes,
//! outcomes on the enforcement ladder with notifications, held messages, appeals, the overview.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod corrupt;
mod flows;
mod support;
