//! Indicators: a definition, and its evaluation for one period from a series of observations
//! (SPEC §2, §3, §6, §7).
//!
//! An [`Indicator`] says what is measured (unit, polarity, frequency, aggregation, multiplier,
//! rounding), what it is compared with (a [`TargetSpec`] per fiscal year, tolerance, optional
//! custom scheme, stretch) and how its direction of travel is judged. [`Indicator::evaluate`]
//! turns a [`Series`] of observations into an [`IndicatorResult`] for one period: the actual,
//! the target in force, the status with its explanation, and the direction of travel against
//! the previous period and the same period a year before.
//!
//! ```
//! use ragstatus::{Definitions, Observation, Status, Direction, Series};
//! use rust_decimal_macros::dec;
//!
//! let defs = Definitions::from_toml_str(r#"
//!     [[indicator]]
//!     id = "SW-01"
//!     name = "Children with a Personal Education Plan"
//!     unit = "percent"
//!     polarity = "higher"
//!     decimals = 1
//!     tolerance = { absolute = "2" }
//!     [[indicator.target]]
//!     year = "2015/16"
//!     value = "45"
//! "#)?;
//! let indicator = defs.get("SW-01").ok_or("SW-01 is not defined")?;
//! let q2 = defs.calendar.parse("2015/16 Q2")?;
//! let q3 = defs.calendar.parse("2015/16 Q3")?;
//! let series = Series::from([
//!     (q2, Observation::value(dec!(42.0))),
//!     (q3, Observation::value(dec!(44.1))),
//! ]);
//! let result = indicator.evaluate(q3, &series)?;
//! assert_eq!(result.status, Status::Amber);
//! assert_eq!(result.direction, Direction::Improving);
//! assert_eq!(
//!     result.sentence(),
//!     "44.1% is 0.9 points below the target of 45.0%, within the 2.0-point tolerance: Amber; \
//!      up 2.1 points from 42.0% in 2015/16 Q2: improving"
//! );
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Evaluating a period
//!
//! Observations are recorded per period of the indicator's **frequency** (months for a
//! monthly indicator, quarters for a quarterly one); observations for periods of other lengths
//! are ignored here. The readers of [`input`](crate::input) never let one through: a label of
//! the wrong length is an error row there ([`read_period`](crate::input::read_period)). For a
//! period `P` evaluated:
//!
//! - **Less often than `P`** (an annual indicator at Q2, a quarterly one at M05): `NotDue`,
//!   except in the last `P` of the indicator's own period (Q4 for an annual indicator, Q2 and
//!   Q4 for a half-yearly one, M03 for a quarterly one), when the indicator is due and is
//!   measured over its own period (the year, the half, the quarter).
//! - **As often as `P`**: the observation for `P`.
//! - **More often than `P`** (a monthly indicator at a quarter): the months of `P` combined by
//!   the indicator's [`Aggregation`].
//!
//! With `basis = "year_to_date"` the actual is the year to date instead: every period of the
//! indicator's frequency from the start of the fiscal year to the end of the measured period,
//! combined by the aggregation (`sum` for cumulative counts, `ratio` for a percentage over the
//! year so far). The basis defaults to `year_to_date` when a target uses an `even` or `weights`
//! profile (those give year-to-date targets, SPEC §3) and to `period` otherwise.
//!
//! An aggregate needs every period it combines: with all of them missing the actual is missing
//! (`NoData`, "no value recorded"); with some missing it is `NoData` with the reason "values are
//! missing for part of the period" — a partial quarter is never rated as if it were whole.
//!
//! The **rounding** rule, if any, is applied to the actual (and to the values compared for the
//! direction of travel) before comparison.
//!
//! The **target in force** is the [`TargetSpec`] whose `year` is the fiscal year of the
//! measured period; a spec without a year applies to every year that has none of its own. The
//! target for position `k` of `n` of the measured period in its year comes from the spec's
//! profile. No spec for the year, or a spec without a target, gives `NoTarget` (data only).
//!
//! The **direction of travel** compares like with like: the same measure (period or year to
//! date, rounded the same way) for the period before the measured period and for the same
//! period a year before. For cumulative year-to-date *sums* the comparison with the previous
//! period is always a rise, so such indicators should use `compare = "year_ago"`. For `within`
//! the range in force for the measured period is used for both values. The headline
//! [`direction`](IndicatorResult::direction) follows the indicator's [`DirectionSettings`]:
//! by regression over the last `n` measured periods if `regression = n` is set, by the recent
//! trend if `trend = "recent"` is set, else against the chosen comparison.
//!
//! The **recent trend** (SPEC §7, §8a) is Fingertips' chi-squared test for trend over five
//! points a year apart: the measured period and the same period in each of the four years
//! before (the five years for an annual indicator; the same quarter of five years for a
//! quarterly one), each point the count and denominator of its measure (the fraction given; a
//! `ratio` aggregate's sums; a `last` aggregate's last part). A significant increase or
//! decrease is `Improving` or `Worsening` by the polarity, no significant change is
//! `NoChange`, and the test's "cannot be calculated" is `NotComparable` with its reason in the
//! [`trend`](IndicatorResult::trend)'s reason. A period without a value (or with a zero
//! denominator) is a gap that ends the run; a point given as a value, combined by another
//! aggregation, or with a count outside 0 ≤ count ≤ denominator is "not a proportion". The
//! test's figures are in [`recent_trend`](IndicatorResult::recent_trend).
//!
//! # Statistical process control
//!
//! An indicator whose definition says `spc = true` (or gives an [`IndicatorSpc`] table) can be
//! analysed with an XmR chart ([`Indicator::spc`], SPEC §12, see the [`spc`](mod@crate::spc) module):
//!
//! - **The series** is the indicator's own periods (months for a monthly indicator), each with
//!   its own value — the observation resolved with the multiplier and rounded by the rounding
//!   rule — from the first recorded up to the last that ends by the end of the period
//!   evaluated. Periods of other lengths, periods with no value (a zero denominator) and
//!   missing periods are left out: the chart joins the points it has, and the labels show the
//!   gap. A year-to-date indicator is analysed on its period values, not the cumulative
//!   totals (a running total is not a stable process).
//! - **The settings** are the defaults with the improvement direction from the polarity
//!   (`within` is neutral: no better side), and the definition's `baseline` (fix the limits
//!   after the first k ≥ 12 points), `rebase` (period labels from which the limits are
//!   recalculated: the segment starts at the first point that starts on or after the rebase
//!   period starts; a rebase period after the last point applies later), `shift` and `trend`
//!   lengths and `screen_outliers`.
//! - **The target** for the assurance icon is the target in force for the last point when it
//!   is a single value and the profile is not cumulative (`even` and `weights` give
//!   year-to-date targets, which period values cannot be compared with). A range target
//!   (`within`) gives no assurance.

use std::cell::Cell;
use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::comparison::{IndicatorBenchmark, Preference};
use crate::direction::{
    Compare, Direction, DirectionSettings, Travel, TrendMethod, by_regression, compare,
};
use crate::error::{Error, Result};
use crate::period::{FiscalCalendar, Period, PeriodKind};
use crate::polarity::Polarity;
use crate::rating::{Rating, Rule, rate};
use crate::recent_trend::{
    Judgement, ProportionPoint, RecentTrend, TrendMarker, recent_trend_proportions,
};
use crate::scheme::Scheme;
use crate::spc::{SpcResult, SpcSettings, spc_with_labels};
use crate::status::Status;
use crate::target::{Target, TargetSpec};
use crate::tolerance::Tolerance;
use crate::unit::Unit;
use crate::value::{Aggregation, NoValueReason, Observation, Resolved, Rounding};

/// Observations of one indicator, by period.
pub type Series = BTreeMap<Period, Observation>;

/// Builds a [`Series`] from pairs, rejecting a period given twice.
pub fn series_from<I>(pairs: I) -> Result<Series>
where
    I: IntoIterator<Item = (Period, Observation)>,
{
    let mut series = Series::new();
    for (period, observation) in pairs {
        if series.insert(period, observation).is_some() {
            return Err(Error::new(crate::ErrorKind::Duplicate {
                what: "observation for period".into(),
                key: period.label(),
            })
            .with_period(period.label()));
        }
    }
    Ok(series)
}

/// Observations by period, as an evaluation reads them: a [`Series`], or a [`SortedSeries`]
/// (a slice sorted by period, which a frame of many series holds in one allocation).
pub trait SeriesView {
    /// The observation recorded for `period`, if any.
    fn observation(&self, period: &Period) -> Option<&Observation>;
    /// The first and the last period with an observation (periods sort by calendar first).
    fn ends(&self) -> (Option<Period>, Option<Period>);
}

impl SeriesView for Series {
    fn observation(&self, period: &Period) -> Option<&Observation> {
        self.get(period)
    }

    fn ends(&self) -> (Option<Period>, Option<Period>) {
        (
            self.keys().next().copied(),
            self.keys().next_back().copied(),
        )
    }
}

