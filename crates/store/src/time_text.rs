//! Times are stored as RFC 3339 UTC text with exactly six fractional digits, so that the text order of a column
//! is its time order on both backends.

use time::format_description::FormatItem;
use time::macros::format_description;
use time::{OffsetDateTime, UtcOffset};

const FORMAT: &[FormatItem<'static>] =
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:6]Z");

/// Formats a time for storage (and for the API: it is RFC 3339).
pub fn format_time(t: OffsetDateTime) -> String {
    t.to_offset(UtcOffset::UTC)
        .format(FORMAT)
        .unwrap_or_else(|_| t.unix_timestamp().to_string())
}

/// Parses a stored time.
pub fn parse_time(s: &str) -> Result<OffsetDateTime, crate::StoreError> {
    time::PrimitiveDateTime::parse(s, FORMAT)
        .map(|t| t.assume_utc())
        .map_err(|e| crate::StoreError::Corrupt(format!("time `{s}`: {e}")))
}

/// Reads a stored time column.
pub(crate) fn time_col(
    row: &sqlx::any::AnyRow,
    col: &str,
) -> Result<OffsetDateTime, crate::StoreError> {
    use sqlx::Row as _;
    parse_time(&row.try_get::<String, _>(col)?)
}

/// Reads a stored time column that may be NULL.
pub(crate) fn opt_time_col(
    row: &sqlx::any::AnyRow,
    col: &str,
) -> Result<Option<OffsetDateTime>, crate::StoreError> {
    use sqlx::Row as _;
    row.try_get::<Option<String>, _>(col)?
        .as_deref()
        .map(parse_time)
        .transpose()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn times_round_trip_and_sort_as_text() {
        let a = datetime!(2026-01-02 03:04:05.123456 UTC);
        let b = datetime!(2026-01-02 03:04:05.9 +02:00);
        assert_eq!(format_time(a), "2026-01-02T03:04:05.123456Z");
        assert_eq!(parse_time(&format_time(a)).unwrap(), a);
        assert!(format_time(b) < format_time(a));
    }
}
