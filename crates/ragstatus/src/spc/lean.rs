//! The bulk path's lean analysis: each point written as a compact [`Row`] while the series is
//! analysed, with no [`SpcPoint`](super::SpcPoint) (272 bytes, most of them the sentence and
//! label fields the frame writes from elsewhere or not at all), no signal and no list of flags
//! per point. With sentences, each signal's is formatted once and its points refer to it
//! ([`Said`]): the full analysis clones it into every point it flags.

use rust_decimal::Decimal;

use super::analyse::{Plotted, Record, analyse_into, winner};
use super::rules::Flag;
use super::{
    Assurance, Improvement, PointType, RuleProfile, SignalDirection, SpcRule, SpcSettings,
};
use crate::error::{Error, ErrorKind, Result};

/// The rules in the order of their codes in [`Row::rules`], which is their precedence.
pub(crate) const RULES: [SpcRule; 5] = [
    SpcRule::Outside,
    SpcRule::Trend,
    SpcRule::TwoOfThree,
    SpcRule::Shift,
    SpcRule::LongestRun,
];

/// A point as the bulk output writes it.
pub(crate) struct Row {
    pub(crate) value: Decimal,
    pub(crate) moving_range: Option<Decimal>,
    /// The point's centre line and limits: an index into the series' [`Lines`].
    pub(crate) lines: usize,
    pub(crate) segment: usize,
    /// The point's rules in order, three bits each (1 + their place in [`RULES`]), the first
    /// in the lowest bits.
    pub(crate) rules: u16,
    pub(crate) point_type: PointType,
    pub(crate) used: bool,
    pub(crate) trial: Option<bool>,
    /// The point's sentence, when the sentences are written.
    pub(crate) explanation: Said,
}

/// A point's sentence: the full analysis' [`SpcPoint::explanation`](super::SpcPoint).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Said {
    /// No sentence is written.
    Nothing,
    /// Common cause variation's.
    Common,
    /// One of the series' [`Rows::texts`]: a signal's, or an excluded point's.
    Text(usize),
}

/// The mean and the four lines of a point: centre, lower and upper process limits, lower and
/// upper 2σ lines.
pub(crate) type Lines = [Option<Decimal>; 5];

/// Whether two points' lines are the same to the digit and the scale: only then are they
/// shared, so that sharing cannot change a column's scale.
pub(crate) fn same_lines(a: &Lines, b: &Lines) -> bool {
    a.iter().zip(b).all(|(x, y)| match (x, y) {
        (Some(x), Some(y)) => x.serialize() == y.serialize(),
        (None, None) => true,
        _ => false,
    })
}

/// The code of `rules` (in precedence order) for [`Row::rules`].
pub(crate) fn rule_codes(rules: impl Iterator<Item = SpcRule>) -> u16 {
    let mut codes = 0u16;
    for (k, rule) in rules.enumerate().take(RULES.len()) {
        let code = RULES.iter().position(|r| *r == rule).map_or(0, |c| c + 1);
        codes |= (code as u16) << (3 * k);
    }
    codes
}

/// A series as the lean analysis leaves it: its rows, the lines they share (every point of an
/// XmR, C, G, T or run chart segment has its segment's), and the icons.
pub(crate) struct Rows {
    pub(crate) rows: Vec<Row>,
    pub(crate) lines: Vec<Lines>,
    pub(crate) variation: Option<PointType>,
    pub(crate) assurance: Option<Assurance>,
    /// The sentences the rows refer to ([`Said::Text`]); empty without sentences.
    pub(crate) texts: Vec<String>,
    /// Whether the sentences are written.
    explain: bool,
    improvement: Improvement,
    /// Per point while the rules run: the rules that flag it (bit k for `RULES[k]`) and, in
    /// the bits above, which of them flag it high.
    marks: Vec<u16>,
    /// Per point while the rules run, with sentences: for each rule that flags it, the text of
    /// the signal whose flag stands.
    sources: Vec<[usize; 5]>,
}

/// Bit of `rule` in a mark.
fn bit(rule: SpcRule) -> u16 {
    RULES.iter().position(|r| *r == rule).map_or(0, |k| 1 << k)
}

impl Record for Rows {
    fn explains(&self) -> bool {
        self.explain
    }

