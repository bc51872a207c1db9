//! contact.phone, contact.email, contact.handle and contact.request through the public API. One line per case: the
//! input and the contact rule ids expected (sorted); `&[]` means no contact finding.
//!
//! These tables test the rules, so the screener here has no intent model: what the learned layer adds is tested in
//! tests/it/intent.rs and measured on the corpus and the held-out batches.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // Test helpers may fail loudly.

use screen::{Category, Config, Message, Region, Screener};
use std::sync::OnceLock;

fn screener() -> &'static Screener {
    static S: OnceLock<Screener> = OnceLock::new();
    S.get_or_init(|| Screener::with_model(Config::default(), None).unwrap())
}

const CONTACT: [Category; 4] = [
    Category::ContactPhone,
    Category::ContactEmail,
    Category::ContactHandle,
    Category::ContactRequest,
];

fn contact_findings(text: &str, region: Option<&str>) -> Vec<screen::Finding> {
    let mut m = Message::new(text);
    m.region = region.map(|r| Region::parse(r).unwrap());
    screener()
        .screen(&m)
        .findings
        .into_iter()
        .filter(|f| CONTACT.contains(&f.category))
        .collect()
}

/// The contact rule ids found in `input` (no region), sorted.
#[track_caller]
fn check(input: &str, expected: &[&str]) {
    check_in(input, None, expected);
}

#[track_caller]
fn check_in(input: &str, region: Option<&str>, expected: &[&str]) {
    let findings = contact_findings(input, region);
    let mut rules: Vec<&str> = findings.iter().map(|f| f.rule).collect();
    rules.sort();
    if rules != expected {
        let found: Vec<(&str, &str, Option<&str>)> = findings
            .iter()
            .map(|f| (f.rule, f.matched.as_str(), f.normalized.as_deref()))
            .collect();
        fail(format!(
            "{input:?} (region {region:?}): expected {expected:?}, found {found:?}"
        ));
    }
    for f in &findings {
        assert_eq!(f.matched, &input[f.start..f.end]);
        assert!(!f.explanation.is_empty());
    }
}

/// The normalised value and matched text of the single finding of `rule`.
#[track_caller]
fn check_value(input: &str, region: Option<&str>, rule: &str, matched: &str, normalized: &str) {
    let findings = contact_findings(input, region);
    let Some(f) = findings.iter().find(|f| f.rule == rule) else {
        return fail(format!("no {rule} in {input:?}: {findings:?}"));
    };
    if (f.matched.as_str(), f.normalized.as_deref()) != (matched, Some(normalized)) {
        fail(format!(
            "{input:?}: {rule} is {:?} -> {:?}",
            f.matched, f.normalized
        ));
    }
}

