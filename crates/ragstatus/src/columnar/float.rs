//! Exact conversion of `f64` columns (numpy `float64`) to scaled integers.
//!
//! Analysts' data arrives as binary floats, but a status must be decided on the decimal the
//! analyst meant. With a declared number of decimals `d`, a float `x` is accepted as the scaled
//! integer `m` (the decimal `m / 10^d`) only when that decimal is the float's shortest
//! round-trip text — the digits Python's `repr`, Rust's `{}` and
//! [`decimal_from_f64`](crate::value::decimal_from_f64) print — and it has at most `d` decimals.
//! `0.1` at 2 decimals is `10`; `0.125` at 2 decimals is not accepted (its shortest text has three
//! decimals), and never silently rounded to `0.12` or `0.13`. Each value not accepted gets a
//! [`FloatIssue`]: NaN is missing (pandas' and numpy's missing value), infinities are not
//! finite, a value with more decimals is inexact, and a value too large for a float to carry
//! `d` decimals unambiguously (|x| · 10^d ≥ 2^51) is too large.
//!
//! **Why the fast test is exact.** Let `D = 10^d` and `y = fl(x · D)`. When |y| < 2^51, at most
//! one decimal with `d` decimals rounds to `x` (the spacing `1/D` of such decimals exceeds the
//! width of the interval of reals that round to `x`), and if one does, it is the shortest
//! round-trip text: a shorter text would have fewer decimals, so it would be a second such
//! decimal in the interval, or a power of ten lying between the two, which is also one. The
//! candidate `m` is `y` rounded to an integer; it is the only possible one when |y| < 2^50 (the
//! rounding errors then sum to less than ½), and one of `m − 1, m, m + 1` below 2^51. A candidate
//! is tested by the correctly rounded IEEE division `m / D == x`, which is exactly the test
//! "parsing the decimal `m / 10^d` gives `x`". The property tests check the whole conversion
//! against the shortest text.
//!
//! ```
//! use ragstatus::columnar::{scale_f64, FloatIssue};
//! assert_eq!(scale_f64(44.1, 2), Ok(4410));
//! assert_eq!(scale_f64(0.1 + 0.2, 2), Err(FloatIssue::Inexact)); // 0.30000000000000004
//! assert_eq!(scale_f64(f64::NAN, 2), Err(FloatIssue::Missing));
//! assert_eq!(scale_f64(1e300, 2), Err(FloatIssue::TooLarge));
//! ```

use serde::{Deserialize, Serialize};

use super::scaled::MAX_SCALE;
use super::{check_len, simd};
use crate::error::{Error, Result};

/// Why a float was not accepted at the declared decimals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FloatIssue {
    /// NaN: a missing value.
    Missing,
    /// Positive or negative infinity.
    NotFinite,
    /// The value's shortest decimal text has more decimals than declared.
    Inexact,
    /// |x| · 10^d ≥ 2^51: beyond what a float can carry exactly at the declared decimals.
    TooLarge,
}

impl FloatIssue {
    /// A plain-English reason, for a NoData explanation.
    pub fn reason(self) -> &'static str {
        match self {
            FloatIssue::Missing => "missing value (NaN)",
            FloatIssue::NotFinite => "not a finite number",
            FloatIssue::Inexact => "more decimal places than declared",
            FloatIssue::TooLarge => "too large to be exact at the declared decimal places",
        }
    }
}

impl std::fmt::Display for FloatIssue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.reason())
    }
}

/// 2^52 + 2^51: adding and subtracting it rounds |y| < 2^51 to the nearest integer (ties to even)
/// in the default rounding mode, without a library call.
const ROUNDER: f64 = 6_755_399_441_055_744.0;
/// Below this |y| the rounded candidate is the only one.
const SURE: f64 = 1_125_899_906_842_624.0; // 2^50
/// From this |y| on, floats are too coarse for the declared decimals.
const LIMIT: f64 = 2_251_799_813_685_248.0; // 2^51

/// `10^d` as an exact `f64`, for d ≤ 18.
fn pow10_f64(decimals: u32) -> Option<f64> {
    let p = 10i64.checked_pow(decimals)?;
    // Exact: every power of ten up to 10^22 is a float.
    Some(p as f64)
}

fn check_decimals(decimals: u32) -> Result<f64> {
    match pow10_f64(decimals) {
        Some(d) if decimals <= MAX_SCALE => Ok(d),
        _ => Err(Error::invalid_value(
            decimals.to_string(),
            format!("at most {MAX_SCALE} decimal places"),
        )
        .with_field("decimals")),
    }
}

