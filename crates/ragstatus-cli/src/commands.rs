//! The subcommands.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

use ragstatus::budget::BudgetSettings;
use ragstatus::{
    BudgetCsvOptions, Error, IndicatorResult, MilestoneCsvOptions, Observation, Period, Series,
    Status, Target, read_budget_csv, read_milestones_csv,
};

use crate::cli::{CheckArgs, EvaluateArgs, ExplainArgs, Fatal, Outcome, ReportArgs, RowFormat};
use crate::engine::{self, Defs};
use crate::render::explain::{self, Explained};
use crate::rowout;
use crate::window::Windows;
use crate::{build, keyed, national, render, sections};
use ragstatus::input::{
    ActualRow, ActualsReader, Overrides, read_actuals_csv, read_comparators_csv, read_overrides_csv,
};

fn open(path: &Path) -> Result<BufReader<File>, Fatal> {
    File::open(path)
        .map(BufReader::new)
        .map_err(|e| Fatal(format!("{}: {e}", path.display())))
}

fn output(path: &Option<PathBuf>) -> Result<Box<dyn Write>, Fatal> {
    Ok(match path {
        Some(path) => Box::new(BufWriter::new(
            File::create(path).map_err(|e| Fatal(format!("{}: {e}", path.display())))?,
        )),
        None => Box::new(BufWriter::new(std::io::stdout().lock())),
    })
}

fn write_failed(e: std::io::Error) -> Fatal {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        // The reader went away (`ragstatus evaluate ... | head`): stop quietly, as other
        // command-line tools do.
        std::process::exit(0);
    }
    Fatal(format!("cannot write the output: {e}"))
}

/// Reads every actuals row, good or bad, in file order; duplicates become problems.
pub fn read_actuals(defs: &Defs, path: &Path) -> Result<(Vec<ActualRow>, Vec<Error>), Fatal> {
    let file = path.display().to_string();
    let read = read_actuals_csv(open(path)?, &defs.catalog, Some(&file))?;
    Ok((read.rows, read.errors))
}

fn load_budget_settings(path: &Option<PathBuf>) -> Result<BudgetSettings, Fatal> {
    let Some(path) = path else {
        return Ok(BudgetSettings::default());
    };
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| Fatal(format!("{file}: {e}")))?;
    let settings: BudgetSettings = if file.to_ascii_lowercase().ends_with(".json") {
        serde_json::from_str(&text)
            .map_err(|e| Fatal(Error::from(e).with_file(&file).to_string()))?
    } else {
        toml::from_str(&text).map_err(|e| {
            let line = e
                .span()
                .and_then(|span| text.get(..span.start))
                .map(|before| before.matches('\n').count().saturating_add(1))
                .and_then(|line| u64::try_from(line).ok());
            let err = Error::from(e).with_file(&file);
            Fatal(
                match line {
                    Some(line) => err.with_line(line),
                    None => err,
                }
                .to_string(),
            )
        })?
    };
    settings
        .validate()
        .map_err(|e| Fatal(e.with_file(file).to_string()))?;
    Ok(settings)
}

fn list_problems(problems: &[Error]) {
    let mut err = std::io::stderr().lock();
    for p in problems {
        let _ = writeln!(err, "{p}");
    }
    if !problems.is_empty() {
        let _ = writeln!(
            err,
            "{} input row{} could not be used (listed above)",
            problems.len(),
            if problems.len() == 1 { "" } else { "s" }
        );
    }
}

fn outcome(problems: &[Error]) -> Outcome {
    if problems.is_empty() {
        Outcome::Clean
    } else {
        Outcome::BadRows
    }
}

