//! Benchmarking against a comparator group (SPEC §8): rank, quartile and distance from the median.
//!
//! Given a body's value (the *actual*) and the same indicator's values for the same period from a
//! comparator group (CIPFA nearest neighbours, all English councils, ...), [`benchmark`] says where
//! the body stands, and optionally maps its quartile to a [`Status`].
//! [`Indicator::benchmark`] does the same for an indicator's actual, ranked as the report shows
//! it (rounded to the indicator's display decimals), in the indicator's polarity and unit.
//!
//! ```
//! use ragstatus::benchmarking::{benchmark, BenchmarkSettings};
//! use ragstatus::Polarity;
//! use rust_decimal_macros::dec;
//!
//! let neighbours = [
//!     Some(dec!(30.0)), Some(dec!(38.5)), Some(dec!(41.0)), None,
//!     Some(dec!(47.0)), Some(dec!(50.2)), Some(dec!(35.0)),
//! ];
//! let settings = BenchmarkSettings { unit: Some("%".into()), ..BenchmarkSettings::new(Polarity::Higher) };
//! let result = benchmark(dec!(45.2), &neighbours, &settings)?;
//! assert_eq!(result.rank, Some(3));
//! assert_eq!(result.group_size, 7);
//! assert_eq!(result.missing, 1);
//! assert_eq!(
//!     result.explanation,
//!     "3rd of 7 (quartile 2); 4.2 points better than the median of 41.0% (1 comparator missing)"
//! );
//! # Ok::<(), ragstatus::Error>(())
//! ```
//!
//! # Definitions
//!
//! - **The group** is the actual together with the comparators that have a value: `comparators`
//!   lists the *other* members, so "3rd of 16" means 15 comparator values plus the body itself.
//!   If the list already holds the body's own value, set `actual_in_comparators` and one entry
//!   equal to the actual is taken as the body's own (an error if there is none). Missing
//!   comparator values (`None`) are left out and counted in `missing`.
//! - **Rank**: 1 = best by polarity; competition ranking ("1224"): the rank is 1 + the number of
//!   group members strictly better than the actual, so members with equal values share the best
//!   rank of their tie. `tied` counts the comparators equal to the actual.
//! - **Quartile cut points**: the 25th, 50th and 75th percentiles of the group values by linear
//!   interpolation between order statistics — R's default `quantile(type = 7)`, Excel's
//!   `QUARTILE.INC` and numpy's default: for p, h = (n − 1) × p, and the cut point is
//!   x₍⌊h⌋₎ + (h − ⌊h⌋) × (x₍⌊h⌋+1₎ − x₍⌊h⌋₎) on the ascending values. The fraction is 0, ¼, ½ or ¾,
//!   so every cut point is exact. The median is the 50th percentile.
//! - **Quartile**: 1 = best. For `higher`: quartile 1 when the actual is at or above the upper
//!   cut point (75th percentile), 2 when at or above the median, 3 when at or above the lower cut
//!   point (25th), else 4; the mirror for `lower`. A value exactly on a cut point goes in the
//!   better quartile, as meeting a target exactly is Green (SPEC §6).
//! - **Distance from the median**: in the indicator's units, signed so that positive is better:
//!   actual − median for `higher`, median − actual for `lower`.
//! - A group with no comparator values has no rank, quartile or median; with a scheme its status
//!   is `NoData`.
//! - `within` polarity has no order of better and worse, so it is a definition error here.

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

use crate::error::{Error, ErrorKind, Result};
use crate::indicator::Indicator;
use crate::polarity::Polarity;
use crate::status::Status;
use crate::unit::Unit;

/// Maps quartiles (1 = best) to statuses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuartileScheme {
    /// The status of the best quartile.
    pub quartile_1: Status,
    /// The status of the second quartile.
    pub quartile_2: Status,
    /// The status of the third quartile.
    pub quartile_3: Status,
    /// The status of the worst quartile.
    pub quartile_4: Status,
}

impl Default for QuartileScheme {
    /// Top quartile Green, middle two Amber, bottom quartile Red.
    fn default() -> Self {
        QuartileScheme {
            quartile_1: Status::Green,
            quartile_2: Status::Amber,
            quartile_3: Status::Amber,
            quartile_4: Status::Red,
        }
    }
}

