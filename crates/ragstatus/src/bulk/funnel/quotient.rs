//! The estimate `x / n × m` of whole numbers by integer arithmetic, with the digits and the
//! scale that [`interval::scaled`](crate::interval::scaled) gets from rust_decimal (1.43), whose
//! division was the largest share of the columnar path's time.
//!
//! Two roundings are reproduced, not one:
//!
//! - the division (`div_impl`) extends the quotient by up to nine digits at a time while the
//!   remainder is not zero, up to scale 28 (for `x < n` the quotient never needs more than 96
//!   bits first), rounds the last digit half to even on the remainder, then strips trailing zeros
//!   only in single steps of 4, 2 and 1 digits (and of 8 while the low 32 bits are zero);
//! - the product (`mul_impl`) is exact while it fits 96 bits; beyond, `rescale` drops a number
//!   of digits estimated from the product's top bit (one more if the quotient still does not
//!   fit) and rounds half to even on everything dropped.
//!
//! Inputs outside the reproduced domain (`x > n`, `n` beyond 2⁵³, a fractional multiplier or
//! one of 2³² or more, or a product the rescaling would overflow) give `None`: the caller keeps
//! the decimal arithmetic for those rows.

use rust_decimal::Decimal;

/// 10⁰ … 10³⁸.
const TEN: [u128; 39] = {
    let mut out = [1u128; 39];
    let mut i = 1;
    while i < out.len() {
        out[i] = out[i - 1] * 10;
        i += 1;
    }
    out
};

/// A decimal mantissa holds 96 bits.
const MANTISSA: u128 = 1 << 96;

/// The division's largest scale.
const MAX_SCALE: u32 = 28;

/// The largest denominator: the float checks of the columnar path need exact integers.
const LARGEST: u64 = 1 << 53;

/// A multiplier whose products this module reproduces: a whole decimal of scale 0 below 2³².
#[derive(Debug, Clone, Copy)]
pub(super) struct Multiplier {
    value: u128,
    /// How many of `value`'s trailing digits are zeros: dropping up to that many digits of a
    /// product is a smaller multiplication, not a division.
    zeros: u32,
}

impl Multiplier {
    /// `None` for a multiplier the integer arithmetic does not reproduce. The scale matters, not
    /// only the value: rust_decimal multiplies mantissas, so 100.0 gives other digits than 100.
    pub(super) fn new(m: Decimal) -> Option<Multiplier> {
        if m.scale() != 0 || m.is_sign_negative() || m.is_zero() {
            return None;
        }
        let value = u128::try_from(m.mantissa()).ok()?;
        if value >= 1 << 32 {
            return None;
        }
        let zeros = TEN
            .iter()
            .take_while(|p| value % **p == 0)
            .count()
            .saturating_sub(1);
        Some(Multiplier {
            value,
            zeros: u32::try_from(zeros).ok()?,
        })
    }
}

/// `x / n × m` as `(mantissa, scale)`, exactly as `Decimal::from(x) / Decimal::from(n) * m`
/// gives them; `None` outside the domain this module reproduces.
#[inline]
pub(super) fn scaled(x: u64, n: u64, m: Multiplier) -> Option<(u128, u32)> {
    let (q, s) = quotient(x, n)?;
    if q == 0 {
        return Some((0, 0));
    }
    let p = q * m.value;
    if p < MANTISSA {
        return Some((p, s));
    }
    // rust_decimal's estimate of the digits to drop: the top bit's index less 96, × log10(2)
    // (77 / 256), plus one.
    let top = 127 - p.leading_zeros();
    let mut k = (((top - 96) * 77) >> 8) + 1;
    let mut kept = drop_digits(q, m, p, k);
    if kept.0 >= MANTISSA {
        k += 1;
        kept = drop_digits(q, m, p, k);
    }
    let (kept, rest) = kept;
    // Half to even over all the dropped digits (rust_decimal's sticky bit).
    let half = TEN.get(k as usize)? / 2;
    let up = rest > half || (rest == half && kept & 1 == 1);
    let kept = kept + u128::from(up);
    if kept >= MANTISSA || k > s {
        // rust_decimal would rescale once more, or overflow: left to it.
        return None;
    }
    Some((kept, s - k))
}

