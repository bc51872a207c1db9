//! Normalised views of a message, each with a map back to the original bytes.
//!
//! Every view is computed once per message, in one linear pass (ASCII text takes a fast path), and every byte of a
//! view knows the byte span of the original text it came from, so a match in a view becomes a finding on the
//! original text with [`Normalized::original_span`].
//!
//! - [`Normalized::fold`]: compatibility decomposition (NFKD, so NFKC's folding plus diacritics removed), lower case,
//!   look-alike letters of other scripts to Latin (Cyrillic, Greek, Armenian, Cherokee, IPA, small capitals, ...:
//!   decancer's per-character table, the UTS #39 idea), decimal digits of every script to ASCII, invisible characters
//!   (zero-width spaces and joiners, variation selectors, the keycap mark, bidi controls, combining marks) removed.
//!   Digits stay digits and nothing else is guessed: no leetspeak here.
//! - [`Normalized::compact`]: the folded view with spaced-out characters joined ("w h a t s a p p", "j o @ x . c o m",
//!   "w.h.a.t.s.a.p.p").
//! - [`Normalized::letters`]: the compact view with leetspeak read as letters inside words ("wh4ts4pp",
//!   "p@ypal", "ca$h", "te1egram" -> "teiegram") and apostrophes inside words dropped ("what's" -> "whats"). `1`, `!`
//!   and `|` become `i`: a lexicon that wants "te1egram" adds the spelling with `l` replaced by `i` (see
//!   [`i_for_l`]).
//! - [`PhoneView`]: the folded view where runs that look like a phone number are rewritten to plain digits: spelled
//!   numbers in English, Spanish, French, German and Portuguese, letter-for-digit swaps (O for 0, l and I for 1) glued
//!   to digits, and any separators between digits. Text that is not such a run is left as in the folded view.

mod numbers;

use unicode_normalization::char::{decompose_compatible, is_combining_mark};

/// A normalised copy of a text, and for each of its bytes the span of the original text it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Normalized {
    pub text: String,
    /// Empty when `text` is aligned byte for byte with the original (the ASCII fast path). Otherwise one entry per
    /// byte of `text`: the original byte span (`[start, end)`) of the unit that produced it.
    spans: Vec<[u32; 2]>,
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl Normalized {
    /// The folded view (see the module documentation).
    pub fn fold(original: &str) -> Normalized {
        if original.is_ascii() {
            return Normalized {
                text: original.to_ascii_lowercase(),
                spans: Vec::new(),
            };
        }
        let mut out = Builder::with_capacity(original.len());
        for (offset, c) in original.char_indices() {
            fold_char(c, offset, offset + c.len_utf8(), &mut out);
        }
        out.finish()
    }

    /// The compact view: the folded view with spaced-out characters joined. `folded` must be [`Normalized::fold`]
    /// of the same text.
    pub fn compact(folded: &Normalized) -> Normalized {
        compact_view(folded)
    }

    /// The letters view: the compact view with leetspeak inside words read as letters. `compact` must be
    /// [`Normalized::compact`] of the same text.
    pub fn letters(compact: &Normalized) -> Normalized {
        letters_view(compact)
    }

    /// The original byte span that normalised bytes `start..end` came from, on char boundaries of `original`.
    pub fn original_span(&self, start: usize, end: usize, original: &str) -> (usize, usize) {
        let len = original.len();
        if self.spans.is_empty() {
            let s = floor_boundary(original, start.min(len));
            let e = ceil_boundary(original, end.min(len)).max(s);
            return (s, e);
        }
        let s = self
            .spans
            .get(start)
            .map_or(len, |p| p[0] as usize)
            .min(len);
        let e = if end > start {
            self.spans
                .get(end - 1)
                .map_or(len, |p| p[1] as usize)
                .min(len)
        } else {
            s
        };
        let s = floor_boundary(original, s);
        (s, ceil_boundary(original, e.max(s)))
    }

    /// The original span `[start, end)` of normalised byte `i` (for the ASCII fast path, `[i, i + 1)`).
    fn span_of(&self, i: usize) -> [u32; 2] {
        if self.spans.is_empty() {
            [to_u32(i), to_u32(i + 1)]
        } else {
            self.spans.get(i).copied().unwrap_or([u32::MAX, u32::MAX])
        }
    }

    /// The original span of normalised bytes `start..end` (`end > start`), before clamping to a text.
    fn raw_span(&self, start: usize, end: usize) -> [u32; 2] {
        let s = self.span_of(start)[0];
        let e = self.span_of(end.max(start + 1) - 1)[1];
        [s, e.max(s)]
    }
}

