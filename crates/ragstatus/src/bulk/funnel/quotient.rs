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

use crate::bulk::POWERS;

/// 10ᵏ for k = 0 … 38, from the bulk paths' one table of powers.
#[inline]
fn ten(k: u32) -> Option<u128> {
    POWERS.get(k as usize).map(|p| p.unsigned_abs())
}

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
    /// `value / 10ᵏ` for k up to `zeros` (at most 9 below 2³²): no 128-bit division per row.
    reduced: [u64; 10],
}

impl Multiplier {
    /// The value as a float (exact: below 2³²) and its trailing zeros, as [`usual_lane`] takes
    /// them.
    pub(super) fn lane(&self) -> (f64, i64) {
        (self.value as f64, i64::from(self.zeros))
    }

    /// `value / 10ᵏ` for `k` up to [`zeros`](Self::zeros); `None` beyond.
    pub(super) fn reduced(&self, k: u32) -> Option<u64> {
        if k > self.zeros {
            return None;
        }
        self.reduced.get(k as usize).copied()
    }
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
        let zeros = POWERS
            .iter()
            .take_while(|p| value % p.unsigned_abs() == 0)
            .count()
            .saturating_sub(1);
        let reduced = std::array::from_fn(|k| {
            let t = ten(k as u32).unwrap_or(u128::MAX);
            if k <= zeros {
                u64::try_from(value / t).unwrap_or(0)
            } else {
                0
            }
        });
        Some(Multiplier {
            value,
            zeros: u32::try_from(zeros).ok()?,
            reduced,
        })
    }
}

/// `x / n × m` as `(mantissa, scale)`, exactly as `Decimal::from(x) / Decimal::from(n) * m`
/// gives them; `None` outside the domain this module reproduces.
#[inline]
pub(super) fn scaled(x: u64, n: u64, m: Multiplier) -> Option<(u128, u32)> {
    let (q, s) = quotient(x, n)?;
    times(q, s, m)
}

/// The quotient `q × 10^-s` (as [`quotient`] gives it) × `m`, as rust_decimal's product gives
/// it; `None` where this module does not reproduce it.
#[inline]
pub(super) fn times(q: u128, s: u32, m: Multiplier) -> Option<(u128, u32)> {
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
    let half = ten(k)? / 2;
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
    if k <= m.zeros {
        (
            q * u128::from(m.reduced.get(k as usize).copied().unwrap_or(0)),
            0,
        )
    } else {
        let t = ten(k).unwrap_or(u128::MAX);
        (p / t, p % t)
    }
}

/// `x / n` as rust_decimal's `div_impl` gives it for `0 ≤ x ≤ n ≤ 2⁵³`.
#[inline]
pub(crate) fn quotient(x: u64, n: u64) -> Option<(u128, u32)> {
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
    let (q, s) = long_division(x, n);
    Some(unscale(q, s))
}

/// The digits of `x / n` for `0 < x < n ≤ 2⁵³` as rust_decimal's division leaves them before
/// `unscale`: to the first scale of 9, 18, 27 and 28 where the remainder is zero, else to 28
/// rounded half to even.
///
/// Computed in two groups of 14 digits, `r × 10¹⁴ / n` each, by a float reciprocal: the true
/// quotient is below 10¹⁴ and the float within 0.03 of it, so the truncated guess is off by at
/// most one and one exact correction on the integer remainder makes it exact (a chain of four
/// hardware divisions was the larger cost). Where rust_decimal stops earlier follows from the
/// remainders: it stops at 9 when the first group's remainder is zero and its last five digits
/// are, at 18 when the second's remainder is zero and the last ten digits are, at 27 when the
/// second's remainder and the last digit are.
#[inline]
fn long_division(x: u64, n: u64) -> (u128, u32) {
    const GROUP: u64 = 100_000_000_000_000;
    // `n` and every remainder are at most 2⁵³, exact in f64.
    let inverse = GROUP as f64 / n as f64;
    let step = |r: u64| -> (u128, u64) {
        let (q, rest) = group(r, n, inverse);
        (u128::from(q), rest)
    };
    let (high, r) = step(x);
    if r == 0 {
        return match exact_tenth(high, 5) {
            Some(q) => (q, 9),
            None => (high * 10_000, 18),
        };
    }
    let (low, r) = step(r);
    let q = high * u128::from(GROUP) + low;
    if r == 0 {
        if let Some(q) = exact_tenth(q, 8).and_then(|q| exact_tenth(q, 2)) {
            return (q, 18);
        }
        if let Some(q) = exact_tenth(q, 1) {
            return (q, 27);
        }
        return (q, MAX_SCALE);
    }
    let twice = 2 * r;
    let up = twice > n || (twice == n && q & 1 == 1);
    (q + u128::from(up), MAX_SCALE)
}

