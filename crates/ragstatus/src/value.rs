//! Observations, aggregation over periods and the rounding rule (SPEC §2).
//!
//! An [`Observation`] is what was recorded for one indicator in one period: a value given
//! directly, or a numerator and a denominator from which the value is
//! `numerator / denominator × multiplier` (multiplier 100 for a percent, 1000 for "per 1,000").
//! A zero denominator gives *no value* — [`Resolved::NoValue`] with
//! [`NoValueReason::ZeroDenominator`] — which the indicator reports as `NoData`; it is never a
//! division error and never infinity.
//!
//! [`Aggregation`] combines the observations of several periods into one value, for the
//! year to date and for rolling months up into a quarter:
//!
//! | aggregation | value |
//! | --- | --- |
//! | `sum` | the sum of the values (counts, money) |
//! | `ratio` | sum of numerators / sum of denominators × multiplier — never the mean of the percentages |
//! | `mean` | the arithmetic mean of the values |
//! | `last` | the value of the last period (a snapshot such as a headcount) |
//! | `max`, `min` | the largest, smallest value |
//!
//! Choices where the spec is silent:
//! - `sum`, `mean`, `max` and `min` need a value in every period combined: if one of them has a
//!   zero denominator the aggregate has no value (reason `ZeroDenominator`). `last` only looks at
//!   the last period. `ratio` only needs the *summed* denominator to be non-zero, so a month with
//!   no cases does not spoil the quarter.
//! - `ratio` over observations given as plain values cannot be computed honestly; it is an
//!   [`ErrorKind::InvalidValue`](crate::ErrorKind::InvalidValue) unless there is a single
//!   observation (whose value is then the aggregate).
//! - A mean is exact decimal division, rounded by `rust_decimal` to its 28 significant digits.
//!
//! A [`Rounding`] rule, where the council's published rule is "as shown in the report", rounds
//! the actual before comparison: `half_away_from_zero` (spreadsheets' ROUND: 2.45 → 2.5,
//! −2.45 → −2.5) or `half_even` (banker's rounding: 2.45 → 2.4, 2.55 → 2.6). Without one the
//! actual is compared exactly.
//!
//! ```
//! use ragstatus::value::{Aggregation, Observation, Resolved};
//! use rust_decimal_macros::dec;
//!
//! // 9/10 in one month and 1/90 in the next: the ratio of sums is 10%, the mean of the
//! // two percentages would have been 45.6%.
//! let months = [Observation::fraction(dec!(9), dec!(10)), Observation::fraction(dec!(1), dec!(90))];
//! let ytd = Aggregation::Ratio.aggregate(&months, dec!(100))?;
//! assert_eq!(ytd, Resolved::Value(dec!(10)));
//! # Ok::<(), ragstatus::Error>(())
//! ```

use std::str::FromStr;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// What was recorded for one period: a value, or a numerator and a denominator.
///
/// Serialised as `{"value": "87.5"}` or `{"numerator": "412", "denominator": "450"}`; any other
/// combination of keys (both forms at once, a numerator alone, an unknown key) is rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "ObservationRepr", into = "ObservationRepr")]
pub enum Observation {
    /// A value given directly, in the indicator's unit.
    Value {
        /// The value.
        value: Decimal,
    },
    /// A value given as `numerator / denominator × multiplier`.
    Fraction {
        /// The numerator (e.g. children with a plan).
        numerator: Decimal,
        /// The denominator (e.g. children looked after).
        denominator: Decimal,
    },
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ObservationRepr {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    value: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    numerator: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    denominator: Option<Decimal>,
}

impl TryFrom<ObservationRepr> for Observation {
    type Error = Error;
    fn try_from(r: ObservationRepr) -> Result<Observation> {
        match (r.value, r.numerator, r.denominator) {
            (Some(value), None, None) => Ok(Observation::Value { value }),
            (None, Some(numerator), Some(denominator)) => Ok(Observation::Fraction {
                numerator,
                denominator,
            }),
            _ => Err(Error::invalid_value(
                "an observation with other fields",
                "either a value, or a numerator and a denominator",
            )),
        }
    }
}

impl From<Observation> for ObservationRepr {
    fn from(o: Observation) -> ObservationRepr {
        match o {
            Observation::Value { value } => ObservationRepr {
                value: Some(value),
                numerator: None,
                denominator: None,
            },
            Observation::Fraction {
                numerator,
                denominator,
            } => ObservationRepr {
                value: None,
                numerator: Some(numerator),
                denominator: Some(denominator),
            },
        }
    }
}

/// Why an observation or an aggregate has no value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoValueReason {
    /// No observation was recorded for the period.
    Missing,
    /// The denominator is zero.
    ZeroDenominator,
    /// Some of the periods that make up the aggregate (months of a quarter, periods of the year
    /// to date) have no observation.
    Incomplete,
}

