//! Phrase + context ("intent") matching shared by the lexicon detectors of this crate's non-contact categories
//! (payment, credential, shipping, pressure).
//!
//! Each detector has phrase tables of `(phrase, cue)` pairs, one `const` slice per language. They are compiled once
//! into one [`Lexicon`] per detector, matched once per message over [`view`], and the matches are grouped into
//! clauses (split at `.`, `!`, `?`, `;` and line breaks) so that a detector can ask "is there a paying verb and an
//! off-platform method in the same clause?" without regular expressions.
//!
//! Lives here because `detect/mod.rs` belongs to another engineer; it is shared by `credential`, `shipping` and
//! `pressure` through `super::payment::intent`. Moving it to `detect/intent.rs` needs one `mod` line there.

use crate::detect::Context;
use crate::detect::lexicon::{LexMatch, Lexicon, LexiconsBuilder};
use crate::normalize::Normalized;

/// THE one place that chooses which normalised view the phrase lexicons match on. Phrases are put through
/// [`fold_phrase`], the same folding as this view, so both sides always agree.
///
/// The letters view: folded (NFKD, case, look-alikes, digits), spaced-out letters joined, leetspeak read as
/// letters ("p4y m3 v1a z3ll3"), apostrophes inside words dropped.
pub(crate) fn view<'c>(cx: &'c Context<'_>) -> &'c Normalized {
    &cx.letters
}

/// Folds a lexicon phrase the way [`view`] folds a message.
pub(crate) fn fold_phrase(phrase: &str) -> String {
    let folded = Normalized::fold(phrase);
    Normalized::letters(&Normalized::compact(&folded)).text
}

/// A phrase table: `(phrase, cue)` pairs for one language.
pub(crate) type Table<C> = &'static [(&'static str, C)];

/// Builds a lexicon from phrase tables plus configured extra phrases. Every phrase is added as written and without
/// its diacritics ("contraseña" and "contrasena"), both folded like the view.
pub(crate) fn build<C: Copy>(
    lex: &mut LexiconsBuilder,
    name: &'static str,
    tables: &[Table<C>],
    extra: impl IntoIterator<Item = (String, C)>,
) -> Lexicon<C> {
    let mut phrases: Vec<(String, C)> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut push = |p: &str, c: C, phrases: &mut Vec<(String, C)>| {
        let folded = fold_phrase(p);
        // The letters view reads `1` as `i`: "te1egram" -> "teiegram"; add that spelling of each phrase too.
        let i_for_l = crate::normalize::i_for_l(&folded);
        for variant in [folded, i_for_l, fold_phrase(&strip_diacritics(p))] {
            if !variant.trim().is_empty() && seen.insert(variant.clone()) {
                phrases.push((variant, c));
            }
        }
    };
    for table in tables {
        for &(p, c) in table.iter() {
            push(p, c, &mut phrases);
        }
    }
    for (p, c) in extra {
        push(&p, c, &mut phrases);
    }
    lex.add(name, phrases)
}

/// Removes the Latin diacritics used by the five languages. Hand-rolled: a fixed table of two dozen letters; a
/// full NFD pass would be more general but the lexicons only hold these.
pub(crate) fn strip_diacritics(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            'á' | 'à' | 'â' | 'ã' | 'ä' => 'a',
            'Á' | 'À' | 'Â' | 'Ã' | 'Ä' => 'A',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'É' | 'È' | 'Ê' | 'Ë' => 'E',
            'í' | 'ì' | 'î' | 'ï' => 'i',
            'Í' | 'Ì' | 'Î' | 'Ï' => 'I',
            'ó' | 'ò' | 'ô' | 'õ' | 'ö' => 'o',
            'Ó' | 'Ò' | 'Ô' | 'Õ' | 'Ö' => 'O',
            'ú' | 'ù' | 'û' | 'ü' => 'u',
            'Ú' | 'Ù' | 'Û' | 'Ü' => 'U',
            'ñ' => 'n',
            'Ñ' => 'N',
            'ç' => 'c',
            'Ç' => 'C',
            other => other,
        })
        .collect()
}