/// `x / n` for `0 < x < n ≤ 2⁵³` from the two groups of 14 digits of [`long_division`] and its
/// last remainder, when neither remainder is zero (the usual case, where rust_decimal's division
/// runs to scale 28): the block kernels compute the groups for many rows at once.
#[inline]
pub(super) fn from_groups(high: u64, low: u64, rest: u64, n: u64) -> (u128, u32) {
    let q = u128::from(high) * 100_000_000_000_000 + u128::from(low);
    let twice = 2 * rest;
    let up = twice > n || (twice == n && q & 1 == 1);
    unscale(q + u128::from(up), MAX_SCALE)
}

/// [`times`] of [`from_groups`] for the usual row, in 64-bit steps where the quotient's
/// rounding and `unscale` allow them; `None` where they do not (the rounding carries into the
/// high group, or the quotient ends in eight or more zeros, where `unscale`'s steps of eight
/// depend on the low 32 bits), and where [`times`] gives `None`: the caller then takes
/// [`from_groups`] and [`times`].
///
/// With `low + up` (the low group after the rounding) ending in `t ≤ 7` zeros, the 28-digit
/// quotient `high × 10¹⁴ + low + up` ends in exactly `t` zeros, `unscale`'s steps of 4, 2 and 1
/// strip all of them (its steps of 8 find no factor 10⁸), and the stripped quotient is
/// `high × 10¹⁴⁻ᵗ + (low + up) / 10ᵗ` at scale `28 − t`: no 128-bit division or inverse.
#[inline(always)]
pub(super) fn scaled_from_groups(
    high: u64,
    low: u64,
    rest: u64,
    n: u64,
    m: Multiplier,
) -> Option<(u128, u32)> {
    const GROUP: u64 = 100_000_000_000_000;
    // `rest < n ≤ 2⁵³` in the domain: the doubling cannot overflow.
    let twice = rest.wrapping_mul(2);
    let up = twice > n || (twice == n && low & 1 == 1);
    let low = low.wrapping_add(u64::from(up));
    if low == 0 || low >= GROUP {
        return None;
    }
    let (mut digits, mut zeros) = (low, 0u32);
    while zeros < 8 && digits % 10 == 0 {
        digits /= 10;
        zeros += 1;
    }
    if zeros >= 8 {
        return None;
    }
    let q = u128::from(high) * ten(14 - zeros)? + u128::from(digits);
    times(q, MAX_SCALE - zeros, m)
}

/// The relative error [`usual_lane`] allows its float estimate of the product: four roundings
/// of at most 2⁻⁵³ each, with room to spare.
const MARGIN: f64 = 1e-14;

/// 2⁹⁶, exact in f64: a decimal mantissa's bound.
const MANTISSA_F64: f64 = 79_228_162_514_264_337_593_543_950_336.0;

