//! `shipping.redirect`: asking to ship to an address other than the order's, or to hand the item to a courier,
//! shipper, forwarder or mover that the buyer sends; in English, Spanish, French, German and Portuguese.
//!
//! Phrase + context, per clause: a verb of sending together with another destination ("ship it to my cousin's
//! address", "send it to this address"), or a phrase that says it by itself ("change the shipping address",
//! "freight forwarder", "my moving company will pick it up", "I'll send a courier"). The order's own address ("the
//! address on the order") is clean. A seller's own courier is normal, so courier and pick-up phrases count only
//! when the sender is not known to be the seller.

use super::Context;
use super::lexicon::{Lexicon, LexiconsBuilder};
use super::payment::intent::{self, Clause, Table};
use crate::{Category, Config, ConfigError, Finding, Role};

const CAT: Category = Category::ShippingRedirect;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cue {
    /// A verb of sending the item.
    Ship,
    /// A destination that is not the order's address.
    Other,
    /// "ship to", "send it to": with [`Cue::Instead`] a redirect.
    ShipTo,
    /// "instead".
    Instead,
    /// Changing the address, or a forwarder: a redirect by itself.
    Change,
    /// Someone the buyer sends to collect the item.
    Courier,
    /// The order's own address.
    OrderAddress,
    Negation,
    /// Sending money, not the item ("send the money via MoneyGram to my cousin"): shadows the verb of sending.
    Money,
}
use Cue::*;

const EN: Table<Cue> = &[
    ("ship", Ship),
    ("ship it", Ship),
    ("shipping", Ship),
    ("send it", Ship),
    ("send the item", Ship),
    ("send the package", Ship),
    ("send the parcel", Ship),
    ("mail it", Ship),
    ("post it", Ship),
    ("deliver", Ship),
    ("deliver it", Ship),
    ("delivered", Ship),
    ("dispatch", Ship),
    ("drop it off", Ship),
    ("send", Ship),
    ("ship to", ShipTo),
    ("ship it to", ShipTo),
    ("send it to", ShipTo),
    ("mail it to", ShipTo),
    ("deliver it to", ShipTo),
    ("deliver to", ShipTo),
    ("send to", ShipTo),
    ("go to", ShipTo),
    ("goes to", ShipTo),
    ("reroute", Change),
    ("redirect it", Change),
    ("instead", Instead),
    ("not my home", Other),
    ("my work", Other),
    ("po box", Other),
    ("the hotel", Other),
    ("my friend's place", Other),
    ("my neighbour", Other),
    ("my neighbor", Other),
    ("my parents", Other),
    ("the warehouse", Other),
    ("my warehouse", Other),
    ("my business partner", Other),
    ("wherever", Other),
    ("somewhere else", Other),
    ("locker", Other),
    ("don't use the address on the order", Change),
    ("not at the order address", Change),
    ("not the order address", Change),
    ("not the one on the order", Change),
    ("not the one in the app", Change),
    ("my address changed", Change),
    ("the new place", Change),
    ("where it says", Change),
    ("my own shipping label", Change),
    ("own shipping label", Change),
    ("prepaid one, ignore the site's", Change),
    ("ignore the site's", Change),
    ("send an uber", Courier),
    ("doordash driver", Courier),
    ("lalamove", Courier),
    ("driver will come", Courier),
    ("delivery guy i send", Courier),
    ("transport company", Courier),
    ("car transport", Courier),
    ("freight company", Courier),
    ("the shipper i pay", Courier),
    ("the mover i hired", Courier),
    ("my guy with the truck", Courier),
    ("my own courier", Courier),
    ("courier account", Courier),
    ("pickup myself", Courier),
    ("someone from my side", Courier),
    ("courier from my company", Courier),
    ("courier service", Courier),
    ("address instead", Other),
    ("different address", Other),
    ("another address", Other),
    ("other address", Other),
    ("new address", Other),
    ("this address", Other),
    ("the following address", Other),
    ("this new address", Other),
    ("my friend's address", Other),
    ("my cousin's address", Other),
    ("my brother's address", Other),
    ("my sister's address", Other),
    ("my son's address", Other),
    ("my daughter's address", Other),
    ("my mother's address", Other),
    ("my mom's address", Other),
    ("my father's address", Other),
    ("my work address", Other),
    ("my office", Other),
    ("my agent", Other),
    ("my cousin", Other),
    ("my friend", Other),
    ("my relative", Other),
    ("my daughter", Other),
    ("my son", Other),
    ("my brother", Other),
    ("my sister", Other),
    ("my mom", Other),
    ("my dad", Other),
    ("my uncle", Other),
    ("my aunt", Other),
    ("my niece", Other),
    ("my nephew", Other),
    ("my colleague", Other),
    ("overseas", Other),
    ("abroad", Other),
    ("change the shipping address", Change),
    ("change the address", Change),
    ("change the delivery address", Change),
    ("update the shipping address", Change),
    ("update the address", Change),
    ("change my shipping address", Change),
    ("change of address", Change),
    ("different shipping address", Change),
    ("not the address on the order", Change),
    ("ignore the address", Change),
    ("freight forwarder", Change),
    ("freight forwarding", Change),
    ("package forwarder", Change),
    ("parcel forwarder", Change),
    ("forwarding address", Change),
    ("forwarding service", Change),
    ("reshipper", Change),
    ("reshipping", Change),
    ("shipping agent", Courier),
    ("my shipper", Courier),
    ("my courier", Courier),
    ("my mover", Courier),
    ("my movers", Courier),
    ("moving company", Courier),
    ("send a courier", Courier),
    ("send my courier", Courier),
    ("send someone to pick", Courier),
    ("my driver", Courier),
    ("courier will pick", Courier),
    ("courier will collect", Courier),
    ("courier to pick up", Courier),
    ("courier to collect", Courier),
    ("pickup agent", Courier),
    ("pick-up agent", Courier),
    ("pick up agent", Courier),
    ("my logistics", Courier),
    ("the address on the order", OrderAddress),
    ("address on the order", OrderAddress),
    ("address on file", OrderAddress),
    ("address in my profile", OrderAddress),
    ("same address", OrderAddress),
    ("don't", Negation),
    ("do not", Negation),
    ("never", Negation),
];