/// The folded form of a phrase, for lexicons matched against [`Normalized::fold`] views.
pub fn fold_phrase(phrase: &str) -> String {
    Normalized::fold(phrase).text
}

/// The spelling of a folded phrase with every `l` read as `i`, the way the letters view reads `1` ("te1egram" ->
/// "teiegram"). Lexicons on the letters view add it next to the phrase itself.
pub fn i_for_l(phrase: &str) -> String {
    phrase.replace('l', "i")
}

fn floor_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil_boundary(s: &str, mut i: usize) -> usize {
    while i < s.len() && !s.is_char_boundary(i) {
        i += 1;
    }
    i.min(s.len())
}

/// Accumulates a view: text and, per byte, an original span.
struct Builder {
    text: String,
    spans: Vec<[u32; 2]>,
    /// Index in `text` where the last pushed unit starts (so trailing invisible marks can be attached to it).
    last_unit: usize,
}

impl Builder {
    fn with_capacity(n: usize) -> Self {
        Builder {
            text: String::with_capacity(n),
            spans: Vec::with_capacity(n),
            last_unit: 0,
        }
    }

    fn push(&mut self, c: char, span: [u32; 2]) {
        self.last_unit = self.text.len();
        self.text.push(c);
        for _ in 0..c.len_utf8() {
            self.spans.push(span);
        }
    }

    fn push_str(&mut self, s: &str, span: [u32; 2]) {
        if s.is_empty() {
            return;
        }
        self.last_unit = self.text.len();
        self.text.push_str(s);
        for _ in 0..s.len() {
            self.spans.push(span);
        }
    }

    /// Stretches the last unit's original span to `end` (a combining mark or variation selector that belongs to it).
    fn attach(&mut self, end: u32) {
        if let Some(tail) = self.spans.get_mut(self.last_unit..) {
            for span in tail {
                span[1] = span[1].max(end);
            }
        }
    }

    fn finish(self) -> Normalized {
        Normalized {
            text: self.text,
            spans: self.spans,
        }
    }
}

/// What to do with an invisible character.
enum Invisible {
    /// Part of the previous character (combining marks, variation selectors, the keycap mark, skin tones).
    Attach,
    /// Nothing at all (zero-width spaces, joiners, bidi controls, byte order mark, soft hyphen).
    Drop,
}

fn invisible(c: char) -> Option<Invisible> {
    match c {
        '\u{FE00}'..='\u{FE0F}'
        | '\u{E0100}'..='\u{E01EF}'
        | '\u{20E3}'
        | '\u{1F3FB}'..='\u{1F3FF}'
        | '\u{E0020}'..='\u{E007F}' => Some(Invisible::Attach),
        '\u{200B}'..='\u{200F}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{2069}'
        | '\u{FEFF}'
        | '\u{00AD}'
        | '\u{034F}'
        | '\u{180E}' => Some(Invisible::Drop),
        _ if is_combining_mark(c) => Some(Invisible::Attach),
        _ => None,
    }
}

