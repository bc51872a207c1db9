//! Integration tests of the screening engine, through its public API only.

mod contact;
mod intent;
mod normalize;
mod other_categories;
mod peer_vectors;
mod properties;
