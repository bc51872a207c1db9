//! Money on the wire (`{"value": "12.34", "currency": "USD"}`) parsed into integer minor units.

/// An amount in integer minor units of an ISO 4217 currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Money {
    pub minor: i64,
    pub currency: [u8; 3],
}

impl Money {
    pub fn currency_str(&self) -> &str {
        std::str::from_utf8(&self.currency).unwrap_or("XXX")
    }

    /// The amount as a decimal string with the currency's number of decimals.
    pub fn value_string(&self) -> String {
        let exp = exponent(self.currency_str());
        if exp == 0 {
            return self.minor.to_string();
        }
        let scale = 10i64.pow(exp);
        let sign = if self.minor < 0 { "-" } else { "" };
        let abs = self.minor.unsigned_abs();
        let scale_u = scale.unsigned_abs();
        format!(
            "{sign}{}.{:0width$}",
            abs / scale_u,
            abs % scale_u,
            width = exp as usize
        )
    }

    /// Parses a decimal string (`"12.34"`, `"1000"`) in a currency (`"USD"`): no more decimals than the
    /// currency has, no sign, no exponent, no float.
    pub fn parse(value: &str, currency: &str) -> Result<Money, String> {
        let cur = currency.as_bytes();
        let currency: [u8; 3] = match cur {
            [a, b, c] if cur.iter().all(u8::is_ascii_uppercase) => [*a, *b, *c],
            _ => {
                return Err(format!(
                    "`{currency}` is not an ISO 4217 currency code such as \"USD\" or \"EUR\""
                ));
            }
        };
        let exp = exponent(currency_str(&currency));
        let bad = || {
            format!(
                "`{value}` is not an amount: give a decimal string with at most {exp} decimals, such as \"12.34\""
            )
        };
        let (whole, frac) = match value.split_once('.') {
            Some((w, f)) => (w, f),
            None => (value, ""),
        };
        if whole.is_empty()
            || !whole.bytes().all(|b| b.is_ascii_digit())
            || !frac.bytes().all(|b| b.is_ascii_digit())
            || frac.len() > exp as usize
            || (value.contains('.') && frac.is_empty())
        {
            return Err(bad());
        }
        let scale = 10i64.pow(exp);
        let whole: i64 = whole.parse().map_err(|_| bad())?;
        let mut frac_v: i64 = if frac.is_empty() {
            0
        } else {
            frac.parse().map_err(|_| bad())?
        };
        for _ in frac.len()..exp as usize {
            frac_v *= 10;
        }
        let minor = whole
            .checked_mul(scale)
            .and_then(|w| w.checked_add(frac_v))
            .ok_or_else(bad)?;
        Ok(Money { minor, currency })
    }
}

fn currency_str(c: &[u8; 3]) -> &str {
    std::str::from_utf8(c).unwrap_or("XXX")
}

/// The number of decimals of an ISO 4217 currency. Hand-rolled (a short table) rather than a dependency: only the
/// exceptions to "two decimals" are listed.
fn exponent(currency: &str) -> u32 {
    match currency {
        "BIF" | "CLP" | "DJF" | "GNF" | "ISK" | "JPY" | "KMF" | "KRW" | "PYG" | "RWF" | "UGX"
        | "UYI" | "VND" | "VUV" | "XAF" | "XOF" | "XPF" => 0,
        "BHD" | "IQD" | "JOD" | "KWD" | "LYD" | "OMR" | "TND" => 3,
        _ => 2,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::Money;

    #[test]
    fn amounts_parse_into_minor_units_per_currency() {
        #[rustfmt::skip]
        let cases: &[(&str, &str, Result<i64, ()>)] = &[
            ("12.34", "USD", Ok(1234)),
            ("12.3", "USD", Ok(1230)),
            ("12", "EUR", Ok(1200)),
            ("0.01", "GBP", Ok(1)),
            ("1500", "JPY", Ok(1500)),
            ("1.5", "JPY", Err(())),
            ("1.234", "KWD", Ok(1234)),
            ("12.345", "USD", Err(())),
            ("-1", "USD", Err(())),
            ("1e3", "USD", Err(())),
            ("12.", "USD", Err(())),
            (".5", "USD", Err(())),
            ("", "USD", Err(())),
            ("1", "usd", Err(())),
            ("1", "DOLLARS", Err(())),
            ("99999999999999999999", "USD", Err(())),
        ];
        for (value, currency, want) in cases {
            let got = Money::parse(value, currency)
                .map(|m| m.minor)
                .map_err(|_| ());
            assert_eq!(got, *want, "{value} {currency}");
        }
        assert_eq!(Money::parse("12.3", "USD").unwrap().value_string(), "12.30");
        assert_eq!(Money::parse("1500", "JPY").unwrap().value_string(), "1500");
        assert_eq!(
            Money::parse("0.005", "KWD").unwrap().value_string(),
            "0.005"
        );
    }
}