const ES: Table<Cue> = &[
    ("mensajero de mi empresa", Courier),
    ("agencia de envíos", Courier),
    ("envíalo", Ship),
    ("enviarlo", Ship),
    ("mandarlo", Ship),
    ("enviarla", Ship),
    ("envía", Ship),
    ("mándelo", Ship),
    ("entregar", Ship),
    ("envíelo", Ship),
    ("envíe", Ship),
    ("enviar", Ship),
    ("mándalo", Ship),
    ("mandar", Ship),
    ("envío", Ship),
    ("otra dirección", Other),
    ("dirección diferente", Other),
    ("nueva dirección", Other),
    ("esta dirección", Other),
    ("la dirección de mi", Other),
    ("a mi primo", Other),
    ("a mi prima", Other),
    ("a mi amigo", Other),
    ("a mi hermano", Other),
    ("a mi madre", Other),
    ("al extranjero", Other),
    ("cambiar la dirección", Change),
    ("cambiar la dirección de envío", Change),
    ("cambia la dirección", Change),
    ("reenvío", Change),
    ("transitario", Change),
    ("mi transportista", Courier),
    ("mi mensajero", Courier),
    ("enviaré un mensajero", Courier),
    ("mandaré un mensajero", Courier),
    ("empresa de mudanzas", Courier),
    ("mi agente de envíos", Courier),
    ("la dirección del pedido", OrderAddress),
    ("no", Negation),
];

