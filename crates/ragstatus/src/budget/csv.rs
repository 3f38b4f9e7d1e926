//! Reading budget lines from CSV, as councils publish them.

use std::collections::HashMap;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::amount::{AmountUnit, parse_amount, parse_percent, written_places};
use super::{BudgetLine, LineKind, RatingBase};
use crate::csvio::{CsvReader, line_of_id, locate_by_id, read_unique_rows};
use crate::error::{Error, ErrorKind, Result};

/// What to do with the `variance` and `variance_percent` columns a published file carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DerivedColumns {
    /// Check each against the value computed from the row's budget and forecast, to within one
    /// unit of the last decimal place written.
    #[default]
    Check,
    /// Skip them.
    Ignore,
}

/// How to read a budget CSV file.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct BudgetCsvOptions {
    /// The unit every amount in the file is written in.
    pub unit: AmountUnit,
    /// The rating base of rows without a `base` column; without it the column is required.
    pub default_base: Option<RatingBase>,
    /// Check or ignore the `variance` and `variance_percent` columns.
    pub derived: DerivedColumns,
    /// The file name, for errors.
    pub file: Option<String>,
}

/// The outcome of reading a budget CSV file: every good line, and an error for every bad cell
/// of every bad row. No row is dropped silently.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BudgetCsv {
    /// The lines read, in file order.
    pub lines: Vec<BudgetLine>,
    /// Errors, each naming the file, line, column and text found. A line whose id was used
    /// by an earlier line is an [`ErrorKind::Duplicate`] error here, not a line.
    #[serde(default)]
    pub errors: Vec<Error>,
    /// The file line of each of [`lines`](BudgetCsv::lines), in the same order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub line_numbers: Vec<u64>,
}

impl BudgetCsv {
    /// The file line of the budget line with this id.
    pub fn line_of(&self, id: &str) -> Option<u64> {
        line_of_id(
            self.lines.iter().map(|item| item.id.as_str()),
            &self.line_numbers,
            id,
        )
    }

    /// Adds the line of the budget line an error names (by its id in
    /// [`Location::indicator`](crate::Location)), for errors found after reading, such as
    /// those of [`roll_up`](crate::budget::roll_up).
    pub fn locate(&self, error: Error) -> Error {
        locate_by_id(error, |id| self.line_of(id))
    }
}

const COLUMNS: [&str; 13] = [
    "id",
    "name",
    "group",
    "kind",
    "base",
    "original_budget",
    "budget",
    "actual",
    "forecast",
    "previous_forecast",
    "base_budget",
    "variance",
    "variance_percent",
];
const NOTE: &str = "note";

/// Reads budget lines from CSV text.
///
/// Columns (header names case-insensitive, in any order):
///
/// | column | | content |
/// | --- | --- | --- |
/// | `id` | required | unique line id |
/// | `name` | optional | display name (default: the id) |
/// | `group` | optional | group path, outermost first, segments separated by `>` |
/// | `kind` | required | `expenditure`, `income` or `net` |
/// | `base` | required unless `default_base` | `gross` or `net_controllable` |
/// | `budget`, `forecast` | required | amounts |
/// | `original_budget`, `actual`, `previous_forecast`, `base_budget` | optional | amounts |
/// | `variance`, `variance_percent` | optional | checked or ignored (see [`DerivedColumns`]) |
/// | `note` | optional | free text |
///
/// Any other column rejects the file. Amounts are read with [`parse_amount`] in the declared
/// [`AmountUnit`] (£, £'000 or £m) and stored in pounds. An income row written as credits (every
/// non-zero amount negative, such as `(8,100)`) is read as positive magnitudes; an income row
/// mixing signs is an error. `variance` is checked against forecast − budget and
/// `variance_percent` (`1.4`, `1.4%`, `(1.4%)`) against that ÷ |budget| × 100, both from the
/// amounts as written, to within one unit of the last decimal place written; a percent on a zero
/// budget must be empty.
///
/// A bad header (unknown, repeated or missing column) is an error for the whole file. A bad row
/// gives one error per bad cell, naming file, line, column, line id and the text found, and the
/// reader goes on to the next row.
///
/// ```
/// use ragstatus::budget::{read_budget_csv, AmountUnit, BudgetCsvOptions};
/// use rust_decimal_macros::dec;
///
/// let text = "id,group,kind,base,budget,forecast,variance\n\
///             ASC-01,Adults,expenditure,gross,\"46,267\",\"46,919\",652\n\
///             ASC-02,Adults,income,gross,(8100),(7950),150\n\
///             ASC-03,Adults,expenditure,gross,n/a,12,\n";
/// let options = BudgetCsvOptions { unit: AmountUnit::Thousands, file: Some("q3.csv".into()),
///     ..Default::default() };
/// let read = read_budget_csv(text.as_bytes(), &options)?;
/// assert_eq!(read.lines.len(), 2);
/// assert_eq!(read.lines[0].budget, dec!(46_267_000));
/// assert_eq!(read.lines[1].forecast, dec!(7_950_000));
/// assert_eq!(
///     read.errors[0].to_string(),
///     "q3.csv:4, column budget, indicator ASC-03: \"n/a\" is not valid; expected an amount such \
///      as 46267, 46,267, 46267.5, £46,267, -443, (443) or (£443)"
/// );
/// # Ok::<(), ragstatus::Error>(())
/// ```
pub fn read_budget_csv<R: std::io::Read>(
    reader: R,
    options: &BudgetCsvOptions,
) -> Result<BudgetCsv> {
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
    let columns = header_map(&headers, options).map_err(|e| locate(e.with_line(1)))?;

    let rows = read_unique_rows(
        &mut csv,
        "budget line",
        |item: &BudgetLine| item.id.as_str(),
        |record| read_row(record, &columns, options),
        locate,
    );
    Ok(BudgetCsv {
        lines: rows.items,
        errors: rows.errors,
        line_numbers: rows.lines,
    })
}

