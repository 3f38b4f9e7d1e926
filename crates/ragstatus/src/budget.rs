//! Budget variance: forecast outturn against budget, rated Red / Amber / Green (SPEC §10).
//!
//! # Lines
//!
//! A [`BudgetLine`] has an id, a name, a group path, a [`LineKind`] (`expenditure`, `income` or
//! `net`), the current budget (the original may be kept beside it), an optional actual to date,
//! the forecast outturn, an optional previous forecast and the [`RatingBase`] it is rated
//! against. All amounts are in pounds. Expenditure and income amounts are positive magnitudes;
//! net lines carry their own sign (a net-income service has a negative net budget).
//!
//! - variance = forecast − budget;
//! - the variance is *adverse* when it raises net cost: above zero for expenditure and net lines,
//!   below zero for income lines (an income shortfall); otherwise favourable (or breakeven);
//! - variance % = variance ÷ |budget| × 100, rounded to two places for display (half away from
//!   zero); it is absent when the budget is zero. Ratings never use the rounded percentage: a
//!   percent threshold is turned into an exact amount of pounds first;
//! - movement = forecast − previous forecast, when the previous forecast is known.
//!
//! # Rating
//!
//! Each level of the roll-up has its [`LevelThresholds`]: an Amber and a Red [`Threshold`] on
//! the adverse amount, and optionally an underspend threshold on the favourable amount. A
//! threshold is a percent of the rating base, an absolute amount, or both joined by `either`
//! (the lower of the two: "5% or £0.100m, whichever is lower") or `both` (the higher: both must
//! be reached). It is *reached* when the amount is greater than or equal to it. The Amber
//! threshold defaults to [`Threshold::Any`]: any adverse amount.
//!
//! - not adverse (breakeven or favourable): Green; a favourable amount at or above the
//!   underspend threshold sets [`BudgetResult::significant_underspend`], and makes the status
//!   Amber when [`LevelThresholds::underspend_amber`] is set;
//! - adverse and the Red threshold reached: Red;
//! - adverse and the Amber threshold reached: Amber;
//! - otherwise Green.
//!
//! When the rating base is zero the percent part of a threshold does not apply: `either` and
//! `both` use their absolute amount alone; a percent-only threshold is then £0, so any adverse
//! amount reaches it.
//!
//! The rating base of a line is explicit: [`RatingBase::Gross`] (gross expenditure, or gross
//! income for an income line) or [`RatingBase::NetControllable`]. Percent thresholds are taken of
//! `base_budget` when it is given; otherwise of the line's own budget when the base matches its
//! kind (gross for expenditure and income lines, net controllable for net lines); a base that
//! does not match the kind without `base_budget` is an error, since guessing would change the
//! rating.
//!
//! # Roll-up
//!
//! [`roll_up`] sums every line up its group path to each group and to the fund (the root). Lines
//! enter totals as net cost: expenditure positive, income negative, net as signed. At every total
//! the variance, variance %, movement and rating are recomputed from the sums, with that level's
//! thresholds, on the net budget of the total; a parent's rating is never an average of its
//! children's. An actual, original budget or previous forecast is summed only when every line
//! below has one (a partial sum would mislead).
//!
//! Levels are listed from the top in [`BudgetSettings::levels`]: the first applies to the fund
//! total, the last to every line, and those between to group totals by depth (the first segment
//! of a group path is depth 1; groups deeper than the list use the deepest middle level; with
//! only two levels, group totals use the first). With the published key
//! `[fund, directorate, service]` each line is rated with the service thresholds, each
//! directorate (group) total with the directorate thresholds and the fund total with the fund
//! thresholds; a line with no group is still a service line.
//!
//! # Explanations
//!
//! Every result carries a [`BudgetExplanation`]: the rule that fired, the adverse amount, the
//! thresholds as applied, and one sentence such as "Forecast £47.0m against a budget of £46.3m:
//! overspend of £0.652m (1.4%), at or above the service threshold of £0.100m (lower than 5%):
//! Red". Money in sentences follows council reports: budgets and forecasts in £m to one place
//! from £1m up (`£47.0m`); variances, movements, thresholds and smaller budgets in £m to three
//! places, i.e. to the nearest £1,000 (`£0.652m`), from £100,000 up; amounts under £100,000 in
//! pounds with thousands separators (`£50,000`, `£443.50`). Percentages in sentences have one
//! place (`1.4%`), rounded from the exact value. When the Amber threshold is "any adverse
//! amount" the Red threshold is simply called "the threshold". The data fields hold the exact
//! figures; only the sentence rounds.
//!
//! # CSV
//!
//! [`read_budget_csv`] reads lines as councils publish them; see [its docs](read_budget_csv)
//! for the columns and amount forms, and [`parse_amount`] for one cell.
//!
//! ```
//! use ragstatus::budget::{roll_up, BudgetLine, BudgetSettings, LineKind, RatingBase};
//! use ragstatus::Status;
//! use rust_decimal_macros::dec;
//!
//! let line = BudgetLine::new("ASC-01", LineKind::Expenditure, RatingBase::Gross,
//!     dec!(46_315_000), dec!(46_967_000))
//!     .with_name("Older People")
//!     .with_group(["Adults and Health"]);
//! let report = roll_up(&[line], &BudgetSettings::default())?;
//! let result = &report.lines[0];
//! assert_eq!(result.variance, dec!(652_000));
//! assert_eq!(result.status, Status::Red);
//! assert_eq!(
//!     result.explanation.sentence,
//!     "Forecast £47.0m against a budget of £46.3m: overspend of £0.652m (1.4%), \
//!      at or above the service threshold of £0.100m (lower than 5%): Red"
//! );
//! // The directorate total is rated with the directorate's own £0.250m threshold.
//! assert_eq!(report.totals[1].level, "directorate");
//! assert_eq!(report.totals[1].status, Status::Red);
//! # Ok::<(), ragstatus::Error>(())
//! ```

mod amount;
mod csv;
mod money;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

use crate::error::{Error, ErrorKind, Result};
use crate::status::Status;

pub use self::amount::{AmountUnit, parse_amount, parse_percent};
pub use self::csv::{BudgetCsv, BudgetCsvOptions, DerivedColumns, read_budget_csv};

