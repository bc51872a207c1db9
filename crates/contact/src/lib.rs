//! Marketguard's phone-contact policy: when a seller may ask to phone a buyer, and for how long a granted contact
//! lasts. Also the relay provider formats ([`relay`]): a telephony provider's webhook in, where to connect out.
//!
//! The policy is data: a versioned TOML document ([`ContactPolicy::parse`]) with a built-in default
//! ([`ContactPolicy::builtin`], `default-contact-policy.toml`). The functions are pure:
//! - [`ContactPolicy::assess`]: the facts about a request (order, seller, justification, counts) → every refusal
//!   reason, each with a stable [`ReasonCode`], and the review flags for an unusual rate;
//! - [`ContactPolicy::grant_expiry`] and [`ContactPolicy::extended_expiry`]: when a grant ends;
//! - [`ContactPolicy::is_pressure`]: whether a seller's message counts as pressure on a pending request.
//!
//! Invariants: no I/O, no clock (time is passed in), no panics.

mod document;
pub mod relay;

pub use document::{
    Condition, GrantPolicy, JustificationPolicy, LimitsPolicy, PolicyError, PressurePolicy,
    PurposeRule,
};

use screen::Category;
use serde::Serialize;
use time::{Date, Duration, OffsetDateTime, Time};

/// The built-in policy's text.
pub const BUILTIN: &str = include_str!("../default-contact-policy.toml");

pub use domain::{Channel, Purpose};

/// Every reason a request can be refused for (and the reasons a request is flagged for review). The codes are
/// stable: the marketplace may branch on them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReasonCode {
    OrderNotFound,
    OrderOfAnotherSeller,
    OrderOfAnotherBuyer,
    OrderClosed,
    PurposeDoesNotFitOrder,
    SellerRestricted,
    SellerUnderReview,
    MessageChannelNotTried,
    JustificationTooVague,
    JustificationUnsafe,
    DailyLimitReached,
    OrderShareExceeded,
    BuyerPhoneMissing,
    SellerPhoneMissing,
    RequestAlreadyOpen,
    /// A review flag, not a refusal.
    UnusualDailyRate,
    /// A review flag, not a refusal.
    UnusualOrderShare,
}

impl ReasonCode {
    pub fn as_str(self) -> &'static str {
        match self {
            ReasonCode::OrderNotFound => "order_not_found",
            ReasonCode::OrderOfAnotherSeller => "order_of_another_seller",
            ReasonCode::OrderOfAnotherBuyer => "order_of_another_buyer",
            ReasonCode::OrderClosed => "order_closed",
            ReasonCode::PurposeDoesNotFitOrder => "purpose_does_not_fit_order",
            ReasonCode::SellerRestricted => "seller_restricted",
            ReasonCode::SellerUnderReview => "seller_under_review",
            ReasonCode::MessageChannelNotTried => "message_channel_not_tried",
            ReasonCode::JustificationTooVague => "justification_too_vague",
            ReasonCode::JustificationUnsafe => "justification_unsafe",
            ReasonCode::DailyLimitReached => "daily_limit_reached",
            ReasonCode::OrderShareExceeded => "order_share_exceeded",
            ReasonCode::BuyerPhoneMissing => "buyer_phone_missing",
            ReasonCode::SellerPhoneMissing => "seller_phone_missing",
            ReasonCode::RequestAlreadyOpen => "request_already_open",
            ReasonCode::UnusualDailyRate => "unusual_daily_rate",
            ReasonCode::UnusualOrderShare => "unusual_order_share",
        }
    }
}

/// One reason, with its stable code and an explanation for the seller (or the reviewer).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reason {
    pub code: ReasonCode,
    pub message: String,
}

impl Reason {
    fn new(code: ReasonCode, message: impl Into<String>) -> Reason {
        Reason {
            code,
            message: message.into(),
        }
    }
}

/// The seller's standing, as enforcement left it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SellerStanding {
    Active,
    Warned,
    Restricted {
        until: Option<OffsetDateTime>,
    },
    /// Suspended pending review by trust and safety.
    Suspended,
    Removed,
}

/// What the policy needs to know about the order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderFacts {
    pub buyer_id: String,
    pub seller_id: String,
    pub status: String,
    /// When the marketplace last changed the order (for a closed order: roughly when it closed).
    pub updated_at: OffsetDateTime,
    pub delivery_date: Option<Date>,
    pub bulky: bool,
    pub made_to_order: bool,
    pub listing_category: Option<String>,
    pub buyer_has_phone: bool,
}

