//! The phone view: runs of digits, number words and letter-for-digit swaps, joined by any separators, rewritten to
//! plain digits so that a phone-number matcher (with real numbering-plan metadata) can read them.
//!
//! Hand-rolled: no crate reads spelled-out numbers in five languages with a byte map back to the text. It is one
//! linear pass over the folded view: tokens, then items (digit groups, number-word phrases), then runs.

use super::{Derived, Normalized, PhoneView, Rewrite};

/// A number word, by role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum W {
    /// 0-9.
    Unit(u8),
    /// 0-9, but also an ordinary word ("o", "oh", "un", "dos" in Portuguese, "null"): a digit only next to another
    /// number in a run.
    Weak(u8),
    /// 10-19.
    Teen(u8),
    /// 20, 30, ... 90 (the tens digit).
    Tens(u8),
    /// "vingt": 20, or with "quatre" before it 80.
    Vingt,
    /// A two-digit value in one word ("veintiuno", "fünfundfünfzig").
    Two(u8),
    Hundred,
    /// "double", "triple".
    Mult(u8),
    /// "and", "y", "e", "et", "und" inside a compound ("vingt et un", "treinta y uno", "cinquenta e cinco").
    Conn,
}

fn unit_word(w: &str) -> Option<u8> {
    Some(match w {
        "zero" | "nought" | "cero" | "null" | "nul" => 0,
        "one" | "uno" | "eins" => 1,
        "two" | "deux" | "zwei" | "zwo" | "dois" | "duas" => 2,
        "three" | "tres" | "trois" | "drei" => 3,
        "four" | "cuatro" | "quatre" | "vier" | "quatro" => 4,
        "five" | "cinco" | "cinq" | "funf" | "fuenf" => 5,
        "six" | "seis" | "sechs" => 6,
        "seven" | "siete" | "sept" | "sieben" | "sete" => 7,
        "eight" | "ocho" | "huit" | "acht" | "oito" => 8,
        "nine" | "nueve" | "neuf" | "neun" | "nove" => 9,
        _ => return None,
    })
}

fn weak_word(w: &str) -> Option<u8> {
    Some(match w {
        "o" | "oh" => 0,
        "un" | "une" | "um" | "uma" | "una" | "ein" | "eine" => 1,
        "dos" => 2,
        "meia" => 6,
        _ => return None,
    })
}

fn teen_word(w: &str) -> Option<u8> {
    Some(match w {
        "ten" | "diez" | "dix" | "zehn" | "dez" => 10,
        "eleven" | "once" | "onze" | "elf" => 11,
        "twelve" | "doce" | "douze" | "zwolf" | "zwoelf" | "doze" => 12,
        "thirteen" | "trece" | "treize" | "dreizehn" | "treze" => 13,
        "fourteen" | "catorce" | "quatorze" | "vierzehn" | "catorze" => 14,
        "fifteen" | "quince" | "quinze" | "funfzehn" | "fuenfzehn" => 15,
        "sixteen" | "dieciseis" | "seize" | "sechzehn" | "dezesseis" | "dezasseis" => 16,
        "seventeen" | "diecisiete" | "siebzehn" | "dezessete" | "dezassete" => 17,
        "eighteen" | "dieciocho" | "achtzehn" | "dezoito" => 18,
        "nineteen" | "diecinueve" | "neunzehn" | "dezenove" | "dezanove" => 19,
        _ => return None,
    })
}

fn tens_word(w: &str) -> Option<u8> {
    Some(match w {
        "twenty" | "veinte" | "zwanzig" | "vinte" => 2,
        "thirty" | "treinta" | "trente" | "dreissig" | "dreisig" | "trinta" => 3,
        "forty" | "fourty" | "cuarenta" | "quarante" | "vierzig" | "quarenta" => 4,
        "fifty" | "cincuenta" | "cinquante" | "funfzig" | "fuenfzig" | "cinquenta" => 5,
        "sixty" | "sesenta" | "soixante" | "sechzig" | "sessenta" => 6,
        "seventy" | "setenta" | "septante" | "siebzig" => 7,
        "eighty" | "ochenta" | "huitante" | "octante" | "achtzig" | "oitenta" => 8,
        "ninety" | "noventa" | "nonante" | "neunzig" => 9,
        _ => return None,
    })
}

