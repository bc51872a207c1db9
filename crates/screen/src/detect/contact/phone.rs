//! `contact.phone`: libphonenumber's matcher (the `rlibphonenumber` port, real numbering-plan metadata, leniency
//! VALID) run once over the phone view, where spelled numbers, letter swaps and odd separators are already digits;
//! then the things that are not phone numbers are set aside by their context.

use rlibphonenumber::phonenumber_matcher::{FindNumberExt, Leniency};
use rlibphonenumber::{PhoneNumberFormat, Region as PnRegion};

use crate::detect::Context;
use crate::normalize::Rewrite;
use crate::{Category, ConfigError, Finding};

/// Regions tried for national numbers when the message has no region: the markets of the five languages the engine
/// reads (English, Spanish, French, German, Portuguese) and the largest neighbours. A longer list finds more foreign
/// national numbers but also reads more order numbers as someone's phone number. Numbers in international format
/// (`+44 ...`, `0044 ...` is national) are found whatever the list.
const DEFAULT_REGIONS: [&str; 14] = [
    "US", "CA", "GB", "IE", "AU", "DE", "AT", "CH", "FR", "BE", "ES", "MX", "BR", "PT",
];

#[derive(Debug)]
pub(super) struct PhoneFinder {
    default_regions: Vec<PnRegion>,
}

impl PhoneFinder {
    pub fn new() -> Result<Self, ConfigError> {
        let default_regions: Vec<PnRegion> = DEFAULT_REGIONS
            .iter()
            .filter_map(|r| PnRegion::from_code(r).ok())
            .collect();
        if default_regions.len() != DEFAULT_REGIONS.len() {
            return Err(ConfigError::Build {
                detector: "contact.phone",
                reason: "unknown default region".into(),
            });
        }
        // The matcher sets itself up lazily (~20 ms): do it now, not on the first message.
        let _ = "+1 415 555 0172".find_phone_numbers().count();
        Ok(PhoneFinder { default_regions })
    }

    pub fn find(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        if cx.phone.digit_count < 7 {
            return;
        }
        let view = &cx.phone.view;
        let text = view.text.as_str();
        let region = cx
            .message
            .region
            .and_then(|r| PnRegion::from_code(r.as_str()).ok());
        // The matcher runs only on windows around digit clusters (see `candidate_windows`), so its cost follows the
        // number of phone-like clusters, not the length of the text.
        let mut matches: Vec<(usize, usize, rlibphonenumber::PhoneNumber)> = Vec::new();
        for (ws, we) in candidate_windows(text) {
            let Some(window) = text.get(ws..we) else {
                continue;
            };
            // Without a region, the hint region is tried alone first (fast); the other default regions only for a
            // cluster it does not read and whose digit count fits a national number of those regions (8 to 13
            // digits). Numbers in international format are read by their country code in either pass. Trying every
            // region costs ~10x more, mostly on long digit clusters (tracking, card, account numbers).
            let digits = window.bytes().filter(u8::is_ascii_digit).count();
            let mut found = run_matcher(
                window,
                ws,
                region.or(self.default_regions.first().copied()),
                &[],
            );
            if region.is_none() && found.is_empty() && (8..=13).contains(&digits) {
                found = run_matcher(window, ws, None, &self.default_regions);
            }
            // "my cell 415 555 0172 1234": extra digits glued on after a number make the whole cluster invalid.
            // After a phone word, the cluster without its last short group is read again.
            if found.is_empty()
                && let Some(cut) = trailing_group_start(window)
                && phone_word_before(
                    text,
                    ws + window.find(|c: char| c.is_ascii_digit()).unwrap_or(0),
                )
                && let Some(head) = window.get(..cut)
            {
                found = run_matcher(
                    head,
                    ws,
                    region.or(self.default_regions.first().copied()),
                    &[],
                );
            }
            for m in found {
                // Windows overlap on long clusters: keep the first reading of a span.
                if !matches.iter().any(|&(s, e, _)| s < m.1 && m.0 < e) {
                    matches.push(m);
                }
            }
        }
        // Pieces are checked group by group in `pieces`, not as one span (the words between them are not context).
        let mut pieces = Vec::new();
        if matches.is_empty() {
            pieces = self.pieces(cx, region);
        }
        let from_pieces = !pieces.is_empty();
        matches.extend(pieces);
        for (start, end, number) in matches {
            if !text.is_char_boundary(start)
                || !text.is_char_boundary(end)
                || (!from_pieces && is_not_a_phone(text, start, end))
            {
                continue;
            }
            let (s, e) = view.original_span(start, end, cx.message.text);
            let original = cx.message.text.get(s..e).unwrap_or("");
            let in_view = text.get(start..end).unwrap_or("");
            let e164 = number.format_as(PhoneNumberFormat::E164).into_owned();
            let (rule, explanation) = match cx.phone.rewrite_in(start, end) {
                _ if from_pieces => (
                    "phone.pieces",
                    format!(
                        "A phone number ({e164}) is given in pieces across the message. Sharing a phone number lets \
                         the other party contact you off the platform, where you are not protected."
                    ),
                ),
                Some(Rewrite::Spelled) => (
                    "phone.spelled",
                    format!(
                        "A phone number ({e164}) is written out in words. Sharing a phone number lets the other \
                         party contact you off the platform, where you are not protected."
                    ),
                ),
                Some(Rewrite::Swapped | Rewrite::Separator) => (
                    "phone.obfuscated",
                    format!(
                        "A phone number ({e164}) is disguised with look-alike characters or unusual separators. \
                         Sharing a phone number lets the other party contact you off the platform, where you are \
                         not protected."
                    ),
                ),
                None if !original.eq_ignore_ascii_case(in_view) => (
                    "phone.obfuscated",
                    format!(
                        "A phone number ({e164}) is written with unusual digits or characters. Sharing a phone \
                         number lets the other party contact you off the platform, where you are not protected."
                    ),
                ),
                None => (
                    "phone.digits",
                    format!(
                        "A phone number ({e164}) is shared. Sharing a phone number lets the other party contact you \
                         off the platform, where you are not protected."
                    ),
                ),
            };
            out.push(cx.finding(Category::ContactPhone, s, e, Some(e164), rule, explanation));
        }
    }
}

