//! The learned intent layer: what a request, a payment outside the platform, a phishing notice, a redirect or a
//! threat *looks like*, learned from labelled examples instead of written as phrase families.
//!
//! The extractive detectors (phones, emails, handles, payment details, links) stay as they are: precise,
//! explained, redacted. After them, a linear model ([`IntentModel`], one logistic regression per category of
//! [`INTENTS`]) scores the message's features (`features`: words, word pairs, character n-grams, concepts from
//! `data/concepts.toml`, and which rules fired). A category the rules did not find, whose score reaches the
//! threshold calibrated for it on a validation split, becomes a finding with its own rule id (`intent.<category>`)
//! and an explanation that names the words and concepts that carried it. A `link.phishing` finding of the model
//! also needs a link in the message that no rule explained (the model says the message reads like phishing; the
//! link is what the finding points at).
//!
//! Scoring is a few hundred hash-table lookups per message; the explanation is computed only for a finding.

pub(crate) mod concepts;
pub(crate) mod features;
mod model;
pub mod train;

pub use concepts::{BUILT_IN as BUILT_IN_CONCEPTS, ConceptError};
pub use model::{IntentModel, ModelError, ModelInfo};

use crate::Category;
use features::{Origin, Signal, Word};
use model::N;

/// The categories the model scores, in the order of its weights.
pub const INTENTS: [Category; 6] = [
    Category::ContactRequest,
    Category::PaymentOffPlatform,
    Category::CredentialRequest,
    Category::ShippingRedirect,
    Category::PressureUrgency,
    Category::LinkPhishing,
];

/// What the caller knows of the message besides its letters view.
#[derive(Debug, Default)]
pub(crate) struct MessageSignals {
    pub signals: Vec<Signal>,
}

impl MessageSignals {
    /// `rule_categories`: the categories the rules found; `has_link`: a link or bare domain is in the message.
    pub fn new(
        message: &crate::Message<'_>,
        rule_categories: &[Category],
        has_link: bool,
    ) -> MessageSignals {
        let original = message.text;
        let mut signals = Vec::with_capacity(8);
        match message.sender {
            Some(crate::Role::Buyer) => signals.push(Signal::Sender(1)),
            Some(crate::Role::Seller) => signals.push(Signal::Sender(2)),
            None => {}
        }
        for c in rule_categories {
            if let Some(i) = Category::ALL.iter().position(|x| x == c) {
                signals.push(Signal::Rule(u8::try_from(i).unwrap_or(u8::MAX)));
            }
        }
        if has_link {
            signals.push(Signal::Link);
        }
        if original.bytes().filter(|b| *b == b'!').count() >= 2 {
            signals.push(Signal::Exclaims);
        }
        let (upper, letters) = original
            .chars()
            .filter(|c| c.is_alphabetic())
            .fold((0usize, 0usize), |(u, l), c| {
                (u + usize::from(c.is_uppercase()), l + 1)
            });
        if letters >= 12 && upper * 10 >= letters * 7 {
            signals.push(Signal::Shouting);
        }
        signals.push(Signal::Length(
            u8::try_from((original.len() / 64).min(5)).unwrap_or(5),
        ));
        signals.dedup();
        MessageSignals { signals }
    }
}

/// Why the model reported a category: the words and concepts that weighed most.
#[derive(Debug, Clone)]
pub(crate) struct Explanation {
    /// The probability the model gave.
    pub probability: f32,
    /// Byte spans in the letters view of the words that weighed most, best first.
    pub words: Vec<(u32, u32)>,
    /// The concepts (or pairs of concepts) that weighed most, best first.
    pub concepts: Vec<String>,
}

impl IntentModel {
    /// The log-odds of each intent category.
    pub(crate) fn score(
        &self,
        letters: &str,
        signals: &MessageSignals,
        words: &mut Vec<Word>,
    ) -> [f32; N] {
        let mut z = self.bias;
        features::extract(
            letters,
            &self.concepts,
            &signals.signals,
            words,
            &mut |key, _| {
                if let Some(w) = self.get(key) {
                    for (a, b) in z.iter_mut().zip(w) {
                        *a += *b;
                    }
                }
            },
        );
        z
    }

