use time::macros::datetime;

use super::*;

const NOW: OffsetDateTime = datetime!(2026-11-25 12:00 UTC);

fn policy() -> CasePolicy {
    CasePolicy::parse(BUILTIN).unwrap()
}

#[test]
fn the_builtin_policy_is_valid_and_puts_phishing_and_credential_requests_first() {
    let p = policy();
    assert_eq!(p.version, "cases-2026-11-25");
    let r = |s| p.route(s);
    for urgent in [
        Source::Report(ReportCategory::Phishing),
        Source::Report(ReportCategory::CredentialRequest),
    ] {
        assert_eq!(r(urgent).priority, 1, "{urgent:?}");
        assert_eq!(r(urgent).queue, "account_takeover");
    }
    for c in ReportCategory::ALL {
        assert!(r(Source::Report(*c)).priority >= 1);
    }
    assert!(r(Source::Report(ReportCategory::Counterfeit)).priority > 1);
    assert_eq!(r(Source::HeldMessage).queue, "held_messages");
    assert_eq!(r(Source::Appeal).queue, "appeals");
    assert_eq!(
        r(Source::Report(ReportCategory::Phishing)).due,
        Duration::hours(4)
    );
}

#[test]
fn a_policy_must_route_every_category_and_source_exactly_once() {
    let check = |doc: &str, expected: &str| {
        let err = CasePolicy::parse(doc).unwrap_err().to_string();
        assert!(err.contains(expected), "{err}");
    };
    let head = "version = \"v\"\nlock_minutes = 10\nrestrict_hours = 1\n";
    let all = "categories = [\"phone_request\", \"off_platform_payment\", \"phishing\", \"credential_request\", \"harassment\", \"counterfeit\", \"other\"]";
    check(
        &format!(
            "{head}[[queue]]\nname = \"a\"\npriority = 1\ndue_hours = 1\ncategories = [\"phishing\"]\n"
        ),
        "category `phone_request` is in 0 queues",
    );
    check(
        &format!(
            "{head}[[queue]]\nname = \"a\"\npriority = 1\ndue_hours = 1\n{all}\nsources = [\"appeal\"]\n"
        ),
        "source `held_message` is in 0 queues",
    );
    check(
        &format!(
            "{head}[[queue]]\nname = \"a\"\npriority = 1\ndue_hours = 1\n{all}\nsources = [\"report\"]\n"
        ),
        "unknown source `report`",
    );
    check(
        &format!(
            "{head}[[queue]]\nname = \"a\"\npriority = 1\ndue_hours = 1\ncategories = [\"spam\"]\n"
        ),
        "unknown category `spam`",
    );
    check(
        &format!("{head}[[queue]]\nname = \"a\"\npriority = 0\ndue_hours = 1\n{all}\n"),
        "must be positive",
    );
    check("version = 3", "not valid TOML");
    let ok = format!(
        "{head}[[queue]]\nname = \"a\"\npriority = 1\ndue_hours = 1\n{all}\nsources = [\"appeal\", \"held_message\"]\n"
    );
    let p = CasePolicy::parse(&ok).unwrap();
    assert_eq!(p.route(Source::Appeal).queue, "a");
    assert_eq!(p.lock, Duration::minutes(10));
}

#[test]
fn the_state_machine_allows_only_the_documented_moves() {
    use CaseEvent as E;
    use CaseState as S;
    let check = |from, event, to: Option<CaseState>| {
        assert_eq!(transition(from, event).ok(), to, "{from} --{event}-->");
    };
    check(S::Open, E::Take, Some(S::InReview));
    check(S::InReview, E::Take, Some(S::InReview));
    check(S::Waiting, E::Take, Some(S::InReview));
    check(S::Appealed, E::Take, Some(S::InReview));
    check(S::InReview, E::Release, Some(S::Open));
    check(S::InReview, E::Wait, Some(S::Waiting));
    check(S::InReview, E::Resolve, Some(S::Resolved));
    check(S::Resolved, E::Appeal, Some(S::Appealed));
    check(S::Open, E::Resolve, None);
    check(S::Waiting, E::Resolve, None);
    check(S::Open, E::Release, None);
    check(S::Resolved, E::Take, None);
    check(S::Resolved, E::Resolve, None);
    check(S::InReview, E::Appeal, None);
    let e = transition(S::Open, E::Resolve).unwrap_err().to_string();
    assert_eq!(e, "a case that is open cannot resolve; take the case first");
}

#[test]
fn a_lock_holds_one_investigator_until_it_expires_and_an_appeal_excludes_the_first_decider() {
    let p = policy();
    let lock = Lock {
        assignee: "ana".into(),
        locked_at: NOW,
    };
    let take = |who: &str, at: OffsetDateTime, excluded: Option<&str>| {
        may_take(CaseState::InReview, Some(&lock), excluded, who, &p, at)
    };
    assert_eq!(take("ana", NOW, None), Ok(()));
    assert!(matches!(
        take("ben", NOW + Duration::minutes(5), None),
        Err(TakeRefusal::LockedByOther { .. })
    ));
    assert_eq!(take("ben", NOW + p.lock, None), Ok(()));
    assert!(holds(Some(&lock), "ana", &p, NOW + Duration::minutes(1)));
    assert!(!holds(Some(&lock), "ana", &p, NOW + p.lock));
    assert!(!holds(Some(&lock), "ben", &p, NOW));
    assert_eq!(
        may_take(CaseState::Appealed, None, Some("ana"), "ana", &p, NOW),
        Err(TakeRefusal::DecidedBefore("ana".into()))
    );
    assert_eq!(
        may_take(CaseState::Appealed, None, Some("ana"), "ben", &p, NOW),
        Ok(())
    );
    assert_eq!(
        may_take(CaseState::Resolved, None, None, "ben", &p, NOW),
        Err(TakeRefusal::Resolved)
    );
}

#[test]
fn outcomes_map_onto_the_enforcement_ladder() {
    let p = policy();
    assert_eq!(Outcome::Dismiss.enforcement(&p, NOW), Enforcement::None);
    assert_eq!(
        Outcome::Warn.enforcement(&p, NOW),
        Enforcement::Step {
            level: policy::Level::Warning,
            until: None
        }
    );
    assert_eq!(
        Outcome::Restrict.enforcement(&p, NOW),
        Enforcement::Step {
            level: policy::Level::Restricted,
            until: Some(NOW + Duration::hours(72))
        }
    );
    assert_eq!(
        Outcome::Remove.enforcement(&p, NOW),
        Enforcement::Step {
            level: policy::Level::Removed,
            until: None
        }
    );
    assert_eq!(
        Outcome::Reinstate.enforcement(&p, NOW),
        Enforcement::ReverseAll
    );
}

#[test]
fn tokens_round_trip() {
    for c in ReportCategory::ALL {
        assert_eq!(ReportCategory::parse(c.as_str()), Some(*c));
    }
    for o in Outcome::ALL {
        assert_eq!(Outcome::parse(o.as_str()), Some(*o));
    }
    assert_eq!(CaseState::parse("in_review"), Some(CaseState::InReview));
    assert_eq!(SubjectType::parse("listing"), None);
}
