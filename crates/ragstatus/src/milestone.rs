//! Milestones and actions of an improvement plan, evaluated as of a date (SPEC §11).
//!
//! A [`Milestone`] has an id, a description, an owner, an optional start date, a due date, an
//! optional completed date and an optional percent complete. [`evaluate_milestone`] places it, as
//! of a date, in one [`MilestoneState`], tried in this order:
//!
//! | state | when | status |
//! | --- | --- | --- |
//! | `Complete` | completed on or before the due date | Green |
//! | `CompleteLate` | completed after the due date | Amber |
//! | `Overdue` | not completed, and the as-of date is after the due date | Red |
//! | `AtRisk` | not completed, and due within the warning window, or behind the straight-line expected progress by more than the margin | Amber |
//! | `OnTrack` | otherwise | Green |
//!
//! Choices where the SPEC is silent:
//!
//! - **CompleteLate is Amber**: the work is done, so it is not a failure (Red), but the date was
//!   missed and a report should not show it as cleanly as work delivered on time.
//! - A completed date *after* the as-of date is ignored: as of that date the milestone was not
//!   yet complete (so re-running an old quarter gives the answer it gave then).
//! - **Warning window** ([`MilestoneSettings::warning_days`], default 14): AtRisk when
//!   0 ≤ due − as-of ≤ the window, in days. A milestone due today is AtRisk, not Overdue; one due
//!   in exactly 14 days is AtRisk, in 15 days OnTrack.
//! - **Expected progress** ([`MilestoneSettings::progress_margin`], default 10 percentage
//!   points; `null` turns it off): needs a start date and a percent complete, else it is not
//!   applied. Expected = (as-of − start) ÷ (due − start) × 100, in days, clamped to 0–100. AtRisk
//!   when expected − percent complete is *more than* the margin (exactly the margin is OnTrack).
//!   The expected figure is kept to two decimal places (half away from zero) in the explanation;
//!   the comparison uses the exact quotient.
//! - Percent complete must be 0–100; a start date after the due date is an error.
//!
//! Every result has an explanation, as data and as a sentence: "Due 4 March 2016, not complete
//! as of 10 March 2016: 6 days overdue".
//!
//! ```
//! use chrono::NaiveDate;
//! use ragstatus::milestone::{evaluate_milestone, Milestone, MilestoneSettings, MilestoneState};
//! use ragstatus::Status;
//!
//! let due = NaiveDate::from_ymd_opt(2016, 3, 4).ok_or("bad date")?;
//! let as_of = NaiveDate::from_ymd_opt(2016, 3, 10).ok_or("bad date")?;
//! let m = Milestone::new("M-01", due).with_description("Adopt the Local Plan");
//! let r = evaluate_milestone(&m, as_of, &MilestoneSettings::default())?;
//! assert_eq!(r.state, MilestoneState::Overdue);
//! assert_eq!(r.status, Status::Red);
//! assert_eq!(r.explanation.sentence, "Due 4 March 2016, not complete as of 10 March 2016: 6 days overdue");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod csv;

use chrono::NaiveDate;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::status::Status;

pub use self::csv::{MilestoneCsv, MilestoneCsvOptions, parse_date, read_milestones_csv};