/// `ragstatus check`.
pub fn check(args: CheckArgs) -> Result<Outcome, Fatal> {
    let defs = match Defs::load_all(&args.definitions) {
        Ok(defs) => defs,
        Err(all) => {
            if let [only] = all.as_slice() {
                return Err(only.clone().into());
            }
            let mut out = std::io::stdout().lock();
            for p in &all {
                let _ = writeln!(out, "{p}");
            }
            return Err(Fatal(format!(
                "{}: {} problems in the indicator definitions (listed above)",
                args.definitions.display(),
                all.len()
            )));
        }
    };
    let mut problems: Vec<Error> = Vec::new();
    let mut counts = vec![format!("{} indicator definitions", defs.ids.len())];
    if let Some(actuals) = &args.actuals {
        let (good, bad) = read_actuals(&defs, actuals)?;
        counts.push(format!("{} data rows", good.len() + bad.len()));
        problems.extend(bad);
    }
    if let Some(budget) = &args.files.budget {
        let settings = load_budget_settings(&args.files.budget_settings)?;
        let file = budget.display().to_string();
        let options = BudgetCsvOptions {
            unit: args.files.budget_unit.into(),
            file: Some(file.clone()),
            ..Default::default()
        };
        let read = read_budget_csv(open(budget)?, &options).map_err(|e| e.with_file(&file))?;
        counts.push(format!(
            "{} budget lines",
            read.lines.len() + read.errors.len()
        ));
        problems.extend(read.errors.iter().cloned());
        // What the report's roll-up would reject, so that a clean check means a clean report.
        let rolled =
            ragstatus::budget::roll_up(&read.lines, &settings).map_err(|e| e.with_file(&file))?;
        problems.extend(
            rolled
                .errors
                .into_iter()
                .map(|e| read.locate(e).with_file(&file)),
        );
    }
    if let Some(milestones) = &args.files.milestones {
        let file = milestones.display().to_string();
        let options = MilestoneCsvOptions {
            file: Some(file.clone()),
        };
        let read =
            read_milestones_csv(open(milestones)?, &options).map_err(|e| e.with_file(&file))?;
        counts.push(format!(
            "{} milestones",
            read.milestones.len() + read.errors.len()
        ));
        problems.extend(read.errors);
    }
    if args.files.overrides.is_some() {
        let overrides = read_overrides(&defs, &args.files.overrides, &mut problems)?;
        counts.push(format!("{} overrides", overrides.len()));
    }
    if let Some(path) = &args.files.comparators {
        let file = path.display().to_string();
        let read = read_comparators_csv(open(path)?, &defs.catalog, Some(&file))?;
        counts.push(format!(
            "{} comparator values",
            read.values.values().map(Vec::len).sum::<usize>() + read.errors.len()
        ));
        problems.extend(read.errors.iter().cloned());
        // What the report's comparison with a national value would reject.
        problems.extend(national::check_comparators(
            &defs.definitions.indicators,
            &read,
            &file,
        ));
    }
    let mut out = std::io::stdout().lock();
    for p in &problems {
        let _ = writeln!(out, "{p}");
    }
    let _ = writeln!(
        out,
        "{} checked: {} problem{}",
        counts.join(", "),
        problems.len(),
        if problems.len() == 1 { "" } else { "s" }
    );
    Ok(outcome(&problems))
}

fn read_overrides(
    defs: &Defs,
    path: &Option<PathBuf>,
    problems: &mut Vec<Error>,
) -> Result<Overrides, Fatal> {
    match path {
        None => Ok(Default::default()),
        Some(path) => {
            let file = path.display().to_string();
            let read = read_overrides_csv(open(path)?, &defs.catalog, Some(&file))?;
            problems.extend(read.errors);
            Ok(read.overrides)
        }
    }
}

fn choose_period(defs: &Defs, label: &Option<String>, rows: &[ActualRow]) -> Result<Period, Fatal> {
    match label {
        Some(label) => defs
            .definitions
            .calendar
            .parse(label)
            .map_err(|e| Fatal(format!("--period: {e}"))),
        None => ragstatus::period::latest_reported(
            rows.iter().map(|r| (r.indicator.as_str(), r.period)),
        )
        .ok_or_else(|| {
            Fatal(
                "the actuals file has no usable rows, so there is no latest period: give --period"
                    .into(),
            )
        }),
    }
}

