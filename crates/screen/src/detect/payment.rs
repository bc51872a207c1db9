//! `payment.off_platform`: asking or offering to pay outside the platform (phrase + context), and payment details
//! validated by checksum (crypto addresses, IBAN, ABA routing numbers, card numbers).

mod checksum;
pub(crate) mod intent;
mod lexicon_data;

use super::Context;
use super::lexicon::{Lexicon, LexiconsBuilder};
use crate::{Category, Config, ConfigError, Finding};
use checksum::EthAddress;
use intent::Clause;
pub(crate) use lexicon_data::Cue;

const CAT: Category = Category::PaymentOffPlatform;

const WHY: &str = "Payments made outside the marketplace are not covered by the buyer guarantee and cannot be \
                   refunded or traced; this is the most common way buyers and sellers are defrauded.";

#[derive(Debug)]
pub(crate) struct PaymentDetector {
    cues: Lexicon<Cue>,
    /// A Cash App `$cashtag`, or an `@name` right after Venmo or Cash App: payment handles (see `find_handles`).
    handles: regex::Regex,
}

impl PaymentDetector {
    pub fn new(config: &Config, lex: &mut LexiconsBuilder) -> Result<Self, ConfigError> {
        let extra = intent::extra_phrases(config, CAT, Cue::Strong)
            .into_iter()
            .chain(families());
        let cues = intent::build(lex, "payment.off_platform", lexicon_data::TABLES, extra);
        let handles = regex::Regex::new(
            r"(?i)(?:^|[^\w$])(?P<tag>\$[a-z][a-z0-9_]{1,19})\b|\b(?:venmo|cash\s?app)(?:\s+(?:me|is|at|to|on|id|handle|user(?:name)?)){0,2}\s*[:\-]?\s*(?P<at>@[a-z0-9_\-]{3,30})",
        )
        .map_err(|e| ConfigError::Build {
            detector: "payment.off_platform",
            reason: e.to_string(),
        })?;
        Ok(PaymentDetector { cues, handles })
    }

    /// Payment handles: a `$cashtag` ("cash app $jdoe22", "$BrooklynBinz") and a Venmo or Cash App `@name`. They are
    /// the payment's destination, so the redacted text must not keep them readable. A currency code after `$`
    /// ("$USD") is not a cashtag.
    fn find_handles(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let text = cx.message.text;
        if !text.contains('$') && !text.contains('@') {
            return;
        }
        for m in self.handles.captures_iter(text) {
            let Some(h) = m.name("tag").or_else(|| m.name("at")) else {
                continue;
            };
            let name = h.as_str();
            let code = name.trim_start_matches(['$', '@']).to_ascii_uppercase();
            if name.starts_with('$') && CURRENCY_CODES.contains(&code.as_str()) {
                continue;
            }
            let (rule, what) = if name.starts_with('$') {
                ("payment.cashtag", "A Cash App $cashtag")
            } else {
                ("payment.app_handle", "A payment-app account")
            };
            out.push(cx.finding(
                CAT,
                h.start(),
                h.end(),
                Some(name.to_string()),
                rule,
                format!("{what} ({name}) is given to be paid outside the marketplace. {WHY}",),
            ));
        }
    }

    pub fn find(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let clauses = intent::clauses(&self.cues, cx);
        let refused = clauses.iter().any(|c| c.has(Cue::Refusal));
        for clause in &clauses {
            // "Someone asked me to pay by Zelle, I refused": a report of someone else's ask, not an offer.
            if refused && clause.has(Cue::Reported) {
                continue;
            }
            if let Some(span) = off_platform_intent(clause) {
                out.push(intent::finding(
                    cx,
                    CAT,
                    span,
                    "payment.lexicon",
                    format!("Asks or offers to pay outside the marketplace. {WHY}"),
                ));
            }
        }
        let routing_context = clauses.iter().any(|c| c.has(Cue::Routing));
        self.find_handles(cx, out);
        find_crypto(cx, out);
        find_bank_and_card(cx, routing_context, out);
    }
}

