//! Targets: a single value or a range, and annual targets profiled over the periods of a year
//! (SPEC §3).
//!
//! A [`Target`] is what one period's actual is compared with: a single value, or a range
//! `[low, high]` for `within` polarity. No target at all (`None` where a `Target` is expected)
//! makes an indicator *data only*.
//!
//! A [`TargetSpec`] is how a target is written in a definition, once per fiscal year:
//!
//! - `value = "95"`: the same target every period;
//! - `low = "85", high = "95"`: a range, every period;
//! - `annual = "1200", profile = ...`: an annual target profiled over the `n` periods of the
//!   year (4 quarters, 12 months, ...). The target for period `k` of `n` is
//!   - `flat`: the annual value (rates and percentages);
//!   - `even`: the year-to-date target `annual × k / n` (cumulative counts and money);
//!   - `{ values = [...] }`: the `k`-th value, as written (write cumulative values when the
//!     actuals are cumulative); the list must have `n` entries;
//!   - `{ weights = [...] }`: the year-to-date share `annual × (w₁ + … + w_k) / (w₁ + … + w_n)`
//!     (seasonal profiles); `n` non-negative weights with a positive sum;
//! - `stretch = "98"` (optional, beside any of the above): the stretch target that earns Blue.
//!   With an `even` or `weights` profile the stretch is an annual figure and is profiled by the
//!   same share; with `flat` or `values` it applies as written.
//! - nothing but perhaps `stretch`: no target that year (data only).
//! - `year = "2015/16"` (optional): the fiscal year label, kept as written, so that a
//!   definitions file's `[[indicator.target]]` entry reads directly as a `TargetSpec`
//!   (prefer this to `#[serde(flatten)]`, which would silently accept misspelt keys).
//!
//! Arithmetic is checked: a profile that would overflow is an [`ErrorKind::Overflow`](crate::ErrorKind::Overflow) error.
//!
//! ```
//! use ragstatus::{Target, TargetSpec};
//! use rust_decimal_macros::dec;
//!
//! let spec: TargetSpec = serde_json::from_str(r#"{"annual": "1200", "profile": "even"}"#)?;
//! assert_eq!(spec.target_for(3, 4)?, Some(Target::Value(dec!(900))));
//! let spec: TargetSpec = serde_json::from_str(r#"{"low": "85", "high": "95"}"#)?;
//! assert_eq!(spec.target_for(1, 4)?, Some(Target::range(dec!(85), dec!(95))?));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::exact;
use crate::polarity::{Polarity, within_shortfall};

/// The target one period's actual is compared with.
///
/// Serialised as a decimal string (`"45.0"`) or as `{"low": "85", "high": "95"}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "TargetRepr", into = "TargetRepr")]
pub enum Target {
    /// A single value.
    Value(Decimal),
    /// A range `[low, high]`, both ends included, with `low ≤ high` (for `within` polarity).
    Range {
        /// The lowest acceptable value.
        low: Decimal,
        /// The highest acceptable value.
        high: Decimal,
    },
}

