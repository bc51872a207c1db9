//! The TOML document and its validation into types.

use std::collections::BTreeMap;

use screen::Category;
use serde::Deserialize;
use time::Duration;

use crate::{ContactPolicy, Purpose, tokens};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    #[error("the contact policy is not valid TOML or has an unknown or missing field: {0}")]
    Syntax(String),
    #[error("the contact policy is not valid: {0}")]
    Invalid(String),
}

/// A condition under which a purpose fits an order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Condition {
    Always,
    Bulky,
    MadeToOrder,
    ScheduledDelivery,
    ListedCategory,
}

/// When a purpose fits an order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PurposeRule {
    /// Any of these.
    pub fits_when: Vec<Condition>,
    /// For `listed_category`: the listing categories that fit.
    pub categories: Vec<String>,
    pub min_specific_words: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JustificationPolicy {
    pub min_specific_words: u32,
    pub max_chars: u32,
    pub vague_phrases: Vec<String>,
    /// Each vague phrase as words, longest first.
    pub(crate) vague_phrase_tokens: Vec<Vec<String>>,
    pub filler_words: Vec<String>,
    pub refuse_categories: Vec<Category>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct LimitsPolicy {
    pub requests_per_day: u32,
    pub max_order_share: f64,
    pub share_window: Duration,
    pub share_min_orders: u32,
    pub review_requests_per_day: u32,
    pub review_order_share: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GrantPolicy {
    pub days_after_delivery: u32,
    pub without_delivery_date_days: u32,
    pub max_days: u32,
    pub min_hours: u32,
    pub max_extensions: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PressurePolicy {
    pub categories: Vec<Category>,
    pub strike_weight: u32,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    kind: String,
    version: String,
    order: RawOrder,
    purposes: BTreeMap<String, RawPurpose>,
    justification: RawJustification,
    seller: RawSeller,
    limits: RawLimits,
    grant: GrantPolicy,
    pressure: RawPressure,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOrder {
    closed_statuses: Vec<String>,
    closed_window_days: u32,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPurpose {
    fits_when: Vec<String>,
    #[serde(default)]
    categories: Vec<String>,
    #[serde(default)]
    min_specific_words: Option<u32>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawJustification {
    min_specific_words: u32,
    max_chars: u32,
    #[serde(default)]
    vague_phrases: Vec<String>,
    #[serde(default)]
    filler_words: Vec<String>,
    #[serde(default)]
    refuse_categories: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSeller {
    min_messages_before_request: u32,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLimits {
    requests_per_day: u32,
    max_order_share: f64,
    share_window_days: u32,
    share_min_orders: u32,
    review_requests_per_day: u32,
    review_order_share: f64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPressure {
    categories: Vec<String>,
    strike_weight: u32,
}

fn invalid<T>(m: impl Into<String>) -> Result<T, PolicyError> {
    Err(PolicyError::Invalid(m.into()))
}

fn categories(list: &[String], ctx: &str) -> Result<Vec<Category>, PolicyError> {
    list.iter()
        .map(|c| Category::parse(c).map_err(|e| PolicyError::Invalid(format!("{ctx}: {e}"))))
        .collect()
}

impl ContactPolicy {
    /// Parses and validates a contact policy document.
    pub fn parse(source: &str) -> Result<ContactPolicy, PolicyError> {
        let raw: Raw = toml::from_str(source).map_err(|e| PolicyError::Syntax(e.to_string()))?;
        if raw.kind != "contact" {
            return invalid(format!("`kind` must be \"contact\", not \"{}\"", raw.kind));
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
        let mut purposes = Vec::new();
        for (name, r) in raw.purposes {
            let ctx = format!("[purposes.{name}]");
            let Some(purpose) = Purpose::parse(&name) else {
                return invalid(format!(
                    "{ctx} is not a purpose; the purposes are {}",
                    Purpose::names()
                ));
            };
            if r.fits_when.is_empty() {
                return invalid(format!(
                    "{ctx} `fits_when` is empty: the purpose would never fit"
                ));
            }
            let mut fits_when = Vec::new();
            for c in &r.fits_when {
                fits_when.push(match c.as_str() {
                    "always" => Condition::Always,
                    "bulky" => Condition::Bulky,
                    "made_to_order" => Condition::MadeToOrder,
                    "scheduled_delivery" => Condition::ScheduledDelivery,
                    "listed_category" => Condition::ListedCategory,
                    other => {
                        return invalid(format!(
                            "{ctx}: `{other}` is not a condition; use always, bulky, made_to_order, scheduled_delivery or listed_category"
                        ));
                    }
                });
            }
            if fits_when.contains(&Condition::ListedCategory) && r.categories.is_empty() {
                return invalid(format!(
                    "{ctx} uses `listed_category` but lists no `categories`"
                ));
            }
            purposes.push((
                purpose,
                PurposeRule {
                    fits_when,
                    categories: r.categories,
                    min_specific_words: r.min_specific_words,
                },
            ));
        }
        if let Some(missing) = Purpose::ALL
            .iter()
            .find(|p| !purposes.iter().any(|(q, _)| q == *p))
        {
            return invalid(format!(
                "[purposes.{}] is missing: every purpose needs a rule",
                missing.as_str()
            ));
        }
        purposes.sort_by_key(|(p, _)| *p);

        let j = raw.justification;
        if j.max_chars < 20 {
            return invalid("[justification] max_chars must be at least 20");
        }
        let mut vague_phrase_tokens: Vec<Vec<String>> = j
            .vague_phrases
            .iter()
            .map(|p| tokens(p))
            .filter(|t| !t.is_empty())
            .collect();
        vague_phrase_tokens.sort_by_key(|t| std::cmp::Reverse(t.len()));
        let justification = JustificationPolicy {
            min_specific_words: j.min_specific_words,
            max_chars: j.max_chars,
            vague_phrase_tokens,
            vague_phrases: j.vague_phrases,
            filler_words: j.filler_words.iter().map(|w| w.to_lowercase()).collect(),
            refuse_categories: categories(
                &j.refuse_categories,
                "[justification] refuse_categories",
            )?,
        };

        let l = raw.limits;
        let share_ok = |x: f64| x.is_finite() && x > 0.0 && x <= 1.0;
        if l.requests_per_day == 0 || l.review_requests_per_day == 0 || l.share_window_days == 0 {
            return invalid(
                "[limits] requests_per_day, review_requests_per_day and share_window_days must be at least 1",
            );
        }
        if !share_ok(l.max_order_share) || !share_ok(l.review_order_share) {
            return invalid(
                "[limits] max_order_share and review_order_share must be above 0 and at most 1",
            );
        }
        if l.review_order_share > l.max_order_share
            || l.review_requests_per_day > l.requests_per_day
        {
            return invalid("[limits] the review thresholds must not be above the limits");
        }

        let g = raw.grant;
        if g.max_days == 0
            || g.min_hours == 0
            || u64::from(g.min_hours) > u64::from(g.max_days) * 24
        {
            return invalid(
                "[grant] max_days and min_hours must be at least 1, and min_hours at most max_days",
            );
        }

        let pressure = PressurePolicy {
            categories: categories(&raw.pressure.categories, "[pressure] categories")?,
            strike_weight: raw.pressure.strike_weight,
        };
        if pressure.strike_weight == 0 {
            return invalid("[pressure] strike_weight must be at least 1");
        }

        Ok(ContactPolicy {
            version,
            closed_statuses: raw.order.closed_statuses,
            closed_window: Duration::days(i64::from(raw.order.closed_window_days)),
            purposes,
            justification,
            min_messages_before_request: raw.seller.min_messages_before_request,
            limits: LimitsPolicy {
                requests_per_day: l.requests_per_day,
                max_order_share: l.max_order_share,
                share_window: Duration::days(i64::from(l.share_window_days)),
                share_min_orders: l.share_min_orders,
                review_requests_per_day: l.review_requests_per_day,
                review_order_share: l.review_order_share,
            },
            grant: g,
            pressure,
            source: source.to_string(),
        })
    }
}
