//! The offline blocklist of common and breached passwords, shipped inside the binary.
//!
//! The list is Django's `common-passwords.txt.gz` (django 5.2, BSD licence): the 20,000 most common passwords
//! from breach corpora, as curated by Royce Williams. It is decompressed once, on first use, into a set; entries
//! are compared case-insensitively after NFKC, so `PASSWORD` and `Password` are caught with `password`.

use std::collections::HashSet;
use std::io::Read as _;
use std::sync::LazyLock;

static COMPRESSED: &[u8] = include_bytes!("../data/common-passwords.txt.gz");

static LIST: LazyLock<HashSet<String>> = LazyLock::new(|| {
    let mut text = String::new();
    // The bytes are ours and checked by a test; a failure would leave the set empty, which the test catches.
    let _ = flate2::read::GzDecoder::new(COMPRESSED).read_to_string(&mut text);
    text.lines()
        .map(|l| l.trim().to_lowercase())
        .filter(|l| !l.is_empty())
        .collect()
});

/// How many passwords the shipped list holds.
pub fn len() -> usize {
    LIST.len()
}

/// True when the (already normalised) password is on the list, ignoring case.
pub fn contains(normalized_password: &str) -> bool {
    LIST.contains(&normalized_password.to_lowercase())
}