thread_local! {
    static FAILURES: std::cell::RefCell<Vec<String>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Records a failed case; `finish` reports them all at the end of the test, so one run shows every failing line.
fn fail(msg: String) {
    FAILURES.with(|f| f.borrow_mut().push(msg));
}

fn finish() {
    let failures = FAILURES.with(|f| std::mem::take(&mut *f.borrow_mut()));
    assert!(
        failures.is_empty(),
        "{} failing cases:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn phone_numbers_in_digits() {
    check("415-555-0172", &["phone.digits"]);
    check("(212) 555 0199", &["phone.digits"]);
    check("4155550172", &["phone.digits"]);
    check("+44 20 7946 0958", &["phone.digits"]);
    check("415.555.0172", &["phone.digits"]);
    check_in("030 901820", Some("DE"), &["phone.digits"]);
    check_in("06 12 34 56 78", Some("FR"), &["phone.digits"]);
    check_in("612 345 678", Some("ES"), &["phone.digits"]);
    check_in("(11) 91234-5678", Some("BR"), &["phone.digits"]);
    check_in("07911 123456", Some("GB"), &["phone.digits"]);
    check_value(
        "call me at 415 555 0172",
        Some("US"),
        "phone.digits",
        "415 555 0172",
        "+14155550172",
    );
    finish();
}

#[test]
fn phone_numbers_obfuscated() {
    check("4l5-555-Ol72", &["phone.obfuscated"]);
    check("４１５-５５５-０１７２", &["phone.obfuscated"]);
    check("٤١٥-٥٥٥-٠١٧٢", &["phone.obfuscated"]);
    check("𝟒𝟏𝟓 𝟓𝟓𝟓 𝟎𝟏𝟕𝟐", &["phone.obfuscated"]);
    check("④①⑤ ⑤⑤⑤ ⓪①⑦②", &["phone.obfuscated"]);
    check("4️⃣1️⃣5️⃣5️⃣5️⃣5️⃣0️⃣1️⃣7️⃣2️⃣", &["phone.obfuscated"]);
    check("415_555_0172", &["phone.obfuscated"]);
    check("4🔸1🔸5🔸5🔸5🔸5🔸0🔸1🔸7🔸2", &["phone.obfuscated"]);
    check("415 📞 555 📞 0172", &["phone.obfuscated"]);
    check_value(
        "x 4l5-555-Ol72 y",
        None,
        "phone.obfuscated",
        "4l5-555-Ol72",
        "+14155550172",
    );
    finish();
}

#[test]
fn phone_numbers_spelled() {
    check(
        "four one five five five five zero one seven two",
        &["phone.spelled"],
    );
    check(
        "four one five, five five five, oh one seven two",
        &["phone.spelled"],
    );
    check("4 one 5 five 5 5 zero 1 seven 2", &["phone.spelled"]);
    check(
        "four one five double five five zero one seven two",
        &["phone.spelled"],
    );
    check("call 415 five five five 0172", &["phone.spelled"]);
    check_in(
        "seis uno dos tres cuatro cinco seis siete ocho",
        Some("ES"),
        &["phone.spelled"],
    );
    check_in(
        "zéro six douze trente-quatre cinquante-six soixante-dix-huit",
        Some("FR"),
        &["phone.spelled"],
    );
    check_in(
        "null eins fünf eins, zwei drei vier fünf sechs sieben acht neun",
        Some("DE"),
        &["phone.spelled"],
    );
    check_in(
        "onze nove oito sete seis cinco quatro três dois um",
        Some("BR"),
        &["phone.spelled"],
    );
    check_value(
        "my cell: four one five five five five zero one seven two ok",
        None,
        "phone.spelled",
        "four one five five five five zero one seven two",
        "+14155550172",
    );
    finish();
}

#[test]
fn numbers_that_are_not_phone_numbers() {
    check("Order #4155550172 has shipped", &[]);
    check("order number 4155550172", &[]);
    check("Tracking: 1Z999AA10123456784", &[]);
    check("UPS 1Z 999 AA1 01 2345 6784", &[]);
    check("USPS tracking 9400 1000 0000 0000 0000 00", &[]);
    check("USPS 9400111899223397658538", &[]);
    check("FedEx tracking 7489 2347 1234", &[]);
    check("fedex 748923471234", &[]);
    check("It's $415.55 shipped", &[]);
    check("price: $1,234,567.89", &[]);
    check("Total 4155550172 USD", &[]);
    check("Meet on 03/27/2011 at 10:30", &[]);
    check("2012-01-02 08:00", &[]);
    check("Dimensions 120 x 60 x 75 cm", &[]);
    check("1200x600x750mm", &[]);
    check("Model HX-415-555-0172", &[]);
    check("Part no. 415-555-0172", &[]);
    check("S/N 4155550172", &[]);
    check("ISBN 978-0-306-40615-7", &[]);
    check("9780306406157", &[]);
    check("UPC 036000291452", &[]);
    check("EAN 4006381333931", &[]);
    check("ZIP 94105-1234", &[]);
    check("postcode SW1A 1AA", &[]);
    check("I have 2 of them, 3 if you want", &[]);
    check("qty 4155550172 pcs", &[]);
    check("battery 4155550172 mAh", &[]);
    check("I have one or two left, maybe three", &[]);
    check("Version 10.15.7 build 19H2", &[]);
    check("IMEI 490154203237518", &[]);
    finish();
}

#[test]
fn emails() {
    check("jo@example.com", &["email.address"]);
    check("mail me: Jo.Smith+ads@Outlook.co.uk", &["email.address"]);
    check("jo at gmail dot com", &["email.spelled"]);
    check("jo(at)outlook(dot)com", &["email.spelled"]);
    check("jo [at] example [dot] de", &["email.spelled"]);
    check("jo.smith at acme dot com", &["email.spelled"]);
    check("j o @ g m a i l . c o m", &["email.obfuscated"]);
    check("jo＠gmail.com", &["email.obfuscated"]);
    check("jo_smith99 on gmail", &["email.provider"]);
    check("my gmail is jo.smith", &["email.provider"]);
    check("look at amazon dot com", &[]);
    check("I'm at home dot com", &[]);
    check("message me on gmail", &["request.reach_me"]);
    // Disguised "at" and "dot", two-level domains, providers in prose.
    check("sam_k -at- yahoo -dot- com", &["email.spelled"]);
    check("ann at annsquilts dot co dot uk", &["email.spelled"]);
    check("rob.m at the good old g mail", &["email.provider"]);
    check("lee.h [at] hotmail", &["email.provider"]);
    check("I'm sallyreid on hotmail", &["email.provider"]);
    check("look me up on yahoo, it's pete_vance", &["email.provider"]);
    check("my user name here @ gmail", &["email.described"]);
    check(
        "same nickname as on here, but on icloud",
        &["email.described"],
    );
    check(
        "inbox: oak.and.pine, it's a hotmail address",
        &["email.described"],
    );
    // Hard negatives: places, sites, adverbs, links and plain mentions of a provider.
    check("it's cheaper at walmart dot com", &[]);
    check("I'm mostly on gmail these days", &[]);
    check(
        "I forgot my username, I'll check my gmail for the reset",
        &[],
    );
    check("the outlook for pickup is good, version 2.4 ships", &[]);
    check(
        "gmail marked the listing email as spam, order no. 4412",
        &[],
    );
    check("money is held in escrow at safe-escrow.org", &[]);
    check("https://www.shop.com@login-check.io/x", &[]);
    check("the file is photos.zip, sent from my yahoo", &[]);
    check_value(
        "write to jo at gmail dot com",
        None,
        "email.spelled",
        "jo at gmail dot com",
        "jo@gmail.com",
    );
    check_value(
        "jo_smith99 on gmail",
        None,
        "email.provider",
        "jo_smith99 on gmail",
        "jo_smith99@gmail.com",
    );
    check_value(
        "ｊｏ＠ｇｍａｉｌ．ｃｏｍ",
        None,
        "email.obfuscated",
        "ｊｏ＠ｇｍａｉｌ．ｃｏｍ",
        "jo@gmail.com",
    );
    finish();
}

#[test]
fn handles() {
    check("wa.me/14155550172", &["handle.link", "phone.digits"]);
    check("join https://t.me/jo_smith", &["handle.link"]);
    check("discord.gg/abc123", &["handle.link"]);
    check("telegram @jo_smith", &["handle.account"]);
    check(
        "WhatsApp: +1 415 555 0172",
        &["handle.account", "phone.digits"],
    );
    check("WeChat ID: jo88", &["handle.account"]);
    check("my snap is jo_smith", &["handle.account"]);
    check(
        "message me on WhatsApp",
        &["request.app_invite", "request.reach_me"],
    );
    check("add me on w h a t s a p p", &["request.app_invite"]);
    check("add me on wh4tsapp", &["request.app_invite"]);
    check(
        "hit me up on te1egram",
        &["request.app_invite", "request.reach_me"],
    );
    check("I'm on telegram", &["request.app_invite"]);
    check("whatsapp me", &["request.app_invite", "request.reach_me"]);
    check(
        "escríbeme por whatsapp",
        &["request.app_invite", "request.reach_me"],
    );
    check("add me on signal", &["request.app_invite"]);
    check("dm me @jo_smith", &["handle.at"]);
    check("supports WhatsApp video calls", &[]);
    check("does it support WhatsApp calls?", &[]);
    check("the wifi signal is weak", &[]);
    check("Snap-on tools set", &[]);
    check("I saw it on Instagram", &[]);
    check("messenger bag, like new", &[]);
    finish();
}

#[test]
fn requests() {
    check("what's your number?", &["request.details"]);
    check("do you have WhatsApp?", &["request.details"]);
    check("let's talk outside the site", &["request.off_platform"]);
    check("text me", &["request.reach_me"]);
    check("¿me pasas tu número?", &["request.details"]);
    check("¿Tienes WhatsApp?", &["request.details"]);
    check(
        "hablemos por fuera de la plataforma",
        &["request.off_platform"],
    );
    check("quel est ton numéro ?", &["request.details"]);
    check("appelle-moi", &["request.reach_me"]);
    check("hast du WhatsApp?", &["request.details"]);
    check("ruf mich an", &["request.reach_me"]);
    check("qual é o seu número?", &["request.details"]);
    check(
        "me chama no zap",
        &["request.app_invite", "request.reach_me"],
    );
    check("what's your order number?", &[]);
    check("check your email for the receipt", &[]);
    check("do you have the number of units?", &[]);
    check("Thanks, I'll pay through the app", &[]);
    finish();
}

#[test]
fn giving_your_own_detail_is_the_detail_only() {
    // The spec's example: "call me at <number>" is contact.phone only.
    check_in("call me at 415 555 0172", Some("US"), &["phone.digits"]);
    check_in("text me 212 555 0147", Some("US"), &["phone.digits"]);
    check("email me at jo.harper@gmail.com", &["email.address"]);
    check("Schreib mir an k.vogel@gmx.de", &["email.address"]);
    check("message me on telegram @marco_resells", &["handle.account"]);
    check(
        "hit me up on discord, user is rtx_dealer",
        &["handle.account"],
    );
    // Without a detail, the same words ask to be contacted off the platform.
    check("call me tomorrow", &["request.reach_me"]);
    check(
        "message me on insta",
        &["request.app_invite", "request.reach_me"],
    );
    // Asking for theirs or proposing to move stays a request next to one's own detail.
    check_in(
        "What's your number? Mine is 415 555 0110",
        Some("US"),
        &["phone.digits", "request.details"],
    );
    check(
        "can we switch to email? mine is jo.harper@gmail.com",
        &["email.address", "request.off_platform"],
    );
    finish();
}

#[test]
fn requests_to_move_the_conversation() {
    check("Can we move to text?", &["request.off_platform"]);
    check(
        "could we chat by phone for 5 minutes?",
        &["request.off_platform"],
    );
    check(
        "on peut continuer sur WhatsApp ?",
        &["request.off_platform"],
    );
    check("how can I reach you?", &["request.off_platform"]);
    check("Gib mir mal deine Handynummer", &["request.details"]);
    check("mejor seguimos por Telegram", &["request.off_platform"]);
    // Hard negatives: paying outside is payment.off_platform's business, refusing is clean, and so are ordinary
    // questions that share the words.
    check("Pay outside the site and I'll knock $40 off", &[]);
    check("I don't take payment outside the site, sorry", &[]);
    check("what's your best price?", &[]);
    check(
        "can the package go somewhere else? not the order address",
        &[],
    );
    check("I'm not on WhatsApp, let's keep talking here", &[]);
    finish();
}

#[test]
fn handles_in_harder_forms() {
    check("t . me / carparts_direct", &["handle.link"]);
    check("t[.]me/gpu_deals_2024", &["handle.link"]);
    check("signal.me/#eu/pR8xTq2mKv", &["handle.link"]);
    check("tele gram: @ oakworkshop", &["handle.account"]);
    check("meu telegram é @rafa_games", &["handle.account"]);
    check("mon snap c'est juju.lbc", &["handle.account"]);
    check("Signal-Benutzername: felix.42", &["handle.account"]);
    check("dc: nova.trades", &["handle.account"]);
    check("tiktok @bigmikesgarage", &["handle.account"]);
    check(
        "Ｔｅｌｅｇｒａｍ ＠ｂｅｓｔ＿ｄｅａｌｓ＿ｕｋ",
        &["handle.account"],
    );
    check_in(
        "zap: (11) 91234-5678",
        Some("BR"),
        &["handle.account", "phone.digits"],
    );
    check_in(
        "wa.me/14155550172",
        Some("US"),
        &["handle.link", "phone.digits"],
    );
    // Hard negatives: an app name inside another word or a domain, two apps named, a payment account.
    check("Is the Instagram-famous planter the same?", &[]);
    check("Das Handy unterstützt WhatsApp-Videoanrufe", &[]);
    check("O celular roda Instagram e WhatsApp sem travar", &[]);
    check("venmo me @tom-baker-7", &[]);
    check("bottom line: it works", &[]);
    // Oblique app names with an account, an account before "on <app>", an @name in a sentence naming an app.
    check(
        "I'm on the paper plane app as bike_guy_22",
        &["handle.account"],
    );
    check(
        "deals posted on the photo app first, it's @thrift.nest",
        &["handle.at"],
    );
    check("search vinyl.vault_ on the ghost app", &["handle.account"]);
    check("same username as here on telegram", &["handle.account"]);
    check(
        "all my stock is on Instagram, @oak.and.iron, have a look",
        &["handle.account"],
    );
    check("telegram?", &["request.app_question"]);
    check_in(
        "call 415 555 0172 or on WhatsApp",
        Some("US"),
        &["handle.phone_app", "phone.digits"],
    );
    // Hard negatives: the oblique words without an account, a time, a feature, a number with no app invitation.
    check("the camera app on this phone is great", &[]);
    check("@2pm works, I saw the listing on Instagram", &[]);
    check("does it support WhatsApp?", &[]);
    check_in(
        "call 415 555 0172, I'm not on WhatsApp",
        Some("US"),
        &["phone.digits"],
    );
    check("the green app icon is the battery saver", &[]);
    finish();
}

#[test]
fn phone_numbers_given_in_pieces_and_their_look_alikes() {
    check_in(
        "area code 312 and then 555-0196",
        Some("US"),
        &["phone.obfuscated"],
    );
    check_in(
        "phone is 6 4 6 (space) 5 5 5 (space) 0 1 2 3",
        Some("US"),
        &["phone.obfuscated"],
    );
    check("my no. +91 81234 56789 call evening", &["phone.digits"]);
    check_in("Me liga no (11) 91234-5678", Some("BR"), &["phone.digits"]);
    // Hard negatives: a numbered thing named just before.
    check_in("The listing ID is 3302918475", Some("US"), &[]);
    check_in("order no. 4155550172", Some("US"), &[]);
    check_in("serial no. 4155550123 on the bottom", Some("US"), &[]);
    check_in("2 chairs and 3 tables", Some("US"), &[]);
    // Pieces joined across the message, in order or "... with 415 in front".
    check_in(
        "starts with 212 555, then 0147 at the end",
        Some("US"),
        &["phone.pieces"],
    );
    check_in(
        "0123 is the end, 646 555 goes first",
        Some("US"),
        &["phone.pieces"],
    );
    check_in(
        "last bit 0199; before it 415 555",
        Some("US"),
        &["phone.pieces"],
    );
    // Hard negatives: numbers in parts of a listing, with cue words around them.
    check_in(
        "first owner, 415 miles on it, then 555 km in Spain, last service 0172 hours",
        Some("US"),
        &[],
    );
    check_in(
        "the first part costs $415, the rest 555.01",
        Some("US"),
        &[],
    );
    check_in("part 415 and part 555-0172/B are in stock", Some("US"), &[]);
    finish();
}

#[test]
fn requests_to_talk_elsewhere_in_everyday_words() {
    check(
        "shoot me a text instead, this chat keeps glitching",
        &["request.reach_me"],
    );
    check("drop me a line when you can", &["request.reach_me"]);
    check("hmu on snap", &["request.reach_me"]);
    check(
        "I barely check this app, is there another way to talk?",
        &["request.off_platform"],
    );
    check(
        "what's the best way to reach you off this app?",
        &["request.off_platform"],
    );
    check(
        "Können wir das am Telefon klären? Ruf mich einfach mal an",
        &["request.off_platform", "request.reach_me"],
    );
    // Talk that stays here.
    check("shoot me an offer and I'll see", &[]);
    check("there's another way to fold the table, see photo 3", &[]);
    check("hmu if the price drops", &[]);
}

#[test]
fn an_invitation_to_write_here_stays_on_the_platform() {
    check("Ich habe kein Instagram, schreib mir einfach hier", &[]);
    check("just message me here when it's ready", &[]);
    check("écris-moi ici si tu as des questions", &[]);
    // "here" far after the invitation does not change it.
    check(
        "text me, I'm not checking the messages on here anymore",
        &["request.reach_me"],
    );
}

#[test]
fn requests_with_an_article_a_reach_verb_or_a_channel_to_do() {
    check(
        "this app eats my messages, can we do sms?",
        &["request.off_platform"],
    );
    check(
        "is there a phone I can ring you on?",
        &["request.off_platform"],
    );
    check(
        "t'as un numéro où je peux te joindre ?",
        &["request.details", "request.off_platform"],
    );
    check("passa teu zap que é mais fácil", &["request.details"]);
    // The same words about the deal itself.
    check("can we do pickup on Saturday?", &[]);
    check("tu as un numéro de suivi ?", &[]);
}

#[test]
fn handles_marked_by_a_sign_or_introduced_as_one_s_own() {
    check("👻 jdoe22", &["handle.snap_ghost"]);
    check("add me 👻: lu.marques", &["handle.snap_ghost"]);
    check("agrégame 👻 marta_22", &["handle.snap_ghost"]);
    check("my @ is jdoe22", &["handle.my_at"]);
    check("mi @ es lucia.m", &["handle.my_at"]);
    check("mein @ ist max_mueller", &["handle.my_at"]);
    check("meu @ é ana.souza", &["handle.my_at"]);
    check("I'm jdoe22 on snap", &["handle.account"]);
    check("soy lucia_m en insta", &["handle.account"]);
    check_value(
        "I'm jdoe22 on snap",
        None,
        "handle.account",
        "jdoe22 on snap",
        "Snapchat",
    );
    // Hard negatives: the ghost as decoration, "I'm" with no name, the @ sign in ordinary use.
    check("👻 costume for sale, size M", &[]);
    check("Halloween decor 👻 boo", &[]);
    check("I'm also on snap", &["request.app_invite"]);
    check("I'm new on this app, is the lamp available?", &[]);
    check("my @ home address is on the order", &[]);
}

#[test]
fn a_phone_number_with_digits_glued_after_it() {
    check_in("my cell 415 555 0172 1234", Some("US"), &["phone.digits"]);
    check_value(
        "my cell 415 555 0172 1234",
        Some("US"),
        "phone.digits",
        "415 555 0172",
        "+14155550172",
    );
    check_in("text me on 020 7946 0583 22", Some("GB"), &["phone.digits"]);
    // Without a phone word, a long grouped number stays what it looks like (an order or reference number).
    check_in("order 415 555 0172 1234", Some("US"), &[]);
    check_in("ref 4111 1111 1111 11", Some("US"), &[]);
}

#[test]
fn a_phone_number_behind_hundreds_of_decoy_numbers_is_found() {
    // Each decoy is a cluster of seven digits; an earlier version read only the first 512 clusters.
    let decoys: String = (0..700u32)
        .map(|i| format!("{} ref ", 1_000_000 + i * 1_499))
        .collect();
    let text = format!("{decoys} call me 415 555 0172");
    let findings = contact_findings(&text, Some("US"));
    assert!(
        findings
            .iter()
            .any(|f| f.rule == "phone.digits" && f.matched == "415 555 0172"),
        "{:?}",
        findings
            .iter()
            .map(|f| (f.rule, &f.matched))
            .collect::<Vec<_>>()
    );
}
