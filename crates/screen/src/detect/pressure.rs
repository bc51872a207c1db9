//! `pressure.urgency`: false urgency, threats and pressure; in English, Spanish, French, German and Portuguese.
//!
//! What counts (the spec: "false urgency, threats and pressure"). Pressure is an attempt to make the reader act
//! before thinking, so a finding needs either a threat or urgency that is aimed at making the reader do something:
//! - a threat that is a threat by itself: "your account will be closed", "I'll leave 1 star", "the deal is off",
//!   "last warning", "legal action";
//! - a consequence ("1 star", "report you", "account suspended") tied to a condition or deadline ("or", "otherwise",
//!   "unless", "within 2 hours");
//! - urgency ("urgent", "immediately", "asap") joined to a demand ("pay now"), a deadline or a consequence, or
//!   used as an alarm label ("URGENT:", "Urgent!");
//! - a demand with a deadline ("pay within 2 hours").
//!
//! Not pressure: a buyer's own timing or need ("is it still available?", "I need it by Friday for a birthday",
//! "I need it urgently for a trip" without a demand on the reader), and calm words ("no rush", "not urgent"). The
//! cues are taken over the whole message, not per clause: "Pay now. Otherwise the deal is off." is one threat.

use super::Context;
use super::lexicon::{Lexicon, LexiconsBuilder};
use super::payment::intent::{self, Clause, Table};
use crate::{Category, Config, ConfigError, Finding};

const CAT: Category = Category::PressureUrgency;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cue {
    /// A threat by itself.
    Threat,
    /// A bad outcome that becomes a threat with a condition or a deadline.
    Consequence,
    /// "or", "otherwise", "unless", "if you don't".
    Condition,
    /// A time limit set on the reader.
    Deadline,
    /// Urgency words.
    Urgent,
    /// An order to act now.
    Demand,
    /// Shadows a shorter cue ("no rush" is not urgency).
    Neutral,
    /// A unit of time ("minutes", "horas"): a deadline when a number stands just before it ("in 10 min").
    TimeUnit,
    /// The writer speaking of themself ("I'll", "I can"): a demand verb right after it is not a demand.
    SelfRef,
}
use Cue::*;