/// Currency codes written after a dollar sign ("$USD", "$CAD"): prices, not cashtags.
const CURRENCY_CODES: &[&str] = &[
    "USD", "US", "CAD", "CA", "AUD", "AU", "NZD", "NZ", "HKD", "SGD", "MXN", "MX", "TWD", "BRL",
    "R", "CLP", "COP", "ARS", "UYU",
];

/// Every `prefix` joined to every `noun` with a space.
fn cross(prefixes: &[&str], nouns: &[&str], cue: Cue, out: &mut Vec<(String, Cue)>) {
    for p in prefixes {
        for n in nouns {
            out.push((format!("{p} {n}").trim().to_string(), cue));
        }
    }
}

/// Phrase families built from parts: "<asset> only", overpayment scripts, sending gift-card codes, "I prefer <app>",
/// "I'll do you a Bizum / faço um pix" verbs, wallet addresses, and reports of someone else's ask with a refusal.
fn families() -> Vec<(String, Cue)> {
    use Cue::*;
    let mut out = Vec::new();
    const ASSETS: &[&str] = &[
        "gift cards",
        "gift card",
        "steam cards",
        "steam card",
        "itunes cards",
        "apple gift cards",
        "google play cards",
        "amazon gift cards",
        "razer gold",
        "bitcoin",
        "btc",
        "crypto",
        "usdt",
        "ethereum",
        "eth",
        "zelle",
        "venmo",
        "cash app",
        "western union",
        "moneygram",
        "wire transfer",
        "bank transfer",
        "money order",
        "paysafecard",
    ];
    cross(
        ASSETS,
        &[
            "only",
            "only please",
            "only pls",
            "only for",
            "accepted only",
            "preferred",
        ],
        Strong,
        &mut out,
    );
    cross(
        ASSETS,
        &[
            "only work",
            "only works",
            "only valid",
            "only usable",
            "only at checkout",
        ],
        Neutral,
        &mut out,
    );
    // Overpayment: the classic fake-check and "agent" script.
    cross(
        &[
            "send",
            "pay",
            "send you",
            "pay you",
            "transfer",
            "send more",
            "pay more",
            "he will send",
            "she will send",
            "they will send",
            "my agent will send",
            "will send",
        ],
        &[
            "more than the price",
            "more than the asking price",
            "more than you asked",
            "more than the item costs",
            "extra for the shipping",
            "extra for the mover",
        ],
        Strong,
        &mut out,
    );
    cross(
        &[
            "refund",
            "refund me",
            "send back",
            "send me back",
            "return",
            "wire back",
            "give back",
            "send the",
        ],
        &[
            "the difference",
            "the extra",
            "the excess",
            "difference back",
            "the overpayment",
            "the balance back",
        ],
        Strong,
        &mut out,
    );
    // Gift-card codes sent instead of a payment.
    cross(
        &[
            "send you",
            "give you",
            "text you",
            "send",
            "scratch off",
            "read you",
            "send me",
        ],
        &[
            "the codes",
            "the claim codes",
            "the card codes",
            "the card numbers",
            "the pins",
            "codes",
            "the pin",
            "the code on the back",
            "the codes on the back",
            "pictures of the cards",
            "photos of the cards",
        ],
        AskSend,
        &mut out,
    );
    // Preference for a way of paying ("I prefer Zelle", "I'd rather do bitcoin").
    for p in [
        "i prefer",
        "i'd prefer",
        "i would prefer",
        "i'd rather",
        "i would rather",
        "prefiero",
        "je préfère",
        "ich bevorzuge",
        "lieber per",
        "prefiro",
    ] {
        out.push((p.to_string(), Verb));
    }
    for p in [
        "wallet address",
        "crypto wallet",
        "btc wallet",
        "bitcoin wallet",
        "usdt wallet",
        "eth wallet",
        "my wallet",
    ] {
        out.push((p.to_string(), Asset));
    }
    cross(
        &[
            "send a",
            "send you a",
            "send you my",
            "give you a",
            "give you my",
            "here's my",
            "here is my",
        ],
        &["wallet address", "wallet", "btc address", "bitcoin address"],
        Strong,
        &mut out,
    );
    // Doing a payment with an app, in the languages whose apps are verbs ("te hago un Bizum", "faço um pix").
    cross(
        &[
            "te hago un",
            "te hago",
            "hago un",
            "te mando un",
            "te paso un",
            "hazme un",
            "mándame un",
            "haz un",
            "faço um",
            "te faço um",
            "me faz um",
            "manda um",
            "faz um",
            "te mando um",
            "mando um",
            "je te fais un",
            "fais-moi un",
            "je vous fais un",
            "ich mache dir eine",
            "ich schick dir eine",
            "ich mach dir",
        ],
        &[""],
        Send,
        &mut out,
    );
    for p in [
        "chave pix",
        "minha chave",
        "chave é",
        "a chave",
        "pix copia e cola",
    ] {
        out.push((p.to_string(), Strong));
    }
    // Other buyers holding cash are not an offer to pay.
    for p in [
        "waiting with cash",
        "waiting with the cash",
        "are waiting with cash",
    ] {
        out.push((p.to_string(), Neutral));
    }
    // Someone else's ask, reported, and the writer's refusal.
    cross(
        &[
            "someone",
            "someone else",
            "a buyer",
            "another buyer",
            "a guy",
            "a seller",
            "they",
            "he",
            "she",
            "a scammer",
            "scammers",
            "somebody",
        ],
        &[
            "asked me to",
            "offered to",
            "wanted me to",
            "told me to",
            "asked me for",
            "wanted to",
            "tried to get me to",
            "asked to",
        ],
        Reported,
        &mut out,
    );
    for p in ["i was asked to", "i got asked to"] {
        out.push((p.to_string(), Reported));
    }
    for p in [
        "i said no",
        "i refused",
        "i declined",
        "i told them no",
        "i told him no",
        "i told her no",
        "no way",
        "not doing that",
        "i won't do that",
        "i didn't",
        "dije que no",
        "j'ai refusé",
        "ich habe abgelehnt",
        "eu recusei",
        "recusei",
        "me negué",
    ] {
        out.push((p.to_string(), Refusal));
    }
    out
}

