use crate::*;

#[test]
fn tokens_round_trip_and_refuse_what_they_do_not_know() {
    for a in Action::ALL {
        assert_eq!(Action::parse(a.as_str()), Some(*a));
        assert_eq!(a.as_str().parse::<Action>(), Ok(*a));
    }
    assert_eq!(Action::parse("deliverr"), None);
    let e = "deliverr".parse::<Action>().unwrap_err();
    assert_eq!(
        e.to_string(),
        "`deliverr` is not a valid Action: expected one of deliver, deliver_with_warning, deliver_redacted, block, hold"
    );
    assert!(Action::Hold > Action::Block);
    assert_eq!(StepLevel::Reinstated, "reinstated");
    assert_eq!(
        StepLevel::from(Level::Suspended).ladder(),
        Some(Level::Suspended)
    );
    assert_eq!(StepLevel::Reinstated.ladder(), None);
}

#[test]
fn tokens_serialise_as_their_text() {
    assert_eq!(
        serde_json::to_string(&CaseState::InReview).unwrap(),
        "\"in_review\""
    );
    assert_eq!(
        serde_json::from_str::<Status>("\"warned\"").unwrap(),
        Status::Warned
    );
    assert!(serde_json::from_str::<Status>("\"sleepy\"").is_err());
}

#[test]
fn json_columns_read_what_they_wrote_and_refuse_the_rest() {
    let findings = StoredFindings(vec![StoredFinding {
        category: "contact.phone".into(),
        start: 0,
        end: 3,
        matched: "555".into(),
        normalized: None,
        rule: "phone.digits".into(),
        explanation: "a phone number".into(),
        model: None,
    }]);
    assert_eq!(
        StoredFindings::from_json(&findings.to_json()).unwrap(),
        findings
    );
    assert!(StoredFindings::from_json("{not json").is_err());
    assert!(StoredFindings::from_json("[{\"category\": 1}]").is_err());
    let reasons = Reasons(vec![Reason {
        code: "seller_restricted".into(),
        message: "no".into(),
    }]);
    assert_eq!(Reasons::from_json(&reasons.to_json()).unwrap(), reasons);
    assert!(Reasons::from_json("null").is_err());
}
