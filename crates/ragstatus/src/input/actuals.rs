//! The actuals CSV reader: long format, one row per indicator and period.

use std::collections::HashMap;
use std::io::Read;

use serde::{Deserialize, Serialize};

use super::{Catalog, Header, NumberForm, Rows, cell, check_frequency, parse_number};
use crate::error::{Error, ErrorKind, Result};
use crate::period::Period;
use crate::value::Observation;

/// One good row of an actuals file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActualRow {
    /// The one-based line of the row in its file.
    pub line: u64,
    /// The indicator id, as defined.
    pub indicator: String,
    /// The period, of the indicator's frequency.
    pub period: Period,
    /// The value, or numerator and denominator.
    pub observation: Observation,
    /// Flagged provisional.
    pub provisional: bool,
    /// A free-text note, if any.
    pub note: Option<String>,
}

#[derive(Debug)]
struct Columns {
    indicator: usize,
    period: usize,
    value: Option<usize>,
    numerator: Option<usize>,
    denominator: Option<usize>,
    provisional: Option<usize>,
    note: Option<usize>,
}

/// Reads an actuals file row by row, in constant memory: each item is a good row or the
/// problem of a bad one.
///
/// ```text
/// indicator,period,value,numerator,denominator,provisional,note
/// SW-01,2015/16 Q3,,412,450,,
/// SW-02,2015/16 Q3,87.5,,,yes,Provisional figure
/// ```
///
/// `indicator` and `period` are required columns, with `value` or both `numerator` and
/// `denominator`; `provisional` (yes/no, y/n, true/false, 1/0) and `note` are optional. Numbers
/// are read with [`parse_number`] in the [plain form](NumberForm::Plain), periods with
/// [`read_period`](super::read_period) against the indicator's frequency. A bad row (unknown
/// indicator, bad or wrong-frequency period, a number that is not one, value and fraction both
/// or neither given, a blank row, a row with more cells than the header) is an error naming
/// the file, line, column, indicator and period as far as known. Duplicates are not seen by
/// this reader, which keeps no rows: see [`Duplicates`] and [`read_actuals_csv`].
///
/// ```
/// use ragstatus::{FiscalCalendar, Frequency};
/// use ragstatus::input::{ActualsReader, Catalog};
///
/// let catalog = Catalog::from_parts(FiscalCalendar::APRIL, [("SW-01".into(), Frequency::Quarterly)]);
/// let text = "indicator,period,value\nSW-01,2015/16 Q3,\"1,842\"\nSW-01,2015/16,12\n";
/// let rows: Vec<_> = ActualsReader::new(text.as_bytes(), &catalog, Some("q3.csv"))?.collect();
/// assert_eq!(rows[0].as_ref().map(|r| r.line).ok(), Some(2));
/// assert_eq!(
///     rows[1].as_ref().err().map(|e| e.location().line),
///     Some(Some(3))
/// );
/// # Ok::<(), ragstatus::Error>(())
/// ```
pub struct ActualsReader<'c, R: Read> {
    rows: Rows<R>,
    columns: Columns,
    record: ::csv::StringRecord,
    catalog: &'c Catalog,
    /// The last label parsed and its period: files list every indicator for one period before
    /// the next, so most rows repeat the label of the row before.
    last_period: Option<(String, Period)>,
}

impl<R: Read> std::fmt::Debug for ActualsReader<'_, R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ActualsReader")
            .field("file", &self.rows.file)
            .field("columns", &self.columns)
            .finish_non_exhaustive()
    }
}

impl<'c, R: Read> ActualsReader<'c, R> {
    /// Opens the reader and checks the header. A missing required column is an error for the
    /// whole file.
    pub fn new(input: R, catalog: &'c Catalog, file: Option<&str>) -> Result<Self> {
        let (rows, header) = Rows::open(input, file)?;
        let columns = columns(&header)?;
        Ok(ActualsReader {
            rows,
            columns,
            record: ::csv::StringRecord::new(),
            catalog,
            last_period: None,
        })
    }

