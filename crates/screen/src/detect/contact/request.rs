//! `contact.request`: asking the other party for contact details or to move off the platform, in English, Spanish,
//! French, German and Portuguese. Phrases are matched as whole words on the letters view (folded: no accents, no
//! apostrophes inside words, leetspeak read), so "¿Me pasas tu número?" and "me pasas tu numero" are one phrase.

use crate::detect::Context;
use crate::detect::lexicon::{Lexicon, LexiconsBuilder};
use crate::{Category, Config, ConfigError, Finding};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Asks for a number, an address or an app account.
    Details,
    /// Asks to be contacted directly ("text me", "call me").
    ReachMe,
    /// Asks to move the conversation or the deal off the platform.
    OffPlatform,
}

/// What is asked for: contact details and apps, per language.
const THINGS_EN: &[&str] = &[
    "number",
    "phone number",
    "phone",
    "cell",
    "cell number",
    "cell phone",
    "mobile",
    "mobile number",
    "digits",
    "email",
    "email address",
    "e-mail",
    "mail",
    "whatsapp",
    "whats app",
    "telegram",
    "signal",
    "snapchat",
    "snap",
    "instagram",
    "insta",
    "ig",
    "wechat",
    "line id",
    "viber",
    "kik",
    "discord",
    "skype",
    "facebook",
    "contact",
    "contact info",
    "contact details",
    "contact information",
    "personal email",
    "personal number",
    "handle",
    "numbr",
    "num",
    "cell #",
    "tele",
    "telegrm",
    "watsap",
    "watsapp",
    "whatsap",
    "wassap",
    "whats",
    "contact number",
    "best number",
    "socials",
    "line",
];
const THINGS_ES: &[&str] = &[
    "numero",
    "numero de telefono",
    "numero de celular",
    "telefono",
    "celular",
    "movil",
    "cel",
    "whatsapp",
    "wasap",
    "wsp",
    "correo",
    "correo electronico",
    "email",
    "mail",
    "telegram",
    "instagram",
    "insta",
    "contacto",
];
const THINGS_FR: &[&str] = &[
    "numero",
    "numero de telephone",
    "numero de portable",
    "telephone",
    "tel",
    "portable",
    "whatsapp",
    "mail",
    "email",
    "e-mail",
    "adresse mail",
    "adresse email",
    "telegram",
    "snap",
    "insta",
    "instagram",
    "contact",
];
const THINGS_DE: &[&str] = &[
    "nummer",
    "handynummer",
    "telefonnummer",
    "handy",
    "whatsapp",
    "email",
    "e-mail",
    "mail",
    "mailadresse",
    "emailadresse",
    "e-mail-adresse",
    "telegram",
    "signal",
    "instagram",
    "insta",
    "kontaktdaten",
];
const THINGS_PT: &[&str] = &[
    "numero",
    "telefone",
    "celular",
    "cel",
    "whatsapp",
    "zap",
    "wpp",
    "zapzap",
    "email",
    "e-mail",
    "telegram",
    "instagram",
    "insta",
    "contato",
];

