//! Properties of funnel plots (SPEC §8b): the limits contain the centre, the 99.8% funnel
//! contains the 95% one, the funnel narrows as the denominator grows, a unit's label never
//! falls as its numerator rises, the bulk form gives the scalar form's rows, and nothing panics
//! on any input.

use std::sync::Arc;

use arrow_array::Array;
use arrow_array::cast::AsArray;
use arrow_array::types::Decimal128Type;
use arrow_array::{ArrayRef, Float64Array, Int64Array, RecordBatch, StringArray};
use proptest::prelude::*;
use ragstatus::Decimal;
use ragstatus::bulk::funnel::{UnitFrameOptions, funnel_batch, intervals_batch};
use ragstatus::comparison::Preference;
use ragstatus::funnel::{
    FunnelPoint, FunnelSettings, FunnelUnit, Limits, Overdispersion, Position, Statistic, funnel,
    funnel_limits,
};
use ragstatus::interval::{ConfidenceLevel, proportion, rate};

fn statistic() -> impl Strategy<Value = Statistic> {
    prop_oneof![
        Just(Statistic::Proportion),
        Just(Statistic::Rate),
        Just(Statistic::Ratio)
    ]
}

/// A centre on the statistic's scale (× multiplier 100).
fn centre_for(statistic: Statistic, per_mille: u32) -> Decimal {
    match statistic {
        Statistic::Proportion => Decimal::new(i64::from(per_mille), 1),
        Statistic::Rate | Statistic::Ratio => Decimal::new(i64::from(per_mille) + 1, 1),
    }
}

fn inside(l: &Limits, centre: Decimal) -> bool {
    l.lower_998 <= l.lower_95
        && l.lower_95 <= centre
        && centre <= l.upper_95
        && l.upper_95 <= l.upper_998
}

/// −2 (below at 99.8%) .. 2 (above at 99.8%).
fn score(p: &FunnelPoint) -> i32 {
    let step = match p.level {
        Some(ConfidenceLevel::P998) => 2,
        Some(ConfidenceLevel::P95) => 1,
        None => 0,
    };
    match p.position {
        Position::Above => step,
        Position::Within => 0,
        Position::Below => -step,
    }
}

fn units() -> impl Strategy<Value = Vec<(u32, u32)>> {
    prop::collection::vec((1u32..=50_000).prop_flat_map(|n| (0..=n, Just(n))), 1..40)
}

fn batch(units: &[(u32, u32)]) -> RecordBatch {
    let x: ArrayRef = Arc::new(Int64Array::from_iter_values(
        units.iter().map(|u| i64::from(u.0)),
    ));
    let n: ArrayRef = Arc::new(Int64Array::from_iter_values(
        units.iter().map(|u| i64::from(u.1)),
    ));
    RecordBatch::try_from_iter([("numerator", x), ("denominator", n)]).unwrap()
}

/// The cell as the column holds it: the decimal's mantissa at the column's scale.
fn cell(out: &RecordBatch, column: &str, i: usize) -> i128 {
    out.column_by_name(column)
        .unwrap()
        .as_primitive::<Decimal128Type>()
        .value(i)
}