impl PhoneFinder {
    /// A number given in pieces across the message ("first part is 415 555, the rest is 0172", "867-5309, with 415
    /// in front", "area code 312 and then 555-0196"): when the message says it is giving parts, two or three
    /// neighbouring digit groups are joined (in order, and for two groups also in reverse) and kept when the whole
    /// is a valid number. The span runs from the first group to the last.
    fn pieces(
        &self,
        cx: &Context<'_>,
        region: Option<PnRegion>,
    ) -> Vec<(usize, usize, rlibphonenumber::PhoneNumber)> {
        const CUES: &[&str] = &[
            "area",
            "first",
            "rest",
            "then",
            "ends",
            "the end",
            "starts",
            "last",
            "middle",
            "part",
            "in front",
            "followed by",
            "after that",
            "pieces",
            "split",
            "prefix",
            "digits",
            "puis",
            "dann",
            "depois",
            "luego",
            "despues",
            "primero",
            "resto",
            "zuerst",
            "vorwahl",
            "indicatif",
            "ddd",
            "prefijo",
        ];
        let digits_total = cx.phone.digit_count;
        let folded = cx.folded.text.as_str();
        if !(7..=24).contains(&digits_total) || !CUES.iter().any(|c| folded.contains(c)) {
            return Vec::new();
        }
        let text = cx.phone.view.text.as_str();
        // Each piece stands alone: not part of a price, a measurement, a date, a code or a longer word.
        let groups: Vec<(usize, usize, String)> = digit_groups(text)
            .into_iter()
            .filter(|(s, e, d)| d.len() >= 3 && standalone(text, *s, *e))
            .collect();
        let mut out = Vec::new();
        let n = groups.len().min(12);
        for i in 0..n {
            for len in [2usize, 3] {
                let Some(run) = groups.get(i..i + len) else {
                    continue;
                };
                // Pieces sit near each other: at most ~60 bytes of words between two groups.
                if run.windows(2).any(|w| match w {
                    [a, b] => b.0.saturating_sub(a.1) > 60,
                    _ => false,
                }) {
                    continue;
                }
                let mut orders: Vec<Vec<&(usize, usize, String)>> = vec![run.iter().collect()];
                if len == 2 {
                    orders.push(run.iter().rev().collect());
                }
                for order in orders {
                    let joined: String = order.iter().map(|g| g.2.as_str()).collect();
                    if !(7..=13).contains(&joined.len()) {
                        continue;
                    }
                    let mut found = run_matcher(
                        &joined,
                        0,
                        region.or(self.default_regions.first().copied()),
                        &[],
                    );
                    if region.is_none() && found.is_empty() {
                        found = run_matcher(&joined, 0, None, &self.default_regions);
                    }
                    let whole = found.into_iter().find(|m| m.0 == 0 && m.1 == joined.len());
                    if let (Some((_, _, number)), Some(first), Some(last)) =
                        (whole, run.first(), run.last())
                    {
                        out.push((first.0, last.1, number));
                        return out;
                    }
                }
            }
        }
        out
    }
}