/// Observations in a slice sorted by period, each period once: the same evaluation as the
/// [`Series`] holding them, looked up by binary search.
///
/// ```
/// use ragstatus::indicator::SortedSeries;
/// use ragstatus::{FiscalCalendar, Observation};
/// use rust_decimal_macros::dec;
///
/// let q2 = FiscalCalendar::default().parse("2015/16 Q2")?;
/// let q3 = q2.next()?;
/// let pairs = [(q2, Observation::value(dec!(42.0))), (q3, Observation::value(dec!(44.1)))];
/// assert!(SortedSeries::new(&pairs).is_ok());
/// let backwards = [pairs[1], pairs[0]];
/// assert!(SortedSeries::new(&backwards).is_err());
/// # Ok::<(), ragstatus::Error>(())
/// ```
#[derive(Debug, Clone, Copy)]
pub struct SortedSeries<'a> {
    pairs: &'a [(Period, Observation)],
}

impl<'a> SortedSeries<'a> {
    /// The slice as a series: an error naming the period when a period is not after the one
    /// before it (out of order, or given twice).
    pub fn new(pairs: &'a [(Period, Observation)]) -> Result<SortedSeries<'a>> {
        for pair in pairs.windows(2) {
            if let [(a, _), (b, _)] = pair
                && a >= b
            {
                return Err(Error::invalid_value(
                    format!("{b} after {a}"),
                    "observations sorted by period, each period once",
                )
                .with_period(b.label()));
            }
        }
        Ok(SortedSeries { pairs })
    }

    /// The pairs, sorted by period.
    pub fn pairs(&self) -> &'a [(Period, Observation)] {
        self.pairs
    }
}

impl SortedSeries<'_> {
    /// The position of `period`'s observation in the slice, if there is one.
    fn position(&self, period: &Period) -> Option<usize> {
        // A series is usually every period of one kind in a row: the period's distance from the
        // first is its position. Otherwise (gaps, other kinds), a binary search.
        let (first, _) = self.pairs.first()?;
        if let Some(steps) = first.steps_to(*period) {
            // Of the first's kind and calendar but before it: before every period here.
            let at = usize::try_from(steps).ok()?;
            if let Some((p, _)) = self.pairs.get(at)
                && p == period
            {
                return Some(at);
            }
        }
        self.pairs.binary_search_by(|(p, _)| p.cmp(period)).ok()
    }

    /// [`position`](Self::position), looked for first at `hint`.
    fn position_near(&self, period: &Period, hint: Option<usize>) -> Option<usize> {
        if let Some(at) = hint
            && self.pairs.get(at).is_some_and(|(p, _)| p == period)
        {
            return Some(at);
        }
        self.position(period)
    }
}

impl SeriesView for SortedSeries<'_> {
    fn observation(&self, period: &Period) -> Option<&Observation> {
        self.pairs.get(self.position(period)?).map(|(_, o)| o)
    }

    fn ends(&self) -> (Option<Period>, Option<Period>) {
        (
            self.pairs.first().map(|(p, _)| *p),
            self.pairs.last().map(|(p, _)| *p),
        )
    }
}

/// One indicator's resolved observations of a [`SortedSeries`], each resolved at most once
/// however many evaluations read it: evaluating every period of a series reads each value up to
/// three times (as the actual, as the previous period's, as the year before's), and resolving a
/// fraction is a decimal division. Only a period's own single observation (the usual basis) is
/// kept; errors are not kept, so that they are raised afresh, the same, at every read.
pub(crate) struct Resolutions<'a> {
    indicator: &'a Indicator,
    series: SortedSeries<'a>,
    cells: &'a [ResolvedCell],
    /// The place of the period last evaluated by [`Indicator::lean_figures`]: a frame's rows
    /// of a series usually come in order, the next one place on.
    last: Cell<Option<usize>>,
}

/// A period's resolved observation and its compared (rounded) value, once known.
pub(crate) type ResolvedCell = Cell<Option<(Resolved, Option<Decimal>)>>;

impl<'a> Resolutions<'a> {
    /// The memo of `indicator` over `series`, kept in `cells` (cleared here; one buffer reused
    /// from series to series).
    pub(crate) fn new(
        indicator: &'a Indicator,
        series: SortedSeries<'a>,
        cells: &'a mut Vec<ResolvedCell>,
    ) -> Resolutions<'a> {
        cells.clear();
        cells.resize(series.pairs.len(), Cell::new(None));
        Resolutions {
            indicator,
            series,
            cells,
            last: Cell::new(None),
        }
    }

    /// The series read.
    pub(crate) fn series(&self) -> &SortedSeries<'a> {
        &self.series
    }

    /// `measured`'s own observation as `indicator` resolves it, and its compared (rounded)
    /// value; none when this memo is not `indicator`'s (then the caller resolves it itself).
    fn resolved(
        &self,
        indicator: &Indicator,
        measured: &Period,
    ) -> Option<Result<(Resolved, Option<Decimal>)>> {
        self.resolved_near(indicator, measured, None)
    }

    /// [`resolved`](Self::resolved), the period looked for first at `hint` in the series.
    fn resolved_near(
        &self,
        indicator: &Indicator,
        measured: &Period,
        hint: Option<usize>,
    ) -> Option<Result<(Resolved, Option<Decimal>)>> {
        if !std::ptr::eq(self.indicator, indicator) {
            return None;
        }
        let Some(at) = self.series.position_near(measured, hint) else {
            return Some(Ok((Resolved::NoValue(NoValueReason::Missing), None)));
        };
        let cell = self.cells.get(at)?;
        if let Some(r) = cell.get() {
            return Some(Ok(r));
        }
        let (_, o) = self.series.pairs.get(at)?;
        let r = indicator
            .aggregation
            .aggregate(std::slice::from_ref(o), indicator.effective_multiplier())
            .map(|r| (r, r.value().map(|v| indicator.rounded(v))));
        if let Ok(r) = r {
            cell.set(Some(r));
        }
        Some(r)
    }
}

/// What [`Indicator::evaluate_into`] returns: the statuses, numbers and directions of an
/// [`IndicatorResult`], without its owned text (the id, name and group are the definition's;
/// the sentence is written into the caller's buffer).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IndicatorFigures {
    /// The period evaluated.
    pub period: Period,
    /// The period the actual measures; none when not due.
    pub measured: Option<Period>,
    /// The actual compared (after rounding); none when there is no value.
    pub actual: Option<Decimal>,
    /// The target in force.
    pub target: Option<Target>,
    /// The stretch target in force.
    pub stretch: Option<Decimal>,
    /// The status (as computed: an evaluation has no override).
    pub status: Status,
    /// The status the rule computed.
    pub computed: Status,
    /// The shortfall, when there was an actual and a target.
    pub shortfall: Option<Decimal>,
    /// The tolerance amount, when the standard rule compared an actual with a target.
    pub tolerance_amount: Option<Decimal>,
    /// The headline direction of travel.
    pub direction: Direction,
    /// The direction against the previous period.
    pub previous: Direction,
    /// The direction against the same period a year before.
    pub year_ago: Direction,
}

/// What [`Indicator::lean_figures`] needs, found once per indicator ([`Indicator::lean`]).
pub(crate) struct Lean {
    rule: Rule,
    /// The target and stretch of every period, when they do not depend on the period.
    target: Option<(Option<Target>, Option<Decimal>)>,
}

/// An evaluation before any text is written: what [`IndicatorResult`] and [`IndicatorFigures`]
/// are both made from.
struct Workings {
    period: Period,
    measured: Option<Period>,
    basis: Basis,
    actual: Option<Decimal>,
    unrounded: Option<Decimal>,
    no_value: Option<NoValueReason>,
    target: Option<Target>,
    stretch: Option<Decimal>,
    rating: Rating,
    headline: Direction,
    previous: Travel,
    year_ago: Travel,
    trend: Option<Travel>,
    recent: Option<RecentTrend>,
    previous_period: Option<Period>,
    year_ago_period: Option<Period>,
}

impl Workings {
    fn figures(&self) -> IndicatorFigures {
        IndicatorFigures {
            period: self.period,
            measured: self.measured,
            actual: self.actual,
            target: self.target,
            stretch: self.stretch,
            status: self.rating.status,
            computed: self.rating.computed,
            shortfall: self.rating.shortfall,
            tolerance_amount: self.rating.tolerance_amount,
            direction: self.headline,
            previous: self.previous.direction,
            year_ago: self.year_ago.direction,
        }
    }
}

/// `p`'s label ([`Period::label`]'s text) appended to `out`, digit by digit: every sentence
/// names a period, and neither a `String` of its own nor the formatting machinery is wanted
/// for it. (The `label_writer_is_period_label` test holds it to `Period::label`.)
fn write_label(out: &mut String, p: Period) {
    let year = p.start_year();
    let index = p.index();
    if !(1000..=9999).contains(&year) || index > 99 {
        use std::fmt::Write as _;
        let _ = write!(out, "{p}");
        return;
    }
    let digit = |d: i32| char::from(b'0' + d.rem_euclid(10) as u8);
    for place in [1000, 100, 10, 1] {
        out.push(digit(year / place));
    }
    if !p.calendar().is_calendar_year() {
        let next = (year + 1).rem_euclid(100);
        out.push('/');
        out.push(digit(next / 10));
        out.push(digit(next));
    }
    let index = index as i32;
    match p.kind() {
        PeriodKind::Month => {
            out.push_str(" M");
            out.push(digit(index / 10));
            out.push(digit(index));
        }
        PeriodKind::Quarter | PeriodKind::Half => {
            out.push_str(if p.kind() == PeriodKind::Quarter {
                " Q"
            } else {
                " H"
            });
            if index >= 10 {
                out.push(digit(index / 10));
            }
            out.push(digit(index));
        }
        PeriodKind::Year => {}
    }
}