/// The first code point of each run of ten decimal digits (`General_Category=Nd`), generated from Python's
/// `unicodedata` (Unicode 14) plus the Kawi, Nag Mundari (15.0) and outlined (16.0) digits. Hand-rolled because std
/// has no decimal-value lookup and no small, well-kept crate offers one.
const DIGIT_ZEROS: [u32; 68] = [
    0x660, 0x6F0, 0x7C0, 0x966, 0x9E6, 0xA66, 0xAE6, 0xB66, 0xBE6, 0xC66, 0xCE6, 0xD66, 0xDE6,
    0xE50, 0xED0, 0xF20, 0x1040, 0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0, 0x1A80, 0x1A90, 0x1B50,
    0x1BB0, 0x1C40, 0x1C50, 0xA620, 0xA8D0, 0xA900, 0xA9D0, 0xA9F0, 0xAA50, 0xABF0, 0xFF10,
    0x104A0, 0x10D30, 0x11066, 0x110F0, 0x11136, 0x111D0, 0x112F0, 0x11450, 0x114D0, 0x11650,
    0x116C0, 0x11730, 0x118E0, 0x11950, 0x11C50, 0x11D50, 0x11DA0, 0x11F50, 0x16A60, 0x16AC0,
    0x16B50, 0x1CCF0, 0x1D7CE, 0x1D7D8, 0x1D7E2, 0x1D7EC, 0x1D7F6, 0x1E140, 0x1E2F0, 0x1E4F0,
    0x1E950, 0x1FBF0,
];

/// The ASCII digit for a non-ASCII decimal digit of any script, and for the dingbat circled digits (which have no
/// compatibility decomposition).
fn digit_of(c: char) -> Option<char> {
    let cp = c as u32;
    let value = match cp {
        0x2776..=0x277E => Some(cp - 0x2776 + 1),
        0x2780..=0x2788 => Some(cp - 0x2780 + 1),
        0x278A..=0x2792 => Some(cp - 0x278A + 1),
        0x24FF | 0x24EA | 0x1F10B | 0x1F10C => Some(0),
        _ => {
            let i = DIGIT_ZEROS.partition_point(|&z| z <= cp);
            let zero = i.checked_sub(1).and_then(|i| DIGIT_ZEROS.get(i)).copied()?;
            (cp - zero < 10).then_some(cp - zero)
        }
    }?;
    char::from_digit(value, 10)
}

/// Blocks whose letters are cured to Latin with decancer: the scripts and symbol blocks that hold look-alikes of
/// Latin letters. Everything else (CJK, Arabic, emoji, ...) is only lower-cased, so it stays what it is.
fn has_latin_lookalikes(c: char) -> bool {
    matches!(c as u32,
        0x00C0..=0x024F   // Latin-1 letters and Latin Extended-A/B (ø, æ, ł, đ, ı, ...)
        | 0x0250..=0x02AF // IPA
        | 0x0370..=0x03FF // Greek
        | 0x0400..=0x052F // Cyrillic
        | 0x0530..=0x058F // Armenian
        | 0x13A0..=0x13FF // Cherokee
        | 0x1C80..=0x1C8F // Cyrillic Extended-C
        | 0x1D00..=0x1DBF // phonetic extensions, small capitals
        | 0x1E00..=0x1FFF // Latin Extended Additional, Greek Extended
        | 0x2100..=0x214F // letterlike symbols
        | 0x2C60..=0x2C7F // Latin Extended-C
        | 0xA640..=0xA69F // Cyrillic Extended-B
        | 0xA720..=0xA7FF // Latin Extended-D
        | 0xAB30..=0xABBF // Latin Extended-E, Cherokee supplement
        | 0x1D400..=0x1D7FF // mathematical alphanumerics
        | 0x1F130..=0x1F1E5 // squared and negative letters (not the regional indicators after them)
    )
}

