//! The actuals CSV reader: long format, one row per indicator and period.
//!
//! ```text
//! indicator,period,value,numerator,denominator,provisional,note
//! SW-01,2015/16 Q3,,412,450,,
//! SW-02,2015/16 Q3,87.5,,,yes,Provisional figure
//! ```
//!
//! Only `indicator` and `period` are required columns, with `value` or both `numerator` and
//! `denominator`; the others are optional and columns may come in any order. Column names are
//! matched case-insensitively. Numbers may carry thousands separators (`1,842`) since that is how
//! spreadsheets export them.
//!
//! A bad row (unknown indicator, bad period, duplicate, non-numeric value, value and fraction
//! both or neither given) is an error naming the file, the line, the column, the indicator and
//! the period as far as known. The reader yields it and carries on: nothing is dropped silently.

use std::collections::HashMap;
use std::io::Read;
use std::str::FromStr;

use ragstatus::csvio::CsvReader;
use ragstatus::{Decimal, Error, ErrorKind, Observation};

/// One good row of the actuals file.
#[derive(Debug, Clone, PartialEq)]
pub struct ActualRow<P> {
    /// The one-based line of the row in its file.
    pub line: u64,
    /// The indicator id, as defined.
    pub indicator: String,
    /// The parsed period.
    pub period: P,
    /// The value, or numerator and denominator.
    pub observation: Observation,
    /// Flagged provisional.
    pub provisional: bool,
    /// A free-text note, if any.
    pub note: Option<String>,
}

struct Columns {
    indicator: usize,
    period: usize,
    value: Option<usize>,
    numerator: Option<usize>,
    denominator: Option<usize>,
    provisional: Option<usize>,
    note: Option<usize>,
}

/// Reads the actuals of one file row by row, in constant memory.
pub struct ActualsReader<R: Read, C: Catalog> {
    file: String,
    reader: CsvReader<R>,
    columns: Columns,
    record: csv::StringRecord,
    catalog: C,
    /// The last period label parsed and its period: files list every indicator for one period
    /// before the next, so most rows repeat the label of the row before.
    last_period: Option<(String, C::Period)>,
}

/// What the reader needs to know about the definitions: whether an indicator exists, and how to
/// parse a period label.
pub trait Catalog {
    /// The parsed period type.
    type Period;
    /// True when the id names a defined indicator.
    fn knows(&self, id: &str) -> bool;
    /// Parses a period label with the definitions' calendar.
    fn parse_period(&self, label: &str) -> Result<Self::Period, Error>;
}

