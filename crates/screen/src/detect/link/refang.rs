//! Re-fanging: "hxxps://evil[.]com", "evil(dot)com", "evil dot com" back to "https://evil.com", with a byte map
//! from the re-fanged text to the original so that findings point into the original text.

use std::borrow::Cow;

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};

use crate::ConfigError;

/// `(defanged form, re-fanged form)`. ASCII case is ignored when matching.
const FORMS: &[(&str, &str)] = &[
    ("hxxp", "http"),
    ("hxxps", "https"),
    ("h**p", "http"),
    ("h**ps", "https"),
    ("[.]", "."),
    ("(.)", "."),
    ("{.}", "."),
    ("[dot]", "."),
    ("(dot)", "."),
    ("{dot}", "."),
    (" [.] ", "."),
    (" (.) ", "."),
    (" [dot] ", "."),
    (" (dot) ", "."),
    (" {dot} ", "."),
    (" dot ", "."),
    ("[:]", ":"),
    ("[://]", "://"),
    ("[/]", "/"),
];

/// `" dot "` only re-fangs before one of these: elsewhere it is the word ("polka dot dress").
const SPELLED_TLDS: &[&str] = &[
    "com", "net", "org", "info", "biz", "io", "co", "me", "xyz", "ru", "de", "uk", "fr", "es",
    "br", "pt", "it", "nl", "eu", "us", "ca", "au", "in", "cn", "shop", "store", "online", "site",
    "top", "app", "ly", "gl", "tk", "ml", "ga", "cf", "gq", "cc", "tv", "live", "club", "link",
    "click", "vip", "icu",
];

#[derive(Debug)]
pub(crate) struct Refanger {
    automaton: AhoCorasick,
}

/// A re-fanged text with its map back to the original.
pub(crate) struct Refanged<'a> {
    text: Cow<'a, str>,
    /// Empty when nothing was re-fanged; else `map[i]` is the original offset of re-fanged byte `i` (one more
    /// entry for the end).
    map: Vec<usize>,
    /// Re-fanged byte ranges that were rewritten.
    touched: Vec<(usize, usize)>,
    original_len: usize,
}

impl Refanger {
    pub fn new() -> Result<Self, ConfigError> {
        let automaton = AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::LeftmostLongest)
            .kind(Some(AhoCorasickKind::DFA))
            .build(FORMS.iter().map(|(d, _)| d))
            .map_err(|e| ConfigError::Build {
                detector: "link.phishing",
                reason: e.to_string(),
            })?;
        Ok(Refanger { automaton })
    }

    pub fn may_apply(&self, text: &str) -> bool {
        self.automaton.is_match(text)
    }

    pub fn apply<'a>(&self, original: &'a str) -> Refanged<'a> {
        let mut text = String::new();
        let mut map = Vec::new();
        let mut touched = Vec::new();
        let mut pos = 0;
        for m in self.automaton.find_iter(original) {
            let Some(&(defanged, refanged)) = FORMS.get(m.pattern().as_usize()) else {
                continue;
            };
            if defanged == " dot " && !spelled_dot_is_link(original, m.start(), m.end()) {
                continue;
            }
            if text.is_empty() && map.is_empty() {
                text.reserve(original.len());
                map.reserve(original.len() + 1);
            }
            let kept = original.get(pos..m.start()).unwrap_or("");
            map.extend(pos..m.start());
            text.push_str(kept);
            let at = text.len();
            text.push_str(refanged);
            map.extend(std::iter::repeat_n(m.start(), refanged.len()));
            touched.push((at, text.len()));
            pos = m.end();
        }
        if touched.is_empty() {
            return Refanged {
                text: Cow::Borrowed(original),
                map: Vec::new(),
                touched,
                original_len: original.len(),
            };
        }
        text.push_str(original.get(pos..).unwrap_or(""));
        map.extend(pos..=original.len());
        Refanged {
            text: Cow::Owned(text),
            map,
            touched,
            original_len: original.len(),
        }
    }
}

/// " dot " between a letter or digit and a common top-level domain that ends a word.
fn spelled_dot_is_link(text: &str, start: usize, end: usize) -> bool {
    let before_ok = text
        .get(..start)
        .and_then(|s| s.chars().next_back())
        .is_some_and(char::is_alphanumeric);
    let after = text.get(end..).unwrap_or("");
    let word_len = after.bytes().take_while(u8::is_ascii_alphabetic).count();
    let word = after.get(..word_len).unwrap_or("").to_ascii_lowercase();
    let ends = after
        .get(word_len..)
        .and_then(|s| s.chars().next())
        .is_none_or(|c| !c.is_alphanumeric());
    before_ok && ends && SPELLED_TLDS.contains(&word.as_str())
}

impl Refanged<'_> {
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The original byte span of re-fanged bytes `start..end`.
    pub fn original_span(&self, start: usize, end: usize) -> (usize, usize) {
        if self.map.is_empty() {
            return (start, end);
        }
        let s = self.map.get(start).copied().unwrap_or(self.original_len);
        let e = self.map.get(end).copied().unwrap_or(self.original_len);
        (s, e.max(s))
    }

    /// True when any rewritten range overlaps `start..end`.
    pub fn touched(&self, start: usize, end: usize) -> bool {
        self.touched.iter().any(|&(s, e)| s < end && start < e)
    }
}
