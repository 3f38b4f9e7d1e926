//! `ragstatus evaluate --by COLUMN`: a keyed file (organisation, area, provider, ...) evaluated
//! through the core's columnar frame path, `ragstatus::frame::evaluate_batch`.
//!
//! The actuals are read by the core's CSV reader (true line numbers, blank rows and unterminated
//! quotes reported) into one Arrow batch of text columns, an empty cell being a null; the
//! frame reads every cell with the core's input readers, as the Python `evaluate_frame` does.
//! History, duplicates and gaps are per key: each (key…, indicator) keeps its own series, and
//! each period a key reports gets a row for each of its indicators without one (NoData, or
//! NotDue), after the rows of the file. The whole file is held in memory, unlike the streamed
//! `evaluate` without `--by`.
//!
//! Output: the frame's columns (the key columns, then `row`, `indicator`, `name`, ... as
//! `ragstatus::frame::RESULT_COLUMNS` lists them, less `error` and `error_kind`; or those named
//! with `--columns`, in that order) for every row that was evaluated, as CSV with
//! a header or as JSON lines; decimals are written exactly, at their column's scale. A row in
//! error is not written out: it is listed on standard error with its file and line, as every
//! bad row of `evaluate` is.

use std::io::Read;
use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::UInt64Type;
use arrow_array::{Array, ArrayRef, RecordBatch, StringArray};
use arrow_cast::display::{ArrayFormatter, FormatOptions};
use arrow_schema::DataType;
use ragstatus::csvio::CsvReader;
use ragstatus::frame::{FrameOptions, evaluate_batch};
use ragstatus::{Definitions, Error};

use crate::cli::{Fatal, RowFormat};

/// What a keyed evaluation wrote, and the rows it could not use.
pub struct Evaluated {
    /// The output, CSV or JSON lines.
    pub text: Vec<u8>,
    /// Every row that could not be used, naming file and line.
    pub problems: Vec<String>,
}

/// Reads the CSV into one batch of text columns (a null for an empty cell), with each batch
/// row's line in the file; rows the reader rejects are problems.
fn read_batch(
    input: impl Read,
    file: &str,
    problems: &mut Vec<String>,
) -> Result<(RecordBatch, Vec<u64>), Fatal> {
    let mut csv = CsvReader::new(&csv::ReaderBuilder::new(), input);
    let headers = csv
        .headers()
        .map_err(|e| Fatal(e.with_file(file).to_string()))?;
    let mut columns: Vec<Vec<Option<String>>> = vec![Vec::new(); headers.len()];
    let mut lines = Vec::new();
    let mut record = csv::StringRecord::new();
    while let Some(line) = csv.next_record(&mut record) {
        let line = match line {
            Ok(line) => line,
            Err(e) => {
                problems.push(e.with_file(file).to_string());
                continue;
            }
        };
        lines.push(line);
        for (i, column) in columns.iter_mut().enumerate() {
            let cell = record.get(i).map(str::trim).filter(|c| !c.is_empty());
            column.push(cell.map(str::to_string));
        }
    }
    let arrays = headers.iter().zip(columns).map(|(name, cells)| {
        (
            name.to_string(),
            Arc::new(StringArray::from(cells)) as ArrayRef,
        )
    });
    let batch = RecordBatch::try_from_iter(arrays).map_err(|e| {
        Fatal(
            Error::definition(format!("the columns cannot be read as a frame: {e}"))
                .with_file(file)
                .to_string(),
        )
    })?;
    Ok((batch, lines))
}