/// `p = q × m` without its last `k` digits, and the digits dropped.
#[inline]
fn drop_digits(q: u128, m: Multiplier, p: u128, k: u32) -> (u128, u128) {
    let t = TEN.get(k as usize).copied().unwrap_or(u128::MAX);
    if k <= m.zeros {
        (q * (m.value / t), 0)
    } else {
        (p / t, p % t)
    }
}

/// `x / n` as rust_decimal's `div_impl` gives it for `0 ≤ x ≤ n ≤ 2⁵³`.
#[inline]
pub(super) fn quotient(x: u64, n: u64) -> Option<(u128, u32)> {
    if n == 0 || x > n || n > LARGEST {
        return None;
    }
    if x == 0 {
        return Some((0, 0));
    }
    if x == n {
        // A whole quotient without remainder keeps scale 0 and is not stripped.
        return Some((1, 0));
    }
    let (q, s) = if n < 1 << 32 {
        long_division_u64(x, n)
    } else {
        long_division_u128(x, n)
    };
    Some(unscale(q, s))
}

/// The digits of `x / n` for `0 < x < n < 2³²`: nine at a time (`r × 10⁹` fits 64 bits), to the
/// first scale (9, 18, 27 or 28) where the remainder is zero, else to 28 rounded half to even.
#[inline]
fn long_division_u64(x: u64, n: u64) -> (u128, u32) {
    const BILLION: u64 = 1_000_000_000;
    let mut r = x;
    let mut q: u128 = 0;
    for s in [9, 18, 27] {
        let t = r * BILLION;
        let d = t / n;
        r = t - d * n;
        q = q * u128::from(BILLION) + u128::from(d);
        if r == 0 {
            return (q, s);
        }
    }
    let t = r * 10;
    let d = t / n;
    r = t - d * n;
    q = q * 10 + u128::from(d);
    let twice = 2 * r;
    let up = twice > n || (twice == n && q & 1 == 1);
    (q + u128::from(up), MAX_SCALE)
}

/// [`long_division_u64`] for `2³² ≤ n ≤ 2⁵³` (`r × 10⁹` needs up to 83 bits).
fn long_division_u128(x: u64, n: u64) -> (u128, u32) {
    const BILLION: u128 = 1_000_000_000;
    let n = u128::from(n);
    let mut r = u128::from(x);
    let mut q: u128 = 0;
    for s in [9, 18, 27] {
        let t = r * BILLION;
        let d = t / n;
        r = t - d * n;
        q = q * BILLION + d;
        if r == 0 {
            return (q, s);
        }
    }
    let t = r * 10;
    let d = t / n;
    r = t - d * n;
    q = q * 10 + d;
    let twice = 2 * r;
    let up = twice > n || (twice == n && q & 1 == 1);
    (q + u128::from(up), MAX_SCALE)
}

