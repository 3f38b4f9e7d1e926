//! The icon summary: one row per indicator with its variation and assurance icons (SPEC §12,
//! NHS England "Making Data Count").
//!
//! A board reads the icon summary before any chart: for each indicator, is the latest change
//! more than the usual wobble (the *variation* icon), and will the process meet its target (the
//! *assurance* icon)? [`IconSummaryRow`] turns an [`SpcResult`] into those two icons as data
//! ([`VariationIcon`], [`AssuranceIcon`]: serde names, [`as_str`](VariationIcon::as_str)), as
//! text (a short [`label`](VariationIcon::label) and a [`sentence`](VariationIcon::sentence) a
//! councillor can read) and as inline SVG ([`svg`](VariationIcon::svg)).
//!
//! ```
//! use ragstatus::icons::{AssuranceIcon, IconSummaryRow, VariationIcon};
//! use ragstatus::spc::{spc, Improvement, SpcSettings};
//! use rust_decimal_macros::dec;
//!
//! let values = [
//!     dec!(50), dec!(51), dec!(49), dec!(50), dec!(52), dec!(48), dec!(50), dec!(51),
//!     dec!(49), dec!(50), dec!(53), dec!(54), dec!(53), dec!(52), dec!(53), dec!(54), dec!(53),
//! ];
//! let settings = SpcSettings {
//!     improvement: Improvement::Increase,
//!     target: Some(dec!(45)),
//!     ..SpcSettings::default()
//! };
//! let row = IconSummaryRow::of("AE-4", "Seen within four hours", &spc(&values, &settings)?);
//! assert_eq!(row.variation, VariationIcon::ImprovementHigh);
//! assert_eq!(row.assurance, AssuranceIcon::ConsistentPass);
//! assert!(row.variation.svg().contains("<title>"));
//! # Ok::<(), ragstatus::Error>(())
//! ```
//!
//! # Which icon
//!
//! - **Variation** comes from the last point's label and the indicator's improvement direction,
//!   as NHSRplotthedots picks its icon file: special cause improvement is *improvement high* for
//!   an indicator where higher is better and *improvement low* where lower is better; special
//!   cause concern is the opposite letter; neutral indicators give *neutral high* or *low*. When
//!   the last segment has no process limits (fewer than 2 points since the last rebase, or no
//!   points), no rule could fire and "common cause" would claim more than the data can say: the
//!   icon is [`VariationIcon::TooFewPoints`]. A **run chart** has no process limits by design:
//!   its icon comes from the Anhøj rules' labels (a run longer than its maximum is improvement
//!   or concern, SPEC §12a) once the last segment has 2 or more points, as an XmR chart's does
//!   once it has limits.
//! - **Assurance** is the core's [`Assurance`]; where it has none, the row says why: the
//!   indicator has no better direction ([`AssuranceIcon::NoBetterDirection`]), no single target
//!   ([`AssuranceIcon::NoTarget`]), a run chart, which has no process limits whatever its length
//!   ([`AssuranceIcon::NoLimits`]), or too few points for limits
//!   ([`AssuranceIcon::TooFewPoints`]), in that order.
//! - **Trial limits** (a last segment with fewer points than the trial threshold, 12 by default)
//!   keep both icons and set [`IconSummaryRow::trial_limits`], whose sentence says so.
//!
//! # The drawings
//!
//! Each icon is a small SVG of this crate's own: a shape in the Making Data Count colours (blue
//! improvement, orange concern, grey common cause, purple neutral, as NHSRplotthedots'
//! `ptd_spc_colours`) that also says its meaning without colour: improvement is a circle,
//! concern a diamond, neutral a rounded square, each with the letter H or L and an arrow
//! pointing up or down; common cause is a grey circle with a wave; assurance is a circle with P
//! (pass), a diamond with F (fail), a grey circle with a wave crossing a line (hit and miss);
//! "no icon" is a dashed outline with a dash. Every SVG has a `<title>` and `role="img"` for
//! screen readers.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::indicator::Indicator;
use crate::spc::{Assurance, ChartType, Improvement, PointType, SpcResult};

