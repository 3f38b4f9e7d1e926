//! The comparison with a national value and the funnel plot of the comparators (SPEC §8a,
//! §8b), for every indicator whose definition has a `benchmark` table.
//!
//! Choices where the spec is silent:
//! - The national value is the `value` of the comparators-file row named by `against`, for the
//!   period reported; that row is not a member of the comparator group.
//! - The funnel is centred on the national value, so that this council's label on the funnel
//!   and its comparison in the table answer the same question, unless the definition asks for
//!   the group's average (`funnel = { centre = "group" }`, PHEindicatormethods' centre) or
//!   the overdispersion adjustment (`overdispersion = true`).
//! - A comparator with a value but no counts is left off the funnel and named under it; a
//!   comparator whose counts disagree with its value is a problem and is left off too.
//! - Every reason an indicator is not compared is said in its row; the ones that are a fault in
//!   an input file are also listed as problems, naming the file and line. A report run without
//!   a comparators file is not a fault: each row says that none was given.

use std::collections::{BTreeMap, HashMap};

use ragstatus::funnel::{FunnelSettings, FunnelUnit, Overdispersion, funnel};
use ragstatus::input::ComparatorsCsv;
use ragstatus::{
    ActualCounts, Aggregation, BenchmarkMethod, Decimal, Error, ErrorKind, FunnelCentre, Indicator,
    IndicatorBenchmark, Period, Polarity, Preference, Series,
};

use crate::model::{FunnelPlot, IndicatorRow, NationalRow, NationalSection};

/// Where the inputs came from, to name them in problems.
pub struct Sources<'a> {
    /// The definitions file.
    pub definitions: &'a str,
    /// The actuals file and the line of each row, by indicator and period.
    pub actuals: (&'a str, &'a HashMap<(String, Period), u64>),
    /// The comparators file, read, when one was given.
    pub comparators: Option<(&'a str, &'a ComparatorsCsv)>,
}

/// The preference of a benchmark comparison: a `within` indicator has no better direction.
pub fn preference(polarity: Polarity) -> Preference {
    match polarity {
        Polarity::Higher => Preference::Higher,
        Polarity::Lower => Preference::Lower,
        Polarity::Within => Preference::None,
    }
}

/// The sections, one per national value named, in order of first appearance among `rows`.
pub fn sections(
    rows: &[IndicatorRow],
    period: Period,
    series: &BTreeMap<String, Series>,
    sources: &Sources<'_>,
    problems: &mut Vec<Error>,
) -> Vec<NationalSection> {
    let mut sections: Vec<NationalSection> = Vec::new();
    for row in rows {
        let Some(benchmark) = &row.indicator.benchmark else {
            continue;
        };
        let empty = Series::new();
        let s = series.get(&row.indicator.id).unwrap_or(&empty);
        let compared = compare_row(&row.indicator, benchmark, period, s, sources, problems);
        match sections
            .iter_mut()
            .find(|section| section.against == benchmark.against)
        {
            Some(section) => section.rows.push(compared),
            None => sections.push(NationalSection {
                against: benchmark.against.clone(),
                rows: vec![compared],
            }),
        }
    }
    sections
}

