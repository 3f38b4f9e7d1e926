//! The sentences of an SPC result: point names, numbers as R prints them, the summary.

use rust_decimal::{Decimal, RoundingStrategy};

use super::{
    Assurance, ChartType, Improvement, SpcPoint, SpcResult, SpcRule, SpcSegment, SpcSettings,
};
use crate::unit::Unit;

impl SpcResult {
    /// The analysis in a sentence for a report, with every value in the indicator's unit and
    /// display decimals (as [`Rating::explained`](crate::Rating::explained) writes a rating):
    /// the latest point and why it has its label, any caveat about the limits, and what the
    /// target's place against the limits means. [`SpcResult::explanation`] keeps the
    /// unit-free sentence that results carry (numbers to 7 significant digits), so this one is
    /// returned rather than stored.
    ///
    /// ```
    /// use ragstatus::spc::{spc_with_labels, SpcSettings};
    /// use ragstatus::{Polarity, Unit};
    /// use rust_decimal_macros::dec;
    ///
    /// let values = [dec!(91.2), dec!(90.4), dec!(92.0), dec!(91.1), dec!(90.8), dec!(91.5)];
    /// let labels: Vec<String> = (1..=6).map(|q| format!("month {q}")).collect();
    /// let settings = SpcSettings { target: Some(dec!(95)), ..SpcSettings::for_polarity(Polarity::Higher) };
    /// let result = spc_with_labels(&values, &labels, &settings)?;
    /// assert_eq!(
    ///     result.explained(&Unit::Percent, Some(1)),
    ///     "Latest value (month 6): 91.5%, common cause variation; the limits are trial limits \
    ///      (6 points, fewer than 12); the target of 95.0% is above the upper process limit of \
    ///      93.5%: the process will consistently miss it unless something changes."
    /// );
    /// # Ok::<(), ragstatus::Error>(())
    /// ```
    pub fn explained(&self, unit: &Unit, decimals: Option<u32>) -> String {
        let show = |v: Decimal| unit.format_value(v, decimals);
        let Some(last) = self.points.last() else {
            return "No values to analyse.".to_string();
        };
        let name = last
            .label
            .clone()
            .unwrap_or_else(|| format!("point {}", last.index + 1));
        let what = match (last.rules.first(), last.point_type) {
            (Some(SpcRule::Outside), kind) => {
                match (last.upper_process_limit, last.lower_process_limit) {
                    (Some(u), _) if last.value > u => format!(
                        "{} is above the upper process limit of {}: {}",
                        show(last.value),
                        show(u),
                        kind.describe()
                    ),
                    (_, Some(l)) => format!(
                        "{} is below the lower process limit of {}: {}",
                        show(last.value),
                        show(l),
                        kind.describe()
                    ),
                    _ => last.explanation.clone(),
                }
            }
            (Some(_), _) => format!("{}, {}", show(last.value), last.explanation),
            (None, kind) => format!("{}, {}", show(last.value), kind.describe()),
        };
        let mut parts = vec![format!("Latest value ({name}): {what}")];
        if let Some(segment) = self.segments.last() {
            if self.chart == ChartType::Run {
                // A run chart has no limits by design: nothing to caveat.
            } else if segment.limits.upper_process_limit.is_none() {
                parts.push("too few points for process limits".to_string());
            } else if segment.trial_limits {
                parts.push(format!(
                    "the limits are trial limits ({} points, fewer than 12)",
                    segment.points
                ));
            }
            let limits = &segment.limits;
            if let (Some(target), Some(assurance), Some(lower), Some(upper)) = (
                self.target,
                self.assurance,
                limits.lower_process_limit,
                limits.upper_process_limit,
            ) {
                parts.push(match assurance {
                    Assurance::Inconsistent => format!(
                        "the target of {} is within the process limits ({} to {}): the process will sometimes meet it and sometimes not",
                        show(target),
                        show(lower),
                        show(upper)
                    ),
                    _ => {
                        let (side, limit) = if target > upper {
                            ("above the upper", upper)
                        } else if target == upper {
                            ("on the upper", upper)
                        } else if target == lower {
                            ("on the lower", lower)
                        } else {
                            ("below the lower", lower)
                        };
                        let verdict = if assurance == Assurance::ConsistentPass {
                            "will consistently meet it"
                        } else {
                            "will consistently miss it unless something changes"
                        };
                        format!(
                            "the target of {} is {side} process limit of {}: the process {verdict}",
                            show(target),
                            show(limit)
                        )
                    }
                });
            }
        }
        let mut sentence = parts.join("; ");
        sentence.push('.');
        sentence
    }
}

