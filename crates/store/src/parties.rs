//! The marketplace's users, listings and orders, mirrored as the marketplace sends them (`PUT` upserts).
//! Personal data lives in columns named for it: `users.email`, `users.phone`, `orders.ship_to_address`.

use domain::{Status, UserRole};
use sqlx::Row as _;
use time::OffsetDateTime;

use crate::column::token;
use crate::time_text::{opt_time_col, time_col};
use crate::{Store, StoreError, format_time};

/// A user as the marketplace describes them, plus our own standing (`status`, `restricted_until`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRecord {
    pub id: String,
    pub role: UserRole,
    pub display_name: String,
    /// Personal data.
    pub email: Option<String>,
    /// Personal data.
    pub phone: Option<String>,
    pub country: String,
    pub locale: Option<String>,
    /// As of the last enforcement step or reversal.
    pub status: Status,
    pub restricted_until: Option<OffsetDateTime>,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

/// What the marketplace sends for a user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserUpsert {
    pub id: String,
    pub role: UserRole,
    pub display_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub country: String,
    pub locale: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListingRecord {
    pub id: String,
    pub seller_id: String,
    pub title: String,
    pub category: String,
    pub made_to_order: bool,
    pub bulky: bool,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderRecord {
    pub id: String,
    pub buyer_id: String,
    pub seller_id: String,
    pub listing_id: Option<String>,
    /// Integer minor units of `currency`.
    pub amount_minor: i64,
    /// ISO 4217.
    pub currency: String,
    /// Personal data: the shipping address on file, as JSON text.
    pub ship_to_address: String,
    pub status: String,
    /// `YYYY-MM-DD`.
    pub delivery_date: Option<String>,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

const USER_COLUMNS: &str = "id, role, display_name, email, phone, country, locale, status, restricted_until, created_at, updated_at";
const LISTING_COLUMNS: &str =
    "id, seller_id, title, category, made_to_order, bulky, created_at, updated_at";
const ORDER_COLUMNS: &str = "id, buyer_id, seller_id, listing_id, amount_minor, currency, ship_to_address, status, delivery_date, created_at, updated_at";

impl Store {
    /// Creates or updates a user; answers the stored user and whether it was created. Our own standing is kept.
    pub async fn upsert_user(
        &self,
        u: &UserUpsert,
        now: OffsetDateTime,
    ) -> Result<(UserRecord, bool), StoreError> {
        let existed = self.user(&u.id).await?.is_some();
        let t = format_time(now);
        sqlx::query(
            "INSERT INTO users (id, role, display_name, email, phone, country, locale, status, restricted_until, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, 'active', NULL, $8, $8) \
             ON CONFLICT (id) DO UPDATE SET role = excluded.role, display_name = excluded.display_name, email = excluded.email, \
             phone = excluded.phone, country = excluded.country, locale = excluded.locale, updated_at = excluded.updated_at",
        )
        .bind(&u.id)
        .bind(u.role.as_str())
        .bind(&u.display_name)
        .bind(&u.email)
        .bind(&u.phone)
        .bind(&u.country)
        .bind(&u.locale)
        .bind(&t)
        .execute(self.pool())
        .await?;
        let user = self
            .user(&u.id)
            .await?
            .ok_or_else(|| StoreError::NotFound {
                what: "user",
                id: u.id.clone(),
            })?;
        Ok((user, !existed))
    }

    /// The first `limit` user ids in id order (`serve --demo` reads them to tell a demo database from a real one).
    pub async fn user_ids(&self, limit: i64) -> Result<Vec<String>, StoreError> {
        let rows = sqlx::query("SELECT id FROM users ORDER BY id LIMIT $1")
            .bind(limit)
            .fetch_all(self.pool())
            .await?;
        Ok(rows
            .iter()
            .map(|r| r.try_get("id"))
            .collect::<Result<_, _>>()?)
    }

    pub async fn user(&self, id: &str) -> Result<Option<UserRecord>, StoreError> {
        let row = sqlx::query(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1"))
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(row_to_user).transpose()
    }

    /// Creates or updates a listing; answers it and whether it was created.
    pub async fn upsert_listing(
        &self,
        l: &ListingRecord,
        now: OffsetDateTime,
    ) -> Result<(ListingRecord, bool), StoreError> {
        let existed = self.listing(&l.id).await?.is_some();
        sqlx::query(
            "INSERT INTO listings (id, seller_id, title, category, made_to_order, bulky, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $7) \
             ON CONFLICT (id) DO UPDATE SET seller_id = excluded.seller_id, title = excluded.title, category = excluded.category, \
             made_to_order = excluded.made_to_order, bulky = excluded.bulky, updated_at = excluded.updated_at",
        )
        .bind(&l.id)
        .bind(&l.seller_id)
        .bind(&l.title)
        .bind(&l.category)
        .bind(i64::from(l.made_to_order))
        .bind(i64::from(l.bulky))
        .bind(format_time(now))
        .execute(self.pool())
        .await?;
        let stored = self
            .listing(&l.id)
            .await?
            .ok_or_else(|| StoreError::NotFound {
                what: "listing",
                id: l.id.clone(),
            })?;
        Ok((stored, !existed))
    }

    pub async fn listing(&self, id: &str) -> Result<Option<ListingRecord>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {LISTING_COLUMNS} FROM listings WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(self.pool())
        .await?;
        row.as_ref()
            .map(|r| {
                Ok(ListingRecord {
                    id: r.try_get("id")?,
                    seller_id: r.try_get("seller_id")?,
                    title: r.try_get("title")?,
                    category: r.try_get("category")?,
                    made_to_order: r.try_get::<i64, _>("made_to_order")? != 0,
                    bulky: r.try_get::<i64, _>("bulky")? != 0,
                    created_at: time_col(r, "created_at")?,
                    updated_at: time_col(r, "updated_at")?,
                })
            })
            .transpose()
    }

    /// Creates or updates an order; answers it and whether it was created.
    pub async fn upsert_order(
        &self,
        o: &OrderRecord,
        now: OffsetDateTime,
    ) -> Result<(OrderRecord, bool), StoreError> {
        let existed = self.order(&o.id).await?.is_some();
        sqlx::query(
            "INSERT INTO orders (id, buyer_id, seller_id, listing_id, amount_minor, currency, ship_to_address, status, delivery_date, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) \
             ON CONFLICT (id) DO UPDATE SET buyer_id = excluded.buyer_id, seller_id = excluded.seller_id, listing_id = excluded.listing_id, \
             amount_minor = excluded.amount_minor, currency = excluded.currency, ship_to_address = excluded.ship_to_address, \
             status = excluded.status, delivery_date = excluded.delivery_date, updated_at = excluded.updated_at",
        )
        .bind(&o.id)
        .bind(&o.buyer_id)
        .bind(&o.seller_id)
        .bind(&o.listing_id)
        .bind(o.amount_minor)
        .bind(&o.currency)
        .bind(&o.ship_to_address)
        .bind(&o.status)
        .bind(&o.delivery_date)
        .bind(format_time(now))
        .execute(self.pool())
        .await?;
        let stored = self
            .order(&o.id)
            .await?
            .ok_or_else(|| StoreError::NotFound {
                what: "order",
                id: o.id.clone(),
            })?;
        Ok((stored, !existed))
    }

    pub async fn order(&self, id: &str) -> Result<Option<OrderRecord>, StoreError> {
        let row = sqlx::query(&format!("SELECT {ORDER_COLUMNS} FROM orders WHERE id = $1"))
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        row.as_ref()
            .map(|r| {
                Ok(OrderRecord {
                    id: r.try_get("id")?,
                    buyer_id: r.try_get("buyer_id")?,
                    seller_id: r.try_get("seller_id")?,
                    listing_id: r.try_get("listing_id")?,
                    amount_minor: r.try_get("amount_minor")?,
                    currency: r.try_get("currency")?,
                    ship_to_address: r.try_get("ship_to_address")?,
                    status: r.try_get("status")?,
                    delivery_date: r.try_get("delivery_date")?,
                    created_at: time_col(r, "created_at")?,
                    updated_at: time_col(r, "updated_at")?,
                })
            })
            .transpose()
    }
}

pub(crate) fn row_to_user(r: &sqlx::any::AnyRow) -> Result<UserRecord, StoreError> {
    Ok(UserRecord {
        id: r.try_get("id")?,
        role: token(r, "users", "role")?,
        display_name: r.try_get("display_name")?,
        email: r.try_get("email")?,
        phone: r.try_get("phone")?,
        country: r.try_get("country")?,
        locale: r.try_get("locale")?,
        status: token(r, "users", "status")?,
        restricted_until: opt_time_col(r, "restricted_until")?,
        created_at: time_col(r, "created_at")?,
        updated_at: time_col(r, "updated_at")?,
    })
}