/// One indicator's row: its comparison, or why there is none, and its funnel.
fn compare_row(
    indicator: &Indicator,
    benchmark: &IndicatorBenchmark,
    period: Period,
    series: &Series,
    sources: &Sources<'_>,
    problems: &mut Vec<Error>,
) -> NationalRow {
    let id = indicator.id.as_str();
    let against = benchmark.against.as_str();
    let mut row = NationalRow {
        indicator: indicator.clone(),
        method: benchmark.method,
        national: None,
        counts: None,
        comparison: None,
        why_not: None,
        funnel: None,
    };
    let at = |e: Error| e.with_indicator(id).with_period(period.label());
    // A report run without comparators is a choice, not a bad input: each row says so.
    let Some((file, comparators)) = sources.comparators else {
        row.why_not = Some("no comparators file was given (--comparators)".into());
        return row;
    };
    let key = |name: &str| (id.to_string(), period, name.to_string());
    let national = match comparators.detail.get(&key(against)) {
        None => {
            problems.push(at(Error::new(ErrorKind::Missing {
                field: format!(
                    "a row for {against}, the national value the definition compares with,"
                ),
            })
            .with_file(file)));
            row.why_not = Some(format!("{file} has no row for {against} this period"));
            None
        }
        Some(detail) => {
            let value = value_of(comparators, id, period, against);
            if value.is_none() {
                problems.push(at(Error::new(ErrorKind::Missing {
                    field: format!("{against}'s value"),
                })
                .with_column("value")
                .with_line(detail.line)
                .with_file(file)));
                row.why_not = Some(format!(
                    "{against} has no value in {file} (line {})",
                    detail.line
                ));
            }
            value
        }
    };
    row.national = national;
    let multiplier = indicator.effective_multiplier();
    let own = own_counts(
        indicator,
        benchmark.method,
        period,
        series,
        sources,
        problems,
    );
    let counts = match own {
        Ok(counts) => counts,
        Err(why) => {
            row.why_not.get_or_insert(why);
            None
        }
    };
    row.counts = counts;
    if let (Some(national), Some((x, n))) = (national, counts) {
        let preference = preference(indicator.polarity);
        if n.is_zero() {
            row.comparison =
                Some(ragstatus::compare(None, national, preference).explained(against));
        } else {
            match benchmark.compare(
                |level| benchmark.method.interval(x, n, level, multiplier),
                national,
                preference,
            ) {
                Ok(c) => row.comparison = Some(c),
                Err(e) => {
                    row.why_not = Some(format!("no confidence interval: {e}"));
                    problems.push(locate_actual(at(e), indicator, period, sources));
                }
            }
        }
    }
    if let Some(national) = national {
        row.funnel = funnel_of(
            indicator,
            benchmark,
            period,
            national,
            counts.filter(|(_, n)| !n.is_zero()),
            (file, comparators),
            problems,
        );
    }
    row
}

/// The value of a comparator for an indicator and period.
fn value_of(read: &ComparatorsCsv, id: &str, period: Period, name: &str) -> Option<Decimal> {
    read.values
        .get(&(id.to_string(), period))
        .and_then(|values| values.iter().find(|(n, _)| n == name))
        .and_then(|(_, v)| *v)
}

/// Names the actuals file and the line of the measured period's row.
fn locate_actual(e: Error, indicator: &Indicator, period: Period, sources: &Sources<'_>) -> Error {
    let (file, lines) = sources.actuals;
    let measured = indicator.measured_period(period).unwrap_or(period);
    match lines.get(&(indicator.id.clone(), measured)) {
        Some(line) => e.with_line(*line).with_file(file),
        None => e.with_file(file),
    }
}

/// This council's numerator and denominator for the period; `Err` says why there are none
/// (and a fault in an input is also a problem).
fn own_counts(
    indicator: &Indicator,
    method: BenchmarkMethod,
    period: Period,
    series: &Series,
    sources: &Sources<'_>,
    problems: &mut Vec<Error>,
) -> Result<Option<(Decimal, Decimal)>, String> {
    let Some(measured) = indicator.measured_period(period) else {
        return Err("not due this period".into());
    };
    let id = indicator.id.as_str();
    match indicator.counts(measured, series) {
        ActualCounts::Counts {
            numerator,
            denominator,
        } => Ok(Some((numerator, denominator))),
        ActualCounts::Missing(_) => Err(format!("no value for {measured}")),
        ActualCounts::Value(part) => {
            let (file, lines) = sources.actuals;
            let mut e = Error::invalid_value(
                "a value without a numerator and denominator",
                format!(
                    "a numerator and a denominator: the benchmark method {method} needs them \
                     for a confidence interval"
                ),
            )
            .with_column("numerator")
            .with_indicator(id)
            .with_period(part.label())
            .with_file(file);
            if let Some(line) = lines.get(&(id.to_string(), part)) {
                e = e.with_line(*line);
            }
            problems.push(e);
            Err(format!(
                "the actual for {part} is a value without a numerator and denominator, so it \
                 has no confidence interval"
            ))
        }
        ActualCounts::NotSummed(aggregation) => {
            problems.push(
                Error::definition(format!(
                    "the actual combines several periods by {}, so it is not one numerator \
                     over one denominator; a benchmark needs aggregation = \"{}\"",
                    aggregation.as_str(),
                    Aggregation::Ratio.as_str()
                ))
                .with_field("benchmark")
                .with_indicator(id)
                .with_period(period.label())
                .with_file(sources.definitions),
            );
            Err(format!(
                "the actual combines periods by {}, not by ratio",
                aggregation.as_str()
            ))
        }
        ActualCounts::Overflow => {
            problems.push(
                Error::overflow("the sum of the numerators or denominators")
                    .with_indicator(id)
                    .with_period(period.label())
                    .with_file(sources.actuals.0),
            );
            Err("the counts are too large to add up".into())
        }
    }
}