    fn point(&mut self, p: Plotted<'_>) {
        let own: Lines = [
            Some(p.mean),
            p.lines.lower,
            p.lines.upper,
            p.lines.lower_two_sigma,
            p.lines.upper_two_sigma,
        ];
        if !self.lines.last().is_some_and(|l| same_lines(l, &own)) {
            self.lines.push(own);
        }
        self.rows.push(Row {
            value: p.value,
            moving_range: p.moving_range,
            lines: self.lines.len().saturating_sub(1),
            segment: p.segment,
            rules: 0,
            point_type: PointType::CommonCause,
            used: p.used,
            trial: Some(p.trial),
            explanation: match p.excluded {
                _ if !self.explain => Said::Nothing,
                None => Said::Common,
                Some(reason) => {
                    self.texts
                        .push(format!("excluded from the lines and rules: {reason}"));
                    Said::Text(self.texts.len().saturating_sub(1))
                }
            },
        });
        self.marks.push(0);
        if self.explain {
            self.sources.push([0; 5]);
        }
    }

    fn signal(
        &mut self,
        rule: SpcRule,
        direction: SignalDirection,
        members: &[usize],
        text: String,
    ) {
        let b = bit(rule);
        let high = b << RULES.len();
        let k = RULES.iter().position(|r| *r == rule).unwrap_or(0);
        let source = self.texts.len();
        if self.explain {
            let point_type = PointType::special_cause(direction, self.improvement);
            self.texts
                .push(format!("{text}: {}", point_type.describe()));
        }
        for &m in members {
            let Some(mark) = self.marks.get_mut(m) else {
                continue;
            };
            // A point's flags of one rule share a direction (the rules' runs and clusters of
            // one side do not overlap), except a trend's first point, which keeps the later
            // trend's: the first flag of a rule stands, a trend's last.
            if *mark & b != 0 && rule != SpcRule::Trend {
                continue;
            }
            *mark |= b;
            if direction == SignalDirection::High {
                *mark |= high;
            } else {
                *mark &= !high;
            }
            if let Some(slot) = self.sources.get_mut(m).and_then(|s| s.get_mut(k)) {
                *slot = source;
            }
        }
    }

    fn settle(&mut self, improvement: Improvement, profile: RuleProfile) {
        for (i, (row, &mark)) in self.rows.iter_mut().zip(&self.marks).enumerate() {
            if mark == 0 {
                continue;
            }
            // At most one flag a rule, in order of precedence, on the stack.
            let mut flags: [Flag; 5] = std::array::from_fn(|_| Flag {
                rule: SpcRule::Outside,
                direction: SignalDirection::Low,
                signal: 0,
            });
            let mut count = 0;
            for (k, rule) in RULES.iter().enumerate() {
                if mark & (1 << k) == 0 {
                    continue;
                }
                if let Some(slot) = flags.get_mut(count) {
                    slot.rule = *rule;
                    slot.signal = self
                        .sources
                        .get(i)
                        .and_then(|s| s.get(k))
                        .copied()
                        .unwrap_or(0);
                    slot.direction = if mark & (1 << (k + RULES.len())) != 0 {
                        SignalDirection::High
                    } else {
                        SignalDirection::Low
                    };
                    count += 1;
                }
            }
            let flags = flags.get(..count).unwrap_or(&[]);
            row.rules = rule_codes(flags.iter().map(|f| f.rule));
            if let Some(w) = winner(flags, improvement, profile) {
                row.point_type = PointType::special_cause(w.direction, improvement);
                if self.explain {
                    row.explanation = Said::Text(w.signal);
                }
            }
        }
    }

    fn point_type(&self, index: usize) -> Option<PointType> {
        self.rows.get(index).map(|r| r.point_type)
    }
}