/// One milestone or action of a plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Milestone {
    /// Unique id, named in errors.
    pub id: String,
    /// What is to be done.
    #[serde(default)]
    pub description: String,
    /// Who answers for it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// When work started, for the straight-line expected progress.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<NaiveDate>,
    /// When it is due.
    pub due: NaiveDate,
    /// When it was completed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completed: Option<NaiveDate>,
    /// Percent complete, 0 to 100.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub percent_complete: Option<Decimal>,
    /// Free-text commentary.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Milestone {
    /// A milestone with an id and a due date, the rest empty.
    pub fn new(id: impl Into<String>, due: NaiveDate) -> Self {
        Milestone {
            id: id.into(),
            description: String::new(),
            owner: None,
            start: None,
            due,
            completed: None,
            percent_complete: None,
            note: None,
        }
    }

    /// Sets the description.
    pub fn with_description(mut self, description: impl Into<String>) -> Self {
        self.description = description.into();
        self
    }

    /// Sets the start date.
    pub fn with_start(mut self, start: NaiveDate) -> Self {
        self.start = Some(start);
        self
    }

    /// Sets the completed date.
    pub fn with_completed(mut self, completed: NaiveDate) -> Self {
        self.completed = Some(completed);
        self
    }

    /// Sets the percent complete.
    pub fn with_percent_complete(mut self, percent: Decimal) -> Self {
        self.percent_complete = Some(percent);
        self
    }

    /// Checks the id is not empty, the percent complete is 0-100 and the start is not after the
    /// due date.
    pub fn validate(&self) -> Result<()> {
        let id = || self.id.clone();
        if self.id.trim().is_empty() {
            return Err(Error::new(crate::ErrorKind::Missing { field: "id".into() }));
        }
        if let Some(p) = self.percent_complete {
            if p < Decimal::ZERO || p > Decimal::ONE_HUNDRED {
                return Err(Error::invalid_value(
                    p.to_string(),
                    "a percent complete from 0 to 100",
                )
                .with_field("percent_complete")
                .with_indicator(id()));
            }
        }
        if let Some(start) = self.start {
            if start > self.due {
                return Err(Error::invalid_value(
                    start.to_string(),
                    format!("a start date on or before the due date {}", self.due),
                )
                .with_field("start")
                .with_indicator(id()));
            }
        }
        Ok(())
    }
}

fn default_warning_days() -> u32 {
    14
}

fn default_margin() -> Option<Decimal> {
    Some(Decimal::TEN)
}

/// How milestones are evaluated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MilestoneSettings {
    /// A milestone due within this many days (inclusive) is at risk. Default 14.
    #[serde(default = "default_warning_days")]
    pub warning_days: u32,
    /// Percentage points behind the straight-line expected progress beyond which a milestone is
    /// at risk. Default 10; `None` turns the check off (written `"off"`, or `null` in JSON).
    #[serde(
        default = "default_margin",
        serialize_with = "margin::serialize",
        deserialize_with = "margin::deserialize"
    )]
    pub progress_margin: Option<Decimal>,
}

/// `progress_margin` as a decimal, or `"off"` (also `null`) for no progress check; written
/// `"off"` so that it survives formats without a null, such as TOML.
mod margin {
    use rust_decimal::Decimal;
    use serde::{Deserialize, Deserializer, Serializer};

    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Repr {
        Value(Decimal),
        Word(String),
    }

    pub(super) fn serialize<S: Serializer>(
        value: &Option<Decimal>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match value {
            Some(v) => serializer.serialize_str(&v.to_string()),
            None => serializer.serialize_str("off"),
        }
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<Decimal>, D::Error> {
        match Option::<Repr>::deserialize(deserializer)? {
            None => Ok(None),
            Some(Repr::Value(v)) => Ok(Some(v)),
            Some(Repr::Word(w)) if w == "off" => Ok(None),
            Some(Repr::Word(w)) => Err(serde::de::Error::custom(format!(
                "progress_margin {w:?} is not valid; expected a number of percentage points such as \"10\", or \"off\""
            ))),
        }
    }
}

impl Default for MilestoneSettings {
    fn default() -> Self {
        MilestoneSettings {
            warning_days: default_warning_days(),
            progress_margin: default_margin(),
        }
    }
}

/// Where a milestone stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum MilestoneState {
    /// Completed on or before the due date.
    Complete,
    /// Completed after the due date.
    CompleteLate,
    /// Not completed and past the due date.
    Overdue,
    /// Not completed; due soon or behind expected progress.
    AtRisk,
    /// Not completed, not due soon, not behind.
    OnTrack,
}