/// The variation icon of an indicator: what its latest point shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VariationIcon {
    /// Common cause variation: no significant change.
    CommonCause,
    /// Special cause of an improving nature, from higher values.
    ImprovementHigh,
    /// Special cause of an improving nature, from lower values.
    ImprovementLow,
    /// Special cause of a concerning nature, from higher values.
    ConcernHigh,
    /// Special cause of a concerning nature, from lower values.
    ConcernLow,
    /// Special cause, high, for an indicator with no better direction.
    NeutralHigh,
    /// Special cause, low, for an indicator with no better direction.
    NeutralLow,
    /// Nothing to judge the latest point against: fewer than 2 points in the last segment
    /// (no process limits; for a run chart, no run to speak of).
    TooFewPoints,
}

/// Every variation icon, in the order of the Making Data Count key.
pub const VARIATION_ICONS: [VariationIcon; 8] = [
    VariationIcon::CommonCause,
    VariationIcon::ImprovementHigh,
    VariationIcon::ImprovementLow,
    VariationIcon::ConcernHigh,
    VariationIcon::ConcernLow,
    VariationIcon::NeutralHigh,
    VariationIcon::NeutralLow,
    VariationIcon::TooFewPoints,
];

const BLUE: &str = "#00b0f0";
const ORANGE: &str = "#e46c0a";
const GREY: &str = "#a6a6a6";
const PURPLE: &str = "#490092";

impl VariationIcon {
    /// The icon for the last point's label (`None` for no points), for an indicator whose
    /// improvement direction is `improvement`, when the rules could judge the last segment or
    /// not (`judged`: it has process limits, or it is a run chart's segment of 2 or more
    /// points).
    pub fn of(
        point_type: Option<PointType>,
        improvement: Improvement,
        judged: bool,
    ) -> VariationIcon {
        let Some(point_type) = point_type.filter(|_| judged) else {
            return VariationIcon::TooFewPoints;
        };
        // The letter says which way the values moved: for an improvement that is the better
        // direction, for a concern the worse one. A neutral indicator only has neutral labels,
        // so the arms for improvement and concern never see `Neutral`; high is then as good a
        // reading as any and avoids a panic.
        let better_is_high = improvement != Improvement::Decrease;
        match point_type {
            PointType::CommonCause => VariationIcon::CommonCause,
            PointType::SpecialCauseImprovement if better_is_high => VariationIcon::ImprovementHigh,
            PointType::SpecialCauseImprovement => VariationIcon::ImprovementLow,
            PointType::SpecialCauseConcern if better_is_high => VariationIcon::ConcernLow,
            PointType::SpecialCauseConcern => VariationIcon::ConcernHigh,
            PointType::SpecialCauseNeutralHigh => VariationIcon::NeutralHigh,
            PointType::SpecialCauseNeutralLow => VariationIcon::NeutralLow,
        }
    }

    /// [`of`](Self::of) for a chart of type `chart` whose last segment has `points` points
    /// and process limits or not: judged when it has limits, or when it is a run chart's
    /// segment of 2 or more points.
    pub fn of_chart(
        point_type: Option<PointType>,
        improvement: Improvement,
        has_limits: bool,
        chart: ChartType,
        points: usize,
    ) -> VariationIcon {
        let judged = has_limits || (chart == ChartType::Run && points >= 2);
        VariationIcon::of(point_type, improvement, judged)
    }

    /// The icon of an analysis.
    pub fn of_result(result: &SpcResult) -> VariationIcon {
        VariationIcon::of_chart(
            result.variation,
            result.improvement,
            has_limits(result),
            result.chart,
            result.segments.last().map_or(0, |s| s.points),
        )
    }