const HUNDRED: Decimal = Decimal::ONE_HUNDRED;

/// What a budget line counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LineKind {
    /// Spending, as a positive magnitude: an overspend is adverse.
    Expenditure,
    /// Income, as a positive magnitude: a shortfall is adverse.
    Income,
    /// Net cost (expenditure − income), signed: a rise is adverse.
    Net,
}

impl LineKind {
    /// The name as written: `expenditure`, `income`, `net`.
    pub fn as_str(self) -> &'static str {
        match self {
            LineKind::Expenditure => "expenditure",
            LineKind::Income => "income",
            LineKind::Net => "net",
        }
    }

    /// `amount` as a contribution to net cost: income counts negative.
    fn net_cost(self, amount: Decimal) -> Decimal {
        match self {
            LineKind::Income => -amount,
            LineKind::Expenditure | LineKind::Net => amount,
        }
    }
}

/// Which budget a line's percent thresholds are taken of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RatingBase {
    /// Gross expenditure (or gross income, for an income line).
    Gross,
    /// Net controllable budget.
    NetControllable,
}

impl RatingBase {
    /// The name as written: `gross`, `net_controllable`.
    pub fn as_str(self) -> &'static str {
        match self {
            RatingBase::Gross => "gross",
            RatingBase::NetControllable => "net_controllable",
        }
    }
}

/// One line of a budget-monitoring report. Amounts are in pounds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BudgetLine {
    /// Unique id, named in errors.
    pub id: String,
    /// Display name; the id when empty.
    #[serde(default)]
    pub name: String,
    /// Group path, outermost first (directorate, then any sub-groups); the fund is implicit.
    #[serde(default)]
    pub group: Vec<String>,
    /// Expenditure, income or net.
    pub kind: LineKind,
    /// What the percent thresholds are taken of.
    pub base: RatingBase,
    /// The current (revised) budget.
    pub budget: Decimal,
    /// The original budget, kept for reference; not used in the rating.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub original_budget: Option<Decimal>,
    /// Actual spend or income to date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actual: Option<Decimal>,
    /// Forecast outturn for the year.
    pub forecast: Decimal,
    /// The forecast outturn in the previous report, for the movement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_forecast: Option<Decimal>,
    /// The amount percent thresholds are taken of, when it is not the line's own budget (a net
    /// line rated against its gross expenditure, say).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_budget: Option<Decimal>,
    /// Free-text commentary.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl BudgetLine {
    /// A line with the required fields; the others empty.
    pub fn new(
        id: impl Into<String>,
        kind: LineKind,
        base: RatingBase,
        budget: Decimal,
        forecast: Decimal,
    ) -> Self {
        BudgetLine {
            id: id.into(),
            name: String::new(),
            group: Vec::new(),
            kind,
            base,
            budget,
            original_budget: None,
            actual: None,
            forecast,
            previous_forecast: None,
            base_budget: None,
            note: None,
        }
    }

    /// Sets the name.
    pub fn with_name(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }

    /// Sets the group path, outermost first.
    pub fn with_group<S: Into<String>>(mut self, group: impl IntoIterator<Item = S>) -> Self {
        self.group = group.into_iter().map(Into::into).collect();
        self
    }

    /// Sets the previous forecast.
    pub fn with_previous_forecast(mut self, previous: Decimal) -> Self {
        self.previous_forecast = Some(previous);
        self
    }

    /// Sets the base budget.
    pub fn with_base_budget(mut self, base: Decimal) -> Self {
        self.base_budget = Some(base);
        self
    }

    /// Checks the line: a non-empty id and group segments, non-negative magnitudes for
    /// expenditure and income, and a base amount that can be found.
    pub fn validate(&self) -> Result<()> {
        self.check().map_err(|e| e.with_indicator(self.id.clone()))
    }

    fn check(&self) -> Result<()> {
        if self.id.trim().is_empty() {
            return Err(Error::new(ErrorKind::Missing { field: "id".into() }));
        }
        if self.group.iter().any(|g| g.trim().is_empty()) {
            return Err(Error::invalid_value(
                format!("{:?}", self.group),
                "group path segments that are not empty",
            )
            .with_field("group"));
        }
        if self.kind != LineKind::Net {
            let amounts = [
                ("budget", Some(self.budget)),
                ("forecast", Some(self.forecast)),
                ("original_budget", self.original_budget),
                ("actual", self.actual),
                ("previous_forecast", self.previous_forecast),
            ];
            for (field, amount) in amounts {
                if let Some(amount) = amount.filter(|a| a.is_sign_negative() && !a.is_zero()) {
                    return Err(Error::invalid_value(
                        amount.to_string(),
                        format!(
                            "a positive magnitude for an {} line (use a net line for amounts that carry their own sign)",
                            self.kind.as_str()
                        ),
                    )
                    .with_field(field));
                }
            }
        }
        self.base_amount().map(|_| ())
    }

    /// The amount the line's percent thresholds are taken of (a magnitude).
    pub fn base_amount(&self) -> Result<Decimal> {
        if let Some(base) = self.base_budget {
            return Ok(base.abs());
        }
        match (self.base, self.kind) {
            (RatingBase::Gross, LineKind::Expenditure | LineKind::Income)
            | (RatingBase::NetControllable, LineKind::Net) => Ok(self.budget.abs()),
            (base, kind) => Err(Error::new(ErrorKind::Missing {
                field: format!(
                    "base_budget (a {} line rated on a {} base needs the {} budget)",
                    kind.as_str(),
                    base.as_str(),
                    if base == RatingBase::Gross {
                        "gross"
                    } else {
                        "net controllable"
                    }
                ),
            })
            .with_field("base_budget")),
        }
    }
}

/// A threshold on an adverse (or, for underspends, favourable) amount.
///
/// Written `"any"`, `{"percent": "5"}`, `{"absolute": "100000"}`,
/// `{"either": {"percent": "5", "absolute": "100000"}}` or `{"both": {...}}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Threshold {
    /// Reached by any amount above zero.
    #[default]
    Any,
    /// A percent of the rating base.
    Percent(Decimal),
    /// An amount in pounds.
    Absolute(Decimal),
    /// Reached when either part is: the lower of the two ("5% or £0.100m, whichever is lower").
    Either {
        /// Percent of the rating base.
        percent: Decimal,
        /// Amount in pounds.
        absolute: Decimal,
    },
    /// Reached only when both parts are: the higher of the two.
    Both {
        /// Percent of the rating base.
        percent: Decimal,
        /// Amount in pounds.
        absolute: Decimal,
    },
}