pub(super) struct Namer<'a, S> {
    pub(super) labels: Option<&'a [S]>,
}

impl<S: AsRef<str>> Namer<'_, S> {
    pub(super) fn name(&self, index: usize) -> String {
        match self.labels.and_then(|l| l.get(index)) {
            Some(label) => label.as_ref().to_string(),
            None => format!("point {}", index.saturating_add(1)),
        }
    }
}

/// How a computed quantity is written in a sentence.
#[derive(Debug, Clone, Copy)]
pub(super) enum Places {
    /// Exactly this many decimals (an indicator's display decimals).
    Fixed(u32),
    /// At most this many decimals and at most 7 significant digits, trailing zeros dropped
    /// (as R prints).
    Significant(u32),
}

/// Rounds a computed quantity (half away from zero) for a sentence.
pub(super) fn show(value: Decimal, places: Places) -> String {
    match places {
        Places::Fixed(dp) => {
            let mut rounded =
                value.round_dp_with_strategy(dp, RoundingStrategy::MidpointAwayFromZero);
            rounded.rescale(dp);
            rounded.to_string()
        }
        Places::Significant(dp) => {
            let rounded = value.round_dp_with_strategy(dp, RoundingStrategy::MidpointAwayFromZero);
            rounded
                .round_sf_with_strategy(7, RoundingStrategy::MidpointAwayFromZero)
                .unwrap_or(rounded)
                .normalize()
                .to_string()
        }
    }
}

pub(super) fn summarise<S: AsRef<str>>(
    points: &[SpcPoint],
    segments: &[SpcSegment],
    settings: &SpcSettings,
    assurance: Option<Assurance>,
    dp: Places,
    namer: &Namer<'_, S>,
) -> String {
    let Some(last) = points.last() else {
        return "no values: nothing to analyse".to_string();
    };
    let mut parts = vec![format!(
        "Latest value ({}): {}",
        namer.name(last.index),
        last.explanation
    )];
    let segment = segments.last();
    if let Some(seg) = segment
        && let Some(reason) = &seg.reason
    {
        parts.push(format!(
            "limits recalculated from {}: {reason}",
            namer.name(seg.start)
        ));
    }
    match segment {
        Some(seg) if settings.chart == ChartType::Run => {
            if let Some(runs) = &seg.runs
                && runs.useful_points > 0
                && runs.crossings < runs.crossings_min
            {
                let times = match runs.crossings {
                    0 => "never crosses the median".to_string(),
                    1 => "crosses the median once".to_string(),
                    n => format!("crosses the median {n} times"),
                };
                parts.push(format!(
                    "the series {times}, fewer than the {} crossings expected at least in {} useful observations: a shift in the process is likely",
                    runs.crossings_min, runs.useful_points
                ));
            }
        }
        Some(seg) if seg.limits.upper_process_limit.is_none() => parts.push(format!(
            "the {} has fewer than 2 points, so it has no process limits",
            if segments.len() > 1 {
                "last segment"
            } else {
                "series"
            }
        )),
        Some(seg) if seg.trial_limits => parts.push(format!(
            "the limits are trial limits ({} points, fewer than {})",
            seg.points, settings.trial_limit_points
        )),
        _ => {}
    }
    let limits = segment.map(|s| &s.limits);
    let (lower, upper) = (
        limits.and_then(|l| l.lower_process_limit),
        limits.and_then(|l| l.upper_process_limit),
    );
    match (settings.target, assurance, lower, upper) {
        (None, ..) => {}
        (Some(_), None, ..) if settings.improvement == Improvement::Neutral => parts
            .push("no assurance: a neutral indicator has no better side of its target".to_string()),
        (Some(target), Some(a), Some(lower), Some(upper)) => {
            let t = target.to_string();
            parts.push(match a {
                Assurance::ConsistentPass | Assurance::ConsistentFail => {
                    let (where_, limit) = if target > upper {
                        ("above the upper", upper)
                    } else if target == upper {
                        ("on the upper", upper)
                    } else if target == lower {
                        ("on the lower", lower)
                    } else {
                        ("below the lower", lower)
                    };
                    let verdict = if a == Assurance::ConsistentPass {
                        "will consistently pass"
                    } else {
                        "will consistently fail"
                    };
                    format!(
                        "the target of {t} is {where_} process limit of {}: the process {verdict} it",
                        show(limit, dp)
                    )
                }
                Assurance::Inconsistent => format!(
                    "the target of {t} is within the process limits ({} to {}): the process will inconsistently pass and fail it",
                    show(lower, dp),
                    show(upper, dp)
                ),
            });
        }
        _ => parts.push("no assurance: no process limits".to_string()),
    }
    parts.join("; ")
}
