//! The features the intent model reads from one message, hashed to 64-bit keys.
//!
//! The same code serves training and screening, so a model always sees messages as it saw them when it was fitted.
//! Everything is read from the letters view (lower case, accents removed, look-alike letters and leetspeak read as
//! letters), plus a few signals about the whole message that the caller computes (which rule categories fired,
//! whether there is a link, shouting):
//!
//! - every word, with digits read as `0` and long numbers folded by length ("0000000");
//! - every pair of adjacent words;
//! - the character 3-, 4- and 5-grams of every word written with boundary marks (`<verif`, `ific`, `ado>`), which
//!   carry a word's meaning across its inflections, typos and languages (fastText's subword idea);
//! - the concepts of `concepts.toml` found in the message, and every pair of them ("ACCOUNT" + "VERIFY");
//! - the signals.
//!
//! The hash is FNV-1a with a namespace byte per kind of feature and a final mix, written here rather than taken
//! from a crate because the model file stores these exact values: the function must never change with a dependency.

use super::concepts::Concepts;

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

/// Namespaces: the first byte hashed for each kind of feature.
pub(crate) mod ns {
    pub const WORD: u8 = b'w';
    pub const PAIR: u8 = b'b';
    pub const GRAM: u8 = b'c';
    pub const PREFIX: u8 = b'p';
    pub const CONCEPT: u8 = b'k';
    pub const CONCEPT_PAIR: u8 = b'q';
    pub const SIGNAL: u8 = b's';
    pub const PHRASE: u8 = b'h';
    pub const CONCEPT_SENDER: u8 = b'r';
}

/// An incremental FNV-1a hash.
#[derive(Clone, Copy)]
pub(crate) struct Fnv(u64);

impl Fnv {
    pub fn new(namespace: u8) -> Fnv {
        let mut h = Fnv(FNV_OFFSET);
        h.byte(namespace);
        h
    }

    #[inline]
    pub fn byte(&mut self, b: u8) {
        self.0 ^= u64::from(b);
        self.0 = self.0.wrapping_mul(FNV_PRIME);
    }

    pub fn bytes(&mut self, bs: &[u8]) {
        for &b in bs {
            self.byte(b);
        }
    }

    /// The key: the state run through a 64-bit finaliser (FNV's low bits are poor for table indices), never 0
    /// (0 marks an empty slot in the weight table).
    pub fn finish(self) -> u64 {
        mix(self.0).max(1)
    }
}

/// The splitmix64 finaliser.
pub(crate) fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The key of two words in a row, from the words' own keys.
pub(crate) fn combine(namespace: u8, a: u64, b: u64) -> u64 {
    mix(a.rotate_left(17) ^ b.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ u64::from(namespace)).max(1)
}

/// Signals about the whole message, computed by the caller. Each is one feature.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Signal {
    /// A rule of this category (index in `Category::ALL`) fired.
    Rule(u8),
    /// The message holds a link or a bare domain.
    Link,
    /// Two or more exclamation marks.
    Exclaims,
    /// Most letters are capitals (at least 12 letters).
    Shouting,
    /// The length in bytes, in buckets of 64 up to 320.
    Length(u8),
    /// Who sent the message: 1 buyer, 2 seller. Besides its own feature, it is paired with every concept found
    /// ("COURIER" from a seller is their own shipping; from a buyer, often a redirect).
    Sender(u8),
}

impl Signal {
    fn key(self) -> u64 {
        let mut h = Fnv::new(ns::SIGNAL);
        match self {
            Signal::Rule(i) => h.bytes(&[1, i]),
            Signal::Link => h.byte(2),
            Signal::Exclaims => h.byte(3),
            Signal::Shouting => h.byte(4),
            Signal::Length(b) => h.bytes(&[5, b]),
            Signal::Sender(r) => h.bytes(&[6, r]),
        }
        h.finish()
    }
}

/// Where a feature came from, so that a finding can say which words carried it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Origin {
    /// Word `i` of the message (its unigram and character n-grams).
    Word(u16),
    /// Words `i` and `i + 1`.
    Pair(u16),
    /// A concept (bit index in `Concepts`), or a pair of them.
    Concept(u8),
    ConceptPair(u8, u8),
    Signal,
}

/// A word of the letters view: its byte span there.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Word {
    pub start: u32,
    pub end: u32,
    /// The word's unigram key.
    pub key: u64,
}

/// At most this many words of a message are read (the rest of a very long text adds nothing a finding needs, and
/// the work per message stays bounded).
pub(crate) const MAX_WORDS: usize = 400;
/// Character n-grams are taken from at most this many leading chars of a word.
const MAX_GRAM_CHARS: usize = 24;

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
}

/// A symbol that is a word by itself (an emoji such as the ghost before a Snapchat name).
fn is_symbol_word(c: char) -> bool {
    (c as u32) >= 0x2000 && !c.is_alphanumeric() && !c.is_whitespace()
}

/// Splits the letters view into words: runs of letters and digits, and single symbol characters (emoji).
pub(crate) fn words(text: &str, out: &mut Vec<Word>) {
    out.clear();
    let mut start: Option<usize> = None;
    for (i, c) in text.char_indices() {
        if out.len() >= MAX_WORDS {
            return;
        }
        if is_word_char(c) {
            if start.is_none() {
                start = Some(i);
            }
            continue;
        }
        if let Some(s) = start.take() {
            out.push(word(text, s, i));
        }
        if is_symbol_word(c) && out.len() < MAX_WORDS {
            out.push(word(text, i, i + c.len_utf8()));
        }
    }
    if let Some(s) = start
        && out.len() < MAX_WORDS
    {
        out.push(word(text, s, text.len()));
    }
}

