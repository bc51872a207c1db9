//! End-to-end tests: the real `marketguard` binary, on a fresh SQLite file and on PostgreSQL, called over HTTP.

mod cli;
mod serve;
mod support;
