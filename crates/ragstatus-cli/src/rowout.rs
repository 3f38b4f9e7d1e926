//! `ragstatus evaluate`'s output rows, written straight into a byte buffer.
//!
//! The bytes are exactly those that the `csv` crate's writer (default settings) and
//! `serde_json` (compact) made from a serialised record struct: the same columns in the same
//! order, decimals in their own digits (as `Decimal`'s `Display`), a CSV field quoted only when
//! it holds a comma, a quote or a line break, JSON strings escaped by `serde_json` itself. Doing
//! it by hand saves a `String` per decimal, a serialiser per row and a flush per CSV record:
//! at a million rows those were a fifth of the run.

use ragstatus::Decimal;
use ragstatus::unit::write_decimal;

/// The columns, in order.
pub const COLUMNS: [&str; 17] = [
    "indicator",
    "period",
    "measured",
    "actual",
    "target",
    "target_low",
    "target_high",
    "stretch",
    "status",
    "shortfall",
    "tolerance_amount",
    "direction",
    "vs_previous",
    "vs_year_ago",
    "provisional",
    "note",
    "explanation",
];

/// The CSV header line.
pub fn csv_header() -> Vec<u8> {
    let mut out = COLUMNS.join(",").into_bytes();
    out.push(b'\n');
    out
}

/// One output row. The explanation is the rating sentence and, when present, the direction
/// sentence after "; " (as `IndicatorResult::sentence` joins them), kept apart to save a copy.
pub struct Row<'a> {
    pub indicator: &'a str,
    pub period: &'a str,
    pub measured: Option<&'a str>,
    pub actual: Option<Decimal>,
    pub target: Option<Decimal>,
    pub target_low: Option<Decimal>,
    pub target_high: Option<Decimal>,
    pub stretch: Option<Decimal>,
    pub status: &'static str,
    pub shortfall: Option<Decimal>,
    pub tolerance_amount: Option<Decimal>,
    pub direction: &'static str,
    pub vs_previous: &'static str,
    pub vs_year_ago: &'static str,
    pub provisional: bool,
    pub note: Option<&'a str>,
    pub explanation: (&'a str, Option<&'a str>),
}

fn optional_csv_decimal(out: &mut Vec<u8>, value: Option<Decimal>) {
    if let Some(v) = value {
        write_decimal(out, v);
    }
    out.push(b',');
}

/// Appends a CSV field, in quotes (quotes doubled) when it holds a comma, a quote or a line
/// break, as the `csv` writer's "necessary" quoting does.
fn csv_field(out: &mut Vec<u8>, text: &str) {
    if needs_quotes(text) {
        quoted(out, &[text]);
    } else {
        out.extend_from_slice(text.as_bytes());
    }
}

/// Appends the parts as one quoted CSV field: runs between quotes copied whole, each quote
/// doubled.
fn quoted(out: &mut Vec<u8>, parts: &[&str]) {
    out.push(b'"');
    for part in parts {
        for (i, run) in part.split('"').enumerate() {
            if i > 0 {
                out.extend_from_slice(b"\"\"");
            }
            out.extend_from_slice(run.as_bytes());
        }
    }
    out.push(b'"');
}

/// True when a CSV field must be quoted: it holds a comma, a quote or a line break.
fn needs_quotes(text: &str) -> bool {
    text.bytes()
        .any(|b| matches!(b, b',' | b'"' | b'\r' | b'\n'))
}