impl NoValueReason {
    /// A short plain-English reason, for explanations: "no value recorded", ...
    pub fn describe(self) -> &'static str {
        match self {
            NoValueReason::Missing => "no value recorded",
            NoValueReason::ZeroDenominator => "the denominator is zero",
            NoValueReason::Incomplete => "values are missing for part of the period",
        }
    }
}

/// A value, or the reason there is none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Resolved {
    /// The value.
    Value(Decimal),
    /// No value, and why.
    NoValue(NoValueReason),
}

impl Resolved {
    /// The value, if there is one.
    pub fn value(self) -> Option<Decimal> {
        match self {
            Resolved::Value(v) => Some(v),
            Resolved::NoValue(_) => None,
        }
    }
}

impl Observation {
    /// A value given directly.
    pub fn value(value: Decimal) -> Self {
        Observation::Value { value }
    }

    /// A value given as numerator / denominator (× the indicator's multiplier).
    pub fn fraction(numerator: Decimal, denominator: Decimal) -> Self {
        Observation::Fraction {
            numerator,
            denominator,
        }
    }

    /// The value of this observation: a direct value as it is, a fraction as
    /// `numerator / denominator × multiplier`; no value if the denominator is zero.
    ///
    /// ```
    /// use ragstatus::value::{NoValueReason, Observation, Resolved};
    /// use rust_decimal_macros::dec;
    /// let o = Observation::fraction(dec!(412), dec!(450));
    /// assert_eq!(o.resolve(dec!(100))?.value().map(|v| v.round_dp(2)), Some(dec!(91.56)));
    /// let zero = Observation::fraction(dec!(0), dec!(0));
    /// assert_eq!(zero.resolve(dec!(100))?, Resolved::NoValue(NoValueReason::ZeroDenominator));
    /// # Ok::<(), ragstatus::Error>(())
    /// ```
    pub fn resolve(&self, multiplier: Decimal) -> Result<Resolved> {
        match *self {
            Observation::Value { value } => Ok(Resolved::Value(value)),
            Observation::Fraction {
                numerator,
                denominator,
            } => fraction_value(numerator, denominator, multiplier),
        }
    }
}

/// `numerator / denominator × multiplier`, multiplying first so that 1/3 × 100 is
/// 33.333… rather than 33.33…33 × 100 with a lost digit.
fn fraction_value(
    numerator: Decimal,
    denominator: Decimal,
    multiplier: Decimal,
) -> Result<Resolved> {
    if denominator.is_zero() {
        return Ok(Resolved::NoValue(NoValueReason::ZeroDenominator));
    }
    if let Some(value) = crate::exact::fraction(numerator, multiplier, denominator) {
        return Ok(Resolved::Value(value));
    }
    let scaled = numerator
        .checked_mul(multiplier)
        .ok_or_else(|| Error::overflow("numerator × multiplier"))?;
    let value = scaled
        .checked_div(denominator)
        .ok_or_else(|| Error::overflow("numerator / denominator"))?;
    Ok(Resolved::Value(value.normalize()))
}

/// How the observations of several periods combine into one value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Aggregation {
    /// The sum of the values (counts, money).
    Sum,
    /// Sum of numerators / sum of denominators × multiplier.
    Ratio,
    /// The arithmetic mean of the values.
    Mean,
    /// The value of the last period (a snapshot). The default: it never invents a value.
    #[default]
    Last,
    /// The largest value.
    Max,
    /// The smallest value.
    Min,
}

