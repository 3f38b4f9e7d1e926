//! `ragstatus`: the quarterly performance report from indicator definitions and data files.
//!
//! ```text
//! ragstatus report   --definitions indicators.toml --actuals actuals.csv [--budget budget.csv]
//!                    [--milestones milestones.csv] [--comparators comparators.csv]
//!                    [--period "2015/16 Q3"] [--format html]
//! ragstatus evaluate --definitions indicators.toml --actuals actuals.csv [--format jsonl]
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
mod chart;
mod commands;
mod engine;
mod model;
mod render;
mod rowout;
mod sections;
mod window;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use crate::render::Format;

/// Exact, explainable Red/Amber/Green reports of performance indicators, budgets and
/// improvement-plan milestones.
#[derive(Debug, Parser)]
#[command(
    name = "ragstatus",
    version,
    after_help = "Exit codes: 0 clean; 1 output produced but some input rows were bad (listed on \
                  stderr); 2 usage or definition errors.\n\nExample:\n  ragstatus report \
                  --definitions examples/council-q3/indicators.toml --actuals \
                  examples/council-q3/actuals.csv --period \"2015/16 Q3\""
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Produce the quarterly report: summary, exceptions, every indicator, budget appendix,
    /// actions and milestones.
    #[command(after_help = concat!(
        "Example:\n  ragstatus report \\\n",
        "    --definitions examples/council-q3/indicators.toml \\\n",
        "    --actuals examples/council-q3/actuals.csv \\\n",
        "    --budget examples/council-q3/budget.csv \\\n",
        "    --milestones examples/council-q3/milestones.csv \\\n",
        "    --comparators examples/council-q3/comparators.csv \\\n",
        "    --period \"2015/16 Q3\" --format html --output q3.html"
    ))]
    Report(ReportArgs),
    /// Evaluate every row of the actuals: one result per indicator and period, streamed out as
    /// CSV or JSON lines in constant memory.
    #[command(after_help = concat!(
        "Rows are evaluated in file order. Each indicator keeps the last two years of its values\n",
        "(for year to date, previous period and same period last year), so memory does not grow\n",
        "with the file; a row older than that window is reported as out of order.\n\n",
        "Example:\n  ragstatus evaluate --definitions examples/council-q3/indicators.toml \\\n",
        "    --actuals examples/council-q3/actuals.csv --format jsonl"
    ))]
    Evaluate(EvaluateArgs),
    /// Validate definitions and data files and list every problem with file and line.
    #[command(after_help = concat!(
        "Never stops at the first problem: every one is listed, then a count.\n\n",
        "Example:\n  ragstatus check --definitions examples/council-q3/indicators.toml \\\n",
        "    --actuals examples/council-q3/actuals.csv --budget examples/council-q3/budget.csv \\\n",
        "    --milestones examples/council-q3/milestones.csv"
    ))]
    Check(CheckArgs),
    /// Show the full reasoning for one indicator in one period: inputs, target, tolerance,
    /// shortfall, status, direction and history.
    #[command(after_help = concat!(
        "Example:\n  ragstatus explain LW-04 --period \"2015/16 Q3\" \\\n",
        "    --definitions examples/council-q3/indicators.toml \\\n",
        "    --actuals examples/council-q3/actuals.csv"
    ))]
    Explain(ExplainArgs),
    /// Print the JSON Schema of the definitions format, for editors and other tools.
    #[command(after_help = concat!(
        "The schema describes the keys and values a definitions file may have; rules that\n",
        "join several fields are checked by `ragstatus check`. A copy is kept in\n",
        "schema/definitions.schema.json.\n\n",
        "Example:\n  ragstatus schema > definitions.schema.json"
    ))]
    Schema,
}

/// The definitions and the actuals.
#[derive(Debug, Args)]
struct Inputs {
    /// Indicator definitions (TOML, or JSON with a .json extension).
    #[arg(short, long, value_name = "FILE")]
    definitions: PathBuf,
    /// Actuals CSV: indicator, period, value or numerator and denominator, provisional, note.
    #[arg(short, long, value_name = "FILE")]
    actuals: PathBuf,
}

