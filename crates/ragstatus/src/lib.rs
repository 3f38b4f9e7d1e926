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

// re-exports from `value`

// re-exports from `target`

// re-exports from `tolerance`

// re-exports from `scheme`

// re-exports from `rating`

// re-exports from `columnar`

// re-exports from `indicator`

// re-exports from `direction`

// re-exports from `summary`

// re-exports from `definitions`

// re-exports from `budget`

// re-exports from `milestone`

// re-exports from `spc`

// re-exports from `benchmarking`

pub use rust_decimal::Decimal;
