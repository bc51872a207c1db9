//! Screens arbitrary UTF-8 with an arbitrary region and sender; every finding must be a char-boundary span of the
//! original text whose `matched` is exactly that slice, and the engine must never panic.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use screen::{Message, Region, Role, Screener};
use std::sync::OnceLock;

#[derive(Debug, Arbitrary)]
struct Input<'a> {
    text: &'a str,
    region: Option<[u8; 2]>,
    seller: Option<bool>,
}

fn screener() -> &'static Screener {
    static S: OnceLock<Screener> = OnceLock::new();
    S.get_or_init(|| match Screener::with_defaults() {
        Ok(s) => s,
        Err(e) => panic!("default config must build: {e}"),
    })
}

fuzz_target!(|input: Input<'_>| {
    let region = input
        .region
        .and_then(|r| std::str::from_utf8(&r).ok().and_then(|r| Region::parse(r).ok()));
    let sender = input.seller.map(|s| if s { Role::Seller } else { Role::Buyer });
    let message = Message {
        text: input.text,
        region,
        sender,
    };
    let screening = screener().screen(&message);
    let text = input.text;
    for f in &screening.findings {
        assert!(f.start <= f.end && f.end <= text.len(), "{f:?}");
        assert!(text.is_char_boundary(f.start) && text.is_char_boundary(f.end), "{f:?}");
        assert_eq!(Some(f.matched.as_str()), text.get(f.start..f.end));
    }
});