const EN: Table<Cue> = &[
    ("your account will be closed", Threat),
    ("your account will be suspended", Threat),
    ("your account will be blocked", Threat),
    ("your account will be deleted", Threat),
    ("your account will be terminated", Threat),
    ("your account will be locked", Threat),
    ("your account will be banned", Threat),
    ("your account will be disabled", Threat),
    ("account will be closed", Threat),
    ("account will be suspended", Threat),
    ("account will be locked", Threat),
    ("account will be permanently", Threat),
    ("we will suspend your account", Threat),
    ("we will close your account", Threat),
    ("your account has been suspended", Threat),
    ("your account has been limited", Threat),
    ("your account has been locked", Threat),
    ("i'll report you", Threat),
    ("i will report you", Threat),
    ("i'm going to report you", Threat),
    ("i'll leave 1 star", Threat),
    ("i will leave 1 star", Threat),
    ("i'll leave a 1 star", Threat),
    ("i'll leave one star", Threat),
    ("i'll give you 1 star", Threat),
    ("i'll give you one star", Threat),
    ("leave a bad review", Threat),
    ("leave you a bad review", Threat),
    ("leave negative feedback", Threat),
    ("leave you negative feedback", Threat),
    ("the deal is off", Threat),
    ("deal is off", Threat),
    ("legal action", Threat),
    ("take you to court", Threat),
    ("sue you", Threat),
    ("call the police", Threat),
    ("last warning", Threat),
    ("final warning", Threat),
    ("final notice", Threat),
    ("you will regret", Threat),
    ("you'll regret", Threat),
    ("or else", Threat),
    ("1 star", Consequence),
    ("one star", Consequence),
    ("1-star", Consequence),
    ("bad review", Consequence),
    ("negative review", Consequence),
    ("negative feedback", Consequence),
    ("bad feedback", Consequence),
    ("report you", Consequence),
    ("report your account", Consequence),
    ("account suspended", Consequence),
    ("account closed", Consequence),
    ("account blocked", Consequence),
    ("lose your account", Consequence),
    ("cancel the order", Consequence),
    ("cancel the deal", Consequence),
    ("sell it to someone else", Consequence),
    ("sell to someone else", Consequence),
    ("give it to another buyer", Consequence),
    ("or", Condition),
    ("otherwise", Condition),
    ("unless", Condition),
    ("if you don't", Condition),
    ("if you do not", Condition),
    ("if not", Condition),
    ("within the hour", Deadline),
    ("in the next hour", Deadline),
    ("by tonight", Deadline),
    ("before midnight", Deadline),
    ("today or", Deadline),
    ("right now or", Deadline),
    ("in the next few minutes", Deadline),
    ("urgent", Urgent),
    ("urgently", Urgent),
    ("immediately", Urgent),
    ("right now", Urgent),
    ("right away", Urgent),
    ("asap", Urgent),
    ("as soon as possible", Urgent),
    ("hurry", Urgent),
    ("hurry up", Urgent),
    ("act now", Urgent),
    ("act fast", Urgent),
    ("last chance", Urgent),
    ("time is running out", Urgent),
    ("now", Urgent),
    ("pay now", Demand),
    ("send now", Demand),
    ("pay immediately", Demand),
    ("verify now", Demand),
    ("click now", Demand),
    ("reply now", Demand),
    ("confirm now", Demand),
    ("respond now", Demand),
    ("do it now", Demand),
    ("send it now", Demand),
    ("pay", Demand),
    ("send the money", Demand),
    ("confirm", Demand),
    ("reply", Demand),
    ("late reply", Neutral),
    ("my reply", Neutral),
    ("your reply", Neutral),
    ("respond", Demand),
    ("reporting you", Consequence),
    ("open a dispute", Consequence),
    ("chargeback", Consequence),
    ("get your account banned", Consequence),
    ("account banned", Consequence),
    ("blocking you", Consequence),
    ("my lawyer", Consequence),
    ("terrible review", Consequence),
    ("lose the sale", Consequence),
    ("lose it", Consequence),
    ("lose it forever", Consequence),
    ("it's gone", Consequence),
    ("its gone", Consequence),
    ("money is lost", Consequence),
    ("the money goes back", Consequence),
    ("will be frozen", Consequence),
    ("gets deleted", Consequence),
    ("deletes your", Consequence),
    ("sell it to someone", Consequence),
    ("give it to the next", Consequence),
    ("buying from someone else", Consequence),
    ("tell everyone", Consequence),
    ("post your name", Consequence),
    ("you lose", Consequence),
    ("expires", Deadline),
    ("expire", Deadline),
    ("at midnight", Deadline),
    ("by midnight", Deadline),
    ("till 6pm", Deadline),
    ("in the next hour", Deadline),
    ("in an hour", Deadline),
    ("i know where you live", Threat),
    ("or i'll", Threat),
    ("or i will", Threat),
    ("or i'm", Threat),
    ("i'll make sure nobody", Threat),
    ("would be a shame if", Threat),
    ("would be a pity if", Threat),
    ("hate for something to happen", Threat),
    ("losing patience", Threat),
    ("last chance", Threat),
    ("no time to think", Threat),
    ("decide now", Threat),
    ("buy now or", Threat),
    ("don't make me wait", Threat),
    ("your account is at risk", Threat),
    ("reviews suddenly got worse", Threat),
    ("reviews turned bad", Threat),
    ("make you pay", Threat),
    ("tick tock", Threat),
    ("others are waiting", Threat),
    ("only 1 left", Urgent),
    ("answer", Demand),
    ("respond now", Demand),
    ("refund", Demand),
    ("decide", Demand),
    ("accept", Demand),
    ("buy", Demand),
    ("ship it", Demand),
    ("send me", Demand),
    ("give me", Demand),
    ("i'll", SelfRef),
    ("i will", SelfRef),
    ("i can", SelfRef),
    ("i'm", SelfRef),
    ("i", SelfRef),
    ("we", SelfRef),
    ("let me", SelfRef),
    ("minutes", TimeUnit),
    ("minute", TimeUnit),
    ("mins", TimeUnit),
    ("min", TimeUnit),
    ("hours", TimeUnit),
    ("hour", TimeUnit),
    ("hrs", TimeUnit),
    ("h", TimeUnit),
    ("seconds", TimeUnit),
    ("secs", TimeUnit),
    ("no rush", Neutral),
    ("no hurry", Neutral),
    ("not urgent", Neutral),
    ("no pressure", Neutral),
    ("take your time", Neutral),
    ("if you're not in a hurry", Neutral),
    ("in no hurry", Neutral),
];

