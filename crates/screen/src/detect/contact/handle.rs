//! `contact.handle`: a messaging-app or social account, a link to one, or an invitation to talk there.
//!
//! A bare mention of an app is not a finding ("supports WhatsApp video calls", "does it support WhatsApp calls?").
//! A mention counts when it comes with an account ("WhatsApp: +1 415 ...", "telegram @jo_smith", "WeChat ID: jo88")
//! or with an invitation ("message me on WhatsApp", "I'm on telegram", "whatsapp me", "escríbeme por whatsapp").
//! Links (wa.me/..., t.me/..., discord.gg/...) always count. App names are matched on the letters view, so spaced,
//! leetspeak and common misspellings ("w h a t s a p p", "wh4tsapp", "watsap", "te1egram") are read too.

use regex::Regex;

use super::overlaps;
use crate::detect::Context;
use crate::detect::lexicon::{Lexicon, LexiconsBuilder};
use crate::normalize::i_for_l;
use crate::{Category, Config, ConfigError, Finding};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct App {
    name: &'static str,
    /// An ordinary word too ("signal", "snap", "line"): needs an account that looks like one, not just any word.
    ambiguous: bool,
}

/// The apps, their spellings and misspellings.
const APPS: &[(&str, bool, &[&str])] = &[
    (
        "WhatsApp",
        false,
        &[
            "whatsapp",
            "whats app",
            "whatsap",
            "watsapp",
            "watsap",
            "whatapp",
            "whatsaap",
            "wassap",
            "wasap",
            "wasapp",
            "whassap",
            "whatssap",
            "guasap",
            "wpp",
            "wsp",
            "whatsapp business",
            "watts app",
            "wats app",
            "whtsapp",
            "whatsappp",
            "wahtsapp",
            "wattsapp",
        ],
    ),
    ("WhatsApp", true, &["zap", "zapzap", "wa"]),
    (
        "Telegram",
        false,
        &[
            "telegram",
            "telegramm",
            "telegran",
            "telgram",
            "tele gram",
            "telegarm",
            "telagram",
            "telegrm",
            "tlgrm",
            "telegr",
        ],
    ),
    ("Telegram", true, &["tg", "tlg", "tele"]),
    (
        "Signal",
        true,
        &["signal", "signal app", "signal messenger"],
    ),
    (
        "WeChat",
        false,
        &["wechat", "we chat", "weixin", "wechat id", "wchat"],
    ),
    ("Line", false, &["line id", "line app", "line messenger"]),
    ("Line", true, &["line"]),
    ("Viber", false, &["viber", "vibr"]),
    ("Kik", false, &["kik", "kik messenger"]),
    (
        "Snapchat",
        false,
        &["snapchat", "snap chat", "snapchta", "snapcht", "snpchat"],
    ),
    ("Snapchat", true, &["snap", "sc", "👻"]),
    (
        "Instagram",
        false,
        &[
            "instagram",
            "insta",
            "instagramm",
            "instagam",
            "instgram",
            "insta gram",
            "instagran",
        ],
    ),
    ("Instagram", true, &["ig", "📸", "the gram"]),
    // Oblique names ("the blue plane app", "the app with the ghost"): ordinary words, so they need an account.
    (
        "Telegram",
        true,
        &[
            "blue plane app",
            "paper plane app",
            "plane app",
            "the app with the plane",
            "the app with the paper plane",
            "paper airplane app",
            "the app with the blue plane",
        ],
    ),
    (
        "Snapchat",
        true,
        &[
            "ghost app",
            "the app with the ghost",
            "yellow ghost app",
            "the yellow app",
            "the app with the yellow ghost",
        ],
    ),
    (
        "Instagram",
        true,
        &[
            "photo app",
            "the app with the camera",
            "the app with the camera icon",
            "camera app",
            "the pink camera app",
            "the photo sharing app",
        ],
    ),
    (
        "WhatsApp",
        true,
        &[
            "green app",
            "the green app",
            "green chat app",
            "the green phone app",
        ],
    ),
    ("TikTok", false, &["tiktok", "tik tok"]),
    (
        "Facebook Messenger",
        false,
        &[
            "facebook messenger",
            "fb messenger",
            "facebook",
            "messenger",
        ],
    ),
    ("Facebook Messenger", true, &["fb"]),
    ("Discord", false, &["discord", "discord server"]),
    ("Discord", true, &["dc"]),
    ("WeChat", false, &["微信"]),
    ("Skype", false, &["skype", "skype id", "skipe"]),
    ("iMessage", false, &["imessage", "facetime"]),
    ("Threema", false, &["threema"]),
];

