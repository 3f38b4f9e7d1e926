//! Confidence intervals for public health indicators, as OHID's Fingertips publishes them
//! (SPEC §8a).
//!
//! | statistic | function | method |
//! | --- | --- | --- |
//! | proportion, percentage | [`proportion`] | Wilson score (PHE's form) |
//! | crude rate, count | [`rate`] | exact Poisson below 10 events, Byar's method from 10 |
//! | indirectly standardised ratio | [`ratio`] | as [`rate`], with the expected count as denominator |
//! | directly standardised rate | [`dsr`] | Dobson, from Byar's limits of the total count |
//!
//! Each reproduces the PHEindicatormethods R package (`phe_proportion`, `phe_rate`,
//! `calculate_ISRatio`, `phe_dsr`) and the OHID "Technical Guide: Confidence Intervals".
//!
//! ## Precision
//!
//! Inputs are exact [`Decimal`]s and the estimate ([`Interval::value`]) is computed in decimal
//! arithmetic. The limits need normal and chi-squared quantiles, square roots and cube powers:
//! they are computed in `f64` (the chi-squared quantile by bisection on statrs's regularised
//! incomplete gamma function) and returned rounded to [`SIGNIFICANT_DIGITS`] significant
//! digits, well inside the accuracy of the quantiles (about 1e-13 relative). A comparison
//! whose comparator lies within half a unit of that last digit of a limit is flagged as being
//! *at the limit* ([`crate::comparison::Comparison::at_limit`]).
//!
//! ```
//! use ragstatus::interval::{ConfidenceLevel, Method, proportion};
//! use rust_decimal_macros::dec;
//!
//! // Newcombe and Altman's worked example (Statistics with Confidence, 2nd edn, p. 47):
//! // 81 of 263 patients, 95% Wilson interval 0.2553 to 0.3662.
//! let ci = proportion(dec!(81), dec!(263), ConfidenceLevel::P95, dec!(1))?;
//! assert_eq!(ci.method, Method::Wilson);
//! assert_eq!(ci.lower.round_dp(4), dec!(0.2553));
//! assert_eq!(ci.upper.round_dp(4), dec!(0.3662));
//! # Ok::<(), ragstatus::Error>(())
//! ```

use std::fmt;
use std::sync::OnceLock;

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde::{Deserialize, Serialize};
use statrs::distribution::{ContinuousCDF, Normal};
use statrs::function::gamma::{checked_gamma_lr, ln_gamma};

use crate::error::{Error, Result};

/// The number of significant digits of every limit this module returns.
pub const SIGNIFICANT_DIGITS: u32 = 10;

/// The events below which a rate or ratio uses the exact Poisson limits instead of Byar's
/// approximation, and below which a directly standardised rate is not calculated.
pub const SMALL_COUNT: u32 = 10;

/// The two confidence levels of Fingertips: 95% (about 2 standard deviations) and 99.8%
/// (about 3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum ConfidenceLevel {
    /// 95%.
    #[serde(rename = "95")]
    P95,
    /// 99.8%.
    #[serde(rename = "99.8")]
    P998,
}

impl ConfidenceLevel {
    /// The level as a probability: 0.95 or 0.998.
    pub fn probability(self) -> f64 {
        match self {
            ConfidenceLevel::P95 => 0.95,
            ConfidenceLevel::P998 => 0.998,
        }
    }

    /// The level as written in reports: `"95%"` or `"99.8%"`.
    pub fn as_str(self) -> &'static str {
        match self {
            ConfidenceLevel::P95 => "95%",
            ConfidenceLevel::P998 => "99.8%",
        }
    }

    /// The lower and upper tail probabilities: (1 − c)/2 and c + (1 − c)/2.
    fn tails(self) -> (f64, f64) {
        match self {
            ConfidenceLevel::P95 => (0.025, 0.975),
            ConfidenceLevel::P998 => (0.001, 0.999),
        }
    }

    /// z = Φ⁻¹(c + (1 − c)/2): 1.959963985 at 95%, 3.090232306 at 99.8%.
    pub fn z(self) -> f64 {
        // Asked for once per limit in bulk work; the quantile is a series evaluation.
        static Z: [OnceLock<f64>; 2] = [OnceLock::new(), OnceLock::new()];
        let (_, upper) = self.tails();
        let slot = match self {
            ConfidenceLevel::P95 => &Z[0],
            ConfidenceLevel::P998 => &Z[1],
        };
        *slot.get_or_init(|| standard_normal_quantile(upper))
    }
}

impl fmt::Display for ConfidenceLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How an interval's limits were computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Method {
    /// Wilson score interval for a proportion.
    Wilson,
    /// Byar's approximation to the Poisson limits (10 events or more).
    Byar,
    /// Exact Poisson limits from the chi-squared distribution (fewer than 10 events).
    ExactPoisson,
    /// Dobson's method for a directly standardised rate.
    Dobson,
}

impl Method {
    /// The method's name as PHEindicatormethods writes it in its `method` column.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Wilson => "Wilson",
            Method::Byar => "Byars",
            Method::ExactPoisson => "Exact",
            Method::Dobson => "Dobson",
        }
    }
}

/// An estimate with its confidence interval.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Interval {
    /// The estimate, in the statistic's units (× multiplier), computed in decimal arithmetic.
    pub value: Decimal,
    /// The lower confidence limit, to [`SIGNIFICANT_DIGITS`] significant digits.
    pub lower: Decimal,
    /// The upper confidence limit, to [`SIGNIFICANT_DIGITS`] significant digits.
    pub upper: Decimal,
    /// How the limits were computed.
    pub method: Method,
    /// The confidence level.
    pub level: ConfidenceLevel,
}

