//! Comparing an area's value with a benchmark, as Fingertips does (SPEC §8a).
//!
//! An area's confidence interval ([`crate::interval`]) is set against a comparator value
//! (England, the region): the comparator inside the interval is **Similar**, outside it the
//! area is **Better** or **Worse** by the indicator's [`Preference`], or **Higher** / **Lower**
//! when no direction is preferred. [`compare_levels`] gives the two-level form, naming the
//! highest of 95% and 99.8% at which the difference holds.
//!
//! ```
//! use ragstatus::comparison::{Outcome, Preference, compare};
//! use ragstatus::interval::{ConfidenceLevel, proportion};
//! use rust_decimal_macros::dec;
//!
//! let area = proportion(dec!(81), dec!(263), ConfidenceLevel::P95, dec!(100))?;
//! let c = compare(Some(&area), dec!(40.0), Preference::Higher).explained("England");
//! assert_eq!(c.outcome, Outcome::Worse);
//! assert_eq!(
//!     c.explanation.as_deref(),
//!     Some("30.8 (95% CI 25.5 to 36.6) is significantly lower than England's 40.0, \
//!           which lies above the interval: Worse (95%)")
//! );
//! # Ok::<(), ragstatus::Error>(())
//! ```

use std::fmt;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::interval::{ConfidenceLevel, Interval, half_unit};

/// Which direction of an indicator is better, for a benchmark comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Preference {
    /// Higher is better (screening coverage).
    Higher,
    /// Lower is better (mortality).
    Lower,
    /// No preferred direction (population, prevalence used for planning): Higher / Lower.
    None,
}

impl Preference {
    /// The name used in definitions: `higher`, `lower`, `none`.
    pub fn as_str(self) -> &'static str {
        match self {
            Preference::Higher => "higher",
            Preference::Lower => "lower",
            Preference::None => "none",
        }
    }

    /// The same comparison seen the other way round: `higher` ↔ `lower`, `none` unchanged.
    pub fn reversed(self) -> Preference {
        match self {
            Preference::Higher => Preference::Lower,
            Preference::Lower => Preference::Higher,
            Preference::None => Preference::None,
        }
    }
}

/// How an indicator's own figure gets its confidence interval for a comparison with a national
/// value (SPEC §8a), and how its comparators' funnel is drawn (SPEC §8b).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum BenchmarkMethod {
    /// Events out of a population (a proportion or percentage): Wilson score limits; a
    /// proportion funnel.
    Wilson,
    /// Events in a population (a crude rate): exact Poisson limits below 10 events, Byar's
    /// from 10; a rate funnel.
    Poisson,
}

impl BenchmarkMethod {
    /// `wilson` or `poisson`, as definitions write it.
    pub fn as_str(self) -> &'static str {
        match self {
            BenchmarkMethod::Wilson => "wilson",
            BenchmarkMethod::Poisson => "poisson",
        }
    }

    /// The interval of `numerator` events in `denominator` at `level`, × `multiplier`.
    ///
    /// Errors: as [`crate::interval::proportion`] or [`crate::interval::rate`].
    pub fn interval(
        self,
        numerator: Decimal,
        denominator: Decimal,
        level: ConfidenceLevel,
        multiplier: Decimal,
    ) -> Result<Interval> {
        match self {
            BenchmarkMethod::Wilson => {
                crate::interval::proportion(numerator, denominator, level, multiplier)
            }
            BenchmarkMethod::Poisson => {
                crate::interval::rate(numerator, denominator, level, multiplier)
            }
        }
    }

    /// The funnel plot's statistic: a proportion for Wilson, a rate for Poisson.
    pub fn statistic(self) -> crate::funnel::Statistic {
        match self {
            BenchmarkMethod::Wilson => crate::funnel::Statistic::Proportion,
            BenchmarkMethod::Poisson => crate::funnel::Statistic::Rate,
        }
    }
}

impl fmt::Display for BenchmarkMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A definition's request to compare the indicator with a national (or regional) value,
/// written `benchmark = { against = "England", method = "wilson", levels = ["95", "99.8"] }`.
///
/// `against` names the row of the comparators file that holds the national value; that row is
/// the benchmark, not a member of the comparator group (it takes no part in ranks, quartiles
/// or the funnel). The indicator's own interval comes from the numerator and denominator of
/// its actual for the period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct IndicatorBenchmark {
    /// The comparator name of the national value (`England`).
    pub against: String,
    /// How the intervals are computed.
    pub method: BenchmarkMethod,
    /// The levels compared at: `["95"]` (the default), `["99.8"]`, or both for the two-level
    /// comparison.
    #[serde(default = "default_levels")]
    pub levels: Vec<ConfidenceLevel>,
    /// How the report draws the funnel plot of the comparators (`funnel = { centre = "group",
    /// overdispersion = true }`); by default around the national value, unadjusted.
    #[serde(default, skip_serializing_if = "BenchmarkFunnel::is_default")]
    pub funnel: BenchmarkFunnel,
}

