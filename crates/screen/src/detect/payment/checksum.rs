//! Checksums of payment details. Each `*_address` / `*_number` function takes one candidate token (already cut at
//! word boundaries) and returns its canonical form when the checksum holds, `None` otherwise. All are cheap to
//! reject: length and alphabet are checked before any decoding.

use sha3::{Digest, Keccak256};

const BASE58: &[u8] = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

fn is_base58(s: &str) -> bool {
    s.bytes().all(|b| BASE58.contains(&b))
}

/// A Base58Check payload (version byte included), or `None` when the checksum fails.
fn base58check(s: &str) -> Option<Vec<u8>> {
    bs58::decode(s).with_check(None).into_vec().ok()
}

/// A legacy Bitcoin address: P2PKH (`1...`, version 0x00) or P2SH (`3...`, version 0x05), Base58Check, 25 bytes.
pub(crate) fn btc_base58_address(s: &str) -> Option<String> {
    if !(26..=35).contains(&s.len()) || !(s.starts_with('1') || s.starts_with('3')) || !is_base58(s)
    {
        return None;
    }
    let payload = base58check(s)?;
    match payload.as_slice() {
        [0x00 | 0x05, rest @ ..] if rest.len() == 20 => Some(s.to_string()),
        _ => None,
    }
}

/// A SegWit Bitcoin address (`bc1...`, or testnet `tb1...`): bech32 for version 0, bech32m for versions 1 and up
/// (BIP-173/350, checked by the `bech32` crate). Canonical form: lower case.
pub(crate) fn btc_bech32_address(s: &str) -> Option<String> {
    if !(14..=90).contains(&s.len()) {
        return None;
    }
    let lower = s.to_ascii_lowercase();
    if !(lower.starts_with("bc1") || lower.starts_with("tb1")) {
        return None;
    }
    // Mixed case is invalid in bech32; the crate rejects it too, but say so plainly.
    if s.bytes().any(|b| b.is_ascii_lowercase()) && s.bytes().any(|b| b.is_ascii_uppercase()) {
        return None;
    }
    let (hrp, _version, _program) = bech32::segwit::decode(s).ok()?;
    let hrp = hrp.to_lowercase();
    (hrp == "bc" || hrp == "tb").then_some(lower)
}

/// A Tron address: Base58Check of 21 bytes starting 0x41, written with a leading `T` (34 characters).
pub(crate) fn tron_address(s: &str) -> Option<String> {
    if s.len() != 34 || !s.starts_with('T') || !is_base58(s) {
        return None;
    }
    let payload = base58check(s)?;
    match payload.as_slice() {
        [0x41, rest @ ..] if rest.len() == 20 => Some(s.to_string()),
        _ => None,
    }
}

/// How an Ethereum address was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum EthAddress {
    /// Mixed case that matches its EIP-55 checksum.
    Checksummed(String),
    /// All lower or all upper case: valid, but carries no checksum. Wallets and explorers show addresses this way,
    /// so it is still a payment detail; the canonical (EIP-55) form is given.
    Unchecksummed(String),
}

impl EthAddress {
    pub fn canonical(&self) -> &str {
        match self {
            EthAddress::Checksummed(s) | EthAddress::Unchecksummed(s) => s,
        }
    }
}

/// An Ethereum address: `0x` + 40 hex digits. Mixed case must match EIP-55 (keccak-256 of the lower-case hex: a
/// letter is upper case when its hash nibble is >= 8); a mixed-case address that fails is a typo or a made-up
/// string and is not reported.
pub(crate) fn eth_address(s: &str) -> Option<EthAddress> {
    let hex = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X"))?;
    if hex.len() != 40 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let lower = hex.to_ascii_lowercase();
    let canonical = eip55(&lower);
    let has_lower = hex.bytes().any(|b| b.is_ascii_lowercase());
    let has_upper = hex.bytes().any(|b| b.is_ascii_uppercase());
    if has_lower && has_upper {
        (canonical.get(2..) == Some(hex)).then_some(EthAddress::Checksummed(canonical))
    } else {
        Some(EthAddress::Unchecksummed(canonical))
    }
}

