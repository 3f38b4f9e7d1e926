//! Funnel plots and confidence intervals over a frame of units (SPEC §8a, §8b):
//! [`funnel_batch`] and [`intervals_batch`].
//!
//! # Input columns
//!
//! Two columns of numbers, named in the options: the numerator (events; observed events for a
//! ratio) and the denominator (population; expected events for a ratio). Any Arrow numbers or
//! text, read exactly as the frame path reads them.
//!
//! # Output
//!
//! One row per input row, in input order (`row` is its position): [`FUNNEL_COLUMNS`] or
//! [`INTERVAL_COLUMNS`]. A row whose cells are missing or unreadable, or that fails §8a's checks
//! (a negative numerator, a denominator not greater than zero, a proportion's numerator above
//! its denominator), is an error row naming `row[i]` and the column; it takes no part in the
//! centre. Numbers are `Decimal128(38, s)`, as in the other bulk paths. The work is split across
//! threads; each row is computed by the same function as [`crate::funnel::funnel`] and
//! [`crate::interval`] use for one unit, or, for integer columns, by the same formulas and
//! rounding written straight into the output columns, with every comparison that the floats
//! cannot decide made in decimals: the same rows either way.

use std::collections::HashMap;
use std::sync::Arc;

use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::Schema;
use rust_decimal::Decimal;

use super::{
    Columns, DecimalColumns, arrow_error, batch as output_batch, error_arrays, number,
    parallel_map, row_array, text_builder, thread_count,
};
use crate::error::{Error, ErrorKind, Result};
use crate::frame::{Numbers, row_error};
use crate::funnel::{
    Dispersion, FunnelPoint, FunnelSettings, FunnelUnit, Model, Statistic, check_unit,
};
use crate::interval::{self, ConfidenceLevel, Interval, Kind, Method};

mod fast;
mod quotient;

/// The columns [`funnel_batch`] returns, in order.
pub const FUNNEL_COLUMNS: [&str; 13] = [
    "row",
    "numerator",
    "denominator",
    "value",
    "lower_95",
    "upper_95",
    "lower_998",
    "upper_998",
    "position",
    "level",
    "outcome",
    "error",
    "error_kind",
];

/// The columns [`intervals_batch`] returns, in order.
pub const INTERVAL_COLUMNS: [&str; 9] = [
    "row",
    "value",
    "lower_95",
    "upper_95",
    "lower_998",
    "upper_998",
    "method",
    "error",
    "error_kind",
];

/// The columns and settings of [`funnel_batch`] and [`intervals_batch`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitFrameOptions {
    /// The numerator column (default `numerator`).
    pub numerator: String,
    /// The denominator column (default `denominator`).
    pub denominator: String,
    /// The statistic, multiplier, centre, preference and overdispersion setting (the last three
    /// are not used by [`intervals_batch`]).
    pub settings: FunnelSettings,
    /// Threads (0: the machine's, one for small frames).
    pub threads: usize,
}

impl UnitFrameOptions {
    /// The default column names and `statistic`'s default settings.
    pub fn new(statistic: Statistic) -> Self {
        UnitFrameOptions {
            numerator: "numerator".into(),
            denominator: "denominator".into(),
            settings: FunnelSettings::new(statistic),
            threads: 0,
        }
    }
}

/// Every row's unit, or its error, read in parallel.
fn read_units(batch: &RecordBatch, options: &UnitFrameOptions) -> Result<Vec<Result<FunnelUnit>>> {
    let mut columns = Columns::new(batch);
    let numerators = columns.numbers(&options.numerator, true);
    let denominators = columns.numbers(&options.denominator, true);
    columns.finish()?;
    let n = batch.num_rows();
    let rows: Vec<usize> = (0..n).collect();
    let units = parallel_map(
        &rows,
        thread_count(options.threads, n),
        |_| 1,
        |&i| read_unit(i, [&numerators, &denominators], options),
    );
    Ok(units
        .into_iter()
        .enumerate()
        .map(|(i, u)| u.unwrap_or_else(|| Err(lost(i))))
        .collect())
}

/// Row `i`'s unit, checked (§8a), or its error naming the row and the column.
fn read_unit(
    i: usize,
    [numerators, denominators]: [&Numbers; 2],
    options: &UnitFrameOptions,
) -> Result<FunnelUnit> {
    let read = |numbers: &Numbers, column: &str, what: &str| -> Result<Decimal> {
        number(numbers, i)
            .and_then(|v| {
                v.ok_or_else(|| {
                    Error::new(ErrorKind::Missing {
                        field: format!("a {what}"),
                    })
                })
            })
            .map_err(|e| row_error(e, i, column))
    };
    let unit = FunnelUnit::new(
        read(numerators, &options.numerator, "numerator")?,
        read(denominators, &options.denominator, "denominator")?,
    );
    check_unit(unit, options.settings.statistic).map_err(|e| {
        let column = match e.location().field.as_deref() {
            Some("numerator") => &options.numerator,
            _ => &options.denominator,
        };
        row_error(e, i, column)
    })?;
    Ok(unit)
}