/// A period's label, or nothing.
fn write_optional_label(out: &mut String, p: Option<Period>) {
    if let Some(p) = p {
        write_label(out, p);
    }
}

/// How often an indicator is reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Frequency {
    /// Every month.
    Monthly,
    /// Every quarter (the default).
    #[default]
    Quarterly,
    /// Every half year.
    HalfYearly,
    /// Once a year.
    Annual,
}

impl Frequency {
    /// The period kind of one report.
    pub fn kind(self) -> PeriodKind {
        match self {
            Frequency::Monthly => PeriodKind::Month,
            Frequency::Quarterly => PeriodKind::Quarter,
            Frequency::HalfYearly => PeriodKind::Half,
            Frequency::Annual => PeriodKind::Year,
        }
    }

    /// The name used in definitions: `monthly`, `quarterly`, `half_yearly`, `annual`.
    pub fn as_str(self) -> &'static str {
        match self {
            Frequency::Monthly => "monthly",
            Frequency::Quarterly => "quarterly",
            Frequency::HalfYearly => "half_yearly",
            Frequency::Annual => "annual",
        }
    }
}

/// What the actual measures: the period alone, or the year to date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    /// The measured period alone.
    Period,
    /// From the start of the fiscal year to the end of the measured period.
    YearToDate,
}

/// An indicator definition; see the [module docs](self) and the
/// [definitions format](crate::definitions).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Indicator {
    /// The unique id (`SW-01`).
    pub id: String,
    /// The name as reported.
    #[serde(default)]
    pub name: String,
    /// The group path, outermost first (theme, then directorate).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub group: Vec<String>,
    /// The unit (default `count`).
    #[serde(default)]
    pub unit: Unit,
    /// Which direction is better.
    pub polarity: Polarity,
    /// How often it is reported (default quarterly).
    #[serde(default)]
    pub frequency: Frequency,
    /// Display decimals; none: values as given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decimals: Option<u32>,
    /// How several periods combine (default `last`).
    #[serde(default)]
    pub aggregation: Aggregation,
    /// Period or year to date; none: year to date when a target is cumulative, else period.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub basis: Option<Basis>,
    /// The multiplier for numerator / denominator; none: 100 for percent, N for a rate per N,
    /// else 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "schema",
        schemars(with = "Option<crate::schema::DecimalText>")
    )]
    pub multiplier: Option<Decimal>,
    /// Rounding applied to the actual before comparison; none: compare exactly.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rounding: Option<Rounding>,
    /// The Amber band (default none: Green or Red).
    #[serde(default)]
    pub tolerance: Tolerance,
    /// A custom scheme replacing the standard rule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scheme: Option<Scheme>,
    /// The targets, one per fiscal year (and at most one without a year, for every other year).
    #[serde(rename = "target", alias = "targets", default)]
    pub targets: Vec<TargetSpec>,
    /// Direction-of-travel settings.
    #[serde(default)]
    pub direction: DirectionSettings,
    /// Statistical process control for the indicator's series (`spc = true` or a table); see
    /// [`IndicatorSpc`].
    #[serde(
        default,
        deserialize_with = "deserialize_spc",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "schema", schemars(schema_with = "crate::schema::spc"))]
    pub spc: Option<IndicatorSpc>,
    /// A comparison with a national value and a funnel plot of the comparators; see
    /// [`IndicatorBenchmark`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub benchmark: Option<IndicatorBenchmark>,
}

/// Statistical process control for one indicator (SPEC §12): written `spc = true` (the
/// defaults), `spc = false`, or as a table of the settings that differ from the defaults. See
/// [Statistical process control](self#statistical-process-control).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct IndicatorSpc {
    /// Whether the report shows SPC for the indicator (default true when a table is given).
    #[serde(default = "yes")]
    pub enabled: bool,
    /// Fix each segment's limits after its first k points (k ≥ 12); none: all points.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<usize>,
    /// Period labels from which the limits are recalculated (a change in the process).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rebase: Vec<String>,
    /// Points in a row on one side of the mean that make a shift (default 7; at least 2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shift: Option<usize>,
    /// Points in a row rising or falling that make a trend (default 7; at least 2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trend: Option<usize>,
    /// Screen moving ranges at or above 3.267 × mean mR out of the limits (default true).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub screen_outliers: Option<bool>,
}

fn yes() -> bool {
    true
}

impl Default for IndicatorSpc {
    /// Enabled, with the defaults of SPEC §12.
    fn default() -> Self {
        IndicatorSpc {
            enabled: true,
            baseline: None,
            rebase: Vec::new(),
            shift: None,
            trend: None,
            screen_outliers: None,
        }
    }
}

impl IndicatorSpc {
    /// Checks the settings: a baseline of at least 12 points, rule lengths of at least 2, and
    /// rebase labels that are periods of the calendar. Errors name the field (`baseline`,
    /// `rebase[0]`).
    pub fn validate(&self, calendar: FiscalCalendar) -> Result<()> {
        if let Some(k) = self.baseline
            && k < 12
        {
            return Err(Error::definition(format!(
                "an SPC baseline of {k} points is too short; it needs at least 12"
            ))
            .with_field("baseline"));
        }
        for (name, length) in [("shift", self.shift), ("trend", self.trend)] {
            if let Some(n) = length
                && n < 2
            {
                return Err(Error::definition(format!(
                    "an SPC {name} of {n} points cannot be a run; expected at least 2 (7 is usual, some trusts use 6)"
                ))
                .with_field(name));
            }
        }
        for (i, label) in self.rebase.iter().enumerate() {
            calendar
                .parse(label)
                .map_err(|e| e.with_field(format!("rebase[{i}]")))?;
        }
        Ok(())
    }
}

/// Reads `true` / `false` as enabled with the defaults / disabled, and a table as the settings.
fn deserialize_spc<'de, D>(deserializer: D) -> std::result::Result<Option<IndicatorSpc>, D::Error>
where
    D: serde::Deserializer<'de>,
{
    struct Visitor;
    impl<'de> serde::de::Visitor<'de> for Visitor {
        type Value = Option<IndicatorSpc>;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("true, false, or a table of SPC settings")
        }
        fn visit_bool<E: serde::de::Error>(self, v: bool) -> std::result::Result<Self::Value, E> {
            Ok(Some(IndicatorSpc {
                enabled: v,
                ..IndicatorSpc::default()
            }))
        }
        fn visit_unit<E: serde::de::Error>(self) -> std::result::Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_none<E: serde::de::Error>(self) -> std::result::Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(
            self,
            map: A,
        ) -> std::result::Result<Self::Value, A::Error> {
            IndicatorSpc::deserialize(serde::de::value::MapAccessDeserializer::new(map)).map(Some)
        }
    }
    deserializer.deserialize_any(Visitor)
}

/// What lies behind an actual, for a confidence interval: see [`Indicator::counts`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActualCounts {
    /// The numerator and denominator (summed over the parts combined).
    Counts {
        /// Events.
        numerator: Decimal,
        /// Population.
        denominator: Decimal,
    },
    /// A part was given as a value, not as a numerator and a denominator: the first such.
    Value(Period),
    /// A part has no observation: the first such.
    Missing(Period),
    /// Several periods are combined by an aggregation other than `ratio`, so the actual is not
    /// one numerator over one denominator.
    NotSummed(Aggregation),
    /// The sums do not fit in a decimal.
    Overflow,
}

/// The result of evaluating one indicator for one period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndicatorResult {
    /// The indicator id.
    pub id: String,
    /// The indicator name.
    #[serde(default)]
    pub name: String,
    /// The indicator's group path.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub group: Vec<String>,
    /// The period evaluated (canonical label).
    pub period: String,
    /// The period the actual measures (the year for an annual indicator at Q4); none when not
    /// due.
    pub measured: Option<String>,
    /// Period or year to date.
    pub basis: Basis,
    /// The actual compared (after rounding); none when there is no value.
    pub actual: Option<Decimal>,
    /// The actual before rounding, when a rounding rule changed it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unrounded: Option<Decimal>,
    /// Why there is no actual, when there is none and one was due.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub no_value: Option<NoValueReason>,
    /// The target in force.
    pub target: Option<Target>,
    /// The stretch target in force.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stretch: Option<Decimal>,
    /// The status (after any override).
    pub status: Status,
    /// The rating, with its explanation and sentence.
    pub rating: Rating,
    /// The headline direction of travel (per the indicator's settings).
    pub direction: Direction,
    /// The sentence for the headline direction.
    pub direction_sentence: String,
    /// Against the previous period.
    pub previous: Travel,
    /// Against the same period a year before.
    pub year_ago: Travel,
    /// By regression or by the recent-trend test, when the indicator asks for it. For the
    /// recent trend the actual and comparison are the last and first of the five points, the
    /// change and band are none (the test's figures are in
    /// [`recent_trend`](IndicatorResult::recent_trend)), and the reason says why the test
    /// could not be applied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trend: Option<Travel>,
    /// The recent-trend test's outcome (SPEC §8a), when `trend = "recent"` and the points were
    /// proportions the test could read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recent_trend: Option<RecentTrend>,
}

impl IndicatorResult {
    /// The rating sentence and the direction sentence, joined: "44.1% is 0.9 points below the
    /// target of 45.0%, within the 2.0-point tolerance: Amber; up 2.1 points from 42.0% in
    /// 2015/16 Q2: improving". A not-due result has the rating sentence alone.
    pub fn sentence(&self) -> String {
        let rating = self
            .rating
            .explanation
            .sentence
            .clone()
            .unwrap_or_else(|| self.status.to_string());
        if self.status == Status::NotDue {
            rating
        } else {
            format!("{rating}; {}", self.direction_sentence)
        }
    }