/// A digit group that is a piece of a number and nothing else: no letter, digit mark or currency glued before it, no
/// letter glued after it, no unit after it.
fn standalone(text: &str, start: usize, end: usize) -> bool {
    let before = text.get(..start).unwrap_or("");
    let after = text.get(end..).unwrap_or("");
    let glued_before = before.chars().next_back().is_some_and(|c| {
        c.is_alphanumeric() || matches!(c, ',' | '.' | '/' | '$' | '€' | '£' | '#' | ':' | '+')
    }) && !before.ends_with(". ");
    let glued_after = after
        .chars()
        .next()
        .is_some_and(|c| c.is_alphanumeric() || matches!(c, '/' | '%' | ':' | '€' | '$'));
    let next_word = after
        .trim_start_matches([' ', ','])
        .split(|c: char| !c.is_alphanumeric())
        .next()
        .unwrap_or("");
    let unit = matches!(
        next_word,
        "miles"
            | "mi"
            | "km"
            | "cm"
            | "mm"
            | "m"
            | "kg"
            | "g"
            | "lb"
            | "lbs"
            | "oz"
            | "inch"
            | "inches"
            | "x"
            | "dollars"
            | "euros"
            | "usd"
            | "eur"
            | "gb"
            | "tb"
            | "mb"
            | "hours"
            | "hrs"
            | "min"
            | "owners"
            | "items"
            | "pcs"
            | "units"
            | "reais"
    );
    !glued_before && !glued_after && !unit
}

/// Maximal groups of digits in the phone view, digits joined by at most three of ` -.`: start, end and the digits.
fn digit_groups(text: &str) -> Vec<(usize, usize, String)> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if !b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
            continue;
        }
        let start = i;
        let mut end;
        let mut digits = String::new();
        let mut j = i;
        loop {
            while let Some(&c) = b.get(j).filter(|c| c.is_ascii_digit()) {
                digits.push(char::from(c));
                j += 1;
            }
            end = j;
            let mut k = j;
            while k < b.len() && k - j < 3 && matches!(b.get(k), Some(b' ' | b'-' | b'.')) {
                k += 1;
            }
            if k > j && b.get(k).is_some_and(u8::is_ascii_digit) {
                j = k;
            } else {
                break;
            }
            if digits.len() > 17 {
                break;
            }
        }
        out.push((start, end, digits));
        i = end.max(i + 1);
    }
    out
}

/// libphonenumber's matcher (leniency VALID) over one window of the phone view, with spans shifted by `offset`:
/// for one region when `region` is given, else for `regions` (the first tried first).
fn run_matcher(
    window: &str,
    offset: usize,
    region: Option<PnRegion>,
    regions: &[PnRegion],
) -> Vec<(usize, usize, rlibphonenumber::PhoneNumber)> {
    // No `max_tries`: rlibphonenumber 2.2.15 underflows its try counter when a cap is reached (a panic in debug
    // builds, no cap at all in release). Its scan is linear without one: each candidate is bounded in length.
    let builder = window
        .phone_number_matcher_builder()
        .leniency(Leniency::Valid);
    let builder = match region {
        Some(r) => builder.preferred_region(r),
        None => builder.regions_with_hint(regions.iter().copied(), regions.first().copied()),
    };
    // Defence in depth: the engine must not panic whatever the text, and the matcher is third-party code with
    // arithmetic on offsets. A panic inside it loses this window's phone findings, nothing else.
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        builder
            .build_fallible()
            .filter_map(Result::ok)
            .map(|m| (m.start + offset, m.end() + offset, m.number))
            .collect::<Vec<_>>()
    }))
    .unwrap_or_default()
}

/// Where the last digit group of a window's cluster starts, when the cluster has at least three groups and the
/// last one is short (one to four digits): "415 555 0172 1234" -> the offset of the space before "1234".
fn trailing_group_start(window: &str) -> Option<usize> {
    let b = window.as_bytes();
    let last_digit = b.iter().rposition(u8::is_ascii_digit)?;
    let mut start = last_digit;
    while start > 0 && b.get(start - 1).is_some_and(u8::is_ascii_digit) {
        start -= 1;
    }
    let len = last_digit + 1 - start;
    let groups = window
        .get(..=last_digit)?
        .split(|c: char| !c.is_ascii_digit())
        .filter(|g| !g.is_empty())
        .count();
    let sep_before = start > 0
        && b.get(start - 1)
            .is_some_and(|c| matches!(c, b' ' | b'-' | b'.'));
    // Cut before the separator too: "415-555-0172-" would not read as a number.
    ((1..=4).contains(&len) && groups >= 3 && sep_before).then(|| start - 1)
}