impl MilestoneState {
    /// The status it maps to: Complete and OnTrack Green, CompleteLate and AtRisk Amber,
    /// Overdue Red.
    pub fn status(self) -> Status {
        match self {
            MilestoneState::Complete | MilestoneState::OnTrack => Status::Green,
            MilestoneState::CompleteLate | MilestoneState::AtRisk => Status::Amber,
            MilestoneState::Overdue => Status::Red,
        }
    }

    /// The name: `Complete`, `CompleteLate`, `Overdue`, `AtRisk`, `OnTrack`.
    pub fn as_str(self) -> &'static str {
        match self {
            MilestoneState::Complete => "Complete",
            MilestoneState::CompleteLate => "CompleteLate",
            MilestoneState::Overdue => "Overdue",
            MilestoneState::AtRisk => "AtRisk",
            MilestoneState::OnTrack => "OnTrack",
        }
    }
}

/// Which rule placed a milestone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MilestoneRule {
    /// Completed on or before the due date.
    CompletedOnTime,
    /// Completed after the due date.
    CompletedLate,
    /// Past the due date.
    PastDue,
    /// Due within the warning window.
    WarningWindow,
    /// Behind the expected progress by more than the margin.
    BehindProgress,
    /// None of the above.
    OnTrack,
}

/// Why a milestone has its state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MilestoneExplanation {
    /// The rule that fired.
    pub rule: MilestoneRule,
    /// Days from the due date to the completed date (completed) or the as-of date (not
    /// completed): negative before the due date, positive after.
    pub days_from_due: i64,
    /// The straight-line expected percent complete as of the date, to two places, when a
    /// start date and a percent complete are known.
    pub expected_progress: Option<Decimal>,
    /// Expected minus actual percent complete, to two places, when both are known.
    pub progress_gap: Option<Decimal>,
    /// The warning window applied, in days.
    pub warning_days: u32,
    /// The progress margin applied, if any.
    pub progress_margin: Option<Decimal>,
    /// One plain-English sentence.
    pub sentence: String,
}

/// The evaluation of one milestone as of a date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MilestoneResult {
    /// The milestone id.
    pub id: String,
    /// Its description.
    pub description: String,
    /// Its owner.
    pub owner: Option<String>,
    /// The date evaluated as of.
    pub as_of: NaiveDate,
    /// The due date.
    pub due: NaiveDate,
    /// The completed date, if completed on or before the as-of date.
    pub completed: Option<NaiveDate>,
    /// The state.
    pub state: MilestoneState,
    /// The status the state maps to.
    pub status: Status,
    /// Why.
    pub explanation: MilestoneExplanation,
}

/// "4 March 2016".
fn long_date(date: NaiveDate) -> String {
    date.format("%-d %B %Y").to_string()
}

fn days(n: i64) -> String {
    if n == 1 {
        "1 day".into()
    } else {
        format!("{n} days")
    }
}

fn points(value: Decimal) -> String {
    value.normalize().to_string()
}

