//! The report as the formats show it: the core's results, made into text in each indicator's
//! unit and display decimals. Every format reads these views, so each shows the same figures.

use ragstatus::{
    Assurance, Benchmark, Decimal, Direction, IconSummaryRow, Improvement, Indicator, PointType,
    SpcResult, SpcRule, Status, Target, Unit,
};
use serde::Serialize;

use crate::model::{
    Benchmarked, BudgetSection, FunnelPlot, IndicatorRow, MilestoneSection, NationalRow,
    NationalSection, Report, SummaryRow, status_name,
};

/// The whole report as shown: the report with each indicator's row as text.
#[derive(Debug, Clone, Serialize)]
pub struct View {
    /// The report's title.
    pub title: String,
    /// The period reported, canonical label (`2015/16 Q3`).
    pub period: String,
    /// The labels of the periods in each indicator's history, oldest first.
    pub history_periods: Vec<String>,
    /// The icon summary, before section 1: each SPC indicator's variation and assurance icons.
    pub icon_summary: IconSummaryView,
    /// Section 1: performance summary, overall then per theme and directorate.
    pub summary: Vec<SummaryRow>,
    /// Section 2: ids of the exceptions (every Red, every worsening indicator), in report order.
    pub exceptions: Vec<String>,
    /// Section 3: every indicator.
    pub indicators: Vec<Shown>,
    /// After section 3: one section per national value compared with ("Compared with
    /// England"); none when no definition asks for a comparison.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub compared_with: Vec<NationalView>,
    /// Appendix A: the budget position, when a budget file was given.
    pub budget: Option<BudgetSection>,
    /// The improvement plan, when a milestones file was given.
    pub milestones: Option<MilestoneSection>,
    /// Rows of the input files that could not be used, each with file and line.
    pub problems: Vec<String>,
}

impl View {
    /// The report as shown.
    pub fn of(report: &Report) -> View {
        View {
            title: report.title.clone(),
            period: report.period.clone(),
            history_periods: report.history_periods.clone(),
            icon_summary: IconSummaryView::of(report),
            summary: report.summary.clone(),
            exceptions: report.exceptions.clone(),
            indicators: report.indicators.iter().map(Shown::of).collect(),
            compared_with: report.national.iter().map(NationalView::of).collect(),
            budget: report.budget.clone(),
            milestones: report.milestones.clone(),
            problems: report.problems.clone(),
        }
    }
}

/// The icon summary (NHS "Making Data Count"), the table a board reads first: one row per
/// indicator whose definition enables SPC, in report order, and the ids of the others, so that
/// none is left out without a word.
#[derive(Debug, Clone, Serialize)]
pub struct IconSummaryView {
    /// One row per indicator with an SPC analysis.
    pub rows: Vec<IconShown>,
    /// The indicators without one (their definitions do not enable SPC), by id.
    pub not_analysed: Vec<String>,
}

impl IconSummaryView {
    /// The icon summary of a report.
    pub fn of(report: &Report) -> IconSummaryView {
        let mut rows = Vec::new();
        let mut not_analysed = Vec::new();
        for row in &report.indicators {
            match &row.spc {
                Some(spc) => rows.push(IconShown::of(&row.indicator, spc)),
                None => not_analysed.push(row.indicator.id.clone()),
            }
        }
        IconSummaryView { rows, not_analysed }
    }
}

/// One row of the icon summary: the core's row (icons as data, exact latest value and target,
/// the sentence) with its labels and figures as the report shows them.
#[derive(Debug, Clone, Serialize)]
pub struct IconShown {
    /// The icons and figures.
    #[serde(flatten)]
    pub row: IconSummaryRow,
    /// The variation icon in words: "Improvement (high)".
    pub variation_label: &'static str,
    /// The assurance icon in words: "Hit and miss".
    pub assurance_label: &'static str,
    /// The latest value in the indicator's unit and display decimals.
    pub value_shown: Option<String>,
    /// The target tested, likewise.
    pub target_shown: Option<String>,
}

impl IconShown {
    /// The row of an indicator with its analysis.
    pub fn of(indicator: &Indicator, result: &SpcResult) -> IconShown {
        let row = IconSummaryRow::new(indicator, result);
        let f = |v: Decimal| indicator.unit.format_value(v, indicator.decimals);
        IconShown {
            variation_label: row.variation.label(),
            assurance_label: row.assurance.label(),
            value_shown: row.value.map(f),
            target_shown: row.target.map(f),
            row,
        }
    }
}