    /// The snake_case name: `common_cause`, `improvement_high`, ..., `too_few_points`.
    pub fn as_str(self) -> &'static str {
        match self {
            VariationIcon::CommonCause => "common_cause",
            VariationIcon::ImprovementHigh => "improvement_high",
            VariationIcon::ImprovementLow => "improvement_low",
            VariationIcon::ConcernHigh => "concern_high",
            VariationIcon::ConcernLow => "concern_low",
            VariationIcon::NeutralHigh => "neutral_high",
            VariationIcon::NeutralLow => "neutral_low",
            VariationIcon::TooFewPoints => "too_few_points",
        }
    }

    /// Reads a name written by [`as_str`](Self::as_str).
    pub fn from_name(name: &str) -> Option<VariationIcon> {
        VARIATION_ICONS.into_iter().find(|i| i.as_str() == name)
    }

    /// A short label for a table cell: "Improvement (high)", "Common cause".
    pub fn label(self) -> &'static str {
        match self {
            VariationIcon::CommonCause => "Common cause",
            VariationIcon::ImprovementHigh => "Improvement (high)",
            VariationIcon::ImprovementLow => "Improvement (low)",
            VariationIcon::ConcernHigh => "Concern (high)",
            VariationIcon::ConcernLow => "Concern (low)",
            VariationIcon::NeutralHigh => "Special cause (high)",
            VariationIcon::NeutralLow => "Special cause (low)",
            VariationIcon::TooFewPoints => "Too few points",
        }
    }

    /// What the icon means, in a sentence a councillor can read.
    pub fn sentence(self) -> &'static str {
        match self {
            VariationIcon::CommonCause => {
                "Common cause variation: no significant change, the latest figures are within \
                 the range this process usually gives."
            }
            VariationIcon::ImprovementHigh => {
                "Special cause variation of an improving nature: the figures have risen by more \
                 than the usual ups and downs, and higher is better."
            }
            VariationIcon::ImprovementLow => {
                "Special cause variation of an improving nature: the figures have fallen by more \
                 than the usual ups and downs, and lower is better."
            }
            VariationIcon::ConcernHigh => {
                "Special cause variation of a concerning nature: the figures have risen by more \
                 than the usual ups and downs, and higher is worse."
            }
            VariationIcon::ConcernLow => {
                "Special cause variation of a concerning nature: the figures have fallen by more \
                 than the usual ups and downs, and lower is worse."
            }
            VariationIcon::NeutralHigh => {
                "Special cause variation, high: the figures have risen by more than the usual \
                 ups and downs; neither direction is better for this indicator."
            }
            VariationIcon::NeutralLow => {
                "Special cause variation, low: the figures have fallen by more than the usual \
                 ups and downs; neither direction is better for this indicator."
            }
            VariationIcon::TooFewPoints => {
                "No variation icon: there are too few points since the last change to the \
                 process (fewer than 2) to set process limits."
            }
        }
    }

    /// The text of the SVG's `<title>`.
    pub fn title(self) -> String {
        format!("Variation: {}", self.label().to_lowercase())
    }

    /// The icon as an inline SVG element (32 × 32 pixels), with a `<title>`.
    pub fn svg(self) -> String {
        let (shape, colour) = match self {
            VariationIcon::CommonCause => (Shape::Circle, GREY),
            VariationIcon::ImprovementHigh | VariationIcon::ImprovementLow => (Shape::Circle, BLUE),
            VariationIcon::ConcernHigh | VariationIcon::ConcernLow => (Shape::Diamond, ORANGE),
            VariationIcon::NeutralHigh | VariationIcon::NeutralLow => (Shape::Square, PURPLE),
            VariationIcon::TooFewPoints => (Shape::Empty, GREY),
        };
        let ink = ink(colour);
        let marks = match self {
            VariationIcon::CommonCause => wave(ink, 20),
            VariationIcon::ImprovementHigh
            | VariationIcon::ConcernHigh
            | VariationIcon::NeutralHigh => format!("{}{}", arrow(true, ink), letter("H", ink)),
            VariationIcon::ImprovementLow
            | VariationIcon::ConcernLow
            | VariationIcon::NeutralLow => format!("{}{}", arrow(false, ink), letter("L", ink)),
            VariationIcon::TooFewPoints => dash(),
        };
        svg(&self.title(), shape, colour, &marks)
    }
}

/// The assurance icon of an indicator: will the process meet its target?
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AssuranceIcon {
    /// The target lies beyond the process limits on the good side: it will be met every time.
    ConsistentPass,
    /// The target lies beyond the process limits on the bad side: it will be missed every time.
    ConsistentFail,
    /// The target lies within the process limits: hit and miss.
    Inconsistent,
    /// No icon: the indicator has no better direction, so no side of a target is a pass.
    NoBetterDirection,
    /// No icon: no single target to test against.
    NoTarget,
    /// No icon: no process limits (fewer than 2 points in the last segment).
    TooFewPoints,
    /// No icon: a run chart has a centre line (the median) but no process limits, so it cannot
    /// say whether a target will be met, however many points it has.
    NoLimits,
}

/// Every assurance icon, in the order of the Making Data Count key.
pub const ASSURANCE_ICONS: [AssuranceIcon; 7] = [
    AssuranceIcon::ConsistentPass,
    AssuranceIcon::Inconsistent,
    AssuranceIcon::ConsistentFail,
    AssuranceIcon::NoBetterDirection,
    AssuranceIcon::NoTarget,
    AssuranceIcon::TooFewPoints,
    AssuranceIcon::NoLimits,
];

