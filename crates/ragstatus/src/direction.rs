//! Direction of travel (SPEC §7).
//!
//! Compares an actual with a comparison value — the previous period's, or the same period's a
//! year before — and says whether performance is [`Improving`](Direction::Improving),
//! [`Worsening`](Direction::Worsening), shows [`NoChange`](Direction::NoChange) or is
//! [`NotComparable`](Direction::NotComparable) (either value missing).
//!
//! - change = actual − comparison, negated when lower is better; for `within`, the fall in the
//!   shortfall against the range (moving towards the range is improving, moving about inside
//!   it is no change).
//! - `Improving` if change > band, `Worsening` if change < −band, else `NoChange`. The
//!   [`StableBand`] is absolute (in the indicator's units) or relative (percent of
//!   |comparison|); the default is 0, so any change counts. A change exactly on the band's edge
//!   is `NoChange`.
//! - A change (or a relative band) too large for a decimal (beyond ±7.9 × 10²⁸) is
//!   `NotComparable`, with the [reason](Travel::reason): the actual keeps its status.
//! - **By regression** ([`by_regression`]): over the last n values (3 ≤ n ≤
//!   [`MAX_REGRESSION`]), the sign of the least-squares slope (x = 0, 1, …, n − 1), with the
//!   band applied to slope × (n − 1), the change the fitted line makes across the window. A relative band is a percent of |the first
//!   value of the window| (the regression's counterpart of the comparison value). The slope is
//!   computed exactly: the comparison `S × (n − 1) > band × D` is made on the integers' exact
//!   decimal products (S = nΣxy − ΣxΣy, D = nΣx² − (Σx)² > 0), so no division rounds. For
//!   `within` the values regressed are the negated shortfalls.
//!
//! ```
//! use ragstatus::direction::{compare, Direction, StableBand};
//! use ragstatus::Polarity;
//! use rust_decimal_macros::dec;
//!
//! let travel = compare(Polarity::Lower, Some(dec!(11)), Some(dec!(12)), None, StableBand::default())?;
//! assert_eq!(travel.direction, Direction::Improving);
//! assert_eq!(travel.change, Some(dec!(1)));
//! # Ok::<(), ragstatus::Error>(())
//! ```

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::{Error, ErrorKind, Result};
use crate::polarity::{Polarity, within_shortfall};

/// The direction of travel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Direction {
    /// Better than the comparison by more than the stable band.
    Improving,
    /// Worse than the comparison by more than the stable band.
    Worsening,
    /// Within the stable band of the comparison.
    NoChange,
    /// The actual or the comparison is missing.
    NotComparable,
}

impl Direction {
    /// Every direction.
    pub const ALL: [Direction; 4] = [
        Direction::Improving,
        Direction::Worsening,
        Direction::NoChange,
        Direction::NotComparable,
    ];

    /// The name as written in vectors and reports: `Improving`, `Worsening`, `NoChange`,
    /// `NotComparable`.
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Improving => "Improving",
            Direction::Worsening => "Worsening",
            Direction::NoChange => "NoChange",
            Direction::NotComparable => "NotComparable",
        }
    }

    /// The lowercase words used in sentences: "improving", "worsening", "no change",
    /// "not comparable".
    pub fn words(self) -> &'static str {
        match self {
            Direction::Improving => "improving",
            Direction::Worsening => "worsening",
            Direction::NoChange => "no change",
            Direction::NotComparable => "not comparable",
        }
    }
}

impl Direction {
    /// A one-byte code for columns: Improving 0, Worsening 1, NoChange 2, NotComparable 3.
    pub fn code(self) -> u8 {
        self as u8
    }

    /// The direction with this [`code`](Direction::code), if any.
    pub fn from_code(code: u8) -> Option<Direction> {
        Direction::ALL.get(usize::from(code)).copied()
    }
}

impl std::fmt::Display for Direction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The band of changes counted as no change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum StableBand {
    /// A change of at most this amount, in the indicator's units, is no change.
    Absolute(
        #[cfg_attr(feature = "schema", schemars(with = "crate::schema::DecimalText"))] Decimal,
    ),
    /// A change of at most this percent of |comparison| is no change.
    Relative(
        #[cfg_attr(feature = "schema", schemars(with = "crate::schema::DecimalText"))] Decimal,
    ),
}

impl Default for StableBand {
    fn default() -> Self {
        StableBand::Absolute(Decimal::ZERO)
    }
}

