//! Reading milestones from CSV.

use std::collections::HashMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::Milestone;
use crate::csvio::{CsvReader, line_of_id, locate_by_id, read_unique_rows};
use crate::error::{Error, ErrorKind, Result};

const DATE_EXPECTED: &str = "a date as yyyy-mm-dd (2016-03-04) or dd/mm/yyyy (04/03/2016)";

/// Reads a date written as ISO `yyyy-mm-dd` or UK `dd/mm/yyyy` (one- or two-digit day and
/// month, four-digit year). Anything else — two-digit years, month names, `yyyy/mm/dd`, a day
/// that does not exist — is an [`InvalidValue`](crate::ErrorKind::InvalidValue) error.
///
/// ```
/// use chrono::NaiveDate;
/// use ragstatus::milestone::parse_date;
///
/// let d = NaiveDate::from_ymd_opt(2016, 3, 4).ok_or("bad date")?;
/// assert_eq!(parse_date("2016-03-04")?, d);
/// assert_eq!(parse_date("04/03/2016")?, d);
/// assert_eq!(parse_date("4/3/2016")?, d);
/// assert!(parse_date("03/04/16").is_err());
/// assert!(parse_date("31/02/2016").is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn parse_date(text: &str) -> Result<NaiveDate> {
    let invalid = || Error::invalid_value(text, DATE_EXPECTED);
    let t = text.trim();
    let all_digits = |s: &str, min: usize, max: usize| {
        (min..=max).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
    };
    let parts: Vec<&str>;
    let (y, m, d) = if t.contains('-') {
        parts = t.split('-').collect();
        match parts.as_slice() {
            [y, m, d] if all_digits(y, 4, 4) && all_digits(m, 2, 2) && all_digits(d, 2, 2) => {
                (*y, *m, *d)
            }
            _ => return Err(invalid()),
        }
    } else {
        parts = t.split('/').collect();
        match parts.as_slice() {
            [d, m, y] if all_digits(y, 4, 4) && all_digits(m, 1, 2) && all_digits(d, 1, 2) => {
                (*y, *m, *d)
            }
            _ => return Err(invalid()),
        }
    };
    let (Ok(y), Ok(m), Ok(d)) = (y.parse::<i32>(), m.parse::<u32>(), d.parse::<u32>()) else {
        return Err(invalid());
    };
    NaiveDate::from_ymd_opt(y, m, d).ok_or_else(|| {
        // The form was right: say which part of the date does not exist.
        let month = NaiveDate::from_ymd_opt(y, m, 1);
        let why = match month {
            Some(first) => format!("{} has no day {d}", first.format("%B %Y")),
            None => format!("there is no month {m}"),
        };
        Error::invalid_value(text, format!("{DATE_EXPECTED}, and {why}"))
    })
}

/// How to read a milestones CSV file.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MilestoneCsvOptions {
    /// The file name, for errors.
    pub file: Option<String>,
}

/// The outcome of reading a milestones CSV file: every good milestone, and an error for every
/// bad cell of every bad row.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MilestoneCsv {
    /// Milestones in file order.
    pub milestones: Vec<Milestone>,
    /// Errors naming file, line, column, milestone id and the text found. A row whose id was
    /// used by an earlier row is an [`ErrorKind::Duplicate`] error here, not a milestone.
    #[serde(default)]
    pub errors: Vec<Error>,
    /// The file line of each of [`milestones`](MilestoneCsv::milestones), in the same order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub line_numbers: Vec<u64>,
}

impl MilestoneCsv {
    /// The file line of the milestone with this id.
    pub fn line_of(&self, id: &str) -> Option<u64> {
        line_of_id(
            self.milestones.iter().map(|item| item.id.as_str()),
            &self.line_numbers,
            id,
        )
    }

    /// Adds the line of the milestone an error names (by its id in
    /// [`Location::indicator`](crate::Location)), for errors found after reading, such as
    /// those of [`evaluate_milestones`](crate::milestone::evaluate_milestones).
    pub fn locate(&self, error: Error) -> Error {
        locate_by_id(error, |id| self.line_of(id))
    }
}

const COLUMNS: [&str; 8] = [
    "id",
    "description",
    "owner",
    "start",
    "due",
    "completed",
    "percent_complete",
    "note",
];

