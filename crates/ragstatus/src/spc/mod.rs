//! Statistical process control: is a change signal or noise? (SPEC §12, NHS "Making Data Count").
//!
//! RAG says whether a target was met; an XmR chart says whether the latest change is more than the
//! ordinary wobble of the process. [`spc`] takes a series of values (oldest first) and gives, for
//! every point, its mean, process limits, 2σ lines, moving range, the rules it triggers and its
//! label (special cause improvement / concern / neutral high / low, or common cause), and for the
//! series the *variation icon* (the last point's label) and the *assurance icon* against a target.
//!
//! ```
//! use ragstatus::spc::{spc, Improvement, PointType, SpcSettings};
//! use rust_decimal_macros::dec;
//!
//! let values = [
//!     dec!(50), dec!(51), dec!(49), dec!(50), dec!(52), dec!(48), dec!(50), dec!(51),
//!     dec!(49), dec!(50), dec!(53), dec!(54), dec!(53), dec!(52), dec!(53), dec!(54), dec!(53),
//! ];
//! let settings = SpcSettings { improvement: Improvement::Increase, ..SpcSettings::default() };
//! let result = spc(&values, &settings)?;
//! assert_eq!(result.variation, Some(PointType::SpecialCauseImprovement));
//! assert_eq!(
//!     result.points[16].explanation,
//!     "7 points in a row above the mean from point 11: special cause improvement"
//! );
//! # Ok::<(), ragstatus::Error>(())
//! ```
//!
//! # The calculation (matching NHSRplotthedots)
//!
//! The reference implementation is the R package NHSRplotthedots (`ptd_spc`); ragstatus follows
//! its semantics point for point, in exact decimal arithmetic instead of doubles:
//!
//! - **Segments.** `rebase_at` lists the zero-based indexes where a new segment starts (R's
//!   `rebase` dates). Limits and every rule are computed separately within each segment: a run
//!   never crosses a rebase point. Index 0 and repeated indexes are harmless; an index beyond the
//!   series is a [`Definition`](crate::ErrorKind::Definition) error.
//! - **Baseline.** By default the limits of a segment use all its points. With `fix_after` = k
//!   (k ≥ 12, as in R's `fix_after_n_points`) they use the first k points of each segment and are
//!   then held fixed for the rest of it. (R refuses to combine rebasing with a fixed baseline in
//!   some versions; here the baseline simply applies per segment.)
//! - **Moving ranges.** mRᵢ = |yᵢ − yᵢ₋₁| within the baseline; the first point of a segment has no
//!   moving range. The mean mR is their mean.
//! - **Screening** (`screen_outliers`, default on, as in R): moving ranges **at or above**
//!   3.267 × mean mR are dropped and the mean mR is recomputed once from those left. When the mean
//!   mR is 0 (a constant baseline) nothing is screened. *Deviation from R:* R drops every moving
//!   range of a constant baseline (0 is not below 0) and so reports no limits; ragstatus keeps
//!   them and the limits equal the mean.
//! - **Limits.** Process limits = mean ± 2.66 × mean mR; the 2σ lines = mean ± (2/3 × 2.66) ×
//!   mean mR. The factor 2/3 × 2.66 = 1.7733… has no finite decimal form, so ragstatus never
//!   forms it: with S the sum of the m moving ranges used, the half-widths are computed as
//!   (2.66 × S) / m and (5.32 × S) / (3 × m), each a single division rounded to nearest (ties to
//!   even) at the last of `Decimal`'s 28 significant digits; the mean (Σy / n) and the mean mR
//!   (S / m) are likewise single divisions, and screening compares m × mR with 3.267 × S, which
//!   involves no division at all. Everything else is exact, so limits that have a finite decimal
//!   form come out exactly (−3.0113795941, not −3.0113795941000…01). R works in doubles (about 16
//!   digits), so ragstatus matches R *to the printed precision* (R prints 7 significant digits),
//!   which the
//!   conformance vectors check.
//! - **Fewer than 2 points** in a segment: the mean is the value, there is no moving range and so
//!   no limits, no 2σ lines and no rule can fire; the explanation says so.
//!
//! # Rules (each a setting)
//!
//! Within a segment, with the side of the mean being the sign of y − mean:
//!
//! - **outside** — a point strictly above the upper or strictly below the lower process limit.
//! - **shift** — `shift_length` (default 7) or more points in a row on the same side of the mean.
//!   A point exactly on the mean breaks the run. Every point of the run is flagged.
//! - **trend** — `trend_length` (default 7) or more points in a row, each strictly above (or each
//!   strictly below) the one before. An equal value breaks the run. Every point is flagged. A
//!   point shared by a rising and a falling run (a peak or a trough) takes the direction of the
//!   later run, as in R.
//! - **two of three** — three consecutive points all on the same side of the mean (none on it), at
//!   least two of which are beyond the 2σ line on that side. Only the points beyond the 2σ line are
//!   flagged. As in R, a point beyond the *process* limit does not count towards the two unless
//!   `two_of_three_counts_outside` is set (it is then flagged as well, though `outside` labels it).
//!
//! Where rules overlap, the label comes from the first of outside > trend > two of three > shift
//! (as in NHSRplotthedots 0.2): the winning rule gives a direction (above the upper limit or below
//! the lower one; rising or falling; above or below the mean), and the [`Improvement`] setting
//! turns it into improvement or concern. `neutral` gives high / low. [`Polarity::Within`] counts
//! as neutral: within-range indicators have no better direction.
//!
//! # Icons
//!
//! - **Variation**: the label of the last point of the series.
//! - **Assurance** against `target`, from the limits of the last segment: for `increase`, a target
//!   strictly above the upper limit will consistently fail, strictly below the lower limit will
//!   consistently pass, and otherwise (including exactly on a limit) the process will
//!   inconsistently pass and fail; the mirror for `decrease`. None for `neutral`, without a target,
//!   or when the last segment has no limits.
//! - A segment with fewer than `trial_limit_points` (default 12) points has *trial* limits.
//!
//! # Results
//!
//! [`SpcResult`] holds every [`SpcPoint`] (value, segment, mean, limits, 2σ lines, moving range,
//! the rules that flag it in precedence order, its [`PointType`] and a sentence), every
//! [`SpcSegment`] with its [`XmrLimits`], every [`SpcSignal`] (one per outside point, run or
//! two-of-three cluster: "7 points in a row above the mean from 2015/16 Q1: special cause
//! improvement"), the two icons and a summary sentence. A signal's sentence gives the rule's own
//! meaning; a point's label comes from the rule that wins at that point.
//!
//! # The chart family (SPEC §12a, §12b)
//!
//! [`SpcSettings::chart`] picks the chart: XmR (above, the default), a run chart with the Anhøj
//! rules, or qicharts2's P, P′, U, U′, C, G and T charts; [`spc_chart`] takes the denominators of
//! the P and U charts, whose limits vary by point. [`SpcSettings::exclude`] leaves points out of
//! the lines and rules, with a reason, and [`SpcSettings::process_changes`] starts a segment with
//! a reason. [`SpcSettings::profile`] follows the Making Data Count tools' or the PowerBI-SPC
//! visual's reading of the rules where they differ from NHSRplotthedots.
//!
//! ```
//! use ragstatus::spc::{spc_chart, ChartType, SpcSettings};
//! use rust_decimal_macros::dec;
//!
//! let values = [dec!(1), dec!(1), dec!(2), dec!(1), dec!(9), dec!(8), dec!(9), dec!(9)];
//! let settings = SpcSettings { chart: ChartType::Run, ..SpcSettings::default() };
//! let result = spc_chart::<&str>(&values, None, None, &settings)?;
//! let runs = result.segments[0].runs.as_ref().ok_or("a run chart has a runs analysis")?;
//! assert_eq!((runs.useful_points, runs.crossings, runs.longest_run_max), (8, 1, 6));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Differences from NHSRplotthedots
//!
//! - A constant baseline keeps its (zero) moving ranges under screening, so its limits equal the
//!   mean instead of being missing.
//! - Rule lengths, the rules themselves and the two-of-three treatment of points beyond the limits
//!   are settings; with the defaults the labels are R's (the vectors check them against a line by
//!   line port of R's `ptd_calculate_point_type`).
//! - A fixed baseline may be combined with rebasing (it applies per segment).
//! - Where R's trend direction would read a flat step as "decreasing" (a trend ending where the
//!   next trend starts after an equal value), ragstatus uses each run's own direction.
//! - The default improvement direction is `increase`, as in R; pass the indicator's polarity with
//!   [`SpcSettings::for_polarity`].