/// The EIP-55 form of 40 lower-case hex digits, with `0x`.
fn eip55(lower_hex: &str) -> String {
    let hash = Keccak256::digest(lower_hex.as_bytes());
    let mut out = String::with_capacity(42);
    out.push_str("0x");
    for (i, c) in lower_hex.chars().enumerate() {
        let byte = hash.get(i / 2).copied().unwrap_or(0);
        let nibble = if i % 2 == 0 { byte >> 4 } else { byte & 0x0f };
        out.push(if c.is_ascii_alphabetic() && nibble >= 8 {
            c.to_ascii_uppercase()
        } else {
            c
        });
    }
    out
}

/// IBAN lengths by country (ISO 13616 registry, SWIFT release 2024).
const IBAN_LENGTHS: &[(&str, usize)] = &[
    ("AD", 24),
    ("AE", 23),
    ("AL", 28),
    ("AT", 20),
    ("AZ", 28),
    ("BA", 20),
    ("BE", 16),
    ("BG", 22),
    ("BH", 22),
    ("BI", 27),
    ("BR", 29),
    ("BY", 28),
    ("CH", 21),
    ("CR", 22),
    ("CY", 28),
    ("CZ", 24),
    ("DE", 22),
    ("DJ", 27),
    ("DK", 18),
    ("DO", 28),
    ("EE", 20),
    ("EG", 29),
    ("ES", 24),
    ("FI", 18),
    ("FK", 18),
    ("FO", 18),
    ("FR", 27),
    ("GB", 22),
    ("GE", 22),
    ("GI", 23),
    ("GL", 18),
    ("GR", 27),
    ("GT", 28),
    ("HR", 21),
    ("HU", 28),
    ("IE", 22),
    ("IL", 23),
    ("IQ", 23),
    ("IS", 26),
    ("IT", 27),
    ("JO", 30),
    ("KW", 30),
    ("KZ", 20),
    ("LB", 28),
    ("LC", 32),
    ("LI", 21),
    ("LT", 20),
    ("LU", 20),
    ("LV", 21),
    ("LY", 25),
    ("MC", 27),
    ("MD", 24),
    ("ME", 22),
    ("MK", 19),
    ("MN", 20),
    ("MR", 27),
    ("MT", 31),
    ("MU", 30),
    ("NI", 28),
    ("NL", 18),
    ("NO", 15),
    ("OM", 23),
    ("PK", 24),
    ("PL", 28),
    ("PS", 29),
    ("PT", 25),
    ("QA", 29),
    ("RO", 24),
    ("RS", 22),
    ("RU", 33),
    ("SA", 24),
    ("SC", 31),
    ("SD", 18),
    ("SE", 24),
    ("SI", 19),
    ("SK", 24),
    ("SM", 27),
    ("SO", 23),
    ("ST", 25),
    ("SV", 28),
    ("TL", 23),
    ("TN", 24),
    ("TR", 26),
    ("UA", 29),
    ("VA", 22),
    ("VG", 24),
    ("XK", 20),
    ("YE", 30),
];

/// The IBAN length for a country code (upper case), if the country uses IBANs.
pub(crate) fn iban_length(country: &str) -> Option<usize> {
    IBAN_LENGTHS
        .iter()
        .find(|(c, _)| *c == country)
        .map(|&(_, n)| n)
}