const ES: Table<Cue> = &[
    ("tu cuenta será cerrada", Threat),
    ("tu cuenta será suspendida", Threat),
    ("tu cuenta será bloqueada", Threat),
    ("su cuenta será cerrada", Threat),
    ("su cuenta será suspendida", Threat),
    ("su cuenta será bloqueada", Threat),
    ("cerraremos tu cuenta", Threat),
    ("te denunciaré", Threat),
    ("te voy a denunciar", Threat),
    ("te dejaré una estrella", Threat),
    ("te dejo una estrella", Threat),
    ("última advertencia", Threat),
    ("último aviso", Threat),
    ("aviso final", Threat),
    ("se cancela el trato", Threat),
    ("no hay trato", Threat),
    ("o si no", Threat),
    ("una estrella", Consequence),
    ("mala reseña", Consequence),
    ("mala calificación", Consequence),
    ("valoración negativa", Consequence),
    ("denunciarte", Consequence),
    ("de lo contrario", Condition),
    ("si no", Condition),
    ("o", Condition),
    ("urgente", Urgent),
    ("urgentemente", Urgent),
    ("inmediatamente", Urgent),
    ("ahora mismo", Urgent),
    ("cuanto antes", Urgent),
    ("responde ya", Urgent),
    ("paga ahora", Demand),
    ("paga ya", Demand),
    ("págame ya", Demand),
    ("envía ya", Demand),
    ("paga", Demand),
    ("sin prisa", Neutral),
    ("última oportunidad", Threat),
    ("te denuncio", Threat),
    ("abro una disputa", Threat),
    ("se lo vendo a otro", Consequence),
    ("reseña", Consequence),
    ("1 estrella", Consequence),
    ("responde", Demand),
    ("contestar", Demand),
    ("horas", TimeUnit),
    ("hora", TimeUnit),
    ("minutos", TimeUnit),
    ("no es urgente", Neutral),
];

const FR: Table<Cue> = &[
    ("votre compte sera fermé", Threat),
    ("votre compte sera suspendu", Threat),
    ("votre compte sera bloqué", Threat),
    ("ton compte sera fermé", Threat),
    ("ton compte sera suspendu", Threat),
    ("je vais vous signaler", Threat),
    ("je vais te signaler", Threat),
    ("dernier avertissement", Threat),
    ("l'affaire est annulée", Threat),
    ("je vous mets une étoile", Threat),
    ("je te mets une étoile", Threat),
    ("une étoile", Consequence),
    ("1 étoile", Consequence),
    ("mauvais avis", Consequence),
    ("avis négatif", Consequence),
    ("sinon", Condition),
    ("ou", Condition),
    ("urgent", Urgent),
    ("urgente", Urgent),
    ("immédiatement", Urgent),
    ("tout de suite", Urgent),
    ("dernière chance", Urgent),
    ("payez maintenant", Demand),
    ("payez immédiatement", Demand),
    ("payez", Demand),
    ("payer", Demand),
    ("rien ne presse", Neutral),
    ("dernière chance", Threat),
    ("porte plainte", Threat),
    ("répondez", Demand),
    ("ce soir", Deadline),
    ("heures", TimeUnit),
    ("heure", TimeUnit),
    ("pas urgent", Neutral),
    ("pas pressé", Neutral),
];