/// One indicator for the period reported, as shown.
#[derive(Debug, Clone, Serialize)]
pub struct Shown {
    /// The indicator id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its group path (theme, directorate).
    pub group: Vec<String>,
    /// `higher`, `lower` or `within`.
    pub polarity: &'static str,
    /// The target in force, as shown ("95.0%", "87.0–95.0%"); none for data-only indicators.
    pub target: Option<String>,
    /// The actual compared, as shown.
    pub actual: Option<String>,
    /// The exact actual compared.
    pub actual_value: Option<Decimal>,
    /// The status.
    #[serde(serialize_with = "status_name")]
    pub status: Status,
    /// Set when a person overrode the computed status.
    #[serde(serialize_with = "optional_status_name")]
    pub computed_status: Option<Status>,
    /// The headline direction of travel, as the indicator's settings ask (against the previous
    /// period unless set to the same period last year, by regression, or by the recent trend).
    #[serde(serialize_with = "direction_name")]
    pub direction: Direction,
    /// Direction against the previous period.
    #[serde(serialize_with = "direction_name")]
    pub vs_previous: Direction,
    /// The previous period's value, as shown.
    pub previous: Option<String>,
    /// Direction against the same period last year.
    #[serde(serialize_with = "direction_name")]
    pub vs_year_ago: Direction,
    /// Last year's value, as shown.
    pub year_ago: Option<String>,
    /// The recent history, oldest first, aligned with [`View::history_periods`].
    pub history: Vec<Option<Decimal>>,
    /// The same history as shown (unit and display decimals), for the sparkline's text.
    #[serde(skip)]
    pub history_shown: Vec<Option<String>>,
    /// The plain-English explanation of the status.
    pub explanation: String,
    /// The figure is provisional.
    pub provisional: bool,
    /// The data note, if any.
    pub note: Option<String>,
    /// Statistical process control, for indicators whose definition enables it.
    pub spc: Option<SpcView>,
    /// The position among comparators, when a comparators file gives values for the indicator.
    pub benchmark: Option<BenchmarkView>,
}

impl Shown {
    /// An evaluated indicator as shown.
    pub fn of(row: &IndicatorRow) -> Shown {
        let indicator = &row.indicator;
        let result = &row.result;
        let f = |v: Decimal| indicator.unit.format_value(v, indicator.decimals);
        let mut target = result.target.as_ref().map(|t| target_text(indicator, t));
        if let (Some(text), Some(stretch)) = (&mut target, result.stretch) {
            text.push_str(&format!(" (stretch {})", f(stretch)));
        }
        Shown {
            id: indicator.id.clone(),
            name: indicator.name.clone(),
            group: indicator.group.clone(),
            polarity: indicator.polarity.as_str(),
            target,
            actual: result.actual.map(f),
            actual_value: result.actual,
            status: result.status,
            computed_status: result
                .rating
                .overridden
                .as_ref()
                .map(|_| result.rating.computed),
            direction: result.direction,
            vs_previous: result.previous.direction,
            previous: result.previous.comparison.map(f),
            vs_year_ago: result.year_ago.direction,
            year_ago: result.year_ago.comparison.map(f),
            history_shown: row.history.iter().map(|v| v.map(f)).collect(),
            history: row.history.clone(),
            explanation: result.sentence(),
            provisional: row.provisional,
            note: row.note.clone(),
            spc: row
                .spc
                .as_ref()
                .map(|spc| SpcView::of(spc, &indicator.unit, indicator.decimals)),
            benchmark: row.benchmark.as_ref().map(BenchmarkView::of),
        }
    }
}

/// An indicator's position among its comparators.
#[derive(Debug, Clone, Serialize)]
pub struct BenchmarkView {
    /// The report's line: "Benchmark: 3rd of 7 (quartile 2); 4.2 points better than the median
    /// of 41.0%".
    pub line: String,
    /// Rank, quartile, median and distance; none when there is no actual this period.
    pub result: Option<Benchmark>,
}

impl BenchmarkView {
    /// The line for a benchmark, or for comparators with no actual to rank.
    pub fn of(benchmarked: &Benchmarked) -> BenchmarkView {
        match benchmarked {
            Benchmarked::NoActual { comparators } => BenchmarkView {
                line: format!(
                    "Benchmark: no value this period to compare with {comparators} comparator{}",
                    if *comparators == 1 { "" } else { "s" }
                ),
                result: None,
            },
            Benchmarked::Ranked(b) => BenchmarkView {
                line: format!("Benchmark: {}", b.explanation),
                result: Some(b.clone()),
            },
        }
    }
}

