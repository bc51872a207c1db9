#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use screen::Category;
use secrecy::SecretString;
use time::macros::{date, datetime};
use time::{Duration, OffsetDateTime};

use crate::relay::{Answer, Inbound, Kind, RelayProvider, Twilio, parse_form};
use crate::*;

const NOW: OffsetDateTime = datetime!(2026-11-10 12:00 UTC);

fn policy() -> ContactPolicy {
    ContactPolicy::builtin().unwrap()
}

fn order() -> OrderFacts {
    OrderFacts {
        buyer_id: "b1".into(),
        seller_id: "s1".into(),
        status: "paid".into(),
        updated_at: NOW - Duration::days(1),
        delivery_date: Some(date!(2026 - 11 - 20)),
        bulky: true,
        made_to_order: false,
        listing_category: Some("furniture".into()),
        buyer_has_phone: true,
    }
}

const GOOD: &str = "The sofa is 2.4 m long: the courier needs to agree a two-hour delivery slot and whether the stairwell fits it";

fn facts() -> Facts<'static> {
    Facts {
        now: NOW,
        purpose: Purpose::DeliveryScheduling,
        justification: GOOD,
        justification_categories: &[],
        seller_id: "s1",
        claimed_buyer_id: None,
        order: Some(order()),
        seller_standing: SellerStanding::Active,
        seller_has_phone: true,
        seller_messages_about_order: 2,
        seller_requests_last_day: 0,
        seller_orders_in_window: 10,
        seller_orders_with_requests: 1,
        open_request_for_order: false,
    }
}

