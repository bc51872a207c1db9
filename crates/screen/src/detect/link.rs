//! `link.phishing`: links and domains that impersonate the marketplace or a well-known brand, or hide where they
//! lead.
//!
//! Per message: re-fang defanged forms (keeping a byte map to the original), find links with `linkify` (scheme
//! optional), parse each host, decode punycode (`idna`), take the registrable domain (`psl`), then check, most
//! serious first: a `user@host` authority, a raw IP host, punycode, a look-alike of a protected domain or a
//! well-known brand (UTS #39 skeleton with `unicode-security`, leetspeak, edit distance with `strsim`), a brand
//! inside someone else's domain, a URL shortener, a defanged link. The marketplace's own domains and their
//! subdomains are never flagged, and a link to a brand's own domain is clean.

mod brands;
mod refang;

use linkify::{LinkFinder, LinkKind};
use unicode_security::MixedScript;

use super::Context;
use crate::{Category, Config, ConfigError, Finding};
use brands::{BrandSet, Canon};

const CAT: Category = Category::LinkPhishing;

/// What the link detector saw of a message's links, besides its findings.
#[derive(Debug, Default)]
pub(crate) struct SeenLinks {
    /// The message holds a link or a bare domain.
    pub any: bool,
    /// Links no rule explained: original byte span and registrable domain.
    pub unexplained: Vec<(usize, usize, String)>,
}

#[derive(Debug)]
pub(crate) struct LinkDetector {
    finder: LinkFinder,
    refang: refang::Refanger,
    /// The marketplace's own registrable domains, lower-case ASCII.
    protected: Vec<String>,
    brands: BrandSet,
    /// A scheme and a numeric host, or a dotted-hex host followed by a path (see `find_numeric_hosts`).
    numeric_host: regex::Regex,
}

impl LinkDetector {
    pub fn new(config: &Config) -> Result<Self, ConfigError> {
        let mut finder = LinkFinder::new();
        finder
            .url_must_have_scheme(false)
            .kinds(&[LinkKind::Url, LinkKind::Email]);
        let mut protected = Vec::new();
        for d in &config.protected_domains {
            let ascii = idna::domain_to_ascii(d.trim().trim_end_matches('.'))
                .map_err(|_| ConfigError::BadDomain(d.clone()))?;
            protected.push(ascii);
        }
        let brands = BrandSet::new(&protected, &config.brand_names);
        let numeric_host = regex::Regex::new(
            r"(?i)(?:\bhttps?://(?P<host>(?:0x[0-9a-f]{1,8}|\d{8,10})(?:\.(?:0x[0-9a-f]{1,2}|\d{1,3})){0,3})|\b(?P<host2>0x[0-9a-f]{1,2}(?:\.(?:0x[0-9a-f]{1,2}|\d{1,3})){3}))(?::\d{1,5})?(?:/[^\s]*)?",
        )
        .map_err(|e| ConfigError::Build {
            detector: "link.phishing",
            reason: e.to_string(),
        })?;
        Ok(LinkDetector {
            numeric_host,
            finder,
            refang: refang::Refanger::new()?,
            protected,
            brands,
        })
    }

    /// Reports the links that are phishing in `out`, and notes in `seen` every link found and those that no rule
    /// explained (neither flagged, nor the marketplace's, nor a brand's own, nor a messaging link): the intent
    /// model may still judge those by the words around them.
    pub fn find(&self, cx: &Context<'_>, out: &mut Vec<Finding>, seen: &mut SeenLinks) {
        let original = cx.message.text;
        // Cheap pre-filter: a link needs a dot (or a defanged dot, or "dot"), except one with a numeric host.
        if !original.contains('.') && !self.refang.may_apply(original) {
            self.find_numeric_hosts(cx, out);
            seen.any |= out.iter().any(|f| f.category == CAT);
            return;
        }
        let refanged = self.refang.apply(original);
        let text = refanged.text();
        for link in self.finder.links(text) {
            seen.any = true;
            let (rs, re) = (link.start(), link.end());
            let (start, end) = refanged.original_span(rs, re);
            let defanged = refanged.touched(rs, re);
            let verdict = match link.kind() {
                // Messaging links (t.me, wa.me) are contact handles: contact.handle's business.
                LinkKind::Url if is_messaging_link(link.as_str()) => None,
                LinkKind::Email => self.email_trick(link.as_str(), text.get(re..).unwrap_or("")),
                // "jo at shop dot com" is an email address written out (contact.email's), not a defanged link.
                _ => self.judge(
                    link.as_str(),
                    defanged && !email_context(text.get(..rs).unwrap_or("")),
                ),
            };
            // "mark dot ellis -at- outlook dot com": the spelled "dot com" belongs to the email address found by
            // contact.email (which runs first), not to a defanged link.
            let in_email = |f: &Finding| {
                f.category == Category::ContactEmail && f.start < end && start < f.end
            };
            match verdict {
                Some(v) if !(v.rule == "link.defanged" && out.iter().any(in_email)) => {
                    out.push(cx.finding(CAT, start, end, Some(v.domain), v.rule, v.explanation));
                }
                None if *link.kind() == LinkKind::Url && !is_messaging_link(link.as_str()) => {
                    if let Some(domain) = self.unknown_domain(link.as_str()) {
                        seen.unexplained.push((start, end, domain));
                    }
                }
                _ => {}
            }
        }
        self.find_numeric_hosts(cx, out);
    }

