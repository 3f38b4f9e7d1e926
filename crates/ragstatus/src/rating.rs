//! Rating: from an actual, a target and a [`Rule`] to a [`Status`] with its explanation
//! (SPEC §6).
//!
//! The standard rule, in order:
//!
//! 1. no actual → `NoData` (a zero denominator arrives here as "no value", with a reason:
//!    [`Rating::no_data`]); an indicator not due this period → `NotDue` ([`Rating::not_due`]);
//! 2. no target → `NoTarget` (data only);
//! 3. a stretch target given and met, and the rule awards Blue (the default) → `Blue`;
//! 4. shortfall ≤ 0 → `Green` (meeting the target exactly is Green);
//! 5. shortfall ≤ tolerance amount → `Amber` (the edge of the band is Amber);
//! 6. otherwise `Red`.
//!
//! With a custom [`Scheme`] the scheme's bands replace steps 3–6 (the stretch target is then
//! not used: a scheme that wants Blue says so with a Blue band).
//!
//! Configuration errors are errors, not statuses: a range target with `higher`/`lower` polarity,
//! a negative tolerance, a floor on the right side of the target, a stretch target on the wrong
//! side of the target (it must be at or beyond it) or with `within` polarity. The tolerance and
//! stretch are checked whenever there is an actual and a target, whatever the status.
//!
//! Two entry points: [`rate_status`] returns only the [`Status`] (the cheap path, no allocation);
//! [`rate`] returns a [`Rating`] with the shortfall, the tolerance amount, the rule that fired
//! and the inputs. The plain-English sentence is built on demand by [`Rating::sentence`] /
//! [`Rating::explained`], which need the indicator's [`Unit`] and display decimals.
//!
//! ```
//! use ragstatus::{rate, Polarity, Rule, Status, Target, Tolerance, Unit};
//! use rust_decimal_macros::dec;
//!
//! let rule = Rule::new(Polarity::Higher, Tolerance::absolute(dec!(2))?);
//! let rating = rate(Some(dec!(44.1)), Some(&Target::Value(dec!(45.0))), None, &rule)?
//!     .explained(&Unit::Percent, Some(1));
//! assert_eq!(rating.status, Status::Amber);
//! assert_eq!(rating.shortfall, Some(dec!(0.9)));
//! assert_eq!(
//!     rating.explanation.sentence.as_deref(),
//!     Some("44.1% is 0.9 points below the target of 45.0%, within the 2.0-point tolerance: Amber")
//! );
//! let rating = rating.with_override(Status::Green, "data lag", "J. Smith");
//! assert_eq!((rating.status, rating.computed), (Status::Green, Status::Amber));
//! assert!(rating.explanation.sentence.is_some_and(|s| {
//!     s.ends_with(": Amber (overridden to Green by J. Smith: data lag)")
//! }));
//! # Ok::<(), ragstatus::Error>(())
//! ```

use std::fmt::Write as _;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::exact;
use crate::polarity::Polarity;
use crate::scheme::{Measure, Scheme};
use crate::status::Status;
use crate::target::Target;
use crate::tolerance::Tolerance;
use crate::unit::{Unit, number_into};

fn yes() -> bool {
    true
}

fn is_true(b: &bool) -> bool {
    *b
}

/// How an indicator is rated: its polarity, tolerance, an optional custom scheme, and whether a
/// met stretch target earns Blue.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// Which side of the target is good.
    pub polarity: Polarity,
    /// The width of the Amber band (standard rule only).
    #[serde(default)]
    pub tolerance: Tolerance,
    /// A custom band scheme that replaces the standard rule for rated statuses.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scheme: Option<Scheme>,
    /// Whether a met stretch target earns Blue (default true). False for four-colour-free
    /// reports: the stretch target is then ignored.
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub blue: bool,
}

impl Rule {
    /// The standard rule with this polarity and tolerance, Blue enabled.
    pub fn new(polarity: Polarity, tolerance: Tolerance) -> Rule {
        Rule {
            polarity,
            tolerance,
            scheme: None,
            blue: true,
        }
    }

    /// The same rule rated by a custom scheme instead.
    pub fn with_scheme(mut self, scheme: Scheme) -> Rule {
        self.scheme = Some(scheme);
        self
    }