impl<R: Read, C: Catalog> ActualsReader<R, C>
where
    C::Period: Clone,
{
    /// Opens the reader and checks the header. A missing required column is an error for the
    /// whole file (usage error).
    pub fn new(file: &str, input: R, catalog: C) -> Result<Self, Error> {
        // The core's reader, for line numbers that are right in files saved on Windows (CRLF)
        // and after blank lines, and for a leading byte order mark dropped however it arrives.
        // Cells are trimmed as they are read (`cell`), not by the parser: its trimming copies
        // every record into a new one.
        let mut reader = CsvReader::new(csv::ReaderBuilder::new().flexible(true), input);
        let headers = reader.headers().map_err(|e| e.with_file(file))?;
        let find = |name: &str| {
            headers
                .iter()
                .position(|h| trim_ascii(h).eq_ignore_ascii_case(name))
        };
        let required = |name: &str| {
            find(name).ok_or_else(|| {
                Error::new(ErrorKind::Missing {
                    field: format!("column {name:?} in the header"),
                })
                .with_file(file)
                .with_line(1)
            })
        };
        let columns = Columns {
            indicator: required("indicator")?,
            period: required("period")?,
            value: find("value"),
            numerator: find("numerator"),
            denominator: find("denominator"),
            provisional: find("provisional"),
            note: find("note"),
        };
        if columns.value.is_none() && (columns.numerator.is_none() || columns.denominator.is_none())
        {
            return Err(Error::new(ErrorKind::Missing {
                field:
                    "column \"value\", or columns \"numerator\" and \"denominator\", in the header"
                        .into(),
            })
            .with_file(file)
            .with_line(1));
        }
        Ok(ActualsReader {
            file: file.to_string(),
            reader,
            columns,
            record: csv::StringRecord::new(),
            catalog,
            last_period: None,
        })
    }

    fn row(&mut self) -> Result<ActualRow<C::Period>, Error> {
        let line = self.reader.line_of(&self.record).unwrap_or(0);
        let at = |e: Error| e.with_file(self.file.as_str()).with_line(line);
        let id = cell(&self.record, Some(self.columns.indicator)).ok_or_else(|| {
            at(Error::new(ErrorKind::Missing {
                field: "indicator id".into(),
            })
            .with_column("indicator"))
        })?;
        let at = |e: Error| at(e.with_indicator(id));
        if !self.catalog.knows(id) {
            return Err(at(Error::new(ErrorKind::UnknownIndicator {
                id: id.into(),
            })
            .with_column("indicator")));
        }
        let label = cell(&self.record, Some(self.columns.period)).ok_or_else(|| {
            at(Error::new(ErrorKind::Missing {
                field: "period".into(),
            })
            .with_column("period"))
        })?;
        let period = match &self.last_period {
            Some((text, period)) if text == label => period.clone(),
            _ => {
                let period = self
                    .catalog
                    .parse_period(label)
                    .map_err(|e| at(e.with_column("period")))?;
                self.last_period = Some((label.to_string(), period.clone()));
                period
            }
        };
        let at = |e: Error| at(e.with_period(label));
        let number = |column: &str, index: Option<usize>| -> Result<Option<Decimal>, Error> {
            match cell(&self.record, index) {
                None => Ok(None),
                Some(text) => parse_decimal(text).map(Some).ok_or_else(|| {
                    at(Error::invalid_value(text, "a decimal number").with_column(column))
                }),
            }
        };
        let value = number("value", self.columns.value)?;
        let numerator = number("numerator", self.columns.numerator)?;
        let denominator = number("denominator", self.columns.denominator)?;
        let observation = match (value, numerator, denominator) {
            (Some(v), None, None) => Observation::value(v),
            (None, Some(n), Some(d)) => Observation::fraction(n, d),
            (None, None, None) => {
                return Err(at(Error::new(ErrorKind::Missing {
                    field: "value (or numerator and denominator)".into(),
                })
                .with_column("value")));
            }
            (Some(_), _, _) => {
                return Err(at(Error::invalid_value(
                    "a value and a numerator or denominator",
                    "either a value, or a numerator and a denominator, not both",
                )
                .with_column("value")));
            }
            (None, Some(_), None) => {
                return Err(at(Error::new(ErrorKind::Missing {
                    field: "denominator (a numerator was given)".into(),
                })
                .with_column("denominator")));
            }
            (None, None, Some(_)) => {
                return Err(at(Error::new(ErrorKind::Missing {
                    field: "numerator (a denominator was given)".into(),
                })
                .with_column("numerator")));
            }
        };
        let provisional = match cell(&self.record, self.columns.provisional) {
            None => false,
            Some(text) => parse_flag(text).ok_or_else(|| {
                at(
                    Error::invalid_value(text, "yes or no (or y/n, true/false, 1/0)")
                        .with_column("provisional"),
                )
            })?,
        };
        Ok(ActualRow {
            line,
            indicator: id.to_string(),
            period,
            observation,
            provisional,
            note: cell(&self.record, self.columns.note).map(str::to_string),
        })
    }
}

impl<R: Read, C: Catalog> Iterator for ActualsReader<R, C>
where
    C::Period: Clone,
{
    type Item = Result<ActualRow<C::Period>, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            match self.reader.read_record(&mut self.record) {
                Ok(false) => return None,
                Err(e) => {
                    return Some(Err(self.reader.error(e).with_file(self.file.as_str())));
                }
                Ok(true) => {
                    if self.record.iter().all(|c| trim_ascii(c).is_empty()) {
                        continue;
                    }
                    return Some(self.row());
                }
            }
        }
    }
}

/// A cell's text without surrounding ASCII whitespace, if the column exists and the cell is
/// not empty.
fn cell(record: &csv::StringRecord, index: Option<usize>) -> Option<&str> {
    index
        .and_then(|i| record.get(i))
        .map(trim_ascii)
        .filter(|s| !s.is_empty())
}

/// The text without leading and trailing ASCII whitespace, as the `csv` parser's own trimming
/// (`Trim::All`) leaves a field.
fn trim_ascii(text: &str) -> &str {
    text.trim_matches(|c: char| c.is_ascii_whitespace())
}