    /// The registrable domain of a link that belongs to no one the detector knows: not the marketplace's, not a
    /// well-known brand's own.
    fn unknown_domain(&self, url: &str) -> Option<String> {
        let parts = UrlParts::parse(url)?;
        let host = parts.host.trim_end_matches('.').to_lowercase();
        let ascii = idna::domain_to_ascii(&host).ok()?;
        let reg = registrable(&ascii)?;
        if self.is_protected(&ascii) {
            return None;
        }
        let label = reg.split('.').next().unwrap_or("");
        (!self.brands.is_legit(label, &reg)).then_some(reg)
    }

    /// Links whose host is an IP address written as one number or in hex ("http://0xC0A80001/login",
    /// "0xCB.0x00.0x71.0x2D/login", "http://3232235777/"): browsers open them, but they have no top-level domain, so
    /// linkify does not see them as links.
    fn find_numeric_hosts(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let text = cx.message.text;
        if !text.contains("://") && !text.contains("0x") && !text.contains("0X") {
            return;
        }
        for m in self.numeric_host.captures_iter(text) {
            let (Some(all), Some(host)) = (m.get(0), m.name("host").or_else(|| m.name("host2")))
            else {
                continue;
            };
            let Some(ip) = ip_host(&host.as_str().to_ascii_lowercase()) else {
                continue;
            };
            let (start, end) = (all.start(), all.end());
            if out
                .iter()
                .any(|f| f.category == CAT && f.start < end && start < f.end)
            {
                continue;
            }
            out.push(cx.finding(
                CAT,
                start,
                end,
                Some(ip.clone()),
                "link.ip_host",
                format!(
                    "A link to a bare IP address ({ip}), written as a number so that it does not look like one. \
                     Legitimate shops and payment services use names; a raw address hides who runs the site."
                ),
            ));
        }
    }

    /// `www.paypal.com@evil.example/login`: linkify reads it as an email address, but followed by a path it is a
    /// URL whose "user" part is dressed as a trusted domain.
    fn email_trick(&self, email: &str, after: &str) -> Option<Verdict> {
        let (user, host) = email.rsplit_once('@')?;
        if !after.starts_with('/') || !user.contains('.') {
            return None;
        }
        let host = host.to_ascii_lowercase();
        let reg = ip_host(&host).or_else(|| registrable(&host))?;
        if self.is_protected(&host) {
            return None;
        }
        Some(Verdict {
            rule: "link.userinfo",
            explanation: format!(
                "A link that starts with \"{user}\" but really leads to {reg}: everything before the @ is ignored by \
                 the browser. This is a common trick to hide a phishing site."
            ),
            domain: reg,
        })
    }

    fn is_protected(&self, host_ascii: &str) -> bool {
        self.protected.iter().any(|p| {
            host_ascii == p
                || host_ascii
                    .strip_suffix(p.as_str())
                    .is_some_and(|rest| rest.ends_with('.'))
        })
    }