/// Asking forms that take a thing after them.
const ASK_EN: &[&str] = &[
    "what's your",
    "whats your",
    "what is your",
    "give me your",
    "send me your",
    "share your",
    "can i get your",
    "can i have your",
    "could i get your",
    "could i have your",
    "may i have your",
    "may i get your",
    "drop your",
    "leave your",
    "i need your",
    "i'll need your",
    "tell me your",
    "pass me your",
    "dm me your",
    "text me your",
    "do you have",
    "do you use",
    "are you on",
    "you on",
    "have you got",
    "got",
    "you got",
    "do u have",
    "u on",
    "r u on",
    "do you have a",
    "do you have an",
    "give me ur",
    "send me ur",
    "whats ur",
    "what's ur",
    "ur",
    "send your",
    "send ur",
    "write me your",
    "youre on",
    "u got",
    "share ur",
    "drop ur",
    "gimme your",
    "gimme ur",
    "can you send me your",
    "could you send me your",
    "can you give me your",
    "could you give me your",
];
const ASK_ES: &[&str] = &[
    "cual es tu",
    "me pasas tu",
    "pasame tu",
    "dame tu",
    "me das tu",
    "mandame tu",
    "me mandas tu",
    "tienes",
    "tenes",
    "usas",
    "me puedes dar tu",
    "me podrias dar tu",
    "me dejas tu",
    "dejame tu",
    "cual es su",
    "me da su",
    "tiene",
    "me pasas el",
    "pasame el",
];
const ASK_FR: &[&str] = &[
    "quel est ton",
    "quel est votre",
    "c'est quoi ton",
    "cest quoi ton",
    "donne moi ton",
    "donne-moi ton",
    "donnez-moi votre",
    "donnez moi votre",
    "envoie moi ton",
    "envoie-moi ton",
    "envoyez-moi votre",
    "tu as",
    "as tu",
    "as-tu",
    "vous avez",
    "avez vous",
    "avez-vous",
    "t'as",
    "tas",
    "tu peux me donner ton",
    "pouvez-vous me donner votre",
    "laisse moi ton",
    "laisse-moi ton",
    "tu as un",
    "tu as une",
    "t'as un",
    "t'as une",
    "as tu un",
    "as-tu un",
    "vous avez un",
    "vous avez une",
    "avez vous un",
    "avez-vous un",
];
const ASK_DE: &[&str] = &[
    "was ist deine",
    "wie ist deine",
    "wie lautet deine",
    "gib mir deine",
    "schick mir deine",
    "hast du",
    "haben sie",
    "was ist ihre",
    "wie ist ihre",
    "wie lautet ihre",
    "geben sie mir ihre",
    "schicken sie mir ihre",
    "hast du eine",
    "haben sie eine",
    "kannst du mir deine",
    "konnen sie mir ihre",
    "gib mir mal deine",
    "schick mir mal deine",
    "hast du eigentlich",
    "hast du auch",
];
const ASK_PT: &[&str] = &[
    "qual o seu",
    "qual e o seu",
    "qual seu",
    "qual teu",
    "qual o teu",
    "me passa seu",
    "me passa o seu",
    "passa seu",
    "passa o seu",
    "me da seu",
    "me da o seu",
    "me manda seu",
    "me manda o seu",
    "voce tem",
    "vc tem",
    "tem",
    "voce usa",
    "vc usa",
    "me passa teu",
    "me passa o teu",
    "passa teu",
    "passa o teu",
    "manda teu",
    "me manda teu",
    "me manda o teu",
];

/// Whole requests.
const REACH_ME: &[&str] = &[
    "text me",
    "call me",
    "email me",
    "e-mail me",
    "whatsapp me",
    "dm me",
    "ping me on",
    "message me on",
    "message me at",
    "contact me at",
    "contact me on",
    "contact me directly",
    "reach me at",
    "reach me on",
    "hit me up on",
    "hit me up at",
    "give me a call",
    "give me a ring",
    "call or text",
    "text or call",
    "shoot me an email",
    "shoot me a text",
    "shoot me a message",
    "shoot me a msg",
    "shoot me a dm",
    "shoot me a call",
    "drop me a text",
    "drop me a line",
    "drop me a message",
    "give me a text",
    "give me a buzz",
    "hmu on",
    "hmu at",
    "hmu via",
    "hit me up via",
    "send me an email",
    "send me a text",
    "escribeme",
    "llamame",
    "mandame un mensaje",
    "mandame un whatsapp",
    "escribeme al",
    "contactame",
    "llamame al",
    "escribime",
    "appelle-moi",
    "appelle moi",
    "appelez-moi",
    "appelez moi",
    "ecris-moi",
    "ecris moi",
    "ecrivez-moi",
    "ecrivez moi",
    "contacte-moi",
    "contactez-moi",
    "envoie-moi un sms",
    "envoie moi un sms",
    "ruf mich an",
    "ruf mich einfach an",
    "ruf mich mal an",
    "ruf mich einfach mal an",
    "ruf mich doch an",
    "ruf mich bitte an",
    "ruf mich doch einfach an",
    "rufen sie mich an",
    "schreib mir",
    "schreiben sie mir",
    "kontaktiere mich",
    "kontaktieren sie mich",
    "melde dich bei mir",
    "me liga",
    "liga pra mim",
    "me chama no",
    "me chama",
    "me manda mensagem",
    "me manda um zap",
    "me add",
    "me adiciona",
    "chama no zap",
    "me manda um whats",
    "manda mensagem no",
];

