//! Property tests: no input panics, every finding is a char-boundary span of the original with `matched` equal to
//! it; and large hostile inputs (64 KiB of digits, emoji, separators) return (linear time).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // Test helpers may fail loudly.

use proptest::prelude::*;
use screen::normalize::{Normalized, PhoneView};
use screen::{Message, Region, Screener};
use std::sync::OnceLock;
use std::time::Instant;

fn screener() -> &'static Screener {
    static S: OnceLock<Screener> = OnceLock::new();
    S.get_or_init(|| Screener::with_defaults().unwrap())
}

fn check_findings(text: &str, region: Option<Region>) {
    let mut m = Message::new(text);
    m.region = region;
    let s = screener().screen(&m);
    for f in &s.findings {
        assert!(f.start <= f.end && f.end <= text.len(), "{f:?} in {text:?}");
        assert!(
            text.is_char_boundary(f.start) && text.is_char_boundary(f.end),
            "{f:?} in {text:?}"
        );
        assert_eq!(f.matched, &text[f.start..f.end]);
    }
}

/// Text made of the pieces the detectors care about, so the generator reaches their code paths.
fn messagey() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just(" ".to_string()),
        "[0-9]{1,4}",
        "[a-zA-Z]{1,8}",
        Just("four".to_string()),
        Just("oh".to_string()),
        Just("fifty-five".to_string()),
        Just("soixante-dix".to_string()),
        Just("@".to_string()),
        Just(" at ".to_string()),
        Just(" dot com".to_string()),
        Just("whatsapp".to_string()),
        Just("wa.me/".to_string()),
        Just("+".to_string()),
        Just("-".to_string()),
        Just("_".to_string()),
        Just("4\u{FE0F}\u{20E3}".to_string()),
        Just("🔸".to_string()),
        Just("\u{0301}".to_string()),
        Just("\u{200B}".to_string()),
        Just("٤".to_string()),
        Just("Ｏ".to_string()),
        Just("ß".to_string()),
        Just("ﬁ".to_string()),
        "\\PC{1,3}",
    ];
    prop::collection::vec(piece, 0..40).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn no_input_panics_and_spans_are_exact(text in "\\PC{0,200}") {
        check_findings(&text, None);
        check_findings(&text, Region::parse("US").ok());
    }

    #[test]
    fn message_like_inputs_keep_spans_exact(text in messagey()) {
        check_findings(&text, None);
        check_findings(&text, Region::parse("DE").ok());
    }

    #[test]
    fn views_map_every_byte_to_a_char_span(text in messagey()) {
        let folded = Normalized::fold(&text);
        let compact = Normalized::compact(&folded);
        let letters = Normalized::letters(&compact);
        let phone = PhoneView::new(&folded);
        for view in [&folded, &compact, &letters, &phone.view] {
            for i in 0..view.text.len() {
                let (s, e) = view.original_span(i, i + 1, &text);
                prop_assert!(s <= e && e <= text.len());
                prop_assert!(text.is_char_boundary(s) && text.is_char_boundary(e));
            }
        }
    }
}

/// 64 KiB of one hostile pattern: the engine returns, and the time is printed (not asserted: machines differ).
fn big(name: &str, unit: &str) {
    // It also times 16 KiB, so the printout shows whether time grows linearly (x4) or worse.
    let mut ms = [0.0; 2];
    let mut findings = 0;
    for (k, size) in [16 * 1024, 64 * 1024].into_iter().enumerate() {
        let mut text = String::with_capacity(size + 16);
        while text.len() + unit.len() <= size {
            text.push_str(unit);
        }
        let started = Instant::now();
        let s = screener().screen(&Message::new(&text));
        ms[k] = started.elapsed().as_secs_f64() * 1e3;
        findings = s.findings.len();
    }
    println!(
        "64 KiB of {name}: {:.2} ms (16 KiB: {:.2} ms), {findings} findings",
        ms[1], ms[0]
    );
}

#[test]
fn large_hostile_inputs_finish() {
    screener();
    big("digits", "4155550172");
    big("one digit", "7");
    big("spaced digits", "4 1 5 ");
    big("emoji", "😀");
    big("keycap digits", "4\u{FE0F}\u{20E3}");
    big("emoji-separated digits", "4🔸");
    big("separators", "-._/ ");
    big("plus signs", "+1");
    big("number words", "four ");
    big("weak words", "o ");
    big("spaced letters", "w ");
    big("at signs", "a@");
    big("spelled emails", "jo at gmail dot ");
    big("combining marks", "a\u{0301}\u{0302}\u{0303}");
    big("zero-width", "\u{200B}");
    big(
        "mixed",
        "call me 4l5-555-Ol72 or jo at gmail dot com, whatsapp: @jo_smith 😀 ",
    );
}