/// Which part of a threshold decided its amount.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Binding {
    /// [`Threshold::Any`]: any amount above zero.
    Any,
    /// The percent of the base.
    Percent,
    /// The absolute amount.
    Absolute,
}

impl Threshold {
    fn validate(&self) -> Result<()> {
        let parts = match *self {
            Threshold::Any => vec![],
            Threshold::Percent(p) => vec![("percent", p)],
            Threshold::Absolute(a) => vec![("absolute", a)],
            Threshold::Either { percent, absolute } | Threshold::Both { percent, absolute } => {
                vec![("percent", percent), ("absolute", absolute)]
            }
        };
        for (field, value) in parts {
            if value.is_sign_negative() && !value.is_zero() {
                return Err(
                    Error::invalid_value(value.to_string(), "a threshold of zero or more")
                        .with_field(field),
                );
            }
        }
        Ok(())
    }

    /// The amount in pounds that reaches this threshold on a rating base of `base` (a
    /// magnitude), and which part decided it. `None` for [`Threshold::Any`].
    pub fn amount(&self, base: Decimal) -> Result<(Option<Decimal>, Binding)> {
        let of_base = |percent: Decimal| -> Result<Decimal> {
            percent
                .checked_mul(base.abs())
                .and_then(|x| x.checked_div(HUNDRED))
                .ok_or_else(|| Error::overflow("percent threshold amount"))
        };
        let zero_base = base.is_zero();
        Ok(match *self {
            Threshold::Any => (None, Binding::Any),
            Threshold::Percent(p) => (Some(of_base(p)?), Binding::Percent),
            Threshold::Absolute(a) => (Some(a), Binding::Absolute),
            Threshold::Either { absolute, .. } | Threshold::Both { absolute, .. } if zero_base => {
                (Some(absolute), Binding::Absolute)
            }
            Threshold::Either { percent, absolute } => {
                let p = of_base(percent)?;
                if absolute <= p {
                    (Some(absolute), Binding::Absolute)
                } else {
                    (Some(p), Binding::Percent)
                }
            }
            Threshold::Both { percent, absolute } => {
                let p = of_base(percent)?;
                if absolute >= p {
                    (Some(absolute), Binding::Absolute)
                } else {
                    (Some(p), Binding::Percent)
                }
            }
        })
    }
}

fn any_threshold() -> Threshold {
    Threshold::Any
}

/// The thresholds of one level of the roll-up (service, directorate, fund...).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LevelThresholds {
    /// The level's name, used in explanations: "service", "directorate", "fund".
    pub name: String,
    /// Amber when an adverse amount reaches this; default any adverse amount.
    #[serde(default = "any_threshold")]
    pub amber: Threshold,
    /// Red when an adverse amount reaches this.
    pub red: Threshold,
    /// A favourable amount reaching this is a significant underspend.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub underspend: Option<Threshold>,
    /// Rate a significant underspend Amber instead of flagging it on a Green.
    #[serde(default)]
    pub underspend_amber: bool,
}

impl LevelThresholds {
    /// A level with an Amber threshold of any adverse amount and the given Red threshold.
    pub fn new(name: impl Into<String>, red: Threshold) -> Self {
        LevelThresholds {
            name: name.into(),
            amber: Threshold::Any,
            red,
            underspend: None,
            underspend_amber: false,
        }
    }

    /// Checks every threshold is zero or more and the name is not empty.
    pub fn validate(&self) -> Result<()> {
        if self.name.trim().is_empty() {
            return Err(Error::new(ErrorKind::Missing {
                field: "name".into(),
            }));
        }
        self.amber.validate().map_err(|e| e.with_field("amber"))?;
        self.red.validate().map_err(|e| e.with_field("red"))?;
        if let Some(u) = &self.underspend {
            u.validate().map_err(|e| e.with_field("underspend"))?;
        }
        Ok(())
    }
}

fn default_fund() -> String {
    "Total".into()
}

fn default_levels() -> Vec<LevelThresholds> {
    let either = |percent: i64, scale: u32, absolute: i64| Threshold::Either {
        percent: Decimal::new(percent, scale),
        absolute: Decimal::new(absolute, 0),
    };
    vec![
        LevelThresholds::new("fund", either(5, 1, 1_000_000)),
        LevelThresholds::new("directorate", either(5, 0, 250_000)),
        LevelThresholds::new("service", either(5, 0, 100_000)),
    ]
}

/// How budget lines roll up and are rated.
///
/// The default is a commonly published key: Amber for any overspend; Red for a service at
/// £0.100m or 5% (whichever is lower), a directorate total at £0.250m or 5%, the fund total at
/// £1.000m or 0.5%; no underspend threshold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BudgetSettings {
    /// The name of the root total.
    #[serde(default = "default_fund")]
    pub fund: String,
    /// Thresholds per level, from the top: the fund first.
    #[serde(default = "default_levels")]
    pub levels: Vec<LevelThresholds>,
}

impl Default for BudgetSettings {
    fn default() -> Self {
        BudgetSettings {
            fund: default_fund(),
            levels: default_levels(),
        }
    }
}

impl BudgetSettings {
    /// Checks there is at least one level and every level is valid.
    pub fn validate(&self) -> Result<()> {
        if self.levels.is_empty() {
            return Err(
                Error::definition("budget settings need at least one level").with_field("levels")
            );
        }
        for (i, level) in self.levels.iter().enumerate() {
            level
                .validate()
                .map_err(|e| e.with_field(format!("levels[{i}]")))?;
        }
        Ok(())
    }

    /// The thresholds every line is rated with: the last level.
    pub fn line_level(&self) -> Option<&LevelThresholds> {
        self.levels.last()
    }

