//! The subcommands.

use std::fs::File;
use std::io::{BufReader, Write};
use std::path::Path;

use crate::actuals::{ActualRow, ActualsReader, Duplicates};
use crate::engine::Defs;
use crate::{CheckArgs, EvaluateArgs, ExplainArgs, Fatal, Outcome, ReportArgs};
use ragstatus::{Error, Period};

fn open(path: &Path) -> Result<BufReader<File>, Fatal> {
    File::open(path)
        .map(BufReader::new)
        .map_err(|e| Fatal(format!("{}: {e}", path.display())))
}

/// Reads every actuals row, good or bad, in file order; duplicates become problems.
pub fn read_actuals(
    defs: &Defs,
    path: &Path,
) -> Result<(Vec<ActualRow<Period>>, Vec<Error>), Fatal> {
    let file = path.display().to_string();
    let reader = ActualsReader::new(&file, open(path)?, defs)?;
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    let mut duplicates = Duplicates::default();
    for row in reader {
        match row.and_then(|row| duplicates.check(&file, &row).map(|()| row)) {
            Ok(row) => rows.push(row),
            Err(e) => problems.push(e),
        }
    }
    Ok((rows, problems))
}

/// `ragstatus check`.
pub fn check(args: CheckArgs) -> Result<Outcome, Fatal> {
    let defs = Defs::load(&args.definitions)?;
    let mut problems: Vec<Error> = Vec::new();
    let mut rows = 0;
    if let Some(actuals) = &args.actuals {
        let (good, bad) = read_actuals(&defs, actuals)?;
        rows += good.len() + bad.len();
        problems.extend(bad);
    }
    let mut out = std::io::stdout().lock();
    for p in &problems {
        let _ = writeln!(out, "{p}");
    }
    let _ = writeln!(
        out,
        "{} indicator definitions, {rows} data rows checked: {} problem{}",
        defs.ids.len(),
        problems.len(),
        if problems.len() == 1 { "" } else { "s" }
    );
    Ok(if problems.is_empty() {
        Outcome::Clean
    } else {
        Outcome::BadRows
    })
}

/// `ragstatus report`.
pub fn report(args: ReportArgs) -> Result<Outcome, Fatal> {
    let _ = args;
    Err(Fatal("report: not available in this build yet".into()))
}

/// `ragstatus evaluate`.
pub fn evaluate(args: EvaluateArgs) -> Result<Outcome, Fatal> {
    let _ = args;
    Err(Fatal("evaluate: not available in this build yet".into()))
}

/// `ragstatus explain`.
pub fn explain(args: ExplainArgs) -> Result<Outcome, Fatal> {
    let _ = args;
    Err(Fatal("explain: not available in this build yet".into()))
}
