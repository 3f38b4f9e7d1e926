//! The command line: the subcommands and their arguments, and how a command ends.

use std::path::PathBuf;

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
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
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
        "With --by, the file is read whole and evaluated per key (organisation, area, ...) by\n",
        "the library's columnar frame path: each key has its own history, and each period a key\n",
        "reports gets a row for each of its indicators without one.\n\n",
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
pub struct Inputs {
    /// Indicator definitions (TOML, or JSON with a .json extension).
    #[arg(short, long, value_name = "FILE")]
    pub definitions: PathBuf,
    /// Actuals CSV: indicator, period, value or numerator and denominator, provisional, note.
    #[arg(short, long, value_name = "FILE")]
    pub actuals: PathBuf,
}

/// The files besides the definitions and actuals that `report` reads and `check` checks: one
/// declaration, so that the two commands take the same options with the same meaning.
#[derive(Debug, Args)]
pub struct Supplements {
    /// Budget monitoring CSV (Appendix A).
    #[arg(short, long, value_name = "FILE")]
    pub budget: Option<PathBuf>,
    /// The unit of the budget file's amounts.
    #[arg(long, value_enum, default_value_t = BudgetUnit::Pounds, value_name = "UNIT")]
    pub budget_unit: BudgetUnit,
    /// Budget thresholds per level of the roll-up (TOML, or JSON with a .json extension)
    /// [default: Amber for any overspend; Red at 5% or £0.100m for a service, £0.250m for a
    /// directorate, £1.000m for the fund, whichever is lower].
    #[arg(long, value_name = "FILE")]
    pub budget_settings: Option<PathBuf>,
    /// Improvement plan CSV (actions and milestones).
    #[arg(short, long, value_name = "FILE")]
    pub milestones: Option<PathBuf>,
    /// Status overrides CSV: indicator, period, status, reason, by. The report shows both the
    /// computed and the overriding status.
    #[arg(long, value_name = "FILE")]
    pub overrides: Option<PathBuf>,
    /// Comparator values for benchmarking, CSV: indicator, period, comparator, value, and
    /// optionally numerator and denominator. The report gives each indicator's rank, quartile
    /// and distance from the median, and its comparison with the national value.
    #[arg(long, value_name = "FILE")]
    pub comparators: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    #[command(flatten)]
    pub inputs: Inputs,
    #[command(flatten)]
    pub files: Supplements,
    /// The period to report, e.g. "2015/16 Q3" [default: the latest period with data].
    #[arg(short, long)]
    pub period: Option<String>,
    /// The date milestones are assessed at, yyyy-mm-dd or dd/mm/yyyy [default: the last day of
    /// the period].
    #[arg(long, value_name = "DATE", value_parser = as_of_date)]
    pub as_of: Option<chrono::NaiveDate>,
    /// The report's title.
    #[arg(long)]
    pub title: Option<String>,
    /// How many periods of history the trend shows (1 to 60: 15 years of quarters).
    #[arg(long, default_value_t = 8, value_name = "N",
          value_parser = clap::value_parser!(u16).range(1..=MAX_HISTORY))]
    pub history: u16,
    /// Output format.
    #[arg(short, long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Write to this file instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// The longest history a report shows: every period of it is evaluated for every indicator.
pub const MAX_HISTORY: i64 = 60;

/// Reads `--as-of` as milestone dates are read, so the message names the accepted forms.
pub fn as_of_date(text: &str) -> Result<chrono::NaiveDate, String> {
    ragstatus::milestone::parse_date(text).map_err(|e| e.kind().to_string())
}

/// The unit a budget file's amounts are written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum BudgetUnit {
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
pub enum RowFormat {
    /// CSV with a header.
    Csv,
    /// One JSON object per line.
    Jsonl,
}

#[derive(Debug, Args)]
pub struct EvaluateArgs {
    #[command(flatten)]
    pub inputs: Inputs,
    /// A key column (organisation, area, provider): evaluate through the columnar frame path,
    /// with history, duplicates and gaps per key. Repeat for several keys, outermost first.
    #[arg(long, value_name = "COLUMN")]
    pub by: Vec<String>,
    /// With --by: write only these output columns, in this order (key columns and the frame's
    /// result columns: row, indicator, period, status, direction, ...). Repeat, or separate
    /// with commas. The others are not computed.
    #[arg(long, value_name = "COLUMN", value_delimiter = ',', requires = "by")]
    pub columns: Vec<String>,
    /// Output format.
    #[arg(short, long, value_enum, default_value_t = RowFormat::Csv)]
    pub format: RowFormat,
    /// Write to this file instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Indicator definitions (TOML, or JSON with a .json extension).
    #[arg(short, long, value_name = "FILE")]
    pub definitions: PathBuf,
    /// Actuals CSV.
    #[arg(short, long, value_name = "FILE")]
    pub actuals: Option<PathBuf>,
    #[command(flatten)]
    pub files: Supplements,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The indicator id.
    pub id: String,
    /// The period, e.g. "2015/16 Q3" [default: the latest period with data].
    #[arg(short, long)]
    pub period: Option<String>,
    #[command(flatten)]
    pub inputs: Inputs,
    /// Status overrides CSV: indicator, period, status, reason, by.
    #[arg(long, value_name = "FILE")]
    pub overrides: Option<PathBuf>,
    /// Print the explanation as JSON.
    #[arg(long)]
    pub json: bool,
}

/// How a command ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Everything was used.
    Clean,
    /// Output was produced, but some rows were bad.
    BadRows,
}

/// A usage or definition error: nothing was produced.
#[derive(Debug)]
pub struct Fatal(pub String);

impl From<ragstatus::Error> for Fatal {
    fn from(e: ragstatus::Error) -> Self {
        Fatal(e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    /// `check` must accept every file `report` reads, so that a clean check means a clean report.
    #[test]
    fn check_and_report_take_the_same_files() {
        let files: Vec<String> = Supplements::augment_args(clap::Command::new("files"))
            .get_arguments()
            .map(|a| a.get_id().to_string())
            .collect();
        assert!(files.contains(&"comparators".to_string()), "{files:?}");
        let cli = Cli::command();
        for name in ["check", "report"] {
            let sub = cli.find_subcommand(name).map(|c| {
                c.get_arguments()
                    .map(|a| a.get_id().to_string())
                    .collect::<Vec<_>>()
            });
            let Some(ids) = sub else {
                panic!("no {name} subcommand");
            };
            for id in &files {
                assert!(ids.contains(id), "{name} lacks --{id}");
            }
        }
        let parsed = Cli::try_parse_from([
            "ragstatus",
            "check",
            "-d",
            "d.toml",
            "--budget-unit",
            "thousands",
            "--comparators",
            "c.csv",
        ]);
        let Ok(Cli {
            command: Command::Check(args),
            ..
        }) = parsed
        else {
            panic!("check did not parse: {parsed:?}");
        };
        assert_eq!(args.files.budget_unit, BudgetUnit::Thousands);
        assert_eq!(args.files.comparators, Some(PathBuf::from("c.csv")));
    }
}