/// How the report's funnel plot of an indicator's comparators is drawn (SPEC §8b, "In the
/// report").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields, default)]
pub struct BenchmarkFunnel {
    /// The centre line: `national` (the default), so that this council's label on the funnel
    /// and its comparison in the table answer the same question, or `group`, the pooled
    /// average of the units plotted (Σ numerators / Σ denominators × multiplier, as
    /// PHEindicatormethods centres a funnel).
    pub centre: FunnelCentre,
    /// Spiegelhalter's additive overdispersion adjustment with 10% winsorising (SPEC §8b),
    /// for comparators that vary more than chance allows; off by default.
    pub overdispersion: bool,
}

impl BenchmarkFunnel {
    /// True for the defaults (national centre, no adjustment).
    pub fn is_default(&self) -> bool {
        *self == BenchmarkFunnel::default()
    }
}

/// What a report's funnel plot is centred on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum FunnelCentre {
    /// The national value the indicator is compared with.
    #[default]
    National,
    /// The pooled average of the units plotted.
    Group,
}

fn default_levels() -> Vec<ConfidenceLevel> {
    vec![ConfidenceLevel::P95]
}

impl IndicatorBenchmark {
    /// Checks the name and the levels: a non-blank name, one or two levels, none twice.
    pub fn validate(&self) -> Result<()> {
        if self.against.trim().is_empty() {
            return Err(Error::invalid_value(
                &self.against,
                "the name of the comparators-file row holding the national value, such as \"England\"",
            )
            .with_field("against"));
        }
        let twice = self.levels.len() == 2 && self.levels.first() == self.levels.get(1);
        if self.levels.is_empty() || self.levels.len() > 2 || twice {
            return Err(Error::invalid_value(
                format!("{} level(s)", self.levels.len()),
                "[\"95\"], [\"99.8\"] or [\"95\", \"99.8\"]",
            )
            .with_field("levels"));
        }
        Ok(())
    }

    /// Compares `interval_of`'s intervals with `national` at the definition's levels: the
    /// one-level comparison, or the two-level one when both levels are asked for.
    ///
    /// Errors: those of `interval_of`.
    pub fn compare(
        &self,
        mut interval_of: impl FnMut(ConfidenceLevel) -> Result<Interval>,
        national: Decimal,
        preference: Preference,
    ) -> Result<Comparison> {
        let comparison = if self.levels.len() == 2 {
            let ci95 = interval_of(ConfidenceLevel::P95)?;
            let ci998 = interval_of(ConfidenceLevel::P998)?;
            compare_levels(Some(&ci95), Some(&ci998), national, preference)?
        } else {
            let level = self.levels.first().copied().unwrap_or(ConfidenceLevel::P95);
            compare(Some(&interval_of(level)?), national, preference)
        };
        Ok(comparison.explained(&self.against))
    }
}

/// The result of a comparison with a benchmark.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Outcome {
    /// Significantly better than the benchmark.
    Better,
    /// The benchmark lies inside the interval (limits included).
    Similar,
    /// Significantly worse than the benchmark.
    Worse,
    /// Significantly higher, for an indicator with no preferred direction.
    Higher,
    /// Significantly lower, for an indicator with no preferred direction.
    Lower,
    /// No interval to compare (for example a zero denominator, or a DSR on fewer than 10
    /// events).
    NotCompared,
}