fn fold_char(c: char, start: usize, end: usize, out: &mut Builder) {
    let span = [to_u32(start), to_u32(end)];
    if c.is_ascii() {
        out.push(c.to_ascii_lowercase(), span);
        return;
    }
    match invisible(c) {
        Some(Invisible::Attach) => return out.attach(span[1]),
        Some(Invisible::Drop) => return,
        None => {}
    }
    if let Some(d) = digit_of(c) {
        return out.push(d, span);
    }
    match c {
        'ß' | 'ẞ' => return out.push_str("ss", span),
        _ if c.is_whitespace() => return out.push(' ', span),
        _ => {}
    }
    let mut any = false;
    decompose_compatible(c, |d| {
        any = true;
        fold_decomposed(d, span, out);
    });
    if !any {
        fold_decomposed(c, span, out);
    }
}

/// Folds one character of a compatibility decomposition.
fn fold_decomposed(d: char, span: [u32; 2], out: &mut Builder) {
    if d.is_ascii() {
        return out.push(d.to_ascii_lowercase(), span);
    }
    if is_combining_mark(d) {
        return out.attach(span[1]);
    }
    if let Some(digit) = digit_of(d) {
        return out.push(digit, span);
    }
    if d.is_whitespace() {
        return out.push(' ', span);
    }
    if has_latin_lookalikes(d) {
        match decancer::cure_char(d, decancer::Options::default()) {
            decancer::Translation::Character(x) => {
                for l in x.to_lowercase() {
                    out.push(l, span);
                }
            }
            decancer::Translation::String(s) => {
                let s: &str = &s;
                out.push_str(&s.to_lowercase(), span);
            }
            decancer::Translation::None => {}
        }
        return;
    }
    for l in d.to_lowercase() {
        out.push(l, span);
    }
}

// ---------------------------------------------------------------------------------------------------------------------
// Derived views: a pass over a base view that writes a new view, composing the spans.

struct Derived<'a> {
    base: &'a Normalized,
    out: Builder,
}

impl<'a> Derived<'a> {
    fn new(base: &'a Normalized) -> Self {
        Derived {
            base,
            out: Builder::with_capacity(base.text.len()),
        }
    }

    /// Writes `s` for base bytes `start..end`.
    fn write(&mut self, s: &str, start: usize, end: usize) {
        let span = self.base.raw_span(start, end);
        self.out.push_str(s, span);
    }

    /// Copies base bytes `start..end` unchanged, byte spans and all.
    fn copy(&mut self, start: usize, end: usize) {
        let Some(s) = self.base.text.get(start..end) else {
            return;
        };
        if s.is_empty() {
            return;
        }
        self.out.last_unit = self.out.text.len();
        self.out.text.push_str(s);
        for i in start..end {
            self.out.spans.push(self.base.span_of(i));
        }
    }

    fn finish(self) -> Normalized {
        self.out.finish()
    }
}

/// Joins spaced-out characters: four or more single characters (at least three of them letters) each separated by
/// one to three spaces ("w h a t s a p p", "j o @ x . c o m"), and four or more single letters separated by the same
/// punctuation mark ("w.h.a.t.s.a.p.p", "w-h-a-t-s-a-p-p").
fn compact_view(folded: &Normalized) -> Normalized {
    let text = folded.text.as_str();
    let units = spaced_units(text);
    if units.is_empty() {
        return folded.clone();
    }
    let mut d = Derived::new(folded);
    let mut pos = 0;
    for (start, end, keep) in units {
        d.copy(pos, start);
        // Inside a spaced-out run: copy the kept characters and drop the separators.
        for (i, c) in text.get(start..end).unwrap_or("").char_indices() {
            let at = start + i;
            if keep(c) {
                d.copy(at, at + c.len_utf8());
            }
        }
        pos = end;
    }
    d.copy(pos, text.len());
    d.finish()
}

type Keep = fn(char) -> bool;