/// Everything a request is judged on, gathered by the caller.
#[derive(Debug, Clone, PartialEq)]
pub struct Facts<'a> {
    pub now: OffsetDateTime,
    pub purpose: Purpose,
    pub justification: &'a str,
    /// The screening categories found in the justification.
    pub justification_categories: &'a [Category],
    pub seller_id: &'a str,
    /// The buyer the marketplace names in the request, when it does.
    pub claimed_buyer_id: Option<&'a str>,
    /// `None` when the order does not exist.
    pub order: Option<OrderFacts>,
    pub seller_standing: SellerStanding,
    pub seller_has_phone: bool,
    /// The seller's messages in the order's conversation.
    pub seller_messages_about_order: u32,
    /// The seller's requests that reached buyers in the last 24 hours (this one not included).
    pub seller_requests_last_day: u32,
    /// The seller's orders created within the share window, and how many of them have a request that reached the
    /// buyer (this order counted as one when it is in the window).
    pub seller_orders_in_window: u32,
    pub seller_orders_with_requests: u32,
    /// A pending request or an active grant already exists for this order and seller.
    pub open_request_for_order: bool,
}

/// The policy's verdict on a request.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Assessment {
    /// Empty when the request may go to the buyer.
    pub refusals: Vec<Reason>,
    /// Why the request is flagged for review even though it goes to the buyer.
    pub review_flags: Vec<Reason>,
}

impl Assessment {
    pub fn refused(&self) -> bool {
        !self.refusals.is_empty()
    }
}

/// Why an extension was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExtendError {
    #[error("the grant was already extended {0} times, the most the policy allows")]
    TooManyExtensions(u32),
    #[error("an extension must add between 1 hour and {max_days} days")]
    BadLength { max_days: u32 },
    #[error("the grant already runs {max_days} days ahead, the most the policy allows")]
    AtMaximum { max_days: u32 },
}

/// A validated contact policy.
#[derive(Debug, Clone, PartialEq)]
pub struct ContactPolicy {
    pub version: String,
    pub closed_statuses: Vec<String>,
    pub closed_window: Duration,
    pub purposes: Vec<(Purpose, PurposeRule)>,
    pub justification: JustificationPolicy,
    pub min_messages_before_request: u32,
    pub limits: LimitsPolicy,
    pub grant: GrantPolicy,
    pub pressure: PressurePolicy,
    /// The TOML it was parsed from, exactly.
    pub source: String,
}

impl ContactPolicy {
    /// The built-in default policy.
    pub fn builtin() -> Result<ContactPolicy, PolicyError> {
        ContactPolicy::parse(BUILTIN)
    }

    /// The SHA-256 of the source text, hex.
    pub fn content_sha256(&self) -> String {
        use sha2::{Digest, Sha256};
        hex::encode(Sha256::digest(self.source.as_bytes()))
    }

    fn purpose_rule(&self, p: Purpose) -> Option<&PurposeRule> {
        self.purposes.iter().find(|(q, _)| *q == p).map(|(_, r)| r)
    }

