//! Custom status schemes: ordered bands over a measure, each naming a status (SPEC §6).
//!
//! Besides the standard rule (target, tolerance, stretch), an indicator may be rated by a
//! [`Scheme`]: a [`Measure`] computed from the actual and the target, and a list of [`Band`]s
//! that cover every value of the measure exactly once, in ascending order. Each band has an
//! optional lower and upper edge, each inclusive or exclusive, written with the keys `gt`
//! (exclusive lower), `ge` (inclusive lower), `lt` (exclusive upper) and `le` (inclusive upper):
//!
//! ```text
//! bands = [ { status = "Green", le = "5" },            # (-inf, 5]
//!           { status = "Amber", gt = "5", le = "10" },  # (5, 10]
//!           { status = "Red",   gt = "10" } ]           # (10, +inf)
//! ```
//!
//! A scheme is validated when it is built and when it is read: the first band has no lower edge
//! and the last no upper edge; each next band starts exactly where the previous one ends, the
//! shared boundary owned by exactly one of them (`le` then `gt`, or `lt` then `ge`); only rated
//! statuses (Red, Amber, Green, Blue) appear; and the statuses are *ordered with the polarity*:
//! never better as the measure gets worse. A scheme that fails is an
//! [`ErrorKind::Scheme`] naming the zero-based index of the offending
//! band.
//!
//! Measures ([`Measure`]):
//!
//! | measure | value | better is |
//! | --- | --- | --- |
//! | `actual` | the actual | higher for `higher`, lower for `lower`, inside for `within` |
//! | `shortfall` | the shortfall (SPEC §4) | lower |
//! | `relative_shortfall` | shortfall × 100 ÷ \|target\| (÷ \|bound missed\| for `within`) | lower |
//! | `percent_of_target` | actual × 100 ÷ target | higher for `higher`, lower for `lower` |
//! | `performance_ratio` | Camms: actual ÷ target; 2 − actual ÷ target for `lower` | higher |
//!
//! Where the order of a measure depends on the polarity (`actual`, `percent_of_target`) the
//! scheme must state its `polarity`; it must then agree with the indicator's. `percent_of_target`
//! and `performance_ratio` need a single-value target and `higher` or `lower` polarity. A measure
//! that divides by the target (or the bound missed) is **undefined when that is 0**: rating then
//! fails with a definition error (the scheme cannot rate a zero target; such an indicator should
//! use the standard rule or the `shortfall` measure), rather than inventing a status.
//!
//! ClearPoint-style "ordered conditions, first one met wins" are built by
//! [`Scheme::first_match`] (or written `first_match = [...]` with a mandatory `otherwise`), which
//! turns the list into validated bands; a condition that can never be met is simply dropped.
//!
//! ```
//! use ragstatus::{Polarity, Scheme, Measure, Band, Status};
//! use rust_decimal_macros::dec;
//!
//! // Bracknell Forest: Green on, above or within 5% of target; Amber 5-10%; Red beyond 10%.
//! let scheme = Scheme::new(Measure::RelativeShortfall, None, vec![
//!     Band::new(Status::Green).le(dec!(5)),
//!     Band::new(Status::Amber).gt(dec!(5)).le(dec!(10)),
//!     Band::new(Status::Red).gt(dec!(10)),
//! ])?;
//! assert_eq!(scheme.band_for(dec!(5))?, (0, Status::Green));
//! assert_eq!(scheme.band_for(dec!(5.01))?, (1, Status::Amber));
//!
//! // A gap between 5 and 6 is an error naming band 1.
//! let err = Scheme::new(Measure::RelativeShortfall, None, vec![
//!     Band::new(Status::Green).le(dec!(5)),
//!     Band::new(Status::Red).gt(dec!(6)),
//! ]).unwrap_err();
//! assert!(matches!(err.kind(), ragstatus::ErrorKind::Scheme { band: 1, .. }));
//! # Ok::<(), ragstatus::Error>(())
//! ```

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::{Error, ErrorKind, Result};
use crate::polarity::Polarity;
use crate::status::Status;
use crate::target::Target;

/// What a scheme's bands are laid over; see the [module docs](self).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    /// The actual itself.
    Actual,
    /// The shortfall in the indicator's units (SPEC §4).
    Shortfall,
    /// The shortfall in percent of |target| (of |the bound missed| for `within`).
    RelativeShortfall,
    /// The actual in percent of the target.
    PercentOfTarget,
    /// Camms' performance ratio: actual ÷ target, or 2 − actual ÷ target when lower is better.
    PerformanceRatio,
}