    /// The thresholds of a total at `depth` (the fund is 0, a directorate 1): the first level for
    /// the fund, then the middle levels by depth, the deepest middle level repeating below them.
    pub fn total_level(&self, depth: usize) -> Option<&LevelThresholds> {
        let middle_end = self.levels.len().saturating_sub(1).max(1);
        self.levels.get(depth.min(middle_end.saturating_sub(1)))
    }
}

/// Whether a variance raises net cost.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VarianceDirection {
    /// Raises net cost: an overspend or an income shortfall.
    Adverse,
    /// Lowers net cost: an underspend or extra income.
    Favourable,
    /// Forecast equals budget.
    Breakeven,
}

/// Which rule decided a budget rating.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BudgetRule {
    /// Forecast equals budget: Green.
    Breakeven,
    /// Favourable, below any underspend threshold: Green.
    Favourable,
    /// Favourable at or beyond the underspend threshold: Green flagged, or Amber if configured.
    SignificantUnderspend,
    /// Adverse, but below the Amber threshold: Green.
    BelowAmber,
    /// Adverse, Amber threshold reached, Red not: Amber.
    AmberReached,
    /// Adverse, Red threshold reached: Red.
    RedReached,
}

/// What a threshold is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ThresholdRole {
    /// The Amber threshold.
    Amber,
    /// The Red threshold.
    Red,
    /// The significant-underspend threshold.
    Underspend,
}

/// A threshold as applied to one result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AppliedThreshold {
    /// The level whose threshold it is.
    pub level: String,
    /// Amber, Red or underspend.
    pub role: ThresholdRole,
    /// The threshold as defined.
    pub threshold: Threshold,
    /// The amount in pounds that reaches it; absent for "any amount".
    pub amount: Option<Decimal>,
    /// The part that decided the amount.
    pub binding: Binding,
    /// Whether the amount was reached.
    pub reached: bool,
}

/// Why a budget result has its status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BudgetExplanation {
    /// The rule that fired.
    pub rule: BudgetRule,
    /// The adverse amount (zero when not adverse), in pounds.
    pub adverse_amount: Decimal,
    /// The favourable amount (zero when not favourable), in pounds.
    pub favourable_amount: Decimal,
    /// The thresholds compared, in the order they were tried.
    pub thresholds: Vec<AppliedThreshold>,
    /// One plain-English sentence.
    pub sentence: String,
}

/// The evaluation of one line or one total.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BudgetResult {
    /// The line id; for a total its path joined with " > "; for the fund its name.
    pub id: String,
    /// The line name, or the last segment of a total's path, or the fund name.
    pub name: String,
    /// The group path of a line, or the path of a total (empty for the fund).
    pub path: Vec<String>,
    /// The name of the level whose thresholds applied.
    pub level: String,
    /// True for a total, false for a line.
    pub total: bool,
    /// The line's kind; `net` for totals.
    pub kind: LineKind,
    /// The line's rating base; `net_controllable` for totals.
    pub base: RatingBase,
    /// The amount percent thresholds were taken of.
    pub base_amount: Decimal,
    /// Current budget.
    pub budget: Decimal,
    /// Original budget, when known (for a total: when known for every line).
    pub original_budget: Option<Decimal>,
    /// Actual to date, when known (for a total: when known for every line).
    pub actual: Option<Decimal>,
    /// Forecast outturn.
    pub forecast: Decimal,
    /// Previous forecast, when known (for a total: when known for every line).
    pub previous_forecast: Option<Decimal>,
    /// forecast − budget.
    pub variance: Decimal,
    /// variance ÷ |budget| × 100 to two places; absent when the budget is zero.
    pub variance_percent: Option<Decimal>,
    /// Adverse, favourable or breakeven.
    pub direction: VarianceDirection,
    /// forecast − previous forecast.
    pub movement: Option<Decimal>,
    /// Whether the movement raised net cost (adverse), lowered it (favourable) or neither.
    pub movement_direction: Option<VarianceDirection>,
    /// Green, Amber or Red.
    pub status: Status,
    /// A favourable variance at or beyond the underspend threshold.
    pub significant_underspend: bool,
    /// The number of lines summed (1 for a line).
    pub line_count: usize,
    /// Ids of lines under this total left out because they are invalid (see the report errors).
    pub excluded: Vec<String>,
    /// Why.
    pub explanation: BudgetExplanation,
}

/// The sums behind one result.
#[derive(Debug, Clone, Default)]
struct Figures {
    budget: Decimal,
    forecast: Decimal,
    original: Option<Decimal>,
    actual: Option<Decimal>,
    previous: Option<Decimal>,
    base_amount: Decimal,
}

fn sub(a: Decimal, b: Decimal, what: &str) -> Result<Decimal> {
    a.checked_sub(b).ok_or_else(|| Error::overflow(what))
}

/// Evaluates one line with the given level's thresholds (no roll-up).
///
/// ```
/// use ragstatus::budget::{evaluate_line, BudgetLine, LevelThresholds, LineKind, RatingBase, Threshold};
/// use ragstatus::Status;
/// use rust_decimal_macros::dec;
///
/// let level = LevelThresholds::new("service", Threshold::Absolute(dec!(100_000)));
/// let income = BudgetLine::new("PK-1", LineKind::Income, RatingBase::Gross,
///     dec!(2_000_000), dec!(1_950_000));
/// let result = evaluate_line(&income, &level)?;
/// assert_eq!(result.variance, dec!(-50_000));
/// assert_eq!(result.status, Status::Amber); // an income shortfall is adverse
/// # Ok::<(), ragstatus::Error>(())
/// ```
pub fn evaluate_line(line: &BudgetLine, level: &LevelThresholds) -> Result<BudgetResult> {
    level.validate().map_err(|e| e.with_field("level"))?;
    line.validate()?;
    let figures = Figures {
        budget: line.budget,
        forecast: line.forecast,
        original: line.original_budget,
        actual: line.actual,
        previous: line.previous_forecast,
        base_amount: line.base_amount()?,
    };
    let name = if line.name.is_empty() {
        line.id.clone()
    } else {
        line.name.clone()
    };
    rate(
        Identity {
            id: line.id.clone(),
            name,
            path: line.group.clone(),
            total: false,
            kind: line.kind,
            base: line.base,
            explicit_base: line.base_budget.is_some(),
        },
        &figures,
        level,
        1,
        Vec::new(),
    )
    .map_err(|e| e.with_indicator(line.id.clone()))
}