    /// The same result overridden by a person: the status becomes `status`, the rating keeps
    /// the computed one (see [`Rating::with_override`]).
    pub fn with_override(
        mut self,
        status: Status,
        reason: impl Into<String>,
        by: impl Into<String>,
    ) -> IndicatorResult {
        self.rating = self.rating.with_override(status, reason, by);
        self.status = self.rating.status;
        self
    }
}

impl Indicator {
    /// A minimal indicator: quarterly, counted, no tolerance, no targets.
    pub fn new(id: impl Into<String>, polarity: Polarity) -> Indicator {
        Indicator {
            id: id.into(),
            name: String::new(),
            group: Vec::new(),
            unit: Unit::default(),
            polarity,
            frequency: Frequency::default(),
            decimals: None,
            aggregation: Aggregation::default(),
            basis: None,
            multiplier: None,
            rounding: None,
            tolerance: Tolerance::default(),
            scheme: None,
            targets: Vec::new(),
            direction: DirectionSettings::default(),
            spc: None,
            benchmark: None,
        }
    }

    /// The multiplier applied to numerator / denominator: as set, else 100 for a percent, N for
    /// a rate per N, else 1.
    pub fn effective_multiplier(&self) -> Decimal {
        match (self.multiplier, &self.unit) {
            (Some(m), _) => m,
            (None, Unit::Percent) => Decimal::ONE_HUNDRED,
            (None, Unit::Rate { per }) => *per,
            (None, _) => Decimal::ONE,
        }
    }

    /// The basis: as set, else year to date when a target is cumulative, else period.
    pub fn effective_basis(&self) -> Basis {
        match self.basis {
            Some(b) => b,
            None if self.targets.iter().any(TargetSpec::is_cumulative) => Basis::YearToDate,
            None => Basis::Period,
        }
    }

    /// The rating rule: polarity, tolerance and scheme.
    pub fn rule(&self) -> Rule {
        let rule = Rule::new(self.polarity, self.tolerance);
        match &self.scheme {
            Some(scheme) => rule.with_scheme(scheme.clone()),
            None => rule,
        }
    }

    /// Checks the definition's cross-field rules, with the calendar its target years are read
    /// with:
    /// - a non-empty id; display and rounding decimals at most 28; a positive multiplier;
    /// - tolerance and direction settings valid (no negative widths or bands, regression n ≥ 3);
    /// - a custom scheme that states a polarity must agree with the indicator's;
    /// - `within` polarity needs range targets (or none), and `higher`/`lower` single values; a
    ///   floor tolerance is not allowed with `within`;
    /// - target years parse as fiscal years of the calendar, none twice, at most one target
    ///   without a year;
    /// - an explicit `basis = "period"` with an `even` or `weights` profile is an error (those
    ///   profiles give year-to-date targets);
    /// - `ratio` aggregation makes sense only if values come as numerator and denominator: it is
    ///   allowed for any unit, and checked when the values arrive.
    ///
    /// Errors carry the field (`target[1].year`) but not the indicator id, which the caller adds.
    pub fn validate(&self, calendar: FiscalCalendar) -> Result<()> {
        if self.id.trim().is_empty() {
            return Err(Error::invalid_value(&self.id, "a non-empty indicator id").with_field("id"));
        }
        if let Some(d) = self.decimals {
            if d > Rounding::MAX_DECIMALS {
                return Err(Error::invalid_value(
                    d.to_string(),
                    "display decimals between 0 and 28",
                )
                .with_field("decimals"));
            }
        }
        if let Some(rounding) = &self.rounding {
            rounding.validate().map_err(|e| e.with_field("rounding"))?;
        }
        if let Some(m) = self.multiplier {
            if m <= Decimal::ZERO {
                return Err(Error::invalid_value(m.to_string(), "a positive multiplier")
                    .with_field("multiplier"));
            }
        }
        self.tolerance
            .validate()
            .map_err(|e| e.with_field("tolerance"))?;
        if self.polarity == Polarity::Within && matches!(self.tolerance, Tolerance::Floor(_)) {
            return Err(Error::definition(
                "a floor tolerance cannot bound both sides of a within range; use absolute or relative",
            )
            .with_field("tolerance"));
        }
        self.direction
            .validate()
            .map_err(|e| e.with_field("direction"))?;
        if self.direction.trend.is_some() && self.polarity == Polarity::Within {
            return Err(Error::definition(
                "a recent trend needs polarity higher or lower: a within range has no better direction for a trend",
            )
            .with_field("trend")
            .with_field("direction"));
        }
        if let Some(p) = self.scheme.as_ref().and_then(Scheme::polarity) {
            if p != self.polarity {
                return Err(Error::definition(format!(
                    "the scheme's polarity \"{}\" differs from the indicator's \"{}\"",
                    p.as_str(),
                    self.polarity.as_str()
                ))
                .with_field("scheme.polarity"));
            }
        }
        let mut years: Vec<Option<Period>> = Vec::with_capacity(self.targets.len());
        for (i, spec) in self.targets.iter().enumerate() {
            let at = format!("target[{i}]");
            let year = match spec.year() {
                Some(label) => {
                    let year = calendar
                        .parse(label)
                        .map_err(|e| e.with_field("year").with_field(at.as_str()))?;
                    if year.kind() != PeriodKind::Year {
                        return Err(Error::invalid_value(
                            label,
                            "a fiscal year such as \"2015/16\"",
                        )
                        .with_field("year")
                        .with_field(at.as_str()));
                    }
                    Some(year)
                }
                None => None,
            };
            if years.contains(&year) {
                return Err(Error::new(crate::ErrorKind::Duplicate {
                    what: "target year".into(),
                    key: spec.year().unwrap_or("(no year)").to_string(),
                })
                .with_field("year")
                .with_field(at.as_str()));
            }
            years.push(year);
            // Check the shape of the target against the polarity at a typical position.
            let n = self.frequency.kind().per_year();
            for k in 1..=n {
                let target = spec
                    .target_for(k, n)
                    .map_err(|e| e.with_field(at.as_str()))?;
                match (self.polarity, target) {
                    (Polarity::Within, Some(Target::Value(_))) => {
                        return Err(Error::definition(
                            "polarity \"within\" needs a range target: low and high",
                        )
                        .with_field(at.as_str()));
                    }
                    (Polarity::Higher | Polarity::Lower, Some(Target::Range { .. })) => {
                        return Err(Error::definition(format!(
                            "a range target needs polarity \"within\"; this indicator's polarity is \"{}\"",
                            self.polarity.as_str()
                        ))
                        .with_field(at.as_str()));
                    }
                    _ => {}
                }
            }
            if spec.stretch().is_some() && self.polarity == Polarity::Within {
                return Err(
                    Error::definition("a stretch target needs polarity higher or lower")
                        .with_field("stretch")
                        .with_field(at.as_str()),
                );
            }
            if spec.is_cumulative() && self.basis == Some(Basis::Period) {
                return Err(Error::definition(
                    "an even or weights profile gives year-to-date targets; use basis = \"year_to_date\"",
                )
                .with_field(at.as_str()));
            }
        }
        if let Some(spc) = &self.spc {
            spc.validate(calendar).map_err(|e| e.with_field("spc"))?;
        }
        if let Some(benchmark) = &self.benchmark {
            benchmark
                .validate()
                .map_err(|e| e.with_field("benchmark"))?;
        }
        Ok(())
    }

    /// The target spec in force in the fiscal year of `period`: the one labelled with that year,
    /// else the one without a year.
    pub fn target_spec_for(&self, period: Period) -> Result<Option<&TargetSpec>> {
        let year = period.fiscal_year();
        let mut fallback = None;
        for (i, spec) in self.targets.iter().enumerate() {
            match spec.year() {
                Some(label) => {
                    let parsed = period
                        .calendar()
                        .parse(label)
                        .map_err(|e| e.with_field("year").with_field(format!("target[{i}]")))?;
                    if parsed == year {
                        return Ok(Some(spec));
                    }
                }
                None => fallback = fallback.or(Some(spec)),
            }
        }
        Ok(fallback)
    }

    /// The target and stretch target in force for a measured period (position k of n in its
    /// year).
    pub fn target_for(&self, measured: Period) -> Result<(Option<Target>, Option<Decimal>)> {
        let Some(spec) = self.target_spec_for(measured)? else {
            return Ok((None, None));
        };
        let (k, n) = measured.position();
        let target = spec.target_for(k, n).map_err(|e| e.with_field("target"))?;
        let stretch = if target.is_some() {
            spec.stretch_for(k, n).map_err(|e| e.with_field("target"))?
        } else {
            None
        };
        Ok((target, stretch))
    }

    /// The period that the indicator measures when `period` is evaluated: `period` itself when
    /// the indicator reports at least as often, the indicator's own enclosing period when
    /// `period` is its last part (an annual indicator at Q4), none otherwise (not due).
    pub fn measured_period(&self, period: Period) -> Option<Period> {
        let own = self.frequency.kind();
        if own <= period.kind() {
            return Some(period);
        }
        let enclosing = period.enclosing(own)?;
        (enclosing.last_date() == period.last_date()).then_some(enclosing)
    }

