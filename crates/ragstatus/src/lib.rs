//! # ragstatus
//!
//! Exact, explainable Red / Amber / Green rating for the quarterly performance and finance
//! reports of councils, NHS trusts and other public bodies: key performance indicators against
//! their targets, forecast outturns against budgets, improvement-plan milestones against their
//! due dates, and statistical process control ("Making Data Count") on the same series.
//!
//! The rules are those of the project's `SPEC.md`, included here as the [`spec`] module; each
//! module's documentation states the rules it implements and the choices it made where the
//! specification is silent.
//!
//! ## A quarter in ten lines
//!
//! Indicators are *defined* as data (TOML or JSON), *measured* as a [`Series`] of
//! [`Observation`]s by [`Period`], and *evaluated* for a period. Every result carries its
//! status, the numbers behind it, and a sentence a councillor can read:
//!
//! ```
//! use std::collections::BTreeMap;
//! use ragstatus::{Definitions, Observation, Series, Status};
//! use rust_decimal_macros::dec;
//!
//! let defs = Definitions::from_toml_str(r#"
//!     [[indicator]]
//!     id = "LW-04"
//!     name = "Household waste sent for reuse, recycling or composting"
//!     unit = "percent"
//!     polarity = "higher"
//!     decimals = 1
//!     tolerance = { absolute = "2" }
//!     [[indicator.target]]
//!     value = "45.0"
//! "#)?;
//! let q2 = defs.calendar.parse("2015/16 Q2")?;
//! let q3 = defs.calendar.parse("Q3 2015/16")?;
//! let mut series = Series::new();
//! series.insert(q2, Observation::value(dec!(43.0)));
//! series.insert(q3, Observation::value(dec!(44.1)));
//! let actuals = BTreeMap::from([("LW-04".to_string(), series)]);
//!
//! let evaluation = defs.evaluate(q3, &actuals);
//! let result = &evaluation.results[0];
//! assert_eq!(result.status, Status::Amber);
//! assert_eq!(
//!     result.rating.explanation.sentence.as_deref(),
//!     Some("44.1% is 0.9 points below the target of 45.0%, within the 2.0-point tolerance: Amber")
//! );
//! assert!(evaluation.errors.is_empty());
//! # Ok::<(), ragstatus::Error>(())
//! ```
//!
//! ## The pieces
//!
//! | concept | module | key items |
//! | --- | --- | --- |
//! | fiscal years, quarters, labels, year to date; the period a report covers | [`period`] | [`FiscalCalendar`], [`Period`], [`period::latest_reported`] |
//! | values, numerator / denominator, aggregation, rounding | [`value`] | [`Observation`], [`Aggregation`], [`Rounding`] |
//! | units and how amounts read in sentences; writing a decimal's digits | [`unit`](mod@unit) | [`Unit`], [`unit::write_decimal`] |
//! | targets, annual profiles, stretch | [`target`] | [`Target`], [`TargetSpec`], [`Profile`] |
//! | which side is good | [`polarity`] | [`Polarity`] |
//! | the Amber band | [`tolerance`] | [`Tolerance`] |
//! | the standard rule, overrides, explanations | [`rating`] | [`rate`], [`rate_status`], [`Rating`] |
//! | custom band schemes (Bracknell, ClearPoint, Camms) | [`scheme`] | [`Scheme`], [`Band`] |
//! | statuses | [`status`] | [`Status`] |
//! | bulk rating of columns | [`columnar`] | [`rate_codes`], [`columnar::Batch`] |
//! | whole frames of actuals, keyed, Arrow in and out | [`frame`] | [`frame::evaluate_batch`], [`frame::FrameOptions`] |
//! | SPC series, budget lines and milestones in bulk, Arrow in and out | [`bulk`] | [`bulk::spc::spc_batch`], [`bulk::budget::roll_up_batch`], [`bulk::milestone::milestones_batch`] |
//! | an indicator's definition and evaluation | [`indicator`] | [`Indicator`], [`IndicatorResult`] |
//! | direction of travel | [`direction`] | [`Direction`], [`Travel`] |
//! | counts, percent on target, roll-ups | [`summary`] | [`Summary`], [`RollUp`] |
//! | loading definitions | [`definitions`] | [`Definitions`] |
//! | budget variance and roll-up | [`budget`] | [`BudgetLine`], [`roll_up`] |
//! | milestones and actions | [`milestone`] | [`Milestone`], [`evaluate_milestone`] |
//! | statistical process control | [`spc`](mod@spc) | [`spc()`], [`SpcResult`], [`SpcResult::explained`] |
//! | the icon summary: variation and assurance icons as data, text and SVG | [`icons`] | [`IconSummaryRow`], [`VariationIcon`], [`AssuranceIcon`] |
//! | position among comparators | [`benchmarking`] | [`benchmark()`], [`Indicator::benchmark`] |
//! | confidence intervals: Wilson, Byar, exact Poisson, Dobson | [`interval`] | [`Interval`], [`ConfidenceLevel`] |
//! | Fingertips comparison with a benchmark: Better / Similar / Worse | [`comparison`] | [`compare()`], [`Comparison`] |
//! | reading input: numbers, missing cells, period labels; actuals, overrides and comparators files | [`input`] | [`input::parse_number`], [`input::read_period`], [`input::ActualsReader`] |
//! | the normative rules (`SPEC.md`) | [`spec`] | |
//! | reading CSV files with true line numbers (CRLF, BOM, quoted line breaks, unterminated quotes) | [`csvio`] | [`csvio::CsvReader`] |
//!
//! ## Exact, and total
//!
//! All values are [`Decimal`]: floats never decide a status. A float that crosses into the
//! library (from a TOML number, or from Python) becomes the decimal of its shortest round-trip
//! text, so `94.95` is `94.95`, not `94.9500000000000028…` ([`decimal_from_f64`]).
//!
//! Every fallible operation returns the one [`Error`] type: an [`ErrorKind`] saying what was
//! wrong and what was expected, and a [`Location`] naming the indicator, period, field, file,
//! line and column where they are known. Nothing panics on bad input, and arithmetic that would
//! overflow is an [`ErrorKind::Overflow`] error. Evaluating many items ([`Definitions::evaluate`],
//! the CSV readers) evaluates the good ones and returns an error for every bad one.
#![forbid(unsafe_code)]
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