fn word(text: &str, start: usize, end: usize) -> Word {
    let w = text.get(start..end).unwrap_or("");
    Word {
        start: u32::try_from(start).unwrap_or(u32::MAX),
        end: u32::try_from(end).unwrap_or(u32::MAX),
        key: word_key(w),
    }
}

/// A word's key: digits read as `0`, and a number of five digits or more folded to its length class.
pub(crate) fn word_key(w: &str) -> u64 {
    let mut h = Fnv::new(ns::WORD);
    let digits = w.bytes().filter(u8::is_ascii_digit).count();
    if digits == w.len() && digits >= 5 {
        h.bytes(if digits >= 7 { b"#long" } else { b"#mid" });
        return h.finish();
    }
    for b in w.bytes() {
        h.byte(if b.is_ascii_digit() { b'0' } else { b });
    }
    h.finish()
}

/// Calls `emit` with every feature of the message (a key may come more than once: a count), and returns the
/// words it read. `concepts_found` receives the bit set of the concepts in the message.
pub(crate) fn extract(
    letters: &str,
    concepts: &Concepts,
    signals: &[Signal],
    words_buf: &mut Vec<Word>,
    emit: &mut impl FnMut(u64, Origin),
) -> u64 {
    words(letters, words_buf);
    let mut found: u64 = 0;
    for (i, w) in words_buf.iter().enumerate() {
        let i16 = u16::try_from(i).unwrap_or(u16::MAX);
        emit(w.key, Origin::Word(i16));
        let text = letters.get(w.start as usize..w.end as usize).unwrap_or("");
        grams(text, &mut |k| emit(k, Origin::Word(i16)));
        found |= concepts.of_word(text, w.key);
        if let Some(next) = words_buf.get(i + 1) {
            emit(combine(ns::PAIR, w.key, next.key), Origin::Pair(i16));
            let pair = combine(ns::PHRASE, w.key, next.key);
            found |= concepts.of_phrase(pair);
            if let Some(third) = words_buf.get(i + 2) {
                found |= concepts.of_phrase(combine(ns::PHRASE, pair, third.key));
            }
        }
    }
    let sender = signals.iter().find_map(|s| match s {
        Signal::Sender(r) => Some(*r),
        _ => None,
    });
    let mut bits = found;
    while bits != 0 {
        let a = bits.trailing_zeros() as u8;
        bits &= bits - 1;
        let mut h = Fnv::new(ns::CONCEPT);
        h.byte(a);
        emit(h.finish(), Origin::Concept(a));
        if let Some(r) = sender {
            let mut h = Fnv::new(ns::CONCEPT_SENDER);
            h.bytes(&[a, r]);
            emit(h.finish(), Origin::Concept(a));
        }
        let mut rest = bits;
        while rest != 0 {
            let b = rest.trailing_zeros() as u8;
            rest &= rest - 1;
            let mut h = Fnv::new(ns::CONCEPT_PAIR);
            h.bytes(&[a, b]);
            emit(h.finish(), Origin::ConceptPair(a, b));
        }
    }
    for s in signals {
        emit(s.key(), Origin::Signal);
    }
    found
}

/// The character 3-, 4- and 5-grams of `<word>` (at most its first [`MAX_GRAM_CHARS`] chars). Numbers give none:
/// their shape is in the word key.
fn grams(word: &str, emit: &mut impl FnMut(u64)) {
    if !word.bytes().any(|b| !b.is_ascii_digit()) {
        return;
    }
    // Char boundaries of "<" + word + ">", as byte offsets into a small buffer.
    let mut buf = [0u8; 4 * MAX_GRAM_CHARS + 2];
    let mut bounds = [0usize; MAX_GRAM_CHARS + 3];
    let mut len = 0usize;
    let mut n = 0usize;
    let mut push = |bytes: &[u8], len: &mut usize, n: &mut usize| {
        if let Some(b) = bounds.get_mut(*n) {
            *b = *len;
        }
        *n += 1;
        for &x in bytes {
            if let Some(slot) = buf.get_mut(*len) {
                *slot = if x.is_ascii_digit() { b'0' } else { x };
            }
            *len += 1;
        }
    };
    push(b"<", &mut len, &mut n);
    let mut tmp = [0u8; 4];
    for c in word.chars().take(MAX_GRAM_CHARS) {
        push(c.encode_utf8(&mut tmp).as_bytes(), &mut len, &mut n);
    }
    push(b">", &mut len, &mut n);
    if let Some(b) = bounds.get_mut(n) {
        *b = len;
    }
    for size in 3..=5usize {
        if n < size {
            break;
        }
        for start in 0..=(n - size) {
            let (Some(&s), Some(&e)) = (bounds.get(start), bounds.get(start + size)) else {
                continue;
            };
            let mut h = Fnv::new(ns::GRAM);
            h.bytes(buf.get(s..e).unwrap_or(&[]));
            emit(h.finish());
        }
    }
}