impl Aggregation {
    /// The lowercase name used in definitions.
    pub fn as_str(self) -> &'static str {
        match self {
            Aggregation::Sum => "sum",
            Aggregation::Ratio => "ratio",
            Aggregation::Mean => "mean",
            Aggregation::Last => "last",
            Aggregation::Max => "max",
            Aggregation::Min => "min",
        }
    }

    /// Combines the observations of consecutive periods, in period order. An empty slice has
    /// no value (reason `Missing`).
    pub fn aggregate(self, observations: &[Observation], multiplier: Decimal) -> Result<Resolved> {
        let Some(last) = observations.last() else {
            return Ok(Resolved::NoValue(NoValueReason::Missing));
        };
        match self {
            Aggregation::Last => last.resolve(multiplier),
            Aggregation::Ratio => {
                if let [single] = observations {
                    return single.resolve(multiplier);
                }
                let mut numerator = Decimal::ZERO;
                let mut denominator = Decimal::ZERO;
                for observation in observations {
                    let Observation::Fraction {
                        numerator: n,
                        denominator: d,
                    } = *observation
                    else {
                        return Err(Error::invalid_value(
                            "a value without numerator and denominator",
                            "numerator and denominator in every period for ratio aggregation",
                        ));
                    };
                    numerator = numerator
                        .checked_add(n)
                        .ok_or_else(|| Error::overflow("sum of numerators"))?;
                    denominator = denominator
                        .checked_add(d)
                        .ok_or_else(|| Error::overflow("sum of denominators"))?;
                }
                fraction_value(numerator, denominator, multiplier)
            }
            Aggregation::Sum | Aggregation::Mean | Aggregation::Max | Aggregation::Min => {
                let mut values = Vec::with_capacity(observations.len());
                for observation in observations {
                    match observation.resolve(multiplier)? {
                        Resolved::Value(v) => values.push(v),
                        none @ Resolved::NoValue(_) => return Ok(none),
                    }
                }
                self.combine(&values).map(Resolved::Value)
            }
        }
    }

    /// Combines plain values (already resolved), in period order. `ratio` is not defined on
    /// plain values and is an error unless there is exactly one; an empty slice is an error.
    pub fn combine(self, values: &[Decimal]) -> Result<Decimal> {
        let (Some(&first), Some(&last)) = (values.first(), values.last()) else {
            return Err(Error::invalid_value(
                "no values",
                "at least one value to aggregate",
            ));
        };
        match self {
            Aggregation::Last => Ok(last),
            Aggregation::Max => Ok(values.iter().copied().fold(first, Decimal::max)),
            Aggregation::Min => Ok(values.iter().copied().fold(first, Decimal::min)),
            Aggregation::Sum | Aggregation::Mean => {
                let mut sum = Decimal::ZERO;
                for v in values {
                    sum = sum
                        .checked_add(*v)
                        .ok_or_else(|| Error::overflow("sum of values"))?;
                }
                if self == Aggregation::Sum {
                    return Ok(sum);
                }
                let n = Decimal::from(values.len());
                Ok(sum
                    .checked_div(n)
                    .ok_or_else(|| Error::overflow("mean of values"))?
                    .normalize())
            }
            Aggregation::Ratio => {
                if values.len() == 1 {
                    Ok(first)
                } else {
                    Err(Error::invalid_value(
                        "plain values",
                        "numerators and denominators for ratio aggregation",
                    ))
                }
            }
        }
    }
}

/// How a value exactly halfway between two rounded values is rounded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum RoundingMode {
    /// Away from zero, as spreadsheets' ROUND: 2.45 → 2.5, −2.45 → −2.5.
    #[default]
    HalfAwayFromZero,
    /// To the even neighbour (banker's rounding): 2.45 → 2.4, 2.55 → 2.6.
    HalfEven,
}

/// A rounding rule applied to the actual before it is compared with the target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Rounding {
    /// Decimal places kept (0–28).
    pub decimals: u32,
    /// The rule for halves.
    #[serde(default)]
    pub mode: RoundingMode,
}

impl Rounding {
    /// The largest number of decimal places a [`Decimal`] can hold.
    pub const MAX_DECIMALS: u32 = 28;

    /// A rule, checked: at most 28 decimal places.
    pub fn new(decimals: u32, mode: RoundingMode) -> Result<Self> {
        let rounding = Rounding { decimals, mode };
        rounding.validate()?;
        Ok(rounding)
    }

    /// Checks the number of decimal places.
    pub fn validate(&self) -> Result<()> {
        if self.decimals > Self::MAX_DECIMALS {
            return Err(Error::invalid_value(
                self.decimals.to_string(),
                "rounding decimals between 0 and 28",
            )
            .with_field("decimals"));
        }
        Ok(())
    }