const FR: Table<Cue> = &[
    ("un coursier viendra", Courier),
    ("de ma part", Courier),
    ("point relais", Other),
    ("pas à l'adresse de la commande", Change),
    ("envoyez-le", Ship),
    ("l'envoyer", Ship),
    ("l'expédier", Ship),
    ("envoie-le", Ship),
    ("envoyer", Ship),
    ("envoyez", Ship),
    ("expédiez", Ship),
    ("expédier", Ship),
    ("livrer", Ship),
    ("livrez", Ship),
    ("une autre adresse", Other),
    ("autre adresse", Other),
    ("nouvelle adresse", Other),
    ("cette adresse", Other),
    ("adresse différente", Other),
    ("l'adresse de mon", Other),
    ("l'adresse de ma", Other),
    ("à mon cousin", Other),
    ("à mon ami", Other),
    ("à l'étranger", Other),
    ("changer l'adresse", Change),
    ("changer l'adresse de livraison", Change),
    ("modifier l'adresse", Change),
    ("transitaire", Change),
    ("mon transporteur", Courier),
    ("mon coursier", Courier),
    ("j'enverrai un coursier", Courier),
    ("mon déménageur", Courier),
    ("société de déménagement", Courier),
    ("mon agent", Courier),
    ("l'adresse de la commande", OrderAddress),
    ("ne", Negation),
];

const DE: Table<Cue> = &[
    ("arbeitsadresse", Other),
    ("packstation", Other),
    ("statt an die bestelladresse", Change),
    ("nicht an die adresse", Change),
    ("ein kurier", Courier),
    ("kurier von mir", Courier),
    ("schicken", Ship),
    ("senden", Ship),
    ("versenden", Ship),
    ("liefern", Ship),
    ("schick", Ship),
    ("an eine andere adresse", Other),
    ("andere adresse", Other),
    ("neue adresse", Other),
    ("diese adresse", Other),
    ("an meinen cousin", Other),
    ("an meinen freund", Other),
    ("an meine schwester", Other),
    ("ins ausland", Other),
    ("adresse ändern", Change),
    ("lieferadresse ändern", Change),
    ("die lieferadresse ändern", Change),
    ("weiterleitungsdienst", Change),
    ("paketweiterleitung", Change),
    ("mein kurier", Courier),
    ("ich schicke einen kurier", Courier),
    ("meine spedition", Courier),
    ("umzugsfirma", Courier),
    ("mein umzugsunternehmen", Courier),
    ("die adresse der bestellung", OrderAddress),
    ("nicht", Negation),
];

const PT: Table<Cue> = &[
    ("motoboy", Courier),
    ("reencaminhador", Change),
    ("envie", Ship),
    ("envia", Ship),
    ("enviar", Ship),
    ("mande", Ship),
    ("manda", Ship),
    ("mandar", Ship),
    ("entregar", Ship),
    ("outro endereço", Other),
    ("endereço diferente", Other),
    ("novo endereço", Other),
    ("este endereço", Other),
    ("esse endereço", Other),
    ("endereço do meu", Other),
    ("endereço da minha", Other),
    ("para o exterior", Other),
    ("mudar o endereço", Change),
    ("alterar o endereço", Change),
    ("alterar o endereço de entrega", Change),
    ("redirecionamento", Change),
    ("meu transportador", Courier),
    ("minha transportadora", Courier),
    ("vou mandar um motoboy", Courier),
    ("meu motoboy", Courier),
    ("empresa de mudança", Courier),
    ("endereço do pedido", OrderAddress),
    ("não", Negation),
];

#[derive(Debug)]
pub(crate) struct ShippingDetector {
    cues: Lexicon<Cue>,
}

impl ShippingDetector {
    pub fn new(config: &Config, lex: &mut LexiconsBuilder) -> Result<Self, ConfigError> {
        let extra = intent::extra_phrases(config, CAT, Change)
            .into_iter()
            .chain(families());
        let cues = intent::build(lex, "shipping.redirect", &[EN, ES, FR, DE, PT], extra);
        Ok(ShippingDetector { cues })
    }

    pub fn find(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let seller = cx.message.sender == Some(Role::Seller);
        for clause in intent::clauses(&self.cues, cx) {
            if let Some(span) = decide(&clause, seller) {
                out.push(intent::finding(
                    cx,
                    CAT,
                    span,
                    "shipping.redirect",
                    "Asks to send the item somewhere other than the order's address, or to hand it to a courier \
                     the buyer sends. Items sent that way are not covered by the marketplace's protection, and this \
                     is how goods are stolen with a paid-then-reversed order."
                        .to_string(),
                ));
            }
        }
    }
}

