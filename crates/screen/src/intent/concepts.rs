//! The concept lexicons (`data/concepts.toml`): which concepts a word, a word beginning or a short phrase stands for.

use std::collections::{BTreeMap, HashMap};
use std::hash::{BuildHasherDefault, Hasher};

use serde::Deserialize;

use super::features::{self, Fnv, ns};
use crate::normalize::Normalized;

/// At most 64 concepts: a message's concepts are one `u64` bit set.
pub(crate) const MAX_CONCEPTS: usize = 64;
/// Stems shorter than this (in bytes) would match too many words.
const MIN_STEM: usize = 3;

/// The built-in lexicons, the ones `marketguard model train` uses unless told otherwise.
pub const BUILT_IN: &str = include_str!("../../data/concepts.toml");

/// The keys are already mixed hashes: hashing them again would only cost time.
#[derive(Default, Clone, Copy)]
pub(crate) struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8) | u64::from(b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

type KeyMap = HashMap<u64, u64, BuildHasherDefault<IdHasher>>;

#[derive(Debug, Clone)]
pub(crate) struct Concepts {
    names: Vec<String>,
    /// Word key -> concept bits.
    words: KeyMap,
    /// Prefix key (namespace `PREFIX`) -> concept bits.
    stems: KeyMap,
    /// Phrase key (two or three words combined) -> concept bits.
    phrases: KeyMap,
    /// The longest stem, in bytes: prefixes longer than it are not looked up.
    longest_stem: usize,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    #[serde(default)]
    words: Vec<String>,
    #[serde(default)]
    stems: Vec<String>,
    #[serde(default)]
    phrases: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConceptError {
    #[error("the concept lexicons are not valid TOML of the expected shape: {0}")]
    Toml(String),
    #[error("there are {0} concepts; at most 64 are allowed")]
    TooMany(usize),
    #[error("concept {concept}: {entry:?} {why}")]
    Entry {
        concept: String,
        entry: String,
        why: &'static str,
    },
}

impl Concepts {
    pub fn parse(toml_text: &str) -> Result<Concepts, ConceptError> {
        let table: BTreeMap<String, Entry> =
            toml::from_str(toml_text).map_err(|e| ConceptError::Toml(e.to_string()))?;
        if table.len() > MAX_CONCEPTS {
            return Err(ConceptError::TooMany(table.len()));
        }
        let mut c = Concepts {
            names: Vec::with_capacity(table.len()),
            words: KeyMap::default(),
            stems: KeyMap::default(),
            phrases: KeyMap::default(),
            longest_stem: 0,
        };
        let mut buf = Vec::new();
        for (bit, (name, entry)) in table.into_iter().enumerate() {
            let mask = 1u64 << bit;
            let bad = |entry: &str, why| ConceptError::Entry {
                concept: name.clone(),
                entry: entry.to_string(),
                why,
            };
            // A "word" of several words is a phrase.
            for w in entry.words.iter().chain(&entry.phrases) {
                let keys = keys_of(w, &mut buf);
                match keys.as_slice() {
                    [] => return Err(bad(w, "has no letters")),
                    [k] => *c.words.entry(*k).or_default() |= mask,
                    [a, b] => {
                        *c.phrases
                            .entry(features::combine(ns::PHRASE, *a, *b))
                            .or_default() |= mask
                    }
                    [a, b, d] => {
                        let ab = features::combine(ns::PHRASE, *a, *b);
                        *c.phrases
                            .entry(features::combine(ns::PHRASE, ab, *d))
                            .or_default() |= mask
                    }
                    _ => return Err(bad(w, "has more than three words")),
                }
            }
            for s in &entry.stems {
                let folded = letters_of(s);
                if folded.len() < MIN_STEM {
                    return Err(bad(s, "is shorter than 3 letters"));
                }
                if !folded.chars().all(char::is_alphanumeric) {
                    return Err(bad(s, "is not one word (a stem is a word beginning)"));
                }
                let mut h = Fnv::new(ns::PREFIX);
                h.bytes(folded.as_bytes());
                *c.stems.entry(h.finish()).or_default() |= mask;
                c.longest_stem = c.longest_stem.max(folded.len());
            }
            c.names.push(name);
        }
        Ok(c)
    }

    pub fn name(&self, bit: u8) -> &str {
        self.names.get(usize::from(bit)).map_or("?", String::as_str)
    }

    /// The concepts of one word of the letters view (`key` is its word key).
    pub fn of_word(&self, word: &str, key: u64) -> u64 {
        let mut found = self.words.get(&key).copied().unwrap_or(0);
        if self.stems.is_empty() || word.len() < MIN_STEM {
            return found;
        }
        let mut h = Fnv::new(ns::PREFIX);
        for (i, b) in word.bytes().enumerate() {
            if i >= self.longest_stem {
                break;
            }
            h.byte(b);
            let len = i + 1;
            if len >= MIN_STEM && word.is_char_boundary(len) {
                found |= self.stems.get(&h.finish()).copied().unwrap_or(0);
            }
        }
        found
    }

    pub fn of_phrase(&self, key: u64) -> u64 {
        self.phrases.get(&key).copied().unwrap_or(0)
    }
}

/// A lexicon entry read the way messages are: the letters view.
fn letters_of(s: &str) -> String {
    let folded = Normalized::fold(s);
    Normalized::letters(&Normalized::compact(&folded)).text
}

fn keys_of(s: &str, buf: &mut Vec<features::Word>) -> Vec<u64> {
    let letters = letters_of(s);
    features::words(&letters, buf);
    buf.iter().map(|w| w.key).collect()
}