/// The byte ranges of spaced-out runs, with a predicate telling which characters of the run to keep.
fn spaced_units(text: &str) -> Vec<(usize, usize, Keep)> {
    // Words: maximal runs of non-space characters, with their char counts.
    let mut runs = Vec::new();
    let mut i = 0;
    let mut words: Vec<(usize, usize, usize)> = Vec::new(); // (start, end, chars)
    while i < text.len() {
        let rest = text.get(i..).unwrap_or("");
        let Some(c) = rest.chars().next() else { break };
        if c == ' ' {
            i += 1;
            continue;
        }
        let start = i;
        let mut chars = 0;
        let mut last = ' ';
        for ch in rest.chars() {
            if ch == ' ' {
                break;
            }
            i += ch.len_utf8();
            chars += 1;
            last = ch;
        }
        // "p:" at the end of "w h a t s a p p: ..." counts as one spaced-out character.
        if chars == 2 && matches!(last, ':' | ',') {
            chars = 1;
        }
        words.push((start, i, chars));
    }
    // 1) Whitespace-separated single characters.
    let mut k = 0;
    while k < words.len() {
        let mut j = k;
        let mut letters = 0;
        while let Some(&(s, e, n)) = words.get(j) {
            if n != 1 {
                break;
            }
            if let Some(&(_, prev_end, _)) = j
                .checked_sub(1)
                .and_then(|p| words.get(p))
                .filter(|_| j > k)
                && s - prev_end > 3
            {
                break;
            }
            if text
                .get(s..e)
                .and_then(|w| w.chars().next())
                .is_some_and(char::is_alphabetic)
            {
                letters += 1;
            }
            j += 1;
        }
        if j - k >= 4 && letters >= 3 {
            if let (Some(&(s, _, _)), Some(&(_, e, _))) = (words.get(k), words.get(j - 1)) {
                runs.push((s, e, (|c: char| c != ' ') as Keep));
            }
            k = j;
        } else {
            // 2) A word made of single letters separated by one repeated punctuation mark.
            if let Some(&(s, e, n)) = words.get(k)
                && n >= 7
                && let Some(w) = text.get(s..e)
                && let Some((rs, re)) = punct_spaced(w)
            {
                runs.push((s + rs, s + re, (|c: char| c.is_alphanumeric()) as Keep));
            }
            k = j.max(k + 1);
        }
    }
    runs
}

/// In one space-free word, the byte range of a letter-punct-letter-punct... run of at least four letters using one
/// separator from `.-_*·/`.
fn punct_spaced(w: &str) -> Option<(usize, usize)> {
    let chars: Vec<(usize, char)> = w.char_indices().collect();
    let mut k = 0;
    while k < chars.len() {
        let Some(&(start, c0)) = chars.get(k) else {
            break;
        };
        if !c0.is_alphabetic() {
            k += 1;
            continue;
        }
        let sep = chars.get(k + 1).map(|&(_, c)| c);
        let Some(sep) = sep.filter(|c| matches!(c, '.' | '-' | '_' | '*' | '·' | '/')) else {
            k += 1;
            continue;
        };
        let mut j = k;
        let mut letters = 1;
        while chars.get(j + 1).map(|&(_, c)| c) == Some(sep)
            && chars.get(j + 2).is_some_and(|&(_, c)| c.is_alphabetic())
            && !chars.get(j + 3).is_some_and(|&(_, c)| c.is_alphabetic())
        {
            j += 2;
            letters += 1;
        }
        if letters >= 4 {
            let end = chars.get(j).map_or(w.len(), |&(i, c)| i + c.len_utf8());
            return Some((start, end));
        }
        k = j + 1;
    }
    None
}

/// Leetspeak characters inside words, read as letters.
fn leet(c: char) -> Option<char> {
    Some(match c {
        '0' => 'o',
        '1' | '!' | '|' => 'i',
        '2' => 'z',
        '3' => 'e',
        '4' | '@' => 'a',
        '5' | '$' => 's',
        '6' => 'g',
        '7' | '+' => 't',
        '8' => 'b',
        '9' => 'g',
        '€' => 'e',
        _ => return None,
    })
}

fn is_wordish(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '@' | '$' | '!' | '|' | '+' | '€' | '\'' | '’')
}

