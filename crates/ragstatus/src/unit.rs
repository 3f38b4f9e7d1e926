//! Units of measure, and how values and differences are written in explanations (SPEC §2).
//!
//! A [`Unit`] says what a value counts: a percent (0–100, whose differences are *percentage
//! points*), a count, money in a currency, days, a rate per N of population, a ratio or a score.
//! It decides nothing about a status; it only makes explanations read the way a report does:
//!
//! | unit | value | difference |
//! | --- | --- | --- |
//! | `percent` | `44.1%` | `0.9 points` |
//! | `count` | `1,234` | `12` |
//! | `currency` (GBP) | `£46,267`, `£1.25m` | `£46,267` |
//! | `days` | `3 days`, `1 day` | `0.2 days` |
//! | `rate` (per 1,000) | `12.5 per 1,000` | `0.4 per 1,000` |
//! | `ratio`, `score` | `1.25` | `0.05` |
//!
//! Display decimals: `Some(d)` rounds half away from zero (as a spreadsheet does) and pads to
//! exactly `d` places; `None` writes the value as given (at most 6 decimal places). Money of a
//! million or more is written in millions with one to three decimals (`£1.2m`, `£1.25m`,
//! `£1.235m`), as budget reports do; the exact figure is always in the data, never only in the text.
//! Formatting never fails and never panics, whatever the value.
//!
//! In definitions a unit is written `"percent"`, `"count"`, `"days"`, `"ratio"`, `"score"`,
//! `{ currency = "GBP" }` or `{ rate = "1000" }`.
//!
//! ```
//! use ragstatus::Unit;
//! use rust_decimal_macros::dec;
//!
//! assert_eq!(Unit::Percent.format_value(dec!(44.1), Some(1)), "44.1%");
//! assert_eq!(Unit::Percent.format_difference(dec!(0.9), Some(1)), "0.9 points");
//! assert_eq!(Unit::gbp().format_value(dec!(46267.4), Some(0)), "£46,267");
//! assert_eq!(Unit::gbp().format_value(dec!(1200000), Some(0)), "£1.2m");
//! assert_eq!(Unit::Days.format_value(dec!(3), None), "3 days");
//! assert_eq!(Unit::rate_per(dec!(1000))?.format_value(dec!(12.5), None), "12.5 per 1,000");
//! # Ok::<(), ragstatus::Error>(())
//! ```

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// What a value measures (SPEC §2).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(try_from = "UnitRepr", into = "UnitRepr")]
pub enum Unit {
    /// A percentage, 0–100. Differences are percentage points.
    Percent,
    /// A count of things (people, cases, complaints).
    Count,
    /// Money in a currency.
    Currency {
        /// The ISO 4217 code, upper case (`GBP`, `EUR`, `USD`).
        code: String,
    },
    /// A number of days.
    Days,
    /// A rate per `per` (per 1,000 or per 100,000 population).
    Rate {
        /// The base of the rate; positive.
        per: Decimal,
    },
    /// A ratio (e.g. staff to pupils).
    Ratio,
    /// A score on some scale.
    Score,
}

#[derive(Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
enum UnitRepr {
    Percent,
    Count,
    Currency(String),
    Days,
    Rate(
        #[cfg_attr(feature = "schema", schemars(with = "crate::schema::DecimalText"))]
        #[serde(deserialize_with = "crate::target::serde_decimal::deserialize")]
        Decimal,
    ),
    Ratio,
    Score,
}

impl TryFrom<UnitRepr> for Unit {
    type Error = Error;

    fn try_from(repr: UnitRepr) -> Result<Unit> {
        Ok(match repr {
            UnitRepr::Percent => Unit::Percent,
            UnitRepr::Count => Unit::Count,
            UnitRepr::Currency(code) => Unit::currency(&code)?,
            UnitRepr::Days => Unit::Days,
            UnitRepr::Rate(per) => Unit::rate_per(per)?,
            UnitRepr::Ratio => Unit::Ratio,
            UnitRepr::Score => Unit::Score,
        })
    }
}

impl From<Unit> for UnitRepr {
    fn from(unit: Unit) -> UnitRepr {
        match unit {
            Unit::Percent => UnitRepr::Percent,
            Unit::Count => UnitRepr::Count,
            Unit::Currency { code } => UnitRepr::Currency(code),
            Unit::Days => UnitRepr::Days,
            Unit::Rate { per } => UnitRepr::Rate(per),
            Unit::Ratio => UnitRepr::Ratio,
            Unit::Score => UnitRepr::Score,
        }
    }
}