/// Words right before an app that carry an invitation when a first-person word comes shortly before them.
const PREPOSITIONS: &[&str] = &[
    "on", "at", "via", "through", "thru", "by", "in", "over", "to", "into", "en", "por", "sur",
    "par", "auf", "per", "uber", "no", "na", "pelo", "pela", "em", "al", "aufs",
];

/// First-person and contact words that make "<word> ... on <app>" an invitation.
const INVITE_CUES: &[&str] = &[
    "me",
    "us",
    "im",
    "i'm",
    "moi",
    "mir",
    "mich",
    "mim",
    "nos",
    "lets",
    "let's",
    "vamos",
    "hablemos",
    "parlons",
    "continuons",
    "lass",
    "uns",
    "bora",
    "add",
    "message",
    "msg",
    "text",
    "dm",
    "ping",
    "contact",
    "reach",
    "find",
    "follow",
    "chat",
    "talk",
    "write",
    "hit",
    "escribeme",
    "mandame",
    "hablame",
    "agregame",
    "contactame",
    "escribime",
    "ecris",
    "ecrivez",
    "contacte",
    "contactez",
    "ajoute",
    "ajoutez",
    "schreib",
    "schreiben",
    "kontaktiere",
    "kontaktieren",
    "melde",
    "chama",
    "manda",
    "fala",
    "adiciona",
    "liga",
    "move",
    "switch",
    "continue",
    "mine",
    "my",
    "handle",
    "username",
];

/// Words between an app and an account name ("telegram is", "wechat id:", "snap username").
const ACCOUNT_WORDS: &[&str] = &[
    "is",
    "es",
    "est",
    "ist",
    "e",
    "id",
    "handle",
    "username",
    "user",
    "name",
    "number",
    "num",
    "no",
    "nr",
    "account",
    "usuario",
    "numero",
    "nummer",
    "pseudo",
    "me",
    "at",
    "c'est",
    "cest",
    "it's",
    "its",
    "benutzername",
    "nutzername",
    "utilisateur",
    "nome",
    "nick",
    "here",
    "aqui",
    "ici",
    "hier",
    "as",
    "como",
    "comme",
    "als",
];

#[derive(Debug)]
pub(super) struct HandleFinder {
    apps: Lexicon<App>,
    link: Regex,
    at_handle: Regex,
    /// "👻 jdoe22", "👻: lu.marques": the ghost stands for Snapchat.
    ghost: Regex,
    /// "my @ is jdoe22", "mi @ es lucia.m", "mon @ c'est", "mein @ ist", "meu @ é".
    my_at: Regex,
}

impl HandleFinder {
    pub fn new(config: &Config, lex: &mut LexiconsBuilder) -> Result<Self, ConfigError> {
        let mut phrases: Vec<(String, App)> = Vec::new();
        for (name, ambiguous, spellings) in APPS {
            let app = App {
                name,
                ambiguous: *ambiguous,
            };
            for s in *spellings {
                phrases.push((s.to_string(), app));
                if s.contains('l') {
                    phrases.push((i_for_l(s), app));
                }
            }
        }
        for p in config
            .extra_phrases
            .get(Category::ContactHandle.as_str())
            .into_iter()
            .flatten()
        {
            phrases.push((
                p.clone(),
                App {
                    name: "a messaging app",
                    ambiguous: false,
                },
            ));
        }
        let apps = lex.add("contact.handle", phrases);
        let build = |re: &str| {
            Regex::new(re).map_err(|e| ConfigError::Build {
                detector: "contact.handle",
                reason: e.to_string(),
            })
        };
        Ok(HandleFinder {
            apps,
            link: build(
                r"(?:https?://)?(?:www\.)?(?:wa\.me|api\.whatsapp\.com|chat\.whatsapp\.com|whatsapp\.com|t\.me|telegram\.me|telegram\.dog|signal\.me|signal\.group|discord\.gg|discord\.com/invite|discordapp\.com/invite|m\.me|instagram\.com|instagr\.am|snapchat\.com/add|line\.me|lin\.ee|u\.wechat\.com|weixin\.qq\.com|invite\.viber\.com|viber\.me|kik\.me|join\.skype\.com|facebook\.com|fb\.com|fb\.me|tiktok\.com)/[a-z0-9_@+#\-][^\s<>()\[\]{}]*|skype:[a-z0-9_.\-]+|\b(?:wa|t|m|signal|kik|viber|line)\s*(?:\[\.\]|\(\.\)|\s\.\s|\s+dot\s+)\s*me\s*/\s*[a-z0-9_@+#\-][^\s<>()\[\]{}]*",
            )?,
            at_handle: build(r"@[a-z0-9_][a-z0-9_.]{2,31}")?,
            ghost: build(r"\x{1F47B}\s*[:\-=]?\s*@?(?P<name>[a-z0-9][a-z0-9_.\-]{2,29})")?,
            my_at: build(
                r"\b(?:my|mi|mon|ma|mein|meine|meu|minha)\s+@\s*(?:is|es|est|c'?est|ist|e|:|=)?\s*@?(?P<name>[a-z0-9_][a-z0-9_.]{2,29})",
            )?,
        })
    }

