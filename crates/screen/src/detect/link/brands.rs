//! Brands that phishing links impersonate, URL shorteners, and the comparison of domain labels with brands.

use unicode_security::skeleton;

/// `(brand, how it is compared, the brand's own registrable labels besides the brand itself)`.
/// `Edit` brands are also matched at edit distance 1 and inside longer labels; `Token` brands (short or common
/// words) only as a whole hyphen-separated part of a label ("dhl-parcel", not "adhlx").
const KNOWN: &[(&str, Match, &[&str])] = &[
    (
        "paypal",
        Match::Edit,
        &["paypalobjects", "paypal-community"],
    ),
    (
        "amazon",
        Match::Edit,
        &[
            "amazonaws",
            "amazonpay",
            "amazontrust",
            "media-amazon",
            "amazonvideo",
            "amazon-adsystem",
        ],
    ),
    ("ebay", Match::Token, &["ebayinc", "ebaystatic", "ebayimg"]),
    ("etsy", Match::Token, &["etsystatic"]),
    ("apple", Match::Token, &[]),
    ("icloud", Match::Token, &[]),
    (
        "microsoft",
        Match::Edit,
        &["microsoftonline", "microsoftstore", "microsoft365"],
    ),
    ("office365", Match::Token, &[]),
    ("netflix", Match::Edit, &[]),
    ("dhl", Match::Token, &[]),
    ("fedex", Match::Token, &[]),
    ("ups", Match::Token, &["theupsstore"]),
    ("usps", Match::Token, &[]),
    ("royalmail", Match::Edit, &[]),
    ("dpd", Match::Token, &[]),
    ("coinbase", Match::Edit, &[]),
    ("binance", Match::Substring, &[]),
    ("wellsfargo", Match::Edit, &[]),
    ("bankofamerica", Match::Edit, &[]),
    ("chase", Match::Token, &[]),
    ("mercadolibre", Match::Edit, &[]),
    ("mercadopago", Match::Edit, &[]),
    ("vinted", Match::Token, &[]),
    ("facebook", Match::Edit, &["facebookmail"]),
    ("instagram", Match::Edit, &[]),
    ("whatsapp", Match::Edit, &[]),
    ("steamcommunity", Match::Edit, &[]),
    ("zelle", Match::Token, &["zellepay"]),
    ("venmo", Match::Token, &[]),
    ("western-union", Match::Token, &["westernunion"]),
    ("cashapp", Match::Token, &[]),
    ("fb", Match::Token, &[]),
    ("wallapop", Match::Edit, &[]),
    ("correos", Match::Token, &[]),
    ("correios", Match::Token, &[]),
    ("leboncoin", Match::Edit, &[]),
    ("laposte", Match::Token, &[]),
    ("kleinanzeigen", Match::Edit, &[]),
    ("mercadolivre", Match::Edit, &[]),
    ("ctt", Match::Token, &[]),
    ("evri", Match::Token, &[]),
    ("gls", Match::Token, &[]),
    ("postnl", Match::Token, &[]),
    ("inpost", Match::Token, &[]),
    ("olx", Match::Token, &[]),
    ("craigslist", Match::Edit, &[]),
];

/// Abbreviations and nicknames of brands that phishing domains use (`amzn-refunds.com`, `fbmkt-payments.com`):
/// `(alias, the brand it stands for)`. Matched as a whole hyphen-separated part of a label, like `Token` brands, but
/// an alias never makes a domain legitimate (`fbmkt.com` belongs to whoever registered it).
const ALIASES: &[(&str, &str)] = &[
    ("amzn", "amazon"),
    ("amz", "amazon"),
    ("pypl", "paypal"),
    ("fbmkt", "Facebook Marketplace"),
    ("fbmarket", "Facebook Marketplace"),
    ("fbmarketplace", "Facebook Marketplace"),
    ("wlpop", "wallapop"),
    ("wallap", "wallapop"),
    ("lbc", "leboncoin"),
    ("mlivre", "mercadolivre"),
    ("mlibre", "mercadolibre"),
    ("meli", "mercadolibre"),
    ("kleinanz", "kleinanzeigen"),
    ("ebaykl", "kleinanzeigen"),
    ("rmail", "royalmail"),
    ("royal-mail", "royalmail"),
    ("wu", "western-union"),
    ("cashapp", "cashapp"),
    ("applepay", "apple"),
    ("appleid", "apple"),
    ("colis", "laposte"),
    ("colissimo", "laposte"),
    ("chronopost", "laposte"),
    ("hermes", "hermes"),
    ("seur", "seur"),
    ("bizum", "bizum"),
    ("mbway", "mbway"),
    ("pix", "pix"),
];