/// `ragstatus report`.
pub fn report(args: ReportArgs) -> Result<Outcome, Fatal> {
    let defs = Defs::load(&args.inputs.definitions)?;
    let (rows, mut problems) = read_actuals(&defs, &args.inputs.actuals)?;
    let period = choose_period(&defs, &args.period, &rows)?;
    let settings = load_budget_settings(&args.files.budget_settings)?;
    let history = engine::history_periods(period, usize::from(args.history));
    let (series, flags) = engine::series(&rows);
    let overrides = read_overrides(&defs, &args.files.overrides, &mut problems)?;
    let empty = Series::new();
    let mut indicator_rows = Vec::new();
    for indicator in &defs.definitions.indicators {
        let s = series.get(&indicator.id).unwrap_or(&empty);
        let person = overrides.get(&(indicator.id.clone(), period));
        match engine::evaluate_row(indicator, period, s, &history, &flags, person) {
            Ok(row) => indicator_rows.push(row),
            Err(e) => problems.push(e.with_file(args.inputs.definitions.display().to_string())),
        }
    }
    let comparators = match &args.files.comparators {
        Some(path) => {
            let file = path.display().to_string();
            let read = read_comparators_csv(open(path)?, &defs.catalog, Some(&file))?;
            problems.extend(read.errors.iter().cloned());
            Some((file, read))
        }
        None => None,
    };
    if let Some((file, read)) = &comparators {
        for row in &mut indicator_rows {
            let Some(values) = read.values.get(&(row.id().to_string(), period)) else {
                continue;
            };
            // The national value is the benchmark, not one of the group ranked.
            let against = row.indicator.benchmark.as_ref().map(|b| b.against.as_str());
            let group: Vec<_> = values
                .iter()
                .filter(|(name, _)| Some(name.as_str()) != against)
                .cloned()
                .collect();
            if group.is_empty() {
                continue;
            }
            match engine::benchmark(row, &group) {
                Ok(b) => row.benchmark = Some(b),
                Err(e) => problems.push(e.with_file(file.as_str()).with_period(period.label())),
            }
        }
    }
    let budget = match &args.files.budget {
        Some(path) => Some(sections::budget(
            path,
            args.files.budget_unit.into(),
            &settings,
            &mut problems,
        )?),
        None => None,
    };
    let as_of = args.as_of.unwrap_or_else(|| period.last_date());
    let milestones = match &args.files.milestones {
        Some(path) => Some(sections::milestones(path, as_of, &mut problems)?),
        None => None,
    };
    let mut report = build::report(
        args.title
            .unwrap_or_else(|| format!("Performance report: {period}")),
        period.to_string(),
        history.iter().map(|p| p.to_string()).collect(),
        indicator_rows,
        problems.iter().map(|p| p.to_string()).collect(),
    );
    let actual_lines: HashMap<(String, Period), u64> = rows
        .iter()
        .map(|r| ((r.indicator.clone(), r.period), r.line))
        .collect();
    let definitions_file = args.inputs.definitions.display().to_string();
    let actuals_file = args.inputs.actuals.display().to_string();
    let sources = national::Sources {
        definitions: &definitions_file,
        actuals: (&actuals_file, &actual_lines),
        comparators: comparators.as_ref().map(|(f, r)| (f.as_str(), r)),
    };
    let mut compared = Vec::new();
    report.national =
        national::sections(&report.indicators, period, &series, &sources, &mut compared);
    report
        .problems
        .extend(compared.iter().map(|p| p.to_string()));
    problems.extend(compared);
    report.budget = budget;
    report.milestones = milestones;
    let text = render::render(&report, args.format).map_err(Fatal)?;
    let mut out = output(&args.output)?;
    out.write_all(text.as_bytes()).map_err(write_failed)?;
    out.flush().map_err(write_failed)?;
    list_problems(&problems);
    Ok(outcome(&problems))
}

