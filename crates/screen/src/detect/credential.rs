//! `credential.request`: asking the other party for secrets or sensitive data (passwords, one-time codes, card
//! number, CVV, bank login, SSN), in English, Spanish, French, German and Portuguese.
//!
//! Phrase + context, per clause: an asking phrase aimed at the reader ("send me", "what's your", "enter your")
//! together with a secret ("password", "the code you just received", "CVV"), or a phrase that is a request by
//! itself ("verify your account here"). Talking about one's own secret ("I changed my password", "the verification
//! code didn't arrive") has no asking phrase and is clean; a promo code "at checkout" is not a secret.

use super::Context;
use super::lexicon::{Lexicon, LexiconsBuilder};
use super::payment::intent::{self, Clause, Table};
use crate::{Category, Config, ConfigError, Finding};

const CAT: Category = Category::CredentialRequest;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cue {
    /// A secret or sensitive datum.
    Secret,
    /// "the code": a secret unless the clause is about a gift card or voucher (whose code is the goods or a
    /// payment: payment.off_platform's business).
    WeakSecret,
    /// Gift cards and vouchers.
    Voucher,
    /// Asking the reader to give, tell or type something.
    Ask,
    /// A request by itself ("verify your account").
    Strong,
    /// The platform's own flow ("at checkout", "promo code").
    OnSite,
    Negation,
    /// Shadows a shorter cue ("zip code" is not "the code").
    Neutral,
    /// Asking for "it" ("send it here", "me manda ele"): a request for the secret named in the same clause or the
    /// one just before ("Got an OTP? Send it here").
    AskIt,
}
use Cue::*;