mod analyse;
mod explain;
mod family;
pub(crate) mod lean;
pub(crate) mod rules;
mod xmr;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::{Error, ErrorKind, Result};
use crate::polarity::Polarity;

pub(crate) use analyse::Detail;
use analyse::analyse;
pub use xmr::xmr_limits;

/// Which direction of change is an improvement, for SPC (R's `improvement_direction`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Improvement {
    /// Higher values are better (R's default). Also read as `higher`.
    #[default]
    #[serde(alias = "higher")]
    Increase,
    /// Lower values are better. Also read as `lower`.
    #[serde(alias = "lower")]
    Decrease,
    /// Neither direction is better: special causes are labelled high or low. Also read as
    /// `within`.
    #[serde(alias = "within")]
    Neutral,
}

impl Improvement {
    /// The other direction: increase ↔ decrease; neutral stays neutral.
    pub fn reversed(self) -> Improvement {
        match self {
            Improvement::Increase => Improvement::Decrease,
            Improvement::Decrease => Improvement::Increase,
            Improvement::Neutral => Improvement::Neutral,
        }
    }

    /// The name used in definitions: `increase`, `decrease`, `neutral`.
    pub fn as_str(self) -> &'static str {
        match self {
            Improvement::Increase => "increase",
            Improvement::Decrease => "decrease",
            Improvement::Neutral => "neutral",
        }
    }
}