/// The output row of one result.
fn record<'a>(result: &'a IndicatorResult, row: &'a ActualRow) -> rowout::Row<'a> {
    let (target, low, high) = match result.target {
        Some(Target::Value(v)) => (Some(v), None, None),
        Some(Target::Range { low, high }) => (None, Some(low), Some(high)),
        None => (None, None, None),
    };
    // `IndicatorResult::sentence`, in parts: the rating sentence (or the status), then the
    // direction sentence unless not due.
    let rating = result
        .rating
        .explanation
        .sentence
        .as_deref()
        .unwrap_or(result.status.as_str());
    let direction = (result.status != Status::NotDue).then_some(result.direction_sentence.as_str());
    rowout::Row {
        indicator: &result.id,
        period: &result.period,
        measured: result.measured.as_deref(),
        actual: result.actual,
        target,
        target_low: low,
        target_high: high,
        stretch: result.stretch,
        status: result.status.as_str(),
        shortfall: result.rating.shortfall,
        tolerance_amount: result.rating.tolerance_amount,
        direction: result.direction.as_str(),
        vs_previous: result.previous.direction.as_str(),
        vs_year_ago: result.year_ago.direction.as_str(),
        provisional: row.provisional,
        note: row.note.as_deref(),
        explanation: (rating, direction),
    }
}

/// Rows read ahead and evaluated together: enough to share out between threads, few enough
/// that memory stays flat.
const CHUNK: usize = 1024;

/// A row read, ready to evaluate; or why it cannot be.
enum Job {
    Bad(Error),
    Good { row: ActualRow, index: usize },
}

/// What became of one good row: output bytes up to an offset of the worker's buffer, an error
/// (in placing it in its window, or in evaluating), or nothing (an indicator not held).
enum Piece {
    Row(usize),
    Bad(Error),
    Skip,
}

/// One evaluation thread's state, kept from chunk to chunk: the windows of history of its
/// share of the indicators, and its output buffers (allocated, and their pages touched, once).
#[derive(Default)]
struct Worker {
    windows: Option<Windows<Observation>>,
    bytes: Vec<u8>,
    pieces: Vec<Piece>,
}

/// Which worker of `workers` evaluates the indicator numbered `index`.
fn worker_of(index: usize, workers: usize) -> usize {
    index % workers.max(1)
}

impl Worker {
    /// Places the rows of this worker's indicators in their windows and evaluates each
    /// against its window as it stands then, in file order; output goes to `bytes`.
    fn run(
        &mut self,
        defs: &Defs,
        file: &str,
        format: RowFormat,
        jobs: &[Job],
        me: (usize, usize),
    ) {
        let (number, workers) = me;
        let windows = self
            .windows
            .get_or_insert_with(|| Windows::new(defs.ids.len()));
        self.bytes.clear();
        self.pieces.clear();
        for job in jobs {
            let Job::Good { row, index } = job else {
                continue;
            };
            let index = *index;
            if worker_of(index, workers) != number {
                continue;
            }
            let at = |e: Error| {
                e.with_file(file)
                    .with_line(row.line)
                    .with_indicator(row.indicator.as_str())
            };
            if let Err(e) = windows.insert(index, row.period, row.line, row.observation) {
                self.pieces.push(Piece::Bad(at(e)));
                continue;
            }
            let (Some(indicator), Some(series)) = (defs.indicator(index), windows.series(index))
            else {
                self.pieces.push(Piece::Skip);
                continue;
            };
            let result = match indicator.evaluate(row.period, series) {
                Ok(result) => result,
                Err(e) => {
                    self.pieces.push(Piece::Bad(at(e)));
                    continue;
                }
            };
            let record = record(&result, row);
            match format {
                RowFormat::Csv => rowout::csv_row(&mut self.bytes, &record),
                RowFormat::Jsonl => rowout::json_row(&mut self.bytes, &record),
            }
            self.pieces.push(Piece::Row(self.bytes.len()));
        }
    }
}

/// Evaluates chunks on all cores and writes them in file order: rows to the output, errors to
/// standard error.
struct Sink<'a> {
    defs: &'a Defs,
    file: &'a str,
    format: RowFormat,
    out: Box<dyn Write>,
    header: Option<Vec<u8>>,
    bad: usize,
    workers: Vec<Worker>,
}