fn header_map(
    headers: &::csv::StringRecord,
    options: &BudgetCsvOptions,
) -> Result<HashMap<&'static str, usize>> {
    let mut map = HashMap::new();
    for (i, raw) in headers.iter().enumerate() {
        let name = raw.trim().to_ascii_lowercase();
        let known = COLUMNS
            .iter()
            .chain(std::iter::once(&NOTE))
            .find(|c| **c == name)
            .copied();
        let Some(column) = known else {
            return Err(Error::invalid_value(
                raw,
                format!("a column named one of {}, {NOTE}", COLUMNS.join(", ")),
            )
            .with_column(raw));
        };
        if map.insert(column, i).is_some() {
            return Err(Error::new(ErrorKind::Duplicate {
                what: "column".into(),
                key: column.into(),
            })
            .with_column(column));
        }
    }
    let mut required = vec!["id", "kind", "budget", "forecast"];
    if options.default_base.is_none() {
        required.push("base");
    }
    for column in required {
        if !map.contains_key(column) {
            return Err(Error::new(ErrorKind::Missing {
                field: format!("column {column}"),
            })
            .with_column(column));
        }
    }
    Ok(map)
}

struct Row<'a> {
    record: &'a ::csv::StringRecord,
    columns: &'a HashMap<&'static str, usize>,
    id: String,
    errors: Vec<Error>,
}

impl<'a> Row<'a> {
    fn cell(&self, column: &str) -> Option<&'a str> {
        let i = *self.columns.get(column)?;
        let text = self.record.get(i)?.trim();
        (!text.is_empty()).then_some(text)
    }

    fn fail(&mut self, column: &str, err: Error) {
        let err = err.with_column(column);
        let err = if self.id.is_empty() {
            err
        } else {
            err.with_indicator(self.id.clone())
        };
        self.errors.push(err);
    }

    fn required(&mut self, column: &str) -> Option<&'a str> {
        let cell = self.cell(column);
        if cell.is_none() {
            self.fail(
                column,
                Error::new(ErrorKind::Missing {
                    field: column.into(),
                }),
            );
        }
        cell
    }

    fn amount(&mut self, column: &str, unit: AmountUnit) -> Option<Decimal> {
        let text = self.cell(column)?;
        match parse_amount(text, unit) {
            Ok(v) => Some(v),
            Err(e) => {
                self.fail(column, e);
                None
            }
        }
    }
}

