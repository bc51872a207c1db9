//! Handler tests: the whole router, called without a socket.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::disallowed_methods
)]

mod access;
mod bad_input;
mod browser;
mod console_access;
mod console_browser;
mod contact;
mod errors;
mod reports;
mod security;
mod support;
