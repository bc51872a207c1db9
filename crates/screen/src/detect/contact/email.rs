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
    provider_then_name: Regex,
    same_name: Regex,
    word: Regex,
    provider_word: Regex,
    label: Regex,
}

const LOCAL: &str = r"[a-z0-9][a-z0-9._%+\-]{0,63}";
const LABEL: &str = r"[a-z0-9](?:[a-z0-9\-]{0,62}[a-z0-9])?";
/// The top-level domains accepted after a spelled "dot": the common country codes and the generic ones small sellers
/// use for their shops, so "see you at home dot" is not an address.
const TLDS: &str = "com|net|org|edu|gov|io|co|me|info|biz|us|uk|ca|de|fr|es|it|nl|be|ch|at|br|pt|mx|ar|cl|co|pe|au|\
                    nz|in|ie|ru|pl|se|no|dk|fi|jp|cn|eu|app|dev|xyz|online|email|mail|live|shop|store|site|tech|\
                    design|art|blog|club|cloud|page|pro|life|world|space|digital|top|fun|market|boutique";
const PROVIDERS: &str =
    "gmail|googlemail|hotmail|outlook|yahoo|icloud|protonmail|proton|aol|gmx|yandex|live|msn";
/// Mail providers as people write them in prose: split ("g mail", "hot mail"), spelled out ("google mail", "gee
/// mail", "yahoo mail") or as the product name. Read back with [`provider_domain`] after removing spaces.
const PROVIDER_WORDS: &str = r"(?:g|gee|google)\s?mail|gmail|googlemail|hot\s?mail|yahoo(?:\s?mail)?|ymail|outlook|icloud|i\s?cloud|proton\s?mail|proton|aol|gmx|yandex|web\.de|t-online|laposte|libero";
/// Filler words people put between "at" and a provider: "at the usual google mail", "on the big google mail service".
const FILLERS: &str =
    r"(?:(?:the|my|usual|old|good|big|same|regular|normal|microsoft|google|yahoo|apple)\s+){0,3}";
/// Providers that are also ordinary words ("the outlook is good", "live on air", "free shipping"): accepted only where
/// the grammar already says an address is meant.
const AMBIGUOUS_PROVIDERS: &[&str] = &["outlook"];

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