/// A phone word ("cell", "call", "whatsapp", ...) in the few words before byte `at` of the phone view.
fn phone_word_before(text: &str, at: usize) -> bool {
    let mut from = at.saturating_sub(32);
    while from > 0 && !text.is_char_boundary(from) {
        from -= 1;
    }
    let before = text.get(from..at.min(text.len())).unwrap_or("");
    before
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .any(|w| PHONE_BEFORE.contains(&w) && w != "me")
}

/// Digits a phone number can hold at most (E.164 allows 15; libphonenumber reads up to 17 with a national prefix).
const MAX_PHONE_DIGITS: usize = 17;
/// The longest window handed to the matcher at once; longer clusters are read in overlapping windows.
const WINDOW_BYTES: usize = 96;
/// Every cluster of a message gets its windows: a cap on their number let a phone number hide behind 512 decoy
/// clusters. The work stays linear in the text (a cluster takes at least eight bytes, so a text has at most
/// `len / 8 + 1` of them, and a long cluster at most [`MAX_WINDOWS_PER_CLUSTER`] windows); a 64 KiB text of 6,000
/// decoy clusters screens in about 20 ms (`cargo run --release -p screen --example timing`).
/// At most this many windows for one long cluster (a wall of spaced digits is not a list of 60 phone numbers).
const MAX_WINDOWS_PER_CLUSTER: usize = 64;

/// The byte ranges of the phone view worth handing to the phone-number matcher: clusters of digits joined by at most
/// three separator bytes (spaces, dashes, dots, brackets, slashes, a leading plus) that hold at least seven digits,
/// with a few bytes of context on each side (the matcher looks at the characters around a number). A run of more
/// than 17 digits with nothing between them, and a `+` glued after a digit, are not part of any phone number and
/// split clusters. Linear in the text; long clusters are cut into overlapping windows of [`WINDOW_BYTES`].
pub(crate) fn candidate_windows(text: &str) -> Vec<(usize, usize)> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let n = b.len();
    let max_windows = n / 8 + 1;
    while i < n && out.len() < max_windows {
        if !b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
            continue;
        }
        // A cluster starting at digit i.
        let start = i;
        let mut end = i;
        let mut digits = 0usize;
        let mut j = i;
        loop {
            // A run of digits.
            let run_start = j;
            while b.get(j).is_some_and(u8::is_ascii_digit) {
                j += 1;
            }
            let run = j - run_start;
            if run > MAX_PHONE_DIGITS {
                // Too long to be (part of) a phone number: it ends the cluster before it, and is skipped.
                if run_start == start {
                    digits = 0;
                    end = j;
                }
                break;
            }
            digits += run;
            end = j;
            // A gap of separators.
            let mut k = j;
            while k < n
                && k - j < 4
                && matches!(
                    b.get(k),
                    Some(b' ' | b'-' | b'.' | b'(' | b')' | b'/' | b'\t')
                )
            {
                k += 1;
            }
            // "+" only opens a number after a separator.
            if k > j && b.get(k) == Some(&b'+') {
                k += 1;
            }
            if k == j || !b.get(k).is_some_and(u8::is_ascii_digit) {
                break;
            }
            j = k;
        }
        i = end.max(start + 1);
        if !(7..).contains(&digits) {
            continue;
        }
        let end = extension_end(b, end);
        // 24 bytes after: room for an extension the matcher reads (", ext 7246433", " int.3456").
        let (mut ws, mut we) = (start.saturating_sub(4), (end + 24).min(n));
        while ws > 0 && !text.is_char_boundary(ws) {
            ws -= 1;
        }
        while we < n && !text.is_char_boundary(we) {
            we += 1;
        }
        if we - ws <= WINDOW_BYTES {
            out.push((ws, we));
            continue;
        }
        let mut s = ws;
        let cap = out.len() + MAX_WINDOWS_PER_CLUSTER;
        while s < we && out.len() < max_windows.min(cap) {
            let mut e = (s + WINDOW_BYTES).min(we);
            while e < we && !text.is_char_boundary(e) {
                e += 1;
            }
            out.push((s, e));
            if e >= we {
                break;
            }
            let mut next = s + WINDOW_BYTES / 2;
            while next < we && !text.is_char_boundary(next) {
                next += 1;
            }
            s = next;
        }
    }
    out
}