    /// `has_phone`: the message gives a phone number, so an invitation to a phone-based app ("can we move this to
    /// WhatsApp? I'm on +44 ...", "text me at ... or on WhatsApp") offers that number as the account.
    pub fn find(
        &self,
        cx: &Context<'_>,
        emails: &[(usize, usize)],
        has_phone: bool,
        out: &mut Vec<Finding>,
    ) {
        let original = cx.message.text;
        let mut taken: Vec<(usize, usize)> = emails.to_vec();

        // Links to an account or a group.
        let folded = cx.folded.text.as_str();
        if folded.contains('/') || folded.contains("skype:") {
            // (The last alternative of `link` reads defanged forms: "t . me / name", "t[.]me/name".)
            for m in self.link.find_iter(folded) {
                let (s, e) = cx.folded.original_span(m.start(), m.end(), original);
                if taken.iter().any(|&t| overlaps(t, (s, e))) {
                    continue;
                }
                let link = m.as_str().trim_end_matches(['.', ',', '!', '?', ')']);
                let e = s + (e - s).min(link.len().max(1)).min(original.len() - s);
                let e = ceil(original, e);
                let normalized = link
                    .trim_start_matches("https://")
                    .trim_start_matches("http://")
                    .to_string();
                taken.push((s, e));
                out.push(cx.finding(
                    Category::ContactHandle,
                    s,
                    e,
                    Some(normalized.clone()),
                    "handle.link",
                    format!(
                        "A link to a messaging or social account ({normalized}) is shared. It invites the other \
                         party to continue off the platform, where you are not protected."
                    ),
                ));
            }
        }

        // App mentions with an account or an invitation.
        let letters = &cx.letters;
        let lt = letters.text.as_str();
        let mentions = self.apps.find(&cx.phrases);
        for m in mentions.iter().copied() {
            let (s, e) = letters.original_span(m.start, m.end, original);
            if taken.iter().any(|&t| overlaps(t, (s, e))) {
                continue;
            }
            // "Instagram-famous", "WhatsApp-Videoanrufe", "fb-marketplace-pay.com": part of another word or a domain.
            if glued_after(lt, m.end) {
                continue;
            }
            let account = account_after(original, e, m.value.ambiguous).or_else(|| {
                // "look for garage_finds_joe on the photo app": the account just before "on <app>".
                account_before(lt, m.start)
                    .map(|(a, _)| letters.original_span(a, m.end, original))
                    .map(|(_, e)| e)
            });
            let start_of = account_before(lt, m.start)
                .filter(|_| account_after(original, e, m.value.ambiguous).is_none())
                .map_or(s, |(a, _)| letters.original_span(a, a + 1, original).0);
            let s = start_of;
            let phone_app = has_phone && PHONE_APPS.contains(&m.value.name);
            let invited = (invitation_before(lt, m.start)
                || me_after(lt, m.end)
                || (phone_app && coordinated_before(lt, m.start)))
                && !negated_before(lt, m.start);
            if account.is_none()
                && !invited
                && !m.value.ambiguous
                && bare_question(lt, m.start, m.end)
            {
                out.push(cx.finding(
                    Category::ContactRequest,
                    s,
                    end_of_question(original, e),
                    Some(m.value.name.to_string()),
                    "request.app_question",
                    format!(
                        "Asks whether the other party uses {}. Moving the conversation off the platform removes the \
                         protection it gives you.",
                        m.value.name
                    ),
                ));
                taken.push((s, e));
                continue;
            }
            let end = match (account, invited) {
                (Some(acc_end), _) => acc_end,
                (None, true) if !m.value.ambiguous || strong_invitation(lt, m.start) => e,
                _ => continue,
            };
            let end = ceil(original, end);
            taken.push((s, end));
            let name = m.value.name;
            if account.is_none() && phone_app {
                out.push(cx.finding(
                    Category::ContactHandle,
                    s,
                    end,
                    Some(name.to_string()),
                    "handle.phone_app",
                    format!(
                        "The phone number in this message is offered as a {name} account. Contact details let the \
                         other party reach you off the platform, where you are not protected."
                    ),
                ));
                continue;
            }
            if account.is_none() {
                // An invitation to an app with no account is asking to move off the platform: contact.request
                // (corpus/README.md: "message me on Signal" is a request; an account, link or invite is a handle).
                out.push(cx.finding(
                    Category::ContactRequest,
                    s,
                    end,
                    Some(name.to_string()),
                    "request.app_invite",
                    format!(
                        "An invitation to continue on {name}. Moving the conversation off the platform removes the \
                         protection it gives you."
                    ),
                ));
                continue;
            }
            out.push(cx.finding(
                Category::ContactHandle,
                s,
                end,
                Some(name.to_string()),
                "handle.account",
                format!(
                    "A {name} account is shared. Contact details let the other party reach you off the platform, \
                     where you are not protected."
                ),
            ));
        }

        self.find_marked_names(cx, &mut taken, out);

        // A bare "@name" with an invitation ("dm me @jo_smith", "follow me @jo").
        if lt.contains('@') {
            for m in self.at_handle.find_iter(lt) {
                let (s, e) = letters.original_span(m.start(), m.end(), original);
                if taken.iter().any(|&t| overlaps(t, (s, e)))
                    || glued_before(lt, m.start())
                    || payment_app_before(lt, m.start())
                {
                    continue;
                }
                let name = original.get(s..e).unwrap_or("");
                let letters_in = name.chars().filter(char::is_ascii_alphabetic).count();
                let time_like = name
                    .trim_start_matches('@')
                    .trim_start_matches(|c: char| c.is_ascii_digit())
                    .chars()
                    .all(char::is_alphabetic)
                    && name.chars().nth(1).is_some_and(|c| c.is_ascii_digit());
                if letters_in < 2 || time_like {
                    continue;
                }
                // "I post everything on my Instagram first, it's @garage_finds_joe": an app named in the same
                // sentence.
                let app_in_sentence = mentions
                    .iter()
                    .any(|a| same_sentence(lt, a.start, m.start()));
                if !(invitation_before(lt, m.start()) || cue_near(lt, m.start()) || app_in_sentence)
                {
                    continue;
                }
                taken.push((s, e));
                let handle = original.get(s..e).unwrap_or("").to_string();
                out.push(cx.finding(
                    Category::ContactHandle,
                    s,
                    e,
                    Some(handle.clone()),
                    "handle.at",
                    format!(
                        "An account name ({handle}) is shared with an invitation to use it. Contact details let the \
                         other party reach you off the platform, where you are not protected."
                    ),
                ));
            }
        }
    }
}

