//! The centre line and limits of each chart type (SPEC §12a, after qicharts2's `qic.*`).

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use super::ChartType;
use super::rules::{cmp, normal};
use super::xmr::{limits_and_kept, moving_ranges, overflow, scaled_mean, sum_count};
use crate::bulk::{POWERS, times};
use crate::error::{Error, Result};
use crate::interval::{round_significant_fast, round_significant_parts};

/// The lines of one point; none where the chart has none (a run chart, a single-point baseline).
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct PointLines {
    pub(super) lower: Option<Decimal>,
    pub(super) upper: Option<Decimal>,
    pub(super) lower_two_sigma: Option<Decimal>,
    pub(super) upper_two_sigma: Option<Decimal>,
}

/// The lines of a segment and, for XmR, its moving ranges.
pub(super) struct SegmentLines {
    pub(super) centre: Decimal,
    pub(super) mean_moving_range: Option<Decimal>,
    /// One per point of the segment, excluded points included.
    pub(super) lines: Vec<PointLines>,
    /// One per point of the segment: the moving range from the previous included point (XmR).
    pub(super) moving_ranges: Vec<Option<Decimal>>,
    /// One per point of the segment: whether its moving range went into the mean mR.
    pub(super) used: Vec<bool>,
    pub(super) baseline_points: usize,
    pub(super) moving_ranges_used: usize,
    pub(super) moving_ranges_screened: usize,
}

/// d₂ for moving ranges of two, as qicharts2 divides by it.
const D2: f64 = 1.128;
/// The screening factor of the moving ranges (Nelson 1982), as qicharts2.
const SCREEN: f64 = 3.267;
/// The T chart's transform: y^(1/3.6) (Nelson 1994, via qicharts2 `qic.t`).
const T_POWER: f64 = 3.6;
const SIGNIFICANT: usize = 10;

/// `x` as a decimal of 10 significant digits, rounded to nearest from the float's exact binary
/// value (as §8a rounds its limits).
#[inline]
fn significant(x: f64, what: &str) -> Result<Decimal> {
    if !x.is_finite() {
        return Err(overflow(what));
    }
    if x.abs() < 1e-27 {
        return Ok(Decimal::ZERO);
    }
    // §8a's limits and these are rounded alike: one fast path, exact where it answers.
    if let Some(d) = round_significant_fast(x) {
        return Ok(d);
    }
    let digits = SIGNIFICANT - 1;
    Decimal::from_scientific(&format!("{x:.digits$e}"))
        .map(|d| d.normalize())
        .map_err(|_| overflow(what))
}

fn float(d: Decimal, _what: &str) -> Result<f64> {
    Ok(to_f64(d))
}

/// rust_decimal's `to_f64` (its `as_f64`), bit for bit, on 64-bit integers where they hold the
/// operands: a whole denominator converts without the 128-bit conversion call, and a
/// proportion (mantissa below 10^scale) skips the 128-bit division. The P and U charts convert
/// every point's denominator, the primes every plotted value too.
#[inline]
fn to_f64(d: Decimal) -> f64 {
    let wide = |x: u128| match u64::try_from(x) {
        Ok(x) => x as f64,
        Err(_) => x as f64,
    };
    let scale = d.scale();
    if scale == 0 {
        let m = d.mantissa();
        return match i64::try_from(m) {
            Ok(x) => x as f64,
            Err(_) => m as f64,
        };
    }
    let neg = d.is_sign_negative();
    let m = d.mantissa().unsigned_abs();
    let Some(precision) = POWERS.get(scale as usize).map(|p| p.unsigned_abs()) else {
        return d.to_f64().unwrap_or(f64::NAN);
    };
    let (integral_part, frac_part) = if m < precision {
        (0, m)
    } else if let (Ok(a), Ok(b)) = (u64::try_from(m), u64::try_from(precision)) {
        (u128::from(a / b), u128::from(a % b))
    } else {
        (m / precision, m % precision)
    };
    let frac = wide(frac_part) / wide(precision);
    let integral = wide(integral_part);
    if frac == 0.0 {
        return if neg { -integral } else { integral };
    }
    let value = integral + frac;
    let round_to = 10f64.powi(scale as i32);
    let rounded = (value * round_to).round() / round_to;
    if neg { -rounded } else { rounded }
}