/// The decision for one clause. A clause asks or offers to pay off the platform when it has:
/// - a phrase that says so by itself ("PayPal friends and family", "avoid the fees", configured extra phrases);
/// - a payment app or service (Zelle, Western Union, Bizum) with any verb or preposition of using it;
/// - a payment asset that is also sold as goods (gift cards, bitcoin, money orders) with a verb of paying or a
///   "send me", and not in a clause that talks about selling or listing it;
/// - "outside the site" / "directly" with a verb of paying.
///
/// Not when the clause names the platform's own checkout ("at checkout", "through the site"), nor when a negation
/// ("never", "don't", "no") stands just before the trigger: "never pay by Western Union" is advice, not a request.
fn off_platform_intent(clause: &Clause<Cue>) -> Option<(usize, usize)> {
    use Cue::*;
    if clause.has(OnSite) {
        return None;
    }
    let verb = clause.any(|c| matches!(c, Verb));
    let app = clause.has(App)
        && clause.any(|c| matches!(c, Verb | Send | AskSend | Prep | OffSite | Strong));
    let asset = clause.has(Asset)
        && !clause.has(Listing)
        && clause.any(|c| matches!(c, Verb | AskSend | OffSite));
    let fires = clause.has(Strong) || app || asset || (clause.has(OffSite) && verb);
    if !fires {
        return None;
    }
    let trigger = |c: Cue| matches!(c, App | Asset | Verb | OffSite | Strong | AskSend);
    if negated(clause, Negation, trigger) {
        return None;
    }
    clause.span_of(|c| {
        matches!(
            c,
            App | Asset | Verb | OffSite | Strong | AskSend | Send | Prep
        )
    })
}

/// True when a negation cue ends within a few words before the first trigger cue of the clause.
pub(crate) fn negated<C: Copy + PartialEq>(
    clause: &Clause<C>,
    negation: C,
    trigger: impl Fn(C) -> bool,
) -> bool {
    let Some(first) = clause.cues.iter().find(|m| trigger(m.value)) else {
        return false;
    };
    clause.cues.iter().any(|m| {
        m.value == negation && m.end <= first.start && first.start - m.end <= NEGATION_REACH
    })
}

