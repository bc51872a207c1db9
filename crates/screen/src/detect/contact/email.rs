//! `contact.email`: addresses as written ("jo@x.com"), spaced out or with look-alike characters (read in the compact
//! view: "j o @ x . c o m", fullwidth "＠"), spelled ("jo at gmail dot com", "jo(at)outlook(dot)com", "jo [at] x
//! [dot] de") and given by provider ("jo.smith on gmail", "my gmail is jo.smith").

use regex::Regex;

use crate::detect::Context;
use crate::{Category, ConfigError, Finding};

#[derive(Debug)]
pub(super) struct EmailFinder {
    plain: Regex,
    spelled: Regex,
    on_provider: Regex,
    my_provider: Regex,
    label: Regex,
}

const LOCAL: &str = r"[a-z0-9][a-z0-9._%+\-]{0,63}";
const LABEL: &str = r"[a-z0-9](?:[a-z0-9\-]{0,62}[a-z0-9])?";
/// The top-level domains accepted after a spelled "dot": the common ones, so "see you at home dot" is not an address.
const TLDS: &str = "com|net|org|edu|gov|io|co|me|info|biz|us|uk|ca|de|fr|es|it|nl|be|ch|at|br|pt|mx|ar|cl|co|pe|au|\
                    nz|in|ie|ru|pl|se|no|dk|fi|jp|cn|eu|app|dev|xyz|online|email|mail|live";
const PROVIDERS: &str =
    "gmail|googlemail|hotmail|outlook|yahoo|icloud|protonmail|proton|aol|gmx|yandex|live|msn";

/// Words that are not the local part of an address in "X at Y dot com" or "X on gmail".
const STOPWORDS: &[&str] = &[
    "i",
    "im",
    "me",
    "my",
    "you",
    "your",
    "him",
    "her",
    "us",
    "them",
    "it",
    "is",
    "am",
    "are",
    "was",
    "be",
    "we",
    "they",
    "he",
    "she",
    "look",
    "looking",
    "here",
    "there",
    "home",
    "work",
    "store",
    "shop",
    "buy",
    "bought",
    "sell",
    "sold",
    "listed",
    "available",
    "found",
    "find",
    "check",
    "see",
    "seen",
    "order",
    "ordered",
    "cheaper",
    "price",
    "sale",
    "deal",
    "only",
    "also",
    "just",
    "not",
    "yes",
    "no",
    "now",
    "online",
    "this",
    "that",
    "one",
    "item",
    "message",
    "email",
    "mail",
    "contact",
    "write",
    "reach",
    "text",
    "and",
    "or",
    "the",
    "a",
    "an",
    "to",
    "on",
    "at",
    "active",
    "available",
    "everything",
    "stuff",
    "things",
    "listing",
    "selling",
    "cheap",
    "already",
    "still",
    "yo",
    "tu",
    "el",
    "ella",
    "moi",
    "toi",
    "ich",
    "du",
    "eu",
    "voce",
];

/// Words before an address that say an address follows ("email me at ...").
const CUES: &[&str] = &[
    "email",
    "e-mail",
    "mail",
    "correo",
    "courriel",
    "contact",
    "write",
    "reach",
    "escribe",
    "escribeme",
    "ecris",
    "ecrivez",
    "schreib",
    "schreiben",
    "escreve",
    "me",
    "my",
    "mi",
    "mon",
    "mein",
    "meu",
    "minha",
    "is",
    "es",
    "est",
    "ist",
];

fn provider_domain(p: &str) -> &'static str {
    match p {
        "gmail" | "googlemail" => "gmail.com",
        "hotmail" => "hotmail.com",
        "outlook" => "outlook.com",
        "yahoo" => "yahoo.com",
        "icloud" => "icloud.com",
        "protonmail" | "proton" => "protonmail.com",
        "aol" => "aol.com",
        "gmx" => "gmx.com",
        "yandex" => "yandex.com",
        "live" => "live.com",
        _ => "msn.com",
    }
}

fn build(re: &str) -> Result<Regex, ConfigError> {
    Regex::new(re).map_err(|e| ConfigError::Build {
        detector: "contact.email",
        reason: e.to_string(),
    })
}

impl EmailFinder {
    pub fn new() -> Result<Self, ConfigError> {
        let at = r"(?:\s*[\(\[\{<]\s*(?:at|arroba|arobase|@)\s*[\)\]\}>]\s*|\s+(?:at|arroba|arobase|chez)\s+|\s*@\s*)";
        let dot = r"(?:\s*[\(\[\{<]\s*(?:dot|punto|point|punkt|ponto|\.)\s*[\)\]\}>]\s*|\s+(?:dot|punto|point|punkt|ponto)\s+|\s*\.\s*)";
        Ok(EmailFinder {
            plain: build(&format!(r"{LOCAL}@{LABEL}(?:\.{LABEL})*\.[a-z]{{2,24}}"))?,
            spelled: build(&format!(
                r"(?P<local>{LOCAL})(?P<at>{at})(?P<domain>{LABEL}(?:{dot}{LABEL}){{0,3}}?{dot}(?:{TLDS}))"
            ))?,
            on_provider: build(&format!(
                r"(?P<local>[a-z0-9][a-z0-9._\-]{{1,63}})\s+(?:on|at|en|sur|auf|no|na|em|in|via|@)\s+(?P<prov>{PROVIDERS})"
            ))?,
            my_provider: build(&format!(
                r"(?:my|mi|mon|mein|meu|minha)\s+(?P<prov>{PROVIDERS})\s*(?:is|es|est|ist|e|:|=)?\s*(?P<local>[a-z0-9][a-z0-9._\-]{{2,63}})"
            ))?,
            label: build(LABEL)?,
        })
    }