impl Default for Unit {
    /// A count: the unit that adds nothing to a number.
    fn default() -> Unit {
        Unit::Count
    }
}

/// Half away from zero, as spreadsheets and published reports round.
const ROUNDING: RoundingStrategy = RoundingStrategy::MidpointAwayFromZero;

/// The most decimals written when the caller gives none.
const MAX_NATURAL_DECIMALS: u32 = 6;

impl Unit {
    /// Pounds sterling, the default currency.
    pub fn gbp() -> Unit {
        Unit::Currency { code: "GBP".into() }
    }

    /// A currency with this ISO 4217 code (three letters; any case, stored upper case).
    pub fn currency(code: &str) -> Result<Unit> {
        let trimmed = code.trim();
        if trimmed.len() == 3 && trimmed.chars().all(|c| c.is_ascii_alphabetic()) {
            Ok(Unit::Currency {
                code: trimmed.to_ascii_uppercase(),
            })
        } else {
            Err(
                Error::invalid_value(code, "a three-letter ISO 4217 currency code such as GBP")
                    .with_field("unit.currency"),
            )
        }
    }

    /// A rate per `per` of population; `per` must be positive.
    pub fn rate_per(per: Decimal) -> Result<Unit> {
        if per > Decimal::ZERO {
            Ok(Unit::Rate { per })
        } else {
            Err(
                Error::invalid_value(per.to_string(), "a positive rate base such as 1000")
                    .with_field("unit.rate"),
            )
        }
    }

    /// The lowercase name used in definitions: `percent`, `count`, `currency`, ...
    pub fn as_str(&self) -> &'static str {
        match self {
            Unit::Percent => "percent",
            Unit::Count => "count",
            Unit::Currency { .. } => "currency",
            Unit::Days => "days",
            Unit::Rate { .. } => "rate",
            Unit::Ratio => "ratio",
            Unit::Score => "score",
        }
    }

    /// A value with its unit: `44.1%`, `£46,267`, `£1.2m`, `3 days`, `12.5 per 1,000`.
    pub fn format_value(&self, value: Decimal, decimals: Option<u32>) -> String {
        let mut text = String::with_capacity(48);
        self.write_value(&mut text, value, decimals);
        text
    }

    /// [`format_value`](Unit::format_value) appended to `out`: the same text, without a
    /// `String` of its own (explanations of whole frames are written into one buffer).
    pub fn write_value(&self, out: &mut String, value: Decimal, decimals: Option<u32>) {
        match self {
            Unit::Percent => {
                number_into(out, value, decimals);
                out.push('%');
            }
            Unit::Count | Unit::Ratio | Unit::Score => number_into(out, value, decimals),
            Unit::Currency { code } => money_into(out, code, value, decimals),
            Unit::Days => {
                let start = out.len();
                number_into(out, value, decimals);
                let noun = if out.get(start..) == Some("1") {
                    " day"
                } else {
                    " days"
                };
                out.push_str(noun);
            }
            Unit::Rate { per } => {
                number_into(out, value, decimals);
                out.push_str(" per ");
                grouped_into(out, per.normalize());
            }
        }
    }

    /// The size of a difference between two values of this unit, without sign: `0.9 points`
    /// for a percent, `£1.2m`, `3 days`. The sign is dropped because explanations say the
    /// direction in words ("below", "above").
    pub fn format_difference(&self, difference: Decimal, decimals: Option<u32>) -> String {
        let mut text = String::with_capacity(48);
        self.write_difference(&mut text, difference, decimals);
        text
    }

    /// [`format_difference`](Unit::format_difference) appended to `out`.
    pub fn write_difference(&self, out: &mut String, difference: Decimal, decimals: Option<u32>) {
        let size = difference.abs();
        match self {
            Unit::Percent => {
                let start = out.len();
                number_into(out, size, decimals);
                let noun = if out.get(start..) == Some("1") {
                    " point"
                } else {
                    " points"
                };
                out.push_str(noun);
            }
            _ => self.write_value(out, size, decimals),
        }
    }

    /// The size of a tolerance as it reads before the word "tolerance": `the 2.0-point
    /// tolerance`, `the 0.5-day tolerance`, `the tolerance of £5,000`.
    pub fn format_tolerance(&self, amount: Decimal, decimals: Option<u32>) -> String {
        let mut text = String::with_capacity(48);
        self.write_tolerance(&mut text, amount, decimals);
        text
    }

    /// [`format_tolerance`](Unit::format_tolerance) appended to `out`.
    pub fn write_tolerance(&self, out: &mut String, amount: Decimal, decimals: Option<u32>) {
        let size = amount.abs();
        match self {
            Unit::Percent => {
                out.push_str("the ");
                number_into(out, size, decimals);
                out.push_str("-point tolerance");
            }
            Unit::Days => {
                out.push_str("the ");
                number_into(out, size, decimals);
                out.push_str("-day tolerance");
            }
            _ => {
                out.push_str("the tolerance of ");
                self.write_value(out, size, decimals);
            }
        }
    }
}

