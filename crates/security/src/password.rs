//! The password policy of NIST SP 800-63B revision 4 (section 3.1.1.2): length, not composition, decides.
//!
//! - at least 15 characters when the password is the only factor, at least 8 when a second factor is on;
//! - at least 64 allowed (we allow [`MAX_CHARS`]); any Unicode, normalised with NFKC, each code point one
//!   character;
//! - no composition rules (no "one digit, one capital");
//! - refused when it is on the shipped blocklist of common and breached passwords, when `zxcvbn` (given the
//!   user's name, email and the marketplace's name) finds it guessable or a lone dictionary word, or when it
//!   contains the user's name, email or id;
//! - every refusal has a stable code and advice.
//!
//! No periodic change is ever asked for; a change is forced only on evidence of compromise (the console marks the
//! account, see `store::security`).

use serde::Serialize;
use unicode_normalization::UnicodeNormalization as _;
use zxcvbn::matching::patterns::MatchPattern;

use crate::blocklist;

/// The minimum when the password is the only factor.
pub const MIN_CHARS_SINGLE_FACTOR: usize = 15;
/// The minimum when a second factor is also required.
pub const MIN_CHARS_WITH_SECOND_FACTOR: usize = 8;
/// The longest password accepted (NIST: at least 64 must be allowed). Bounded so hashing stays cheap.
pub const MAX_CHARS: usize = 256;
/// zxcvbn's cost grows with length; beyond this many characters the password is long enough that only the
/// beginning is scored.
const ZXCVBN_MAX_CHARS: usize = 100;
/// Personal data shorter than this is not looked for inside the password (it would match by chance).
const MIN_PERSONAL_CHARS: usize = 3;

/// Who the password is for, so it can be checked against their own data.
#[derive(Debug, Clone, Copy, Default)]
pub struct PasswordContext<'a> {
    pub user_id: Option<&'a str>,
    pub email: Option<&'a str>,
    pub name: Option<&'a str>,
    /// True when the account also has a second factor (the minimum drops to 8).
    pub second_factor: bool,
    /// The marketplace's own name, which users like to put in passwords.
    pub marketplace_name: Option<&'a str>,
}

/// One reason a password was refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rejection {
    /// A stable code: `too_short`, `too_long`, `blocklisted`, `contains_personal_info`, `dictionary_word`,
    /// `too_guessable`.
    pub code: &'static str,
    /// What is wrong.
    pub message: String,
    /// How to choose better.
    pub advice: String,
}

/// The answer: accepted, or the reasons it was not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PasswordCheck {
    pub accepted: bool,
    pub reasons: Vec<Rejection>,
}

/// NFKC, the normal form both checking and hashing use (so "ﬁ" and "fi" are the same password).
pub fn normalize(password: &str) -> String {
    password.nfkc().collect()
}

const GENERAL_ADVICE: &str = "Use a passphrase of several unrelated words, or let a password manager make one; length matters more than symbols.";

