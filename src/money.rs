//! Exact money and weights, and the one rounding policy of the crate (largest remainder).
//!
//! Amounts are integer cents (`Amount`), driver values are integer micro-units (`Weight`).
//! No float ever touches either: the only arithmetic that divides is [`split`], which rounds
//! to the cent by the largest-remainder method so that every split conserves its total.

use std::fmt;
use std::iter::Sum;
use std::ops::{Add, AddAssign, Neg, Sub, SubAssign};

/// Largest absolute amount accepted on one ledger line: 999 999 999,99 €.
///
/// With at most [`MAX_LEDGER_LINES`] lines, no sum of amounts can overflow an `i64` of cents.
pub const MAX_LINE_CENTS: i64 = 99_999_999_999;

/// Largest number of ledger lines read from one file (a bound that keeps every sum exact).
pub const MAX_LEDGER_LINES: usize = 50_000_000;

/// An exact amount of money, in cents.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Amount(i64);

impl Amount {
    pub const ZERO: Amount = Amount(0);

    pub const fn from_cents(cents: i64) -> Amount {
        Amount(cents)
    }

    pub const fn cents(self) -> i64 {
        self.0
    }

    pub const fn is_zero(self) -> bool {
        self.0 == 0
    }

    /// Parses an amount as chambers write it: `1234,56`, `1234.56`, `1 234,56` (space, no-break
    /// space or narrow no-break space between thousands), `1.234,56`, `1,234.56`, a leading `-`
    /// or `+`, or SAP's trailing minus `100,20-`. At most two decimals.
    pub fn parse(text: &str) -> Result<Amount, AmountError> {
        Amount::parse_bytes(text.as_bytes())
    }

    /// [`Amount::parse`] on the bytes of a UTF-8 cell.
    #[inline(always)]
    pub fn parse_bytes(text: &[u8]) -> Result<Amount, AmountError> {
        match parse_plain_cents(text) {
            Some(cents) => Ok(Amount(cents)),
            None => parse_amount_fixed(text),
        }
    }
}

/// [`parse_fixed`] for an amount, out of line: the hot path is [`parse_plain_cents`].
#[inline(never)]
fn parse_amount_fixed(text: &[u8]) -> Result<Amount, AmountError> {
    parse_fixed(text, 2, MAX_LINE_CENTS.unsigned_abs()).map(Amount)
}

impl fmt::Display for Amount {
    /// `-1234.56`: two decimals, `.` separator, no thousands separator (spec §9).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        write!(f, "{sign}{}.{:02}", abs / 100, abs % 100)
    }
}

impl Add for Amount {
    type Output = Amount;
    fn add(self, rhs: Amount) -> Amount {
        Amount(self.0 + rhs.0)
    }
}

impl AddAssign for Amount {
    fn add_assign(&mut self, rhs: Amount) {
        self.0 += rhs.0;
    }
}

impl Sub for Amount {
    type Output = Amount;
    fn sub(self, rhs: Amount) -> Amount {
        Amount(self.0 - rhs.0)
    }
}

impl SubAssign for Amount {
    fn sub_assign(&mut self, rhs: Amount) {
        self.0 -= rhs.0;
    }
}

impl Neg for Amount {
    type Output = Amount;
    fn neg(self) -> Amount {
        Amount(-self.0)
    }
}

impl Sum for Amount {
    fn sum<I: Iterator<Item = Amount>>(iter: I) -> Amount {
        iter.fold(Amount::ZERO, Add::add)
    }
}

/// Number of decimals a driver value may have.
pub const WEIGHT_DECIMALS: u32 = 6;
const WEIGHT_UNIT: u64 = 10u64.pow(WEIGHT_DECIMALS);
/// Largest driver value accepted: one thousand million (ETP, m², vehicles, apprentice-hours).
pub const MAX_WEIGHT_UNITS: u64 = 1_000_000_000;

/// A non-negative driver value (ETP, m², vehicles, apprentice-hours), exact in micro-units.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Weight(u64);

impl Weight {
    pub const ZERO: Weight = Weight(0);

    pub const fn from_micros(micros: u64) -> Weight {
        Weight(micros)
    }

    pub const fn micros(self) -> u64 {
        self.0
    }

    pub const fn is_zero(self) -> bool {
        self.0 == 0
    }

