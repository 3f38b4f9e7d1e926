//! Reading input: every number, period label and CSV row read one way, wherever it comes from.
//!
//! The CSV readers of the project (actuals, overrides, comparators here; budget lines in
//! [`budget`](crate::budget), milestones in [`milestone`](crate::milestone)) and the command line
//! share these rules, so that a file reads the same through every door:
//!
//! - **Numbers** are read by [`parse_number`], exactly: plain (`44.1`, `-3`, `+2`), with an
//!   exponent (`4.41e1`), with thousands separators only in valid groups of three (`1,842`,
//!   `12,345.6`; never `44,5`, `1,,2` or `,5`). A number is never rounded: one with more decimal
//!   places or significant digits than a [`Decimal`](crate::Decimal) holds is an error saying so.
//!   The council forms (`£46,267`, `(443)`, `−443`, `£1.2m`) are accepted only in the columns
//!   that declare them ([`NumberForm`]): budget amounts and percentages.
//! - **Missing** is one rule, [`is_missing`]: a cell that is empty or holds only whitespace.
//!   Markers such as `NA`, `n/a`, `N/A`, `-`, `..` or `x` are **errors**, not missing values.
//!   A performance officer reads them differently from file to file: `-` is zero in a
//!   spreadsheet's accounting format, `n/a` may mean "not applicable" (the indicator should not
//!   be rated at all) as well as "not available" (rated `NoData`), and `x` or `..` are
//!   suppression markers of official statistics. Reading any of them as missing would publish a
//!   `NoData` nobody chose; the error asks for an empty cell instead.
//! - **Period labels** in actuals are read by [`read_period`], which checks the label's length
//!   against the indicator's [`Frequency`]: a year label (`2014/15`) or a month label for a
//!   quarterly indicator is an error row ("expected a quarter label such as 2014/15 Q1"), never
//!   a value silently ignored as `NoData` or `NotDue`. Overrides and comparators name the period
//!   *reported*, which may be of any length (an annual indicator is overridden at Q4), so their
//!   labels are only parsed.
//! - **Rows** go through [`csvio`](crate::csvio): true line numbers, a row whose every cell is
//!   blank is a problem with its line, an unterminated quote is a problem naming the line where
//!   it opened, and a row with more cells than the header (something would be lost) is a
//!   problem; a row with fewer reads the missing cells as empty. Cells are trimmed of surrounding whitespace;
//!   column names are matched case-insensitively, in any order.
//!
//! Every reader takes any [`Read`](std::io::Read) (a file, a byte slice, standard input) and
//! never touches the file system; a file name, when given, is only written into errors. Every
//! bad row is returned as an [`Error`] naming the file, line, column, indicator
//! and period as far as known, and the reader carries on with the next row: rows in = rows
//! read + rows reported.

mod actuals;
mod comparators;
mod number;
mod overrides;

use std::collections::HashMap;

pub use actuals::{ActualRow, ActualsCsv, ActualsReader, Duplicates, read_actuals_csv};
pub use comparators::{
    ComparatorDetail, ComparatorValue, Comparators, ComparatorsCsv, read_comparators_csv,
};
pub use number::{NumberForm, parse_number};
pub use overrides::{Overrides, OverridesCsv, read_overrides_csv};

use crate::error::{Error, ErrorKind, Result};
use crate::indicator::Frequency;
use crate::period::{FiscalCalendar, Period};

/// Whether a cell holds no value: empty, or only whitespace. Nothing else is missing (see the
/// [module docs](crate::input) for why `NA`, `n/a` and `-` are errors instead).
///
/// ```
/// use ragstatus::input::is_missing;
///
/// assert!(is_missing(""));
/// assert!(is_missing(" \t"));
/// assert!(!is_missing("n/a"));
/// assert!(!is_missing("-"));
/// ```
pub fn is_missing(text: &str) -> bool {
    text.trim().is_empty()
}

