//! Funnel plots: control limits around the group's average and each unit's label (SPEC §8b).
//!
//! A funnel plot sets each unit's value (an area's, a hospital's) against its size, with limits
//! at 95% and 99.8% that narrow as the size grows. The methods are those of the
//! PHEindicatormethods functions `calculate_funnel_limits` and `assign_funnel_significance`:
//!
//! | statistic | limits at a denominator | label |
//! | --- | --- | --- |
//! | [`Statistic::Proportion`] | the proportions whose Wilson interval ends at the centre | the value against those limits |
//! | [`Statistic::Rate`], [`Statistic::Ratio`] | the §8a limits of the count expected at the centre | the unit's own §8a interval against the centre |
//!
//! with Spiegelhalter's additive random-effects adjustment for overdispersion as an option
//! ([`Overdispersion`]). Values and the centre are exact decimals; limits are computed in `f64`
//! and given to [`SIGNIFICANT_DIGITS`] significant digits, as in [`crate::interval`].
//!
//! ```
//! use ragstatus::funnel::{FunnelSettings, FunnelUnit, Position, Statistic, funnel};
//! use ragstatus::comparison::{Outcome, Preference};
//! use rust_decimal_macros::dec;
//!
//! let units = [
//!     FunnelUnit::new(dec!(10232), dec!(15232)),
//!     FunnelUnit::new(dec!(12321), dec!(16123)),
//!     FunnelUnit::new(dec!(15123), dec!(17932)),
//!     FunnelUnit::new(dec!(13213), dec!(18475)),
//! ];
//! let mut settings = FunnelSettings::new(Statistic::Proportion);
//! settings.preference = Preference::Higher;
//! let f = funnel(&units, &settings)?;
//! assert_eq!(f.centre.round_dp(4), dec!(75.0996)); // Σx / Σn × 100
//! assert_eq!(f.points[0].position, Position::Below);
//! assert_eq!(f.points[0].outcome, Outcome::Worse);
//! assert_eq!(f.points[2].position, Position::Above);
//! # Ok::<(), ragstatus::Error>(())
//! ```
//!
//! [`SIGNIFICANT_DIGITS`]: crate::interval::SIGNIFICANT_DIGITS

use std::fmt;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::comparison::{Outcome, Preference};
use crate::error::{Error, Result};
use crate::interval::{
    self, ConfidenceLevel, Kind, SMALL_COUNT, byar, check_count, check_positive, exact_poisson,
    round_significant, scaled, to_f64,
};

/// The two levels, widest first: labels are checked in this order.
const LEVELS: [ConfidenceLevel; 2] = [ConfidenceLevel::P998, ConfidenceLevel::P95];

/// What the units' numerators and denominators are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Statistic {
    /// Events out of a population (x ≤ n): Wilson limits.
    Proportion,
    /// Events in a population (a crude rate): Poisson limits.
    Rate,
    /// Observed over expected events (an indirectly standardised ratio): Poisson limits around
    /// 1.
    Ratio,
}

impl Statistic {
    /// `proportion`, `rate` or `ratio`.
    pub fn as_str(self) -> &'static str {
        match self {
            Statistic::Proportion => "proportion",
            Statistic::Rate => "rate",
            Statistic::Ratio => "ratio",
        }
    }

    /// The usual multiplier: 100 (a percentage), 100,000 (per 100,000) or 1.
    pub fn default_multiplier(self) -> Decimal {
        match self {
            Statistic::Proportion => Decimal::ONE_HUNDRED,
            Statistic::Rate => Decimal::from(100_000),
            Statistic::Ratio => Decimal::ONE,
        }
    }
}

impl fmt::Display for Statistic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One unit of a funnel plot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FunnelUnit {
    /// Events (observed events for a ratio), zero or more.
    pub numerator: Decimal,
    /// Population (expected events for a ratio), greater than zero.
    pub denominator: Decimal,
}

impl FunnelUnit {
    /// A unit of `numerator` events in `denominator`.
    pub fn new(numerator: Decimal, denominator: Decimal) -> Self {
        FunnelUnit {
            numerator,
            denominator,
        }
    }
}

/// Spiegelhalter's additive random-effects adjustment for overdispersion (SPEC §8b).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Overdispersion {
    /// The fraction of z-scores winsorised at each end, from 0 to below 0.5 (default 0.1).
    pub winsor: Decimal,
}