/// The usual row of [`scaled_from_groups`] as one lane of a loop that vectorises: the low group
/// after the quotient's rounding, the scale of `x / n × m`, and whether the lane is sure. Where
/// sure, the estimate is exactly `(high × 10¹⁴ + low) × m × 10⁻²⁸` (the 28-digit quotient times
/// the multiplier, with no digit lost), at that scale, and `m` has at least as many trailing
/// zeros as `28 − scale`: the caller writes it at any column scale from the lane's own up to 28
/// as `(high × 10¹⁴ + low) × m / 10^(28 − column scale)`, by [`Multiplier::reduced`], without
/// the mantissa of the lane's own scale.
///
/// The scale is `28 − t − k`: `t` the zeros `unscale` strips (the low group's trailing zeros,
/// as in [`scaled_from_groups`]; sure up to [`LANE_ZEROS`]), `k` the digits [`times`] drops
/// from the product, found from a float estimate of the product within [`MARGIN`]; a product
/// that close to one of `times`' bounds (a power of two for rust_decimal's estimate, 2⁹⁶ × 10ᵏ
/// for the mantissa) is not sure. Dropping `k ≤` the multiplier's trailing zeros loses no digit,
/// so there is no rounding.
#[inline(always)]
pub(super) fn usual_lane(
    high: u64,
    low: u64,
    rest: u64,
    n: u64,
    (mf, zeros): (f64, i64),
) -> (u64, i64, bool) {
    const GROUP: u64 = 100_000_000_000_000;
    // The float's fraction bits within this many units of 0 or of 2⁵² (MARGIN × 2⁵² is 45):
    // its binary exponent may not be the exact product's.
    const EDGE: u64 = 128;
    const FRACTION: u64 = (1 << 52) - 1;
    // The rounding of the 28th digit, as `scaled_from_groups` does it.
    let twice = rest.wrapping_mul(2);
    let up = (twice > n) | ((twice == n) & (low & 1 == 1));
    let low = low.wrapping_add(u64::from(up));
    let t = decimal_zeros(low);
    // The product q × m of the stripped quotient q = (high × 10¹⁴ + low) / 10ᵗ, in floats.
    let q = high as f64 * 1e14 + low as f64;
    let p = q * mf / crate::interval::pow10(t);
    let bits = p.to_bits();
    let top = ((bits >> 52) & 0x7ff) as i64 - 1023;
    let fraction = bits & FRACTION;
    let top_sure = (fraction > EDGE) & (fraction < FRACTION - EDGE);
    // rust_decimal's digits to drop, from the top bit, then one more if the rest is still
    // beyond 96 bits (and then it must fit).
    let k0 = if top < 96 {
        0
    } else {
        (((top - 96) * 77) >> 8) + 1
    };
    let bound = MANTISSA_F64 * crate::interval::pow10(k0);
    let over = p >= bound;
    let over_sure = (p - bound).abs() > bound * MARGIN;
    let k = k0 + i64::from(over);
    let fits = !over | (p < bound * 10.0 * (1.0 - MARGIN));
    let sure = (low != 0)
        & (low < GROUP)
        & (t <= LANE_ZEROS)
        & top_sure
        & over_sure
        & fits
        & (k0 <= 15)
        & (t + k <= zeros);
    (low, 28 - t - k, sure)
}

/// The most trailing zeros of the low group that [`usual_lane`] is sure of (one in ten
/// thousand quotients has more: they take the long steps).
const LANE_ZEROS: i64 = 3;

/// For k = 0 … 4: the inverse of 5ᵏ modulo 2⁶⁴ (the low half of [`FIFTHS`]' inverse modulo
/// 2¹²⁸) and (2⁶⁴ − 1) / 5ᵏ.
// Evaluated at compile time: an index out of bounds would fail the build, never panic.
#[allow(clippy::indexing_slicing)]
const FIFTHS_64: [(u64, u64); 5] = {
    let mut out = [(1u64, u64::MAX); 5];
    let mut k = 1;
    while k < out.len() {
        out[k] = (FIFTHS[k].0 as u64, u64::MAX / 5u64.pow(k as u32));
        k += 1;
    }
    out
};

/// How many decimal zeros `v` ends in, up to [`LANE_ZEROS`] + 1 (that for zero), without a
/// branch or a division: `v` is a multiple of 10ᵏ when its low `k` bits are zero and `v / 2ᵏ`
/// times the inverse of 5ᵏ is at most (2⁶⁴ − 1) / 5ᵏ.
#[inline(always)]
pub(super) fn decimal_zeros(v: u64) -> i64 {
    let mut zeros = 0;
    let mut all = true;
    for (k, &(inverse, largest)) in FIFTHS_64.iter().enumerate().skip(1) {
        let mask = (1u64 << k) - 1;
        all &= (v & mask == 0) & ((v >> k).wrapping_mul(inverse) <= largest);
        zeros += i64::from(all);
    }
    zeros
}

