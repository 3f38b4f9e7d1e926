//! The analysis of a series: segments, baselines, limits, rules, labels and icons.

use std::cmp::Ordering;

use rust_decimal::Decimal;

use super::explain::{Namer, Places, show, summarise};
use super::rules::{Flag, direction_of, runs, side};
use super::xmr::{limits_and_kept, moving_ranges};
use super::{
    Assurance, Improvement, PointType, SignalDirection, SpcPoint, SpcResult, SpcRule, SpcSegment,
    SpcSettings, SpcSignal,
};
use crate::error::Result;

pub(super) fn analyse<S: AsRef<str>>(
    values: &[Decimal],
    labels: Option<&[S]>,
    settings: &SpcSettings,
) -> Result<SpcResult> {
    settings.validate(values.len())?;
    let namer = Namer { labels };
    let improvement = settings.improvement;
    let dp = match settings.display_decimals {
        Some(d) => Places::Fixed(d),
        None => Places::Significant(values.iter().map(Decimal::scale).max().unwrap_or(0) + 2),
    };

    let mut starts: Vec<usize> = settings
        .rebase_at
        .iter()
        .copied()
        .filter(|&i| i > 0)
        .collect();
    starts.push(0);
    starts.sort_unstable();
    starts.dedup();

    let mut segments = Vec::new();
    let mut points: Vec<SpcPoint> = Vec::with_capacity(values.len());
    let mut signals: Vec<SpcSignal> = Vec::new();
    let mut flags: Vec<Vec<Flag>> = (0..values.len()).map(|_| Vec::new()).collect();

    for (s, &start) in starts.iter().enumerate() {
        let end = starts
            .get(s + 1)
            .copied()
            .unwrap_or(values.len())
            .min(values.len());
        let Some(seg) = values.get(start..end) else {
            continue;
        };
        if seg.is_empty() {
            continue;
        }
        let baseline_len = settings.fix_after.unwrap_or(seg.len()).min(seg.len());
        let baseline = seg.get(..baseline_len).unwrap_or(seg);
        let (limits, kept) = limits_and_kept(baseline, settings.screen_outliers)
            .map_err(|e| e.with_field(format!("segment {}", s + 1)))?;
        let ranges = moving_ranges(seg)?;
        let mean = limits.mean;

        let sides: Vec<Ordering> = seg.iter().map(|&y| side(y, mean)).collect();
        let outside: Vec<bool> = seg
            .iter()
            .map(|&y| {
                matches!(limits.upper_process_limit, Some(u) if y > u)
                    || matches!(limits.lower_process_limit, Some(l) if y < l)
            })
            .collect();
        let beyond_two_sigma: Vec<bool> = seg
            .iter()
            .map(|&y| {
                matches!(limits.upper_two_sigma, Some(u) if y > u)
                    || matches!(limits.lower_two_sigma, Some(l) if y < l)
            })
            .collect();
        let counts: Vec<bool> = outside
            .iter()
            .zip(&beyond_two_sigma)
            .map(|(&o, &b)| b && (!o || settings.two_of_three_counts_outside))
            .collect();

        let add = |signals: &mut Vec<SpcSignal>,
                   flags: &mut Vec<Vec<Flag>>,
                   rule: SpcRule,
                   direction: SignalDirection,
                   members: &[usize],
                   explanation: String| {
            let point_type = PointType::special_cause(direction, improvement);
            let first = members.first().copied().unwrap_or(0) + start;
            let last = members.last().copied().unwrap_or(0) + start;
            let id = signals.len();
            signals.push(SpcSignal {
                rule,
                direction,
                start: first,
                end: last,
                points: members.len(),
                point_type,
                explanation: format!("{explanation}: {}", point_type.describe()),
            });
            for &m in members {
                if let Some(f) = flags.get_mut(m + start) {
                    f.push(Flag {
                        rule,
                        direction,
                        signal: id,
                    });
                }
            }
        };

        if settings.outside_rule {
            for (i, (&o, &y)) in outside.iter().zip(seg).enumerate() {
                if !o {
                    continue;
                }
                let (direction, text) =
                    match (limits.upper_process_limit, limits.lower_process_limit) {
                        (Some(u), _) if y > u => (
                            SignalDirection::High,
                            format!(
                                "{} is above the upper process limit of {}",
                                namer.name(start + i),
                                show(u, dp)
                            ),
                        ),
                        (_, Some(l)) => (
                            SignalDirection::Low,
                            format!(
                                "{} is below the lower process limit of {}",
                                namer.name(start + i),
                                show(l, dp)
                            ),
                        ),
                        _ => continue,
                    };
                add(
                    &mut signals,
                    &mut flags,
                    SpcRule::Outside,
                    direction,
                    &[i],
                    text,
                );
            }
        }

        if settings.trend_rule {
            let steps: Vec<Option<SignalDirection>> = seg
                .windows(2)
                .map(|w| match w {
                    [a, b] => direction_of(b.cmp(a)),
                    _ => None,
                })
                .collect();
            // A run of n-1 equal steps is a run of n points; runs of steps never overlap, and
            // consecutive ones share only their meeting point, which keeps the later direction.
            for (a, b, direction) in runs(&steps, settings.trend_length.saturating_sub(1)) {
                let members: Vec<usize> = (a..=b + 1).collect();
                let word = match direction {
                    SignalDirection::High => "increasing",
                    SignalDirection::Low => "decreasing",
                };
                let text = format!(
                    "{} points in a row {word} from {}",
                    members.len(),
                    namer.name(start + a)
                );
                if let Some(&shared) = members.first()
                    && let Some(f) = flags.get_mut(start + shared)
                {
                    f.retain(|f| f.rule != SpcRule::Trend);
                }
                add(
                    &mut signals,
                    &mut flags,
                    SpcRule::Trend,
                    direction,
                    &members,
                    text,
                );
            }
        }

        if settings.two_of_three_rule {
            let n = seg.len();
            let mut qualifying: Vec<Option<SignalDirection>> = vec![None; n.saturating_sub(2)];
            for (w, q) in qualifying.iter_mut().enumerate() {
                let window_sides = sides.get(w..w + 3).unwrap_or(&[]);
                let window_counts = counts.get(w..w + 3).unwrap_or(&[]);
                let same = window_sides
                    .windows(2)
                    .all(|p| matches!(p, [a, b] if a == b));
                let beyond = window_counts.iter().filter(|c| **c).count();
                if same && beyond >= 2 {
                    *q = window_sides.first().copied().and_then(direction_of);
                }
            }
            // Overlapping qualifying windows on the same side form one signal.
            for (a, b, direction) in runs(&qualifying, 1) {
                let members: Vec<usize> = (a..=b + 2)
                    .filter(|&i| counts.get(i).copied().unwrap_or(false))
                    .collect();
                if members.is_empty() {
                    continue;
                }
                let line = match direction {
                    SignalDirection::High => "upper",
                    SignalDirection::Low => "lower",
                };
                let text = format!(
                    "{} of {} points in a row beyond the {line} 2σ line from {}",
                    members.len(),
                    b + 3 - a,
                    namer.name(start + a)
                );
                add(
                    &mut signals,
                    &mut flags,
                    SpcRule::TwoOfThree,
                    direction,
                    &members,
                    text,
                );
            }
        }

        if settings.shift_rule {
            let keys: Vec<Option<SignalDirection>> =
                sides.iter().map(|&o| direction_of(o)).collect();
            for (a, b, direction) in runs(&keys, settings.shift_length) {
                let members: Vec<usize> = (a..=b).collect();
                let word = match direction {
                    SignalDirection::High => "above",
                    SignalDirection::Low => "below",
                };
                let text = format!(
                    "{} points in a row {word} the mean from {}",
                    members.len(),
                    namer.name(start + a)
                );
                add(
                    &mut signals,
                    &mut flags,
                    SpcRule::Shift,
                    direction,
                    &members,
                    text,
                );
            }
        }

        for (i, &y) in seg.iter().enumerate() {
            let index = start + i;
            let moving_range = if i == 0 {
                None
            } else {
                ranges.get(i - 1).copied()
            };
            let moving_range_used =
                i > 0 && kept.get(i - 1).copied().unwrap_or(false) && i < baseline_len;
            points.push(SpcPoint {
                index,
                label: labels
                    .and_then(|l| l.get(index))
                    .map(|l| l.as_ref().to_string()),
                value: y,
                segment: s,
                mean,
                lower_process_limit: limits.lower_process_limit,
                upper_process_limit: limits.upper_process_limit,
                lower_two_sigma: limits.lower_two_sigma,
                upper_two_sigma: limits.upper_two_sigma,
                moving_range,
                moving_range_used,
                rules: Vec::new(),
                point_type: PointType::CommonCause,
                explanation: String::new(),
            });
        }
        segments.push(SpcSegment {
            start,
            end: end.saturating_sub(1),
            points: seg.len(),
            trial_limits: seg.len() < settings.trial_limit_points,
            limits,
        });
    }

    for (point, mut point_flags) in points.iter_mut().zip(flags) {
        point_flags.sort_by_key(|f| f.rule);
        point.rules = point_flags.iter().map(|f| f.rule).collect();
        point.rules.dedup();
        match point_flags.first() {
            Some(winner) => {
                point.point_type = PointType::special_cause(winner.direction, improvement);
                point.explanation = signals
                    .get(winner.signal)
                    .map(|s| s.explanation.clone())
                    .unwrap_or_default();
            }
            None => point.explanation = PointType::CommonCause.describe().to_string(),
        }
    }
    signals.sort_by_key(|s| (s.rule, s.start));

    let variation = points.last().map(|p| p.point_type);
    let last_limits = segments.last().map(|s| &s.limits);
    let assurance = match (improvement, settings.target, last_limits) {
        (Improvement::Neutral, _, _) | (_, None, _) | (_, _, None) => None,
        (_, Some(target), Some(limits)) => {
            match (limits.lower_process_limit, limits.upper_process_limit) {
                (Some(lower), Some(upper)) => {
                    let increase = improvement == Improvement::Increase;
                    Some(if target > upper {
                        if increase {
                            Assurance::ConsistentFail
                        } else {
                            Assurance::ConsistentPass
                        }
                    } else if target < lower {
                        if increase {
                            Assurance::ConsistentPass
                        } else {
                            Assurance::ConsistentFail
                        }
                    } else {
                        Assurance::Inconsistent
                    })
                }
                _ => None,
            }
        }
    };

    let explanation = summarise(&points, &segments, settings, assurance, dp, &namer);
    Ok(SpcResult {
        improvement,
        target: settings.target,
        segments,
        points,
        signals,
        variation,
        assurance,
        explanation,
    })
}