/// Reads a yes/no flag such as `provisional`: `None` for a missing cell ([`is_missing`]), and
/// the words a spreadsheet or a statistics package writes, in any case. Anything else is an
/// [`InvalidValue`](crate::ErrorKind::InvalidValue) error: a flag nobody can read is never
/// taken as "no".
///
/// ```
/// use ragstatus::input::parse_flag;
///
/// assert_eq!(parse_flag(" Yes ")?, Some(true));
/// assert_eq!(parse_flag("P")?, Some(true));
/// assert_eq!(parse_flag("0")?, Some(false));
/// assert_eq!(parse_flag("")?, None);
/// assert!(parse_flag("maybe").is_err());
/// # Ok::<(), ragstatus::Error>(())
/// ```
pub fn parse_flag(text: &str) -> Result<Option<bool>> {
    let text = text.trim();
    match text.to_ascii_lowercase().as_str() {
        "" => Ok(None),
        "yes" | "y" | "true" | "t" | "1" | "provisional" | "p" => Ok(Some(true)),
        "no" | "n" | "false" | "f" | "0" => Ok(Some(false)),
        _ => Err(Error::invalid_value(
            text,
            "yes or no (or y/n, true/false, t/f, 1/0, provisional/p)",
        )),
    }
}

/// Reads a period label for an indicator reported at `frequency`: the label must parse with
/// `calendar` and name a period of the indicator's own length.
///
/// ```
/// use ragstatus::{FiscalCalendar, Frequency};
/// use ragstatus::input::read_period;
///
/// let calendar = FiscalCalendar::APRIL;
/// assert_eq!(read_period("Q3 2015/16", calendar, Frequency::Quarterly)?.to_string(), "2015/16 Q3");
/// let err = read_period("2014/15", calendar, Frequency::Quarterly).unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     "\"2014/15\" is not valid; expected a quarter label such as 2014/15 Q1 (the indicator is \
///      reported quarterly)"
/// );
/// # Ok::<(), ragstatus::Error>(())
/// ```
pub fn read_period(label: &str, calendar: FiscalCalendar, frequency: Frequency) -> Result<Period> {
    let period = calendar.parse(label.trim())?;
    check_frequency(label, period, frequency)?;
    Ok(period)
}

fn check_frequency(label: &str, period: Period, frequency: Frequency) -> Result<()> {
    let kind = frequency.kind();
    if period.kind() == kind {
        return Ok(());
    }
    let example = period
        .calendar()
        .period(period.start_year(), kind, 1)
        .map(|p| format!(" such as {p}"))
        .unwrap_or_default();
    Err(Error::invalid_value(
        label.trim(),
        format!(
            "a {} label{example} (the indicator is reported {})",
            kind.as_str(),
            frequency.as_str().replace('_', "-")
        ),
    ))
}

/// What the readers need to know of the definitions: the calendar, and which indicators exist
/// and how often each is reported.
///
/// ```
/// use ragstatus::Definitions;
/// use ragstatus::input::Catalog;
///
/// let defs = Definitions::from_toml_str(r#"
///     [[indicator]]
///     id = "LW-04"
///     name = "Recycling"
///     unit = "percent"
///     polarity = "higher"
/// "#)?;
/// let catalog = Catalog::new(&defs);
/// assert!(catalog.frequency("LW-04").is_some());
/// assert!(catalog.frequency("LW-05").is_none());
/// # Ok::<(), ragstatus::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Catalog {
    calendar: FiscalCalendar,
    frequencies: HashMap<String, Frequency>,
}

impl Catalog {
    /// The catalog of a set of definitions.
    pub fn new(definitions: &crate::Definitions) -> Self {
        Catalog::from_parts(
            definitions.calendar,
            definitions
                .indicators
                .iter()
                .map(|i| (i.id.clone(), i.frequency)),
        )
    }

