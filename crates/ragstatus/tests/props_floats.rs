//! Properties of the float rule (SPEC §14): a binary float is the decimal of its own shortest
//! round-trip text at its own width.

use proptest::prelude::*;
use ragstatus::Decimal;
use ragstatus::value::decimal_from_f32;

/// Finite `f32`s whose shortest text fits a `Decimal` without rounding: at most 9 significant
/// digits, so from 1e-19 (28 places) up to the `Decimal` limit.
fn f32_in_range() -> impl Strategy<Value = f32> {
    any::<f32>().prop_filter("within a Decimal's exact range", |x| {
        x.is_finite() && (*x == 0.0 || (x.abs() >= 1e-19 && x.abs() < 7.9e28))
    })
}

/// The significant digits of `|d|` without trailing zeros, and the power of ten of the last.
fn digits(d: Decimal) -> (i128, i64) {
    let mut m = d.mantissa().abs();
    let mut exp = -i64::from(d.scale());
    while m != 0 && m % 10 == 0 {
        m /= 10;
        exp += 1;
    }
    (m, exp)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4096))]

    /// Every f32's decimal reads back as the same f32, and no decimal with one significant
    /// digit fewer does (neither neighbour at that precision), so it is the shortest.
    #[test]
    fn f32_decimal_is_its_shortest_round_trip_text(x in f32_in_range()) {
        let d = decimal_from_f32(x);
        prop_assert!(d.is_some(), "{x:e} has no decimal");
        let d = d.unwrap_or_default();
        prop_assert_eq!(d.to_string().parse::<f32>().ok(), Some(x), "{} does not read back as {:e}", d, x);
        let (m, exp) = digits(d);
        if m >= 10 {
            let a = x.abs();
            for shorter in [m / 10, m / 10 + 1] {
                let text = format!("{shorter}e{}", exp + 1);
                prop_assert_ne!(text.parse::<f32>().ok(), Some(a), "{} is shorter than {}", text, d);
            }
        }
    }

}