impl HandleFinder {
    /// Account names marked by a sign rather than an app's name: the Snapchat ghost before a name, and "my @ is
    /// <name>".
    fn find_marked_names(
        &self,
        cx: &Context<'_>,
        taken: &mut Vec<(usize, usize)>,
        out: &mut Vec<Finding>,
    ) {
        let original = cx.message.text;
        let folded = cx.folded.text.as_str();
        let mut found = Vec::new();
        if folded.contains('\u{1F47B}') {
            for m in self.ghost.captures_iter(folded) {
                let Some(n) = m.name("name") else { continue };
                let name = n.as_str().trim_end_matches(['.', '-']);
                // "👻 costume for sale": an ordinary word after the ghost is not an account.
                let marked = name
                    .contains(|c: char| c.is_ascii_digit() || matches!(c, '_' | '.' | '-'))
                    || folded.contains("snap")
                    || folded.contains("add me");
                if marked && name.chars().any(|c| c.is_ascii_alphabetic()) {
                    found.push((
                        n.start(),
                        n.start() + name.len(),
                        "handle.snap_ghost",
                        "A Snapchat account",
                    ));
                }
            }
        }
        if folded.contains('@') {
            for m in self.my_at.captures_iter(folded) {
                let Some(n) = m.name("name") else { continue };
                let name = n.as_str().trim_end_matches('.');
                if !is_common(name) && name.chars().any(|c| c.is_ascii_alphabetic()) {
                    found.push((
                        n.start(),
                        n.start() + name.len(),
                        "handle.my_at",
                        "An account name",
                    ));
                }
            }
        }
        for (s, e, rule, what) in found {
            let (s, e) = cx.folded.original_span(s, e, original);
            if taken.iter().any(|&t| overlaps(t, (s, e))) {
                continue;
            }
            taken.push((s, e));
            let name = original.get(s..e).unwrap_or("").to_string();
            out.push(cx.finding(
                Category::ContactHandle,
                s,
                e,
                Some(name.clone()),
                rule,
                format!(
                    "{what} ({name}) is shared. Contact details let the other party reach you off the platform, \
                     where you are not protected."
                ),
            ));
        }
    }
}

