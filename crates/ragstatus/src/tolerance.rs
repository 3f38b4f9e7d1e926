//! Tolerance: the width of the Amber band (SPEC §5).
//!
//! | tolerance | written | amount, in the indicator's units |
//! | --- | --- | --- |
//! | [`None`](Tolerance::None) | `"none"` | 0: met or not met, Green or Red |
//! | [`Absolute`](Tolerance::Absolute) | `{ absolute = "2" }` | 2 (for a percent: points) |
//! | [`Relative`](Tolerance::Relative) | `{ relative = "5" }` | 5% of \|target\|; for `within`, of \|the bound missed\| |
//! | [`Floor`](Tolerance::Floor) | `{ floor = "80" }` | the distance from the target to 80 |
//!
//! A floor is a *floor standard* (Kent) or *red threshold* (Stirling) given as a value: the
//! Amber band runs from the target to the floor, the floor itself included, and beyond it is Red.
//! The floor must lie on the wrong side of the target (below it when higher is better, above it
//! when lower is better) or on it (which leaves no Amber band); otherwise it is a definition
//! error. A floor is **not accepted for `within` polarity**: a single value cannot bound both
//! sides of a range, so such an indicator should use an absolute or relative tolerance.
//!
//! Negative absolute or relative tolerances are definition errors, when built and when read.
//!
//! ```
//! use ragstatus::{Polarity, Target, Tolerance};
//! use rust_decimal_macros::dec;
//!
//! let t = Target::Value(dec!(45.0));
//! assert_eq!(Tolerance::relative(dec!(5))?.amount(Polarity::Higher, &t, dec!(44))?, dec!(2.25));
//! assert_eq!(Tolerance::Floor(dec!(40)).amount(Polarity::Higher, &t, dec!(44))?, dec!(5.0));
//! assert!(Tolerance::Floor(dec!(50)).amount(Polarity::Higher, &t, dec!(44)).is_err());
//! assert!(serde_json::from_str::<Tolerance>(r#"{"absolute": "-2"}"#).is_err());
//! # Ok::<(), ragstatus::Error>(())
//! ```

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::exact;
use crate::polarity::Polarity;
use crate::target::{Target, serde_decimal};

/// The width of the Amber band; see the [module docs](self).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(try_from = "ToleranceRepr", into = "ToleranceRepr")]
pub enum Tolerance {
    /// No Amber band: met (Green) or not (Red).
    #[default]
    None,
    /// A fixed width in the indicator's units (percentage points for a percent); ≥ 0.
    Absolute(Decimal),
    /// A percentage of |target| (of |the bound missed| for `within`); ≥ 0.
    Relative(Decimal),
    /// A floor standard / red threshold given as a value on the wrong side of the target.
    Floor(Decimal),
}

#[derive(Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
enum ToleranceRepr {
    None,
    Absolute(
        #[cfg_attr(feature = "schema", schemars(with = "crate::schema::DecimalText"))]
        #[serde(deserialize_with = "serde_decimal::deserialize")]
        Decimal,
    ),
    Relative(
        #[cfg_attr(feature = "schema", schemars(with = "crate::schema::DecimalText"))]
        #[serde(deserialize_with = "serde_decimal::deserialize")]
        Decimal,
    ),
    Floor(
        #[cfg_attr(feature = "schema", schemars(with = "crate::schema::DecimalText"))]
        #[serde(deserialize_with = "serde_decimal::deserialize")]
        Decimal,
    ),
}

impl TryFrom<ToleranceRepr> for Tolerance {
    type Error = Error;
    fn try_from(repr: ToleranceRepr) -> Result<Tolerance> {
        Tolerance::from_repr(repr).map_err(crate::error::remember)
    }
}

impl Tolerance {
    /// Builds the value from its serde form, validating it.
    fn from_repr(repr: ToleranceRepr) -> Result<Tolerance> {
        match repr {
            ToleranceRepr::None => Ok(Tolerance::None),
            ToleranceRepr::Absolute(t) => Tolerance::absolute(t),
            ToleranceRepr::Relative(p) => Tolerance::relative(p),
            ToleranceRepr::Floor(v) => Ok(Tolerance::Floor(v)),
        }
    }
}