#[derive(Serialize, Deserialize)]
#[serde(untagged)]
enum TargetRepr {
    Value(#[serde(deserialize_with = "serde_decimal::deserialize")] Decimal),
    Range(RangeRepr),
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RangeRepr {
    #[serde(deserialize_with = "serde_decimal::deserialize")]
    low: Decimal,
    #[serde(deserialize_with = "serde_decimal::deserialize")]
    high: Decimal,
}

impl TryFrom<TargetRepr> for Target {
    type Error = Error;
    fn try_from(repr: TargetRepr) -> Result<Target> {
        Target::from_repr(repr).map_err(crate::error::remember)
    }
}

impl Target {
    /// Builds the value from its serde form, validating it.
    fn from_repr(repr: TargetRepr) -> Result<Target> {
        match repr {
            TargetRepr::Value(v) => Ok(Target::Value(v)),
            TargetRepr::Range(RangeRepr { low, high }) => Target::range(low, high),
        }
    }
}

impl From<Target> for TargetRepr {
    fn from(target: Target) -> TargetRepr {
        match target {
            Target::Value(v) => TargetRepr::Value(v),
            Target::Range { low, high } => TargetRepr::Range(RangeRepr { low, high }),
        }
    }
}

impl Target {
    /// A single-value target.
    pub fn value(value: Decimal) -> Target {
        Target::Value(value)
    }

    /// A range target `[low, high]`; an error if `low > high`.
    pub fn range(low: Decimal, high: Decimal) -> Result<Target> {
        if low <= high {
            Ok(Target::Range { low, high })
        } else {
            Err(Error::definition(format!(
                "a target range needs low <= high; found low {low} and high {high}"
            ))
            .with_field("target"))
        }
    }

    /// The low and high ends: a single value `t` is the range `[t, t]`.
    pub fn bounds(&self) -> (Decimal, Decimal) {
        match *self {
            Target::Value(v) => (v, v),
            Target::Range { low, high } => (low, high),
        }
    }

    /// The shortfall of `actual` against this target (SPEC §4). A range target needs `within`
    /// polarity: for `higher` or `lower` it is a definition error, because which end counts is
    /// a choice the definition must make.
    pub fn shortfall(&self, polarity: Polarity, actual: Decimal) -> Result<Decimal> {
        match (*self, polarity) {
            (Target::Value(t), p) => p.shortfall(actual, t),
            (Target::Range { low, high }, Polarity::Within) => within_shortfall(actual, low, high),
            (Target::Range { .. }, p) => Err(Error::definition(format!(
                "a range target needs polarity \"within\"; this indicator's polarity is \"{}\"",
                p.as_str()
            ))
            .with_field("target")),
        }
    }

    /// The bound a `within` actual misses (low when below, high when above); when the actual is
    /// inside the range, the nearer bound (low on a tie). For a single value, the value.
    pub fn missed_bound(&self, actual: Decimal) -> Decimal {
        match *self {
            Target::Value(v) => v,
            Target::Range { low, high } => {
                if actual < low {
                    low
                } else if actual > high {
                    high
                } else {
                    // Inside the range: both differences are non-negative and bounded by
                    // high − low, which may itself overflow; compare without subtracting then.
                    match (exact::sub(actual, low), exact::sub(high, actual)) {
                        (Some(below), Some(above)) if above < below => high,
                        _ => low,
                    }
                }
            }
        }
    }
}

/// How an annual target is spread over the periods of the year.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Profile {
    /// Every period's target is the annual value.
    Flat,
    /// Year-to-date target at the end of period `k` of `n` is `annual × k / n`.
    Even,
    /// The target of each period, as written (one per period).
    Values(
        #[cfg_attr(feature = "schema", schemars(with = "Vec<crate::schema::DecimalText>"))]
        #[serde(deserialize_with = "serde_decimal::deserialize_vec")]
        Vec<Decimal>,
    ),
    /// Year-to-date target is the cumulative share of the annual value, by weight.
    Weights(
        #[cfg_attr(feature = "schema", schemars(with = "Vec<crate::schema::DecimalText>"))]
        #[serde(deserialize_with = "serde_decimal::deserialize_vec")]
        Vec<Decimal>,
    ),
}

/// A year's target as written in a definition; see the [module docs](self).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(try_from = "TargetSpecRepr", into = "TargetSpecRepr")]
pub struct TargetSpec {
    year: Option<String>,
    kind: SpecKind,
    stretch: Option<Decimal>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum SpecKind {
    None,
    Fixed(Target),
    Annual { annual: Decimal, profile: Profile },
}

#[derive(Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
struct TargetSpecRepr {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    year: Option<String>,
    #[cfg_attr(
        feature = "schema",
        schemars(with = "Option<crate::schema::DecimalText>")
    )]
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "serde_decimal::deserialize_option"
    )]
    value: Option<Decimal>,
    #[cfg_attr(
        feature = "schema",
        schemars(with = "Option<crate::schema::DecimalText>")
    )]
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "serde_decimal::deserialize_option"
    )]
    low: Option<Decimal>,
    #[cfg_attr(
        feature = "schema",
        schemars(with = "Option<crate::schema::DecimalText>")
    )]
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "serde_decimal::deserialize_option"
    )]
    high: Option<Decimal>,
    #[cfg_attr(
        feature = "schema",
        schemars(with = "Option<crate::schema::DecimalText>")
    )]
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "serde_decimal::deserialize_option"
    )]
    annual: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    profile: Option<Profile>,
    #[cfg_attr(
        feature = "schema",
        schemars(with = "Option<crate::schema::DecimalText>")
    )]
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "serde_decimal::deserialize_option"
    )]
    stretch: Option<Decimal>,
}

impl TryFrom<TargetSpecRepr> for TargetSpec {
    type Error = Error;
    fn try_from(r: TargetSpecRepr) -> Result<TargetSpec> {
        TargetSpec::from_repr(r).map_err(crate::error::remember)
    }
}