/// Every `prefix` joined to every `noun` with a space ("my" x "courier" -> "my courier").
fn cross(prefixes: &[&str], nouns: &[&str], cue: Cue, out: &mut Vec<(String, Cue)>) {
    for p in prefixes {
        for n in nouns {
            out.push((format!("{p} {n}"), cue));
        }
    }
}

/// Phrase families built from parts, so that each idea is covered in its grammatical variants rather than in one
/// wording: the buyer's own courier in its many names, a person's place, "instead of the order address", prepaid
/// labels, in the five languages.
fn families() -> Vec<(String, Cue)> {
    let mut out = Vec::new();
    // The buyer's own courier, mover or driver.
    const CARRIERS_EN: &[&str] = &[
        "courier",
        "couriers",
        "shipper",
        "shipping agent",
        "shipping company",
        "shipping service",
        "moving company",
        "mover",
        "movers",
        "removal company",
        "driver",
        "uber driver",
        "lyft driver",
        "doordash driver",
        "delivery guy",
        "delivery driver",
        "delivery person",
        "freight company",
        "transport company",
        "logistics company",
        "logistics agent",
        "pickup agent",
        "pickup service",
        "courier service",
        "dispatch rider",
        "private courier",
        "private shipping company",
        "van man",
        "haulier",
    ];
    cross(
        &["my", "my own", "our", "my private", "my personal"],
        CARRIERS_EN,
        Courier,
        &mut out,
    );
    cross(
        &[
            "arranged a",
            "arranged an",
            "hired a",
            "booked a",
            "i'll send a",
            "i will send a",
            "i'll book a",
            "i'll arrange a",
            "i will arrange a",
            "i have arranged a",
            "i've arranged a",
            "i'm sending a",
            "i am sending a",
            "i'll have a",
            "i will have a",
        ],
        &[
            "courier",
            "private courier",
            "shipping company",
            "private shipping company",
            "moving company",
            "driver",
            "freight company",
            "transport company",
            "logistics company",
            "shipping agent",
            "pickup agent",
            "delivery guy",
            "van",
        ],
        Courier,
        &mut out,
    );
    cross(
        &["an", "a", "my"],
        &[
            "uber driver",
            "lyft driver",
            "doordash driver",
            "lalamove driver",
            "instacart driver",
            "bolt driver",
            "grab driver",
            "taxi driver",
        ],
        Courier,
        &mut out,
    );
    cross(
        &[
            "i'll arrange",
            "i will arrange",
            "i'll schedule",
            "i will schedule",
            "i'll book",
            "i will book",
            "my own",
            "i'll set up",
            "i will set up",
        ],
        &[
            "fedex pickup",
            "ups pickup",
            "dhl pickup",
            "usps pickup",
            "a fedex pickup",
            "a ups pickup",
            "a dhl pickup",
            "a usps pickup",
            "the fedex pickup",
            "the ups pickup",
            "the dhl pickup",
        ],
        Courier,
        &mut out,
    );
    // Somewhere other than the order's address.
    const NOT_ORDER_EN: &[&str] = &[
        "the order address",
        "the address on the order",
        "the address in the order",
        "the address on my order",
        "my address",
        "my home address",
        "my home",
        "mine",
        "the one on the order",
        "the listed address",
        "my registered address",
        "the address in my profile",
        "the address in the app",
        "the shipping address",
    ];
    cross(
        &["instead of", "rather than", "not to"],
        NOT_ORDER_EN,
        Change,
        &mut out,
    );
    cross(
        &["don't", "do not", "dont", "please don't"],
        &[
            "ship to me",
            "send it to me",
            "ship it to me",
            "send it to my address",
            "ship it to my address",
            "send it where",
            "ship it where",
            "send it to the address",
            "ship it to the address",
            "use my address",
            "use the order address",
            "use the address on the order",
            "send it there",
            "ship it there",
            "send it home",
        ],
        Change,
        &mut out,
    );
    const PEOPLE_EN: &[&str] = &[
        "cousin",
        "friend",
        "brother",
        "sister",
        "son",
        "daughter",
        "mom",
        "mum",
        "mother",
        "dad",
        "father",
        "aunt",
        "uncle",
        "grandma",
        "grandmother",
        "grandpa",
        "grandfather",
        "niece",
        "nephew",
        "colleague",
        "boss",
        "business partner",
        "girlfriend",
        "boyfriend",
        "in-laws",
        "parents",
        "roommate",
        "assistant",
    ];
    for person in PEOPLE_EN {
        for place in [
            "'s place",
            "'s address",
            "'s house",
            "'s home",
            "'s flat",
            "'s apartment",
            "'s office",
            "'s work",
            " at college",
            " at school",
            " at university",
            " overseas",
            " abroad",
        ] {
            out.push((format!("my {person}{place}"), Other));
        }
    }
    // Labels the buyer supplies.
    cross(
        &[
            "a prepaid",
            "my prepaid",
            "the prepaid",
            "my own",
            "use my",
            "a pre-paid",
            "my pre-paid",
        ],
        &[
            "label",
            "shipping label",
            "return label",
            "postage label",
            "shipping labels",
        ],
        Other,
        &mut out,
    );
    for p in [
        "not the site's",
        "not the platform's",
        "not the app's",
        "not examplemarket's",
        "use mine",
    ] {
        out.push((p.to_string(), Change));
    }
    for p in [
        "from the site",
        "from the app",
        "from the platform",
        "the site's label",
        "the site label",
        "label the site gives",
        "site's prepaid label",
        "site's shipping label",
    ] {
        out.push((p.to_string(), OrderAddress));
    }
    cross(
        &[
            "no need for",
            "don't need",
            "not",
            "instead of",
            "ignore",
            "skip",
        ],
        &[
            "the site label",
            "the site's label",
            "the site's shipping label",
            "the platform label",
            "the platform's label",
            "the app's label",
            "their label",
        ],
        Change,
        &mut out,
    );
    cross(
        &[
            "send",
            "sent",
            "send the",
            "send you the",
            "send me the",
            "sending the",
            "send me",
            "send you",
        ],
        &[
            "money",
            "payment",
            "funds",
            "cash",
            "deposit",
            "balance",
            "transfer",
            "more than",
            "extra",
            "a check",
            "the check",
        ],
        Money,
        &mut out,
    );
    for p in [
        "drop it at",
        "drop it off at",
        "leave it at",
        "drop it to",
        "take it to",
    ] {
        out.push((p.to_string(), Ship));
    }
    // Spanish.
    cross(
        &["mi", "mi propio", "mi propia", "un", "una"],
        &[
            "transportista",
            "mensajero",
            "agente de envíos",
            "chófer",
            "chofer",
            "conductor",
            "repartidor",
            "empresa de transporte",
            "empresa de envíos",
            "empresa de mudanzas",
            "agencia de transporte",
            "conductor de uber",
            "mensajería privada",
        ],
        Courier,
        &mut out,
    );
    cross(
        &[
            "a casa de mi",
            "en casa de mi",
            "a la casa de mi",
            "al trabajo de mi",
            "a la oficina de mi",
        ],
        &[
            "primo", "prima", "amigo", "amiga", "hermano", "hermana", "madre", "padre", "tía",
            "tío", "hijo", "hija", "abuela", "socio", "novia", "novio", "jefe",
        ],
        Other,
        &mut out,
    );
    cross(
        &["en vez de", "en lugar de", "no a"],
        &[
            "la dirección del pedido",
            "mi dirección",
            "mi casa",
            "la dirección de la compra",
        ],
        Change,
        &mut out,
    );
    // French.
    cross(
        &["mon", "ma", "mes", "un", "une"],
        &[
            "transporteur",
            "coursier",
            "livreur",
            "déménageur",
            "déménageurs",
            "chauffeur",
            "agent de transport",
            "société de transport",
            "société de livraison",
            "entreprise de déménagement",
            "chauffeur uber",
        ],
        Courier,
        &mut out,
    );
    cross(
        &[
            "chez mon",
            "chez ma",
            "chez mes",
            "au bureau de mon",
            "au bureau de ma",
        ],
        &[
            "cousin",
            "cousine",
            "ami",
            "amie",
            "frère",
            "sœur",
            "soeur",
            "mère",
            "père",
            "tante",
            "oncle",
            "fils",
            "fille",
            "grand-mère",
            "associé",
            "parents",
            "collègue",
        ],
        Other,
        &mut out,
    );
    for p in ["plutôt", "au lieu de", "à la place"] {
        out.push((p.to_string(), Instead));
    }
    cross(
        &["pas à", "pas", "au lieu de"],
        &[
            "mon adresse",
            "celle de la commande",
            "l'adresse de la commande",
            "mon domicile",
        ],
        Change,
        &mut out,
    );
    // German.
    cross(
        &["mein", "meine", "meinen", "meinem", "ein", "einen", "eine"],
        &[
            "spediteur",
            "kurier",
            "fahrer",
            "bote",
            "kurierdienst",
            "spedition",
            "umzugsfirma",
            "umzugsunternehmen",
            "transportunternehmen",
            "transportfirma",
            "logistiker",
            "uber-fahrer",
            "abholdienst",
        ],
        Courier,
        &mut out,
    );
    cross(
        &[
            "an meine",
            "an meinen",
            "an meinem",
            "zu meiner",
            "zu meinem",
            "bei meiner",
            "bei meinem",
        ],
        &[
            "cousine",
            "cousin",
            "freundin",
            "freund",
            "bruder",
            "schwester",
            "mutter",
            "vater",
            "tante",
            "onkel",
            "sohn",
            "tochter",
            "oma",
            "opa",
            "kollegen",
            "kollegin",
            "eltern",
            "geschäftspartner",
            "arbeit",
            "büro",
            "firma",
        ],
        Other,
        &mut out,
    );
    for p in ["statt", "stattdessen", "anstatt", "lieber"] {
        out.push((p.to_string(), Instead));
    }
    cross(
        &["nicht an", "nicht zu", "statt an", "anstatt an"],
        &[
            "meine adresse",
            "die bestelladresse",
            "meine wohnung",
            "mich",
            "meine hausadresse",
        ],
        Change,
        &mut out,
    );
    // Portuguese.
    cross(
        &["meu", "minha", "um", "uma"],
        &[
            "transportadora",
            "transportador",
            "motorista",
            "entregador",
            "motoboy",
            "agente",
            "empresa de mudança",
            "empresa de transporte",
            "transportadora particular",
            "motorista do uber",
            "motorista do lalamove",
            "motorista do 99",
        ],
        Courier,
        &mut out,
    );
    cross(
        &[
            "para a casa da minha",
            "para a casa do meu",
            "na casa da minha",
            "na casa do meu",
            "para o trabalho da minha",
            "para o trabalho do meu",
        ],
        &[
            "prima", "primo", "amiga", "amigo", "irmã", "irmão", "mãe", "pai", "tia", "tio",
            "filha", "filho", "avó", "sócio", "namorada", "namorado",
        ],
        Other,
        &mut out,
    );
    cross(
        &[
            "em vez de",
            "em vez do",
            "no lugar do",
            "ao invés do",
            "não para",
        ],
        &[
            "endereço do pedido",
            "meu endereço",
            "minha casa",
            "o meu endereço",
        ],
        Change,
        &mut out,
    );
    out
}

fn decide(clause: &Clause<Cue>, seller: bool) -> Option<(usize, usize)> {
    if clause.has(OrderAddress) {
        return None;
    }
    let courier = clause.has(Courier) && !seller;
    let ship = (clause.has(Ship) && !clause.has(Money)) || clause.has(ShipTo);
    let fires = clause.has(Change)
        || courier
        || (ship && clause.has(Other))
        || (clause.has(ShipTo) && clause.has(Instead));
    if !fires
        || super::payment::negated(clause, Negation, |c| {
            matches!(c, Ship | ShipTo | Change | Courier)
        })
    {
        return None;
    }
    clause.span_of(|c| matches!(c, Ship | ShipTo | Other | Instead | Change | Courier))
}