impl AssuranceIcon {
    /// The icon for the core's assurance, or for its absence: for an indicator with no better
    /// direction, then without a target, then without process limits. For a chart of a type
    /// that may have limits; [`of_chart`](Self::of_chart) for any type.
    pub fn of(
        assurance: Option<Assurance>,
        improvement: Improvement,
        has_target: bool,
        has_limits: bool,
    ) -> AssuranceIcon {
        AssuranceIcon::of_chart(
            assurance,
            improvement,
            has_target,
            has_limits,
            ChartType::default(),
        )
    }

    /// [`of`](Self::of) for a chart of type `chart`: a run chart, which never has process
    /// limits, gives [`NoLimits`](Self::NoLimits) where another chart would give
    /// [`TooFewPoints`](Self::TooFewPoints), since more points would not give it limits.
    pub fn of_chart(
        assurance: Option<Assurance>,
        improvement: Improvement,
        has_target: bool,
        has_limits: bool,
        chart: ChartType,
    ) -> AssuranceIcon {
        match assurance {
            Some(Assurance::ConsistentPass) => AssuranceIcon::ConsistentPass,
            Some(Assurance::ConsistentFail) => AssuranceIcon::ConsistentFail,
            Some(Assurance::Inconsistent) => AssuranceIcon::Inconsistent,
            None if improvement == Improvement::Neutral => AssuranceIcon::NoBetterDirection,
            None if !has_target => AssuranceIcon::NoTarget,
            None if chart == ChartType::Run => AssuranceIcon::NoLimits,
            None if !has_limits => AssuranceIcon::TooFewPoints,
            // The core gives an assurance whenever there are a direction, a target and limits;
            // should that ever change, saying "too few points" would be wrong, "no target" less so.
            None => AssuranceIcon::NoTarget,
        }
    }

    /// The icon of an analysis.
    pub fn of_result(result: &SpcResult) -> AssuranceIcon {
        AssuranceIcon::of_chart(
            result.assurance,
            result.improvement,
            result.target.is_some(),
            has_limits(result),
            result.chart,
        )
    }

    /// The snake_case name: `consistent_pass`, `consistent_fail`, `inconsistent` (as the core's
    /// [`Assurance`]), `no_better_direction`, `no_target`, `too_few_points`, `no_limits`.
    pub fn as_str(self) -> &'static str {
        match self {
            AssuranceIcon::ConsistentPass => "consistent_pass",
            AssuranceIcon::ConsistentFail => "consistent_fail",
            AssuranceIcon::Inconsistent => "inconsistent",
            AssuranceIcon::NoBetterDirection => "no_better_direction",
            AssuranceIcon::NoTarget => "no_target",
            AssuranceIcon::TooFewPoints => "too_few_points",
            AssuranceIcon::NoLimits => "no_limits",
        }
    }

    /// Reads a name written by [`as_str`](Self::as_str).
    pub fn from_name(name: &str) -> Option<AssuranceIcon> {
        ASSURANCE_ICONS.into_iter().find(|i| i.as_str() == name)
    }

    /// True for the three icons that are shown (pass, fail, hit and miss).
    pub fn is_shown(self) -> bool {
        matches!(
            self,
            AssuranceIcon::ConsistentPass
                | AssuranceIcon::ConsistentFail
                | AssuranceIcon::Inconsistent
        )
    }

    /// A short label for a table cell: "Consistently passing", "Hit and miss".
    pub fn label(self) -> &'static str {
        match self {
            AssuranceIcon::ConsistentPass => "Consistently passing",
            AssuranceIcon::ConsistentFail => "Consistently failing",
            AssuranceIcon::Inconsistent => "Hit and miss",
            AssuranceIcon::NoBetterDirection => "None (no better direction)",
            AssuranceIcon::NoTarget => "None (no target)",
            AssuranceIcon::TooFewPoints => "None (too few points)",
            AssuranceIcon::NoLimits => "None (no limits on a run chart)",
        }
    }

    /// What the icon means, in a sentence a councillor can read.
    pub fn sentence(self) -> &'static str {
        match self {
            AssuranceIcon::ConsistentPass => {
                "The process will consistently meet the target: the target lies beyond the \
                 process limits on the good side."
            }
            AssuranceIcon::ConsistentFail => {
                "The process will consistently miss the target unless something changes: the \
                 target lies beyond the process limits on the bad side."
            }
            AssuranceIcon::Inconsistent => {
                "The process will sometimes meet the target and sometimes miss it: the target \
                 lies within the process limits."
            }
            AssuranceIcon::NoBetterDirection => {
                "No assurance icon: neither direction is better for this indicator, so no side \
                 of a target is a pass."
            }
            AssuranceIcon::NoTarget => {
                "No assurance icon: the indicator has no single target to test against."
            }
            AssuranceIcon::TooFewPoints => {
                "No assurance icon: there are too few points since the last change to the \
                 process (fewer than 2) to set process limits."
            }
            AssuranceIcon::NoLimits => {
                "No assurance icon: a run chart shows the median but no process limits, so it \
                 cannot say whether the target will be met."
            }
        }
    }

    /// The text of the SVG's `<title>`.
    pub fn title(self) -> String {
        format!("Assurance: {}", self.label().to_lowercase())
    }

    /// The icon as an inline SVG element (32 × 32 pixels), with a `<title>`.
    pub fn svg(self) -> String {
        let (shape, colour, marks) = match self {
            AssuranceIcon::ConsistentPass => (Shape::Circle, BLUE, letter("P", ink(BLUE))),
            AssuranceIcon::ConsistentFail => (Shape::Diamond, ORANGE, letter("F", ink(ORANGE))),
            AssuranceIcon::Inconsistent => (
                Shape::Circle,
                GREY,
                format!(
                    "<path d=\"M7 20h26\" stroke=\"{}\" stroke-width=\"2\" \
                     stroke-dasharray=\"3 2\"/>{}",
                    ink(GREY),
                    wave(ink(GREY), 20)
                ),
            ),
            AssuranceIcon::NoBetterDirection
            | AssuranceIcon::NoTarget
            | AssuranceIcon::TooFewPoints
            | AssuranceIcon::NoLimits => (Shape::Empty, GREY, dash()),
        };
        svg(&self.title(), shape, colour, &marks)
    }
}

