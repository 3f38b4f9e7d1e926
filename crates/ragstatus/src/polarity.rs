//! Polarity: which side of the target is good, and the shortfall that follows (SPEC §4).

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// Which direction is better for an indicator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum Polarity {
    /// Higher is better (percent of calls answered).
    Higher,
    /// Lower is better (days to repair a street light).
    Lower,
    /// Within a range `[low, high]` is best (occupancy between 85% and 95%).
    Within,
}

impl Polarity {
    /// The lowercase name used in definitions: `higher`, `lower`, `within`.
    pub fn as_str(self) -> &'static str {
        match self {
            Polarity::Higher => "higher",
            Polarity::Lower => "lower",
            Polarity::Within => "within",
        }
    }

    /// The shortfall of `actual` against a single target value: how far the actual is on the
    /// wrong side of it, in the indicator's units. Zero or negative means the target is met.
    ///
    /// For [`Polarity::Within`] a single value is treated as the range `[target, target]`.
    ///
    /// ```
    /// use ragstatus::Polarity;
    /// use rust_decimal_macros::dec;
    /// assert_eq!(Polarity::Higher.shortfall(dec!(44.1), dec!(45.0))?, dec!(0.9));
    /// assert_eq!(Polarity::Lower.shortfall(dec!(44.1), dec!(45.0))?, dec!(-0.9));
    /// # Ok::<(), ragstatus::Error>(())
    /// ```
    pub fn shortfall(self, actual: Decimal, target: Decimal) -> Result<Decimal> {
        match self {
            Polarity::Higher => target.checked_sub(actual),
            Polarity::Lower => actual.checked_sub(target),
            Polarity::Within => return within_shortfall(actual, target, target),
        }
        .ok_or_else(|| Error::overflow("shortfall"))
    }
}

/// The shortfall of `actual` against the range `[low, high]`: max(low − actual, actual − high, 0).
pub fn within_shortfall(actual: Decimal, low: Decimal, high: Decimal) -> Result<Decimal> {
    let below = low
        .checked_sub(actual)
        .ok_or_else(|| Error::overflow("shortfall"))?;
    let above = actual
        .checked_sub(high)
        .ok_or_else(|| Error::overflow("shortfall"))?;
    Ok(below.max(above).max(Decimal::ZERO))
}