/// The median (exact: the mean of the two middle values is one division by 2).
pub(super) fn median(values: &[Decimal]) -> Result<Option<Decimal>> {
    let mut sorted = values.to_vec();
    // `cmp` orders as `Decimal::cmp` does, pair by pair, so the sort leaves the same order
    // (and the same scale at the middle), without rescaling in 32-bit pieces.
    sorted.sort_unstable_by(|a, b| cmp(*a, *b));
    let n = sorted.len();
    match (sorted.get(n.wrapping_sub(1) / 2), sorted.get(n / 2)) {
        (Some(a), Some(b)) if n % 2 == 0 => a
            .checked_add(*b)
            .map(|s| Some((s / Decimal::TWO).normalize()))
            .ok_or_else(|| overflow("median")),
        (_, Some(b)) => Ok(Some(*b)),
        _ => Ok(None),
    }
}

/// The mean of the moving ranges of `z`, screened at 3.267 × their first mean when asked; with
/// the counts of ranges used and screened. None with fewer than two values.
fn screened_mean_range(z: &[f64], screen: bool) -> (Option<f64>, usize, usize) {
    let ranges: Vec<f64> = z
        .iter()
        .zip(z.iter().skip(1))
        .map(|(a, b)| (b - a).abs())
        .collect();
    if ranges.is_empty() {
        return (None, 0, 0);
    }
    let mean = |r: &[f64]| r.iter().sum::<f64>() / r.len() as f64;
    let first = mean(&ranges);
    if !screen || first <= 0.0 {
        return (Some(first), ranges.len(), 0);
    }
    let kept: Vec<f64> = ranges
        .iter()
        .copied()
        .filter(|r| *r < SCREEN * first)
        .collect();
    let screened = ranges.len() - kept.len();
    (Some(mean(&kept)), kept.len(), screened)
}

/// Lines centre ± k·σ with the half-widths rounded to 10 significant digits, clamped to
/// `[floor, ceiling]`.
fn around(
    centre: Decimal,
    sigma: f64,
    floor: Option<Decimal>,
    ceiling: Option<Decimal>,
) -> Result<PointLines> {
    if let Some(lines) = around_exact(centre, sigma, floor, ceiling) {
        return Ok(lines);
    }
    around_decimal(centre, sigma, floor, ceiling)
}

/// [`around`] by rust_decimal's arithmetic: the path for what [`around_exact`] declines.
fn around_decimal(
    centre: Decimal,
    sigma: f64,
    floor: Option<Decimal>,
    ceiling: Option<Decimal>,
) -> Result<PointLines> {
    // Each half-width serves both sides: rounded once, not once per line.
    let three = significant(3.0 * sigma, "process limits")?;
    let two = significant(2.0 * sigma, "process limits")?;
    let lines = PointLines {
        lower: line(centre, three, false, floor, ceiling),
        upper: line(centre, three, true, floor, ceiling),
        lower_two_sigma: line(centre, two, false, floor, ceiling),
        upper_two_sigma: line(centre, two, true, floor, ceiling),
    };
    if lines.lower.is_none()
        || lines.upper.is_none()
        || lines.lower_two_sigma.is_none()
        || lines.upper_two_sigma.is_none()
    {
        return Err(overflow("process limits"));
    }
    Ok(lines)
}

/// [`around`] for the charts' usual case, the floor 0 and no ceiling or 1, with the half-widths
/// kept as their ten-digit mantissas and scales and each line summed on 128-bit integers at
/// the larger scale: rust_decimal's sum is that exact sum wherever it fits 96 bits, and a
/// P or U chart makes four lines a point. None where a sum is zero (rust_decimal keeps its
/// sign) or does not fit, or a half-width is not one the fast rounding gives: [`around_decimal`]
/// then decides.
#[inline]
fn around_exact(
    centre: Decimal,
    sigma: f64,
    floor: Option<Decimal>,
    ceiling: Option<Decimal>,
) -> Option<PointLines> {
    if !floor.is_some_and(|f| f.is_zero()) {
        return None;
    }
    let one = match ceiling {
        None => false,
        Some(c) if c.mantissa() == 1 && c.scale() == 0 => true,
        Some(_) => return None,
    };
    let half = |x: f64| {
        // `significant` writes 0 below 10⁻²⁷, which the fast rounding does not.
        if x.abs() < 1e-27 {
            return None;
        }
        round_significant_parts(x).filter(|(m, _)| *m > 0)
    };
    let three = half(3.0 * sigma)?;
    let two = half(2.0 * sigma)?;
    let c = (centre.mantissa(), centre.scale());
    Some(PointLines {
        lower: Some(line_exact(c, three, false, one)?),
        upper: Some(line_exact(c, three, true, one)?),
        lower_two_sigma: Some(line_exact(c, two, false, one)?),
        upper_two_sigma: Some(line_exact(c, two, true, one)?),
    })
}