/// Reads milestones from CSV text.
///
/// Columns (header names case-insensitive, any order): `id` and `due` required; `description`,
/// `owner`, `start`, `completed`, `percent_complete` (0-100, an optional trailing `%`) and `note`
/// optional. Any other column rejects the file. Dates are read with [`parse_date`]. A bad row
/// gives one error per bad cell and the reader goes on.
///
/// ```
/// use ragstatus::milestone::{read_milestones_csv, MilestoneCsvOptions};
///
/// let text = "id,description,due,completed,percent_complete\n\
///             M-01,Adopt the Local Plan,2016-03-04,,60%\n\
///             M-02,Open the library,31/03/2016,28/03/2016,100\n\
///             M-03,Close the depot,March 2016,,\n";
/// let read = read_milestones_csv(text.as_bytes(), &MilestoneCsvOptions::default())?;
/// assert_eq!(read.milestones.len(), 2);
/// assert_eq!(read.errors.len(), 1);
/// assert_eq!(read.errors[0].location().line, Some(4));
/// assert_eq!(read.errors[0].location().column.as_deref(), Some("due"));
/// # Ok::<(), ragstatus::Error>(())
/// ```
pub fn read_milestones_csv<R: std::io::Read>(
    reader: R,
    options: &MilestoneCsvOptions,
) -> Result<MilestoneCsv> {
    let locate = |e: Error| match &options.file {
        Some(file) => e.with_file(file.clone()),
        None => e,
    };
    let mut csv = CsvReader::new(
        ::csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(false),
        reader,
    );
    let headers = csv.headers().map_err(locate)?;
    let mut columns: HashMap<&'static str, usize> = HashMap::new();
    for (i, raw) in headers.iter().enumerate() {
        let name = raw.trim().to_ascii_lowercase();
        let Some(column) = COLUMNS.iter().find(|c| **c == name).copied() else {
            return Err(locate(
                Error::invalid_value(raw, format!("a column named one of {}", COLUMNS.join(", ")))
                    .with_column(raw)
                    .with_line(1),
            ));
        };
        if columns.insert(column, i).is_some() {
            return Err(locate(
                Error::new(ErrorKind::Duplicate {
                    what: "column".into(),
                    key: column.into(),
                })
                .with_column(column)
                .with_line(1),
            ));
        }
    }
    for column in ["id", "due"] {
        if !columns.contains_key(column) {
            return Err(locate(
                Error::new(ErrorKind::Missing {
                    field: format!("column {column}"),
                })
                .with_column(column)
                .with_line(1),
            ));
        }
    }

    let rows = read_unique_rows(
        &mut csv,
        "milestone",
        |item: &Milestone| item.id.as_str(),
        |record| read_row(record, &columns),
        locate,
    );
    Ok(MilestoneCsv {
        milestones: rows.items,
        errors: rows.errors,
        line_numbers: rows.lines,
    })
}

fn read_row(
    record: &::csv::StringRecord,
    columns: &HashMap<&'static str, usize>,
) -> std::result::Result<Milestone, Vec<Error>> {
    let cell = |column: &str| -> Option<&str> {
        let text = record.get(*columns.get(column)?)?.trim();
        (!text.is_empty()).then_some(text)
    };
    let id = cell("id").unwrap_or_default().to_string();
    let mut errors = Vec::new();
    let mut fail = |column: &str, e: Error| {
        let e = e.with_column(column);
        errors.push(if id.is_empty() {
            e
        } else {
            e.with_indicator(id.clone())
        });
    };
    if id.is_empty() {
        fail("id", Error::new(ErrorKind::Missing { field: "id".into() }));
    }
    let mut date = |column: &str, required: bool| -> Option<NaiveDate> {
        match cell(column) {
            Some(text) => match parse_date(text) {
                Ok(d) => Some(d),
                Err(e) => {
                    fail(column, e);
                    None
                }
            },
            None => {
                if required {
                    fail(
                        column,
                        Error::new(ErrorKind::Missing {
                            field: column.into(),
                        }),
                    );
                }
                None
            }
        }
    };
    let start = date("start", false);
    let due = date("due", true);
    let completed = date("completed", false);
    let percent_complete = match cell("percent_complete") {
        // The one number reader, in the percentage form a milestones frame reads too.
        Some(text) => match crate::input::parse_number(text, crate::input::NumberForm::Percent) {
            Ok(p) if p >= Decimal::ZERO && p <= Decimal::ONE_HUNDRED => Some(p.normalize()),
            _ => {
                fail(
                    "percent_complete",
                    Error::invalid_value(
                        text,
                        "a percent complete from 0 to 100, such as 60 or 60%",
                    ),
                );
                None
            }
        },
        None => None,
    };
    let Some(due) = due else {
        return Err(errors);
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    let milestone = Milestone {
        id,
        description: cell("description").unwrap_or_default().to_string(),
        owner: cell("owner").map(str::to_string),
        start,
        due,
        completed,
        percent_complete,
        note: cell("note").map(str::to_string),
    };
    milestone.validate().map_err(|e| vec![e])?;
    Ok(milestone)
}