fn read_row(
    record: &::csv::StringRecord,
    columns: &HashMap<&'static str, usize>,
    options: &BudgetCsvOptions,
) -> std::result::Result<BudgetLine, Vec<Error>> {
    let mut row = Row {
        record,
        columns,
        id: String::new(),
        errors: Vec::new(),
    };
    let id = row.required("id").unwrap_or_default().to_string();
    row.id.clone_from(&id);
    let name = row.cell("name").unwrap_or_default().to_string();
    let group: Vec<String> = match row.cell("group") {
        Some(g) => g.split('>').map(|s| s.trim().to_string()).collect(),
        None => Vec::new(),
    };
    if group.iter().any(String::is_empty) {
        let text = row.cell("group").unwrap_or_default().to_string();
        row.fail(
            "group",
            Error::invalid_value(
                text,
                "a group path such as \"Adults and Health > Social Care\"",
            ),
        );
    }
    let kind = row
        .required("kind")
        .and_then(|text| match text.to_ascii_lowercase().as_str() {
            "expenditure" => Some(LineKind::Expenditure),
            "income" => Some(LineKind::Income),
            "net" => Some(LineKind::Net),
            _ => {
                row.fail(
                    "kind",
                    Error::invalid_value(text, "expenditure, income or net"),
                );
                None
            }
        });
    let base = match row.cell("base") {
        Some(text) => match text.to_ascii_lowercase().as_str() {
            "gross" => Some(RatingBase::Gross),
            "net_controllable" => Some(RatingBase::NetControllable),
            _ => {
                row.fail(
                    "base",
                    Error::invalid_value(text, "gross or net_controllable"),
                );
                None
            }
        },
        None => match options.default_base {
            Some(base) => Some(base),
            None => {
                row.required("base");
                None
            }
        },
    };
    let unit = options.unit;
    let budget = if row.required("budget").is_some() {
        row.amount("budget", unit)
    } else {
        None
    };
    let forecast = if row.required("forecast").is_some() {
        row.amount("forecast", unit)
    } else {
        None
    };
    let original_budget = row.amount("original_budget", unit);
    let actual = row.amount("actual", unit);
    let previous_forecast = row.amount("previous_forecast", unit);
    let base_budget = row.amount("base_budget", unit);

    if let (Some(budget), Some(forecast), DerivedColumns::Check) =
        (budget, forecast, options.derived)
    {
        check_derived(&mut row, budget, forecast, unit);
    }

    let (Some(kind), Some(base), Some(budget), Some(forecast)) = (kind, base, budget, forecast)
    else {
        return Err(row.errors);
    };
    if !row.errors.is_empty() {
        return Err(row.errors);
    }
    let mut line = BudgetLine {
        id,
        name,
        group,
        kind,
        base,
        budget,
        original_budget,
        actual,
        forecast,
        previous_forecast,
        base_budget,
        note: row.cell(NOTE).map(str::to_string),
    };
    if kind == LineKind::Income {
        credits_to_magnitudes(&mut line).map_err(|e| vec![e.with_indicator(line.id.clone())])?;
    }
    line.validate().map_err(|e| vec![e])?;
    Ok(line)
}

/// Income published as credits (negative) becomes positive magnitudes; mixed signs are refused.
fn credits_to_magnitudes(line: &mut BudgetLine) -> Result<()> {
    let amounts = [
        Some(line.budget),
        Some(line.forecast),
        line.original_budget,
        line.actual,
        line.previous_forecast,
        line.base_budget,
    ];
    let nonzero = amounts.iter().flatten().filter(|a| !a.is_zero());
    let negatives = nonzero.clone().filter(|a| a.is_sign_negative()).count();
    let total = nonzero.count();
    if negatives == 0 {
        return Ok(());
    }
    if negatives != total {
        return Err(Error::invalid_value(
            format!("budget {} and forecast {}", line.budget, line.forecast),
            "income amounts all positive, or all written as credits (negative)",
        )
        .with_field("budget"));
    }
    let flip = |a: &mut Decimal| *a = a.abs();
    flip(&mut line.budget);
    flip(&mut line.forecast);
    for a in [
        &mut line.original_budget,
        &mut line.actual,
        &mut line.previous_forecast,
        &mut line.base_budget,
    ]
    .into_iter()
    .flatten()
    {
        flip(a);
    }
    Ok(())
}

fn one_unit(places: u32) -> Decimal {
    Decimal::new(1, places.min(28))
}

fn check_derived(row: &mut Row<'_>, budget: Decimal, forecast: Decimal, unit: AmountUnit) {
    let Some(variance) = budget.checked_sub(forecast).map(|d| -d) else {
        row.fail("variance", Error::overflow("variance"));
        return;
    };
    if let Some(text) = row.cell("variance") {
        match parse_amount(text, unit) {
            Ok(published) => {
                let tolerance = one_unit(written_places(text)).checked_mul(unit.factor());
                let off = published.checked_sub(variance).map(|d| d.abs());
                if let (Some(tolerance), Some(off)) = (tolerance, off) {
                    if off > tolerance {
                        row.fail(
                            "variance",
                            Error::invalid_value(
                                text,
                                format!("forecast − budget = {} pounds", variance.normalize()),
                            ),
                        );
                    }
                }
            }
            Err(e) => row.fail("variance", e),
        }
    }
    if let Some(text) = row.cell("variance_percent") {
        if budget.is_zero() {
            row.fail(
                "variance_percent",
                Error::invalid_value(
                    text,
                    "an empty cell: there is no percentage of a zero budget",
                ),
            );
            return;
        }
        match parse_percent(text) {
            Ok(published) => {
                let computed = variance
                    .checked_mul(Decimal::ONE_HUNDRED)
                    .and_then(|v| v.checked_div(budget.abs()));
                let Some(computed) = computed else {
                    row.fail("variance_percent", Error::overflow("variance percent"));
                    return;
                };
                let off = published.checked_sub(computed).map(|d| d.abs());
                if off.is_none_or(|off| off > one_unit(written_places(text))) {
                    row.fail(
                        "variance_percent",
                        Error::invalid_value(
                            text,
                            format!(
                                "(forecast − budget) ÷ |budget| × 100 = {}",
                                computed.round_dp(4).normalize()
                            ),
                        ),
                    );
                }
            }
            Err(e) => row.fail("variance_percent", e),
        }
    }
}