/// The one place that calls `assess`: the refusal codes for facts changed by `change`.
fn check(change: impl FnOnce(&mut Facts<'static>), expected: &[ReasonCode]) {
    let mut f = facts();
    change(&mut f);
    let got: Vec<ReasonCode> = policy()
        .assess(&f)
        .refusals
        .iter()
        .map(|r| r.code)
        .collect();
    assert_eq!(got, expected, "facts: {f:?}");
}

#[test]
fn the_builtin_policy_parses() {
    let p = policy();
    assert_eq!(p.version, "contact-builtin-1");
    assert_eq!(p.purposes.len(), 5);
    assert_eq!(p.pressure.categories, vec![Category::ContactRequest]);
}

#[test]
fn a_legitimate_request_passes() {
    check(|_| {}, &[]);
}

#[test]
fn each_legitimacy_reason_refuses() {
    use ReasonCode::*;
    // Without an order there is no conversation about it either: only the missing order is named.
    check(
        |f| {
            f.order = None;
            f.seller_messages_about_order = 0;
        },
        &[OrderNotFound],
    );
    check(|f| f.seller_id = "s2", &[OrderOfAnotherSeller]);
    check(|f| f.claimed_buyer_id = Some("b2"), &[OrderOfAnotherBuyer]);
    check(|f| f.claimed_buyer_id = Some("b1"), &[]);
    check(
        |f| {
            let o = f.order.as_mut().unwrap();
            o.status = "completed".into();
            o.updated_at = NOW - Duration::days(15);
        },
        &[OrderClosed],
    );
    check(
        |f| {
            let o = f.order.as_mut().unwrap();
            o.status = "completed".into();
            o.updated_at = NOW - Duration::days(13);
        },
        &[],
    );
    check(
        |f| f.purpose = Purpose::CustomisationDetails,
        &[PurposeDoesNotFitOrder],
    );
    check(
        |f| f.order.as_mut().unwrap().buyer_has_phone = false,
        &[BuyerPhoneMissing],
    );
    check(
        |f| {
            f.seller_standing = SellerStanding::Restricted {
                until: Some(NOW + Duration::hours(3)),
            }
        },
        &[SellerRestricted],
    );
    check(
        |f| {
            f.seller_standing = SellerStanding::Restricted {
                until: Some(NOW - Duration::hours(3)),
            }
        },
        &[],
    );
    check(
        |f| f.seller_standing = SellerStanding::Removed,
        &[SellerRestricted],
    );
    check(
        |f| f.seller_standing = SellerStanding::Suspended,
        &[SellerUnderReview],
    );
    check(|f| f.seller_standing = SellerStanding::Warned, &[]);
    check(|f| f.seller_has_phone = false, &[SellerPhoneMissing]);
    check(
        |f| f.seller_messages_about_order = 0,
        &[MessageChannelNotTried],
    );
    check(
        |f| f.justification = "For better communication.",
        &[JustificationTooVague],
    );
    check(
        |f| f.justification_categories = &[Category::ContactPhone],
        &[JustificationUnsafe],
    );
    check(|f| f.seller_requests_last_day = 5, &[DailyLimitReached]);
    check(|f| f.seller_orders_with_requests = 6, &[OrderShareExceeded]);
    check(|f| f.open_request_for_order = true, &[RequestAlreadyOpen]);
}

#[test]
fn a_refusal_lists_every_reason() {
    use ReasonCode::*;
    check(
        |f| {
            f.order.as_mut().unwrap().bulky = false;
            f.order.as_mut().unwrap().delivery_date = None;
            f.seller_standing = SellerStanding::Suspended;
            f.seller_messages_about_order = 0;
            f.justification = "to talk";
            f.seller_requests_last_day = 9;
        },
        &[
            PurposeDoesNotFitOrder,
            SellerUnderReview,
            MessageChannelNotTried,
            JustificationTooVague,
            DailyLimitReached,
        ],
    );
}

#[test]
fn purposes_fit_the_orders_they_are_for() {
    use ReasonCode::PurposeDoesNotFitOrder as No;
    let small = |f: &mut Facts<'static>| {
        let o = f.order.as_mut().unwrap();
        o.bulky = false;
        o.delivery_date = None;
        o.listing_category = Some("jewellery".into());
    };
    // delivery scheduling: bulky or a scheduled delivery
    check(
        |f| {
            small(f);
            f.order.as_mut().unwrap().delivery_date = Some(date!(2026 - 11 - 20));
        },
        &[],
    );
    check(small, &[No]);
    // customisation: made to order only
    check(
        |f| {
            small(f);
            f.purpose = Purpose::CustomisationDetails;
            f.order.as_mut().unwrap().made_to_order = true;
        },
        &[],
    );
    // troubleshooting: a technical category
    check(
        |f| {
            small(f);
            f.purpose = Purpose::TechnicalTroubleshooting;
        },
        &[No],
    );
    check(
        |f| {
            small(f);
            f.purpose = Purpose::TechnicalTroubleshooting;
            f.order.as_mut().unwrap().listing_category = Some("Electronics".into());
        },
        &[],
    );
    // other: always fits, but needs more specific words
    check(
        |f| {
            small(f);
            f.purpose = Purpose::Other;
            f.justification = "The engraving text is long and I need the spelling of the name";
        },
        &[ReasonCode::JustificationTooVague],
    );
    check(
        |f| {
            small(f);
            f.purpose = Purpose::Other;
        },
        &[],
    );
}

#[test]
fn vague_justifications_are_refused_and_specific_ones_pass() {
    let j = policy().justification;
    for vague in [
        "for better communication",
        "For better communication!!",
        "I would like to call you for better communication please",
        "easier to talk by phone",
        "just in case, to discuss the order",
        "",
        "need your number",
    ] {
        assert!(
            j.specific_words(vague) < 4,
            "{vague:?} counted {}",
            j.specific_words(vague)
        );
    }
    for specific in [
        GOOD,
        "The wardrobe arrives flat-packed; the assembly team must confirm the ceiling height and floor access",
        "Your engraving uses a Cyrillic name and the jeweller must confirm the spelling letter by letter",
    ] {
        assert!(j.specific_words(specific) >= 4, "{specific:?}");
    }
}

