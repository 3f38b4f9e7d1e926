//! The one exact reader of numbers written as text (see the [module docs](crate::input)).

use rust_decimal::Decimal;

use crate::budget::AmountUnit;
use crate::error::{Error, Result};

/// Which written forms a column accepts, beyond plain decimal numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum NumberForm {
    /// A value as a spreadsheet or a statistics package exports it: `44.1`, `-3`, `+2`, `.5`,
    /// `4.41e1`, `1,842`, `12,345.6`.
    #[default]
    Plain,
    /// A published amount in the column's declared unit, read into pounds: `46267`, `46,267.5`,
    /// `£46,267`, `-443`, `−443` (U+2212), `-£443`, `£-443`, `(443)`, `(£443)`, and a unit
    /// written on the value itself, `£1.2m` or `£450k`, which wins over the column's. No
    /// exponent, no `+`, and the point has digits on both sides.
    Amount(AmountUnit),
    /// A published percentage: `1.4`, `1.4%`, `-1.4%`, `−1.4%`, `(1.4%)`, `(1.4)%`. No
    /// thousands separators.
    Percent,
}

impl NumberForm {
    /// What the form accepts, for error messages.
    pub fn expected(self) -> &'static str {
        match self {
            NumberForm::Plain => "a number such as 44.1, -3, 1,842 or 4.41e1",
            NumberForm::Amount(_) => {
                "an amount such as 46267, 46,267, 46267.5, £46,267, -443, (443) or (£443)"
            }
            NumberForm::Percent => "a percentage such as 1.4, 1.4%, -1.4% or (1.4%)",
        }
    }
}

/// The largest number of decimal places a [`Decimal`] holds.
const MAX_PLACES: u32 = 28;

/// Reads one number written in `form`, exactly.
///
/// Thousands separators are accepted only in groups of three after a first group of one to
/// three digits (`1,842`, `12,345.6`; not `44,5`, `1,,2`, `,5`, `1,84` or `1234,567`). Surrounding
/// whitespace is ignored. A number is never rounded: more decimal places than a [`Decimal`]
/// holds (28) or more significant digits than it holds (a magnitude up to 79,228,162,514,264,
/// 337,593,543,950,335) is an [`InvalidValue`](crate::ErrorKind::InvalidValue) error saying so,
/// unless the extra digits are trailing zeros. An amount that overflows once converted to
/// pounds is an [`Overflow`](crate::ErrorKind::Overflow) error.
///
/// An empty cell is not a number: test [`is_missing`](crate::input::is_missing) first where a
/// column may be empty.
///
/// ```
/// use ragstatus::budget::AmountUnit;
/// use ragstatus::input::{parse_number, NumberForm};
/// use rust_decimal_macros::dec;
///
/// assert_eq!(parse_number("1,842", NumberForm::Plain)?, dec!(1842));
/// assert_eq!(parse_number("4.41e1", NumberForm::Plain)?, dec!(44.1));
/// assert!(parse_number("44,5", NumberForm::Plain).is_err());
/// assert!(parse_number("44.999999999999999999999999999999", NumberForm::Plain).is_err());
/// assert!(parse_number("(123)", NumberForm::Plain).is_err());
/// assert_eq!(parse_number("(123)", NumberForm::Amount(AmountUnit::Pounds))?, dec!(-123));
/// assert_eq!(parse_number("£1.2m", NumberForm::Amount(AmountUnit::Thousands))?, dec!(1_200_000));
/// # Ok::<(), ragstatus::Error>(())
/// ```
pub fn parse_number(text: &str, form: NumberForm) -> Result<Decimal> {
    let invalid = || Error::invalid_value(text, form.expected());
    let trimmed = text.trim();
    if form == NumberForm::Plain {
        if let Some(value) = simple(trimmed) {
            return Ok(positive_zero(value));
        }
    }
    let (value, unit) = match form {
        NumberForm::Plain => {
            let (negative, body) = match trimmed.as_bytes().first() {
                Some(b'-') => (true, trimmed.get(1..).unwrap_or_default()),
                Some(b'+') => (false, trimmed.get(1..).unwrap_or_default()),
                _ => (false, trimmed),
            };
            let number = Written::plain(body).ok_or_else(invalid)?;
            (number.exact(text, negative)?, None)
        }
        NumberForm::Amount(unit) => {
            let (negative, body) = split_sign(trimmed);
            let body = body.strip_prefix('£').unwrap_or(body);
            // "£-443": the minus after the pound sign, only when no sign came before it.
            let (negative, body) = match strip_minus(body) {
                Some(rest) if !negative && trimmed.starts_with('£') => (true, rest),
                _ => (negative, body),
            };
            let (body, unit) = match body.strip_suffix(['m', 'M']) {
                Some(rest) => (rest, AmountUnit::Millions),
                None => match body.strip_suffix(['k', 'K']) {
                    Some(rest) => (rest, AmountUnit::Thousands),
                    None => (body, unit),
                },
            };
            let number = Written::strict(body, true).ok_or_else(invalid)?;
            (number.exact(text, negative)?, Some(unit))
        }
        NumberForm::Percent => {
            let body = trimmed.strip_suffix('%').unwrap_or(trimmed);
            let (negative, body) = split_sign(body);
            let body = body.strip_suffix('%').unwrap_or(body);
            let number = Written::strict(body, false).ok_or_else(invalid)?;
            (number.exact(text, negative)?, None)
        }
    };
    match unit {
        // A plain value keeps the places it was written with ("491.0" shows as written);
        // published amounts and percentages are compared, not shown, so they are normalised.
        None if form == NumberForm::Plain => Ok(positive_zero(value)),
        None => Ok(normalized(value)),
        Some(unit) => value
            .checked_mul(unit.factor())
            .map(normalized)
            .ok_or_else(|| Error::overflow(format!("{text:?} in {}", unit.as_str()))),
    }
}