/// The letters view: inside a word that has letters (and not more other characters than letters plus one), digits and
/// leet symbols are read as letters and apostrophes dropped. Symbols at the edges of a word are left alone ("@name", "wow!").
fn letters_view(compact: &Normalized) -> Normalized {
    let text = compact.text.as_str();
    let mut d = Derived::new(compact);
    let mut changed = false;
    let mut pos = 0;
    let mut i = 0;
    while i < text.len() {
        let rest = text.get(i..).unwrap_or("");
        let Some(c) = rest.chars().next() else { break };
        if !is_wordish(c) {
            i += c.len_utf8();
            continue;
        }
        // A word: maximal run of word-ish characters, then trimmed of non-alphanumeric edges.
        let start = i;
        let mut end = i;
        for ch in rest.chars() {
            if !is_wordish(ch) {
                break;
            }
            end += ch.len_utf8();
        }
        i = end;
        let word = text.get(start..end).unwrap_or("");
        let lead = word.len()
            - word
                .trim_start_matches(|c: char| !c.is_alphanumeric())
                .len();
        let trail = word.len() - word.trim_end_matches(|c: char| !c.is_alphanumeric()).len();
        if lead + trail >= word.len() {
            continue;
        }
        let (ws, we) = (start + lead, end - trail);
        let inner = text.get(ws..we).unwrap_or("");
        let letters = inner.chars().filter(|c| c.is_alphabetic()).count();
        let others = inner.chars().filter(|c| !c.is_alphabetic()).count();
        // "wh4ts4pp", "p@ypal", "m3": a word with letters in it; "2024", "@" and "+1" stay as they are.
        if letters == 0 || others == 0 || others > letters + 1 {
            continue;
        }
        d.copy(pos, ws);
        for (k, ch) in inner.char_indices() {
            let at = ws + k;
            if ch.is_alphabetic() {
                d.copy(at, at + ch.len_utf8());
            } else if ch == '\'' || ch == '’' {
                // dropped
            } else if let Some(l) = leet(ch) {
                let mut buf = [0u8; 4];
                d.write(l.encode_utf8(&mut buf), at, at + ch.len_utf8());
            } else {
                d.copy(at, at + ch.len_utf8());
            }
        }
        pos = we;
        changed = true;
    }
    if !changed {
        return compact.clone();
    }
    d.copy(pos, text.len());
    d.finish()
}

// ---------------------------------------------------------------------------------------------------------------------
// The phone view.

/// How a stretch of the phone view was rewritten.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rewrite {
    /// Number words read as digits ("four one five", "fifty-five", "seis uno dos").
    Spelled,
    /// Letters standing for digits ("4l5", "Ol72").
    Swapped,
    /// Separators between digits that a phone number does not use (emoji, underscores, stars, commas between words).
    Separator,
}

/// The folded view with phone-like runs rewritten to digits, and where it was rewritten.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhoneView {
    pub view: Normalized,
    /// Rewritten stretches, as byte ranges of `view.text`, in order.
    pub rewrites: Vec<(usize, usize, Rewrite)>,
    /// The number of ASCII digits in `view.text`.
    pub digit_count: usize,
}

impl PhoneView {
    /// Builds the phone view from the folded view of a text.
    pub fn new(folded: &Normalized) -> PhoneView {
        numbers::phone_view(folded)
    }

    /// The strongest rewrite that overlaps view bytes `start..end`, if any.
    pub fn rewrite_in(&self, start: usize, end: usize) -> Option<Rewrite> {
        let mut best = None;
        for &(s, e, kind) in &self.rewrites {
            if s < end && start < e {
                best = match (best, kind) {
                    (_, Rewrite::Spelled) => Some(Rewrite::Spelled),
                    (Some(Rewrite::Spelled), _) => best,
                    (_, Rewrite::Swapped) => Some(Rewrite::Swapped),
                    (None, k) => Some(k),
                    (b, _) => b,
                };
            }
        }
        best
    }
}

#[cfg(test)]
mod tests;