/// How far (bytes of the view) a negation reaches forward: about four short words.
const NEGATION_REACH: usize = 24;

/// Crypto addresses, scanned on the ORIGINAL text: they are case-sensitive (base58, EIP-55), so the folded view,
/// which lower-cases, would destroy them. Tokens are maximal runs of ASCII letters and digits; each is checked
/// only when its length and first characters fit an address, so long runs cost one pass.
fn find_crypto(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let text = cx.message.text;
    for (start, token) in ascii_alnum_tokens(text) {
        let end = start + token.len();
        let Some((rule, normalized, what)) = crypto_address(token) else {
            continue;
        };
        out.push(cx.finding(
            CAT,
            start,
            end,
            Some(normalized),
            rule,
            format!("Shares {what} to be paid in cryptocurrency. {WHY}"),
        ));
    }
    find_split_crypto(cx, out);
}

/// An address cut into pieces so that a filter does not see it ("0xdbF03B407c01E7cD 3CBea99509d93f8DDDC8C6FB"): two
/// to four runs of letters and digits joined by one space or dash, the first starting like an address, read as one
/// token and accepted only when the whole passes its checksum.
fn find_split_crypto(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let text = cx.message.text;
    let bytes = text.as_bytes();
    let mut runs: Vec<(usize, usize)> = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes.get(i).is_some_and(u8::is_ascii_alphanumeric) {
            let s = i;
            while bytes.get(i).is_some_and(u8::is_ascii_alphanumeric) {
                i += 1;
            }
            runs.push((s, i));
        } else {
            i += 1;
        }
    }
    let mut k = 0;
    while k < runs.len() {
        let Some(&(s0, e0)) = runs.get(k) else { break };
        let first = text.get(s0..e0).unwrap_or("");
        let starts_like =
            first.starts_with("0x") || first.starts_with("bc1") || first.starts_with('T');
        if !starts_like || e0 - s0 < 6 || e0 - s0 >= 25 {
            k += 1;
            continue;
        }
        let mut joined = first.to_string();
        let mut end = e0;
        let mut found = None;
        for j in k + 1..(k + 4).min(runs.len()) {
            let Some(&(s, e)) = runs.get(j) else { break };
            let gap = text.get(end..s).unwrap_or("");
            if gap.is_empty() || gap.len() > 2 || !gap.bytes().all(|b| matches!(b, b' ' | b'-')) {
                break;
            }
            joined.push_str(text.get(s..e).unwrap_or(""));
            end = e;
            if joined.len() > 62 {
                break;
            }
            if let Some(hit) = crypto_address(&joined) {
                found = Some((j, hit));
                break;
            }
        }
        if let Some((j, (rule, normalized, what))) = found {
            out.push(cx.finding(
                CAT,
                s0,
                end,
                Some(normalized),
                rule,
                format!("Shares {what}, split into pieces, to be paid in cryptocurrency. {WHY}"),
            ));
            k = j + 1;
        } else {
            k += 1;
        }
    }
}

/// The rule, canonical form and description of a crypto address, when `token` is one.
fn crypto_address(token: &str) -> Option<(&'static str, String, &'static str)> {
    {
        let (rule, normalized, what) = if let Some(a) = checksum::btc_base58_address(token) {
            ("payment.btc", a, "a Bitcoin address")
        } else if let Some(a) = checksum::btc_bech32_address(token) {
            ("payment.btc", a, "a Bitcoin (SegWit) address")
        } else if let Some(a) = checksum::tron_address(token) {
            ("payment.tron", a, "a Tron (TRX/USDT) address")
        } else if let Some(a) = checksum::eth_address(token) {
            let what = match a {
                EthAddress::Checksummed(_) => "an Ethereum address (valid EIP-55 checksum)",
                EthAddress::Unchecksummed(_) => "an Ethereum address",
            };
            ("payment.eth", a.canonical().to_string(), what)
        } else {
            return None;
        };
        Some((rule, normalized, what))
    }
}