const EN: Table<Cue> = &[
    ("password", Secret),
    ("passwords", Secret),
    ("passcode", Secret),
    ("pin", Secret),
    ("pin code", Secret),
    ("pin number", Secret),
    ("one-time code", Secret),
    ("one time code", Secret),
    ("one-time password", Secret),
    ("otp", Secret),
    ("verification code", Secret),
    ("verify code", Secret),
    ("confirmation code", Secret),
    ("security code", Secret),
    ("2fa code", Secret),
    ("2fa", Secret),
    ("two-factor code", Secret),
    ("authentication code", Secret),
    ("auth code", Secret),
    ("login code", Secret),
    ("sms code", Secret),
    ("the code", WeakSecret),
    ("that code", WeakSecret),
    ("code you received", Secret),
    ("code you just received", Secret),
    ("code you got", Secret),
    ("code you just got", Secret),
    ("code that was sent", Secret),
    ("code we sent", Secret),
    ("code sent to your phone", Secret),
    ("6-digit code", Secret),
    ("6 digit code", Secret),
    ("cvv", Secret),
    ("cvc", Secret),
    ("cvv2", Secret),
    ("card number", Secret),
    ("credit card number", Secret),
    ("debit card number", Secret),
    ("card details", Secret),
    ("card info", Secret),
    ("card information", Secret),
    ("expiry date", Secret),
    ("expiration date", Secret),
    ("exp date", Secret),
    ("bank login", Secret),
    ("online banking login", Secret),
    ("banking password", Secret),
    ("bank username", Secret),
    ("login details", Secret),
    ("login info", Secret),
    ("login credentials", Secret),
    ("credentials", Secret),
    ("username and password", Secret),
    ("ssn", Secret),
    ("social security number", Secret),
    ("mother's maiden name", Secret),
    ("seed phrase", Secret),
    ("recovery phrase", Secret),
    ("private key", Secret),
    ("security question", Secret),
    ("security questions", Secret),
    ("apple id password", Secret),
    ("send me", Ask),
    ("send it to me", AskIt),
    ("send over", Ask),
    ("give me", Ask),
    ("tell me", Ask),
    ("share", Ask),
    ("share with me", Ask),
    ("provide", Ask),
    ("forward", Ask),
    ("forward me", Ask),
    ("read me", Ask),
    ("text me", Ask),
    ("reply with", Ask),
    ("what's your", Ask),
    ("what is your", Ask),
    ("what's the", Ask),
    ("i need your", Ask),
    ("need your", Ask),
    ("enter your", Ask),
    ("confirm your", Ask),
    ("type your", Ask),
    ("put your", Ask),
    ("can i have your", Ask),
    ("can you send", Ask),
    ("can you give", Ask),
    ("screenshot of", Ask),
    ("read out", Ask),
    ("send your", Ask),
    ("let me have", Ask),
    ("verify your account", Strong),
    ("confirm your account", Strong),
    ("verify your identity", Strong),
    ("confirm your identity", Strong),
    ("verify your payment", Strong),
    ("update your payment details", Strong),
    ("update your billing", Strong),
    ("re-enter your card", Strong),
    ("log in here", Strong),
    ("login here", Strong),
    ("sign in here", Strong),
    ("verify your details", Strong),
    ("code", WeakSecret),
    ("a code", WeakSecret),
    ("numbers in the text", Secret),
    ("text message you just got", Secret),
    ("text you got", Secret),
    ("numbers from the sms", Secret),
    ("numbers on the back of your card", Secret),
    ("back of your card", Secret),
    ("both sides of your card", Secret),
    ("card #", Secret),
    ("card pin", Secret),
    ("login", Secret),
    ("pw", Secret),
    ("pass to your", Secret),
    ("date of birth", Secret),
    ("driver's license", Secret),
    ("passport", Secret),
    ("id card", Secret),
    ("scan of your id", Secret),
    ("photo of your id", Secret),
    ("security questions' answers", Secret),
    ("what do you use to sign in", Strong),
    ("read it back", AskIt),
    ("read it back to me", Ask),
    ("tell it back", AskIt),
    ("what it says", AskIt),
    ("what does", Ask),
    ("what is it", Ask),
    ("forward it to me", AskIt),
    ("forward the", Ask),
    ("send it here", AskIt),
    ("write the", Ask),
    ("give it to me", AskIt),
    ("what came in", Ask),
    ("need ur", Ask),
    ("i'll need", Ask),
    ("what are your", Ask),
    ("send a photo", Ask),
    ("send a selfie", Ask),
    ("send me a screenshot", Ask),
    ("give him the code", Strong),
    ("at checkout", OnSite),
    ("gift card", Voucher),
    ("gift cards", Voucher),
    ("steam card", Voucher),
    ("itunes card", Voucher),
    ("google play card", Voucher),
    ("voucher", Voucher),
    ("tarjeta de regalo", Voucher),
    ("carte cadeau", Voucher),
    ("coupon pcs", Voucher),
    ("paysafecard", Voucher),
    ("geschenkkarte", Voucher),
    ("gutschein", Voucher),
    ("cartão presente", Voucher),
    ("promo code", Neutral),
    ("discount code", Neutral),
    ("coupon code", Neutral),
    ("zip code", Neutral),
    ("postal code", Neutral),
    ("post code", Neutral),
    ("tracking code", Neutral),
    ("qr code", Neutral),
    ("source code", Neutral),
    ("dress code", Neutral),
    ("color code", Neutral),
    ("colour code", Neutral),
    ("area code", Neutral),
    ("the code for the discount", Neutral),
    ("never", Negation),
    ("don't", Negation),
    ("do not", Negation),
    ("never share", Negation),
    ("not", Negation),
    ("no one will", Negation),
];

