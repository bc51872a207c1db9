#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use screen::Category::*;
use screen::{Category, Finding, Role};
use time::macros::datetime;
use time::{Duration, OffsetDateTime};

use super::*;

fn builtin() -> Policy {
    Policy::builtin().unwrap()
}

/// One place that calls `decide`: categories, grant and role in; action, rule, strike and whether each notice is
/// given out.
fn check(
    categories: &[Category],
    grant: ContactGrant,
    sender: Role,
    action: Action,
    rule: &str,
    strike: Option<(Category, u32)>,
    notices: (bool, bool),
) {
    let d = builtin().decide(categories, grant, sender);
    let got = (
        d.action,
        d.rule.as_str(),
        d.strike.map(|s| (s.category, s.weight)),
        (
            d.notice_to_sender.is_some(),
            d.notice_to_recipient.is_some(),
        ),
    );
    assert_eq!(
        got,
        (action, rule, strike, notices),
        "categories {categories:?}, grant {grant:?}, sender {sender:?}"
    );
}

/// categories, grant, sender → action, rule, strike, (notice to sender?, notice to recipient?)
type DecideCase = (
    &'static [Category],
    ContactGrant,
    Role,
    Action,
    &'static str,
    Option<(Category, u32)>,
    (bool, bool),
);

#[test]
fn the_default_policy_decides_as_the_issue_says() {
    use Action::*;
    use ContactGrant::*;
    use Role::*;
    #[rustfmt::skip]
    let cases: &[DecideCase] = &[
        // clean messages go through as written
        (&[], Absent, Seller, Deliver, DEFAULT_RULE, None, (false, false)),
        // contact details without a grant are redacted, with a grant they pass
        (&[ContactPhone], Absent, Seller, DeliverRedacted, "contact-details-redacted", Some((ContactPhone, 1)), (true, false)),
        (&[ContactEmail, ContactHandle], Absent, Buyer, DeliverRedacted, "contact-details-redacted", Some((ContactEmail, 1)), (true, false)),
        (&[ContactPhone], Active, Seller, Deliver, DEFAULT_RULE, None, (false, false)),
        // asking for contact is blocked (pointer to the contact-request flow), unless a grant exists
        (&[ContactRequest], Absent, Seller, Block, "contact-request-blocked", Some((ContactRequest, 1)), (true, false)),
        (&[ContactRequest], Active, Seller, Deliver, DEFAULT_RULE, None, (false, false)),
        // off-platform payment and credential requests are blocked and the recipient is warned
        (&[PaymentOffPlatform], Absent, Seller, Block, "off-platform-payment-blocked", Some((PaymentOffPlatform, 3)), (true, true)),
        (&[PaymentOffPlatform], Active, Buyer, Block, "off-platform-payment-blocked", Some((PaymentOffPlatform, 3)), (true, true)),
        (&[CredentialRequest], Absent, Seller, Block, "credential-request-blocked", Some((CredentialRequest, 5)), (true, true)),
        // phishing links are held for an investigator
        (&[LinkPhishing], Absent, Buyer, Hold, "phishing-link-held", Some((LinkPhishing, 5)), (true, false)),
        (&[LinkPhishing, PaymentOffPlatform], Absent, Seller, Hold, "phishing-link-held", Some((LinkPhishing, 5)), (true, true)),
        // a buyer's shipping redirect is delivered with a warning to the seller; no strike
        (&[ShippingRedirect], Absent, Buyer, DeliverWithWarning, "shipping-redirect-warned", None, (false, true)),
        (&[ShippingRedirect], Absent, Seller, Deliver, DEFAULT_RULE, None, (false, false)),
        // pressure alone warns the recipient
        (&[PressureUrgency], Absent, Seller, DeliverWithWarning, "pressure-warned", None, (false, true)),
        // the most severe action wins, notices add up
        (&[PressureUrgency, ContactPhone], Absent, Seller, DeliverRedacted, "contact-details-redacted", Some((ContactPhone, 1)), (true, true)),
        (&[PaymentOffPlatform, ContactPhone], Absent, Seller, Block, "off-platform-payment-blocked", Some((PaymentOffPlatform, 3)), (true, true)),
    ];
    for (categories, grant, sender, action, rule, strike, notices) in cases {
        check(
            categories, *grant, *sender, *action, rule, *strike, *notices,
        );
    }
}

