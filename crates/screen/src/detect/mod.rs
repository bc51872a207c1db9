//! The detectors. Each is built once from the [`Config`] and then run over a [`Context`] per message.

use crate::intent::{self, INTENTS, IntentModel, MessageSignals};
use crate::normalize::{Normalized, PhoneView};
use crate::{Category, Config, ConfigError, Finding, Message};

mod contact;
mod credential;
mod lexicon;
mod link;
mod payment;
mod pressure;
mod shipping;

/// What every detector sees of one message: the original and the normalised views, computed once.
///
/// Each view maps its bytes back to the original text (`original_span`); see `crate::normalize` for what each does.
pub(crate) struct Context<'a> {
    pub message: &'a Message<'a>,
    /// NFKD, lower case, look-alikes to Latin, digits of every script to ASCII, invisible characters removed. Digits
    /// stay digits (no leetspeak). Lexicons are matched here; fold their phrases with `normalize::fold_phrase`.
    pub folded: Normalized,
    /// `folded` with spaced-out characters joined ("w h a t s a p p", "j o @ x . c o m").
    pub compact: Normalized,
    /// `compact` with leetspeak inside words read as letters ("wh4ts4pp" -> "whatsapp", "p@ypal" -> "paypal") and
    /// apostrophes inside words dropped. `1` reads as `i`: add `normalize::i_for_l(phrase)` to catch "te1egram".
    pub letters: Normalized,
    /// `folded` with phone-like runs rewritten to digits (spelled numbers, O/l for 0/1, any separators).
    pub phone: PhoneView,
    /// Every lexicon's phrases found in `letters`; a detector reads its own with `Lexicon::find`.
    pub phrases: lexicon::Found,
}

impl<'a> Context<'a> {
    fn new(message: &'a Message<'a>, lexicons: &lexicon::Lexicons) -> Self {
        let folded = Normalized::fold(message.text);
        let compact = Normalized::compact(&folded);
        let letters = Normalized::letters(&compact);
        let phone = PhoneView::new(&folded);
        let phrases = lexicons.find(&letters.text);
        Context {
            message,
            folded,
            compact,
            letters,
            phone,
            phrases,
        }
    }

    /// Builds a finding for the normalised span `start..end` of `view` (one of this context's views). The arguments
    /// are those of [`Context::finding`] plus the view.
    #[allow(clippy::too_many_arguments)]
    pub fn finding_from_view(
        &self,
        view: &Normalized,
        category: crate::Category,
        start: usize,
        end: usize,
        normalized: Option<String>,
        rule: &'static str,
        explanation: String,
    ) -> Finding {
        let (s, e) = view.original_span(start, end, self.message.text);
        self.finding(category, s, e, normalized, rule, explanation)
    }

    /// Builds a finding for the normalised span `start..end` of the folded view.
    #[allow(dead_code)]
    pub fn finding_from_folded(
        &self,
        category: crate::Category,
        start: usize,
        end: usize,
        normalized: Option<String>,
        rule: &'static str,
        explanation: String,
    ) -> Finding {
        let (s, e) = self.folded.original_span(start, end, self.message.text);
        self.finding(category, s, e, normalized, rule, explanation)
    }

    /// Builds a finding for the original span `start..end`.
    pub fn finding(
        &self,
        category: crate::Category,
        start: usize,
        end: usize,
        normalized: Option<String>,
        rule: &'static str,
        explanation: String,
    ) -> Finding {
        let matched = self.message.text.get(start..end).unwrap_or("").to_string();
        Finding {
            category,
            start,
            end,
            matched,
            normalized,
            rule,
            explanation,
            model: None,
        }
    }
}

#[derive(Debug)]
pub(crate) struct Detectors {
    contact: contact::ContactDetector,
    payment: payment::PaymentDetector,
    link: link::LinkDetector,
    credential: credential::CredentialDetector,
    shipping: shipping::ShippingDetector,
    pressure: pressure::PressureDetector,
    /// The phrases of every detector's lexicon, in one automaton.
    lexicons: lexicon::Lexicons,
}

impl Detectors {
    pub fn new(config: &Config) -> Result<Self, ConfigError> {
        let mut lex = lexicon::LexiconsBuilder::default();
        Ok(Detectors {
            contact: contact::ContactDetector::new(config, &mut lex)?,
            payment: payment::PaymentDetector::new(config, &mut lex)?,
            link: link::LinkDetector::new(config)?,
            credential: credential::CredentialDetector::new(config, &mut lex)?,
            shipping: shipping::ShippingDetector::new(config, &mut lex)?,
            pressure: pressure::PressureDetector::new(config, &mut lex)?,
            lexicons: lex.build()?,
        })
    }