impl QuartileScheme {
    /// The status of a quartile (1-4).
    pub fn status(&self, quartile: u8) -> Option<Status> {
        match quartile {
            1 => Some(self.quartile_1),
            2 => Some(self.quartile_2),
            3 => Some(self.quartile_3),
            4 => Some(self.quartile_4),
            _ => None,
        }
    }

    /// Checks that every band is a rated status (Blue, Green, Amber or Red).
    pub fn validate(&self) -> Result<()> {
        for (band, status) in [
            self.quartile_1,
            self.quartile_2,
            self.quartile_3,
            self.quartile_4,
        ]
        .into_iter()
        .enumerate()
        {
            if !status.is_rated() {
                return Err(Error::new(ErrorKind::Scheme {
                    band,
                    message: format!(
                        "quartile {} maps to {status}; expected Blue, Green, Amber or Red",
                        band + 1
                    ),
                }));
            }
        }
        Ok(())
    }
}

/// How to benchmark.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BenchmarkSettings {
    /// Which direction is better (`higher` or `lower`).
    pub polarity: Polarity,
    /// True when `comparators` already contains the body's own value.
    #[serde(default)]
    pub actual_in_comparators: bool,
    /// An optional mapping of quartiles to statuses.
    #[serde(default)]
    pub scheme: Option<QuartileScheme>,
    /// A unit written after values in the explanation ("%" makes distances "points").
    #[serde(default)]
    pub unit: Option<String>,
}

impl BenchmarkSettings {
    /// Settings for this polarity, with no scheme and no unit.
    pub fn new(polarity: Polarity) -> Self {
        BenchmarkSettings {
            polarity,
            actual_in_comparators: false,
            scheme: None,
            unit: None,
        }
    }
}

/// Where the actual stands in its group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Benchmark {
    /// The actual.
    pub actual: Decimal,
    /// The size of the ranked group: the actual plus every comparator with a value.
    pub group_size: usize,
    /// Comparators without a value, left out.
    pub missing: usize,
    /// Comparators with the same value as the actual.
    pub tied: usize,
    /// 1 = best; competition ranking. None when no comparator has a value.
    pub rank: Option<usize>,
    /// 1 = best quartile.
    pub quartile: Option<u8>,
    /// The 25th percentile of the group.
    pub lower_quartile: Option<Decimal>,
    /// The median of the group.
    pub median: Option<Decimal>,
    /// The 75th percentile of the group.
    pub upper_quartile: Option<Decimal>,
    /// Distance from the median, positive = better.
    pub distance_from_median: Option<Decimal>,
    /// The quartile's status under the scheme (NoData without comparators); none without a scheme.
    pub status: Option<Status>,
    /// A sentence such as "3rd of 16 (quartile 1); 4.2 points better than the median of 41.0%".
    pub explanation: String,
}

fn overflow() -> Error {
    Error::overflow("benchmark quartiles")
}

/// The p-th percentile (p = 1, 2, 3 quarters) of ascending values, R type 7.
fn quartile_cut(sorted: &[Decimal], quarters: usize) -> Result<Decimal> {
    let n1 = sorted.len().checked_sub(1).ok_or_else(overflow)?;
    let h4 = n1.checked_mul(quarters).ok_or_else(overflow)?;
    let (low, frac) = (h4 / 4, h4 % 4);
    let lo = sorted.get(low).copied().ok_or_else(overflow)?;
    if frac == 0 {
        return Ok(lo);
    }
    // lo + frac/4 × (hi − lo): exact, since frac/4 is 0.25, 0.5 or 0.75.
    let hi = sorted.get(low + 1).copied().ok_or_else(overflow)?;
    let step = hi.checked_sub(lo).ok_or_else(overflow)?;
    let part = step
        .checked_mul(Decimal::from(frac))
        .and_then(|s| s.checked_div(Decimal::from(4)))
        .ok_or_else(overflow)?;
    let value = lo.checked_add(part).ok_or_else(overflow)?.normalize();
    // Shown at the data's own precision at least: 41.0 stays "41.0", 22.50 becomes "22.5".
    let scale = sorted.iter().map(Decimal::scale).max().unwrap_or(0);
    let mut shown = value;
    if shown.scale() < scale {
        shown.rescale(scale);
    }
    Ok(if shown == value { shown } else { value })
}