impl TargetSpec {
    /// Builds the value from its serde form, validating it.
    fn from_repr(r: TargetSpecRepr) -> Result<TargetSpec> {
        let kind = match (r.value, r.low, r.high, r.annual, r.profile) {
            (None, None, None, None, None) => SpecKind::None,
            (Some(v), None, None, None, None) => SpecKind::Fixed(Target::Value(v)),
            (None, Some(low), Some(high), None, None) => SpecKind::Fixed(Target::range(low, high)?),
            (None, None, None, Some(annual), profile) => {
                return TargetSpec::annual(annual, profile.unwrap_or(Profile::Flat))
                    .map(|spec| spec.with_stretch(r.stretch).with_year(r.year));
            }
            (None, None, None, None, Some(_)) => {
                return Err(Error::definition("a profile needs an annual target")
                    .with_field("target.annual"));
            }
            (None, Some(_), None, None, None) | (None, None, Some(_), None, None) => {
                return Err(Error::definition("a target range needs both low and high")
                    .with_field("target"));
            }
            _ => {
                return Err(Error::definition(
                    "a target is one of: value; low and high; annual with an optional profile",
                )
                .with_field("target"));
            }
        };
        Ok(TargetSpec {
            year: r.year,
            kind,
            stretch: r.stretch,
        })
    }
}

impl From<TargetSpec> for TargetSpecRepr {
    fn from(spec: TargetSpec) -> TargetSpecRepr {
        let mut repr = TargetSpecRepr {
            year: spec.year,
            stretch: spec.stretch,
            ..TargetSpecRepr::default()
        };
        match spec.kind {
            SpecKind::None => {}
            SpecKind::Fixed(Target::Value(v)) => repr.value = Some(v),
            SpecKind::Fixed(Target::Range { low, high }) => {
                repr.low = Some(low);
                repr.high = Some(high);
            }
            SpecKind::Annual { annual, profile } => {
                repr.annual = Some(annual);
                repr.profile = Some(profile);
            }
        }
        repr
    }
}

impl TargetSpec {
    /// No target (a data-only year).
    pub fn none() -> TargetSpec {
        TargetSpec {
            year: None,
            kind: SpecKind::None,
            stretch: None,
        }
    }

    /// The same target every period.
    pub fn fixed(target: Target) -> TargetSpec {
        TargetSpec {
            year: None,
            kind: SpecKind::Fixed(target),
            stretch: None,
        }
    }

    /// An annual target with a profile. Weights must be non-negative with a positive sum.
    pub fn annual(annual: Decimal, profile: Profile) -> Result<TargetSpec> {
        if let Profile::Weights(weights) = &profile {
            let mut sum = Decimal::ZERO;
            for (i, w) in weights.iter().enumerate() {
                if w.is_sign_negative() && !w.is_zero() {
                    return Err(Error::definition(format!("weight {w} is negative"))
                        .with_field(format!("target.profile.weights[{i}]")));
                }
                sum = sum
                    .checked_add(*w)
                    .ok_or_else(|| Error::overflow("sum of profile weights"))?;
            }
            if sum.is_zero() {
                return Err(
                    Error::definition("profile weights must have a positive sum")
                        .with_field("target.profile.weights"),
                );
            }
        }
        if let Profile::Values(values) | Profile::Weights(values) = &profile {
            if values.is_empty() {
                return Err(
                    Error::definition("a profile list needs one entry per period")
                        .with_field("target.profile"),
                );
            }
        }
        Ok(TargetSpec {
            year: None,
            kind: SpecKind::Annual { annual, profile },
            stretch: None,
        })
    }

    /// The same spec with this stretch target (Blue when met).
    pub fn with_stretch(mut self, stretch: Option<Decimal>) -> TargetSpec {
        self.stretch = stretch;
        self
    }

    /// The same spec labelled with the fiscal year it applies to (e.g. `"2015/16"`).
    pub fn with_year(mut self, year: Option<String>) -> TargetSpec {
        self.year = year;
        self
    }

    /// The fiscal year label as written (`year = "2015/16"`), if any. Parsing it is the
    /// caller's business (see the `period` module).
    pub fn year(&self) -> Option<&str> {
        self.year.as_deref()
    }

    /// True when the profile gives year-to-date targets (`even` or `weights`), so that the
    /// actual compared with them must be a year-to-date figure too.
    pub fn is_cumulative(&self) -> bool {
        matches!(
            self.kind,
            SpecKind::Annual {
                profile: Profile::Even | Profile::Weights(_),
                ..
            }
        )
    }