impl Outcome {
    /// The outcome as Fingertips labels it: `"Better"`, `"Similar"`, `"Not compared"`, ...
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Better => "Better",
            Outcome::Similar => "Similar",
            Outcome::Worse => "Worse",
            Outcome::Higher => "Higher",
            Outcome::Lower => "Lower",
            Outcome::NotCompared => "Not compared",
        }
    }

    /// The outcome of the mirrored comparison (preference reversed): Better ↔ Worse; the
    /// others are unchanged.
    pub fn mirrored(self) -> Outcome {
        match self {
            Outcome::Better => Outcome::Worse,
            Outcome::Worse => Outcome::Better,
            other => other,
        }
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a comparison came out as it did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Reason {
    /// The comparator is below the lower limit: the area is significantly higher.
    ComparatorBelowInterval,
    /// The comparator is within the limits (limits included).
    ComparatorInsideInterval,
    /// The comparator is above the upper limit: the area is significantly lower.
    ComparatorAboveInterval,
    /// There was no interval to compare with.
    NoInterval,
}

/// A comparison of an area's value with a benchmark.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Comparison {
    /// Better, Similar, Worse, Higher, Lower or Not compared.
    pub outcome: Outcome,
    /// The highest confidence level at which the difference is significant; `None` when
    /// Similar or Not compared.
    pub level: Option<ConfidenceLevel>,
    /// Where the comparator lies relative to the interval.
    pub reason: Reason,
    /// True when the comparator lies within half a unit of the last significant digit of a
    /// limit ([`crate::interval::SIGNIFICANT_DIGITS`]): the outcome rests on the precision of
    /// the limit and an analyst should look.
    pub at_limit: bool,
    /// The preference the outcome was judged by.
    pub preference: Preference,
    /// The comparator value.
    pub comparator: Decimal,
    /// The interval compared (the widest one that showed a difference, else the 95% one);
    /// `None` when there was none.
    pub interval: Option<Interval>,
    /// A sentence a councillor can read; filled in by [`Comparison::explained`].
    pub explanation: Option<String>,
}

/// Compares an area's interval with a comparator value at the interval's own level.
///
/// `None` (no interval could be computed) gives [`Outcome::NotCompared`]: never an error, so
/// that a table of areas keeps every row.
pub fn compare(
    interval: Option<&Interval>,
    comparator: Decimal,
    preference: Preference,
) -> Comparison {
    let Some(ci) = interval else {
        return not_compared(comparator, preference);
    };
    let reason = locate(ci, comparator);
    let outcome = outcome_of(reason, preference);
    Comparison {
        outcome,
        level: (outcome != Outcome::Similar).then_some(ci.level),
        reason,
        at_limit: at_limit(ci, comparator),
        preference,
        comparator,
        interval: Some(ci.clone()),
        explanation: None,
    }
}

/// The two-level comparison: outside the 99.8% interval is significant at 99.8%, outside only
/// the 95% one at 95%, inside both Similar. `at_limit` is set when the comparator is at a
/// limit of either interval.
///
/// Errors: intervals given at the wrong levels, or for different values.
pub fn compare_levels(
    ci95: Option<&Interval>,
    ci998: Option<&Interval>,
    comparator: Decimal,
    preference: Preference,
) -> Result<Comparison> {
    let (ci95, ci998) = match (ci95, ci998) {
        (Some(a), Some(b)) => (a, b),
        (None, None) => return Ok(not_compared(comparator, preference)),
        _ => {
            return Err(Error::invalid_value(
                "one interval",
                "both the 95% and the 99.8% interval, or neither",
            )
            .with_field("interval"));
        }
    };
    if ci95.level != ConfidenceLevel::P95 || ci998.level != ConfidenceLevel::P998 {
        return Err(Error::invalid_value(
            format!("intervals at {} and {}", ci95.level, ci998.level),
            "a 95% and a 99.8% interval, in that order",
        )
        .with_field("level"));
    }
    if ci95.value != ci998.value {
        return Err(Error::invalid_value(
            format!("values {} and {}", ci95.value, ci998.value),
            "two intervals of the same estimate",
        )
        .with_field("value"));
    }
    let wide = compare(Some(ci998), comparator, preference);
    let narrow = compare(Some(ci95), comparator, preference);
    let at_limit = wide.at_limit || narrow.at_limit;
    let mut chosen = if wide.outcome != Outcome::Similar {
        wide
    } else {
        narrow
    };
    chosen.at_limit = at_limit;
    Ok(chosen)
}

fn not_compared(comparator: Decimal, preference: Preference) -> Comparison {
    Comparison {
        outcome: Outcome::NotCompared,
        level: None,
        reason: Reason::NoInterval,
        at_limit: false,
        preference,
        comparator,
        interval: None,
        explanation: None,
    }
}

fn locate(ci: &Interval, comparator: Decimal) -> Reason {
    if comparator < ci.lower {
        Reason::ComparatorBelowInterval
    } else if comparator > ci.upper {
        Reason::ComparatorAboveInterval
    } else {
        Reason::ComparatorInsideInterval
    }
}