impl Default for Overdispersion {
    fn default() -> Self {
        Overdispersion {
            winsor: Decimal::new(1, 1),
        }
    }
}

/// How a funnel is drawn and its units labelled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FunnelSettings {
    /// What the units measure.
    pub statistic: Statistic,
    /// The multiplier of values and limits, greater than zero.
    pub multiplier: Decimal,
    /// The centre in the statistic's units (× multiplier); `None`: the group's average
    /// (proportions and rates) or 1 × multiplier (ratios).
    pub centre: Option<Decimal>,
    /// Which direction is better, for the outcome.
    pub preference: Preference,
    /// The overdispersion adjustment; `None` (the default): none.
    pub overdispersion: Option<Overdispersion>,
}

impl FunnelSettings {
    /// The defaults for `statistic`: its usual multiplier, the group's centre, no preference, no
    /// overdispersion adjustment.
    pub fn new(statistic: Statistic) -> Self {
        FunnelSettings {
            statistic,
            multiplier: statistic.default_multiplier(),
            centre: None,
            preference: Preference::None,
            overdispersion: None,
        }
    }
}

/// Where a unit lies relative to the funnel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Position {
    /// Significantly above the centre.
    Above,
    /// Within the limits (limits included).
    Within,
    /// Significantly below the centre.
    Below,
}

impl Position {
    /// `above`, `within` or `below`.
    pub fn as_str(self) -> &'static str {
        match self {
            Position::Above => "above",
            Position::Within => "within",
            Position::Below => "below",
        }
    }

    /// Better / Worse by `preference` (Higher / Lower for none); Similar within.
    pub fn outcome(self, preference: Preference) -> Outcome {
        match (self, preference) {
            (Position::Within, _) => Outcome::Similar,
            (Position::Above, Preference::Higher) | (Position::Below, Preference::Lower) => {
                Outcome::Better
            }
            (Position::Above, Preference::Lower) | (Position::Below, Preference::Higher) => {
                Outcome::Worse
            }
            (Position::Above, Preference::None) => Outcome::Higher,
            (Position::Below, Preference::None) => Outcome::Lower,
        }
    }
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The control limits at one denominator, to [`interval::SIGNIFICANT_DIGITS`] significant
/// digits, × multiplier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Limits {
    /// The denominator (population, expected events) the limits are for.
    pub denominator: Decimal,
    /// The lower 95% limit.
    pub lower_95: Decimal,
    /// The upper 95% limit.
    pub upper_95: Decimal,
    /// The lower 99.8% limit.
    pub lower_998: Decimal,
    /// The upper 99.8% limit.
    pub upper_998: Decimal,
}

impl Limits {
    /// The lower and upper limit at `level`.
    pub fn at(&self, level: ConfidenceLevel) -> (Decimal, Decimal) {
        match level {
            ConfidenceLevel::P95 => (self.lower_95, self.upper_95),
            ConfidenceLevel::P998 => (self.lower_998, self.upper_998),
        }
    }
}

/// One unit on the funnel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FunnelPoint {
    /// The unit's value, numerator / denominator × multiplier, exact.
    pub value: Decimal,
    /// The limits at the unit's denominator.
    pub limits: Limits,
    /// Above, within or below.
    pub position: Position,
    /// The highest level at which the unit is outside; `None` within.
    pub level: Option<ConfidenceLevel>,
    /// Better / Worse / Higher / Lower / Similar, by the preference.
    pub outcome: Outcome,
}

/// The overdispersion estimate (SPEC §8b), to 10 significant digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dispersion {
    /// φ, the mean squared winsorised z-score.
    pub phi: Decimal,
    /// τ², the between-unit variance added to each unit's (in the unscaled statistic's units).
    pub tau2: Decimal,
    /// True when τ² > 0 and the limits and labels are the adjusted ones.
    pub adjusted: bool,
}

/// A funnel plot: the centre, the overdispersion estimate if asked for, and every unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Funnel {
    /// What the units measure.
    pub statistic: Statistic,
    /// The multiplier of values and limits.
    pub multiplier: Decimal,
    /// The centre line, × multiplier.
    pub centre: Decimal,
    /// The overdispersion estimate, when the adjustment was asked for.
    pub dispersion: Option<Dispersion>,
    /// One point per unit, in the order given.
    pub points: Vec<FunnelPoint>,
    #[serde(skip)]
    model: Model,
}