/// One row of the icon summary: an indicator with its two icons.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IconSummaryRow {
    /// The indicator id.
    pub id: String,
    /// The indicator's name.
    pub name: String,
    /// The variation icon.
    pub variation: VariationIcon,
    /// The assurance icon.
    pub assurance: AssuranceIcon,
    /// The latest point's label (its period), when the points have labels.
    pub period: Option<String>,
    /// The latest value.
    pub value: Option<Decimal>,
    /// The target tested for assurance, if any.
    pub target: Option<Decimal>,
    /// The number of points in the series.
    pub points: usize,
    /// The last segment's limits are trial limits (fewer points than the trial threshold).
    pub trial_limits: bool,
    /// Both icons in sentences, with a caveat for trial limits.
    pub summary: String,
}

impl IconSummaryRow {
    /// The row of an indicator, from the analysis of its series.
    pub fn new(indicator: &Indicator, result: &SpcResult) -> IconSummaryRow {
        IconSummaryRow::of(&indicator.id, &indicator.name, result)
    }

    /// The row of any series with an id and a name.
    pub fn of(id: &str, name: &str, result: &SpcResult) -> IconSummaryRow {
        let variation = VariationIcon::of_result(result);
        let assurance = AssuranceIcon::of_result(result);
        let last_segment = result.segments.last();
        let trial_limits = has_limits(result) && last_segment.is_some_and(|s| s.trial_limits);
        let trial_points = last_segment.filter(|_| trial_limits).map(|s| s.points);
        let summary = IconSummaryRow::summary_of(variation, assurance, trial_points);
        let last = result.points.last();
        IconSummaryRow {
            id: id.to_string(),
            name: name.to_string(),
            variation,
            assurance,
            period: last.and_then(|p| p.label.clone()),
            value: last.map(|p| p.value),
            target: result.target,
            points: result.points.len(),
            trial_limits,
            summary,
        }
    }
}

impl IconSummaryRow {
    /// The row's sentence: both icons' sentences, then, when the last segment's limits are
    /// trial limits from `trial_points` points, a caveat.
    pub fn summary_of(
        variation: VariationIcon,
        assurance: AssuranceIcon,
        trial_points: Option<usize>,
    ) -> String {
        let mut summary = format!("{} {}", variation.sentence(), assurance.sentence());
        if let Some(points) = trial_points {
            summary.push_str(&format!(
                " The limits are trial limits, from only {points} point{}: read the icons with \
                 care.",
                if points == 1 { "" } else { "s" }
            ));
        }
        summary
    }
}