impl From<Tolerance> for ToleranceRepr {
    fn from(t: Tolerance) -> ToleranceRepr {
        match t {
            Tolerance::None => ToleranceRepr::None,
            Tolerance::Absolute(t) => ToleranceRepr::Absolute(t),
            Tolerance::Relative(p) => ToleranceRepr::Relative(p),
            Tolerance::Floor(v) => ToleranceRepr::Floor(v),
        }
    }
}

/// `|t| · p / 100` in value (see [`Tolerance::amount_value`]), `p` non-negative.
fn relative_value(t: Decimal, p: Decimal) -> Result<Decimal> {
    exact::mul(t.abs(), p)
        .and_then(|v| exact::div_pow10(v, 2))
        .ok_or_else(|| Error::overflow("relative tolerance amount"))
}

fn non_negative(value: Decimal, kind: &str) -> Result<Decimal> {
    if value.is_sign_negative() && !value.is_zero() {
        Err(Error::definition(format!(
            "a tolerance cannot be negative; found {kind} {value}"
        ))
        .with_field(format!("tolerance.{kind}")))
    } else {
        Ok(value)
    }
}

impl Tolerance {
    /// An absolute tolerance; an error if negative.
    pub fn absolute(width: Decimal) -> Result<Tolerance> {
        non_negative(width, "absolute").map(Tolerance::Absolute)
    }

    /// A relative tolerance in percent of |target|; an error if negative.
    pub fn relative(percent: Decimal) -> Result<Tolerance> {
        non_negative(percent, "relative").map(Tolerance::Relative)
    }

    /// A floor standard / red threshold at `value`. Its side is checked against the target when
    /// the [`amount`](Tolerance::amount) is computed.
    pub fn floor(value: Decimal) -> Tolerance {
        Tolerance::Floor(value)
    }