    /// A catalog of indicator ids and their frequencies, for readers used without full
    /// definitions (tests, fuzzing, other front ends).
    pub fn from_parts(
        calendar: FiscalCalendar,
        indicators: impl IntoIterator<Item = (String, Frequency)>,
    ) -> Self {
        Catalog {
            calendar,
            frequencies: indicators.into_iter().collect(),
        }
    }

    /// The fiscal calendar labels are read with.
    pub fn calendar(&self) -> FiscalCalendar {
        self.calendar
    }

    /// How often the indicator is reported; `None` for an id that is not defined.
    pub fn frequency(&self, id: &str) -> Option<Frequency> {
        self.frequencies.get(id).copied()
    }

    /// The indicator's frequency, or an [`UnknownIndicator`](ErrorKind::UnknownIndicator) error.
    fn require(&self, id: &str) -> Result<Frequency> {
        self.frequency(id).ok_or_else(|| {
            Error::new(ErrorKind::UnknownIndicator { id: id.into() }).with_column("indicator")
        })
    }
}

/// The positions of a file's columns, found by name.
struct Header {
    names: Vec<String>,
    file: Option<String>,
}

impl Header {
    fn new(record: &::csv::StringRecord, file: Option<&str>) -> Self {
        Header {
            names: record
                .iter()
                .map(|h| h.trim().to_ascii_lowercase())
                .collect(),
            file: file.map(str::to_string),
        }
    }

    fn find(&self, name: &str) -> Option<usize> {
        self.names.iter().position(|h| h == name)
    }

    fn missing(&self, what: String) -> Error {
        let e = Error::new(ErrorKind::Missing { field: what }).with_line(1);
        match &self.file {
            Some(file) => e.with_file(file.as_str()),
            None => e,
        }
    }

    fn require(&self, name: &str) -> Result<usize> {
        self.find(name)
            .ok_or_else(|| self.missing(format!("column {name:?} in the header")))
    }
}

/// A cell's text without surrounding whitespace, or `None` when it is missing
/// ([`is_missing`]) or its column is absent.
fn cell(record: &::csv::StringRecord, index: Option<usize>) -> Option<&str> {
    index
        .and_then(|i| record.get(i))
        .map(str::trim)
        .filter(|s| !is_missing(s))
}

/// The shared frame of a whole-file reader: the CSV layer, the file name and an error list.
struct Rows<R: std::io::Read> {
    csv: crate::csvio::CsvReader<R>,
    file: Option<String>,
    /// The number of columns in the header.
    columns: usize,
}

impl<R: std::io::Read> Rows<R> {
    fn open(input: R, file: Option<&str>) -> Result<(Self, Header)> {
        let mut csv =
            crate::csvio::CsvReader::new(::csv::ReaderBuilder::new().flexible(true), input);
        let headers = csv.headers().map_err(|e| match file {
            Some(f) => e.with_file(f),
            None => e,
        })?;
        Ok((
            Rows {
                csv,
                file: file.map(str::to_string),
                columns: headers.len(),
            },
            Header::new(&headers, file),
        ))
    }

    /// The next record and its line, or a problem with the file name on it. A row with more
    /// cells than the header is a problem when an extra cell holds something, which no column
    /// would read; fewer cells are read as empty ones.
    fn next(&mut self, record: &mut ::csv::StringRecord) -> Option<Result<u64>> {
        let read = self.csv.next_record(record)?;
        Some(read.map_err(|e| self.locate(e)).and_then(|line| {
            let extra = record.iter().skip(self.columns).any(|c| !is_missing(c));
            if extra {
                return Err(self.locate(
                    Error::new(ErrorKind::Syntax {
                        format: "CSV".into(),
                        message: format!(
                            "found a record with {} fields, but the header has {}",
                            record.len(),
                            self.columns
                        ),
                    })
                    .with_line(line),
                ));
            }
            Ok(line)
        }))
    }

    fn locate(&self, e: Error) -> Error {
        match &self.file {
            Some(f) => e.with_file(f.as_str()),
            None => e,
        }
    }
}