impl StableBand {
    /// Checks that the band is not negative.
    pub fn validate(&self) -> Result<()> {
        let (v, field) = match *self {
            StableBand::Absolute(v) => (v, "absolute"),
            StableBand::Relative(v) => (v, "relative"),
        };
        if v.is_sign_negative() && !v.is_zero() {
            return Err(
                Error::invalid_value(v.to_string(), "a stable band of zero or more")
                    .with_field(field),
            );
        }
        Ok(())
    }

    /// The band as an amount in the indicator's units, for this comparison value.
    pub fn amount(&self, comparison: Decimal) -> Result<Decimal> {
        match *self {
            StableBand::Absolute(v) => Ok(v),
            StableBand::Relative(p) => comparison
                .abs()
                .checked_mul(p)
                .and_then(|x| x.checked_div(Decimal::ONE_HUNDRED))
                .ok_or_else(|| Error::overflow("relative stable band")),
        }
    }
}

/// The longest regression window, in periods: 15 years of quarters. Longer windows are a
/// definition error, since each evaluation reads every period of the window.
pub const MAX_REGRESSION: u32 = 60;

/// Which value the actual is compared with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Compare {
    /// The previous period of the same length (Q2 for Q3; Q4 of last year for Q1).
    #[default]
    Previous,
    /// The same period a year before.
    YearAgo,
}

/// How an indicator's direction of travel is judged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct DirectionSettings {
    /// The comparison for the headline direction (default: the previous period).
    #[serde(default)]
    pub compare: Compare,
    /// The stable band (default: absolute 0).
    #[serde(default)]
    pub stable: StableBand,
    /// When set (3 ≤ n ≤ [`MAX_REGRESSION`]), the headline direction is by regression over
    /// the last n periods instead of against one comparison value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regression: Option<u32>,
    /// When set to [`TrendMethod::Recent`] (`trend = "recent"`), the headline direction is the
    /// recent-trend test (SPEC §8a) over the measured period and the same period in each of
    /// the four years before. Not with `regression`: a definition gives one way to judge the
    /// headline.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trend: Option<TrendMethod>,
}

/// A statistical test that judges the headline direction over a run of periods instead of
/// one comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum TrendMethod {
    /// Fingertips' recent trend (SPEC §8a): the chi-squared test for trend over five points a
    /// year apart, for values given as numerator and denominator.
    Recent,
}

impl DirectionSettings {
    /// Checks the band and the regression window, and that at most one of `regression` and
    /// `trend` is given.
    pub fn validate(&self) -> Result<()> {
        self.stable.validate().map_err(|e| e.with_field("stable"))?;
        if self.regression.is_some() && self.trend.is_some() {
            return Err(Error::definition(
                "regression = n and trend = \"recent\" are two ways to judge the headline direction; give one",
            )
            .with_field("trend"));
        }
        if let Some(n) = self.regression {
            if !(3..=MAX_REGRESSION).contains(&n) {
                return Err(Error::invalid_value(
                    n.to_string(),
                    format!(
                        "a regression window of at least 3 and at most {MAX_REGRESSION} periods"
                    ),
                )
                .with_field("regression"));
            }
        }
        Ok(())
    }
}