/// The common case read without building a digit string: `-`, digits, and a point with digits
/// after it, at most 28 characters, which a [`Decimal`] always holds exactly.
fn simple(text: &str) -> Option<Decimal> {
    let body = text.strip_prefix('-').unwrap_or(text);
    let (int, frac) = body.split_once('.').unwrap_or((body, "1"));
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if text.len() > 28 || !digits(int) || !digits(frac) {
        return None;
    }
    Decimal::from_str_exact(text).ok()
}

/// The sign and the unsigned body of a published number: `-x`, `−x` (U+2212) or `(x)`.
fn split_sign(text: &str) -> (bool, &str) {
    if let Some(inner) = text.strip_prefix('(').and_then(|t| t.strip_suffix(')')) {
        return (true, inner);
    }
    match strip_minus(text) {
        Some(rest) => (true, rest),
        None => (false, text),
    }
}

fn strip_minus(text: &str) -> Option<&str> {
    text.strip_prefix('-')
        .or_else(|| text.strip_prefix('\u{2212}'))
}

/// The digits of a number as written, before it is made a [`Decimal`].
#[derive(Debug)]
struct Written {
    /// Every digit written, integer part then fraction, without separators.
    digits: String,
    /// How many of them are after the point.
    places: u64,
    /// The power of ten written after `e`.
    exponent: i64,
}

impl Written {
    /// Digits with optional thousands separators, an optional point and fraction (either part
    /// may be empty, not both), and an optional exponent.
    fn plain(text: &str) -> Option<Written> {
        let (mantissa, exponent) = match text.find(['e', 'E']) {
            Some(at) => {
                let (m, e) = text.split_at(at);
                (m, Some(e.get(1..)?))
            }
            None => (text, None),
        };
        let (int, frac) = match mantissa.split_once('.') {
            Some((int, frac)) => (int, frac),
            None => (mantissa, ""),
        };
        // Separators and an exponent together are no export format's output.
        if (int.is_empty() && frac.is_empty()) || (exponent.is_some() && int.contains(',')) {
            return None;
        }
        let mut digits = if int.is_empty() {
            String::new()
        } else {
            grouped_digits(int)?
        };
        if !frac.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        digits.push_str(frac);
        let exponent = match exponent {
            None => 0,
            Some(e) => {
                let unsigned = e.strip_prefix(['+', '-']).unwrap_or(e);
                if unsigned.is_empty() || !unsigned.bytes().all(|b| b.is_ascii_digit()) {
                    return None;
                }
                // Any exponent beyond a few hundred gives an error below; saturating keeps a
                // huge written exponent an error rather than a wrapped small one.
                let magnitude = unsigned.parse::<i64>().unwrap_or(i64::MAX / 2);
                if e.starts_with('-') {
                    -magnitude
                } else {
                    magnitude
                }
            }
        };
        Some(Written {
            digits,
            places: frac.len() as u64,
            exponent,
        })
    }

    /// Digits, optionally with thousands separators (`commas`), and an optional point with
    /// digits on both sides: the published forms of budgets and percentages.
    fn strict(text: &str, commas: bool) -> Option<Written> {
        let (int, frac) = match text.split_once('.') {
            Some((int, frac)) if !frac.is_empty() => (int, frac),
            Some(_) => return None,
            None => (text, ""),
        };
        if int.is_empty() || (!commas && int.contains(',')) {
            return None;
        }
        let mut digits = grouped_digits(int)?;
        if !frac.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        digits.push_str(frac);
        Some(Written {
            digits,
            places: frac.len() as u64,
            exponent: 0,
        })
    }

