use super::*;

#[test]
fn region_parses_two_letters_only() {
    assert_eq!(
        Region::parse("us").map(|r| r.to_string()),
        Ok("US".to_string())
    );
    assert!(Region::parse("USA").is_err());
    assert!(Region::parse("1A").is_err());
}

#[test]
fn category_names_round_trip() {
    for c in Category::ALL {
        assert_eq!(Category::parse(c.as_str()), Ok(c));
    }
    assert!(Category::parse("contact.fax").is_err());
}