    /// The same rule with Blue on or off.
    pub fn with_blue(mut self, blue: bool) -> Rule {
        self.blue = blue;
        self
    }
}

/// Which rule decided the status, as data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Fired {
    /// The caller said the indicator is not due this period.
    NotDue,
    /// No actual (or no value, e.g. a zero denominator).
    NoActual,
    /// An actual but no target.
    NoTarget,
    /// The stretch target is met.
    Stretch,
    /// The shortfall is ≤ 0.
    Met,
    /// 0 < shortfall ≤ tolerance amount.
    WithinTolerance,
    /// shortfall > tolerance amount.
    BeyondTolerance,
    /// A custom scheme's band.
    Band {
        /// Zero-based index of the band.
        index: usize,
        /// The scheme's measure.
        measure: Measure,
        /// The measure's value.
        value: Decimal,
    },
}

/// A person's override of a computed status.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Override {
    /// The status the person set.
    pub status: Status,
    /// Why.
    pub reason: String,
    /// Who.
    pub by: String,
}

/// The inputs of an evaluation and, once built, its plain-English sentence.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Explanation {
    /// The actual compared, if any.
    pub actual: Option<Decimal>,
    /// The target in force, if any.
    pub target: Option<Target>,
    /// The stretch target, if any.
    pub stretch: Option<Decimal>,
    /// The polarity.
    pub polarity: Polarity,
    /// The tolerance.
    pub tolerance: Tolerance,
    /// Why there is no value (e.g. "zero denominator"), for `NoData`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The sentence, when built with [`Rating::explained`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sentence: Option<String>,
}

/// The result of rating one actual: the status (after any override) and how it was reached.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rating {
    /// The status to report: the override's when there is one, else the computed one.
    pub status: Status,
    /// The status the rule computed.
    pub computed: Status,
    /// The shortfall (SPEC §4), when there was an actual and a target.
    pub shortfall: Option<Decimal>,
    /// The tolerance amount (SPEC §5), when the standard rule compared an actual with a target.
    pub tolerance_amount: Option<Decimal>,
    /// The rule that fired.
    pub fired: Fired,
    /// A person's override, if any.
    #[serde(default, rename = "override", skip_serializing_if = "Option::is_none")]
    pub overridden: Option<Override>,
    /// The inputs and sentence.
    pub explanation: Explanation,
}

struct Outcome {
    status: Status,
    fired: Fired,
    shortfall: Option<Decimal>,
    amount: Option<Decimal>,
}

/// The standard rule (or the scheme). With `AMOUNT_AS_REPORTED` false only the status is
/// wanted, and a relative tolerance's amount may be computed by a cheaper route to the same
/// value (but not always the same scale, which a reported amount must keep).
fn evaluate<const AMOUNT_AS_REPORTED: bool>(
    actual: Option<Decimal>,
    target: Option<&Target>,
    stretch: Option<Decimal>,
    rule: &Rule,
) -> Result<Outcome> {
    let Some(actual) = actual else {
        return Ok(Outcome {
            status: Status::NoData,
            fired: Fired::NoActual,
            shortfall: None,
            amount: None,
        });
    };
    let Some(target) = target else {
        return Ok(Outcome {
            status: Status::NoTarget,
            fired: Fired::NoTarget,
            shortfall: None,
            amount: None,
        });
    };
    let polarity = rule.polarity;
    // The common single-target cases inline (the same arithmetic and error as
    // `Target::shortfall`); the rest through it.
    let (shortfall, rounded) = match (*target, polarity) {
        (Target::Value(t), Polarity::Higher) => {
            exact::sub_rounding(t, actual).ok_or_else(|| Error::overflow("shortfall"))?
        }
        (Target::Value(t), Polarity::Lower) => {
            exact::sub_rounding(actual, t).ok_or_else(|| Error::overflow("shortfall"))?
        }
        _ => (target.shortfall(polarity, actual)?, false),
    };
    if let Some(scheme) = &rule.scheme {
        let (value, index, status) = scheme.rate(polarity, actual, target)?;
        return Ok(Outcome {
            status,
            fired: Fired::Band {
                index,
                measure: scheme.measure(),
                value,
            },
            shortfall: Some(shortfall),
            amount: None,
        });
    }
    // `none` and a valid `absolute` inline (exactly what `Tolerance::amount` returns for them).
    let amount = match rule.tolerance {
        Tolerance::None => Decimal::ZERO,
        Tolerance::Absolute(t) if t.is_zero() || !t.is_sign_negative() => t,
        other if AMOUNT_AS_REPORTED => other.amount(polarity, target, actual)?,
        other => other.amount_value(polarity, target, actual)?,
    };
    let (status, fired) = if stretch_met(actual, target, stretch, rule)? {
        (Status::Blue, Fired::Stretch)
    } else if !is_positive(shortfall) {
        (Status::Green, Fired::Met)
    } else if rounded && within_last_place(shortfall, amount) {
        // Rounding keeps the shortfall's sign, but Amber or Red hangs on the lost digit.
        return Err(Error::overflow(
            "shortfall (beyond a decimal's 28 digits, and as near the tolerance amount)",
        ));
    } else if shortfall <= amount {
        (Status::Amber, Fired::WithinTolerance)
    } else {
        (Status::Red, Fired::BeyondTolerance)
    };
    Ok(Outcome {
        status,
        fired,
        shortfall: Some(shortfall),
        amount: Some(amount),
    })
}