/// [`line`] with the floor 0 (and the ceiling 1 if `one`) on the mantissas: `(c, sc) ± (h, sh)`.
#[inline(always)]
fn line_exact((c, sc): (i128, u32), (h, sh): (i64, u32), up: bool, one: bool) -> Option<Decimal> {
    const MANTISSA: u128 = 1 << 96;
    let s = sc.max(sh);
    let power = |by: u32| POWERS.get(by as usize).copied();
    let a = times(c, power(s - sc)?)?;
    let b = times(i128::from(h), power(s - sh)?)?;
    if a.unsigned_abs() >= MANTISSA || b.unsigned_abs() >= MANTISSA {
        return None;
    }
    let v = if up { a + b } else { a - b };
    if v == 0 || v.unsigned_abs() >= MANTISSA {
        return None;
    }
    if v < 0 {
        return Some(Decimal::ZERO);
    }
    if one && v > power(s)? {
        return Some(Decimal::ONE);
    }
    // `normalize` on the integer, only where the last digit can be 0: an even multiple of 5
    // (2³² ≡ 1 mod 5, so the sum of the 32-bit words decides, as in `normal`).
    let (mut m, mut s) = (v.unsigned_abs(), s);
    let words = (m & 0xffff_ffff) + ((m >> 32) & 0xffff_ffff) + (m >> 64);
    if m & 1 == 0 && words % 5 == 0 {
        while s > 0 && m % 10 == 0 {
            m /= 10;
            s -= 1;
        }
    }
    Decimal::try_from_i128_with_scale(i128::try_from(m).ok()?, s).ok()
}

/// `centre ± half` clamped to `[floor, ceiling]`; none on overflow. Inlined, with an `Option`
/// rather than a `Result`: the P and U charts make four a point, and a decimal returned through
/// memory costs more than the sum.
#[inline(always)]
fn line(
    centre: Decimal,
    half: Decimal,
    up: bool,
    floor: Option<Decimal>,
    ceiling: Option<Decimal>,
) -> Option<Decimal> {
    let v = if up {
        centre.checked_add(half)
    } else {
        centre.checked_sub(half)
    }?;
    let v = match floor {
        // Every chart's floor is 0: the sign decides, without bringing the scales together.
        Some(f) if f.is_zero() => {
            if v.is_sign_negative() && !v.is_zero() {
                f
            } else {
                v
            }
        }
        Some(f) if cmp(v, f).is_lt() => f,
        _ => v,
    };
    Some(normal(match ceiling {
        Some(c) if cmp(v, c).is_gt() => c,
        _ => v,
    }))
}

/// The inputs of one segment: `y` the plotted values, `numerators` and `denominators` (for the
/// charts that take them), `included` the positions that take part, `baseline` the leading
/// part of `included` that sets the lines.
pub(super) struct SegmentInput<'a> {
    pub(super) y: &'a [Decimal],
    pub(super) numerators: &'a [Decimal],
    pub(super) denominators: Option<&'a [Decimal]>,
    pub(super) included: &'a [usize],
    pub(super) baseline: usize,
}

impl SegmentInput<'_> {
    fn at(&self, positions: &[usize], of: &[Decimal]) -> Vec<Decimal> {
        let mut out = Vec::with_capacity(positions.len());
        out.extend(positions.iter().filter_map(|&i| of.get(i).copied()));
        out
    }

    fn baseline_positions(&self) -> &[usize] {
        self.included.get(..self.baseline).unwrap_or(self.included)
    }

    fn denominator(&self, i: usize) -> Result<Decimal> {
        self.denominators
            .and_then(|d| d.get(i).copied())
            .ok_or_else(|| Error::definition("a denominator is missing").with_field("denominators"))
    }
}