/// The end of an extension right after a number ("ext 3456", "x3456", "ext. 12", "extension 7", "#12"), else `end`.
fn extension_end(b: &[u8], end: usize) -> usize {
    let mut k = end;
    while b.get(k) == Some(&b' ') && k < end + 2 {
        k += 1;
    }
    let rest = b.get(k..).unwrap_or(&[]);
    let marker = [&b"extension"[..], b"ext.", b"ext", b"x", b"#", b"~", b","]
        .into_iter()
        .find(|m| rest.len() >= m.len() && rest[..m.len()].eq_ignore_ascii_case(m));
    let Some(m) = marker else {
        return end;
    };
    k += m.len();
    while matches!(b.get(k), Some(b' ' | b'.' | b':')) && k < end + 16 {
        k += 1;
    }
    let digits_start = k;
    while b.get(k).is_some_and(u8::is_ascii_digit) && k < digits_start + 7 {
        k += 1;
    }
    if k > digits_start { k } else { end }
}

/// Words that, just before a number, say it is an order, tracking, product, postal or account number.
const NOT_PHONE_BEFORE: &[&str] = &[
    "order",
    "orders",
    "ord",
    "tracking",
    "track",
    "trk",
    "shipment",
    "parcel",
    "package",
    "invoice",
    "inv",
    "receipt",
    "ref",
    "reference",
    "confirmation",
    "conf",
    "transaction",
    "txn",
    "po",
    "sku",
    "model",
    "mdl",
    "part",
    "pn",
    "p/n",
    "serial",
    "sn",
    "s/n",
    "isbn",
    "upc",
    "ean",
    "gtin",
    "asin",
    "item",
    "listing",
    "ad",
    "anuncio",
    "annonce",
    "anzeige",
    "lot",
    "batch",
    "zip",
    "zipcode",
    "postal",
    "postcode",
    "plz",
    "cep",
    "case",
    "ticket",
    "claim",
    "account",
    "acct",
    "iban",
    "routing",
    "card",
    "imei",
    "vin",
    "code",
    "pedido",
    "commande",
    "bestellung",
    "bestellnummer",
    "sendungsnummer",
    "rastreio",
    "rastreamento",
    "seguimiento",
    "encomenda",
    "fedex",
    "ups",
    "usps",
    "dhl",
    "nr",
    "no",
    "nº",
    "id",
    "version",
    "v",
    "firmware",
    "price",
    "cost",
    "total",
    "usd",
    "eur",
    "gbp",
    "cad",
    "aud",
    "mxn",
    "brl",
    "reais",
    "precio",
    "prix",
    "preis",
    "preco",
    "rechnung",
    "factura",
    "facture",
    "fatura",
    "kundennummer",
    "artikel",
    "artikelnummer",
    "referencia",
    "référence",
    "modelo",
    "modele",
    "numero de serie",
    "seriennummer",
];

/// Words that, just before a number, say it is a phone number (they win over the words above when closer).
const PHONE_BEFORE: &[&str] = &[
    "call",
    "text",
    "phone",
    "tel",
    "telephone",
    "cell",
    "mobile",
    "whatsapp",
    "sms",
    "ring",
    "dial",
    "reach",
    "contact",
    "llama",
    "llamame",
    "telefono",
    "celular",
    "movil",
    "appelle",
    "appelez",
    "portable",
    "telefon",
    "handy",
    "anrufen",
    "ligue",
    "liga",
    "celular",
    "zap",
    "me",
];

/// Words and symbols that, just after a number, make it a quantity, a measure or a price.
const NOT_PHONE_AFTER: &[&str] = &[
    "cm", "mm", "m", "km", "in", "inch", "inches", "ft", "feet", "kg", "g", "lb", "lbs", "oz",
    "ml", "l", "pcs", "pieces", "units", "items", "dollars", "usd", "eur", "euros", "gbp", "reais",
    "pesos", "gb", "tb", "mb", "mah", "w", "v", "hz", "mhz", "ghz", "rpm", "px", "dpi", "mp",
    "miles", "km/h", "mph", "calories", "times",
];