/// Evaluates a keyed actuals file, grouped by the `by` columns; `columns` (none: all but
/// `error` and `error_kind`) are the output columns written, in order.
pub fn evaluate(
    defs: &Definitions,
    input: impl Read,
    file: &str,
    by: &[String],
    columns: &[String],
    format: RowFormat,
) -> Result<Evaluated, Fatal> {
    let mut problems = Vec::new();
    let (batch, lines) = read_batch(input, file, &mut problems)?;
    // The rows' places and errors are always computed: error rows go to standard error.
    let computed = (!columns.is_empty()).then(|| {
        let mut computed = columns.to_vec();
        for needed in ["row", "error"] {
            if !columns.iter().any(|c| c == needed) {
                computed.push(needed.into());
            }
        }
        computed
    });
    let options = FrameOptions {
        by: by.to_vec(),
        columns: computed,
        ..FrameOptions::default()
    };
    let out =
        evaluate_batch(defs, &batch, &options).map_err(|e| Fatal(e.with_file(file).to_string()))?;
    let (Some(rows), Some(errors)) = (out.column_by_name("row"), out.column_by_name("error"))
    else {
        return Err(Fatal(
            "the frame's output has no row or error column".into(),
        ));
    };
    let rows = rows.as_primitive::<UInt64Type>();
    let errors = errors
        .as_string_opt::<i64>()
        .ok_or_else(|| Fatal("the frame's error column is not text".into()))?;
    // Error rows go to standard error, so their columns would be empty in the output.
    let shown: Vec<usize> = if columns.is_empty() {
        (0..out.num_columns())
            .filter(|&c| {
                !matches!(
                    out.schema_ref().field(c).name().as_str(),
                    "error" | "error_kind"
                )
            })
            .collect()
    } else {
        (0..columns.len()).collect()
    };
    let out = out
        .project(&shown)
        .map_err(|e| Fatal(format!("cannot write the output: {e}")))?;
    let fields = out.schema_ref().fields().clone();
    let options = FormatOptions::default().with_null("");
    let formatters = out
        .columns()
        .iter()
        .map(|c| ArrayFormatter::try_new(c.as_ref(), &options))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| Fatal(format!("cannot write the output: {e}")))?;
    let names: Vec<&str> = fields.iter().map(|f| f.name().as_str()).collect();
    let failed = |e: &dyn std::fmt::Display| Fatal(format!("cannot write the output: {e}"));
    let mut csv_out = (format == RowFormat::Csv).then(|| csv::Writer::from_writer(Vec::new()));
    let mut json_out = Vec::new();
    if let Some(writer) = &mut csv_out {
        writer.write_record(&names).map_err(|e| failed(&e))?;
    }
    for i in 0..out.num_rows() {
        if errors.is_valid(i) {
            let at = rows
                .is_valid(i)
                .then(|| rows.value(i))
                .and_then(|r| usize::try_from(r).ok())
                .and_then(|r| lines.get(r));
            problems.push(match at {
                Some(line) => format!("{file}:{line}: {}", errors.value(i)),
                None => format!("{file}: {}", errors.value(i)),
            });
            continue;
        }
        let cells = formatters.iter().map(|f| f.value(i).to_string());
        match &mut csv_out {
            Some(writer) => writer
                .write_record(cells.collect::<Vec<_>>())
                .map_err(|e| failed(&e))?,
            None => json_line(&mut json_out, &fields, out.columns(), i, cells),
        }
    }
    let text = match csv_out {
        Some(writer) => writer.into_inner().map_err(|e| failed(&e))?,
        None => json_out,
    };
    Ok(Evaluated { text, problems })
}

/// One row as a JSON object, keys in column order: `row` a number, `provisional` a boolean,
/// every other value (decimals included, so that none passes through a float) a string.
fn json_line(
    out: &mut Vec<u8>,
    fields: &arrow_schema::Fields,
    columns: &[ArrayRef],
    i: usize,
    cells: impl Iterator<Item = String>,
) {
    out.push(b'{');
    for (n, ((field, column), cell)) in fields.iter().zip(columns).zip(cells).enumerate() {
        if n > 0 {
            out.push(b',');
        }
        let value = match field.data_type() {
            _ if column.is_null(i) => serde_json::Value::Null,
            DataType::Boolean => serde_json::Value::Bool(cell == "true"),
            DataType::UInt64 => cell
                .parse::<u64>()
                .map(serde_json::Value::from)
                .unwrap_or(serde_json::Value::String(cell)),
            _ => serde_json::Value::String(cell),
        };
        out.extend_from_slice(
            serde_json::Value::from(field.name().as_str())
                .to_string()
                .as_bytes(),
        );
        out.push(b':');
        out.extend_from_slice(value.to_string().as_bytes());
    }
    out.extend_from_slice(b"}\n");
}