/// The analysis of [`spc_chart`](super::spc_chart) without point labels, as compact rows: the
/// same figures, rules, labels and icons, the same errors, and with `explain` each point's
/// sentence.
pub(crate) fn spc_rows<S: AsRef<str>>(
    values: &[Decimal],
    denominators: Option<&[Decimal]>,
    labels: Option<&[S]>,
    settings: &SpcSettings,
    explain: bool,
) -> Result<Rows> {
    if let Some(labels) = labels
        && labels.len() != values.len()
    {
        return Err(Error::new(ErrorKind::Length {
            column: "labels".into(),
            found: labels.len(),
            expected: values.len(),
        }));
    }
    let mut rows = Rows {
        rows: Vec::with_capacity(values.len()),
        lines: Vec::new(),
        variation: None,
        assurance: None,
        texts: Vec::new(),
        explain,
        improvement: settings.improvement,
        marks: Vec::with_capacity(values.len()),
        sources: Vec::with_capacity(if explain { values.len() } else { 0 }),
    };
    let outline = analyse_into(values, denominators, labels, settings, &mut rows)?;
    rows.variation = outline.variation;
    rows.assurance = outline.assurance;
    rows.marks = Vec::new();
    rows.sources = Vec::new();
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spc::{ChartType, Exclusion, ProcessChange, SpcResult, spc_chart};
    use proptest::prelude::*;

    fn same_decimal(a: Option<Decimal>, b: Option<Decimal>) -> bool {
        a.map(|d| d.serialize()) == b.map(|d| d.serialize())
    }

    /// Every figure of the rows against the full analysis' points, to the digit and the scale.
    fn same(rows: &Rows, full: &SpcResult) -> std::result::Result<(), String> {
        if rows.rows.len() != full.points.len() {
            return Err(format!(
                "{} rows, {} points",
                rows.rows.len(),
                full.points.len()
            ));
        }
        if rows.variation != full.variation || rows.assurance != full.assurance {
            return Err("the icons differ".into());
        }
        for (k, (r, p)) in rows.rows.iter().zip(&full.points).enumerate() {
            let lines = rows.lines.get(r.lines).copied().unwrap_or_default();
            let want: Lines = [
                Some(p.mean),
                p.lower_process_limit,
                p.upper_process_limit,
                p.lower_two_sigma,
                p.upper_two_sigma,
            ];
            let ok = same_decimal(Some(r.value), Some(p.value))
                && same_decimal(r.moving_range, p.moving_range)
                && lines.iter().zip(want).all(|(a, b)| same_decimal(*a, b))
                && r.segment == p.segment
                && r.rules == rule_codes(p.rules.iter().copied())
                && r.point_type == p.point_type
                && r.used == p.moving_range_used
                && r.trial == full.segments.get(p.segment).map(|s| s.trial_limits);
            // With sentences, each point's is the full analysis' word for word; without, none.
            let said = match r.explanation {
                Said::Nothing => None,
                Said::Common => Some(PointType::CommonCause.describe()),
                Said::Text(t) => Some(rows.texts.get(t).map_or("no such text", String::as_str)),
            };
            let ok = ok
                && match said {
                    Some(text) => rows.explain && text == p.explanation,
                    None => !rows.explain,
                };
            if !ok {
                return Err(format!("point {k} differs"));
            }
        }
        Ok(())
    }

    /// A series for `chart`: values (and denominators) of the kinds the frame reads, whole
    /// counts (the integer quotient) and decimals alike, with runs of equal values often.
    fn series(chart: ChartType) -> BoxedStrategy<(Vec<Decimal>, Option<Vec<Decimal>>)> {
        let n = 1usize..60;
        match chart {
            ChartType::Xmr | ChartType::Run => {
                (proptest::collection::vec((-40i64..40, 0u32..3), n), 0i64..3)
                    .prop_map(|(v, spread)| {
                        let v = v
                            .into_iter()
                            .map(|(a, s)| Decimal::new(a * (spread + 1), s))
                            .collect();
                        (v, None)
                    })
                    .boxed()
            }
            ChartType::T => proptest::collection::vec(1i64..5000, n)
                .prop_map(|v| (v.into_iter().map(|a| Decimal::new(a, 1)).collect(), None))
                .boxed(),
            ChartType::C | ChartType::G => proptest::collection::vec(0i64..60, n)
                .prop_map(|v| (v.into_iter().map(Decimal::from).collect(), None))
                .boxed(),
            _ => {
                let proportion = matches!(chart, ChartType::P | ChartType::PPrime);
                (
                    proptest::collection::vec((0i64..500, 1i64..400, 0u8..8), n),
                    any::<bool>(),
                )
                    .prop_map(move |(v, decimal)| {
                        let mut xs = Vec::new();
                        let mut ds = Vec::new();
                        for (a, b, kind) in v {
                            let x = if proportion { a % (b + 1) } else { a };
                            xs.push(Decimal::from(x));
                            // Whole denominators mostly; some of scale 1, which the integer
                            // quotient leaves to the decimal division.
                            ds.push(if decimal && kind == 0 {
                                Decimal::new(b * 10 + i64::from(!proportion), 1)
                            } else {
                                Decimal::from(b)
                            });
                        }
                        (xs, Some(ds))
                    })
                    .boxed()
            }
        }
    }

    fn case() -> impl Strategy<Value = (Vec<Decimal>, Option<Vec<Decimal>>, SpcSettings, bool)> {
        let settings = (
            (
                0usize..9,
                0usize..3,
                0usize..3,
                proptest::option::of(-100i64..600),
                proptest::collection::vec(0usize..45, 0..3),
                proptest::collection::vec(1usize..45, 0..2),
                proptest::collection::vec(1usize..45, 0..2),
            ),
            (
                proptest::option::weighted(0.2, 12usize..20),
                2usize..9,
                2usize..9,
                any::<bool>(),
                any::<bool>(),
                4usize..15,
                any::<bool>(),
            ),
        );
        (settings, any::<bool>()).prop_flat_map(
            |(
                (
                    (chart, profile, improvement, target, exclude, changes, rebase),
                    (fix, trend, shift, outside_counts, screen, trial, all_rules),
                ),
                labelled,
            )| {
                let chart = ChartType::ALL[chart];
                let settings = SpcSettings {
                    chart,
                    profile: [RuleProfile::Nhsr, RuleProfile::Mdc, RuleProfile::Powerbi][profile],
                    improvement: [
                        Improvement::Increase,
                        Improvement::Decrease,
                        Improvement::Neutral,
                    ][improvement],
                    target: target.map(|t| Decimal::new(t, 1)),
                    exclude: exclude
                        .into_iter()
                        .map(|at| Exclusion {
                            at,
                            reason: "fault".into(),
                        })
                        .collect(),
                    process_changes: changes
                        .into_iter()
                        .map(|at| ProcessChange {
                            at,
                            reason: "new model".into(),
                        })
                        .collect(),
                    rebase_at: rebase,
                    fix_after: fix,
                    trend_length: trend,
                    shift_length: shift,
                    two_of_three_counts_outside: outside_counts,
                    screen_outliers: screen,
                    trial_limit_points: trial,
                    outside_rule: all_rules,
                    ..SpcSettings::default()
                };
                (series(chart), Just(settings), Just(labelled))
                    .prop_map(|((v, d), s, l)| (v, d, s, l))
            },
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]

        /// The lean analysis gives the full one's figures, rules, labels and icons, and with
        /// sentences each point's sentence, or its error, on every chart type and profile, with
        /// exclusions, process changes, rebases, fixed baselines and targets.
        #[test]
        fn the_rows_are_the_full_analysis((values, dens, settings, labelled, explain) in (case(), any::<bool>()).prop_map(|((v, d, s, l), e)| (v, d, s, l, e))) {
            let labels: Vec<String> = (0..values.len()).map(|i| format!("M{i}")).collect();
            let labels = labelled.then_some(labels.as_slice());
            let dens = dens.as_deref();
            match (spc_rows(&values, dens, labels, &settings, explain), spc_chart(&values, dens, labels, &settings)) {
                (Ok(rows), Ok(full)) => prop_assert_eq!(same(&rows, &full), Ok(())),
                (Err(a), Err(b)) => prop_assert_eq!(a.to_string(), b.to_string()),
                (a, b) => prop_assert!(false, "lean {:?}, full {:?}", a.err(), b.err()),
            }
        }
    }

    #[test]
    fn a_trend_that_starts_where_another_ends_labels_the_shared_point_by_the_later() {
        // 1..7 rising, then falling from 7: point 6 ends the rise and starts the fall.
        let values: Vec<Decimal> = [1, 2, 3, 4, 5, 6, 7, 6, 5, 4, 3, 2, 1]
            .into_iter()
            .map(Decimal::from)
            .collect();
        // Only the trend rule: the peak's label is the later, falling trend's.
        let settings = SpcSettings {
            outside_rule: false,
            two_of_three_rule: false,
            shift_rule: false,
            ..SpcSettings::default()
        };
        let full = spc_chart::<&str>(&values, None, None, &settings).unwrap();
        let rows = spc_rows::<&str>(&values, None, None, &settings, true).unwrap();
        assert_eq!(same(&rows, &full), Ok(()));
        let rows = spc_rows::<&str>(&values, None, None, &settings, false).unwrap();
        assert_eq!(same(&rows, &full), Ok(()));
        let peak = rows.rows.get(6).unwrap();
        assert_eq!(peak.point_type, PointType::SpecialCauseConcern);
        assert_eq!(peak.rules, rule_codes([SpcRule::Trend].into_iter()));
        assert_eq!(
            rows.rows.get(5).map(|r| r.point_type),
            Some(PointType::SpecialCauseImprovement)
        );
    }
}