/// URL shorteners: their links hide where they lead.
pub(crate) const SHORTENERS: &[&str] = &[
    "bit.ly",
    "bitly.com",
    "tinyurl.com",
    "t.co",
    "goo.gl",
    "is.gd",
    "v.gd",
    "ow.ly",
    "cutt.ly",
    "rb.gy",
    "buff.ly",
    "tiny.cc",
    "shorturl.at",
    "t.ly",
    "rebrand.ly",
    "bl.ink",
    "s.id",
    "qrco.de",
    "lnkd.in",
    "shorte.st",
    "adf.ly",
    "bc.vc",
    "x.co",
    "tr.im",
    "soo.gd",
    "clck.ru",
    "u.to",
    "tiny.one",
    "amzn.to",
    "amzn.eu",
    "shorturl.com",
    "short.gy",
    "surl.li",
    "urlz.fr",
    "bitly.ws",
    "t2m.io",
    "cli.re",
    "1url.com",
    "2.gy",
    "0.gp",
    "rotf.lol",
];

/// Words that, next to a brand in a subdomain, make it a disguise ("paypal.secure-login.example").
const BAIT: &[&str] = &[
    "login",
    "log-in",
    "signin",
    "sign-in",
    "verify",
    "verification",
    "secure",
    "security",
    "account",
    "accounts",
    "support",
    "update",
    "confirm",
    "billing",
    "wallet",
    "webscr",
    "auth",
    "recovery",
    "unlock",
    "service",
    "payment",
    "refund",
    "delivery",
    "parcel",
    "tracking",
    "customs",
    "help",
    "id",
    "validate",
    "redelivery",
    "reschedule",
    "claim",
    "pay",
    "pending",
    "release",
    "receive",
    "payout",
    "payouts",
    "fee",
    // The same words in Spanish, French, German and Portuguese.
    "seguranca",
    "seguridad",
    "securite",
    "sicherheit",
    "sicher",
    "conta",
    "cuenta",
    "compte",
    "konto",
    "pagamento",
    "pago",
    "paiement",
    "zahlung",
    "verificacao",
    "verificacion",
    "verification",
    "livraison",
    "entrega",
    "envio",
    "lieferung",
    "paket",
    "colis",
    "suivi",
    "rastreio",
    "seguimiento",
    "sendung",
    "reembolso",
    "remboursement",
    "erstattung",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Match {
    /// Whole part of a label, inside a longer label, or one edit away.
    Edit,
    /// Whole part of a label or inside a longer label (no edit distance: "binance" is one letter from "finance").
    Substring,
    /// Whole hyphen-separated part of a label only.
    Token,
}

/// A label's comparison form: UTS #39 skeleton, lower case, leetspeak digits read as letters, `l`/`i`/`1` as one
/// letter, "rn" as "m", "vv" as "w". Look-alikes of a brand have the brand's `Canon`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Canon(String);

impl Canon {
    pub fn of(label: &str) -> Canon {
        let mut s = String::with_capacity(label.len());
        let mut push = |c: char| {
            for c in c.to_lowercase() {
                let c = match c {
                    '0' => 'o',
                    '1' | 'i' | '|' | '!' => 'l',
                    '3' => 'e',
                    '4' | '@' => 'a',
                    '5' | '$' => 's',
                    '7' => 't',
                    c => c,
                };
                if c.is_ascii_lowercase() || c == '-' {
                    s.push(c);
                }
            }
        };
        if label.is_ascii() {
            label.chars().for_each(&mut push);
        } else {
            skeleton(label).for_each(&mut push);
        }
        Canon(s.replace("rn", "m").replace("vv", "w"))
    }

    fn joined(&self) -> String {
        self.0.replace('-', "")
    }
}

#[derive(Debug)]
struct Brand {
    /// What the explanation names: the brand, or the marketplace's own domain.
    display: String,
    /// The brand as written in domains ("paypal").
    name: String,
    canon: Canon,
    /// `canon` without hyphens, computed once (it is compared with every link's label).
    joined: String,
    /// The length of `joined` in chars, for the edit-distance bound.
    joined_chars: usize,
    how: Match,
    /// Registrable labels that belong to the brand (besides `name` itself for well-known brands).
    legit_labels: Vec<String>,
    /// The marketplace's own brand: only its protected domains are legitimate, and the same label under another
    /// suffix ("examplemarket.net") is a look-alike.
    own: bool,
    /// An abbreviation of a brand (`ALIASES`): it marks a domain as impersonating, never as legitimate.
    alias: bool,
}

#[derive(Debug)]
pub(crate) struct BrandSet {
    brands: Vec<Brand>,
}

impl BrandSet {
    /// The built-in brands plus the marketplace's: the first label of each protected domain and each brand name.
    pub fn new(protected: &[String], brand_names: &[String]) -> BrandSet {
        let mut brands = Vec::new();
        let own = |name: String, display: String, brands: &mut Vec<Brand>| {
            let name = name.to_lowercase();
            if name.chars().filter(char::is_ascii_alphanumeric).count() < 3
                || brands.iter().any(|b: &Brand| b.own && b.name == name)
            {
                return;
            }
            let how = if name.len() >= 5 {
                Match::Edit
            } else {
                Match::Token
            };
            let canon = Canon::of(&name);
            brands.push(Brand {
                display,
                joined: canon.joined(),
                joined_chars: canon.joined().chars().count(),
                canon,
                name,
                how,
                legit_labels: Vec::new(),
                own: true,
                alias: false,
            });
        };
        for d in protected {
            if let Some(reg) = psl::domain_str(d)
                && let Some(label) = reg.split('.').next()
            {
                own(label.to_string(), reg.to_string(), &mut brands);
            }
        }
        for b in brand_names {
            let name: String = b.chars().filter(|c| !c.is_whitespace()).collect();
            own(name, b.clone(), &mut brands);
        }
        for &(name, how, legit) in KNOWN {
            let canon = Canon::of(name);
            brands.push(Brand {
                display: name.to_string(),
                name: name.to_string(),
                joined: canon.joined(),
                joined_chars: canon.joined().chars().count(),
                canon,
                how,
                legit_labels: legit.iter().map(|s| s.to_string()).collect(),
                own: false,
                alias: false,
            });
        }
        for &(alias, brand) in ALIASES {
            let canon = Canon::of(alias);
            brands.push(Brand {
                display: brand.to_string(),
                name: alias.to_string(),
                joined: canon.joined(),
                joined_chars: canon.joined().chars().count(),
                canon,
                how: Match::Token,
                legit_labels: Vec::new(),
                own: false,
                alias: true,
            });
        }
        BrandSet { brands }
    }

    /// True when the registrable label is a well-known brand's own (`paypal.de`, `amazonaws.com`).
    pub fn is_legit(&self, label: &str, _registrable: &str) -> bool {
        self.brands.iter().any(|b| {
            !b.own && !b.alias && (b.name == label || b.legit_labels.iter().any(|l| l == label))
        })
    }

    /// A brand whose comparison form equals `canon` (for homographs).
    pub fn skeleton_match(&self, canon: &Canon) -> Option<String> {
        let joined = canon.joined();
        self.brands
            .iter()
            .find(|b| b.canon == *canon || b.joined == joined)
            .map(|b| b.display.clone())
    }

    /// A brand that the registrable label imitates: same label under another suffix (own brands), same
    /// comparison form but different spelling ("paypa1", "arnazon", "pay-pal"), or one edit away ("paypall").
    pub fn lookalike(&self, label: &str, _registrable: &str) -> Option<String> {
        let canon = Canon::of(label);
        let joined = canon.joined();
        let joined_chars = joined.chars().count();
        for b in &self.brands {
            if b.own && label == b.name {
                return Some(b.display.clone());
            }
            if label == b.name {
                continue;
            }
            let bj = b.joined.as_str();
            if canon == b.canon || joined == bj {
                return Some(b.display.clone());
            }
            if b.how == Match::Edit && bj.len() >= 5 {
                let max = if bj.len() >= 10 { 2 } else { 1 };
                // The distance is at least the difference in length: skip the computation when that is too far.
                if joined_chars.abs_diff(b.joined_chars) > max {
                    continue;
                }
                let d = strsim::damerau_levenshtein(&joined, bj);
                if (1..=max).contains(&d) {
                    return Some(b.display.clone());
                }
            }
        }
        None
    }

    /// A brand used inside someone else's domain: as a part of the registrable label ("paypal-verify-account",
    /// "amaz0n-support"), inside it for long names ("examplemarketsupport"), or in a subdomain dressed up with a
    /// suffix or a bait word ("paypal.com.secure-login.example", "amazon.account-confirm.example").
    pub fn inside(&self, label: &str, subdomain: &str) -> Option<String> {
        let canon = Canon::of(label);
        let joined = canon.joined();
        for b in &self.brands {
            if has_brand(&canon, &joined, b) {
                return Some(b.display.clone());
            }
        }
        if subdomain.is_empty() {
            return None;
        }
        let sub_labels: Vec<&str> = subdomain.split('.').collect();
        let bait = |s: &str| s.split(['-', '.']).any(|t| BAIT.contains(&t));
        let dressed = sub_labels
            .iter()
            .any(|l| matches!(*l, "com" | "net" | "org" | "co" | "www"))
            || bait(subdomain)
            || bait(label);
        if !dressed {
            return None;
        }
        for sub in &sub_labels {
            let c = Canon::of(sub);
            let j = c.joined();
            for b in &self.brands {
                if c == b.canon || has_brand(&c, &j, b) {
                    return Some(b.display.clone());
                }
            }
        }
        None
    }
}

fn has_brand(canon: &Canon, joined: &str, b: &Brand) -> bool {
    let brand_joined = b.joined.as_str();
    if brand_joined.is_empty() {
        return false;
    }
    let token = canon
        .0
        .split('-')
        .any(|t| t == b.canon.0 || t == brand_joined);
    let inner = b.how != Match::Token && joined.contains(brand_joined) && joined != brand_joined;
    token && canon.0 != b.canon.0 || inner
}