/// Whether `a` and `b` differ by at most one unit in the last place of `a`.
fn within_last_place(a: Decimal, b: Decimal) -> bool {
    a.checked_sub(b)
        .is_some_and(|d| d.abs() <= Decimal::new(1, a.scale()))
}

/// `d > 0`, from the sign and zero test alone (a full comparison with zero rescales).
#[inline]
fn is_positive(d: Decimal) -> bool {
    !d.is_zero() && d.is_sign_positive()
}

fn stretch_met(
    actual: Decimal,
    target: &Target,
    stretch: Option<Decimal>,
    rule: &Rule,
) -> Result<bool> {
    let Some(stretch) = stretch else {
        return Ok(false);
    };
    if !rule.blue {
        return Ok(false);
    }
    let t = match (rule.polarity, target) {
        (Polarity::Higher | Polarity::Lower, Target::Value(t)) => *t,
        _ => {
            return Err(Error::definition(
                "a stretch target needs a single target and polarity higher or lower",
            )
            .with_field("stretch"));
        }
    };
    if rule.polarity.shortfall(stretch, t)? > Decimal::ZERO {
        return Err(Error::definition(format!(
            "the stretch target {stretch} must be at or beyond the target {t} for polarity \"{}\"",
            rule.polarity.as_str()
        ))
        .with_field("stretch"));
    }
    Ok(rule.polarity.shortfall(actual, stretch)? <= Decimal::ZERO)
}

/// The status only: the cheap path (no allocation). Same decisions and errors as [`rate`].
///
/// ```
/// use ragstatus::{rate_status, Polarity, Rule, Status, Target, Tolerance};
/// use rust_decimal_macros::dec;
///
/// let rule = Rule::new(Polarity::Lower, Tolerance::absolute(dec!(0.5))?);
/// let t = Target::Value(dec!(3));
/// assert_eq!(rate_status(Some(dec!(3.5)), Some(&t), None, &rule)?, Status::Amber);
/// assert_eq!(rate_status(Some(dec!(3.51)), Some(&t), None, &rule)?, Status::Red);
/// assert_eq!(rate_status(None, Some(&t), None, &rule)?, Status::NoData);
/// assert_eq!(rate_status(Some(dec!(3)), None, None, &rule)?, Status::NoTarget);
/// # Ok::<(), ragstatus::Error>(())
/// ```
pub fn rate_status(
    actual: Option<Decimal>,
    target: Option<&Target>,
    stretch: Option<Decimal>,
    rule: &Rule,
) -> Result<Status> {
    evaluate::<false>(actual, target, stretch, rule).map(|o| o.status)
}

/// [`rate`]'s status, shortfall and tolerance amount, without the rating around them: for bulk
/// evaluations that report only those.
pub(crate) fn rate_figures(
    actual: Option<Decimal>,
    target: Option<&Target>,
    stretch: Option<Decimal>,
    rule: &Rule,
) -> Result<(Status, Option<Decimal>, Option<Decimal>)> {
    evaluate::<true>(actual, target, stretch, rule).map(|o| (o.status, o.shortfall, o.amount))
}