impl Funnel {
    /// The limits at any denominator (to draw the funnel's lines).
    ///
    /// Errors: a denominator that is not greater than zero.
    pub fn limits_at(&self, denominator: Decimal) -> Result<Limits> {
        self.model.limits(denominator)
    }
}

/// Everything the limits and labels need, fixed once per funnel.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Model {
    pub(crate) statistic: Statistic,
    pub(crate) multiplier: Decimal,
    pub(crate) centre: Decimal,
    pub(crate) preference: Preference,
    pub(crate) theta: f64,
    pub(crate) m: f64,
    /// τ² when the adjusted limits apply.
    pub(crate) tau2: Option<f64>,
}

impl Eq for Model {}

/// A proportion funnel's limits at denominator `n` around a centre `theta` strictly between 0
/// and 1, before the multiplier: PHE's `sigma_adjustment`, term for term. Branch-free and
/// inlined, so that the bulk kernels' loop over a block of units vectorises and still computes
/// the very same floats.
#[inline(always)]
pub(crate) fn sigma_adjustment(theta: f64, n: f64, z: f64) -> (f64, f64) {
    let z2 = z * z;
    let a = theta * (n / z2 + 1.0);
    let b = 1.0 / z2 + 1.0 / n;
    let d = (8.0 * a).powi(2)
        - 64.0 * b * theta * (n * (theta * (n / z2 + 2.0) - 1.0) + z2 * (theta - 1.0));
    let root = d.max(0.0).sqrt();
    let lo = (a - root / 8.0) / b / n;
    let hi = (a + root / 8.0) / b / n;
    (lo.clamp(0.0, 1.0), hi.clamp(0.0, 1.0))
}

impl Model {
    /// The model of `settings` around the centre of the units that `read` gives (`None`: a unit
    /// in error, left out of the centre).
    pub(crate) fn new(
        settings: &FunnelSettings,
        units: impl Iterator<Item = Option<FunnelUnit>> + Clone,
    ) -> Result<(Model, Option<Dispersion>)> {
        check_positive(settings.multiplier, "multiplier")?;
        let multiplier = settings.multiplier;
        let centre = match (settings.centre, settings.statistic) {
            (Some(c), statistic) => {
                let within =
                    c >= Decimal::ZERO && (statistic != Statistic::Proportion || c <= multiplier);
                if !within {
                    let expected = match statistic {
                        Statistic::Proportion => {
                            format!("a centre from 0 to the multiplier {multiplier}")
                        }
                        _ => "a centre of zero or more".to_string(),
                    };
                    return Err(Error::invalid_value(c.to_string(), expected).with_field("centre"));
                }
                c
            }
            (None, Statistic::Ratio) => multiplier,
            (None, _) => {
                let overflow = || Error::overflow("the sum of the units");
                let (mut x, mut n) = (Decimal::ZERO, Decimal::ZERO);
                let mut any = false;
                for u in units.clone().flatten() {
                    x = x.checked_add(u.numerator).ok_or_else(overflow)?;
                    n = n.checked_add(u.denominator).ok_or_else(overflow)?;
                    any = true;
                }
                if !any {
                    return Err(no_units());
                }
                scaled(x, n, multiplier)?
            }
        };
        let m = to_f64(multiplier, "multiplier")?;
        let theta = to_f64(centre, "centre")? / m;
        let mut model = Model {
            statistic: settings.statistic,
            multiplier,
            centre,
            preference: settings.preference,
            theta,
            m,
            tau2: None,
        };
        let dispersion = match settings.overdispersion {
            None => None,
            Some(od) => {
                let (phi, tau2) = model.overdispersion(units, od)?;
                let adjusted = tau2 > 0.0;
                if adjusted {
                    model.tau2 = Some(tau2);
                }
                Some(Dispersion {
                    phi: round_significant(phi, "φ")?,
                    tau2: round_significant(tau2, "τ²")?,
                    adjusted,
                })
            }
        };
        Ok((model, dispersion))
    }

    /// The variance of the unscaled statistic at denominator `n` under the centre.
    fn variance(&self, n: f64) -> f64 {
        match self.statistic {
            Statistic::Proportion => self.theta * (1.0 - self.theta) / n,
            Statistic::Rate | Statistic::Ratio => self.theta / n,
        }
    }