struct Identity {
    id: String,
    name: String,
    path: Vec<String>,
    total: bool,
    kind: LineKind,
    base: RatingBase,
    explicit_base: bool,
}

fn rate(
    who: Identity,
    fig: &Figures,
    level: &LevelThresholds,
    line_count: usize,
    excluded: Vec<String>,
) -> Result<BudgetResult> {
    let variance = sub(fig.forecast, fig.budget, "variance")?;
    let exact_percent = if fig.budget.is_zero() {
        None
    } else {
        Some(
            variance
                .checked_mul(HUNDRED)
                .and_then(|v| v.checked_div(fig.budget.abs()))
                .ok_or_else(|| Error::overflow("variance percent"))?,
        )
    };
    let variance_percent = exact_percent.map(|p| {
        p.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
            .normalize()
    });
    let movement = match fig.previous {
        Some(previous) => Some(sub(fig.forecast, previous, "movement")?),
        None => None,
    };
    let movement_direction = movement.map(|m| direction_of(who.kind.net_cost(m)));
    // Net cost change: positive is adverse whatever the kind.
    let net_change = who.kind.net_cost(variance);
    let (direction, adverse_amount, favourable_amount) = if net_change.is_zero() {
        (VarianceDirection::Breakeven, Decimal::ZERO, Decimal::ZERO)
    } else if net_change.is_sign_positive() {
        (VarianceDirection::Adverse, net_change, Decimal::ZERO)
    } else {
        (VarianceDirection::Favourable, Decimal::ZERO, -net_change)
    };

    let apply =
        |role: ThresholdRole, threshold: Threshold, amount: Decimal| -> Result<AppliedThreshold> {
            let (limit, binding) = threshold.amount(fig.base_amount)?;
            let reached = match limit {
                None => amount > Decimal::ZERO,
                Some(limit) => amount >= limit,
            };
            Ok(AppliedThreshold {
                level: level.name.clone(),
                role,
                threshold,
                amount: limit,
                binding,
                reached,
            })
        };

    let mut thresholds = Vec::new();
    let mut significant_underspend = false;
    let (status, rule) = match direction {
        VarianceDirection::Breakeven => (Status::Green, BudgetRule::Breakeven),
        VarianceDirection::Favourable => match level.underspend {
            Some(threshold) => {
                let applied = apply(ThresholdRole::Underspend, threshold, favourable_amount)?;
                let reached = applied.reached;
                thresholds.push(applied);
                if reached {
                    significant_underspend = true;
                    let status = if level.underspend_amber {
                        Status::Amber
                    } else {
                        Status::Green
                    };
                    (status, BudgetRule::SignificantUnderspend)
                } else {
                    (Status::Green, BudgetRule::Favourable)
                }
            }
            None => (Status::Green, BudgetRule::Favourable),
        },
        VarianceDirection::Adverse => {
            let red = apply(ThresholdRole::Red, level.red, adverse_amount)?;
            let red_reached = red.reached;
            thresholds.push(red);
            if red_reached {
                (Status::Red, BudgetRule::RedReached)
            } else {
                let amber = apply(ThresholdRole::Amber, level.amber, adverse_amount)?;
                let amber_reached = amber.reached;
                thresholds.push(amber);
                if amber_reached {
                    (Status::Amber, BudgetRule::AmberReached)
                } else {
                    (Status::Green, BudgetRule::BelowAmber)
                }
            }
        }
    };

    let sentence = sentence(&SentenceParts {
        kind: who.kind,
        fig,
        variance_percent: exact_percent,
        direction,
        amount: adverse_amount.max(favourable_amount),
        level,
        thresholds: &thresholds,
        rule,
        status,
        movement,
        explicit_base: who.explicit_base,
        base: who.base,
    });

    Ok(BudgetResult {
        id: who.id,
        name: who.name,
        path: who.path,
        level: level.name.clone(),
        total: who.total,
        kind: who.kind,
        base: who.base,
        base_amount: fig.base_amount,
        budget: fig.budget,
        original_budget: fig.original,
        actual: fig.actual,
        forecast: fig.forecast,
        previous_forecast: fig.previous,
        variance,
        variance_percent,
        direction,
        movement,
        movement_direction,
        status,
        significant_underspend,
        line_count,
        excluded,
        explanation: BudgetExplanation {
            rule,
            adverse_amount,
            favourable_amount,
            thresholds,
            sentence,
        },
    })
}

fn direction_of(net_change: Decimal) -> VarianceDirection {
    if net_change.is_zero() {
        VarianceDirection::Breakeven
    } else if net_change.is_sign_positive() {
        VarianceDirection::Adverse
    } else {
        VarianceDirection::Favourable
    }
}

struct SentenceParts<'a> {
    kind: LineKind,
    fig: &'a Figures,
    variance_percent: Option<Decimal>,
    direction: VarianceDirection,
    amount: Decimal,
    level: &'a LevelThresholds,
    thresholds: &'a [AppliedThreshold],
    rule: BudgetRule,
    status: Status,
    movement: Option<Decimal>,
    explicit_base: bool,
    base: RatingBase,
}

