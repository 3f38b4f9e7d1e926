//! Reading amounts and percentages as councils publish them.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// The unit the amounts of a budget file are written in. Every amount is converted exactly to
/// pounds when read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AmountUnit {
    /// Pounds: `46267000`.
    #[default]
    Pounds,
    /// Thousands of pounds, £'000: `46,267`.
    Thousands,
    /// Millions of pounds, £m: `46.267`.
    Millions,
}

impl AmountUnit {
    /// How many pounds one unit is: 1, 1,000 or 1,000,000.
    pub fn factor(self) -> Decimal {
        match self {
            AmountUnit::Pounds => Decimal::ONE,
            AmountUnit::Thousands => Decimal::from(1_000u32),
            AmountUnit::Millions => Decimal::from(1_000_000u32),
        }
    }

    /// The name as written in options: `pounds`, `thousands`, `millions`.
    pub fn as_str(self) -> &'static str {
        match self {
            AmountUnit::Pounds => "pounds",
            AmountUnit::Thousands => "thousands",
            AmountUnit::Millions => "millions",
        }
    }
}

const AMOUNT_EXPECTED: &str =
    "an amount such as 46267, 46,267, 46267.5, £46,267, -443, (443) or (£443)";
const PERCENT_EXPECTED: &str = "a percentage such as 1.4, 1.4%, -1.4% or (1.4%)";

/// The sign and the unsigned body of a published number: `-x`, `−x` (U+2212) or `(x)`.
fn split_sign(text: &str) -> (bool, &str) {
    if let Some(inner) = text.strip_prefix('(').and_then(|t| t.strip_suffix(')')) {
        return (true, inner);
    }
    if let Some(rest) = text
        .strip_prefix('-')
        .or_else(|| text.strip_prefix('\u{2212}'))
    {
        return (true, rest);
    }
    (false, text)
}

/// `46267`, `46,267`, `46267.50`, `46,267.5`: digits, optionally in comma groups of three, then
/// optionally a point and at least one digit. Returns the digits without separators.
fn plain_number(text: &str) -> Option<String> {
    let (int, frac) = match text.split_once('.') {
        Some((int, frac)) => (int, Some(frac)),
        None => (text, None),
    };
    if let Some(frac) = frac {
        if frac.is_empty() || !frac.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
    }
    if int.is_empty() {
        return None;
    }
    let mut groups = int.split(',');
    let first = groups.next()?;
    if first.is_empty() || !first.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut digits = String::from(first);
    let mut grouped = false;
    for group in groups {
        grouped = true;
        if group.len() != 3 || !group.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        digits.push_str(group);
    }
    // A grouped number's first group has one to three digits: "1234,567" is not a
    // thousands-separated number.
    if grouped && first.len() > 3 {
        return None;
    }
    if let Some(frac) = frac {
        digits.push('.');
        digits.push_str(frac);
    }
    Some(digits)
}

fn to_decimal(digits: &str, negative: bool) -> Option<Decimal> {
    // `from_str_exact` refuses numbers beyond 28 significant digits rather than rounding them.
    let mut value = Decimal::from_str_exact(digits).ok()?;
    if negative && !value.is_zero() {
        value.set_sign_negative(true);
    }
    Some(value.normalize())
}

/// Reads one published amount in the given unit and returns it in pounds, exactly.
///
/// Accepted: digits with or without thousands separators in groups of three (`46267`,
/// `46,267`), a decimal part (`46,267.5`), an optional leading `£`, and a negative written with a
/// minus sign (`-443`, `−443`, `-£443`, `£-443`) or in brackets (`(443)`, `(£443)`). Spaces around
/// the whole text are ignored. Anything else — `n/a`, a lone `-`, `1,23`, `1e3`, `£ 4` — is an
/// [`InvalidValue`](crate::ErrorKind::InvalidValue) error quoting the text.
///
/// ```
/// use ragstatus::{parse_amount, AmountUnit};
/// use rust_decimal_macros::dec;
///
/// assert_eq!(parse_amount("46,267", AmountUnit::Thousands)?, dec!(46_267_000));
/// assert_eq!(parse_amount("(£443)", AmountUnit::Pounds)?, dec!(-443));
/// assert_eq!(parse_amount("0.652", AmountUnit::Millions)?, dec!(652_000));
/// assert!(parse_amount("n/a", AmountUnit::Pounds).is_err());
/// # Ok::<(), ragstatus::Error>(())
/// ```
pub fn parse_amount(text: &str, unit: AmountUnit) -> Result<Decimal> {
    let invalid = || Error::invalid_value(text, AMOUNT_EXPECTED);
    let trimmed = text.trim();
    let (negative, body) = split_sign(trimmed);
    let body = body.strip_prefix('£').unwrap_or(body);
    // "£-443": the minus after the pound sign, only when no sign came before it.
    let (negative, body) = if negative || !trimmed.starts_with('£') {
        (negative, body)
    } else {
        match body
            .strip_prefix('-')
            .or_else(|| body.strip_prefix('\u{2212}'))
        {
            Some(rest) => (true, rest),
            None => (false, body),
        }
    };
    let digits = plain_number(body).ok_or_else(invalid)?;
    let value = to_decimal(&digits, negative).ok_or_else(invalid)?;
    let pounds = value
        .checked_mul(unit.factor())
        .ok_or_else(|| Error::overflow(format!("{text:?} in {}", unit.as_str())))?;
    Ok(normalized(pounds))
}

