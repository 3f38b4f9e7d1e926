//! Properties of the fixed-point columnar path and the exact float converter:
//! `rate_scaled` == `rate_status` row by row (codes and errors), threads change nothing,
//! `scale_f64` == the float's shortest decimal text, and `direction_codes` == `compare`; and
//! the bulk kernels give the same codes at every SIMD level the machine has (`simd`), among them
//! `rate_array`'s breakpoint pass on float edge values (`breakpoint_pass_at_every_level`).

use proptest::prelude::*;
use ragstatus::columnar::simd::{self, Level};
use ragstatus::columnar::{
    Actuals, Column, FloatIssue, RuleBatch, ScaledBatch, direction_codes, float_decimal,
    rate_rule_batch, rate_scaled, rate_scaled_parallel, scale_f64, scale_f64_into,
};
use ragstatus::direction::{StableBand, compare};
use ragstatus::value::decimal_from_f64;
use ragstatus::{Decimal, Polarity, Rule, Target, Tolerance, rate_status};

fn polarity() -> impl Strategy<Value = Polarity> {
    prop_oneof![
        Just(Polarity::Higher),
        Just(Polarity::Lower),
        Just(Polarity::Within)
    ]
}

/// A decimal ≥ 0 with a random scale: small, large-mantissa, and fine-grained ones.
fn width() -> impl Strategy<Value = Decimal> {
    prop_oneof![
        (0i64..=5_000, 0u32..=4).prop_map(|(m, s)| Decimal::new(m, s)),
        (0i64..=i64::MAX, 0u32..=28).prop_map(|(m, s)| Decimal::new(m, s)),
        Just(Decimal::ZERO),
        Just(Decimal::MAX),
    ]
}

fn tolerance() -> impl Strategy<Value = Tolerance> {
    prop_oneof![
        Just(Tolerance::None),
        width().prop_map(Tolerance::Absolute),
        width().prop_map(Tolerance::Relative),
        (-5_000i64..=5_000, 0u32..=3).prop_map(|(m, s)| Tolerance::Floor(Decimal::new(m, s))),
    ]
}

/// One value near a centre (ties and band edges) or anywhere in the integer path's range.
fn tame() -> impl Strategy<Value = i64> {
    prop_oneof![
        9 => -3_000i64..=3_000,
        1 => -(1i64 << 61)..(1i64 << 61),
        1 => prop_oneof![Just(-(1i64 << 61)), Just((1i64 << 61) - 1)],
    ]
}

/// Any value, extremes included (these send their block to the Decimal path).
fn wild() -> impl Strategy<Value = i64> {
    prop_oneof![
        Just(i64::MIN),
        Just(i64::MAX),
        Just(1i64 << 61),
        Just(-(1i64 << 61) - 1),
        any::<i64>(),
    ]
}

/// A column of `n` values: in most cases all tame; in some, a few wild values.
fn column(n: usize) -> impl Strategy<Value = Vec<i64>> {
    (
        proptest::collection::vec(tame(), n),
        proptest::collection::vec((0..n, wild()), 0..3),
        0u8..4,
    )
        .prop_map(|(mut values, wild, k)| {
            if k == 0 {
                for (i, v) in wild {
                    values[i] = v;
                }
            }
            values
        })
}

fn mask(n: usize) -> impl Strategy<Value = Option<Vec<bool>>> {
    proptest::option::of(proptest::collection::vec(
        prop_oneof![9 => Just(true), 1 => Just(false)],
        n,
    ))
}

#[derive(Debug, Clone)]
struct Case {
    actuals: Vec<i64>,
    targets: Vec<i64>,
    actual_valid: Option<Vec<bool>>,
    target_valid: Option<Vec<bool>>,
    scale: u32,
    polarity: Polarity,
    tolerance: Tolerance,
}

fn case() -> impl Strategy<Value = Case> {
    (1usize..5_000)
        .prop_flat_map(|n| {
            (
                column(n),
                column(n),
                mask(n),
                mask(n),
                0u32..=18,
                polarity(),
                tolerance(),
            )
        })
        .prop_map(
            |(actuals, targets, actual_valid, target_valid, scale, polarity, tolerance)| Case {
                actuals,
                targets,
                actual_valid,
                target_valid,
                scale,
                polarity,
                tolerance,
            },
        )
}

