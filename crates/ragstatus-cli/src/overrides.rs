//! Status overrides: a person's decision to report a status other than the computed one, with
//! the reason (SPEC §6). The report shows both the computed and the reported status.
//!
//! ```text
//! indicator,period,status,reason,by
//! AW-03,2015/16 Q3,Amber,Provisional figure; December validation outstanding,Head of Performance
//! ```
//!
//! Every column is required; `status` is Blue, Green, Amber or Red (any case). A bad row
//! (unknown indicator, bad period, unknown status, missing reason, the same indicator and
//! period twice) is an error naming file, line and column, and is not applied.

use std::collections::HashMap;
use std::path::Path;

use ragstatus::{Error, ErrorKind, Period, Status};

use crate::actuals::Catalog;

/// One override.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Override {
    /// The status to report.
    pub status: Status,
    /// Why.
    pub reason: String,
    /// Who decided.
    pub by: String,
}

/// Overrides by indicator id and period.
pub type Overrides = HashMap<(String, Period), Override>;

/// Reads an overrides file; bad rows become errors.
pub fn read<C: Catalog<Period = Period>>(
    path: &Path,
    catalog: &C,
) -> Result<(Overrides, Vec<Error>), Error> {
    let file = path.display().to_string();
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .flexible(true)
        .from_path(path)
        .map_err(|e| Error::from(e).with_file(&file))?;
    let headers = reader
        .headers()
        .map_err(|e| Error::from(e).with_file(&file))?
        .clone();
    let column = |name: &str| {
        headers
            .iter()
            .position(|h| h.trim_start_matches('\u{feff}').eq_ignore_ascii_case(name))
            .ok_or_else(|| {
                Error::new(ErrorKind::Missing {
                    field: format!("column {name:?} in the header"),
                })
                .with_file(&file)
                .with_line(1)
            })
    };
    let [indicator, period, status, reason, by] =
        ["indicator", "period", "status", "reason", "by"].map(column);
    let (indicator, period, status, reason, by) = (indicator?, period?, status?, reason?, by?);
    let mut overrides = Overrides::new();
    let mut first_line: HashMap<(String, Period), u64> = HashMap::new();
    let mut errors = Vec::new();
    for (n, record) in reader.records().enumerate() {
        // Line numbers counted from the records (one per line in an overrides file).
        let line = u64::try_from(n).unwrap_or(u64::MAX).saturating_add(2);
        let at = |e: Error| e.with_file(file.as_str()).with_line(line);
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                errors.push(at(Error::from(e)));
                continue;
            }
        };
        let cell = |i: usize| record.get(i).unwrap_or_default();
        let id = cell(indicator);
        let missing = |field: &str| {
            at(Error::new(ErrorKind::Missing {
                field: field.into(),
            })
            .with_column(field)
            .with_indicator(id))
        };
        if !catalog.knows(id) {
            errors.push(at(Error::new(ErrorKind::UnknownIndicator {
                id: id.into(),
            })
            .with_column("indicator")
            .with_indicator(id)));
            continue;
        }
        let p = match catalog.parse_period(cell(period)) {
            Ok(p) => p,
            Err(e) => {
                errors.push(at(e.with_column("period").with_indicator(id)));
                continue;
            }
        };
        let s = match cell(status).to_ascii_lowercase().as_str() {
            "blue" => Status::Blue,
            "green" => Status::Green,
            "amber" => Status::Amber,
            "red" => Status::Red,
            _ => {
                errors.push(at(Error::invalid_value(
                    cell(status),
                    "Blue, Green, Amber or Red",
                )
                .with_column("status")
                .with_indicator(id)
                .with_period(p.to_string())));
                continue;
            }
        };
        if cell(reason).is_empty() {
            errors.push(missing("reason"));
            continue;
        }
        if cell(by).is_empty() {
            errors.push(missing("by"));
            continue;
        }
        let key = (id.to_string(), p);
        if let Some(first) = first_line.get(&key) {
            errors.push(at(Error::new(ErrorKind::Duplicate {
                what: format!("override (also on line {first}) for"),
                key: format!("{id} {p}"),
            })
            .with_column("period")));
            continue;
        }
        first_line.insert(key.clone(), line);
        overrides.insert(
            key,
            Override {
                status: s,
                reason: cell(reason).to_string(),
                by: cell(by).to_string(),
            },
        );
    }
    Ok((overrides, errors))
}