/// The outcome of a direction-of-travel comparison, with its workings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Travel {
    /// The direction.
    pub direction: Direction,
    /// The actual (for a regression, the last value of the window).
    pub actual: Option<Decimal>,
    /// The comparison value (for a regression, the first value of the window).
    pub comparison: Option<Decimal>,
    /// The improvement: actual − comparison, negated for lower; the fall in shortfall for
    /// within; for a regression, slope × (n − 1) in the same sense. None when not comparable.
    pub change: Option<Decimal>,
    /// The stable band as an amount in the indicator's units. None when not comparable.
    pub band: Option<Decimal>,
    /// Why the values could not be compared, when both were present (a change beyond the
    /// decimal range).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl Travel {
    fn not_comparable(actual: Option<Decimal>, comparison: Option<Decimal>) -> Self {
        Travel {
            direction: Direction::NotComparable,
            actual,
            comparison,
            change: None,
            band: None,
            reason: None,
        }
    }

    /// Not comparable because the arithmetic left the decimal range: the values are kept for
    /// the explanation.
    fn out_of_range(actual: Option<Decimal>, comparison: Option<Decimal>, what: &str) -> Self {
        Travel {
            reason: Some(format!(
                "the {what} is too large to compute exactly (beyond ±7.9 × 10²⁸)"
            )),
            ..Travel::not_comparable(actual, comparison)
        }
    }

    /// One plain-English sentence, e.g. "up 2.1 points from 42.0% in 2015/16 Q2: improving".
    ///
    /// `value` formats a value in the indicator's unit ("42.0%"); `difference` formats the
    /// size of a difference ("2.1 points"); `label` names the comparison ("2015/16 Q2").
    ///
    /// ```
    /// use ragstatus::direction::{compare, StableBand};
    /// use ragstatus::Polarity;
    /// use rust_decimal_macros::dec;
    /// let t = compare(Polarity::Higher, Some(dec!(44.1)), Some(dec!(42.0)), None, StableBand::default())?;
    /// let s = t.sentence("2015/16 Q2", &|v| format!("{v:.1}%"), &|d| format!("{d:.1} points"));
    /// assert_eq!(s, "up 2.1 points from 42.0% in 2015/16 Q2: improving");
    /// # Ok::<(), ragstatus::Error>(())
    /// ```
    pub fn sentence(
        &self,
        label: &str,
        value: &dyn Fn(Decimal) -> String,
        difference: &dyn Fn(Decimal) -> String,
    ) -> String {
        // One buffer for the sentence: it is made for every result.
        let mut s = String::with_capacity(96);
        self.write_sentence(
            &mut s,
            label,
            |out, v| out.push_str(&value(v)),
            |out, d| out.push_str(&difference(d)),
        );
        s
    }

    /// [`sentence`](Travel::sentence) appended to `out`, with the values and differences
    /// written by `value` and `difference` into the same buffer (as
    /// [`Unit::write_value`](crate::Unit::write_value) and
    /// [`Unit::write_difference`](crate::Unit::write_difference) do) and the comparison named by
    /// `label`'s `Display`.
    ///
    /// ```
    /// use ragstatus::direction::{compare, StableBand};
    /// use ragstatus::{Polarity, Unit};
    /// use rust_decimal_macros::dec;
    /// let t = compare(Polarity::Higher, Some(dec!(44.1)), Some(dec!(42.0)), None, StableBand::default())?;
    /// let mut s = String::new();
    /// t.write_sentence(
    ///     &mut s,
    ///     "2015/16 Q2",
    ///     |out, v| Unit::Percent.write_value(out, v, Some(1)),
    ///     |out, d| Unit::Percent.write_difference(out, d, Some(1)),
    /// );
    /// assert_eq!(s, "up 2.1 points from 42.0% in 2015/16 Q2: improving");
    /// # Ok::<(), ragstatus::Error>(())
    /// ```
    pub fn write_sentence(
        &self,
        out: &mut String,
        label: impl std::fmt::Display,
        value: impl Fn(&mut String, Decimal),
        difference: impl Fn(&mut String, Decimal),
    ) {
        use std::fmt::Write as _;
        self.write_sentence_with(
            out,
            |out| {
                let _ = write!(out, "{label}");
            },
            value,
            difference,
        );
    }

    /// [`write_sentence`](Travel::write_sentence) with the label written by `label` too.
    pub fn write_sentence_with(
        &self,
        out: &mut String,
        label: impl Fn(&mut String),
        value: impl Fn(&mut String, Decimal),
        difference: impl Fn(&mut String, Decimal),
    ) {
        match (self.actual, self.comparison) {
            (Some(actual), Some(comparison)) if self.direction != Direction::NotComparable => {
                let joiner = match actual.checked_sub(comparison) {
                    Some(d) if d.is_zero() => {
                        out.push_str("unchanged");
                        " at "
                    }
                    Some(d) if d.is_sign_positive() => {
                        out.push_str("up ");
                        difference(out, d);
                        " from "
                    }
                    Some(d) => {
                        out.push_str("down ");
                        difference(out, d.abs());
                        " from "
                    }
                    None => {
                        out.push_str("changed");
                        " from "
                    }
                };
                out.push_str(joiner);
                value(out, comparison);
                out.push_str(" in ");
                label(out);
                out.push_str(": ");
                out.push_str(self.direction.words());
            }
            (Some(_), Some(_)) => {
                if let Some(reason) = &self.reason {
                    out.push_str(reason);
                    out.push_str(": ");
                }
                out.push_str("not comparable");
            }
            (Some(_), None) => {
                out.push_str("no value for ");
                label(out);
                out.push_str(": not comparable");
            }
            _ => out.push_str("no value for this period: not comparable"),
        }
    }
}