/// Whether the last segment has process limits.
fn has_limits(result: &SpcResult) -> bool {
    result
        .segments
        .last()
        .is_some_and(|s| s.limits.upper_process_limit.is_some())
}

#[derive(Clone, Copy)]
enum Shape {
    Circle,
    Diamond,
    Square,
    Empty,
}

/// The colour of marks drawn on a fill: black on the light fills, white on purple.
fn ink(fill: &str) -> &'static str {
    if fill == PURPLE { "#ffffff" } else { "#000000" }
}

fn svg(title: &str, shape: Shape, colour: &str, marks: &str) -> String {
    let body = match shape {
        Shape::Circle => format!(
            "<circle cx=\"20\" cy=\"20\" r=\"18\" fill=\"{colour}\" stroke=\"#3b3b3b\" \
             stroke-width=\"1\"/>"
        ),
        Shape::Diamond => format!(
            "<path d=\"M20 1 39 20 20 39 1 20z\" fill=\"{colour}\" stroke=\"#3b3b3b\" \
             stroke-width=\"1\"/>"
        ),
        Shape::Square => format!(
            "<rect x=\"3\" y=\"3\" width=\"34\" height=\"34\" rx=\"6\" fill=\"{colour}\" \
             stroke=\"#3b3b3b\" stroke-width=\"1\"/>"
        ),
        Shape::Empty => format!(
            "<circle cx=\"20\" cy=\"20\" r=\"17\" fill=\"#ffffff\" stroke=\"{colour}\" \
             stroke-width=\"2\" stroke-dasharray=\"4 3\"/>"
        ),
    };
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"mdc-icon\" role=\"img\" \
         aria-label=\"{title}\" width=\"32\" height=\"32\" viewBox=\"0 0 40 40\">\
         <title>{title}</title>{body}{marks}</svg>"
    )
}

fn letter(text: &str, ink: &str) -> String {
    format!(
        "<text x=\"20\" y=\"26\" text-anchor=\"middle\" font-family=\"Arial, Helvetica, \
         sans-serif\" font-size=\"16\" font-weight=\"bold\" fill=\"{ink}\">{text}</text>"
    )
}

fn arrow(up: bool, ink: &str) -> String {
    let d = if up {
        "M20 4 25 10H15z"
    } else {
        "M20 36 25 30H15z"
    };
    format!("<path d=\"{d}\" fill=\"{ink}\"/>")
}

fn wave(ink: &str, y: u32) -> String {
    format!(
        "<path d=\"M8 {y}c4-8 8-8 12 0s8 8 12 0\" fill=\"none\" stroke=\"{ink}\" \
         stroke-width=\"2.5\" stroke-linecap=\"round\"/>"
    )
}