impl Interval {
    /// True when `x` lies in the closed interval `[lower, upper]`.
    pub fn contains(&self, x: Decimal) -> bool {
        self.lower <= x && x <= self.upper
    }
}

/// One standardisation category (an age band) of a directly standardised rate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stratum {
    /// The observed events in the category.
    pub count: Decimal,
    /// The population of the category (the rate's denominator), greater than zero.
    pub population: Decimal,
    /// The standard population's weight for the category (for example the 2013 European
    /// Standard Population), zero or more.
    pub standard: Decimal,
}

/// A proportion with its Wilson score interval, × `multiplier` (1 for a proportion, 100 for
/// a percentage), as `phe_proportion`.
///
/// Errors: a negative count, a denominator that is not greater than zero, a count greater
/// than the denominator, or a multiplier that is not greater than zero.
///
/// ```
/// use ragstatus::interval::{ConfidenceLevel, proportion};
/// use rust_decimal_macros::dec;
///
/// let ci = proportion(dec!(65), dec!(100), ConfidenceLevel::P95, dec!(100))?;
/// assert_eq!(ci.value, dec!(65));
/// assert!(ci.lower < dec!(65) && dec!(65) < ci.upper);
/// # Ok::<(), ragstatus::Error>(())
/// ```
pub fn proportion(
    count: Decimal,
    denominator: Decimal,
    level: ConfidenceLevel,
    multiplier: Decimal,
) -> Result<Interval> {
    check_count(count, "count")?;
    check_positive(denominator, "denominator")?;
    check_positive(multiplier, "multiplier")?;
    if count > denominator {
        return Err(Error::invalid_value(
            count.to_string(),
            format!("a count no greater than the denominator {denominator}"),
        )
        .with_field("count"));
    }
    let value = scaled(count, denominator, multiplier)?;
    let x = to_f64(count, "count")?;
    let n = to_f64(denominator, "denominator")?;
    let m = to_f64(multiplier, "multiplier")?;
    let ends = (count.is_zero(), count == denominator);
    wilson(value, [x, n, m], ends, level)
}

/// Wilson's limits of a checked proportion: `ends` says whether the count is 0 and whether it
/// is the denominator.
fn wilson(
    value: Decimal,
    xnm: [f64; 3],
    ends: (bool, bool),
    level: ConfidenceLevel,
) -> Result<Interval> {
    let (lower, upper) = wilson_limits(xnm, ends, level);
    finish(value, lower, upper, Method::Wilson, level)
}

/// Wilson's limits in `f64`, × `m`, before the rounding: the one formula of the scalar and the
/// columnar paths, so that both round the same floats.
pub(crate) fn wilson_limits(
    xnm: [f64; 3],
    ends: (bool, bool),
    level: ConfidenceLevel,
) -> (f64, f64) {
    wilson_limits_z(xnm, ends, level.z())
}

/// [`wilson_limits`] at the normal quantile `z`: branch-free and inlined, so that the bulk
/// kernels' loop over a block of rows vectorises and still computes the very same floats.
#[inline(always)]
pub(crate) fn wilson_limits_z(
    [x, n, m]: [f64; 3],
    (zero, all): (bool, bool),
    z: f64,
) -> (f64, f64) {
    let z2 = z * z;
    // PHE's arrangement of Wilson's formula, kept term for term so the rounding matches.
    let root = z * (z2 + 4.0 * x * (1.0 - x / n)).max(0.0).sqrt();
    let lower = (2.0 * x + z2 - root) / 2.0 / (n + z2) * m;
    let upper = (2.0 * x + z2 + root) / 2.0 / (n + z2) * m;
    // At 0 and at n the formula is exactly 0 and 1, but z·√(z²) need not equal z² in f64.
    let lower = if zero { 0.0 } else { lower };
    let upper = if all { m } else { upper };
    (lower, upper)
}

/// The kind of interval [`both_levels`] computes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// [`proportion`].
    Proportion,
    /// [`rate`] (and [`ratio`], the same limits).
    Poisson,
}

/// The 95% and 99.8% intervals of one unit, exactly as [`proportion`] or [`rate`] gives each,
/// with the checks, the estimate and the conversions done once: the bulk path's unit of work.
pub(crate) fn both_levels(
    kind: Kind,
    count: Decimal,
    denominator: Decimal,
    multiplier: Decimal,
) -> Result<[Interval; 2]> {
    let levels = [ConfidenceLevel::P95, ConfidenceLevel::P998];
    if kind == Kind::Proportion {
        check_count(count, "count")?;
        check_positive(denominator, "denominator")?;
        check_positive(multiplier, "multiplier")?;
        if count > denominator {
            // The scalar function's error, word for word.
            return proportion(count, denominator, levels[0], multiplier)
                .map(|ci| [ci.clone(), ci]);
        }
        let value = scaled(count, denominator, multiplier)?;
        let f = [
            to_f64(count, "count")?,
            to_f64(denominator, "denominator")?,
            to_f64(multiplier, "multiplier")?,
        ];
        let ends = (count.is_zero(), count == denominator);
        let [a, b] = levels;
        return Ok([wilson(value, f, ends, a)?, wilson(value, f, ends, b)?]);
    }
    check_count(count, "count")?;
    check_positive(denominator, "denominator")?;
    check_positive(multiplier, "multiplier")?;
    let value = scaled(count, denominator, multiplier)?;
    let n = to_f64(denominator, "denominator")?;
    let m = to_f64(multiplier, "multiplier")?;
    let x = to_f64(count, "count")?;
    let small = count < Decimal::from(SMALL_COUNT);
    let one = |level| {
        let ((low, high), method) = if small {
            (exact_poisson(x, level), Method::ExactPoisson)
        } else {
            (byar(x, level), Method::Byar)
        };
        finish(value, low / n * m, high / n * m, method, level)
    };
    let [a, b] = levels;
    Ok([one(a)?, one(b)?])
}

