//! Marketguard's communication policy: which messages are delivered, changed or stopped, and what happens to a
//! sender who keeps breaking the rules.
//!
//! The policy is data: a versioned TOML document ([`Policy::parse`]), with a built-in default
//! ([`Policy::builtin`], `default-communication-policy.toml`). It is parsed and validated once into types; the
//! functions here are then pure:
//! - [`Policy::decide`]: screening categories + whether an active contact grant exists + the sender's role →
//!   [`Decision`] (action, the rule that decided, notices, the strike to add);
//! - [`Policy::score`] and [`Policy::escalate`]: decayed strike points → the ladder rung to apply, if any;
//! - [`standing`]: the enforcement steps in force → the user's standing at `now`.
//!
//! Invariants: no I/O, no clock (time is passed in), no panics.

mod document;
mod ladder;

pub use document::{Limits, PolicyError, Rule, StrikePolicy};
pub use ladder::{
    ActiveStep, Decay, Escalation, Level, PastStrike, Rung, Standing, Status, standing,
};

use screen::{Category, Finding, Role};
use serde::Serialize;

/// The built-in policy's text.
pub const BUILTIN: &str = include_str!("../default-communication-policy.toml");

pub use domain::Action;

/// Whether the two parties have an active contact grant (a phone contact the buyer approved).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ContactGrant {
    Active,
    Absent,
}

/// The rule id recorded when no rule matched and the message is delivered as written.
pub const DEFAULT_RULE: &str = "default-deliver";

/// What the policy decided for one message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Decision {
    pub action: Action,
    /// The rule that decided: the first matching rule with the winning action, or [`DEFAULT_RULE`].
    pub rule: String,
    /// Every rule that matched, in policy order.
    pub matched_rules: Vec<String>,
    /// Why the message was changed or stopped, and what to do instead; `None` when it went through as written.
    pub notice_to_sender: Option<String>,
    /// A safety notice for the recipient, when one applies.
    pub notice_to_recipient: Option<String>,
    /// The categories to cut out of the delivered text (only when the action is `deliver_redacted`).
    pub redact: Vec<Category>,
    /// The strike this message earns its sender, if any.
    pub strike: Option<StrikeEarned>,
}

/// One strike: the heaviest category the rules acted on, and its weight.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct StrikeEarned {
    pub category: Category,
    pub weight: u32,
}

/// A validated communication policy.
#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    pub version: String,
    pub limits: Limits,
    pub rules: Vec<Rule>,
    pub strikes: StrikePolicy,
    pub ladder: Vec<Rung>,
    /// The TOML it was parsed from, exactly.
    pub source: String,
}

impl Policy {
    /// The built-in default policy.
    pub fn builtin() -> Result<Policy, PolicyError> {
        Policy::parse(BUILTIN)
    }

    /// The SHA-256 of the source text, hex: what tells two documents with the same version apart.
    pub fn content_sha256(&self) -> String {
        use sha2::{Digest, Sha256};
        hex::encode(Sha256::digest(self.source.as_bytes()))
    }

    /// Decides what happens to a message with these findings' categories.
    pub fn decide(&self, categories: &[Category], grant: ContactGrant, sender: Role) -> Decision {
        let mut matched: Vec<&Rule> = Vec::new();
        for rule in &self.rules {
            if rule.applies(categories, grant, sender) {
                matched.push(rule);
            }
        }
        let action = matched
            .iter()
            .map(|r| r.action)
            .max()
            .unwrap_or(Action::Deliver);
        let rule = matched
            .iter()
            .find(|r| r.action == action)
            .map(|r| r.id.clone())
            .unwrap_or_else(|| DEFAULT_RULE.to_string());
        let join = |notices: Vec<&str>| {
            let mut seen: Vec<&str> = Vec::new();
            for n in notices {
                if !seen.contains(&n) {
                    seen.push(n);
                }
            }
            (!seen.is_empty()).then(|| seen.join(" "))
        };
        // The sender hears from the rules that changed or stopped the message, most severe first.
        let mut changing: Vec<&&Rule> = matched
            .iter()
            .filter(|r| {
                matches!(
                    r.action,
                    Action::DeliverRedacted | Action::Block | Action::Hold
                )
            })
            .collect();
        changing.sort_by_key(|r| std::cmp::Reverse(r.action));
        let notice_to_sender = join(
            changing
                .iter()
                .filter_map(|r| r.notice_to_sender.as_deref())
                .collect(),
        );
        let notice_to_recipient = join(
            matched
                .iter()
                .filter_map(|r| r.notice_to_recipient.as_deref())
                .collect(),
        );
        let redact = if action == Action::DeliverRedacted {
            let mut c: Vec<Category> = matched
                .iter()
                .filter(|r| r.action == Action::DeliverRedacted)
                .flat_map(|r| r.categories.iter().copied())
                .filter(|c| categories.contains(c))
                .collect();
            c.sort();
            c.dedup();
            c
        } else {
            Vec::new()
        };
        let strike = matched
            .iter()
            .filter(|r| r.action >= Action::DeliverRedacted)
            .flat_map(|r| r.categories.iter().copied())
            .filter(|c| categories.contains(c))
            .filter_map(|c| {
                self.strikes
                    .weights
                    .get(&c)
                    .copied()
                    .filter(|w| *w > 0)
                    .map(|weight| StrikeEarned {
                        category: c,
                        weight,
                    })
            })
            .max_by(|a, b| a.weight.cmp(&b.weight).then(b.category.cmp(&a.category)));
        Decision {
            action,
            rule,
            matched_rules: matched.iter().map(|r| r.id.clone()).collect(),
            notice_to_sender,
            notice_to_recipient,
            redact,
            strike,
        }
    }
}

/// The text with the spans of findings in `categories` replaced by their labels (`[phone number removed]`);
/// overlapping spans are merged first. Spans that are not char-boundary ranges of `text` are skipped.
pub fn redact(text: &str, findings: &[Finding], categories: &[Category]) -> String {
    let mut spans: Vec<(usize, usize, &'static str)> = findings
        .iter()
        .filter(|f| categories.contains(&f.category))
        .filter_map(|f| {
            f.category
                .redaction_label()
                .map(|label| (f.start, f.end, label))
        })
        .filter(|(s, e, _)| s < e && text.get(*s..*e).is_some())
        .collect();
    spans.sort_by_key(|(s, e, _)| (*s, std::cmp::Reverse(*e)));
    let mut out = String::with_capacity(text.len());
    let mut at = 0usize;
    for (s, e, label) in spans {
        if e <= at {
            continue;
        }
        if s >= at {
            out.push_str(text.get(at..s).unwrap_or(""));
            out.push_str(label);
        }
        at = e;
    }
    out.push_str(text.get(at..).unwrap_or(""));
    out
}

#[cfg(test)]
mod tests;