    /// The actual of a measured period (before rounding): the period's observations combined as
    /// the basis and aggregation say.
    pub fn measure(&self, measured: Period, series: &Series) -> Result<Resolved> {
        self.measure_in(measured, series, None)
    }

    /// The numerator and denominator behind the actual of a measured period, for its
    /// confidence interval (SPEC §8a): the period's own fraction, or the sums over the parts
    /// that a `ratio` aggregation combines.
    pub fn counts(&self, measured: Period, series: &Series) -> ActualCounts {
        let own = self.frequency.kind();
        let parts: Vec<Period> = match self.effective_basis() {
            Basis::Period if own == measured.kind() => vec![measured],
            Basis::Period => measured.periods(own).collect(),
            Basis::YearToDate => measured.year_to_date().periods(own).collect(),
        };
        if parts.len() > 1 && self.aggregation != Aggregation::Ratio {
            return ActualCounts::NotSummed(self.aggregation);
        }
        let (mut numerator, mut denominator) = (Decimal::ZERO, Decimal::ZERO);
        for part in parts {
            match series.get(&part) {
                None => return ActualCounts::Missing(part),
                Some(Observation::Value { .. }) => return ActualCounts::Value(part),
                Some(Observation::Fraction {
                    numerator: x,
                    denominator: n,
                }) => match (numerator.checked_add(*x), denominator.checked_add(*n)) {
                    (Some(a), Some(b)) => (numerator, denominator) = (a, b),
                    _ => return ActualCounts::Overflow,
                },
            }
        }
        ActualCounts::Counts {
            numerator,
            denominator,
        }
    }

    fn measure_in<S: SeriesView + ?Sized>(
        &self,
        measured: Period,
        series: &S,
        memo: Option<&Resolutions<'_>>,
    ) -> Result<Resolved> {
        let own = self.frequency.kind();
        let basis = self.effective_basis();
        if basis == Basis::Period && own == measured.kind() {
            if let Some(r) = memo.and_then(|m| m.resolved(self, &measured)) {
                return r.map(|(r, _)| r);
            }
            // The period's own observation: the one part.
            return match series.observation(&measured) {
                Some(o) => self
                    .aggregation
                    .aggregate(std::slice::from_ref(o), self.effective_multiplier()),
                None => Ok(Resolved::NoValue(NoValueReason::Missing)),
            };
        }
        let parts = match basis {
            Basis::Period => measured.periods(own),
            Basis::YearToDate => measured.year_to_date().periods(own),
        };
        // At most the twelve months of a year: gathered on the stack, as this runs up to three
        // times for every result.
        let mut gathered = [Observation::value(Decimal::ZERO); 12];
        let mut wanted = 0usize;
        let mut found = 0usize;
        for part in parts {
            wanted += 1;
            if let Some(o) = series.observation(&part) {
                let Some(slot) = gathered.get_mut(found) else {
                    return Err(Error::definition(format!(
                        "more than twelve parts in {measured}"
                    )));
                };
                *slot = *o;
                found += 1;
            }
        }
        if found == 0 {
            return Ok(Resolved::NoValue(NoValueReason::Missing));
        }
        if found < wanted {
            return Ok(Resolved::NoValue(NoValueReason::Incomplete));
        }
        self.aggregation.aggregate(
            gathered.get(..found).unwrap_or_default(),
            self.effective_multiplier(),
        )
    }

    fn rounded(&self, value: Decimal) -> Decimal {
        match &self.rounding {
            Some(r) => r.apply(value),
            None => value,
        }
    }

    /// The compared (rounded) value of a period, or none; periods before the supported years
    /// have none.
    fn compared_value<S: SeriesView + ?Sized>(
        &self,
        period: Option<Period>,
        series: &S,
        memo: Option<&Resolutions<'_>>,
    ) -> Result<Option<Decimal>> {
        let Some(period) = period else {
            return Ok(None);
        };
        if self.frequency.kind() == period.kind()
            && self.effective_basis() == Basis::Period
            && let Some(r) = memo.and_then(|m| m.resolved(self, &period))
        {
            return r.map(|(_, compared)| compared);
        }
        Ok(self
            .measure_in(period, series, memo)?
            .value()
            .map(|v| self.rounded(v)))
    }

    /// The SPC analysis of the indicator's series up to `period`, when the definition enables
    /// it (none otherwise); see [Statistical process control](self#statistical-process-control).
    /// Errors carry the indicator id and the period.
    ///
    /// ```
    /// use ragstatus::{Definitions, Observation, PointType, Series};
    /// use rust_decimal_macros::dec;
    ///
    /// let defs = Definitions::from_toml_str(r#"
    ///     [[indicator]]
    ///     id = "LW-03"
    ///     polarity = "lower"
    ///     spc = { shift = 6 }
    ///     [[indicator.target]]
    ///     value = "25"
    /// "#)?;
    /// let indicator = defs.get("LW-03").ok_or("LW-03 is not defined")?;
    /// let mut series = Series::new();
    /// let values = [30, 31, 29, 30, 32, 30, 26, 25, 26, 24, 25, 26];
    /// let mut period = defs.calendar.parse("2013/14 Q1")?;
    /// for v in values {
    ///     series.insert(period, Observation::value(v.into()));
    ///     period = period.next()?;
    /// }
    /// let last = defs.calendar.parse("2015/16 Q4")?;
    /// let result = indicator.spc(last, &series)?.ok_or("no SPC chart for LW-03")?;
    /// assert_eq!(result.variation, Some(PointType::SpecialCauseImprovement));
    /// assert_eq!(result.target, Some(dec!(25)));
    /// assert_eq!(
    ///     result.points[11].explanation,
    ///     "6 points in a row below the mean from 2014/15 Q3: special cause improvement"
    /// );
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn spc(&self, period: Period, series: &Series) -> Result<Option<SpcResult>> {
        self.spc_inner(period, series)
            .map_err(|e| e.with_indicator(&self.id).with_period(period.label()))
    }

    /// The values the SPC analysis of `period` uses: each period of the indicator's frequency
    /// that ends on or before `period` ends and has a value, oldest first, with that period's own
    /// value (rounded by the rounding rule, if any).
    pub fn spc_series(&self, period: Period, series: &Series) -> Result<Vec<(Period, Decimal)>> {
        let own = self.frequency.kind();
        let end = period.last_date();
        let mut points = Vec::new();
        for (p, observation) in series {
            if p.kind() != own || p.last_date() > end || p.calendar() != period.calendar() {
                continue;
            }
            let resolved = self
                .aggregation
                .aggregate(
                    std::slice::from_ref(observation),
                    self.effective_multiplier(),
                )
                .map_err(|e| e.with_period(p.label()))?;
            if let Some(v) = resolved.value() {
                points.push((*p, self.rounded(v)));
            }
        }
        points.sort_by_key(|(p, _)| p.first_date());
        Ok(points)
    }

    /// The [`SpcSettings`] for a series of these periods: the defaults with the improvement
    /// direction from the polarity, the rule lengths, baseline and rebase points of the
    /// definition, and the target in force for the last period where it is a single value of
    /// a non-cumulative profile. Errors if SPC is not enabled.
    pub fn spc_settings(&self, periods: &[Period]) -> Result<SpcSettings> {
        let Some(definition) = self.spc.as_ref().filter(|s| s.enabled) else {
            return Err(
                Error::definition("SPC is not enabled for this indicator").with_field("spc")
            );
        };
        let mut settings = SpcSettings::for_polarity(self.polarity);
        settings.fix_after = definition.baseline;
        settings.display_decimals = self.decimals;
        settings.shift_length = definition.shift.unwrap_or(settings.shift_length);
        settings.trend_length = definition.trend.unwrap_or(settings.trend_length);
        if let Some(screen) = definition.screen_outliers {
            settings.screen_outliers = screen;
        }
        if let Some(last) = periods.last() {
            let calendar = last.calendar();
            for (i, label) in definition.rebase.iter().enumerate() {
                let at = calendar
                    .parse(label)
                    .map_err(|e| e.with_field(format!("rebase[{i}]")).with_field("spc"))?;
                // A rebase point after the last value applies later; one before the first
                // changes nothing.
                if let Some(index) = periods
                    .iter()
                    .position(|p| p.first_date() >= at.first_date())
                {
                    settings.rebase_at.push(index);
                }
            }
            let cumulative = self
                .target_spec_for(*last)?
                .is_some_and(TargetSpec::is_cumulative);
            if !cumulative {
                settings.target = match self.target_for(*last)?.0 {
                    Some(Target::Value(v)) => Some(v),
                    _ => None,
                };
            }
        }
        Ok(settings)
    }

    fn spc_inner(&self, period: Period, series: &Series) -> Result<Option<SpcResult>> {
        if !self.spc.as_ref().is_some_and(|s| s.enabled) {
            return Ok(None);
        }
        let points = self.spc_series(period, series)?;
        let periods: Vec<Period> = points.iter().map(|(p, _)| *p).collect();
        let values: Vec<Decimal> = points.iter().map(|(_, v)| *v).collect();
        let labels: Vec<String> = periods.iter().map(|p| p.label()).collect();
        let settings = self.spc_settings(&periods)?;
        spc_with_labels(&values, &labels, &settings).map(Some)
    }

