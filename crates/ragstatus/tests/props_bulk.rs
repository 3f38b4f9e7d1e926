//! Properties of `columnar::rate_rule_batch`, the bulk path of `rate_array`: its codes are
//! `rate_status` row by row on `float_decimal` of each float (the shortest repr) or on the exact
//! value, whatever path the batch takes (the breakpoint pass, the columnar kernels, row by row),
//! at every SIMD level the machine has and on any number of threads; an error names its row.

use proptest::prelude::*;
use ragstatus::columnar::simd::{self, Level};
use ragstatus::columnar::{Actuals, Column, RuleBatch, float_decimal, rate_rule_batch};
use ragstatus::{
    Band, Decimal, Measure, Polarity, Rule, Scheme, Status, Target, Tolerance, rate_status,
};

fn polarity() -> impl Strategy<Value = Polarity> {
    prop_oneof![
        Just(Polarity::Higher),
        Just(Polarity::Lower),
        Just(Polarity::Within)
    ]
}

fn tolerance() -> impl Strategy<Value = Tolerance> {
    prop_oneof![
        Just(Tolerance::None),
        (0i64..=50, 0u32..=2).prop_map(|(m, s)| Tolerance::Absolute(Decimal::new(m, s))),
        (0i64..=50, 0u32..=1).prop_map(|(m, s)| Tolerance::Relative(Decimal::new(m, s))),
        (-200i64..=200, 0u32..=1).prop_map(|(m, s)| Tolerance::Floor(Decimal::new(m, s))),
    ]
}

/// A float as data frames hold them: mostly a decimal with one or two places near the target
/// (band edges included), sometimes missing or with more places than declared.
fn tame() -> impl Strategy<Value = f64> {
    prop_oneof![
        20 => (-2_000i32..=2_000).prop_map(|i| f64::from(i) / 10.0),
        4 => (-20_000i32..=20_000).prop_map(|i| f64::from(i) / 100.0),
        1 => Just(f64::NAN),
        1 => (-2_000i32..=2_000).prop_map(|i| f64::from(i) / 10.0 + 1e-9),
    ]
}

/// [`tame`], and now and then a float beyond a decimal's range, an infinity, or one too large
/// for its declared places.
fn float() -> impl Strategy<Value = f64> {
    prop_oneof![
        40 => tame(),
        1 => prop_oneof![Just(1e300), Just(-1e300), Just(f64::INFINITY), Just(4.5e15)],
    ]
}

fn target() -> impl Strategy<Value = Option<Target>> {
    prop_oneof![
        8 => (-500i64..=500, 0u32..=1).prop_map(|(m, s)| Some(Target::Value(Decimal::new(m, s)))),
        1 => (-500i64..=0, 1i64..=500).prop_map(|(lo, w)| Some(Target::Range {
            low: Decimal::from(lo),
            high: Decimal::from(lo + w),
        })),
        1 => Just(None),
    ]
}

/// The codes row by row: what every path must give.
fn expected(
    values: &[f64],
    decimals: Option<u32>,
    t: Option<Target>,
    s: Option<Decimal>,
    rule: &Rule,
) -> Result<Vec<u8>, String> {
    values
        .iter()
        .enumerate()
        .map(|(i, &x)| {
            let at = |e: ragstatus::Error| e.with_field(format!("row[{i}]")).to_string();
            let actual = float_decimal(x, decimals).map_err(at)?;
            rate_status(actual, t.as_ref(), s, rule)
                .map(Status::code)
                .map_err(at)
        })
        .collect()
}

fn batch<'a>(
    values: &'a [f64],
    decimals: Option<u32>,
    t: Option<Target>,
    s: Option<Decimal>,
    rule: &'a Rule,
) -> RuleBatch<'a> {
    RuleBatch {
        actuals: Actuals::Floats {
            values,
            nulls: &[],
            decimals,
        },
        targets: Column::Shared(t),
        stretches: Column::Shared(s),
        rule,
    }
}