/// The first `STRONG_CUES` of [`CUES`] say by themselves that an address follows.
const STRONG_CUES: usize = 15;

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
    let p: String = p.chars().filter(|c| !c.is_whitespace()).collect();
    match p.as_str() {
        "gmail" | "googlemail" | "geemail" => "gmail.com",
        "hotmail" => "hotmail.com",
        "outlook" => "outlook.com",
        "yahoo" | "yahoomail" | "ymail" => "yahoo.com",
        "icloud" => "icloud.com",
        "protonmail" | "proton" => "protonmail.com",
        "aol" => "aol.com",
        "gmx" => "gmx.com",
        "yandex" => "yandex.com",
        "live" => "live.com",
        "web.de" => "web.de",
        "t-online" => "t-online.de",
        "laposte" => "laposte.net",
        "libero" => "libero.it",
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
        // "at" and "dot" as people disguise them: "(at)", "[at]", "{at}", "<at>", "-at-", "_at_", " at ", "@".
        let at = r"(?:\s*[\(\[\{<]\s*(?:at|arroba|arobase|@)\s*[\)\]\}>]\s*|\s*[-_]\s*(?:at|arroba|arobase)\s*[-_]\s*|\s+(?:at|arroba|arobase|chez)\s+|\s*@\s*)";
        let dot = r"(?:\s*[\(\[\{<]\s*(?:dot|punto|point|punkt|ponto|\.)\s*[\)\]\}>]\s*|\s*[-_]\s*(?:dot|punto|point|punkt|ponto)\s*[-_]\s*|\s+(?:dot|punto|point|punkt|ponto)\s+|\s*\.\s*)";
        // "at" written so that only an address can be meant: bracketed, dashed or the sign itself.
        let marked_at = r"(?:\s*[\(\[\{<]\s*(?:at|arroba|arobase|@)\s*[\)\]\}>]\s*|\s*[-_]\s*(?:at|arroba|arobase)\s*[-_]\s*|\s*@\s*)";
        let handle_local = r"[a-z][a-z0-9._\-]{1,63}";
        Ok(EmailFinder {
            plain: build(&format!(r"{LOCAL}@{LABEL}(?:\.{LABEL})*\.[a-z]{{2,24}}"))?,
            // The domain: labels joined by dots, a common top-level domain, and a second one for "co dot uk".
            spelled: build(&format!(
                r"(?P<local>{LOCAL})(?P<at>{at})(?P<domain>{LABEL}(?:{dot}{LABEL}){{0,3}}?{dot}(?:{TLDS})(?:{dot}(?:uk|au|nz|br|jp|za|in|mx|ar|tr|il|kr))?)\b"
            ))?,
            on_provider: build(&format!(
                r"(?P<local>[a-z0-9][a-z0-9._\-]{{1,63}})(?:\s+(?:on|at|en|sur|auf|no|na|em|in|via|@|chez)\s+{FILLERS}|{marked_at})(?P<prov>{PROVIDER_WORDS}|live|msn)\b"
            ))?,
            my_provider: build(&format!(
                r"(?:my|mi|mon|mein|meu|minha)\s+(?P<prov>{PROVIDERS})\s*(?P<sep>is|es|est|ist|e|:|=)?\s*(?P<local>[a-z0-9][a-z0-9._\-]{{2,63}})"
            ))?,
            // The provider first, then the name: "find me on hotmail, it's kev.oconnor".
            provider_then_name: build(&format!(
                r"\b(?:on|at|en|sur|auf|no|na|em|via|use|using)\s+{FILLERS}(?P<prov>{PROVIDER_WORDS})(?:\s+(?:account|address|mail))?\s*[,:\-–—]\s*(?:(?:it's|its|it is|i'm|im|as|username|user|name|c'est|es|ist|e)\s+){{0,2}}(?P<local>{handle_local})"
            ))?,
            // The address described as the user's name here: "same username as here but at hotmail", "my username
            // here @ yahoo", "my first name + last name with a dot, at gmail".
            same_name: build(&format!(
                r"\b(?:(?:the\s+)?same\s+(?:user\s?name|handle|name|nick(?:name)?|id)|(?:my|this|the)\s+(?:user\s?name|handle|nick(?:name)?|screen\s?name|profile\s?name)|(?:my\s+)?first\s?name\s*(?:\+|and|&|plus|dot|\.)\s*(?:my\s+)?(?:last\s?name|surname))\b[^.!?\n]{{0,60}}?(?:\s(?:at|on|en|sur|auf|no|na|em)\s+{FILLERS}|@\s*(?:\+\s*)?)(?P<prov>{PROVIDER_WORDS})\b"
            ))?,
            word: build(r"[a-z0-9@][a-z0-9._\-@]*")?,
            provider_word: build(&format!(r"^(?:{PROVIDER_WORDS})$"))?,
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
                if !starts_clean(text, m.start()) || in_url_authority(text, m.start(), m.as_str()) {
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
        // "at" in some form is part of every spelled address: most messages have none, so skip the regex cheaply.
        let spelled = has_at_word(text).then(|| self.spelled.captures_iter(text));
        for c in spelled.into_iter().flatten() {
            let (Some(all), Some(local), Some(at), Some(domain)) =
                (c.get(0), c.name("local"), c.name("at"), c.name("domain"))
            else {
                continue;
            };
            if !starts_clean(text, all.start())
                || in_url_authority(text, all.start(), local.as_str())
            {
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
            let word_at = !at.as_str().contains(['(', '[', '{', '<', '@', '-', '_']);
            if word_at {
                let known = PROVIDERS.split('|').any(|p| p == *first);
                let handle_like = local
                    .as_str()
                    .contains(|ch: char| ch.is_ascii_digit() || ch == '.' || ch == '_');
                // "dot com" spelled out is said of addresses, and of little else: the name opening its sentence is
                // enough ("tom at tomsbikes dot co dot uk"). With literal dots ("in escrow at site-escrow.org") a
                // word that announces an address must stand before it.
                let spelled_dot = domain.as_str().matches('.').count() + 1 < labels.len();
                let cue = if spelled_dot {
                    has_cue(text, all.start()) || clause_start(text, all.start())
                } else {
                    has_strong_cue(text, all.start())
                };
                if STOPWORDS.contains(&local.as_str()) || !(known || handle_like || cue) {
                    continue;
                }
            }
            let addr = format!("{}@{}", local.as_str(), labels.join("."));
            push(all.start(), all.end(), addr, "email.spelled", &mut taken);
        }
        // The remaining rules all need a mail provider named: most messages name none, so skip them cheaply.
        const PROVIDER_HINTS: &[&str] = &[
            "mail", "yahoo", "outlook", "cloud", "proton", "aol", "gmx", "yandex", "web.de",
            "t-online", "live", "msn", "libero", "laposte",
        ];
        if !PROVIDER_HINTS.iter().any(|h| text.contains(h)) {
            return;
        }
        for c in self.on_provider.captures_iter(text) {
            let (Some(all), Some(local), Some(prov)) = (c.get(0), c.name("local"), c.name("prov"))
            else {
                continue;
            };
            if !starts_clean(text, all.start())
                || !ends_clean(text, all.end())
                || STOPWORDS.contains(&local.as_str())
                || ADVERBS.contains(&local.as_str())
            {
                continue;
            }
            let marked = all.as_str().contains(['@', '(', '[', '{', '<']);
            let handle_like = local
                .as_str()
                .contains(|ch: char| ch.is_ascii_digit() || ch == '.' || ch == '_');
            // "I'm rachelmoss on gmail": the writer naming themself.
            let self_named = text.get(..all.start()).is_some_and(|b| {
                ends_with_any(
                    b.trim_end(),
                    &[
                        "i'm", "im", "i am", "i’m", "soy", "je suis", "ich bin", "sou",
                    ],
                )
            });
            if !(marked || handle_like || self_named || has_cue(text, all.start())) {
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
            // "my gmail is jo.smith", "my gmail: jo"; without "is" only a mailbox-like name ("check my gmail for it").
            if c.name("sep").is_none() && !is_handle_like(local) {
                continue;
            }
            if local.len() < 3
                || matches!(local, "account" | "address" | "adress" | "inbox" | "app")
            {
                continue;
            }
            let addr = format!("{local}@{}", provider_domain(prov.as_str()));
            push(all.start(), all.end(), addr, "email.provider", &mut taken);
        }
        for c in self.provider_then_name.captures_iter(text) {
            let (Some(all), Some(local), Some(prov)) = (c.get(0), c.name("local"), c.name("prov"))
            else {
                continue;
            };
            let local = local.as_str().trim_end_matches(['.', '-', '_']);
            if !ends_clean(text, all.end()) || !is_handle_like(local) || looks_like_domain(local) {
                continue;
            }
            let addr = format!("{local}@{}", provider_domain(prov.as_str()));
            push(all.start(), all.end(), addr, "email.provider", &mut taken);
        }
        for c in self.same_name.captures_iter(text) {
            let (Some(all), Some(prov)) = (c.get(0), c.name("prov")) else {
                continue;
            };
            let addr = format!("(the sender's username)@{}", provider_domain(prov.as_str()));
            push(all.start(), all.end(), addr, "email.described", &mut taken);
        }
        self.find_near_provider(text, &mut |s, e, addr| {
            push(s, e, addr, "email.described", &mut taken)
        });
    }

    /// A name that looks like a mailbox ("hollis.furniture", "lauren.pike22") and a mail provider in the same sentence,
    /// a few words apart, where the sentence speaks of mail ("mail: hollis.furniture - it's a gmail", "brianne.t and
    /// it's a yahoo account", "just add gmail to my name: lauren.pike22").
    fn find_near_provider(&self, text: &str, push: &mut dyn FnMut(usize, usize, String)) {
        const WINDOW: usize = 10;
        for (sent_start, sentence) in sentences(text) {
            let words: Vec<regex::Match<'_>> = self.word.find_iter(sentence).collect();
            // "outlook" is also a plain word: it counts where the sentence says "mail" itself.
            let says_mail = words
                .iter()
                .any(|w| matches!(w.as_str(), "mail" | "email" | "e-mail" | "address"));
            let providers: Vec<usize> = words
                .iter()
                .enumerate()
                .filter(|(_, w)| {
                    let w = w.as_str();
                    self.provider_word.is_match(w)
                        && (says_mail || !AMBIGUOUS_PROVIDERS.contains(&w))
                })
                .map(|(i, _)| i)
                .collect();
            if providers.is_empty() {
                continue;
            }
            let mail_cue = words.iter().any(|w| {
                matches!(
                    w.as_str(),
                    "mail"
                        | "email"
                        | "e-mail"
                        | "address"
                        | "account"
                        | "@"
                        | "add"
                        | "correo"
                        | "courriel"
                        | "adresse"
                        | "endereco"
                        | "sign"
                        | "inbox"
                )
            }) || sentence.contains(" @ ")
                || sentence.contains("at sign");
            if !mail_cue {
                continue;
            }
            for (i, w) in words.iter().enumerate() {
                let local = w.as_str().trim_end_matches(['.', '-', '_']);
                if !is_handle_like(local) || looks_like_domain(local) || local.contains('@') {
                    continue;
                }
                let Some(&p) = providers.iter().find(|&&p| p.abs_diff(i) <= WINDOW) else {
                    continue;
                };
                let (Some(a), Some(b), Some(pw)) =
                    (words.get(i.min(p)), words.get(i.max(p)), words.get(p))
                else {
                    continue;
                };
                let addr = format!("{local}@{}", provider_domain(pw.as_str()));
                push(sent_start + a.start(), sent_start + b.end(), addr);
            }
        }
    }
}

/// Adverbs that stand where a name would in "I'm X on gmail" ("I'm mostly on gmail").
const ADVERBS: &[&str] = &[
    "always",
    "mostly",
    "usually",
    "also",
    "never",
    "rarely",
    "mainly",
    "often",
    "sometimes",
    "busy",
    "reachable",
    "active",
    "too",
    "still",
    "really",
];

/// A mailbox name: starts with a letter, has at least three letters, and a dot, underscore or digit joining its
/// parts ("hollis.furniture", "lauren.pike22", "brianne.t"), not a plain word, a number or an abbreviation ("e.g").
fn is_handle_like(w: &str) -> bool {
    let letters = w.chars().filter(char::is_ascii_alphabetic).count();
    let Some(first) = w.chars().next() else {
        return false;
    };
    let joined = w.char_indices().any(|(i, c)| {
        matches!(c, '.' | '_')
            && i > 0
            && w.get(i + 1..)
                .is_some_and(|r| r.starts_with(|n: char| n.is_ascii_alphanumeric()))
    }) || (w.chars().any(|c| c.is_ascii_digit()) && letters >= 4);
    first.is_ascii_alphabetic() && letters >= 4 && joined && !w.contains("..")
}

/// "gmail.com", "site.co.uk", "file.pdf": a dotted word whose last part is a top-level domain or a file type.
fn looks_like_domain(w: &str) -> bool {
    let Some((_, last)) = w.rsplit_once('.') else {
        return false;
    };
    TLDS.split('|').any(|t| t == last)
        || matches!(
            last,
            "pdf"
                | "jpg"
                | "jpeg"
                | "png"
                | "gif"
                | "doc"
                | "docx"
                | "txt"
                | "zip"
                | "mp4"
                | "html"
                | "php"
        )
}

/// The sentences of `text` with their start offsets (split at `.`, `!`, `?` followed by a space, and line breaks).
fn sentences(text: &str) -> Vec<(usize, &str)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let end = match b {
            b'\n' | b'!' | b'?' => true,
            b'.' => bytes.get(i + 1).is_none_or(|n| *n == b' '),
            _ => false,
        };
        if end {
            if let Some(s) = text.get(start..i) {
                out.push((start, s));
            }
            start = i + 1;
        }
    }
    if let Some(s) = text.get(start..) {
        out.push((start, s));
    }
    out
}

fn ends_with_any(s: &str, words: &[&str]) -> bool {
    words.iter().any(|w| {
        s.strip_suffix(w)
            .is_some_and(|b| b.is_empty() || b.ends_with(|c: char| !c.is_alphanumeric()))
    })
}

/// The candidate is the authority of a URL ("https://www.site.com@evil.io"): the link detector's `user@host`
/// trick, not an address.
fn in_url_authority(text: &str, start: usize, local: &str) -> bool {
    text.get(..start).is_some_and(|b| b.ends_with("://"))
        || local.starts_with("www.")
        || looks_like_domain(local.split('@').next().unwrap_or(local))
}

/// The match opens its sentence or clause: nothing but punctuation before it since the last break.
fn clause_start(text: &str, start: usize) -> bool {
    let before = text.get(..start).unwrap_or("").trim_end();
    before.is_empty() || before.ends_with(['.', '!', '?', ':', ',', ';', '\n', '-', '(', '"'])
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

/// A word that says an address follows ("email", "write to", "contact") among the three words before `start`; not
/// the weak cues ("is", "my").
fn has_strong_cue(text: &str, start: usize) -> bool {
    text.get(..start)
        .unwrap_or("")
        .rsplit(|c: char| !(c.is_alphanumeric() || c == '-'))
        .filter(|w| !w.is_empty())
        .take(3)
        .any(|w| CUES.iter().take(STRONG_CUES).any(|c| *c == w))
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

/// True when the text has `@` or one of the words a spelled address uses for it ("at", "arroba", "arobase", "chez"),
/// as a whole word.
fn has_at_word(text: &str) -> bool {
    text.contains('@')
        || text
            .split(|c: char| !c.is_alphanumeric())
            .any(|w| matches!(w, "at" | "arroba" | "arobase" | "chez"))
}