    /// The verdict on one URL (as found in the re-fanged text), or `None` when it is clean.
    fn judge(&self, url: &str, defanged: bool) -> Option<Verdict> {
        let parts = UrlParts::parse(url)?;
        let host_written = parts.host.trim_end_matches('.').to_lowercase();
        if host_written.is_empty() {
            return None;
        }
        if let Some(user) = parts.userinfo.filter(|_| parts.has_scheme) {
            let ascii =
                idna::domain_to_ascii(&host_written).unwrap_or_else(|_| host_written.clone());
            if !self.is_protected(&ascii) {
                let dest = ip_host(&ascii)
                    .or_else(|| registrable(&ascii))
                    .unwrap_or(ascii);
                return Some(Verdict {
                    rule: "link.userinfo",
                    explanation: format!(
                        "A link whose address starts with \"{user}@\": the browser ignores that part and opens \
                         {dest}. This is a common trick to make a phishing link look trusted."
                    ),
                    domain: dest,
                });
            }
        }
        // A bare "1.2.3.4" is as often a version number: an IP host needs a scheme, a port or a path.
        if let Some(ip) = ip_host(&host_written).filter(|_| parts.has_scheme || parts.has_more) {
            return Some(Verdict {
                rule: "link.ip_host",
                explanation: format!(
                    "A link to a bare IP address ({ip}) instead of a named site. Legitimate shops and payment \
                     services use names; a raw address hides who runs the site."
                ),
                domain: ip,
            });
        }
        if !parts.has_scheme && parts.host.chars().all(|c| c.is_ascii_digit() || c == '.') {
            return None;
        }
        let ascii = if host_written.is_ascii() {
            host_written.clone()
        } else {
            idna::domain_to_ascii(&host_written).ok()?
        };
        let reg = registrable(&ascii)?;
        if self.is_protected(&ascii) {
            return None;
        }
        let unicode = if ascii.split('.').any(|l| l.starts_with("xn--")) {
            idna::domain_to_unicode(&ascii).0
        } else {
            host_written.clone()
        };
        let reg_unicode = if reg.contains("xn--") {
            idna::domain_to_unicode(&reg).0
        } else {
            reg.clone()
        };
        let label_unicode = reg_unicode.split('.').next().unwrap_or("");
        let label_ascii = reg.split('.').next().unwrap_or("");
        let sub_ascii = ascii
            .strip_suffix(reg.as_str())
            .unwrap_or("")
            .trim_end_matches('.');

        // Homographs: a label in several scripts, or one whose skeleton is a protected name or a brand.
        let homograph_of = if !label_unicode.is_ascii() {
            let mixed = !label_unicode.is_single_script();
            let target = self.brands.skeleton_match(&Canon::of(label_unicode));
            match (mixed, target) {
                (_, Some(b)) => Some(format!("it is written to look like \"{b}\"")),
                (true, None) => Some("it mixes letters of different alphabets".to_string()),
                (false, None) => None,
            }
        } else {
            None
        };
        if ascii.split('.').any(|l| l.starts_with("xn--")) && !host_written.contains("xn--") {
            // Written in Unicode: a homograph or an ordinary international domain.
            if let Some(why) = homograph_of {
                return Some(Verdict {
                    rule: "link.lookalike",
                    explanation: format!(
                        "The domain {unicode} looks like a familiar name but is not: {why}. Look-alike domains \
                         are used to steal logins and payments."
                    ),
                    domain: reg,
                });
            }
        } else if host_written.contains("xn--") {
            let extra = homograph_of
                .map(|w| format!(", and {w}"))
                .unwrap_or_default();
            return Some(Verdict {
                rule: "link.punycode",
                explanation: format!(
                    "The domain is written in an encoded form (punycode) that hides what it really says: {unicode}{extra}. \
                     People do not type such addresses; they are used to disguise phishing sites."
                ),
                domain: reg,
            });
        }

        // "examplemarket.com-payouts.info": the marketplace's own address followed by a hyphen, so that the start of
        // the link reads like the real site.
        if let Some(p) = self.protected.iter().find(|p| {
            ascii.match_indices(p.as_str()).any(|(i, _)| {
                ascii.as_bytes().get(i + p.len()) == Some(&b'-')
                    && (i == 0 || ascii.as_bytes().get(i - 1) == Some(&b'.'))
            })
        }) {
            return Some(Verdict {
                rule: "link.brand_in_domain",
                explanation: format!(
                    "The link starts like the marketplace's own address ({p}) but goes on with a hyphen to another \
                     domain ({reg}). Fake payout and sign-in pages are set up this way."
                ),
                domain: reg,
            });
        }
        if !self.brands.is_legit(label_ascii, &reg) {
            if let Some(b) = self.brands.lookalike(label_ascii, &reg) {
                return Some(Verdict {
                    rule: "link.lookalike",
                    explanation: format!(
                        "The domain {reg} is spelled to look like {b} but belongs to someone else. Look-alike \
                         domains are used to steal logins and payments."
                    ),
                    domain: reg,
                });
            }
            if let Some(b) = self.brands.inside(label_ascii, sub_ascii) {
                return Some(Verdict {
                    rule: "link.brand_in_domain",
                    explanation: format!(
                        "The link uses the name \"{b}\" inside someone else's domain ({reg}); it is not a site of \
                         {b}. Fake support, verification and payment pages are set up this way."
                    ),
                    domain: reg,
                });
            }
        }
        if brands::SHORTENERS.contains(&reg.as_str())
            || brands::SHORTENERS.contains(&ascii.as_str())
        {
            return Some(Verdict {
                rule: "link.shortener",
                explanation: format!(
                    "A shortened link ({reg}) hides where it really leads. Ask for the full address, and never \
                     log in or pay through a link you cannot read."
                ),
                domain: reg,
            });
        }
        if defanged {
            return Some(Verdict {
                rule: "link.defanged",
                explanation: format!(
                    "A web address ({reg}) written in a disguised form (\"hxxp\", \"[.]\", \"dot com\") so that \
                     filters do not catch it. Links are disguised like this to move people to other sites."
                ),
                domain: reg,
            });
        }
        None
    }
}