    /// φ and τ² from the units' winsorised z-scores.
    fn overdispersion(
        &self,
        units: impl Iterator<Item = Option<FunnelUnit>>,
        od: Overdispersion,
    ) -> Result<(f64, f64)> {
        let field = |e: Error| e.with_field("overdispersion");
        if !(od.winsor >= Decimal::ZERO && od.winsor < Decimal::new(5, 1)) {
            return Err(Error::invalid_value(
                od.winsor.to_string(),
                "a fraction winsorised at each end from 0 to below 0.5",
            )
            .with_field("overdispersion.winsor"));
        }
        let inside = match self.statistic {
            Statistic::Proportion => self.theta > 0.0 && self.theta < 1.0,
            Statistic::Rate | Statistic::Ratio => self.theta > 0.0,
        };
        if !inside {
            return Err(field(Error::invalid_value(
                self.centre.to_string(),
                "a centre strictly inside the statistic's range (every unit's variance is zero at its edge)",
            )));
        }
        let mut z = Vec::new();
        let mut weights = Vec::new();
        for u in units.flatten() {
            let x = to_f64(u.numerator, "numerator")?;
            let n = to_f64(u.denominator, "denominator")?;
            let var = self.variance(n);
            z.push((x / n - self.theta) / var.sqrt());
            weights.push(1.0 / var);
        }
        if z.len() < 2 {
            return Err(field(Error::invalid_value(
                format!("{} unit(s)", z.len()),
                "at least two units to estimate overdispersion",
            )));
        }
        let mut sorted = z.clone();
        sorted.sort_by(f64::total_cmp);
        let w = to_f64(od.winsor, "winsor")?;
        let (low, high) = (quantile7(&sorted, w), quantile7(&sorted, 1.0 - w));
        let count = z.len() as f64;
        let phi = z.iter().map(|v| v.clamp(low, high).powi(2)).sum::<f64>() / count;
        let sw: f64 = weights.iter().sum();
        let sw2: f64 = weights.iter().map(|v| v * v).sum();
        let tau2 = ((count * phi - (count - 1.0)) / (sw - sw2 / sw)).max(0.0);
        if !(phi.is_finite() && tau2.is_finite()) {
            return Err(field(Error::overflow("the overdispersion estimate")));
        }
        Ok((phi, tau2))
    }

    /// The limits at denominator `n`, as f64 × multiplier: [lower 95, upper 95, lower 99.8,
    /// upper 99.8].
    pub(crate) fn limits_f64(&self, n: f64) -> [f64; 4] {
        let mut out = [0.0; 4];
        for (i, level) in [ConfidenceLevel::P95, ConfidenceLevel::P998]
            .into_iter()
            .enumerate()
        {
            let (lo, hi) = self.limits_at_level(n, level);
            if let Some(slot) = out.get_mut(2 * i..2 * i + 2) {
                slot.copy_from_slice(&[lo * self.m, hi * self.m]);
            }
        }
        out
    }

    fn limits_at_level(&self, n: f64, level: ConfidenceLevel) -> (f64, f64) {
        let z = level.z();
        let theta = self.theta;
        if let Some(tau2) = self.tau2 {
            let half = z * (self.variance(n) + tau2).sqrt();
            let (lo, hi) = ((theta - half).max(0.0), theta + half);
            return match self.statistic {
                Statistic::Proportion => (lo, hi.min(1.0)),
                Statistic::Rate | Statistic::Ratio => (lo, hi),
            };
        }
        match self.statistic {
            // A centre of 0 or 1 leaves no room either side; the formula gets there only up to
            // cancellation in f64.
            Statistic::Proportion if theta <= 0.0 || theta >= 1.0 => (theta, theta),
            Statistic::Proportion => sigma_adjustment(theta, n, z),
            Statistic::Rate | Statistic::Ratio => {
                let mu = theta * n;
                let (lo, hi) = if mu < f64::from(SMALL_COUNT) {
                    exact_poisson(mu, level)
                } else {
                    byar(mu, level)
                };
                (lo / n, hi / n)
            }
        }
    }