fn describe_threshold(applied: &AppliedThreshold, base: Decimal) -> String {
    let zero_base = base.is_zero();
    let amount = applied.amount.unwrap_or_default();
    // Only for the wording "equal to" when both parts give the same amount.
    let percent_amount = |percent: Decimal| {
        percent
            .checked_mul(base)
            .and_then(|x| x.checked_div(HUNDRED))
    };
    match applied.threshold {
        Threshold::Any => "any amount".into(),
        Threshold::Absolute(a) => money::variance(a),
        Threshold::Percent(p) if zero_base => {
            format!("{} (£0: the base is zero)", money::percent_exact(p))
        }
        Threshold::Percent(p) => {
            format!("{} ({})", money::percent_exact(p), money::variance(amount))
        }
        Threshold::Either { percent, absolute } => match applied.binding {
            Binding::Percent => format!(
                "{} ({}, lower than {})",
                money::percent_exact(percent),
                money::variance(amount),
                money::variance(absolute)
            ),
            _ if !zero_base => format!(
                "{} ({} {})",
                money::variance(absolute),
                if percent_amount(percent) == Some(absolute) {
                    "equal to"
                } else {
                    "lower than"
                },
                money::percent_exact(percent)
            ),
            _ => format!(
                "{} (the base is zero, so {} does not apply)",
                money::variance(absolute),
                money::percent_exact(percent)
            ),
        },
        Threshold::Both { percent, absolute } => match applied.binding {
            Binding::Percent => format!(
                "{} and {} (both reached at {})",
                money::percent_exact(percent),
                money::variance(absolute),
                money::variance(amount)
            ),
            _ if !zero_base => format!(
                "{} and {} (both reached at {})",
                money::variance(absolute),
                money::percent_exact(percent),
                money::variance(amount)
            ),
            _ => format!(
                "{} (the base is zero, so {} does not apply)",
                money::variance(absolute),
                money::percent_exact(percent)
            ),
        },
    }
}

/// ", at or above the service threshold of £0.100m", or for a threshold of any amount
/// ", reaching the service threshold (any amount)".
fn reached_phrase(label: &str, applied: &AppliedThreshold, base: Decimal) -> String {
    if applied.threshold == Threshold::Any {
        format!(", reaching the {label} (any amount)")
    } else {
        format!(
            ", at or above the {label} of {}",
            describe_threshold(applied, base)
        )
    }
}

fn sentence(p: &SentenceParts<'_>) -> String {
    let base = p.fig.base_amount;
    let mut s = format!(
        "Forecast {} against a budget of {}",
        money::headline(p.fig.forecast),
        money::headline(p.fig.budget)
    );
    if p.explicit_base {
        s.push_str(&format!(
            " (rated on a {} base of {})",
            if p.base == RatingBase::Gross {
                "gross"
            } else {
                "net controllable"
            },
            money::headline(p.fig.base_amount)
        ));
    }
    s.push_str(": ");
    let noun = match (p.direction, p.kind) {
        (VarianceDirection::Breakeven, _) => None,
        (VarianceDirection::Adverse, LineKind::Income) => Some("income shortfall"),
        (VarianceDirection::Favourable, LineKind::Income) => Some("additional income"),
        (VarianceDirection::Adverse, _) => Some("overspend"),
        (VarianceDirection::Favourable, _) => Some("underspend"),
    };
    match noun {
        None => s.push_str("breakeven"),
        Some(noun) => {
            s.push_str(&format!("{noun} of {}", money::variance(p.amount)));
            match p.variance_percent {
                Some(pct) => s.push_str(&format!(" ({})", money::percent_1dp(pct.abs()))),
                None => s.push_str(" against a zero budget"),
            }
        }
    }
    let simple = p.level.amber == Threshold::Any;
    let name = &p.level.name;
    let find = |role| p.thresholds.iter().find(|t| t.role == role);
    match p.rule {
        BudgetRule::RedReached => {
            if let Some(red) = find(ThresholdRole::Red) {
                let label = if simple { "threshold" } else { "Red threshold" };
                s.push_str(&reached_phrase(&format!("{name} {label}"), red, base));
            }
        }
        BudgetRule::AmberReached => {
            if let (Some(red), Some(amber)) = (find(ThresholdRole::Red), find(ThresholdRole::Amber))
            {
                if simple {
                    s.push_str(&format!(
                        ", below the {name} threshold of {}",
                        describe_threshold(red, base)
                    ));
                } else {
                    s.push_str(&reached_phrase(
                        &format!("{name} Amber threshold"),
                        amber,
                        base,
                    ));
                    s.push_str(&format!(
                        ", below the Red threshold of {}",
                        describe_threshold(red, base)
                    ));
                }
            }
        }
        BudgetRule::BelowAmber => {
            if let Some(amber) = find(ThresholdRole::Amber) {
                s.push_str(&format!(
                    ", below the {name} Amber threshold of {}",
                    describe_threshold(amber, base)
                ));
            }
        }
        BudgetRule::SignificantUnderspend => {
            if let Some(u) = find(ThresholdRole::Underspend) {
                s.push_str(&reached_phrase(
                    &format!("{name} underspend threshold"),
                    u,
                    base,
                ));
            }
        }
        BudgetRule::Favourable | BudgetRule::Breakeven => {}
    }
    if let Some(movement) = p.movement {
        if movement.is_zero() {
            s.push_str("; forecast unchanged since the previous report");
        } else {
            let up = movement.is_sign_positive();
            let adverse = p.kind.net_cost(movement).is_sign_positive();
            s.push_str(&format!(
                "; forecast {} {} since the previous report ({})",
                if up { "up" } else { "down" },
                money::variance(movement.abs()),
                if adverse { "adverse" } else { "favourable" }
            ));
        }
    }
    s.push_str(&format!(": {}", p.status));
    if p.rule == BudgetRule::SignificantUnderspend {
        s.push_str(" (significant underspend)");
    }
    s
}

/// The roll-up of a set of budget lines.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BudgetReport {
    /// Every valid line, in input order.
    pub lines: Vec<BudgetResult>,
    /// The fund total first, then every group total in order of first appearance (a group
    /// before its sub-groups).
    pub totals: Vec<BudgetResult>,
    /// One error for each line left out (invalid, or a repeated id); the totals above it list
    /// it in [`BudgetResult::excluded`].
    #[serde(default)]
    pub errors: Vec<Error>,
}

impl BudgetReport {
    /// The result with this id: a line id, a total's path joined with " > ", or the fund name.
    pub fn get(&self, id: &str) -> Option<&BudgetResult> {
        self.lines
            .iter()
            .chain(self.totals.iter())
            .find(|r| r.id == id)
    }

    /// The fund total.
    pub fn fund(&self) -> Option<&BudgetResult> {
        self.totals.first()
    }
}

#[derive(Default)]
struct Node {
    path: Vec<String>,
    budget: Decimal,
    forecast: Decimal,
    original: Option<Decimal>,
    actual: Option<Decimal>,
    previous: Option<Decimal>,
    all_original: bool,
    all_actual: bool,
    all_previous: bool,
    line_count: usize,
    excluded: Vec<String>,
}

