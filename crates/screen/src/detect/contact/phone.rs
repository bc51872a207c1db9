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
        // No `max_tries`: rlibphonenumber 2.2.15 underflows its try counter when a cap is reached (a panic in debug
        // builds, no cap at all in release). Its scan is linear without one: each candidate is bounded in length.
        let builder = text
            .phone_number_matcher_builder()
            .leniency(Leniency::Valid);
        let region = cx
            .message
            .region
            .and_then(|r| PnRegion::from_code(r.as_str()).ok());
        let builder = match region {
            Some(r) => builder.preferred_region(r),
            // The first region is tried first: a number valid in the US and elsewhere is read as American.
            None => builder.regions_with_hint(
                self.default_regions.iter().copied(),
                self.default_regions.first().copied(),
            ),
        };
        // Defence in depth: the engine must not panic whatever the text, and the matcher is third-party code with
        // arithmetic on offsets. A panic inside it loses this message's phone findings, nothing else.
        let matches = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            builder
                .build_fallible()
                .filter_map(Result::ok)
                .map(|m| (m.start, m.end(), m.number))
                .collect::<Vec<_>>()
        }))
        .unwrap_or_default();
        for (start, end, number) in matches {
            if !text.is_char_boundary(start)
                || !text.is_char_boundary(end)
                || is_not_a_phone(text, start, end)
            {
                continue;
            }
            let (s, e) = view.original_span(start, end, cx.message.text);
            let original = cx.message.text.get(s..e).unwrap_or("");
            let in_view = text.get(start..end).unwrap_or("");
            let e164 = number.format_as(PhoneNumberFormat::E164).into_owned();
            let (rule, explanation) = match cx.phone.rewrite_in(start, end) {
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
    for w in &words {
        if PHONE_BEFORE.contains(w) {
            break;
        }
        if NOT_PHONE_BEFORE.contains(w) {
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