#[test]
fn notices_say_what_to_do_instead() {
    let p = builtin();
    let d = p.decide(&[ContactRequest], ContactGrant::Absent, Role::Seller);
    assert!(
        d.notice_to_sender
            .unwrap()
            .contains("phone-contact request")
    );
    let d = p.decide(&[PaymentOffPlatform], ContactGrant::Absent, Role::Seller);
    assert!(d.notice_to_sender.unwrap().contains("checkout"));
    assert_eq!(
        d.notice_to_recipient.as_deref(),
        Some(
            "Only pay through the marketplace: payments made elsewhere are not covered by the buyer guarantee."
        )
    );
    let d = p.decide(&[CredentialRequest], ContactGrant::Absent, Role::Buyer);
    assert_eq!(
        d.notice_to_recipient.as_deref(),
        Some("We will never ask for your password or a verification code.")
    );
    let d = p.decide(&[ShippingRedirect], ContactGrant::Absent, Role::Buyer);
    assert!(
        d.notice_to_recipient
            .unwrap()
            .starts_with("Ship only to the address on the order.")
    );
}

#[test]
fn redaction_cuts_only_the_named_categories() {
    let f = |category, start, end| Finding {
        category,
        start,
        end,
        matched: String::new(),
        normalized: None,
        rule: "t",
        explanation: String::new(),
        model: None,
    };
    let text = "call 415 555 0172 or mail a@b.co, see evil.example";
    let findings = [
        f(ContactPhone, 5, 17),
        f(ContactEmail, 26, 32),
        f(LinkPhishing, 38, 50),
    ];
    #[rustfmt::skip]
    let cases: &[(&[Category], &str)] = &[
        (&[ContactPhone, ContactEmail], "call [phone number removed] or mail [email address removed], see evil.example"),
        (&[ContactPhone], "call [phone number removed] or mail a@b.co, see evil.example"),
        (&[], text),
    ];
    for (cats, want) in cases {
        assert_eq!(redact(text, &findings, cats), *want);
    }
    // overlapping spans merge; spans off char boundaries are skipped
    let overlapping = [f(ContactPhone, 5, 12), f(ContactPhone, 8, 17)];
    assert_eq!(
        redact(text, &overlapping, &[ContactPhone]),
        "call [phone number removed] or mail a@b.co, see evil.example"
    );
    assert_eq!(redact("é", &[f(ContactPhone, 1, 2)], &[ContactPhone]), "é");
}

const T0: OffsetDateTime = datetime!(2026-11-01 12:00 UTC);

fn strikes(list: &[(u32, i64)]) -> Vec<PastStrike> {
    list.iter()
        .map(|(w, hours_ago)| PastStrike {
            weight: *w,
            at: T0 - Duration::hours(*hours_ago),
        })
        .collect()
}

#[test]
fn strikes_decay_linearly_over_the_window() {
    let p = builtin();
    #[rustfmt::skip]
    let cases: &[(&[(u32, i64)], f64)] = &[
        (&[], 0.0),
        (&[(1, 0)], 1.0),
        (&[(2, 15 * 24)], 1.0),      // half the 30-day window: half the weight
        (&[(3, 30 * 24)], 0.0),      // the window is over
        (&[(3, 40 * 24)], 0.0),
        (&[(1, 0), (2, 15 * 24)], 2.0),
    ];
    for (list, want) in cases {
        let got = p.score(&strikes(list), T0);
        assert!((got - want).abs() < 1e-9, "{list:?}: {got} != {want}");
    }
}

#[test]
fn without_decay_a_strike_counts_in_full_until_the_window_ends() {
    let src = BUILTIN.replace("decay = \"linear\"", "decay = \"none\"");
    let p = Policy::parse(&src).unwrap();
    assert_eq!(p.score(&strikes(&[(2, 29 * 24)]), T0), 2.0);
    assert_eq!(p.score(&strikes(&[(2, 30 * 24)]), T0), 0.0);
}

/// strikes (weight, hours ago), current rung → (rung, level, restriction hours)
type LadderCase = (
    &'static [(u32, i64)],
    Option<usize>,
    Option<(usize, Level, Option<i64>)>,
);