impl Measure {
    /// The name used in definitions.
    pub fn as_str(self) -> &'static str {
        match self {
            Measure::Actual => "actual",
            Measure::Shortfall => "shortfall",
            Measure::RelativeShortfall => "relative_shortfall",
            Measure::PercentOfTarget => "percent_of_target",
            Measure::PerformanceRatio => "performance_ratio",
        }
    }

    /// The value of this measure for `actual` against `target`.
    pub fn compute(self, polarity: Polarity, actual: Decimal, target: &Target) -> Result<Decimal> {
        let overflow = || Error::overflow(self.as_str());
        let single = || -> Result<Decimal> {
            match (target, polarity) {
                (Target::Value(t), Polarity::Higher | Polarity::Lower) => Ok(*t),
                _ => Err(Error::definition(format!(
                    "the measure {} needs a single target and polarity higher or lower",
                    self.as_str()
                ))
                .with_field("scheme.measure")),
            }
        };
        let zero = |what: &str| {
            Error::definition(format!(
                "the measure {} is undefined when the {what} is 0",
                self.as_str()
            ))
            .with_field("scheme.measure")
        };
        match self {
            Measure::Actual => Ok(actual),
            Measure::Shortfall => target.shortfall(polarity, actual),
            Measure::RelativeShortfall => {
                let shortfall = target.shortfall(polarity, actual)?;
                let base = match polarity {
                    Polarity::Within => target.missed_bound(actual),
                    _ => target.bounds().0,
                }
                .abs();
                if base.is_zero() {
                    return Err(zero("target"));
                }
                shortfall
                    .checked_mul(Decimal::ONE_HUNDRED)
                    .and_then(|v| v.checked_div(base))
                    .ok_or_else(overflow)
            }
            Measure::PercentOfTarget => {
                let t = single()?;
                if t.is_zero() {
                    return Err(zero("target"));
                }
                actual
                    .checked_mul(Decimal::ONE_HUNDRED)
                    .and_then(|v| v.checked_div(t))
                    .ok_or_else(overflow)
            }
            Measure::PerformanceRatio => {
                let t = single()?;
                if t.is_zero() {
                    return Err(zero("target"));
                }
                let ratio = actual.checked_div(t).ok_or_else(overflow)?;
                if polarity == Polarity::Lower {
                    Decimal::TWO.checked_sub(ratio).ok_or_else(overflow)
                } else {
                    Ok(ratio)
                }
            }
        }
    }

    /// +1 when a larger value is better, −1 when worse, 0 when best in the middle (`actual`
    /// with `within`); `None` when it depends on a polarity not given.
    fn direction(self, polarity: Option<Polarity>) -> Option<i8> {
        match (self, polarity) {
            (Measure::Shortfall | Measure::RelativeShortfall, _) => Some(-1),
            (Measure::PerformanceRatio, _) => Some(1),
            (Measure::Actual | Measure::PercentOfTarget, Some(Polarity::Higher)) => Some(1),
            (Measure::Actual | Measure::PercentOfTarget, Some(Polarity::Lower)) => Some(-1),
            (Measure::Actual, Some(Polarity::Within)) => Some(0),
            _ => None,
        }
    }
}

/// One edge of a band.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Edge {
    /// Where the edge lies.
    pub value: Decimal,
    /// Whether the value at the edge belongs to the band.
    pub inclusive: bool,
}

/// One band of a scheme: the values between its edges (unbounded where an edge is `None`)
/// get its status. Built with [`Band::new`] and the `gt`/`ge`/`lt`/`le` methods.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(try_from = "BandRepr", into = "BandRepr")]
pub struct Band {
    /// The status of values in this band.
    pub status: Status,
    /// The lower edge; `None` is minus infinity.
    pub lower: Option<Edge>,
    /// The upper edge; `None` is plus infinity.
    pub upper: Option<Edge>,
}

impl Band {
    /// A band over every value (add edges with the other methods).
    pub fn new(status: Status) -> Band {
        Band {
            status,
            lower: None,
            upper: None,
        }
    }
    /// Values greater than `v`.
    pub fn gt(mut self, v: Decimal) -> Band {
        self.lower = Some(Edge {
            value: v,
            inclusive: false,
        });
        self
    }
    /// Values greater than or equal to `v`.
    pub fn ge(mut self, v: Decimal) -> Band {
        self.lower = Some(Edge {
            value: v,
            inclusive: true,
        });
        self
    }
    /// Values less than `v`.
    pub fn lt(mut self, v: Decimal) -> Band {
        self.upper = Some(Edge {
            value: v,
            inclusive: false,
        });
        self
    }
    /// Values less than or equal to `v`.
    pub fn le(mut self, v: Decimal) -> Band {
        self.upper = Some(Edge {
            value: v,
            inclusive: true,
        });
        self
    }

