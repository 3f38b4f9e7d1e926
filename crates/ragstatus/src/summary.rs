//! Summaries: counts of statuses and directions per group and overall, the percent on target,
//! and group roll-up statuses (SPEC §9).
//!
//! A [`Summary`] is built from [`SummaryItem`]s — one per evaluated indicator: its group path,
//! status and (optional) direction of travel. Every level of a group path is a group: items in
//! `["Start Well", "Children's Services"]` count in the group `["Start Well"]` and in the group
//! `["Start Well", "Children's Services"]`. Items with an empty path count only overall.
//!
//! - **Percent on target** = Green + Blue as a percent of the *rated* items (Red, Amber, Green,
//!   Blue), exact ([`Counts::percent_on_target`]; none when nothing is rated). For display use
//!   [`Counts::percent_on_target_rounded`], which rounds half away from zero, as a spreadsheet
//!   would (66.666… → 66.7 at one decimal place).
//! - **Roll-up status** ([`RollUp`]), from the rated items only (NoData, NoTarget and NotDue
//!   never count):
//!   - `worst`: the worst rated status (Red < Amber < Green < Blue);
//!   - `majority`: the most frequent rated status; a tie is resolved towards the *worse* of the
//!     tied statuses (a report should not flatter), so two Green and two Red give Red;
//!   - `share`: Red if more than `red_above` percent of rated items are Red; otherwise Green if
//!     at least `green_from` percent are Green or Blue; otherwise Amber. Red is tested first; the
//!     order only matters when `green_from + red_above < 100`, where both could hold.
//!
//!   A group with no rated items has **no** roll-up status (`None`): it is neither a success nor
//!   a failure.
//!
//! ```
//! use ragstatus::summary::{RollUp, Summary, SummaryItem};
//! use ragstatus::Status;
//! use rust_decimal_macros::dec;
//!
//! let items = vec![
//!     SummaryItem::new("A", ["Start Well"], Status::Green, None),
//!     SummaryItem::new("B", ["Start Well"], Status::Red, None),
//!     SummaryItem::new("C", ["Live Well"], Status::NoData, None),
//! ];
//! let summary = Summary::build(&items, Some(RollUp::Worst))?;
//! assert_eq!(summary.overall.counts.rated, 2);
//! assert_eq!(summary.overall.counts.percent_on_target, Some(dec!(50)));
//! assert_eq!(summary.group(&["Start Well"]).and_then(|g| g.roll_up), Some(Status::Red));
//! // "Live Well" is a group, but with nothing rated it has no roll-up.
//! assert_eq!(summary.group(&["Live Well"]).map(|g| g.roll_up), Some(None));
//! # Ok::<(), ragstatus::Error>(())
//! ```

use std::collections::BTreeMap;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

use crate::direction::Direction;
use crate::error::{Error, Result};
use crate::status::Status;

/// One evaluated item to summarise.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SummaryItem {
    /// The indicator id.
    pub id: String,
    /// Its group path (theme, then directorate, ...), outermost first.
    #[serde(default)]
    pub group: Vec<String>,
    /// Its status.
    pub status: Status,
    /// Its direction of travel, if one was judged.
    #[serde(default)]
    pub direction: Option<Direction>,
}

impl SummaryItem {
    /// The item for an evaluated indicator: its id, group, status and headline direction (none
    /// when not due).
    pub fn from_result(result: &crate::indicator::IndicatorResult) -> Self {
        SummaryItem {
            id: result.id.clone(),
            group: result.group.clone(),
            status: result.status,
            direction: (result.status != Status::NotDue).then_some(result.direction),
        }
    }

    /// An item.
    pub fn new<G, S>(
        id: impl Into<String>,
        group: G,
        status: Status,
        direction: Option<Direction>,
    ) -> Self
    where
        G: IntoIterator<Item = S>,
        S: Into<String>,
    {
        SummaryItem {
            id: id.into(),
            group: group.into_iter().map(Into::into).collect(),
            status,
            direction,
        }
    }
}

