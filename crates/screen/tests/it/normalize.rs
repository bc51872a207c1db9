//! The normalised views, through `screen::normalize`: one line per case.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // Test helpers may fail loudly.

use screen::normalize::{Normalized, PhoneView, Rewrite};

/// The folded view of `input`, and the original text behind each folded character must round-trip.
fn check_fold(input: &str, expected: &str) {
    let n = Normalized::fold(input);
    assert_eq!(n.text, expected, "fold({input:?})");
    assert_spans_ok(&n, input);
}

fn check_compact(input: &str, expected: &str) {
    let n = Normalized::compact(&Normalized::fold(input));
    assert_eq!(n.text, expected, "compact({input:?})");
    assert_spans_ok(&n, input);
}

fn check_letters(input: &str, expected: &str) {
    let n = Normalized::letters(&Normalized::compact(&Normalized::fold(input)));
    assert_eq!(n.text, expected, "letters({input:?})");
    assert_spans_ok(&n, input);
}

/// The phone view of `input` and the strongest rewrite in it.
fn check_phone(input: &str, expected: &str, rewrite: Option<Rewrite>) {
    let v = PhoneView::new(&Normalized::fold(input));
    assert_eq!(v.view.text, expected, "phone({input:?})");
    assert_eq!(
        v.rewrite_in(0, v.view.text.len()),
        rewrite,
        "rewrite in phone({input:?})"
    );
    assert_spans_ok(&v.view, input);
}

/// Every span of the view is a char-boundary span of the original.
fn assert_spans_ok(n: &Normalized, original: &str) {
    for i in 0..n.text.len() {
        let (s, e) = n.original_span(i, i + 1, original);
        assert!(
            s <= e && e <= original.len(),
            "span {s}..{e} of byte {i} in {original:?}"
        );
        assert!(original.is_char_boundary(s) && original.is_char_boundary(e));
    }
}

/// The original text behind view bytes `start..end` of the phone view.
fn phone_original(input: &str, needle: &str) -> String {
    let v = PhoneView::new(&Normalized::fold(input));
    let at = v.view.text.find(needle).expect("needle in phone view");
    let (s, e) = v.view.original_span(at, at + needle.len(), input);
    input[s..e].to_string()
}

#[test]
fn fold_is_nfkc_lowercase_and_look_alikes() {
    check_fold("Call ME", "call me");
    check_fold("ＷｈａｔｓＡｐｐ", "whatsapp");
    check_fold("ԝһаtѕарр", "whatsapp"); // Cyrillic look-alikes
    check_fold("Ꮃhatsapp", "whatsapp"); // Cherokee W
    check_fold("𝐖𝐡𝐚𝐭𝐬𝐀𝐩𝐩", "whatsapp"); // mathematical bold
    check_fold("ΑΒΕ", "abe"); // Greek capitals
    check_fold("número café", "numero cafe");
    check_fold("ne\u{301}e", "nee"); // decomposed accent
    check_fold("straße", "strasse");
    check_fold("whats\u{200B}app", "whatsapp"); // zero-width space
    check_fold("ﬁne", "fine");
    check_fold("jo＠x.com", "jo@x.com");
    check_fold("我的电话", "我的电话");
    check_fold("😀 ok", "😀 ok");
}

#[test]
fn fold_reads_digits_of_every_script() {
    check_fold("４１５", "415"); // fullwidth
    check_fold("٤١٥", "415"); // Arabic-Indic
    check_fold("۴۱۵", "415"); // extended Arabic-Indic
    check_fold("४१५", "415"); // Devanagari
    check_fold("𝟒𝟏𝟓", "415"); // mathematical bold
    check_fold("④①⑤", "415"); // circled
    check_fold("❹❶❺", "415"); // dingbat negative circled
    check_fold("4\u{FE0F}\u{20E3}1\u{FE0F}\u{20E3}5\u{FE0F}\u{20E3}", "415"); // keycap emoji
    check_fold("¹²³", "123"); // superscripts
}

#[test]
fn fold_has_no_leetspeak() {
    check_fold("wh4ts4pp", "wh4ts4pp");
    check_fold("p@ypal", "p@ypal");
    check_fold("415-555-0172", "415-555-0172");
    check_fold("4l5-555-Ol72", "4l5-555-ol72");
}

#[test]
fn fold_maps_back_to_original_bytes() {
    let s = "Ｃall ٤١٥ now";
    let n = Normalized::fold(s);
    let at = n.text.find("415").unwrap();
    let (a, b) = n.original_span(at, at + 3, s);
    assert_eq!(&s[a..b], "٤١٥");
    let keycap = "x 4\u{FE0F}\u{20E3}5\u{FE0F}\u{20E3} y";
    let n = Normalized::fold(keycap);
    let at = n.text.find("45").unwrap();
    let (a, b) = n.original_span(at, at + 2, keycap);
    assert_eq!(
        &keycap[a..b],
        "4\u{FE0F}\u{20E3}5\u{FE0F}\u{20E3}",
        "trailing keycap marks belong to the digit"
    );
}