    /// Whether `x` lies in this band.
    pub fn contains(&self, x: Decimal) -> bool {
        let above = match self.lower {
            None => true,
            Some(Edge { value, inclusive }) => x > value || (inclusive && x == value),
        };
        let below = match self.upper {
            None => true,
            Some(Edge { value, inclusive }) => x < value || (inclusive && x == value),
        };
        above && below
    }
}

#[derive(Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
struct BandRepr {
    status: Status,
    #[cfg_attr(
        feature = "schema",
        schemars(with = "Option<crate::schema::DecimalText>")
    )]
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::target::serde_decimal::deserialize_option"
    )]
    gt: Option<Decimal>,
    #[cfg_attr(
        feature = "schema",
        schemars(with = "Option<crate::schema::DecimalText>")
    )]
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::target::serde_decimal::deserialize_option"
    )]
    ge: Option<Decimal>,
    #[cfg_attr(
        feature = "schema",
        schemars(with = "Option<crate::schema::DecimalText>")
    )]
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::target::serde_decimal::deserialize_option"
    )]
    lt: Option<Decimal>,
    #[cfg_attr(
        feature = "schema",
        schemars(with = "Option<crate::schema::DecimalText>")
    )]
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::target::serde_decimal::deserialize_option"
    )]
    le: Option<Decimal>,
}

impl TryFrom<BandRepr> for Band {
    type Error = Error;
    fn try_from(r: BandRepr) -> Result<Band> {
        Band::from_repr(r).map_err(crate::error::remember)
    }
}

impl Band {
    /// Builds the value from its serde form, validating it.
    fn from_repr(r: BandRepr) -> Result<Band> {
        let mut band = Band::new(r.status);
        band = match (r.gt, r.ge) {
            (Some(_), Some(_)) => {
                return Err(Error::definition("a band has at most one of gt and ge"));
            }
            (Some(v), None) => band.gt(v),
            (None, Some(v)) => band.ge(v),
            (None, None) => band,
        };
        band = match (r.lt, r.le) {
            (Some(_), Some(_)) => {
                return Err(Error::definition("a band has at most one of lt and le"));
            }
            (Some(v), None) => band.lt(v),
            (None, Some(v)) => band.le(v),
            (None, None) => band,
        };
        Ok(band)
    }
}

impl From<Band> for BandRepr {
    fn from(b: Band) -> BandRepr {
        let mut r = BandRepr {
            status: b.status,
            ..BandRepr::default()
        };
        match b.lower {
            Some(Edge {
                value,
                inclusive: true,
            }) => r.ge = Some(value),
            Some(Edge { value, .. }) => r.gt = Some(value),
            None => {}
        }
        match b.upper {
            Some(Edge {
                value,
                inclusive: true,
            }) => r.le = Some(value),
            Some(Edge { value, .. }) => r.lt = Some(value),
            None => {}
        }
        r
    }
}

impl Default for BandRepr {
    fn default() -> Self {
        BandRepr {
            status: Status::Red,
            gt: None,
            ge: None,
            lt: None,
            le: None,
        }
    }
}

/// A ClearPoint-style condition: "measure `op` value gives status".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Condition {
    /// The comparison.
    pub op: Comparison,
    /// The value compared with.
    pub value: Decimal,
    /// The status when the condition is met.
    pub status: Status,
}

/// A comparison of a measure with a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Comparison {
    /// Greater than.
    Gt,
    /// Greater than or equal to.
    Ge,
    /// Less than.
    Lt,
    /// Less than or equal to.
    Le,
}

impl Condition {
    /// A condition.
    pub fn new(op: Comparison, value: Decimal, status: Status) -> Condition {
        Condition { op, value, status }
    }

    fn holds_at(&self, x: Decimal) -> bool {
        match self.op {
            Comparison::Gt => x > self.value,
            Comparison::Ge => x >= self.value,
            Comparison::Lt => x < self.value,
            Comparison::Le => x <= self.value,
        }
    }