/// `d` at `column`'s scale, as the column would hold it.
fn at_scale(out: &RecordBatch, column: &str, d: Decimal) -> i128 {
    let scale = out
        .column_by_name(column)
        .unwrap()
        .as_primitive::<Decimal128Type>()
        .scale() as u32;
    d.mantissa() * 10i128.pow(scale - d.scale())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn limits_contain_the_centre_and_the_wider_level_contains_the_narrower(
        statistic in statistic(), per_mille in 0u32..=1000, n in 1u32..=10_000_000,
    ) {
        let centre = centre_for(statistic, per_mille);
        let l = funnel_limits(Decimal::from(n), centre, statistic, Decimal::ONE_HUNDRED, None).unwrap();
        prop_assert!(inside(&l, centre), "{l:?} around {centre}");
    }

    #[test]
    fn the_funnel_narrows_as_the_denominator_grows(
        statistic in statistic(), per_mille in 1u32..=999, n in 1u32..=1_000_000, k in 1u32..=50,
    ) {
        let centre = centre_for(statistic, per_mille);
        let m = Decimal::ONE_HUNDRED;
        let small = funnel_limits(Decimal::from(n), centre, statistic, m, None).unwrap();
        let large = funnel_limits(Decimal::from(n) * Decimal::from(k + 1), centre, statistic, m, None)
            .unwrap();
        for (a, b) in [
            (small.lower_95, large.lower_95),
            (small.lower_998, large.lower_998),
        ] {
            prop_assert!(a <= b, "lower {a} then {b} ({small:?}, {large:?})");
        }
        for (a, b) in [
            (small.upper_95, large.upper_95),
            (small.upper_998, large.upper_998),
        ] {
            prop_assert!(a >= b, "upper {a} then {b} ({small:?}, {large:?})");
        }
    }

    #[test]
    fn the_label_never_falls_as_the_numerator_rises(
        statistic in statistic(), per_mille in 0u32..=1000, n in 1u32..=20_000,
        x in 0u32..=20_000, step in 1u32..=500,
    ) {
        let x = x.min(n);
        let y = (x + step).min(n);
        let settings = FunnelSettings {
            centre: Some(centre_for(statistic, per_mille)),
            ..FunnelSettings::new(statistic)
        };
        let f = funnel(
            &[
                FunnelUnit::new(Decimal::from(x), Decimal::from(n)),
                FunnelUnit::new(Decimal::from(y), Decimal::from(n)),
            ],
            &settings,
        )
        .unwrap();
        prop_assert!(score(&f.points[0]) <= score(&f.points[1]), "{:?}", f.points);
    }

    #[test]
    fn the_bulk_form_gives_the_scalar_rows(
        statistic in statistic(), units in units(), od in any::<bool>(),
        preference in prop_oneof![Just(Preference::Higher), Just(Preference::None)],
    ) {
        let mut settings = FunnelSettings::new(statistic);
        settings.preference = preference;
        if od && units.len() > 1 {
            settings.overdispersion = Some(Overdispersion::default());
        }
        let list: Vec<FunnelUnit> = units
            .iter()
            .map(|u| FunnelUnit::new(Decimal::from(u.0), Decimal::from(u.1)))
            .collect();
        let options = UnitFrameOptions {
            settings: settings.clone(),
            ..UnitFrameOptions::new(statistic)
        };
        match funnel(&list, &settings) {
            Err(e) => {
                let bulk = funnel_batch(&batch(&units), &options);
                prop_assert!(bulk.is_err(), "scalar {e}, bulk ok");
            }
            Ok(f) => {
                let out = funnel_batch(&batch(&units), &options).unwrap();
                let position = out.column_by_name("position").unwrap().as_string::<i64>();
                let outcome = out.column_by_name("outcome").unwrap().as_string::<i64>();
                for (i, p) in f.points.iter().enumerate() {
                    prop_assert_eq!(cell(&out, "value", i), at_scale(&out, "value", p.value));
                    prop_assert_eq!(cell(&out, "lower_95", i), at_scale(&out, "lower_95", p.limits.lower_95));
                    prop_assert_eq!(cell(&out, "upper_998", i), at_scale(&out, "upper_998", p.limits.upper_998));
                    prop_assert_eq!(position.value(i), p.position.as_str());
                    prop_assert_eq!(outcome.value(i), p.outcome.as_str());
                }
                let meta = out.schema().metadata().clone();
                let centre: Option<Decimal> = meta.get("centre").and_then(|c| c.parse().ok());
                prop_assert_eq!(centre, Some(f.centre));
            }
        }
    }

    #[test]
    fn bulk_intervals_are_the_scalar_intervals(units in units(), per in any::<bool>()) {
        let statistic = if per { Statistic::Proportion } else { Statistic::Rate };
        let out = intervals_batch(&batch(&units), &UnitFrameOptions::new(statistic)).unwrap();
        let m = statistic.default_multiplier();
        for (i, &(x, n)) in units.iter().enumerate() {
            let (x, n) = (Decimal::from(x), Decimal::from(n));
            let [a, b] = [ConfidenceLevel::P95, ConfidenceLevel::P998].map(|level| {
                if per { proportion(x, n, level, m) } else { rate(x, n, level, m) }.unwrap()
            });
            prop_assert_eq!(cell(&out, "value", i), at_scale(&out, "value", a.value));
            prop_assert_eq!(cell(&out, "lower_95", i), at_scale(&out, "lower_95", a.lower));
            prop_assert_eq!(cell(&out, "upper_95", i), at_scale(&out, "upper_95", a.upper));
            prop_assert_eq!(cell(&out, "lower_998", i), at_scale(&out, "lower_998", b.lower));
            prop_assert_eq!(cell(&out, "upper_998", i), at_scale(&out, "upper_998", b.upper));
        }
    }

    #[test]
    fn no_panic_on_any_input(
        statistic in statistic(),
        cells in prop::collection::vec(
            (prop_oneof![Just(f64::NAN), Just(f64::INFINITY), Just(-1.0), Just(0.0),
                         Just(1e300), Just(1e-300), (0.0f64..1e9)],
             prop_oneof![Just(f64::NAN), Just(0.0), Just(-5.0), Just(1e300), (0.0f64..1e9)]),
            0..20,
        ),
        centre in prop::option::of(-10i64..1_000_000),
        winsor in prop::option::of(-1i64..=6),
    ) {
        let x: ArrayRef = Arc::new(Float64Array::from_iter_values(cells.iter().map(|c| c.0)));
        let n: ArrayRef = Arc::new(Float64Array::from_iter_values(cells.iter().map(|c| c.1)));
        let b = RecordBatch::try_from_iter([("numerator", x), ("denominator", n)]).unwrap();
        let mut options = UnitFrameOptions::new(statistic);
        options.settings.centre = centre.map(Decimal::from);
        options.settings.overdispersion = winsor.map(|w| Overdispersion { winsor: Decimal::new(w, 1) });
        if let Ok(out) = funnel_batch(&b, &options) {
            prop_assert_eq!(out.num_rows(), cells.len());
        }
        if let Ok(out) = intervals_batch(&b, &options) {
            prop_assert_eq!(out.num_rows(), cells.len());
        }
    }
}