/// True when `value` is `counts` as published: x / n × multiplier rounded to the value's own
/// places, half away from zero or half to even.
fn agrees(value: Decimal, (x, n): (Decimal, Decimal), multiplier: Decimal) -> bool {
    let Some(exact) = x.checked_mul(multiplier).and_then(|m| m.checked_div(n)) else {
        return false;
    };
    let dp = value.scale();
    [
        rust_decimal::RoundingStrategy::MidpointAwayFromZero,
        rust_decimal::RoundingStrategy::MidpointNearestEven,
    ]
    .into_iter()
    .any(|s| exact.round_dp_with_strategy(dp, s) == value)
}

/// Checks a comparator's counts against the method and its value; the error (to be located
/// by the caller) and the words saying why it is left off the funnel.
fn check_counts(
    method: BenchmarkMethod,
    value: Option<Decimal>,
    (x, n): (Decimal, Decimal),
    multiplier: Decimal,
    line: u64,
) -> Result<(), (Error, String)> {
    if method.statistic() == ragstatus::funnel::Statistic::Proportion && x > n {
        return Err((
            Error::invalid_value(
                x.to_string(),
                format!("a numerator no greater than the denominator {n} (method {method})"),
            )
            .with_column("numerator"),
            format!("numerator above denominator, line {line}"),
        ));
    }
    if let Some(v) = value
        && !agrees(v, (x, n), multiplier)
    {
        return Err((
            Error::invalid_value(
                v.to_string(),
                format!(
                    "the value of the numerator and denominator, {x} / {n} × {multiplier}, to \
                     the value's places"
                ),
            )
            .with_column("value"),
            format!("value and counts disagree, line {line}"),
        ));
    }
    Ok(())
}

/// What `ragstatus check` finds in a comparators file for the indicators with a `benchmark`,
/// in file order, so that a clean check means a clean report: for every indicator and period
/// the file covers, a national row with a value, and comparators' counts that the method
/// accepts and that agree with their values.
pub fn check_comparators(
    indicators: &[Indicator],
    read: &ComparatorsCsv,
    file: &str,
) -> Vec<Error> {
    let mut found: Vec<(u64, Error)> = Vec::new();
    for ((id, period), values) in &read.values {
        let Some(indicator) = indicators.iter().find(|i| &i.id == id) else {
            continue;
        };
        let Some(benchmark) = &indicator.benchmark else {
            continue;
        };
        let at = |e: Error| {
            e.with_indicator(id)
                .with_period(period.label())
                .with_file(file)
        };
        let detail = |name: &str| read.detail.get(&(id.clone(), *period, name.to_string()));
        match values.iter().find(|(name, _)| *name == benchmark.against) {
            None => {
                let first = values
                    .iter()
                    .filter_map(|(name, _)| detail(name).map(|d| d.line))
                    .min()
                    .unwrap_or_default();
                found.push((
                    first,
                    at(Error::new(ErrorKind::Missing {
                        field: format!(
                            "a row for {}, the national value the definition compares with,",
                            benchmark.against
                        ),
                    })),
                ));
            }
            Some((name, None)) => {
                let line = detail(name).map(|d| d.line).unwrap_or_default();
                found.push((
                    line,
                    at(Error::new(ErrorKind::Missing {
                        field: format!("{}'s value", benchmark.against),
                    })
                    .with_column("value")
                    .with_line(line)),
                ));
            }
            Some(_) => {}
        }
        for (name, value) in values.iter().filter(|(n, _)| *n != benchmark.against) {
            let Some(d) = detail(name) else {
                continue;
            };
            let Some(counts) = d.counts else {
                continue;
            };
            let multiplier = indicator.effective_multiplier();
            if let Err((e, _)) = check_counts(benchmark.method, *value, counts, multiplier, d.line)
            {
                found.push((d.line, at(e.with_line(d.line))));
            }
        }
    }
    found.sort_by_key(|(line, _)| *line);
    found.into_iter().map(|(_, e)| e).collect()
}

