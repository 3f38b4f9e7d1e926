//! The analysis of a series: segments, baselines, limits, rules, labels and icons.

use std::cmp::Ordering;

use rust_decimal::Decimal;

use super::explain::{Namer, Places, show, summarise};
use super::family::{
    PointLines, SegmentInput, crossings_minimum, longest_run_maximum, segment_lines,
};
use super::rules::{Flag, cmp, direction_of, normal, runs, side};
use super::xmr::overflow;
use super::{
    Assurance, ChartType, Improvement, PointType, RuleProfile, RunsAnalysis, SignalDirection,
    SpcPoint, SpcResult, SpcRule, SpcSegment, SpcSettings, SpcSignal, XmrLimits,
};
use crate::error::{Error, ErrorKind, Result};

/// Checks the inputs of the chart and returns the plotted values (numerator / denominator for
/// the charts that take denominators).
fn plotted(
    chart: ChartType,
    values: &[Decimal],
    denominators: Option<&[Decimal]>,
) -> Result<Vec<Decimal>> {
    let name = chart.as_str();
    let denominators = match (chart.takes_denominators(), denominators) {
        (true, None) => {
            return Err(Error::definition(format!(
                "a {name} chart needs a denominator for every point"
            ))
            .with_field("denominators"));
        }
        (false, Some(_)) => {
            return Err(Error::definition(format!(
                "a {name} chart takes no denominators (only p, p_prime, u and u_prime do)"
            ))
            .with_field("denominators"));
        }
        (_, d) => d,
    };
    if let Some(d) = denominators
        && d.len() != values.len()
    {
        return Err(Error::new(ErrorKind::Length {
            column: "denominators".into(),
            found: d.len(),
            expected: values.len(),
        }));
    }
    let bad = |i: usize, v: Decimal, expected: &str, field: &str| {
        Error::invalid_value(v.to_string(), expected).with_field(format!("{field}[{i}]"))
    };
    let mut out = Vec::with_capacity(values.len());
    for (i, &v) in values.iter().enumerate() {
        match chart {
            ChartType::T if v <= Decimal::ZERO => {
                return Err(bad(i, v, "a time between events greater than 0", "values"));
            }
            ChartType::C | ChartType::G if v.is_sign_negative() && !v.is_zero() => {
                return Err(bad(i, v, "a count of 0 or more", "values"));
            }
            _ => {}
        }
        let Some(d) = denominators.and_then(|d| d.get(i)).copied() else {
            out.push(v);
            continue;
        };
        if d <= Decimal::ZERO {
            return Err(bad(i, d, "a denominator greater than 0", "denominators"));
        }
        if v.is_sign_negative() && !v.is_zero() {
            return Err(bad(i, v, "a count of 0 or more", "values"));
        }
        if matches!(chart, ChartType::P | ChartType::PPrime) && v > d {
            return Err(bad(
                i,
                v,
                &format!("at most the denominator, {d} (a proportion)"),
                "values",
            ));
        }
        out.push(normal(v.checked_div(d).ok_or_else(|| overflow("value"))?));
    }
    Ok(out)
}

/// A sentence, built only when sentences are wanted: a lean run skips the formatting.
fn worded(explain: bool, text: impl FnOnce() -> String) -> String {
    if explain { text() } else { String::new() }
}

/// What [`analyse`] writes beyond the figures.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Detail {
    /// The sentences: each signal's and point's, and the summary; else they are left empty.
    pub(crate) explanations: bool,
    /// Each point's label; else it is left `None` (a caller that has the labels writes them).
    pub(crate) point_labels: bool,
}

impl Detail {
    pub(crate) const FULL: Detail = Detail {
        explanations: true,
        point_labels: true,
    };
}