impl From<Polarity> for Improvement {
    /// `higher` → increase, `lower` → decrease, `within` → neutral (a range has no better
    /// direction).
    fn from(polarity: Polarity) -> Self {
        match polarity {
            Polarity::Higher => Improvement::Increase,
            Polarity::Lower => Improvement::Decrease,
            Polarity::Within => Improvement::Neutral,
        }
    }
}

/// The kind of chart (SPEC §12a): XmR (the default), a run chart, or one of qicharts2's
/// attribute and rare-event charts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChartType {
    /// Individuals and moving range, as NHSRplotthedots (§12).
    #[default]
    Xmr,
    /// Run chart: the median, no limits, the Anhøj rules.
    Run,
    /// Proportions: events out of a denominator per point.
    P,
    /// Laney's P′: the P chart widened by the variation between points.
    PPrime,
    /// Rates: counts per unit of exposure, a denominator per point.
    U,
    /// Laney's U′: the U chart widened by the variation between points.
    UPrime,
    /// Counts with a constant area of opportunity.
    C,
    /// Opportunities (cases, days) between rare events; the centre line is the median.
    G,
    /// Times between rare events, through the 1/3.6 power transform.
    T,
}

impl ChartType {
    /// Every chart type, in the order of SPEC §12a.
    pub const ALL: [ChartType; 9] = [
        ChartType::Xmr,
        ChartType::Run,
        ChartType::P,
        ChartType::PPrime,
        ChartType::U,
        ChartType::UPrime,
        ChartType::C,
        ChartType::G,
        ChartType::T,
    ];

    /// The name used in settings: `xmr`, `run`, `p`, `p_prime`, `u`, `u_prime`, `c`, `g`, `t`.
    pub fn as_str(self) -> &'static str {
        match self {
            ChartType::Xmr => "xmr",
            ChartType::Run => "run",
            ChartType::P => "p",
            ChartType::PPrime => "p_prime",
            ChartType::U => "u",
            ChartType::UPrime => "u_prime",
            ChartType::C => "c",
            ChartType::G => "g",
            ChartType::T => "t",
        }
    }

    /// Whether each point needs a denominator (P, P′, U, U′).
    pub fn takes_denominators(self) -> bool {
        matches!(
            self,
            ChartType::P | ChartType::PPrime | ChartType::U | ChartType::UPrime
        )
    }

    /// True for the default, XmR.
    pub fn is_xmr(&self) -> bool {
        *self == ChartType::Xmr
    }

    /// What the centre line is called in sentences: "the median" or "the mean".
    pub fn centre_name(self) -> &'static str {
        match self {
            ChartType::Run | ChartType::G => "the median",
            _ => "the mean",
        }
    }
}

/// A declared change to the process: limits are recalculated from `at` (zero-based), for
/// `reason`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProcessChange {
    /// Zero-based index of the first point of the new process.
    pub at: usize,
    /// Why the process changed ("new triage model").
    pub reason: String,
}

/// A point shown but left out of the centre line, the limits and the rules (a "ghosted" point).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Exclusion {
    /// Zero-based index of the point.
    pub at: usize,
    /// Why it is left out ("data collection fault").
    pub reason: String,
}

/// The Anhøj runs analysis of a segment (SPEC §12a; qicharts2 `runs.analysis`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunsAnalysis {
    /// Included points not on the centre line.
    pub useful_points: usize,
    /// The longest run of useful points on one side of the centre line.
    pub longest_run: usize,
    /// round(log₂ useful) + 3: a longer run signals.
    pub longest_run_max: usize,
    /// How often the useful points cross the centre line.
    pub crossings: usize,
    /// qbinom(0.05, useful − 1, ½): fewer crossings signal.
    pub crossings_min: usize,
    /// Whether either rule signals.
    pub signal: bool,
}

/// A named rule profile (SPEC §12b): the reference whose reading of the rules is followed
/// where the references differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleProfile {
    /// NHSRplotthedots (the default).
    #[default]
    Nhsr,
    /// NHS England's Making Data Count tools: a target exactly on a process limit is beyond it,
    /// and a point flagged both ways is an improvement.
    Mdc,
    /// The PowerBI-SPC custom visual: two of three counts the signed points beyond the 2σ
    /// lines (points beyond the process limits included), whatever side the third is on.
    Powerbi,
}