pub(super) fn segment_lines(
    chart: ChartType,
    input: &SegmentInput<'_>,
    screen: bool,
) -> Result<SegmentLines> {
    let n = input.y.len();
    let base = input.baseline_positions();
    let base_y = input.at(base, input.y);
    let mut out = SegmentLines {
        centre: Decimal::ZERO,
        mean_moving_range: None,
        lines: vec![PointLines::default(); n],
        moving_ranges: vec![None; n],
        used: vec![false; n],
        baseline_points: base.len(),
        moving_ranges_used: 0,
        moving_ranges_screened: 0,
    };
    let mean_of = |v: &[Decimal]| -> Result<Decimal> {
        Ok(scaled_mean(
            sum_count(v.iter().copied(), "mean")?,
            Decimal::ONE,
            1,
            "mean",
        )?
        .unwrap_or(Decimal::ZERO))
    };
    match chart {
        ChartType::Xmr => {
            let (limits, kept) = limits_and_kept(&base_y, screen)?;
            let inc_y = input.at(input.included, input.y);
            let ranges = moving_ranges(&inc_y)?;
            for (j, &i) in input.included.iter().enumerate().skip(1) {
                if let Some(slot) = out.moving_ranges.get_mut(i) {
                    *slot = ranges.get(j - 1).copied();
                }
                if let Some(slot) = out.used.get_mut(i) {
                    *slot = j < base.len() && kept.get(j - 1).copied().unwrap_or(false);
                }
            }
            let lines = PointLines {
                lower: limits.lower_process_limit,
                upper: limits.upper_process_limit,
                lower_two_sigma: limits.lower_two_sigma,
                upper_two_sigma: limits.upper_two_sigma,
            };
            out.lines = vec![lines; n];
            out.centre = limits.mean;
            out.mean_moving_range = limits.mean_moving_range;
            out.moving_ranges_used = limits.moving_ranges_used;
            out.moving_ranges_screened = limits.moving_ranges_screened;
        }
        ChartType::Run => {
            out.centre = median(&base_y)?.unwrap_or(Decimal::ZERO);
        }
        ChartType::C => {
            out.centre = mean_of(&base_y)?;
            let sigma = float(out.centre, "centre line")?.sqrt();
            out.lines = vec![around(out.centre, sigma, Some(Decimal::ZERO), None)?; n];
        }
        ChartType::G => {
            let mean = mean_of(&base_y)?;
            let m = float(mean, "mean")?;
            let sigma = (m * (m + 1.0)).sqrt();
            out.lines = vec![around(mean, sigma, Some(Decimal::ZERO), None)?; n];
            out.centre = median(&base_y)?.unwrap_or(Decimal::ZERO);
        }
        ChartType::P | ChartType::PPrime | ChartType::U | ChartType::UPrime => {
            let (num, _) = sum_count(input.at(base, input.numerators).into_iter(), "centre line")?;
            let mut den = Decimal::ZERO;
            for &i in base {
                den = den
                    .checked_add(input.denominator(i)?)
                    .ok_or_else(|| overflow("centre line"))?;
            }
            out.centre = if den.is_zero() {
                Decimal::ZERO
            } else {
                num.checked_div(den)
                    .ok_or_else(|| overflow("centre line"))?
                    .normalize()
            };
            let c = float(out.centre, "centre line")?;
            let proportion = matches!(chart, ChartType::P | ChartType::PPrime);
            let variance = if proportion { c * (1.0 - c) } else { c };
            // Each point's sigma once: the primes read the baseline's twice.
            let mut sigmas = Vec::with_capacity(n);
            for i in 0..n {
                sigmas.push((variance / float(input.denominator(i)?, "denominator")?).sqrt());
            }
            let sigma_at = |i: usize| -> Result<f64> {
                sigmas.get(i).copied().ok_or_else(|| {
                    Error::definition("a denominator is missing").with_field("denominators")
                })
            };
            let factor = if matches!(chart, ChartType::PPrime | ChartType::UPrime) {
                // Laney: the moving ranges of the baseline's z-scores measure the
                // between-subgroup variation that overdispersion adds.
                let mut z = Vec::with_capacity(base.len());
                for &i in base {
                    let y = float(input.y.get(i).copied().unwrap_or_default(), "value")?;
                    z.push((y - c) / sigma_at(i)?);
                }
                let (amr, used, screened) = screened_mean_range(&z, screen);
                out.moving_ranges_used = used;
                out.moving_ranges_screened = screened;
                amr.map(|a| a / D2).filter(|f| f.is_finite())
            } else {
                Some(1.0)
            };
            if let Some(factor) = factor {
                let ceiling = proportion.then_some(Decimal::ONE);
                for (i, slot) in out.lines.iter_mut().enumerate() {
                    *slot = around(
                        out.centre,
                        sigma_at(i)? * factor,
                        Some(Decimal::ZERO),
                        ceiling,
                    )?;
                }
            }
        }
        ChartType::T => {
            let mut t = Vec::with_capacity(base_y.len());
            for y in &base_y {
                t.push(float(*y, "value")?.powf(1.0 / T_POWER));
            }
            if t.is_empty() {
                return Ok(out);
            }
            let cl = t.iter().sum::<f64>() / t.len() as f64;
            out.centre = significant(cl.powf(T_POWER), "centre line")?;
            let (amr, used, screened) = screened_mean_range(&t, screen);
            out.moving_ranges_used = used;
            out.moving_ranges_screened = screened;
            if let Some(amr) = amr {
                let sigma = amr / D2;
                let back = |x: f64| -> Result<Decimal> {
                    // A negative line has no real 3.6th power: qicharts2 sets it to 0.
                    if x <= 0.0 {
                        Ok(Decimal::ZERO)
                    } else {
                        significant(x.powf(T_POWER), "process limits")
                    }
                };
                let lines = PointLines {
                    lower: Some(back(cl - 3.0 * sigma)?),
                    upper: Some(back(cl + 3.0 * sigma)?),
                    lower_two_sigma: Some(back(cl - 2.0 * sigma)?),
                    upper_two_sigma: Some(back(cl + 2.0 * sigma)?),
                };
                out.lines = vec![lines; n];
            }
        }
    }
    Ok(out)
}