/// Reads a published percentage: `1.4`, `1.4%`, `-1.4%`, `(1.4%)`, `(1.4)%`.
///
/// ```
/// use ragstatus::budget::parse_percent;
/// use rust_decimal_macros::dec;
///
/// assert_eq!(parse_percent("(1.4%)")?, dec!(-1.4));
/// assert!(parse_percent("1.4 pc").is_err());
/// # Ok::<(), ragstatus::Error>(())
/// ```
pub fn parse_percent(text: &str) -> Result<Decimal> {
    let invalid = || Error::invalid_value(text, PERCENT_EXPECTED);
    let trimmed = text.trim();
    let trimmed = trimmed.strip_suffix('%').unwrap_or(trimmed);
    let (negative, body) = split_sign(trimmed);
    let body = body.strip_suffix('%').unwrap_or(body);
    if body.contains(',') {
        return Err(invalid());
    }
    let digits = plain_number(body).ok_or_else(invalid)?;
    to_decimal(&digits, negative).ok_or_else(invalid)
}

/// The number of decimal places written in a published number (`1.4%` has one), which says how
/// finely it was rounded.
pub(crate) fn written_places(text: &str) -> u32 {
    let t = text.trim().trim_end_matches([')', '%']);
    match t.split_once('.') {
        Some((_, frac)) => u32::try_from(frac.trim_end_matches([')', '%']).len()).unwrap_or(28),
        None => 0,
    }
}

fn normalized(value: Decimal) -> Decimal {
    let mut value = value.normalize();
    if value.is_zero() {
        value.set_sign_positive(true);
    }
    value
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn published_forms() {
        let p = AmountUnit::Pounds;
        assert_eq!(parse_amount("46267", p).unwrap(), dec!(46267));
        assert_eq!(parse_amount(" £46,267.50 ", p).unwrap(), dec!(46267.5));
        assert_eq!(parse_amount("−443", p).unwrap(), dec!(-443));
        assert_eq!(parse_amount("£-443", p).unwrap(), dec!(-443));
        assert_eq!(parse_amount("-£443", p).unwrap(), dec!(-443));
        assert_eq!(parse_amount("(0)", p).unwrap(), dec!(0));
        for bad in [
            "", "-", "n/a", "1,23", "1234,567", "12.3.4", "£ 4", "1e3", "(-4)", "--4", "£(4)",
            "4.", ".5", "1,234.", "(4", "£", "+4", "1 234",
        ] {
            assert!(parse_amount(bad, p).is_err(), "{bad:?} accepted");
        }
        assert_eq!(
            parse_amount("79228162514264337593543950335", p)
                .unwrap()
                .to_string(),
            "79228162514264337593543950335"
        );
        assert!(parse_amount("792281625142643375935439503350", p).is_err());
        assert!(matches!(
            parse_amount("79228162514264337593543950335", AmountUnit::Thousands)
                .unwrap_err()
                .kind(),
            crate::ErrorKind::Overflow { .. }
        ));
    }

    #[test]
    fn percents() {
        assert_eq!(parse_percent("1.4").unwrap(), dec!(1.4));
        assert_eq!(parse_percent("(1.4)%").unwrap(), dec!(-1.4));
        assert_eq!(parse_percent("−0.5%").unwrap(), dec!(-0.5));
        assert!(parse_percent("1,000%").is_err());
        assert_eq!(written_places("(1.40%)"), 2);
        assert_eq!(written_places("652"), 0);
    }
}