/// Checks a password against the policy.
pub fn check(password: &str, ctx: &PasswordContext<'_>) -> PasswordCheck {
    let normalized = normalize(password);
    let chars = normalized.chars().count();
    let mut reasons = Vec::new();
    let min = if ctx.second_factor {
        MIN_CHARS_WITH_SECOND_FACTOR
    } else {
        MIN_CHARS_SINGLE_FACTOR
    };
    if chars < min {
        let why = if ctx.second_factor {
            "with a second factor".to_string()
        } else {
            format!(
                "when it is the only factor ({MIN_CHARS_WITH_SECOND_FACTOR} with a second factor)"
            )
        };
        reasons.push(Rejection {
            code: "too_short",
            message: format!(
                "the password has {chars} characters; at least {min} are needed {why}"
            ),
            advice: format!("Make it at least {min} characters long. {GENERAL_ADVICE}"),
        });
    }
    if chars > MAX_CHARS {
        reasons.push(Rejection {
            code: "too_long",
            message: format!(
                "the password has {chars} characters; at most {MAX_CHARS} are accepted"
            ),
            advice: format!("Keep it to {MAX_CHARS} characters or fewer."),
        });
    }
    if !normalized.is_empty() && blocklist::contains(&normalized) {
        reasons.push(Rejection {
            code: "blocklisted",
            message: "this password is on the list of common and breached passwords that attackers try first".into(),
            advice: format!("Choose a password nobody else is likely to use. {GENERAL_ADVICE}"),
        });
    }
    if let Some(what) = personal_info_in(&normalized, ctx) {
        reasons.push(Rejection {
            code: "contains_personal_info",
            message: format!("the password contains your {what}"),
            advice: format!(
                "Leave your name, email address and account id out of the password. {GENERAL_ADVICE}"
            ),
        });
    }
    if !normalized.is_empty() {
        reasons.extend(guessability(&normalized, ctx));
    }
    PasswordCheck {
        accepted: reasons.is_empty(),
        reasons,
    }
}

/// Which piece of the user's own data the password contains, if any.
fn personal_info_in(normalized: &str, ctx: &PasswordContext<'_>) -> Option<&'static str> {
    let folded = fold(normalized);
    let found = |needle: &str| {
        let n = fold(needle);
        n.chars().count() >= MIN_PERSONAL_CHARS && folded.contains(&n)
    };
    if let Some(email) = ctx.email {
        let local = email.split('@').next().unwrap_or("");
        if found(email) || found(local) {
            return Some("email address");
        }
    }
    if let Some(name) = ctx.name
        && (found(name) || name.split_whitespace().any(found))
    {
        return Some("name");
    }
    if let Some(id) = ctx.user_id
        && id.chars().count() >= 4
        && found(id)
    {
        return Some("account id");
    }
    None
}

/// Case-folded, NFKC, without spaces: "Ann Lee" inside "annlee2024" is found.
fn fold(s: &str) -> String {
    s.nfkc()
        .flat_map(char::to_lowercase)
        .filter(|c| !c.is_whitespace())
        .collect()
}

fn guessability(normalized: &str, ctx: &PasswordContext<'_>) -> Vec<Rejection> {
    let scored: String = normalized.chars().take(ZXCVBN_MAX_CHARS).collect();
    let mut inputs: Vec<&str> = Vec::new();
    inputs.extend(
        ctx.name
            .into_iter()
            .flat_map(|n| std::iter::once(n).chain(n.split_whitespace())),
    );
    if let Some(email) = ctx.email {
        inputs.push(email);
        inputs.extend(email.split('@').next());
    }
    inputs.extend(ctx.user_id);
    inputs.extend(ctx.marketplace_name);
    let entropy = zxcvbn::zxcvbn(&scored, &inputs);
    let mut out = Vec::new();
    let advice = || {
        let mut a: Vec<String> = entropy
            .feedback()
            .map(|f| f.suggestions().iter().map(|s| s.to_string()).collect())
            .unwrap_or_default();
        a.push(GENERAL_ADVICE.to_string());
        a.join(" ")
    };
    let lone_word = match entropy.sequence() {
        [m] => matches!(m.pattern, MatchPattern::Dictionary(_)),
        _ => false,
    };
    if lone_word {
        out.push(Rejection {
            code: "dictionary_word",
            message:
                "the password is a single dictionary word or name (perhaps with substitutions)"
                    .into(),
            advice: advice(),
        });
    } else if (entropy.score() as u8) < 3 {
        let why = entropy
            .feedback()
            .and_then(|f| f.warning())
            .map(|w| w.to_string())
            .unwrap_or_else(|| "It follows a pattern attackers try early.".into());
        out.push(Rejection {
            code: "too_guessable",
            message: format!(
                "the password would be guessed in about 10^{:.0} tries: {why}",
                entropy.guesses_log10()
            ),
            advice: advice(),
        });
    }
    out
}