    /// The stretch target as written (an annual figure under `even`/`weights`).
    pub fn stretch(&self) -> Option<Decimal> {
        self.stretch
    }

    /// The target for period `k` of the `n` periods in the year (1 ≤ k ≤ n); `None` when the
    /// year has no target.
    pub fn target_for(&self, k: u32, n: u32) -> Result<Option<Target>> {
        check_position(k, n)?;
        match &self.kind {
            SpecKind::None => Ok(None),
            SpecKind::Fixed(target) => Ok(Some(*target)),
            SpecKind::Annual { annual, profile } => {
                profiled(*annual, profile, k, n, true).map(|v| Some(Target::Value(v)))
            }
        }
    }

    /// The target at every position, when it does not depend on the position (none, or a
    /// fixed target); `None` for a profiled annual target.
    pub(crate) fn fixed_target(&self) -> Option<Option<Target>> {
        match &self.kind {
            SpecKind::None => Some(None),
            SpecKind::Fixed(target) => Some(Some(*target)),
            SpecKind::Annual { .. } => None,
        }
    }

    /// The target for a [`Period`](crate::Period): [`target_for`](TargetSpec::target_for) at its
    /// [`position`](crate::Period::position) in the fiscal year. Errors name the period.
    pub fn target_for_period(&self, period: crate::Period) -> Result<Option<Target>> {
        let (k, n) = period.position();
        self.target_for(k, n)
            .map_err(|e| e.with_period(period.label()))
    }

    /// The stretch target for a [`Period`](crate::Period), profiled like the target.
    pub fn stretch_for_period(&self, period: crate::Period) -> Result<Option<Decimal>> {
        let (k, n) = period.position();
        self.stretch_for(k, n)
            .map_err(|e| e.with_period(period.label()))
    }

    /// The stretch target for period `k` of `n`, profiled like the target (see module docs).
    pub fn stretch_for(&self, k: u32, n: u32) -> Result<Option<Decimal>> {
        check_position(k, n)?;
        let Some(stretch) = self.stretch else {
            return Ok(None);
        };
        match &self.kind {
            SpecKind::Annual { profile, .. } => profiled(stretch, profile, k, n, false).map(Some),
            _ => Ok(Some(stretch)),
        }
    }
}

fn check_position(k: u32, n: u32) -> Result<()> {
    if n == 0 || k == 0 || k > n {
        Err(Error::invalid_value(
            format!("period {k} of {n}"),
            "a period position k with 1 <= k <= n",
        ))
    } else {
        Ok(())
    }
}

/// `value` profiled for period `k` of `n`. `values_apply` says whether an explicit list of
/// values replaces the value (for the target) or leaves it as written (for the stretch).
fn profiled(
    value: Decimal,
    profile: &Profile,
    k: u32,
    n: u32,
    values_apply: bool,
) -> Result<Decimal> {
    let overflow = || Error::overflow("profiled target");
    let needs = |len: usize| -> Result<()> {
        if usize::try_from(n).ok() == Some(len) {
            Ok(())
        } else {
            Err(Error::definition(format!(
                "the profile lists {len} periods but the year has {n}"
            ))
            .with_field("target.profile"))
        }
    };
    let k_index = usize::try_from(k).map_err(|_| overflow())?;
    match profile {
        Profile::Flat => Ok(value),
        Profile::Even => value
            .checked_mul(Decimal::from(k))
            .and_then(|v| v.checked_div(Decimal::from(n)))
            .ok_or_else(overflow),
        Profile::Values(values) => {
            needs(values.len())?;
            if !values_apply {
                return Ok(value);
            }
            values
                .get(k_index - 1)
                .copied()
                .ok_or_else(|| Error::definition("profile too short").with_field("target.profile"))
        }
        Profile::Weights(weights) => {
            needs(weights.len())?;
            let mut upto = Decimal::ZERO;
            let mut total = Decimal::ZERO;
            for (i, w) in weights.iter().enumerate() {
                total = total.checked_add(*w).ok_or_else(overflow)?;
                if i < k_index {
                    upto = upto.checked_add(*w).ok_or_else(overflow)?;
                }
            }
            if upto == total {
                return Ok(value);
            }
            value
                .checked_mul(upto)
                .and_then(|v| v.checked_div(total))
                .ok_or_else(overflow)
        }
    }
}