/// The match is glued to a following word or domain part by a hyphen or a dot ("Instagram-famous", "fb-pay.com"),
/// unless what follows is an account word ("Signal-Benutzername: ...").
fn glued_after(text: &str, end: usize) -> bool {
    let rest = text.get(end..).unwrap_or("");
    let mut chars = rest.chars();
    match (chars.next(), chars.next()) {
        (Some('-' | '.'), Some(c)) if c.is_alphanumeric() => {
            let word: String = rest
                .get(1..)
                .unwrap_or("")
                .chars()
                .take_while(|c| c.is_alphanumeric())
                .collect();
            !ACCOUNT_WORDS.contains(&word.as_str())
        }
        _ => false,
    }
}

/// "I'm not on WhatsApp", "no uso WhatsApp", "kein WhatsApp": a negation among the few words before.
fn negated_before(text: &str, at: usize) -> bool {
    words_before(text, at, 4).iter().any(|w| {
        matches!(
            *w,
            "not"
                | "dont"
                | "don't"
                | "never"
                | "nicht"
                | "kein"
                | "keine"
                | "pas"
                | "nao"
                | "nunca"
                | "jamais"
                | "nie"
                | "without"
                | "sin"
                | "sem"
                | "sans"
                | "ohne"
        )
    })
}

/// "venmo me @name", "cash app @name": a payment account (`payment.off_platform`), not a messaging handle.
fn payment_app_before(text: &str, at: usize) -> bool {
    words_before(text, at, 3).iter().any(|w| {
        matches!(
            *w,
            "venmo"
                | "cashapp"
                | "cash"
                | "paypal"
                | "zelle"
                | "revolut"
                | "wise"
                | "chime"
                | "bizum"
                | "pix"
        )
    })
}

fn ceil(s: &str, mut i: usize) -> usize {
    while i < s.len() && !s.is_char_boundary(i) {
        i += 1;
    }
    i.min(s.len())
}

fn glued_before(text: &str, at: usize) -> bool {
    text.get(..at)
        .and_then(|b| b.chars().next_back())
        .is_some_and(|c| c.is_alphanumeric() || c == '.')
}

/// The words before byte `at`, closest first.
fn words_before(text: &str, at: usize, n: usize) -> Vec<&str> {
    text.get(..at)
        .unwrap_or("")
        .rsplit(|c: char| !(c.is_alphanumeric() || c == '\''))
        .filter(|w| !w.is_empty())
        .take(n)
        .collect()
}

/// "... me on <app>", "I'm on <app>", "let's move to <app>", "escríbeme por <app>".
fn invitation_before(text: &str, at: usize) -> bool {
    let words = words_before(text, at, 5);
    let Some((first, rest)) = words.split_first() else {
        return false;
    };
    if PREPOSITIONS.contains(first) {
        return rest.iter().take(3).any(|w| INVITE_CUES.contains(w));
    }
    // "add me <app>", "dm me <app>", "my <app>".
    matches!(*first, "me" | "my" | "mi" | "meu" | "mon" | "mein")
        && rest.first().is_some_and(|w| INVITE_CUES.contains(w))
}

/// An invitation strong enough for an app name that is also an ordinary word: "me/us" plus a preposition.
fn strong_invitation(text: &str, at: usize) -> bool {
    let words = words_before(text, at, 4);
    matches!(words.first(), Some(w) if PREPOSITIONS.contains(w))
        && words
            .iter()
            .skip(1)
            .take(2)
            .any(|w| matches!(*w, "me" | "us" | "moi" | "mir" | "mich" | "im" | "nos"))
}