/// The funnel of the comparators with counts and this council, around the national value or
/// the group's pooled average as the definition says; none when no comparator has counts.
fn funnel_of(
    indicator: &Indicator,
    benchmark: &IndicatorBenchmark,
    period: Period,
    national: Decimal,
    ours: Option<(Decimal, Decimal)>,
    (file, read): (&str, &ComparatorsCsv),
    problems: &mut Vec<Error>,
) -> Option<FunnelPlot> {
    let id = indicator.id.as_str();
    let multiplier = indicator.effective_multiplier();
    let statistic = benchmark.method.statistic();
    let group = read.values.get(&(id.to_string(), period))?;
    let mut units: Vec<(String, Decimal, Decimal)> = Vec::new();
    let mut left_out = Vec::new();
    let mut with_counts = 0usize;
    for (name, value) in group.iter().filter(|(n, _)| *n != benchmark.against) {
        let detail = read.detail.get(&(id.to_string(), period, name.clone()));
        let line = detail.map(|d| d.line).unwrap_or_default();
        let Some((x, n)) = detail.and_then(|d| d.counts) else {
            left_out.push(format!("{name} (no numerator and denominator)"));
            continue;
        };
        with_counts += 1;
        if let Err((e, why)) = check_counts(benchmark.method, *value, (x, n), multiplier, line) {
            problems.push(
                e.with_indicator(id)
                    .with_period(period.label())
                    .with_line(line)
                    .with_file(file),
            );
            left_out.push(format!("{name} ({why})"));
            continue;
        }
        units.push((name.clone(), x, n));
    }
    if with_counts == 0 {
        return None;
    }
    let ours_at = ours.map(|(x, n)| {
        units.push(("This council".to_string(), x, n));
        units.len() - 1
    });
    let settings = FunnelSettings {
        multiplier,
        centre: match benchmark.funnel.centre {
            FunnelCentre::National => Some(national),
            FunnelCentre::Group => None,
        },
        preference: preference(indicator.polarity),
        overdispersion: benchmark
            .funnel
            .overdispersion
            .then(Overdispersion::default),
        statistic,
    };
    let plotted: Vec<FunnelUnit> = units
        .iter()
        .map(|(_, x, n)| FunnelUnit::new(*x, *n))
        .collect();
    if plotted.is_empty() {
        return None;
    }
    match funnel(&plotted, &settings) {
        Ok(funnel) => Some(FunnelPlot {
            funnel,
            centre: benchmark.funnel.centre,
            units,
            ours: ours_at,
            left_out,
        }),
        Err(e) => {
            let line = read
                .detail
                .get(&(id.to_string(), period, benchmark.against.clone()))
                .map(|d| d.line);
            let e = e
                .with_indicator(id)
                .with_period(period.label())
                .with_file(file);
            problems.push(match line {
                Some(line) => e.with_line(line),
                None => e,
            });
            None
        }
    }
}