#[test]
fn an_unusual_rate_is_flagged_for_review_not_refused() {
    let p = policy();
    let mut f = facts();
    f.seller_requests_last_day = 2;
    let a = p.assess(&f);
    assert!(!a.refused());
    assert_eq!(a.review_flags[0].code, ReasonCode::UnusualDailyRate);
    let mut f = facts();
    f.seller_orders_with_requests = 4;
    let a = p.assess(&f);
    assert!(!a.refused());
    assert_eq!(a.review_flags[0].code, ReasonCode::UnusualOrderShare);
    // too few orders for a share to mean anything
    let mut f = facts();
    f.seller_orders_in_window = 3;
    f.seller_orders_with_requests = 3;
    assert_eq!(p.assess(&f), Assessment::default());
}

#[test]
fn grants_end_two_days_after_delivery_within_bounds() {
    let p = policy();
    // delivery on the 20th: the end of the 22nd
    assert_eq!(
        p.grant_expiry(NOW, Some(date!(2026 - 11 - 20))),
        datetime!(2026-11-23 00:00 UTC)
    );
    // far-off delivery: at most 14 days
    assert_eq!(
        p.grant_expiry(NOW, Some(date!(2027 - 03 - 01))),
        NOW + Duration::days(14)
    );
    // delivery already past: at least 24 hours
    assert_eq!(
        p.grant_expiry(NOW, Some(date!(2026 - 10 - 01))),
        NOW + Duration::hours(24)
    );
    // no delivery date: 3 days
    assert_eq!(p.grant_expiry(NOW, None), NOW + Duration::days(3));
}

#[test]
fn extensions_are_bounded() {
    let p = policy();
    let current = NOW + Duration::days(2);
    assert_eq!(
        p.extended_expiry(NOW, current, 0, Duration::days(3)),
        Ok(NOW + Duration::days(5))
    );
    assert_eq!(
        p.extended_expiry(NOW, current, 0, Duration::days(14)),
        Ok(NOW + Duration::days(14))
    );
    assert_eq!(
        p.extended_expiry(NOW, current, 2, Duration::days(1)),
        Err(ExtendError::TooManyExtensions(2))
    );
    assert!(matches!(
        p.extended_expiry(NOW, current, 0, Duration::minutes(5)),
        Err(ExtendError::BadLength { .. })
    ));
    assert!(matches!(
        p.extended_expiry(NOW, NOW + Duration::days(14), 0, Duration::days(1)),
        Err(ExtendError::AtMaximum { .. })
    ));
}

#[test]
fn pressure_is_a_contact_request_finding() {
    let p = policy();
    assert!(p.is_pressure(&[Category::PressureUrgency, Category::ContactRequest]));
    assert!(!p.is_pressure(&[Category::PressureUrgency]));
    assert!(!p.is_pressure(&[]));
}

#[test]
fn bad_documents_are_refused_with_a_reason() {
    let cases: [(&str, &str, &str); 6] = [
        ("kind = \"contact\"", "kind = \"communication\"", "`kind`"),
        (
            "[purposes.other]\nfits_when = [\"always\"]",
            "[purposes.otherwise]\nfits_when = [\"always\"]",
            "not a purpose",
        ),
        (
            "fits_when = [\"made_to_order\"]",
            "fits_when = [\"handmade\"]",
            "not a condition",
        ),
        (
            "max_order_share = 0.5",
            "max_order_share = 1.5",
            "max_order_share",
        ),
        ("strike_weight = 3", "strike_weight = 0", "strike_weight"),
        (
            "max_days = 14",
            "max_days = 14\nsurprise = 1",
            "unknown field",
        ),
    ];
    for (from, to, expect) in cases {
        assert!(BUILTIN.contains(from), "{from}");
        let doc = BUILTIN.replacen(from, to, 1);
        let e = ContactPolicy::parse(&doc).unwrap_err().to_string();
        assert!(e.contains(expect), "{to}: {e}");
    }
    let doc = BUILTIN.replacen(
        "[purposes.customisation_details]\nfits_when = [\"made_to_order\"]\n",
        "",
        1,
    );
    assert!(
        ContactPolicy::parse(&doc)
            .unwrap_err()
            .to_string()
            .contains("customisation_details")
    );
}