const DE: Table<Cue> = &[
    ("ihr konto wird gesperrt", Threat),
    ("ihr konto wird geschlossen", Threat),
    ("ihr konto wird gelöscht", Threat),
    ("dein konto wird gesperrt", Threat),
    ("konto wird gesperrt", Threat),
    ("ich melde sie", Threat),
    ("ich werde sie melden", Threat),
    ("ich melde dich", Threat),
    ("letzte warnung", Threat),
    ("letzte mahnung", Threat),
    ("rechtliche schritte", Threat),
    ("mein anwalt", Threat),
    ("1 stern", Consequence),
    ("ein stern", Consequence),
    ("einen stern", Consequence),
    ("schlechte bewertung", Consequence),
    ("negative bewertung", Consequence),
    ("sonst", Condition),
    ("andernfalls", Condition),
    ("oder", Condition),
    ("dringend", Urgent),
    ("sofort", Urgent),
    ("umgehend", Urgent),
    ("jetzt", Urgent),
    ("zahlen sie jetzt", Demand),
    ("sofort zahlen", Demand),
    ("jetzt bezahlen", Demand),
    ("zahlen", Demand),
    ("bezahlen", Demand),
    ("keine eile", Neutral),
    ("letzte chance", Threat),
    ("melde ich dich", Threat),
    ("1-stern", Consequence),
    ("gesperrt", Consequence),
    ("wenn sie nicht", Condition),
    ("antworte", Demand),
    ("bestätigen", Demand),
    ("stunden", TimeUnit),
    ("stunde", TimeUnit),
    ("minuten", TimeUnit),
    ("nicht dringend", Neutral),
];

const PT: Table<Cue> = &[
    ("sua conta será bloqueada", Threat),
    ("sua conta será suspensa", Threat),
    ("sua conta será encerrada", Threat),
    ("vou te denunciar", Threat),
    ("vou denunciar você", Threat),
    ("último aviso", Threat),
    ("o negócio está cancelado", Threat),
    ("vou dar uma estrela", Threat),
    ("uma estrela", Consequence),
    ("1 estrela", Consequence),
    ("avaliação negativa", Consequence),
    ("avaliação ruim", Consequence),
    ("senão", Condition),
    ("caso contrário", Condition),
    ("ou", Condition),
    ("urgente", Urgent),
    ("imediatamente", Urgent),
    ("agora mesmo", Urgent),
    ("pague agora", Demand),
    ("paga agora", Demand),
    ("pague", Demand),
    ("pagar", Demand),
    ("sem pressa", Neutral),
    ("última chance", Threat),
    ("horas", TimeUnit),
    ("minutos", TimeUnit),
    ("não é urgente", Neutral),
];

/// Deadline templates: `{n}` is replaced by each of [`DEADLINE_NUMBERS`].
const DEADLINE_TEMPLATES: &[&str] = &[
    "within {n} hours",
    "within {n} hour",
    "within {n} minutes",
    "within {n} days",
    "within {n}h",
    "in {n} hours",
    "in {n} minutes",
    "in the next {n} hours",
    "in the next {n} minutes",
    "en {n} horas",
    "dentro de {n} horas",
    "en {n} minutos",
    "dans les {n} heures",
    "sous {n} heures",
    "sous {n}h",
    "dans {n} heures",
    "dans {n} minutes",
    "innerhalb von {n} stunden",
    "innerhalb {n} stunden",
    "in {n} stunden",
    "em {n} horas",
    "dentro de {n} horas",
    "em {n} minutos",
    "for the next {n} hours",
    "for the next {n} minutes",
    "for the next {n} hour",
    "{n} hours left",
    "{n} hour left",
    "{n} minutes left",
    "{n}h left",
    "within the next {n} hours",
    "within the next {n} minutes",
    "en {n} hora",
    "dans {n} heure",
    "sous {n} heure",
    "in {n} stunde",
    "innerhalb {n} stunde",
    "innerhalb von {n} stunde",
    "em {n} hora",
    "nas próximas {n} horas",
    "en las próximas {n} horas",
    "dans les {n} prochaines heures",
    "in den nächsten {n} stunden",
];
const DEADLINE_NUMBERS: &[&str] = &[
    "1", "2", "3", "4", "5", "6", "10", "12", "15", "24", "30", "48", "72", "one", "two", "three",
    "an", "a", "una", "un", "une", "eine", "einer", "uma", "um", "dos", "deux", "zwei", "duas",
];

/// Every `prefix` joined to every `noun` with a space.
fn cross(prefixes: &[&str], nouns: &[&str], cue: Cue, out: &mut Vec<(String, Cue)>) {
    for p in prefixes {
        for n in nouns {
            out.push((format!("{p} {n}"), cue));
        }
    }
}