/// qbinom(0.05, m, 0.5): the smallest k with P(X ≤ k) ≥ 0.05 for X ~ Binomial(m, ½), summed
/// in log space so that long series do not underflow.
pub(super) fn crossings_minimum(m: usize) -> usize {
    // Every run chart segment asks for one, mostly of a few dozen points: those are looked up.
    static SHORT: std::sync::OnceLock<[usize; 128]> = std::sync::OnceLock::new();
    let short = SHORT.get_or_init(|| std::array::from_fn(crossings_minimum_of));
    short
        .get(m)
        .copied()
        .unwrap_or_else(|| crossings_minimum_of(m))
}

fn crossings_minimum_of(m: usize) -> usize {
    let target = 0.05f64.ln();
    let mf = m as f64;
    let mut log_pmf = -mf * std::f64::consts::LN_2;
    let mut log_cdf = log_pmf;
    let mut k = 0usize;
    while log_cdf < target && k < m {
        log_pmf += ((mf - k as f64) / (k as f64 + 1.0)).ln();
        let (hi, lo) = if log_cdf > log_pmf {
            (log_cdf, log_pmf)
        } else {
            (log_pmf, log_cdf)
        };
        log_cdf = hi + (lo - hi).exp().ln_1p();
        k += 1;
    }
    k
}