/// A crude rate, count / denominator × `multiplier` (100 000 for a rate per 100,000), with
/// exact Poisson limits below 10 events and Byar's limits from 10, as `phe_rate`.
///
/// Errors: a negative count, a denominator that is not greater than zero, or a multiplier
/// that is not greater than zero.
///
/// ```
/// use ragstatus::interval::{ConfidenceLevel, Method, rate};
/// use rust_decimal_macros::dec;
///
/// let ci = rate(dec!(65), dec!(10000), ConfidenceLevel::P95, dec!(100000))?;
/// assert_eq!(ci.value, dec!(650));
/// assert_eq!(ci.method, Method::Byar);
/// assert_eq!(rate(dec!(9), dec!(10000), ConfidenceLevel::P95, dec!(100000))?.method,
///            Method::ExactPoisson);
/// # Ok::<(), ragstatus::Error>(())
/// ```
pub fn rate(
    count: Decimal,
    denominator: Decimal,
    level: ConfidenceLevel,
    multiplier: Decimal,
) -> Result<Interval> {
    poisson_rate(
        count,
        denominator,
        level,
        multiplier,
        ["count", "denominator"],
    )
}

fn poisson_rate(
    count: Decimal,
    denominator: Decimal,
    level: ConfidenceLevel,
    multiplier: Decimal,
    [count_field, denominator_field]: [&str; 2],
) -> Result<Interval> {
    check_count(count, count_field)?;
    check_positive(denominator, denominator_field)?;
    check_positive(multiplier, "multiplier")?;
    let value = scaled(count, denominator, multiplier)?;
    let n = to_f64(denominator, "denominator")?;
    let m = to_f64(multiplier, "multiplier")?;
    let (low, high, method) = count_limits(count, level)?;
    finish(value, low / n * m, high / n * m, method, level)
}

/// An indirectly standardised ratio, observed / expected × `multiplier` (1, or 100 for an
/// SMR), with the limits of [`rate`] divided by the expected count, as `calculate_ISRatio`.
///
/// Errors: a negative observed count, an expected count that is not greater than zero, or a
/// multiplier that is not greater than zero.
///
/// ```
/// use ragstatus::interval::{ConfidenceLevel, ratio};
/// use rust_decimal_macros::dec;
///
/// let ci = ratio(dec!(150), dec!(100), ConfidenceLevel::P95, dec!(100))?;
/// assert_eq!(ci.value, dec!(150));
/// assert!(ci.lower > dec!(100)); // significantly more deaths than expected
/// let ci = ratio(dec!(120), dec!(100), ConfidenceLevel::P95, dec!(100))?;
/// assert!(ci.lower < dec!(100)); // 20% more, but within chance
/// # Ok::<(), ragstatus::Error>(())
/// ```
pub fn ratio(
    observed: Decimal,
    expected: Decimal,
    level: ConfidenceLevel,
    multiplier: Decimal,
) -> Result<Interval> {
    poisson_rate(
        observed,
        expected,
        level,
        multiplier,
        ["observed", "expected"],
    )
}

/// A directly standardised rate with Dobson's interval, as `phe_dsr`:
///
/// DSR = Σ(countᵢ × standardᵢ / populationᵢ) / Σ standardᵢ × multiplier, with the limits
/// DSR + √(var / O) × (Byar(O) − O) × multiplier, where O = Σ countᵢ and
/// var = Σ(standardᵢ² × countᵢ / populationᵢ²) / (Σ standardᵢ)².
///
/// Errors: no strata, a negative count or standard weight, a population that is not greater
/// than zero, standard weights summing to zero, a total count below 10 (PHE does not publish
/// a DSR on fewer than 10 events), or a multiplier that is not greater than zero.
///
/// ```
/// use ragstatus::interval::{ConfidenceLevel, Method, Stratum, dsr};
/// use rust_decimal_macros::dec;
///
/// let strata = [
///     Stratum { count: dec!(10), population: dec!(10000), standard: dec!(60000) },
///     Stratum { count: dec!(40), population: dec!(8000), standard: dec!(40000) },
/// ];
/// let ci = dsr(&strata, ConfidenceLevel::P95, dec!(100000))?;
/// assert_eq!(ci.value, dec!(260)); // (10×6 + 40×5) / 100000 × 100000
/// assert_eq!(ci.method, Method::Dobson);
/// # Ok::<(), ragstatus::Error>(())
/// ```
pub fn dsr(strata: &[Stratum], level: ConfidenceLevel, multiplier: Decimal) -> Result<Interval> {
    if strata.is_empty() {
        return Err(
            Error::invalid_value("no strata", "at least one standardisation category")
                .with_field("strata"),
        );
    }
    check_positive(multiplier, "multiplier")?;
    let overflow = || Error::overflow("directly standardised rate");
    let mut total = Decimal::ZERO;
    let mut weights = Decimal::ZERO;
    let mut weighted = Decimal::ZERO;
    let mut var_sum = 0.0_f64;
    for (i, s) in strata.iter().enumerate() {
        let at = |e: Error| e.with_field(format!("strata[{i}]"));
        check_count(s.count, "count").map_err(at)?;
        check_positive(s.population, "population").map_err(at)?;
        if s.standard.is_sign_negative() && !s.standard.is_zero() {
            return Err(at(Error::invalid_value(
                s.standard.to_string(),
                "a standard population weight of zero or more",
            )));
        }
        total = total.checked_add(s.count).ok_or_else(overflow)?;
        weights = weights.checked_add(s.standard).ok_or_else(overflow)?;
        let term = s
            .count
            .checked_mul(s.standard)
            .and_then(|p| p.checked_div(s.population))
            .ok_or_else(overflow)?;
        weighted = weighted.checked_add(term).ok_or_else(overflow)?;
        let (x, n, w) = (
            to_f64(s.count, "count").map_err(at)?,
            to_f64(s.population, "population").map_err(at)?,
            to_f64(s.standard, "standard").map_err(at)?,
        );
        var_sum += x * (w / n) * (w / n);
    }
    if weights.is_zero() {
        return Err(Error::invalid_value(
            "0",
            "standard population weights with a sum greater than zero",
        )
        .with_field("standard"));
    }
    if total < Decimal::from(SMALL_COUNT) {
        return Err(Error::invalid_value(
            total.to_string(),
            "a total count of 10 or more (a directly standardised rate on fewer events is not published)",
        )
        .with_field("count"));
    }
    let value = weighted
        .checked_div(weights)
        .and_then(|r| r.checked_mul(multiplier))
        .ok_or_else(overflow)?;
    let o = to_f64(total, "count")?;
    let w_sum = to_f64(weights, "standard")?;
    let m = to_f64(multiplier, "multiplier")?;
    let dsr_f = to_f64(value, "value")?;
    let var = var_sum / (w_sum * w_sum);
    let spread = (var / o).sqrt();
    let (byar_low, byar_high) = byar(o, level);
    let lower = dsr_f + spread * (byar_low - o) * m;
    let upper = dsr_f + spread * (byar_high - o) * m;
    finish(value, lower, upper, Method::Dobson, level)
}