    /// The limits at `denominator`, rounded.
    pub(crate) fn limits(&self, denominator: Decimal) -> Result<Limits> {
        check_positive(denominator, "denominator")?;
        let n = to_f64(denominator, "denominator")?;
        let [l95, u95, l998, u998] = self.limits_f64(n);
        // At a centre of 0 or 1 (or a vast denominator) a limit is the centre itself, which
        // neither f64 nor 10 significant digits need reproduce: a limit never passes the centre.
        let (lower, upper) = (
            |x: f64, what| round_significant(x, what).map(|d| d.min(self.centre)),
            |x: f64, what| round_significant(x, what).map(|d| d.max(self.centre)),
        );
        Ok(Limits {
            denominator,
            lower_95: lower(l95, "lower 95%")?,
            upper_95: upper(u95, "upper 95%")?,
            lower_998: lower(l998, "lower 99.8%")?,
            upper_998: upper(u998, "upper 99.8%")?,
        })
    }

    /// One unit's point; errors name the field (the caller adds the unit).
    pub(crate) fn point(&self, unit: FunnelUnit) -> Result<FunnelPoint> {
        check_unit(unit, self.statistic)?;
        let value = scaled(unit.numerator, unit.denominator, self.multiplier)?;
        let limits = self.limits(unit.denominator)?;
        // PHE labels a rate or a ratio by the unit's own intervals, computed once for both
        // levels.
        let own = if self.tau2.is_none() && self.statistic != Statistic::Proportion {
            Some(interval::both_levels(
                Kind::Poisson,
                unit.numerator,
                unit.denominator,
                self.multiplier,
            )?)
        } else {
            None
        };
        let mut found = (Position::Within, None);
        for level in LEVELS {
            let position = match &own {
                None => {
                    let (lo, hi) = limits.at(level);
                    if value < lo {
                        Position::Below
                    } else if value > hi {
                        Position::Above
                    } else {
                        Position::Within
                    }
                }
                Some([ci95, ci998]) => {
                    let ci = match level {
                        ConfidenceLevel::P95 => ci95,
                        ConfidenceLevel::P998 => ci998,
                    };
                    if self.centre < ci.lower {
                        Position::Above
                    } else if self.centre > ci.upper {
                        Position::Below
                    } else {
                        Position::Within
                    }
                }
            };
            if position != Position::Within {
                found = (position, Some(level));
                break;
            }
        }
        let (position, level) = found;
        Ok(FunnelPoint {
            value,
            limits,
            position,
            level,
            outcome: position.outcome(self.preference),
        })
    }

    pub(crate) fn centre(&self) -> Decimal {
        self.centre
    }
}

/// R's type-7 quantile of sorted values.
fn quantile7(sorted: &[f64], p: f64) -> f64 {
    let Some(last) = sorted.len().checked_sub(1) else {
        return f64::NAN;
    };
    let h = last as f64 * p;
    let lo = h.floor() as usize;
    let (a, b) = (
        sorted.get(lo).copied().unwrap_or(f64::NAN),
        sorted.get((lo + 1).min(last)).copied().unwrap_or(f64::NAN),
    );
    a + (h - h.floor()) * (b - a)
}

fn no_units() -> Error {
    Error::invalid_value(
        "no units",
        "at least one unit with a numerator and a denominator",
    )
    .with_field("units")
}

/// §8a's argument checks for one unit.
pub(crate) fn check_unit(unit: FunnelUnit, statistic: Statistic) -> Result<()> {
    check_count(unit.numerator, "numerator")?;
    check_positive(unit.denominator, "denominator")?;
    if statistic == Statistic::Proportion && unit.numerator > unit.denominator {
        return Err(Error::invalid_value(
            unit.numerator.to_string(),
            format!(
                "a numerator no greater than the denominator {}",
                unit.denominator
            ),
        )
        .with_field("numerator"));
    }
    Ok(())
}