/// One group of [`long_division`]: `r × 10¹⁴ / n` and its remainder, for `r < n ≤ 2⁵³`, with
/// `inverse` = 10¹⁴ / n as a float. Branch-free, for the block kernels' loops.
#[inline(always)]
pub(super) fn group(r: u64, n: u64, inverse: f64) -> (u64, u64) {
    const GROUP: u64 = 100_000_000_000_000;
    let guess = (r as f64 * inverse) as u64;
    // The guess is within one of the true quotient, so the remainder r × 10¹⁴ − guess × n lies
    // between −n and 2n (below 2⁵⁵ in magnitude): the low 64 bits of the products give it
    // exactly, with no 128-bit multiplication.
    let rest = r.wrapping_mul(GROUP).wrapping_sub(guess.wrapping_mul(n)) as i64;
    let n = n as i64;
    let low = rest < 0;
    let high = rest >= n;
    let q = guess
        .wrapping_sub(u64::from(low))
        .wrapping_add(u64::from(high));
    // Wrapping, like the products above: the block kernels call this for every lane, and a
    // lane outside the domain (a count above its denominator, a zero denominator) gives a
    // meaningless result that is never used, but must not stop a build with overflow checks.
    let rest = if low {
        rest.wrapping_add(n)
    } else if high {
        rest.wrapping_sub(n)
    } else {
        rest
    };
    (q, rest as u64)
}

/// rust_decimal's `unscale`: steps of 8 digits while the low 32 bits are zero, then at most one
/// step each of 4, 2 and 1, each only where the low bits show the factor of 2 it needs.
#[inline]
fn unscale(mut q: u128, mut s: u32) -> (u128, u32) {
    while q as u32 == 0 && s >= 8 {
        match exact_tenth(q, 8) {
            Some(d) => (q, s) = (d, s - 8),
            None => break,
        }
    }
    for digits in [4, 2, 1] {
        if s >= digits
            && let Some(d) = exact_tenth(q, digits)
        {
            (q, s) = (d, s - digits);
        }
    }
    (q, s)
}

/// `q / 10ᵏ` when it is whole (`k` ≤ 8), without a 128-bit division: the factor 2ᵏ by the low
/// bits and a shift, the factor 5ᵏ by the multiplicative inverse (a multiple of 5ᵏ times the
/// inverse is the quotient, at most (2¹²⁸ − 1) / 5ᵏ; any other number lands above).
#[inline]
fn exact_tenth(q: u128, k: u32) -> Option<u128> {
    let (inverse, largest) = FIFTHS.get(k as usize).copied()?;
    if q & ((1 << k) - 1) != 0 {
        return None;
    }
    let d = (q >> k).wrapping_mul(inverse);
    (d <= largest).then_some(d)
}

/// For k = 0 … 8: the inverse of 5ᵏ modulo 2¹²⁸ and (2¹²⁸ − 1) / 5ᵏ.
// Evaluated at compile time: an index out of bounds would fail the build, never panic.
#[allow(clippy::indexing_slicing)]
const FIFTHS: [(u128, u128); 9] = {
    let mut out = [(1u128, u128::MAX); 9];
    let mut k = 1;
    while k < out.len() {
        let d = 5u128.pow(k as u32);
        // Newton's iteration doubles the correct low bits; d is its own inverse to 3 bits.
        let mut x = d;
        let mut i = 0;
        while i < 6 {
            x = x.wrapping_mul(2u128.wrapping_sub(d.wrapping_mul(x)));
            i += 1;
        }
        out[k] = (x, u128::MAX / d);
        k += 1;
    }
    out
};

#[cfg(test)]
mod tests {
    use super::*;

    /// The block kernels run `group` on every lane, in range or not: outside `r < n ≤ 2⁵³` the
    /// result is meaningless but the call must not overflow (found by fuzzing, where a debug
    /// build's overflow checks stopped on a negative count).
    #[test]
    fn a_group_outside_its_domain_returns() {
        let edges = [
            0u64,
            1,
            3,
            7,
            1 << 53,
            (1 << 53) + 1,
            i64::MAX as u64,
            i64::MIN as u64,
            u64::MAX,
        ];
        for &r in &edges {
            for &n in &edges {
                let _ = group(r, n, 1e14 / n as f64);
                let _ = group(r, n, 0.0);
                let _ = group(r, n, f64::NAN);
            }
        }
    }
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