impl std::fmt::Display for Unit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Unit::Currency { code } => write!(f, "currency ({code})"),
            Unit::Rate { per } => write!(f, "rate per {}", natural(*per)),
            other => f.write_str(other.as_str()),
        }
    }
}

/// Money: a symbol for the common currencies, the code before the amount otherwise; a million
/// or more in millions.
fn money_into(out: &mut String, code: &str, value: Decimal, decimals: Option<u32>) {
    let symbol = match code {
        "GBP" => "£",
        "EUR" => "€",
        "USD" => "$",
        _ => "",
    };
    let start = out.len();
    let million = Decimal::from(1_000_000u32);
    let mut suffix = "";
    if value.abs() >= million {
        // Division by a power of ten is exact, so this cannot fail for a finite decimal.
        match value.checked_div(million) {
            Some(millions) => {
                let mut m = millions.round_dp_with_strategy(3, ROUNDING).normalize();
                if m.scale() < 1 {
                    m.rescale(1);
                }
                grouped_into(out, m);
                suffix = "m";
            }
            None => number_into(out, value, decimals),
        }
    } else {
        number_into(out, value, decimals);
    }
    // The sign goes before the symbol or code: "-£5", "-CHF 5".
    let sign = out.get(start..).is_some_and(|d| d.starts_with('-'));
    let at = if sign { start + 1 } else { start };
    if symbol.is_empty() {
        out.insert(at, ' ');
        out.insert_str(at, code);
    } else {
        out.insert_str(at, symbol);
    }
    out.push_str(suffix);
}

/// A plain number with thousands separators, rounded to `decimals` (padded) or as given.
#[cfg(test)]
fn number(value: Decimal, decimals: Option<u32>) -> String {
    let mut out = String::with_capacity(48);
    number_into(&mut out, value, decimals);
    out
}

/// A plain number with thousands separators, rounded to `decimals` (padded) or as given,
/// appended to `out`.
pub(crate) fn number_into(out: &mut String, value: Decimal, decimals: Option<u32>) {
    let mut v = match decimals {
        Some(dp) => {
            let dp = dp.min(28);
            let mut rounded = round_half_away(value, dp);
            // Padding only: a value already at `dp` places (the usual case) is left as it is.
            if rounded.scale() != dp {
                rounded.rescale(dp);
            }
            rounded
        }
        None if value.scale() > MAX_NATURAL_DECIMALS => value
            .round_dp_with_strategy(MAX_NATURAL_DECIMALS, ROUNDING)
            .normalize(),
        None => value,
    };
    if v.is_zero() {
        v.set_sign_positive(true);
    }
    grouped_into(out, v);
}

/// A number written without trailing zeros (for rate bases: `1,000`).
fn natural(value: Decimal) -> String {
    let mut out = String::with_capacity(16);
    grouped_into(&mut out, value.normalize());
    out
}

/// `value.round_dp_with_strategy(dp, ROUNDING)` in one integer division of the mantissa (the
/// library's loop of word divisions was the largest single cost of writing explanations).
/// Same result, sign of a zero aside (callers that show it make zeros positive).
fn round_half_away(value: Decimal, dp: u32) -> Decimal {
    let scale = value.scale();
    if scale <= dp {
        return value;
    }
    let mantissa = value.mantissa();
    // scale - dp is 1..=28, so the power fits an i128, and the quotient has fewer digits than
    // the 96-bit mantissa.
    let unit = 10i128.pow(scale - dp);
    let (quotient, remainder) = (mantissa / unit, mantissa % unit);
    let quotient = if remainder.unsigned_abs() * 2 >= unit.unsigned_abs() {
        quotient + mantissa.signum()
    } else {
        quotient
    };
    Decimal::try_from_i128_with_scale(quotient, dp)
        .unwrap_or_else(|_| value.round_dp_with_strategy(dp, ROUNDING))
}