/// `x` as an integer count of `10^-decimals`, when its shortest decimal text has at most
/// `decimals` decimals; see [floats in](crate::columnar#floats) the module docs. `decimals` above 18 gives
/// [`FloatIssue::TooLarge`].
pub fn scale_f64(x: f64, decimals: u32) -> std::result::Result<i64, FloatIssue> {
    match check_decimals(decimals) {
        Ok(d) => scale_one(x, d),
        Err(_) => Err(FloatIssue::TooLarge),
    }
}

/// The fast test alone: `(m, true)` when `x` is certainly `m / d`, `false` when the full test
/// must decide. Branch-free, so that a column loop over it vectorises.
#[inline(always)]
fn fast(x: f64, d: f64) -> (i64, bool) {
    let y = x * d;
    let lifted = y + ROUNDER;
    let r = lifted - ROUNDER;
    let ok = (y.abs() < SURE) & (r / d == x);
    // For |y| < 2^51 the sum lies in [2^52, 2^53), where the float's bits are 2^52's plus the
    // integer: the difference of the bits is the rounded integer, with no float-to-int
    // conversion (which SSE2 cannot do on vectors). Meaningless when not ok, and then ignored.
    let m = (lifted.to_bits() as i64).wrapping_sub(ROUNDER.to_bits() as i64);
    (m, ok)
}

fn scale_one(x: f64, d: f64) -> std::result::Result<i64, FloatIssue> {
    let (m, ok) = fast(x, d);
    if ok {
        return Ok(m);
    }
    slow(x, d)
}

#[cold]
fn slow(x: f64, d: f64) -> std::result::Result<i64, FloatIssue> {
    if x.is_nan() {
        return Err(FloatIssue::Missing);
    }
    if x.is_infinite() {
        return Err(FloatIssue::NotFinite);
    }
    let y = x * d;
    if y.abs() >= LIMIT {
        return Err(FloatIssue::TooLarge);
    }
    let r = (y + ROUNDER) - ROUNDER;
    if y.abs() < SURE {
        return if r / d == x {
            Ok(r as i64)
        } else {
            Err(FloatIssue::Inexact)
        };
    }
    // Candidates are exact integers below 2^52, so ±1 and the casts are exact.
    [r, r - 1.0, r + 1.0]
        .into_iter()
        .find(|m| m / d == x)
        .map(|m| m as i64)
        .ok_or(FloatIssue::Inexact)
}

/// The most decimals [`shortest_decimal`] tries before the shortest-text route.
const SHORTEST_TRIED: usize = 9;
/// `10^d` for `d` in `0..=SHORTEST_TRIED`, exact as floats.
const POWERS: [f64; SHORTEST_TRIED + 1] = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9];

/// The decimal of `x`'s shortest round-trip text, as
/// [`decimal_from_f64`](crate::value::decimal_from_f64) gives it (the same digits and scale),
/// without writing the text: the fast test above at 0, 1, 2, … decimals accepts first at the
/// shortest text's own number of decimals (a text with fewer decimals that reads back as `x`
/// would be shorter still). Values with more than 9 decimals, and large ones, take the text
/// route.
pub(crate) fn shortest_decimal(x: f64) -> Option<rust_decimal::Decimal> {
    for (d, p) in POWERS.iter().enumerate() {
        let (m, ok) = fast(x, *p);
        if ok {
            // d ≤ 9, well within a Decimal's 28 places.
            if let Ok(v) = rust_decimal::Decimal::try_new(m, d as u32) {
                return Some(v);
            }
            break;
        }
    }
    crate::value::decimal_from_f64(x)
}

/// How many values of a column were not accepted, by issue.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct FloatCounts {
    /// NaN values.
    pub missing: usize,
    /// Infinities.
    pub not_finite: usize,
    /// Values with more decimals than declared.
    pub inexact: usize,
    /// Values too large for the declared decimals.
    pub too_large: usize,
}

impl FloatCounts {
    /// Values not accepted, of any issue.
    pub fn rejected(&self) -> usize {
        self.missing + self.not_finite + self.inexact + self.too_large
    }

    fn add(&mut self, issue: FloatIssue) {
        match issue {
            FloatIssue::Missing => self.missing += 1,
            FloatIssue::NotFinite => self.not_finite += 1,
            FloatIssue::Inexact => self.inexact += 1,
            FloatIssue::TooLarge => self.too_large += 1,
        }
    }
}