/// A contact cue among the few words before an "@name".
fn cue_near(text: &str, at: usize) -> bool {
    words_before(text, at, 4)
        .iter()
        .any(|w| INVITE_CUES.contains(w) && !matches!(*w, "my" | "mine"))
}

/// "WhatsApp?", "got telegram?": the app name is, with at most two words before it, the whole question.
fn bare_question(text: &str, start: usize, end: usize) -> bool {
    let after = text.get(end..).unwrap_or("").trim_start();
    if !after.starts_with('?') {
        return false;
    }
    let clause = text
        .get(..start)
        .unwrap_or("")
        .rsplit(['.', '!', '?', '\n'])
        .next()
        .unwrap_or("");
    clause.split_whitespace().count() <= 2
}

/// The original end just past the "?" that follows `end`.
fn end_of_question(original: &str, end: usize) -> usize {
    let rest = original.get(end..).unwrap_or("");
    let trimmed = rest.trim_start();
    end + (rest.len() - trimmed.len()) + usize::from(trimmed.starts_with('?'))
}

/// Apps whose account is a phone number.
const PHONE_APPS: &[&str] = &[
    "WhatsApp", "Telegram", "Signal", "Viber", "iMessage", "Line", "WeChat",
];

/// "... or on <app>", "... and WhatsApp": an app joined to a detail given just before.
fn coordinated_before(text: &str, at: usize) -> bool {
    let words = words_before(text, at, 2);
    match words.as_slice() {
        [p, c, ..] if PREPOSITIONS.contains(p) => {
            matches!(
                *c,
                "or" | "and" | "o" | "y" | "ou" | "et" | "oder" | "und" | "e"
            )
        }
        [c, ..] => matches!(*c, "or" | "and" | "ou" | "oder"),
        _ => false,
    }
}

/// `a` and `b` (byte offsets, either order) are in one sentence and within 120 bytes.
fn same_sentence(text: &str, a: usize, b: usize) -> bool {
    let (lo, hi) = (a.min(b), a.max(b));
    hi - lo <= 120
        && !text
            .get(lo..hi)
            .is_some_and(|gap| gap.contains(['!', '?', '\n']) || gap.contains(". "))
}

/// A mailbox-like account name right before "on (the) <app>" ("garage_finds_joe on the photo app"): its start and
/// end in `text`.
fn account_before(text: &str, at: usize) -> Option<(usize, usize)> {
    let before = text.get(..at)?;
    let before = before.strip_suffix("the ").unwrap_or(before);
    let before = before.trim_end();
    let prep_start = before.rfind(' ')? + 1;
    let prep = before.get(prep_start..)?;
    if !matches!(
        prep,
        "on" | "at" | "in" | "en" | "sur" | "auf" | "no" | "na" | "em" | "via"
    ) {
        return None;
    }
    let rest = before.get(..prep_start)?.trim_end();
    // "same username as here on insta": the account is named by reference to this one.
    for phrase in [
        "same username as here",
        "same user name as here",
        "same name as here",
        "same handle as here",
        "same handle",
        "same username",
        "same nickname",
        "my username here",
        "my name here",
        "same as here",
    ] {
        if let Some(head) = rest.strip_suffix(phrase) {
            return Some((head.len(), rest.len()));
        }
    }
    let token_start = rest
        .rfind(|c: char| c.is_whitespace() || c == ',' || c == ':')
        .map_or(0, |i| i + 1);
    let token = rest.get(token_start..)?;
    let letters = token.chars().filter(|c| c.is_alphabetic()).count();
    let joined = token
        .char_indices()
        .any(|(i, c)| matches!(c, '_' | '.') && i > 0 && i + 1 < token.len());
    let domain = token.ends_with(".com") || token.ends_with(".net") || token.contains('/');
    if domain || token.contains('@') {
        return None;
    }
    if letters >= 3 && joined {
        return Some((token_start, rest.len()));
    }
    // "I'm jdoe22 on snap", "soy lucia_m en insta", "ich bin maxmueller auf telegram": a name introduced as one's own.
    let intro = rest.get(..token_start)?.trim_end();
    let introduced = SELF_INTRODUCTIONS
        .iter()
        .any(|p| intro == *p || intro.ends_with(&format!(" {p}")));
    let plain = token
        .chars()
        .all(|c| c.is_alphanumeric() || matches!(c, '_' | '.' | '-'));
    (introduced
        && plain
        && letters >= 2
        && token.chars().count() >= 3
        && !NOT_A_NAME.contains(&token))
    .then_some((token_start, rest.len()))
}