impl Sink<'_> {
    fn run(&mut self, jobs: &[Job]) -> Result<(), Fatal> {
        if jobs.is_empty() {
            return Ok(());
        }
        let (defs, file, format) = (self.defs, self.file, self.format);
        let count = self.workers.len();
        let mut workers = self.workers.iter_mut().enumerate();
        let first = workers.next();
        std::thread::scope(|scope| -> Result<(), Fatal> {
            let handles: Vec<_> = workers
                .map(|(number, worker)| {
                    scope.spawn(move || worker.run(defs, file, format, jobs, (number, count)))
                })
                .collect();
            if let Some((number, worker)) = first {
                worker.run(defs, file, format, jobs, (number, count));
            }
            for handle in handles {
                handle
                    .join()
                    .map_err(|_| Fatal("an evaluation thread failed".into()))?;
            }
            Ok(())
        })?;
        // Each worker's pieces are in file order: walk the file, taking from each in turn.
        let mut next = vec![(0usize, 0usize); count];
        let mut err = std::io::stderr().lock();
        for job in jobs {
            let index = match job {
                Job::Bad(e) => {
                    self.bad += 1;
                    let _ = writeln!(err, "{e}");
                    continue;
                }
                Job::Good { index, .. } => *index,
            };
            let number = worker_of(index, count);
            let (Some(worker), Some((piece, start))) =
                (self.workers.get(number), next.get_mut(number))
            else {
                continue;
            };
            match worker.pieces.get(*piece) {
                Some(Piece::Row(end)) => {
                    if let Some(header) = self.header.take() {
                        self.out.write_all(&header).map_err(write_failed)?;
                    }
                    let line = worker.bytes.get(*start..*end).unwrap_or_default();
                    self.out.write_all(line).map_err(write_failed)?;
                    *start = *end;
                }
                Some(Piece::Bad(e)) => {
                    self.bad += 1;
                    let _ = writeln!(err, "{e}");
                }
                Some(Piece::Skip) | None => {}
            }
            *piece += 1;
        }
        Ok(())
    }
}

/// Evaluates and writes chunks as they arrive. Takes the receiver so that it is dropped on an
/// error, which stops the reading thread.
fn drain(sink: &mut Sink<'_>, receive: std::sync::mpsc::Receiver<Vec<Job>>) -> Result<(), Fatal> {
    for jobs in receive {
        sink.run(&jobs)?;
    }
    Ok(())
}

/// `ragstatus evaluate`: streams one result per good row, in file order.
///
/// One thread reads and parses rows, a chunk ahead. Each chunk is then evaluated on all cores,
/// the indicators shared out between the threads: each thread keeps the windows of history of
/// its own indicators and evaluates their rows in file order against them (so no history is
/// copied), and the results are written out in file order, so the output is the same as
/// evaluating row by row. (A chunk holding only one or two indicators, as in a file sorted by
/// indicator with thousands of periods each, keeps only one or two threads busy.)
pub fn evaluate(args: EvaluateArgs) -> Result<Outcome, Fatal> {
    let defs = Defs::load(&args.inputs.definitions)?;
    let file = args.inputs.actuals.display().to_string();
    if !args.by.is_empty() {
        let keyed = keyed::evaluate(
            &defs.definitions,
            open(&args.inputs.actuals)?,
            &file,
            &args.by,
            &args.columns,
            args.format,
        )?;
        let mut out = output(&args.output)?;
        out.write_all(&keyed.text).map_err(write_failed)?;
        out.flush().map_err(write_failed)?;
        let mut err = std::io::stderr().lock();
        for problem in &keyed.problems {
            let _ = writeln!(err, "{problem}");
        }
        return Ok(not_evaluated(keyed.problems.len()));
    }
    let reader = ActualsReader::new(open(&args.inputs.actuals)?, &defs.catalog, Some(&file))?;
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(8));
    let mut sink = Sink {
        defs: &defs,
        file: file.as_str(),
        format: args.format,
        out: output(&args.output)?,
        header: match args.format {
            RowFormat::Csv => Some(rowout::csv_header()),
            RowFormat::Jsonl => None,
        },
        bad: 0,
        workers: (0..threads).map(|_| Worker::default()).collect(),
    };
    // Two chunks in flight at most: the one being evaluated and the one being read.
    let (send, receive) = std::sync::mpsc::sync_channel::<Vec<Job>>(1);
    let read_rows = || {
        // Owned here, so that the channel closes when reading ends.
        let send = send;
        let mut jobs = Vec::with_capacity(CHUNK);
        for row in reader {
            match row {
                Ok(row) => {
                    let Some(&index) = defs.ids.get(&row.indicator) else {
                        continue;
                    };
                    jobs.push(Job::Good { row, index });
                }
                Err(e) => jobs.push(Job::Bad(e)),
            }
            if jobs.len() >= CHUNK {
                let full = std::mem::replace(&mut jobs, Vec::with_capacity(CHUNK));
                if send.send(full).is_err() {
                    // The writer stopped on an error of its own, which it reports.
                    return;
                }
            }
        }
        let _ = send.send(jobs);
    };
    std::thread::scope(|scope| {
        scope.spawn(read_rows);
        drain(&mut sink, receive)
    })?;
    sink.out.flush().map_err(write_failed)?;
    Ok(not_evaluated(sink.bad))
}

