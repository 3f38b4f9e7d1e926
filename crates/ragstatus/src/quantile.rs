//! Quantile bands of a comparator group, as Fingertips' "quintiles" and "quartiles"
//! benchmarking places each area (SPEC §8a).
//!
//! The cut points are the group's minimum, its k/n quantiles by R's type 7 and its maximum; an
//! area's band is the first whose upper cut point is at or above its value, so band 1 holds the
//! lowest values and a value on a cut point belongs to the lower band, whatever the polarity.
//! The label says what the band means by the indicator's [`Preference`]: with five bands,
//! "Worst" … "Best" (or the mirror when lower is better), or "Lowest" … "Highest" without a
//! preferred direction.
//!
//! All arithmetic is exact decimal arithmetic: h = (N − 1)k/n has the fraction r/n, and the
//! band is decided by comparing n(v − xⱼ) with r(xⱼ₊₁ − xⱼ), never a rounded cut point.
//!
//! ```
//! use ragstatus::comparison::Preference;
//! use ragstatus::quantile::quantile_bands;
//! use rust_decimal::Decimal;
//!
//! // Fingertips' own test: the values 1 to 50 in quintiles.
//! let values: Vec<Option<Decimal>> = (1..=50).map(|v| Some(Decimal::from(v))).collect();
//! let q = quantile_bands(&values, 5, Preference::Higher)?;
//! let cuts: Vec<String> = q.cut_points.iter().map(|c| c.to_string()).collect();
//! assert_eq!(cuts, ["1", "10.8", "20.6", "30.4", "40.2", "50"]);
//! assert_eq!(q.areas[10].band, Some(2)); // 11 is above 10.8
//! assert_eq!(q.areas[10].label.as_deref(), Some("Worse"));
//! assert_eq!(q.areas[49].label.as_deref(), Some("Best"));
//! # Ok::<(), ragstatus::Error>(())
//! ```

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::comparison::Preference;
use crate::error::{Error, Result};

/// The fewest values with data that Fingertips bands at all, whatever the number of bands.
pub const MIN_GROUP: usize = 4;

/// One area's place in its group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AreaBand {
    /// The area's value; `None` when it has none (missing or suppressed).
    pub value: Option<Decimal>,
    /// 1 = the band of the lowest values … n = the highest; `None` for a missing value.
    pub band: Option<u32>,
    /// What the band means by the preference ("Best", "Middle", "Lowest", ...); `None` for a
    /// missing value.
    pub label: Option<String>,
}

/// The bands of a comparator group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuantileBands {
    /// The number of bands (5 for quintiles, 4 for quartiles).
    pub n: u32,
    /// The n + 1 bounds: the minimum, the k/n quantiles for k = 1 … n − 1, and the maximum.
    pub cut_points: Vec<Decimal>,
    /// One entry per input value, in input order.
    pub areas: Vec<AreaBand>,
    /// The positions of the values that were missing (no band), in input order.
    pub missing: Vec<usize>,
    /// The preference the labels were chosen by.
    pub preference: Preference,
}

/// Places each area of a comparator group in one of `n` quantile bands (see the
/// [module docs](self)). `values` holds one entry per area; `None` is a missing value, which
/// gets no band and is listed in [`QuantileBands::missing`].
///
/// Errors: no areas; `n` below 2; fewer values with data than `n`, or than 4 (Fingertips
/// assigns no band then); arithmetic beyond the decimal range.
///
/// ```
/// use ragstatus::comparison::Preference;
/// use ragstatus::quantile::quantile_bands;
/// use rust_decimal_macros::dec;
///
/// // Mortality: lower is better. One area has no value.
/// let values = [Some(dec!(12.5)), None, Some(dec!(9.1)), Some(dec!(15.0)), Some(dec!(11.2))];
/// let q = quantile_bands(&values, 4, Preference::Lower)?;
/// assert_eq!(q.missing, [1]);
/// assert_eq!(q.areas[2].label.as_deref(), Some("Best"));
/// assert_eq!(q.areas[3].label.as_deref(), Some("Worst"));
/// assert_eq!(q.areas[1].band, None);
/// # Ok::<(), ragstatus::Error>(())
/// ```
pub fn quantile_bands(
    values: &[Option<Decimal>],
    n: u32,
    preference: Preference,
) -> Result<QuantileBands> {
    if values.is_empty() {
        return Err(
            Error::invalid_value("no areas", "a comparator group of at least one area")
                .with_field("values"),
        );
    }
    if n < 2 {
        return Err(
            Error::invalid_value(n.to_string(), "at least 2 bands (5 for quintiles)")
                .with_field("bands"),
        );
    }
    let missing: Vec<usize> = values
        .iter()
        .enumerate()
        .filter_map(|(i, v)| v.is_none().then_some(i))
        .collect();
    let mut sorted: Vec<Decimal> = values.iter().flatten().copied().collect();
    let needed = MIN_GROUP.max(usize::try_from(n).unwrap_or(usize::MAX));
    if sorted.len() < needed {
        return Err(Error::invalid_value(
            format!(
                "{} with data ({} missing)",
                plural(sorted.len(), "value"),
                missing.len()
            ),
            format!("at least {needed} values with data for {n} bands"),
        )
        .with_field("values"));
    }
    sorted.sort_unstable();
    let cuts: Vec<Cut> = (1..n)
        .map(|k| Cut::new(&sorted, k, n))
        .collect::<Result<_>>()?;
    let (Some(&min), Some(&max)) = (sorted.first(), sorted.last()) else {
        return Err(Error::invalid_value("no values", "values with data").with_field("values"));
    };
    let mut cut_points = Vec::with_capacity(cuts.len() + 2);
    cut_points.push(min);
    for c in &cuts {
        cut_points.push(c.value()?);
    }
    cut_points.push(max);
    let areas = values
        .iter()
        .map(|v| match v {
            None => Ok(AreaBand {
                value: None,
                band: None,
                label: None,
            }),
            Some(v) => {
                let band = band_of(*v, &cuts, n)?;
                Ok(AreaBand {
                    value: Some(*v),
                    band: Some(band),
                    label: Some(label(band, n, preference)),
                })
            }
        })
        .collect::<Result<_>>()?;
    Ok(QuantileBands {
        n,
        cut_points,
        areas,
        missing,
        preference,
    })
}