    /// Whether the condition holds on the whole open interval (lo, hi), given that its value is
    /// not strictly inside it (every condition value is a breakpoint).
    fn holds_between(&self, lo: Option<Decimal>, hi: Option<Decimal>) -> bool {
        match self.op {
            Comparison::Gt | Comparison::Ge => lo.is_some_and(|lo| lo >= self.value),
            Comparison::Lt | Comparison::Le => hi.is_some_and(|hi| hi <= self.value),
        }
    }
}

/// A validated custom scheme; see the [module docs](self).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(try_from = "SchemeRepr", into = "SchemeRepr")]
pub struct Scheme {
    measure: Measure,
    polarity: Option<Polarity>,
    bands: Vec<Band>,
}

#[derive(Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
struct SchemeRepr {
    measure: Measure,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    polarity: Option<Polarity>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    bands: Option<Vec<Band>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    first_match: Option<Vec<BandRepr>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    otherwise: Option<Status>,
}

impl TryFrom<SchemeRepr> for Scheme {
    type Error = Error;
    fn try_from(r: SchemeRepr) -> Result<Scheme> {
        Scheme::from_repr(r).map_err(crate::error::remember)
    }
}

impl Scheme {
    /// Builds the value from its serde form, validating it.
    fn from_repr(r: SchemeRepr) -> Result<Scheme> {
        match (r.bands, r.first_match, r.otherwise) {
            (Some(bands), None, None) => Scheme::new(r.measure, r.polarity, bands),
            (None, Some(list), Some(otherwise)) => {
                let mut conditions = Vec::with_capacity(list.len());
                for (i, c) in list.into_iter().enumerate() {
                    let op_value = match (c.gt, c.ge, c.lt, c.le) {
                        (Some(v), None, None, None) => (Comparison::Gt, v),
                        (None, Some(v), None, None) => (Comparison::Ge, v),
                        (None, None, Some(v), None) => (Comparison::Lt, v),
                        (None, None, None, Some(v)) => (Comparison::Le, v),
                        _ => {
                            return Err(scheme_error(
                                i,
                                "a first-match condition has exactly one of gt, ge, lt, le",
                            ));
                        }
                    };
                    conditions.push(Condition::new(op_value.0, op_value.1, c.status));
                }
                Scheme::first_match(r.measure, r.polarity, &conditions, otherwise)
            }
            _ => Err(
                Error::definition("a scheme has either bands, or first_match with otherwise")
                    .with_field("scheme"),
            ),
        }
    }
}

impl From<Scheme> for SchemeRepr {
    fn from(s: Scheme) -> SchemeRepr {
        SchemeRepr {
            measure: s.measure,
            polarity: s.polarity,
            bands: Some(s.bands),
            first_match: None,
            otherwise: None,
        }
    }
}

fn scheme_error(band: usize, message: impl Into<String>) -> Error {
    Error::new(ErrorKind::Scheme {
        band,
        message: message.into(),
    })
}

fn edge_text(e: &Edge) -> String {
    e.value.to_string()
}

impl Scheme {
    /// A scheme of these bands, validated (see the [module docs](self)). `polarity` is needed
    /// for the measures `actual` and `percent_of_target`.
    pub fn new(measure: Measure, polarity: Option<Polarity>, bands: Vec<Band>) -> Result<Scheme> {
        validate(measure, polarity, &bands)?;
        Ok(Scheme {
            measure,
            polarity,
            bands,
        })
    }