    /// Rounds a value by this rule.
    ///
    /// ```
    /// use ragstatus::value::{Rounding, RoundingMode};
    /// use rust_decimal_macros::dec;
    /// let excel = Rounding::new(1, RoundingMode::HalfAwayFromZero)?;
    /// let bankers = Rounding::new(1, RoundingMode::HalfEven)?;
    /// assert_eq!(excel.apply(dec!(2.45)), dec!(2.5));
    /// assert_eq!(bankers.apply(dec!(2.45)), dec!(2.4));
    /// # Ok::<(), ragstatus::Error>(())
    /// ```
    pub fn apply(&self, value: Decimal) -> Decimal {
        let strategy = match self.mode {
            RoundingMode::HalfAwayFromZero => RoundingStrategy::MidpointAwayFromZero,
            RoundingMode::HalfEven => RoundingStrategy::MidpointNearestEven,
        };
        value.round_dp_with_strategy(self.decimals.min(Self::MAX_DECIMALS), strategy)
    }
}

/// The decimal of a float's shortest round-trip text: `94.95_f64` gives `94.95`, not
/// `94.9500000000000028…`. `None` for NaN, infinities and magnitudes a [`Decimal`] cannot hold
/// (beyond ±7.9 × 10²⁸); digits beyond the 28th decimal place are rounded (half even), so
/// `1e-30` gives `0`. Negative zero gives zero.
///
/// ```
/// use ragstatus::value::decimal_from_f64;
/// use rust_decimal_macros::dec;
/// assert_eq!(decimal_from_f64(94.95), Some(dec!(94.95)));
/// assert_eq!(decimal_from_f64(1e-7), Some(dec!(0.0000001)));
/// assert_eq!(decimal_from_f64(f64::NAN), None);
/// ```
pub fn decimal_from_f64(x: f64) -> Option<Decimal> {
    if !x.is_finite() {
        return None;
    }
    // `{}` never uses an exponent (1e20 prints as 100000000000000000000); `{:e}` is the
    // same shortest digits with one, which `from_scientific` reads for very small numbers.
    shortest_text_decimal(&format!("{x}"), x.abs() < 1.0, || format!("{x:e}"))
}

/// The decimal `mantissa × 10^-scale`, exactly, as Arrow's `Decimal128` and `Decimal256` cells
/// and Python's `decimal.Decimal` hold numbers: `None` when a [`Decimal`] cannot hold it without
/// rounding. A scale above 28 is fine when the extra places are trailing zeros (`9.9E-15`
/// written with 30 places), and a negative scale multiplies (`12E+3`).
///
/// ```
/// use ragstatus::value::decimal_from_scaled;
/// use rust_decimal_macros::dec;
///
/// assert_eq!(decimal_from_scaled(4410, 2), Some(dec!(44.10)));
/// assert_eq!(decimal_from_scaled(9_900, 30), Some(dec!(0.0000000000000000000000000099)));
/// assert_eq!(decimal_from_scaled(12, -3), Some(dec!(12000)));
/// assert_eq!(decimal_from_scaled(1, 29), None); // 1e-29: more places than a Decimal holds
/// assert_eq!(decimal_from_scaled(i128::MAX, 0), None);
/// // Wider than 96 bits at scale 5, but the same number at scale 4.
/// let wide = 188_804_591_379_086_118_198_734_895_890_i128;
/// assert_eq!(decimal_from_scaled(wide, 5), Some(dec!(1888045913790861181987348.9589)));
/// assert_eq!(decimal_from_scaled(wide + 1, 5), None);
/// ```
pub fn decimal_from_scaled(mantissa: i128, scale: i32) -> Option<Decimal> {
    if scale < 0 {
        let m = mantissa.checked_mul(10i128.checked_pow(scale.unsigned_abs())?)?;
        return crate::exact::fit(m, 0);
    }
    // More than 28 places, or a mantissa wider than a Decimal's 96 bits, may still be the same
    // number with fewer trailing zeros (`decimal128(38, 5)` 1888…348.95890 is 1888…348.9589),
    // as the text and the `Decimal` object of that value read it: drop them rather than
    // refuse the value.
    crate::exact::fit(mantissa, scale.unsigned_abs())
}