/// True when the match at `start..end` of the phone view is something other than a phone number.
fn is_not_a_phone(text: &str, start: usize, end: usize) -> bool {
    let matched = text.get(start..end).unwrap_or("");
    let before = text.get(..start).unwrap_or("");
    let after = text.get(end..).unwrap_or("");

    // A WhatsApp link carries the number itself: "wa.me/14155550172", "api.whatsapp.com/send?phone=...".
    if before.ends_with("wa.me/") || before.ends_with("phone=") {
        return false;
    }
    // Glued to a code: "hx-415-555-0172", "a12/415-555-0172" (but not "my number-415-666-7777").
    let mut b = before.chars().rev();
    if let (Some(p), Some(q)) = (b.next(), b.next()) {
        if matches!(p, '-' | '/' | '_' | '.') && q.is_alphanumeric() {
            let code: Vec<char> = before
                .chars()
                .rev()
                .skip(1)
                .take_while(|c| c.is_alphanumeric())
                .take(8)
                .collect();
            if code.len() <= 3 || code.iter().any(char::is_ascii_digit) {
                return true;
            }
        }
        if matches!(p, '#' | '$' | '€' | '£' | '¥') {
            return true;
        }
    }
    let mut a = after.chars();
    if let (Some(p), Some(q)) = (a.next(), a.next()) {
        if matches!(p, '-' | '/' | '_') && q.is_alphanumeric() {
            return true;
        }
        if p == '.' && q.is_ascii_digit() {
            return true;
        }
    }
    if after.starts_with(['%', '$', '€', '£']) {
        return true;
    }

    // A unit or currency word right after.
    let next_word: String = after
        .trim_start()
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '/')
        .take(12)
        .collect();
    if NOT_PHONE_AFTER.contains(&next_word.as_str()) {
        return true;
    }

    // The words just before: the closest phone word wins over a farther "order"/"tracking" word.
    let words: Vec<&str> = before
        .rsplit(|c: char| !(c.is_alphanumeric() || c == '/' || c == 'º'))
        .filter(|w| !w.is_empty())
        .take(4)
        .collect();
    // A number in international format ("+91 ...") is not vetoed by a word: order and product numbers carry no "+".
    let international = matched.starts_with('+');
    for (k, w) in words.iter().enumerate() {
        // "area code 312 ..." is the start of a phone number.
        if PHONE_BEFORE.contains(w) || (*w == "code" && words.get(k + 1) == Some(&"area")) {
            break;
        }
        // "no", "nr", "id" only mean "number" after a word that names what it numbers ("order no. ..."); alone they
        // are also "on the" in Portuguese ("me liga no ...") and "my no." is a phone number.
        if matches!(*w, "no" | "nr" | "nº" | "id") {
            if words.get(k + 1).is_some_and(|p| {
                NOT_PHONE_BEFORE.contains(p) && !matches!(*p, "no" | "nr" | "nº" | "id")
            }) && !international
            {
                return true;
            }
            continue;
        }
        if NOT_PHONE_BEFORE.contains(w) && !international {
            return true;
        }
    }

    // Product codes: ISBN, UPC, EAN written as one block of digits with a valid check digit.
    let digits: Vec<u8> = matched
        .bytes()
        .filter(u8::is_ascii_digit)
        .map(|b| b - b'0')
        .collect();
    let one_block = matched.bytes().all(|b| b.is_ascii_digit());
    if one_block && matches!(digits.len(), 12..=14) && gtin_check(&digits) {
        return true;
    }
    if is_isbn10(matched) {
        return true;
    }
    // ZIP+4.
    let b = matched.as_bytes();
    if b.len() == 10 && b.get(5) == Some(&b'-') && digits.len() == 9 {
        return true;
    }
    false
}

/// The GS1 mod-10 check digit (UPC-A, EAN-13, GTIN-14).
fn gtin_check(digits: &[u8]) -> bool {
    let Some((&check, body)) = digits.split_last() else {
        return false;
    };
    let sum: u32 = body
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| u32::from(d) * if i % 2 == 0 { 3 } else { 1 })
        .sum();
    (10 - sum % 10) % 10 == u32::from(check)
}

/// An ISBN-10 in its hyphenated form ("0-306-40615-2") with a valid check digit.
fn is_isbn10(s: &str) -> bool {
    if s.split('-').count() != 4 {
        return false;
    }
    let digits: Vec<u32> = s.chars().filter_map(|c| c.to_digit(10)).collect();
    digits.len() == 10
        && digits
            .iter()
            .enumerate()
            .map(|(i, d)| (10 - i as u32) * d)
            .sum::<u32>()
            % 11
            == 0
}
