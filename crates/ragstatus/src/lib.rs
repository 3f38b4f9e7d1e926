//! # ragstatus
//!
//! Exact, explainable Red / Amber / Green rating for the quarterly performance and finance
//! reports of councils, NHS trusts and other public bodies.
//!
//! (The guide to the crate is written as the modules land: periods, indicators, targets,
//! tolerances, statuses, direction of travel, summaries, budgets, milestones and SPC.)
//!
//! All values are [`rust_decimal::Decimal`]: floats never decide a status. Every fallible
//! operation returns the one [`Error`] type, which names where the problem is.
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
pub mod columnar;
pub mod definitions;
pub mod direction;
pub mod error;
pub mod indicator;
pub mod milestone;
pub mod period;
pub mod polarity;
pub mod rating;
pub mod scheme;
pub mod spc;
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
    Aggregation, NoValueReason, Observation, Resolved, Rounding, RoundingMode, decimal_from_f64,
};

// re-exports from `target`
pub use target::{Profile, Target, TargetSpec};

// re-exports from `tolerance`
pub use tolerance::Tolerance;

// re-exports from `scheme`
pub use scheme::{Band, Comparison, Condition, Edge, Measure, Scheme};

// re-exports from `rating`
pub use rating::{Explanation, Fired, Override, Rating, Rule, rate, rate_status};

// re-exports from `columnar`
pub use columnar::{
    Batch, Column, FloatIssue, ScaledBatch, rate_codes, rate_codes_into, rate_codes_parallel,
    rate_scaled, rate_scaled_parallel, scale_f64,
};

// re-exports from `indicator`
pub use indicator::{Basis, Frequency, Indicator, IndicatorResult, Series, series_from};

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
    Assurance, Improvement, PointType, SignalDirection, SpcPoint, SpcResult, SpcRule, SpcSegment,
    SpcSettings, SpcSignal, XmrLimits, spc, spc_with_labels, xmr_limits,
};

// re-exports from `benchmarking`
pub use benchmarking::{Benchmark, BenchmarkSettings, QuartileScheme, benchmark};

pub use rust_decimal::Decimal;