/// The label of band `band` (1 = lowest values) of `n` under `preference`: with five bands
/// Worst, Worse, Middle, Better, Best for `higher` (the mirror for `lower`) and Lowest, Low,
/// Middle, High, Highest for `none`; with four the same without Middle; with any other number
/// the end bands as with four and, between, "Band k of n" for `none` and "Band k of n from the
/// worst" with a preferred direction (so that reversing the polarity mirrors every label).
pub fn label(band: u32, n: u32, preference: Preference) -> String {
    // `lower` reads the words of `higher` from the other end.
    let from_low = match preference {
        Preference::Lower => n.saturating_add(1).saturating_sub(band),
        _ => band,
    };
    let [lowest, low, middle, high, highest] = match preference {
        Preference::None => ["Lowest", "Low", "Middle", "High", "Highest"],
        Preference::Higher | Preference::Lower => ["Worst", "Worse", "Middle", "Better", "Best"],
    };
    let word = match (n, from_low) {
        (4 | 5, 1) => lowest,
        (4 | 5, 2) => low,
        (5, 3) => middle,
        (5, 4) | (4, 3) => high,
        (5, 5) | (4, 4) => highest,
        (_, 1) => lowest,
        (n, k) if k == n => highest,
        _ if preference == Preference::None => return format!("Band {band} of {n}"),
        _ => return format!("Band {from_low} of {n} from the worst"),
    };
    word.to_string()
}

/// The k/n quantile as lo + (r/n)(hi − lo), kept as its parts so that comparisons are exact.
struct Cut {
    lo: Decimal,
    step: Decimal,
    r: u64,
    n: u64,
}

impl Cut {
    fn new(sorted: &[Decimal], k: u32, n: u32) -> Result<Cut> {
        let overflow = || Error::overflow("quantile cut point");
        let last = sorted.len().checked_sub(1).ok_or_else(overflow)?;
        // h = (N − 1)k/n = j + r/n.
        let h = u64::try_from(last)
            .ok()
            .and_then(|l| l.checked_mul(u64::from(k)))
            .ok_or_else(overflow)?;
        let n64 = u64::from(n);
        let (j, r) = (h / n64, h % n64);
        let j = usize::try_from(j).map_err(|_| overflow())?;
        let lo = sorted.get(j).copied().ok_or_else(overflow)?;
        let step = if r == 0 {
            Decimal::ZERO
        } else {
            let hi = sorted.get(j + 1).copied().ok_or_else(overflow)?;
            hi.checked_sub(lo).ok_or_else(overflow)?
        };
        Ok(Cut {
            lo,
            step,
            r,
            n: n64,
        })
    }

    /// The cut point as a decimal: exact when r/n terminates, else to a decimal's precision.
    fn value(&self) -> Result<Decimal> {
        if self.r == 0 {
            return Ok(self.lo);
        }
        let part = self
            .step
            .checked_mul(Decimal::from(self.r))
            .and_then(|p| p.checked_div(Decimal::from(self.n)))
            .ok_or_else(|| Error::overflow("quantile cut point"))?;
        self.lo
            .checked_add(part)
            .map(|d| d.normalize())
            .ok_or_else(|| Error::overflow("quantile cut point"))
    }