    /// Evaluates the indicator for `period`; see the [module docs](self). Errors carry the
    /// indicator id and the period.
    pub fn evaluate(&self, period: Period, series: &Series) -> Result<IndicatorResult> {
        let w = self
            .workings(period, series, None)
            .map_err(|e| self.located(e, period))?;
        let mut direction_sentence = String::with_capacity(96);
        self.write_direction_sentence(&mut direction_sentence, &w);
        let rating = w.rating.explained(&self.unit, self.decimals);
        Ok(IndicatorResult {
            id: self.id.clone(),
            name: self.name.clone(),
            group: self.group.clone(),
            period: w.period.label(),
            measured: w.measured.map(Period::label),
            basis: w.basis,
            actual: w.actual,
            unrounded: w.unrounded,
            no_value: w.no_value,
            target: w.target,
            stretch: w.stretch,
            status: rating.status,
            rating,
            direction: w.headline,
            direction_sentence,
            previous: w.previous,
            year_ago: w.year_ago,
            trend: w.trend,
            recent_trend: w.recent,
        })
    }

    /// [`evaluate`](Indicator::evaluate) without a result of its own: the figures are returned
    /// and the sentence ([`IndicatorResult::sentence`]) is appended to `sentence`. The same
    /// decisions, numbers, text and errors; for evaluating many rows without an allocation per
    /// row (the frame path writes every row's sentence through one buffer). `series` is a
    /// [`Series`] or a [`SortedSeries`].
    ///
    /// ```
    /// use ragstatus::indicator::SortedSeries;
    /// use ragstatus::{Definitions, Observation, Series, Status};
    /// use rust_decimal_macros::dec;
    ///
    /// let defs = Definitions::from_toml_str(r#"
    ///     [[indicator]]
    ///     id = "SW-01"
    ///     unit = "percent"
    ///     polarity = "higher"
    ///     decimals = 1
    ///     tolerance = { absolute = "2" }
    ///     [[indicator.target]]
    ///     value = "45"
    /// "#)?;
    /// let indicator = defs.get("SW-01").ok_or("SW-01 is not defined")?;
    /// let q2 = defs.calendar.parse("2015/16 Q2")?;
    /// let q3 = q2.next()?;
    /// let pairs = [(q2, Observation::value(dec!(42.0))), (q3, Observation::value(dec!(44.1)))];
    /// let mut sentence = String::new();
    /// let figures = indicator.evaluate_into(q3, &SortedSeries::new(&pairs)?, &mut sentence)?;
    /// assert_eq!(figures.status, Status::Amber);
    /// assert_eq!(figures.shortfall, Some(dec!(0.9)));
    /// let result = indicator.evaluate(q3, &Series::from(pairs))?;
    /// assert_eq!(sentence, result.sentence());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn evaluate_into<S: SeriesView + ?Sized>(
        &self,
        period: Period,
        series: &S,
        sentence: &mut String,
    ) -> Result<IndicatorFigures> {
        self.explained(period, series, None, Some(sentence))
    }

    /// [`evaluate_into`](Self::evaluate_into) (with a sentence) or [`figures`](Self::figures)
    /// (without), reading `series` through `memo` when it is this indicator's.
    pub(crate) fn explained<S: SeriesView + ?Sized>(
        &self,
        period: Period,
        series: &S,
        memo: Option<&Resolutions<'_>>,
        sentence: Option<&mut String>,
    ) -> Result<IndicatorFigures> {
        let w = self
            .workings(period, series, memo)
            .map_err(|e| self.located(e, period))?;
        if let Some(sentence) = sentence {
            // `IndicatorResult::sentence`: the rating's sentence, then the direction's unless
            // not due.
            w.rating.write_sentence(sentence, &self.unit, self.decimals);
            if w.rating.status != Status::NotDue {
                sentence.push_str("; ");
                self.write_direction_sentence(sentence, &w);
            }
        }
        Ok(w.figures())
    }

    /// The figures of [`evaluate_into`](Self::evaluate_into) without the sentence: for frames
    /// evaluated without explanations, where the sentence is a fifth of the work.
    ///
    /// ```
    /// use ragstatus::indicator::SortedSeries;
    /// use ragstatus::{Definitions, Observation, Status};
    /// use rust_decimal_macros::dec;
    ///
    /// let defs = Definitions::from_toml_str(r#"
    ///     [[indicator]]
    ///     id = "SW-01"
    ///     unit = "percent"
    ///     polarity = "higher"
    ///     tolerance = { absolute = "2" }
    ///     [[indicator.target]]
    ///     value = "45"
    /// "#)?;
    /// let indicator = defs.get("SW-01").ok_or("SW-01 is not defined")?;
    /// let q2 = defs.calendar.parse("2015/16 Q2")?;
    /// let pairs = [(q2, Observation::value(dec!(46)))];
    /// let figures = indicator.figures(q2, &SortedSeries::new(&pairs)?)?;
    /// assert_eq!(figures.status, Status::Green);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn figures<S: SeriesView + ?Sized>(
        &self,
        period: Period,
        series: &S,
    ) -> Result<IndicatorFigures> {
        self.explained(period, series, None, None)
    }

    /// What [`lean_figures`](Self::lean_figures) needs of an indicator whose periods it can
    /// evaluate; none when an evaluation reads more than each period's own value and the two
    /// before it (a year-to-date basis, a direction by regression or by the recent trend).
    pub(crate) fn lean(&self) -> Option<Lean> {
        let lean = self.effective_basis() == Basis::Period
            && self.direction.regression.is_none()
            && self.direction.trend.is_none();
        lean.then(|| Lean {
            rule: self.rule(),
            target: self.constant_target(),
        })
    }

    /// The target and stretch of every period, when they do not depend on the period (no
    /// target, or one fixed target for every year): most definitions, found once rather than
    /// for each row.
    fn constant_target(&self) -> Option<(Option<Target>, Option<Decimal>)> {
        match self.targets.as_slice() {
            [] => Some((None, None)),
            [spec] if spec.year().is_none() => {
                // A fixed target is the same at every position (1 of 1 is one of them), and so
                // is its stretch; a profiled one is not.
                let target = spec.fixed_target()?;
                let stretch = match target {
                    Some(_) => spec.stretch_for(1, 1).ok()?,
                    None => None,
                };
                Some((target, stretch))
            }
            _ => None,
        }
    }

    /// [`figures`](Self::figures) of `period` by a shorter road, for frames evaluated without
    /// explanations: the same rules ([`rate`]'s and [`compare`]'s decisions) on `memo`'s values,
    /// without building the rating and the travels around them. `lean` is
    /// [`lean`](Self::lean)'s. None when the road does not apply (a period of another kind than
    /// the indicator's, an observation of another calendar) or any step fails: the caller then
    /// evaluates the period by [`figures`](Self::figures), which reports the error.
    pub(crate) fn lean_figures(
        &self,
        period: Period,
        memo: &Resolutions<'_>,
        lean: &Lean,
    ) -> Option<IndicatorFigures> {
        if self.frequency.kind() != period.kind() {
            return None;
        }
        let (first, last) = memo.series().ends();
        if [first, last]
            .into_iter()
            .flatten()
            .any(|p| p.calendar() != period.calendar())
        {
            return None;
        }
        // `compared_value` through the memo; a period before the supported years has none. In
        // a series without gaps the previous period is one place back, the year before a
        // year's periods back.
        let at = memo
            .series()
            .position_near(&period, memo.last.get().map(|at| at + 1));
        memo.last.set(at);
        let compared = |p: Option<Period>, back: usize| -> Option<Option<Decimal>> {
            let Some(p) = p else {
                return Some(None);
            };
            let hint = at.and_then(|at| at.checked_sub(back));
            memo.resolved_near(self, &p, hint)?
                .ok()
                .map(|(_, compared)| compared)
        };
        let actual = compared(Some(period), 0)?;
        let (target, stretch) = match lean.target {
            Some(constant) => constant,
            None => self.target_for(period).ok()?,
        };
        let (status, shortfall, tolerance_amount) = match actual {
            // No value: NoData, whatever the rule (`Rating::no_data`).
            None => (Status::NoData, None, None),
            Some(_) => {
                crate::rating::rate_figures(actual, target.as_ref(), stretch, &lean.rule).ok()?
            }
        };
        let range = match (self.polarity, target) {
            (Polarity::Within, Some(t)) => Some(t.bounds()),
            _ => None,
        };
        let travel = |comparison: Option<Decimal>| -> Option<Direction> {
            if self.polarity == Polarity::Within && range.is_none() {
                return Some(Direction::NotComparable);
            }
            crate::direction::direction_of(
                self.polarity,
                actual,
                comparison,
                range,
                self.direction.stable,
            )
            .ok()
        };
        let previous = travel(compared(period.previous().ok(), 1)?)?;
        let per_year = usize::from(period.kind().per_year_u8());
        let year_ago = travel(compared(period.year_ago().ok(), per_year)?)?;
        let direction = match self.direction.compare {
            Compare::Previous => previous,
            Compare::YearAgo => year_ago,
        };
        Some(IndicatorFigures {
            period,
            measured: Some(period),
            actual,
            target,
            stretch,
            status,
            computed: status,
            shortfall,
            tolerance_amount,
            direction,
            previous,
            year_ago,
        })
    }

    fn located(&self, e: Error, period: Period) -> Error {
        e.with_indicator(&self.id).with_period(period.label())
    }

    /// The sentence for the headline direction (`IndicatorResult::direction_sentence`).
    fn write_direction_sentence(&self, out: &mut String, w: &Workings) {
        use std::fmt::Write as _;
        let Some(measured) = w.measured else {
            out.push_str("not due this period");
            return;
        };
        match (&w.trend, self.direction.regression) {
            (Some(t), Some(n)) => {
                let _ = write!(out, "trend over the {n} periods ");
                write_optional_label(out, measured.offset(1 - i64::from(n)).ok());
                out.push_str(" to ");
                write_label(out, measured);
                out.push_str(": ");
                out.push_str(t.direction.words());
            }
            (None, Some(_)) => {
                out.push_str("no range target to judge a trend: not comparable");
            }
            (Some(t), None) if self.direction.trend == Some(TrendMethod::Recent) => {
                write_recent_trend_sentence(out, measured, t, w.recent.as_ref());
            }
            _ => {
                let (t, p) = match self.direction.compare {
                    Compare::Previous => (&w.previous, w.previous_period),
                    Compare::YearAgo => (&w.year_ago, w.year_ago_period),
                };
                t.write_sentence_with(
                    out,
                    |out| write_optional_label(out, p),
                    |out, v| self.unit.write_value(out, v, self.decimals),
                    |out, d| self.unit.write_difference(out, d, self.decimals),
                );
            }
        }
    }

    fn workings<S: SeriesView + ?Sized>(
        &self,
        period: Period,
        series: &S,
        memo: Option<&Resolutions<'_>>,
    ) -> Result<Workings> {
        // Periods sort by calendar first, so the ends of the series show any stranger.
        let (first, last) = series.ends();
        for p in [first, last].into_iter().flatten() {
            if p.calendar() != period.calendar() {
                return Err(Error::invalid_value(
                    format!(
                        "an observation for {p} of a year starting in month {}",
                        p.calendar().start_month()
                    ),
                    format!(
                        "observations of the calendar of the period evaluated (year starting in month {})",
                        period.calendar().start_month()
                    ),
                ));
            }
        }
        let rule = self.rule();
        let basis = self.effective_basis();
        let Some(measured) = self.measured_period(period) else {
            let not_comparable = Travel {
                direction: Direction::NotComparable,
                actual: None,
                comparison: None,
                change: None,
                band: None,
                reason: None,
            };
            return Ok(Workings {
                period,
                measured: None,
                basis,
                actual: None,
                unrounded: None,
                no_value: None,
                target: None,
                stretch: None,
                rating: Rating::not_due(&rule),
                headline: Direction::NotComparable,
                previous: not_comparable.clone(),
                year_ago: not_comparable,
                trend: None,
                recent: None,
                previous_period: None,
                year_ago_period: None,
            });
        };
        let resolved = self.measure_in(measured, series, memo)?;
        let (target, stretch) = self.target_for(measured)?;
        let (actual, unrounded, no_value) = match resolved {
            Resolved::Value(v) => {
                let r = self.rounded(v);
                (Some(r), (r != v).then_some(v), None)
            }
            Resolved::NoValue(reason) => (None, None, Some(reason)),
        };
        let rating = match (actual, no_value) {
            (None, Some(reason)) => {
                let mut rating = Rating::no_data(reason.describe(), &rule);
                // Keep the target in the explanation: a report shows what was due.
                rating.explanation.target = target;
                rating.explanation.stretch = stretch;
                rating
            }
            _ => rate(actual, target.as_ref(), stretch, &rule)?,
        };

        let range = match (self.polarity, target) {
            (Polarity::Within, Some(t)) => Some(t.bounds()),
            _ => None,
        };
        let travel = |comparison: Option<Decimal>| -> Result<Travel> {
            if self.polarity == Polarity::Within && range.is_none() {
                return Ok(Travel {
                    direction: Direction::NotComparable,
                    actual,
                    comparison,
                    change: None,
                    band: None,
                    reason: None,
                });
            }
            compare(
                self.polarity,
                actual,
                comparison,
                range,
                self.direction.stable,
            )
        };
        let previous_period = measured.previous().ok();
        let year_ago_period = measured.year_ago().ok();
        let previous = travel(self.compared_value(previous_period, series, memo)?)?;
        let year_ago = travel(self.compared_value(year_ago_period, series, memo)?)?;
        let trend = match self.direction.regression {
            Some(n) if self.polarity != Polarity::Within || range.is_some() => {
                // An indicator built in code skips `validate`: the window is still bounded,
                // since every period of it is read.
                self.direction
                    .validate()
                    .map_err(|e| e.with_field("direction").with_indicator(&self.id))?;
                let mut values = Vec::new();
                for back in (0..i64::from(n)).rev() {
                    values.push(self.compared_value(measured.offset(-back).ok(), series, memo)?);
                }
                Some(by_regression(
                    self.polarity,
                    &values,
                    range,
                    self.direction.stable,
                )?)
            }
            _ => None,
        };
        let (trend, recent) = match (trend, self.direction.trend) {
            (None, Some(TrendMethod::Recent)) => {
                let (travel, recent) = self.recent_trend(measured, series, actual)?;
                (Some(travel), recent)
            }
            (trend, _) => (trend, None),
        };
        let headline = match (&trend, self.direction.regression, self.direction.trend) {
            (Some(t), Some(_), _) | (Some(t), _, Some(_)) => t.direction,
            (None, Some(_), _) => Direction::NotComparable,
            _ => match self.direction.compare {
                Compare::Previous => previous.direction,
                Compare::YearAgo => year_ago.direction,
            },
        };
        Ok(Workings {
            period,
            measured: Some(measured),
            basis,
            actual,
            unrounded,
            no_value,
            target,
            stretch,
            rating,
            headline,
            previous,
            year_ago,
            trend,
            recent,
            previous_period,
            year_ago_period,
        })
    }

    /// The headline direction by the recent-trend test (SPEC §7, §8a): the proportions of
    /// `measured` and of the same period in each year before, counting back to the first gap
    /// (or the start of the series), oldest first, as the test reads a yearly series.
    fn recent_trend<S: SeriesView + ?Sized>(
        &self,
        measured: Period,
        series: &S,
        actual: Option<Decimal>,
    ) -> Result<(Travel, Option<RecentTrend>)> {
        let not_comparable = |reason: String| Travel {
            direction: Direction::NotComparable,
            actual,
            comparison: None,
            change: None,
            band: None,
            reason: Some(reason),
        };
        let preference = match self.polarity {
            Polarity::Higher => Preference::Higher,
            Polarity::Lower => Preference::Lower,
            Polarity::Within => {
                return Ok((
                    not_comparable(
                        "a within indicator has no better direction for a recent trend".into(),
                    ),
                    None,
                ));
            }
        };
        let start = series.ends().0.map(|p| p.first_date());
        // Newest first. After the first gap only the length matters (the test tells "fewer
        // than five points" from "a gap in the last five"), so the walk stops once the series
        // is five long: a long history costs nothing.
        let mut points: Vec<Option<ProportionPoint>> = Vec::new();
        let mut periods: Vec<Period> = Vec::new();
        let mut gap = false;
        let mut at = Some(measured);
        while let Some(period) = at {
            if gap && points.len() >= crate::recent_trend::POINTS {
                break;
            }
            if start.is_none_or(|s| period.last_date() < s) {
                break;
            }
            let point = if gap {
                None
            } else {
                match self.proportion_at(period, series)? {
                    ProportionAt::Gap => None,
                    ProportionAt::Point(p) => Some(p),
                    ProportionAt::NotProportion(why) => {
                        let mut reason = String::from("not a proportion: ");
                        write_label(&mut reason, period);
                        reason.push_str(why);
                        return Ok((not_comparable(reason), None));
                    }
                }
            };
            gap |= point.is_none();
            points.push(point);
            periods.push(period);
            at = period.year_ago().ok();
        }
        points.reverse();
        periods.reverse();
        // Inputs reaching here are proportions the test accepts; a statistic beyond f64 (counts
        // near the decimal range) is not comparable rather than an error that would cost the
        // actual its status.
        let recent = match recent_trend_proportions(&points, preference) {
            Ok(recent) => recent,
            Err(_) => {
                return Ok((
                    not_comparable(
                        "the recent-trend statistic is too large to compute exactly (beyond ±7.9 × 10²⁸)"
                            .into(),
                    ),
                    None,
                ));
            }
        };
        let direction = match (recent.marker, recent.judgement) {
            (_, Some(Judgement::GettingBetter)) => Direction::Improving,
            (_, Some(Judgement::GettingWorse)) => Direction::Worsening,
            (TrendMarker::CannotBeCalculated, _) => Direction::NotComparable,
            _ => Direction::NoChange,
        };
        // The oldest of the five points, as a regression's window names its first value.
        let oldest = periods
            .len()
            .checked_sub(crate::recent_trend::POINTS)
            .and_then(|i| periods.get(i).copied());
        let comparison = match recent.reason {
            None => self.compared_value(oldest, series, None)?,
            Some(_) => None,
        };
        let travel = Travel {
            direction,
            actual,
            comparison,
            change: None,
            band: None,
            reason: recent.reason.map(|r| r.as_str().to_string()),
        };
        Ok((travel, Some(recent)))
    }

    /// The count and denominator the recent-trend test reads for `period`: its own fraction,
    /// or the sums of a `ratio` aggregate (the last part's for `last`).
    fn proportion_at<S: SeriesView + ?Sized>(
        &self,
        period: Period,
        series: &S,
    ) -> Result<ProportionAt> {
        let own = self.frequency.kind();
        let parts = match self.effective_basis() {
            Basis::Period => period.periods(own),
            Basis::YearToDate => period.year_to_date().periods(own),
        };
        let wanted = parts.len();
        if wanted > 1 && !matches!(self.aggregation, Aggregation::Ratio | Aggregation::Last) {
            return Ok(ProportionAt::NotProportion(
                "'s parts are combined by an aggregation other than ratio or last",
            ));
        }
        let mut count = Decimal::ZERO;
        let mut denominator = Decimal::ZERO;
        let mut found = 0usize;
        for part in parts {
            let Some(o) = series.observation(&part) else {
                continue;
            };
            found += 1;
            let Observation::Fraction {
                numerator,
                denominator: d,
            } = *o
            else {
                return Ok(ProportionAt::NotProportion(
                    " is given as a value, not as a numerator and denominator",
                ));
            };
            if self.aggregation == Aggregation::Ratio {
                let overflow = || Error::overflow("sum of numerators and denominators");
                count = count.checked_add(numerator).ok_or_else(overflow)?;
                denominator = denominator.checked_add(d).ok_or_else(overflow)?;
            } else {
                count = numerator;
                denominator = d;
            }
        }
        if found == 0 || found < wanted || denominator.is_zero() {
            return Ok(ProportionAt::Gap);
        }
        if count.is_sign_negative() && !count.is_zero() {
            return Ok(ProportionAt::NotProportion(" has a negative numerator"));
        }
        if denominator.is_sign_negative() {
            return Ok(ProportionAt::NotProportion(" has a negative denominator"));
        }
        if count > denominator {
            return Ok(ProportionAt::NotProportion(
                " has a numerator greater than its denominator",
            ));
        }
        Ok(ProportionAt::Point(ProportionPoint { count, denominator }))
    }
}

