//! Conformance vectors of kind `period`: `tests/vectors/periods.json` (SPEC §1).
//!
//! Each case's `input` is one of
//!
//! - a **label case** `{ "start_month": 4, "label": "Q3 2015/16" }`: parse the label with the
//!   fiscal calendar starting in `start_month` (1–12; omitted means 4, April);
//! - a **date case** `{ "start_month": 7, "date": "2016-02-29" }`: find the periods containing
//!   the date.
//!
//! `expected` is either `{ "error": "<ErrorKind variant>" }` (e.g. `"PeriodLabel"`, or
//! `"InvalidValue"` for a bad start month or a year outside 1000..=9998), or an object whose
//! fields are all optional and each checked when present:
//!
//! | field | label case: the parsed period's … |
//! | --- | --- |
//! | `canonical` | canonical label, e.g. `"2015/16 Q3"` |
//! | `kind` | `"month"`, `"quarter"`, `"half"` or `"year"` |
//! | `first`, `last` | first and last day, ISO dates |
//! | `days` | number of days |
//! | `previous`, `next`, `year_ago` | label of the period before / after / a year before; `null` when that period is outside the supported years (an error) |
//! | `fiscal_year` | label of the whole fiscal year |
//! | `position` | `[k, n]`: period k of n of its kind in the year |
//! | `ytd_first`, `ytd_last` | first and last day of the year-to-date span ending with it |
//! | `ytd_month_count` | number of months in that span |
//! | `ytd_quarters` | labels of the whole quarters in that span |
//! | `months` | labels of the months it contains |
//! | `contains` | `{ "<date>": true/false }`: whether each date lies in the period |
//!
//! | field | date case: the label of the … containing the date |
//! | --- | --- |
//! | `month`, `quarter`, `half`, `year` | month, quarter, half year, fiscal year |
//!
//! An unknown `expected` field fails the case, so that a typo cannot pass silently. Every label
//! case also checks that the canonical label parses back to the same period.

mod support;

use std::collections::BTreeMap;

use chrono::NaiveDate;
use ragstatus::{FiscalCalendar, Period, PeriodKind, Result};
use serde::Deserialize;
use serde_json::Value;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    kind: String,
    #[allow(dead_code)]
    description: String,
    cases: Vec<Case>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    name: String,
    #[allow(dead_code)]
    why: String,
    input: Input,
    expected: BTreeMap<String, Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Input {
    start_month: Option<u32>,
    label: Option<String>,
    date: Option<NaiveDate>,
}

fn label_of(result: Result<Period>) -> Value {
    match result {
        Ok(p) => Value::String(p.label()),
        Err(_) => Value::Null,
    }
}

fn labels(periods: impl Iterator<Item = Period>) -> Value {
    Value::Array(periods.map(|p| Value::String(p.label())).collect())
}

fn date_value(d: NaiveDate) -> Value {
    Value::String(d.to_string())
}

/// The actual value of one expected field, or an error message.
fn actual_for_label(period: Period, field: &str, expected: &Value) -> Result<Value, String> {
    let ytd = period.year_to_date();
    Ok(match field {
        "canonical" => Value::String(period.label()),
        "kind" => Value::String(period.kind().as_str().into()),
        "first" => date_value(period.first_date()),
        "last" => date_value(period.last_date()),
        "days" => Value::from(period.days()),
        "previous" => label_of(period.previous()),
        "next" => label_of(period.next()),
        "year_ago" => label_of(period.year_ago()),
        "fiscal_year" => Value::String(period.fiscal_year().label()),
        "position" => {
            let (k, n) = period.position();
            Value::from(vec![k, n])
        }
        "ytd_first" => date_value(ytd.first_date()),
        "ytd_last" => date_value(ytd.last_date()),
        "ytd_month_count" => Value::from(ytd.month_count()),
        "ytd_quarters" => labels(ytd.periods(PeriodKind::Quarter)),
        "months" => labels(period.months()),
        "contains" => {
            let wanted = expected
                .as_object()
                .ok_or("`contains` must be an object of date: bool")?;
            let mut got = serde_json::Map::new();
            for date in wanted.keys() {
                let d: NaiveDate = date.parse().map_err(|e| format!("bad date {date}: {e}"))?;
                got.insert(date.clone(), Value::Bool(period.contains(d)));
            }
            Value::Object(got)
        }
        other => return Err(format!("unknown expected field `{other}`")),
    })
}

fn actual_for_date(
    calendar: FiscalCalendar,
    date: NaiveDate,
    field: &str,
) -> Result<Value, String> {
    let kind = match field {
        "month" => PeriodKind::Month,
        "quarter" => PeriodKind::Quarter,
        "half" => PeriodKind::Half,
        "year" => PeriodKind::Year,
        other => return Err(format!("unknown expected field `{other}`")),
    };
    let period = calendar
        .period_of(date, kind)
        .map_err(|e| format!("unexpected error: {e}"))?;
    if !period.contains(date) {
        return Err(format!("{period} does not contain {date}"));
    }
    Ok(Value::String(period.label()))
}

fn run_case(case: &Case) -> Result<(), String> {
    let input = &case.input;
    let calendar = FiscalCalendar::new(input.start_month.unwrap_or(4));
    let outcome: Result<Period> = match (&input.label, input.date) {
        (Some(label), None) => calendar.and_then(|c| c.parse(label)),
        (None, Some(date)) => calendar.and_then(|c| c.month_of(date)),
        _ => return Err("input needs exactly one of `label` and `date`".into()),
    };
    if let Some(want) = case.expected.get("error") {
        if case.expected.len() != 1 {
            return Err("an error case expects only `error`".into());
        }
        return match outcome {
            Ok(p) => Err(format!("expected error {want}, got period {p}")),
            Err(e) if *want == support::kind_name(&e) => Ok(()),
            Err(e) => Err(format!(
                "expected error {want}, got {} ({e})",
                support::kind_name(&e)
            )),
        };
    }
    if case.expected.is_empty() {
        return Err("expected is empty".into());
    }
    let period = outcome.map_err(|e| format!("unexpected error: {e}"))?;
    let mut failures = Vec::new();
    for (field, want) in &case.expected {
        let got = match input.date {
            Some(date) => actual_for_date(period.calendar(), date, field),
            None => actual_for_label(period, field, want),
        }?;
        if got != *want {
            failures.push(format!("{field}: expected {want}, got {got}"));
        }
    }
    if input.label.is_some() {
        let reparsed = period.calendar().parse(&period.label());
        if reparsed.as_ref().ok() != Some(&period) {
            failures.push(format!("canonical label {period} does not parse back"));
        }
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(failures.join("; "))
    }
}

#[test]
fn period_vectors() {
    // Read into typed cases, so that an unknown field anywhere fails; the shared loader checks
    // the kind and that every case is named and says why.
    support::load("periods.json", "period");
    let file: File =
        serde_json::from_str(&support::read("periods.json")).expect("parse periods.json");
    assert_eq!(file.kind, "period");
    assert!(!file.cases.is_empty(), "no cases ran");
    let mut failures = Vec::new();
    for case in &file.cases {
        if let Err(message) = run_case(case) {
            failures.push(format!("  {}: {message}", case.name));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} period vectors failed:\n{}",
        failures.len(),
        file.cases.len(),
        failures.join("\n")
    );
    println!("{} period vectors passed", file.cases.len());
}