    /// Judges a request on its facts: every refusal reason, and the review flags.
    pub fn assess(&self, f: &Facts<'_>) -> Assessment {
        let mut refusals = Vec::new();
        let mut review_flags = Vec::new();
        let mut refuse = |code, m: String| refusals.push(Reason::new(code, m));

        match &f.order {
            None => refuse(
                ReasonCode::OrderNotFound,
                "the order does not exist: a phone contact is only for an order between the buyer and the seller"
                    .into(),
            ),
            Some(o) => {
                if o.seller_id != f.seller_id {
                    refuse(
                        ReasonCode::OrderOfAnotherSeller,
                        format!("the order belongs to another seller, not `{}`", f.seller_id),
                    );
                }
                if let Some(b) = f.claimed_buyer_id
                    && b != o.buyer_id
                {
                    refuse(
                        ReasonCode::OrderOfAnotherBuyer,
                        format!("the order's buyer is not `{b}`"),
                    );
                }
                if self.closed_statuses.contains(&o.status)
                    && f.now - o.updated_at > self.closed_window
                {
                    refuse(
                        ReasonCode::OrderClosed,
                        format!(
                            "the order is {} and was closed more than {} days ago",
                            o.status,
                            self.closed_window.whole_days()
                        ),
                    );
                }
                if !self.fits(f.purpose, o) {
                    refuse(
                        ReasonCode::PurposeDoesNotFitOrder,
                        format!(
                            "`{}` does not fit this order ({})",
                            f.purpose.as_str(),
                            self.fit_hint(f.purpose)
                        ),
                    );
                }
                if !o.buyer_has_phone {
                    refuse(
                        ReasonCode::BuyerPhoneMissing,
                        "the marketplace has no phone number for the buyer, so no call can be relayed".into(),
                    );
                }
            }
        }

        match f.seller_standing {
            SellerStanding::Restricted { until } if until.is_none_or(|u| u > f.now) => refuse(
                ReasonCode::SellerRestricted,
                "the seller is restricted for breaking the communication policy".into(),
            ),
            SellerStanding::Removed => refuse(
                ReasonCode::SellerRestricted,
                "the seller was removed from the marketplace".into(),
            ),
            SellerStanding::Suspended => refuse(
                ReasonCode::SellerUnderReview,
                "the seller's account is suspended pending review".into(),
            ),
            SellerStanding::Active | SellerStanding::Warned | SellerStanding::Restricted { .. } => {
            }
        }
        if !f.seller_has_phone {
            refuse(
                ReasonCode::SellerPhoneMissing,
                "the marketplace has no phone number for the seller, so the relay cannot recognise their calls"
                    .into(),
            );
        }

        // Without an order there is no conversation about it: that reason says enough.
        if f.order.is_some() && f.seller_messages_about_order < self.min_messages_before_request {
            refuse(
                ReasonCode::MessageChannelNotTried,
                format!(
                    "write to the buyer in the order's conversation first (at least {} message{}); ask for a phone contact only when messages are not enough",
                    self.min_messages_before_request,
                    if self.min_messages_before_request == 1 {
                        ""
                    } else {
                        "s"
                    }
                ),
            );
        }

        let min_words = self
            .purpose_rule(f.purpose)
            .and_then(|r| r.min_specific_words)
            .unwrap_or(self.justification.min_specific_words);
        let specific = self.justification.specific_words(f.justification);
        if specific < min_words as usize {
            refuse(
                ReasonCode::JustificationTooVague,
                format!(
                    "the justification must say specifically why a call is needed for this order (what must be agreed, and why messages are not enough); it has {specific} specific word{} where {min_words} are needed",
                    if specific == 1 { "" } else { "s" }
                ),
            );
        }
        let unsafe_found: Vec<&str> = f
            .justification_categories
            .iter()
            .filter(|c| self.justification.refuse_categories.contains(c))
            .map(|c| c.as_str())
            .collect();
        if !unsafe_found.is_empty() {
            refuse(
                ReasonCode::JustificationUnsafe,
                format!(
                    "the justification is shown to the buyer and must not contain {}",
                    unsafe_found.join(", ")
                ),
            );
        }

        let l = &self.limits;
        if f.seller_requests_last_day >= l.requests_per_day {
            refuse(
                ReasonCode::DailyLimitReached,
                format!(
                    "the seller already sent {} contact requests in the last 24 hours; the limit is {}",
                    f.seller_requests_last_day, l.requests_per_day
                ),
            );
        } else if f.seller_requests_last_day + 1 >= l.review_requests_per_day {
            review_flags.push(Reason::new(
                ReasonCode::UnusualDailyRate,
                format!(
                    "{} contact requests from this seller in 24 hours (review from {})",
                    f.seller_requests_last_day + 1,
                    l.review_requests_per_day
                ),
            ));
        }
        if f.seller_orders_in_window >= l.share_min_orders && f.seller_orders_in_window > 0 {
            let share =
                f64::from(f.seller_orders_with_requests) / f64::from(f.seller_orders_in_window);
            if share > l.max_order_share {
                refuse(
                    ReasonCode::OrderShareExceeded,
                    format!(
                        "{:.0}% of the seller's orders of the last {} days would have a contact request; the limit is {:.0}%",
                        share * 100.0,
                        l.share_window.whole_days(),
                        l.max_order_share * 100.0
                    ),
                );
            } else if share >= l.review_order_share {
                review_flags.push(Reason::new(
                    ReasonCode::UnusualOrderShare,
                    format!(
                        "{:.0}% of the seller's recent orders have a contact request (review from {:.0}%)",
                        share * 100.0,
                        l.review_order_share * 100.0
                    ),
                ));
            }
        }

        if f.open_request_for_order {
            refuse(
                ReasonCode::RequestAlreadyOpen,
                "a request for this order is already waiting for the buyer, or a grant is active"
                    .into(),
            );
        }

        refusals.sort_by_key(|r| r.code);
        refusals.dedup_by_key(|r| r.code);
        // A flag asks a reviewer to look at a request that reached the buyer; a refused one did not.
        if !refusals.is_empty() {
            review_flags.clear();
        }
        Assessment {
            refusals,
            review_flags,
        }
    }