pub mod benchmarking;
pub mod budget;
pub mod bulk;
pub mod columnar;
pub mod comparison;
/// CSV input with true line numbers (CRLF files, quoted line breaks) and no byte order mark.
pub mod csvio;
pub mod definitions;
pub mod direction;
pub mod error;
mod exact;
pub mod frame;
pub mod funnel;
pub mod icons;
pub mod indicator;
pub mod input;
pub mod interval;
pub mod milestone;
pub mod period;
pub mod polarity;
pub mod quantile;
pub mod rating;
pub mod recent_trend;
#[cfg(feature = "schema")]
pub mod schema;
pub mod scheme;
pub mod spc;
pub mod spec;
pub mod status;
pub mod summary;
pub mod target;
pub mod tolerance;
pub mod unit;
pub mod value;

pub use error::{Error, ErrorKind, Location, Result};
pub use polarity::Polarity;
pub use status::Status;

// re-exports from `period`
pub use period::{FiscalCalendar, Period, PeriodKind, Periods, YearToDate};

// re-exports from `unit`
pub use unit::Unit;

// re-exports from `value`
pub use value::{
    Aggregation, NoValueReason, Observation, Resolved, Rounding, RoundingMode, decimal_from_f32,
    decimal_from_f64, decimal_from_scaled,
};

// re-exports from `target`
pub use target::{Profile, Target, TargetSpec};

// re-exports from `tolerance`
pub use tolerance::Tolerance;

// re-exports from `scheme`
pub use scheme::{Band, Measure, Scheme};

// re-exports from `rating`
pub use rating::{Explanation, Fired, Override, Rating, Rule, rate, rate_status};

// re-exports from `columnar`
pub use columnar::{
    FloatIssue, ScaledBatch, rate_codes, rate_codes_into, rate_codes_parallel, rate_scaled,
    rate_scaled_parallel, scale_f64,
};

// re-exports from `indicator`
pub use indicator::{
    ActualCounts, Basis, Frequency, Indicator, IndicatorResult, IndicatorSpc, Series, series_from,
};

// re-exports from `direction`
pub use direction::{Compare, Direction, DirectionSettings, StableBand, Travel};

// re-exports from `summary`
pub use summary::{Counts, GroupSummary, RollUp, Summary, SummaryItem};

// re-exports from `definitions`
pub use definitions::{Definitions, Evaluation};

// re-exports from `budget`
pub use budget::{
    AmountUnit, BudgetCsv, BudgetCsvOptions, BudgetLine, BudgetReport, BudgetResult,
    BudgetSettings, LineKind, RatingBase, parse_amount, read_budget_csv, roll_up,
};

// re-exports from `milestone`
pub use milestone::{
    Milestone, MilestoneCsv, MilestoneCsvOptions, MilestoneReport, MilestoneResult,
    MilestoneSettings, MilestoneState, evaluate_milestone, evaluate_milestones,
    read_milestones_csv,
};

// re-exports from `spc`
pub use spc::{
    Assurance, ChartType, Improvement, PointType, RuleProfile, SignalDirection, SpcPoint,
    SpcResult, SpcRule, SpcSegment, SpcSettings, SpcSignal, XmrLimits, spc, spc_chart,
    spc_with_labels, xmr_limits,
};

// re-exports from `icons`
pub use icons::{AssuranceIcon, IconSummaryRow, VariationIcon};

// re-exports from `benchmarking`
pub use benchmarking::{Benchmark, BenchmarkSettings, QuartileScheme, benchmark};

// re-exports from `interval` and `comparison`
pub use comparison::{
    BenchmarkFunnel, BenchmarkMethod, Comparison, FunnelCentre, IndicatorBenchmark, Outcome,
    Preference, Reason, compare, compare_levels,
};
pub use interval::{ConfidenceLevel, Interval, Method, Stratum};

pub use rust_decimal::Decimal;