/// The error of a row whose thread died: reported, never dropped.
fn lost(row: usize) -> Error {
    Error::definition(format!(
        "row[{row}] was not computed: its worker thread stopped"
    ))
}

/// Computes `f` for every readable row, in parallel, keeping the errors in place.
fn per_row<U: Send>(
    units: &[Result<FunnelUnit>],
    threads: usize,
    f: impl Fn(FunnelUnit) -> Result<U> + Sync,
) -> Vec<Result<U>> {
    let n = units.len();
    parallel_map(
        units,
        thread_count(threads, n),
        |_| 1,
        |u| match u {
            Ok(u) => f(*u),
            Err(e) => Err(e.clone()),
        },
    )
    .into_iter()
    .enumerate()
    .map(|(i, r)| r.unwrap_or_else(|| Err(lost(i))).map_err(|e| at_row(e, i)))
    .collect()
}

/// A row's error named by its row, unless it already is.
fn at_row(e: Error, i: usize) -> Error {
    match e.location().field.as_deref() {
        Some(f) if f.starts_with("row[") => e,
        _ => e.with_field(format!("row[{i}]")),
    }
}

/// The decimal columns named `names`, a row in error where a number does not fit.
fn decimal_arrays<T, const K: usize>(
    outs: &mut [Result<T>],
    names: [&'static str; K],
    numbers: impl Fn(&T) -> [Option<Decimal>; K],
) -> Result<Vec<ArrayRef>> {
    let columns = DecimalColumns::new(
        names,
        outs.iter().filter_map(|o| o.as_ref().ok()).map(&numbers),
    );
    for (i, out) in outs.iter_mut().enumerate() {
        if let Ok(r) = out
            && let Some(e) = columns.misfit(&numbers(r))
        {
            *out = Err(e.with_field(format!("row[{i}]")));
        }
    }
    Ok(columns
        .arrays(outs.iter().map(|o| o.as_ref().ok().map(&numbers)))?
        .into_iter()
        .map(|(_, a)| a)
        .collect())
}

fn level_text(level: ConfidenceLevel) -> &'static str {
    match level {
        ConfidenceLevel::P95 => "95",
        ConfidenceLevel::P998 => "99.8",
    }
}

/// The funnel of a frame of units (SPEC §8b); see the [module docs](self).
///
/// `numerator` and `denominator` are the row's unit as read. The centre, the statistic, the
/// multiplier and the overdispersion estimate (`phi`, `tau2`, `adjusted`) are in the schema's
/// metadata, as text.
///
/// # Errors
///
/// A frame that cannot be read (one [`ErrorKind::Syntax`] error listing every problem); no
/// readable row (for a centre from the units); the settings' errors of
/// [`crate::funnel::funnel`]. Bad rows are error rows.
///
/// ```
/// use std::sync::Arc;
/// use arrow_array::{Int64Array, RecordBatch, cast::AsArray};
/// use ragstatus::bulk::funnel::{UnitFrameOptions, funnel_batch};
/// use ragstatus::funnel::Statistic;
///
/// let batch = RecordBatch::try_from_iter([
///     ("numerator", Arc::new(Int64Array::from(vec![10232, 12321, 15123, 13213])) as _),
///     ("denominator", Arc::new(Int64Array::from(vec![15232, 16123, 17932, 18475])) as _),
/// ]).map_err(|e| e.to_string())?;
/// let out = funnel_batch(&batch, &UnitFrameOptions::new(Statistic::Proportion))?;
/// let position = out.column_by_name("position").ok_or("no position")?.as_string::<i64>();
/// assert_eq!(position.value(0), "below");
/// assert_eq!(position.value(2), "above");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn funnel_batch(batch: &RecordBatch, options: &UnitFrameOptions) -> Result<RecordBatch> {
    if let Some(out) = fast::funnel(batch, options)? {
        return Ok(out);
    }
    let units = read_units(batch, options)?;
    let (model, dispersion) = Model::new(
        &options.settings,
        units.iter().map(|u| u.as_ref().ok().copied()),
    )?;
    let mut outs = per_row(&units, options.threads, |u| Ok((u, model.point(u)?)));
    let n = outs.len();
    let names = [
        "numerator",
        "denominator",
        "value",
        "lower_95",
        "upper_95",
        "lower_998",
        "upper_998",
    ];
    let decimals = decimal_arrays(&mut outs, names, |(u, p): &(FunnelUnit, FunnelPoint)| {
        [
            Some(u.numerator),
            Some(u.denominator),
            Some(p.value),
            Some(p.limits.lower_95),
            Some(p.limits.upper_95),
            Some(p.limits.lower_998),
            Some(p.limits.upper_998),
        ]
    })?;
    let mut position = text_builder(n, 6);
    let mut level = text_builder(n, 3);
    let mut outcome = text_builder(n, 7);
    for out in &outs {
        match out {
            Ok((_, p)) => {
                position.append_value(p.position.as_str());
                level.append_option(p.level.map(level_text));
                outcome.append_value(p.outcome.as_str());
            }
            Err(_) => {
                position.append_null();
                level.append_null();
                outcome.append_null();
            }
        }
    }
    let (error, error_kind) = error_arrays(outs.iter().map(|o| o.as_ref().err()), n);
    let mut columns: Vec<(&str, ArrayRef)> = vec![("row", row_array((0..n).map(Some)))];
    columns.extend(names.into_iter().zip(decimals));
    columns.extend([
        ("position", Arc::new(position.finish()) as ArrayRef),
        ("level", Arc::new(level.finish())),
        ("outcome", Arc::new(outcome.finish())),
        ("error", error),
        ("error_kind", error_kind),
    ]);
    with_metadata(
        output_batch(columns)?,
        metadata(options, &model, dispersion),
    )
}