    fn fits(&self, purpose: Purpose, o: &OrderFacts) -> bool {
        let Some(rule) = self.purpose_rule(purpose) else {
            return false;
        };
        rule.fits_when.iter().any(|c| match c {
            Condition::Always => true,
            Condition::Bulky => o.bulky,
            Condition::MadeToOrder => o.made_to_order,
            Condition::ScheduledDelivery => o.delivery_date.is_some(),
            Condition::ListedCategory => o
                .listing_category
                .as_deref()
                .is_some_and(|c| rule.categories.iter().any(|x| x.eq_ignore_ascii_case(c))),
        })
    }

    fn fit_hint(&self, purpose: Purpose) -> String {
        let Some(rule) = self.purpose_rule(purpose) else {
            return "the policy does not allow this purpose".into();
        };
        let parts: Vec<String> = rule
            .fits_when
            .iter()
            .map(|c| match c {
                Condition::Always => "always".to_string(),
                Condition::Bulky => "a bulky item".to_string(),
                Condition::MadeToOrder => "a made-to-order listing".to_string(),
                Condition::ScheduledDelivery => "an order with a delivery date".to_string(),
                Condition::ListedCategory => {
                    format!("a listing in {}", rule.categories.join(", "))
                }
            })
            .collect();
        format!("it needs {}", parts.join(" or "))
    }

    /// When a grant approved at `now` ends: the end of the day `days_after_delivery` after the delivery date, or
    /// `without_delivery_date_days` after approval; never beyond `max_days` nor before `min_hours` from `now`.
    pub fn grant_expiry(&self, now: OffsetDateTime, delivery_date: Option<Date>) -> OffsetDateTime {
        let g = &self.grant;
        let wanted = match delivery_date {
            Some(d) => {
                let day = d
                    .checked_add(Duration::days(i64::from(g.days_after_delivery) + 1))
                    .unwrap_or(d);
                day.with_time(Time::MIDNIGHT).assume_utc()
            }
            None => now + Duration::days(i64::from(g.without_delivery_date_days)),
        };
        let latest = now + Duration::days(i64::from(g.max_days));
        let earliest = now + Duration::hours(i64::from(g.min_hours));
        wanted.min(latest).max(earliest)
    }

    /// The new expiry when the buyer extends a grant by `by` at `now`; refused past the number of extensions the
    /// policy allows, and capped at `max_days` from `now`.
    pub fn extended_expiry(
        &self,
        now: OffsetDateTime,
        current: OffsetDateTime,
        extensions_so_far: u32,
        by: Duration,
    ) -> Result<OffsetDateTime, ExtendError> {
        let g = &self.grant;
        if extensions_so_far >= g.max_extensions {
            return Err(ExtendError::TooManyExtensions(extensions_so_far));
        }
        let max = Duration::days(i64::from(g.max_days));
        if by < Duration::hours(1) || by > max {
            return Err(ExtendError::BadLength {
                max_days: g.max_days,
            });
        }
        let latest = now + max;
        if current >= latest {
            return Err(ExtendError::AtMaximum {
                max_days: g.max_days,
            });
        }
        Ok((current.max(now) + by).min(latest))
    }

    /// Whether a seller's message with these findings pressures the buyer for a phone contact.
    pub fn is_pressure(&self, categories: &[Category]) -> bool {
        categories
            .iter()
            .any(|c| self.pressure.categories.contains(c))
    }
}

impl JustificationPolicy {
    /// How many words of three letters or more remain once vague phrases and filler words are taken out.
    pub fn specific_words(&self, text: &str) -> usize {
        let words = tokens(text);
        let mut kept: Vec<&str> = Vec::with_capacity(words.len());
        let mut i = 0;
        'outer: while i < words.len() {
            for phrase in &self.vague_phrase_tokens {
                let n = phrase.len();
                if n > 0
                    && words
                        .get(i..i + n)
                        .is_some_and(|w| w.iter().zip(phrase.iter()).all(|(a, b)| a == b))
                {
                    i += n;
                    continue 'outer;
                }
            }
            if let Some(w) = words.get(i) {
                kept.push(w);
            }
            i += 1;
        }
        kept.iter()
            .filter(|w| !self.filler_words.iter().any(|f| f == *w))
            .filter(|w| w.chars().count() >= 3)
            .count()
    }
}

/// Lower-case words of letters and digits.
pub(crate) fn tokens(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric() && c != '\'')
        .map(|w| w.trim_matches('\'').to_lowercase())
        .filter(|w| !w.is_empty())
        .collect()
}

#[cfg(test)]
mod tests;