/// The decimal's own digits (as its `Display` writes them) with a comma every three integer
/// digits, appended to `out`; written from the mantissa, without the intermediate text.
fn grouped_into(out: &mut String, value: Decimal) {
    // Composed in bytes on the stack and appended once: at most a sign, 29 digits, 9 commas,
    // a point and 28 zeros of padding.
    let mut text = [0u8; 80];
    let mut len = 0usize;
    let mut put = |b: u8| {
        if let Some(slot) = text.get_mut(len) {
            *slot = b;
            len += 1;
        }
    };
    if value.is_sign_negative() {
        put(b'-');
    }
    let mut buffer = [0u8; 40];
    let digits = mantissa_digits(value.mantissa().unsigned_abs(), &mut buffer);
    let scale = value.scale() as usize;
    let (whole, frac) = digits.split_at(digits.len().saturating_sub(scale));
    if whole.is_empty() {
        put(b'0');
    }
    let count = whole.len();
    for (i, d) in whole.iter().enumerate() {
        if i > 0 && (count - i) % 3 == 0 {
            put(b',');
        }
        put(*d);
    }
    if scale > 0 {
        put(b'.');
        for _ in frac.len()..scale {
            put(b'0');
        }
        for d in frac {
            put(*d);
        }
    }
    // Only ASCII digits, signs, commas and points were written.
    if let Some(Ok(text)) = text.get(..len).map(std::str::from_utf8) {
        out.push_str(text);
    }
}

/// Appends a decimal's text to a byte buffer exactly as its `Display` writes it: the
/// mantissa's digits with the point `scale` places from the right, a `0` before a point with no
/// whole digits, trailing zeros kept, and `-` for any negative (a negative zero too).
///
/// Writers of millions of rows (CSV, JSON lines) use it to skip a `String` per value.
///
/// ```
/// use ragstatus::unit::write_decimal;
/// use rust_decimal_macros::dec;
///
/// let mut out = Vec::new();
/// for value in [dec!(93.1350), dec!(-0.05), dec!(0), dec!(79228162514264337593543950335)] {
///     write_decimal(&mut out, value);
///     out.push(b' ');
/// }
/// assert_eq!(out, b"93.1350 -0.05 0 79228162514264337593543950335 ");
/// ```
pub fn write_decimal(out: &mut Vec<u8>, value: Decimal) {
    if value.is_sign_negative() {
        out.push(b'-');
    }
    let mut buffer = [0u8; 40];
    let digits = mantissa_digits(value.mantissa().unsigned_abs(), &mut buffer);
    let scale = value.scale() as usize;
    let (whole, frac) = digits.split_at(digits.len().saturating_sub(scale));
    if whole.is_empty() {
        out.push(b'0');
    } else {
        out.extend_from_slice(whole);
    }
    if scale > 0 {
        out.push(b'.');
        out.resize(out.len() + scale.saturating_sub(frac.len()), b'0');
        out.extend_from_slice(frac);
    }
}