const OFF_PLATFORM: &[&str] = &[
    "outside the site",
    "outside this site",
    "outside the app",
    "outside this app",
    "outside the platform",
    "outside of the platform",
    "outside of the site",
    "outside of the app",
    "off the platform",
    "off platform",
    "off the site",
    "off site",
    "off-site",
    "off the app",
    "off-platform",
    "talk outside",
    "chat outside",
    "deal directly",
    "deal outside",
    "directly with me",
    "pay me directly",
    "take this offline",
    "talk offline",
    "continue on whatsapp",
    "continue on telegram",
    "move to whatsapp",
    "move to telegram",
    "move this conversation",
    "let's talk on",
    "lets talk on",
    "let's chat on",
    "lets chat on",
    "let's continue on",
    "lets continue on",
    "talk privately",
    "chat privately",
    "in private",
    "without the site",
    "avoid the fees",
    "avoid fees",
    "skip the fees",
    "save on fees",
    "bypass the site",
    "outside examplemarket",
    "contact me outside",
    "not through the site",
    "not through here",
    "not through the app",
    "somewhere private",
    "chat somewhere else",
    "talk somewhere else",
    "somewhere other than here",
    "this privately",
    "about this privately",
    "any other way to contact you",
    "other way to reach you",
    "other way to contact you",
    "reach me some other way",
    "another way to talk",
    "i can ring you on",
    "i can call you on",
    "i can call you at",
    "i can reach you on",
    "i can reach you at",
    "i can text you on",
    "i can text you at",
    "ou je peux te joindre",
    "ou je peux vous joindre",
    "pour te joindre",
    "pour vous joindre",
    "another way to chat",
    "another way to reach you",
    "another way to contact you",
    "another way to communicate",
    "other way to talk",
    "other way to chat",
    "best way to reach you",
    "best way to contact you",
    "easiest way to reach you",
    "reach you off",
    "talk off the app",
    "chat off the app",
    "am telefon klaren",
    "am telefon besprechen",
    "pode ser no zap",
    "contact me some other way",
    "any way to talk",
    "how can i reach you",
    "how do i reach you",
    "how can i contact you",
    "where can i reach you",
    "best number to reach you",
    "number to reach you",
    "number to get you",
    "good number for you",
    "good email for you",
    "best email for you",
    "message me directly",
    "text me directly",
    "email me directly",
    "telefonisch klaren",
    "telefonisch besprechen",
    "per telefon klaren",
    "seguimos por",
    "hablamos por",
    "continuamos por",
    "on continue sur",
    "continuer sur",
    "continuer par",
    "on passe sur",
    "continuamos no",
    "vamos pro",
    "conversar fora",
    "falar fora",
    "fora do app",
    "fuera de la plataforma",
    "fuera de la app",
    "fuera de la pagina",
    "por fuera",
    "hablemos por fuera",
    "hablemos por whatsapp",
    "por privado",
    "al privado",
    "en dehors du site",
    "en dehors de la plateforme",
    "hors de la plateforme",
    "hors plateforme",
    "hors du site",
    "en prive",
    "parlons sur whatsapp",
    "ausserhalb der plattform",
    "ausserhalb der seite",
    "privat schreiben",
    "privat weiter",
    "direkt mit mir",
    "fora da plataforma",
    "fora do site",
    "fora do app",
    "no privado",
    "chama no privado",
    "vamos falar no zap",
    "vamos falar pelo whatsapp",
];

