//! `PUT` upserts of the marketplace's users, listings and orders. Needs the `messaging` scope.

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use store::Scope;
use utoipa::ToSchema;

use crate::AppState;
use crate::auth::Caller;
use crate::error::{ApiError, ErrorBody, ErrorCode};
use crate::extract::ApiPath;
use crate::json::ApiJson;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserRequest {
    /// `buyer`, `seller` or `both`.
    pub role: String,
    pub display_name: String,
    /// Personal data: never shown to the other party.
    pub email: Option<String>,
    /// Personal data, international format: never shown to the other party.
    pub phone: Option<String>,
    /// ISO 3166-1 alpha-2.
    pub country: String,
    pub locale: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UserOut {
    pub id: String,
    #[schema(value_type = String)]
    pub role: domain::UserRole,
    pub display_name: String,
    pub country: String,
    pub locale: Option<String>,
    /// Marketguard's standing: `active`, `warned`, `restricted`, `suspended` or `removed`.
    #[schema(value_type = String)]
    pub status: domain::Status,
    pub restricted_until: Option<String>,
    pub created: bool,
}

/// Creates or updates a user.
#[utoipa::path(
    put,
    path = "/v1/users/{user_id}",
    tag = "parties",
    params(("user_id" = String, Path, description = "the marketplace's id")),
    request_body = UserRequest,
    security(("api_key" = ["messaging"])),
    responses(
        (status = 200, body = UserOut),
        (status = 400, description = "`malformed_json`", body = ErrorBody),
        (status = 401, description = "`missing_api_key`, `unknown_api_key`, `revoked_api_key`", body = ErrorBody),
        (status = 403, description = "`missing_scope`", body = ErrorBody),
        (status = 422, description = "`invalid_request`", body = ErrorBody),
        (status = 429, description = "`rate_limited`", body = ErrorBody),
    )
)]
pub async fn put_user(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(user_id): ApiPath<String>,
    ApiJson(req): ApiJson<UserRequest>,
) -> Result<Json<UserOut>, ApiError> {
    caller.require(Scope::Messaging)?;
    let (u, created) = state
        .messaging
        .upsert_user(
            &messaging::UserInput {
                id: user_id,
                role: req.role,
                display_name: req.display_name,
                email: req.email,
                phone: req.phone,
                country: req.country,
                locale: req.locale,
            },
            state.now(),
        )
        .await?;
    Ok(Json(UserOut {
        id: u.id,
        role: u.role,
        display_name: u.display_name,
        country: u.country,
        locale: u.locale,
        status: u.status,
        restricted_until: u.restricted_until.map(store::format_time),
        created,
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ListingRequest {
    pub seller_id: String,
    pub title: String,
    pub category: String,
    #[serde(default)]
    pub made_to_order: bool,
    #[serde(default)]
    pub bulky: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ListingOut {
    pub id: String,
    pub seller_id: String,
    pub title: String,
    pub category: String,
    pub made_to_order: bool,
    pub bulky: bool,
    pub created: bool,
}

/// Creates or updates a listing; its seller must be registered.
#[utoipa::path(
    put,
    path = "/v1/listings/{listing_id}",
    tag = "parties",
    params(("listing_id" = String, Path, description = "the marketplace's id")),
    request_body = ListingRequest,
    security(("api_key" = ["messaging"])),
    responses(
        (status = 200, body = ListingOut),
        (status = 400, description = "`malformed_json`", body = ErrorBody),
        (status = 401, description = "`missing_api_key`, `unknown_api_key`, `revoked_api_key`", body = ErrorBody),
        (status = 403, description = "`missing_scope`", body = ErrorBody),
        (status = 404, description = "`not_found`: the seller", body = ErrorBody),
        (status = 422, description = "`invalid_request`", body = ErrorBody),
        (status = 429, description = "`rate_limited`", body = ErrorBody),
    )
)]
pub async fn put_listing(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(listing_id): ApiPath<String>,
    ApiJson(req): ApiJson<ListingRequest>,
) -> Result<Json<ListingOut>, ApiError> {
    caller.require(Scope::Messaging)?;
    let (l, created) = state
        .messaging
        .upsert_listing(
            &messaging::ListingInput {
                id: listing_id,
                seller_id: req.seller_id,
                title: req.title,
                category: req.category,
                made_to_order: req.made_to_order,
                bulky: req.bulky,
            },
            state.now(),
        )
        .await?;
    Ok(Json(ListingOut {
        id: l.id,
        seller_id: l.seller_id,
        title: l.title,
        category: l.category,
        made_to_order: l.made_to_order,
        bulky: l.bulky,
        created,
    }))
}

/// `{"value": "12.34", "currency": "USD"}`: a decimal string, never a float.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MoneyJson {
    pub value: String,
    pub currency: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrderRequest {
    pub buyer_id: String,
    pub seller_id: String,
    pub listing_id: Option<String>,
    pub amount: MoneyJson,
    /// The shipping address on file (personal data): an object with at least `line1`, `city` and `country`.
    #[schema(value_type = Object)]
    pub ship_to: serde_json::Value,
    /// created, paid, shipped, delivered, completed, cancelled, refunded or disputed.
    pub status: String,
    /// `YYYY-MM-DD`.
    pub delivery_date: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OrderOut {
    pub id: String,
    pub buyer_id: String,
    pub seller_id: String,
    pub listing_id: Option<String>,
    pub amount: MoneyJson,
    pub status: String,
    pub delivery_date: Option<String>,
    pub created: bool,
}

/// Creates or updates an order between a registered buyer and seller.
#[utoipa::path(
    put,
    path = "/v1/orders/{order_id}",
    tag = "parties",
    params(("order_id" = String, Path, description = "the marketplace's id")),
    request_body = OrderRequest,
    security(("api_key" = ["messaging"])),
    responses(
        (status = 200, body = OrderOut),
        (status = 400, description = "`malformed_json`", body = ErrorBody),
        (status = 401, description = "`missing_api_key`, `unknown_api_key`, `revoked_api_key`", body = ErrorBody),
        (status = 403, description = "`missing_scope`", body = ErrorBody),
        (status = 404, description = "`not_found`: a user or the listing", body = ErrorBody),
        (status = 422, description = "`invalid_request`", body = ErrorBody),
        (status = 429, description = "`rate_limited`", body = ErrorBody),
    )
)]
pub async fn put_order(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(order_id): ApiPath<String>,
    ApiJson(req): ApiJson<OrderRequest>,
) -> Result<Json<OrderOut>, ApiError> {
    caller.require(Scope::Messaging)?;
    let amount = messaging::Money::parse(&req.amount.value, &req.amount.currency)
        .map_err(|m| ApiError::new(ErrorCode::InvalidRequest, format!("`amount`: {m}")))?;
    let (o, created) = state
        .messaging
        .upsert_order(
            &messaging::OrderInput {
                id: order_id,
                buyer_id: req.buyer_id,
                seller_id: req.seller_id,
                listing_id: req.listing_id,
                amount,
                ship_to: req.ship_to,
                status: req.status,
                delivery_date: req.delivery_date,
            },
            state.now(),
        )
        .await?;
    Ok(Json(OrderOut {
        id: o.id,
        buyer_id: o.buyer_id,
        seller_id: o.seller_id,
        listing_id: o.listing_id,
        amount: MoneyJson {
            value: amount.value_string(),
            currency: o.currency,
        },
        status: o.status,
        delivery_date: o.delivery_date,
        created,
    }))
}