/// [`decimal_from_f64`] for a single-precision float, at its own width (SPEC §14): the decimal
/// of the shortest text that reads back as the same `f32`. `94.95_f32` is `94.95`, although
/// widened to `f64` it is `94.94999694824219`. The same `None` cases and rounding as for `f64`.
///
/// ```
/// use ragstatus::value::decimal_from_f32;
/// use rust_decimal_macros::dec;
/// assert_eq!(decimal_from_f32(94.95), Some(dec!(94.95)));
/// assert_eq!(decimal_from_f32(16777217.0), Some(dec!(16777216)));
/// assert_eq!(decimal_from_f32(f32::MAX), None);
/// ```
pub fn decimal_from_f32(x: f32) -> Option<Decimal> {
    if !x.is_finite() {
        return None;
    }
    shortest_text_decimal(&format!("{x}"), x.abs() < 1.0, || format!("{x:e}"))
}

/// A half-precision float, as Arrow and numpy store it (`float16`, `halffloat`).
pub type F16 = <arrow_array::types::Float16Type as arrow_array::ArrowPrimitiveType>::Native;

/// [`decimal_from_f64`] for a half-precision float, at its own width (SPEC §14), as numpy
/// prints it: the text with the fewest significant digits (each count rounded to nearest) that
/// reads back as the same `f16`. A float16 `12.8` is `12.8`, although widened to `f32` it is
/// `12.796875`. `None` for NaN and the infinities.
///
/// ```
/// use ragstatus::value::{decimal_from_f16, F16};
/// use rust_decimal_macros::dec;
/// assert_eq!(decimal_from_f16(F16::from_f32(12.8)), Some(dec!(12.8)));
/// assert_eq!(decimal_from_f16(F16::from_f32(65504.0)), Some(dec!(65500)));
/// assert_eq!(decimal_from_f16(F16::INFINITY), None);
/// ```
pub fn decimal_from_f16(x: F16) -> Option<Decimal> {
    let wide = x.to_f32();
    if !wide.is_finite() {
        return None;
    }
    // Five significant digits always suffice for a float16; the text reads back through f64,
    // where a decimal of five digits never lands on a float16 midpoint by rounding.
    for digits in 0..5 {
        let text = format!("{wide:.digits$e}");
        if text
            .parse::<f64>()
            .map(F16::from_f64)
            .is_ok_and(|back| back == x)
        {
            return Decimal::from_scientific(&text).ok().map(normalize_zero);
        }
    }
    decimal_from_f32(wide)
}

/// Reads a float's shortest text (`plain`, without an exponent) exactly when a [`Decimal`]
/// holds it; a fraction with more than 28 places rounded; anything larger through the
/// exponent form, which fails beyond a `Decimal`'s range.
fn shortest_text_decimal(
    plain: &str,
    below_one: bool,
    scientific: impl FnOnce() -> String,
) -> Option<Decimal> {
    if let Ok(d) = Decimal::from_str_exact(plain) {
        return Some(normalize_zero(d));
    }
    if below_one {
        let d = Decimal::from_str(plain).ok()?;
        return Some(normalize_zero(d));
    }
    Decimal::from_scientific(&scientific())
        .ok()
        .map(normalize_zero)
}

fn normalize_zero(d: Decimal) -> Decimal {
    if d.is_zero() { Decimal::ZERO } else { d }
}

/// The keys of the definitions format whose numbers are whole numbers (a month, a count of
/// places or of points), not decimals: [`numbers_to_text`] leaves the numbers under them alone.
pub const INTEGER_KEYS: [&str; 6] = [
    "start_month",
    "decimals",
    "regression",
    "baseline",
    "shift",
    "trend",
];

/// The decimal text of a JSON number, as the core reads decimals: an integer as written, a
/// float as the decimal of its shortest round-trip text ([`decimal_from_f64`]: `94.95`, not
/// `94.9500000000000028…`). A float a [`Decimal`] cannot hold keeps the number's own text, for
/// the field's reader to refuse with its path.
///
/// ```
/// use ragstatus::value::number_text;
/// assert_eq!(number_text(&serde_json::Number::from(-3)), "-3");
/// let x = serde_json::Number::from_f64(1e-7).ok_or("not finite")?;
/// assert_eq!(number_text(&x), "0.0000001");
/// # Ok::<(), &str>(())
/// ```
pub fn number_text(n: &serde_json::Number) -> String {
    if n.is_f64() {
        if let Some(d) = n.as_f64().and_then(decimal_from_f64) {
            return d.to_string();
        }
    }
    n.to_string()
}