fn outcome_of(reason: Reason, preference: Preference) -> Outcome {
    match (reason, preference) {
        (Reason::ComparatorInsideInterval, _) => Outcome::Similar,
        (Reason::NoInterval, _) => Outcome::NotCompared,
        (Reason::ComparatorBelowInterval, Preference::Higher) => Outcome::Better,
        (Reason::ComparatorBelowInterval, Preference::Lower) => Outcome::Worse,
        (Reason::ComparatorBelowInterval, Preference::None) => Outcome::Higher,
        (Reason::ComparatorAboveInterval, Preference::Higher) => Outcome::Worse,
        (Reason::ComparatorAboveInterval, Preference::Lower) => Outcome::Better,
        (Reason::ComparatorAboveInterval, Preference::None) => Outcome::Lower,
    }
}

fn at_limit(ci: &Interval, comparator: Decimal) -> bool {
    [ci.lower, ci.upper].into_iter().any(|limit| {
        comparator
            .checked_sub(limit)
            .is_some_and(|d| d.abs() <= half_unit(limit))
    })
}

impl Comparison {
    /// Fills in [`Comparison::explanation`], naming the comparator (`"England"`): "30.8 (95%
    /// CI 25.5 to 36.6) is significantly lower than England's 40.0, which lies above the
    /// interval: Worse (95%)". Numbers are shown to three significant digits, or more where
    /// needed to tell the comparator from a limit.
    pub fn explained(mut self, comparator_name: &str) -> Comparison {
        self.explanation = Some(self.sentence(comparator_name));
        self
    }

    /// The sentence of [`Comparison::explained`].
    pub fn sentence(&self, comparator_name: &str) -> String {
        let Some(ci) = &self.interval else {
            return format!(
                "not compared with {comparator_name}'s {}: there is no confidence interval \
                 (no denominator, or too few events)",
                self.comparator.normalize()
            );
        };
        let dp = display_places(ci, self.comparator);
        let show = |d: Decimal| fixed(d, dp);
        let what = format!(
            "{} ({} CI {} to {})",
            show(ci.value),
            ci.level,
            show(ci.lower),
            show(ci.upper)
        );
        let bench = format!("{comparator_name}'s {}", show(self.comparator));
        let mut s = match self.reason {
            Reason::ComparatorBelowInterval => format!(
                "{what} is significantly higher than {bench}, which lies below the interval"
            ),
            Reason::ComparatorAboveInterval => {
                format!("{what} is significantly lower than {bench}, which lies above the interval")
            }
            _ => format!("{what} is similar to {bench}, which lies within the interval"),
        };
        s.push_str(": ");
        s.push_str(self.outcome.as_str());
        if let Some(level) = self.level {
            s.push_str(&format!(" ({level})"));
        }
        if self.at_limit {
            s.push_str("; the benchmark is at a limit of the interval, to its stated precision");
        }
        s
    }
}

/// `d` rounded to `dp` places and written with exactly `dp` places. Padded by hand:
/// rust_decimal's `{:.N}` writes into a fixed buffer that a value near `Decimal::MAX` with
/// places overflows (a panic).
fn fixed(d: Decimal, dp: u32) -> String {
    let rounded = d.round_dp(dp);
    let mut text = rounded.to_string();
    let missing = dp.saturating_sub(rounded.scale());
    if missing > 0 {
        if rounded.scale() == 0 {
            text.push('.');
        }
        text.extend(std::iter::repeat_n('0', missing as usize));
    }
    text
}