/// round(log₂ n) + 3 (Schilling 2012, as qicharts2); n ≥ 1. log₂ n is never a half for an
/// integer n, so the rounding cannot tie.
pub(super) fn longest_run_maximum(n: usize) -> usize {
    ((n.max(1) as f64).log2().round() as usize).saturating_add(3)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rust_decimal_macros::dec;

    #[test]
    fn anhoej_limits_match_the_published_table() {
        // Anhøj & Olesen 2014, table 1 (n useful observations: longest run, fewest crossings).
        for (n, run, crossings) in [
            (10, 6, 2),
            (12, 7, 3),
            (20, 7, 6),
            (24, 8, 8),
            (30, 8, 10),
            (50, 9, 19),
            (100, 10, 41),
        ] {
            assert_eq!(longest_run_maximum(n), run, "n = {n}");
            assert_eq!(crossings_minimum(n - 1), crossings, "n = {n}");
        }
        assert_eq!(crossings_minimum(0), 0);
        assert!(crossings_minimum(5000) > 2400);
    }

    #[test]
    fn anhoej_limits_match_every_row_of_the_qicharts2_table() {
        // qicharts2 vignettes/qicharts2.Rmd, Appendix 2: the lower limit for crossings for
        // n = 10, 11, ..., 100 useful observations, as knitr prints it.
        const CROSSINGS: [usize; 91] = [
            2, 2, 3, 3, 4, 4, 4, 5, 5, 6, 6, 6, 7, 7, 8, 8, 8, 9, 9, 10, 10, 11, 11, 11, 12, 12,
            13, 13, 14, 14, 14, 15, 15, 16, 16, 17, 17, 17, 18, 18, 19, 19, 20, 20, 21, 21, 21, 22,
            22, 23, 23, 24, 24, 25, 25, 25, 26, 26, 27, 27, 28, 28, 29, 29, 29, 30, 30, 31, 31, 32,
            32, 33, 33, 34, 34, 34, 35, 35, 36, 36, 37, 37, 38, 38, 39, 39, 39, 40, 40, 41, 41,
        ];
        for (n, crossings) in (10..=100).zip(CROSSINGS) {
            // The same table's upper limit for the longest run steps up at 12, 23, 46 and 91.
            let run = match n {
                10..=11 => 6,
                12..=22 => 7,
                23..=45 => 8,
                46..=90 => 9,
                _ => 10,
            };
            assert_eq!(longest_run_maximum(n), run, "longest run, n = {n}");
            assert_eq!(crossings_minimum(n - 1), crossings, "crossings, n = {n}");
        }
    }

    #[test]
    fn fast_rounding_agrees_with_the_exact_path() {
        let exact = |x: f64| {
            Decimal::from_scientific(&format!("{x:.9e}"))
                .unwrap()
                .normalize()
        };
        let mut x = 1.234_567_890_123e-12_f64;
        while x < 1e15 {
            for v in [x, -x, x * 1.000_000_000_5, x * 0.999_999_999_95] {
                if let Some(fast) = round_significant_fast(v) {
                    assert_eq!(fast, exact(v), "{v:e}");
                }
                assert_eq!(significant(v, "test").unwrap(), exact(v), "{v:e}");
            }
            x *= 1.379;
        }
        assert_eq!(
            round_significant_fast(123.456_789_012_3),
            Some(dec!(123.456789))
        );
        assert_eq!(significant(0.1, "test").unwrap(), dec!(0.1));
        assert_eq!(significant(2.5, "test").unwrap(), dec!(2.5));
    }

    /// A centre of any scale the charts give (a quotient of 28 digits, a count, a median).
    fn centre() -> impl Strategy<Value = Decimal> {
        prop_oneof![
            (0i128..10i128.pow(28), 26u32..=28)
                .prop_map(|(m, s)| Decimal::from_i128_with_scale(m, s)),
            (0i64..100_000, 0u32..6).prop_map(|(m, s)| Decimal::new(m, s)),
            (0i128..(1i128 << 96), 0u32..=28)
                .prop_map(|(m, s)| Decimal::from_i128_with_scale(m, s)),
            Just(Decimal::ONE),
            Just(Decimal::ZERO),
        ]
    }

    fn sigma() -> impl Strategy<Value = f64> {
        prop_oneof![
            0.0f64..1.0,
            (-30i32..30, 1.0f64..10.0).prop_map(|(e, m)| m * 10f64.powi(e)),
            Just(0.0),
            Just(1e-28),
        ]
    }

    fn same_lines(a: &PointLines, b: &PointLines) -> bool {
        let s = |x: Option<Decimal>| x.map(|d| d.serialize());
        s(a.lower) == s(b.lower)
            && s(a.upper) == s(b.upper)
            && s(a.lower_two_sigma) == s(b.lower_two_sigma)
            && s(a.upper_two_sigma) == s(b.upper_two_sigma)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(20_000))]

        /// The integer lines are rust_decimal's, digit and scale, wherever they answer, with
        /// and without the ceiling 1; they answer for the usual P and U chart centres.
        #[test]
        fn exact_lines_are_the_decimal_ones(
            c in centre(),
            sigma in sigma(),
            one in any::<bool>(),
        ) {
            let ceiling = one.then_some(Decimal::ONE);
            let floor = Some(Decimal::ZERO);
            if let Some(fast) = around_exact(c, sigma, floor, ceiling) {
                let slow = around_decimal(c, sigma, floor, ceiling).unwrap();
                prop_assert!(same_lines(&fast, &slow), "{} ± {}: {:?} {:?}", c, sigma, fast, slow);
            }
            if c.scale() >= 26 && c > Decimal::ZERO && c < Decimal::ONE && sigma > 1e-9 && sigma < 1.0 {
                prop_assert!(around_exact(c, sigma, floor, ceiling).is_some() || round_significant_parts(2.0 * sigma).is_none() || round_significant_parts(3.0 * sigma).is_none());
            }
        }
    }

    #[test]
    fn exact_lines_decline_other_bounds() {
        let c = dec!(0.25);
        assert!(around_exact(c, 0.1, Some(dec!(0.1)), None).is_none());
        assert!(around_exact(c, 0.1, None, None).is_none());
        assert!(around_exact(c, 0.1, Some(Decimal::ZERO), Some(dec!(1.0))).is_none());
        let lines = around_exact(c, 0.1, Some(Decimal::ZERO), Some(Decimal::ONE)).unwrap();
        assert_eq!(lines.lower, Some(Decimal::ZERO));
        assert_eq!(lines.upper, Some(dec!(0.55)));
        assert_eq!(lines.upper.map(|d| d.scale()), Some(2));
        let wide = around_exact(c, 0.5, Some(Decimal::ZERO), Some(Decimal::ONE)).unwrap();
        assert_eq!(wide.upper, Some(Decimal::ONE));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(20_000))]

        /// The conversion to a float is rust_decimal's, bit for bit (signed zeros too), on
        /// mantissas either side of 2⁶⁴ and 10^scale, at every scale.
        #[test]
        fn floats_are_rust_decimals(
            m in prop_oneof![
                0i128..1000,
                any::<i64>().prop_map(i128::from),
                (0i128..(1i128 << 96)),
                ((1i128 << 63) - 1000..(1i128 << 64) + 1000),
            ],
            scale in 0u32..=28,
            negative in any::<bool>(),
        ) {
            let mut d = Decimal::from_i128_with_scale(m, scale);
            d.set_sign_negative(negative);
            prop_assert_eq!(to_f64(d).to_bits(), d.to_f64().unwrap().to_bits(), "{:?}", d);
        }
    }

    #[test]
    fn crossings_looked_up_are_the_computed_ones() {
        for m in 0..400 {
            assert_eq!(crossings_minimum(m), crossings_minimum_of(m), "m = {m}");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(5_000))]

        /// The median sorted by the mantissa comparison is the one sorted by rust_decimal's,
        /// digit and scale: equal values of other scales (2.5 and 2.50) stay where they were.
        #[test]
        fn the_median_is_rust_decimals(values in proptest::collection::vec((-30i64..30, 0u32..4), 0..40)) {
            let values: Vec<Decimal> = values
                .into_iter()
                .map(|(m, s)| Decimal::new(m * 10i64.pow(s % 2), s))
                .collect();
            let mut sorted = values.clone();
            sorted.sort_unstable();
            let n = sorted.len();
            let want = match (sorted.get(n.wrapping_sub(1) / 2), sorted.get(n / 2)) {
                (Some(a), Some(b)) if n % 2 == 0 => Some(((*a + *b) / Decimal::TWO).normalize()),
                (_, Some(b)) => Some(*b),
                _ => None,
            };
            let got = median(&values).unwrap();
            prop_assert_eq!(got.map(|d| d.serialize()), want.map(|d| d.serialize()));
        }
    }

    #[test]
    fn median_of_even_and_odd() {
        assert_eq!(median(&[dec!(3), dec!(1), dec!(2)]).unwrap(), Some(dec!(2)));
        assert_eq!(
            median(&[dec!(4), dec!(1), dec!(2), dec!(3)]).unwrap(),
            Some(dec!(2.5))
        );
        assert_eq!(median(&[]).unwrap(), None);
    }
}