#[derive(Debug, Args)]
struct ReportArgs {
    #[command(flatten)]
    inputs: Inputs,
    /// Budget monitoring CSV (Appendix A).
    #[arg(short, long, value_name = "FILE")]
    budget: Option<PathBuf>,
    /// The unit of the budget file's amounts.
    #[arg(long, value_enum, default_value_t = BudgetUnit::Pounds, value_name = "UNIT")]
    budget_unit: BudgetUnit,
    /// Budget thresholds per level of the roll-up (TOML, or JSON with a .json extension)
    /// [default: Amber for any overspend; Red at 5% or £0.100m for a service, £0.250m for a
    /// directorate, £1.000m for the fund, whichever is lower].
    #[arg(long, value_name = "FILE")]
    budget_settings: Option<PathBuf>,
    /// Improvement plan CSV (actions and milestones).
    #[arg(short, long, value_name = "FILE")]
    milestones: Option<PathBuf>,
    /// Status overrides CSV: indicator, period, status, reason, by. The report shows both the
    /// computed and the overriding status.
    #[arg(long, value_name = "FILE")]
    overrides: Option<PathBuf>,
    /// Comparator values for benchmarking, CSV: indicator, period, comparator, value. The
    /// report gives each indicator's rank, quartile and distance from the median.
    #[arg(long, value_name = "FILE")]
    comparators: Option<PathBuf>,
    /// The period to report, e.g. "2015/16 Q3" [default: the latest period with data].
    #[arg(short, long)]
    period: Option<String>,
    /// The date milestones are assessed at, yyyy-mm-dd or dd/mm/yyyy [default: the last day of
    /// the period].
    #[arg(long, value_name = "DATE", value_parser = as_of_date)]
    as_of: Option<chrono::NaiveDate>,
    /// The report's title.
    #[arg(long)]
    title: Option<String>,
    /// How many periods of history the trend shows (1 to 60: 15 years of quarters).
    #[arg(long, default_value_t = 8, value_name = "N",
          value_parser = clap::value_parser!(u16).range(1..=MAX_HISTORY))]
    history: u16,
    /// Output format.
    #[arg(short, long, value_enum, default_value_t = Format::Table)]
    format: Format,
    /// Write to this file instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
}

/// The longest history a report shows: every period of it is evaluated for every indicator.
const MAX_HISTORY: i64 = 60;

/// Reads `--as-of` as milestone dates are read, so the message names the accepted forms.
fn as_of_date(text: &str) -> Result<chrono::NaiveDate, String> {
    ragstatus::milestone::parse_date(text).map_err(|e| e.kind().to_string())
}

/// The unit a budget file's amounts are written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum BudgetUnit {
    /// Pounds.
    Pounds,
    /// Thousands of pounds (£'000).
    Thousands,
    /// Millions of pounds (£m).
    Millions,
}

impl From<BudgetUnit> for ragstatus::AmountUnit {
    fn from(unit: BudgetUnit) -> Self {
        match unit {
            BudgetUnit::Pounds => ragstatus::AmountUnit::Pounds,
            BudgetUnit::Thousands => ragstatus::AmountUnit::Thousands,
            BudgetUnit::Millions => ragstatus::AmountUnit::Millions,
        }
    }
}

/// The output format of `evaluate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum RowFormat {
    /// CSV with a header.
    Csv,
    /// One JSON object per line.
    Jsonl,
}

#[derive(Debug, Args)]
struct EvaluateArgs {
    #[command(flatten)]
    inputs: Inputs,
    /// Output format.
    #[arg(short, long, value_enum, default_value_t = RowFormat::Csv)]
    format: RowFormat,
    /// Write to this file instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
}

#[derive(Debug, Args)]
struct CheckArgs {
    /// Indicator definitions (TOML, or JSON with a .json extension).
    #[arg(short, long, value_name = "FILE")]
    definitions: PathBuf,
    /// Actuals CSV.
    #[arg(short, long, value_name = "FILE")]
    actuals: Option<PathBuf>,
    /// Budget monitoring CSV.
    #[arg(short, long, value_name = "FILE")]
    budget: Option<PathBuf>,
    /// The unit of the budget file's amounts.
    #[arg(long, value_enum, default_value_t = BudgetUnit::Pounds, value_name = "UNIT")]
    budget_unit: BudgetUnit,
    /// Budget thresholds per level of the roll-up (TOML or JSON).
    #[arg(long, value_name = "FILE")]
    budget_settings: Option<PathBuf>,
    /// Improvement plan CSV.
    #[arg(short, long, value_name = "FILE")]
    milestones: Option<PathBuf>,
    /// Status overrides CSV: indicator, period, status, reason, by.
    #[arg(long, value_name = "FILE")]
    overrides: Option<PathBuf>,
    /// Comparator values CSV: indicator, period, comparator, value.
    #[arg(long, value_name = "FILE")]
    comparators: Option<PathBuf>,
}

#[derive(Debug, Args)]
struct ExplainArgs {
    /// The indicator id.
    id: String,
    /// The period, e.g. "2015/16 Q3" [default: the latest period with data].
    #[arg(short, long)]
    period: Option<String>,
    #[command(flatten)]
    inputs: Inputs,
    /// Status overrides CSV: indicator, period, status, reason, by.
    #[arg(long, value_name = "FILE")]
    overrides: Option<PathBuf>,
    /// Print the explanation as JSON.
    #[arg(long)]
    json: bool,
}

/// How a command ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    /// Everything was used.
    Clean,
    /// Output was produced, but some rows were bad.
    BadRows,
}

/// A usage or definition error: nothing was produced.
#[derive(Debug)]
struct Fatal(String);

impl From<ragstatus::Error> for Fatal {
    fn from(e: ragstatus::Error) -> Self {
        Fatal(e.to_string())
    }
}

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