/// Words that introduce one's own account name before "on <app>" (in the letters view: "I'm" reads "im").
const SELF_INTRODUCTIONS: &[&str] = &[
    "im",
    "i am",
    "me as",
    "as",
    "search",
    "search for",
    "add",
    "look up",
    "soy",
    "busca",
    "buscame",
    "je suis",
    "cherche",
    "moi c",
    "ich bin",
    "such nach",
    "sou",
    "procura",
    "me procura",
];

/// Words that follow "I'm" before "on <app>" without being a name ("I'm also on insta", "I'm active on snap").
const NOT_A_NAME: &[&str] = &[
    "also",
    "active",
    "always",
    "not",
    "never",
    "rarely",
    "online",
    "here",
    "there",
    "only",
    "usually",
    "mostly",
    "still",
    "available",
    "reachable",
    "more",
    "busy",
    "new",
    "big",
    "tambien",
    "siempre",
    "solo",
    "aussi",
    "toujours",
    "auch",
    "immer",
    "nur",
    "nicht",
    "tambem",
    "sempre",
    "so",
    "nao",
];

/// "<app> me" ("whatsapp me", "telegram me").
fn me_after(text: &str, end: usize) -> bool {
    let rest = text.get(end..).unwrap_or("");
    let mut words = rest
        .split(|c: char| !(c.is_alphanumeric() || c == '\''))
        .filter(|w| !w.is_empty());
    rest.starts_with(' ') && matches!(words.next(), Some("me" | "us"))
}

/// The original end of an account name right after an app mention that ends at original byte `end`:
/// "WhatsApp: +1 415 555 0172", "telegram @jo_smith", "WeChat ID: jo88", "my snap is jo_smith".
fn account_after(original: &str, end: usize, ambiguous: bool) -> Option<usize> {
    // Read the next few dozen characters folded (fullwidth "＠", "é" -> "e", case), then map the end back.
    let mut tail_end = (end + 96).min(original.len());
    while tail_end < original.len() && !original.is_char_boundary(tail_end) {
        tail_end += 1;
    }
    let raw = original.get(end..tail_end)?;
    let folded = crate::normalize::Normalized::fold(raw);
    let folded_end = account_end(&folded.text, ambiguous)?;
    let (_, e) = folded.original_span(0, folded_end, raw);
    Some(end + e)
}

