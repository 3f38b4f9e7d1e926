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

/// A numerator and denominator cell; either may be null.
type Cell = (Option<i64>, Option<i64>);

/// The same cells as Int64 columns (read by the columnar path) and as Decimal128 columns (read
/// by the exact path).
/// The funnel and the intervals of whole-number columns (the integer path) and of the same
/// numbers as decimals (the exact path): the same frames, or the same errors.
fn both_paths_agree(
    ints: &RecordBatch,
    decimals: &RecordBatch,
    options: &UnitFrameOptions,
) -> Result<(), TestCaseError> {
    for run in [funnel_batch, intervals_batch] {
        match (run(ints, options), run(decimals, options)) {
            (Ok(a), Ok(b)) => prop_assert_eq!(a, b),
            (a, b) => prop_assert_eq!(
                a.err().map(|e| e.to_string()),
                b.err().map(|e| e.to_string())
            ),
        }
    }
    Ok(())
}

fn both_forms(cells: &[Cell]) -> [RecordBatch; 2] {
    let ints = |f: fn(&Cell) -> Option<i64>| -> ArrayRef {
        Arc::new(Int64Array::from(cells.iter().map(f).collect::<Vec<_>>()))
    };
    let decimals = |f: fn(&Cell) -> Option<i64>| -> ArrayRef {
        let values: Vec<Option<i128>> = cells.iter().map(|c| f(c).map(i128::from)).collect();
        Arc::new(
            arrow_array::Decimal128Array::from(values)
                .with_precision_and_scale(38, 0)
                .unwrap(),
        )
    };
    [
        RecordBatch::try_from_iter([("numerator", ints(|c| c.0)), ("denominator", ints(|c| c.1))])
            .unwrap(),
        RecordBatch::try_from_iter([
            ("numerator", decimals(|c| c.0)),
            ("denominator", decimals(|c| c.1)),
        ])
        .unwrap(),
    ]
}

fn any_cell() -> impl Strategy<Value = Option<i64>> {
    prop_oneof![
        4 => (0i64..=200_000).prop_map(Some),
        1 => (0i64..=20).prop_map(Some),
        1 => prop_oneof![Just(None), Just(Some(-1)), Just(Some(0)), Just(Some(1 << 53)),
                         Just(Some((1 << 53) + 1)), Just(Some(i64::MAX)), Just(Some(i64::MIN))],
    ]
}

/// A unit whose denominator may lie either side of 2³² or near 2⁵³, numerator from 0 to it.
fn wide_unit() -> impl Strategy<Value = Cell> {
    let n = prop_oneof![
        1i64..=1000,
        1i64..=200_000,
        (1i64 << 32) - 3..=(1i64 << 32) + 3,
        (1i64 << 53) - 3..=(1i64 << 53) + 1,
        1i64..=1 << 53,
    ];
    n.prop_flat_map(|n| {
        let x = prop_oneof![Just(0), Just(n), Just(n - 1), Just(1), 0..=n];
        (x.prop_map(Some), Just(Some(n)))
    })
}

fn multiplier() -> impl Strategy<Value = Decimal> {
    prop_oneof![
        Just(Decimal::ONE),
        Just(Decimal::ONE_HUNDRED),
        Just(Decimal::new(1000, 1)),
        Just(Decimal::new(25, 1)),
        Just(Decimal::from(1000)),
        Just(Decimal::from(100_000)),
        Just(Decimal::from(u32::MAX)),
        (1u32..=1_000_000).prop_map(Decimal::from),
        // Multipliers so small that limits and estimates fall below what 28 places hold.
        (1u32..=28).prop_map(|scale| Decimal::new(1, scale)),
    ]
}

fn position_of(out: &RecordBatch, i: usize) -> String {
    out.column_by_name("position")
        .unwrap()
        .as_string::<i64>()
        .value(i)
        .to_string()
}