    /// Every quotient of the small denominators, and low groups ending in up to nine zeros
    /// (where the short form must decline from eight), against the long steps.
    #[test]
    fn the_short_grouped_estimate_matches_or_declines() {
        let ms = MULTIPLIERS.map(|m| Multiplier::new(Decimal::from(m)).unwrap());
        for n in 2..=600u64 {
            let inverse = 1e14 / n as f64;
            for x in 1..n {
                let (high, first) = group(x, n, inverse);
                let (low, rest) = group(first, n, inverse);
                if first == 0 || rest == 0 {
                    continue;
                }
                let (q, s) = from_groups(high, low, rest, n);
                for &m in &ms {
                    if let Some(short) = scaled_from_groups(high, low, rest, n, m) {
                        assert_eq!(Some(short), times(q, s, m), "{x} / {n}");
                    }
                }
            }
        }
        // Synthetic groups (a quotient's digits need not come from a division here: the two
        // forms must agree on any groups): trailing zeros 0 to 9, a rounding up or not.
        let m = Multiplier::new(Decimal::ONE_HUNDRED).unwrap();
        for zeros in 0..=9u32 {
            let t = 10u64.pow(zeros);
            for (low, rest, n) in [
                (123 * t, 1, 7),
                (123 * t - 1, 5, 7),
                (99_999_999_999_999, 6, 7),
                (t - 1, 6, 7),
                (4 * t, 2, 4),
                (3 * t, 2, 4),
            ] {
                for high in [1, 2_999_999_999_999, 99_999_999_999_999] {
                    let (q, s) = from_groups(high, low, rest, n);
                    let short = scaled_from_groups(high, low, rest, n, m);
                    if let Some(short) = short {
                        assert_eq!(Some(short), times(q, s, m), "{high} {low} {rest} {n}");
                    } else {
                        let carries = low + 1 >= 100_000_000_000_000;
                        assert!(zeros >= 8 || carries || times(q, s, m).is_none());
                    }
                }
            }
        }
    }

    /// Where [`usual_lane`] is sure, the estimate of the long steps and of the decimals, at its
    /// scale, is the 28-digit quotient times the multiplier, and the caller's form gives every
    /// column scale from the lane's to 28.
    fn check_usual_lane(x: u64, n: u64, m: u32) -> bool {
        let Some((high, low, rest)) = both_groups(x, n) else {
            return false;
        };
        let mm = Multiplier::new(Decimal::from(m)).unwrap();
        let (up, scale, sure) = usual_lane(high, low, rest, n, mm.lane());
        if !sure {
            return false;
        }
        let (q, s) = from_groups(high, low, rest, n);
        let (q, s) = times(q, s, mm).unwrap_or_else(|| panic!("{x} / {n} × {m}"));
        assert_eq!((q, s), decimal(x, n, Decimal::from(m)), "{x} / {n} × {m}");
        assert_eq!(scale, i64::from(s), "{x} / {n} × {m}");
        let quotient = u128::from(high) * 100_000_000_000_000 + u128::from(up);
        for g in s..=MAX_SCALE {
            let f = mm.reduced(MAX_SCALE - g);
            let f = f.unwrap_or_else(|| panic!("{x} / {n} × {m} at scale {g}"));
            let want = q * ten(g - s).unwrap();
            assert_eq!(
                quotient * u128::from(f),
                want,
                "{x} / {n} × {m} at scale {g}"
            );
        }
        true
    }

    #[test]
    fn the_usual_lane_is_the_long_estimate_where_sure() {
        // Every quotient of the small denominators at multipliers with and without zeros;
        // most lanes are sure where the multiplier has zeros to drop.
        for m in [1, 7, 10, 100, 1000, 100_000, 1_000_000, 4_000_000_000] {
            let mut sure = 0;
            for n in 2..=400u64 {
                for x in 1..n {
                    sure += usize::from(check_usual_lane(x, n, m));
                }
            }
            assert!(sure > 10_000, "{m}: {sure} sure lanes");
        }
        // Quotients whose product lies either side of `times`' bounds, 2⁹⁶ × 10ᵏ.
        let mut near = 0;
        for n in [1_000_003u64, (1 << 32) + 15, (1 << 53) - 1] {
            for m in [10u32, 100, 1000, 10_000] {
                for k in 0..3 {
                    let target = MANTISSA_F64 * 10f64.powi(k) / (f64::from(m) * 1e28);
                    if target >= 1.0 {
                        continue;
                    }
                    let centre = (target * n as f64) as u64;
                    for x in centre.saturating_sub(50)..centre + 50 {
                        near += usize::from(check_usual_lane(x, n, m));
                    }
                }
            }
        }
        assert!(near > 1000, "{near}");
    }

