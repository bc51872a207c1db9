//! `marketguard serve --demo`: a small, realistic marketplace seeded through the real use cases (users, listings,
//! orders, conversations whose messages carry the scam patterns the screening engine looks for), and a demo
//! investigator account with a fixed password and TOTP secret. Seeding is idempotent: fixed ids, upserts, and an
//! idempotency key on every message, so running it again changes nothing.

use casework::{
    CaseFilter, CaseState, NewReport, Outcome, ReportCategory, Resolve, Subject, SubjectType,
};
use messaging::{
    ListingInput, Messaging, MessagingError, Money, OpenConversation, OrderInput, SendMessage,
    UserInput,
};
use serde_json::json;
use store::security::ConsoleRole;
use time::{Duration, OffsetDateTime};

use crate::AppState;
use crate::security::ServiceError;

/// The demo investigator's username.
pub const USERNAME: &str = "demo";
/// The demo investigator's password (a demo only: anyone who reads this file knows it).
pub const PASSWORD: &str = "Tulip-Harbor-Lantern-58";
/// The demo investigator's TOTP secret (20 bytes, printed in base32).
pub const TOTP_SECRET: &[u8; 20] = b"marketguard-demo-key";
/// The demo admin (same password and TOTP secret).
pub const ADMIN_USERNAME: &str = "demo-admin";

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error(transparent)]
    Messaging(#[from] MessagingError),
    #[error(transparent)]
    Casework(#[from] casework::CaseworkError),
    #[error(transparent)]
    Store(#[from] store::StoreError),
    #[error(transparent)]
    Service(#[from] ServiceError),
    #[error(transparent)]
    Security(#[from] security::SecurityError),
    #[error("{0}")]
    Config(&'static str),
    /// The database holds data the demo did not create; the code `not_a_demo_database` leads the message.
    #[error(
        "not_a_demo_database: the database holds {0}, which the demo did not create; the demo refuses to mix its \
         users and console accounts into it. Run `serve --demo` without --database-url (it keeps its data in \
         ./marketguard-demo.db) or give it an empty database"
    )]
    NotADemoDatabase(String),
}

/// Where `serve --demo` keeps its data unless `--database-url` names another database: a file of its own, never
/// the configured database.
pub const DATABASE_URL: &str = "sqlite://./marketguard-demo.db";

/// Refuses a database that holds users or console accounts the demo did not create (an empty database, or one
/// the demo seeded before, is fine): the demo's public password and users must never land among real data.
pub async fn check_database(store: &store::Store) -> Result<(), DemoError> {
    let limit = i64::try_from(USERS.len() + 1).unwrap_or(i64::MAX);
    let users = store.user_ids(limit).await?;
    if let Some(id) = users
        .iter()
        .find(|id| !USERS.iter().any(|u| u.id == id.as_str()))
    {
        return Err(DemoError::NotADemoDatabase(format!("the user `{id}`")));
    }
    let accounts = store.console_accounts().await?;
    if let Some(a) = accounts
        .iter()
        .find(|a| a.username != USERNAME && a.username != ADMIN_USERNAME)
    {
        return Err(DemoError::NotADemoDatabase(format!(
            "the console account `{}`",
            a.username
        )));
    }
    Ok(())
}

/// A fixed data key for the demo when none is configured (the demo's TOTP secrets are public anyway).
const DEMO_ENCRYPTION_KEY: &str = "bWFya2V0Z3VhcmQtZGVtby1vbmx5LW5vdC1zZWNyZXQ=";

/// Adjusts a configuration for the demo: the demo marketplace is `examplemarket.com` (so lookalike links are
/// phishing), the console is served over plain HTTP on this machine, and a built-in data key is used when none is
/// configured. Answers notes to print about what it changed.
pub fn configure(config: &mut crate::Config) -> Vec<&'static str> {
    let mut notes = Vec::new();
    if config.security.encryption_key.is_none() {
        config.security.encryption_key = Some(crate::security::config::ConfigSecret::new(
            DEMO_ENCRYPTION_KEY,
        ));
        notes.push("no security.encryption_key configured: using the built-in demo key (never use it for real data)");
    }
    if config.screening.protected_domains.is_empty() && config.screening.brand_names.is_empty() {
        config.screening.protected_domains = vec!["examplemarket.com".into()];
        config.screening.brand_names = vec!["examplemarket".into()];
        config.security.marketplace_name = "ExampleMarket".into();
    }
    config.console.secure_cookie = false;
    notes
}

/// What `serve --demo` prints.
#[derive(Debug, Clone)]
pub struct DemoLogin {
    pub username: &'static str,
    pub admin_username: &'static str,
    pub password: &'static str,
    pub totp_secret_base32: String,
    pub users: usize,
    pub conversations: usize,
    pub messages: usize,
    pub cases_open: usize,
    pub cases_resolved: usize,
}

impl DemoLogin {
    /// The TOTP code valid at `now`.
    pub fn code_at(&self, now: OffsetDateTime) -> String {
        security::totp::code_at_step(TOTP_SECRET, security::totp::step_at(now)).unwrap_or_default()
    }
}

struct U {
    id: &'static str,
    role: &'static str,
    name: &'static str,
    email: &'static str,
    phone: &'static str,
    country: &'static str,
}

const USERS: &[U] = &[
    U {
        id: "s-maple-oak",
        role: "seller",
        name: "Maple & Oak Furniture",
        email: "hello@mapleoak.example",
        phone: "+14155550101",
        country: "US",
    },
    U {
        id: "s-vintage-lamps",
        role: "seller",
        name: "Vintage Lamps NYC",
        email: "marco@vintagelamps.example",
        phone: "+12125550147",
        country: "US",
    },
    U {
        id: "s-kaylas-closet",
        role: "seller",
        name: "Kayla's Closet",
        email: "kayla.brooks@mail.example",
        phone: "+13105550188",
        country: "US",
    },
    U {
        id: "s-techdeals",
        role: "seller",
        name: "TechDeals Outlet",
        email: "support@techdeals.example",
        phone: "+16465550123",
        country: "US",
    },
    U {
        id: "s-atelier-lena",
        role: "seller",
        name: "Atelier Lena",
        email: "lena@atelier.example",
        phone: "+4915112345678",
        country: "DE",
    },
    U {
        id: "b-jordan",
        role: "buyer",
        name: "Jordan Reyes",
        email: "jordan.reyes@mail.example",
        phone: "+14155550172",
        country: "US",
    },
    U {
        id: "b-priya",
        role: "buyer",
        name: "Priya Natarajan",
        email: "priya.n@mail.example",
        phone: "+12125550133",
        country: "US",
    },
    U {
        id: "b-sam",
        role: "buyer",
        name: "Sam Okafor",
        email: "sam.okafor@mail.example",
        phone: "+13125550190",
        country: "US",
    },
    U {
        id: "b-quickbuy",
        role: "buyer",
        name: "alex_quickbuy",
        email: "alex.quickbuy@mail.example",
        phone: "+17185550111",
        country: "US",
    },
    U {
        id: "b-mia",
        role: "buyer",
        name: "Mia Chen",
        email: "mia.chen@mail.example",
        phone: "+14085550166",
        country: "US",
    },
    U {
        id: "b-tom",
        role: "buyer",
        name: "Tom Becker",
        email: "tom.becker@mail.example",
        phone: "+4917612345678",
        country: "DE",
    },
];

struct L {
    id: &'static str,
    seller: &'static str,
    title: &'static str,
    category: &'static str,
}

const LISTINGS: &[L] = &[
    L {
        id: "l-oak-table",
        seller: "s-maple-oak",
        title: "Solid oak side table",
        category: "furniture",
    },
    L {
        id: "l-brass-lamp",
        seller: "s-vintage-lamps",
        title: "1950s brass desk lamp",
        category: "lighting",
    },
    L {
        id: "l-denim-jacket",
        seller: "s-kaylas-closet",
        title: "Vintage denim jacket, size M",
        category: "clothing",
    },
    L {
        id: "l-headphones",
        seller: "s-techdeals",
        title: "Noise-cancelling headphones, sealed",
        category: "electronics",
    },
    L {
        id: "l-linen-dress",
        seller: "s-atelier-lena",
        title: "Handmade linen dress",
        category: "clothing",
    },
    L {
        id: "l-walnut-shelf",
        seller: "s-maple-oak",
        title: "Walnut wall shelf",
        category: "furniture",
    },
];

struct O {
    id: &'static str,
    buyer: &'static str,
    seller: &'static str,
    listing: &'static str,
    amount: &'static str,
    currency: &'static str,
    status: &'static str,
    street: &'static str,
    city: &'static str,
    country: &'static str,
}

const ORDERS: &[O] = &[
    O {
        id: "o-1001",
        buyer: "b-jordan",
        seller: "s-maple-oak",
        listing: "l-oak-table",
        amount: "189.00",
        currency: "USD",
        status: "paid",
        street: "742 Evergreen Terrace",
        city: "Springfield",
        country: "US",
    },
    O {
        id: "o-1002",
        buyer: "b-quickbuy",
        seller: "s-vintage-lamps",
        listing: "l-brass-lamp",
        amount: "74.50",
        currency: "USD",
        status: "created",
        street: "12 Harbor Rd",
        city: "Brooklyn",
        country: "US",
    },
    O {
        id: "o-1003",
        buyer: "b-priya",
        seller: "s-techdeals",
        listing: "l-headphones",
        amount: "129.99",
        currency: "USD",
        status: "paid",
        street: "88 Lexington Ave",
        city: "New York",
        country: "US",
    },
    O {
        id: "o-1004",
        buyer: "b-sam",
        seller: "s-kaylas-closet",
        listing: "l-denim-jacket",
        amount: "45.00",
        currency: "USD",
        status: "created",
        street: "1200 Market St",
        city: "Chicago",
        country: "US",
    },
    O {
        id: "o-1005",
        buyer: "b-mia",
        seller: "s-maple-oak",
        listing: "l-walnut-shelf",
        amount: "95.00",
        currency: "USD",
        status: "delivered",
        street: "5 Orchard Ln",
        city: "San Jose",
        country: "US",
    },
    O {
        id: "o-1006",
        buyer: "b-tom",
        seller: "s-atelier-lena",
        listing: "l-linen-dress",
        amount: "139.00",
        currency: "EUR",
        status: "paid",
        street: "Lindenstraße 4",
        city: "Berlin",
        country: "DE",
    },
];

/// A message: the order (or `listing:<id>:<buyer>`), who sends it (`b` buyer or `s` seller), days and hours ago,
/// and the text.
struct M {
    about: &'static str,
    from: char,
    days_ago: i64,
    hour: i64,
    text: &'static str,
}

const MESSAGES: &[M] = &[
    // An ordinary sale, with a seller who gives out a phone number (redacted).
    M {
        about: "o-1001",
        from: 'b',
        days_ago: 6,
        hour: 9,
        text: "Hi! Is the oak side table still available? I'd love it before the weekend.",
    },
    M {
        about: "o-1001",
        from: 's',
        days_ago: 6,
        hour: 10,
        text: "Yes it is, thanks for the order! It ships tomorrow morning.",
    },
    M {
        about: "o-1001",
        from: 's',
        days_ago: 6,
        hour: 11,
        text: "Easier to just call. (646) 555-0123 after 5pm",
    },
    M {
        about: "o-1001",
        from: 'b',
        days_ago: 5,
        hour: 8,
        text: "Thanks, I'll keep it here. Got the tracking number!",
    },
    // A buyer who asks for the seller's verification code (credential requests, blocked).
    M {
        about: "o-1002",
        from: 'b',
        days_ago: 5,
        hour: 14,
        text: "hey is the lamp still for sale",
    },
    M {
        about: "o-1002",
        from: 's',
        days_ago: 5,
        hour: 15,
        text: "It is! It works perfectly, original wiring replaced.",
    },
    M {
        about: "o-1002",
        from: 'b',
        days_ago: 4,
        hour: 9,
        text: "I just sent a code to your phone, can you tell me what it says? It's to make sure you're not a bot",
    },
    M {
        about: "o-1002",
        from: 'b',
        days_ago: 2,
        hour: 16,
        text: "Send me the code NOW, it expires in 60 seconds and then the money is lost!!",
    },
    // A seller sending phishing links (held for review).
    M {
        about: "o-1003",
        from: 'b',
        days_ago: 3,
        hour: 10,
        text: "Hello, when will the headphones ship?",
    },
    M {
        about: "o-1003",
        from: 's',
        days_ago: 3,
        hour: 12,
        text: "Payment pending — click to verify your order: https://exarnplemarket.com/verify",
    },
    M {
        about: "o-1003",
        from: 's',
        days_ago: 1,
        hour: 9,
        text: "Your order will be cancelled within 24 hours unless you confirm at examp1emarket.com/keep",
    },
    // Off-platform payment (blocked) and a handle (redacted).
    M {
        about: "o-1004",
        from: 'b',
        days_ago: 4,
        hour: 18,
        text: "Love the jacket! Does it run small?",
    },
    M {
        about: "o-1004",
        from: 's',
        days_ago: 4,
        hour: 19,
        text: "Fits true to size. I only take Venmo, @Kayla-Brooks-7",
    },
    M {
        about: "o-1004",
        from: 's',
        days_ago: 2,
        hour: 11,
        text: "Can you just Zelle me? Saves us both the fees",
    },
    M {
        about: "o-1004",
        from: 'b',
        days_ago: 2,
        hour: 12,
        text: "I'd rather pay through the site, thanks.",
    },
    // A clean conversation.
    M {
        about: "o-1005",
        from: 'b',
        days_ago: 2,
        hour: 9,
        text: "The shelf arrived and it's beautiful, thank you!",
    },
    M {
        about: "o-1005",
        from: 's',
        days_ago: 2,
        hour: 10,
        text: "So glad you like it! Enjoy.",
    },
    // Contact details in another language.
    M {
        about: "o-1006",
        from: 'b',
        days_ago: 1,
        hour: 15,
        text: "Hallo! Ist das Kleid auch in Größe 38 zu haben?",
    },
    M {
        about: "o-1006",
        from: 's',
        days_ago: 1,
        hour: 16,
        text: "Ja! Schreib mir auf WhatsApp: +49 151 23456789, dann schicke ich dir Fotos.",
    },
    // Before a sale: a contact request with a credential request.
    M {
        about: "listing:l-denim-jacket:b-quickbuy",
        from: 'b',
        days_ago: 1,
        hour: 20,
        text: "What's your phone number? I'll send a verification code to it, just read it back to me to prove you're real",
    },
    M {
        about: "listing:l-oak-table:b-priya",
        from: 'b',
        days_ago: 0,
        hour: 0,
        text: "Could you send me a few more photos of the table top?",
    },
];

fn at(now: OffsetDateTime, days_ago: i64, hour: i64) -> OffsetDateTime {
    let day = now.replace_time(time::Time::MIDNIGHT) - Duration::days(days_ago);
    (day + Duration::hours(hour)).min(now)
}

fn user(id: &str) -> Result<&'static U, DemoError> {
    USERS
        .iter()
        .find(|u| u.id == id)
        .ok_or(DemoError::Config("a demo order names an unknown user"))
}

/// Seeds the marketplace and the demo console accounts; answers the login to print.
pub async fn seed(state: &AppState) -> Result<DemoLogin, DemoError> {
    let m: &Messaging = &state.messaging;
    let now = state.now();
    let start = now - Duration::days(30);
    for u in USERS {
        m.upsert_user(
            &UserInput {
                id: u.id.into(),
                role: u.role.into(),
                display_name: u.name.into(),
                email: Some(u.email.into()),
                phone: Some(u.phone.into()),
                country: u.country.into(),
                locale: None,
            },
            start,
        )
        .await?;
    }
    for l in LISTINGS {
        m.upsert_listing(
            &ListingInput {
                id: l.id.into(),
                seller_id: l.seller.into(),
                title: l.title.into(),
                category: l.category.into(),
                made_to_order: false,
                bulky: false,
            },
            start,
        )
        .await?;
    }
    for o in ORDERS {
        let buyer = user(o.buyer)?;
        m.upsert_order(
            &OrderInput {
                id: o.id.into(),
                buyer_id: o.buyer.into(),
                seller_id: o.seller.into(),
                listing_id: Some(o.listing.into()),
                amount: Money::parse(o.amount, o.currency).map_err(|_| DemoError::Config("a demo amount is not valid"))?,
                ship_to: json!({"name": buyer.name, "line1": o.street, "city": o.city, "country": o.country}),
                status: o.status.into(),
                delivery_date: None,
            },
            start,
        )
        .await?;
    }
    let mut conversations = std::collections::BTreeMap::new();
    let mut sent = 0;
    for (i, msg) in MESSAGES.iter().enumerate() {
        let (buyer, seller, order, listing) = match msg.about.strip_prefix("listing:") {
            Some(rest) => {
                let (listing, buyer) = rest
                    .split_once(':')
                    .ok_or(DemoError::Config("bad demo subject"))?;
                let seller = LISTINGS
                    .iter()
                    .find(|l| l.id == listing)
                    .ok_or(DemoError::Config("bad demo listing"))?
                    .seller;
                (buyer, seller, None, Some(listing))
            }
            None => {
                let o = ORDERS
                    .iter()
                    .find(|o| o.id == msg.about)
                    .ok_or(DemoError::Config("bad demo order"))?;
                (o.buyer, o.seller, Some(o.id), None)
            }
        };
        let first_at = at(now, msg.days_ago, msg.hour) - Duration::minutes(5);
        let (conversation, _) = m
            .open_conversation(
                &OpenConversation {
                    buyer_id: buyer.into(),
                    seller_id: seller.into(),
                    order_id: order.map(Into::into),
                    listing_id: listing.map(Into::into),
                    opened_by: Some(buyer.into()),
                },
                first_at,
            )
            .await?;
        conversations.insert(conversation.id.clone(), ());
        let sender = if msg.from == 'b' { buyer } else { seller };
        let outcome = m
            .send(
                &SendMessage {
                    conversation_id: conversation.id.clone(),
                    sender_id: sender.into(),
                    text: msg.text.into(),
                    idempotency_key: Some(format!("demo-{i}")),
                },
                at(now, msg.days_ago, msg.hour),
            )
            .await;
        match outcome {
            Ok(_) => sent += 1,
            // A sender restricted by an earlier message of a run on another day: nothing more to seed for them.
            Err(MessagingError::Restricted { .. } | MessagingError::Suspended { .. }) => {}
            Err(e) => return Err(e.into()),
        }
    }
    let (cases_open, cases_resolved) = reports(state, now).await?;
    let totp_secret_base32 = accounts(state, now).await?;
    Ok(DemoLogin {
        username: USERNAME,
        admin_username: ADMIN_USERNAME,
        password: PASSWORD,
        totp_secret_base32,
        users: USERS.len(),
        conversations: conversations.len(),
        messages: sent,
        cases_open,
        cases_resolved,
    })
}

/// A report: who files it about which order, the category, when, the text; and, for reports an investigator
/// already decided, the outcome and how many hours later.
struct R {
    reporter: &'static str,
    order: &'static str,
    category: ReportCategory,
    days_ago: i64,
    hour: i64,
    text: &'static str,
    decided: Option<(Outcome, i64, &'static str)>,
}

const REPORTS: &[R] = &[
    R {
        reporter: "b-jordan",
        order: "o-1001",
        category: ReportCategory::PhoneRequest,
        days_ago: 6,
        hour: 12,
        text: "The seller posted a phone number and asked me to call instead of using the chat.",
        decided: Some((
            Outcome::Warn,
            5,
            "Shared a phone number to move the sale off the platform; first time, so a warning.",
        )),
    },
    R {
        reporter: "b-mia",
        order: "o-1005",
        category: ReportCategory::Other,
        days_ago: 2,
        hour: 11,
        text: "The shelf has a small scratch on the left side.",
        decided: Some((
            Outcome::Dismiss,
            20,
            "A quality complaint, not a safety issue; the buyer was pointed to the returns process.",
        )),
    },
    R {
        reporter: "s-vintage-lamps",
        order: "o-1002",
        category: ReportCategory::CredentialRequest,
        days_ago: 2,
        hour: 17,
        text: "The buyer keeps asking me for the verification code that was texted to my phone.",
        decided: None,
    },
    R {
        reporter: "b-sam",
        order: "o-1004",
        category: ReportCategory::OffPlatformPayment,
        days_ago: 2,
        hour: 13,
        text: "The seller wants me to pay with Venmo or Zelle instead of at checkout.",
        decided: None,
    },
    R {
        reporter: "b-priya",
        order: "o-1003",
        category: ReportCategory::Phishing,
        days_ago: 1,
        hour: 10,
        text: "The seller sent me a link to 'verify' my order on a site that looks like ExampleMarket but is not.",
        decided: None,
    },
    R {
        reporter: "b-tom",
        order: "o-1006",
        category: ReportCategory::PhoneRequest,
        days_ago: 0,
        hour: 0,
        text: "The seller wants to move our chat to WhatsApp and gave me her number.",
        decided: None,
    },
];

/// Files the demo reports (idempotent: each has an idempotency key) and decides the ones already decided;
/// answers how many cases are open and resolved.
async fn reports(state: &AppState, now: OffsetDateTime) -> Result<(usize, usize), DemoError> {
    let cw = &state.casework;
    for (i, r) in REPORTS.iter().enumerate() {
        let filed_at = at(now, r.days_ago, r.hour);
        let filed = cw
            .file_report(
                &NewReport {
                    reporter_id: r.reporter.into(),
                    subject: Subject {
                        kind: SubjectType::Order,
                        id: r.order.into(),
                    },
                    category: r.category,
                    text: r.text.into(),
                    idempotency_key: Some(format!("demo-report-{i}")),
                },
                filed_at,
            )
            .await?;
        if let Some((outcome, hours, reason)) = r.decided {
            let case = cw.case(&filed.case_id).await?;
            if case.state == CaseState::Open.as_str() {
                let decided = (filed_at + Duration::hours(hours)).min(now);
                let taken = decided - Duration::minutes(25);
                cw.take(&case.id, ADMIN_USERNAME, taken).await?;
                cw.resolve(
                    &case.id,
                    ADMIN_USERNAME,
                    &Resolve {
                        outcome,
                        reason,
                        held: None,
                    },
                    decided,
                )
                .await?;
            }
        }
    }
    let active = cw.queue(&CaseFilter::default()).await?.len();
    let resolved = cw
        .queue(&CaseFilter {
            states: vec![CaseState::Resolved],
            ..CaseFilter::default()
        })
        .await?
        .len();
    Ok((active, resolved))
}

/// The demo investigator and admin, each with the fixed password and TOTP secret.
async fn accounts(state: &AppState, now: OffsetDateTime) -> Result<String, DemoError> {
    let cfg = &state.config.security;
    let key = cfg.data_key().ok_or(DemoError::Config(
        "the demo needs security.encryption_key (serve --demo sets one when none is configured)",
    ))?;
    for (username, name, role) in [
        (USERNAME, "Demo Investigator", ConsoleRole::Investigator),
        (ADMIN_USERNAME, "Demo Admin", ConsoleRole::Admin),
    ] {
        let account = match state.store.console_account_by_username(username).await? {
            Some(a) => a,
            None => {
                crate::security::console::create_account(
                    &state.store,
                    cfg,
                    username,
                    name,
                    None,
                    role,
                    PASSWORD,
                    "demo",
                    now,
                )
                .await?
            }
        };
        if account.totp_secret_enc.is_none() {
            let enc = key.encrypt(TOTP_SECRET, &format!("console-totp:{}", account.id))?;
            state
                .store
                .set_console_totp(&account.id, &enc, "demo", now)
                .await?;
        }
    }
    Ok(security::totp::enrolment(TOTP_SECRET, "Marketguard demo", USERNAME)?.secret_base32)
}