struct Verdict {
    rule: &'static str,
    explanation: String,
    domain: String,
}

/// The parts of a URL that matter here, read by hand: linkify gives the span, and a full URL parser would add a
/// dependency and reject the odd forms (no scheme, IRIs) that this detector must read.
struct UrlParts<'a> {
    has_scheme: bool,
    /// A port, path, query or fragment follows the host.
    has_more: bool,
    userinfo: Option<&'a str>,
    host: &'a str,
}

impl<'a> UrlParts<'a> {
    fn parse(url: &'a str) -> Option<Self> {
        let (has_scheme, rest) = match url.find("://") {
            Some(i)
                if i <= 12
                    && url
                        .get(..i)
                        .is_some_and(|s| s.bytes().all(|b| b.is_ascii_alphanumeric())) =>
            {
                (true, url.get(i + 3..)?)
            }
            _ => (false, url),
        };
        let authority = rest.split(['/', '?', '#', '\\']).next()?;
        let has_more = rest.len() > authority.len() || authority.contains(':');
        let (userinfo, hostport) = match authority.rsplit_once('@') {
            Some((u, h)) => (Some(u), h),
            None => (None, authority),
        };
        let host = if hostport.starts_with('[') {
            hostport
                .split(']')
                .next()
                .map(|h| h.trim_start_matches('['))?
        } else {
            match hostport.rsplit_once(':') {
                Some((h, port)) if port.bytes().all(|b| b.is_ascii_digit()) => h,
                _ => hostport,
            }
        };
        Some(UrlParts {
            has_scheme,
            has_more,
            userinfo,
            host,
        })
    }
}

/// The host as an IP address, if it is one: dotted IPv4, IPv6, or a single decimal or hex number (browsers accept
/// `http://3232235777/`).
fn ip_host(host: &str) -> Option<String> {
    if let Ok(ip) = host.parse::<std::net::IpAddr>() {
        return Some(ip.to_string());
    }
    // Dotted hex or mixed ("0xCB.0x00.0x71.0x2D"), which browsers also accept.
    let parts: Vec<&str> = host.split('.').collect();
    if parts.len() == 4 && parts.iter().any(|p| p.starts_with("0x")) {
        let octets: Option<Vec<u8>> = parts
            .iter()
            .map(|p| match p.strip_prefix("0x") {
                Some(h) => u8::from_str_radix(h, 16).ok(),
                None => p.parse::<u8>().ok(),
            })
            .collect();
        if let Some(o) = octets {
            return Some(o.iter().map(u8::to_string).collect::<Vec<_>>().join("."));
        }
    }
    let is_number = (host.len() >= 8 && host.bytes().all(|b| b.is_ascii_digit()))
        || (host.starts_with("0x")
            && host.len() > 2
            && host.bytes().skip(2).all(|b| b.is_ascii_hexdigit()));
    is_number.then(|| host.to_string())
}

/// The registrable domain of a lower-case ASCII host, when its suffix is a known public suffix.
fn registrable(host: &str) -> Option<String> {
    let d = psl::domain(host.as_bytes())?;
    if !d.suffix().is_known() {
        return None;
    }
    std::str::from_utf8(d.as_bytes()).ok().map(str::to_string)
}

/// Messaging-app links, reported as contact handles by the contact detector.
fn is_messaging_link(url: &str) -> bool {
    const HOSTS: &[&str] = &[
        "t.me",
        "telegram.me",
        "telegram.dog",
        "wa.me",
        "chat.whatsapp.com",
        "signal.me",
        "m.me",
        "discord.gg",
        "discord.com",
        "line.me",
        "viber.me",
        "snapchat.com",
        "kik.me",
        "instagram.com",
        "u.wechat.com",
    ];
    UrlParts::parse(url).is_some_and(|p| {
        let h = p.host.to_ascii_lowercase();
        let h = h.strip_prefix("www.").unwrap_or(&h);
        HOSTS.contains(&h)
    })
}

/// True when the text just before a link reads like the middle of an email address ("jo at gmail dot com", "jo
/// (at) outlook"): that belongs to contact.email, not to links.
fn email_context(before: &str) -> bool {
    let tail: String = before
        .chars()
        .rev()
        .take(24)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let t = format!(" {}", tail.to_lowercase());
    let end = t.trim_end();
    [
        "@", " at ", "(at)", "[at]", "{at}", "[@]", "(@)", "arroba", " chez ",
    ]
    .iter()
    .any(|s| t.contains(s))
        || end.ends_with(" at")
        || end.ends_with(" on")
}
