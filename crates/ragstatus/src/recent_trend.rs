//! The recent trend of a series, as Fingertips' trend markers test it (SPEC §8a): a test for a
//! significant trend over the five most recent points, an alternative to the period-on-period
//! direction of travel (SPEC §7).
//!
//! | data | function | test |
//! | --- | --- | --- |
//! | proportions (count of denominator) | [`recent_trend_proportions`] | chi-squared test for trend |
//! | other values with 95% intervals | [`recent_trend_intervals`] | weighted least squares |
//!
//! Either is significant when χ² exceeds the 99.8% point of χ² on one degree of freedom and
//! the gradient keeps its sign when any one of the five points is left out. The result is
//! **Increasing** or **Decreasing** (and getting better or worse, by the [`Preference`]),
//! **No significant change**, or **Cannot be calculated** with the reason.
//!
//! ```
//! use ragstatus::comparison::Preference;
//! use ragstatus::recent_trend::{ProportionPoint, TrendMarker, recent_trend_proportions};
//! use rust_decimal_macros::dec;
//!
//! // Fingertips' own test data, 2014 to 2018.
//! let series = [(994, 40299), (1023, 41527), (1199, 42811), (1332, 44064), (1367, 44701)]
//!     .map(|(x, n)| Some(ProportionPoint { count: x.into(), denominator: n.into() }));
//! let trend = recent_trend_proportions(&series, Preference::Higher)?;
//! assert_eq!(trend.marker, TrendMarker::Increasing);
//! assert_eq!(trend.chi_squared.map(|c| c.round_dp(2)), Some(dec!(47.90)));
//! assert_eq!(trend.label(), "Increasing and getting better");
//! # Ok::<(), ragstatus::Error>(())
//! ```

use std::fmt;

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde::{Deserialize, Serialize};

use crate::comparison::Preference;
use crate::error::{Error, Result};
use crate::interval::round_significant;

/// The number of most recent points the test uses.
pub const POINTS: usize = 5;

/// The 99.8% point of χ² on one degree of freedom: χ² must exceed it.
pub const CHI_SQUARED_998: f64 = 9.549_535_706_083_24;

/// z of a 95% interval as Fingertips takes it, to turn a 95% interval into a standard error.
const Z95_WIDTH: f64 = 3.92;

/// One period's proportion: `count` events of `denominator`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProportionPoint {
    /// The events (numerator), zero or more.
    pub count: Decimal,
    /// The denominator, greater than zero and at least the count.
    pub denominator: Decimal,
}

/// One period's value with its 95% confidence interval.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct IntervalPoint {
    /// The value.
    pub value: Decimal,
    /// The lower 95% limit.
    pub lower: Decimal,
    /// The upper 95% limit, at least the lower.
    pub upper: Decimal,
}

/// The trend found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum TrendMarker {
    /// A significant upward trend.
    Increasing,
    /// A significant downward trend.
    Decreasing,
    /// No significant trend.
    NoSignificantChange,
    /// The test does not apply; see [`RecentTrend::reason`].
    CannotBeCalculated,
}

impl TrendMarker {
    /// The marker as Fingertips words it.
    pub fn as_str(self) -> &'static str {
        match self {
            TrendMarker::Increasing => "Increasing",
            TrendMarker::Decreasing => "Decreasing",
            TrendMarker::NoSignificantChange => "No significant change",
            TrendMarker::CannotBeCalculated => "Cannot be calculated",
        }
    }
}

impl fmt::Display for TrendMarker {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether a significant trend is good news, by the indicator's preference.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Judgement {
    /// Moving in the preferred direction.
    GettingBetter,
    /// Moving against the preferred direction.
    GettingWorse,
}

impl Judgement {
    /// "getting better" or "getting worse".
    pub fn as_str(self) -> &'static str {
        match self {
            Judgement::GettingBetter => "getting better",
            Judgement::GettingWorse => "getting worse",
        }
    }
}

/// Why the test could not be applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum TrendReason {
    /// The series has fewer than five points.
    TooFewPoints,
    /// Fewer than five points come, counting back from the most recent, before a missing one.
    TooFewRecentPoints,
    /// A proportion's count equals its denominator (its log-odds is infinite).
    CountEqualsDenominator,
    /// A proportion's count is zero (its log-odds is infinite).
    ZeroCount,
    /// An interval of zero width (no weight can be given to the point).
    ZeroWidthInterval,
}