    /// Parses a driver value in the same notations as amounts, with at most six decimals.
    /// A negative value is reported as such so that the caller can say so (`I001`).
    pub fn parse(text: &str) -> Result<Weight, WeightError> {
        match parse_fixed(text.as_bytes(), WEIGHT_DECIMALS, MAX_WEIGHT_UNITS * WEIGHT_UNIT) {
            Ok(v) if v < 0 => Err(WeightError::Negative),
            Ok(v) => Ok(Weight(v.unsigned_abs())),
            Err(e) => Err(WeightError::Invalid(e)),
        }
    }

    /// `heures × apprenants`, exact, or `None` when the product has more than six decimals or
    /// exceeds the largest value accepted.
    pub fn checked_product(self, other: Weight) -> Option<Weight> {
        let product = u128::from(self.0) * u128::from(other.0);
        let unit = u128::from(WEIGHT_UNIT);
        if product % unit != 0 {
            return None;
        }
        let micros = u64::try_from(product / unit).ok()?;
        (micros <= MAX_WEIGHT_UNITS * WEIGHT_UNIT).then_some(Weight(micros))
    }
}

impl fmt::Display for Weight {
    /// Shortest exact decimal: `12`, `0.5`, `1234.25`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let int = self.0 / WEIGHT_UNIT;
        let frac = self.0 % WEIGHT_UNIT;
        if frac == 0 {
            return write!(f, "{int}");
        }
        let digits = format!("{frac:06}");
        write!(f, "{int}.{}", digits.trim_end_matches('0'))
    }
}

/// Why a text is not an amount.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AmountError {
    Empty,
    NotANumber,
    TooManyDecimals,
    TooLarge,
}

impl AmountError {
    /// French explanation, completing « valeur illisible : … ».
    pub fn explain(self) -> &'static str {
        match self {
            AmountError::Empty => "la cellule est vide",
            AmountError::NotANumber => "ce n'est pas un nombre",
            AmountError::TooManyDecimals => "trop de décimales",
            AmountError::TooLarge => {
                "valeur hors des limites acceptées (au plus 999 999 999,99 € par ligne, 1 000 000 000 pour un inducteur)"
            }
        }
    }
}

/// Why a text is not a driver value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WeightError {
    Negative,
    Invalid(AmountError),
}

/// The fast path of the ledger's amounts: `-?digits([,.]d{1,2})?`, at most 9 integer digits
/// (within the bounds of [`MAX_LINE_CENTS`]). Anything else — spaces, thousands, trailing minus,
/// errors — goes through [`parse_fixed`], which gives the same value or says why not.
#[inline(always)]
fn parse_plain_cents(text: &[u8]) -> Option<i64> {
    let (negative, digits) = match text {
        [b'-', rest @ ..] => (true, rest),
        _ => (false, text),
    };
    let digit = |b: u8| {
        let d = b.wrapping_sub(b'0');
        (d < 10).then_some(i64::from(d))
    };
    // The decimals in straight-line code, read from the end.
    let (int, frac) = match digits {
        [int @ .., b',' | b'.', d, e] => (int, digit(*d)? * 10 + digit(*e)?),
        [int @ .., b',' | b'.', d] => (int, digit(*d)? * 10),
        _ => (digits, 0),
    };
    if int.is_empty() || int.len() > 9 {
        return None;
    }
    let mut cents: i64 = 0;
    for &b in int {
        cents = cents * 10 + digit(b)?;
    }
    let cents = cents * 100 + frac;
    Some(if negative { -cents } else { cents })
}