/// Phrase families built from parts, so that each idea is covered in its grammatical variants: conditions ("if this
/// isn't ..."), invented competition ("3 other buyers are waiting"), a price or offer that runs out, losing the item
/// to someone else, demands for an answer, and the same ideas in the other four languages.
fn families() -> Vec<(String, Cue)> {
    let mut out = Vec::new();
    for p in [
        "if this isn't",
        "if it isn't",
        "if it's not",
        "if this is not",
        "if it is not",
        "if you haven't",
        "if you can't",
        "if you won't",
        "if i don't get",
        "if i don't hear",
        "if i don't receive",
        "if i don't see",
        "if it doesn't",
        "if you fail to",
        "failing that",
        "after that",
        "or else",
        "if you dont",
        "if u dont",
    ] {
        out.push((p.to_string(), Condition));
    }
    // Invented competition: a consequence that needs a deadline, a condition or urgency to become pressure.
    let rivals: Vec<String> = [
        "", "2 ", "3 ", "4 ", "5 ", "10 ", "two ", "three ", "four ", "five ", "several ", "many ",
    ]
    .iter()
    .flat_map(|n| {
        ["other people", "other buyers", "others", "people"].map(move |w| format!("{n}{w}"))
    })
    .collect();
    let rivals: Vec<&str> = rivals.iter().map(String::as_str).collect();
    cross(
        &rivals,
        &[
            "want it",
            "are waiting",
            "are interested",
            "are ready to pay",
            "are asking",
            "are lined up",
            "are messaging me",
        ],
        Consequence,
        &mut out,
    );
    cross(
        &[
            "another buyer",
            "someone else",
            "the next buyer",
            "the other buyer",
        ],
        &[
            "wants it",
            "is waiting",
            "is interested",
            "is ready to pay",
            "is about to pay",
            "will take it",
            "is coming",
            "offered more",
        ],
        Consequence,
        &mut out,
    );
    cross(
        &["whoever", "the first to", "first one to", "first person to"],
        &["pays", "pay", "pays first", "sends the money"],
        Demand,
        &mut out,
    );
    // A price or offer that runs out.
    cross(
        &[
            "the price",
            "price",
            "the offer",
            "this offer",
            "the discount",
            "this price",
            "the deal",
        ],
        &[
            "goes up",
            "will go up",
            "doubles",
            "will double",
            "expires",
            "ends",
            "is gone",
            "won't last",
            "is only good",
            "is only valid",
        ],
        Consequence,
        &mut out,
    );
    for p in [
        "it's double",
        "its double",
        "it doubles",
        "full price after",
    ] {
        out.push((p.to_string(), Consequence));
    }
    // Losing the item to someone else.
    cross(
        &[
            "before i",
            "or i",
            "otherwise i",
            "i'll",
            "i will",
            "then i",
        ],
        &[
            "sell it",
            "sell it to someone else",
            "give it to someone else",
            "sell to the next person",
            "sell it to the next person",
            "relist it",
            "give it away",
        ],
        Consequence,
        &mut out,
    );
    // Demands for an answer.
    for p in [
        "need an answer",
        "want an answer",
        "answer me",
        "respond to me",
        "reply to me",
        "get back to me now",
        "answer now",
        "i need an answer now",
        "pick up the phone",
        "i need an answer",
        "i want an answer",
        "i need a reply",
        "i want a reply",
        "i demand",
        "i need a response",
        "i want a response",
    ] {
        out.push((p.to_string(), Demand));
    }
    // The reader's own action, not a consequence: "if you cancel the order here".
    cross(
        &["if you", "you", "can you", "please", "could you"],
        &["cancel the order", "cancel the deal"],
        Neutral,
        &mut out,
    );
    for p in [
        "that's what you'll get",
        "thats what you'll get",
        "you'll get what's coming",
        "you'll be sorry",
    ] {
        out.push((p.to_string(), Threat));
    }
    for p in [
        "until midnight",
        "till midnight",
        "by tomorrow morning",
        "tomorrow morning",
        "by the end of the day",
        "by end of day",
        "by eod",
        "today only",
        "before tonight",
        "by tomorrow",
    ] {
        out.push((p.to_string(), Deadline));
    }
    // Spanish.
    for p in [
        "queja",
        "pongo una queja",
        "una queja",
        "denuncia",
        "reclamación",
        "cancelo",
        "te reporto",
        "reportarte",
    ] {
        out.push((p.to_string(), Consequence));
    }
    for p in [
        "si no me",
        "si no lo",
        "si no me respondes",
        "si no envías",
        "si no pagas",
    ] {
        out.push((p.to_string(), Condition));
    }
    for p in [
        "hasta medianoche",
        "antes de esta noche",
        "hoy mismo",
        "esta noche",
        "antes de mañana",
    ] {
        out.push((p.to_string(), Deadline));
    }
    for p in [
        "respóndeme",
        "contesta",
        "contéstame",
        "envíalo ya",
        "responde ahora",
    ] {
        out.push((p.to_string(), Demand));
    }
    // French.
    for p in [
        "je signale",
        "je vais signaler",
        "signaler votre annonce",
        "signaler ton annonce",
        "je vous signale",
        "je te signale",
        "plainte",
        "je porte plainte",
        "litige",
        "j'ouvre un litige",
    ] {
        out.push((p.to_string(), Consequence));
    }
    for p in [
        "dernier délai",
        "avant ce soir",
        "d'ici ce soir",
        "aujourd'hui",
        "avant demain",
        "d'ici demain",
    ] {
        out.push((p.to_string(), Deadline));
    }
    for p in ["si vous ne", "si tu ne", "faute de quoi"] {
        out.push((p.to_string(), Condition));
    }
    for p in [
        "réponds",
        "répondez-moi",
        "réponds-moi",
        "envoyez",
        "payez tout de suite",
    ] {
        out.push((p.to_string(), Demand));
    }
    // German.
    cross(
        &["eine", "ein", "1", "einen"],
        &[
            "1-stern-bewertung",
            "ein-stern-bewertung",
            "stern-bewertung",
            "sterne-bewertung",
        ],
        Consequence,
        &mut out,
    );
    for p in [
        "1-stern-bewertung",
        "ein-stern-bewertung",
        "schlechte bewertungen",
        "negative bewertungen",
        "strafanzeige",
        "anzeige erstatten",
        "zeige dich an",
        "zeige sie an",
        "zeig dich an",
        "melde dich",
        "melde ich sie",
        "polizei",
        "anwalt",
    ] {
        out.push((p.to_string(), Consequence));
    }
    for p in [
        "wenn du nicht",
        "falls nicht",
        "ansonsten",
        "falls du nicht",
        "wenn das nicht",
    ] {
        out.push((p.to_string(), Condition));
    }
    for p in [
        "heute noch",
        "bis heute abend",
        "bis morgen",
        "bis mitternacht",
        "heute",
    ] {
        out.push((p.to_string(), Deadline));
    }
    for p in [
        "erstatte",
        "erstatten sie",
        "überweise",
        "antworten sie",
        "schick es",
        "zahl",
    ] {
        out.push((p.to_string(), Demand));
    }
    // Portuguese.
    for p in ["se não", "se você não", "caso não", "se nao"] {
        out.push((p.to_string(), Condition));
    }
    for p in [
        "hoje",
        "até amanhã",
        "até hoje",
        "até meia-noite",
        "ainda hoje",
    ] {
        out.push((p.to_string(), Deadline));
    }
    for p in [
        "deixo avaliação",
        "reclamação",
        "vou reclamar",
        "denúncia",
        "processo",
        "te processar",
    ] {
        out.push((p.to_string(), Consequence));
    }
    for p in ["responde", "responda", "envie", "me responde"] {
        out.push((p.to_string(), Demand));
    }
    // Complaints, claims and the police, and bad ratings, in the five languages: consequences that a deadline or a
    // condition turns into pressure ("if I don't hear back tonight I'm filing a claim"), and the first-person forms
    // that are threats by themselves ("j'appelle la police", "ich zeige dich an").
    for p in [
        "file a claim",
        "filing a claim",
        "open a claim",
        "opening a claim",
        "open a dispute",
        "opening a dispute",
        "file a dispute",
        "report you for fraud",
        "flagged for fraud",
        "got flagged",
        "listing is removed",
        "listing will be removed",
        "listing gets removed",
        "listing removed",
        "la police",
        "les flics",
        "anzeige",
        "polizei",
        "nota 1",
        "nota um",
        "nota baixa",
        "avaliação negativa",
        "la policia",
    ] {
        out.push((p.to_string(), Consequence));
    }
    for p in [
        "i'm filing a claim",
        "im filing a claim",
        "i'll file a claim",
        "i'm opening a dispute",
        "i'll open a dispute",
        "j'appelle la police",
        "je vais appeler la police",
        "anzeige wegen betrug",
        "ich zeige dich an",
        "ich zeige sie an",
        "ich erstatte anzeige",
        "vou te dar nota 1",
        "vou dar nota 1",
        "vou te denunciar",
        "llamo a la policia",
        "voy a llamar a la policia",
    ] {
        out.push((p.to_string(), Threat));
    }
    for p in [
        "si je n'ai pas de reponse",
        "si je n'ai pas de nouvelles",
        "faute de quoi",
        "danach",
        "ansonsten",
        "senão",
        "se não",
        "caso contrário",
    ] {
        out.push((p.to_string(), Condition));
    }
    for p in [
        "frist bis",
        "frist",
        "bis heute abend",
        "ce soir",
        "até hoje",
        "hasta hoy",
    ] {
        out.push((p.to_string(), Deadline));
    }
    for p in [
        "reply now",
        "respond now",
        "answer now",
        "answer me now",
        "responde logo",
        "responda logo",
    ] {
        out.push((p.to_string(), Demand));
    }
    out
}