    /// Every finding of the rules and, when a model is given, of the intent model.
    pub fn run(&self, message: &Message<'_>, model: Option<&IntentModel>) -> Vec<Finding> {
        let cx = Context::new(message, &self.lexicons);
        let (mut out, seen) = self.run_rules(&cx);
        if let Some(model) = model {
            intent_findings(&cx, model, &seen, &mut out);
        }
        out
    }

    /// What the intent model reads of a message: the letters view, the signals, and the categories the rules found.
    pub fn intent_input(&self, message: &Message<'_>) -> (String, MessageSignals, Vec<Category>) {
        let cx = Context::new(message, &self.lexicons);
        let (out, seen) = self.run_rules(&cx);
        let categories = rule_categories(&out);
        let signals = MessageSignals::new(message, &categories, seen.any);
        (cx.letters.text, signals, categories)
    }

    fn run_rules(&self, cx: &Context<'_>) -> (Vec<Finding>, link::SeenLinks) {
        let mut out = Vec::new();
        let mut seen = link::SeenLinks::default();
        self.contact.find(cx, &mut out);
        self.payment.find(cx, &mut out);
        self.link.find(cx, &mut out, &mut seen);
        self.credential.find(cx, &mut out);
        self.shipping.find(cx, &mut out);
        self.pressure.find(cx, &mut out);
        // The digits of a valid IBAN can also read as a phone number ("NL91 ABNA 0417 1643 00" holds "0417 1643 00"):
        // inside an account number, the account number is what was shared.
        let ibans: Vec<(usize, usize)> = out
            .iter()
            .filter(|f| f.rule == "payment.iban")
            .map(|f| (f.start, f.end))
            .collect();
        if !ibans.is_empty() {
            out.retain(|f| {
                f.category != crate::Category::ContactPhone
                    || !ibans.iter().any(|&(s, e)| s <= f.start && f.end <= e)
            });
        }
        (out, seen)
    }
}

fn rule_categories(findings: &[Finding]) -> Vec<Category> {
    let mut c: Vec<Category> = findings.iter().map(|f| f.category).collect();
    c.sort();
    c.dedup();
    c
}

/// The intent model's findings: each intent category the rules did not find and the model scores at or above its
/// threshold. A `link.phishing` finding points at the first link no rule explained, and needs one.
fn intent_findings(
    cx: &Context<'_>,
    model: &IntentModel,
    seen: &link::SeenLinks,
    out: &mut Vec<Finding>,
) {
    let categories = rule_categories(out);
    let signals = MessageSignals::new(cx.message, &categories, seen.any);
    let mut words = Vec::new();
    let z = model.score(&cx.letters.text, &signals, &mut words);
    for (j, category) in INTENTS.iter().copied().enumerate() {
        if !model.fires(&z, j) || categories.contains(&category) {
            continue;
        }
        let link = seen.unexplained.first();
        if category == Category::LinkPhishing && link.is_none() {
            continue;
        }
        let why = model.explain(&cx.letters.text, &signals, j);
        let quoted: Vec<String> = why
            .words
            .iter()
            .map(|&(s, e)| {
                let (s, e) = cx
                    .letters
                    .original_span(s as usize, e as usize, cx.message.text);
                format!(
                    "\u{201c}{}\u{201d}",
                    cx.message.text.get(s..e).unwrap_or("")
                )
            })
            .collect();
        let mut explanation = intent::meaning(category).to_string();
        if !quoted.is_empty() {
            explanation.push_str(&format!(
                " The words that weighed most: {}.",
                quoted.join(", ")
            ));
        }
        if !why.concepts.is_empty() {
            explanation.push_str(&format!(" Ideas: {}.", why.concepts.join("; ")));
        }
        explanation.push_str(&format!(
            " (Learned model {}, confidence {:.2}.)",
            model.version(),
            why.probability
        ));
        let (start, end, normalized) = match (category, link) {
            (Category::LinkPhishing, Some((s, e, domain))) => (*s, *e, Some(domain.clone())),
            _ => {
                let (s, e) = span_of_words(&why.words);
                let (s, e) = cx.letters.original_span(s, e, cx.message.text);
                (s, e, None)
            }
        };
        let mut finding = cx.finding(
            category,
            start,
            end,
            normalized,
            intent::rule_id(category),
            explanation,
        );
        finding.model = Some(model.version().to_string());
        out.push(finding);
    }
}

/// The span of the words that weighed most: from the best word, out to the others that stand within 80 bytes of it.
fn span_of_words(words: &[(u32, u32)]) -> (usize, usize) {
    let Some(&(s0, e0)) = words.first() else {
        return (0, 0);
    };
    let (mut s, mut e) = (s0, e0);
    for &(ws, we) in words.iter().skip(1) {
        if ws + 80 >= s0 && we <= e0 + 80 {
            s = s.min(ws);
            e = e.max(we);
        }
    }
    (s as usize, e as usize)
}