/// A section comparing indicators with one national value.
#[derive(Debug, Clone, Serialize)]
pub struct NationalView {
    /// The national value's name (`England`).
    pub against: String,
    /// The section's heading: "Compared with England".
    pub title: String,
    /// One row per indicator, in report order.
    pub rows: Vec<NationalShown>,
}

impl NationalView {
    /// A section as shown.
    pub fn of(section: &NationalSection) -> NationalView {
        NationalView {
            against: section.against.clone(),
            title: format!("Compared with {}", section.against),
            rows: section
                .rows
                .iter()
                .map(|r| NationalShown::of(r, &section.against))
                .collect(),
        }
    }
}

/// One indicator compared with a national value, as shown: figures in the indicator's unit
/// and display decimals, and the exact decimals beside them.
#[derive(Debug, Clone, Serialize)]
pub struct NationalShown {
    /// The indicator id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// `wilson` or `poisson`.
    pub method: &'static str,
    /// The numerator behind the value.
    pub numerator: Option<Decimal>,
    /// The denominator behind the value.
    pub denominator: Option<Decimal>,
    /// The value x / n × multiplier, exact.
    pub value: Option<Decimal>,
    /// The value as shown.
    pub value_shown: Option<String>,
    /// The confidence level of the interval shown (`95%`).
    pub level: Option<&'static str>,
    /// The interval's lower limit.
    pub lower: Option<Decimal>,
    /// The interval's upper limit.
    pub upper: Option<Decimal>,
    /// The interval as shown: "25.5% to 36.6%".
    pub interval_shown: Option<String>,
    /// The national value, exact.
    pub national: Option<Decimal>,
    /// The national value as shown.
    pub national_shown: Option<String>,
    /// `Better`, `Similar`, `Worse`, `Higher`, `Lower` or `Not compared`.
    pub outcome: &'static str,
    /// The level at which the difference is significant, if any (`99.8%`).
    pub outcome_level: Option<&'static str>,
    /// The outcome as shown: "Worse (99.8%)".
    pub outcome_shown: String,
    /// The comparator lies at a limit of the interval, to its stated precision.
    pub at_limit: bool,
    /// The sentence: the comparison's, or why there is none.
    pub sentence: String,
    /// The funnel plot, when the comparators carry counts.
    pub funnel: Option<FunnelView>,
    /// The indicator's unit and display decimals, to show the funnel's values.
    #[serde(skip)]
    pub unit: Unit,
    /// Display decimals.
    #[serde(skip)]
    pub decimals: Option<u32>,
}

impl NationalShown {
    /// A row as shown, compared with `against`.
    pub fn of(row: &NationalRow, against: &str) -> NationalShown {
        let indicator = &row.indicator;
        let f = |v: Decimal| indicator.unit.format_value(v, indicator.decimals);
        let comparison = row.comparison.as_ref();
        let interval = comparison.and_then(|c| c.interval.as_ref());
        let outcome = comparison.map_or(ragstatus::Outcome::NotCompared, |c| c.outcome);
        let outcome_level = comparison.and_then(|c| c.level).map(|l| l.as_str());
        let mut outcome_shown = outcome.as_str().to_string();
        if let Some(level) = outcome_level {
            outcome_shown.push_str(&format!(" ({level})"));
        }
        if comparison.is_some_and(|c| c.at_limit) {
            outcome_shown.push_str(", at a limit");
        }
        let sentence = match (comparison, &row.why_not) {
            (Some(c), _) => c.explanation.clone().unwrap_or_else(|| c.sentence(against)),
            (None, Some(why)) => format!("Not compared with {against}: {why}."),
            (None, None) => format!("Not compared with {against}."),
        };
        let value = match (interval, row.counts) {
            (Some(ci), _) => Some(ci.value),
            (None, Some((x, n))) if !n.is_zero() => x
                .checked_mul(indicator.effective_multiplier())
                .and_then(|m| m.checked_div(n)),
            _ => None,
        };
        NationalShown {
            id: indicator.id.clone(),
            name: indicator.name.clone(),
            method: row.method.as_str(),
            numerator: row.counts.map(|(x, _)| x),
            denominator: row.counts.map(|(_, n)| n),
            value,
            value_shown: value.map(f),
            level: interval.map(|ci| ci.level.as_str()),
            lower: interval.map(|ci| ci.lower),
            upper: interval.map(|ci| ci.upper),
            interval_shown: interval.map(|ci| format!("{} to {}", f(ci.lower), f(ci.upper))),
            national: row.national,
            national_shown: row.national.map(f),
            outcome: outcome.as_str(),
            outcome_level,
            outcome_shown,
            at_limit: comparison.is_some_and(|c| c.at_limit),
            sentence,
            funnel: row.funnel.as_ref().map(FunnelView::of),
            unit: indicator.unit.clone(),
            decimals: indicator.decimals,
        }
    }