// --- the relay provider ------------------------------------------------------------------------------------------

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn twilio() -> Twilio {
    Twilio::new(SecretString::from("12345"))
}

#[test]
fn twilio_signatures_match_the_published_vector() {
    // Twilio's documented example (also in twilio-php's and twilio-csharp's RequestValidator tests).
    let url = "https://mycompany.com/myapp.php?foo=1&bar=2";
    let params = pairs(&[
        ("Digits", "1234"),
        ("To", "+18005551212"),
        ("From", "+14158675309"),
        ("Caller", "+14158675309"),
        ("CallSid", "CA1234567890ABCDE"),
    ]);
    let t = twilio();
    assert_eq!(t.sign(url, &params), "RSOYDt4T1cUTdK1PDd93/VVr8B8=");
    assert!(t.verify(url, &params, "RSOYDt4T1cUTdK1PDd93/VVr8B8="));
    assert!(!t.verify(url, &params, "RSOYDt4T1cUTdK1PDd93/VVr8B8"));
    assert!(!t.verify(url, &params, "not base64 at all"));
    assert!(!t.verify(
        &format!("{url}&x=1"),
        &params,
        "RSOYDt4T1cUTdK1PDd93/VVr8B8="
    ));
    let mut tampered = params.clone();
    tampered[0].1 = "9999".into();
    assert!(!t.verify(url, &tampered, "RSOYDt4T1cUTdK1PDd93/VVr8B8="));
    let other = Twilio::new(SecretString::from("54321"));
    assert!(!other.verify(url, &params, "RSOYDt4T1cUTdK1PDd93/VVr8B8="));
}

#[test]
fn twilio_webhooks_parse() {
    let t = twilio();
    let call = parse_form(
        b"CallSid=CA1&From=%2B14155550100&To=%2B14155550199&CallStatus=ringing&Direction=inbound",
    );
    assert_eq!(
        t.parse(&call),
        Ok(Inbound::Contact {
            kind: Kind::Voice,
            from: "+14155550100".into(),
            to: "+14155550199".into(),
            provider_ref: Some("CA1".into()),
            body: None,
        })
    );
    let sms = parse_form(b"MessageSid=SM1&From=%2B1415&To=%2B1416&Body=hello+there");
    assert!(matches!(
        t.parse(&sms),
        Ok(Inbound::Contact { kind: Kind::Sms, body: Some(b), .. }) if b == "hello there"
    ));
    let ended = parse_form(b"CallSid=CA1&DialCallStatus=completed&DialCallDuration=75");
    assert_eq!(
        t.parse(&ended),
        Ok(Inbound::CallEnded {
            provider_ref: "CA1".into(),
            duration_secs: Some(75),
            status: "completed".into(),
        })
    );
    assert!(t.parse(&parse_form(b"From=%2B1")).is_err());
    assert!(t.parse(&parse_form(b"CallSid=CA1&To=%2B1")).is_err());
}

#[test]
fn twiml_is_escaped() {
    let t = twilio();
    let r = t.render(&Answer::ForwardSms {
        to: "+1".into(),
        from: "+2".into(),
        body: "<Dial>&\"".into(),
    });
    assert_eq!(r.content_type, "text/xml; charset=utf-8");
    assert!(r.body.ends_with(
        "<Response><Message to=\"+1\" from=\"+2\">&lt;Dial&gt;&amp;&quot;</Message></Response>"
    ));
    let r = t.render(&Answer::ConnectCall {
        to: "+14155550100".into(),
        caller_id: "+14155550199".into(),
        status_url: "https://mg.example/v1/relay/inbound?a=1&b=2".into(),
    });
    assert!(r.body.contains(
        "<Dial callerId=\"+14155550199\" action=\"https://mg.example/v1/relay/inbound?a=1&amp;b=2\" method=\"POST\"><Number>+14155550100</Number></Dial>"
    ));
    let r = t.render(&Answer::Refuse {
        kind: Kind::Voice,
        message: "No.".into(),
    });
    assert!(r.body.contains("<Say>No.</Say><Hangup/>"));
}
