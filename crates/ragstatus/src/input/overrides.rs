//! The overrides CSV reader: a person's decision to report a status other than the computed
//! one, with the reason (SPEC §6).

use std::collections::HashMap;
use std::io::Read;

use super::{Catalog, Rows, cell};
use crate::error::{Error, ErrorKind, Result};
use crate::period::Period;
use crate::rating::Override;
use crate::status::Status;

/// Overrides by indicator id and the period reported.
pub type Overrides = HashMap<(String, Period), Override>;

/// Every row of an overrides file, good or bad.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OverridesCsv {
    /// The overrides read, by indicator and period.
    pub overrides: Overrides,
    /// A problem for every bad row, in file order; a bad row is not applied.
    pub errors: Vec<Error>,
}

/// Reads an overrides file.
///
/// ```text
/// indicator,period,status,reason,by
/// AW-03,2015/16 Q3,Amber,Provisional figure; December validation outstanding,Head of Performance
/// ```
///
/// Every column is required; `status` is Blue, Green, Amber or Red (any case), and `period` is
/// the period *reported* (any length: an annual indicator is overridden at the quarter that
/// completes its year). A bad row (unknown indicator, bad period, unknown status, missing
/// reason or name, the same indicator and period twice, a blank or ragged row) is a problem
/// naming file, line and column, and is not applied. A bad header is an error for the whole
/// file.
///
/// ```
/// use ragstatus::{FiscalCalendar, Frequency, Status};
/// use ragstatus::input::{read_overrides_csv, Catalog};
///
/// let catalog = Catalog::from_parts(FiscalCalendar::APRIL, [("AW-03".into(), Frequency::Quarterly)]);
/// let text = "indicator,period,status,reason,by\n\
///             AW-03,2015/16 Q3,amber,Provisional,Head of Performance\n\
///             AW-03,2015/16 Q4,Purple,Provisional,Head of Performance\n";
/// let read = read_overrides_csv(text.as_bytes(), &catalog, Some("overrides.csv"))?;
/// assert_eq!(read.overrides.len(), 1);
/// assert_eq!(read.overrides.values().next().map(|o| o.status), Some(Status::Amber));
/// assert_eq!(read.errors[0].location().line, Some(3));
/// # Ok::<(), ragstatus::Error>(())
/// ```
pub fn read_overrides_csv<R: Read>(
    input: R,
    catalog: &Catalog,
    file: Option<&str>,
) -> Result<OverridesCsv> {
    let (mut rows, header) = Rows::open(input, file)?;
    let [indicator, period, status, reason, by] =
        ["indicator", "period", "status", "reason", "by"].map(|name| header.require(name));
    let (indicator, period, status, reason, by) = (indicator?, period?, status?, reason?, by?);
    let mut out = OverridesCsv::default();
    let mut first_line: HashMap<(String, Period), u64> = HashMap::new();
    let mut record = ::csv::StringRecord::new();
    while let Some(read) = rows.next(&mut record) {
        let line = match read {
            Ok(line) => line,
            Err(problem) => {
                out.errors.push(problem);
                continue;
            }
        };
        let row = || -> Result<((String, Period), Override)> {
            let id = cell(&record, Some(indicator)).ok_or_else(|| {
                Error::new(ErrorKind::Missing {
                    field: "indicator id".into(),
                })
                .with_column("indicator")
            })?;
            let at = |e: Error| e.with_indicator(id);
            catalog.require(id).map_err(at)?;
            let missing = |field: &str| {
                at(Error::new(ErrorKind::Missing {
                    field: field.into(),
                })
                .with_column(field))
            };
            let label = cell(&record, Some(period)).ok_or_else(|| missing("period"))?;
            let p = catalog
                .calendar()
                .parse(label)
                .map_err(|e| at(e.with_column("period")))?;
            let at = |e: Error| at(e.with_period(p.label()));
            let text = cell(&record, Some(status)).unwrap_or_default();
            let s = match text.to_ascii_lowercase().as_str() {
                "blue" => Status::Blue,
                "green" => Status::Green,
                "amber" => Status::Amber,
                "red" => Status::Red,
                _ => {
                    return Err(at(Error::invalid_value(text, "Blue, Green, Amber or Red")
                        .with_column("status")));
                }
            };
            let reason = cell(&record, Some(reason)).ok_or_else(|| at(missing("reason")))?;
            let by = cell(&record, Some(by)).ok_or_else(|| at(missing("by")))?;
            let key = (id.to_string(), p);
            if let Some(first) = first_line.get(&key) {
                return Err(at(Error::new(ErrorKind::Duplicate {
                    what: format!("override (also on line {first}) for"),
                    key: format!("{id} {p}"),
                })
                .with_column("period")));
            }
            Ok((
                key,
                Override {
                    status: s,
                    reason: reason.to_string(),
                    by: by.to_string(),
                },
            ))
        };
        match row() {
            Ok((key, value)) => {
                first_line.insert(key.clone(), line);
                out.overrides.insert(key, value);
            }
            Err(e) => out.errors.push(rows.locate(e.with_line(line))),
        }
    }
    Ok(out)
}