/// The improvement from `comparison` to `actual` under the polarity: actual − comparison,
/// negated for lower; for within (`range` = `[low, high]`), the comparison's shortfall minus
/// the actual's. `within` without a range treats the comparison itself as no range and is an
/// error.
pub fn change(
    polarity: Polarity,
    actual: Decimal,
    comparison: Decimal,
    range: Option<(Decimal, Decimal)>,
) -> Result<Decimal> {
    match polarity {
        Polarity::Higher => crate::exact::checked_sub(actual, comparison),
        Polarity::Lower => crate::exact::checked_sub(comparison, actual),
        Polarity::Within => {
            let (low, high) = range.ok_or_else(|| {
                Error::definition("direction of travel for a within indicator needs a range target")
            })?;
            let before = within_shortfall(comparison, low, high)?;
            let after = within_shortfall(actual, low, high)?;
            before.checked_sub(after)
        }
    }
    .ok_or_else(|| Error::overflow("change"))
}

fn classify(change: Decimal, band: Decimal) -> Direction {
    if change > band {
        Direction::Improving
    } else if change < -band {
        Direction::Worsening
    } else {
        Direction::NoChange
    }
}

/// The direction of travel from `comparison` to `actual` (see the module docs). `range` is the
/// `[low, high]` target of a within indicator (the one in force for the actual's period).
pub fn compare(
    polarity: Polarity,
    actual: Option<Decimal>,
    comparison: Option<Decimal>,
    range: Option<(Decimal, Decimal)>,
    stable: StableBand,
) -> Result<Travel> {
    Ok(match moved(polarity, actual, comparison, range, stable)? {
        Moved::Missing => Travel::not_comparable(actual, comparison),
        Moved::OutOfRange(what) => Travel::out_of_range(actual, comparison, what),
        Moved::By { change, band } => Travel {
            direction: classify(change, band),
            actual,
            comparison,
            change: Some(change),
            band: Some(band),
            reason: None,
        },
    })
}

/// [`compare`]'s direction alone, the same decision without the travel's figures: for bulk
/// evaluations that report only the direction.
pub(crate) fn direction_of(
    polarity: Polarity,
    actual: Option<Decimal>,
    comparison: Option<Decimal>,
    range: Option<(Decimal, Decimal)>,
    stable: StableBand,
) -> Result<Direction> {
    if let (Some(a), Some(c), StableBand::Absolute(band)) = (actual, comparison, stable)
        && let Some(d) = aligned_direction(polarity, a, c, band)
    {
        return Ok(d);
    }
    Ok(match moved(polarity, actual, comparison, range, stable)? {
        Moved::Missing | Moved::OutOfRange(_) => Direction::NotComparable,
        Moved::By { change, band } => classify(change, band),
    })
}

/// [`classify`] of the change from `c` to `a` under an absolute stable band, for a higher or
/// lower indicator: the same comparisons in the mantissas at the largest of the three scales,
/// when the change fits a decimal's 96 bits there (so that the decimal change is exact, see
/// [`sub_aligned`](crate::exact::sub_aligned)), without building the change and the band as
/// decimals (a frame decides two directions a row). None otherwise, and for a change beyond a
/// decimal's range, which [`moved`] reports.
#[inline]
fn aligned_direction(
    polarity: Polarity,
    a: Decimal,
    c: Decimal,
    band: Decimal,
) -> Option<Direction> {
    let (ma, mc, s) = crate::exact::aligned(a, c)?;
    let change = match polarity {
        Polarity::Higher => ma.checked_sub(mc)?,
        Polarity::Lower => mc.checked_sub(ma)?,
        Polarity::Within => return None,
    };
    if change.unsigned_abs() >> 96 != 0 || band.scale() > s {
        return None;
    }
    let band = crate::bulk::POWERS
        .get((s - band.scale()) as usize)
        .and_then(|p| band.mantissa().abs().checked_mul(*p))?;
    Some(if change > band {
        Direction::Improving
    } else if change < -band {
        Direction::Worsening
    } else {
        Direction::NoChange
    })
}