    fn row(&mut self, line: u64) -> Result<ActualRow> {
        let record = &self.record;
        let id = cell(record, Some(self.columns.indicator)).ok_or_else(|| {
            Error::new(ErrorKind::Missing {
                field: "indicator id".into(),
            })
            .with_column("indicator")
        })?;
        let at = |e: Error| e.with_indicator(id);
        let frequency = self.catalog.require(id).map_err(at)?;
        let label = cell(record, Some(self.columns.period)).ok_or_else(|| {
            at(Error::new(ErrorKind::Missing {
                field: "period".into(),
            })
            .with_column("period"))
        })?;
        let period = match &self.last_period {
            Some((text, period)) if text == label => *period,
            _ => {
                let period = self
                    .catalog
                    .calendar()
                    .parse(label)
                    .map_err(|e| at(e.with_column("period")))?;
                self.last_period = Some((label.to_string(), period));
                period
            }
        };
        check_frequency(label, period, frequency).map_err(|e| at(e.with_column("period")))?;
        let at = |e: Error| at(e.with_period(period.label()));
        let number = |column: &str, index: Option<usize>| -> Result<Option<crate::Decimal>> {
            cell(record, index)
                .map(|text| {
                    parse_number(text, NumberForm::Plain).map_err(|e| at(e.with_column(column)))
                })
                .transpose()
        };
        let value = number("value", self.columns.value)?;
        let numerator = number("numerator", self.columns.numerator)?;
        let denominator = number("denominator", self.columns.denominator)?;
        let missing = |field: &str, column: &str| {
            at(Error::new(ErrorKind::Missing {
                field: field.into(),
            })
            .with_column(column))
        };
        let observation = match (value, numerator, denominator) {
            (Some(v), None, None) => Observation::value(v),
            (None, Some(n), Some(d)) => Observation::fraction(n, d),
            (None, None, None) => {
                return Err(missing("value (or numerator and denominator)", "value"));
            }
            (Some(_), _, _) => {
                return Err(at(Error::invalid_value(
                    "a value and a numerator or denominator",
                    "either a value, or a numerator and a denominator, not both",
                )
                .with_column("value")));
            }
            (None, Some(_), None) => {
                return Err(missing(
                    "denominator (a numerator was given)",
                    "denominator",
                ));
            }
            (None, None, Some(_)) => {
                return Err(missing("numerator (a denominator was given)", "numerator"));
            }
        };
        let provisional = match cell(record, self.columns.provisional) {
            None => false,
            Some(text) => super::parse_flag(text)
                .map_err(|e| at(e.with_column("provisional")))?
                .unwrap_or(false),
        };
        Ok(ActualRow {
            line,
            indicator: id.to_string(),
            period,
            observation,
            provisional,
            note: cell(record, self.columns.note).map(str::to_string),
        })
    }
}

fn columns(header: &Header) -> Result<Columns> {
    let columns = Columns {
        indicator: header.require("indicator")?,
        period: header.require("period")?,
        value: header.find("value"),
        numerator: header.find("numerator"),
        denominator: header.find("denominator"),
        provisional: header.find("provisional"),
        note: header.find("note"),
    };
    if columns.value.is_none() && (columns.numerator.is_none() || columns.denominator.is_none()) {
        return Err(header.missing(
            "column \"value\", or columns \"numerator\" and \"denominator\", in the header".into(),
        ));
    }
    Ok(columns)
}

impl<R: Read> Iterator for ActualsReader<'_, R> {
    type Item = Result<ActualRow>;

    fn next(&mut self) -> Option<Self::Item> {
        let line = match self.rows.next(&mut self.record)? {
            Ok(line) => line,
            Err(problem) => return Some(Err(problem)),
        };
        Some(
            self.row(line)
                .map_err(|e| self.rows.locate(e.with_line(line))),
        )
    }
}

/// Finds duplicate rows: the same indicator and period given twice. Remembers the line where
/// each was first seen, so that the problem names both lines; memory grows with the number of
/// distinct rows kept, which a caller streaming a window of history may bound by starting anew.
#[derive(Debug, Default)]
pub struct Duplicates {
    seen: HashMap<(String, Period), u64>,
}

impl Duplicates {
    /// A [`Duplicate`](ErrorKind::Duplicate) error if this row's indicator and period were seen
    /// before; the file name, when given, goes on the error.
    pub fn check(&mut self, file: Option<&str>, row: &ActualRow) -> Result<()> {
        let key = (row.indicator.clone(), row.period);
        match self.seen.get(&key) {
            Some(first) => {
                let e = Error::new(ErrorKind::Duplicate {
                    what: format!("row (also on line {first}) for"),
                    key: format!("{} {}", row.indicator, row.period),
                })
                .with_line(row.line)
                .with_indicator(row.indicator.as_str())
                .with_period(row.period.to_string())
                .with_column("period");
                Err(match file {
                    Some(f) => e.with_file(f),
                    None => e,
                })
            }
            None => {
                self.seen.insert(key, row.line);
                Ok(())
            }
        }
    }
}

/// Every row of an actuals file, good or bad.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ActualsCsv {
    /// The good rows, in file order.
    pub rows: Vec<ActualRow>,
    /// A problem for every bad row (duplicates included), in file order.
    pub errors: Vec<Error>,
}

/// Reads a whole actuals file with [`ActualsReader`], duplicates included as problems. A bad
/// header is an error for the whole file.
///
/// ```
/// use ragstatus::{FiscalCalendar, Frequency};
/// use ragstatus::input::{read_actuals_csv, Catalog};
///
/// let catalog = Catalog::from_parts(FiscalCalendar::APRIL, [("SW-01".into(), Frequency::Quarterly)]);
/// let text = "indicator,period,value\nSW-01,2015/16 Q3,44.1\nSW-01,2015/16 Q3,44.2\n,,\n";
/// let read = read_actuals_csv(text.as_bytes(), &catalog, None)?;
/// assert_eq!(read.rows.len(), 1);
/// let lines: Vec<_> = read.errors.iter().map(|e| e.location().line).collect();
/// assert_eq!(lines, [Some(3), Some(4)]);
/// # Ok::<(), ragstatus::Error>(())
/// ```
pub fn read_actuals_csv<R: Read>(
    input: R,
    catalog: &Catalog,
    file: Option<&str>,
) -> Result<ActualsCsv> {
    let mut out = ActualsCsv::default();
    let mut duplicates = Duplicates::default();
    for row in ActualsReader::new(input, catalog, file)? {
        match row.and_then(|row| duplicates.check(file, &row).map(|()| row)) {
            Ok(row) => out.rows.push(row),
            Err(e) => out.errors.push(e),
        }
    }
    Ok(out)
}
