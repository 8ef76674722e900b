//! Calendar dates as the ledgers write them. The core never reads the clock: today's date is
//! always a parameter given by the host (CLI or page).

use std::fmt;

/// A valid calendar date (proleptic Gregorian).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: i32,
    month: u8,
    day: u8,
}

impl Date {
    #[inline]
    pub fn new(year: i32, month: u8, day: u8) -> Option<Date> {
        ((1..=9999).contains(&year) && (1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month)).then_some(Date {
            year,
            month,
            day,
        })
    }

    /// Parses `AAAAMMJJ` (FEC, SAP), `JJ/MM/AAAA` (French spreadsheets) or ISO `AAAA-MM-JJ`
    /// (an ISO date-time keeps only its date); a five-digit number between 32874 and 73050 is a
    /// spreadsheet serial of 1990–2099 (a date column formatted « Standard » shows `45306` for
    /// 15/01/2024).
    pub fn parse(text: &str) -> Option<Date> {
        Date::parse_bytes(text.as_bytes())
    }

    /// [`Date::parse`] on bytes, with a fast path for `AAAAMMJJ` and `JJ/MM/AAAA`, the shapes of
    /// nearly every ledger line.
    #[inline(always)]
    pub fn parse_bytes(bytes: &[u8]) -> Option<Date> {
        // Straight-line code on words: this runs once per ledger line. Each byte of `x` is its
        // digit's value when every byte where a digit belongs is one (and 0 where `/` is).
        const ZEROS: u64 = u64::from_le_bytes(*b"00000000");
        const FRENCH: u64 = u64::from_le_bytes(*b"00/00/00");
        const SLASHES: u64 = u64::from_le_bytes([0, 0, 0xFF, 0, 0, 0xFF, 0, 0]);
        let byte = |x: u64, i: u32| ((x >> (8 * i)) & 0xFF) as u32;
        match bytes {
            [first @ .., _, _] if first.len() == 6 => {
                let x = u64::from_le_bytes(bytes.try_into().ok()?) ^ ZEROS;
                if all_digits(x) {
                    let year = byte(x, 0) * 1000 + byte(x, 1) * 100 + byte(x, 2) * 10 + byte(x, 3);
                    return Date::new(year as i32, (byte(x, 4) * 10 + byte(x, 5)) as u8, (byte(x, 6) * 10 + byte(x, 7)) as u8);
                }
            }
            [head @ .., y2, y3] if head.len() == 8 => {
                let x = u64::from_le_bytes(head.try_into().ok()?) ^ FRENCH;
                let (y2, y3) = (y2.wrapping_sub(b'0'), y3.wrapping_sub(b'0'));
                if x & SLASHES == 0 {
                    // `JJ/MM/AAAA` is that or nothing.
                    if !(all_digits(x) && y2 < 10 && y3 < 10) {
                        return None;
                    }
                    let year = byte(x, 6) * 1000 + byte(x, 7) * 100 + u32::from(y2) * 10 + u32::from(y3);
                    return Date::new(year as i32, (byte(x, 3) * 10 + byte(x, 4)) as u8, (byte(x, 0) * 10 + byte(x, 1)) as u8);
                }
            }
            _ => {}
        }
        Date::parse_general_bytes(bytes)
    }

    #[inline(never)]
    fn parse_general_bytes(bytes: &[u8]) -> Option<Date> {
        Date::parse_general(std::str::from_utf8(bytes).ok()?)
    }