#[test]
fn a_frame_without_its_columns_is_one_error_naming_them() {
    let b = RecordBatch::try_from_iter([(
        "events",
        Arc::new(StringArray::from(vec!["1"])) as ArrayRef,
    )])
    .unwrap();
    let err = funnel_batch(&b, &UnitFrameOptions::new(Statistic::Rate)).unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("\"numerator\"") && text.contains("\"denominator\""),
        "{text}"
    );
}

#[test]
fn bad_rows_are_error_rows_and_take_no_part_in_the_centre() {
    let x: ArrayRef = Arc::new(StringArray::from(vec![
        Some("10"),
        Some("x"),
        None,
        Some("30"),
    ]));
    let n: ArrayRef = Arc::new(StringArray::from(vec![
        Some("100"),
        Some("100"),
        Some("5"),
        Some("100"),
    ]));
    let b = RecordBatch::try_from_iter([("numerator", x), ("denominator", n)]).unwrap();
    let out = funnel_batch(&b, &UnitFrameOptions::new(Statistic::Proportion)).unwrap();
    assert_eq!(out.num_rows(), 4);
    let names: Vec<&str> = out
        .schema_ref()
        .fields()
        .iter()
        .map(|f| f.name().as_str())
        .collect();
    assert_eq!(names, ragstatus::bulk::funnel::FUNNEL_COLUMNS);
    let centre: Option<Decimal> = out
        .schema()
        .metadata()
        .get("centre")
        .and_then(|c| c.parse().ok());
    assert_eq!(centre, Some(Decimal::from(20)));
    let error = out.column_by_name("error").unwrap().as_string::<i64>();
    assert!(error.is_null(0) && error.is_null(3));
    assert!(error.value(1).contains("row[1]") && error.value(1).contains("numerator"));
    assert!(error.value(2).contains("row[2]"));
    let kind = out.column_by_name("error_kind").unwrap().as_string::<i64>();
    assert_eq!(kind.value(2), "Missing");
}
