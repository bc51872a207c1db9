#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use time::macros::datetime;
use time::{Duration, OffsetDateTime};

use crate::password::{PasswordContext, check};
use crate::*;

fn codes(password: &str, ctx: &PasswordContext<'_>) -> Vec<&'static str> {
    check(password, ctx)
        .reasons
        .iter()
        .map(|r| r.code)
        .collect()
}

#[test]
fn passwords_are_judged_by_length_lists_and_guessability_not_composition() {
    let alone = PasswordContext::default();
    let with_2fa = PasswordContext {
        second_factor: true,
        ..Default::default()
    };
    let ann = PasswordContext {
        name: Some("Annabel Quist"),
        email: Some("annabel.q@example.org"),
        user_id: Some("user-8812"),
        marketplace_name: Some("Craftly"),
        ..Default::default()
    };
    #[rustfmt::skip]
    let cases: &[(&str, &PasswordContext<'_>, &[&str])] = &[
        // 15 characters when alone, 8 with a second factor; lower case words only is fine.
        ("tulip cobalt harbour wander", &alone, &[]),
        ("xq7 vorn plid", &alone, &["too_short"]),
        ("xq7 vorn plid", &with_2fa, &[]),
        ("Zq9!x", &with_2fa, &["too_short", "too_guessable"]),
        // Common, breached and dictionary passwords, whatever their case.
        ("password", &with_2fa, &["blocklisted", "dictionary_word"]),
        ("PASSWORD", &with_2fa, &["blocklisted", "dictionary_word"]),
        ("iloveyou", &with_2fa, &["blocklisted", "dictionary_word"]),
        ("qwertyuiopasdfgh", &alone, &["too_guessable"]),
        ("aaaaaaaaaaaaaaaaaaaa", &alone, &["too_guessable"]),
        ("1q2w3e4r5t6y7u8i9o0p", &alone, &["blocklisted", "too_guessable"]),
        ("cathedral", &with_2fa, &["dictionary_word"]),
        // The user's own data.
        ("annabel-garden-lamp-7", &ann, &["contains_personal_info"]),
        ("my quist family stones", &ann, &["contains_personal_info"]),
        ("annabel.q@example.org!!", &ann, &["contains_personal_info", "too_guessable"]),
        ("pebble user-8812 saga", &ann, &["contains_personal_info"]),
        ("craftly craftly 2024", &ann, &["too_guessable"]),
        // Any Unicode; NFKC makes the full-width form the same password.
        ("ｐａｓｓｗｏｒｄ", &with_2fa, &["blocklisted", "dictionary_word"]),
        ("сосна берёза ветер река", &alone, &[]),
    ];
    for (pw, ctx, want) in cases {
        assert_eq!(codes(pw, ctx), *want, "{pw:?}");
    }
}

#[test]
fn at_least_64_characters_are_allowed_and_every_refusal_has_advice() {
    let long: String = "plover ".repeat(10) + "quince mast";
    assert!(long.chars().count() > 64);
    let r = check(&long, &PasswordContext::default());
    assert!(!r.reasons.iter().any(|x| x.code == "too_long"), "{r:?}");
    let huge = "abcdefghij".repeat(30);
    assert!(codes(&huge, &PasswordContext::default()).contains(&"too_long"));
    for r in check("password", &PasswordContext::default()).reasons {
        assert!(!r.message.is_empty() && r.advice.len() > 20, "{r:?}");
    }
}

#[test]
fn the_blocklist_ships_inside_the_binary() {
    assert!(blocklist::len() > 19_000, "{}", blocklist::len());
    assert!(blocklist::contains("123456") && blocklist::contains("Dragon"));
    assert!(!blocklist::contains("tulip cobalt harbour wander"));
}

fn cheap() -> Argon2Params {
    Argon2Params {
        memory_kib: 1024,
        iterations: 1,
        parallelism: 1,
    }
}

#[test]
fn argon2id_hashes_verify_and_ask_for_a_rehash_when_parameters_change() {
    let p = cheap();
    let h = hashing::hash_password("correct horse battery staple", &p).unwrap();
    assert!(h.starts_with("$argon2id$v=19$m=1024,t=1,p=1$"), "{h}");
    let stronger = Argon2Params {
        memory_kib: 2048,
        ..p
    };
    #[rustfmt::skip]
    let cases = [
        ("correct horse battery staple", p, Verification::Valid { needs_rehash: false }),
        ("correct horse battery staple", stronger, Verification::Valid { needs_rehash: true }),
        ("correct horse battery stapler", p, Verification::Invalid),
        // NFKC at hashing and at checking: a full-width space is a space.
        ("correct\u{3000}horse battery staple", p, Verification::Valid { needs_rehash: false }),
    ];
    for (pw, params, want) in cases {
        assert_eq!(
            hashing::verify_password(pw, &h, &params).unwrap(),
            want,
            "{pw}"
        );
    }
    assert!(hashing::verify_password("x", "not a hash", &p).is_err());
    assert!(Argon2Params { memory_kib: 1, ..p }.validate().is_err());
}

const NOW: OffsetDateTime = datetime!(2026-03-01 12:00:10 UTC);

#[test]
fn totp_accepts_the_current_and_previous_step_once_each() {
    use totp::CodeRejection::*;
    let secret = totp::new_secret();
    let step = totp::step_at(NOW);
    let code = |s: i64| totp::code_at_step(&secret, s).unwrap();
    #[rustfmt::skip]
    let cases: &[(String, Option<i64>, Result<i64, totp::CodeRejection>)] = &[
        (code(step), None, Ok(step)),
        (code(step - 1), None, Ok(step - 1)),
        (code(step - 2), None, Err(Wrong)),
        (code(step + 1), None, Err(Wrong)),
        (code(step), Some(step), Err(Replayed)),
        (code(step - 1), Some(step - 1), Err(Replayed)),
        (code(step), Some(step - 1), Ok(step)),
        ("12345".into(), None, Err(Malformed)),
        ("12a456".into(), None, Err(Malformed)),
    ];
    for (c, last, want) in cases {
        assert_eq!(
            totp::verify(&secret, c, NOW, *last).unwrap(),
            *want,
            "{c} after {last:?}"
        );
    }
}

#[test]
fn totp_enrolment_gives_an_otpauth_uri() {
    let e = totp::enrolment(&totp::new_secret(), "Craftly: security", "ann@example.org").unwrap();
    assert!(
        e.otpauth_uri.starts_with("otpauth://totp/"),
        "{}",
        e.otpauth_uri
    );
    assert!(e.otpauth_uri.contains(&e.secret_base32));
    assert_eq!(e.secret_base32.len(), 32);
}

#[test]
fn recovery_codes_carry_at_least_64_bits_and_hash_forgivingly() {
    let codes = recovery::generate();
    assert_eq!(codes.len(), recovery::COUNT);
    assert!(recovery::bits() >= 64);
    let c = &codes[0];
    let h = recovery::hash(c).unwrap();
    assert_eq!(
        recovery::hash(&c.to_lowercase().replace('-', " ")),
        Some(h.clone())
    );
    assert_eq!(
        recovery::hash(&c.replace('0', "o").replace('1', "l")),
        Some(h)
    );
    assert_ne!(recovery::hash(&codes[1]), recovery::hash(c));
    assert_eq!(recovery::hash("short"), None);
    let mut all = codes.clone();
    all.dedup();
    assert_eq!(all.len(), codes.len());
}

#[test]
fn secrets_encrypt_bound_to_their_row() {
    let key = DataKey::from_base64(&DataKey::generate_base64().into()).unwrap();
    let other = DataKey::from_base64(&DataKey::generate_base64().into()).unwrap();
    let ct = key.encrypt(b"seed", "user:1").unwrap();
    assert_eq!(key.decrypt(&ct, "user:1").unwrap(), b"seed");
    assert!(key.decrypt(&ct, "user:2").is_err());
    assert!(other.decrypt(&ct, "user:1").is_err());
    assert!(DataKey::from_base64(&"c2hvcnQ=".to_string().into()).is_err());
    assert_eq!(
        payout::fingerprint(&key, "GB33 BUKB 2020 1555 5555 55"),
        payout::fingerprint(&key, "gb33bukb20201555555555")
    );
    assert_ne!(
        payout::fingerprint(&key, "GB33BUKB20201555555555"),
        payout::fingerprint(&other, "GB33BUKB20201555555555")
    );
}

#[test]
fn throttling_delays_grow_and_always_end() {
    let p = throttle::ThrottlePolicy::default();
    #[rustfmt::skip]
    let cases = [(0, 0), (4, 0), (5, 2), (6, 4), (7, 8), (12, 256), (14, 900), (99, 900), (1000, 900)];
    for (failures, secs) in cases {
        assert_eq!(
            p.delay_after(failures, 5),
            Duration::seconds(secs),
            "{failures}"
        );
    }
    let last = NOW - Duration::seconds(3);
    let facts = |n, ip_accounts| throttle::FailureFacts {
        account_consecutive_failures: n,
        account_last_failure_at: Some(last),
        ip_failures: n,
        ip_last_failure_at: Some(last),
        ip_distinct_accounts: ip_accounts,
    };
    #[rustfmt::skip]
    let cases = [
        // (failures, accounts from the IP, now, retry after, hard limit, stuffing)
        (4, 1, NOW, None, false, false),
        (6, 1, NOW, Some(1), false, false),
        (8, 1, NOW, Some(13), false, false),
        (8, 1, NOW + Duration::seconds(13), None, false, false),
        (100, 1, NOW + Duration::hours(1), None, true, false),
        (3, 5, NOW, None, false, true),
    ];
    for (n, accounts, now, retry, hard, stuffing) in cases {
        let v = p.assess(&facts(n, accounts), now);
        assert_eq!(
            (
                v.retry_after.map(|d| d.whole_seconds()),
                v.hard_limit_reached,
                v.credential_stuffing
            ),
            (retry, hard, stuffing),
            "{n} failures"
        );
    }
}

#[test]
fn risky_logins_are_challenged() {
    use risk::{Decision::*, LoginFacts};
    let calm = throttle::ThrottleVerdict {
        retry_after: None,
        hard_limit_reached: false,
        credential_stuffing: false,
    };
    let base = LoginFacts {
        success: true,
        country: "FR".into(),
        has_history: true,
        known_device: true,
        known_country: true,
        last_success: Some(("FR".into(), NOW - Duration::hours(1))),
    };
    let p = risk::RiskPolicy::default();
    #[rustfmt::skip]
    let cases: Vec<(LoginFacts, throttle::ThrottleVerdict, risk::Decision, Vec<&str>)> = vec![
        (base.clone(), calm, Allow, vec![]),
        (LoginFacts { has_history: false, known_device: false, known_country: false, last_success: None, ..base.clone() }, calm, Allow, vec![]),
        (LoginFacts { known_device: false, ..base.clone() }, calm, Challenge, vec!["new_device"]),
        // Paris an hour after Washington: new country and impossible travel.
        (LoginFacts { known_country: false, last_success: Some(("US".into(), NOW - Duration::hours(1))), ..base.clone() }, calm, Challenge, vec!["new_country", "impossible_travel"]),
        // A known country reached in plausible time: fine.
        (LoginFacts { last_success: Some(("US".into(), NOW - Duration::hours(20))), ..base.clone() }, calm, Allow, vec![]),
        // Neighbours: no impossible travel.
        (LoginFacts { last_success: Some(("BE".into(), NOW - Duration::minutes(5))), ..base.clone() }, calm, Allow, vec![]),
        (LoginFacts { success: false, ..base.clone() }, calm, Deny, vec!["failed_login"]),
        (base.clone(), throttle::ThrottleVerdict { retry_after: Some(Duration::seconds(30)), ..calm }, Deny, vec!["throttled"]),
        (base.clone(), throttle::ThrottleVerdict { hard_limit_reached: true, ..calm }, Challenge, vec!["too_many_failures"]),
    ];
    for (facts, verdict, want, signals) in cases {
        let a = risk::assess(&facts, &verdict, &p, NOW);
        let got: Vec<&str> = a.signals.iter().map(|s| s.code()).collect();
        assert_eq!((a.decision, got), (want, signals), "{facts:?}");
    }
}

#[test]
fn step_up_needs_a_fresh_second_factor_for_risky_actions() {
    use stepup::Action::*;
    let p = stepup::StepUpPolicy::default();
    let recent = Some(NOW - Duration::minutes(9));
    let stale = Some(NOW - Duration::minutes(11));
    #[rustfmt::skip]
    let cases = [
        (ChangePayoutAccount, true, recent, false, "fresh_second_factor"),
        (ChangePayoutAccount, true, stale, true, "no_recent_second_factor"),
        (ChangeEmail, true, None, true, "no_recent_second_factor"),
        (ChangePassword, false, None, true, "no_second_factor_enrolled"),
        (Payment { amount_minor: 50_000 }, true, None, false, "not_risky"),
        (Payment { amount_minor: 50_001 }, true, stale, true, "no_recent_second_factor"),
    ];
    for (action, enrolled, last, required, reason) in cases {
        let s = stepup::check(action, enrolled, last, NOW, &p);
        assert_eq!((s.required, s.reason), (required, reason), "{action:?}");
    }
    assert!(stepup::Action::parse("wire_money", None).is_err());
    assert!(stepup::Action::parse("payment", None).is_err());
}

#[test]
fn verification_codes_are_found_in_pasted_text() {
    let code = notify::new_code();
    assert!(code.starts_with("MG-") && code.len() == 12, "{code}");
    let lower = code.to_lowercase();
    #[rustfmt::skip]
    let cases: Vec<(String, Vec<String>)> = vec![
        (format!("Your code is {code}."), vec![code.clone()]),
        (format!("code: {lower}"), vec![code.clone()]),
        ("no code at all, MG-12 too short, AMG-ABCD-EFGH glued".into(), vec![]),
        ("MG-7K4Q-9XHD and mg 7k4q 9xhd".into(), vec!["MG-7K4Q-9XHD".to_string()]),
    ];
    for (text, want) in cases {
        assert_eq!(notify::find_codes(&text), want, "{text}");
    }
    let m = notify::compose(
        "Craftly",
        "New sign-in",
        "From FR.",
        &code,
        "https://x/verify",
    );
    assert!(m.body.contains(&code) && m.body.contains(notify::NEVER_ASKS));
}

#[test]
fn sessions_expire_when_idle_or_old_and_public_ones_sooner() {
    use session::SessionState::*;
    let p = session::SessionPolicy::default();
    let (idle, abs) = p.start(NOW, false);
    let (pidle, pabs) = p.start(NOW, true);
    assert_eq!(
        (idle - NOW, abs - NOW),
        (Duration::minutes(30), Duration::hours(12))
    );
    assert_eq!(
        (pidle - NOW, pabs - NOW),
        (Duration::minutes(10), Duration::hours(1))
    );
    #[rustfmt::skip]
    let cases = [
        (NOW + Duration::minutes(29), false, Active),
        (NOW + Duration::minutes(30), false, IdleExpired),
        (NOW + Duration::minutes(1), true, Revoked),
        (NOW + Duration::hours(13), false, AbsoluteExpired),
    ];
    for (at, revoked, want) in cases {
        assert_eq!(session::state(at, idle, abs, revoked), want);
    }
    // Touching never extends past the absolute expiry.
    assert_eq!(p.touch(abs - Duration::minutes(5), false, abs), abs);
    let (t, h) = session::new_token();
    assert_eq!(session::token_hash(&t), h);
}

#[test]
fn the_country_table_knows_most_countries() {
    assert!(geo::len() > 240);
    let km = geo::min_distance_km("US", "FR").unwrap();
    assert!((3000.0..7000.0).contains(&km), "{km}");
    assert_eq!(geo::min_distance_km("fr", "BE"), Some(0.0));
    assert_eq!(geo::min_distance_km("FR", "ZZ"), None);
}
