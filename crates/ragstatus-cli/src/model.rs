//! The report as data: what every output format renders.
//!
//! Building the report (from the library's results) and rendering it (as a table, Markdown,
//! HTML, JSON or CSV) are kept apart, so every format shows exactly the same figures. Numbers
//! are kept as exact decimals and as the text the report shows.

use ragstatus::funnel::Funnel;
use ragstatus::{
    Benchmark, BenchmarkMethod, Comparison, Decimal, Direction, Indicator, IndicatorResult,
    SpcResult, Status,
};
use serde::Serialize;

/// The whole quarterly report.
#[derive(Debug, Clone)]
pub struct Report {
    /// The report's title.
    pub title: String,
    /// The period reported, canonical label (`2015/16 Q3`).
    pub period: String,
    /// The labels of the periods in each indicator's history, oldest first.
    pub history_periods: Vec<String>,
    /// Section 1: performance summary, overall then per theme and directorate.
    pub summary: Vec<SummaryRow>,
    /// Section 2: ids of the exceptions (every Red, every worsening indicator), in report order.
    pub exceptions: Vec<String>,
    /// Section 3: every indicator.
    pub indicators: Vec<IndicatorRow>,
    /// One section per national value indicators are compared with ("Compared with England"),
    /// in order of first appearance; none when no definition asks for a comparison.
    pub national: Vec<NationalSection>,
    /// Appendix A: the budget position, when a budget file was given.
    pub budget: Option<BudgetSection>,
    /// The improvement plan, when a milestones file was given.
    pub milestones: Option<MilestoneSection>,
    /// Rows of the input files that could not be used, each with file and line.
    pub problems: Vec<String>,
}

/// One line of the performance summary.
#[derive(Debug, Clone, Serialize)]
pub struct SummaryRow {
    /// The group path: empty for the whole council, `[theme]`, `[theme, directorate]`.
    pub group: Vec<String>,
    /// Indicators in the group.
    pub indicators: usize,
    /// Counts by status.
    pub blue: usize,
    /// Green.
    pub green: usize,
    /// Amber.
    pub amber: usize,
    /// Red.
    pub red: usize,
    /// No data, no target or not due: reported but never rated.
    pub unrated: usize,
    /// Percent of the rated indicators that are Green or Blue (none if none is rated).
    pub percent_on_target: Option<Decimal>,
    /// Counts by headline direction of travel.
    pub improving: usize,
    /// No change.
    pub no_change: usize,
    /// Worsening.
    pub worsening: usize,
    /// Not comparable.
    pub not_comparable: usize,
}

impl SummaryRow {
    /// The label of the group: "All indicators", the theme, or "theme / directorate".
    pub fn label(&self) -> String {
        if self.group.is_empty() {
            "All indicators".to_string()
        } else {
            self.group.join(" / ")
        }
    }
}

/// One indicator for the period reported, as the core evaluated it: the definition, the
/// result, its history, its SPC analysis and its place among comparators. What each format
/// shows is made from these at the edge (`render`).
#[derive(Debug, Clone)]
pub struct IndicatorRow {
    /// The definition: id, name, group, unit and display decimals.
    pub indicator: Indicator,
    /// The evaluation for the period, with any override applied.
    pub result: IndicatorResult,
    /// The recent history, oldest first, aligned with [`Report::history_periods`].
    pub history: Vec<Option<Decimal>>,
    /// Statistical process control, for indicators whose definition enables it.
    pub spc: Option<SpcResult>,
    /// The position among comparators, when a comparators file gives values for the indicator.
    pub benchmark: Option<Benchmarked>,
    /// The figure is provisional.
    pub provisional: bool,
    /// The data note, if any.
    pub note: Option<String>,
}

/// An indicator with comparator values for the period.
#[derive(Debug, Clone)]
pub enum Benchmarked {
    /// No actual this period, so nothing to rank against this many comparators.
    NoActual {
        /// The comparators given.
        comparators: usize,
    },
    /// Rank, quartile, median and distance.
    Ranked(Benchmark),
}

impl IndicatorRow {
    /// The indicator id.
    pub fn id(&self) -> &str {
        &self.indicator.id
    }

    /// The status (a person's override where there is one).
    pub fn status(&self) -> Status {
        self.result.status
    }

    /// True for an exception: Red, or getting worse (the headline direction of travel).
    pub fn is_exception(&self) -> bool {
        self.result.status == Status::Red || self.result.direction == Direction::Worsening
    }
}

/// The indicators compared with one national value (SPEC §8a, §8b in the report).
#[derive(Debug, Clone)]
pub struct NationalSection {
    /// The name of the national value, as the definitions' `against` gives it (`England`).
    pub against: String,
    /// Every indicator whose definition asks for the comparison, in report order.
    pub rows: Vec<NationalRow>,
}