impl RuleProfile {
    /// The name used in settings: `nhsr`, `mdc`, `powerbi`.
    pub fn as_str(self) -> &'static str {
        match self {
            RuleProfile::Nhsr => "nhsr",
            RuleProfile::Mdc => "mdc",
            RuleProfile::Powerbi => "powerbi",
        }
    }

    /// True for the default, NHSRplotthedots.
    pub fn is_nhsr(&self) -> bool {
        *self == RuleProfile::Nhsr
    }
}

/// The settings of an SPC analysis. Every rule parameter is here, with the defaults of SPEC §12.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SpcSettings {
    /// Which direction is an improvement (default `increase`).
    pub improvement: Improvement,
    /// The target for the assurance icon, if any.
    pub target: Option<Decimal>,
    /// Compute each segment's limits from its first k points only (k ≥ 12), then hold them.
    pub fix_after: Option<usize>,
    /// Zero-based indexes at which a new segment (with its own limits) starts.
    pub rebase_at: Vec<usize>,
    /// Drop moving ranges at or above 3.267 × mean mR and recompute (default true).
    pub screen_outliers: bool,
    /// Apply the *outside the process limits* rule (default true).
    pub outside_rule: bool,
    /// Apply the *shift* rule (default true).
    pub shift_rule: bool,
    /// Points in a row on one side of the mean that make a shift (default 7; at least 2).
    pub shift_length: usize,
    /// Apply the *trend* rule (default true).
    pub trend_rule: bool,
    /// Points in a row each above (below) the one before that make a trend (default 7; at
    /// least 2).
    pub trend_length: usize,
    /// Apply the *two of three beyond 2σ* rule (default true).
    pub two_of_three_rule: bool,
    /// Whether points beyond the process limits count towards the two of three (default false,
    /// as in R).
    pub two_of_three_counts_outside: bool,
    /// Segments with fewer points than this have trial limits (default 12).
    pub trial_limit_points: usize,
    /// Decimal places for the numbers written in the explanations (limits, at most 28). When
    /// not given: two more than the most precise value, at most 7 significant digits, as R
    /// prints them. An indicator's analysis uses its display `decimals`, so that a percentage
    /// computed from a numerator and a denominator reads "85.8", not "85.79057". The numbers
    /// in the data (limits, means) are exact either way.
    pub display_decimals: Option<u32>,
    /// The chart type (default `xmr`).
    #[serde(skip_serializing_if = "ChartType::is_xmr")]
    pub chart: ChartType,
    /// Rebase points with a reason: each starts a new segment, which carries the reason.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub process_changes: Vec<ProcessChange>,
    /// Points shown but left out of the centre line, limits and rules, each with a reason.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub exclude: Vec<Exclusion>,
    /// Whose reading of the rules to follow where the references differ (default `nhsr`).
    #[serde(skip_serializing_if = "RuleProfile::is_nhsr")]
    pub profile: RuleProfile,
}

impl Default for SpcSettings {
    fn default() -> Self {
        SpcSettings {
            improvement: Improvement::Increase,
            target: None,
            fix_after: None,
            rebase_at: Vec::new(),
            screen_outliers: true,
            outside_rule: true,
            shift_rule: true,
            shift_length: 7,
            trend_rule: true,
            trend_length: 7,
            two_of_three_rule: true,
            two_of_three_counts_outside: false,
            trial_limit_points: 12,
            display_decimals: None,
            chart: ChartType::Xmr,
            process_changes: Vec::new(),
            exclude: Vec::new(),
            profile: RuleProfile::Nhsr,
        }
    }
}

impl SpcSettings {
    /// The defaults, with the improvement direction taken from an indicator's polarity.
    pub fn for_polarity(polarity: Polarity) -> Self {
        SpcSettings {
            improvement: polarity.into(),
            ..SpcSettings::default()
        }
    }

    /// The defaults of a profile: `mdc` does not screen moving ranges (the Excel tool has no
    /// screening); `powerbi` makes a trend of 5 points (its `trend_n` default). The other
    /// settings keep their defaults; the profile's own readings of the rules follow from
    /// `profile`.
    pub fn for_profile(profile: RuleProfile) -> Self {
        let defaults = SpcSettings::default();
        match profile {
            RuleProfile::Nhsr => defaults,
            RuleProfile::Mdc => SpcSettings {
                profile,
                screen_outliers: false,
                ..defaults
            },
            RuleProfile::Powerbi => SpcSettings {
                profile,
                trend_length: 5,
                ..defaults
            },
        }
    }