    pub fn find(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let view = &cx.compact;
        let text = view.text.as_str();
        if !text.contains(['@', 'a', 'o', 'g', 'h']) {
            return;
        }
        let mut taken: Vec<(usize, usize)> = Vec::new();
        let mut push = |s: usize,
                        e: usize,
                        addr: String,
                        rule: &'static str,
                        taken: &mut Vec<(usize, usize)>| {
            if taken.iter().any(|&(a, b)| s < b && a < e) {
                return;
            }
            taken.push((s, e));
            let explanation = format!(
                "An email address ({addr}) is shared. Contact details let the other party reach you off the \
                 platform, where you are not protected."
            );
            out.push(cx.finding_from_view(
                view,
                Category::ContactEmail,
                s,
                e,
                Some(addr),
                rule,
                explanation,
            ));
        };

        if text.contains('@') {
            for m in self.plain.find_iter(text) {
                if !starts_clean(text, m.start())
                    || text.get(..m.start()).is_some_and(|b| b.ends_with("://"))
                {
                    continue;
                }
                let (os, oe) = view.original_span(m.start(), m.end(), cx.message.text);
                let original = cx.message.text.get(os..oe).unwrap_or("");
                let rule = if original.eq_ignore_ascii_case(m.as_str()) {
                    "email.address"
                } else {
                    "email.obfuscated"
                };
                push(m.start(), m.end(), m.as_str().to_string(), rule, &mut taken);
            }
        }
        for c in self.spelled.captures_iter(text) {
            let (Some(all), Some(local), Some(at), Some(domain)) =
                (c.get(0), c.name("local"), c.name("at"), c.name("domain"))
            else {
                continue;
            };
            if !starts_clean(text, all.start()) {
                continue;
            }
            let labels: Vec<&str> = self
                .label
                .find_iter(domain.as_str())
                .map(|m| m.as_str())
                .filter(|l| !matches!(*l, "dot" | "punto" | "point" | "punkt" | "ponto"))
                .collect();
            let Some(first) = labels.first() else {
                continue;
            };
            let word_at = !at.as_str().contains(['(', '[', '{', '<', '@']);
            if word_at {
                let known = PROVIDERS.split('|').any(|p| p == *first);
                let handle_like = local
                    .as_str()
                    .contains(|ch: char| ch.is_ascii_digit() || ch == '.' || ch == '_');
                if STOPWORDS.contains(&local.as_str())
                    || !(known || handle_like || has_cue(text, all.start()))
                {
                    continue;
                }
            }
            let addr = format!("{}@{}", local.as_str(), labels.join("."));
            push(all.start(), all.end(), addr, "email.spelled", &mut taken);
        }
        for c in self.on_provider.captures_iter(text) {
            let (Some(all), Some(local), Some(prov)) = (c.get(0), c.name("local"), c.name("prov"))
            else {
                continue;
            };
            if !starts_clean(text, all.start())
                || !ends_clean(text, all.end())
                || STOPWORDS.contains(&local.as_str())
            {
                continue;
            }
            let handle_like = local
                .as_str()
                .contains(|ch: char| ch.is_ascii_digit() || ch == '.' || ch == '_');
            if !(handle_like || has_cue(text, all.start())) {
                continue;
            }
            let addr = format!("{}@{}", local.as_str(), provider_domain(prov.as_str()));
            push(all.start(), all.end(), addr, "email.provider", &mut taken);
        }
        for c in self.my_provider.captures_iter(text) {
            let (Some(all), Some(local), Some(prov)) = (c.get(0), c.name("local"), c.name("prov"))
            else {
                continue;
            };
            if !starts_clean(text, all.start()) || STOPWORDS.contains(&local.as_str()) {
                continue;
            }
            let local = local.as_str().trim_end_matches(['.', '-']);
            if local.len() < 3
                || matches!(local, "account" | "address" | "adress" | "inbox" | "app")
            {
                continue;
            }
            let addr = format!("{local}@{}", provider_domain(prov.as_str()));
            push(all.start(), all.end(), addr, "email.provider", &mut taken);
        }
    }
}

/// The match starts a word: the character before it cannot belong to an address.
fn starts_clean(text: &str, start: usize) -> bool {
    !text
        .get(..start)
        .and_then(|b| b.chars().next_back())
        .is_some_and(|c| {
            c.is_alphanumeric() || matches!(c, '.' | '_' | '%' | '+' | '-' | '\'' | '’')
        })
}

fn ends_clean(text: &str, end: usize) -> bool {
    !text
        .get(end..)
        .and_then(|a| a.chars().next())
        .is_some_and(|c| c.is_alphanumeric())
}

/// A word that announces an address appears among the three words before `start`.
fn has_cue(text: &str, start: usize) -> bool {
    text.get(..start)
        .unwrap_or("")
        .rsplit(|c: char| !(c.is_alphanumeric() || c == '-'))
        .filter(|w| !w.is_empty())
        .take(3)
        .any(|w| CUES.contains(&w))
}