/// One indicator compared with a national value: the comparison, or why there is none.
#[derive(Debug, Clone)]
pub struct NationalRow {
    /// The definition (id, name, unit, display decimals).
    pub indicator: Indicator,
    /// How the intervals are computed.
    pub method: BenchmarkMethod,
    /// The national value, when the comparators file gives it.
    pub national: Option<Decimal>,
    /// The indicator's own numerator and denominator for the period.
    pub counts: Option<(Decimal, Decimal)>,
    /// The comparison, when one could be made (Not compared for a zero denominator).
    pub comparison: Option<Comparison>,
    /// Why the indicator is not compared, when it is not.
    pub why_not: Option<String>,
    /// The funnel plot of the comparator group, when its comparators carry counts.
    pub funnel: Option<FunnelPlot>,
}

/// A funnel plot of the comparator group and this council around the national value.
#[derive(Debug, Clone)]
pub struct FunnelPlot {
    /// Centre, limits and every unit's label.
    pub funnel: Funnel,
    /// What the centre line is: the national value or the group's average.
    pub centre: ragstatus::FunnelCentre,
    /// Each unit's name and counts, aligned with the funnel's points; this council is last.
    pub units: Vec<(String, Decimal, Decimal)>,
    /// The position of this council among the units, when it has counts.
    pub ours: Option<usize>,
    /// Comparators not on the plot, each with the reason.
    pub left_out: Vec<String>,
}

/// Appendix A.
#[derive(Debug, Clone, Serialize)]
pub struct BudgetSection {
    /// The unit every amount is in, e.g. "£'000".
    pub unit: String,
    /// Rows: for each fund, each directorate's lines then its total, then the fund's total.
    pub rows: Vec<BudgetRow>,
}

/// The level of a budget row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BudgetLevel {
    /// A service line.
    Line,
    /// A directorate's total within a fund.
    Directorate,
    /// A fund's total.
    Fund,
    /// The total of every fund.
    Total,
}

/// One row of Appendix A.
#[derive(Debug, Clone, Serialize)]
pub struct BudgetRow {
    /// Line, directorate total or fund total.
    pub level: BudgetLevel,
    /// The line id (lines only).
    pub id: Option<String>,
    /// The name shown.
    pub name: String,
    /// The fund.
    pub fund: String,
    /// The directorate (none for a fund total).
    pub directorate: Option<String>,
    /// Expenditure, income or net (lines only).
    pub kind: Option<String>,
    /// The current budget.
    pub budget: Decimal,
    /// The forecast outturn.
    pub forecast: Decimal,
    /// forecast − budget.
    pub variance: Decimal,
    /// variance / |budget| × 100, none when the budget is zero.
    pub variance_percent: Option<Decimal>,
    /// True when the variance raises net cost.
    pub adverse: bool,
    /// The change in forecast since the previous report.
    pub movement: Option<Decimal>,
    /// The rating.
    #[serde(serialize_with = "status_name")]
    pub status: Status,
    /// A favourable variance beyond the underspend threshold.
    pub significant_underspend: bool,
    /// The plain-English explanation of the rating.
    pub explanation: String,
    /// The line's note, if any.
    pub note: Option<String>,
}

/// The improvement plan.
#[derive(Debug, Clone, Serialize)]
pub struct MilestoneSection {
    /// The date the plan is assessed at.
    pub as_of: String,
    /// Rows, overdue and at risk first.
    pub rows: Vec<MilestoneRow>,
}

/// One action of the improvement plan.
#[derive(Debug, Clone, Serialize)]
pub struct MilestoneRow {
    /// The action id.
    pub id: String,
    /// What is to be done.
    pub action: String,
    /// Who owns it.
    pub owner: String,
    /// The due date.
    pub due: String,
    /// The date completed.
    pub completed: Option<String>,
    /// Percent complete.
    pub percent_complete: Option<Decimal>,
    /// `Overdue`, `AtRisk`, `OnTrack`, `Complete`, `CompleteLate`.
    pub state: String,
    /// The state as words.
    pub state_label: String,
    /// The RAG status of the state.
    #[serde(serialize_with = "status_name")]
    pub status: Status,
    /// The plain-English explanation of the state.
    pub explanation: String,
    /// The action's note, if any.
    pub note: Option<String>,
}

/// Serialises a status by its name (`Red`), as every format writes it.
pub fn status_name<S: serde::Serializer>(status: &Status, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(status.as_str())
}