/// Says how many rows could not be evaluated (each already listed), and how the command ends.
fn not_evaluated(bad: usize) -> Outcome {
    if bad > 0 {
        let _ = writeln!(
            std::io::stderr(),
            "{bad} input row{} could not be evaluated (listed above)",
            if bad == 1 { "" } else { "s" }
        );
        Outcome::BadRows
    } else {
        Outcome::Clean
    }
}

/// `ragstatus explain`.
pub fn explain(args: ExplainArgs) -> Result<Outcome, Fatal> {
    let defs = Defs::load(&args.inputs.definitions)?;
    let Some(indicator) = defs.ids.get(&args.id).and_then(|i| defs.indicator(*i)) else {
        return Err(Fatal(format!(
            "unknown indicator {:?}; {} defines: {}",
            args.id,
            args.inputs.definitions.display(),
            defs.definitions
                .indicators
                .iter()
                .map(|i| i.id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )));
    };
    let (rows, mut problems) = read_actuals(&defs, &args.inputs.actuals)?;
    let period = choose_period(&defs, &args.period, &rows)?;
    let (series, flags) = engine::series(&rows);
    let overrides = read_overrides(&defs, &args.overrides, &mut problems)?;
    let person = overrides.get(&(indicator.id.clone(), period));
    let empty = Series::new();
    let s = series.get(&indicator.id).unwrap_or(&empty);
    // An evaluation error names the definitions file; the row below then cannot fail on it.
    indicator.evaluate(period, s).map_err(|e| {
        Fatal(
            e.with_file(args.inputs.definitions.display().to_string())
                .to_string(),
        )
    })?;
    let history = engine::history_periods(period, 8);
    let row = engine::evaluate_row(indicator, period, s, &history, &flags, person)
        .map_err(|e| Fatal(e.to_string()))?;
    let mine: Vec<&ActualRow> = rows
        .iter()
        .filter(|r| r.indicator == indicator.id)
        .collect();
    let relevant: Vec<&ActualRow> = mine
        .iter()
        .copied()
        .filter(|r| {
            r.period.last_date() <= period.last_date()
                && r.period.first_date()
                    >= period
                        .fiscal_year()
                        .year_ago()
                        .map(|y| y.first_date())
                        .unwrap_or(period.first_date())
        })
        .collect();
    let explained = Explained {
        indicator,
        period,
        inputs: &relevant,
        history: &history,
        row: &row,
    };
    let text = if args.json {
        explain::json(&explained).map_err(Fatal)? + "\n"
    } else {
        explain::text(&explained)
    };
    let mut out = output(&None)?;
    out.write_all(text.as_bytes()).map_err(write_failed)?;
    out.flush().map_err(write_failed)?;
    list_problems(&problems);
    Ok(outcome(&problems))
}

/// `ragstatus schema`: the JSON Schema of the definitions format, as checked in under
/// `schema/`.
pub fn schema() -> Result<Outcome, Fatal> {
    let schema = ragstatus::schema::definitions_schema();
    let text = serde_json::to_string_pretty(&schema)
        .map_err(|e| Fatal(format!("cannot write the schema: {e}")))?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "{text}").map_err(write_failed)?;
    out.flush().map_err(write_failed)?;
    Ok(Outcome::Clean)
}