#[test]
fn a_late_row_that_needs_more_digits_raises_the_columns_written_before_it() {
    // 700 rows whose limits need eight decimals, then rows needing more (a tiny proportion of
    // a large denominator, a null, an invalid unit), in runs of one to three threads: the rows
    // written before are rescaled, and a run at a lower scale than another is brought to it.
    let mut cells: Vec<Cell> = vec![(Some(30), Some(100)); 700];
    cells.extend([
        (Some(1), Some(199_999)),
        (None, Some(5)),
        (Some(7), Some(3)),
        (Some(0), Some(50)),
        (Some(50), Some(50)),
    ]);
    cells.extend(vec![(Some(31), Some(100)); 300]);
    let [ints, decimals] = both_forms(&cells);
    for threads in 1..=3 {
        let options = UnitFrameOptions {
            threads,
            ..UnitFrameOptions::new(Statistic::Proportion)
        };
        assert_eq!(
            funnel_batch(&ints, &options).unwrap(),
            funnel_batch(&decimals, &options).unwrap(),
            "{threads}"
        );
        let a = intervals_batch(&ints, &options).unwrap();
        assert_eq!(
            a,
            intervals_batch(&decimals, &options).unwrap(),
            "{threads}"
        );
        let lower = a.column_by_name("lower_998").unwrap();
        assert!(matches!(lower.data_type(), arrow_schema::DataType::Decimal128(38, s) if *s > 9));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn integer_columns_give_the_exact_paths_rows(
        statistic in statistic(),
        cells in prop::collection::vec((any_cell(), any_cell()), 0..30),
        centre in prop::option::of(0u32..=1000),
        od in any::<bool>(),
        threads in 1usize..=3,
    ) {
        let [ints, decimals] = both_forms(&cells);
        let mut options = UnitFrameOptions { threads, ..UnitFrameOptions::new(statistic) };
        options.settings.centre = centre.map(|c| centre_for(statistic, c));
        if od {
            options.settings.overdispersion = Some(Overdispersion::default());
        }
        both_paths_agree(&ints, &decimals, &options)?;
    }

    #[test]
    fn integer_columns_give_the_exact_paths_rows_at_any_multiplier_and_size(
        statistic in statistic(),
        cells in prop::collection::vec(wide_unit(), 0..20),
        multiplier in multiplier(),
        threads in 1usize..=2,
    ) {
        // The columnar path's integer estimate covers whole multipliers of scale 0 below 2³²
        // and denominators up to 2⁵³; the rest (100.0, 2.5, beyond 2⁵³) keep the decimals.
        let [ints, decimals] = both_forms(&cells);
        let mut options = UnitFrameOptions { threads, ..UnitFrameOptions::new(statistic) };
        options.settings.multiplier = multiplier;
        both_paths_agree(&ints, &decimals, &options)?;
    }

    #[test]
    fn a_value_on_a_proportion_limit_is_within_on_both_paths(
        per_mille in 1u32..=999, units in units(), upper in any::<bool>(),
    ) {
        // At a denominator of 10¹⁰ a limit of ten significant digits (percent) is x / 10⁸ for a
        // whole x: that unit's value is exactly the limit, where the floats cannot decide.
        let n: i64 = 10_000_000_000;
        let centre = Decimal::new(i64::from(per_mille), 1);
        let limits = funnel_limits(Decimal::from(n), centre, Statistic::Proportion, Decimal::ONE_HUNDRED, None).unwrap();
        let limit = if upper { limits.upper_95 } else { limits.lower_95 };
        let scaled = limit * Decimal::from(100_000_000);
        prop_assume!(scaled.fract().is_zero());
        let x = i64::try_from(scaled.trunc()).unwrap();
        let mut cells: Vec<_> = units.iter().map(|u| (Some(i64::from(u.0)), Some(i64::from(u.1)))).collect();
        cells.push((Some(x), Some(n)));
        let [ints, decimals] = both_forms(&cells);
        let mut options = UnitFrameOptions::new(Statistic::Proportion);
        options.settings.centre = Some(centre);
        let (a, b) = (funnel_batch(&ints, &options).unwrap(), funnel_batch(&decimals, &options).unwrap());
        let last = cells.len() - 1;
        prop_assert_eq!(position_of(&a, last), "within");
        prop_assert_eq!(a, b);
    }

    #[test]
    fn a_centre_on_a_units_own_limit_is_within_on_both_paths(
        x in 0i64..=40, n in 1i64..=100_000, upper in any::<bool>(), ratio in any::<bool>(),
    ) {
        // A rate is labelled by its own interval: a centre equal to one of its limits is inside.
        let statistic = if ratio { Statistic::Ratio } else { Statistic::Rate };
        let m = statistic.default_multiplier();
        let own = rate(Decimal::from(x), Decimal::from(n), ConfidenceLevel::P95, m).unwrap();
        let centre = if upper { own.upper } else { own.lower };
        let cells = [(Some(x), Some(n)), (Some(x + 1), Some(n))];
        let [ints, decimals] = both_forms(&cells);
        let mut options = UnitFrameOptions::new(statistic);
        options.settings.centre = Some(centre);
        let (a, b) = (funnel_batch(&ints, &options).unwrap(), funnel_batch(&decimals, &options).unwrap());
        prop_assert_eq!(position_of(&a, 0), "within");
        prop_assert_eq!(a, b);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn integer_columns_give_the_exact_paths_rows_across_blocks_and_threads(
        statistic in statistic(),
        cells in prop::collection::vec(prop_oneof![
            8 => wide_unit(),
            1 => (any_cell(), any_cell()),
        ], 200..1400),
        multiplier in multiplier(),
        threads in 1usize..=3,
    ) {
        // The integer path takes proportions in blocks of rows, each thread writing its run at
        // a scale per column that a later row may raise: many blocks, runs and magnitudes.
        let [ints, decimals] = both_forms(&cells);
        let mut options = UnitFrameOptions { threads, ..UnitFrameOptions::new(statistic) };
        options.settings.multiplier = multiplier;
        both_paths_agree(&ints, &decimals, &options)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    #[test]
    fn frames_without_an_error_row_give_the_exact_paths_rows(
        statistic in statistic(),
        cells in prop::collection::vec(wide_unit(), 200..1400),
        threads in 1usize..=3,
    ) {
        // Every unit valid: the row numbers, the error columns and a proportion's method
        // column are built before the rows, on the threads that clear the output.
        let [ints, decimals] = both_forms(&cells);
        let options = UnitFrameOptions { threads, ..UnitFrameOptions::new(statistic) };
        both_paths_agree(&ints, &decimals, &options)?;
        let out = intervals_batch(&ints, &options).unwrap();
        let error = out.column_by_name("error").unwrap();
        prop_assert_eq!(error.null_count(), cells.len());
        let method = out.column_by_name("method").unwrap().as_string::<i64>();
        prop_assert_eq!(method.null_count(), 0);
        if statistic == Statistic::Proportion {
            prop_assert!(method.iter().all(|m| m == Some("Wilson")));
        }
    }
}

/// Found by fuzzing (`fuzz/fuzz_targets/unit_frames.rs`): with a multiplier of 10⁻²⁸ a ratio's
/// upper limit (1.12 × 10⁻²⁸) rounds to zero, below the centre, and the exact path lifts it to
/// the centre; the integer path took the floats' order for the decimals' and did not.
#[test]
fn limits_below_a_decimals_places_are_capped_on_both_paths() {
    for statistic in [Statistic::Ratio, Statistic::Rate, Statistic::Proportion] {
        let cells = [
            (Some(13), Some(255)),
            (Some(0), Some(7)),
            (Some(3), Some(3)),
        ];
        let [ints, decimals] = both_forms(&cells);
        let mut options = UnitFrameOptions::new(statistic);
        options.settings.multiplier = Decimal::new(1, 28);
        options.settings.centre = Some(Decimal::new(1, 28));
        for threads in [1, 2] {
            options.threads = threads;
            both_paths_agree(&ints, &decimals, &options).unwrap();
            assert!(funnel_batch(&ints, &options).is_ok(), "{statistic:?}");
            assert!(intervals_batch(&ints, &options).is_ok(), "{statistic:?}");
        }
    }
}