/// Rates `actual` against `target` (and the optional `stretch` target) under `rule`; see the
/// [module docs](self) for the rule and an example.
pub fn rate(
    actual: Option<Decimal>,
    target: Option<&Target>,
    stretch: Option<Decimal>,
    rule: &Rule,
) -> Result<Rating> {
    let o = evaluate::<true>(actual, target, stretch, rule)?;
    Ok(Rating {
        status: o.status,
        computed: o.status,
        shortfall: o.shortfall,
        tolerance_amount: o.amount,
        fired: o.fired,
        overridden: None,
        explanation: Explanation {
            actual,
            target: target.copied(),
            stretch,
            polarity: rule.polarity,
            tolerance: rule.tolerance,
            reason: None,
            sentence: None,
        },
    })
}

impl Rating {
    fn bare(status: Status, fired: Fired, rule: &Rule, reason: Option<String>) -> Rating {
        Rating {
            status,
            computed: status,
            shortfall: None,
            tolerance_amount: None,
            fired,
            overridden: None,
            explanation: Explanation {
                actual: None,
                target: None,
                stretch: None,
                polarity: rule.polarity,
                tolerance: rule.tolerance,
                reason,
                sentence: None,
            },
        }
    }

    /// `NoData` because there is no value, with the reason (e.g. "zero denominator").
    pub fn no_data(reason: impl Into<String>, rule: &Rule) -> Rating {
        Rating::bare(Status::NoData, Fired::NoActual, rule, Some(reason.into()))
    }

    /// `NotDue`: the indicator reports less often than the period evaluated.
    pub fn not_due(rule: &Rule) -> Rating {
        Rating::bare(Status::NotDue, Fired::NotDue, rule, None)
    }

    /// The same rating overridden by a person: `status` becomes the override's, `computed`
    /// keeps what the rule said. A sentence already built gains the override.
    pub fn with_override(
        mut self,
        status: Status,
        reason: impl Into<String>,
        by: impl Into<String>,
    ) -> Rating {
        let o = Override {
            status,
            reason: reason.into(),
            by: by.into(),
        };
        self.status = status;
        if let Some(sentence) = &mut self.explanation.sentence {
            // Replace any earlier override's suffix.
            if let Some(old) = &self.overridden {
                let suffix = override_suffix(old);
                if let Some(stripped) = sentence.strip_suffix(&suffix) {
                    *sentence = stripped.to_string();
                }
            }
            sentence.push_str(&override_suffix(&o));
        }
        self.overridden = Some(o);
        self
    }

    /// The same rating with its sentence built (stored in `explanation.sentence`).
    pub fn explained(mut self, unit: &Unit, decimals: Option<u32>) -> Rating {
        self.explanation.sentence = Some(self.sentence(unit, decimals));
        self
    }

    /// The plain-English sentence for this rating, e.g. "44.1% is 0.9 points below the target
    /// of 45.0%, within the 2.0-point tolerance: Amber". `decimals` are the display decimals
    /// (`None`: values as given).
    pub fn sentence(&self, unit: &Unit, decimals: Option<u32>) -> String {
        let mut s = String::with_capacity(160);
        self.write_sentence(&mut s, unit, decimals);
        s
    }

    /// [`sentence`](Rating::sentence) appended to `out`: the same text, written into the
    /// caller's buffer (a frame's explanations are written one after another into one).
    ///
    /// ```
    /// use ragstatus::{rate, Polarity, Rule, Target, Tolerance, Unit};
    /// use rust_decimal_macros::dec;
    ///
    /// let rule = Rule::new(Polarity::Higher, Tolerance::absolute(dec!(2))?);
    /// let rating = rate(Some(dec!(44.1)), Some(&Target::Value(dec!(45.0))), None, &rule)?;
    /// let mut out = String::from("SW-01: ");
    /// rating.write_sentence(&mut out, &Unit::Percent, Some(1));
    /// assert_eq!(out, format!("SW-01: {}", rating.sentence(&Unit::Percent, Some(1))));
    /// # Ok::<(), ragstatus::Error>(())
    /// ```
    pub fn write_sentence(&self, out: &mut String, unit: &Unit, decimals: Option<u32>) {
        self.write_body(out, unit, decimals);
        // "has no target to compare with" already says it all; ": NoTarget" would be jargon.
        if self.computed.is_rated() || self.overridden.is_some() {
            out.push_str(": ");
            out.push_str(self.computed.as_str());
        }
        if let Some(o) = &self.overridden {
            write_override_suffix(out, o);
        }
    }

