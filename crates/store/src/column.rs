//! Reading typed columns: a token column into its enum, a JSON column into its type. A stored value that cannot be
//! read is [`StoreError::Corrupt`] naming the table, the column and the value (for JSON, the row's id and the
//! parse error: the text may hold personal data), never a default.

use domain::{JsonColumn, Token};
use sqlx::Row as _;
use sqlx::any::AnyRow;

use crate::StoreError;

/// Reads a token column (`messages.action`, `users.status`, ...).
pub(crate) fn token<T: Token>(r: &AnyRow, table: &str, col: &str) -> Result<T, StoreError> {
    let text: String = r.try_get(col)?;
    T::read(&text).map_err(|e| StoreError::corrupt(table, col, e))
}

/// Reads a token column that may be NULL.
pub(crate) fn opt_token<T: Token>(
    r: &AnyRow,
    table: &str,
    col: &str,
) -> Result<Option<T>, StoreError> {
    let text: Option<String> = r.try_get(col)?;
    text.map(|t| T::read(&t).map_err(|e| StoreError::corrupt(table, col, e)))
        .transpose()
}

/// Reads a JSON column into its type (`messages.findings`, `contact_requests.reasons`, ...).
pub(crate) fn json<T: JsonColumn>(r: &AnyRow, table: &str, col: &str) -> Result<T, StoreError> {
    let text: String = r.try_get(col)?;
    T::from_json(&text).map_err(|e| {
        let id: String = r.try_get("id").unwrap_or_else(|_| "?".to_string());
        StoreError::corrupt(table, col, format_args!("row `{id}`: {e}"))
    })
}