/// Ways to say "let's move the conversation" that take a channel after them ("can we move to text?", "switch to
/// email", "chat by phone", "on peut continuer sur WhatsApp").
const MOVE_VERBS: &[&str] = &[
    "move to",
    "move this to",
    "move this chat to",
    "move the chat to",
    "switch to",
    "switch this to",
    "continue on",
    "continue by",
    "continue via",
    "continue over",
    "do this by",
    "do this over",
    "do this on",
    "do this via",
    "can we do",
    "could we do",
    "chat by",
    "chat on",
    "chat over",
    "chat via",
    "talk by",
    "talk over",
    "talk via",
    "talk on",
    "sort it by",
    "take this to",
    "go to",
    "continuer sur",
    "continuer par",
    "passer sur",
    "passer par",
    "seguir por",
    "seguimos por",
    "hablar por",
    "pasar a",
    "pasamos a",
    "weiter auf",
    "weiter per",
    "wechseln zu",
    "lieber per",
    "ir pro",
    "passar pro",
    "continuar no",
    "continuar pelo",
    "falar pelo",
    "falar no",
];
/// The channels those verbs take.
const CHANNELS: &[&str] = &[
    "text",
    "texts",
    "sms",
    "phone",
    "the phone",
    "a call",
    "call",
    "email",
    "e-mail",
    "mail",
    "whatsapp",
    "whats app",
    "telegram",
    "signal",
    "a messenger",
    "messenger",
    "insta",
    "instagram",
    "snap",
    "snapchat",
    "discord",
    "wechat",
    "viber",
    "imessage",
    "dm",
    "dms",
    "private",
    "privado",
    "prive",
    "zap",
    "wpp",
    "telefone",
    "telefono",
    "telephone",
];

#[derive(Debug)]
pub(super) struct RequestFinder {
    phrases: Lexicon<Kind>,
}

impl RequestFinder {
    pub fn new(config: &Config, lex: &mut LexiconsBuilder) -> Result<Self, ConfigError> {
        let mut phrases: Vec<(String, Kind)> = Vec::new();
        let langs: [(&[&str], &[&str]); 5] = [
            (ASK_EN, THINGS_EN),
            (ASK_ES, THINGS_ES),
            (ASK_FR, THINGS_FR),
            (ASK_DE, THINGS_DE),
            (ASK_PT, THINGS_PT),
        ];
        for (asks, things) in langs {
            for a in asks {
                for t in things {
                    phrases.push((letters_form(&format!("{a} {t}")), Kind::Details));
                }
            }
        }
        for v in MOVE_VERBS {
            for c in CHANNELS {
                phrases.push((letters_form(&format!("{v} {c}")), Kind::OffPlatform));
            }
        }
        phrases.extend(REACH_ME.iter().map(|p| (letters_form(p), Kind::ReachMe)));
        phrases.extend(
            OFF_PLATFORM
                .iter()
                .map(|p| (letters_form(p), Kind::OffPlatform)),
        );
        for p in config
            .extra_phrases
            .get(Category::ContactRequest.as_str())
            .into_iter()
            .flatten()
        {
            phrases.push((letters_form(p), Kind::OffPlatform));
        }
        Ok(RequestFinder {
            phrases: lex.add("contact.request", phrases),
        })
    }

    /// `has_detail`: the message itself gives a phone number, an email address or an account. Then "call me",
    /// "email me", "add me on ..." only point at it, and the detail's own category says it all (the spec's "call me
    /// at 415 555 0172" is `contact.phone` only). Asking for the other party's details and proposing to leave the
    /// platform still count.
    pub fn find(&self, cx: &Context<'_>, has_detail: bool, out: &mut Vec<Finding>) {
        let text = cx.letters.text.as_str();
        for m in self.phrases.find(&cx.phrases) {
            if m.value == Kind::Details && !asks_for_contact(text, m.start, m.end) {
                continue;
            }
            if m.value == Kind::ReachMe && (has_detail || stays_here(text, m.end)) {
                continue;
            }
            if m.value == Kind::OffPlatform && about_payment_or_refused(text, m.start) {
                continue;
            }
            let (rule, explanation) = match m.value {
                Kind::Details => (
                    "request.details",
                    "The message asks for contact details (a phone number, an email address or a messaging app). \
                     Moving the conversation off the platform removes the protection it gives you.",
                ),
                Kind::ReachMe => (
                    "request.reach_me",
                    "The message asks to be contacted directly, outside the platform's messages. Moving the \
                     conversation off the platform removes the protection it gives you.",
                ),
                Kind::OffPlatform => (
                    "request.off_platform",
                    "The message asks to continue the conversation or the deal outside the platform, where you are \
                     not protected.",
                ),
            };
            out.push(cx.finding_from_view(
                &cx.letters,
                Category::ContactRequest,
                m.start,
                m.end,
                None,
                rule,
                explanation.to_string(),
            ));
        }
    }
}