const ES: Table<Cue> = &[
    ("contraseña", Secret),
    ("clave", Secret),
    ("código de verificación", Secret),
    ("código de seguridad", Secret),
    ("código que te llegó", Secret),
    ("código que recibiste", Secret),
    ("el código", WeakSecret),
    ("pin", Secret),
    ("número de tarjeta", Secret),
    ("fecha de vencimiento", Secret),
    ("fecha de caducidad", Secret),
    ("datos de la tarjeta", Secret),
    ("usuario y contraseña", Secret),
    ("número de seguro social", Secret),
    ("clave de acceso", Secret),
    ("clave del banco", Secret),
    ("código", WeakSecret),
    ("un código", WeakSecret),
    ("número de tu tarjeta", Secret),
    ("dni", Secret),
    ("foto de tu", Ask),
    ("me lo puedes pasar", Ask),
    ("pásamelo", Ask),
    ("necesito el", Ask),
    ("necesito", Ask),
    ("envíame", Ask),
    ("mándame", Ask),
    ("dame", Ask),
    ("dime", Ask),
    ("pásame", Ask),
    ("compárteme", Ask),
    ("cuál es tu", Ask),
    ("necesito tu", Ask),
    ("escribe tu", Ask),
    ("introduce tu", Ask),
    ("confirma tu", Ask),
    ("verifica tu cuenta", Strong),
    ("verificar tu cuenta", Strong),
    ("confirma tu cuenta", Strong),
    ("confirmar tu identidad", Strong),
    ("código postal", Neutral),
    ("código de descuento", Neutral),
    ("nunca", Negation),
    ("no", Negation),
];

const FR: Table<Cue> = &[
    ("mot de passe", Secret),
    ("code de vérification", Secret),
    ("code de confirmation", Secret),
    ("code reçu", Secret),
    ("le code", WeakSecret),
    ("code pin", Secret),
    ("numéro de carte", Secret),
    ("date d'expiration", Secret),
    ("cryptogramme", Secret),
    ("identifiants", Secret),
    ("identifiants bancaires", Secret),
    ("numéro de sécurité sociale", Secret),
    ("code secret", Secret),
    ("un code", WeakSecret),
    ("code par sms", Secret),
    ("numéro de votre carte", Secret),
    ("pièce d'identité", Secret),
    ("me le donner", Ask),
    ("il me faut", Ask),
    ("envoyez une photo", Ask),
    ("envoyez-moi", Ask),
    ("envoie-moi", Ask),
    ("donnez-moi", Ask),
    ("donne-moi", Ask),
    ("dites-moi", Ask),
    ("dis-moi", Ask),
    ("communiquez-moi", Ask),
    ("transmettez-moi", Ask),
    ("quel est votre", Ask),
    ("quel est ton", Ask),
    ("j'ai besoin de votre", Ask),
    ("entrez votre", Ask),
    ("saisissez votre", Ask),
    ("vérifiez votre compte", Strong),
    ("vérifier votre compte", Strong),
    ("confirmez votre compte", Strong),
    ("confirmer votre identité", Strong),
    ("code postal", Neutral),
    ("code promo", Neutral),
    ("jamais", Negation),
    ("ne", Negation),
];

const DE: Table<Cue> = &[
    ("passwort", Secret),
    ("kennwort", Secret),
    ("bestätigungscode", Secret),
    ("verifizierungscode", Secret),
    ("sicherheitscode", Secret),
    ("tan", Secret),
    ("pin", Secret),
    ("den code", WeakSecret),
    ("kartennummer", Secret),
    ("ablaufdatum", Secret),
    ("prüfnummer", Secret),
    ("zugangsdaten", Secret),
    ("sozialversicherungsnummer", Secret),
    ("einen code", WeakSecret),
    ("code per sms", Secret),
    ("personalausweis", Secret),
    ("personalausweises", Secret),
    ("schick mir den", Ask),
    ("schicken sie mir", Ask),
    ("schick mir", Ask),
    ("senden sie mir", Ask),
    ("geben sie mir", Ask),
    ("gib mir", Ask),
    ("sagen sie mir", Ask),
    ("sag mir", Ask),
    ("nennen sie mir", Ask),
    ("teilen sie mir", Ask),
    ("wie lautet ihr", Ask),
    ("wie lautet dein", Ask),
    ("ich brauche ihr", Ask),
    ("ich brauche dein", Ask),
    ("ich brauche ihre", Ask),
    ("ich brauche deine", Ask),
    ("bestätigen sie ihr konto", Strong),
    ("verifizieren sie ihr konto", Strong),
    ("konto bestätigen", Strong),
    ("konto verifizieren", Strong),
    ("gutscheincode", Neutral),
    ("rabattcode", Neutral),
    ("nie", Negation),
    ("niemals", Negation),
    ("nicht", Negation),
];