    /// Checks the settings for a series of `len` points.
    pub fn validate(&self, len: usize) -> Result<()> {
        if let Some(k) = self.fix_after
            && k < 12
        {
            return Err(Error::definition(format!(
                "fix_after is {k}; a fixed baseline needs at least 12 points"
            ))
            .with_field("fix_after"));
        }
        if self.shift_length < 2 {
            return Err(Error::definition(format!(
                "shift_length is {}; expected at least 2 (7 is usual, some trusts use 6)",
                self.shift_length
            ))
            .with_field("shift_length"));
        }
        if self.trend_length < 2 {
            return Err(Error::definition(format!(
                "trend_length is {}; expected at least 2 (7 is usual, some trusts use 6)",
                self.trend_length
            ))
            .with_field("trend_length"));
        }
        if let Some(d) = self.display_decimals
            && d > 28
        {
            return Err(
                Error::definition(format!("display_decimals is {d}; expected at most 28"))
                    .with_field("display_decimals"),
            );
        }
        if let Some(&bad) = self.rebase_at.iter().find(|&&i| i > 0 && i >= len) {
            return Err(Error::definition(format!(
                "rebase point {bad} is beyond the series of {len} points (indexes start at 0)"
            ))
            .with_field("rebase_at"));
        }
        for (k, change) in self.process_changes.iter().enumerate() {
            let field = format!("process_changes[{k}]");
            if change.at > 0 && change.at >= len {
                return Err(Error::definition(format!(
                    "process change at {} is beyond the series of {len} points (indexes start at 0)",
                    change.at
                ))
                .with_field(field));
            }
            if change.reason.trim().is_empty() {
                return Err(Error::definition("a process change needs a reason").with_field(field));
            }
            if self
                .process_changes
                .iter()
                .take(k)
                .any(|c| c.at == change.at)
            {
                return Err(Error::definition(format!(
                    "two process changes at point {}",
                    change.at
                ))
                .with_field(field));
            }
        }
        for (k, exclusion) in self.exclude.iter().enumerate() {
            let field = format!("exclude[{k}]");
            if exclusion.at >= len {
                return Err(Error::definition(format!(
                    "excluded point {} is beyond the series of {len} points (indexes start at 0)",
                    exclusion.at
                ))
                .with_field(field));
            }
            if exclusion.reason.trim().is_empty() {
                return Err(Error::definition("an excluded point needs a reason").with_field(field));
            }
            if self.exclude.iter().take(k).any(|e| e.at == exclusion.at) {
                return Err(
                    Error::definition(format!("point {} is excluded twice", exclusion.at))
                        .with_field(field),
                );
            }
        }
        Ok(())
    }
}

/// An SPC rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SpcRule {
    /// A point outside the process limits.
    Outside,
    /// A run of points each above (below) the one before.
    Trend,
    /// Two of three consecutive points beyond the same 2σ line.
    TwoOfThree,
    /// A run of points on the same side of the mean.
    Shift,
    /// A run chart's run on one side of the median longer than round(log₂ n) + 3 (Anhøj).
    LongestRun,
}

impl SpcRule {
    /// The name used in results: `outside`, `trend`, `two_of_three`, `shift`.
    pub fn as_str(self) -> &'static str {
        match self {
            SpcRule::Outside => "outside",
            SpcRule::Trend => "trend",
            SpcRule::TwoOfThree => "two_of_three",
            SpcRule::Shift => "shift",
            SpcRule::LongestRun => "longest_run",
        }
    }
}

/// The direction a rule points in: above the mean / rising (`high`) or below / falling (`low`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SignalDirection {
    /// Above the upper limit, above the mean, or rising.
    High,
    /// Below the lower limit, below the mean, or falling.
    Low,
}

/// The label of a point (R's `point_type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PointType {
    /// No rule fired: the ordinary variation of the process.
    CommonCause,
    /// A special cause in the better direction.
    SpecialCauseImprovement,
    /// A special cause in the worse direction.
    SpecialCauseConcern,
    /// A special cause, high, for a neutral indicator.
    SpecialCauseNeutralHigh,
    /// A special cause, low, for a neutral indicator.
    SpecialCauseNeutralLow,
}

impl PointType {
    /// The label of a special cause in `direction` for an indicator whose improvement is
    /// `improvement`.
    pub fn special_cause(direction: SignalDirection, improvement: Improvement) -> PointType {
        match (improvement, direction) {
            (Improvement::Neutral, SignalDirection::High) => PointType::SpecialCauseNeutralHigh,
            (Improvement::Neutral, SignalDirection::Low) => PointType::SpecialCauseNeutralLow,
            (Improvement::Increase, SignalDirection::High)
            | (Improvement::Decrease, SignalDirection::Low) => PointType::SpecialCauseImprovement,
            _ => PointType::SpecialCauseConcern,
        }
    }