    fn write_body(&self, out: &mut String, unit: &Unit, dp: Option<u32>) {
        let e = &self.explanation;
        let value = |out: &mut String, v: Decimal| unit.write_value(out, v, dp);
        let derived = |v: Decimal| if dp.is_none() { v.normalize() } else { v };
        let (actual, target) = match (self.fired, e.actual, e.target) {
            (Fired::NotDue, ..) => {
                out.push_str("Not due this period");
                return;
            }
            (Fired::NoActual, ..) | (_, None, _) => {
                match &e.reason {
                    Some(reason) => {
                        out.push_str("No value (");
                        out.push_str(reason);
                        out.push(')');
                    }
                    None => out.push_str("No actual for this period"),
                }
                return;
            }
            (Fired::NoTarget, Some(a), _) | (_, Some(a), None) => {
                value(out, a);
                out.push_str(" has no target to compare with");
                return;
            }
            (_, Some(a), Some(t)) => (a, t),
        };
        if self.fired == Fired::Stretch {
            value(out, actual);
            out.push_str(" meets the stretch target of ");
            if let Some(stretch) = e.stretch {
                value(out, stretch);
            }
            out.push_str(" (target ");
            value(out, target.bounds().0);
            out.push(')');
            return;
        }
        // Where the actual sits: "is 0.9 points below the target of 45.0%".
        value(out, actual);
        let (low, high) = target.bounds();
        let mut exactly = false;
        if actual < low || actual > high {
            let (side, gap) = if actual < low {
                (" below ", low.checked_sub(actual))
            } else {
                (" above ", actual.checked_sub(high))
            };
            out.push_str(" is");
            if let Some(d) = gap {
                out.push(' ');
                unit.write_difference(out, derived(d), dp);
            }
            out.push_str(side);
        } else if low == high {
            out.push_str(" meets ");
            exactly = true;
        } else {
            out.push_str(" is within ");
        }
        match target {
            Target::Value(t) => {
                out.push_str("the target of ");
                value(out, t);
            }
            Target::Range { low, high } => {
                out.push_str("the range of ");
                value(out, low);
                out.push_str(" to ");
                value(out, high);
            }
        }
        if exactly {
            out.push_str(" exactly");
        }
        match self.fired {
            Fired::WithinTolerance | Fired::BeyondTolerance => {
                let within = self.fired == Fired::WithinTolerance;
                let amount = self.tolerance_amount.map(derived).unwrap_or_default();
                out.push_str(", ");
                let word = if within { "within" } else { "beyond" };
                match e.tolerance {
                    Tolerance::None => out.push_str("with no tolerance"),
                    Tolerance::Absolute(_) => {
                        out.push_str(word);
                        out.push(' ');
                        unit.write_tolerance(out, amount, dp);
                    }
                    Tolerance::Relative(p) => {
                        out.push_str(word);
                        out.push_str(" the ");
                        number_into(out, p.normalize(), None);
                        out.push_str("% tolerance (");
                        unit.write_difference(out, amount, dp);
                        out.push(')');
                    }
                    Tolerance::Floor(v) => {
                        out.push_str(match (e.polarity, within) {
                            (Polarity::Lower, true) => "at or below the ceiling of ",
                            (Polarity::Lower, false) => "above the ceiling of ",
                            (_, true) => "at or above the floor of ",
                            (_, false) => "below the floor of ",
                        });
                        value(out, v);
                    }
                }
            }
            Fired::Band {
                index,
                measure,
                value: m,
            } => {
                let m = m.normalize();
                out.push_str("; ");
                for c in measure.as_str().chars() {
                    out.push(if c == '_' { ' ' } else { c });
                }
                out.push(' ');
                match measure {
                    Measure::Actual => value(out, m),
                    Measure::Shortfall | Measure::PerformanceRatio => number_into(out, m, None),
                    Measure::RelativeShortfall | Measure::PercentOfTarget => {
                        number_into(out, m, None);
                        out.push('%');
                    }
                }
                let _ = write!(out, " is in band {index}");
            }
            Fired::Stretch | Fired::Met | Fired::NotDue | Fired::NoActual | Fired::NoTarget => {}
        }
    }
}