/// rust_decimal's `unscale`: steps of 8 digits while the low 32 bits are zero, then at most one
/// step each of 4, 2 and 1, each only where the low bits show the factor of 2 it needs.
#[inline]
fn unscale(mut q: u128, mut s: u32) -> (u128, u32) {
    while q as u32 == 0 && s >= 8 && q % TEN[8] == 0 {
        q /= TEN[8];
        s -= 8;
    }
    for (digits, mask, ten) in [(4, 0xF, TEN[4]), (2, 0x3, TEN[2]), (1, 0x1, TEN[1])] {
        if q & mask == 0 && s >= digits && q % ten == 0 {
            q /= ten;
            s -= digits;
        }
    }
    (q, s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::interval::scaled as exact;
    use proptest::prelude::*;

    /// The exact path's estimate as `(mantissa, scale)`.
    fn decimal(x: u64, n: u64, m: Decimal) -> (u128, u32) {
        let d = exact(Decimal::from(x), Decimal::from(n), m).unwrap();
        (u128::try_from(d.mantissa()).unwrap(), d.scale())
    }

    fn check(x: u64, n: u64, m: Decimal) {
        let fast = Multiplier::new(m).and_then(|mm| scaled(x, n, mm));
        let want = decimal(x, n, m);
        assert_eq!(fast, Some(want), "{x} / {n} × {m}");
        let d = exact(Decimal::from(x), Decimal::from(n), Decimal::ONE).unwrap();
        let want = (u128::try_from(d.mantissa()).unwrap(), d.scale());
        assert_eq!(quotient(x, n), Some(want), "{x} / {n}");
    }

    const MULTIPLIERS: [i64; 5] = [1, 100, 1000, 100_000, 1_000_000];

    #[test]
    fn every_numerator_of_small_denominators() {
        for n in 1..=600u64 {
            for x in 0..=n {
                for m in [1, 100, 100_000] {
                    check(x, n, Decimal::from(m));
                }
            }
        }
    }

    #[test]
    fn terminating_quotients_keep_rust_decimals_scale() {
        // Denominators 2ᵃ5ᵇ end the division at 9, 18, 27 or 28 places, or round at 28.
        for a in 0..=53 {
            for b in 0..=22 {
                let Some(n) = 5u64.checked_pow(b).and_then(|f| f.checked_mul(1 << a)) else {
                    continue;
                };
                if n > LARGEST {
                    continue;
                }
                for x in [1, 2, 3, 7, 999, n / 3, n / 2, n - 1] {
                    if (1..=n).contains(&x) {
                        for m in MULTIPLIERS {
                            check(x, n, Decimal::from(m));
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn the_two_roundings_of_a_third() {
        // The division rounds to 28 places, the product drops one more digit: 33.33…330, not
        // the 33.33…333 of a single rounding of 100 / 3.
        let (q, s) = scaled(1, 3, Multiplier::new(Decimal::ONE_HUNDRED).unwrap()).unwrap();
        assert_eq!((q, s), (33_333_333_333_333_333_333_333_333_330, 27));
        assert_eq!(
            quotient(1, 2),
            Some((50, 2)),
            "rust_decimal's 1 / 2 is 0.50"
        );
    }

    #[test]
    fn multipliers_outside_the_domain_are_refused() {
        assert!(Multiplier::new(Decimal::new(1000, 1)).is_none());
        assert!(Multiplier::new(Decimal::from(1u64 << 32)).is_none());
        assert!(Multiplier::new(Decimal::from(-100)).is_none());
        assert!(Multiplier::new(Decimal::ZERO).is_none());
        assert_eq!(
            Multiplier::new(Decimal::from(100_000)).map(|m| m.zeros),
            Some(5)
        );
        assert_eq!(Multiplier::new(Decimal::from(7)).map(|m| m.zeros), Some(0));
        let m = Multiplier::new(Decimal::ONE_HUNDRED).unwrap();
        assert_eq!(scaled(2, 1, m), None);
        assert_eq!(scaled(1, (1 << 53) + 1, m), None);
        assert_eq!(quotient(1, 0), None);
    }

    /// Denominators across the ranges where the arithmetic changes: small, either side of 2³²
    /// (rust_decimal's 32-bit and 64-bit divisors, and here u64 or u128), and up to 2⁵³.
    fn denominator() -> impl Strategy<Value = u64> {
        prop_oneof![
            1u64..=1000,
            1u64..=1 << 20,
            (1u64 << 32) - 5000..=(1u64 << 32) + 5000,
            (1u64 << 53) - 5000..=1 << 53,
            1u64..=1 << 53,
        ]
    }

    /// A numerator for `n`, with the ends and their neighbours often.
    fn unit() -> impl Strategy<Value = (u64, u64)> {
        denominator().prop_flat_map(|n| {
            let x = prop_oneof![
                Just(0),
                Just(n),
                Just(1.min(n)),
                Just(n - 1),
                Just(n / 2),
                0..=n,
                0..=n.min(1000),
            ];
            (x, Just(n))
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(20_000))]

        #[test]
        fn the_integer_estimate_is_the_decimal_one((x, n) in unit(), k in 0usize..5) {
            check(x, n, Decimal::from(MULTIPLIERS[k]));
        }

        #[test]
        fn any_whole_multiplier_gives_the_decimal_digits_or_declines(
            (x, n) in unit(), m in prop_oneof![1u32..=1000, any::<u32>()],
        ) {
            let m = Decimal::from(m);
            if let Some(fast) = scaled(x, n, Multiplier::new(m).unwrap()) {
                prop_assert_eq!(fast, decimal(x, n, m), "{} / {} × {}", x, n, m);
            }
        }

    }
}