const PT: Table<Cue> = &[
    ("senha", Secret),
    ("código de verificação", Secret),
    ("código de segurança", Secret),
    ("código que chegou", Secret),
    ("código que você recebeu", Secret),
    ("o código", WeakSecret),
    ("número do cartão", Secret),
    ("data de validade", Secret),
    ("dados do cartão", Secret),
    ("um código", WeakSecret),
    ("validade", Secret),
    ("rg", Secret),
    ("me manda ele", AskIt),
    ("manda foto", Ask),
    ("preciso do", Ask),
    ("me envia", Ask),
    ("me manda", Ask),
    ("me passa", Ask),
    ("me diga", Ask),
    ("me fala", Ask),
    ("qual é a sua", Ask),
    ("qual é o seu", Ask),
    ("qual sua", Ask),
    ("preciso da sua", Ask),
    ("preciso do seu", Ask),
    ("digite sua", Ask),
    ("informe sua", Ask),
    ("informe o", Ask),
    ("verifique sua conta", Strong),
    ("confirme sua conta", Strong),
    ("confirmar sua identidade", Strong),
    ("código postal", Neutral),
    ("código de desconto", Neutral),
    ("código de rastreio", Neutral),
    ("nunca", Negation),
    ("não", Negation),
];

#[derive(Debug)]
pub(crate) struct CredentialDetector {
    cues: Lexicon<Cue>,
}

impl CredentialDetector {
    pub fn new(config: &Config, lex: &mut LexiconsBuilder) -> Result<Self, ConfigError> {
        let extra = intent::extra_phrases(config, CAT, Strong)
            .into_iter()
            .chain(families());
        let cues = intent::build(lex, "credential.request", &[EN, ES, FR, DE, PT], extra);
        Ok(CredentialDetector { cues })
    }

    pub fn find(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let clauses = intent::clauses(&self.cues, cx);
        for (i, clause) in clauses.iter().enumerate() {
            let previous = i.checked_sub(1).and_then(|p| clauses.get(p));
            let span = decide(clause).or_else(|| decide_it(clause, previous));
            // "Verify your account at <link>" is the link's phishing, not a request for a secret in the message
            // (corpus labelling rule): a request by itself counts only where no link is given.
            let strong_only = !clause.any(|c| matches!(c, Secret | WeakSecret));
            if span.is_some() && strong_only && has_link(&intent::view(cx).text) {
                continue;
            }
            if let Some(span) = span {
                out.push(intent::finding(
                    cx,
                    CAT,
                    span,
                    "credential.request",
                    "Asks for a password, a one-time code or card or bank details. The marketplace never needs \
                     them in a message, and whoever has them can take over the account or spend the money."
                        .to_string(),
                ));
            }
        }
    }
}

/// The text holds something that reads as a link: a scheme, `www.`, or a dotted name ending in a common
/// top-level domain (also defanged with `[.]`).
fn has_link(text: &str) -> bool {
    if text.contains("http") || text.contains("www.") || text.contains("hxxp") {
        return true;
    }
    const TLDS: &[&str] = &[
        "com", "net", "org", "info", "io", "co", "xyz", "top", "online", "site", "ru", "de", "fr",
        "es", "pt", "br", "uk", "me", "ly", "gd", "cc", "app", "support", "shop", "biz", "live",
        "link", "click",
    ];
    let cleaned = text.replace("[.]", ".").replace("(.)", ".");
    cleaned
        .split(|c: char| c.is_whitespace() || matches!(c, ',' | '"' | '\'' | '(' | ')' | '<' | '>'))
        .any(|tok| {
            let host = tok.split('/').next().unwrap_or("");
            let mut parts = host.split('.');
            let first = parts.next().unwrap_or("");
            let last = host.rsplit('.').next().unwrap_or("");
            host.contains('.')
                && !first.is_empty()
                && first.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                && TLDS.contains(&last)
        })
}