    /// A value as the report shows it (`92.1%`).
    pub fn show(&self, value: Decimal) -> String {
        self.unit.format_value(value, self.decimals)
    }
}

/// A funnel plot as the JSON carries it and the HTML draws it.
#[derive(Debug, Clone, Serialize)]
pub struct FunnelView {
    /// `proportion` or `rate`.
    pub statistic: &'static str,
    /// The multiplier of values and limits.
    pub multiplier: Decimal,
    /// The centre line: the national value, or the group's pooled average when
    /// `group_centre` is set.
    pub centre: Decimal,
    /// True when the centre is the pooled average of the units plotted, not the national value.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub group_centre: bool,
    /// The overdispersion estimate, when the definition asked for the adjustment.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dispersion: Option<ragstatus::funnel::Dispersion>,
    /// Every unit, this council last.
    pub units: Vec<FunnelUnitView>,
    /// Comparators not on the plot, each with the reason.
    pub left_out: Vec<String>,
    /// The funnel, for the limits at any denominator.
    #[serde(skip)]
    pub funnel: ragstatus::funnel::Funnel,
}

/// One unit of a funnel plot.
#[derive(Debug, Clone, Serialize)]
pub struct FunnelUnitView {
    /// The comparator's name, or "This council".
    pub name: String,
    /// True for this council.
    pub ours: bool,
    /// Events.
    pub numerator: Decimal,
    /// Population.
    pub denominator: Decimal,
    /// numerator / denominator × multiplier, exact.
    pub value: Decimal,
    /// `above`, `within` or `below`.
    pub position: &'static str,
    /// The highest level at which the unit is outside the funnel.
    pub level: Option<&'static str>,
    /// Better, Similar, Worse, Higher or Lower, by the polarity.
    pub outcome: &'static str,
}

impl FunnelView {
    /// The centre line's name: `against` (the national value) or "group average".
    pub fn centre_name<'s>(&self, against: &'s str) -> &'s str {
        if self.group_centre {
            "group average"
        } else {
            against
        }
    }

    /// The centre as words: "England's 95.0%", or "the group average of 93.1%", with `shown`
    /// the centre as the indicator shows values.
    pub fn centre_words(&self, against: &str, shown: &str) -> String {
        if self.group_centre {
            format!("the group average of {shown}")
        } else {
            format!("{against}'s {shown}")
        }
    }

    /// What the overdispersion adjustment did, as a clause for a caption; empty without it.
    pub fn dispersion_words(&self) -> String {
        match &self.dispersion {
            Some(d) if d.adjusted => format!(
                "; limits widened for overdispersion (φ = {}, τ² = {})",
                d.phi.normalize(),
                d.tau2.normalize()
            ),
            Some(d) => format!(
                "; no overdispersion found (φ = {}), limits unadjusted",
                d.phi.normalize()
            ),
            None => String::new(),
        }
    }

    /// A funnel as shown.
    pub fn of(plot: &FunnelPlot) -> FunnelView {
        let f = &plot.funnel;
        FunnelView {
            statistic: f.statistic.as_str(),
            multiplier: f.multiplier,
            centre: f.centre,
            group_centre: plot.centre == ragstatus::FunnelCentre::Group,
            dispersion: f.dispersion,
            units: plot
                .units
                .iter()
                .zip(&f.points)
                .enumerate()
                .map(|(i, ((name, x, n), p))| FunnelUnitView {
                    name: name.clone(),
                    ours: plot.ours == Some(i),
                    numerator: *x,
                    denominator: *n,
                    value: p.value,
                    position: p.position.as_str(),
                    level: p.level.map(|l| l.as_str()),
                    outcome: p.outcome.as_str(),
                })
                .collect(),
            left_out: plot.left_out.clone(),
            funnel: f.clone(),
        }
    }
}

/// An indicator's SPC analysis as the report shows it: the two icons in words, and the full
/// result (every point with its limits and rules) for the chart and the JSON.
#[derive(Debug, Clone, Serialize)]
pub struct SpcView {
    /// The variation icon: the last point's label.
    pub variation: Option<PointType>,
    /// The variation icon in words: "special cause improvement", "common cause variation".
    pub variation_label: String,
    /// The rule that gives the last point its label, if any.
    pub rule: Option<SpcRule>,
    /// The assurance icon against the target.
    pub assurance: Option<Assurance>,
    /// The assurance icon in words: "inconsistent (hit and miss)", or why there is none.
    pub assurance_label: String,
    /// The last segment's limits are trial limits (fewer than 12 points).
    pub trial_limits: bool,
    /// The report's SPC line: "SPC: special cause improvement (trend); assurance: inconsistent
    /// (hit and miss)".
    pub line: String,
    /// Why, in a sentence with values as the report shows them (`SpcResult::explained`).
    pub explanation: String,
    /// The analysis.
    pub result: SpcResult,
    /// The indicator's unit and display decimals, to show the chart's values.
    #[serde(skip)]
    pub unit: Unit,
    /// Display decimals.
    #[serde(skip)]
    pub decimals: Option<u32>,
}