/// Counts of statuses and directions.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Counts {
    /// All items.
    pub total: usize,
    /// Items rated Red, Amber, Green or Blue.
    pub rated: usize,
    /// Red items.
    pub red: usize,
    /// Amber items.
    pub amber: usize,
    /// Green items.
    pub green: usize,
    /// Blue items.
    pub blue: usize,
    /// NoData items.
    pub no_data: usize,
    /// NoTarget items.
    pub no_target: usize,
    /// NotDue items.
    pub not_due: usize,
    /// Items improving.
    pub improving: usize,
    /// Items worsening.
    pub worsening: usize,
    /// Items with no change.
    pub no_change: usize,
    /// Items whose direction is not comparable.
    pub not_comparable: usize,
    /// Items with no direction judged.
    pub no_direction: usize,
    /// Green and Blue as a percent of rated items, exact; none when nothing is rated.
    pub percent_on_target: Option<Decimal>,
}

impl Counts {
    fn add(&mut self, status: Status, direction: Option<Direction>) {
        self.total += 1;
        if status.is_rated() {
            self.rated += 1;
        }
        *self.status_mut(status) += 1;
        match direction {
            Some(Direction::Improving) => self.improving += 1,
            Some(Direction::Worsening) => self.worsening += 1,
            Some(Direction::NoChange) => self.no_change += 1,
            Some(Direction::NotComparable) => self.not_comparable += 1,
            None => self.no_direction += 1,
        }
    }

    fn status_mut(&mut self, status: Status) -> &mut usize {
        match status {
            Status::Red => &mut self.red,
            Status::Amber => &mut self.amber,
            Status::Green => &mut self.green,
            Status::Blue => &mut self.blue,
            Status::NoData => &mut self.no_data,
            Status::NoTarget => &mut self.no_target,
            Status::NotDue => &mut self.not_due,
        }
    }

    /// The count of one status.
    pub fn of(&self, status: Status) -> usize {
        match status {
            Status::Red => self.red,
            Status::Amber => self.amber,
            Status::Green => self.green,
            Status::Blue => self.blue,
            Status::NoData => self.no_data,
            Status::NoTarget => self.no_target,
            Status::NotDue => self.not_due,
        }
    }

    /// Green plus Blue.
    pub fn on_target(&self) -> usize {
        self.green.saturating_add(self.blue)
    }

    fn finish(&mut self) -> Result<()> {
        self.percent_on_target = percent(self.on_target(), self.rated)?;
        Ok(())
    }

    /// The percent on target rounded half away from zero to `decimals` places, for display.
    pub fn percent_on_target_rounded(&self, decimals: u32) -> Option<Decimal> {
        self.percent_on_target
            .map(|p| p.round_dp_with_strategy(decimals, RoundingStrategy::MidpointAwayFromZero))
    }

    /// The roll-up status by `rule`; none when nothing is rated.
    pub fn roll_up(&self, rule: RollUp) -> Result<Option<Status>> {
        if self.rated == 0 {
            return Ok(None);
        }
        let rated = [Status::Red, Status::Amber, Status::Green, Status::Blue];
        Ok(Some(match rule {
            RollUp::Worst => rated
                .into_iter()
                .find(|s| self.of(*s) > 0)
                .unwrap_or(Status::Red),
            RollUp::Majority => {
                // Scanning worst first and replacing only on a strictly larger count keeps the
                // worse status on a tie.
                let mut best = Status::Red;
                let mut best_count = 0;
                for s in rated {
                    if self.of(s) > best_count {
                        best = s;
                        best_count = self.of(s);
                    }
                }
                best
            }
            RollUp::Share {
                green_from,
                red_above,
            } => {
                let red_pct = percent(self.red, self.rated)?.unwrap_or(Decimal::ZERO);
                let green_pct = percent(self.on_target(), self.rated)?.unwrap_or(Decimal::ZERO);
                if red_pct > red_above {
                    Status::Red
                } else if green_pct >= green_from {
                    Status::Green
                } else {
                    Status::Amber
                }
            }
        }))
    }
}

fn percent(part: usize, whole: usize) -> Result<Option<Decimal>> {
    if whole == 0 {
        return Ok(None);
    }
    Decimal::from(part)
        .checked_mul(Decimal::ONE_HUNDRED)
        .and_then(|x| x.checked_div(Decimal::from(whole)))
        .map(|p| Some(p.normalize()))
        .ok_or_else(|| Error::overflow("percent on target"))
}