/// Parses a decimal number in the French and SAP notations into an integer scaled by
/// `10^decimals`, refusing more decimals than that and magnitudes above `max_abs`.
///
/// Works on bytes without allocating: it runs once per amount cell of the ledger.
fn parse_fixed(text: &[u8], decimals: u32, max_abs: u64) -> Result<i64, AmountError> {
    // Keep digits and separators; thousands spaces (incl. U+00A0, U+202F in UTF-8) are dropped;
    // a sign may lead, or trail as SAP writes it.
    let mut buf = [0u8; 40];
    let mut len = 0;
    let mut negative = false;
    let mut trailing = false;
    let mut i = 0;
    while i < text.len() {
        match text[i] {
            b @ (b'0'..=b'9' | b',' | b'.') => {
                if trailing {
                    return Err(AmountError::NotANumber);
                }
                if len == buf.len() {
                    return Err(AmountError::TooLarge);
                }
                buf[len] = b;
                len += 1;
            }
            b' ' | b'\t' | b'\'' | b'\r' | b'\n' => {}
            0xC2 if text.get(i + 1) == Some(&0xA0) => i += 1,
            0xE2 if text.get(i + 1..i + 3) == Some(&[0x80, 0xAF][..]) => i += 2,
            b'-' if !negative => {
                negative = true;
                trailing = len > 0;
            }
            b'+' if len == 0 && !negative => {}
            _ => return Err(AmountError::NotANumber),
        }
        i += 1;
    }
    let cleaned = &buf[..len];
    if cleaned.is_empty() {
        return Err(if negative { AmountError::NotANumber } else { AmountError::Empty });
    }
    // The decimal separator is the last `,` or `.` when the other one appears before it
    // (`1.234,56`, `1,234.56`), or the only separator otherwise (a comma is never a thousands
    // separator on its own: `1,234` has three decimals).
    let is_sep = |b: &u8| *b == b',' || *b == b'.';
    let commas = cleaned.iter().filter(|&&b| b == b',').count();
    let dots = cleaned.iter().filter(|&&b| b == b'.').count();
    let decimal_pos = match (commas, dots) {
        (0, 0) => None,
        (1, 0) | (0, 1) => cleaned.iter().position(is_sep),
        (0, _) | (_, 0) => return Err(AmountError::NotANumber),
        _ => {
            let last = cleaned.iter().rposition(is_sep).ok_or(AmountError::NotANumber)?;
            if cleaned[..last].contains(&cleaned[last]) {
                return Err(AmountError::NotANumber);
            }
            Some(last)
        }
    };
    let (int_part, frac_part) = match decimal_pos {
        Some(p) => (&cleaned[..p], &cleaned[p + 1..]),
        None => (cleaned, &[][..]),
    };
    if frac_part.iter().any(is_sep) {
        return Err(AmountError::NotANumber);
    }
    // A separator left in the integer part groups thousands: groups of exactly three digits.
    let mut groups = int_part.split(is_sep);
    let first = groups.next().unwrap_or_default();
    if int_part.len() > first.len() && (first.is_empty() || first.len() > 3 || groups.any(|g| g.len() != 3)) {
        return Err(AmountError::NotANumber);
    }
    if int_part.is_empty() && frac_part.is_empty() {
        return Err(AmountError::NotANumber);
    }
    let frac_digits = frac_part.iter().rev().skip_while(|&&b| b == b'0').count();
    if frac_digits > decimals as usize {
        return Err(AmountError::TooManyDecimals);
    }
    let mut value: u64 = 0;
    let digits = int_part.iter().filter(|b| b.is_ascii_digit()).copied();
    let fraction = (0..decimals as usize).map(|i| frac_part.get(i).copied().unwrap_or(b'0'));
    for d in digits.chain(fraction) {
        value = value.checked_mul(10).and_then(|v| v.checked_add(u64::from(d - b'0'))).ok_or(AmountError::TooLarge)?;
    }
    if value > max_abs {
        return Err(AmountError::TooLarge);
    }
    let value = i64::try_from(value).map_err(|_| AmountError::TooLarge)?;
    Ok(if negative { -value } else { value })
}

/// Splits `total` in proportion to `weights`, rounding to the cent by the largest remainder
/// method: every part is the floor of its exact share, then the cents left are given one by one
/// to the largest remainders, ties going to the earlier weight. A negative total is split by its
/// absolute value and the sign put back. The parts always add up to `total` exactly.
///
/// Fails when every weight is zero (nothing can receive the total) or, for absurdly large
/// weights, when the exact products do not fit in 128 bits (never with the bounds of the readers
/// and files of a few gigabytes: a guard, reported as such).
pub fn split(total: Amount, weights: &[u128]) -> Result<Vec<Amount>, SplitError> {
    split_exact(total, weights).ok_or(SplitError::TooLarge).and_then(|parts| parts.ok_or(SplitError::NoWeight))
}

/// Why a split failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SplitError {
    /// Every weight is zero.
    NoWeight,
    /// The exact products overflow 128 bits.
    TooLarge,
}