/// Converts a column: `out[i]` is the scaled value and `valid[i]` whether it was accepted (a
/// value not accepted gets 0 and `false`; call [`scale_f64`] on it for its [`FloatIssue`]). The
/// slices must have equal lengths; `decimals` at most 18.
///
/// ```
/// use ragstatus::columnar::scale_f64_into;
/// let values = [44.1, f64::NAN, 0.125, -3.0];
/// let (mut out, mut valid) = ([0i64; 4], [false; 4]);
/// let counts = scale_f64_into(&values, 2, &mut out, &mut valid)?;
/// assert_eq!(out, [4410, 0, 0, -300]);
/// assert_eq!(valid, [true, false, false, true]);
/// assert_eq!((counts.missing, counts.inexact), (1, 1));
/// # Ok::<(), ragstatus::Error>(())
/// ```
pub fn scale_f64_into(
    values: &[f64],
    decimals: u32,
    out: &mut [i64],
    valid: &mut [bool],
) -> Result<FloatCounts> {
    let d = check_decimals(decimals)?;
    check_len("out", out.len(), values.len())?;
    check_len("valid", valid.len(), values.len())?;
    // Compiled for the CPU's best vector level: AVX2 converts and divides four floats at once.
    let all = simd::dispatch(
        #[inline(always)]
        || {
            let mut all = true;
            for ((&x, o), v) in values.iter().zip(out.iter_mut()).zip(valid.iter_mut()) {
                let (m, ok) = fast(x, d);
                *o = if ok { m } else { 0 };
                *v = ok;
                all &= ok;
            }
            all
        },
    );
    let mut counts = FloatCounts::default();
    if all {
        return Ok(counts);
    }
    for ((&x, o), v) in values.iter().zip(out.iter_mut()).zip(valid.iter_mut()) {
        if !*v {
            match slow(x, d) {
                Ok(m) => {
                    *o = m;
                    *v = true;
                }
                Err(issue) => counts.add(issue),
            }
        }
    }
    Ok(counts)
}

/// A converted column; see [`scale_f64_column`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScaledColumn {
    /// The scaled values (0 where not accepted).
    pub values: Vec<i64>,
    /// Whether each value was accepted.
    pub valid: Vec<bool>,
    /// The values not accepted, by issue.
    pub counts: FloatCounts,
}

/// [`scale_f64_into`] into new vectors.
pub fn scale_f64_column(values: &[f64], decimals: u32) -> Result<ScaledColumn> {
    let mut column = ScaledColumn {
        values: vec![0; values.len()],
        valid: vec![false; values.len()],
        counts: FloatCounts::default(),
    };
    column.counts = scale_f64_into(values, decimals, &mut column.values, &mut column.valid)?;
    Ok(column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edges() {
        assert_eq!(scale_f64(-0.0, 2), Ok(0));
        assert_eq!(scale_f64(0.125, 3), Ok(125));
        assert_eq!(scale_f64(0.125, 2), Err(FloatIssue::Inexact));
        assert_eq!(scale_f64(5e-324, 18), Err(FloatIssue::Inexact));
        assert_eq!(scale_f64(f64::INFINITY, 2), Err(FloatIssue::NotFinite));
        assert_eq!(scale_f64(1.0, 19), Err(FloatIssue::TooLarge));
        // Between 2^50 and 2^51 units the neighbours are tried.
        let x = 11_258_999_068_426.25; // 2^50 + 1 hundredths
        assert_eq!(scale_f64(x, 2), Ok(1_125_899_906_842_625));
        assert_eq!(scale_f64(2f64.powi(60), 0), Err(FloatIssue::TooLarge));
        assert_eq!(scale_f64(1e15, 0), Ok(1_000_000_000_000_000));
        assert_eq!(scale_f64(-44.1, 1), Ok(-441));
    }

    fn same_as_text(x: f64) {
        let fast = shortest_decimal(x);
        let text = crate::value::decimal_from_f64(x);
        assert_eq!(
            fast.map(|d| (d.mantissa(), d.scale())),
            text.map(|d| (d.mantissa(), d.scale())),
            "{x:?}"
        );
    }

    #[test]
    fn shortest_decimal_edges() {
        for x in [
            0.0,
            -0.0,
            1.0,
            80.0,
            44.1,
            -44.1,
            12.5,
            0.3,
            0.1 + 0.2,
            1e-7,
            1e-9,
            1e-10,
            123_456_789.123,
            1e15,
            1e16,
            2f64.powi(53),
            1e20,
            1e300,
            5e-324,
            f64::MAX,
            f64::NAN,
            f64::INFINITY,
            94.95,
            78.000_000_000_000_01,
        ] {
            same_as_text(x);
        }
    }

    proptest::proptest! {
        #[test]
        fn shortest_decimal_is_the_shortest_text(bits in proptest::prelude::any::<u64>()) {
            same_as_text(f64::from_bits(bits));
        }

        #[test]
        fn shortest_decimal_of_short_decimals(m in -10_000_000_000i64..10_000_000_000, d in 0u32..12) {
            same_as_text(m as f64 / 10f64.powi(d as i32));
        }
    }
}
