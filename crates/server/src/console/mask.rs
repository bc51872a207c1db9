//! Personal data stays masked on console pages until the investigator reveals it with a reason (written to the
//! audit log as `console.reveal_personal_data`). Screening findings are highlighted with `<mark>`; a finding
//! that carries data (a phone number, an email address, a handle, payment details, a link) shows only its
//! category while masked.

use maud::{Markup, PreEscaped, html};
use messaging::StoredFinding;

/// Whether the page shows personal data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reveal {
    Masked,
    Shown,
}

/// What a masked finding of `category` shows, or `None` when the finding carries no data (a request, pressure).
fn mask_label(category: &str) -> Option<&'static str> {
    let label = screen::Category::parse(category).ok()?.redaction_label()?;
    // The screening labels say "removed"; here the data exists and is only hidden.
    Some(match label {
        "[phone number removed]" => "[phone number hidden]",
        "[email address removed]" => "[email address hidden]",
        "[contact handle removed]" => "[contact handle hidden]",
        "[payment details removed]" => "[payment details hidden]",
        "[link removed]" => "[link hidden]",
        _ => "[hidden]",
    })
}

/// A message's original text with each finding wrapped in `<mark>` (its category and explanation in `title`),
/// data-carrying findings masked unless `reveal` is `Shown`. Overlapping findings are merged into one mark.
pub fn highlight(text: &str, findings: &[StoredFinding], reveal: Reveal) -> Markup {
    let mut spans: Vec<&StoredFinding> = findings
        .iter()
        .filter(|f| {
            f.start < f.end
                && f.end <= text.len()
                && text.is_char_boundary(f.start)
                && text.is_char_boundary(f.end)
        })
        .collect();
    spans.sort_by_key(|f| (f.start, std::cmp::Reverse(f.end)));
    let mut out = String::with_capacity(text.len() + 64);
    let mut pos = 0;
    let mut i = 0;
    while i < spans.len() {
        let first = spans[i];
        let (start, mut end) = (first.start, first.end);
        let mut group = vec![first];
        i += 1;
        while i < spans.len() && spans[i].start < end {
            end = end.max(spans[i].end);
            group.push(spans[i]);
            i += 1;
        }
        if start < pos {
            continue;
        }
        out.push_str(&escape(text.get(pos..start).unwrap_or("")));
        let title: Vec<String> = group
            .iter()
            .map(|f| format!("{}: {}", f.category, f.explanation))
            .collect();
        let masked = group.iter().find_map(|f| mask_label(&f.category));
        let inner = match (reveal, masked) {
            (Reveal::Masked, Some(label)) => html! { span.masked { (label) } },
            _ => html! { (text.get(start..end).unwrap_or("")) },
        };
        out.push_str(
            &html! {
                mark title=(title.join("; ")) data-category=(first.category) { (inner) }
            }
            .into_string(),
        );
        pos = end;
    }
    out.push_str(&escape(text.get(pos..).unwrap_or("")));
    PreEscaped(out)
}

fn escape(s: &str) -> String {
    html! { (s) }.into_string()
}

/// An email address while masked: its first character and the domain's last label (`a•••@•••.com`).
pub fn email(e: &str, reveal: Reveal) -> String {
    if reveal == Reveal::Shown {
        return e.to_string();
    }
    let (local, domain) = e.split_once('@').unwrap_or((e, ""));
    let first: String = local.chars().take(1).collect();
    let tld = domain.rsplit('.').next().unwrap_or("");
    format!("{first}•••@•••.{tld}")
}

/// A phone number while masked: its last two digits.
pub fn phone(p: &str, reveal: Reveal) -> String {
    if reveal == Reveal::Shown {
        return p.to_string();
    }
    let digits: Vec<char> = p.chars().filter(char::is_ascii_digit).collect();
    let tail: String = digits[digits.len().saturating_sub(2)..].iter().collect();
    format!("•••••••{tail}")
}

/// A shipping address (JSON text as the marketplace sent it) while masked: only its country, when it has one.
pub fn address(json: &str, reveal: Reveal) -> String {
    if reveal == Reveal::Shown {
        return match serde_json::from_str::<serde_json::Value>(json) {
            Ok(serde_json::Value::Object(m)) => m
                .iter()
                .filter_map(|(k, v)| v.as_str().map(|s| format!("{k}: {s}")))
                .collect::<Vec<_>>()
                .join(", "),
            _ => json.to_string(),
        };
    }
    let country = serde_json::from_str::<serde_json::Value>(json)
        .ok()
        .and_then(|v| {
            v.get("country")
                .and_then(|c| c.as_str())
                .map(str::to_string)
        });
    match country {
        Some(c) => format!("[address hidden] ({c})"),
        None => "[address hidden]".into(),
    }
}

#[cfg(test)]
mod tests;