    /// True for every label but common cause.
    pub fn is_special_cause(self) -> bool {
        self != PointType::CommonCause
    }

    /// The snake_case name: `common_cause`, `special_cause_improvement`, ...
    pub fn as_str(self) -> &'static str {
        match self {
            PointType::CommonCause => "common_cause",
            PointType::SpecialCauseImprovement => "special_cause_improvement",
            PointType::SpecialCauseConcern => "special_cause_concern",
            PointType::SpecialCauseNeutralHigh => "special_cause_neutral_high",
            PointType::SpecialCauseNeutralLow => "special_cause_neutral_low",
        }
    }

    /// The words used in explanations: "special cause improvement", "common cause variation", ...
    pub fn describe(self) -> &'static str {
        match self {
            PointType::CommonCause => "common cause variation",
            PointType::SpecialCauseImprovement => "special cause improvement",
            PointType::SpecialCauseConcern => "special cause concern",
            PointType::SpecialCauseNeutralHigh => "special cause variation (high)",
            PointType::SpecialCauseNeutralLow => "special cause variation (low)",
        }
    }
}

/// The assurance icon: will the process meet the target?
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Assurance {
    /// The target lies beyond the limits on the good side: the process will meet it every time.
    ConsistentPass,
    /// The target lies beyond the limits on the bad side: the process will miss it every time.
    ConsistentFail,
    /// The target lies within the limits: the process will sometimes meet it, sometimes not.
    Inconsistent,
}

/// The XmR limits of one baseline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct XmrLimits {
    /// The mean of the baseline values.
    pub mean: Decimal,
    /// The mean moving range after screening; none with fewer than 2 points.
    pub mean_moving_range: Option<Decimal>,
    /// mean − 2.66 × mean mR.
    pub lower_process_limit: Option<Decimal>,
    /// mean + 2.66 × mean mR.
    pub upper_process_limit: Option<Decimal>,
    /// mean − (2/3 × 2.66) × mean mR.
    pub lower_two_sigma: Option<Decimal>,
    /// mean + (2/3 × 2.66) × mean mR.
    pub upper_two_sigma: Option<Decimal>,
    /// The number of baseline values.
    pub baseline_points: usize,
    /// The number of moving ranges that make up the mean mR.
    pub moving_ranges_used: usize,
    /// The number of moving ranges dropped by screening.
    pub moving_ranges_screened: usize,
}

/// One segment of the series (between rebase points), with its limits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpcSegment {
    /// Index of the first point.
    pub start: usize,
    /// Index of the last point.
    pub end: usize,
    /// Number of points.
    pub points: usize,
    /// The limits, from the segment's baseline.
    pub limits: XmrLimits,
    /// True when the segment has fewer than `trial_limit_points` points.
    pub trial_limits: bool,
    /// The reason of the process change that starts the segment, if one was given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The Anhøj runs analysis (run charts).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub runs: Option<RunsAnalysis>,
}

/// One point of the series with its limits, rules and label.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpcPoint {
    /// Zero-based index in the series.
    pub index: usize,
    /// The point's label (period), if labels were given.
    pub label: Option<String>,
    /// The value.
    pub value: Decimal,
    /// Zero-based index of the segment.
    pub segment: usize,
    /// The segment's mean.
    pub mean: Decimal,
    /// The segment's lower process limit.
    pub lower_process_limit: Option<Decimal>,
    /// The segment's upper process limit.
    pub upper_process_limit: Option<Decimal>,
    /// The segment's lower 2σ line.
    pub lower_two_sigma: Option<Decimal>,
    /// The segment's upper 2σ line.
    pub upper_two_sigma: Option<Decimal>,
    /// |value − previous value| within the segment; none for a segment's first point.
    pub moving_range: Option<Decimal>,
    /// Whether the moving range went into the mean mR (inside the baseline and not screened out).
    pub moving_range_used: bool,
    /// The rules that flag this point, in precedence order.
    pub rules: Vec<SpcRule>,
    /// The label, from the first rule in `rules`.
    pub point_type: PointType,
    /// Why: the winning rule's sentence, or "common cause variation".
    pub explanation: String,
    /// The point's denominator (P, P′, U, U′ charts); its value is numerator / denominator.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub denominator: Option<Decimal>,
    /// Why the point is left out of the centre line, limits and rules, if it is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub excluded: Option<String>,
}

