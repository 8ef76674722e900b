//! Quotients shown to users — cost per apprentice, per apprentice-hour, margin, ETP, shares of
//! the compliance indicators, internal rent — and their one rounding rule.
//!
//! Every quotient is computed exactly on integers (cents, micro-units) and rounded **once**, half
//! away from zero, at a fixed number of decimals; the result is carried as a `rust_decimal`
//! `Decimal` whose scale is that number of decimals, so `0.5` with four decimals prints
//! `0.5000`. No intermediate value is ever rounded, and no float is involved.

use rust_decimal::Decimal;

use crate::money::{self, Amount};

/// Decimals of a margin, a share or an ETP (spec §9: « quatre décimales »).
pub const RATIO_DECIMALS: u32 = 4;
/// Decimals of an amount per unit (euros per apprentice, per apprentice-hour).
pub const MONEY_DECIMALS: u32 = 2;

/// `numerator / denominator` rounded half away from zero to an integer; `None` when the
/// denominator is zero.
pub fn round_div(numerator: i128, denominator: i128) -> Option<i128> {
    if denominator == 0 {
        return None;
    }
    let negative = (numerator < 0) != (denominator < 0);
    let (n, d) = (numerator.unsigned_abs(), denominator.unsigned_abs());
    let (q, r) = (n / d, n % d);
    // r ≥ d − r ⇔ the remainder is at least half of the divisor (no overflow: r < d).
    let q = if r >= d - r { q + 1 } else { q };
    let q = i128::try_from(q).ok()?;
    Some(if negative { -q } else { q })
}

/// `numerator / denominator` with `decimals` decimals, rounded half away from zero; `None` when
/// the denominator is zero or the value is too large for a `Decimal`.
pub fn quotient(numerator: i128, denominator: i128, decimals: u32) -> Option<Decimal> {
    let scaled = numerator.checked_mul(10i128.checked_pow(decimals)?)?;
    Decimal::try_from_i128_with_scale(round_div(scaled, denominator)?, decimals).ok()
}

/// French notation of a decimal for people and for the users' CSV: `0,5000`, `-12,30`.
pub fn french(value: Decimal) -> String {
    value.to_string().replace('.', ",")
}

/// French notation of an exact decimal for people: `12 345,675` (narrow no-break space between
/// thousands, like `money::french`).
pub fn french_decimal(value: Decimal) -> String {
    let text = value.abs().to_string();
    let (int, frac) = text.split_once('.').unwrap_or((&text, ""));
    let grouped = int.parse::<i64>().ok().and_then(|i| i.checked_mul(100)).map_or_else(|| int.to_owned(), |c| {
        let f = money::french(Amount::from_cents(c));
        f.strip_suffix(",00").unwrap_or(&f).to_owned()
    });
    let sign = if value.is_sign_negative() && !value.is_zero() { "-" } else { "" };
    if frac.is_empty() { format!("{sign}{grouped}") } else { format!("{sign}{grouped},{frac}") }
}

/// An exact decimal with its trailing zeros dropped but at least two decimals (`8050.00`,
/// `8050.005`): how medians and deviations are shown.
pub fn tidy(value: Decimal) -> Decimal {
    let mut v = value.normalize();
    if v.scale() < 2 {
        v.rescale(2);
    }
    v
}

/// Serialises a decimal as a JSON string keeping its scale (`"0.5000"`), like amounts (spec §9).
pub fn serialize<S: serde::Serializer>(value: &Decimal, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_str(value)
}

/// [`serialize`] for an optional decimal (`null` when absent, if the field is not skipped).
pub fn serialize_option<S: serde::Serializer>(value: &Option<Decimal>, serializer: S) -> Result<S::Ok, S::Error> {
    match value {
        Some(v) => serializer.collect_str(v),
        None => serializer.serialize_none(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_in_french() {
        use std::str::FromStr;
        assert_eq!(french_decimal(Decimal::from_str("12345.675").unwrap()), "12\u{202f}345,675");
        assert_eq!(french_decimal(Decimal::from_str("-0.50").unwrap()), "-0,50");
        assert_eq!(tidy(Decimal::from_str("8050.000").unwrap()).to_string(), "8050.00");
        assert_eq!(tidy(Decimal::from_str("8050.0050").unwrap()).to_string(), "8050.005");
    }

    fn q(n: i128, d: i128, decimals: u32) -> String {
        quotient(n, d, decimals).map(|v| v.to_string()).unwrap_or_else(|| "-".into())
    }

    #[test]
    fn rounds_half_away_from_zero_once() {
        assert_eq!(q(1, 2, 0), "1");
        assert_eq!(q(-1, 2, 0), "-1");
        assert_eq!(q(1, 3, 4), "0.3333");
        assert_eq!(q(2, 3, 4), "0.6667");
        assert_eq!(q(-2, 3, 4), "-0.6667");
        assert_eq!(q(1, 8, 2), "0.13", "0.125 exactly: half goes away from zero");
        assert_eq!(q(-1, 8, 2), "-0.13");
        assert_eq!(q(1, -8, 2), "-0.13");
        assert_eq!(q(5, 10, 4), "0.5000", "the scale is kept");
        assert_eq!(q(12_345, 100_000, 4), "0.1235", "0.12345 is a midpoint");
        assert_eq!(q(1_234_499_999, 10_000_000_000, 4), "0.1234", "just under the midpoint");
        assert_eq!(q(1, 0, 4), "-");
    }

    #[test]
    fn french_notation() {
        assert_eq!(french(quotient(-123, 10, 2).unwrap()), "-12,30");
        assert_eq!(french(quotient(1, 2, 4).unwrap()), "0,5000");
    }
}