    fn parse_general(text: &str) -> Option<Date> {
        let t = text.trim();
        let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit()).then(|| s.parse::<i32>().ok()).flatten();
        if t.len() == 5 && t.bytes().all(|b| b.is_ascii_digit()) {
            // Only the serials of 1990–2099 (32874–73050): « 2024 » is not a date.
            let serial = i64::from(digits(t)?);
            return (32_874..=73_050).contains(&serial).then(|| Date::from_excel_serial(serial)).flatten();
        }
        if t.len() == 8 && t.bytes().all(|b| b.is_ascii_digit()) {
            return Date::new(digits(&t[..4])?, digits(&t[4..6])? as u8, digits(&t[6..])? as u8);
        }
        if let [d, m, y] = t.split('/').collect::<Vec<_>>()[..] {
            if y.len() == 4 && (1..=2).contains(&d.len()) && (1..=2).contains(&m.len()) {
                return Date::new(digits(y)?, digits(m)? as u8, digits(d)? as u8);
            }
            return None;
        }
        let t = t.split(['T', ' ']).next().unwrap_or(t);
        if let [y, m, d] = t.split('-').collect::<Vec<_>>()[..] {
            if y.len() == 4 && m.len() == 2 && d.len() == 2 {
                return Date::new(digits(y)?, digits(m)? as u8, digits(d)? as u8);
            }
        }
        None
    }

    /// The date of a spreadsheet serial number (days since 1899-12-30, the convention of Excel
    /// from 1900-03-01 on and of LibreOffice).
    pub fn from_excel_serial(days: i64) -> Option<Date> {
        Date::new(1899, 12, 30)?.add_days(days)
    }

    /// The spreadsheet serial number of the date (see [`Date::from_excel_serial`]): from
    /// 1900-03-01 on (serial 61) only, as before it Excel counts a 29 February 1900 that never
    /// was; `None` before (a typo, most likely, better written as text than as a wrong day).
    pub fn excel_serial(self) -> Option<i64> {
        // 1899-12-30 is day -25 569 from 1970-01-01.
        Some(self.day_number() + 25_569).filter(|&days| days >= 61)
    }

    pub fn year(self) -> i32 {
        self.year
    }

    pub fn month(self) -> u8 {
        self.month
    }

    pub fn day(self) -> u8 {
        self.day
    }

    /// French notation for people: `10/07/2024`.
    pub fn french(self) -> String {
        format!("{:02}/{:02}/{:04}", self.day, self.month, self.year)
    }

    /// Days since 1970-01-01 (negative before), for differences between dates.
    pub fn day_number(self) -> i64 {
        // Howard Hinnant's days_from_civil.
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The date `days` days later (earlier when negative).
    pub fn add_days(self, days: i64) -> Option<Date> {
        let z = self.day_number() + days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let year = yoe + era * 400 + i64::from(month <= 2);
        Date::new(i32::try_from(year).ok()?, month, day)
    }
}

/// Whether every byte of `x` is below 10 (`x` a word of bytes minus `'0'`).
#[inline(always)]
fn all_digits(x: u64) -> bool {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // A byte below 0x80 plus 0x76 reaches 0x80 exactly when it is 10 or more, with no carry out.
    (x | (x & !HIGH).wrapping_add(0x7676_7676_7676_7676)) & HIGH == 0
}

fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 31,
    }
}

impl fmt::Display for Date {
    /// ISO `AAAA-MM-JJ`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_three_notations() {
        let d = Date::new(2024, 7, 10).unwrap();
        assert_eq!(Date::parse("20240710"), Some(d));
        assert_eq!(Date::parse("10/07/2024"), Some(d));
        assert_eq!(Date::parse("2024-07-10"), Some(d));
        assert_eq!(Date::parse("2024-07-10T00:00:00"), Some(d));
        assert_eq!(Date::parse("1/7/2024"), Date::new(2024, 7, 1));
        assert_eq!(Date::parse("29/02/2023"), None);
        assert_eq!(Date::parse("29/02/2024"), Date::new(2024, 2, 29));
        assert_eq!(Date::parse("20241301"), None);
        assert_eq!(Date::parse("hier"), None);
        assert_eq!(Date::parse("45306"), Date::new(2024, 1, 15), "spreadsheet serial");
        assert_eq!(Date::parse("12"), None, "not a serial of a plausible ledger date");
        assert_eq!(Date::parse("2024"), None, "a year is not a date");
        assert_eq!(Date::parse("99999"), None);
        assert_eq!(Date::parse(""), None);
    }

    #[test]
    fn day_arithmetic() {
        let limit = Date::new(2024, 7, 31).unwrap();
        assert_eq!(limit.add_days(-21), Date::new(2024, 7, 10));
        assert_eq!(Date::new(2024, 3, 1).unwrap().add_days(-1), Date::new(2024, 2, 29));
        assert_eq!(Date::new(1970, 1, 1).unwrap().day_number(), 0);
        assert_eq!(limit.day_number() - Date::new(2024, 7, 10).unwrap().day_number(), 21);
    }
}