/// The end, in `rest`, of an account name at the start of `rest` (after an app mention), if there is one.
fn account_end(rest: &str, ambiguous: bool) -> Option<usize> {
    let end = 0;
    let mut pos = 0;
    let mut explicit = false;
    let mut spaced = false;
    // Up to two linking words or marks ("is", "id:", "-", "=").
    for _ in 0..4 {
        let skipped = rest.get(pos..)?.len() - rest.get(pos..)?.trim_start().len();
        spaced |= skipped > 0;
        pos += skipped;
        let tail = rest.get(pos..)?;
        if let Some(c) = tail
            .chars()
            .next()
            .filter(|c| matches!(c, ':' | '-' | '=' | '–' | '>' | '→' | ','))
        {
            pos += c.len_utf8();
            explicit |= c != ',';
            continue;
        }
        // An emoji standing for the app ("snapchat 👻 name").
        if let Some(c) = tail
            .chars()
            .next()
            .filter(|c| !c.is_alphanumeric() && !c.is_ascii() && !c.is_whitespace())
        {
            pos += c.len_utf8();
            continue;
        }
        let word: String = tail
            .chars()
            .take_while(|c| c.is_alphabetic() || *c == '\'')
            .collect();
        let lower = word.to_lowercase();
        if !word.is_empty()
            && ACCOUNT_WORDS.contains(&lower.as_str())
            && tail
                .get(word.len()..)
                .is_some_and(|t| t.starts_with([' ', ':', '#', ',']))
        {
            pos += word.len();
            explicit = true;
            continue;
        }
        break;
    }
    let skipped = rest.get(pos..)?.len() - rest.get(pos..)?.trim_start().len();
    if skipped == 0 && !explicit && !spaced {
        return None;
    }
    pos += skipped;
    let mut tail = rest.get(pos..)?;
    // "@ oakworkshop": an at sign set apart from the name.
    let mut at_apart = false;
    if let Some(t) = tail.strip_prefix('@').filter(|t| t.starts_with(' ')) {
        let t2 = t.trim_start();
        pos += tail.len() - t2.len();
        tail = t2;
        at_apart = true;
    }
    // A number in brackets first ("zap: (11) 91234-5678").
    if explicit && tail.starts_with('(') {
        let (mut len, mut seen) = (0, 0);
        for (i, c) in tail.char_indices() {
            if c.is_ascii_digit() {
                seen += 1;
                len = i + 1;
            } else if !matches!(c, ' ' | '-' | '.' | '(' | ')') || seen >= 15 {
                break;
            }
        }
        if seen >= 7 {
            return Some(end + pos + len);
        }
    }
    let token_len: usize = tail
        .char_indices()
        .take_while(|&(_, c)| {
            !c.is_whitespace() && !matches!(c, ',' | ';' | '!' | '?' | ')' | '(' | '"')
        })
        .map(|(_, c)| c.len_utf8())
        .sum();
    let token = tail.get(..token_len)?.trim_end_matches(['.', ':']);
    if token.is_empty() {
        return None;
    }
    let digits = token.chars().filter(char::is_ascii_digit).count();
    let letters = token.chars().filter(|c| c.is_alphabetic()).count();
    let phone_like = digits >= 7 && (token.starts_with('+') || letters == 0);
    let at_name = (token.starts_with('@') && token.chars().count() >= 3)
        || (at_apart && token.chars().count() >= 2);
    let handle_like = letters >= 2 && token.contains(['_', '.']) && !token.ends_with(".com");
    let explicit_name =
        explicit && letters + digits >= 3 && (digits > 0 || !ambiguous) && !is_common(token);
    // A phone number written in groups ("+1 415 555 0172"): take the whole number.
    if phone_like
        || (token.starts_with('+') && digits >= 1)
        || (digits >= 3 && letters == 0 && explicit)
        || (explicit && letters == 0 && token.starts_with('(') && digits >= 2)
    {
        let mut len = 0;
        let mut seen = 0;
        for (i, c) in tail.char_indices() {
            if c.is_ascii_digit() {
                seen += 1;
                len = i + 1;
            } else if !(c == ' ' || c == '-' || c == '.' || c == '(' || c == ')' || c == '+')
                || seen >= 15
            {
                break;
            }
        }
        if seen >= 7 {
            return Some(end + pos + len);
        }
    }
    if at_name || handle_like || explicit_name {
        return Some(end + pos + token.len());
    }
    None
}

/// Ordinary words that follow an app name without being an account ("whatsapp: calls", "signal is weak").
fn is_common(token: &str) -> bool {
    let t = token.to_lowercase();
    matches!(
        t.as_str(),
        "calls"
            | "call"
            | "video"
            | "support"
            | "supported"
            | "works"
            | "working"
            | "weak"
            | "strong"
            | "good"
            | "bad"
            | "fine"
            | "ok"
            | "okay"
            | "not"
            | "available"
            | "installed"
            | "down"
            | "free"
            | "the"
            | "a"
            | "an"
            | "and"
            | "or"
            | "for"
            | "with"
            | "only"
            | "too"
            | "also"
            | "better"
            | "best"
            | "great"
            | "app"
            | "messages"
            | "message"
            | "chat"
            | "chats"
            | "groups"
            | "group"
            | "business"
            | "web"
            | "desktop"
            | "status"
            | "stories"
            | "story"
            | "reels"
            | "posts"
            | "notifications"
            | "preinstalled"
            | "compatible"
            | "integration"
            | "ready"
            | "enabled"
            | "account"
            | "login"
            | "bars"
            | "strength"
            | "booster"
            | "lost"
            | "issues"
            | "problems"
            | "yes"
            | "no"
            | "is"
            | "are"
            | "was"
            | "were"
            | "will"
            | "does"
            | "do"
            | "can"
            | "could"
            | "should"
            | "would"
            | "have"
            | "has"
            | "had"
            | "whatsapp"
            | "telegram"
            | "instagram"
            | "insta"
            | "signal"
            | "snapchat"
            | "snap"
            | "facebook"
            | "messenger"
            | "discord"
            | "skype"
            | "viber"
            | "wechat"
            | "tiktok"
            | "e"
            | "y"
            | "et"
            | "und"
            | "ou"
            | "o"
            | "oder"
    )
}