/// Maximal runs of ASCII letters and digits with their byte offsets; only runs of 25..=90 bytes (the lengths of
/// the addresses above) are returned.
fn ascii_alnum_tokens(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let bytes = text.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < bytes.len() {
            while i < bytes.len() && !bytes.get(i).is_some_and(u8::is_ascii_alphanumeric) {
                i += 1;
            }
            let start = i;
            while i < bytes.len() && bytes.get(i).is_some_and(u8::is_ascii_alphanumeric) {
                i += 1;
            }
            // Glued to a non-ASCII letter or digit ("é1A1z..."): not a standalone token.
            let glued_before = text
                .get(..start)
                .and_then(|s| s.chars().next_back())
                .is_some_and(char::is_alphanumeric);
            let glued_after = text
                .get(i..)
                .and_then(|s| s.chars().next())
                .is_some_and(char::is_alphanumeric);
            if (25..=90).contains(&(i - start))
                && !glued_before
                && !glued_after
                && let Some(t) = text.get(start..i)
            {
                return Some((start, t));
            }
            if i == start {
                i += 1;
            }
        }
        None
    })
}

/// IBANs, card numbers and routing numbers, scanned on the folded view (so fullwidth or other-script digits count)
/// and mapped back to the original.
fn find_bank_and_card(cx: &Context<'_>, routing_context: bool, out: &mut Vec<Finding>) {
    let folded = &cx.folded;
    let text = folded.text.as_str();
    let bytes = text.as_bytes();
    for (start, end) in iban_candidates(bytes) {
        let compact: String = text
            .get(start..end)
            .unwrap_or("")
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        if let Some(iban) = checksum::iban(&compact) {
            let f = cx.finding_from_folded(
                CAT,
                start,
                end,
                Some(iban),
                "payment.iban",
                format!("Shares a bank account number (IBAN) for a direct bank transfer. {WHY}"),
            );
            out.push(f);
        }
    }
    for run in digit_runs(bytes) {
        // The longest group-aligned prefix that is a card: "5555-5555-5555-4444 12/26" holds a card and an expiry.
        let card = run
            .cuts
            .iter()
            .rev()
            .filter(|c| c.0 < run.end || !run.glued_after)
            .find_map(|&(end, n)| {
                let digits = run.digits.get(..n)?;
                checksum::card_number(digits).map(|network| (end, digits, network))
            });
        // "+49 151 12345678" is a phone number with its country code, never a card that happens to pass Luhn.
        let after_plus = bytes[..run.start]
            .iter()
            .rev()
            .find(|b| !b.is_ascii_whitespace())
            == Some(&b'+');
        if let Some((end, digits, network)) = card {
            if !reference_context(bytes, run.start) && !after_plus {
                let last4: String = digits
                    .iter()
                    .skip(digits.len().saturating_sub(4))
                    .map(|&b| char::from(b))
                    .collect();
                out.push(cx.finding_from_folded(
                    CAT,
                    run.start,
                    end,
                    Some(format!("****{last4}")),
                    "payment.card",
                    format!(
                        "Shares a {network} card number. Card details must never be sent in messages: they can be \
                         used to take money without the marketplace's protection."
                    ),
                ));
            }
        } else if routing_context
            && !run.glued_after
            && run.digits.len() == 9
            && run.groups == 1
            && checksum::aba_routing(&run.digits)
        {
            let normalized = run.digits.iter().map(|&b| char::from(b)).collect();
            out.push(cx.finding_from_folded(
                CAT,
                run.start,
                run.end,
                Some(normalized),
                "payment.aba",
                format!("Shares a US bank routing number for a direct bank transfer. {WHY}"),
            ));
        }
    }
}