#[derive(Debug)]
pub(crate) struct PressureDetector {
    cues: Lexicon<Cue>,
}

impl PressureDetector {
    pub fn new(config: &Config, lex: &mut LexiconsBuilder) -> Result<Self, ConfigError> {
        let deadlines: Vec<(String, Cue)> = DEADLINE_TEMPLATES
            .iter()
            .flat_map(|t| {
                DEADLINE_NUMBERS
                    .iter()
                    .map(move |n| (t.replace("{n}", n), Deadline))
            })
            .collect();
        let extra = intent::extra_phrases(config, CAT, Threat)
            .into_iter()
            .chain(deadlines)
            .chain(families());
        let cues = intent::build(lex, "pressure.urgency", &[EN, ES, FR, DE, PT], extra);
        Ok(PressureDetector { cues })
    }

    pub fn find(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let view = intent::view(cx);
        let clauses = intent::clauses(&self.cues, cx);
        // The whole message is one window.
        let all = Clause {
            cues: clauses.into_iter().flat_map(|c| c.cues).collect(),
        };
        if let Some(span) = decide(&all, &view.text) {
            out.push(intent::finding(
                cx,
                CAT,
                span,
                "pressure.urgency",
                "Puts the reader under time pressure or threatens them (a deadline, a closed account, a bad review). \
                 Scammers rush people so they act before checking; the marketplace never threatens users in \
                 messages."
                    .to_string(),
            ));
        }
    }
}