impl Node {
    fn new(path: Vec<String>) -> Self {
        Node {
            path,
            all_original: true,
            all_actual: true,
            all_previous: true,
            ..Node::default()
        }
    }

    fn add(&mut self, line: &BudgetLine) -> Result<()> {
        let add = |total: Decimal, amount: Decimal, what: &str| -> Result<Decimal> {
            total
                .checked_add(line.kind.net_cost(amount))
                .ok_or_else(|| Error::overflow(format!("the {what} total")))
        };
        let add_opt = |total: &mut Option<Decimal>,
                       all: &mut bool,
                       amount: Option<Decimal>,
                       what: &str|
         -> Result<()> {
            match amount {
                Some(amount) if *all => {
                    *total = Some(add(total.unwrap_or_default(), amount, what)?);
                }
                _ => {
                    *all = false;
                    *total = None;
                }
            }
            Ok(())
        };
        self.budget = add(self.budget, line.budget, "budget")?;
        self.forecast = add(self.forecast, line.forecast, "forecast")?;
        add_opt(
            &mut self.original,
            &mut self.all_original,
            line.original_budget,
            "original budget",
        )?;
        add_opt(
            &mut self.actual,
            &mut self.all_actual,
            line.actual,
            "actual",
        )?;
        add_opt(
            &mut self.previous,
            &mut self.all_previous,
            line.previous_forecast,
            "previous forecast",
        )?;
        self.line_count = self
            .line_count
            .checked_add(1)
            .ok_or_else(|| Error::overflow("line count"))?;
        Ok(())
    }
}

/// Evaluates every line and every total up the group paths (SPEC §10).
///
/// Invalid lines (and repeated ids) are left out of the sums and listed in
/// [`BudgetReport::errors`], each naming the line id; every total they would have entered lists
/// them in [`BudgetResult::excluded`]. Invalid settings, or sums that overflow, fail the whole
/// roll-up.
///
/// ```
/// use ragstatus::budget::{roll_up, BudgetLine, BudgetSettings, LineKind, RatingBase};
/// use ragstatus::Status;
/// use rust_decimal_macros::dec;
///
/// let lines = [
///     BudgetLine::new("A1", LineKind::Expenditure, RatingBase::Gross, dec!(2_000_000), dec!(2_090_000))
///         .with_group(["Adults"]),
///     BudgetLine::new("A2", LineKind::Expenditure, RatingBase::Gross, dec!(3_000_000), dec!(3_090_000))
///         .with_group(["Adults"]),
/// ];
/// let report = roll_up(&lines, &BudgetSettings::default())?;
/// // Each service is £90,000 over: below £0.100m and below 5%, so Amber.
/// assert_eq!(report.get("A1").map(|l| l.status), Some(Status::Amber));
/// assert_eq!(report.get("A2").map(|l| l.status), Some(Status::Amber));
/// // The directorate is £180,000 over: below its £0.250m threshold, still Amber.
/// assert_eq!(report.get("Adults").map(|l| l.variance), Some(dec!(180_000)));
/// assert_eq!(report.get("Adults").map(|l| l.status), Some(Status::Amber));
/// # Ok::<(), ragstatus::Error>(())
/// ```
pub fn roll_up(lines: &[BudgetLine], settings: &BudgetSettings) -> Result<BudgetReport> {
    roll_up_parallel(lines, settings, 1)
}