fn ordinal(n: usize) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}

impl Indicator {
    /// Benchmarks this indicator's actual against its comparators' values for the same period
    /// (see [`benchmark`]), with the rules a report uses where the specification is silent:
    ///
    /// - the actual is ranked **as shown**, rounded to the indicator's display decimals (half
    ///   away from zero), since published comparator figures are rounded the same way: 93.135%
    ///   shown as 93.1% ties with a neighbour's 93.1%;
    /// - the direction is the indicator's polarity (a `within` indicator is a definition error:
    ///   a range has no better end), and the explanation reads in its unit (`%` makes
    ///   differences points, days are days);
    /// - an error names the indicator.
    ///
    /// ```
    /// use ragstatus::Definitions;
    /// use rust_decimal_macros::dec;
    ///
    /// let defs = Definitions::from_toml_str(r#"
    ///     [[indicator]]
    ///     id = "SW-01"
    ///     unit = "percent"
    ///     polarity = "higher"
    ///     decimals = 1
    /// "#)?;
    /// let indicator = &defs.indicators[0];
    /// let neighbours = [Some(dec!(93.1)), Some(dec!(91.2)), None, Some(dec!(89.0))];
    /// let result = indicator.benchmark(dec!(93.135), &neighbours)?;
    /// assert_eq!(result.actual, dec!(93.1));
    /// assert_eq!(result.rank, Some(1));
    /// assert_eq!(result.tied, 1);
    /// assert_eq!(
    ///     result.explanation,
    ///     "joint 1st of 4 (quartile 1, best); 0.95 points better than the median of 92.15% (1 comparator missing)"
    /// );
    /// # Ok::<(), ragstatus::Error>(())
    /// ```
    pub fn benchmark(&self, actual: Decimal, comparators: &[Option<Decimal>]) -> Result<Benchmark> {
        let shown = match self.decimals {
            Some(dp) => actual.round_dp_with_strategy(dp, RoundingStrategy::MidpointAwayFromZero),
            None => actual,
        };
        let settings = BenchmarkSettings {
            unit: match self.unit {
                Unit::Percent => Some("%".into()),
                Unit::Days => Some(" days".into()),
                _ => None,
            },
            ..BenchmarkSettings::new(self.polarity)
        };
        benchmark(shown, comparators, &settings).map_err(|e| e.with_indicator(&self.id))
    }
}