    /// ClearPoint's "ordered conditions, first one met wins", with `otherwise` the mandatory
    /// status when none is met, turned into validated bands. Errors name the condition (index in
    /// `conditions`; `conditions.len()` for `otherwise`) that produced the offending band.
    pub fn first_match(
        measure: Measure,
        polarity: Option<Polarity>,
        conditions: &[Condition],
        otherwise: Status,
    ) -> Result<Scheme> {
        let mut points: Vec<Decimal> = conditions.iter().map(|c| c.value).collect();
        points.sort();
        points.dedup();
        let pick = |hit: &dyn Fn(&Condition) -> bool| -> (usize, Status) {
            conditions
                .iter()
                .enumerate()
                .find(|(_, c)| hit(c))
                .map_or((conditions.len(), otherwise), |(i, c)| (i, c.status))
        };
        // Elementary pieces: (-inf, p0), [p0], (p0, p1), [p1], ..., (pm, +inf).
        let mut pieces: Vec<(Band, usize)> = Vec::with_capacity(points.len() * 2 + 1);
        let mut lo: Option<Decimal> = None;
        for p in points
            .iter()
            .copied()
            .map(Some)
            .chain(std::iter::once(None))
        {
            let (src, status) = pick(&|c: &Condition| c.holds_between(lo, p));
            pieces.push((
                Band {
                    status,
                    lower: lo.map(|value| Edge {
                        value,
                        inclusive: false,
                    }),
                    upper: p.map(|value| Edge {
                        value,
                        inclusive: false,
                    }),
                },
                src,
            ));
            if let Some(p) = p {
                let (src, status) = pick(&|c: &Condition| c.holds_at(p));
                let edge = Some(Edge {
                    value: p,
                    inclusive: true,
                });
                pieces.push((
                    Band {
                        status,
                        lower: edge,
                        upper: edge,
                    },
                    src,
                ));
            }
            lo = p;
        }
        // Merge neighbours with the same status into one band.
        let mut bands: Vec<Band> = Vec::new();
        let mut sources: Vec<usize> = Vec::new();
        for (piece, src) in pieces {
            match bands.last_mut() {
                Some(last) if last.status == piece.status => last.upper = piece.upper,
                _ => {
                    bands.push(piece);
                    sources.push(src);
                }
            }
        }
        Scheme::new(measure, polarity, bands).map_err(|e| match e.kind() {
            ErrorKind::Scheme { band, message } => scheme_error(
                sources.get(*band).copied().unwrap_or(conditions.len()),
                message.clone(),
            ),
            _ => e,
        })
    }

    /// What the bands are laid over.
    pub fn measure(&self) -> Measure {
        self.measure
    }

    /// The polarity the scheme was written for, if it states one.
    pub fn polarity(&self) -> Option<Polarity> {
        self.polarity
    }

    /// The bands, in ascending order of the measure.
    pub fn bands(&self) -> &[Band] {
        &self.bands
    }

    /// Whether any band is Blue.
    pub fn has_blue(&self) -> bool {
        self.bands.iter().any(|b| b.status == Status::Blue)
    }

    /// The index and status of the band containing `measure`.
    pub fn band_for(&self, measure: Decimal) -> Result<(usize, Status)> {
        self.bands
            .iter()
            .enumerate()
            .find(|(_, b)| b.contains(measure))
            .map(|(i, b)| (i, b.status))
            .ok_or_else(|| scheme_error(0, format!("no band contains {measure}")))
    }

    /// The measure for `actual` against `target`, the band it falls in and its status. The
    /// indicator's `polarity` must agree with the scheme's, if the scheme states one.
    pub fn rate(
        &self,
        polarity: Polarity,
        actual: Decimal,
        target: &Target,
    ) -> Result<(Decimal, usize, Status)> {
        if let Some(own) = self.polarity {
            if own != polarity {
                return Err(Error::definition(format!(
                    "the scheme is written for polarity \"{}\" but the indicator's is \"{}\"",
                    own.as_str(),
                    polarity.as_str()
                ))
                .with_field("scheme.polarity"));
            }
        }
        let m = self.measure.compute(polarity, actual, target)?;
        let (band, status) = self.band_for(m)?;
        Ok((m, band, status))
    }
}