/// An IBAN in compact form (no spaces, any case): country length and ISO 7064 mod 97-10 == 1. Hand-rolled: it is
/// a dozen lines of arithmetic, computed piecewise so it never overflows. Canonical form: compact upper case.
pub(crate) fn iban(compact: &str) -> Option<String> {
    let upper = compact.to_ascii_uppercase();
    let country = upper.get(..2)?;
    if upper.len() != iban_length(country)? || !upper.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return None;
    }
    if !upper.get(2..4)?.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let rearranged = upper.get(4..)?.bytes().chain(upper.get(..4)?.bytes());
    let mut rem: u32 = 0;
    for b in rearranged {
        let v = match b {
            b'0'..=b'9' => u32::from(b - b'0'),
            b'A'..=b'Z' => u32::from(b - b'A') + 10,
            _ => return None,
        };
        rem = if v >= 10 {
            (rem * 100 + v) % 97
        } else {
            (rem * 10 + v) % 97
        };
    }
    (rem == 1).then_some(upper)
}

/// A US ABA routing number: nine digits, a valid Federal Reserve prefix and 3-7-1 weights summing to a multiple of
/// ten. Hand-rolled: one line of arithmetic.
pub(crate) fn aba_routing(digits: &[u8]) -> bool {
    if digits.len() != 9 || !digits.iter().all(|d| d.is_ascii_digit()) {
        return false;
    }
    let d: Vec<u32> = digits.iter().map(|b| u32::from(b - b'0')).collect();
    let prefix = d.first().copied().unwrap_or(0) * 10 + d.get(1).copied().unwrap_or(0);
    let prefix_ok = matches!(prefix, 0..=12 | 21..=32 | 61..=72 | 80);
    let sum: u32 = d
        .iter()
        .zip([3, 7, 1].iter().cycle())
        .map(|(x, w)| x * w)
        .sum();
    prefix_ok && sum.is_multiple_of(10)
}

/// The Luhn check, over ASCII digits. Hand-rolled: a few lines; a crate would add nothing.
pub(crate) fn luhn(digits: &[u8]) -> bool {
    let mut sum = 0u32;
    for (i, b) in digits.iter().rev().enumerate() {
        if !b.is_ascii_digit() {
            return false;
        }
        let mut v = u32::from(b - b'0');
        if i % 2 == 1 {
            v *= 2;
            if v > 9 {
                v -= 9;
            }
        }
        sum += v;
    }
    !digits.is_empty() && sum.is_multiple_of(10)
}

/// The card network of a number by its issuer prefix (IIN) and length, or `None` when no network issues such a
/// number.
pub(crate) fn card_network(digits: &[u8]) -> Option<&'static str> {
    let len = digits.len();
    let prefix = |n: usize| -> u32 {
        digits
            .iter()
            .take(n)
            .fold(0u32, |acc, b| acc * 10 + u32::from(b.wrapping_sub(b'0')))
    };
    let (p1, p2, p3, p4, p6) = (prefix(1), prefix(2), prefix(3), prefix(4), prefix(6));
    if p1 == 4 && matches!(len, 13 | 16 | 19) {
        Some("Visa")
    } else if ((51..=55).contains(&p2) || (2221..=2720).contains(&p4)) && len == 16 {
        Some("Mastercard")
    } else if (p2 == 34 || p2 == 37) && len == 15 {
        Some("American Express")
    } else if (p4 == 6011
        || p2 == 65
        || (644..=649).contains(&p3)
        || (622_126..=622_925).contains(&p6))
        && (16..=19).contains(&len)
    {
        Some("Discover")
    } else if (3528..=3589).contains(&p4) && (16..=19).contains(&len) {
        Some("JCB")
    } else if ((300..=305).contains(&p3) || p2 == 36 || p2 == 38 || p2 == 39)
        && (14..=19).contains(&len)
    {
        Some("Diners Club")
    } else if p2 == 62 && (16..=19).contains(&len) {
        Some("UnionPay")
    } else if (p2 == 50 || (56..=69).contains(&p2)) && (13..=19).contains(&len) {
        Some("Maestro")
    } else {
        None
    }
}

/// A card number that passes Luhn and has an issuer's prefix and length: its network.
pub(crate) fn card_number(digits: &[u8]) -> Option<&'static str> {
    if !(13..=19).contains(&digits.len()) {
        return None;
    }
    let network = card_network(digits)?;
    luhn(digits).then_some(network)
}

#[cfg(test)]
mod tests;
