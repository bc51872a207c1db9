use super::*;

fn finding(category: &str, start: usize, end: usize) -> StoredFinding {
    StoredFinding {
        category: category.into(),
        start,
        end,
        matched: String::new(),
        normalized: None,
        rule: "r".into(),
        explanation: "why".into(),
        model: None,
    }
}

#[test]
fn masks_data_findings_until_revealed() {
    let text = "call me on 0612345678 <now>";
    let f = [finding("contact.phone", 11, 21)];
    let masked = highlight(text, &f, Reveal::Masked).into_string();
    assert!(!masked.contains("0612345678"), "{masked}");
    assert!(masked.contains("[phone number hidden]"), "{masked}");
    assert!(
        masked.contains("&lt;now&gt;"),
        "text outside findings is escaped: {masked}"
    );
    let shown = highlight(text, &f, Reveal::Shown).into_string();
    assert!(
        shown.contains(
            r#"<mark title="contact.phone: why" data-category="contact.phone">0612345678</mark>"#
        ),
        "{shown}"
    );
}

#[test]
fn requests_are_highlighted_but_not_masked() {
    let text = "send me your password";
    let f = [finding("credential.request", 0, 21)];
    let masked = highlight(text, &f, Reveal::Masked).into_string();
    assert!(masked.contains(">send me your password</mark>"), "{masked}");
}

#[test]
fn overlapping_and_out_of_range_findings_are_safe() {
    let text = "héllo wörld";
    let f = [
        finding("contact.handle", 0, 6),
        finding("contact.request", 3, 8),
        finding("contact.phone", 2, 3), // inside a two-byte character: ignored
        finding("contact.phone", 5, 999),
    ];
    let out = highlight(text, &f, Reveal::Shown).into_string();
    assert_eq!(out.matches("<mark").count(), 1, "{out}");
    assert!(out.ends_with("rld"), "{out}");
}

#[test]
fn masks_contact_details() {
    assert_eq!(email("alice@example.com", Reveal::Masked), "a•••@•••.com");
    assert_eq!(
        email("alice@example.com", Reveal::Shown),
        "alice@example.com"
    );
    assert_eq!(phone("+33 6 12 34 56 78", Reveal::Masked), "•••••••78");
    assert_eq!(
        address(r#"{"line1":"1 rue X","country":"FR"}"#, Reveal::Masked),
        "[address hidden] (FR)"
    );
    assert!(address(r#"{"line1":"1 rue X"}"#, Reveal::Shown).contains("1 rue X"));
}