    /// True when category `j`'s log-odds reach its threshold.
    pub(crate) fn fires(&self, z: &[f32; N], j: usize) -> bool {
        match (z.get(j), self.threshold_logits.get(j)) {
            (Some(s), Some(t)) => s >= t,
            _ => false,
        }
    }

    /// Which words and concepts carried category `j`.
    pub(crate) fn explain(&self, letters: &str, signals: &MessageSignals, j: usize) -> Explanation {
        let mut words = Vec::new();
        let mut per_word: Vec<f32> = Vec::new();
        let mut concept_weights: Vec<(String, f32)> = Vec::new();
        let mut z = self.bias.get(j).copied().unwrap_or(0.0);
        features::extract(
            letters,
            &self.concepts,
            &signals.signals,
            &mut words,
            &mut |key, origin| {
                let Some(w) = self.get(key).and_then(|w| w.get(j)).copied() else {
                    return;
                };
                z += w;
                let mut add = |i: usize, x: f32| {
                    if per_word.len() <= i {
                        per_word.resize(i + 1, 0.0);
                    }
                    if let Some(slot) = per_word.get_mut(i) {
                        *slot += x;
                    }
                };
                match origin {
                    Origin::Word(i) => add(usize::from(i), w),
                    Origin::Pair(i) => {
                        add(usize::from(i), w / 2.0);
                        add(usize::from(i) + 1, w / 2.0);
                    }
                    Origin::Concept(a) => concept_weights.push((self.concepts.name(a).into(), w)),
                    Origin::ConceptPair(a, b) => concept_weights.push((
                        format!("{} + {}", self.concepts.name(a), self.concepts.name(b)),
                        w,
                    )),
                    Origin::Signal => {}
                }
            },
        );
        let mut ranked: Vec<(usize, f32)> = per_word
            .iter()
            .copied()
            .enumerate()
            .filter(|(_, x)| *x > 0.0)
            .collect();
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        let top_words = ranked
            .iter()
            .take(4)
            .filter_map(|(i, _)| words.get(*i).map(|w| (w.start, w.end)))
            .collect();
        concept_weights.retain(|(_, w)| *w > 0.0);
        concept_weights.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        Explanation {
            probability: model::sigmoid(z),
            words: top_words,
            concepts: concept_weights.into_iter().take(2).map(|c| c.0).collect(),
        }
    }
}

/// The rule id of a model finding.
pub(crate) fn rule_id(category: Category) -> &'static str {
    match category {
        Category::ContactRequest => "intent.contact.request",
        Category::PaymentOffPlatform => "intent.payment.off_platform",
        Category::CredentialRequest => "intent.credential.request",
        Category::ShippingRedirect => "intent.shipping.redirect",
        Category::PressureUrgency => "intent.pressure.urgency",
        Category::LinkPhishing => "intent.link.phishing",
        Category::ContactPhone | Category::ContactEmail | Category::ContactHandle => "intent",
    }
}

/// What a model finding of `category` means, in plain words.
pub(crate) fn meaning(category: Category) -> &'static str {
    match category {
        Category::ContactRequest => {
            "This reads as a request for the other party's contact details or to continue the conversation \
             outside the marketplace, which is where most scams go next."
        }
        Category::PaymentOffPlatform => {
            "This reads as a request or an offer to pay outside the marketplace's checkout (a transfer, a payment \
             app, gift cards, crypto, or a fee to pay first), which leaves the buyer without protection."
        }
        Category::CredentialRequest => {
            "This reads as a request for secrets or sensitive data (a code, a password, card or bank details, \
             identity documents). The marketplace never asks for these in a chat."
        }
        Category::ShippingRedirect => {
            "This reads as a request to send the item somewhere other than the order's address, or to hand it to \
             a courier or agent the buyer arranges: a common way to take goods without paying."
        }
        Category::PressureUrgency => {
            "This reads as pressure (a deadline, a threat or a demand to act at once), used to make people skip \
             their usual care."
        }
        Category::LinkPhishing => {
            "The message reads like a phishing notice (confirm, pay or collect money through a link), and this \
             link is not the marketplace's. Open the marketplace yourself instead of following links in messages."
        }
        Category::ContactPhone | Category::ContactEmail | Category::ContactHandle => "",
    }
}

#[cfg(test)]
mod tests;
