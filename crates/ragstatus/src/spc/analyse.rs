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
use crate::bulk::funnel::quotient::quotient;
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
        let q = match whole_quotient(v, d) {
            Some(q) => q,
            None => v.checked_div(d).ok_or_else(|| overflow("value"))?,
        };
        out.push(normal(q));
    }
    Ok(out)
}

/// `v / d` as rust_decimal's division gives it, by integers, for whole `0 ≤ v ≤ d ≤ 2⁵³` of
/// scale 0 (counts read from integer columns); none for other inputs. rust_decimal's division
/// was the largest part of a P chart's own cost after its lines.
#[inline]
fn whole_quotient(v: Decimal, d: Decimal) -> Option<Decimal> {
    let whole = |x: Decimal| {
        if x.scale() == 0 && !x.is_sign_negative() {
            u64::try_from(x.mantissa()).ok()
        } else {
            None
        }
    };
    let (m, s) = quotient(whole(v)?, whole(d)?)?;
    Decimal::try_from_i128_with_scale(i128::try_from(m).ok()?, s).ok()
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

/// A point as the analysis hands it to its [`Record`].
pub(super) struct Plotted<'a> {
    pub(super) index: usize,
    pub(super) value: Decimal,
    pub(super) segment: usize,
    pub(super) mean: Decimal,
    pub(super) lines: PointLines,
    pub(super) moving_range: Option<Decimal>,
    pub(super) used: bool,
    pub(super) excluded: Option<&'a str>,
    /// Whether its segment's limits are trial limits.
    pub(super) trial: bool,
}

/// Where the analysis writes its points and the rules that flag them: whole [`SpcPoint`]s with
/// their signals and sentences ([`Full`]), or the bulk path's compact rows
/// ([`Rows`](super::lean::Rows)), which keep no signal and each signal's sentence once.
pub(super) trait Record {
    /// Whether sentences are wanted; else none is formatted.
    fn explains(&self) -> bool;
    /// The next point, in order of index.
    fn point(&mut self, point: Plotted<'_>);
    /// An occurrence of `rule` over `members` (indices in the series, in order, never empty).
    /// A trend's first point keeps only this trend: it is the last point of the one before.
    fn signal(
        &mut self,
        rule: SpcRule,
        direction: SignalDirection,
        members: &[usize],
        text: String,
    );
    /// Labels each point from its flags once every rule has run.
    fn settle(&mut self, improvement: Improvement, profile: RuleProfile);
    /// Point `index`'s label, once settled.
    fn point_type(&self, index: usize) -> Option<PointType>;
}

/// The flag that labels a point, of its flags in order of rule: the first, except that Making
/// Data Count labels a point flagged both ways an improvement.
pub(super) fn winner(
    flags: &[Flag],
    improvement: Improvement,
    profile: RuleProfile,
) -> Option<&Flag> {
    let kind = |f: &Flag| PointType::special_cause(f.direction, improvement);
    let both_ways = flags
        .iter()
        .any(|f| kind(f) == PointType::SpecialCauseImprovement)
        && flags
            .iter()
            .any(|f| kind(f) == PointType::SpecialCauseConcern);
    if profile == RuleProfile::Mdc && both_ways {
        flags
            .iter()
            .find(|f| kind(f) == PointType::SpecialCauseImprovement)
    } else {
        flags.first()
    }
}

/// [`Record`] of whole [`SpcPoint`]s, signals and sentences.
struct Full<'a, S> {
    labels: Option<&'a [S]>,
    denominators: Option<&'a [Decimal]>,
    detail: Detail,
    improvement: Improvement,
    points: Vec<SpcPoint>,
    signals: Vec<SpcSignal>,
    flags: Vec<Vec<Flag>>,
}

