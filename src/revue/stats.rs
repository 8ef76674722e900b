//! The robust rule of the review, on exact decimals: median, median absolute deviation (MAD),
//! robust z = |x − médiane| / (1,4826 × MAD), compared exactly with the threshold.
//!
//! Medians of decimals are exact (the half-sum of two decimals with two places has at most three);
//! the robust z is an exact quotient of integers rounded once by `ratio` (two decimals), and the
//! flag compares the exact values, never the rounded z.

use rust_decimal::Decimal;

use crate::money::Weight;
use crate::ratio;

/// Decimals of a robust z.
pub const Z_DECIMALS: u32 = 2;

/// The median of exact decimals: the middle value, or the half-sum of the two middle values.
pub fn median(values: &[Decimal]) -> Option<Decimal> {
    let mut sorted = values.to_vec();
    sorted.sort();
    let n = sorted.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(sorted[n / 2]),
        _ => Some((sorted[n / 2 - 1] + sorted[n / 2]) / Decimal::TWO),
    }
}

/// The median of the absolute deviations from `center`.
pub fn median_absolute_deviation(values: &[Decimal], center: Decimal) -> Option<Decimal> {
    let deviations: Vec<Decimal> = values.iter().map(|v| (*v - center).abs()).collect();
    median(&deviations)
}

/// A decimal as an integer count of 10^-scale units.
fn at_scale(value: Decimal, scale: u32) -> Option<i128> {
    let up = scale.checked_sub(value.scale())?;
    value.mantissa().checked_mul(10i128.checked_pow(up)?)
}

/// Micro-units of a parameter as an integer.
fn micros(w: Weight) -> i128 {
    i128::from(w.micros())
}

/// The robust z of a deviation: |deviation| / (factor × mad), two decimals; `None` when the MAD
/// is zero.
pub fn robust_z(deviation: Decimal, mad: Decimal, factor: Weight) -> Option<Decimal> {
    let scale = deviation.scale().max(mad.scale());
    let (d, m) = (at_scale(deviation.abs(), scale)?, at_scale(mad, scale)?);
    // |d| / (factor_micros / 10⁶ × m) = |d| × 10⁶ / (factor_micros × m).
    ratio::quotient(d.checked_mul(1_000_000)?, micros(factor).checked_mul(m)?, Z_DECIMALS)
}

/// Whether |deviation| > threshold × factor × mad, exactly (false when the MAD is zero).
pub fn beyond(deviation: Decimal, mad: Decimal, factor: Weight, threshold: Weight) -> bool {
    let scale = deviation.scale().max(mad.scale());
    let (Some(d), Some(m)) = (at_scale(deviation.abs(), scale), at_scale(mad, scale)) else { return false };
    if m == 0 {
        return false;
    }
    // |d| > t/10⁶ × f/10⁶ × m ⇔ |d| × 10¹² > t × f × m.
    match (d.checked_mul(1_000_000_000_000), micros(threshold).checked_mul(micros(factor)).and_then(|tf| tf.checked_mul(m))) {
        (Some(left), Some(right)) => left > right,
        _ => false,
    }
}

/// `center ± threshold × factor × mad`, rounded once to two decimals: the values beyond which a
/// region is flagged (the band of the charts).
pub fn bounds(center: Decimal, mad: Decimal, factor: Weight, threshold: Weight) -> Option<(Decimal, Decimal)> {
    let t = Decimal::try_from_i128_with_scale(micros(threshold), 6).ok()?;
    let f = Decimal::try_from_i128_with_scale(micros(factor), 6).ok()?;
    let half_width = t.checked_mul(f)?.checked_mul(mad)?;
    Some((round(center.checked_sub(half_width)?, 2)?, round(center.checked_add(half_width)?, 2)?))
}

/// An exact decimal rounded once, half away from zero (the rule of `ratio`).
pub fn round(value: Decimal, decimals: u32) -> Option<Decimal> {
    ratio::quotient(value.mantissa(), 10i128.checked_pow(value.scale())?, decimals)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(text: &str) -> Decimal {
        Decimal::from_str(text).unwrap()
    }

    fn w(text: &str) -> Weight {
        Weight::parse(text).unwrap()
    }

    #[test]
    fn medians_are_exact() {
        assert_eq!(median(&[d("3.00"), d("1.00"), d("2.00")]), Some(d("2.00")));
        assert_eq!(median(&[d("1.01"), d("1.00")]), Some(d("1.005")));
        assert_eq!(median(&[]), None);
        assert_eq!(median_absolute_deviation(&[d("1"), d("2"), d("4"), d("9")], d("3")), Some(d("1.5")));
    }

    #[test]
    fn robust_z_is_rounded_once_and_the_flag_is_exact() {
        // 1 482,60 / (1,4826 × 1 000) = 1 exactly; 4 447,80 / 1 482,6 = 3 exactly: not beyond 3.
        assert_eq!(robust_z(d("1482.60"), d("1000"), w("1,4826")), Some(d("1.00")));
        assert_eq!(robust_z(d("-4447.80"), d("1000"), w("1,4826")), Some(d("3.00")));
        assert!(!beyond(d("4447.80"), d("1000"), w("1,4826"), w("3")));
        assert!(beyond(d("4447.81"), d("1000"), w("1,4826"), w("3")));
        // 4 447,79 rounds to z = 3,00 but is not beyond; 4 447,81 also shows 3,00 and is.
        assert_eq!(robust_z(d("4447.81"), d("1000"), w("1,4826")), Some(d("3.00")));
        assert_eq!(robust_z(d("5"), d("0"), w("1,4826")), None);
        assert!(!beyond(d("5"), d("0"), w("1,4826"), w("3")));
    }

    #[test]
    fn bounds_are_the_band_of_the_threshold() {
        assert_eq!(bounds(d("8000.00"), d("100.00"), w("1,4826"), w("3")), Some((d("7555.22"), d("8444.78"))));
    }
}