#[test]
fn the_ladder_moves_up_with_the_score_and_never_repeats_a_rung() {
    let p = builtin();
    // (strikes, current rung) -> (rung, level, restriction length in hours)
    #[rustfmt::skip]
    let cases: &[LadderCase] = &[
        (&[(1, 0)], None, None),
        (&[(1, 1), (1, 0)], None, Some((0, Level::Warning, None))),
        (&[(1, 1), (1, 0)], Some(0), None),
        (&[(1, 2), (1, 1), (3, 0)], Some(0), Some((1, Level::Restricted, Some(24)))),
        (&[(5, 0)], None, Some((1, Level::Restricted, Some(24)))),
        (&[(5, 2), (3, 0)], Some(1), Some((2, Level::Restricted, Some(168)))),
        (&[(5, 2), (5, 1), (3, 0)], Some(2), Some((3, Level::Suspended, None))),
        (&[(5, 3), (5, 2), (5, 1), (5, 0)], Some(3), Some((4, Level::Removed, None))),
        // old strikes have decayed: a new one does not reach the warning
        (&[(1, 29 * 24), (1, 0)], None, None),
    ];
    for (list, current, want) in cases {
        let got = p
            .escalate(&strikes(list), *current, T0)
            .map(|e| (e.rung, e.level, e.until.map(|u| (u - T0).whole_hours())));
        assert_eq!(got, *want, "{list:?} from {current:?}");
    }
}

#[test]
fn standing_is_the_most_severe_step_in_force() {
    let step = |level, until_hours: Option<i64>| ActiveStep {
        level,
        until: until_hours.map(|h| T0 + Duration::hours(h)),
    };
    #[rustfmt::skip]
    let cases: &[(&[ActiveStep], Status, Option<i64>)] = &[
        (&[], Status::Active, None),
        (&[step(Level::Warning, None)], Status::Warned, None),
        (&[step(Level::Warning, None), step(Level::Restricted, Some(5))], Status::Restricted, Some(5)),
        (&[step(Level::Restricted, Some(-1))], Status::Warned, None),
        (&[step(Level::Restricted, Some(24)), step(Level::Restricted, Some(168))], Status::Restricted, Some(168)),
        (&[step(Level::Restricted, Some(5)), step(Level::Suspended, None)], Status::Suspended, None),
        (&[step(Level::Suspended, None), step(Level::Removed, None)], Status::Removed, None),
    ];
    for (steps, status, until) in cases {
        let s = standing(steps, T0);
        assert_eq!(
            (s.status, s.until.map(|u| (u - T0).whole_hours())),
            (*status, *until),
            "{steps:?}"
        );
    }
    assert!(Status::Warned.may_send() && !Status::Restricted.may_send());
}

#[test]
fn invalid_policies_are_refused_with_a_reason() {
    #[rustfmt::skip]
    let cases: &[(&str, &str, &str)] = &[
        ("kind = \"communication\"", "kind = \"contact\"", "`kind` must be"),
        ("version = \"builtin-1\"", "version = \"\"", "`version` must be"),
        ("max_message_chars = 2000", "max_message_chars = 0", "[limits]"),
        ("categories = [\"link.phishing\"]", "categories = [\"link.phish\"]", "not a screening category"),
        ("action = \"hold\"", "action = \"quarantine\"", "not an action"),
        ("contact_grant = \"absent\"\naction = \"block\"", "contact_grant = \"maybe\"\naction = \"block\"", "`contact_grant` must be"),
        ("sender_roles = [\"buyer\"]", "sender_roles = [\"admin\"]", "not a role"),
        ("window_days = 30", "window_days = 0", "window_days"),
        ("decay = \"linear\"", "decay = \"exponential\"", "decay must be"),
        ("threshold = 8.0", "threshold = 3.0", "thresholds must rise"),
        ("threshold = 4.0\nduration_hours = 24", "threshold = 4.0", "needs `duration_hours`"),
        ("id = \"pressure-warned\"", "id = \"phishing-link-held\"", "defined twice"),
        ("id = \"pressure-warned\"", "id = \"pressure-warned\"\nfrobnicate = 1", "unknown field"),
        ("categories = [\"contact.phone\", \"contact.email\", \"contact.handle\"]", "categories = [\"contact.request\"]", "cannot be redacted"),
    ];
    for (from, to, why) in cases {
        assert!(BUILTIN.contains(from), "the default has no `{from}`");
        let src = BUILTIN.replacen(from, to, 1);
        let err = Policy::parse(&src).unwrap_err().to_string();
        assert!(err.contains(why), "{to}: {err}");
    }
    let no_notice = BUILTIN.replace(
        "notice_to_sender = \"Your message was not delivered: it contains a link",
        "notice_to_recipient = \"Your message was not delivered: it contains a link",
    );
    assert!(
        Policy::parse(&no_notice)
            .unwrap_err()
            .to_string()
            .contains("needs a `notice_to_sender`")
    );
}

#[test]
fn the_builtin_policy_is_valid_and_versioned() {
    let p = builtin();
    assert_eq!(p.version, "builtin-1");
    assert_eq!(p.ladder.len(), 5);
    assert_eq!(p.content_sha256().len(), 64);
    assert_eq!(p.limits.messages_per_minute, 30);
}