/// Spanish 21-29 in one word.
fn veinti(w: &str) -> Option<u8> {
    let rest = w.strip_prefix("veinti")?;
    unit_word(rest)
        .or_else(|| weak_word(rest).filter(|_| rest == "un" || rest == "una"))
        .map(|u| 20 + u)
}

/// German compounds "einundzwanzig", "fünfundfünfzig" (folded "funfundfunfzig").
fn und_compound(w: &str) -> Option<u8> {
    let (unit, tens) = w.split_once("und")?;
    let u = match unit {
        "ein" => 1,
        _ => unit_word(unit)?,
    };
    Some(tens_word(tens)? * 10 + u)
}

fn classify(w: &str) -> Option<W> {
    if w.len() > 16 {
        return None;
    }
    if let Some(u) = unit_word(w) {
        return Some(W::Unit(u));
    }
    if let Some(u) = weak_word(w) {
        return Some(W::Weak(u));
    }
    if let Some(t) = teen_word(w) {
        return Some(W::Teen(t));
    }
    if w == "vingt" || w == "vingts" {
        return Some(W::Vingt);
    }
    if let Some(t) = tens_word(w) {
        return Some(W::Tens(t));
    }
    match w {
        "hundred" | "hundert" | "cien" | "ciento" | "cent" | "cents" | "cem" | "cento" => {
            return Some(W::Hundred);
        }
        "double" | "doble" | "doppel" | "duplo" | "dupla" => return Some(W::Mult(2)),
        "triple" | "triplo" | "tripla" | "dreifach" => return Some(W::Mult(3)),
        "and" | "y" | "e" | "et" | "und" => return Some(W::Conn),
        _ => {}
    }
    veinti(w).or_else(|| und_compound(w)).map(W::Two)
}

/// Separators a phone number may carry that the matcher reads itself: kept as they are between digit groups.
fn is_phone_punct(c: char) -> bool {
    matches!(
        c,
        '-' | '.' | '/' | '(' | ')' | '~' | '[' | ']' | '\u{2010}'..='\u{2015}' | '\u{2212}'
    )
}

/// Characters that end a run: they say the digits are something else (a price, a percentage, a time, an order
/// number, an addition, an email address) or are sentence punctuation.
fn is_hard(c: char) -> bool {
    matches!(
        c,
        '+' | '#'
            | ':'
            | '$'
            | '%'
            | '@'
            | '&'
            | '!'
            | '?'
            | ';'
            | '='
            | '<'
            | '>'
            | '\''
            | '’'
            | '"'
            | '°'
    ) || matches!(c, '\u{20A0}'..='\u{20CF}' | '£' | '¥' | '¢' | '¤')
        || (c.is_alphanumeric() && !c.is_alphabetic() && !c.is_ascii_digit())
}