/// Reading decimals leniently: from a string (recommended, exact), an integer, or a float
/// (converted through its shortest round-trip text, so `94.95` stays `94.95`, as SPEC requires of
/// floats crossing a boundary). Serialising is unchanged: decimals are written as strings.
///
/// Use on a field with `#[serde(deserialize_with = "ragstatus::target::serde_decimal::deserialize")]`
/// (or `deserialize_option` / `deserialize_vec`). The definition types of this crate read their
/// decimals this way, so TOML may say `value = 95` or `value = "95"`.
pub mod serde_decimal {
    use std::fmt;
    use std::str::FromStr;

    use rust_decimal::Decimal;
    use serde::Deserialize;
    use serde::de::{self, Deserializer, Visitor};

    struct DecimalVisitor;

    impl Visitor<'_> for DecimalVisitor {
        type Value = Decimal;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a decimal number, preferably as a string such as \"94.95\"")
        }

        fn visit_str<E: de::Error>(self, v: &str) -> Result<Decimal, E> {
            let t = v.trim();
            Decimal::from_str(t)
                .or_else(|_| Decimal::from_scientific(t))
                .map_err(|_| E::invalid_value(de::Unexpected::Str(v), &self))
        }

        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Decimal, E> {
            Ok(Decimal::from(v))
        }

        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Decimal, E> {
            Ok(Decimal::from(v))
        }

        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Decimal, E> {
            if v.is_finite() {
                // Rust writes the shortest text that reads back as the same float.
                self.visit_str(&format!("{v}"))
            } else {
                Err(E::invalid_value(de::Unexpected::Float(v), &self))
            }
        }
    }

    #[derive(Deserialize)]
    struct Lenient(#[serde(deserialize_with = "deserialize")] Decimal);

    /// A decimal from a string, an integer or a float.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
        d.deserialize_any(DecimalVisitor)
    }

    /// An optional decimal, leniently.
    pub fn deserialize_option<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<Decimal>, D::Error> {
        Option::<Lenient>::deserialize(d).map(|o| o.map(|l| l.0))
    }

    /// A list of decimals, leniently.
    pub fn deserialize_vec<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Decimal>, D::Error> {
        Vec::<Lenient>::deserialize(d).map(|v| v.into_iter().map(|l| l.0).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn range_validated() {
        assert!(Target::range(dec!(95), dec!(85)).is_err());
        assert!(serde_json::from_str::<Target>(r#"{"low":"95","high":"85"}"#).is_err());
        assert_eq!(
            serde_json::from_str::<Target>(r#""45.0""#).unwrap(),
            Target::Value(dec!(45.0))
        );
    }

    #[test]
    fn profiles() {
        let even = TargetSpec::annual(dec!(1200), Profile::Even).unwrap();
        assert_eq!(
            even.target_for(1, 4).unwrap(),
            Some(Target::Value(dec!(300)))
        );
        assert_eq!(
            even.target_for(4, 4).unwrap(),
            Some(Target::Value(dec!(1200)))
        );
        assert!(even.target_for(5, 4).is_err());
        assert!(even.target_for(0, 4).is_err());
        let w = TargetSpec::annual(dec!(100), Profile::Weights(vec![dec!(1), dec!(3)])).unwrap();
        assert_eq!(w.target_for(1, 2).unwrap(), Some(Target::Value(dec!(25))));
        assert!(w.target_for(1, 4).is_err());
        assert!(TargetSpec::annual(dec!(1), Profile::Weights(vec![dec!(0)])).is_err());
        assert!(TargetSpec::annual(dec!(1), Profile::Weights(vec![dec!(-1), dec!(2)])).is_err());
    }

    #[test]
    fn a_year_entry_reads_directly() {
        let e: TargetSpec =
            serde_json::from_str(r#"{"year": "2015/16", "value": "95", "stretch": "98"}"#).unwrap();
        assert_eq!(e.year(), Some("2015/16"));
        assert_eq!(e.target_for(1, 4).unwrap(), Some(Target::Value(dec!(95))));
        assert_eq!(e.stretch_for(1, 4).unwrap(), Some(dec!(98)));
        assert!(
            serde_json::from_str::<TargetSpec>(r#"{"year": "2015/16", "valu": "95"}"#).is_err()
        );
        assert!(serde_json::from_str::<TargetSpec>(r#"{"value": "95", "low": "1"}"#).is_err());
        let toml_entry: TargetSpec = toml::from_str(
            "year = \"2016/17\"\nannual = \"1200\"\nprofile = { weights = [\"1\", \"1\", \"2\"] }",
        )
        .unwrap();
        assert_eq!(
            toml_entry.target_for(2, 3).unwrap(),
            Some(Target::Value(dec!(600)))
        );
    }
}