/// As [`roll_up`], with the lines rated on up to `threads` threads (0: as many as the machine
/// has). The report is the same: each line is rated alone, and the sums are added in order.
///
/// # Errors
///
/// As [`roll_up`].
pub fn roll_up_parallel(
    lines: &[BudgetLine],
    settings: &BudgetSettings,
    threads: usize,
) -> Result<BudgetReport> {
    settings.validate().map_err(|e| e.with_field("settings"))?;
    let mut nodes: Vec<Node> = vec![Node::new(Vec::new())];
    let mut index: foldhash::HashMap<Vec<String>, usize> = foldhash::HashMap::default();
    index.insert(Vec::new(), 0);
    let mut seen: foldhash::HashSet<&str> =
        foldhash::HashSet::with_capacity_and_hasher(lines.len(), Default::default());
    // Sized once: a result is a few hundred bytes, and regrowing moves them all.
    let mut results = Vec::with_capacity(lines.len());
    let mut errors = Vec::new();

    // A repeated id is decided in order; every other line is rated alone, so in any order.
    let repeated: Vec<bool> = lines
        .iter()
        .map(|line| !seen.insert(line.id.as_str()))
        .collect();
    let rate_line = |(line, repeated): (&BudgetLine, &bool)| -> Result<BudgetResult> {
        if *repeated {
            return Err(Error::new(ErrorKind::Duplicate {
                what: "budget line".into(),
                key: line.id.clone(),
            })
            .with_indicator(line.id.clone())
            .with_field("id"));
        }
        match settings.line_level() {
            Some(level) => evaluate_line(line, level),
            None => Err(Error::definition("budget settings need at least one level")),
        }
    };
    let threads = match threads {
        0 => std::thread::available_parallelism().map_or(1, usize::from),
        t => t,
    }
    .clamp(1, 64);
    let outcomes: Vec<Result<BudgetResult>> = if threads == 1 || lines.len() < 2 {
        lines.iter().zip(&repeated).map(rate_line).collect()
    } else {
        let size = lines.len().div_ceil(threads);
        std::thread::scope(|scope| {
            let handles: Vec<_> = lines
                .chunks(size)
                .zip(repeated.chunks(size))
                .map(|(chunk, flags)| {
                    let rate_line = &rate_line;
                    (
                        chunk.len(),
                        scope.spawn(move || {
                            chunk.iter().zip(flags).map(rate_line).collect::<Vec<_>>()
                        }),
                    )
                })
                .collect();
            let mut all = Vec::with_capacity(lines.len());
            for (len, handle) in handles {
                match handle.join() {
                    Ok(rated) => all.extend(rated),
                    // A thread that died: its lines are reported, never dropped.
                    Err(_) => all.extend((0..len).map(|_| {
                        Err(Error::definition(
                            "the line was not rated (an internal error)",
                        ))
                    })),
                }
            }
            all
        })
    };

    // Lines usually come grouped, so a line's nodes are most often the line before's: compared
    // first, the group path is hashed only when it changes.
    let mut group: Vec<String> = Vec::new();
    let mut node_ids: Vec<usize> = Vec::new();
    for (line, outcome) in lines.iter().zip(outcomes) {
        let same = node_ids.len() == line.group.len() + 1
            && line
                .group
                .iter()
                .map(|g| g.trim())
                .eq(group.iter().map(String::as_str));
        if !same {
            group = line.group.iter().map(|g| g.trim().to_string()).collect();
            node_ids.clear();
            for depth in 0..=group.len() {
                let path = group.get(..depth).unwrap_or_default();
                let id = match index.get(path) {
                    Some(&id) => id,
                    None => {
                        let path = path.to_vec();
                        nodes.push(Node::new(path.clone()));
                        let id = nodes.len().saturating_sub(1);
                        index.insert(path, id);
                        id
                    }
                };
                node_ids.push(id);
            }
        }
        match outcome {
            Ok(result) => {
                for &id in &node_ids {
                    if let Some(node) = nodes.get_mut(id) {
                        node.add(line)
                            .map_err(|e| e.with_indicator(line.id.clone()))?;
                    }
                }
                results.push(result);
            }
            Err(err) => {
                for &id in &node_ids {
                    if let Some(node) = nodes.get_mut(id) {
                        node.excluded.push(line.id.clone());
                    }
                }
                errors.push(err);
            }
        }
    }

    let mut totals = Vec::with_capacity(nodes.len());
    for node in nodes {
        let depth = node.path.len();
        let level = settings
            .total_level(depth)
            .ok_or_else(|| Error::definition("budget settings need at least one level"))?;
        let (id, name) = match node.path.last() {
            Some(last) => (node.path.join(" > "), last.clone()),
            None => (settings.fund.clone(), settings.fund.clone()),
        };
        let figures = Figures {
            budget: node.budget,
            forecast: node.forecast,
            original: node.original,
            actual: node.actual,
            previous: node.previous,
            base_amount: node.budget.abs(),
        };
        let result = rate(
            Identity {
                id: id.clone(),
                name,
                path: node.path,
                total: true,
                kind: LineKind::Net,
                base: RatingBase::NetControllable,
                explicit_base: false,
            },
            &figures,
            level,
            node.line_count,
            node.excluded,
        )
        .map_err(|e| e.with_indicator(id))?;
        totals.push(result);
    }
    Ok(BudgetReport {
        lines: results,
        totals,
        errors,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn settings_read_from_toml() {
        let text = r#"
            fund = "General Fund"

            [[levels]]
            name = "fund"
            red = { either = { percent = "0.5", absolute = "1000000" } }

            [[levels]]
            name = "directorate"
            red = { either = { percent = "5", absolute = "250000" } }

            [[levels]]
            name = "service"
            amber = "any"
            red = { either = { percent = "5", absolute = "100000" } }
            underspend = { absolute = "250000" }
            underspend_amber = false
        "#;
        let settings: BudgetSettings = toml::from_str(text).unwrap();
        let default = BudgetSettings::default();
        assert_eq!(settings.levels.len(), 3);
        assert_eq!(settings.levels[0], default.levels[0]);
        assert_eq!(settings.levels[1], default.levels[1]);
        assert_eq!(
            settings.levels[2].underspend,
            Some(Threshold::Absolute(dec!(250000)))
        );
        assert!(toml::from_str::<BudgetSettings>("levls = []").is_err());
        let empty = BudgetSettings {
            fund: "F".into(),
            levels: vec![],
        };
        assert!(empty.validate().is_err());
    }

    #[test]
    fn level_for_each_depth() {
        let mut settings = BudgetSettings::default();
        let names = |s: &BudgetSettings| {
            (0..4)
                .map(|d| s.total_level(d).map(|l| l.name.clone()).unwrap_or_default())
                .collect::<Vec<_>>()
        };
        assert_eq!(
            names(&settings),
            ["fund", "directorate", "directorate", "directorate"]
        );
        assert_eq!(
            settings.line_level().map(|l| l.name.as_str()),
            Some("service")
        );
        settings.levels.remove(1);
        assert_eq!(names(&settings), ["fund", "fund", "fund", "fund"]);
        settings.levels.remove(0);
        assert_eq!(
            names(&settings),
            ["service", "service", "service", "service"]
        );
    }

    #[test]
    fn results_round_trip_through_json() {
        let line = BudgetLine::new(
            "A",
            LineKind::Income,
            RatingBase::Gross,
            dec!(100),
            dec!(90),
        )
        .with_previous_forecast(dec!(95));
        let report = roll_up(std::slice::from_ref(&line), &BudgetSettings::default()).unwrap();
        let json = serde_json::to_string(&report).unwrap();
        let back: BudgetReport = serde_json::from_str(&json).unwrap();
        assert_eq!(back, report);
        let line_json = serde_json::to_string(&line).unwrap();
        assert_eq!(
            serde_json::from_str::<BudgetLine>(&line_json).unwrap(),
            line
        );
        assert!(
            serde_json::from_str::<BudgetLine>(
                r#"{"id":"A","kind":"net","base":"gross","budget":"1","forecast":"1","extra":1}"#
            )
            .is_err()
        );
    }

    #[test]
    fn overflowing_sums_are_errors() {
        let max = Decimal::MAX;
        let lines = [
            BudgetLine::new("A", LineKind::Expenditure, RatingBase::Gross, max, max),
            BudgetLine::new("B", LineKind::Expenditure, RatingBase::Gross, max, max),
        ];
        let err = roll_up(&lines, &BudgetSettings::default()).unwrap_err();
        assert!(matches!(err.kind(), ErrorKind::Overflow { .. }));
        assert_eq!(err.location().indicator.as_deref(), Some("B"));
        let net = BudgetLine::new("N", LineKind::Net, RatingBase::NetControllable, -max, max);
        let err = evaluate_line(&net, &LevelThresholds::new("s", Threshold::Any)).unwrap_err();
        assert!(matches!(err.kind(), ErrorKind::Overflow { .. }));
    }
}