/// `None` on overflow; `Some(None)` when every weight is zero.
fn split_exact(total: Amount, weights: &[u128]) -> Option<Option<Vec<Amount>>> {
    let sum: u128 = weights.iter().try_fold(0u128, |acc, &w| acc.checked_add(w))?;
    if sum == 0 {
        return Some(None);
    }
    let abs = u128::from(total.0.unsigned_abs());
    let mut parts = Vec::with_capacity(weights.len());
    let mut remainders = Vec::with_capacity(weights.len());
    let mut given: u128 = 0;
    for (i, &w) in weights.iter().enumerate() {
        let product = abs.checked_mul(w)?;
        let share = product / sum;
        given += share;
        parts.push(share);
        remainders.push((product % sum, i));
    }
    let left = usize::try_from(abs - given).ok()?;
    if left > 0 {
        // Largest remainder first; equal remainders in the callers' tie order (index).
        remainders.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        for &(_, i) in remainders.iter().take(left) {
            parts[i] += 1;
        }
    }
    let sign = if total.0 < 0 { -1 } else { 1 };
    parts.into_iter().map(|p| i64::try_from(p).ok().map(|p| Amount(sign * p))).collect::<Option<Vec<_>>>().map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn a(text: &str) -> Result<i64, AmountError> {
        Amount::parse(text).map(Amount::cents)
    }

    #[test]
    fn amounts_in_french_and_sap_notations() {
        assert_eq!(a("1234,56"), Ok(123_456));
        assert_eq!(a("1234.56"), Ok(123_456));
        assert_eq!(a("1 234,56"), Ok(123_456));
        assert_eq!(a("1\u{a0}234,56"), Ok(123_456));
        assert_eq!(a("1\u{202f}234,5"), Ok(123_450));
        assert_eq!(a("1.234,56"), Ok(123_456));
        assert_eq!(a("1,234.56"), Ok(123_456));
        assert_eq!(a("100,20-"), Ok(-10_020));
        assert_eq!(a("-0,07"), Ok(-7));
        assert_eq!(a(" 12 "), Ok(1200));
        assert_eq!(a("0,100"), Ok(10), "trailing zeros are not decimals");
        assert_eq!(a("1,234"), Err(AmountError::TooManyDecimals));
        assert_eq!(a("12,345"), Err(AmountError::TooManyDecimals));
        assert_eq!(a(""), Err(AmountError::Empty));
        assert_eq!(a("douze"), Err(AmountError::NotANumber));
        assert_eq!(a("1.2.3,4"), Err(AmountError::NotANumber));
        assert_eq!(a("1.234.567,8"), Ok(123_456_780));
        assert_eq!(a("12.34,5"), Err(AmountError::NotANumber));
        assert_eq!(a("-5-"), Err(AmountError::NotANumber));
        assert_eq!(a("1000000000,00"), Err(AmountError::TooLarge));
        assert_eq!(a("999999999,99"), Ok(99_999_999_999));
        assert_eq!(a("- 12,50"), Ok(-1250));
        assert_eq!(a("12,50 -"), Ok(-1250));
        assert_eq!(a("1 2,5"), Ok(1250), "stray spaces are thousands spaces");
        assert_eq!(a("-"), Err(AmountError::NotANumber));
        assert_eq!(a(","), Err(AmountError::NotANumber));
        assert_eq!(a("12 €"), Err(AmountError::NotANumber));
    }

    #[test]
    fn the_fast_path_agrees_with_the_general_parser() {
        for text in ["0", "7", "12,5", "12.50", "-0,07", "123456789,99", "999999999", "1,", ",5", "-", "12,345", "1234567890", "+1", "1 2"]
        {
            let fast = parse_plain_cents(text.as_bytes());
            let general = parse_fixed(text.as_bytes(), 2, MAX_LINE_CENTS.unsigned_abs()).ok();
            assert!(fast.is_none() || fast == general, "{text}: {fast:?} vs {general:?}");
        }
        assert_eq!(parse_plain_cents(b"1234,56"), Some(123_456));
    }

    #[test]
    fn amounts_display_with_two_decimals() {
        assert_eq!(Amount::from_cents(123_456).to_string(), "1234.56");
        assert_eq!(Amount::from_cents(-7).to_string(), "-0.07");
        assert_eq!(Amount::ZERO.to_string(), "0.00");
    }

    #[test]
    fn weights_parse_and_multiply_exactly() {
        assert_eq!(Weight::parse("0,5"), Ok(Weight::from_micros(500_000)));
        assert_eq!(Weight::parse("-1"), Err(WeightError::Negative));
        assert_eq!(Weight::parse("1,1234567"), Err(WeightError::Invalid(AmountError::TooManyDecimals)));
        let h = Weight::parse("450,5").unwrap();
        let n = Weight::parse("12").unwrap();
        assert_eq!(h.checked_product(n), Some(Weight::parse("5406").unwrap()));
        assert_eq!(Weight::parse("0,001").unwrap().checked_product(Weight::parse("0,001").unwrap()), Some(Weight(1)));
        assert_eq!(Weight::parse("0,0001").unwrap().checked_product(Weight::parse("0,001").unwrap()), None);
        assert_eq!(Weight::parse("0,5").unwrap().to_string(), "0.5");
        assert_eq!(Weight::parse("12").unwrap().to_string(), "12");
    }

    #[test]
    fn split_by_largest_remainder() {
        // 100.00 € over 1:1:1 → 33.34 / 33.33 / 33.33: the first of three equal remainders wins.
        let parts = split(Amount::from_cents(10_000), &[1, 1, 1]).unwrap();
        assert_eq!(split(Amount(i64::MAX), &[u128::MAX / 2, 1]), Err(SplitError::TooLarge));
        assert_eq!(parts, vec![Amount(3334), Amount(3333), Amount(3333)]);
        // 0.05 € over 2:3 → 0.02 / 0.03 exactly.
        assert_eq!(split(Amount(5), &[2, 3]).unwrap(), vec![Amount(2), Amount(3)]);
        // 10.00 € over 1:2 → 3.333… / 6.666…: remainders 1/3 and 2/3, the cent goes to the second.
        assert_eq!(split(Amount(1000), &[1, 2]).unwrap(), vec![Amount(333), Amount(667)]);
        // A negative pool is split by its absolute value, sign put back.
        assert_eq!(split(Amount(-1000), &[1, 2]).unwrap(), vec![Amount(-333), Amount(-667)]);
        // Zero weights receive nothing; all-zero weights cannot split.
        assert_eq!(split(Amount(1000), &[0, 5]).unwrap(), vec![Amount(0), Amount(1000)]);
        assert_eq!(split(Amount(1000), &[0, 0]), Err(SplitError::NoWeight));
        assert_eq!(split(Amount(1000), &[]), Err(SplitError::NoWeight));
    }
}

