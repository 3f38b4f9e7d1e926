//! Reading amounts and percentages as councils publish them.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::input::{NumberForm, parse_number};

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

/// Reads one published amount in the given unit and returns it in pounds, exactly.
///
/// Accepted: digits with or without thousands separators in groups of three (`46267`,
/// `46,267`), a decimal part (`46,267.5`), an optional leading `£`, and a negative written with a
/// minus sign (`-443`, `−443`, `-£443`, `£-443`) or in brackets (`(443)`, `(£443)`), and a unit
/// written on the amount itself (`£1.2m`, `£450k`), which wins over `unit`. Spaces around the
/// whole text are ignored. Anything else — `n/a`, a lone `-`, `1,23`, `1e3`, `£ 4` — is an
/// [`InvalidValue`](crate::ErrorKind::InvalidValue) error quoting the text. This is
/// [`parse_number`] with [`NumberForm::Amount`], the one number reader of every input.
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
    parse_number(text, NumberForm::Amount(unit))
}

/// Reads a published percentage: `1.4`, `1.4%`, `-1.4%`, `(1.4%)`, `(1.4)%` ([`parse_number`]
/// with [`NumberForm::Percent`]).
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
    parse_number(text, NumberForm::Percent)
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