/// How far a value moved from its comparison: the one computation behind [`compare`] and
/// [`direction_of`].
enum Moved {
    /// A value is missing.
    Missing,
    /// The named quantity is beyond the decimal range.
    OutOfRange(&'static str),
    /// The improvement and the stable band's (absolute) amount.
    By { change: Decimal, band: Decimal },
}

fn moved(
    polarity: Polarity,
    actual: Option<Decimal>,
    comparison: Option<Decimal>,
    range: Option<(Decimal, Decimal)>,
    stable: StableBand,
) -> Result<Moved> {
    let (Some(a), Some(c)) = (actual, comparison) else {
        return Ok(Moved::Missing);
    };
    let change = match change(polarity, a, c, range) {
        Ok(change) => change,
        Err(e) if matches!(e.kind(), ErrorKind::Overflow { .. }) => {
            return Ok(Moved::OutOfRange("change"));
        }
        Err(e) => return Err(e),
    };
    let Ok(band) = stable.amount(c) else {
        return Ok(Moved::OutOfRange("stable band"));
    };
    Ok(Moved::By {
        change,
        band: band.abs(),
    })
}

/// The direction of travel by regression over `values` (oldest first; the whole slice is the
/// window, n ≥ 3). Any missing value makes it not comparable, and so does a slope beyond the
/// decimal range; fewer than 3 values is an error.
///
/// ```
/// use ragstatus::direction::{by_regression, Direction, StableBand};
/// use ragstatus::Polarity;
/// use rust_decimal_macros::dec;
/// let v = [Some(dec!(10)), Some(dec!(14)), Some(dec!(12)), Some(dec!(15))];
/// let t = by_regression(Polarity::Higher, &v, None, StableBand::default())?;
/// assert_eq!(t.direction, Direction::Improving);
/// # Ok::<(), ragstatus::Error>(())
/// ```
pub fn by_regression(
    polarity: Polarity,
    values: &[Option<Decimal>],
    range: Option<(Decimal, Decimal)>,
    stable: StableBand,
) -> Result<Travel> {
    if values.len() < 3 {
        return Err(Error::invalid_value(
            format!("{} values", values.len()),
            "at least 3 values for a direction by regression",
        ));
    }
    let first = values.first().copied().flatten();
    let last = values.last().copied().flatten();
    let Some(ys) = values.iter().copied().collect::<Option<Vec<Decimal>>>() else {
        return Ok(Travel::not_comparable(last, first));
    };
    match slope_travel(polarity, &ys, range, stable) {
        Ok(travel) => Ok(Travel {
            actual: last,
            comparison: first,
            ..travel
        }),
        Err(e) if matches!(e.kind(), ErrorKind::Overflow { .. }) => {
            Ok(Travel::out_of_range(last, first, "regression slope"))
        }
        Err(e) => Err(e),
    }
}

/// [`by_regression`] over values that are all present; an overflow is an error here, which
/// the caller turns into `NotComparable`.
fn slope_travel(
    polarity: Polarity,
    ys: &[Decimal],
    range: Option<(Decimal, Decimal)>,
    stable: StableBand,
) -> Result<Travel> {
    let (Some(&y0), Some(&y_last)) = (ys.first(), ys.last()) else {
        return Ok(Travel::not_comparable(None, None));
    };
    let overflow = || Error::overflow("regression slope");
    // Transform so that larger is always better.
    let mut transformed = Vec::with_capacity(ys.len());
    for y in ys {
        let t = match polarity {
            Polarity::Higher => *y,
            Polarity::Lower => -*y,
            Polarity::Within => {
                let (low, high) = range.ok_or_else(|| {
                    Error::definition(
                        "direction of travel for a within indicator needs a range target",
                    )
                })?;
                -within_shortfall(*y, low, high)?
            }
        };
        transformed.push(t);
    }
    let n = Decimal::from(transformed.len());
    let mut sum_x = Decimal::ZERO;
    let mut sum_xx = Decimal::ZERO;
    let mut sum_y = Decimal::ZERO;
    let mut sum_xy = Decimal::ZERO;
    for (i, y) in transformed.iter().enumerate() {
        let x = Decimal::from(i);
        sum_x = sum_x.checked_add(x).ok_or_else(overflow)?;
        sum_xx = sum_xx
            .checked_add(x.checked_mul(x).ok_or_else(overflow)?)
            .ok_or_else(overflow)?;
        sum_y = sum_y.checked_add(*y).ok_or_else(overflow)?;
        sum_xy = sum_xy
            .checked_add(x.checked_mul(*y).ok_or_else(overflow)?)
            .ok_or_else(overflow)?;
    }
    // S = nΣxy − ΣxΣy and D = nΣx² − (Σx)²: slope = S / D, with D > 0 for n ≥ 2.
    let s = n
        .checked_mul(sum_xy)
        .ok_or_else(overflow)?
        .checked_sub(sum_x.checked_mul(sum_y).ok_or_else(overflow)?)
        .ok_or_else(overflow)?;
    let d = n
        .checked_mul(sum_xx)
        .ok_or_else(overflow)?
        .checked_sub(sum_x.checked_mul(sum_x).ok_or_else(overflow)?)
        .ok_or_else(overflow)?;
    let span = n.checked_sub(Decimal::ONE).ok_or_else(overflow)?;
    let band = stable.amount(y0)?.abs();
    let lhs = s.checked_mul(span).ok_or_else(overflow)?;
    let rhs = band.checked_mul(d).ok_or_else(overflow)?;
    let direction = if lhs > rhs {
        Direction::Improving
    } else if lhs < -rhs {
        Direction::Worsening
    } else {
        Direction::NoChange
    };
    let change = lhs.checked_div(d).ok_or_else(overflow)?.normalize();
    Ok(Travel {
        direction,
        actual: Some(y_last),
        comparison: Some(y0),
        change: Some(change),
        band: Some(band),
        reason: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]
        /// The aligned decision is `compare`'s, band edges and decimal range included.
        #[test]
        fn aligned_directions_are_compares(
            a in proptest::prelude::any::<i128>(),
            c in proptest::prelude::any::<i128>(),
            b in proptest::prelude::any::<i128>(),
            mode in 0u8..3,
            wide in proptest::prelude::any::<bool>(),
            s in 0u32..=28,
            cs in 0u32..=28,
            one in proptest::prelude::any::<bool>(),
            band_scale in 0u32..=28,
            higher in proptest::prelude::any::<bool>(),
        ) {
            // The comparison at the actual's scale, or at another.
            let cs = if one { s } else { cs };
            let bound = if wide { 1i128 << 96 } else { 1000 };
            let a = a % bound;
            // Near: the comparison's mantissa a band's width away, to land on the edges (at one
            // scale); close: its value a band's width away at its own scale (the aligned actual
            // may pass 96 bits where the change does not: a quotient beside a rounded value).
            let near = mode > 0;
            let b = b % if near { 50 } else { bound };
            let sign = if higher { 1 } else { -1 };
            let c = match mode {
                1 => a - b * sign,
                2 => crate::exact::tests::mantissa_at(a, s, cs).map_or(c % bound, |v| v - b * sign),
                _ => c % bound,
            };
            let c = c.clamp(-(1i128 << 96) + 1, (1i128 << 96) - 1);
            let polarity = if higher { Polarity::Higher } else { Polarity::Lower };
            let band = StableBand::Absolute(Decimal::from_i128_with_scale(b, band_scale.min(s.max(cs))));
            let (a, c) = (
                Some(Decimal::from_i128_with_scale(a, s)),
                Some(Decimal::from_i128_with_scale(c, cs)),
            );
            let full = compare(polarity, a, c, None, band).map(|t| t.direction);
            proptest::prop_assert_eq!(direction_of(polarity, a, c, None, band), full);
        }
    }

    #[test]
    fn band_edge_is_no_change() {
        let t = compare(
            Polarity::Higher,
            Some(dec!(10.5)),
            Some(dec!(10)),
            None,
            StableBand::Absolute(dec!(0.5)),
        )
        .unwrap();
        assert_eq!(t.direction, Direction::NoChange);
    }

    #[test]
    fn within_moves_towards_range() {
        let r = Some((dec!(85), dec!(95)));
        let t = compare(
            Polarity::Within,
            Some(dec!(97)),
            Some(dec!(99)),
            r,
            StableBand::default(),
        )
        .unwrap();
        assert_eq!(t.direction, Direction::Improving);
        let t = compare(
            Polarity::Within,
            Some(dec!(90)),
            Some(dec!(88)),
            r,
            StableBand::default(),
        )
        .unwrap();
        assert_eq!(t.direction, Direction::NoChange);
    }

    #[test]
    fn regression_needs_three() {
        assert!(
            by_regression(
                Polarity::Higher,
                &[Some(dec!(1)), Some(dec!(2))],
                None,
                StableBand::default()
            )
            .is_err()
        );
    }
}