/// Ranks `actual` in the group formed by it and the comparators that have a value, and places it
/// in a quartile and against the median. See the [module docs](self) for the definitions.
///
/// ```
/// use ragstatus::benchmarking::{benchmark, BenchmarkSettings, QuartileScheme};
/// use ragstatus::{Polarity, Status};
/// use rust_decimal_macros::dec;
///
/// // Days to process a claim: lower is better. Two neighbours tie with us.
/// let neighbours = [Some(dec!(20)), Some(dec!(18)), Some(dec!(18)), Some(dec!(25)), Some(dec!(30))];
/// let settings = BenchmarkSettings {
///     scheme: Some(QuartileScheme::default()),
///     ..BenchmarkSettings::new(Polarity::Lower)
/// };
/// let result = benchmark(dec!(18), &neighbours, &settings)?;
/// assert_eq!(result.rank, Some(1));
/// assert_eq!(result.tied, 2);
/// assert_eq!(result.quartile, Some(1));
/// assert_eq!(result.status, Some(Status::Green));
/// assert_eq!(result.distance_from_median, Some(dec!(1)));
/// # Ok::<(), ragstatus::Error>(())
/// ```
pub fn benchmark(
    actual: Decimal,
    comparators: &[Option<Decimal>],
    settings: &BenchmarkSettings,
) -> Result<Benchmark> {
    if settings.polarity == Polarity::Within {
        return Err(Error::definition(
            "benchmarking needs polarity higher or lower; a within-range indicator has no order of better and worse",
        )
        .with_field("polarity"));
    }
    if let Some(scheme) = &settings.scheme {
        scheme.validate().map_err(|e| e.with_field("scheme"))?;
    }
    let missing = comparators.iter().filter(|c| c.is_none()).count();
    let mut others: Vec<Decimal> = comparators.iter().flatten().copied().collect();
    if settings.actual_in_comparators {
        let own = others.iter().position(|v| *v == actual).ok_or_else(|| {
            Error::invalid_value(
                actual.to_string(),
                "a value among the comparators (actual_in_comparators is set)",
            )
            .with_field("actual")
        })?;
        others.remove(own);
    }
    let higher = settings.polarity == Polarity::Higher;
    let better = |v: &Decimal| if higher { *v > actual } else { *v < actual };
    let tied = others.iter().filter(|v| **v == actual).count();
    let group_size = others.len() + 1;
    let unit = settings.unit.as_deref().unwrap_or("");
    let missing_note = if missing > 0 {
        format!(" ({} missing)", plural(missing, "comparator"))
    } else {
        String::new()
    };

    if others.is_empty() {
        return Ok(Benchmark {
            actual,
            group_size,
            missing,
            tied,
            rank: None,
            quartile: None,
            lower_quartile: None,
            median: None,
            upper_quartile: None,
            distance_from_median: None,
            status: settings.scheme.map(|_| Status::NoData),
            explanation: format!("no comparator values to benchmark against{missing_note}"),
        });
    }

    let rank = 1 + others.iter().filter(|v| better(v)).count();
    let mut sorted = others;
    sorted.push(actual);
    sorted.sort_unstable();
    let q1 = quartile_cut(&sorted, 1)?;
    let median = quartile_cut(&sorted, 2)?;
    let q3 = quartile_cut(&sorted, 3)?;
    let quartile: u8 = if higher {
        match actual {
            a if a >= q3 => 1,
            a if a >= median => 2,
            a if a >= q1 => 3,
            _ => 4,
        }
    } else {
        match actual {
            a if a <= q1 => 1,
            a if a <= median => 2,
            a if a <= q3 => 3,
            _ => 4,
        }
    };
    let distance = if higher {
        actual.checked_sub(median)
    } else {
        median.checked_sub(actual)
    }
    .ok_or_else(|| Error::overflow("distance from the median"))?;

    let joint = if tied > 0 { "joint " } else { "" };
    let best = match quartile {
        1 => ", best",
        4 => ", worst",
        _ => "",
    };
    let (distance_unit, value_unit) = if unit == "%" {
        (" points".to_string(), "%".to_string())
    } else {
        (unit.to_string(), unit.to_string())
    };
    let position = match distance.cmp(&Decimal::ZERO) {
        std::cmp::Ordering::Equal => format!("at the median of {median}{value_unit}"),
        std::cmp::Ordering::Greater => {
            format!("{distance}{distance_unit} better than the median of {median}{value_unit}")
        }
        std::cmp::Ordering::Less => format!(
            "{}{distance_unit} worse than the median of {median}{value_unit}",
            distance.abs()
        ),
    };
    let explanation = format!(
        "{joint}{} of {group_size} (quartile {quartile}{best}); {position}{missing_note}",
        ordinal(rank)
    );
    Ok(Benchmark {
        actual,
        group_size,
        missing,
        tied,
        rank: Some(rank),
        quartile: Some(quartile),
        lower_quartile: Some(q1),
        median: Some(median),
        upper_quartile: Some(q3),
        distance_from_median: Some(distance),
        status: settings.scheme.and_then(|s| s.status(quartile)),
        explanation,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn ordinals() {
        let got: Vec<String> = [1, 2, 3, 4, 11, 12, 13, 21, 22, 103, 111]
            .into_iter()
            .map(ordinal)
            .collect();
        assert_eq!(
            got,
            [
                "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "103rd",
                "111th"
            ]
        );
    }

    #[test]
    fn type_7_quartiles() {
        let v = [dec!(1), dec!(2), dec!(3), dec!(4)];
        assert_eq!(quartile_cut(&v, 1).unwrap(), dec!(1.75));
        assert_eq!(quartile_cut(&v, 2).unwrap(), dec!(2.5));
        assert_eq!(quartile_cut(&v, 3).unwrap(), dec!(3.25));
    }
}
