//! The TOML document and its validation into types.

use std::collections::BTreeMap;

use screen::{Category, Role};
use serde::Deserialize;

use crate::ladder::{Decay, Level, Rung};
use crate::{Action, ContactGrant, Policy};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    #[error("the policy is not valid TOML or has an unknown or missing field: {0}")]
    Syntax(String),
    #[error("the policy is not valid: {0}")]
    Invalid(String),
}

/// Limits on what one sender may send.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Limits {
    pub max_message_chars: u32,
    pub messages_per_minute: u32,
    pub new_conversations_per_day: u32,
}

/// One rule: categories, conditions, an action and notices.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    pub id: String,
    pub categories: Vec<Category>,
    /// `None` matches with or without a grant.
    pub contact_grant: Option<ContactGrant>,
    pub sender_roles: Vec<Role>,
    pub action: Action,
    pub notice_to_sender: Option<String>,
    pub notice_to_recipient: Option<String>,
}

impl Rule {
    pub(crate) fn applies(&self, found: &[Category], grant: ContactGrant, sender: Role) -> bool {
        self.contact_grant.is_none_or(|g| g == grant)
            && self.sender_roles.contains(&sender)
            && self.categories.iter().any(|c| found.contains(c))
    }
}

/// How strikes weigh and decay.
#[derive(Debug, Clone, PartialEq)]
pub struct StrikePolicy {
    pub window: time::Duration,
    pub decay: Decay,
    pub weights: BTreeMap<Category, u32>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPolicy {
    kind: String,
    version: String,
    limits: Limits,
    #[serde(default)]
    rules: Vec<RawRule>,
    strikes: RawStrikes,
    #[serde(default)]
    ladder: Vec<RawRung>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    id: String,
    categories: Vec<String>,
    #[serde(default)]
    contact_grant: Option<String>,
    #[serde(default)]
    sender_roles: Option<Vec<String>>,
    action: String,
    #[serde(default)]
    notice_to_sender: Option<String>,
    #[serde(default)]
    notice_to_recipient: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStrikes {
    window_days: u32,
    decay: String,
    #[serde(default)]
    weights: BTreeMap<String, u32>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRung {
    level: String,
    threshold: f64,
    #[serde(default)]
    duration_hours: Option<u32>,
}

fn invalid<T>(m: impl Into<String>) -> Result<T, PolicyError> {
    Err(PolicyError::Invalid(m.into()))
}

fn category(s: &str, context: &str) -> Result<Category, PolicyError> {
    Category::parse(s).map_err(|e| PolicyError::Invalid(format!("{context}: {e}")))
}

impl Policy {
    /// Parses and validates a policy document.
    pub fn parse(source: &str) -> Result<Policy, PolicyError> {
        let raw: RawPolicy =
            toml::from_str(source).map_err(|e| PolicyError::Syntax(e.to_string()))?;
        if raw.kind != "communication" {
            return invalid(format!(
                "`kind` must be \"communication\", not \"{}\"",
                raw.kind
            ));
        }
        let version = raw.version.trim().to_string();
        if version.is_empty()
            || version.len() > 64
            || !version
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.:".contains(c))
        {
            return invalid(
                "`version` must be 1 to 64 characters of letters, digits, `-`, `_`, `.` or `:`",
            );
        }
        let l = raw.limits;
        if l.max_message_chars == 0
            || l.messages_per_minute == 0
            || l.new_conversations_per_day == 0
        {
            return invalid("every value in [limits] must be at least 1");
        }
        let mut rules = Vec::with_capacity(raw.rules.len());
        for r in raw.rules {
            let ctx = format!("rule `{}`", r.id);
            if r.id.trim().is_empty() {
                return invalid("every rule needs an `id`");
            }
            if rules.iter().any(|x: &Rule| x.id == r.id) {
                return invalid(format!("{ctx} is defined twice"));
            }
            if r.categories.is_empty() {
                return invalid(format!("{ctx} names no category"));
            }
            let categories = r
                .categories
                .iter()
                .map(|c| category(c, &ctx))
                .collect::<Result<Vec<_>, _>>()?;
            let action = Action::parse(&r.action).ok_or_else(|| {
                PolicyError::Invalid(format!(
                    "{ctx}: `{}` is not an action; use deliver, deliver_with_warning, deliver_redacted, block or hold",
                    r.action
                ))
            })?;
            if action == Action::DeliverRedacted
                && let Some(c) = categories.iter().find(|c| c.redaction_label().is_none())
            {
                return invalid(format!(
                    "{ctx}: `{c}` describes the whole message and cannot be redacted; block or warn instead"
                ));
            }
            let contact_grant = match r.contact_grant.as_deref() {
                None | Some("any") => None,
                Some("absent") => Some(ContactGrant::Absent),
                Some("present") => Some(ContactGrant::Active),
                Some(other) => {
                    return invalid(format!(
                        "{ctx}: `contact_grant` must be \"absent\", \"present\" or \"any\", not \"{other}\""
                    ));
                }
            };
            let sender_roles = match r.sender_roles {
                None => vec![Role::Buyer, Role::Seller],
                Some(list) => {
                    let mut roles = Vec::new();
                    for s in list {
                        roles.push(Role::parse(&s).ok_or_else(|| {
                            PolicyError::Invalid(format!(
                                "{ctx}: `{s}` is not a role; use \"buyer\" or \"seller\""
                            ))
                        })?);
                    }
                    if roles.is_empty() {
                        return invalid(format!("{ctx}: `sender_roles` is empty"));
                    }
                    roles
                }
            };
            let clean =
                |n: Option<String>| n.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
            let notice_to_sender = clean(r.notice_to_sender);
            if matches!(
                action,
                Action::Block | Action::Hold | Action::DeliverRedacted
            ) && notice_to_sender.is_none()
            {
                return invalid(format!(
                    "{ctx} changes or stops messages, so it needs a `notice_to_sender` saying why and what to do instead"
                ));
            }
            rules.push(Rule {
                id: r.id,
                categories,
                contact_grant,
                sender_roles,
                action,
                notice_to_sender,
                notice_to_recipient: clean(r.notice_to_recipient),
            });
        }
        if raw.strikes.window_days == 0 {
            return invalid("[strikes] window_days must be at least 1");
        }
        let decay = match raw.strikes.decay.as_str() {
            "linear" => Decay::Linear,
            "none" => Decay::None,
            other => {
                return invalid(format!(
                    "[strikes] decay must be \"linear\" or \"none\", not \"{other}\""
                ));
            }
        };
        let mut weights = BTreeMap::new();
        for (name, w) in raw.strikes.weights {
            weights.insert(category(&name, "[strikes.weights]")?, w);
        }
        let mut ladder: Vec<Rung> = Vec::with_capacity(raw.ladder.len());
        for (i, r) in raw.ladder.into_iter().enumerate() {
            let ctx = format!("ladder rung {}", i + 1);
            let level = match r.level.as_str() {
                "warning" => Level::Warning,
                "restricted" => Level::Restricted,
                "suspended" => Level::Suspended,
                "removed" => Level::Removed,
                other => {
                    return invalid(format!(
                        "{ctx}: `{other}` is not a level; use warning, restricted, suspended or removed"
                    ));
                }
            };
            if !(r.threshold.is_finite() && r.threshold > 0.0) {
                return invalid(format!("{ctx}: the threshold must be a number above 0"));
            }
            if let Some(prev) = ladder.last() {
                if r.threshold <= prev.threshold {
                    return invalid(format!(
                        "{ctx}: thresholds must rise from rung to rung ({} after {})",
                        r.threshold, prev.threshold
                    ));
                }
                if level < prev.level {
                    return invalid(format!(
                        "{ctx}: levels must not get milder up the ladder ({} after {})",
                        level.as_str(),
                        prev.level.as_str()
                    ));
                }
            }
            let duration = match (level, r.duration_hours) {
                (Level::Restricted, Some(h)) if h > 0 => Some(time::Duration::hours(i64::from(h))),
                (Level::Restricted, _) => {
                    return invalid(format!(
                        "{ctx}: a restriction needs `duration_hours` of at least 1"
                    ));
                }
                (_, Some(_)) => {
                    return invalid(format!(
                        "{ctx}: only a restriction has a duration; {} lasts until reversed",
                        level.as_str()
                    ));
                }
                (_, None) => None,
            };
            ladder.push(Rung {
                level,
                threshold: r.threshold,
                duration,
            });
        }
        Ok(Policy {
            version,
            limits: l,
            rules,
            strikes: StrikePolicy {
                window: time::Duration::days(i64::from(raw.strikes.window_days)),
                decay,
                weights,
            },
            ladder,
            source: source.to_string(),
        })
    }
}