/// Evaluates one milestone as of a date (SPEC §11).
///
/// ```
/// use chrono::NaiveDate;
/// use ragstatus::milestone::{evaluate_milestone, Milestone, MilestoneSettings, MilestoneState};
/// use rust_decimal_macros::dec;
///
/// let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).ok_or("bad date");
/// let m = Milestone::new("M-02", d(2016, 12, 31)?)
///     .with_start(d(2016, 1, 1)?)
///     .with_percent_complete(dec!(20));
/// let r = evaluate_milestone(&m, d(2016, 7, 1)?, &MilestoneSettings::default())?;
/// assert_eq!(r.state, MilestoneState::AtRisk); // about 50% expected, 20% done
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn evaluate_milestone(
    milestone: &Milestone,
    as_of: NaiveDate,
    settings: &MilestoneSettings,
) -> Result<MilestoneResult> {
    milestone.validate()?;
    if let Some(margin) = settings.progress_margin {
        if margin.is_sign_negative() && !margin.is_zero() {
            return Err(
                Error::invalid_value(margin.to_string(), "a margin of zero or more")
                    .with_field("progress_margin"),
            );
        }
    }
    let due = milestone.due;
    let completed = milestone.completed.filter(|c| *c <= as_of);
    let due_text = long_date(due);

    let two_dp = |d: Decimal| d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    let mut expected_progress = None;
    let mut progress_gap = None;
    let mut exact_gap = None;
    if let (Some(start), Some(percent), None) =
        (milestone.start, milestone.percent_complete, completed)
    {
        let span = due.signed_duration_since(start).num_days();
        let elapsed = as_of.signed_duration_since(start).num_days();
        let expected = if span <= 0 {
            if elapsed >= 0 {
                Decimal::ONE_HUNDRED
            } else {
                Decimal::ZERO
            }
        } else {
            Decimal::from(elapsed.clamp(0, span))
                .checked_mul(Decimal::ONE_HUNDRED)
                .and_then(|x| x.checked_div(Decimal::from(span)))
                .ok_or_else(|| {
                    Error::overflow("expected progress").with_indicator(milestone.id.clone())
                })?
        };
        let gap = expected
            .checked_sub(percent)
            .ok_or_else(|| Error::overflow("progress gap").with_indicator(milestone.id.clone()))?;
        expected_progress = Some(two_dp(expected).normalize());
        progress_gap = Some(two_dp(gap).normalize());
        exact_gap = Some((expected, gap, percent, start));
    }

    let (state, rule, days_from_due, sentence) = if let Some(done) = completed {
        let late = done.signed_duration_since(due).num_days();
        let head = format!("Due {due_text}, completed {}", long_date(done));
        if late <= 0 {
            let tail = if late == 0 {
                "on the due date".to_string()
            } else {
                format!("{} early", days(-late))
            };
            (
                MilestoneState::Complete,
                MilestoneRule::CompletedOnTime,
                late,
                format!("{head}: complete, {tail}"),
            )
        } else {
            (
                MilestoneState::CompleteLate,
                MilestoneRule::CompletedLate,
                late,
                format!("{head}: complete, {} late", days(late)),
            )
        }
    } else {
        let after = as_of.signed_duration_since(due).num_days();
        let head = match milestone.percent_complete {
            Some(p) => format!(
                "Due {due_text}, {}% complete as of {}",
                points(p),
                long_date(as_of)
            ),
            None => format!("Due {due_text}, not complete as of {}", long_date(as_of)),
        };
        let until = -after;
        let behind = match (settings.progress_margin, exact_gap) {
            (Some(margin), Some((expected, gap, percent, start))) if gap > margin => Some(format!(
                "{}% complete against {}% expected on a straight line from {}: {} points behind, more than the {}-point margin",
                points(percent),
                points(two_dp(expected)),
                long_date(start),
                points(two_dp(gap)),
                points(margin)
            )),
            _ => None,
        };
        if after > 0 {
            (
                MilestoneState::Overdue,
                MilestoneRule::PastDue,
                after,
                format!("{head}: {} overdue", days(after)),
            )
        } else if until <= i64::from(settings.warning_days) {
            let when = if until == 0 {
                "due today".to_string()
            } else {
                format!("due in {}", days(until))
            };
            (
                MilestoneState::AtRisk,
                MilestoneRule::WarningWindow,
                after,
                format!(
                    "{head}: {when}, within the {}-day warning window: at risk",
                    settings.warning_days
                ),
            )
        } else if let Some(behind) = behind {
            (
                MilestoneState::AtRisk,
                MilestoneRule::BehindProgress,
                after,
                format!(
                    "Due {due_text}, as of {}: {behind}: at risk",
                    long_date(as_of)
                ),
            )
        } else {
            (
                MilestoneState::OnTrack,
                MilestoneRule::OnTrack,
                after,
                format!("{head}: due in {}: on track", days(until)),
            )
        }
    };

    Ok(MilestoneResult {
        id: milestone.id.clone(),
        description: milestone.description.clone(),
        owner: milestone.owner.clone(),
        as_of,
        due,
        completed,
        state,
        status: state.status(),
        explanation: MilestoneExplanation {
            rule,
            days_from_due,
            expected_progress,
            progress_gap,
            warning_days: settings.warning_days,
            progress_margin: settings.progress_margin,
            sentence,
        },
    })
}