impl SpcView {
    /// The analysis of an indicator in `unit` with `decimals` display decimals, as shown.
    pub fn of(result: &SpcResult, unit: &Unit, decimals: Option<u32>) -> SpcView {
        let last = result.points.last();
        let rule = last.and_then(|p| p.rules.first().copied());
        let variation_label = result
            .variation
            .map(|v| v.describe().to_string())
            .unwrap_or_else(|| "no values".to_string());
        let assurance_label = match result.assurance {
            Some(a) => assurance_words(a).to_string(),
            None if result.improvement == Improvement::Neutral => {
                "none (no better direction)".to_string()
            }
            None if result.target.is_none() => "none (no single target)".to_string(),
            None => "none (no process limits)".to_string(),
        };
        let segment = result.segments.last();
        let trial_limits = segment.is_some_and(|s| s.trial_limits);
        let mut line = format!("SPC: {variation_label}");
        if let Some(rule) = rule {
            line.push_str(&format!(" ({})", rule_words(rule)));
        }
        line.push_str(&format!("; assurance: {assurance_label}"));
        if let Some(s) = segment.filter(|s| s.trial_limits) {
            line.push_str(&format!("; trial limits ({} points)", s.points));
        }
        SpcView {
            variation: result.variation,
            variation_label,
            rule,
            assurance: result.assurance,
            assurance_label,
            trial_limits,
            line,
            explanation: result.explained(unit, decimals),
            result: result.clone(),
            unit: unit.clone(),
            decimals,
        }
    }

    /// A value as the report shows it (`92.1%`).
    pub fn show(&self, value: Decimal) -> String {
        self.unit.format_value(value, self.decimals)
    }
}

/// A target as shown: `95.0%`, or `87.0%–95.0%` for a range.
pub fn target_text(indicator: &Indicator, target: &Target) -> String {
    let f = |v: Decimal| indicator.unit.format_value(v, indicator.decimals);
    match target {
        Target::Value(v) => f(*v),
        Target::Range { low, high } => format!("{}–{}", f(*low), f(*high)),
    }
}

/// Arrow and words: `↑ Improving`. Arrows show better/worse, not up/down, so a falling "lower
/// is better" indicator shows ↑.
pub fn direction_label(direction: Direction) -> &'static str {
    match direction {
        Direction::Improving => "↑ Improving",
        Direction::NoChange => "→ No change",
        Direction::Worsening => "↓ Worsening",
        Direction::NotComparable => "– n/a",
    }
}

/// The name the JSON and CSV formats give a direction: `improving`, `no_change`, ...
pub fn direction_key(direction: Direction) -> &'static str {
    match direction {
        Direction::Improving => "improving",
        Direction::NoChange => "no_change",
        Direction::Worsening => "worsening",
        Direction::NotComparable => "not_comparable",
    }
}

fn direction_name<S: serde::Serializer>(direction: &Direction, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(direction_key(*direction))
}

fn optional_status_name<S: serde::Serializer>(
    status: &Option<Status>,
    s: S,
) -> Result<S::Ok, S::Error> {
    match status {
        Some(status) => s.serialize_str(status.as_str()),
        None => s.serialize_none(),
    }
}

/// The words of a rule: `outside the limits`, `trend`, `two of three`, `shift`, `longest run`.
pub fn rule_words(rule: SpcRule) -> &'static str {
    match rule {
        SpcRule::Outside => "outside the limits",
        SpcRule::Trend => "trend",
        SpcRule::TwoOfThree => "two of three beyond 2σ",
        SpcRule::Shift => "shift",
        SpcRule::LongestRun => "longest run (Anhøj)",
    }
}

/// The assurance icon in words, after the Making Data Count icons.
pub fn assurance_words(assurance: Assurance) -> &'static str {
    match assurance {
        Assurance::ConsistentPass => "consistently passing the target",
        Assurance::ConsistentFail => "consistently failing the target",
        Assurance::Inconsistent => "inconsistent (hit and miss)",
    }
}