/// The headline sentence of a recent trend: "recent trend over 5 points a year apart, 2011/12
/// to 2015/16 (chi-squared test for trend, 99.8% level): increasing and getting better", or
/// why it cannot be calculated.
fn write_recent_trend_sentence(
    out: &mut String,
    measured: Period,
    travel: &Travel,
    recent: Option<&RecentTrend>,
) {
    let marker = recent.map(|r| r.marker);
    if travel.direction == Direction::NotComparable
        || marker.is_none_or(|m| m == TrendMarker::CannotBeCalculated)
    {
        out.push_str("recent trend cannot be calculated");
        if let Some(reason) = &travel.reason {
            out.push_str(": ");
            out.push_str(reason);
        }
        out.push_str(": not comparable");
        return;
    }
    let back = i64::from(measured.kind().per_year()) * (crate::recent_trend::POINTS as i64 - 1);
    out.push_str("recent trend over 5 points a year apart, ");
    write_optional_label(out, measured.offset(-back).ok());
    out.push_str(" to ");
    write_label(out, measured);
    out.push_str(" (chi-squared test for trend, 99.8% level): ");
    out.push_str(match marker {
        Some(TrendMarker::Increasing) => "increasing",
        Some(TrendMarker::Decreasing) => "decreasing",
        _ => "no significant change",
    });
    if let Some(j) = recent.and_then(|r| r.judgement) {
        out.push_str(" and ");
        out.push_str(j.as_str());
    }
}