fn dash() -> String {
    "<path d=\"M13 20h14\" stroke=\"#595959\" stroke-width=\"3\" stroke-linecap=\"round\"/>"
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spc::{SpcSettings, spc};
    use rust_decimal_macros::dec;

    fn steady() -> Vec<Decimal> {
        [50, 51, 49, 50, 52, 48, 50, 51, 49, 50, 51, 49]
            .into_iter()
            .map(Decimal::from)
            .collect()
    }

    fn rising() -> Vec<Decimal> {
        let mut values = steady();
        values.extend([53, 54, 53, 52, 53, 54, 53].map(Decimal::from));
        values
    }

    /// A P chart's limits are the points' own (they vary with the denominator): its icons read
    /// them, not the segment's XmR fields.
    #[test]
    fn per_point_limits_give_icons() {
        let settings = SpcSettings {
            chart: crate::spc::ChartType::P,
            improvement: Improvement::Increase,
            target: Some(dec!(0.99)),
            ..SpcSettings::default()
        };
        let x: Vec<Decimal> = [40, 42, 38, 41, 39, 40, 43, 37, 40, 41, 39, 40]
            .into_iter()
            .map(Decimal::from)
            .collect();
        let n = vec![Decimal::from(100); x.len()];
        let result = crate::spc::spc_chart::<&str>(&x, Some(&n), None, &settings).unwrap();
        let row = IconSummaryRow::of("P-1", "A proportion", &result);
        assert_eq!(row.variation, VariationIcon::CommonCause);
        assert_eq!(row.assurance, AssuranceIcon::ConsistentFail);
    }

    fn row(
        values: &[Decimal],
        improvement: Improvement,
        target: Option<Decimal>,
    ) -> IconSummaryRow {
        let settings = SpcSettings {
            improvement,
            target,
            ..SpcSettings::default()
        };
        IconSummaryRow::of("X-1", "An indicator", &spc(values, &settings).unwrap())
    }

    #[test]
    fn the_letter_follows_the_direction_of_the_values() {
        let up = rising();
        let down: Vec<Decimal> = up.iter().map(|v| -*v).collect();
        let cases = [
            (&up, Improvement::Increase, VariationIcon::ImprovementHigh),
            (&up, Improvement::Decrease, VariationIcon::ConcernHigh),
            (&up, Improvement::Neutral, VariationIcon::NeutralHigh),
            (&down, Improvement::Increase, VariationIcon::ConcernLow),
            (&down, Improvement::Decrease, VariationIcon::ImprovementLow),
            (&down, Improvement::Neutral, VariationIcon::NeutralLow),
            (&steady(), Improvement::Increase, VariationIcon::CommonCause),
        ];
        for (values, improvement, icon) in cases {
            assert_eq!(
                row(values, improvement, None).variation,
                icon,
                "{improvement:?}"
            );
        }
    }

    #[test]
    fn assurance_says_why_there_is_none() {
        let values = steady();
        assert_eq!(
            row(&values, Improvement::Increase, Some(dec!(45))).assurance,
            AssuranceIcon::ConsistentPass
        );
        assert_eq!(
            row(&values, Improvement::Decrease, Some(dec!(45))).assurance,
            AssuranceIcon::ConsistentFail
        );
        assert_eq!(
            row(&values, Improvement::Increase, Some(dec!(50))).assurance,
            AssuranceIcon::Inconsistent
        );
        assert_eq!(
            row(&values, Improvement::Neutral, Some(dec!(50))).assurance,
            AssuranceIcon::NoBetterDirection
        );
        assert_eq!(
            row(&values, Improvement::Increase, None).assurance,
            AssuranceIcon::NoTarget
        );
        let one = row(&[dec!(3)], Improvement::Increase, Some(dec!(2)));
        assert_eq!(one.assurance, AssuranceIcon::TooFewPoints);
        assert_eq!(one.variation, VariationIcon::TooFewPoints);
        assert!(!one.trial_limits, "no limits at all, so none to call trial");
        let none = row(&[], Improvement::Increase, Some(dec!(2)));
        assert_eq!(
            (none.variation, none.assurance, none.value, none.points),
            (
                VariationIcon::TooFewPoints,
                AssuranceIcon::TooFewPoints,
                None,
                0
            )
        );
    }

    fn run_chart(values: &[Decimal], target: Option<Decimal>) -> IconSummaryRow {
        let settings = SpcSettings {
            chart: ChartType::Run,
            improvement: Improvement::Increase,
            target,
            ..SpcSettings::default()
        };
        let result = crate::spc::spc_chart::<&str>(values, None, None, &settings).unwrap();
        IconSummaryRow::of("R-1", "A run chart", &result)
    }

    /// A run chart has no limits by design: its variation icon is the Anhøj rules' (SPEC
    /// §12a), not "too few points", and its assurance icon says the chart type has none.
    #[test]
    fn a_run_chart_reads_the_anhoj_rules_and_has_no_limits() {
        let mut values = steady();
        values.extend([55, 56, 57, 55, 56, 57, 58, 56, 57].map(Decimal::from));
        let long_run = run_chart(&values, Some(dec!(45)));
        assert_eq!(long_run.variation, VariationIcon::ImprovementHigh);
        assert_eq!(long_run.assurance, AssuranceIcon::NoLimits);
        assert!(!long_run.trial_limits, "no limits, so none to call trial");
        assert!(
            long_run.summary.contains("run chart"),
            "{}",
            long_run.summary
        );
        let wobble = run_chart(&steady(), Some(dec!(45)));
        assert_eq!(wobble.variation, VariationIcon::CommonCause);
        assert_eq!(wobble.assurance, AssuranceIcon::NoLimits);
        // Without a target or a better direction, those reasons come first, as for XmR.
        assert_eq!(
            run_chart(&steady(), None).assurance,
            AssuranceIcon::NoTarget
        );
        let one = run_chart(&[dec!(3)], Some(dec!(2)));
        assert_eq!(one.variation, VariationIcon::TooFewPoints);
        assert_eq!(one.assurance, AssuranceIcon::NoLimits);
        // An XmR chart of the same series has limits.
        assert_eq!(
            row(&steady(), Improvement::Increase, Some(dec!(45))).assurance,
            AssuranceIcon::ConsistentPass
        );
    }

    #[test]
    fn a_single_point_after_a_rebase_has_no_icon() {
        let mut values = steady();
        values.push(dec!(80));
        let settings = SpcSettings {
            rebase_at: vec![12],
            target: Some(dec!(45)),
            ..SpcSettings::default()
        };
        let row = IconSummaryRow::of("X", "X", &spc(&values, &settings).unwrap());
        assert_eq!(row.variation, VariationIcon::TooFewPoints);
        assert_eq!(row.assurance, AssuranceIcon::TooFewPoints);
    }

    #[test]
    fn trial_limits_keep_the_icons_and_say_so() {
        let values = &steady()[..6];
        let row = row(values, Improvement::Increase, Some(dec!(40)));
        assert_eq!(row.variation, VariationIcon::CommonCause);
        assert_eq!(row.assurance, AssuranceIcon::ConsistentPass);
        assert!(row.trial_limits);
        assert!(
            row.summary.ends_with(
                "The limits are trial limits, from only 6 points: read the icons with care."
            ),
            "{}",
            row.summary
        );
        let firm = super::tests::row(&steady(), Improvement::Increase, None);
        assert!(!firm.trial_limits);
        assert!(!firm.summary.contains("trial"));
    }

    #[test]
    fn row_carries_the_latest_point() {
        let settings = SpcSettings::default();
        let labels: Vec<String> = (1..=12).map(|m| format!("M{m}")).collect();
        let result = crate::spc::spc_with_labels(&steady(), &labels, &settings).unwrap();
        let row = IconSummaryRow::of("X-1", "Name", &result);
        assert_eq!(row.period.as_deref(), Some("M12"));
        assert_eq!(row.value, Some(dec!(49)));
        assert_eq!(row.points, 12);
        let json = serde_json::to_value(&row).unwrap();
        assert_eq!(json["variation"], "common_cause");
        assert_eq!(json["assurance"], "no_target");
    }

    #[test]
    fn names_round_trip_and_match_serde() {
        for icon in VARIATION_ICONS {
            assert_eq!(VariationIcon::from_name(icon.as_str()), Some(icon));
            assert_eq!(serde_json::to_value(icon).unwrap(), icon.as_str());
        }
        for icon in ASSURANCE_ICONS {
            assert_eq!(AssuranceIcon::from_name(icon.as_str()), Some(icon));
            assert_eq!(serde_json::to_value(icon).unwrap(), icon.as_str());
        }
        for a in [
            Assurance::ConsistentPass,
            Assurance::ConsistentFail,
            Assurance::Inconsistent,
        ] {
            let icon = AssuranceIcon::of(Some(a), Improvement::Increase, true, true);
            assert_eq!(serde_json::to_value(a).unwrap(), icon.as_str());
        }
        assert_eq!(VariationIcon::from_name("improvement"), None);
    }

    #[test]
    fn every_svg_is_titled_and_distinct_without_colour() {
        // The drawing alone, without its words or colours.
        let strip = |s: String| {
            let drawing = s.split("</title>").nth(1).unwrap_or_default().to_string();
            [BLUE, ORANGE, GREY, PURPLE, "#ffffff", "#000000"]
                .iter()
                .fold(drawing, |s, c| s.replace(c, ""))
        };
        let mut seen = std::collections::HashSet::new();
        for icon in VARIATION_ICONS {
            let svg = icon.svg();
            assert!(svg.starts_with("<svg ") && svg.ends_with("</svg>"));
            assert!(svg.contains(&format!("<title>{}</title>", icon.title())));
            assert!(
                seen.insert(strip(svg)),
                "{icon:?} reads like another without colour"
            );
        }
        for icon in ASSURANCE_ICONS.into_iter().filter(|i| i.is_shown()) {
            let svg = icon.svg();
            assert!(svg.contains(&format!("<title>{}</title>", icon.title())));
            assert!(
                seen.insert(strip(svg)),
                "{icon:?} reads like another without colour"
            );
        }
    }

    #[test]
    fn svg_snapshots() {
        let all: Vec<String> = VARIATION_ICONS
            .iter()
            .map(|i| format!("{}\n{}", i.as_str(), i.svg()))
            .chain(
                ASSURANCE_ICONS
                    .iter()
                    .map(|i| format!("{}\n{}", i.as_str(), i.svg())),
            )
            .collect();
        insta::assert_snapshot!(all.join("\n\n"));
    }
}