fn validate(measure: Measure, polarity: Option<Polarity>, bands: &[Band]) -> Result<()> {
    let Some(first) = bands.first() else {
        return Err(scheme_error(0, "a scheme needs at least one band"));
    };
    let direction = match measure.direction(polarity) {
        Some(d) => d,
        None if matches!(measure, Measure::PercentOfTarget)
            && polarity == Some(Polarity::Within) =>
        {
            return Err(scheme_error(
                0,
                "percent_of_target needs polarity higher or lower, not within",
            ));
        }
        None => {
            return Err(scheme_error(
                0,
                format!(
                    "the measure {} needs the scheme's polarity to order its bands",
                    measure.as_str()
                ),
            ));
        }
    };
    if let Some(lower) = first.lower {
        return Err(scheme_error(
            0,
            format!(
                "the first band must have no lower edge; values below {} are not covered",
                edge_text(&lower)
            ),
        ));
    }
    let mut fallen = false;
    let mut previous: Option<&Band> = None;
    for (i, band) in bands.iter().enumerate() {
        if !band.status.is_rated() {
            return Err(scheme_error(
                i,
                format!(
                    "a band's status must be Red, Amber, Green or Blue, not {}",
                    band.status
                ),
            ));
        }
        if let (Some(lo), Some(hi)) = (band.lower, band.upper) {
            let empty =
                lo.value > hi.value || (lo.value == hi.value && !(lo.inclusive && hi.inclusive));
            if empty {
                return Err(scheme_error(
                    i,
                    format!(
                        "the band's lower edge {} is not below its upper edge {} (wrong order)",
                        lo.value, hi.value
                    ),
                ));
            }
        }
        if let Some(prev) = previous {
            let (Some(end), Some(start)) = (prev.upper, band.lower) else {
                return Err(scheme_error(
                    i,
                    "the band overlaps the band before it, which is unbounded above, or has no \
                     lower edge itself",
                ));
            };
            if start.value < end.value {
                return Err(scheme_error(
                    i,
                    format!(
                        "the band starts at {} before the band before it ends at {} (overlap or \
                         wrong order)",
                        start.value, end.value
                    ),
                ));
            }
            if start.value > end.value {
                return Err(scheme_error(
                    i,
                    format!(
                        "gap: values between {} and {} are in no band",
                        end.value, start.value
                    ),
                ));
            }
            match (end.inclusive, start.inclusive) {
                (true, true) => {
                    return Err(scheme_error(
                        i,
                        format!(
                            "the boundary {} is owned by this band and the one before",
                            start.value
                        ),
                    ));
                }
                (false, false) => {
                    return Err(scheme_error(
                        i,
                        format!("gap: the boundary {} is owned by no band", start.value),
                    ));
                }
                _ => {}
            }
            let (was, now) = (prev.status.code(), band.status.code());
            let out_of_order = match direction {
                1 => now < was,
                -1 => now > was,
                _ => {
                    let bad = fallen && now > was;
                    fallen |= now < was;
                    bad
                }
            };
            if out_of_order {
                return Err(scheme_error(
                    i,
                    format!(
                        "{} after {} is out of order: the status must not improve as the {} gets \
                         worse",
                        band.status,
                        prev.status,
                        measure.as_str()
                    ),
                ));
            }
        }
        previous = Some(band);
    }
    if let Some(last) = bands.last() {
        if let Some(upper) = last.upper {
            return Err(scheme_error(
                bands.len() - 1,
                format!(
                    "the last band must have no upper edge; values above {} are not covered",
                    edge_text(&upper)
                ),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn band_err(r: Result<Scheme>) -> usize {
        match r.unwrap_err().kind() {
            ErrorKind::Scheme { band, .. } => *band,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn validation() {
        let ok = vec![
            Band::new(Status::Green).le(dec!(5)),
            Band::new(Status::Amber).gt(dec!(5)).le(dec!(10)),
            Band::new(Status::Red).gt(dec!(10)),
        ];
        assert!(Scheme::new(Measure::Shortfall, None, ok.clone()).is_ok());
        let mut doubly = ok.clone();
        doubly[1] = Band::new(Status::Amber).ge(dec!(5)).le(dec!(10));
        assert_eq!(band_err(Scheme::new(Measure::Shortfall, None, doubly)), 1);
        let mut order = ok.clone();
        order.swap(0, 2);
        assert_eq!(band_err(Scheme::new(Measure::Shortfall, None, order)), 0);
        let wrong_status = vec![
            Band::new(Status::Red).le(dec!(5)),
            Band::new(Status::Green).gt(dec!(5)),
        ];
        assert_eq!(
            band_err(Scheme::new(Measure::Shortfall, None, wrong_status)),
            1
        );
        assert_eq!(band_err(Scheme::new(Measure::Actual, None, ok)), 0);
    }

    #[test]
    fn first_match_builds_bands() {
        let s = Scheme::first_match(
            Measure::PercentOfTarget,
            Some(Polarity::Higher),
            &[
                Condition::new(Comparison::Ge, dec!(100), Status::Green),
                Condition::new(Comparison::Ge, dec!(90), Status::Amber),
                Condition::new(Comparison::Ge, dec!(50), Status::Amber),
            ],
            Status::Red,
        )
        .unwrap();
        assert_eq!(
            s.bands(),
            &[
                Band::new(Status::Red).lt(dec!(50)),
                Band::new(Status::Amber).ge(dec!(50)).lt(dec!(100)),
                Band::new(Status::Green).ge(dec!(100)),
            ]
        );
        let bad = Scheme::first_match(
            Measure::PercentOfTarget,
            Some(Polarity::Higher),
            &[Condition::new(Comparison::Ge, dec!(100), Status::Red)],
            Status::Green,
        );
        assert_eq!(band_err(bad), 0);
    }
}