/// What the recent-trend test reads for one period.
enum ProportionAt {
    /// No value: the period breaks the run.
    Gap,
    /// A count of a denominator.
    Point(ProportionPoint),
    /// Why the period's figure is not a proportion (completing "not a proportion: 2015/16").
    NotProportion(&'static str),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_writer_is_period_label() {
        for start_month in [1, 4, 7, 12] {
            let calendar = FiscalCalendar::new(start_month).unwrap();
            for year in [1000, 1999, 2015, 2099, 9998] {
                for kind in [
                    PeriodKind::Month,
                    PeriodKind::Quarter,
                    PeriodKind::Half,
                    PeriodKind::Year,
                ] {
                    for index in 1..=kind.per_year() {
                        let p = calendar.period(year, kind, index).unwrap();
                        let mut out = String::from("at ");
                        write_label(&mut out, p);
                        assert_eq!(out, format!("at {}", p.label()));
                    }
                }
            }
        }
    }
    use crate::{Definitions, ErrorKind};
    use rust_decimal_macros::dec;

    fn defs() -> Definitions {
        Definitions::from_toml_str(
            "[[indicator]]\nid = \"A\"\nunit = \"percent\"\npolarity = \"higher\"\ndecimals = 1\n\
             tolerance = { absolute = \"2\" }\n[[indicator.target]]\nvalue = \"50\"\n",
        )
        .unwrap()
    }

    /// Counts near the decimal range give a chi-squared beyond it: the trend is not comparable
    /// and the actual keeps its status, rather than the evaluation failing.
    #[test]
    fn a_recent_trend_beyond_the_decimal_range_is_not_comparable() {
        let defs = Definitions::from_toml_str(
            "[[indicator]]\nid = \"R\"\nunit = \"ratio\"\npolarity = \"higher\"\n\
             frequency = \"annual\"\ndirection = { trend = \"recent\" }\n\
             [[indicator.target]]\nvalue = \"0.5\"\n",
        )
        .unwrap();
        let big = dec!(79000000000000000000000000000);
        let mut year = defs.calendar.parse("2014/15").unwrap();
        let mut series = Series::new();
        for count in [
            dec!(1000000000000000000000000000),
            dec!(10000000000000000000000000000),
            dec!(30000000000000000000000000000),
            dec!(60000000000000000000000000000),
            dec!(78000000000000000000000000000),
        ] {
            series.insert(year, Observation::fraction(count, big));
            year = year.next().unwrap();
        }
        let last = defs.calendar.parse("2018/19").unwrap();
        let r = defs.indicators[0].evaluate(last, &series).unwrap();
        assert_eq!(r.status, Status::Green);
        assert_eq!(r.direction, Direction::NotComparable);
        let reason = r.trend.and_then(|t| t.reason).unwrap_or_default();
        assert!(
            reason.starts_with("the recent-trend statistic is too large"),
            "{reason}"
        );
    }

    #[test]
    fn observations_of_another_calendar_are_an_error() {
        let defs = defs();
        let july = FiscalCalendar::new(7).unwrap();
        let series = series_from([(
            july.parse("2015/16 Q1").unwrap(),
            Observation::value(dec!(1)),
        )])
        .unwrap();
        let q1 = defs.calendar.parse("2015/16 Q1").unwrap();
        let err = defs.indicators[0].evaluate(q1, &series).unwrap_err();
        assert!(
            matches!(err.kind(), ErrorKind::InvalidValue { .. }),
            "{err}"
        );
        assert_eq!(err.location().indicator.as_deref(), Some("A"));
        assert_eq!(err.location().period.as_deref(), Some("2015/16 Q1"));
    }

    #[test]
    fn duplicate_periods_rejected() {
        let q1 = FiscalCalendar::default().parse("2015/16 Q1").unwrap();
        let err = series_from([
            (q1, Observation::value(dec!(1))),
            (q1, Observation::value(dec!(2))),
        ])
        .unwrap_err();
        assert!(matches!(err.kind(), ErrorKind::Duplicate { .. }));
    }

    #[test]
    fn override_keeps_computed_status() {
        let defs = defs();
        let q1 = defs.calendar.parse("2015/16 Q1").unwrap();
        let series = series_from([(q1, Observation::value(dec!(47)))]).unwrap();
        let r = defs.indicators[0].evaluate(q1, &series).unwrap();
        assert_eq!(r.status, Status::Red);
        let r = r.with_override(Status::Amber, "validated late return", "Head of Service");
        assert_eq!(r.status, Status::Amber);
        assert_eq!(r.rating.computed, Status::Red);
        assert!(
            r.sentence().contains("overridden to Amber"),
            "{}",
            r.sentence()
        );
    }

    #[test]
    fn no_data_keeps_target_in_explanation() {
        let defs = defs();
        let q1 = defs.calendar.parse("2015/16 Q1").unwrap();
        let r = defs.indicators[0].evaluate(q1, &Series::new()).unwrap();
        assert_eq!(r.status, Status::NoData);
        assert_eq!(r.rating.explanation.target, Some(Target::Value(dec!(50))));
    }

    #[test]
    fn evaluate_all_lists_unknown_ids() {
        let defs = defs();
        let q1 = defs.calendar.parse("2015/16 Q1").unwrap();
        let mut actuals = BTreeMap::new();
        actuals.insert("ZZ".to_string(), Series::new());
        let evaluation = defs.evaluate(q1, &actuals);
        assert_eq!(evaluation.results.len(), 1);
        assert_eq!(evaluation.errors.len(), 1);
        assert!(matches!(
            evaluation.errors[0].kind(),
            ErrorKind::UnknownIndicator { .. }
        ));
    }

    #[test]
    fn measured_period_rules() {
        let cal = FiscalCalendar::default();
        let mut ind = Indicator::new("X", Polarity::Higher);
        ind.frequency = Frequency::HalfYearly;
        let p = |l: &str| cal.parse(l).unwrap();
        assert_eq!(ind.measured_period(p("2015/16 Q1")), None);
        assert_eq!(ind.measured_period(p("2015/16 Q4")), Some(p("2015/16 H2")));
        assert_eq!(ind.measured_period(p("2015/16 M06")), Some(p("2015/16 H1")));
        assert_eq!(ind.measured_period(p("2015/16")), Some(p("2015/16")));
    }
}