/// The funnel of `units`: the centre, each unit's limits at its own denominator and its label
/// (SPEC §8b).
///
/// Errors: no units; a unit with a negative numerator, a denominator not greater than zero, or
/// (proportions) a numerator above its denominator, named `units[i]` with the field; a
/// multiplier not greater than zero; a centre out of range; overdispersion asked for with fewer
/// than two units or a centre at the edge of the range.
///
/// ```
/// use ragstatus::funnel::{FunnelSettings, FunnelUnit, Position, Statistic, funnel};
/// use rust_decimal_macros::dec;
///
/// // Deaths observed and expected: an SMR funnel around 100.
/// let units = [FunnelUnit::new(dec!(150), dec!(100)), FunnelUnit::new(dec!(95), dec!(100))];
/// let mut settings = FunnelSettings::new(Statistic::Ratio);
/// settings.multiplier = dec!(100);
/// let f = funnel(&units, &settings)?;
/// assert_eq!(f.centre, dec!(100));
/// assert_eq!(f.points[0].position, Position::Above);
/// assert_eq!(f.points[1].position, Position::Within);
/// # Ok::<(), ragstatus::Error>(())
/// ```
pub fn funnel(units: &[FunnelUnit], settings: &FunnelSettings) -> Result<Funnel> {
    if units.is_empty() {
        return Err(no_units());
    }
    for (i, u) in units.iter().enumerate() {
        check_unit(*u, settings.statistic).map_err(|e| e.with_field(format!("units[{i}]")))?;
    }
    let (model, dispersion) = Model::new(settings, units.iter().copied().map(Some))?;
    let points = units
        .iter()
        .enumerate()
        .map(|(i, u)| {
            model
                .point(*u)
                .map_err(|e| e.with_field(format!("units[{i}]")))
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(Funnel {
        statistic: settings.statistic,
        multiplier: model.multiplier,
        centre: model.centre,
        dispersion,
        points,
        model,
    })
}

/// The limits at `denominator` of a funnel around `centre` (× `multiplier`): the lines to draw
/// when the centre is known. `tau2` (a [`Dispersion::tau2`] above zero) gives the
/// overdispersion-adjusted limits; `None` or zero the unadjusted ones.
///
/// Errors: a denominator or multiplier not greater than zero, a centre out of range, a
/// negative `tau2`.
///
/// ```
/// use ragstatus::funnel::{Statistic, funnel_limits};
/// use rust_decimal_macros::dec;
///
/// let small = funnel_limits(dec!(100), dec!(50), Statistic::Proportion, dec!(100), None)?;
/// let large = funnel_limits(dec!(10000), dec!(50), Statistic::Proportion, dec!(100), None)?;
/// assert!(large.upper_95 < small.upper_95 && large.upper_95 > dec!(50));
/// # Ok::<(), ragstatus::Error>(())
/// ```
pub fn funnel_limits(
    denominator: Decimal,
    centre: Decimal,
    statistic: Statistic,
    multiplier: Decimal,
    tau2: Option<Decimal>,
) -> Result<Limits> {
    let settings = FunnelSettings {
        centre: Some(centre),
        multiplier,
        ..FunnelSettings::new(statistic)
    };
    let (mut model, _) = Model::new(&settings, std::iter::empty())?;
    if let Some(t) = tau2 {
        if t < Decimal::ZERO {
            return Err(
                Error::invalid_value(t.to_string(), "a τ² of zero or more").with_field("tau2")
            );
        }
        let t = to_f64(t, "tau2")?;
        model.tau2 = (t > 0.0).then_some(t);
    }
    model.limits(denominator)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn type_7_quantiles() {
        let v = [1.0, 2.0, 3.0, 4.0, 5.0];
        assert_eq!(quantile7(&v, 0.1), 1.4);
        assert_eq!(quantile7(&v, 0.9), 4.6);
        assert_eq!(quantile7(&v, 0.0), 1.0);
        assert!(quantile7(&[], 0.5).is_nan());
    }

    #[test]
    fn the_proportion_limits_are_the_wilson_intervals_that_end_at_the_centre() {
        // A unit on the upper limit has a Wilson lower limit equal to the centre.
        let limits =
            funnel_limits(dec!(400), dec!(0.3), Statistic::Proportion, dec!(1), None).unwrap();
        let n = 400.0;
        let x = limits.upper_95.to_string().parse::<f64>().unwrap() * n;
        let z = ConfidenceLevel::P95.z();
        let z2 = z * z;
        let lower = (2.0 * x + z2 - z * (z2 + 4.0 * x * (1.0 - x / n)).sqrt()) / 2.0 / (n + z2);
        assert!((lower - 0.3).abs() < 1e-9, "{lower}");
    }

    #[test]
    fn units_in_error_are_named() {
        let units = [
            FunnelUnit::new(dec!(1), dec!(2)),
            FunnelUnit::new(dec!(3), dec!(2)),
        ];
        let err = funnel(&units, &FunnelSettings::new(Statistic::Proportion)).unwrap_err();
        assert_eq!(err.location().field.as_deref(), Some("units[1].numerator"));
        let err = funnel(&[], &FunnelSettings::new(Statistic::Rate)).unwrap_err();
        assert_eq!(err.location().field.as_deref(), Some("units"));
    }
}
