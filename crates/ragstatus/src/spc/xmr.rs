//! The XmR limits of a baseline: mean, screened mean moving range, process limits and 2σ lines.

use rust_decimal::Decimal;

use super::XmrLimits;
use crate::error::{Error, Result};

pub(super) const LIMIT: Decimal = Decimal::from_parts(266, 0, 0, false, 2);
pub(super) const TWO_LIMITS: Decimal = Decimal::from_parts(532, 0, 0, false, 2);
pub(super) const SCREEN: Decimal = Decimal::from_parts(3267, 0, 0, false, 3);

pub(super) fn overflow(what: &str) -> Error {
    Error::overflow(format!("SPC {what}"))
}

pub(super) fn sum_count(
    values: impl Iterator<Item = Decimal>,
    what: &str,
) -> Result<(Decimal, u64)> {
    let mut sum = Decimal::ZERO;
    let mut count: u64 = 0;
    for v in values {
        sum = sum.checked_add(v).ok_or_else(|| overflow(what))?;
        count = count.checked_add(1).ok_or_else(|| overflow(what))?;
    }
    Ok((sum, count))
}

/// `factor × sum / (divisor × count)` with the one division last, so that it is the only
/// rounding; none when `count` is 0.
pub(super) fn scaled_mean(
    (sum, count): (Decimal, u64),
    factor: Decimal,
    divisor: u64,
    what: &str,
) -> Result<Option<Decimal>> {
    if count == 0 {
        return Ok(None);
    }
    let denominator = count.checked_mul(divisor).ok_or_else(|| overflow(what))?;
    factor
        .checked_mul(sum)
        .and_then(|n| n.checked_div(Decimal::from(denominator)))
        .map(|v| Some(v.normalize()))
        .ok_or_else(|| overflow(what))
}

/// Moving ranges |yᵢ − yᵢ₋₁| of consecutive values (one fewer than the values).
pub(super) fn moving_ranges(values: &[Decimal]) -> Result<Vec<Decimal>> {
    // Sized up front: collecting through `Result` would grow the vector step by step.
    let mut out = Vec::with_capacity(values.len().saturating_sub(1));
    for (a, b) in values.iter().zip(values.iter().skip(1)) {
        out.push(
            b.checked_sub(*a)
                .map(|d| d.abs())
                .ok_or_else(|| overflow("moving range"))?,
        );
    }
    Ok(out)
}

/// The limits and, for each moving range of the baseline, whether it was kept.
pub(super) fn limits_and_kept(
    baseline: &[Decimal],
    screen_outliers: bool,
) -> Result<(XmrLimits, Vec<bool>)> {
    // Normalised, so that a mean of 11.5 reads "11.5" and not "11.50".
    let mean = scaled_mean(
        sum_count(baseline.iter().copied(), "mean")?,
        Decimal::ONE,
        1,
        "mean",
    )?
    .unwrap_or(Decimal::ZERO);
    let ranges = moving_ranges(baseline)?;
    let mut kept = vec![true; ranges.len()];
    let mut range_sum = sum_count(ranges.iter().copied(), "mean moving range")?;
    let first = scaled_mean(range_sum, Decimal::ONE, 1, "mean moving range")?;
    if screen_outliers
        && let Some(first) = first
        && first > Decimal::ZERO
    {
        // mR ≥ 3.267 × sum / m, tested as m × mR ≥ 3.267 × sum so that no rounding decides.
        let (sum, count) = range_sum;
        let threshold = SCREEN
            .checked_mul(sum)
            .ok_or_else(|| overflow("screening threshold"))?;
        let m = Decimal::from(count);
        for (k, r) in kept.iter_mut().zip(&ranges) {
            *k = r.checked_mul(m).ok_or_else(|| overflow("screening"))? < threshold;
        }
        range_sum = sum_count(
            ranges
                .iter()
                .zip(&kept)
                .filter(|(_, k)| **k)
                .map(|(r, _)| *r),
            "mean moving range",
        )?;
    }
    let amr = scaled_mean(range_sum, Decimal::ONE, 1, "mean moving range")?;
    let used = kept.iter().filter(|k| **k).count();
    let mut limits = XmrLimits {
        mean,
        mean_moving_range: amr,
        lower_process_limit: None,
        upper_process_limit: None,
        lower_two_sigma: None,
        upper_two_sigma: None,
        baseline_points: baseline.len(),
        moving_ranges_used: used,
        moving_ranges_screened: ranges.len().saturating_sub(used),
    };
    if let (Some(width), Some(near)) = (
        scaled_mean(range_sum, LIMIT, 1, "process limits")?,
        scaled_mean(range_sum, TWO_LIMITS, 3, "2 sigma lines")?,
    ) {
        let lim = |f: fn(Decimal, Decimal) -> Option<Decimal>, w: Decimal, what: &str| {
            f(mean, w)
                .map(|v| v.normalize())
                .ok_or_else(|| overflow(what))
        };
        limits.lower_process_limit = Some(lim(Decimal::checked_sub, width, "process limits")?);
        limits.upper_process_limit = Some(lim(Decimal::checked_add, width, "process limits")?);
        limits.lower_two_sigma = Some(lim(Decimal::checked_sub, near, "2 sigma lines")?);
        limits.upper_two_sigma = Some(lim(Decimal::checked_add, near, "2 sigma lines")?);
    }
    Ok((limits, kept))
}

/// The XmR limits of a baseline: mean, mean moving range (screened if asked) and the process
/// limits and 2σ lines. With fewer than 2 values only the mean is known (0 for no values).
///
/// ```
/// use ragstatus::spc::xmr_limits;
/// use rust_decimal_macros::dec;
///
/// let limits = xmr_limits(&[dec!(10), dec!(12), dec!(11), dec!(13)], true)?;
/// assert_eq!(limits.mean, dec!(11.5));
/// assert_eq!(limits.mean_moving_range, Some(dec!(5) / dec!(3)));
/// assert_eq!(limits.upper_process_limit.map(|l| l.round_dp(4)), Some(dec!(15.9333)));
/// # Ok::<(), ragstatus::Error>(())
/// ```
pub fn xmr_limits(baseline: &[Decimal], screen_outliers: bool) -> Result<XmrLimits> {
    limits_and_kept(baseline, screen_outliers).map(|(limits, _)| limits)
}