/// The confidence limits of an observed count of events: exact Poisson below 10, Byar's from
/// 10, with the method used. `count` must be zero or more.
pub fn count_limits(count: Decimal, level: ConfidenceLevel) -> Result<(f64, f64, Method)> {
    check_count(count, "count")?;
    let x = to_f64(count, "count")?;
    if count < Decimal::from(SMALL_COUNT) {
        let (lo, hi) = exact_poisson(x, level);
        Ok((lo, hi, Method::ExactPoisson))
    } else {
        let (lo, hi) = byar(x, level);
        Ok((lo, hi, Method::Byar))
    }
}

/// Exact Poisson limits: χ²((1 − c)/2, 2x)/2 and χ²(c + (1 − c)/2, 2x + 2)/2.
pub(crate) fn exact_poisson(x: f64, level: ConfidenceLevel) -> (f64, f64) {
    // Whole counts below 10 are nearly all the small counts of a large table, and each
    // quantile is a bisection of some seventy steps: they are computed once.
    if x.fract() == 0.0 && (0.0..f64::from(SMALL_COUNT)).contains(&x) {
        let table = match level {
            ConfidenceLevel::P95 => &EXACT_95,
            ConfidenceLevel::P998 => &EXACT_998,
        };
        let limits = table.get_or_init(|| {
            let mut limits = [(0.0, 0.0); SMALL_COUNT as usize];
            for (k, slot) in limits.iter_mut().enumerate() {
                *slot = exact_poisson_uncached(k as f64, level);
            }
            limits
        });
        if let Some(l) = limits.get(x as usize) {
            return *l;
        }
    }
    exact_poisson_uncached(x, level)
}

static EXACT_95: OnceLock<[(f64, f64); SMALL_COUNT as usize]> = OnceLock::new();
static EXACT_998: OnceLock<[(f64, f64); SMALL_COUNT as usize]> = OnceLock::new();

fn exact_poisson_uncached(x: f64, level: ConfidenceLevel) -> (f64, f64) {
    let (p_low, p_high) = level.tails();
    // R's qchisq(p, 0) is 0: no events cannot have a lower limit above zero.
    let lower = if x > 0.0 {
        chi_squared_quantile(p_low, 2.0 * x) / 2.0
    } else {
        0.0
    };
    let upper = chi_squared_quantile(p_high, 2.0 * x + 2.0) / 2.0;
    (lower, upper)
}

/// Byar's limits: x(1 − 1/(9x) − z/(3√x))³ and (x + 1)(1 − 1/(9(x + 1)) + z/(3√(x + 1)))³.
pub(crate) fn byar(x: f64, level: ConfidenceLevel) -> (f64, f64) {
    let z = level.z();
    let lower = x * (1.0 - 1.0 / (9.0 * x) - z / (3.0 * x.sqrt())).powi(3);
    let x1 = x + 1.0;
    let upper = x1 * (1.0 - 1.0 / (9.0 * x1) + z / (3.0 * x1.sqrt())).powi(3);
    (lower, upper)
}

fn standard_normal_quantile(p: f64) -> f64 {
    match Normal::new(0.0, 1.0) {
        Ok(n) => n.inverse_cdf(p),
        Err(_) => f64::NAN,
    }
}