/// The rule that gives a group its roll-up status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum RollUp {
    /// The worst rated status.
    Worst,
    /// The most frequent rated status; ties go to the worse status.
    Majority,
    /// Red above a share of Red, Green from a share of Green/Blue, else Amber.
    Share {
        /// Green when at least this percent of rated items are Green or Blue.
        green_from: Decimal,
        /// Red when more than this percent of rated items are Red.
        red_above: Decimal,
    },
}

impl RollUp {
    /// Checks that the shares of a `share` rule lie between 0 and 100.
    pub fn validate(&self) -> Result<()> {
        if let RollUp::Share {
            green_from,
            red_above,
        } = *self
        {
            for (v, field) in [(green_from, "green_from"), (red_above, "red_above")] {
                if v < Decimal::ZERO || v > Decimal::ONE_HUNDRED {
                    return Err(
                        Error::invalid_value(v.to_string(), "a percent between 0 and 100")
                            .with_field(field),
                    );
                }
            }
        }
        Ok(())
    }
}

/// The summary of one group (or of everything).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupSummary {
    /// The group path; empty for the overall summary.
    pub path: Vec<String>,
    /// The counts.
    pub counts: Counts,
    /// The roll-up status, when a rule was asked for and something is rated.
    pub roll_up: Option<Status>,
}

/// Counts per group and overall.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Summary {
    /// Every item.
    pub overall: GroupSummary,
    /// Every group at every level of the paths seen, sorted by path (a parent before its
    /// children).
    pub groups: Vec<GroupSummary>,
}

impl Summary {
    /// Summarises `items`, with roll-up statuses by `rule` when given.
    pub fn build(items: &[SummaryItem], rule: Option<RollUp>) -> Result<Summary> {
        if let Some(rule) = rule {
            rule.validate()?;
        }
        let mut overall = Counts::default();
        let mut groups: BTreeMap<Vec<String>, Counts> = BTreeMap::new();
        for item in items {
            overall.add(item.status, item.direction);
            for depth in 1..=item.group.len() {
                let path = item.group.get(..depth).unwrap_or_default().to_vec();
                groups
                    .entry(path)
                    .or_default()
                    .add(item.status, item.direction);
            }
        }
        let finish = |path: Vec<String>, mut counts: Counts| -> Result<GroupSummary> {
            counts.finish()?;
            let roll_up = match rule {
                Some(rule) => counts.roll_up(rule)?,
                None => None,
            };
            Ok(GroupSummary {
                path,
                counts,
                roll_up,
            })
        };
        let overall = finish(Vec::new(), overall)?;
        let groups = groups
            .into_iter()
            .map(|(path, counts)| finish(path, counts))
            .collect::<Result<Vec<_>>>()?;
        Ok(Summary { overall, groups })
    }

    /// The summary of the group with this exact path.
    pub fn group<S: AsRef<str>>(&self, path: &[S]) -> Option<&GroupSummary> {
        self.groups.iter().find(|g| {
            g.path.len() == path.len() && g.path.iter().zip(path).all(|(a, b)| a == b.as_ref())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn counts(statuses: &[Status]) -> Counts {
        let mut c = Counts::default();
        for s in statuses {
            c.add(*s, None);
        }
        c.finish().unwrap();
        c
    }

    #[test]
    fn majority_tie_goes_to_worse() {
        let c = counts(&[Status::Green, Status::Green, Status::Amber, Status::Amber]);
        assert_eq!(c.roll_up(RollUp::Majority).unwrap(), Some(Status::Amber));
    }

    #[test]
    fn share_rule() {
        let rule = RollUp::Share {
            green_from: dec!(75),
            red_above: dec!(20),
        };
        let c = counts(&[Status::Green, Status::Green, Status::Blue, Status::Amber]);
        assert_eq!(c.roll_up(rule).unwrap(), Some(Status::Green));
        let c = counts(&[
            Status::Green,
            Status::Green,
            Status::Red,
            Status::Amber,
            Status::NoData,
        ]);
        assert_eq!(c.roll_up(rule).unwrap(), Some(Status::Red));
        assert_eq!(counts(&[Status::NotDue]).roll_up(rule).unwrap(), None);
    }
}
