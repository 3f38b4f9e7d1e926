//! Properties of the fixed-point columnar path and the exact float converter:
//! `rate_scaled` == `rate_status` row by row (codes and errors), threads change nothing,
//! `scale_f64` == the float's shortest decimal text, and `direction_codes` == `compare`; and
//! the bulk kernels give the same codes at every SIMD level the machine has (`simd`).

use proptest::prelude::*;
use ragstatus::columnar::simd::{self, Level};
use ragstatus::columnar::{
    FloatIssue, ScaledBatch, direction_codes, rate_scaled, rate_scaled_parallel, scale_f64,
    scale_f64_into,
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