/// Spans that may be IBANs: at a word start, two letters and two digits, then letters and digits possibly in
/// groups separated by single spaces, up to the country's length. Each candidate reads at most ~45 bytes, and
/// candidates only start at word starts, so the scan is linear.
fn iban_candidates(bytes: &[u8]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i + 4 <= bytes.len() {
        let word_start = i == 0 || !bytes.get(i - 1).is_some_and(u8::is_ascii_alphanumeric);
        let head = bytes.get(i..i + 4).unwrap_or(&[]);
        if word_start
            && let [a, b, c, d] = head
            && a.is_ascii_alphabetic()
            && b.is_ascii_alphabetic()
            && c.is_ascii_digit()
            && d.is_ascii_digit()
        {
            let country = [a.to_ascii_uppercase(), b.to_ascii_uppercase()];
            if let Some(len) = std::str::from_utf8(&country)
                .ok()
                .and_then(checksum::iban_length)
            {
                let mut j = i;
                let mut count = 0;
                while count < len {
                    match bytes.get(j) {
                        Some(b) if b.is_ascii_alphanumeric() => {
                            count += 1;
                            j += 1;
                        }
                        Some(b' ')
                            if bytes.get(j + 1).is_some_and(u8::is_ascii_alphanumeric)
                                && count > 0 =>
                        {
                            j += 1
                        }
                        _ => break,
                    }
                }
                if count == len && !bytes.get(j).is_some_and(u8::is_ascii_alphanumeric) {
                    out.push((i, j));
                    i = j;
                    continue;
                }
            }
        }
        i += 1;
    }
    out
}

/// A run of digits in groups separated by single spaces, dashes or dots, not glued to letters or other digits.
struct DigitRun {
    start: usize,
    end: usize,
    /// The first digits of the run (at most 20).
    digits: Vec<u8>,
    groups: usize,
    /// Group ends: (byte end, digits so far), while at most 19 digits.
    cuts: Vec<(usize, usize)>,
    /// Followed by a letter or a slash ("12/26", "4444abc").
    glued_after: bool,
}

/// Every digit run of 9..=19 digits (the lengths of routing and card numbers). Longer runs are skipped whole
/// without collecting, so a 64 KiB run of digits costs one pass.
fn digit_runs(bytes: &[u8]) -> Vec<DigitRun> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let is_digit = |k: usize| bytes.get(k).is_some_and(u8::is_ascii_digit);
        if !is_digit(i) {
            i += 1;
            continue;
        }
        let glued = i > 0
            && bytes
                .get(i - 1)
                .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'.' || *b == b'/');
        let start = i;
        let mut digits = Vec::new();
        let mut groups = 1;
        let mut end = i;
        let mut cuts = Vec::new();
        loop {
            if is_digit(i) {
                if digits.len() <= 19 {
                    digits.push(bytes.get(i).copied().unwrap_or(b'0'));
                }
                i += 1;
                end = i;
            } else if matches!(bytes.get(i), Some(b' ' | b'-' | b'.')) && is_digit(i + 1) {
                if digits.len() <= 19 {
                    cuts.push((end, digits.len()));
                }
                groups += 1;
                i += 1;
            } else {
                break;
            }
        }
        let glued_after = bytes
            .get(end)
            .is_some_and(|b| b.is_ascii_alphabetic() || *b == b'/');
        if digits.len() <= 19 {
            cuts.push((end, digits.len()));
        }
        if !glued && cuts.iter().any(|c| (9..=19).contains(&c.1)) {
            out.push(DigitRun {
                start,
                end,
                digits,
                groups,
                cuts,
                glued_after,
            });
        }
    }
    out
}

/// True when the words just before `start` say the number is a reference (order, tracking, invoice, serial, ...),
/// not a card. Reads at most 32 bytes back.
fn reference_context(bytes: &[u8], start: usize) -> bool {
    const WORDS: &[&str] = &[
        "order",
        "tracking",
        "invoice",
        "ref",
        "reference",
        "serial",
        "imei",
        "isbn",
        "upc",
        "ean",
        "sku",
        "model",
        "part",
        "pedido",
        "commande",
        "bestellung",
        "rastreio",
        "seguimiento",
        "suivi",
        "sendungsnummer",
    ];
    let from = start.saturating_sub(32);
    let before =
        String::from_utf8_lossy(bytes.get(from..start).unwrap_or(&[])).to_ascii_lowercase();
    let words: Vec<&str> = before
        .split(|c: char| c.is_whitespace() || c == ':')
        .filter(|w| !w.is_empty())
        .collect();
    words.iter().rev().take(3).any(|w| {
        WORDS
            .iter()
            .any(|k| w.trim_end_matches(['#', ',', '.']) == *k)
    })
}