/// Writes every number of plain JSON data as its decimal text ([`number_text`]), except the
/// values under the keys in `integer_keys`, at any depth, which are left as they are: the
/// core reads decimals from text only, so that data built in code (`{"absolute": 1}`) reads like
/// the same data in a file (`{"absolute": "1"}`). Integer settings stay numbers.
///
/// ```
/// use ragstatus::value::{INTEGER_KEYS, numbers_to_text};
/// use serde_json::json;
///
/// let data = json!({"decimals": 1, "target": {"value": 95}, "bands": [0.5, 2]});
/// assert_eq!(
///     numbers_to_text(data, &INTEGER_KEYS),
///     json!({"decimals": 1, "target": {"value": "95"}, "bands": ["0.5", "2"]})
/// );
/// ```
pub fn numbers_to_text(value: serde_json::Value, integer_keys: &[&str]) -> serde_json::Value {
    use serde_json::Value;
    match value {
        Value::Number(n) => Value::String(number_text(&n)),
        Value::Array(items) => Value::Array(
            items
                .into_iter()
                .map(|v| numbers_to_text(v, integer_keys))
                .collect(),
        ),
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| {
                    if integer_keys.contains(&k.as_str()) {
                        (k, v)
                    } else {
                        let v = numbers_to_text(v, integer_keys);
                        (k, v)
                    }
                })
                .collect(),
        ),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn floats_convert_by_shortest_text() {
        assert_eq!(decimal_from_f64(0.1), Some(dec!(0.1)));
        assert_eq!(decimal_from_f64(-0.0), Some(Decimal::ZERO));
        assert_eq!(decimal_from_f64(1e20), Some(dec!(100000000000000000000)));
        assert_eq!(decimal_from_f64(1e29), None);
        assert_eq!(decimal_from_f64(f64::INFINITY), None);
        assert_eq!(decimal_from_f64(1e-30), Some(Decimal::ZERO));
        assert_eq!(decimal_from_f64(1.5e-10), Some(dec!(0.00000000015)));
        assert_eq!(decimal_from_f64(5e-324), Some(Decimal::ZERO));
        assert_eq!(decimal_from_f64(-123.456), Some(dec!(-123.456)));
    }

    #[test]
    fn single_floats_convert_at_their_own_width() {
        assert_eq!(decimal_from_f32(94.95), Some(dec!(94.95)));
        assert_eq!(decimal_from_f32(0.1), Some(dec!(0.1)));
        assert_eq!(decimal_from_f32(-0.0), Some(Decimal::ZERO));
        assert_eq!(decimal_from_f32(1e20), Some(dec!(100000000000000000000)));
        assert_eq!(decimal_from_f32(1e29), None);
        assert_eq!(decimal_from_f32(f32::NAN), None);
        assert_eq!(decimal_from_f32(f32::NEG_INFINITY), None);
        assert_eq!(decimal_from_f32(1e-30), Some(Decimal::ZERO));
        assert_eq!(decimal_from_f32(1.5e-10), Some(dec!(0.00000000015)));
        assert_eq!(decimal_from_f32(f32::MIN_POSITIVE), Some(Decimal::ZERO));
        assert_eq!(decimal_from_f32(-123.456), Some(dec!(-123.456)));
    }

    #[test]
    fn ratio_needs_fractions() {
        let obs = [Observation::value(dec!(1)), Observation::value(dec!(2))];
        assert!(Aggregation::Ratio.aggregate(&obs, dec!(100)).is_err());
        assert_eq!(
            Aggregation::Ratio.aggregate(&obs[..1], dec!(100)).unwrap(),
            Resolved::Value(dec!(1))
        );
    }

    #[test]
    fn observation_serde_shapes() {
        let v: Observation = serde_json::from_str(r#"{"value":"1.5"}"#).unwrap();
        assert_eq!(v, Observation::value(dec!(1.5)));
        let f: Observation =
            serde_json::from_str(r#"{"numerator":"1","denominator":"2"}"#).unwrap();
        assert_eq!(f, Observation::fraction(dec!(1), dec!(2)));
        for bad in [
            r#"{"value":"1","numerator":"1","denominator":"2"}"#,
            r#"{"numerator":"1"}"#,
            r#"{"value":"1","note":"x"}"#,
            r#"{}"#,
        ] {
            assert!(serde_json::from_str::<Observation>(bad).is_err(), "{bad}");
        }
        let json = serde_json::to_string(&Observation::fraction(dec!(3), dec!(4))).unwrap();
        assert_eq!(json, r#"{"numerator":"3","denominator":"4"}"#);
    }
}