    #[test]
    fn decimal_zeros_are_counted_to_four() {
        for v in [
            0u64,
            1,
            9,
            10,
            20,
            25,
            100,
            1_000,
            123_000,
            10u64.pow(7),
            10u64.pow(8),
        ] {
            let mut want = 0;
            let mut rest = v;
            while want < 4 && rest % 10 == 0 {
                rest /= 10;
                want += 1;
            }
            assert_eq!(decimal_zeros(v), want, "{v}");
            for w in [
                v.wrapping_add(1),
                v.wrapping_sub(1),
                v.wrapping_mul(3),
                v * 5 + 5,
            ] {
                let mut want = 0;
                let mut rest = w;
                while want < 4 && rest % 10 == 0 {
                    rest /= 10;
                    want += 1;
                }
                assert_eq!(decimal_zeros(w), want, "{w}");
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
    fn exact_tenths_are_the_quotients_of_multiples_only() {
        for (k, (inverse, _)) in FIFTHS.iter().enumerate() {
            assert_eq!(inverse.wrapping_mul(5u128.pow(k as u32)), 1);
        }
        for q in (0..100_000u128).chain((1 << 96) - 100_000..1 << 96) {
            for k in 0..=8 {
                let t = 10u128.pow(k);
                let want = (q % t == 0).then_some(q / t);
                assert_eq!(exact_tenth(q, k), want, "{q} / 10^{k}");
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

    /// Both 14-digit groups of `x / n` and the last remainder, as the block kernels take them:
    /// none where they hand the row to `scaled` (`x` zero or not below `n`, a zero remainder).
    fn both_groups(x: u64, n: u64) -> Option<(u64, u64, u64)> {
        if x == 0 || x >= n {
            return None;
        }
        let inverse = 1e14 / n as f64;
        let (high, first) = group(x, n, inverse);
        let (low, rest) = group(first, n, inverse);
        (first != 0 && rest != 0).then_some((high, low, rest))
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

        #[test]
        fn the_grouped_quotient_is_the_long_division(
            (x, n) in unit(), k in 0usize..5,
        ) {
            // The block kernels' form: both groups first, the rest per row where neither
            // remainder is zero (where one is, they take `scaled` instead).
            let Some((high, low, rest)) = both_groups(x, n) else {
                return Ok(());
            };
            let (q, s) = from_groups(high, low, rest, n);
            prop_assert_eq!((q, s), quotient(x, n).unwrap());
            let m = Multiplier::new(Decimal::from(MULTIPLIERS[k])).unwrap();
            prop_assert_eq!(times(q, s, m), scaled(x, n, m));
        }

        #[test]
        fn the_usual_lane_is_the_decimal_estimate_where_sure(
            (x, n) in unit(), m in prop_oneof![
                (0usize..5).prop_map(|k| MULTIPLIERS[k] as u32),
                (1u32..=9, 0u32..=9).prop_map(|(d, k)| d.saturating_mul(10u32.saturating_pow(k))),
                1u32..=1000,
                any::<u32>(),
            ],
        ) {
            check_usual_lane(x, n, m);
        }

        #[test]
        fn decimal_zeros_of_any_number(v in any::<u64>(), k in 0u32..=12) {
            let v = v.wrapping_mul(10u64.pow(k));
            let mut want = 0;
            let mut rest = v;
            while want < 4 && rest % 10 == 0 {
                rest /= 10;
                want += 1;
            }
            prop_assert_eq!(decimal_zeros(v), want);
        }

        #[test]
        fn the_short_grouped_estimate_is_the_long_one(
            (x, n) in unit(), m in prop_oneof![
                (0usize..5).prop_map(|k| MULTIPLIERS[k] as u32), 1u32..=1000, any::<u32>(),
            ],
        ) {
            // Where `scaled_from_groups` answers, it is `times` of `from_groups`: the estimate
            // of the exact path.
            let Some((high, low, rest)) = both_groups(x, n) else {
                return Ok(());
            };
            let mm = Multiplier::new(Decimal::from(m)).unwrap();
            if let Some(short) = scaled_from_groups(high, low, rest, n, mm) {
                let (q, s) = from_groups(high, low, rest, n);
                prop_assert_eq!(Some(short), times(q, s, mm));
                prop_assert_eq!(Some(short), scaled(x, n, mm));
            }
        }

    }
}
