//! The detectors. Each is built once from the [`Config`] and then run over a [`Context`] per message.

use crate::normalize::{Normalized, PhoneView};
use crate::{Config, ConfigError, Finding, Message};

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

    pub fn run(&self, message: &Message<'_>, _config: &Config) -> Vec<Finding> {
        let cx = Context::new(message, &self.lexicons);
        let mut out = Vec::new();
        self.contact.find(&cx, &mut out);
        self.payment.find(&cx, &mut out);
        self.link.find(&cx, &mut out);
        self.credential.find(&cx, &mut out);
        self.shipping.find(&cx, &mut out);
        self.pressure.find(&cx, &mut out);
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
        out
    }
}