/// Letters that stand for digits when glued to digits.
fn swap_digit(c: char) -> Option<char> {
    match c {
        'o' => Some('0'),
        'l' | 'i' => Some('1'),
        _ => None,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tok {
    Digits,
    Word,
    Gap,
    Hard,
}

/// What a gap between two numbers holds.
#[derive(Debug, Clone, Copy, Default)]
struct GapInfo {
    chars: usize,
    soft: bool,
    comma: bool,
    /// Only spaces, hyphens and commas: what separates words of one spelled number.
    wordish: bool,
}

#[derive(Debug, Clone)]
enum El {
    Digits(usize, usize),
    Swap(usize, usize),
    Word(usize, usize, W),
    Gap(usize, usize, GapInfo),
    Break,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ItemKind {
    Plain,
    Swapped,
    Spelled,
}

#[derive(Debug, Clone)]
struct Item {
    start: usize,
    end: usize,
    digits: String,
    kind: ItemKind,
    weak: bool,
}

/// Splits the folded text into digit groups, words, gaps and hard characters.
fn tokens(text: &str) -> Vec<(Tok, usize, usize)> {
    let mut out: Vec<(Tok, usize, usize)> = Vec::new();
    for (i, c) in text.char_indices() {
        let end = i + c.len_utf8();
        let kind = if c.is_ascii_digit() {
            Tok::Digits
        } else if c.is_alphabetic() {
            Tok::Word
        } else if is_hard(c) {
            Tok::Hard
        } else {
            Tok::Gap
        };
        match out.last_mut() {
            Some((k, _, e)) if *k == kind && kind != Tok::Hard => *e = end,
            _ => out.push((kind, i, end)),
        }
    }
    out
}

fn gap_info(s: &str) -> GapInfo {
    let mut g = GapInfo {
        wordish: true,
        ..GapInfo::default()
    };
    for c in s.chars() {
        g.chars += 1;
        if c == ',' {
            g.comma = true;
        } else if !(c == ' ' || is_phone_punct(c)) {
            g.soft = true;
        }
        if !matches!(c, ' ' | '-' | ',' | '\u{2010}'..='\u{2015}') {
            g.wordish = false;
        }
    }
    g
}

fn elements(text: &str) -> Vec<El> {
    let toks = tokens(text);
    let mut els = Vec::with_capacity(toks.len());
    for (k, &(kind, s, e)) in toks.iter().enumerate() {
        let piece = text.get(s..e).unwrap_or("");
        match kind {
            Tok::Digits => els.push(El::Digits(s, e)),
            Tok::Hard => els.push(El::Break),
            Tok::Gap => els.push(El::Gap(s, e, gap_info(piece))),
            Tok::Word => {
                let glued_digit = |j: Option<usize>| {
                    j.and_then(|j| toks.get(j))
                        .is_some_and(|t| t.0 == Tok::Digits)
                };
                let swappable = piece.len() <= 4 && piece.chars().all(|c| swap_digit(c).is_some());
                if swappable && (glued_digit(k.checked_sub(1)) || glued_digit(Some(k + 1))) {
                    els.push(El::Swap(s, e));
                } else if is_separator_word(piece) {
                    // "6 4 6 (space) 5 5 5", "415 dash 555", "312 and then 555-0196": a soft gap of one char.
                    els.push(El::Gap(
                        s,
                        e,
                        GapInfo {
                            chars: 1,
                            soft: true,
                            comma: false,
                            wordish: false,
                        },
                    ));
                } else if let Some(w) = classify(piece) {
                    els.push(El::Word(s, e, w));
                } else {
                    els.push(El::Break);
                }
            }
        }
    }
    els
}

/// Words that stand between the parts of a number written out piece by piece: spelled separators ("space", "dash")
/// and "then" in the five languages. "and" is read by the spelled-number parser and joins two numbers when it is not
/// part of a compound (see `pieces`).
fn is_separator_word(w: &str) -> bool {
    matches!(
        w,
        "space"
            | "dash"
            | "hyphen"
            | "espacio"
            | "guion"
            | "tiret"
            | "espace"
            | "leerzeichen"
            | "strich"
            | "espaco"
            | "traco"
            | "then"
            | "luego"
            | "despues"
            | "puis"
            | "ensuite"
            | "dann"
            | "depois"
    )
}

/// The next word element after `i`, skipping one gap that only joins words of one number.
fn next_word(els: &[El], i: usize) -> Option<(usize, usize, W, usize)> {
    let mut j = i + 1;
    if let Some(El::Gap(_, _, g)) = els.get(j) {
        if !g.wordish || g.comma || g.chars > 2 {
            return None;
        }
        j += 1;
    }
    match els.get(j) {
        Some(&El::Word(_, e, w)) => Some((j, e, w, j)),
        _ => None,
    }
}

/// The next word after `i`, also skipping a connector word ("et", "y", "e", "and", "und").
fn next_word_conn(els: &[El], i: usize) -> Option<(usize, usize, W, usize)> {
    let n = next_word(els, i)?;
    if n.2 == W::Conn {
        next_word(els, n.0)
    } else {
        Some(n)
    }
}

fn unit_of(w: W) -> Option<u8> {
    match w {
        W::Unit(u) | W::Weak(u) => Some(u),
        _ => None,
    }
}

/// Parses one spelled number starting at word element `i`: its digits, its end byte, the last element used and
/// whether it is weak (a lone ordinary word such as "o" or "un").
fn spelled(els: &[El], i: usize, w: W) -> Option<(String, usize, usize, bool)> {
    let two = |v: u8| format!("{:02}", v);
    // Tens followed by a unit (or, for 60 and 80, by a teen: "soixante-douze", "quatre-vingt-dix-neuf").
    let tens_from = |t: u8, at: usize, end: usize| -> (String, usize, usize) {
        if let Some((j, e, nw, _)) = next_word_conn(els, at) {
            if let Some(u) = unit_of(nw).filter(|&u| u > 0) {
                return (two(t * 10 + u), e, j);
            }
            if let (true, W::Teen(n)) = (t == 6 || t == 8, nw) {
                // "dix-sept" inside "soixante-dix-sept".
                if n == 10
                    && let Some((k, e2, W::Unit(u), _)) = next_word(els, j)
                    && (7..=9).contains(&u)
                {
                    return (two(t * 10 + 10 + u), e2, k);
                }
                return (two(t * 10 + n), e, j);
            }
        }
        (two(t * 10), end, at)
    };
    let El::Word(_, end, _) = els.get(i)? else {
        return None;
    };
    let end = *end;
    Some(match w {
        W::Conn | W::Hundred => return None,
        W::Mult(k) => {
            let (j, e, nw, _) = next_word(els, i)?;
            let u = unit_of(nw)?;
            (u.to_string().repeat(k as usize), e, j, false)
        }
        W::Unit(u) | W::Weak(u) => {
            let weak = matches!(w, W::Weak(_));
            if let Some((j, e, nw, _)) = next_word(els, i) {
                if u == 4 && nw == W::Vingt {
                    let (d, e, j) = tens_from(8, j, e);
                    return Some((d, e, j, false));
                }
                if nw == W::Hundred && u > 0 {
                    // "eight hundred", "five hundred fifty-five", "two hundred and one".
                    if let Some((k, e2, rest, _)) = next_word_conn(els, j) {
                        match rest {
                            W::Tens(t) => {
                                let (d, e3, k) = tens_from(t, k, e2);
                                return Some((format!("{u}{d}"), e3, k, false));
                            }
                            W::Teen(n) => return Some((format!("{u}{n}"), e2, k, false)),
                            // "two hundred and one" is 201, but "eight hundred five five five" is 800 5 5 5.
                            W::Unit(r)
                                if r > 0 && next_word(els, j).is_some_and(|n| n.2 == W::Conn) =>
                            {
                                return Some((format!("{u}0{r}"), e2, k, false));
                            }
                            _ => {}
                        }
                    }
                    return Some((format!("{u}00"), e, j, false));
                }
            }
            (u.to_string(), end, i, weak)
        }
        W::Teen(n) => {
            if n == 10
                && let Some((j, e, W::Unit(u), _)) = next_word(els, i)
                && (7..=9).contains(&u)
            {
                return Some((two(10 + u), e, j, false));
            }
            (two(n), end, i, false)
        }
        W::Vingt => {
            let (d, e, j) = tens_from(2, i, end);
            (d, e, j, false)
        }
        W::Tens(t) => {
            let (d, e, j) = tens_from(t, i, end);
            (d, e, j, false)
        }
        W::Two(v) => (two(v), end, i, false),
    })
}

/// Items (numbers) and the gaps between them; `None` separates runs.
enum Piece {
    Item(Item),
    Gap(usize, usize, GapInfo),
    Break,
}

fn pieces(text: &str, els: &[El]) -> Vec<Piece> {
    let mut out = Vec::with_capacity(els.len());
    let mut i = 0;
    while let Some(el) = els.get(i) {
        match *el {
            El::Digits(s, e) => out.push(Piece::Item(Item {
                start: s,
                end: e,
                digits: text.get(s..e).unwrap_or("").to_string(),
                kind: ItemKind::Plain,
                weak: false,
            })),
            El::Swap(s, e) => out.push(Piece::Item(Item {
                start: s,
                end: e,
                digits: text
                    .get(s..e)
                    .unwrap_or("")
                    .chars()
                    .filter_map(swap_digit)
                    .collect(),
                kind: ItemKind::Swapped,
                weak: false,
            })),
            El::Gap(s, e, g) => out.push(Piece::Gap(s, e, g)),
            El::Break => out.push(Piece::Break),
            El::Word(s, _, w) => match spelled(els, i, w) {
                Some((digits, end, last, weak)) => {
                    out.push(Piece::Item(Item {
                        start: s,
                        end,
                        digits,
                        kind: ItemKind::Spelled,
                        weak,
                    }));
                    i = last;
                }
                None if w == W::Conn => out.push(Piece::Gap(
                    s,
                    els.get(i).map_or(s, |el| match *el {
                        El::Word(_, e, _) => e,
                        _ => s,
                    }),
                    GapInfo {
                        chars: 1,
                        soft: true,
                        comma: false,
                        wordish: false,
                    },
                )),
                None => out.push(Piece::Break),
            },
        }
        i += 1;
    }
    out
}

/// A run: its items, the gaps between them and the gaps' byte ranges.
type Run = (Vec<Item>, Vec<GapInfo>, Vec<(usize, usize)>);

/// The phone view of a folded text.
pub(super) fn phone_view(folded: &Normalized) -> PhoneView {
    let text = folded.text.as_str();
    let plain_digits = text.bytes().filter(u8::is_ascii_digit).count();
    let has_words = text.bytes().any(|b| b.is_ascii_alphabetic());
    if !has_words && plain_digits < 7 {
        return PhoneView {
            view: folded.clone(),
            rewrites: Vec::new(),
            digit_count: plain_digits,
        };
    }
    let els = elements(text);
    let pieces = pieces(text, &els);

    // Group pieces into runs: items joined by acceptable gaps.
    let mut runs: Vec<Run> = Vec::new();
    let mut cur_items: Vec<Item> = Vec::new();
    let mut cur_gaps: Vec<GapInfo> = Vec::new();
    let mut cur_gap_spans: Vec<(usize, usize)> = Vec::new();
    let mut pending_gap: Option<(usize, usize, GapInfo)> = None;
    let flush = |items: &mut Vec<Item>,
                 gaps: &mut Vec<GapInfo>,
                 spans: &mut Vec<(usize, usize)>,
                 runs: &mut Vec<_>| {
        if !items.is_empty() {
            runs.push((
                std::mem::take(items),
                std::mem::take(gaps),
                std::mem::take(spans),
            ));
        }
        gaps.clear();
        spans.clear();
    };
    for piece in pieces {
        match piece {
            Piece::Break => {
                flush(&mut cur_items, &mut cur_gaps, &mut cur_gap_spans, &mut runs);
                pending_gap = None;
            }
            Piece::Gap(s, e, g) => {
                if cur_items.is_empty() {
                    continue;
                }
                // Consecutive gaps (" ", "then", " ") make one gap.
                pending_gap = Some(match pending_gap.take() {
                    Some((ps, _, pg)) => (
                        ps,
                        e,
                        GapInfo {
                            chars: pg.chars + g.chars,
                            soft: pg.soft || g.soft,
                            comma: pg.comma || g.comma,
                            wordish: pg.wordish && g.wordish,
                        },
                    ),
                    None => (s, e, g),
                });
            }
            Piece::Item(item) => {
                if let Some(prev) = cur_items.last() {
                    let (gs, ge, g) =
                        pending_gap
                            .take()
                            .unwrap_or((prev.end, item.start, GapInfo::default()));
                    let spelled_side =
                        prev.kind == ItemKind::Spelled || item.kind == ItemKind::Spelled;
                    let ok = g.chars <= 8 && (!g.comma || spelled_side);
                    if !ok {
                        flush(&mut cur_items, &mut cur_gaps, &mut cur_gap_spans, &mut runs);
                    } else {
                        cur_gaps.push(g);
                        cur_gap_spans.push((gs, ge));
                    }
                }
                pending_gap = None;
                cur_items.push(item);
            }
        }
    }
    flush(&mut cur_items, &mut cur_gaps, &mut cur_gap_spans, &mut runs);

    let mut d = Derived::new(folded);
    let mut rewrites = Vec::new();
    let mut pos = 0;
    for (items, gaps, gap_spans) in runs {
        // Weak words ("o", "un", "um") at the ends of a run are ordinary words, unless a number word stands next to
        // them ("... dois um").
        let strong_word = |i: usize| {
            items
                .get(i)
                .is_some_and(|it| it.kind == ItemKind::Spelled && !it.weak)
        };
        let Some(lo) = (0..items.len())
            .find(|&i| items.get(i).is_some_and(|it| !it.weak) || strong_word(i + 1))
        else {
            continue;
        };
        let hi = (lo..items.len())
            .rev()
            .find(|&i| items.get(i).is_some_and(|it| !it.weak) || (i > 0 && strong_word(i - 1)))
            .unwrap_or(lo);
        let items = items.get(lo..=hi).unwrap_or(&[]);
        let gaps = gaps.get(lo..hi).unwrap_or(&[]);
        let gap_spans = gap_spans.get(lo..hi).unwrap_or(&[]);
        let total: usize = items.iter().map(|it| it.digits.len()).sum();
        let needs = items.iter().any(|it| it.kind != ItemKind::Plain)
            || gaps.iter().any(|g| g.soft || g.comma);
        if !(7..=17).contains(&total) || !needs {
            continue;
        }
        let (Some(first), Some(last)) = (items.first(), items.last()) else {
            continue;
        };
        let (run_start, run_end) = (first.start, last.end);
        d.copy(pos, run_start);
        for (k, item) in items.iter().enumerate() {
            if k > 0 {
                let prev = items.get(k - 1);
                let (Some(g), Some(&(gs, ge)), Some(prev)) =
                    (gaps.get(k - 1), gap_spans.get(k - 1), prev)
                else {
                    continue;
                };
                let both_spelled = prev.kind == ItemKind::Spelled && item.kind == ItemKind::Spelled;
                let singles = prev.digits.len() == 1 && item.digits.len() == 1;
                if ge <= gs {
                    // glued: nothing between
                } else if !g.soft
                    && !g.comma
                    && !both_spelled
                    && prev.kind != ItemKind::Spelled
                    && item.kind != ItemKind::Spelled
                {
                    d.copy(gs, ge);
                } else if (both_spelled && g.wordish) || (singles && (g.soft || g.comma)) {
                    let at = d.out.text.len();
                    d.write("", gs, ge);
                    if g.soft || g.comma {
                        rewrites.push((at, at, Rewrite::Separator));
                    }
                } else {
                    let at = d.out.text.len();
                    d.write(" ", gs, ge);
                    if g.soft || g.comma {
                        rewrites.push((at, at + 1, Rewrite::Separator));
                    }
                }
            }
            let at = d.out.text.len();
            match item.kind {
                ItemKind::Plain => d.copy(item.start, item.end),
                ItemKind::Swapped | ItemKind::Spelled => {
                    d.write(&item.digits, item.start, item.end)
                }
            }
            match item.kind {
                ItemKind::Plain => {}
                ItemKind::Swapped => rewrites.push((at, d.out.text.len(), Rewrite::Swapped)),
                ItemKind::Spelled => rewrites.push((at, d.out.text.len(), Rewrite::Spelled)),
            }
        }
        pos = run_end;
    }
    if pos == 0 && rewrites.is_empty() {
        return PhoneView {
            view: folded.clone(),
            rewrites,
            digit_count: plain_digits,
        };
    }
    d.copy(pos, text.len());
    let view = d.finish();
    let digit_count = view.text.bytes().filter(u8::is_ascii_digit).count();
    PhoneView {
        view,
        rewrites,
        digit_count,
    }
}
