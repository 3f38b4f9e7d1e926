//! The statuses an evaluation can give (SPEC §6).

use serde::{Deserialize, Serialize};

/// The outcome of evaluating one indicator for one period.
///
/// Only [`Blue`](Status::Blue), [`Green`](Status::Green), [`Amber`](Status::Amber) and
/// [`Red`](Status::Red) are *rated*; the others are reported but never counted as failures or
/// successes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum Status {
    /// Significantly off target: the shortfall is beyond the tolerance.
    Red = 0,
    /// Off target, but within the tolerance (the edge of the band is Amber).
    Amber = 1,
    /// On target: meeting it exactly is Green.
    Green = 2,
    /// A stretch target exists and is met.
    Blue = 3,
    /// No actual for a period in which one was due, or a zero denominator.
    NoData = 4,
    /// An actual but no target: a data-only indicator.
    NoTarget = 5,
    /// The indicator reports less often than the period evaluated.
    NotDue = 6,
}

impl Status {
    /// Every status, in code order.
    pub const ALL: [Status; 7] = [
        Status::Red,
        Status::Amber,
        Status::Green,
        Status::Blue,
        Status::NoData,
        Status::NoTarget,
        Status::NotDue,
    ];

    /// True for Blue, Green, Amber and Red.
    pub fn is_rated(self) -> bool {
        matches!(
            self,
            Status::Blue | Status::Green | Status::Amber | Status::Red
        )
    }

    /// True for Green and Blue: the target is met.
    pub fn is_on_target(self) -> bool {
        matches!(self, Status::Blue | Status::Green)
    }

    /// The stable one-byte code used by the columnar API and across languages:
    /// Red 0, Amber 1, Green 2, Blue 3, NoData 4, NoTarget 5, NotDue 6.
    pub fn code(self) -> u8 {
        self as u8
    }

    /// The status with this [`code`](Status::code), if any.
    pub fn from_code(code: u8) -> Option<Status> {
        Status::ALL.get(usize::from(code)).copied()
    }

    /// The name as written in definitions, vectors and reports: `Red`, `Amber`, ..., `NotDue`.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Red => "Red",
            Status::Amber => "Amber",
            Status::Green => "Green",
            Status::Blue => "Blue",
            Status::NoData => "NoData",
            Status::NoTarget => "NoTarget",
            Status::NotDue => "NotDue",
        }
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for status in Status::ALL {
            assert_eq!(Status::from_code(status.code()), Some(status));
        }
        assert_eq!(Status::from_code(7), None);
    }
}