/// "Send it here" / "me manda ele" asks for a secret named in its own clause or the clause just before.
fn decide_it(clause: &Clause<Cue>, previous: Option<&Clause<Cue>>) -> Option<(usize, usize)> {
    if !clause.has(AskIt) || clause.has(OnSite) {
        return None;
    }
    let names_secret = |c: &Clause<Cue>| {
        !c.has(OnSite) && (c.has(Secret) || (c.has(WeakSecret) && !c.has(Voucher)))
    };
    if !(names_secret(clause) || previous.is_some_and(names_secret)) {
        return None;
    }
    if super::payment::negated(clause, Negation, |c| c == AskIt) {
        return None;
    }
    clause.span_of(|c| matches!(c, AskIt | Secret | WeakSecret))
}

/// Every `prefix` joined to every `noun` with a space.
fn cross(prefixes: &[&str], nouns: &[&str], cue: Cue, out: &mut Vec<(String, Cue)>) {
    for p in prefixes {
        for n in nouns {
            out.push((format!("{p} {n}"), cue));
        }
    }
}

/// Phrase families built from parts: a code described by where it arrived ("the numbers in the text", "the code that
/// came to your phone"), asking verbs in their grammatical forms, photo requests, and "send it" asks.
fn families() -> Vec<(String, Cue)> {
    let mut out = Vec::new();
    cross(
        &["code", "number", "numbers", "digits", "pin", "otp"],
        &[
            "in the text",
            "in that text",
            "in the sms",
            "in the message",
            "from the text",
            "from the sms",
            "from the message",
            "from that text",
            "from your bank",
            "from google",
            "that came",
            "that came in",
            "that came to your phone",
            "that came to ur phone",
            "that just came",
            "you got",
            "that you got",
            "you just got",
            "google sent",
            "google just sent",
            "google sends",
            "google sends you",
            "they sent you",
            "sent to your phone",
            "sent to ur phone",
            "on your phone",
            "on your screen",
            "that arrived",
            "you received",
            "in the email",
            "from the app",
            "by text",
            "via sms",
            "in your texts",
        ],
        Secret,
        &mut out,
    );
    cross(
        &[
            "a text from",
            "the text from",
            "an sms from",
            "the sms from",
            "a message from",
            "the text",
        ],
        &[
            "your bank",
            "google",
            "google voice",
            "the bank",
            "whatsapp",
            "paypal",
            "apple",
        ],
        Secret,
        &mut out,
    );
    cross(
        &["the text", "the sms", "the message"],
        &[
            "google just sent",
            "google sent",
            "you just got",
            "that just came",
        ],
        Secret,
        &mut out,
    );
    cross(
        &[
            "i need",
            "i need the",
            "need the",
            "i'll need the",
            "i will need the",
            "i just need the",
            "all i need is the",
            "just need the",
            "i need you to send",
        ],
        &[""],
        Ask,
        &mut out,
    );
    cross(
        &[
            "take",
            "send",
            "snap",
            "upload",
            "send me",
            "take me",
            "send over",
        ],
        &[
            "a photo of",
            "a picture of",
            "a pic of",
            "a selfie with",
            "a scan of",
            "a photo of your",
            "a picture of your",
            "a pic of your",
            "photos of",
            "pictures of",
        ],
        Ask,
        &mut out,
    );
    cross(
        &[
            "id",
            "your id",
            "ids",
            "license",
            "licence",
            "drivers license",
            "driver's licence",
            "passport",
            "id card",
            "debit card",
            "credit card",
            "bank card",
            "card",
        ],
        &["front and back", "both sides"],
        Secret,
        &mut out,
    );
    for p in [
        "send it",
        "send it here",
        "send it to me",
        "send them",
        "send them to me",
        "send those",
        "send those digits",
        "send me those digits",
        "send me those numbers",
        "send me it",
        "forward it",
        "forward it to me",
        "read it to me",
        "read them to me",
        "tell me what it says",
        "tell me what they are",
        "type it here",
        "paste it here",
        "give it here",
        "me manda ele",
        "manda ele",
        "me passa ele",
        "me envia ele",
        "mándamelo",
        "envíamelo",
        "pásamelo",
        "dímelo",
        "envoie-le-moi",
        "donne-le-moi",
        "envoyez-le-moi",
        "donnez-le-moi",
        "schick ihn mir",
        "schick sie mir",
        "schick es mir",
        "sag ihn mir",
        "sag sie mir",
    ] {
        out.push((p.to_string(), AskIt));
    }
    // Asking verbs: "what's the / which is the" before a secret, in each language's article forms.
    cross(
        &[
            "cuál es el",
            "cuál es la",
            "cual es el",
            "cual es la",
            "dime el",
            "dime la",
        ],
        &[""],
        Ask,
        &mut out,
    );
    cross(
        &[
            "quel est le",
            "quel est la",
            "quelle est la",
            "quelle est votre",
            "quelle est ta",
            "quel est votre",
        ],
        &[""],
        Ask,
        &mut out,
    );
    cross(
        &[
            "wie lautet die",
            "wie lautet der",
            "wie lautet das",
            "wie lautet deine",
            "wie lautet ihre",
            "wie ist dein",
            "wie ist deine",
            "wie ist ihre",
            "wie ist ihr",
            "nenn mir",
            "nenne mir",
            "nennen sie mir",
            "gib mir die",
            "gib mir den",
        ],
        &[""],
        Ask,
        &mut out,
    );
    cross(
        &[
            "qual a",
            "qual o",
            "qual é a",
            "qual é o",
            "qual seu",
            "qual é sua",
            "qual é seu",
            "me fala a",
            "me fala o",
            "me diz a",
            "me diz o",
        ],
        &[""],
        Ask,
        &mut out,
    );
    cross(
        &[
            "tira uma foto",
            "tire uma foto",
            "manda uma foto",
            "haz una foto",
            "saca una foto",
            "mándame una foto",
            "prends une photo",
            "envoie une photo",
            "mach ein foto",
            "schick ein foto",
            "schick mir ein foto",
        ],
        &[""],
        Ask,
        &mut out,
    );
    cross(
        &[
            "forward",
            "send",
            "send me",
            "tell me",
            "read me",
            "give me",
            "share",
            "forward me",
        ],
        &[
            "the number in it",
            "the numbers in it",
            "the code in it",
            "the digits in it",
            "what's in it",
            "what it says",
        ],
        AskIt,
        &mut out,
    );
    // "send it to the address ..." is about the parcel; Portuguese "no seu" (in your) is not Spanish "no".
    for p in ["send it to", "send it to the", "send it to my"] {
        out.push((p.to_string(), Neutral));
    }
    for p in [
        "no seu",
        "no meu",
        "no teu",
        "na sua",
        "na minha",
        "no celular",
        "no app",
        "no site",
        "no whatsapp",
    ] {
        out.push((p.to_string(), Neutral));
    }
    // Identity documents.
    for p in [
        "pasaporte",
        "carnet de conducir",
        "cédula",
        "documento de identidad",
        "carte d'identité",
        "passeport",
        "permis de conduire",
        "ausweis",
        "reisepass",
        "führerschein",
        "cnh",
        "cpf",
        "passaporte",
        "documento de identidade",
        "carteira de motorista",
        "cartão de cidadão",
        "photo id",
    ] {
        out.push((p.to_string(), Secret));
    }
    out.into_iter()
        .map(|(p, c)| (p.trim().to_string(), c))
        .collect()
}

fn decide(clause: &Clause<Cue>) -> Option<(usize, usize)> {
    if clause.has(OnSite) {
        return None;
    }
    let secret = clause.has(Secret) || (clause.has(WeakSecret) && !clause.has(Voucher));
    let fires = clause.has(Strong) || ((clause.has(Ask) || clause.has(AskIt)) && secret);
    if !fires || super::payment::negated(clause, Negation, |c| matches!(c, Ask | Strong)) {
        return None;
    }
    clause.span_of(|c| matches!(c, Ask | Secret | WeakSecret | Strong))
}