    /// v ≤ lo + (r/n)·step, decided exactly as n(v − lo) ≤ r·step.
    fn at_or_above(&self, v: Decimal) -> Result<bool> {
        let overflow = || Error::overflow("quantile band");
        let above = v.checked_sub(self.lo).ok_or_else(overflow)?;
        if self.r == 0 || above <= Decimal::ZERO {
            return Ok(above <= Decimal::ZERO);
        }
        let left = above.checked_mul(Decimal::from(self.n));
        let right = self.step.checked_mul(Decimal::from(self.r));
        match (left, right) {
            (Some(l), Some(r)) => Ok(l <= r),
            _ => {
                // Beyond the decimal range a product is compared by division instead:
                // (v − lo) ≤ step·r/n; a rounded quotient can only mislead within 1e-28.
                let q = self
                    .step
                    .checked_div(Decimal::from(self.n))
                    .and_then(|s| s.checked_mul(Decimal::from(self.r)))
                    .ok_or_else(overflow)?;
                Ok(above <= q)
            }
        }
    }
}

fn band_of(v: Decimal, cuts: &[Cut], n: u32) -> Result<u32> {
    for (k, cut) in (1..).zip(cuts) {
        if cut.at_or_above(v)? {
            return Ok(k);
        }
    }
    Ok(n)
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn ones_to(n: i64) -> Vec<Option<Decimal>> {
        (1..=n).map(|v| Some(Decimal::from(v))).collect()
    }

    #[test]
    fn fingertips_quartiles_of_1_to_50() {
        let q = quantile_bands(&ones_to(50), 4, Preference::None).unwrap();
        assert_eq!(
            q.cut_points,
            [dec!(1), dec!(13.25), dec!(25.5), dec!(37.75), dec!(50)]
        );
    }

    #[test]
    fn a_value_on_a_cut_point_is_in_the_lower_band() {
        // 1..10 in quintiles: the 1/5 cut point is 1 + 9/5 = 2.8; 3/5 is 6.4.
        let mut values = ones_to(10);
        values.push(Some(dec!(6.4)));
        let q = quantile_bands(&values, 5, Preference::Higher).unwrap();
        assert_eq!(q.cut_points[3], dec!(6.4));
        assert_eq!(q.areas[10].band, Some(3));
        let q = quantile_bands(&values, 5, Preference::Lower).unwrap();
        assert_eq!(q.areas[10].band, Some(3));
    }

    #[test]
    fn thirds_are_decided_exactly() {
        // 0 … 4 in thirds: h = 4/3 and 8/3, so the cut points are 1⅓ and 2⅔, which no decimal
        // holds; the bands still fall either side of them.
        let values: Vec<_> = (0..=4).map(|v| Some(Decimal::from(v))).collect();
        let q = quantile_bands(&values, 3, Preference::None).unwrap();
        assert_eq!(q.cut_points[1], dec!(1.3333333333333333333333333333));
        let bands: Vec<_> = q.areas.iter().map(|a| a.band).collect();
        assert_eq!(bands, [Some(1), Some(1), Some(2), Some(3), Some(3)]);
        let labels: Vec<_> = q.areas.iter().map(|a| a.label.clone()).collect();
        assert_eq!(labels[2].as_deref(), Some("Band 2 of 3"));
    }

    #[test]
    fn labels() {
        let five: Vec<_> = (1..=5).map(|b| label(b, 5, Preference::Higher)).collect();
        assert_eq!(five, ["Worst", "Worse", "Middle", "Better", "Best"]);
        let five: Vec<_> = (1..=5).map(|b| label(b, 5, Preference::Lower)).collect();
        assert_eq!(five, ["Best", "Better", "Middle", "Worse", "Worst"]);
        let four: Vec<_> = (1..=4).map(|b| label(b, 4, Preference::None)).collect();
        assert_eq!(four, ["Lowest", "Low", "High", "Highest"]);
        let ten: Vec<_> = (1..=10).map(|b| label(b, 10, Preference::Lower)).collect();
        assert_eq!(ten[0], "Best");
        assert_eq!(ten[9], "Worst");
        assert_eq!(ten[4], "Band 6 of 10 from the worst");
    }

    #[test]
    fn errors_name_the_problem() {
        let e = quantile_bands(&[], 5, Preference::None).unwrap_err();
        assert_eq!(e.location().field.as_deref(), Some("values"));
        let e = quantile_bands(&ones_to(10), 1, Preference::None).unwrap_err();
        assert_eq!(e.location().field.as_deref(), Some("bands"));
        let mut values = ones_to(4);
        values.push(None);
        let e = quantile_bands(&values, 5, Preference::None).unwrap_err();
        assert!(
            e.to_string().contains("4 values with data (1 missing)"),
            "{e}"
        );
        // Fingertips needs four values even for halves.
        let e = quantile_bands(&ones_to(3), 2, Preference::None).unwrap_err();
        assert!(e.to_string().contains("at least 4"), "{e}");
    }
}