/// Amounts cross every boundary (JSON, JavaScript) as strings with two decimals (spec §9).
impl serde::Serialize for Amount {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// A sum of weights (micro-units) as an exact decimal with at least two decimals: `5406.00`,
/// `12.125`.
pub fn weight_sum_text(micros: u128) -> String {
    let unit = u128::from(WEIGHT_UNIT);
    let frac = format!("{:06}", micros % unit);
    let trimmed = frac.trim_end_matches('0');
    let decimals = if trimmed.len() < 2 { &frac[..2] } else { trimmed };
    format!("{}.{decimals}", micros / unit)
}

/// An amount for a French sentence: `1 234,56 €`.
pub fn euros(amount: Amount) -> String {
    format!("{} €", french(amount))
}

/// French notation for people: `1 234,56` (narrow no-break space between thousands).
pub fn french(amount: Amount) -> String {
    let text = amount.to_string();
    let (sign, digits) = text.strip_prefix('-').map_or(("", text.as_str()), |d| ("-", d));
    let (int, frac) = digits.split_once('.').unwrap_or((digits, "00"));
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push('\u{202f}');
        }
        grouped.push(c);
    }
    format!("{sign}{grouped},{frac}")
}

#[cfg(test)]
mod display_tests {
    use super::*;

    #[test]
    fn french_and_weight_notations() {
        assert_eq!(french(Amount::from_cents(123_456_789)), "1\u{202f}234\u{202f}567,89");
        assert_eq!(french(Amount::from_cents(-5)), "-0,05");
        assert_eq!(weight_sum_text(5_406_000_000), "5406.00");
        assert_eq!(weight_sum_text(12_125_000), "12.125");
        assert_eq!(weight_sum_text(500_000), "0.50");
    }
}