/// Red below 0, Amber to 50, Green from 50 (of the actual itself).
fn custom_scheme() -> Scheme {
    let fifty = Decimal::from(50);
    Scheme::new(
        Measure::Actual,
        Some(Polarity::Higher),
        vec![
            Band::new(Status::Red).lt(Decimal::ZERO),
            Band::new(Status::Amber).ge(Decimal::ZERO).lt(fifty),
            Band::new(Status::Green).ge(fifty),
        ],
    )
    .expect("a valid scheme")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Every path agrees with `rate_status`, codes and errors alike.
    #[test]
    fn floats_rate_as_rate_status(
        values in prop_oneof![
            3 => prop::collection::vec(tame(), 0..1_500),
            1 => prop::collection::vec(float(), 0..1_500),
        ],
        decimals in prop_oneof![Just(None), (0u32..=3).prop_map(Some)],
        t in target(),
        stretch in prop_oneof![3 => Just(None), 1 => (-500i64..=500).prop_map(|m| Some(Decimal::new(m, 1)))],
        polarity in polarity(),
        tolerance in tolerance(),
        blue in any::<bool>(),
        scheme in any::<bool>(),
    ) {
        let mut rule = Rule::new(polarity, tolerance).with_blue(blue);
        if scheme {
            rule = rule.with_scheme(custom_scheme());
        }
        let want = expected(&values, decimals, t, stretch, &rule);
        let runs = [1, 3].map(|threads| {
            (format!("threads {threads}"), rate_rule_batch(&batch(&values, decimals, t, stretch, &rule), threads))
        });
        let levels = Level::available().into_iter().map(|level| {
            let got = simd::with_level(level, || rate_rule_batch(&batch(&values, decimals, t, stretch, &rule), 1));
            (format!("level {level}"), got)
        });
        for (how, got) in runs.into_iter().chain(levels) {
            match (&got, &want) {
                (Ok(got), Ok(want)) => prop_assert_eq!(got, want, "{}", how),
                // The columnar path reads every actual before rating any row, so with a bad
                // actual and a bad rule it may name another failing row than `rate_status`
                // row by row: an error either way, naming its row.
                (Err(err), Err(_)) => prop_assert!(err.to_string().contains("row["), "{}: {}", how, err),
                _ => prop_assert!(false, "{}: got {:?}, expected {:?}", how, got, want),
            }
        }
    }

    /// Rows named null are missing whatever their float holds, and exact values rate as given.
    #[test]
    fn nulls_and_exact_values(
        values in prop::collection::vec(tame(), 512..1_200),
        every in 2usize..50,
    ) {
        let rule = Rule::new(Polarity::Higher, Tolerance::Absolute(Decimal::new(3, 1)));
        let t = Some(Target::Value(Decimal::new(128, 1)));
        let nulls: Vec<usize> = (0..values.len()).step_by(every).collect();
        let exact: Vec<Option<Decimal>> = values
            .iter()
            .enumerate()
            .map(|(i, &x)| if i % every == 0 { None } else { float_decimal(x, None).ok().flatten() })
            .collect();
        let from_floats = rate_rule_batch(&RuleBatch {
            actuals: Actuals::Floats { values: &values, nulls: &nulls, decimals: Some(1) },
            ..batch(&values, Some(1), t, None, &rule)
        }, 1).map_err(|e| e.to_string());
        let from_exact = rate_rule_batch(&RuleBatch {
            actuals: Actuals::Exact(&exact),
            ..batch(&values, None, t, None, &rule)
        }, 1).map_err(|e| e.to_string());
        prop_assert_eq!(&from_floats, &from_exact);
        let codes = from_floats.map_err(TestCaseError::fail)?;
        for &i in &nulls {
            prop_assert_eq!(codes.get(i).copied(), Some(Status::NoData.code()));
        }
    }
}