/// Reads the pre-classified cues for the two context rules that need neighbours: a time unit after a number is a
/// deadline, and a demand verb right after "I'll" / "I can" is the writer's own plan, not a demand.
fn contextual(all: &Clause<Cue>, text: &str) -> Clause<Cue> {
    let mut cues = Vec::with_capacity(all.cues.len());
    let mut prev_self: Option<usize> = None;
    for m in &all.cues {
        let mut m = *m;
        match m.value {
            TimeUnit => {
                let before = text.get(..m.start).unwrap_or("").trim_end();
                let word = before
                    .rsplit(|c: char| c.is_whitespace())
                    .next()
                    .unwrap_or("");
                let number = !word.is_empty() && word.chars().all(|c| c.is_ascii_digit())
                    || NUMBER_WORDS.contains(&word)
                    || word.chars().next().is_some_and(|c| c.is_ascii_digit())
                        && before.len() == m.start;
                // A limit, not a duration: "in 2 hours", "within 10 min", "1 hour left", not "I drive an hour".
                let glued = word.len() < before.len() || before.len() == m.start;
                let lead = before
                    .get(
                        ..before.len().saturating_sub(if before.len() == m.start {
                            0
                        } else {
                            word.len()
                        }),
                    )
                    .unwrap_or("")
                    .trim_end()
                    .rsplit(|c: char| c.is_whitespace())
                    .next()
                    .unwrap_or("");
                let after = text.get(m.end..).unwrap_or("").trim_start();
                let limit = LIMIT_WORDS.contains(&lead)
                    || ["left", "or ", "to ", "max", "tops", "only"]
                        .iter()
                        .any(|w| after.starts_with(w));
                m.value = if number && glued && limit {
                    Deadline
                } else {
                    Neutral
                };
            }
            Demand if prev_self.is_some_and(|e| m.start.saturating_sub(e) <= 12) => {
                m.value = Neutral
            }
            SelfRef => prev_self = Some(m.end),
            _ => {}
        }
        cues.push(m);
    }
    Clause { cues }
}