/// Symbol and words for a status, so that it never depends on colour alone.
pub fn status_label(status: Status) -> &'static str {
    match status {
        Status::Blue => "★ Blue",
        Status::Green => "✔ Green",
        Status::Amber => "▲ Amber",
        Status::Red => "✖ Red",
        Status::NoData => "? No data",
        Status::NoTarget => "○ No target",
        Status::NotDue => "· Not due",
    }
}

/// A lower-case CSS class name for a status.
pub fn status_class(status: Status) -> &'static str {
    match status {
        Status::Blue => "blue",
        Status::Green => "green",
        Status::Amber => "amber",
        Status::Red => "red",
        Status::NoData => "nodata",
        Status::NoTarget => "notarget",
        Status::NotDue => "notdue",
    }
}

/// Formats a decimal with thousands separators and a fixed number of decimals, rounding half
/// away from zero as a spreadsheet does.
pub fn group_thousands(value: Decimal, decimals: u32) -> String {
    let rounded = value.round_dp_with_strategy(
        decimals,
        rust_decimal::RoundingStrategy::MidpointAwayFromZero,
    );
    let text = format!("{:.*}", decimals as usize, rounded.abs());
    let (int, frac) = match text.split_once('.') {
        Some((i, f)) => (i.to_string(), Some(f.to_string())),
        None => (text.clone(), None),
    };
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    let sign = if rounded.is_sign_negative() && !rounded.is_zero() {
        "-"
    } else {
        ""
    };
    match frac {
        Some(f) => format!("{sign}{grouped}.{f}"),
        None => format!("{sign}{grouped}"),
    }
}

/// An amount as a finance report shows it: thousands separators, negatives in brackets.
pub fn money(value: Decimal) -> String {
    let text = group_thousands(value.abs(), 0);
    if value.round_dp(0).is_sign_negative() && !value.round_dp(0).is_zero() {
        format!("({text})")
    } else {
        text
    }
}

/// A percent with one decimal, negatives in brackets; "n/a" when undefined.
pub fn percent(value: Option<Decimal>) -> String {
    match value {
        None => "n/a".to_string(),
        Some(v) => {
            let text = group_thousands(v.abs(), 1);
            if v.round_dp(1).is_sign_negative() && !v.round_dp(1).is_zero() {
                format!("({text}%)")
            } else {
                format!("{text}%")
            }
        }
    }
}

/// A unicode sparkline of the values (blank where a value is missing). Scaled exactly with
/// decimals; it only illustrates, never decides.
pub fn sparkline(values: &[Option<Decimal>]) -> String {
    const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let present: Vec<Decimal> = values.iter().flatten().copied().collect();
    let (Some(min), Some(max)) = (present.iter().min(), present.iter().max()) else {
        return String::new();
    };
    let range = max.checked_sub(*min).unwrap_or_default();
    values
        .iter()
        .map(|v| match v {
            None => ' ',
            Some(v) => {
                let level = scale(*v, *min, range, 7);
                BARS.get(level).copied().unwrap_or('▄')
            }
        })
        .collect()
}

/// The position of `value` in `[min, min + range]` on a scale of 0..=steps, rounded; the middle
/// when the range is zero.
pub fn scale(value: Decimal, min: Decimal, range: Decimal, steps: u32) -> usize {
    if range.is_zero() {
        return (steps / 2) as usize;
    }
    value
        .checked_sub(min)
        .and_then(|d| d.checked_mul(Decimal::from(steps)))
        .and_then(|d| d.checked_div(range))
        .map(|d| d.round())
        .and_then(|d| u32::try_from(d.mantissa() / 10i128.pow(d.scale())).ok())
        .map(|d| d.min(steps) as usize)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn thousands_and_brackets() {
        assert_eq!(group_thousands(d("1234567.891"), 1), "1,234,567.9");
        assert_eq!(group_thousands(d("999"), 0), "999");
        assert_eq!(group_thousands(d("-1000"), 0), "-1,000");
        assert_eq!(group_thousands(d("0.05"), 1), "0.1");
        assert_eq!(money(d("-3250")), "(3,250)");
        assert_eq!(money(d("49120")), "49,120");
        assert_eq!(percent(Some(d("-2.345"))), "(2.3%)");
        assert_eq!(percent(None), "n/a");
    }

    #[test]
    fn sparkline_scales_and_gaps() {
        assert_eq!(
            sparkline(&[Some(d("1")), None, Some(d("8")), Some(d("4.5"))]),
            "▁ █▅"
        );
        assert_eq!(sparkline(&[Some(d("5")), Some(d("5"))]), "▄▄");
        assert_eq!(sparkline(&[None]), "");
    }
}