impl<S: AsRef<str>> Record for Full<'_, S> {
    fn explains(&self) -> bool {
        self.detail.explanations
    }

    fn point(&mut self, p: Plotted<'_>) {
        let index = p.index;
        self.points.push(SpcPoint {
            index,
            label: self
                .labels
                .filter(|_| self.detail.point_labels)
                .and_then(|l| l.get(index))
                .map(|l| l.as_ref().to_string()),
            value: p.value,
            segment: p.segment,
            mean: p.mean,
            lower_process_limit: p.lines.lower,
            upper_process_limit: p.lines.upper,
            lower_two_sigma: p.lines.lower_two_sigma,
            upper_two_sigma: p.lines.upper_two_sigma,
            moving_range: p.moving_range,
            moving_range_used: p.used,
            rules: Vec::new(),
            point_type: PointType::CommonCause,
            explanation: String::new(),
            denominator: self.denominators.and_then(|d| d.get(index)).copied(),
            excluded: p.excluded.map(str::to_string),
        });
        self.flags.push(Vec::new());
    }

    fn signal(
        &mut self,
        rule: SpcRule,
        direction: SignalDirection,
        members: &[usize],
        text: String,
    ) {
        let point_type = PointType::special_cause(direction, self.improvement);
        let first = members.first().copied().unwrap_or(0);
        if rule == SpcRule::Trend
            && let Some(f) = self.flags.get_mut(first)
        {
            f.retain(|f| f.rule != SpcRule::Trend);
        }
        let id = self.signals.len();
        self.signals.push(SpcSignal {
            rule,
            direction,
            start: first,
            end: members.last().copied().unwrap_or(0),
            points: members.len(),
            point_type,
            explanation: if self.detail.explanations {
                format!("{text}: {}", point_type.describe())
            } else {
                String::new()
            },
        });
        for &m in members {
            if let Some(f) = self.flags.get_mut(m) {
                f.push(Flag {
                    rule,
                    direction,
                    signal: id,
                });
            }
        }
    }

    fn settle(&mut self, improvement: Improvement, profile: RuleProfile) {
        let explain = self.detail.explanations;
        for (point, point_flags) in self.points.iter_mut().zip(&mut self.flags) {
            point_flags.sort_by_key(|f| f.rule);
            point.rules = point_flags.iter().map(|f| f.rule).collect();
            point.rules.dedup();
            match winner(point_flags, improvement, profile) {
                Some(winner) => {
                    point.point_type = PointType::special_cause(winner.direction, improvement);
                    if explain {
                        point.explanation = self
                            .signals
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
        self.signals.sort_by_key(|s| (s.rule, s.start));
    }

    fn point_type(&self, index: usize) -> Option<PointType> {
        self.points.get(index).map(|p| p.point_type)
    }
}

/// What the analysis finds beyond each point's record.
pub(super) struct Outline {
    pub(super) segments: Vec<SpcSegment>,
    pub(super) variation: Option<PointType>,
    pub(super) assurance: Option<Assurance>,
    dp: Places,
}

pub(super) fn analyse<S: AsRef<str>>(
    numerators: &[Decimal],
    denominators: Option<&[Decimal]>,
    labels: Option<&[S]>,
    settings: &SpcSettings,
    detail: Detail,
) -> Result<SpcResult> {
    let mut full = Full {
        labels,
        denominators,
        detail,
        improvement: settings.improvement,
        points: Vec::with_capacity(numerators.len()),
        signals: Vec::new(),
        flags: Vec::with_capacity(numerators.len()),
    };
    let outline = analyse_into(numerators, denominators, labels, settings, &mut full)?;
    let explanation = if detail.explanations {
        summarise(
            &full.points,
            &outline.segments,
            settings,
            outline.assurance,
            outline.dp,
            &Namer { labels },
        )
    } else {
        String::new()
    };
    Ok(SpcResult {
        chart: settings.chart,
        improvement: settings.improvement,
        target: settings.target,
        segments: outline.segments,
        points: full.points,
        signals: full.signals,
        variation: outline.variation,
        assurance: outline.assurance,
        explanation,
    })
}

/// The analysis of a series, its points and flags written to `record`.
pub(super) fn analyse_into<S: AsRef<str>, R: Record>(
    numerators: &[Decimal],
    denominators: Option<&[Decimal]>,
    labels: Option<&[S]>,
    settings: &SpcSettings,
    record: &mut R,
) -> Result<Outline> {
    let explain = record.explains();
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
    // The members of a signal as indices in the series.
    let mut in_series: Vec<usize> = Vec::new();

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
        // Without exclusions the included points are the segment's, in order: no copies.
        let every = inc.len() == seg.len() && lines.lines.len() == seg.len();
        let (ys_own, pl_own): (Vec<Decimal>, Vec<PointLines>) = if every {
            (Vec::new(), Vec::new())
        } else {
            (
                inc.iter().filter_map(|&i| seg.get(i).copied()).collect(),
                inc.iter()
                    .map(|&i| lines.lines.get(i).copied().unwrap_or_default())
                    .collect(),
            )
        };
        let (ys, pl): (&[Decimal], &[PointLines]) = if every {
            (seg, &lines.lines)
        } else {
            (&ys_own, &pl_own)
        };
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
        // Every point of the segment before its rules: they flag points by index.
        let trial = seg.len() < settings.trial_limit_points;
        for (i, &value) in seg.iter().enumerate() {
            let index = start + i;
            record.point(Plotted {
                index,
                value,
                segment: s,
                mean,
                lines: lines.lines.get(i).copied().unwrap_or_default(),
                moving_range: lines.moving_ranges.get(i).copied().flatten(),
                used: lines.used.get(i).copied().unwrap_or(false),
                excluded: excluded.get(index).copied().flatten(),
                trial,
            });
        }

        let sides: Vec<Ordering> = ys.iter().map(|&y| side(y, mean)).collect();
        let outside: Vec<bool> = ys
            .iter()
            .zip(pl)
            .map(|(&y, l)| {
                matches!(l.upper, Some(u) if cmp(y, u).is_gt())
                    || matches!(l.lower, Some(l) if cmp(y, l).is_lt())
            })
            .collect();
        let beyond_two_sigma: Vec<bool> = ys
            .iter()
            .zip(pl)
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

        let mut add = |record: &mut R,
                       rule: SpcRule,
                       direction: SignalDirection,
                       members: &[usize],
                       text: String| {
            in_series.clear();
            in_series.extend(members.iter().map(|&m| at(m) + start));
            record.signal(rule, direction, &in_series, text);
        };

        let family_rules = chart != ChartType::Run;
        if settings.outside_rule && family_rules {
            for (i, ((&o, &y), l)) in outside.iter().zip(ys).zip(pl).enumerate() {
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
                add(record, SpcRule::Outside, direction, &[i], text);
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
                add(record, SpcRule::Trend, direction, &members, text);
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
                add(record, SpcRule::TwoOfThree, direction, &members, text);
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
                add(record, SpcRule::Shift, direction, &members, text);
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
            // Each run as its span of `useful`: its members are listed only for a signal.
            let mut groups: Vec<(usize, usize, SignalDirection)> = Vec::new();
            for (u, &(_, d)) in useful.iter().enumerate() {
                match groups.last_mut() {
                    Some((_, end, gd)) if *gd == d => *end = u + 1,
                    _ => groups.push((u, u + 1, d)),
                }
            }
            let n_useful = useful.len();
            let longest = groups.iter().map(|(a, b, _)| b - a).max().unwrap_or(0);
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
            for (a, b, direction) in groups.iter().filter(|(a, b, _)| b - a > longest_max) {
                let members: Vec<usize> = useful
                    .get(*a..*b)
                    .unwrap_or(&[])
                    .iter()
                    .map(|(j, _)| *j)
                    .collect();
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
                add(record, SpcRule::LongestRun, *direction, &members, text);
            }
            runs_analysis = Some(analysis);
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
            trial_limits: trial,
            limits,
            reason,
            runs: runs_analysis,
        });
    }

    record.settle(improvement, settings.profile);
    let variation = (0..values.len())
        .rev()
        .find(|&i| excluded.get(i).copied().flatten().is_none())
        .and_then(|i| record.point_type(i));
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

    Ok(Outline {
        segments,
        variation,
        assurance,
        dp,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The plotted value as the decimal division gives it.
    fn decimal(v: Decimal, d: Decimal) -> Decimal {
        normal(v.checked_div(d).unwrap())
    }

    fn whole() -> impl Strategy<Value = u64> {
        prop_oneof![
            0u64..1000,
            0u64..=1 << 32,
            (1u64 << 53) - 1000..=(1 << 53) + 1000,
            any::<u64>(),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(20_000))]

        /// Whole counts over whole denominators: the integer quotient where it answers is
        /// rust_decimal's, digits and scale; elsewhere (a count above its denominator, a
        /// denominator beyond 2⁵³, a scale) the decimal division decides.
        #[test]
        fn the_integer_quotient_is_rust_decimals(x in whole(), n in whole(), scale in 0u32..3) {
            prop_assume!(n > 0);
            let (v, d) = (Decimal::from(x), Decimal::from(n));
            if let Some(q) = whole_quotient(v, d) {
                prop_assert!(x <= n && n <= 1 << 53);
                prop_assert_eq!(normal(q).serialize(), decimal(v, d).serialize(), "{} / {}", x, n);
            } else {
                prop_assert!(x > n || n > 1 << 53, "{} / {} declined", x, n);
            }
            let small = x.min(n);
            prop_assert_eq!(whole_quotient(Decimal::from(small), d).is_some(), n <= 1 << 53);
            // A whole number written with decimals is not whole to rust_decimal's division.
            let scaled = Decimal::from_i128_with_scale(i128::from(n) * 10i128.pow(scale), scale);
            prop_assert_eq!(whole_quotient(Decimal::from(small), scaled).is_some(), scale == 0 && n <= 1 << 53);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3_000))]

        /// The run chart's runs, kept as spans of the useful points, give the runs listed
        /// point by point: the useful points, the longest run, the crossings, and a signal for
        /// each run longer than the limit with its first and last point.
        #[test]
        fn run_spans_are_the_runs_point_by_point(
            values in proptest::collection::vec((-4i64..4, 0u32..2), 1..70),
            rebase in proptest::option::of(1usize..70),
        ) {
            let values: Vec<Decimal> = values.into_iter().map(|(m, s)| Decimal::new(m, s)).collect();
            let settings = SpcSettings {
                chart: ChartType::Run,
                rebase_at: rebase.into_iter().collect(),
                ..SpcSettings::default()
            };
            let Ok(result) = crate::spc::spc_chart::<&str>(&values, None, None, &settings) else {
                return Ok(());
            };
            let mut signals = Vec::new();
            for segment in &result.segments {
                let seg = &values[segment.start..=segment.end];
                let centre = crate::spc::family::median(seg).unwrap().unwrap();
                let mut groups: Vec<(Vec<usize>, SignalDirection)> = Vec::new();
                for (j, v) in seg.iter().enumerate() {
                    if let Some(d) = direction_of(side(*v, centre)) {
                        match groups.last_mut() {
                            Some((m, gd)) if *gd == d => m.push(segment.start + j),
                            _ => groups.push((vec![segment.start + j], d)),
                        }
                    }
                }
                let useful: usize = groups.iter().map(|(m, _)| m.len()).sum();
                let runs = segment.runs.as_ref().unwrap();
                prop_assert_eq!(runs.useful_points, useful);
                prop_assert_eq!(runs.longest_run, groups.iter().map(|(m, _)| m.len()).max().unwrap_or(0));
                prop_assert_eq!(runs.crossings, groups.len().saturating_sub(1));
                for (m, d) in groups.iter().filter(|(m, _)| m.len() > runs.longest_run_max) {
                    signals.push((m[0], *m.last().unwrap(), m.len(), *d));
                }
            }
            let got: Vec<_> = result
                .signals
                .iter()
                .filter(|s| s.rule == SpcRule::LongestRun)
                .map(|s| (s.start, s.end, s.points, s.direction))
                .collect();
            prop_assert_eq!(got, signals);
        }
    }

    #[test]
    fn plotted_values_of_whole_counts_are_the_decimal_quotients() {
        for n in 1..=300u64 {
            let d = Decimal::from(n);
            let values: Vec<Decimal> = (0..=n).map(Decimal::from).collect();
            let dens = vec![d; values.len()];
            let got = plotted(ChartType::P, &values, Some(&dens)).unwrap();
            for (v, q) in values.iter().zip(got) {
                assert_eq!(q.serialize(), decimal(*v, d).serialize(), "{v} / {n}");
            }
        }
        // U charts: counts above the denominator take the decimal division.
        let got = plotted(ChartType::U, &[Decimal::from(7)], Some(&[Decimal::from(3)])).unwrap();
        assert_eq!(got, vec![decimal(Decimal::from(7), Decimal::from(3))]);
    }
}