/// Words before a number that make "<number> <unit>" a time limit ("in 2 hours", "within 10 min").
const LIMIT_WORDS: &[&str] = &[
    "in",
    "within",
    "next",
    "under",
    "only",
    "than",
    "for",
    "en",
    "dans",
    "sous",
    "em",
    "innerhalb",
    "binnen",
    "von",
    "nas",
    "las",
    "les",
    "den",
    "just",
    "another",
    "otra",
    "dentro",
    "max",
    "have",
    "got",
    "tienes",
    "tens",
];

const NUMBER_WORDS: &[&str] = &[
    "a", "an", "one", "two", "three", "five", "ten", "fifteen", "twenty", "thirty", "few", "una",
    "un", "dos", "diez", "une", "deux", "dix", "eine", "einer", "zwei", "zehn", "uma", "duas",
    "dez",
];

fn decide(all: &Clause<Cue>, text: &str) -> Option<(usize, usize)> {
    let all = &contextual(all, text);
    let threat = all.has(Threat);
    let tie = all.has(Condition) || all.has(Deadline);
    let strong_urgent = all
        .cues
        .iter()
        .any(|m| m.value == Urgent && text.get(m.start..m.end) != Some("now"));
    // "reply NOW, three other buyers are waiting": a demand made urgent ties a consequence as a deadline does.
    let demand_now = all.cues.iter().any(|m| {
        m.value == Demand
            && text
                .get(m.start..m.end)
                .is_some_and(|t| t.ends_with("now") || t.ends_with("ya") || t.ends_with("agora"))
    });
    let consequence = all.has(Consequence) && (tie || strong_urgent || demand_now);
    let alarm = all.cues.iter().any(|m| {
        m.value == Urgent
            && text
                .get(m.end..)
                .is_some_and(|rest| rest.trim_start().starts_with([':', '!']))
            && text
                .get(..m.start)
                .is_some_and(|b| b.trim().is_empty() || b.trim_end().ends_with(['!', '.', '\n']))
    });
    // "now" alone is too common ("I can pay now") to be urgency: it counts only next to a demand or a threat.
    let urgent = all.has(Urgent) && (all.has(Demand) || all.has(Deadline) || consequence || threat);
    // A demand and a deadline in the same sentence, near each other ("pay within 2 hours"); not a code that will
    // come "in a minute" and, two sentences later, "send me those digits".
    let demand_deadline = all.cues.iter().any(|d| {
        d.value == Demand
            && all.cues.iter().any(|l| {
                if l.value != Deadline {
                    return false;
                }
                let (a, b) = if d.start < l.start {
                    (d.end, l.start)
                } else {
                    (l.end, d.start)
                };
                b.saturating_sub(a) <= 80
                    && !text
                        .get(a.min(b)..b.max(a))
                        .is_some_and(|gap| gap.contains(['.', '!', '?', '\n']))
            })
    });
    if threat || consequence || alarm || demand_deadline {
        return all.span_of(|c| matches!(c, Threat | Consequence | Deadline | Urgent | Demand));
    }
    if urgent && strong_urgent {
        return all.span_of(|c| matches!(c, Urgent | Demand | Deadline));
    }
    None
}