/// One occurrence of a rule: an outside point, a run, or a cluster of two-of-three points.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpcSignal {
    /// The rule.
    pub rule: SpcRule,
    /// Its direction.
    pub direction: SignalDirection,
    /// Index of the first flagged point.
    pub start: usize,
    /// Index of the last flagged point.
    pub end: usize,
    /// The number of points flagged.
    pub points: usize,
    /// What the rule means for the indicator (the label of points it wins).
    pub point_type: PointType,
    /// A sentence such as "7 points in a row above the mean from 2015/16 Q1: special cause
    /// improvement".
    pub explanation: String,
}

/// The result of an SPC analysis.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpcResult {
    /// The chart type.
    #[serde(default, skip_serializing_if = "ChartType::is_xmr")]
    pub chart: ChartType,
    /// The improvement direction used.
    pub improvement: Improvement,
    /// The target used for assurance, if any.
    pub target: Option<Decimal>,
    /// The segments, in order.
    pub segments: Vec<SpcSegment>,
    /// Every point, in order.
    pub points: Vec<SpcPoint>,
    /// Every rule occurrence, in order of rule precedence then position.
    pub signals: Vec<SpcSignal>,
    /// The variation icon: the last point's label (none for an empty series).
    pub variation: Option<PointType>,
    /// The assurance icon (none without a target, for neutral indicators, or without limits).
    pub assurance: Option<Assurance>,
    /// A summary for a report: the latest point, the assurance and any caveat.
    pub explanation: String,
}

/// Analyses a series (oldest first) with the given settings. Points are named "point 1",
/// "point 2", ... in explanations; see [`spc_with_labels`] to name them by period.
///
/// ```
/// use ragstatus::spc::{spc, Assurance, SpcSettings};
/// use ragstatus::Polarity;
/// use rust_decimal_macros::dec;
///
/// let values = [dec!(92.1), dec!(93.4), dec!(91.8), dec!(92.9), dec!(93.0), dec!(92.2)];
/// let settings = SpcSettings { target: Some(dec!(97)), ..SpcSettings::for_polarity(Polarity::Higher) };
/// let result = spc(&values, &settings)?;
/// assert_eq!(result.assurance, Some(Assurance::ConsistentFail));
/// assert!(result.segments[0].trial_limits);
/// # Ok::<(), ragstatus::Error>(())
/// ```
pub fn spc(values: &[Decimal], settings: &SpcSettings) -> Result<SpcResult> {
    analyse::<&str>(values, None, None, settings, Detail::FULL)
}

/// As [`spc`], with a label (such as a period, "2015/16 Q1") for each point, used in the results
/// and explanations. There must be one label per value.
///
/// ```
/// use ragstatus::spc::{spc_with_labels, SpcSettings};
/// use rust_decimal_macros::dec;
///
/// let values = [dec!(5), dec!(6), dec!(30)];
/// let labels = ["2015/16 Q1", "2015/16 Q2", "2015/16 Q3"];
/// let result = spc_with_labels(&values, &labels, &SpcSettings::default())?;
/// assert_eq!(result.points[2].label.as_deref(), Some("2015/16 Q3"));
/// # Ok::<(), ragstatus::Error>(())
/// ```
pub fn spc_with_labels<S: AsRef<str>>(
    values: &[Decimal],
    labels: &[S],
    settings: &SpcSettings,
) -> Result<SpcResult> {
    if labels.len() != values.len() {
        return Err(Error::new(ErrorKind::Length {
            column: "labels".into(),
            found: labels.len(),
            expected: values.len(),
        }));
    }
    analyse(values, None, Some(labels), settings, Detail::FULL)
}

/// Any chart of the family (SPEC §12a): `values` (numerators for P, P′, U and U′), one
/// denominator per value for those charts (none for the others), and optionally one label per
/// value.
///
/// ```
/// use ragstatus::spc::{spc_chart, ChartType, SpcSettings};
/// use rust_decimal_macros::dec;
///
/// let events = [dec!(12), dec!(15), dec!(9), dec!(14)];
/// let cases = [dec!(100), dec!(120), dec!(80), dec!(100)];
/// let settings = SpcSettings { chart: ChartType::P, ..SpcSettings::default() };
/// let result = spc_chart::<&str>(&events, Some(&cases), None, &settings)?;
/// assert_eq!(result.points[0].mean, dec!(0.125));
/// assert_eq!(result.points[0].value, dec!(0.12));
/// # Ok::<(), ragstatus::Error>(())
/// ```
pub fn spc_chart<S: AsRef<str>>(
    values: &[Decimal],
    denominators: Option<&[Decimal]>,
    labels: Option<&[S]>,
    settings: &SpcSettings,
) -> Result<SpcResult> {
    spc_chart_with(values, denominators, labels, settings, Detail::FULL)
}

