//! End-to-end tests: the real `marketguard` binary, on a fresh SQLite file and on PostgreSQL, called over HTTP.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::disallowed_methods
)]

mod audit;
mod bench_messaging;
mod cli;
mod data_key;
mod demo;
mod messaging;
mod model;
mod serve;
mod startup;
mod support;