/// "schreib mir einfach hier", "text me here", "écris-moi ici": an invitation to write that keeps the conversation on
/// the platform. True when "here" in one of the five languages is among the next three words.
fn stays_here(text: &str, end: usize) -> bool {
    text.get(end..)
        .unwrap_or("")
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(3)
        .any(|w| matches!(w, "here" | "hier" | "ici" | "aqui" | "aca" | "ca"))
}

/// A phrase in the letters view's normal form: folded, apostrophes inside words dropped.
fn letters_form(p: &str) -> String {
    crate::normalize::fold_phrase(p).replace(['\'', '’'], "")
}

/// "your number" style matches that are about something else: "your order number", "do you have the number of
/// units", "got email" (a notification). The thing must not be followed by a word that makes it another noun.
fn asks_for_contact(text: &str, start: usize, end: usize) -> bool {
    let next: String = text
        .get(end..)
        .unwrap_or("")
        .trim_start()
        .chars()
        .take_while(|c| c.is_alphanumeric())
        .collect();
    if matches!(
        next.as_str(),
        "of" | "for"
            | "confirmation"
            | "receipt"
            | "receipts"
            | "notification"
            | "notifications"
            | "updates"
            | "case"
            | "plan"
            | "carrier"
            | "charger"
            | "cover"
            | "holder"
            | "stand"
            | "mount"
            | "signal"
            | "screen"
            | "battery"
            | "verification"
            | "code"
            | "support"
            | "calls"
            | "call"
            | "video"
            | "integration"
            | "de"
            | "du"
            | "der"
            | "da"
            | "do"
            | "des"
    ) {
        return false;
    }
    // "got" and "tem" alone are too common: only as a question ("got whatsapp?", "tem zap?").
    let phrase = text.get(start..end).unwrap_or("");
    if phrase.starts_with("got ")
        || phrase.starts_with("tem ")
        || phrase.starts_with("tiene ")
        || phrase.starts_with("ur ")
    {
        return text.get(end..).unwrap_or("").trim_start().starts_with('?');
    }
    true
}

/// Words that make an off-platform phrase about paying (`payment.off_platform` says it) or a refusal ("I don't take
/// payment outside the site"): among the few words before it.
fn about_payment_or_refused(text: &str, start: usize) -> bool {
    let words = || {
        text.get(..start)
            .unwrap_or("")
            .rsplit(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
    };
    if words().take(3).any(|w| {
        matches!(
            w,
            "dont" | "not" | "never" | "nunca" | "jamais" | "nie" | "nao"
        )
    }) {
        return true;
    }
    words().take(10).any(|w| {
        matches!(
            w,
            "pay"
                | "paying"
                | "payment"
                | "paid"
                | "pago"
                | "pagar"
                | "pagamento"
                | "pague"
                | "paie"
                | "payer"
                | "paiement"
                | "zahlung"
                | "bezahlung"
                | "zahle"
                | "zahlen"
                | "bezahlen"
                | "boleto"
                | "pix"
                | "transfer"
                | "transferencia"
                | "virement"
                | "uberweisung"
                | "cash"
                | "dinheiro"
                | "especes"
                | "efectivo"
                | "bar"
                | "wire"
                | "zelle"
                | "venmo"
                | "paypal"
                | "bizum"
                | "chime"
                | "cashapp"
                | "revolut"
                | "mbway"
                | "send"
                | "wise"
                | "remitly"
        )
    })
}