    /// The name used in definitions: `none`, `absolute`, `relative`, `floor`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Tolerance::None => "none",
            Tolerance::Absolute(_) => "absolute",
            Tolerance::Relative(_) => "relative",
            Tolerance::Floor(_) => "floor",
        }
    }

    /// Checks what can be checked without a target: no negative widths (values built directly
    /// as enum variants bypass the constructors).
    pub fn validate(&self) -> Result<()> {
        match *self {
            Tolerance::Absolute(t) => non_negative(t, "absolute").map(drop),
            Tolerance::Relative(p) => non_negative(p, "relative").map(drop),
            Tolerance::None | Tolerance::Floor(_) => Ok(()),
        }
    }

    /// [`Tolerance::amount`] in value, not always in scale, for deciding a status (where only
    /// the value counts). A relative tolerance of `p` percent on a single target `t` is
    /// `|t| · p / 100` with the same multiplication and errors, dividing by 100 by moving the
    /// decimal point two places instead of a `Decimal` division, the slowest step of rating with
    /// a relative tolerance.
    #[inline]
    pub(crate) fn amount_value(
        &self,
        polarity: Polarity,
        target: &Target,
        actual: Decimal,
    ) -> Result<Decimal> {
        match (*self, target, polarity) {
            (Tolerance::Relative(p), Target::Value(t), Polarity::Higher | Polarity::Lower)
                if p.is_zero() || !p.is_sign_negative() =>
            {
                relative_value(*t, p)
            }
            _ => self.amount(polarity, target, actual),
        }
    }

    /// The tolerance amount in the indicator's units (SPEC §5) for an `actual` against `target`.
    ///
    /// The actual matters only for `within` with a relative tolerance, where the amount is a
    /// percentage of the bound the actual misses (the nearer bound when it misses none).
    /// Errors: a negative width, a floor on the right side of the target, a floor with
    /// `within` polarity, overflow.
    pub fn amount(&self, polarity: Polarity, target: &Target, actual: Decimal) -> Result<Decimal> {
        match *self {
            Tolerance::None => Ok(Decimal::ZERO),
            Tolerance::Absolute(t) => non_negative(t, "absolute"),
            Tolerance::Relative(p) => {
                let p = non_negative(p, "relative")?;
                let base = match polarity {
                    Polarity::Within => target.missed_bound(actual),
                    Polarity::Higher | Polarity::Lower => target.bounds().0,
                };
                // The reported amount keeps the scale of a division by 100, once that
                // division is known to be exact.
                exact::mul(base.abs(), p)
                    .filter(|v| exact::div_pow10(*v, 2).is_some())
                    .and_then(|v| v.checked_div(Decimal::ONE_HUNDRED))
                    .ok_or_else(|| Error::overflow("relative tolerance amount"))
            }
            Tolerance::Floor(v) => {
                let t = match (polarity, target) {
                    (Polarity::Within, _) => {
                        return Err(Error::definition(
                            "a floor tolerance needs polarity higher or lower; for within use an \
                             absolute or relative tolerance",
                        )
                        .with_field("tolerance.floor"));
                    }
                    (_, Target::Value(t)) => *t,
                    (_, Target::Range { .. }) => {
                        // Let the shortfall report the range/polarity mismatch.
                        return target.shortfall(polarity, actual).map(|_| Decimal::ZERO);
                    }
                };
                let distance = match polarity {
                    Polarity::Higher => exact::sub(t, v),
                    _ => exact::sub(v, t),
                }
                .ok_or_else(|| Error::overflow("floor tolerance amount"))?;
                if distance.is_sign_negative() && !distance.is_zero() {
                    let side = if polarity == Polarity::Higher {
                        "below"
                    } else {
                        "above"
                    };
                    Err(Error::definition(format!(
                        "the floor {v} must lie {side} the target {t} for polarity \"{}\"",
                        polarity.as_str()
                    ))
                    .with_field("tolerance.floor"))
                } else {
                    Ok(distance)
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn serde_shapes() {
        let all: Vec<Tolerance> = serde_json::from_str(
            r#"["none", {"absolute": "2"}, {"relative": "5"}, {"floor": "-80"}]"#,
        )
        .unwrap();
        assert_eq!(
            all,
            vec![
                Tolerance::None,
                Tolerance::Absolute(dec!(2)),
                Tolerance::Relative(dec!(5)),
                Tolerance::Floor(dec!(-80))
            ]
        );
        assert_eq!(
            serde_json::to_string(&all).unwrap(),
            r#"["none",{"absolute":"2"},{"relative":"5"},{"floor":"-80"}]"#
        );
        assert!(serde_json::from_str::<Tolerance>(r#"{"relative": "-0.1"}"#).is_err());
        assert!(serde_json::from_str::<Tolerance>(r#"{"absolute": "-0"}"#).is_ok());
        assert!(Tolerance::absolute(dec!(-1)).is_err());
        let t: Tolerance = toml::from_str::<std::collections::BTreeMap<String, Tolerance>>(
            "t = { relative = 2.5 }",
        )
        .unwrap()["t"];
        assert_eq!(t, Tolerance::Relative(dec!(2.5)));
    }

    #[test]
    fn amounts() {
        let range = Target::range(dec!(85), dec!(95)).unwrap();
        let rel = Tolerance::Relative(dec!(10));
        assert_eq!(
            rel.amount(Polarity::Within, &range, dec!(80)).unwrap(),
            dec!(8.5)
        );
        assert_eq!(
            rel.amount(Polarity::Within, &range, dec!(99)).unwrap(),
            dec!(9.5)
        );
        let neg = Target::Value(dec!(-20));
        assert_eq!(
            rel.amount(Polarity::Higher, &neg, dec!(0)).unwrap(),
            dec!(2)
        );
        let t = Target::Value(dec!(3));
        assert_eq!(
            Tolerance::Floor(dec!(5))
                .amount(Polarity::Lower, &t, dec!(0))
                .unwrap(),
            dec!(2)
        );
        assert!(
            Tolerance::Floor(dec!(2))
                .amount(Polarity::Lower, &t, dec!(0))
                .is_err()
        );
        assert!(
            Tolerance::Floor(dec!(2))
                .amount(Polarity::Within, &t, dec!(0))
                .is_err()
        );
        assert_eq!(
            Tolerance::Floor(dec!(3))
                .amount(Polarity::Lower, &t, dec!(0))
                .unwrap(),
            dec!(0)
        );
    }
}