/// The cue matches of one clause, in text order.
#[derive(Debug)]
pub(crate) struct Clause<C> {
    pub cues: Vec<LexMatch<C>>,
}

impl<C: Copy + PartialEq> Clause<C> {
    pub fn has(&self, cue: C) -> bool {
        self.cues.iter().any(|m| m.value == cue)
    }

    /// True when any cue satisfies `pred`.
    pub fn any(&self, pred: impl Fn(C) -> bool) -> bool {
        self.cues.iter().any(|m| pred(m.value))
    }

    /// The span from the first to the last cue that satisfies `pred`, in the view.
    pub fn span_of(&self, pred: impl Fn(C) -> bool) -> Option<(usize, usize)> {
        let mut it = self.cues.iter().filter(|m| pred(m.value));
        let first = it.next()?;
        let end = it.fold(first.end, |e, m| e.max(m.end));
        Some((first.start, end))
    }
}

/// The matches of `lexicon` in the message (over [`view`]), grouped by clause. Linear in the text.
pub(crate) fn clauses<C: Copy>(lexicon: &Lexicon<C>, cx: &Context<'_>) -> Vec<Clause<C>> {
    let bytes = view(cx).text.as_bytes();
    // A phrase glued into a domain or hyphenated name ("venmo-claim.com", "cashapp-support") is part of a link:
    // link.phishing's business.
    let glued = |m: &LexMatch<C>| {
        let before = m.start.checked_sub(1).and_then(|i| bytes.get(i)).copied();
        let before2 = m.start.checked_sub(2).and_then(|i| bytes.get(i)).copied();
        let after = bytes.get(m.end).copied();
        let after2 = bytes.get(m.end + 1).copied();
        let word = |b: Option<u8>| b.is_some_and(|b| b.is_ascii_alphanumeric());
        (matches!(before, Some(b'-' | b'.' | b'/')) && word(before2))
            || (matches!(after, Some(b'-' | b'.')) && word(after2))
    };
    let matches: Vec<LexMatch<C>> = lexicon
        .find(&cx.phrases)
        .into_iter()
        .filter(|m| !glued(m))
        .collect();
    let mut out: Vec<Clause<C>> = Vec::new();
    if matches.is_empty() {
        return out;
    }
    let mut current = Clause { cues: Vec::new() };
    let mut scanned = 0;
    for m in matches {
        // A clause boundary between the previous match and this one starts a new clause.
        let gap = bytes.get(scanned..m.start).unwrap_or(&[]);
        if gap
            .iter()
            .enumerate()
            .any(|(i, &b)| is_boundary(b, bytes.get(scanned + i + 1).copied()))
            && !current.cues.is_empty()
        {
            out.push(std::mem::replace(&mut current, Clause { cues: Vec::new() }));
        }
        scanned = m.end.max(scanned);
        current.cues.push(m);
    }
    if !current.cues.is_empty() {
        out.push(current);
    }
    out
}

/// `.` ends a clause only when followed by a space or the end (so "bit.ly" or "3.5" do not split).
fn is_boundary(b: u8, next: Option<u8>) -> bool {
    match b {
        b'!' | b'?' | b';' | b'\n' | b'\r' => true,
        b'.' => next.is_none_or(|n| n.is_ascii_whitespace()),
        _ => false,
    }
}

/// Maps a span of [`view`] back to the original text and builds a finding.
pub(crate) fn finding(
    cx: &Context<'_>,
    category: crate::Category,
    span: (usize, usize),
    rule: &'static str,
    explanation: String,
) -> crate::Finding {
    let (s, e) = view(cx).original_span(span.0, span.1, cx.message.text);
    cx.finding(category, s, e, None, rule, explanation)
}

/// The configured extra phrases for `category`, each paired with `cue`.
pub(crate) fn extra_phrases<C: Copy>(
    config: &crate::Config,
    category: crate::Category,
    cue: C,
) -> Vec<(String, C)> {
    config
        .extra_phrases
        .get(category.as_str())
        .into_iter()
        .flatten()
        .map(|p| (p.clone(), cue))
        .collect()
}