/// The chi-squared quantile by bisection on statrs's regularised incomplete gamma function.
///
/// statrs's own `inverse_cdf` stops after a fixed number of steps and, for the tiny degrees of
/// freedom of a fractional count, panics inside its search; its checked functions do not.
/// The search halves a bracket geometrically down to a ratio of 4, then arithmetically to
/// adjacent floats.
fn chi_squared_quantile(p: f64, df: f64) -> f64 {
    let half = df / 2.0;
    if !(half > 0.0 && half.is_finite()) {
        return f64::NAN;
    }
    // For a small shape the lower tail is P(a, y) ≈ yᵃ / Γ(a + 1): when the quantile that gives
    // lies below f64's smallest normal number (a fractional count of a few thousandths), the
    // search below cannot represent it and would stop at a rounding artefact far above it.
    let log_quantile = (p.ln() + ln_gamma(half + 1.0)) / half + std::f64::consts::LN_2;
    if log_quantile < f64::MIN_POSITIVE.ln() {
        return 0.0;
    }
    // Below f64's range the regularised gamma function is undefined: no probability there.
    let cdf = |x: f64| {
        let y = x / 2.0;
        if y < 1.0 {
            lower_gamma_series(half, y)
        } else {
            checked_gamma_lr(half, y).unwrap_or(0.0)
        }
    };
    let mut lo = f64::MIN_POSITIVE;
    if cdf(lo) >= p {
        return 0.0;
    }
    let mut hi = 1.0_f64;
    while cdf(hi) < p {
        hi *= 2.0;
        if hi > 1e12 {
            return f64::NAN;
        }
    }
    for _ in 0..2200 {
        let mid = if hi > 4.0 * lo {
            (lo.sqrt()) * (hi.sqrt())
        } else {
            lo + (hi - lo) / 2.0
        };
        if mid <= lo || mid >= hi {
            break;
        }
        if cdf(mid) < p {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    lo + (hi - lo) / 2.0
}

/// The regularised lower incomplete gamma function P(a, y) for y below 1, by its series
/// yᵃ e⁻ʸ Σ yᵏ / Γ(a + k + 1). statrs gives 0 there for a small shape and a tiny y (P(0.05,
/// 10⁻¹⁵) is about 0.18), which sent the search for a small count's lower limit to a rounding
/// artefact near 10⁻¹⁵ instead of the limit.
fn lower_gamma_series(a: f64, y: f64) -> f64 {
    if y <= 0.0 {
        return 0.0;
    }
    let mut term = (a * y.ln() - y - ln_gamma(a + 1.0)).exp();
    let mut sum = term;
    for k in 1..200 {
        term *= y / (a + f64::from(k));
        sum += term;
        if term < sum * 1e-17 {
            break;
        }
    }
    sum.min(1.0)
}

pub(crate) fn check_count(x: Decimal, field: &str) -> Result<()> {
    if x.is_sign_negative() && !x.is_zero() {
        return Err(
            Error::invalid_value(x.to_string(), "a count of zero or more").with_field(field),
        );
    }
    Ok(())
}

pub(crate) fn check_positive(x: Decimal, field: &str) -> Result<()> {
    if x <= Decimal::ZERO {
        return Err(
            Error::invalid_value(x.to_string(), format!("a {field} greater than zero"))
                .with_field(field),
        );
    }
    Ok(())
}

pub(crate) fn scaled(count: Decimal, denominator: Decimal, multiplier: Decimal) -> Result<Decimal> {
    count
        .checked_div(denominator)
        .and_then(|r| r.checked_mul(multiplier))
        .ok_or_else(|| Error::overflow("count / denominator × multiplier"))
}

pub(crate) fn to_f64(x: Decimal, field: &str) -> Result<f64> {
    x.to_f64()
        .filter(|v| v.is_finite())
        .ok_or_else(|| Error::invalid_value(x.to_string(), "a finite number").with_field(field))
}

fn finish(
    value: Decimal,
    lower: f64,
    upper: f64,
    method: Method,
    level: ConfidenceLevel,
) -> Result<Interval> {
    // Rounding to significant digits must not push a limit past the estimate when the
    // interval is narrower than the rounding (counts beyond about 10²⁰).
    Ok(Interval {
        value,
        lower: round_significant(lower, "lower")?.min(value),
        upper: round_significant(upper, "upper")?.max(value),
        method,
        level,
    })
}

/// `x` as a decimal of [`SIGNIFICANT_DIGITS`] significant digits, rounded to nearest from the
/// float's exact binary value; below 10⁻¹⁸, to a decimal's 28 places. Values below a decimal's
/// resolution are zero.
pub(crate) fn round_significant(x: f64, what: &str) -> Result<Decimal> {
    if !x.is_finite() {
        return Err(Error::overflow(format!("the {what} confidence limit")));
    }
    if x.abs() < 1e-27 {
        return Ok(Decimal::ZERO);
    }
    if let Some(d) = round_significant_fast(x) {
        return Ok(d);
    }
    let digits = SIGNIFICANT_DIGITS.saturating_sub(1) as usize;
    let text = format!("{x:.digits$e}");
    match Decimal::from_scientific(&text) {
        Ok(d) => Ok(d.normalize()),
        // Ten significant digits of a number below 10⁻¹⁸ need more than a decimal's 28
        // places: it keeps the digits it can hold.
        Err(_) if x.abs() < 1.0 => format!("{x:.28}")
            .parse::<Decimal>()
            .map(|d| d.normalize())
            .map_err(|_| Error::overflow(format!("the {what} confidence limit"))),
        Err(_) => Err(Error::overflow(format!("the {what} confidence limit"))),
    }
}

/// [`round_significant`] without writing text, where that gives the same digits: `x` is scaled
/// by a power of ten that is exact in f64 (one rounding, at most half a unit in 10⁻⁶ of the
/// last digit), so the scaled value rounds to the same integer as the exact one unless it lies
/// within that error of a half; those, and magnitudes outside the exact powers, are left to the
/// text path.
///
/// The power is found from the float's binary exponent and corrected by one step if the scaled
/// value falls outside the ten digits (a logarithm per limit was a visible share of the bulk
/// paths); the trailing zeros are dropped on the integer.
pub(crate) fn round_significant_fast(x: f64) -> Option<Decimal> {
    let (mantissa, scale) = round_significant_parts(x)?;
    Some(Decimal::new(mantissa, scale))
}

/// [`round_significant_fast`] as the decimal's mantissa and scale (at most 22), for the bulk
/// paths that write them into a column without building the `Decimal`.
#[inline]
pub(crate) fn round_significant_parts(x: f64) -> Option<(i64, u32)> {
    let digits = i32::try_from(SIGNIFICANT_DIGITS).ok()?;
    let low = POWERS_F64.get(usize::try_from(digits - 1).ok()?).copied()?;
    let high = low * 10.0;
    let a = x.abs();
    if !(a.is_finite() && a > 0.0) {
        return None;
    }
    // floor(log10(a)) within one: floor(log10(2) × the binary exponent), 78913 / 2¹⁸ being
    // log10(2) to within 10⁻⁶ (the shift floors negative exponents too).
    let binary = ((a.to_bits() >> 52) & 0x7ff) as i32 - 1023;
    let guess = (binary * 78_913) >> 18;
    let mut scale = digits - 1 - guess;
    let mut scaled = a * POWERS_F64.get(usize::try_from(scale).ok()?).copied()?;
    if scaled >= high {
        scale -= 1;
        scaled = a * POWERS_F64.get(usize::try_from(scale).ok()?).copied()?;
    } else if scaled < low {
        scale += 1;
        scaled = a * POWERS_F64.get(usize::try_from(scale).ok()?).copied()?;
    }
    // `scaled` is far below 2⁵²: its integer part and fraction are exact, and truncation is one
    // instruction where `round` is a library call.
    let whole = scaled as i64;
    let fraction = scaled - whole as f64;
    if (fraction - 0.5).abs() < 1e-4 {
        return None;
    }
    let mut mantissa = whole + i64::from(fraction > 0.5);
    if !(low..high).contains(&(mantissa as f64)) {
        return None;
    }
    let mut scale = u32::try_from(scale).ok()?;
    while scale > 0 && mantissa % 10 == 0 {
        mantissa /= 10;
        scale -= 1;
    }
    Some((if x < 0.0 { -mantissa } else { mantissa }, scale))
}

/// 2⁵²: adding it to a float in [0, 2⁵²) rounds that float to an integer (half to even), and
/// the sum's bits are 2⁵²'s plus that integer.
pub(crate) const LIFT: f64 = 4_503_599_627_370_496.0;

/// One lane of [`round_significant_parts`] for the bulk kernels, without branches, so that a
/// loop over a block of limits vectorises: `(r, scale, sure)`, where `r` is the ten-digit
/// mantissa before its trailing zeros are dropped (an integer in [10⁹, 10¹⁰), as a float) and
/// `x = r × 10^-scale` to ten digits. Where `sure` is false (zero, negative, non-finite, a
/// magnitude outside the exact powers, or a scaled value within 10⁻⁴ of a half) the lane is
/// meaningless and the caller takes [`round_significant`].
///
/// When sure, it is what [`round_significant_parts`] computes, step for step: the same scale
/// guess and correction, the same product, and rounding to the nearest integer by the sum with
/// 2⁵² (half to even, but no half is sure) instead of truncating and testing the fraction.
#[inline(always)]
pub(crate) fn round_significant_lane(x: f64) -> (f64, i64, bool) {
    const LOW: f64 = 1e9;
    const HIGH: f64 = 1e10;
    const TOP: i64 = POWERS_F64.len() as i64 - 1;
    let binary = ((x.to_bits() >> 52) & 0x7ff) as i64 - 1023;
    let guess = (binary * 78_913) >> 18;
    let first = 9 - guess;
    let at = first.clamp(0, TOP);
    // The three powers the scale can take, from one: 10^(first − 1), 10^first and
    // 10^(first + 1), each exact (a power of ten up to 10²² times ten is the next one) wherever
    // the lane can be sure, which needs `first` and the scale within 0…22; elsewhere they are
    // meaningless, as the lane is.
    let below = pow10((first - 1).clamp(0, TOP));
    let power = if first >= 1 { below * 10.0 } else { 1.0 };
    let scaled = x * power;
    let scale = first - i64::from(scaled >= HIGH) + i64::from(scaled < LOW);
    let index = scale.clamp(0, TOP);
    let power = if scale < first {
        below
    } else if scale > first {
        power * 10.0
    } else {
        power
    };
    let scaled = x * power;
    let r = (scaled + LIFT) - LIFT;
    // Exact: `r` is within one of `scaled`, which is at least 10⁸ when the lane is sure.
    let off = (scaled - r).abs();
    let sure = (x > 0.0)
        & (x < f64::INFINITY)
        & (first == at)
        & (scale == index)
        & ((off - 0.5).abs() >= 1e-4)
        & (LOW..HIGH).contains(&r);
    (r, scale, sure)
}

/// 10ᵏ for `k` from 0 to 22, the entry of [`POWERS_F64`], by the bits of `k`: every partial
/// product is a power of ten exact in f64, so the result is too. Selects and multiplications
/// instead of a table, whose gathers keep a loop from vectorising.
#[inline(always)]
pub(crate) fn pow10(k: i64) -> f64 {
    let mut p = 1.0;
    for (bit, factor) in [(1, 1e1), (2, 1e2), (4, 1e4), (8, 1e8), (16, 1e16)] {
        p *= if k & bit != 0 { factor } else { 1.0 };
    }
    p
}

/// A sure lane of [`round_significant_lane`] as [`round_significant_parts`] gives it: the
/// mantissa without its trailing zeros and the scale reduced to match.
#[inline]
pub(crate) fn lane_parts(r: f64, scale: i64) -> (i64, u32) {
    // A sure lane's mantissa is an integer below 10¹⁰ and its scale at most 22.
    let mut mantissa = r as i64;
    let mut scale = scale.clamp(0, 22) as u32;
    while scale > 0 && mantissa % 10 == 0 {
        mantissa /= 10;
        scale -= 1;
    }
    (mantissa, scale)
}

/// 10⁰ ... 10²², every one exact in f64.
pub(crate) const POWERS_F64: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// Half a unit in the last of the [`SIGNIFICANT_DIGITS`] significant digits of `limit`: the
/// distance within which a comparator is reported as at the limit.
pub(crate) fn half_unit(limit: Decimal) -> Decimal {
    if limit.is_zero() {
        return Decimal::ZERO;
    }
    let mantissa_digits = limit.mantissa().unsigned_abs().to_string().len() as i64;
    // limit = m × 10^-scale, so its leading digit is at 10^(digits - 1 - scale).
    let leading = mantissa_digits - 1 - i64::from(limit.scale());
    let last = leading - i64::from(SIGNIFICANT_DIGITS) + 1;
    let unit = if last >= 0 {
        Decimal::from(10_u64.pow(last.min(18) as u32))
    } else {
        Decimal::new(1, (-last).min(28) as u32)
    };
    unit / Decimal::TWO
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn z_values() {
        assert!((ConfidenceLevel::P95.z() - 1.959_963_984_540_054).abs() < 1e-14);
        assert!((ConfidenceLevel::P998.z() - 3.090_232_306_167_813).abs() < 1e-13);
    }

    #[test]
    fn chi_squared_with_two_degrees_has_a_closed_form() {
        // With 2 degrees of freedom the quantile is −2 ln(1 − p).
        for p in [0.001_f64, 0.025, 0.975, 0.999] {
            let want = -2.0 * (1.0 - p).ln();
            let got = chi_squared_quantile(p, 2.0);
            assert!(((got - want) / want).abs() < 1e-13, "{p}: {got} vs {want}");
        }
    }

    #[test]
    fn fractional_and_tiny_counts_have_limits_not_panics() {
        for count in [
            dec!(0.0000000000000000000000000001),
            dec!(0.0001),
            dec!(0.5),
            dec!(9.999),
        ] {
            for level in [ConfidenceLevel::P95, ConfidenceLevel::P998] {
                let ci = rate(count, dec!(1), level, dec!(1)).unwrap();
                assert!(ci.lower <= ci.value && ci.value <= ci.upper, "{ci:?}");
                assert_eq!(ci.method, Method::ExactPoisson);
            }
        }
    }

    #[test]
    fn a_lower_limit_below_the_range_of_f64_is_zero() {
        // χ²(0.001; 0.002) / 2 is about 10^-3000: zero, not a rounding artefact of the search.
        let (lower, _) = exact_poisson(0.001, ConfidenceLevel::P998);
        assert_eq!(lower, 0.0);
        let (lower, _) = exact_poisson(0.004, ConfidenceLevel::P998);
        assert_eq!(lower, 0.0);
        // Where the quantile is representable it is still found: P(a, y) ≈ yᵃ / Γ(a + 1).
        let (lower, _) = exact_poisson(0.5, ConfidenceLevel::P95);
        let approx = (0.025_f64 * statrs::function::gamma::gamma(1.5)).powf(2.0);
        assert!(
            lower > 0.0 && (lower / approx - 1.0).abs() < 0.05,
            "{lower} vs {approx}"
        );
    }

    #[test]
    fn small_counts_have_their_lower_limit_not_a_rounding_artefact() {
        // P(a, y) ≈ yᵃ / Γ(a + 1) for a tiny y: the quantile of 0.001 for a = 0.05 is about
        // e^-138.7, where statrs's function gave 0 and the search stopped near 10⁻¹⁵.
        let (lower, _) = exact_poisson(0.05, ConfidenceLevel::P998);
        let want = ((0.001_f64.ln() + ln_gamma(1.05)) / 0.05).exp();
        assert!((lower / want - 1.0).abs() < 1e-6, "{lower:e} vs {want:e}");
        // The series agrees with statrs where both are accurate.
        for (a, y) in [(0.5, 0.3), (3.0, 0.9), (9.5, 0.5)] {
            let ours = lower_gamma_series(a, y);
            let theirs = checked_gamma_lr(a, y).unwrap();
            assert!(
                (ours / theirs - 1.0).abs() < 1e-12,
                "{a} {y}: {ours} vs {theirs}"
            );
        }
    }

    #[test]
    fn half_unit_of_the_last_significant_digit() {
        assert_eq!(half_unit(dec!(25.53440000)), dec!(0.000000005));
        assert_eq!(half_unit(dec!(123456.7891)), dec!(0.00005));
        assert_eq!(half_unit(dec!(0)), dec!(0));
    }

    #[test]
    fn rounding_to_significant_digits() {
        assert_eq!(
            round_significant(0.255_344_120_871, "x").unwrap(),
            dec!(0.2553441209)
        );
        assert_eq!(
            round_significant(12_345_678_901.6, "x").unwrap(),
            dec!(12345678900)
        );
        assert!(round_significant(f64::NAN, "x").is_err());
        // Beyond a decimal's 28 places the digits it can hold are kept.
        assert_eq!(
            round_significant(1.234_567_890_123e-24, "x").unwrap(),
            dec!(0.0000000000000000000000012346)
        );
    }

    #[test]
    fn the_fast_rounding_gives_the_digits_of_the_text_path() {
        let mut x = 1.234_567_890_123_456e-12_f64;
        for _ in 0..200 {
            for v in [x, -x, x * 1.000_000_000_05, x * 0.999_999_999_95] {
                let text = format!("{v:.9e}");
                let want = Decimal::from_scientific(&text).unwrap().normalize();
                if let Some(got) = round_significant_fast(v) {
                    assert_eq!(got, want, "{v:e}");
                }
            }
            x *= 1.37;
        }
        // Near every power of ten the scale found from the binary exponent is corrected, and
        // many more magnitudes, from a fixed pseudo-random sequence.
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        let mut values = Vec::new();
        for k in -14..=11 {
            let p = 10f64.powi(k);
            let mut below = p;
            let mut above = p;
            for _ in 0..4 {
                below = f64::from_bits(below.to_bits() - 1);
                above = f64::from_bits(above.to_bits() + 1);
                values.extend([below, above]);
            }
            values.extend([p, p * 0.999_999_999_95, p * 9.999_999_999_5]);
        }
        for _ in 0..20_000 {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let unit = (state >> 11) as f64 / (1u64 << 53) as f64;
            values.push(10f64.powf(unit * 26.0 - 14.0));
        }
        for v in values {
            let want = Decimal::from_scientific(&format!("{v:.9e}"))
                .unwrap()
                .normalize();
            if let Some(got) = round_significant_fast(v) {
                assert_eq!(got, want, "{v:e}");
            }
            assert_eq!(round_significant(v, "x").unwrap(), want, "{v:e}");
        }
        // A tie in the exact binary value is left to the text path.
        assert_eq!(round_significant_fast(0.125), Some(dec!(0.125)));
        assert_eq!(round_significant_fast(1_234_567_890.5), None);
    }

    /// The lane form, where sure, is `round_significant` digit for digit and scale for scale,
    /// and sure only where `round_significant_parts` has an answer.
    fn check_lane(x: f64) {
        let (r, scale, sure) = round_significant_lane(x);
        if !sure {
            return;
        }
        assert!(round_significant_parts(x).is_some(), "{x:e}");
        let (m, s) = lane_parts(r, scale);
        let want = round_significant(x, "x").unwrap();
        assert_eq!((i128::from(m), s), (want.mantissa(), want.scale()), "{x:e}");
    }

    #[test]
    fn powers_of_ten_by_their_bits_are_the_table() {
        for (k, p) in POWERS_F64.iter().enumerate() {
            assert_eq!(pow10(k as i64).to_bits(), p.to_bits(), "{k}");
        }
    }

    #[test]
    fn the_lane_rounding_at_ties_powers_and_extremes() {
        let mut values = vec![
            0.0,
            -0.0,
            -1.5,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::MIN_POSITIVE,
            f64::from_bits(1),
            f64::MAX,
            1e-300,
            1e300,
            0.125,
        ];
        for k in -30..=30 {
            let p = 10f64.powi(k);
            let (mut below, mut above) = (p, p);
            for _ in 0..4 {
                below = f64::from_bits(below.to_bits() - 1);
                above = f64::from_bits(above.to_bits() + 1);
                values.extend([below, above]);
            }
            values.extend([
                p,
                p * 0.999_999_999_95,
                p * 9.999_999_999_5,
                p * 9.999_999_999_4,
            ]);
        }
        // Exact ties at the tenth digit (whole numbers and halves up to 2⁵³ are exact), and the
        // floats either side of each.
        for m in [
            1_000_000_000u64,
            1_234_567_890,
            9_999_999_999,
            5_000_000_000,
        ] {
            for shift in 0..=6 {
                let tie = (m as f64 + 0.5) * 10f64.powi(shift);
                let up = f64::from_bits(tie.to_bits() + 1);
                let down = f64::from_bits(tie.to_bits() - 1);
                values.extend([tie, up, down]);
            }
        }
        assert!(!round_significant_lane(1_234_567_890.5).2);
        assert!(!round_significant_lane(0.0).2);
        assert!(!round_significant_lane(-2.0).2);
        assert!(!round_significant_lane(f64::NAN).2);
        assert!(round_significant_lane(0.3).2);
        for v in values {
            check_lane(v);
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4096))]

        #[test]
        fn the_lane_rounding_is_round_significant_for_any_float(bits in proptest::prelude::any::<u64>()) {
            check_lane(f64::from_bits(bits));
        }

        #[test]
        fn the_lane_rounding_is_round_significant_for_limits(
            unit in 0.0f64..1.0, k in -20i32..=20, nudge in -4i64..=4,
        ) {
            // A magnitude a limit may have, and the floats next to it.
            let x = (1.0 + 9.0 * unit) * 10f64.powi(k);
            check_lane(f64::from_bits(x.to_bits().wrapping_add_signed(nudge)));
        }

        #[test]
        fn the_lane_rounding_near_a_tie(m in 1_000_000_000u64..10_000_000_000, k in -12i32..=12, ulps in -64i64..=64) {
            // m.5 × 10ᵏ rounded to a float, and floats near it: ties and near-ties of the tenth
            // digit at every magnitude.
            let x = (m as f64 + 0.5) * 10f64.powi(k);
            check_lane(f64::from_bits(x.to_bits().wrapping_add_signed(ulps)));
        }
    }
}
