//! `ragstatus`: the quarterly performance report from indicator definitions and data files.
//!
//! ```text
//! ragstatus report   --definitions indicators.toml --actuals actuals.csv [--budget budget.csv]
//!                    [--milestones milestones.csv] [--comparators comparators.csv]
//!                    [--period "2015/16 Q3"] [--format html]
//! ragstatus evaluate --definitions indicators.toml --actuals actuals.csv [--format jsonl]
//!                    [--by organisation ...]
//! ragstatus check    --definitions indicators.toml [--actuals ...] [--budget ...] [--milestones ...]
//! ragstatus explain  SW-01 --period "2015/16 Q3" --definitions indicators.toml --actuals actuals.csv
//! ragstatus schema   > definitions.schema.json
//! ```
//!
//! Exit codes: 0 clean; 1 the output was produced but some input rows were bad (each listed on
//! stderr with file and line); 2 usage or definition errors (nothing produced).
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

mod build;
mod cli;
mod commands;
mod engine;
mod keyed;
mod model;
mod national;
mod render;
mod rowout;
mod sections;
mod window;

use std::process::ExitCode;

use clap::Parser;

use crate::cli::{Cli, Command, Fatal, Outcome};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Report(args) => commands::report(args),
        Command::Evaluate(args) => commands::evaluate(args),
        Command::Check(args) => commands::check(args),
        Command::Explain(args) => commands::explain(args),
        Command::Schema => commands::schema(),
    };
    match result {
        Ok(Outcome::Clean) => ExitCode::SUCCESS,
        Ok(Outcome::BadRows) => ExitCode::from(1),
        Err(Fatal(message)) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}