#[test]
fn compact_joins_spaced_out_characters() {
    check_compact("w h a t s a p p me", "whatsapp me");
    check_compact("add me on t e l e g r a m", "add me on telegram");
    check_compact("j o h n @ g m a i l . c o m", "john@gmail.com");
    check_compact("w.h.a.t.s.a.p.p", "whatsapp");
    check_compact("W-H-A-T-S-A-P-P", "whatsapp");
    check_compact("a b c", "a b c"); // too short
    check_compact("e.g. u.s.a.", "e.g. u.s.a.");
    check_compact("I am a buyer", "i am a buyer");
}

#[test]
fn letters_read_leetspeak_inside_words() {
    check_letters("wh4ts4pp", "whatsapp");
    check_letters("p@ypal", "paypal");
    check_letters("ca$h app", "cash app");
    check_letters("te1egram", "teiegram");
    check_letters("s3nd m3 th3 c0de", "send me the code");
    check_letters("what's your number", "whats your number");
    check_letters("w h 4 t s 4 p p", "whatsapp");
    check_letters("@john and 2024", "@john and 2024"); // edges and numbers stay
    check_letters("call 415-555-0172", "call 415-555-0172");
}

#[test]
fn phone_view_reads_spelled_numbers() {
    use Rewrite::*;
    check_phone(
        "four one five five five five zero one seven two",
        "4155550172",
        Some(Spelled),
    );
    check_phone(
        "four one five, five five five, oh one seven two",
        "4155550172",
        Some(Spelled),
    );
    check_phone(
        "call 415 five five five 0172",
        "call 415 555 0172",
        Some(Spelled),
    );
    check_phone("double five", "double five", None); // too short for a phone number
    check_phone(
        "four one five double five five zero one seven two",
        "4155550172",
        Some(Spelled),
    );
    check_phone("fifty-five fifty-five", "fifty-five fifty-five", None);
    check_phone(
        "four fifteen, five fifty-five, zero one seventy-two",
        "4155550172",
        Some(Spelled),
    );
    check_phone(
        "eight hundred five five five zero one nine nine",
        "8005550199",
        Some(Spelled),
    );
    check_phone(
        "seis uno dos tres cuatro cinco seis siete ocho",
        "612345678",
        Some(Spelled),
    );
    check_phone(
        "zéro six douze trente-quatre cinquante-six soixante-dix-huit",
        "0612345678",
        Some(Spelled),
    );
    check_phone(
        "zero six quatre-vingt-dix-neuf soixante et onze",
        "zero six quatre-vingt-dix-neuf soixante et onze",
        None,
    );
    check_phone(
        "null eins sieben zwei, einundzwanzig, fünfundfünfzig, neun",
        "017221559",
        Some(Spelled),
    );
    check_phone(
        "nove nove meia dois três quatro cinco seis sete",
        "996234567",
        Some(Spelled),
    );
    check_phone(
        "veintiuno treinta y dos cuarenta y tres cincuenta",
        "21324350",
        Some(Spelled),
    );
}

#[test]
fn phone_view_reads_swaps_and_separators() {
    use Rewrite::*;
    check_phone("4l5-555-Ol72", "415-555-0172", Some(Swapped));
    check_phone("415_555_0172", "415 555 0172", Some(Separator));
    check_phone(
        "4🔸1🔸5🔸5🔸5🔸5🔸0🔸1🔸7🔸2",
        "4155550172",
        Some(Separator),
    );
    check_phone("415 📞 555 📞 0172", "415 555 0172", Some(Separator));
    check_phone("415-555-0172", "415-555-0172", None);
    check_phone("$1,234,567.89", "$1,234,567.89", None);
    check_phone(
        "order #123_456_789_012_345_678",
        "order #123_456_789_012_345_678",
        None,
    ); // too long
    check_phone("2012-01-02 08:00", "2012-01-02 08:00", None);
    check_phone("I have one or two", "i have one or two", None);
    check_phone("oh no", "oh no", None);
    check_phone("um 415 555 0172", "um 415 555 0172", None); // a weak word next to digits stays a word
    check_phone(
        "nove nove oito sete seis cinco quatro tres dois um",
        "9987654321",
        Some(Spelled),
    );
    assert_eq!(
        phone_original(
            "call four one five 555 0172 ok",
            "4155550172".get(0..3).unwrap()
        ),
        "four one five"
    );
    assert_eq!(
        phone_original("x 4l5-555-Ol72 y", "415-555-0172"),
        "4l5-555-Ol72"
    );
}