    /// The exact decimal, or an error saying which limit of a [`Decimal`] the text goes past.
    fn exact(self, text: &str, negative: bool) -> Result<Decimal> {
        let mut digits = self.digits.trim_start_matches('0');
        // The power of ten of the last digit: value = digits × 10^-scale.
        let mut scale = i128::from(self.places) - i128::from(self.exponent);
        // Trailing zeros past what a decimal holds change nothing: drop them.
        while scale > i128::from(MAX_PLACES) {
            match digits.strip_suffix('0') {
                Some(rest) => {
                    digits = rest;
                    scale -= 1;
                }
                None if digits.is_empty() => {
                    scale = 0;
                }
                None => {
                    return Err(Error::invalid_value(
                        text,
                        format!(
                            "a number with at most {MAX_PLACES} decimal places (a decimal holds \
                             no more exactly, and a value is never rounded)"
                        ),
                    ));
                }
            }
        }
        // The same for trailing zeros that would not fit in the 96-bit mantissa: the value
        // keeps its written places only as far as a decimal can hold them.
        while digits.len() > 28 && scale > 0 {
            match digits.strip_suffix('0') {
                Some(rest) => {
                    digits = rest;
                    scale -= 1;
                }
                None => break,
            }
        }
        let too_large = || {
            Error::invalid_value(
                text,
                format!(
                    "a number of at most 29 significant digits and magnitude at most {} (a \
                     decimal holds no more exactly, and a value is never rounded)",
                    Decimal::MAX
                ),
            )
        };
        let mut mantissa: u128 = 0;
        for b in digits.bytes() {
            mantissa = mantissa
                .checked_mul(10)
                .and_then(|m| m.checked_add(u128::from(b.wrapping_sub(b'0'))))
                .ok_or_else(too_large)?;
        }
        if scale < 0 && mantissa != 0 {
            for _ in 0..scale.unsigned_abs().min(40) {
                mantissa = mantissa.checked_mul(10).ok_or_else(too_large)?;
            }
        }
        let scale = u32::try_from(scale.max(0)).map_err(|_| too_large())?;
        let signed = i128::try_from(mantissa).map_err(|_| too_large())?;
        let mut value =
            Decimal::try_from_i128_with_scale(signed, scale).map_err(|_| too_large())?;
        if negative {
            value.set_sign_negative(true);
        }
        Ok(value)
    }
}

/// `1,234,567` → `1234567`; digits without separators as they are. `None` unless every group
/// after the first has three digits and the first has one to three.
fn grouped_digits(int: &str) -> Option<String> {
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
    if grouped && first.len() > 3 {
        return None;
    }
    Some(digits)
}

/// Trailing zeros dropped and no negative zero: the same amount always reads the same.
fn normalized(value: Decimal) -> Decimal {
    positive_zero(value.normalize())
}

/// No negative zero: `-0` is written, never shown.
fn positive_zero(mut value: Decimal) -> Decimal {
    if value.is_zero() {
        value.set_sign_positive(true);
    }
    value
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn plain(text: &str) -> Option<Decimal> {
        parse_number(text, NumberForm::Plain).ok()
    }

    #[test]
    fn plain_forms() {
        for (text, value) in [
            ("44.1", dec!(44.1)),
            ("-3", dec!(-3)),
            ("+2", dec!(2)),
            (" 1,842 ", dec!(1842)),
            ("12,345.6", dec!(12345.6)),
            ("4.41e1", dec!(44.1)),
            ("4.41E+1", dec!(44.1)),
            ("441e-1", dec!(44.1)),
            (".5", dec!(0.5)),
            ("5.", dec!(5)),
            ("-0", dec!(0)),
            ("0e999999999999999999999", dec!(0)),
            ("1.0000000000000000000000000000000000", dec!(1)),
            ("79228162514264337593543950335", Decimal::MAX),
            (
                "0.0000000000000000000000000001",
                dec!(0.0000000000000000000000000001),
            ),
        ] {
            assert_eq!(plain(text), Some(value), "{text:?}");
        }
        for bad in [
            "", " ", "44,5", "1,,2", ",5", "1,84", "1234,567", "1,234e3", "e3", "1e", "1e+", "--1",
            "+-1", "1 234", "£4", "(4)", "−4", "4%", "n/a", "NA", "-", "1.2.3", ".", "0x10",
            "1_000", "inf", "NaN",
        ] {
            assert_eq!(plain(bad), None, "{bad:?} accepted");
        }
    }

    #[test]
    fn never_rounds() {
        let err = parse_number("44.999999999999999999999999999999", NumberForm::Plain)
            .unwrap_err()
            .to_string();
        assert!(err.contains("at most 28 decimal places"), "{err}");
        let err = parse_number("792281625142643375935439503350", NumberForm::Plain)
            .unwrap_err()
            .to_string();
        assert!(err.contains("significant digits"), "{err}");
        assert!(plain("4.4999999999999999999999999999999e1").is_none());
        assert!(plain("1e29").is_none());
        assert!(plain("1e-29").is_none());
        assert_eq!(plain("1e28"), Some(dec!(10000000000000000000000000000)));
    }

    #[test]
    fn council_forms_only_where_allowed() {
        let amount = |t: &str| parse_number(t, NumberForm::Amount(AmountUnit::Pounds)).ok();
        assert_eq!(amount("£1.2m"), Some(dec!(1_200_000)));
        assert_eq!(amount("£450k"), Some(dec!(450_000)));
        assert_eq!(amount("−443"), Some(dec!(-443)));
        assert_eq!(amount("(£46,267)"), Some(dec!(-46267)));
        assert_eq!(amount("1e3"), None);
        assert_eq!(amount("+4"), None);
        let percent = |t: &str| parse_number(t, NumberForm::Percent).ok();
        assert_eq!(percent("(1.4)%"), Some(dec!(-1.4)));
        assert_eq!(percent("1,000%"), None);
    }
}
