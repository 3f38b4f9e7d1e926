//! The comparators CSV reader: the same indicators' values for the same periods from a
//! comparator group (CIPFA nearest neighbours, all English counties, ...), for benchmarking
//! (SPEC §8).

use std::collections::HashMap;
use std::io::Read;

use rust_decimal::Decimal;

use super::{Catalog, NumberForm, Rows, cell, parse_number};
use crate::error::{Error, ErrorKind, Result};
use crate::period::Period;

/// One comparator's value: `None` when it has not published one.
pub type ComparatorValue = (String, Option<Decimal>);

/// Comparator values by indicator id and period, in file order.
pub type Comparators = HashMap<(String, Period), Vec<ComparatorValue>>;

/// Where a good row came from and the counts behind its value, if the file gives them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ComparatorDetail {
    /// The row's line in the file.
    pub line: u64,
    /// The `numerator` and `denominator` cells (events and population), when given.
    pub counts: Option<(Decimal, Decimal)>,
}

/// Every row of a comparators file, good or bad.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ComparatorsCsv {
    /// The values read, by indicator and period.
    pub values: Comparators,
    /// The line and counts of every good row, by indicator, period and comparator name.
    pub detail: HashMap<(String, Period, String), ComparatorDetail>,
    /// A problem for every bad row, in file order; a bad row is not used.
    pub errors: Vec<Error>,
}

/// Reads a comparators file.
///
/// ```text
/// indicator,period,comparator,value
/// SW-01,2015/16 Q3,Northshire,91.2
/// SW-01,2015/16 Q3,Eastmoor,
/// ```
///
/// The columns above are required. Two more are optional, for confidence intervals and funnel
/// plots (SPEC §8a, §8b): `numerator` and `denominator`, the events and population behind the
/// value (`SW-01,2015/16 Q3,Northshire,91.2,912,1000`). A row gives both or neither; the
/// numerator must be zero or more and the denominator greater than zero. An empty `value` ([`is_missing`](super::is_missing)) is a
/// comparator that has not published its figure (counted as missing, never as zero); any other
/// value is read with [`parse_number`] in the [plain form](NumberForm::Plain). `period` is the
/// period reported. A bad row (unknown indicator, bad period, a value that is not a number, no
/// comparator name, the same comparator twice for an indicator and period, a blank or ragged
/// row) is a problem naming file, line and column, and is not used. A bad header is an error
/// for the whole file.
///
/// ```
/// use ragstatus::{FiscalCalendar, Frequency};
/// use ragstatus::input::{read_comparators_csv, Catalog};
///
/// let catalog = Catalog::from_parts(FiscalCalendar::APRIL, [("SW-01".into(), Frequency::Quarterly)]);
/// let text = "indicator,period,comparator,value\n\
///             SW-01,2015/16 Q3,Northshire,91.2\n\
///             SW-01,2015/16 Q3,Eastmoor,\n\
///             SW-01,2015/16 Q3,Westdale,\"44,5\"\n";
/// let read = read_comparators_csv(text.as_bytes(), &catalog, None)?;
/// assert_eq!(read.values.values().map(Vec::len).sum::<usize>(), 2);
/// assert_eq!(read.errors[0].location().line, Some(4));
/// # Ok::<(), ragstatus::Error>(())
/// ```
pub fn read_comparators_csv<R: Read>(
    input: R,
    catalog: &Catalog,
    file: Option<&str>,
) -> Result<ComparatorsCsv> {
    let (mut rows, header) = Rows::open(input, file)?;
    let [indicator, period, comparator, value] =
        ["indicator", "period", "comparator", "value"].map(|name| header.require(name));
    let (indicator, period, comparator, value) = (indicator?, period?, comparator?, value?);
    let (numerator, denominator) = (header.find("numerator"), header.find("denominator"));
    let mut out = ComparatorsCsv::default();
    let mut first_line: HashMap<(String, Period, String), u64> = HashMap::new();
    let mut record = ::csv::StringRecord::new();
    while let Some(read) = rows.next(&mut record) {
        let line = match read {
            Ok(line) => line,
            Err(problem) => {
                out.errors.push(problem);
                continue;
            }
        };
        type Read = (
            (String, Period, String),
            Option<Decimal>,
            Option<(Decimal, Decimal)>,
        );
        let row = || -> Result<Read> {
            let id = cell(&record, Some(indicator)).ok_or_else(|| {
                Error::new(ErrorKind::Missing {
                    field: "indicator id".into(),
                })
                .with_column("indicator")
            })?;
            let at = |e: Error| e.with_indicator(id);
            catalog.require(id).map_err(at)?;
            let label = cell(&record, Some(period)).ok_or_else(|| {
                at(Error::new(ErrorKind::Missing {
                    field: "period".into(),
                })
                .with_column("period"))
            })?;
            let p = catalog
                .calendar()
                .parse(label)
                .map_err(|e| at(e.with_column("period")))?;
            let at = |e: Error| at(e.with_period(p.label()));
            let name = cell(&record, Some(comparator)).ok_or_else(|| {
                at(Error::new(ErrorKind::Missing {
                    field: "comparator".into(),
                })
                .with_column("comparator"))
            })?;
            let v = cell(&record, Some(value))
                .map(|text| {
                    parse_number(text, NumberForm::Plain).map_err(|_| {
                        at(Error::invalid_value(
                            text,
                            format!(
                                "{}, or an empty cell if not published",
                                NumberForm::Plain.expected()
                            ),
                        )
                        .with_column("value"))
                    })
                })
                .transpose()?;
            let count = |column: &str, index: Option<usize>| {
                cell(&record, index)
                    .map(|text| {
                        parse_number(text, NumberForm::Plain).map_err(|_| {
                            at(Error::invalid_value(text, NumberForm::Plain.expected())
                                .with_column(column))
                        })
                    })
                    .transpose()
            };
            let counts = match (
                count("numerator", numerator)?,
                count("denominator", denominator)?,
            ) {
                (None, None) => None,
                (Some(x), Some(n)) => {
                    if x < Decimal::ZERO {
                        return Err(at(Error::invalid_value(
                            x.to_string(),
                            "a numerator of zero or more",
                        )
                        .with_column("numerator")));
                    }
                    if n <= Decimal::ZERO {
                        return Err(at(Error::invalid_value(
                            n.to_string(),
                            "a denominator greater than zero",
                        )
                        .with_column("denominator")));
                    }
                    Some((x, n))
                }
                (Some(_), None) => {
                    return Err(at(Error::new(ErrorKind::Missing {
                        field: "denominator (a numerator needs one)".into(),
                    })
                    .with_column("denominator")));
                }
                (None, Some(_)) => {
                    return Err(at(Error::new(ErrorKind::Missing {
                        field: "numerator (a denominator needs one)".into(),
                    })
                    .with_column("numerator")));
                }
            };
            let key = (id.to_string(), p, name.to_string());
            if let Some(first) = first_line.get(&key) {
                return Err(at(Error::new(ErrorKind::Duplicate {
                    what: format!("comparator value (also on line {first}) for"),
                    key: format!("{id} {p} {name}"),
                })
                .with_column("comparator")));
            }
            Ok((key, v, counts))
        };
        match row() {
            Ok((key, v, counts)) => {
                first_line.insert(key.clone(), line);
                out.detail
                    .insert(key.clone(), ComparatorDetail { line, counts });
                let (id, p, name) = key;
                out.values.entry((id, p)).or_default().push((name, v));
            }
            Err(e) => out.errors.push(rows.locate(e.with_line(line))),
        }
    }
    Ok(out)
}