impl TrendReason {
    /// A sentence saying why.
    pub fn as_str(self) -> &'static str {
        match self {
            TrendReason::TooFewPoints => "fewer than five data points",
            TrendReason::TooFewRecentPoints => {
                "fewer than five data points with values since the last gap in the series"
            }
            TrendReason::CountEqualsDenominator => {
                "a count equals its denominator in the recent run of points"
            }
            TrendReason::ZeroCount => "a count of zero among the five most recent points",
            TrendReason::ZeroWidthInterval => {
                "a confidence interval of zero width among the five most recent points"
            }
        }
    }
}

/// The recent trend of a series.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecentTrend {
    /// Increasing, Decreasing, No significant change or Cannot be calculated.
    pub marker: TrendMarker,
    /// Better or worse, for a significant trend of an indicator with a preferred direction.
    pub judgement: Option<Judgement>,
    /// The test statistic, to 10 significant digits; `None` when it cannot be calculated.
    pub chi_squared: Option<Decimal>,
    /// The gradient over the five points (per period: of the log-odds for proportions, of the
    /// value otherwise), to 10 significant digits; `None` when it cannot be calculated.
    pub gradient: Option<Decimal>,
    /// True when the gradient kept its sign with each point left out in turn.
    pub consistent: bool,
    /// The number of points used: 5, or 0 when it cannot be calculated.
    pub points_used: usize,
    /// Why the test could not be applied.
    pub reason: Option<TrendReason>,
    /// The preference the judgement was made by.
    pub preference: Preference,
}

impl RecentTrend {
    /// "Increasing and getting better", "No significant change", "Cannot be calculated: fewer
    /// than five data points", ...
    pub fn label(&self) -> String {
        match (self.judgement, self.reason) {
            (Some(j), _) => format!("{} and {}", self.marker, j.as_str()),
            (None, Some(r)) => format!("{}: {}", self.marker, r.as_str()),
            (None, None) => self.marker.to_string(),
        }
    }

    fn cannot(reason: TrendReason, preference: Preference) -> RecentTrend {
        RecentTrend {
            marker: TrendMarker::CannotBeCalculated,
            judgement: None,
            chi_squared: None,
            gradient: None,
            consistent: false,
            points_used: 0,
            reason: Some(reason),
            preference,
        }
    }
}

/// The recent trend of a proportion: the chi-squared test for trend over the five most recent
/// points, with the gradient of the log-odds. `series` is in time order, oldest first, one
/// entry per period; `None` is a period without data (it breaks the series).
///
/// Errors (bad input, not a test that does not apply): a negative count, a denominator not
/// greater than zero, a count greater than its denominator, each naming the point.
pub fn recent_trend_proportions(
    series: &[Option<ProportionPoint>],
    preference: Preference,
) -> Result<RecentTrend> {
    for (i, p) in series.iter().enumerate() {
        if let Some(p) = p {
            check_proportion(p).map_err(|e| e.with_field(format!("series[{i}]")))?;
        }
    }
    let run = match recent_run(series, preference) {
        Ok(run) => run,
        Err(cannot) => return Ok(cannot),
    };
    // Fingertips guards the whole unbroken run, not only the five points used.
    if run.iter().any(|p| p.count == p.denominator) {
        return Ok(RecentTrend::cannot(
            TrendReason::CountEqualsDenominator,
            preference,
        ));
    }
    let used = last_five(&run);
    if used.iter().any(|p| p.count.is_zero()) {
        return Ok(RecentTrend::cannot(TrendReason::ZeroCount, preference));
    }
    let mut xs = [0.0_f64; POINTS];
    let mut ns = [0.0_f64; POINTS];
    for ((x, n), p) in xs.iter_mut().zip(ns.iter_mut()).zip(used) {
        *x = to_f64(p.count, "count")?;
        *n = to_f64(p.denominator, "denominator")?;
    }
    let (mut big_n, mut big_x, mut sxt, mut snt, mut snt2) = (0.0, 0.0, 0.0, 0.0, 0.0);
    for ((x, n), t) in xs.iter().zip(&ns).zip(1..) {
        let t = f64::from(t);
        big_n += n;
        big_x += x;
        sxt += x * t;
        snt += n * t;
        snt2 += n * t * t;
    }
    let diff = big_n * sxt - big_x * snt;
    let chi2 = big_n * diff * diff / (big_x * (big_n - big_x) * (big_n * snt2 - snt * snt));
    let log_odds: Vec<f64> = xs
        .iter()
        .zip(&ns)
        .map(|(x, n)| (x / (n - x)).ln())
        .collect();
    let slope = |skip: Option<usize>| ols_slope(&log_odds, skip);
    finish(chi2, slope, preference)
}