/// [`spc_chart`], writing only the `detail` asked for (the bulk path's lean run).
pub(crate) fn spc_chart_with<S: AsRef<str>>(
    values: &[Decimal],
    denominators: Option<&[Decimal]>,
    labels: Option<&[S]>,
    settings: &SpcSettings,
    detail: Detail,
) -> Result<SpcResult> {
    if let Some(labels) = labels
        && labels.len() != values.len()
    {
        return Err(Error::new(ErrorKind::Length {
            column: "labels".into(),
            found: labels.len(),
            expected: values.len(),
        }));
    }
    analyse(values, denominators, labels, settings, detail)
}

#[cfg(test)]
mod tests {
    use super::explain::{Places, show};
    use super::rules::runs;
    use super::*;

    #[test]
    fn every_chart_type_is_listed_once() {
        // A new chart type must be given a place here, and then be found in `ALL` at it.
        let place = |c: ChartType| match c {
            ChartType::Xmr => 0,
            ChartType::Run => 1,
            ChartType::P => 2,
            ChartType::PPrime => 3,
            ChartType::U => 4,
            ChartType::UPrime => 5,
            ChartType::C => 6,
            ChartType::G => 7,
            ChartType::T => 8,
        };
        for (i, c) in ChartType::ALL.into_iter().enumerate() {
            assert_eq!(place(c), i, "{}", c.as_str());
        }
    }
    use rust_decimal_macros::dec;

    #[test]
    fn runs_finds_maximal_runs() {
        let keys = [Some(1), Some(1), None, Some(2), Some(2), Some(2), Some(1)];
        assert_eq!(runs(&keys, 2), vec![(0, 1, 1), (3, 5, 2)]);
        assert_eq!(runs(&keys, 3), vec![(3, 5, 2)]);
    }

    #[test]
    fn display_decimals_fix_the_places_in_sentences() {
        let values = [dec!(10), dec!(11), dec!(10), dec!(11), dec!(10), dec!(30)];
        let fixed = SpcSettings {
            display_decimals: Some(2),
            ..SpcSettings::default()
        };
        let result = spc(&values, &fixed).unwrap();
        let outside = result
            .signals
            .iter()
            .find(|s| s.rule == SpcRule::Outside && s.start == 5)
            .unwrap();
        let upper = result.segments[0].limits.upper_process_limit.unwrap();
        assert!(upper.scale() > 2);
        assert_eq!(
            outside.explanation,
            format!(
                "point 6 is above the upper process limit of {}: special cause improvement",
                upper.round_dp(2)
            )
        );
        // Fixed places keep trailing zeros; without them, at most 7 significant digits.
        assert_eq!(show(dec!(24), Places::Fixed(1)), "24.0");
        assert_eq!(show(dec!(85.7905718378), Places::Fixed(1)), "85.8");
        assert_eq!(show(dec!(0.05), Places::Fixed(1)), "0.1");
        assert_eq!(
            show(dec!(85.7905718378), Places::Significant(30)),
            "85.79057"
        );
        let too_many = SpcSettings {
            display_decimals: Some(29),
            ..SpcSettings::default()
        };
        let err = spc(&values, &too_many).unwrap_err();
        assert_eq!(err.location().field.as_deref(), Some("display_decimals"));
    }

    #[test]
    fn peak_shared_by_two_trends_takes_the_later_direction() {
        let values = [dec!(1), dec!(2), dec!(3), dec!(2), dec!(1)];
        let settings = SpcSettings {
            trend_length: 3,
            shift_rule: false,
            outside_rule: false,
            two_of_three_rule: false,
            ..SpcSettings::default()
        };
        let result = spc(&values, &settings).unwrap();
        let peak = &result.points[2];
        assert_eq!(peak.rules, vec![SpcRule::Trend]);
        assert_eq!(peak.point_type, PointType::SpecialCauseConcern);
        assert_eq!(
            result.points[1].point_type,
            PointType::SpecialCauseImprovement
        );
    }

    #[test]
    fn settings_refuse_unknown_fields_and_read_polarity_names() {
        assert!(serde_json::from_str::<SpcSettings>(r#"{"shift_lenght": 6}"#).is_err());
        let s: SpcSettings =
            serde_json::from_str(r#"{"improvement": "lower", "target": "95.5"}"#).unwrap();
        assert_eq!(s.improvement, Improvement::Decrease);
        assert_eq!(s.target, Some(dec!(95.5)));
        assert_eq!(s.shift_length, 7);
        assert_eq!(Improvement::from(Polarity::Within), Improvement::Neutral);
    }

    #[test]
    fn constant_screened_series_has_limits_at_the_mean() {
        let limits = xmr_limits(&[dec!(4); 5], true).unwrap();
        assert_eq!(limits.upper_process_limit, Some(dec!(4)));
        assert_eq!(limits.moving_ranges_screened, 0);
    }
}
