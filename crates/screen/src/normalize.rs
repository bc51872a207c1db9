//! Normalised views of a message with a map back to the original bytes.
//!
//! OWNER NOTE (skeleton): this first version only lower-cases. It is to be replaced by the full folding the issue
//! asks for (NFKC, case folding, confusables, digits of every script, ...), keeping this API.

/// A normalised copy of a text, and for each of its bytes the original byte offset it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Normalized {
    pub text: String,
    /// `map[i]` is the original byte offset of normalised byte `i`; `map[text.len()]` is the original length.
    map: Vec<usize>,
}

impl Normalized {
    /// The folded view used by the lexicon detectors.
    pub fn fold(original: &str) -> Normalized {
        let mut text = String::with_capacity(original.len());
        let mut map = Vec::with_capacity(original.len() + 1);
        for (offset, c) in original.char_indices() {
            for l in c.to_lowercase() {
                let before = text.len();
                text.push(l);
                map.extend(std::iter::repeat_n(offset, text.len() - before));
            }
        }
        map.push(original.len());
        Normalized { text, map }
    }

    /// The original byte span that normalised bytes `start..end` came from.
    pub fn original_span(&self, start: usize, end: usize, original: &str) -> (usize, usize) {
        let s = self.map.get(start).copied().unwrap_or(original.len());
        let e = if end == 0 {
            s
        } else {
            // The end of the original char that normalised byte `end - 1` came from.
            let last = self.map.get(end - 1).copied().unwrap_or(original.len());
            original.get(last..).and_then(|r| r.chars().next()).map_or(original.len(), |c| last + c.len_utf8())
        };
        (s, e.max(s))
    }
}