/// Decimal places that show the value with three significant digits and, where the
/// comparator is close to a limit, enough to tell them apart (at most 10).
fn display_places(ci: &Interval, comparator: Decimal) -> u32 {
    let magnitude = ci.value.abs().max(comparator.abs());
    let mut dp: u32 = if magnitude >= Decimal::from(100) {
        0
    } else if magnitude >= Decimal::TEN {
        1
    } else if magnitude >= Decimal::ONE {
        2
    } else {
        3
    };
    while dp < 10 {
        let r = |d: Decimal| d.round_dp(dp);
        let differs = |limit: Decimal| (limit == comparator) == (r(limit) == r(comparator));
        if differs(ci.lower) && differs(ci.upper) {
            break;
        }
        dp += 1;
    }
    dp
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::interval::Method;
    use rust_decimal_macros::dec;

    /// Limits near `Decimal::MAX`, shown with decimal places: a sentence, never a panic of the
    /// formatter (found by `props_intervals::no_panic_on_any_input`).
    #[test]
    fn huge_limits_are_written_without_a_panic() {
        let level = ConfidenceLevel::P95;
        let ci = crate::interval::proportion(
            Decimal::ZERO,
            dec!(18.446744073709551616),
            level,
            Decimal::MAX,
        )
        .unwrap();
        let sentence = compare(Some(&ci), dec!(0.5), Preference::Higher).sentence("England");
        assert!(sentence.contains("England's 0.500"), "{sentence}");
        let wide = Interval {
            value: Decimal::MAX,
            lower: Decimal::MAX - Decimal::ONE,
            upper: Decimal::MAX,
            method: Method::Wilson,
            level,
        };
        let sentence = compare(Some(&wide), dec!(0.001), Preference::Higher).sentence("England");
        assert!(
            sentence.contains("79228162514264337593543950335"),
            "{sentence}"
        );
    }

    fn ci(lower: Decimal, upper: Decimal) -> Interval {
        Interval {
            value: (lower + upper) / Decimal::TWO,
            lower,
            upper,
            method: Method::Wilson,
            level: ConfidenceLevel::P95,
        }
    }

    #[test]
    fn a_comparator_on_a_limit_is_similar_and_flagged() {
        let c = compare(Some(&ci(dec!(10), dec!(20))), dec!(10), Preference::Higher);
        assert_eq!(c.outcome, Outcome::Similar);
        assert!(c.at_limit);
        let c = compare(
            Some(&ci(dec!(10), dec!(20))),
            dec!(9.99),
            Preference::Higher,
        );
        assert_eq!(c.outcome, Outcome::Better);
        assert!(!c.at_limit);
    }

    fn benchmark(toml: &str) -> crate::Result<IndicatorBenchmark> {
        let defs = crate::Definitions::from_toml_str(&format!(
            "[[indicator]]\nid = \"A\"\npolarity = \"higher\"\nunit = \"percent\"\n\
             aggregation = \"ratio\"\nbenchmark = {toml}\n"
        ))?;
        defs.indicators[0]
            .benchmark
            .clone()
            .ok_or_else(|| Error::definition("no benchmark"))
    }

    #[test]
    fn a_definition_names_the_national_value_the_method_and_the_levels() {
        let b = benchmark(r#"{ against = "England", method = "wilson" }"#).unwrap();
        assert_eq!(b.levels, [ConfidenceLevel::P95]);
        let interval = |level| b.method.interval(dec!(407), dec!(437), level, dec!(100));
        let c = b.compare(interval, dec!(88.0), Preference::Higher).unwrap();
        assert_eq!(
            (c.outcome, c.level),
            (Outcome::Better, Some(ConfidenceLevel::P95))
        );
        assert!(c.explanation.unwrap().contains("England's 88.0"));
        let two =
            benchmark(r#"{ against = "England", method = "wilson", levels = ["95", "99.8"] }"#)
                .unwrap();
        let interval = |level| two.method.interval(dec!(407), dec!(437), level, dec!(100));
        let c = two
            .compare(interval, dec!(88.0), Preference::Higher)
            .unwrap();
        assert_eq!(c.level, Some(ConfidenceLevel::P998));
        let rate = benchmark(r#"{ against = "Region", method = "poisson" }"#).unwrap();
        let ci = rate
            .method
            .interval(dec!(9), dec!(1000), ConfidenceLevel::P95, dec!(100000))
            .unwrap();
        assert_eq!(ci.method, crate::interval::Method::ExactPoisson);
        assert_eq!(rate.method.statistic(), crate::funnel::Statistic::Rate);
    }

    #[test]
    fn a_bad_benchmark_definition_is_an_error_naming_the_field() {
        for (toml, field) in [
            (
                r#"{ against = "England", method = "dobson" }"#,
                "benchmark.method",
            ),
            (
                r#"{ against = " ", method = "wilson" }"#,
                "benchmark.against",
            ),
            (
                r#"{ against = "England", method = "wilson", levels = [] }"#,
                "benchmark.levels",
            ),
            (
                r#"{ against = "England", method = "wilson", levels = ["95", "95"] }"#,
                "benchmark.levels",
            ),
            (
                r#"{ against = "England", method = "wilson", levels = ["90"] }"#,
                "benchmark.levels",
            ),
            (r#"{ method = "wilson" }"#, "benchmark"),
        ] {
            let e = benchmark(toml).unwrap_err();
            let at = e.location().field.clone().unwrap_or_default();
            assert!(at.contains(field), "{toml}: {e} (field {at})");
            assert_eq!(e.location().line, Some(6), "{toml}: {e}");
        }
    }

    #[test]
    fn no_interval_is_not_compared() {
        let c = compare(None, dec!(10), Preference::Lower).explained("England");
        assert_eq!(c.outcome, Outcome::NotCompared);
        assert_eq!(c.reason, Reason::NoInterval);
        assert!(
            c.explanation
                .unwrap()
                .starts_with("not compared with England's 10")
        );
    }
}
