//! Security notifications and "is this really from us?": each notification carries a short verification code
//! (`MG-XXXX-XXXX`, 40 random bits) that a person can paste into the public check, and every message says what
//! the marketplace never asks for.

/// What every notification and the verification page say.
pub const NEVER_ASKS: &str =
    "We never ask for your password, verification codes or card numbers by email, phone or chat.";

const PREFIX: &str = "MG";
const CODE_CHARS: usize = 8;

/// A fresh code, `MG-XXXX-XXXX`.
pub fn new_code() -> String {
    let raw = crate::random_crockford(CODE_CHARS);
    format!(
        "{PREFIX}-{}-{}",
        raw.get(..4).unwrap_or(""),
        raw.get(4..).unwrap_or("")
    )
}

/// The canonical form of a code as typed (`mg 7k4q 9xhd`, `MG-7K4Q-9XHD`, ...), or `None`.
pub fn canonical_code(typed: &str) -> Option<String> {
    let trimmed = typed.trim();
    let rest = trimmed
        .get(..2)
        .filter(|p| p.eq_ignore_ascii_case(PREFIX))
        .map(|_| trimmed.get(2..).unwrap_or(""))?;
    let n = crate::normalize_crockford(rest)?;
    (n.len() == CODE_CHARS).then(|| {
        format!(
            "{PREFIX}-{}-{}",
            n.get(..4).unwrap_or(""),
            n.get(4..).unwrap_or("")
        )
    })
}

/// Every code-shaped token in a pasted message, in canonical form.
pub fn find_codes(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i + 2 <= bytes.len() {
        let at_word_start = i == 0 || !bytes[i - 1].is_ascii_alphanumeric();
        if at_word_start && bytes[i..i + 2].eq_ignore_ascii_case(PREFIX.as_bytes()) {
            // Take MG, then up to 8 code characters with optional single separators between groups.
            let mut j = i + 2;
            let mut taken = 0;
            while j < bytes.len() && taken < CODE_CHARS {
                let b = bytes[j];
                if b == b'-' || b == b' ' {
                    j += 1;
                    continue;
                }
                if b.is_ascii_alphanumeric() {
                    taken += 1;
                    j += 1;
                } else {
                    break;
                }
            }
            let ends_word = j >= bytes.len() || !bytes[j].is_ascii_alphanumeric();
            if let (true, Some(candidate)) = (ends_word, text.get(i..j))
                && let Some(code) = canonical_code(candidate)
            {
                if !out.contains(&code) {
                    out.push(code);
                }
                i = j;
                continue;
            }
        }
        i += 1;
    }
    out
}

/// A message ready for the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Composed {
    pub subject: String,
    pub body: String,
}

/// Writes a security notification: what happened, what to do, the code, and what we never ask for.
pub fn compose(
    marketplace: &str,
    headline: &str,
    detail: &str,
    code: &str,
    verify_url: &str,
) -> Composed {
    let subject = format!("{marketplace}: {headline}");
    let body = format!(
        "{headline}\n\n{detail}\n\nIf this was not you, change your password and turn on two-step verification in your account settings (do not use links in messages to get there).\n\n{NEVER_ASKS}\nTo check that this message really comes from {marketplace}, enter its verification code {code} at {verify_url}\n"
    );
    Composed { subject, body }
}

/// Whitespace-collapsed, for comparing a pasted message with what was sent (mail clients re-wrap lines).
pub fn squash(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