/// The recent trend of values with 95% confidence intervals (rates, ratios, means): the
/// weighted least-squares gradient over the five most recent points, each weighted by the
/// inverse square of the standard error its interval implies ((upper − lower) / 3.92).
/// `series` is in time order, oldest first; `None` is a period without data.
///
/// Errors: an interval whose lower limit is above its upper, naming the point.
pub fn recent_trend_intervals(
    series: &[Option<IntervalPoint>],
    preference: Preference,
) -> Result<RecentTrend> {
    for (i, p) in series.iter().enumerate() {
        if let Some(p) = p {
            if p.lower > p.upper {
                return Err(Error::invalid_value(
                    format!("lower {} above upper {}", p.lower, p.upper),
                    "a lower limit no greater than the upper",
                )
                .with_field(format!("series[{i}]")));
            }
        }
    }
    let run = match recent_run(series, preference) {
        Ok(run) => run,
        Err(cannot) => return Ok(cannot),
    };
    let used = last_five(&run);
    if used.iter().any(|p| p.lower == p.upper) {
        return Ok(RecentTrend::cannot(
            TrendReason::ZeroWidthInterval,
            preference,
        ));
    }
    let mut vs = [0.0_f64; POINTS];
    let mut ws = [0.0_f64; POINTS];
    for ((v, w), p) in vs.iter_mut().zip(ws.iter_mut()).zip(used) {
        *v = to_f64(p.value, "value")?;
        let width = to_f64(p.upper, "upper")? - to_f64(p.lower, "lower")?;
        let se = width / Z95_WIDTH;
        *w = 1.0 / (se * se);
    }
    let sums = |skip: Option<usize>| {
        let (mut s1, mut s2, mut s3, mut s4, mut s5) = (0.0, 0.0, 0.0, 0.0, 0.0);
        for (i, (v, w)) in vs.iter().zip(&ws).enumerate() {
            if Some(i) == skip {
                continue;
            }
            let t = (i + 1) as f64;
            s1 += w;
            s2 += w * v * t;
            s3 += w * t;
            s4 += w * v;
            s5 += w * t * t;
        }
        (s1, s2, s3, s4, s5)
    };
    let slope = |skip: Option<usize>| {
        let (s1, s2, s3, s4, s5) = sums(skip);
        (s1 * s2 - s3 * s4) / (s1 * s5 - s3 * s3)
    };
    let (s1, _, s3, _, s5) = sums(None);
    let se = (s1 / (s1 * s5 - s3 * s3)).sqrt();
    let chi2 = (slope(None) / se).powi(2);
    finish(chi2, slope, preference)
}

fn check_proportion(p: &ProportionPoint) -> Result<()> {
    if p.count.is_sign_negative() && !p.count.is_zero() {
        return Err(
            Error::invalid_value(p.count.to_string(), "a count of zero or more")
                .with_field("count"),
        );
    }
    if p.denominator <= Decimal::ZERO {
        return Err(Error::invalid_value(
            p.denominator.to_string(),
            "a denominator greater than zero",
        )
        .with_field("denominator"));
    }
    if p.count > p.denominator {
        return Err(Error::invalid_value(
            p.count.to_string(),
            format!("a count no greater than the denominator {}", p.denominator),
        )
        .with_field("count"));
    }
    Ok(())
}

/// The unbroken run of points ending at the most recent, oldest first; or the reason the test
/// cannot be applied.
fn recent_run<T: Copy>(
    series: &[Option<T>],
    preference: Preference,
) -> std::result::Result<Vec<T>, RecentTrend> {
    if series.len() < POINTS {
        return Err(RecentTrend::cannot(TrendReason::TooFewPoints, preference));
    }
    let mut run: Vec<T> = series.iter().rev().map_while(|p| *p).collect();
    if run.len() < POINTS {
        return Err(RecentTrend::cannot(
            TrendReason::TooFewRecentPoints,
            preference,
        ));
    }
    run.reverse();
    Ok(run)
}

fn last_five<T>(run: &[T]) -> &[T] {
    run.get(run.len().saturating_sub(POINTS)..).unwrap_or(run)
}

/// The least-squares slope of `ys` on t = 1, 2, …, leaving out the point at `skip`.
fn ols_slope(ys: &[f64], skip: Option<usize>) -> f64 {
    let (mut n, mut st, mut sy, mut sty, mut st2) = (0.0, 0.0, 0.0, 0.0, 0.0);
    for (i, y) in ys.iter().enumerate() {
        if Some(i) == skip {
            continue;
        }
        let t = (i + 1) as f64;
        n += 1.0;
        st += t;
        sy += y;
        sty += t * y;
        st2 += t * t;
    }
    (n * sty - st * sy) / (n * st2 - st * st)
}