/// Appends the row as a CSV record.
pub fn csv_row(out: &mut Vec<u8>, row: &Row<'_>) {
    csv_field(out, row.indicator);
    out.push(b',');
    csv_field(out, row.period);
    out.push(b',');
    if let Some(m) = row.measured {
        csv_field(out, m);
    }
    out.push(b',');
    optional_csv_decimal(out, row.actual);
    optional_csv_decimal(out, row.target);
    optional_csv_decimal(out, row.target_low);
    optional_csv_decimal(out, row.target_high);
    optional_csv_decimal(out, row.stretch);
    out.extend_from_slice(row.status.as_bytes());
    out.push(b',');
    optional_csv_decimal(out, row.shortfall);
    optional_csv_decimal(out, row.tolerance_amount);
    for word in [row.direction, row.vs_previous, row.vs_year_ago] {
        out.extend_from_slice(word.as_bytes());
        out.push(b',');
    }
    out.extend_from_slice(if row.provisional { b"true," } else { b"false," });
    if let Some(note) = row.note {
        csv_field(out, note);
    }
    out.push(b',');
    match row.explanation {
        (rating, None) => csv_field(out, rating),
        (rating, Some(direction)) => {
            // "; " itself needs no quotes, so the joined field needs them if a part does.
            if needs_quotes(rating) || needs_quotes(direction) {
                quoted(out, &[rating, "; ", direction]);
            } else {
                out.extend_from_slice(rating.as_bytes());
                out.extend_from_slice(b"; ");
                out.extend_from_slice(direction.as_bytes());
            }
        }
    }
    out.push(b'\n');
}

/// Appends a JSON string, escaped by `serde_json`.
fn json_str(out: &mut Vec<u8>, text: &str) {
    // Serialising a str into a Vec cannot fail.
    let _ = serde_json::to_writer(&mut *out, text);
}

fn json_key(out: &mut Vec<u8>, key: &str) {
    out.push(b'"');
    out.extend_from_slice(key.as_bytes());
    out.extend_from_slice(b"\":");
}

fn json_optional_str(out: &mut Vec<u8>, value: Option<&str>) {
    match value {
        Some(s) => json_str(out, s),
        None => out.extend_from_slice(b"null"),
    }
}

fn json_optional_decimal(out: &mut Vec<u8>, value: Option<Decimal>) {
    match value {
        Some(v) => {
            out.push(b'"');
            write_decimal(out, v);
            out.push(b'"');
        }
        None => out.extend_from_slice(b"null"),
    }
}