pub(super) fn analyse<S: AsRef<str>>(
    numerators: &[Decimal],
    denominators: Option<&[Decimal]>,
    labels: Option<&[S]>,
    settings: &SpcSettings,
    detail: Detail,
) -> Result<SpcResult> {
    let explain = detail.explanations;
    settings.validate(numerators.len())?;
    let chart = settings.chart;
    let values = &plotted(chart, numerators, denominators)?[..];
    let namer = Namer { labels };
    let improvement = settings.improvement;
    let dp = match settings.display_decimals {
        Some(d) => Places::Fixed(d),
        None => Places::Significant(values.iter().map(Decimal::scale).max().unwrap_or(0) + 2),
    };
    let mut excluded: Vec<Option<&str>> = vec![None; values.len()];
    for e in &settings.exclude {
        if let Some(slot) = excluded.get_mut(e.at) {
            *slot = Some(e.reason.as_str());
        }
    }
    let centre_name = chart.centre_name();

    let mut starts: Vec<usize> = settings
        .rebase_at
        .iter()
        .copied()
        .chain(settings.process_changes.iter().map(|c| c.at))
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
        // The rules and the lines see only the included points, as if the others were absent.
        let inc: Vec<usize> = (0..seg.len())
            .filter(|&i| excluded.get(start + i).copied().flatten().is_none())
            .collect();
        if inc.is_empty() {
            return Err(Error::definition(format!(
                "every point of segment {} (from {}) is excluded: nothing is left to set its lines",
                s + 1,
                namer.name(start)
            ))
            .with_field("exclude"));
        }
        let seg_input = SegmentInput {
            y: seg,
            numerators: numerators.get(start..end).unwrap_or(&[]),
            denominators: denominators.and_then(|d| d.get(start..end)),
            baseline: inc.iter().filter(|&&i| i < baseline_len).count(),
            included: &inc,
        };
        let lines = segment_lines(chart, &seg_input, settings.screen_outliers)
            .map_err(|e| e.with_field(format!("segment {}", s + 1)))?;
        let mean = lines.centre;
        let ys: Vec<Decimal> = inc.iter().filter_map(|&i| seg.get(i).copied()).collect();
        let pl: Vec<PointLines> = inc
            .iter()
            .map(|&i| lines.lines.get(i).copied().unwrap_or_default())
            .collect();
        let last_lines = pl.last().copied().unwrap_or_default();
        let limits = XmrLimits {
            mean,
            mean_moving_range: lines.mean_moving_range,
            lower_process_limit: last_lines.lower,
            upper_process_limit: last_lines.upper,
            lower_two_sigma: last_lines.lower_two_sigma,
            upper_two_sigma: last_lines.upper_two_sigma,
            baseline_points: lines.baseline_points,
            moving_ranges_used: lines.moving_ranges_used,
            moving_ranges_screened: lines.moving_ranges_screened,
        };
        let at = |j: usize| inc.get(j).copied().unwrap_or(0);
        let name = |j: usize| namer.name(start + at(j));

        let sides: Vec<Ordering> = ys.iter().map(|&y| side(y, mean)).collect();
        let outside: Vec<bool> = ys
            .iter()
            .zip(&pl)
            .map(|(&y, l)| {
                matches!(l.upper, Some(u) if cmp(y, u).is_gt())
                    || matches!(l.lower, Some(l) if cmp(y, l).is_lt())
            })
            .collect();
        let beyond_two_sigma: Vec<bool> = ys
            .iter()
            .zip(&pl)
            .map(|(&y, l)| {
                matches!(l.upper_two_sigma, Some(u) if cmp(y, u).is_gt())
                    || matches!(l.lower_two_sigma, Some(l) if cmp(y, l).is_lt())
            })
            .collect();
        let counts: Vec<bool> = outside
            .iter()
            .zip(&beyond_two_sigma)
            .map(|(&o, &b)| {
                b && (!o
                    || settings.two_of_three_counts_outside
                    || settings.profile == RuleProfile::Powerbi)
            })
            .collect();

        let add = |signals: &mut Vec<SpcSignal>,
                   flags: &mut Vec<Vec<Flag>>,
                   rule: SpcRule,
                   direction: SignalDirection,
                   members: &[usize],
                   explanation: String| {
            let point_type = PointType::special_cause(direction, improvement);
            let first = at(members.first().copied().unwrap_or(0)) + start;
            let last = at(members.last().copied().unwrap_or(0)) + start;
            let id = signals.len();
            signals.push(SpcSignal {
                rule,
                direction,
                start: first,
                end: last,
                points: members.len(),
                point_type,
                explanation: if explain {
                    format!("{explanation}: {}", point_type.describe())
                } else {
                    String::new()
                },
            });
            for &m in members {
                if let Some(f) = flags.get_mut(at(m) + start) {
                    f.push(Flag {
                        rule,
                        direction,
                        signal: id,
                    });
                }
            }
        };

        let family_rules = chart != ChartType::Run;
        if settings.outside_rule && family_rules {
            for (i, ((&o, &y), l)) in outside.iter().zip(&ys).zip(&pl).enumerate() {
                if !o {
                    continue;
                }
                let (direction, text) = match (l.upper, l.lower) {
                    (Some(u), _) if cmp(y, u).is_gt() => (
                        SignalDirection::High,
                        worded(explain, || {
                            format!(
                                "{} is above the upper process limit of {}",
                                name(i),
                                show(u, dp)
                            )
                        }),
                    ),
                    (_, Some(l)) => (
                        SignalDirection::Low,
                        worded(explain, || {
                            format!(
                                "{} is below the lower process limit of {}",
                                name(i),
                                show(l, dp)
                            )
                        }),
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

        if settings.trend_rule && family_rules {
            let steps: Vec<Option<SignalDirection>> = ys
                .windows(2)
                .map(|w| match w {
                    [a, b] => direction_of(cmp(*b, *a)),
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
                let text = worded(explain, || {
                    format!("{} points in a row {word} from {}", members.len(), name(a))
                });
                if let Some(&shared) = members.first()
                    && let Some(f) = flags.get_mut(start + at(shared))
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

        if settings.two_of_three_rule && family_rules {
            let n = ys.len();
            let mut qualifying: Vec<Option<SignalDirection>> = vec![None; n.saturating_sub(2)];
            for (w, q) in qualifying.iter_mut().enumerate() {
                let window_sides = sides.get(w..w + 3).unwrap_or(&[]);
                let window_counts = counts.get(w..w + 3).unwrap_or(&[]);
                let same = window_sides
                    .windows(2)
                    .all(|p| matches!(p, [a, b] if a == b));
                if settings.profile == RuleProfile::Powerbi {
                    // PowerBI-SPC sums the signs of the points beyond the 2σ lines over the
                    // window; the side of the third point does not matter.
                    let signed: i32 = window_sides
                        .iter()
                        .zip(window_counts)
                        .map(|(s, &c)| match (c, s) {
                            (true, Ordering::Greater) => 1,
                            (true, Ordering::Less) => -1,
                            _ => 0,
                        })
                        .sum();
                    *q = match signed {
                        2.. => Some(SignalDirection::High),
                        ..=-2 => Some(SignalDirection::Low),
                        _ => None,
                    };
                    continue;
                }
                let beyond = window_counts.iter().filter(|c| **c).count();
                if same && beyond >= 2 {
                    *q = window_sides.first().copied().and_then(direction_of);
                }
            }
            // Overlapping qualifying windows on the same side form one signal.
            for (a, b, direction) in runs(&qualifying, 1) {
                let members: Vec<usize> = (a..=b + 2)
                    .filter(|&i| {
                        counts.get(i).copied().unwrap_or(false)
                            && sides.get(i).copied().and_then(direction_of) == Some(direction)
                    })
                    .collect();
                if members.is_empty() {
                    continue;
                }
                let line = match direction {
                    SignalDirection::High => "upper",
                    SignalDirection::Low => "lower",
                };
                let text = worded(explain, || {
                    format!(
                        "{} of {} points in a row beyond the {line} 2σ line from {}",
                        members.len(),
                        b + 3 - a,
                        name(a)
                    )
                });
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

        if settings.shift_rule && family_rules {
            let keys: Vec<Option<SignalDirection>> =
                sides.iter().map(|&o| direction_of(o)).collect();
            for (a, b, direction) in runs(&keys, settings.shift_length) {
                let members: Vec<usize> = (a..=b).collect();
                let word = match direction {
                    SignalDirection::High => "above",
                    SignalDirection::Low => "below",
                };
                let text = worded(explain, || {
                    format!(
                        "{} points in a row {word} {centre_name} from {}",
                        members.len(),
                        name(a)
                    )
                });
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

        let mut runs_analysis = None;
        if chart == ChartType::Run {
            // Anhøj: points on the centre line are dropped; runs continue across them.
            let useful: Vec<(usize, SignalDirection)> = sides
                .iter()
                .enumerate()
                .filter_map(|(j, &o)| direction_of(o).map(|d| (j, d)))
                .collect();
            let mut groups: Vec<(Vec<usize>, SignalDirection)> = Vec::new();
            for &(j, d) in &useful {
                match groups.last_mut() {
                    Some((members, gd)) if *gd == d => members.push(j),
                    _ => groups.push((vec![j], d)),
                }
            }
            let n_useful = useful.len();
            let longest = groups.iter().map(|(m, _)| m.len()).max().unwrap_or(0);
            let longest_max = longest_run_maximum(n_useful);
            let crossings = groups.len().saturating_sub(1);
            let crossings_min = crossings_minimum(n_useful.saturating_sub(1));
            let analysis = RunsAnalysis {
                useful_points: n_useful,
                longest_run: longest,
                longest_run_max: longest_max,
                crossings,
                crossings_min,
                signal: n_useful > 0 && (longest > longest_max || crossings < crossings_min),
            };
            for (members, direction) in groups.iter().filter(|(m, _)| m.len() > longest_max) {
                let word = match direction {
                    SignalDirection::High => "above",
                    SignalDirection::Low => "below",
                };
                let text = worded(explain, || {
                    format!(
                        "a run of {} points {word} {centre_name} from {} (more than {} in {} useful observations)",
                        members.len(),
                        name(members.first().copied().unwrap_or(0)),
                        longest_max,
                        n_useful
                    )
                });
                add(
                    &mut signals,
                    &mut flags,
                    SpcRule::LongestRun,
                    *direction,
                    members,
                    text,
                );
            }
            runs_analysis = Some(analysis);
        }

        for (i, &y) in seg.iter().enumerate() {
            let index = start + i;
            let moving_range = lines.moving_ranges.get(i).copied().flatten();
            let moving_range_used = lines.used.get(i).copied().unwrap_or(false);
            let own = lines.lines.get(i).copied().unwrap_or_default();
            points.push(SpcPoint {
                index,
                label: labels
                    .filter(|_| detail.point_labels)
                    .and_then(|l| l.get(index))
                    .map(|l| l.as_ref().to_string()),
                value: y,
                segment: s,
                mean,
                lower_process_limit: own.lower,
                upper_process_limit: own.upper,
                lower_two_sigma: own.lower_two_sigma,
                upper_two_sigma: own.upper_two_sigma,
                moving_range,
                moving_range_used,
                rules: Vec::new(),
                point_type: PointType::CommonCause,
                explanation: String::new(),
                denominator: denominators.and_then(|d| d.get(index)).copied(),
                excluded: excluded.get(index).copied().flatten().map(str::to_string),
            });
        }
        let reason = settings
            .process_changes
            .iter()
            .find(|c| c.at == start)
            .map(|c| c.reason.clone());
        segments.push(SpcSegment {
            start,
            end: end.saturating_sub(1),
            points: seg.len(),
            trial_limits: seg.len() < settings.trial_limit_points,
            limits,
            reason,
            runs: runs_analysis,
        });
    }

    for (point, mut point_flags) in points.iter_mut().zip(flags) {
        point_flags.sort_by_key(|f| f.rule);
        point.rules = point_flags.iter().map(|f| f.rule).collect();
        point.rules.dedup();
        // Making Data Count labels a point flagged both ways an improvement.
        let kind = |f: &Flag| PointType::special_cause(f.direction, improvement);
        let both_ways = point_flags
            .iter()
            .any(|f| kind(f) == PointType::SpecialCauseImprovement)
            && point_flags
                .iter()
                .any(|f| kind(f) == PointType::SpecialCauseConcern);
        let winner = if settings.profile == RuleProfile::Mdc && both_ways {
            point_flags
                .iter()
                .find(|f| kind(f) == PointType::SpecialCauseImprovement)
        } else {
            point_flags.first()
        };
        match winner {
            Some(winner) => {
                point.point_type = PointType::special_cause(winner.direction, improvement);
                if explain {
                    point.explanation = signals
                        .get(winner.signal)
                        .map(|s| s.explanation.clone())
                        .unwrap_or_default();
                }
            }
            None if !explain => {}
            None => {
                point.explanation = match &point.excluded {
                    Some(reason) => format!("excluded from the lines and rules: {reason}"),
                    None => PointType::CommonCause.describe().to_string(),
                }
            }
        }
    }
    signals.sort_by_key(|s| (s.rule, s.start));

    let variation = points
        .iter()
        .rev()
        .find(|p| p.excluded.is_none())
        .map(|p| p.point_type);
    let last_limits = segments.last().map(|s| &s.limits);
    let assurance = match (improvement, settings.target, last_limits) {
        (Improvement::Neutral, _, _) | (_, None, _) | (_, _, None) => None,
        (_, Some(target), Some(limits)) => {
            match (limits.lower_process_limit, limits.upper_process_limit) {
                (Some(lower), Some(upper)) => {
                    let increase = improvement == Improvement::Increase;
                    // Making Data Count counts a target on a limit as beyond it.
                    let on_counts = settings.profile == RuleProfile::Mdc;
                    let above = target > upper || (on_counts && target == upper);
                    let below = target < lower || (on_counts && target == lower);
                    Some(if above {
                        if increase {
                            Assurance::ConsistentFail
                        } else {
                            Assurance::ConsistentPass
                        }
                    } else if below {
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

    let explanation = if explain {
        summarise(&points, &segments, settings, assurance, dp, &namer)
    } else {
        String::new()
    };
    Ok(SpcResult {
        chart,
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