/// Reads a decimal as a spreadsheet exports it: surrounding spaces and thousands separators are
/// allowed, nothing else (no units, no percent signs: a value of `45%` is ambiguous).
pub fn parse_decimal(text: &str) -> Option<Decimal> {
    let text = text.trim();
    if text.contains(',') {
        let cleaned: String = text.chars().filter(|c| *c != ',').collect();
        return parse_plain(&cleaned);
    }
    parse_plain(text)
}

fn parse_plain(text: &str) -> Option<Decimal> {
    if text.is_empty() {
        return None;
    }
    Decimal::from_str(text)
        .or_else(|_| Decimal::from_scientific(text))
        .ok()
}

fn parse_flag(text: &str) -> Option<bool> {
    match text.trim().to_ascii_lowercase().as_str() {
        "yes" | "y" | "true" | "t" | "1" | "provisional" | "p" => Some(true),
        "no" | "n" | "false" | "f" | "0" => Some(false),
        _ => None,
    }
}

/// Detects duplicate rows: the same indicator and period given twice. Remembers where each
/// key was first seen, so the message can point at both lines.
#[derive(Debug)]
pub struct Duplicates<P> {
    seen: HashMap<(String, P), u64>,
}

impl<P> Default for Duplicates<P> {
    fn default() -> Self {
        Duplicates {
            seen: HashMap::new(),
        }
    }
}

impl<P: std::hash::Hash + Eq + Clone + std::fmt::Display> Duplicates<P> {
    /// An error if this row's key was seen before.
    pub fn check(&mut self, file: &str, row: &ActualRow<P>) -> Result<(), Error> {
        let key = (row.indicator.clone(), row.period.clone());
        match self.seen.get(&key) {
            Some(first) => Err(Error::new(ErrorKind::Duplicate {
                what: format!("row (also on line {first}) for"),
                key: format!("{} {}", row.indicator, row.period),
            })
            .with_file(file)
            .with_line(row.line)
            .with_indicator(row.indicator.as_str())
            .with_period(row.period.to_string())
            .with_column("period")),
            None => {
                self.seen.insert(key, row.line);
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_as_exported() {
        assert_eq!(parse_decimal(" 1,842 "), Some(Decimal::from(1842)));
        assert_eq!(parse_decimal("44.1"), Decimal::from_str("44.1").ok());
        assert_eq!(parse_decimal("n/a"), None);
        assert_eq!(parse_decimal("45%"), None);
        assert_eq!(parse_decimal(""), None);
    }

    struct Ids;
    impl Catalog for Ids {
        type Period = String;
        fn knows(&self, id: &str) -> bool {
            id.starts_with("SW")
        }
        fn parse_period(&self, label: &str) -> Result<String, Error> {
            Ok(label.to_string())
        }
    }

    #[test]
    fn cells_are_trimmed_as_the_parser_trimmed_them() {
        let text = " Indicator ,\tPeriod, value ,numerator,denominator,provisional , note\r\n\
                    SW-01 , 2015/16 Q3 ,\t44.1 ,,, yes ,  a note\t\n\
                    \x20,\t, ,,,,\n\
                    SW-02,2015/16 Q3,,\" 412 \",450,,\"  \"\n";
        let rows: Vec<_> = ActualsReader::new("a.csv", text.as_bytes(), Ids)
            .unwrap()
            .map(|r| r.map_err(|e| e.to_string()))
            .collect();
        assert_eq!(
            rows,
            vec![
                Ok(ActualRow {
                    line: 2,
                    indicator: "SW-01".into(),
                    period: "2015/16 Q3".into(),
                    observation: Observation::value(Decimal::from_str("44.1").unwrap()),
                    provisional: true,
                    note: Some("a note".into()),
                }),
                Ok(ActualRow {
                    line: 4,
                    indicator: "SW-02".into(),
                    period: "2015/16 Q3".into(),
                    observation: Observation::fraction(412.into(), 450.into()),
                    provisional: false,
                    note: None,
                }),
            ]
        );
    }

    #[test]
    fn flags() {
        assert_eq!(parse_flag("Yes"), Some(true));
        assert_eq!(parse_flag("n"), Some(false));
        assert_eq!(parse_flag("maybe"), None);
    }
}
