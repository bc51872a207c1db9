//! Registering the marketplace's users, listings and orders: validated here, once, then stored.

use store::parties::{ListingRecord, OrderRecord, UserRecord, UserUpsert};
use time::OffsetDateTime;

use crate::{Messaging, MessagingError, Money, Result};

/// A user as the marketplace sends it.
#[derive(Debug, Clone)]
pub struct UserInput {
    pub id: String,
    pub role: String,
    pub display_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub country: String,
    pub locale: Option<String>,
}

#[derive(Debug, Clone)]
pub struct ListingInput {
    pub id: String,
    pub seller_id: String,
    pub title: String,
    pub category: String,
    pub made_to_order: bool,
    pub bulky: bool,
}

#[derive(Debug, Clone)]
pub struct OrderInput {
    pub id: String,
    pub buyer_id: String,
    pub seller_id: String,
    pub listing_id: Option<String>,
    pub amount: Money,
    /// The shipping address on file (a JSON object), kept as personal data.
    pub ship_to: serde_json::Value,
    pub status: String,
    /// `YYYY-MM-DD`.
    pub delivery_date: Option<String>,
}

/// The order statuses the marketplace may send.
pub const ORDER_STATUSES: [&str; 8] = [
    "created",
    "paid",
    "shipped",
    "delivered",
    "completed",
    "cancelled",
    "refunded",
    "disputed",
];

fn invalid<T>(m: impl Into<String>) -> Result<T> {
    Err(MessagingError::Invalid(m.into()))
}

fn check_id(what: &str, id: &str) -> Result<()> {
    if id.is_empty() || id.len() > 128 || id.chars().any(char::is_control) {
        return invalid(format!(
            "a {what} id must have 1 to 128 characters and no control characters"
        ));
    }
    Ok(())
}

fn check_text(field: &str, s: &str, max: usize) -> Result<String> {
    let t = s.trim();
    if t.is_empty() || t.chars().count() > max {
        return invalid(format!("`{field}` must have 1 to {max} characters"));
    }
    Ok(t.to_string())
}

impl Messaging {
    /// Creates or updates a user; answers it and whether it was created.
    pub async fn upsert_user(
        &self,
        u: &UserInput,
        now: OffsetDateTime,
    ) -> Result<(UserRecord, bool)> {
        check_id("user", &u.id)?;
        let Some(role) = domain::UserRole::parse(&u.role) else {
            return invalid("`role` must be `buyer`, `seller` or `both`");
        };
        let display_name = check_text("display_name", &u.display_name, 100)?;
        let country = screen::Region::parse(&u.country)
            .map_err(|e| MessagingError::Invalid(format!("`country`: {e}")))?
            .as_str()
            .to_string();
        let email = match u.email.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(e) => {
                let ok = e.len() <= 254
                    && e.split_once('@')
                        .is_some_and(|(l, d)| !l.is_empty() && d.contains('.'))
                    && !e.chars().any(char::is_whitespace);
                if !ok {
                    return invalid("`email` is not an email address");
                }
                Some(e.to_string())
            }
        };
        let phone = match u.phone.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(p) => {
                let digits: String = p
                    .chars()
                    .filter(|c| !matches!(c, ' ' | '-' | '(' | ')' | '.'))
                    .collect();
                let ok = digits.strip_prefix('+').is_some_and(|d| {
                    (6..=15).contains(&d.len()) && d.bytes().all(|b| b.is_ascii_digit())
                });
                if !ok {
                    return invalid("`phone` must be an international number such as +14155550132");
                }
                Some(digits)
            }
        };
        let locale = match u.locale.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(l)
                if l.len() <= 35
                    && l.chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') =>
            {
                Some(l.to_string())
            }
            Some(_) => return invalid("`locale` must be a language tag such as `en-US`"),
        };
        Ok(self
            .store
            .upsert_user(
                &UserUpsert {
                    id: u.id.clone(),
                    role,
                    display_name,
                    email,
                    phone,
                    country,
                    locale,
                },
                now,
            )
            .await?)
    }

    /// Creates or updates a listing; its seller must be registered as a seller.
    pub async fn upsert_listing(
        &self,
        l: &ListingInput,
        now: OffsetDateTime,
    ) -> Result<(ListingRecord, bool)> {
        check_id("listing", &l.id)?;
        self.user_with_role(&l.seller_id, domain::UserRole::Seller)
            .await?;
        let record = ListingRecord {
            id: l.id.clone(),
            seller_id: l.seller_id.clone(),
            title: check_text("title", &l.title, 300)?,
            category: check_text("category", &l.category, 100)?,
            made_to_order: l.made_to_order,
            bulky: l.bulky,
            created_at: now,
            updated_at: now,
        };
        Ok(self.store.upsert_listing(&record, now).await?)
    }

    /// Creates or updates an order between a registered buyer and seller.
    pub async fn upsert_order(
        &self,
        o: &OrderInput,
        now: OffsetDateTime,
    ) -> Result<(OrderRecord, bool)> {
        check_id("order", &o.id)?;
        if o.buyer_id == o.seller_id {
            return invalid("`buyer_id` and `seller_id` must be different users");
        }
        self.user_with_role(&o.buyer_id, domain::UserRole::Buyer)
            .await?;
        self.user_with_role(&o.seller_id, domain::UserRole::Seller)
            .await?;
        if let Some(listing_id) = &o.listing_id {
            let listing =
                self.store
                    .listing(listing_id)
                    .await?
                    .ok_or_else(|| MessagingError::NotFound {
                        what: "listing",
                        id: listing_id.clone(),
                    })?;
            if listing.seller_id != o.seller_id {
                return invalid(format!("listing `{listing_id}` belongs to another seller"));
            }
        }
        if !ORDER_STATUSES.contains(&o.status.as_str()) {
            return invalid(format!(
                "`status` must be one of {}",
                ORDER_STATUSES.join(", ")
            ));
        }
        let address = o.ship_to.as_object().filter(|m| {
            ["line1", "city", "country"].iter().all(|k| {
                m.get(*k)
                    .and_then(|v| v.as_str())
                    .is_some_and(|s| !s.trim().is_empty())
            })
        });
        if address.is_none() {
            return invalid(
                "`ship_to` must be an address object with at least `line1`, `city` and `country`",
            );
        }
        if let Some(d) = &o.delivery_date {
            let format = time::macros::format_description!("[year]-[month]-[day]");
            if time::Date::parse(d, format).is_err() {
                return invalid("`delivery_date` must be a date such as 2026-12-24");
            }
        }
        if o.amount.minor < 0 {
            return invalid("`amount` must not be negative");
        }
        let record = OrderRecord {
            id: o.id.clone(),
            buyer_id: o.buyer_id.clone(),
            seller_id: o.seller_id.clone(),
            listing_id: o.listing_id.clone(),
            amount_minor: o.amount.minor,
            currency: o.amount.currency_str().to_string(),
            ship_to_address: o.ship_to.to_string(),
            status: o.status.clone(),
            delivery_date: o.delivery_date.clone(),
            created_at: now,
            updated_at: now,
        };
        Ok(self.store.upsert_order(&record, now).await?)
    }
}