impl Case {
    fn batch(&self) -> ScaledBatch<'_> {
        ScaledBatch::new(
            &self.actuals,
            &self.targets,
            self.scale,
            self.polarity,
            self.tolerance,
        )
        .with_validity(self.actual_valid.as_deref(), self.target_valid.as_deref())
    }

    /// Row by row through `rate_status`: the codes, or the first error with its row.
    fn scalar(&self) -> Result<Vec<u8>, (String, Option<String>)> {
        let rule = Rule::new(self.polarity, self.tolerance);
        let present = |m: &Option<Vec<bool>>, i: usize| m.as_ref().is_none_or(|m| m[i]);
        (0..self.actuals.len())
            .map(|i| {
                let a = present(&self.actual_valid, i)
                    .then(|| Decimal::new(self.actuals[i], self.scale));
                let t = present(&self.target_valid, i)
                    .then(|| Target::Value(Decimal::new(self.targets[i], self.scale)));
                rate_status(a, t.as_ref(), None, &rule)
                    .map(|s| s.code())
                    .map_err(|e| {
                        let e = e.with_field(format!("row[{i}]"));
                        (format!("{:?}", e.kind()), e.location().field.clone())
                    })
            })
            .collect()
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn scaled_equals_rate_status(case in case()) {
        let expected = case.scalar();
        for level in Level::available() {
            let got = simd::with_level(level, || rate_scaled(&case.batch()))
                .map_err(|e| (format!("{:?}", e.kind()), e.location().field.clone()));
            prop_assert_eq!(got, expected.clone(), "at SIMD level {}", level);
        }
    }
}