#[test]
fn a_per_row_target_of_the_wrong_length_is_an_error() {
    let rule = Rule::new(Polarity::Higher, Tolerance::None);
    let targets = [Some(Target::Value(Decimal::ONE))];
    let err = rate_rule_batch(
        &RuleBatch {
            actuals: Actuals::Exact(&[Some(Decimal::ONE), None]),
            targets: Column::PerRow(&targets),
            stretches: Column::Shared(None),
            rule: &rule,
        },
        1,
    )
    .unwrap_err();
    assert_eq!(err.kind().name(), "Length");
}

/// Above the size at which the work is split over threads (the property tests above stay
/// below it), every thread count gives the one-thread codes, which are those of the exact
/// values (nulls in many blocks included), and of several bad rows in different threads'
/// shares the error names the lowest.
#[test]
fn large_batches_split_over_threads_as_on_one() {
    let rule = Rule::new(Polarity::Higher, Tolerance::Absolute(Decimal::new(3, 1)));
    let t = Some(Target::Value(Decimal::new(128, 1)));
    let n = 100_003;
    let values: Vec<f64> = (0..n)
        .map(|i| match i % 997 {
            0 => f64::NAN,
            // More places than declared: rated alone, not by the pass.
            1 => 12.5 + 1e-9,
            k => f64::from(u32::try_from((i * 7919 + k) % 2001).unwrap_or(0)) / 10.0 - 50.0,
        })
        .collect();
    // Nulls spread out, and on the edges of the pass's 4,096-row blocks and of each thread's
    // share (which starts blocks of its own).
    let mut nulls: Vec<usize> = (5..n).step_by(1_009).collect();
    for threads in [1, 2, 3, 4, 7] {
        let share = n.div_ceil(threads);
        for start in (0..n).step_by(share) {
            for block in (start..(start + share).min(n)).step_by(4_096) {
                nulls.extend([block.saturating_sub(1), block, block + 1]);
            }
        }
    }
    nulls.retain(|&i| i < n);
    nulls.sort_unstable();
    nulls.dedup();
    for decimals in [None, Some(1)] {
        let run = |threads| {
            rate_rule_batch(
                &RuleBatch {
                    actuals: Actuals::Floats {
                        values: &values,
                        nulls: &nulls,
                        decimals,
                    },
                    ..batch(&values, decimals, t, None, &rule)
                },
                threads,
            )
            .map_err(|e| e.to_string())
        };
        let one = run(1);
        assert!(one.is_ok(), "{one:?}");
        for threads in [2, 3, 4, 7] {
            assert_eq!(
                run(threads),
                one,
                "threads {threads}, decimals {decimals:?}"
            );
        }
        // The exact values, the nulls missing: another path to the same codes.
        let exact: Vec<Option<Decimal>> = values
            .iter()
            .enumerate()
            .map(|(i, &x)| {
                let null = nulls.binary_search(&i).is_ok();
                float_decimal(x, None).ok().flatten().filter(|_| !null)
            })
            .collect();
        let from_exact = rate_rule_batch(
            &RuleBatch {
                actuals: Actuals::Exact(&exact),
                ..batch(&values, None, t, None, &rule)
            },
            2,
        )
        .map_err(|e| e.to_string());
        assert_eq!(from_exact, one, "decimals {decimals:?}");
        let codes = one.unwrap_or_default();
        for &i in &nulls {
            assert_eq!(codes.get(i).copied(), Some(Status::NoData.code()));
        }
    }
    let mut bad = values.clone();
    for i in [n - 10, 70_000, 40_123] {
        if let Some(slot) = bad.get_mut(i) {
            *slot = f64::INFINITY;
        }
    }
    for threads in [1, 2, 3, 4] {
        let err = rate_rule_batch(&batch(&bad, Some(1), t, None, &rule), threads)
            .map_err(|e| e.to_string());
        let message = err.err().unwrap_or_default();
        assert!(
            message.contains("row[40123]"),
            "threads {threads}: {message}"
        );
    }
}