fn finish(
    chi2: f64,
    slope: impl Fn(Option<usize>) -> f64,
    preference: Preference,
) -> Result<RecentTrend> {
    let gradient = slope(None);
    // Zero counts as positive, as Fingertips counts signs.
    let positive = |s: f64| s >= 0.0;
    let consistent = (0..POINTS).all(|i| positive(slope(Some(i))) == positive(gradient));
    let significant = consistent && chi2 > CHI_SQUARED_998;
    let marker = match (significant, gradient) {
        (true, g) if g > 0.0 => TrendMarker::Increasing,
        (true, g) if g < 0.0 => TrendMarker::Decreasing,
        _ => TrendMarker::NoSignificantChange,
    };
    let judgement = match (marker, preference) {
        (TrendMarker::Increasing, Preference::Higher)
        | (TrendMarker::Decreasing, Preference::Lower) => Some(Judgement::GettingBetter),
        (TrendMarker::Increasing, Preference::Lower)
        | (TrendMarker::Decreasing, Preference::Higher) => Some(Judgement::GettingWorse),
        _ => None,
    };
    Ok(RecentTrend {
        marker,
        judgement,
        chi_squared: Some(round_significant(chi2, "chi-squared")?),
        gradient: Some(round_significant(gradient, "gradient")?),
        consistent,
        points_used: POINTS,
        reason: None,
        preference,
    })
}

fn to_f64(x: Decimal, field: &str) -> Result<f64> {
    x.to_f64()
        .filter(|v| v.is_finite())
        .ok_or_else(|| Error::invalid_value(x.to_string(), "a finite number").with_field(field))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn props(pairs: &[(i64, i64)]) -> Vec<Option<ProportionPoint>> {
        pairs
            .iter()
            .map(|&(x, n)| {
                Some(ProportionPoint {
                    count: x.into(),
                    denominator: n.into(),
                })
            })
            .collect()
    }

    #[test]
    fn fingertips_interval_method_example() {
        let series = [
            (dec!(24.67), dec!(23.16), dec!(26.25)),
            (dec!(24.6), dec!(23.15), dec!(26.19)),
            (dec!(28), dec!(26.44), dec!(29.64)),
            (dec!(30.2), dec!(28.63), dec!(31.9)),
            (dec!(30.6), dec!(28.98), dec!(32.25)),
        ]
        .map(|(value, lower, upper)| {
            Some(IntervalPoint {
                value,
                lower,
                upper,
            })
        });
        let t = recent_trend_intervals(&series, Preference::Lower).unwrap();
        assert_eq!(t.chi_squared.unwrap().round_dp(2), dec!(46.77));
        assert_eq!(t.marker, TrendMarker::Increasing);
        assert_eq!(t.label(), "Increasing and getting worse");
    }

    #[test]
    fn a_gap_breaks_the_run() {
        let mut s = props(&[
            (10, 100),
            (11, 100),
            (12, 100),
            (13, 100),
            (14, 100),
            (15, 100),
        ]);
        s[2] = None;
        let t = recent_trend_proportions(&s, Preference::None).unwrap();
        assert_eq!(t.reason, Some(TrendReason::TooFewRecentPoints));
        assert_eq!(
            t.label(),
            "Cannot be calculated: fewer than five data points with values since the last gap in the series"
        );
        s[2] = Some(ProportionPoint {
            count: dec!(12),
            denominator: dec!(100),
        });
        s[0] = None;
        let t = recent_trend_proportions(&s, Preference::None).unwrap();
        assert_eq!(t.reason, None);
    }

    #[test]
    fn count_equal_to_denominator_anywhere_in_the_run() {
        let s = props(&[
            (100, 100),
            (11, 100),
            (12, 100),
            (13, 100),
            (14, 100),
            (15, 100),
        ]);
        let t = recent_trend_proportions(&s, Preference::None).unwrap();
        assert_eq!(t.reason, Some(TrendReason::CountEqualsDenominator));
    }

    #[test]
    fn bad_points_are_errors_naming_the_point() {
        let s = props(&[(1, 10), (2, 10), (11, 10), (3, 10), (4, 10)]);
        let e = recent_trend_proportions(&s, Preference::None).unwrap_err();
        assert_eq!(e.location().field.as_deref(), Some("series[2].count"));
    }
}