/// The decimal digits of a mantissa written from the right into `buffer`, nine at a time
/// in 64-bit arithmetic: much cheaper than the formatting machinery.
fn mantissa_digits(mantissa: u128, buffer: &mut [u8; 40]) -> &[u8] {
    const BILLION: u64 = 1_000_000_000;
    if let Ok(mut small) = u64::try_from(mantissa) {
        // Most values shown: one 64-bit division by ten per digit.
        let mut at = buffer.len();
        loop {
            at = at.saturating_sub(1);
            if let Some(slot) = buffer.get_mut(at) {
                *slot = b'0' + (small % 10) as u8;
            }
            small /= 10;
            if small == 0 || at == 0 {
                break;
            }
        }
        return buffer.get(at..).unwrap_or_default();
    }
    // The mantissa as 32-bit words, most significant first, divided by 10^9 in 64-bit steps
    // (division by a constant: a multiplication), nine digits at a time.
    let mut words = [
        (mantissa >> 96) as u32,
        (mantissa >> 64) as u32,
        (mantissa >> 32) as u32,
        mantissa as u32,
    ];
    let mut at = buffer.len();
    let mut put = |digit: u32, at: &mut usize| {
        *at = at.saturating_sub(1);
        if let Some(slot) = buffer.get_mut(*at) {
            *slot = b'0' + (digit % 10) as u8;
        }
    };
    loop {
        let mut remainder = 0u64;
        for word in &mut words {
            let current = (remainder << 32) | u64::from(*word);
            *word = (current / BILLION) as u32;
            remainder = current % BILLION;
        }
        let mut chunk = remainder as u32;
        if words.iter().all(|w| *w == 0) {
            loop {
                put(chunk, &mut at);
                chunk /= 10;
                if chunk == 0 {
                    break;
                }
            }
            break;
        }
        for _ in 0..9 {
            put(chunk, &mut at);
            chunk /= 10;
        }
    }
    buffer.get(at..).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;
    use std::str::FromStr;

    #[test]
    fn write_decimal_writes_as_display_does() {
        let mut cases: Vec<Decimal> = [
            "0",
            "-0",
            "0.0",
            "-0.00",
            "1",
            "-1",
            "0.5",
            "-0.05",
            "10",
            "100.10",
            "70.0",
            "70.761670761670761670761670762",
            "-9.238329238329238329238329238",
            "0.0000000000000000000000000001",
            "7.922816251464326433759354395",
            "18446744073709551616",
            "18446744073709551615.5",
        ]
        .iter()
        .map(|s| Decimal::from_str(s).unwrap_or_else(|e| panic!("{s}: {e}")))
        .chain([Decimal::MAX, Decimal::MIN])
        .collect();
        cases.extend(spread(0x9E37_79B9_7F4A_7C15));
        for d in cases {
            let mut out = Vec::new();
            write_decimal(&mut out, d);
            assert_eq!(String::from_utf8(out).unwrap(), d.to_string(), "{d:?}");
        }
    }

    /// The previous implementation, kept to check the faster one against.
    fn number_reference(value: Decimal, decimals: Option<u32>) -> String {
        let mut v = match decimals {
            Some(dp) => {
                let dp = dp.min(28);
                let mut rounded = value.round_dp_with_strategy(dp, ROUNDING);
                rounded.rescale(dp);
                rounded
            }
            None if value.scale() > MAX_NATURAL_DECIMALS => value
                .round_dp_with_strategy(MAX_NATURAL_DECIMALS, ROUNDING)
                .normalize(),
            None => value,
        };
        if v.is_zero() {
            v.set_sign_positive(true);
        }
        let text = v.to_string();
        let (sign, unsigned) = match text.strip_prefix('-') {
            Some(rest) => ("-", rest),
            None => ("", text.as_str()),
        };
        let (int, frac) = match unsigned.split_once('.') {
            Some((int, frac)) => (int, Some(frac)),
            None => (unsigned, None),
        };
        let mut out = String::from(sign);
        let len = int.len();
        for (i, c) in int.chars().enumerate() {
            if i > 0 && (len - i) % 3 == 0 {
                out.push(',');
            }
            out.push(c);
        }
        if let Some(frac) = frac {
            out.push('.');
            out.push_str(frac);
        }
        out
    }

    /// 20,000 decimals of every size, sign and scale, from a fixed xorshift generator.
    fn spread(seed: u64) -> Vec<Decimal> {
        let mut x = seed;
        (0..20_000)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                let hi = (x >> 32) as u32 >> (x % 32);
                let mid = x as u32 >> ((x >> 8) % 32);
                let lo = (x >> 16) as u32;
                Decimal::from_parts(lo, mid, hi, x % 2 == 0, (x % 29) as u32)
            })
            .collect()
    }

    #[test]
    fn numbers_as_before() {
        let mut cases = vec![
            Decimal::ZERO,
            -Decimal::ZERO,
            Decimal::MAX,
            Decimal::MIN,
            dec!(0.05),
            dec!(-0.05),
            dec!(0.04),
            dec!(-0.04),
            dec!(94.95),
            dec!(-94.95),
            dec!(999.95),
            dec!(999999.5),
            dec!(70.761670761670761670761670762),
            dec!(-9.238329238329238329238329238),
            dec!(0.0000000000000000000000000005),
            dec!(7922816251426433759354395.0335),
        ];
        cases.extend(spread(0x2545_F491_4F6C_DD1D));
        for v in cases {
            for dp in [None, Some(0), Some(1), Some(2), Some(3), Some(6), Some(28)] {
                assert_eq!(number(v, dp), number_reference(v, dp), "{v:?} {dp:?}");
            }
        }
    }

    #[test]
    fn values() {
        assert_eq!(Unit::Percent.format_value(dec!(44.1), Some(1)), "44.1%");
        assert_eq!(Unit::Percent.format_value(dec!(45), Some(1)), "45.0%");
        assert_eq!(Unit::Percent.format_value(dec!(94.95), Some(1)), "95.0%");
        assert_eq!(Unit::Percent.format_value(dec!(-0.04), Some(1)), "0.0%");
        assert_eq!(Unit::Count.format_value(dec!(1234567), None), "1,234,567");
        assert_eq!(Unit::Count.format_value(dec!(-1234.5), Some(0)), "-1,235");
        assert_eq!(Unit::gbp().format_value(dec!(46267), Some(0)), "£46,267");
        assert_eq!(Unit::gbp().format_value(dec!(-46267), None), "-£46,267");
        assert_eq!(Unit::gbp().format_value(dec!(1250000), Some(0)), "£1.25m");
        assert_eq!(Unit::gbp().format_value(dec!(1234567), Some(0)), "£1.235m");
        assert_eq!(
            Unit::currency("chf")
                .unwrap()
                .format_value(dec!(12), Some(2)),
            "CHF 12.00"
        );
        assert_eq!(Unit::Days.format_value(dec!(1), None), "1 day");
        assert_eq!(Unit::Days.format_value(dec!(1), Some(1)), "1.0 days");
        assert_eq!(Unit::Days.format_value(dec!(3.2), None), "3.2 days");
        assert_eq!(
            Unit::rate_per(dec!(100000))
                .unwrap()
                .format_value(dec!(12.5), Some(1)),
            "12.5 per 100,000"
        );
        assert_eq!(
            Unit::Ratio.format_value(dec!(0.1234567891), None),
            "0.123457"
        );
    }

    #[test]
    fn differences_and_tolerances() {
        assert_eq!(
            Unit::Percent.format_difference(dec!(-0.9), Some(1)),
            "0.9 points"
        );
        assert_eq!(Unit::Percent.format_difference(dec!(1), None), "1 point");
        assert_eq!(Unit::gbp().format_difference(dec!(-1200000), None), "£1.2m");
        assert_eq!(Unit::Days.format_difference(dec!(3), None), "3 days");
        assert_eq!(
            Unit::Percent.format_tolerance(dec!(2), Some(1)),
            "the 2.0-point tolerance"
        );
        assert_eq!(
            Unit::Days.format_tolerance(dec!(0.5), None),
            "the 0.5-day tolerance"
        );
        assert_eq!(
            Unit::gbp().format_tolerance(dec!(5000), None),
            "the tolerance of £5,000"
        );
    }

    #[test]
    fn extremes_do_not_panic() {
        for unit in [Unit::Percent, Unit::gbp(), Unit::Days, Unit::Count] {
            for v in [
                Decimal::MAX,
                Decimal::MIN,
                Decimal::ZERO,
                Decimal::new(1, 28),
            ] {
                for dp in [None, Some(0), Some(2), Some(28), Some(u32::MAX)] {
                    assert!(!unit.format_value(v, dp).is_empty());
                    assert!(!unit.format_difference(v, dp).is_empty());
                }
            }
        }
    }

    #[test]
    fn serde_shapes() {
        let units: Vec<Unit> =
            serde_json::from_str(r#"["percent", {"currency": "gbp"}, {"rate": "1000"}]"#).unwrap();
        assert_eq!(
            units,
            vec![Unit::Percent, Unit::gbp(), Unit::Rate { per: dec!(1000) }]
        );
        assert_eq!(
            serde_json::to_string(&units).unwrap(),
            r#"["percent",{"currency":"GBP"},{"rate":"1000"}]"#
        );
        assert!(serde_json::from_str::<Unit>(r#"{"rate": "0"}"#).is_err());
        assert!(serde_json::from_str::<Unit>(r#"{"currency": "pounds"}"#).is_err());
    }
}