fn write_override_suffix(out: &mut String, o: &Override) {
    let _ = write!(
        out,
        " (overridden to {} by {}: {})",
        o.status, o.by, o.reason
    );
}

fn override_suffix(o: &Override) -> String {
    format!(" (overridden to {} by {}: {})", o.status, o.by, o.reason)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn sentence(
        actual: Option<Decimal>,
        target: Option<Target>,
        stretch: Option<Decimal>,
        rule: &Rule,
        unit: &Unit,
        dp: Option<u32>,
    ) -> String {
        rate(actual, target.as_ref(), stretch, rule)
            .unwrap()
            .sentence(unit, dp)
    }

    #[test]
    fn sentences() {
        let higher = Rule::new(Polarity::Higher, Tolerance::Absolute(dec!(2)));
        let t = Some(Target::Value(dec!(45.0)));
        assert_eq!(
            sentence(Some(dec!(40)), t, None, &higher, &Unit::Percent, Some(1)),
            "40.0% is 5.0 points below the target of 45.0%, beyond the 2.0-point tolerance: Red"
        );
        assert_eq!(
            sentence(Some(dec!(45)), t, None, &higher, &Unit::Percent, Some(1)),
            "45.0% meets the target of 45.0% exactly: Green"
        );
        assert_eq!(
            sentence(
                Some(dec!(99)),
                t,
                Some(dec!(98)),
                &higher,
                &Unit::Percent,
                None
            ),
            "99% meets the stretch target of 98% (target 45.0%): Blue"
        );
        let lower = Rule::new(Polarity::Lower, Tolerance::Relative(dec!(10)));
        assert_eq!(
            sentence(
                Some(dec!(3.2)),
                Some(Target::Value(dec!(3))),
                None,
                &lower,
                &Unit::Days,
                None
            ),
            "3.2 days is 0.2 days above the target of 3 days, within the 10% tolerance (0.3 days): Amber"
        );
        let within = Rule::new(Polarity::Within, Tolerance::None);
        let range = Target::range(dec!(85), dec!(95)).ok();
        assert_eq!(
            sentence(Some(dec!(97)), range, None, &within, &Unit::Percent, None),
            "97% is 2 points above the range of 85% to 95%, with no tolerance: Red"
        );
        assert_eq!(
            sentence(Some(dec!(90)), range, None, &within, &Unit::Percent, None),
            "90% is within the range of 85% to 95%: Green"
        );
        assert_eq!(
            Rating::no_data("zero denominator", &within).sentence(&Unit::Percent, None),
            "No value (zero denominator)"
        );
        assert_eq!(
            sentence(Some(dec!(90)), None, None, &within, &Unit::Percent, None),
            "90% has no target to compare with"
        );
    }

    #[test]
    fn override_keeps_computed() {
        let rule = Rule::new(Polarity::Higher, Tolerance::None);
        let r = rate(Some(dec!(1)), Some(&Target::Value(dec!(2))), None, &rule)
            .unwrap()
            .explained(&Unit::Count, None)
            .with_override(Status::Amber, "first", "A")
            .with_override(Status::Green, "data lag", "J. Smith");
        assert_eq!(r.status, Status::Green);
        assert_eq!(r.computed, Status::Red);
        assert_eq!(
            r.explanation.sentence.as_deref(),
            Some(
                "1 is 1 below the target of 2, with no tolerance: Red (overridden to Green by J. Smith: data lag)"
            )
        );
        let json = serde_json::to_string(&r).unwrap();
        assert_eq!(serde_json::from_str::<Rating>(&json).unwrap(), r);
    }

    #[test]
    fn config_errors() {
        let higher = Rule::new(Polarity::Higher, Tolerance::None);
        let t = Target::Value(dec!(50));
        assert!(rate_status(Some(dec!(1)), Some(&t), Some(dec!(40)), &higher).is_err());
        let range = Target::range(dec!(1), dec!(2)).unwrap();
        assert!(rate_status(Some(dec!(1)), Some(&range), None, &higher).is_err());
    }
}
