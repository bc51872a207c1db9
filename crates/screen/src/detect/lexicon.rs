//! Whole-word phrase matching over a normalised text: one Aho-Corasick DFA per lexicon, built once.
//!
//! Phrases are matched as whole words: the characters just before and just after a match must not be letters or
//! digits. Overlapping candidates are all considered, then the longest match wins at each position, so a phrase that
//! fails its word boundary never hides a shorter one that holds.

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};

use crate::ConfigError;

/// A match of a lexicon phrase in the haystack: a byte span and the value the phrase was registered with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct LexMatch<T> {
    pub start: usize,
    pub end: usize,
    pub value: T,
}

#[derive(Debug)]
pub(crate) struct Lexicon<T> {
    automaton: Option<AhoCorasick>,
    values: Vec<T>,
}

impl<T: Copy> Lexicon<T> {
    /// Builds a lexicon from `(phrase, value)` pairs. Each phrase is folded with [`crate::normalize::fold_phrase`]
    /// (lower case, accents and look-alikes removed), the same normal form as the folded, compact and letters views,
    /// so "número" and "numero" are one phrase; empty phrases are ignored.
    pub fn new<S: AsRef<str>>(
        name: &'static str,
        phrases: impl IntoIterator<Item = (S, T)>,
    ) -> Result<Self, ConfigError> {
        let mut patterns = Vec::new();
        let mut values = Vec::new();
        for (p, v) in phrases {
            let p = crate::normalize::fold_phrase(p.as_ref().trim());
            if !p.is_empty() {
                patterns.push(p);
                values.push(v);
            }
        }
        if patterns.is_empty() {
            return Ok(Lexicon {
                automaton: None,
                values,
            });
        }
        let automaton = AhoCorasick::builder()
            .kind(Some(AhoCorasickKind::DFA))
            .match_kind(MatchKind::Standard)
            .build(&patterns)
            .map_err(|e| ConfigError::Build {
                detector: name,
                reason: e.to_string(),
            })?;
        Ok(Lexicon {
            automaton: Some(automaton),
            values,
        })
    }

    /// Every whole-word match, leftmost first; at one start the longest wins; matches do not overlap.
    pub fn find(&self, haystack: &str) -> Vec<LexMatch<T>> {
        let Some(ac) = &self.automaton else {
            return Vec::new();
        };
        let mut all: Vec<LexMatch<T>> = ac
            .find_overlapping_iter(haystack)
            .filter(|m| is_word_boundary(haystack, m.start(), m.end()))
            .filter_map(|m| {
                self.values
                    .get(m.pattern().as_usize())
                    .map(|&value| LexMatch {
                        start: m.start(),
                        end: m.end(),
                        value,
                    })
            })
            .collect();
        all.sort_by_key(|m| (m.start, std::cmp::Reverse(m.end)));
        let mut out: Vec<LexMatch<T>> = Vec::with_capacity(all.len());
        for m in all {
            if out.last().is_none_or(|last| m.start >= last.end) {
                out.push(m);
            }
        }
        out
    }
}

/// True when `start..end` is not glued to a letter or digit on either side.
pub(crate) fn is_word_boundary(haystack: &str, start: usize, end: usize) -> bool {
    let before = haystack.get(..start).and_then(|s| s.chars().next_back());
    let after = haystack.get(end..).and_then(|s| s.chars().next());
    let first = haystack.get(start..).and_then(|s| s.chars().next());
    let last = haystack.get(..end).and_then(|s| s.chars().next_back());
    // A phrase that itself starts or ends with a non-word character (" @", "$") needs no boundary on that side.
    let glued = |outer: Option<char>, inner: Option<char>| matches!((outer, inner), (Some(o), Some(i)) if o.is_alphanumeric() && i.is_alphanumeric());
    !glued(before, first) && !glued(after, last)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(phrases: &[&str], haystack: &str, expected: &[&str]) {
        let lex = Lexicon::new("test", phrases.iter().map(|p| (*p, ()))).unwrap();
        let found: Vec<&str> = lex
            .find(haystack)
            .iter()
            .map(|m| &haystack[m.start..m.end])
            .collect();
        assert_eq!(found, expected, "in {haystack:?}");
    }

    #[test]
    fn matches_whole_words_only() {
        check(&["pay"], "paypal and pay", &["pay"]);
        check(&["zelle"], "zelle me", &["zelle"]);
        check(&["zelle"], "gazelle", &[]);
    }

    #[test]
    fn longest_match_wins_and_a_failed_boundary_does_not_hide_a_shorter_phrase() {
        check(
            &["gift card", "gift cards", "gift"],
            "send gift cards now",
            &["gift cards"],
        );
        check(&["wire", "wires"], "wiresx wire", &["wire"]);
    }

    #[test]
    fn phrases_with_punctuation_edges_need_no_boundary_there() {
        check(&["$"], "a$5", &["$"]);
    }
}