/// Appends the row as one line of JSON.
pub fn json_row(out: &mut Vec<u8>, row: &Row<'_>) {
    out.push(b'{');
    json_key(out, "indicator");
    json_str(out, row.indicator);
    out.push(b',');
    json_key(out, "period");
    json_str(out, row.period);
    out.push(b',');
    json_key(out, "measured");
    json_optional_str(out, row.measured);
    for (key, value) in [
        ("actual", row.actual),
        ("target", row.target),
        ("target_low", row.target_low),
        ("target_high", row.target_high),
        ("stretch", row.stretch),
    ] {
        out.push(b',');
        json_key(out, key);
        json_optional_decimal(out, value);
    }
    out.push(b',');
    json_key(out, "status");
    json_str(out, row.status);
    for (key, value) in [
        ("shortfall", row.shortfall),
        ("tolerance_amount", row.tolerance_amount),
    ] {
        out.push(b',');
        json_key(out, key);
        json_optional_decimal(out, value);
    }
    for (key, value) in [
        ("direction", row.direction),
        ("vs_previous", row.vs_previous),
        ("vs_year_ago", row.vs_year_ago),
    ] {
        out.push(b',');
        json_key(out, key);
        json_str(out, value);
    }
    out.push(b',');
    json_key(out, "provisional");
    out.extend_from_slice(if row.provisional { b"true" } else { b"false" });
    out.push(b',');
    json_key(out, "note");
    json_optional_str(out, row.note);
    out.push(b',');
    json_key(out, "explanation");
    match row.explanation {
        (rating, None) => json_str(out, rating),
        (rating, Some(direction)) => {
            // Escaping works character by character, so the parts escape as the whole would;
            // the closing and opening quotes between them are taken back out.
            json_str(out, rating);
            out.pop();
            out.extend_from_slice(b"; ");
            let start = out.len();
            json_str(out, direction);
            out.remove(start);
        }
    }
    out.extend_from_slice(b"}\n");
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Serialize;
    use std::str::FromStr;

    /// The record as the previous code serialised it, for comparison.
    #[derive(Serialize)]
    struct Serialised<'a> {
        indicator: &'a str,
        period: &'a str,
        measured: Option<&'a str>,
        actual: Option<Decimal>,
        target: Option<Decimal>,
        target_low: Option<Decimal>,
        target_high: Option<Decimal>,
        stretch: Option<Decimal>,
        status: &'a str,
        shortfall: Option<Decimal>,
        tolerance_amount: Option<Decimal>,
        direction: &'a str,
        vs_previous: &'a str,
        vs_year_ago: &'a str,
        provisional: bool,
        note: Option<&'a str>,
        explanation: String,
    }

    fn serialised<'a>(row: &'a Row<'a>) -> Serialised<'a> {
        Serialised {
            indicator: row.indicator,
            period: row.period,
            measured: row.measured,
            actual: row.actual,
            target: row.target,
            target_low: row.target_low,
            target_high: row.target_high,
            stretch: row.stretch,
            status: row.status,
            shortfall: row.shortfall,
            tolerance_amount: row.tolerance_amount,
            direction: row.direction,
            vs_previous: row.vs_previous,
            vs_year_ago: row.vs_year_ago,
            provisional: row.provisional,
            note: row.note,
            explanation: match row.explanation {
                (r, None) => r.to_string(),
                (r, Some(d)) => format!("{r}; {d}"),
            },
        }
    }

    #[test]
    fn rows_as_csv_and_serde_json_write_them() {
        let texts = [
            "",
            "plain",
            "has, comma",
            "has \"quote\"",
            "line\nbreak",
            "cr\rhere",
            "tab\there",
            "back\\slash",
            "unicode £€ “x”",
            "ctl\u{1}\u{1f}\u{7f}",
            "#hash",
            " spaced ",
        ];
        let d = |s: &str| Decimal::from_str(s).ok();
        let mut header = csv::WriterBuilder::new().from_writer(Vec::new());
        let mut first = None;
        for (i, a) in texts.iter().enumerate() {
            for (j, b) in texts.iter().enumerate() {
                let row = Row {
                    indicator: a,
                    period: b,
                    measured: (i % 2 == 0).then_some(*b),
                    actual: d("70.761670761670761670761670762"),
                    target: (j % 3 != 0).then(|| Decimal::from(80)),
                    target_low: d("-0.5").filter(|_| j % 2 == 0),
                    target_high: None,
                    stretch: d("0"),
                    status: "Amber",
                    shortfall: d("-9.20"),
                    tolerance_amount: None,
                    direction: "Improving",
                    vs_previous: "NoChange",
                    vs_year_ago: "NotComparable",
                    provisional: i % 2 == 1,
                    note: (j % 2 == 1).then_some(*a),
                    explanation: (a, (i % 3 != 0).then_some(*b)),
                };
                let expected = serialised(&row);
                let mut csv_out = Vec::new();
                csv_row(&mut csv_out, &row);
                let mut w = csv::WriterBuilder::new()
                    .has_headers(false)
                    .from_writer(Vec::new());
                w.serialize(&expected).unwrap();
                assert_eq!(
                    String::from_utf8(csv_out).unwrap(),
                    String::from_utf8(w.into_inner().unwrap()).unwrap()
                );
                let mut json_out = Vec::new();
                json_row(&mut json_out, &row);
                let mut want = serde_json::to_vec(&expected).unwrap();
                want.push(b'\n');
                assert_eq!(
                    String::from_utf8(json_out).unwrap(),
                    String::from_utf8(want).unwrap()
                );
                if first.is_none() {
                    header.serialize(&expected).unwrap();
                    first = Some(());
                }
            }
        }
        let with_header = String::from_utf8(header.into_inner().unwrap()).unwrap();
        let header_line = String::from_utf8(csv_header()).unwrap();
        assert!(with_header.starts_with(&header_line), "{with_header}");
    }
}