/// The funnel's settings and estimates, as the schema's metadata.
fn metadata(
    options: &UnitFrameOptions,
    model: &Model,
    dispersion: Option<Dispersion>,
) -> HashMap<String, String> {
    let mut metadata = HashMap::from([
        (
            "statistic".to_string(),
            options.settings.statistic.to_string(),
        ),
        (
            "multiplier".to_string(),
            options.settings.multiplier.to_string(),
        ),
        ("centre".to_string(), model.centre().to_string()),
    ]);
    if let Some(d) = dispersion {
        metadata.insert("phi".into(), d.phi.to_string());
        metadata.insert("tau2".into(), d.tau2.to_string());
        metadata.insert("adjusted".into(), d.adjusted.to_string());
    }
    metadata
}

fn with_metadata(batch: RecordBatch, metadata: HashMap<String, String>) -> Result<RecordBatch> {
    let schema = Schema::new(batch.schema().fields().clone()).with_metadata(metadata);
    batch.with_schema(Arc::new(schema)).map_err(arrow_error)
}

/// The §8a intervals of every row at 95% and 99.8%: Wilson for a proportion, exact Poisson or
/// Byar's for a rate or ratio; see the [module docs](self). The statistic and multiplier come
/// from the options' settings.
///
/// # Errors
///
/// A frame that cannot be read; a multiplier not greater than zero. Bad rows are error rows.
///
/// ```
/// use std::sync::Arc;
/// use arrow_array::{Int64Array, RecordBatch, cast::AsArray};
/// use ragstatus::bulk::funnel::{UnitFrameOptions, intervals_batch};
/// use ragstatus::funnel::Statistic;
///
/// let batch = RecordBatch::try_from_iter([
///     ("numerator", Arc::new(Int64Array::from(vec![81, 3])) as _),
///     ("denominator", Arc::new(Int64Array::from(vec![263, 0])) as _),
/// ]).map_err(|e| e.to_string())?;
/// let mut options = UnitFrameOptions::new(Statistic::Proportion);
/// options.settings.multiplier = 1.into();
/// let out = intervals_batch(&batch, &options)?;
/// let lower = out.column_by_name("lower_95").ok_or("no lower")?;
/// let lower = lower.as_primitive::<arrow_array::types::Decimal128Type>();
/// assert_eq!(lower.value_as_string(0), "0.2552885199");
/// let kind = out.column_by_name("error_kind").ok_or("no kind")?.as_string::<i64>();
/// assert_eq!(kind.value(1), "InvalidValue");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn intervals_batch(batch: &RecordBatch, options: &UnitFrameOptions) -> Result<RecordBatch> {
    interval::check_positive(options.settings.multiplier, "multiplier")?;
    if let Some(out) = fast::intervals(batch, options)? {
        return Ok(out);
    }
    let units = read_units(batch, options)?;
    let statistic = options.settings.statistic;
    let multiplier = options.settings.multiplier;
    let kind = match statistic {
        Statistic::Proportion => Kind::Proportion,
        Statistic::Rate | Statistic::Ratio => Kind::Poisson,
    };
    let mut outs: Vec<Result<(Interval, Interval)>> = per_row(&units, options.threads, |u| {
        let [a, b] = interval::both_levels(kind, u.numerator, u.denominator, multiplier)?;
        Ok((a, b))
    });
    let n = outs.len();
    let names = ["value", "lower_95", "upper_95", "lower_998", "upper_998"];
    let decimals = decimal_arrays(&mut outs, names, |(a, b): &(Interval, Interval)| {
        [
            Some(a.value),
            Some(a.lower),
            Some(a.upper),
            Some(b.lower),
            Some(b.upper),
        ]
    })?;
    let mut method = text_builder(n, 6);
    for out in &outs {
        method.append_option(out.as_ref().ok().map(|(a, _)| method_name(a.method)));
    }
    let (error, error_kind) = error_arrays(outs.iter().map(|o| o.as_ref().err()), n);
    let mut columns: Vec<(&str, ArrayRef)> = vec![("row", row_array((0..n).map(Some)))];
    columns.extend(names.into_iter().zip(decimals));
    columns.extend([
        ("method", Arc::new(method.finish()) as ArrayRef),
        ("error", error),
        ("error_kind", error_kind),
    ]);
    output_batch(columns)
}

/// The method's name as the Python API writes it.
fn method_name(m: Method) -> &'static str {
    match m {
        Method::Wilson => "Wilson",
        Method::Byar => "Byar",
        Method::ExactPoisson => "ExactPoisson",
        Method::Dobson => "Dobson",
    }
}
