//! Handler tests: the whole router, called without a socket.

mod errors;
mod support;