/// The evaluation of many milestones: every good one, and an error for every bad one.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MilestoneReport {
    /// Results in input order.
    pub results: Vec<MilestoneResult>,
    /// One error per invalid milestone, naming its id.
    #[serde(default)]
    pub errors: Vec<Error>,
}

/// Evaluates every milestone as of a date; invalid ones are listed in the errors, never dropped
/// silently. Repeated ids are errors.
pub fn evaluate_milestones(
    milestones: &[Milestone],
    as_of: NaiveDate,
    settings: &MilestoneSettings,
) -> MilestoneReport {
    let mut report = MilestoneReport::default();
    let mut seen = std::collections::HashSet::new();
    for m in milestones {
        if !seen.insert(m.id.as_str()) {
            report.errors.push(
                Error::new(crate::ErrorKind::Duplicate {
                    what: "milestone".into(),
                    key: m.id.clone(),
                })
                .with_indicator(m.id.clone())
                .with_field("id"),
            );
            continue;
        }
        match evaluate_milestone(m, as_of, settings) {
            Ok(r) => report.results.push(r),
            Err(e) => report.errors.push(e.with_indicator(m.id.clone())),
        }
    }
    report
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn report_lists_bad_and_repeated_milestones() {
        let good = Milestone::new("M-1", d(2016, 3, 4));
        let bad = Milestone::new("M-2", d(2016, 3, 4)).with_percent_complete(Decimal::from(-1));
        let report = evaluate_milestones(
            &[good.clone(), bad, good],
            d(2016, 3, 1),
            &MilestoneSettings::default(),
        );
        assert_eq!(report.results.len(), 1);
        assert_eq!(report.errors.len(), 2);
        assert_eq!(
            report.errors[0].location().indicator.as_deref(),
            Some("M-2")
        );
        assert!(matches!(
            report.errors[1].kind(),
            crate::ErrorKind::Duplicate { .. }
        ));
    }

    #[test]
    fn settings_read_from_toml_and_json() {
        let s: MilestoneSettings = toml::from_str("warning_days = 7").unwrap();
        assert_eq!(s.warning_days, 7);
        assert_eq!(s.progress_margin, Some(Decimal::TEN));
        let s: MilestoneSettings = serde_json::from_str(r#"{"progress_margin": null}"#).unwrap();
        assert_eq!(s.progress_margin, None);
        let s: MilestoneSettings = toml::from_str(r#"progress_margin = "off""#).unwrap();
        assert_eq!(s.progress_margin, None);
        let back: MilestoneSettings = toml::from_str(&toml::to_string(&s).unwrap()).unwrap();
        assert_eq!(back, s);
        let s: MilestoneSettings = toml::from_str(r#"progress_margin = "12.5""#).unwrap();
        assert_eq!(s.progress_margin, Some(Decimal::new(125, 1)));
        let back: MilestoneSettings =
            serde_json::from_str(&serde_json::to_string(&s).unwrap()).unwrap();
        assert_eq!(back, s);
        assert!(toml::from_str::<MilestoneSettings>(r#"progress_margin = "of""#).is_err());
        assert!(serde_json::from_str::<MilestoneSettings>(r#"{"warning": 3}"#).is_err());
    }

    #[test]
    fn results_round_trip_through_json() {
        let m = Milestone::new("M-1", d(2016, 3, 4))
            .with_start(d(2016, 1, 1))
            .with_percent_complete(Decimal::from(10));
        let r = evaluate_milestone(&m, d(2016, 2, 1), &MilestoneSettings::default()).unwrap();
        let json = serde_json::to_string(&r).unwrap();
        assert_eq!(serde_json::from_str::<MilestoneResult>(&json).unwrap(), r);
        assert!(json.contains(r#""state":"AtRisk""#));
    }
}