proptest! {
    // Each case rates 2^16 rows three times: fewer cases.
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn scaled_threads_change_nothing(
        seed in any::<u64>(), pol in polarity(), tol in tolerance(), scale in 0u32..=4,
    ) {
        // Big enough to split: 2^16 + a few rows, with a few extreme values.
        let n = (1 << 16) + (seed % 1_000) as usize;
        let mut x = seed | 1;
        let mut next = || { x ^= x << 13; x ^= x >> 7; x ^= x << 17; x };
        let actuals: Vec<i64> = (0..n).map(|_| (next() % 4_001) as i64 - 2_000).collect();
        let mut targets: Vec<i64> = (0..n).map(|_| (next() % 4_001) as i64 - 2_000).collect();
        targets[(next() % n as u64) as usize] = i64::MAX;
        let valid: Vec<bool> = (0..n).map(|_| next() % 50 != 0).collect();
        let batch = ScaledBatch::new(&actuals, &targets, scale, pol, tol)
            .with_validity(Some(&valid), None);
        let serial = rate_scaled(&batch).map_err(|e| e.to_string());
        for threads in [2, 3] {
            prop_assert_eq!(
                rate_scaled_parallel(&batch, threads).map_err(|e| e.to_string()),
                serial.clone()
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The float converter against the shortest text.

/// The float's shortest round-trip text as (digits, exponent of the first digit, negative),
/// from Rust's `{:e}` (shortest digits, like Python's `repr`).
fn shortest(x: f64) -> (String, i32, bool) {
    let s = format!("{:e}", x.abs());
    let (mantissa, exp) = s.split_once('e').unwrap();
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    (digits, exp.parse().unwrap(), x.is_sign_negative())
}

/// The shortest text's value in units of 10^-d, when it has at most d decimals and fits i128.
fn reference(x: f64, d: u32) -> Option<i128> {
    if !x.is_finite() {
        return None;
    }
    let (digits, exp, negative) = shortest(x);
    let digits = digits.trim_end_matches('0');
    if digits.is_empty() {
        return Some(0);
    }
    // value = digits × 10^(exp − (len − 1)); scaled by 10^d.
    let shift = exp - (digits.len() as i32 - 1) + d as i32;
    if shift < 0 {
        return None; // more than d decimals
    }
    let m: i128 = digits.parse().ok()?;
    let v = m.checked_mul(10i128.checked_pow(shift as u32)?)?;
    Some(if negative { -v } else { v })
}

fn float() -> impl Strategy<Value = f64> {
    prop_oneof![
        // Decimal-born floats, as analysts' data is.
        4 => (-10_000_000_000i64..=10_000_000_000, 0u32..=10)
            .prop_map(|(m, k)| format!("{m}e-{k}").parse::<f64>().unwrap()),
        // Results of float arithmetic on such values (0.1 + 0.2).
        2 => ((-100_000i64..=100_000, 0u32..=4), (-100_000i64..=100_000, 0u32..=4))
            .prop_map(|((a, i), (b, j))| a as f64 / 10f64.powi(i as i32) + b as f64 / 10f64.powi(j as i32)),
        // Near the magnitude limits of the fast and the full test.
        2 => (0u32..=18, -3_000i64..=3_000, any::<bool>()).prop_map(|(d, off, hi)| {
            let units = if hi { 2f64.powi(51) } else { 2f64.powi(50) } + off as f64;
            units / 10f64.powi(d as i32)
        }),
        // Any bit pattern at all: NaNs, infinities, subnormals.
        1 => any::<u64>().prop_map(f64::from_bits),
        1 => prop_oneof![Just(0.0), Just(-0.0), Just(f64::NAN), Just(f64::INFINITY),
                         Just(f64::NEG_INFINITY), Just(5e-324), Just(f64::MAX)],
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn scale_f64_is_the_shortest_text(x in float(), d in 0u32..=18) {
        let got = scale_f64(x, d);
        match got {
            Ok(m) => {
                prop_assert_eq!(reference(x, d), Some(i128::from(m)), "x = {:e}", x);
                // And the crate's own float conversion agrees.
                prop_assert_eq!(decimal_from_f64(x), Some(Decimal::new(m, d)));
            }
            Err(FloatIssue::Missing) => prop_assert!(x.is_nan()),
            Err(FloatIssue::NotFinite) => prop_assert!(x.is_infinite()),
            Err(FloatIssue::TooLarge) => {
                prop_assert!((x * 10f64.powi(d as i32)).abs() >= 2f64.powi(51));
            }
            Err(FloatIssue::Inexact) => {
                prop_assert_eq!(reference(x, d), None, "x = {:e} at {} decimals", x, d);
            }
        }
        // Every value whose shortest text has at most d decimals and which is within range is
        // accepted (the test is complete, not only sound).
        if let Some(v) = reference(x, d) {
            if (x * 10f64.powi(d as i32)).abs() < 2f64.powi(51) {
                prop_assert_eq!(got.map(i128::from), Ok(v));
            }
        }
    }

    #[test]
    fn scale_f64_into_matches_scalar(xs in proptest::collection::vec(float(), 0..200), d in 0u32..=6) {
        for level in Level::available() {
            let mut out = vec![7; xs.len()];
            let mut valid = vec![true; xs.len()];
            let counts =
                simd::with_level(level, || scale_f64_into(&xs, d, &mut out, &mut valid)).unwrap();
            let mut rejected = 0;
            for (i, &x) in xs.iter().enumerate() {
                match scale_f64(x, d) {
                    Ok(m) => prop_assert_eq!((out[i], valid[i]), (m, true), "at {}", level),
                    Err(_) => {
                        rejected += 1;
                        prop_assert_eq!((out[i], valid[i]), (0, false), "at {}", level)
                    }
                }
            }
            prop_assert_eq!(counts.rejected(), rejected);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Direction of travel over columns.

fn opt_decimal() -> impl Strategy<Value = Option<Decimal>> {
    proptest::option::weighted(
        0.9,
        prop_oneof![
            9 => (-100_000i64..=100_000, 0u32..=3).prop_map(|(m, s)| Decimal::new(m, s)),
            1 => Just(Decimal::MAX),
        ],
    )
}

proptest! {
    #[test]
    fn direction_codes_equal_compare(
        rows in proptest::collection::vec((opt_decimal(), opt_decimal()), 0..300),
        pol in polarity(),
        range in proptest::option::of((-1_000i64..=1_000, 0i64..=500)),
        band in prop_oneof![
            (0i64..=500, 0u32..=2).prop_map(|(m, s)| StableBand::Absolute(Decimal::new(m, s))),
            (0i64..=500, 0u32..=2).prop_map(|(m, s)| StableBand::Relative(Decimal::new(m, s))),
        ],
    ) {
        let range = range.map(|(lo, w)| (Decimal::from(lo), Decimal::from(lo + w)));
        let (actuals, comparisons): (Vec<_>, Vec<_>) = rows.into_iter().unzip();
        let expected: Result<Vec<u8>, String> = actuals
            .iter()
            .zip(&comparisons)
            .enumerate()
            .map(|(i, (&a, &c))| {
                compare(pol, a, c, range, band)
                    .map(|t| t.direction.code())
                    .map_err(|e| e.with_field(format!("row[{i}]")).to_string())
            })
            .collect();
        let got = direction_codes(pol, &actuals, &comparisons, range, band).map_err(|e| e.to_string());
        prop_assert_eq!(got, expected);
    }
}

// ---------------------------------------------------------------------------------------------
// `rate_array`'s breakpoint pass: `rate_rule_batch` on floats with declared decimals, one target.

/// The float next to `x` towards +∞ (`up`) or −∞, for finite `x`.
fn ulp_step(x: f64, up: bool) -> f64 {
    if x == 0.0 {
        let tiny = f64::from_bits(1);
        return if up { tiny } else { -tiny };
    }
    let bits = x.to_bits();
    let away = (x > 0.0) == up;
    f64::from_bits(if away { bits + 1 } else { bits - 1 })
}

/// The float of a decimal, as parsing its text gives it.
fn float_of(v: Decimal) -> f64 {
    v.to_string().parse().unwrap()
}

/// The floats where the pass's answer changes or where it must hand a row on: each band edge
/// the rule can have (the target, the target ± the tolerance read as a width or as a
/// percentage, a floor, the stretch target) with `d` places, one unit and one ulp either side,
/// and half a unit either side (more decimals than declared); then negative zero, NaN, values
/// about 2^50 and 2^51 units (beyond which the pass does not decide), and subnormals.
fn edge_values(
    target: Decimal,
    tolerance: Tolerance,
    stretch: Option<Decimal>,
    d: u32,
) -> Vec<f64> {
    let unit = Decimal::new(1, d);
    let half = Decimal::new(5, d + 1);
    let mut edges = vec![target];
    match tolerance {
        Tolerance::None => {}
        Tolerance::Absolute(w) => edges.extend([target - w, target + w]),
        Tolerance::Relative(r) => {
            let w = target.abs() * r / Decimal::ONE_HUNDRED;
            edges.extend([target - w, target + w]);
        }
        Tolerance::Floor(f) => edges.push(f),
    }
    edges.extend(stretch);
    let mut values = Vec::new();
    for edge in edges {
        let edge = edge.round_dp(d);
        for v in [edge - unit, edge, edge + unit, edge - half, edge + half] {
            let x = float_of(v);
            values.extend([x, ulp_step(x, true), ulp_step(x, false)]);
        }
    }
    let p = 10f64.powi(d as i32);
    for units in [2f64.powi(50), 2f64.powi(51)] {
        for off in [-2.0, -1.0, 0.0, 1.0, 2.0] {
            values.extend([(units + off) / p, -(units + off) / p]);
        }
    }
    values.extend([0.0, -0.0, f64::NAN, 5e-324, -5e-324, 1e-300]);
    values
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    /// The pass gives the codes of `rate_status` row by row (on the float's shortest decimal
    /// text) at every level, and the same codes as at the baseline level. Lengths from 512 rows
    /// (where the pass starts) past one block of 4096, so that vectors, groups of vectors and
    /// the rows after them all meet edge values.
    #[test]
    fn breakpoint_pass_at_every_level(
        target in prop_oneof![
            7 => (-5_000i64..=5_000, 0u32..=2).prop_map(|(m, s)| Decimal::new(m, s)),
            // About 2^50 units at 0..=2 places: edges where the pass stops deciding.
            1 => (-40i64..=40, 0u32..=2, any::<bool>())
                .prop_map(|(k, s, neg)| Decimal::new(((1i64 << 50) + k) * if neg { -1 } else { 1 }, s)),
        ],
        tolerance in prop_oneof![
            Just(Tolerance::None),
            (0i64..=500, 0u32..=2).prop_map(|(m, s)| Tolerance::Absolute(Decimal::new(m, s))),
            (0i64..=50, 0u32..=1).prop_map(|(m, s)| Tolerance::Relative(Decimal::new(m, s))),
            // A floor this far below the target (above it for lower-is-better).
            (0i64..=6_000, 0u32..=1).prop_map(|(m, s)| Tolerance::Floor(Decimal::new(m, s))),
        ],
        // A stretch target this far beyond the target.
        stretch in proptest::option::of((0i64..=6_000, 0u32..=2).prop_map(|(m, s)| Decimal::new(m, s))),
        higher in any::<bool>(),
        blue in any::<bool>(),
        d in 0u32..=4,
        picks in proptest::collection::vec((any::<proptest::sample::Index>(), -60_000i64..=60_000, 0u8..4), 512..4_700),
        infinity in prop_oneof![
            7 => Just(None),
            1 => (any::<proptest::sample::Index>(), any::<bool>()).prop_map(Some),
        ],
        nulls in proptest::collection::vec(any::<proptest::sample::Index>(), 0..4),
    ) {
        let polarity = if higher { Polarity::Higher } else { Polarity::Lower };
        let beyond = |by: Decimal| if higher { target + by } else { target - by };
        let tolerance = match tolerance {
            Tolerance::Floor(by) => Tolerance::Floor(beyond(-by)),
            other => other,
        };
        let stretch = stretch.map(beyond);
        let rule = Rule::new(polarity, tolerance).with_blue(blue);
        let edges = edge_values(target, tolerance, stretch, d);
        // Half the rows on an edge, the rest decimals with the declared places around them.
        let mut values: Vec<f64> = picks
            .iter()
            .map(|(i, m, how)| match how {
                0 | 1 => *i.get(&edges),
                _ => float_of(Decimal::new(*m, d)),
            })
            .collect();
        if let Some((i, positive)) = infinity {
            let row = i.index(values.len());
            values[row] = if positive { f64::INFINITY } else { f64::NEG_INFINITY };
        }
        let mut nulls: Vec<usize> = nulls.iter().map(|i| i.index(values.len())).collect();
        nulls.sort_unstable();
        nulls.dedup();
        let t = Some(Target::Value(target));
        let want: Result<Vec<u8>, String> = values
            .iter()
            .enumerate()
            .map(|(i, &x)| {
                let at = |e: ragstatus::Error| e.with_field(format!("row[{i}]")).to_string();
                let actual = if nulls.binary_search(&i).is_ok() {
                    None
                } else {
                    float_decimal(x, Some(d)).map_err(at)?
                };
                rate_status(actual, t.as_ref(), stretch, &rule).map(|s| s.code()).map_err(at)
            })
            .collect();
        let batch = RuleBatch {
            actuals: Actuals::Floats { values: &values, nulls: &nulls, decimals: Some(d) },
            targets: Column::Shared(t),
            stretches: Column::Shared(stretch),
            rule: &rule,
        };
        let run = |level: Level| {
            simd::with_level(level, || rate_rule_batch(&batch, 1)).map_err(|e| e.to_string())
        };
        let baseline = run(Level::Baseline);
        for level in Level::available() {
            let got = run(level);
            prop_assert_eq!(&got, &baseline, "at {} against baseline", level);
            match (&got, &want) {
                (Ok(got), Ok(want)) => prop_assert_eq!(got, want, "at {}", level),
                // An infinity: an error naming a row, as row by row (which row may differ when
                // the batch is read before it is rated).
                (Err(err), Err(_)) => prop_assert!(err.contains("row["), "at {}: {}", level, err),
                _ => prop_assert!(false, "at {}: got {:?}, expected {:?}", level, got, want),
            }
        }
    }
}
