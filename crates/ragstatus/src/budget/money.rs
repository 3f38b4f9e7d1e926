//! Money and percent formatting for budget explanations.
//!
//! The style is the one council budget-monitoring reports use in their text:
//!
//! - *headline* figures (budgets, forecasts): `£47.0m` (millions to one decimal place) from
//!   £1m up;
//! - otherwise, and for *variance* figures (variances, movements, thresholds) at any size:
//!   `£0.652m`, `£1.234m` (millions to three places, i.e. to the nearest £1,000) from £100,000
//!   up; below that, pounds with thousands separators (`£50,000`, `£443`, `£443.50` when there
//!   are pence), since £m to three places would lose too much of a small amount;
//! - negative amounts carry a leading minus: `-£2.5m`;
//! - rounding is half away from zero, as in a spreadsheet.

use rust_decimal::{Decimal, RoundingStrategy};

const MILLION: Decimal = Decimal::from_parts(1_000_000, 0, 0, false, 0);
const HUNDRED_THOUSAND: Decimal = Decimal::from_parts(100_000, 0, 0, false, 0);

fn round(value: Decimal, dp: u32) -> Decimal {
    value.round_dp_with_strategy(dp, RoundingStrategy::MidpointAwayFromZero)
}

fn sign(value: Decimal) -> &'static str {
    if value.is_sign_negative() && !value.is_zero() {
        "-"
    } else {
        ""
    }
}

fn pounds(magnitude: Decimal) -> String {
    let rounded = round(magnitude, 2).normalize();
    let whole = rounded.trunc().to_string();
    let mut grouped = String::with_capacity(whole.len().saturating_add(whole.len() / 3));
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len().saturating_sub(i)) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    if rounded.fract().is_zero() {
        format!("£{grouped}")
    } else {
        // The fraction is below 1, so a hundred times it cannot overflow.
        let pence = rounded
            .fract()
            .checked_mul(Decimal::ONE_HUNDRED)
            .unwrap_or_default()
            .trunc();
        format!("£{grouped}.{pence:02}")
    }
}

fn millions(magnitude: Decimal, dp: u32) -> String {
    // Dividing by a million cannot overflow; at worst it rounds beyond 28 places.
    let m = magnitude.checked_div(MILLION).unwrap_or_default();
    format!("£{:.*}m", dp as usize, round(m, dp))
}

/// A budget or forecast: `£47.0m`, `£0.652m`, `£50,000`.
pub(crate) fn headline(value: Decimal) -> String {
    let magnitude = value.abs();
    let body = if magnitude >= MILLION {
        millions(magnitude, 1)
    } else if round(magnitude, 2) >= HUNDRED_THOUSAND {
        millions(magnitude, 3)
    } else {
        pounds(magnitude)
    };
    format!("{}{}", sign(value), body)
}

/// A variance, movement or threshold: `£0.652m`, `£12.345m`, `£50,000`.
pub(crate) fn variance(value: Decimal) -> String {
    let magnitude = value.abs();
    // Compared after rounding to pence, so that £99,999.995 reads £0.100m, not £100,000.00.
    let body = if round(magnitude, 2) >= HUNDRED_THOUSAND {
        millions(magnitude, 3)
    } else {
        pounds(magnitude)
    };
    format!("{}{}", sign(value), body)
}

/// A percentage to one decimal place: `1.4%`.
pub(crate) fn percent_1dp(value: Decimal) -> String {
    format!("{:.1}%", round(value, 1))
}

/// A percentage as written in a threshold: `5%`, `0.5%`.
pub(crate) fn percent_exact(value: Decimal) -> String {
    format!("{}%", value.normalize())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn council_style() {
        assert_eq!(headline(dec!(46_967_000)), "£47.0m");
        assert_eq!(headline(dec!(46_315_000)), "£46.3m");
        assert_eq!(headline(dec!(-2_500_000)), "-£2.5m");
        assert_eq!(headline(dec!(450_000)), "£0.450m");
        assert_eq!(headline(dec!(443)), "£443");
        assert_eq!(headline(dec!(443.5)), "£443.50");
        assert_eq!(headline(dec!(0)), "£0");
        assert_eq!(variance(dec!(652_000)), "£0.652m");
        assert_eq!(variance(dec!(100_000)), "£0.100m");
        assert_eq!(variance(dec!(12_345_500)), "£12.346m");
        assert_eq!(variance(dec!(99_999.995)), "£0.100m");
        assert_eq!(variance(dec!(99_999.994)), "£99,999.99");
        assert_eq!(variance(dec!(50_000)), "£50,000");
        assert_eq!(variance(dec!(1_234.05)), "£1,234.05");
        assert_eq!(headline(dec!(-1_001)), "-£1,001");
        assert_eq!(percent_1dp(dec!(1.4082)), "1.4%");
        assert_eq!(percent_1dp(dec!(0.05)), "0.1%");
        assert_eq!(percent_exact(dec!(5.00)), "5%");
        assert_eq!(percent_exact(dec!(0.5)), "0.5%");
    }
}
