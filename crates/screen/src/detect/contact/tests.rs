use crate::{Category, Message, Screener};

fn rules(text: &str) -> Vec<&'static str> {
    let s = Screener::with_defaults().unwrap();
    let mut r: Vec<&'static str> = s
        .screen(&Message::new(text))
        .findings
        .into_iter()
        .filter(|f| {
            matches!(
                f.category,
                Category::ContactPhone
                    | Category::ContactEmail
                    | Category::ContactHandle
                    | Category::ContactRequest
            )
        })
        .map(|f| f.rule)
        .collect();
    r.sort();
    r
}

#[test]
fn overlaps_is_strict() {
    assert!(super::overlaps((0, 5), (4, 6)));
    assert!(!super::overlaps((0, 5), (5, 6)));
}

#[test]
fn the_four_categories_fire() {
    // The spec's example: pointing at one's own number is contact.phone only.
    assert_eq!(rules("call me at 415 555 0172"), ["phone.digits"]);
    assert_eq!(rules("call me tomorrow"), ["request.reach_me"]);
    assert_eq!(rules("jo@example.com"), ["email.address"]);
    assert_eq!(rules("t.me/jo_smith"), ["handle.link"]);
    assert_eq!(rules("what's your number?"), ["request.details"]);
}
