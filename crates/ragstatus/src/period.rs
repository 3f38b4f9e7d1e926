//! Fiscal calendars and reporting periods (SPEC §1).
//!
//! A [`FiscalCalendar`] says in which month the fiscal year starts (April by default, as in UK
//! local government; any month works). A [`Period`] is one month, quarter, half year or whole
//! year of such a calendar: `2015/16 Q3` is the third quarter of the fiscal year that starts on
//! 1 April 2015, i.e. 2015-10-01 … 2015-12-31.
//!
//! ```
//! use ragstatus::{FiscalCalendar, PeriodKind};
//! use chrono::NaiveDate;
//!
//! let calendar = FiscalCalendar::default(); // April
//! let q3 = calendar.parse("Q3 2015/16")?;
//! assert_eq!(q3.to_string(), "2015/16 Q3");
//! assert_eq!(Some(q3.first_date()), NaiveDate::from_ymd_opt(2015, 10, 1));
//! assert_eq!(Some(q3.last_date()), NaiveDate::from_ymd_opt(2015, 12, 31));
//! assert_eq!(q3.previous()?.to_string(), "2015/16 Q2");
//! assert_eq!(q3.year_ago()?.to_string(), "2014/15 Q3");
//! assert_eq!(q3.position(), (3, 4));
//!
//! // Year to date: 1 April to the end of Q3, and the whole months and quarters in it.
//! let ytd = q3.year_to_date();
//! assert_eq!(Some(ytd.first_date()), NaiveDate::from_ymd_opt(2015, 4, 1));
//! assert_eq!(ytd.months().count(), 9);
//! assert_eq!(ytd.periods(PeriodKind::Quarter).map(|q| q.to_string()).collect::<Vec<_>>(),
//!            ["2015/16 Q1", "2015/16 Q2", "2015/16 Q3"]);
//!
//! // A date maps to the periods that contain it.
//! let day = NaiveDate::from_ymd_opt(2016, 2, 29).ok_or("bad date")?;
//! assert_eq!(calendar.month_of(day)?.to_string(), "2015/16 M11");
//! assert_eq!(calendar.quarter_of(day)?.to_string(), "2015/16 Q4");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Labels
//!
//! A fiscal year that starts in any month but January spans two calendar years and is labelled
//! `2015/16`; a year that starts in January is labelled `2015`. Labels parse
//! ([`FiscalCalendar::parse`], [`Period::parse`]) in the forms
//!
//! | form | example | also |
//! | --- | --- | --- |
//! | year, then span | `2015/16 Q3` | `2015-16 Q3`, `2015/2016 Q3`, `2015–16 Q3` (en dash) |
//! | span, then year | `Q3 2015/16` | `Q3 FY2015/16` |
//! | with `FY` | `FY2015/16 Q3` | `FY 2015/16 Q3` |
//! | a year alone | `2015/16` | `FY2015/16` |
//! | January-start years | `2015 Q3` | `Q3 2015`, `FY2015 Q3`, `2015` |
//!
//! Spans are `M01`–`M12` (also `M1`–`M9`), `Q1`–`Q4` and `H1`–`H2`; M01 is the calendar's start
//! month. Parsing ignores case and surrounding or repeated whitespace. A two-year label must name
//! consecutive years (`2015/17` is an error), and must match the calendar: a `2015/16` label on a
//! January calendar, or a `2015` label on any other, is an [`ErrorKind::PeriodLabel`] error,
//! since it almost always means the wrong calendar was configured. Two-digit start years
//! (`15/16`) are not accepted: they are ambiguous across centuries.
//!
//! Periods render canonically as `2015/16 Q3`, `2015/16 M07`, `2015/16 H1`, `2015/16`, and for
//! January calendars `2015 Q3`.
//!
//! # Supported years
//!
//! Fiscal years whose start lies in the calendar years [`MIN_YEAR`]`..=`[`MAX_YEAR`] (1000 to
//! 9998), so that every label has four-digit years. Labels, dates and period arithmetic
//! ([`Period::next`], [`Period::year_ago`], ...) that would leave this range return an
//! [`ErrorKind::InvalidValue`] error instead of panicking or wrapping. Within the range, dates
//! ([`Period::first_date`], [`Period::last_date`]) are always valid and are infallible.
//!
//! # Ordering
//!
//! Periods of one calendar sort by their last day; periods that end on the same day sort shorter
//! first: `M01 < M02 < M03 < Q1 < M04 < … < M06 < Q2 < H1 < … < M12 < Q4 < H2 < year`. A sorted
//! list of periods therefore reads in the order a report would list them, and a sorted series of
//! one kind is chronological. Periods of different calendars sort by start month first (an
//! arbitrary but total order).
//!
//! # Serialization
//!
//! A period's label alone does not say which calendar it belongs to (`2015/16 Q3` is October to
//! December for an April calendar, January to March for a July one), so a [`Period`] serializes
//! as a self-contained object, `{ "start_month": 4, "label": "2015/16 Q3" }`, which round-trips
//! exactly. On deserialization the label may be in any accepted form and is checked against the
//! start month. Where only the label is wanted (a report column, a JSON map key), use
//! [`Period::label`] or the [`serialize_label`] helper; definitions that hold plain labels parse
//! them with their calendar via [`FiscalCalendar::parse`].
//!
//! A [`FiscalCalendar`] serializes as `{ "start_month": 4 }`; `{}` means the default, April.

use std::fmt;
use std::iter::FusedIterator;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::error::{Error, ErrorKind, Result};

/// The earliest supported start year of a fiscal year.
pub const MIN_YEAR: i32 = 1000;
/// The latest supported start year of a fiscal year (so that `9998/99` still has four-digit
/// years).
pub const MAX_YEAR: i32 = 9998;

const MONTH_NAMES: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

// ---------------------------------------------------------------------------------------------
// FiscalCalendar

/// A fiscal calendar: the year starts on the 1st of [`start_month`](FiscalCalendar::start_month).
///
/// The default starts in April. Serializes as `{ "start_month": 4 }`.
///
/// ```
/// use ragstatus::FiscalCalendar;
///
/// let july = FiscalCalendar::new(7)?;
/// assert_eq!(july.parse("2015-16 q1")?.to_string(), "2015/16 Q1");
/// assert_eq!(july.year(2015)?.first_date().to_string(), "2015-07-01");
/// assert!(FiscalCalendar::new(13).is_err());
///
/// let calendar_year = FiscalCalendar::JANUARY;
/// assert_eq!(calendar_year.parse("Q3 2015")?.to_string(), "2015 Q3");
/// # Ok::<(), ragstatus::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(try_from = "CalendarRepr", into = "CalendarRepr")]
pub struct FiscalCalendar {
    start_month: u8,
}

#[derive(Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
struct CalendarRepr {
    #[serde(default = "default_start_month")]
    start_month: u32,
}

fn default_start_month() -> u32 {
    4
}

impl TryFrom<CalendarRepr> for FiscalCalendar {
    type Error = Error;
    fn try_from(repr: CalendarRepr) -> Result<Self> {
        FiscalCalendar::from_repr(repr).map_err(crate::error::remember)
    }
}

impl FiscalCalendar {
    /// Builds the value from its serde form, validating it.
    fn from_repr(repr: CalendarRepr) -> Result<Self> {
        FiscalCalendar::new(repr.start_month)
    }
}

impl From<FiscalCalendar> for CalendarRepr {
    fn from(calendar: FiscalCalendar) -> Self {
        CalendarRepr {
            start_month: calendar.start_month(),
        }
    }
}

impl Default for FiscalCalendar {
    /// April, as in UK local government and the NHS.
    fn default() -> Self {
        FiscalCalendar::APRIL
    }
}

impl fmt::Display for FiscalCalendar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "fiscal years starting in {}", self.start_month_name())
    }
}

impl FiscalCalendar {
    /// Years start in January: fiscal year = calendar year, labelled `2015`.
    pub const JANUARY: FiscalCalendar = FiscalCalendar { start_month: 1 };
    /// Years start in April (UK government), labelled `2015/16`. The default.
    pub const APRIL: FiscalCalendar = FiscalCalendar { start_month: 4 };
    /// Years start in July (e.g. Australia, many US states and universities).
    pub const JULY: FiscalCalendar = FiscalCalendar { start_month: 7 };
    /// Years start in October (e.g. the US federal government).
    pub const OCTOBER: FiscalCalendar = FiscalCalendar { start_month: 10 };

    /// A calendar whose years start on the 1st of `start_month` (1 = January … 12 = December).
    ///
    /// A month outside 1..=12 is an [`ErrorKind::InvalidValue`] error on field `start_month`.
    pub fn new(start_month: u32) -> Result<FiscalCalendar> {
        match u8::try_from(start_month) {
            Ok(month @ 1..=12) => Ok(FiscalCalendar { start_month: month }),
            _ => Err(
                Error::invalid_value(start_month.to_string(), "a month number from 1 to 12")
                    .with_field("start_month"),
            ),
        }
    }

    /// The month (1 = January … 12 = December) on whose 1st every fiscal year starts.
    pub fn start_month(self) -> u32 {
        u32::from(self.start_month)
    }

    /// The English name of the start month: `"April"`.
    pub fn start_month_name(self) -> &'static str {
        MONTH_NAMES
            .get(usize::from(self.start_month).saturating_sub(1))
            .copied()
            .unwrap_or("?")
    }

    /// True when fiscal years are calendar years (they start in January) and so are labelled
    /// with one year (`2015`) rather than two (`2015/16`).
    pub fn is_calendar_year(self) -> bool {
        self.start_month == 1
    }

    /// Parses a period label with this calendar. See the [module docs](self) for the accepted
    /// forms; same as [`Period::parse`].
    pub fn parse(self, label: &str) -> Result<Period> {
        parse_label(label, self)
    }

    /// The period of `kind` numbered `index` (1-based: M01 = 1, Q3 = 3; 1 for a year) in the
    /// fiscal year starting in calendar year `start_year`.
    ///
    /// An index outside 1..=[`kind.per_year()`](PeriodKind::per_year) or a year outside
    /// [`MIN_YEAR`]`..=`[`MAX_YEAR`] is an [`ErrorKind::InvalidValue`] error.
    ///
    /// ```
    /// use ragstatus::{FiscalCalendar, PeriodKind};
    /// let p = FiscalCalendar::APRIL.period(2015, PeriodKind::Month, 11)?;
    /// assert_eq!(p.to_string(), "2015/16 M11");
    /// assert_eq!(p.first_date().to_string(), "2016-02-01");
    /// # Ok::<(), ragstatus::Error>(())
    /// ```
    pub fn period(self, start_year: i32, kind: PeriodKind, index: u32) -> Result<Period> {
        let index = match u8::try_from(index) {
            Ok(i) if i >= 1 && u32::from(i) <= kind.per_year() => i,
            _ => {
                return Err(Error::invalid_value(
                    index.to_string(),
                    format!("a {} number from 1 to {}", kind.as_str(), kind.per_year()),
                ));
            }
        };
        check_year(self, start_year)?;
        Ok(Period {
            start_month: self.start_month,
            year: start_year,
            kind,
            index,
        })
    }

    /// The whole fiscal year starting in calendar year `start_year`.
    pub fn year(self, start_year: i32) -> Result<Period> {
        self.period(start_year, PeriodKind::Year, 1)
    }

    /// Half `half` (1 or 2) of the fiscal year starting in `start_year`.
    pub fn half(self, start_year: i32, half: u32) -> Result<Period> {
        self.period(start_year, PeriodKind::Half, half)
    }

    /// Quarter `quarter` (1 to 4) of the fiscal year starting in `start_year`.
    pub fn quarter(self, start_year: i32, quarter: u32) -> Result<Period> {
        self.period(start_year, PeriodKind::Quarter, quarter)
    }

    /// Fiscal month `month` (1 to 12; 1 = the start month) of the year starting in `start_year`.
    pub fn month(self, start_year: i32, month: u32) -> Result<Period> {
        self.period(start_year, PeriodKind::Month, month)
    }

    /// The period of `kind` that contains `date`.
    ///
    /// A date whose fiscal year lies outside the supported range is an
    /// [`ErrorKind::InvalidValue`] error.
    pub fn period_of(self, date: NaiveDate, kind: PeriodKind) -> Result<Period> {
        let (start_year, offset) = self.locate(date)?;
        let index = offset / kind.months_u8() + 1;
        Ok(Period {
            start_month: self.start_month,
            year: start_year,
            kind,
            index,
        })
    }

    /// The fiscal month containing `date`.
    pub fn month_of(self, date: NaiveDate) -> Result<Period> {
        self.period_of(date, PeriodKind::Month)
    }

    /// The quarter containing `date`.
    pub fn quarter_of(self, date: NaiveDate) -> Result<Period> {
        self.period_of(date, PeriodKind::Quarter)
    }

    /// The half year containing `date`.
    pub fn half_of(self, date: NaiveDate) -> Result<Period> {
        self.period_of(date, PeriodKind::Half)
    }

    /// The fiscal year containing `date`.
    pub fn year_of(self, date: NaiveDate) -> Result<Period> {
        self.period_of(date, PeriodKind::Year)
    }

    /// The fiscal start year of `date` and its month offset (0..12) within that year.
    fn locate(self, date: NaiveDate) -> Result<(i32, u8)> {
        let month = date.month();
        let start = u32::from(self.start_month);
        let start_year = if month >= start {
            Some(date.year())
        } else {
            date.year().checked_sub(1)
        };
        let offset = u8::try_from((month + 12 - start) % 12).unwrap_or(0);
        match start_year {
            Some(year) if (MIN_YEAR..=MAX_YEAR).contains(&year) => Ok((year, offset)),
            _ => Err(Error::invalid_value(
                date.to_string(),
                format!("a date in {}", supported_range(self)),
            )),
        }
    }
}

fn supported_range(calendar: FiscalCalendar) -> String {
    if calendar.is_calendar_year() {
        format!("the years {MIN_YEAR} to {MAX_YEAR}")
    } else {
        format!(
            "the fiscal years {MIN_YEAR}/{:02} to {MAX_YEAR}/{:02}",
            (MIN_YEAR + 1) % 100,
            (MAX_YEAR + 1) % 100
        )
    }
}

fn check_year(calendar: FiscalCalendar, start_year: i32) -> Result<()> {
    if (MIN_YEAR..=MAX_YEAR).contains(&start_year) {
        Ok(())
    } else {
        Err(Error::invalid_value(
            format!("fiscal year starting in {start_year}"),
            supported_range(calendar),
        ))
    }
}

// ---------------------------------------------------------------------------------------------
// PeriodKind

/// The length of a period: a month, quarter, half year or whole year.
///
/// Serializes as `"month"`, `"quarter"`, `"half"`, `"year"`; also reads the frequency words
/// `"monthly"`, `"quarterly"`, `"half_yearly"` (or `"half-yearly"`) and `"annual"` (or
/// `"yearly"`), so that an indicator's reporting frequency can be written either way. Ordered
/// shortest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PeriodKind {
    /// One month: M01–M12.
    #[serde(alias = "monthly")]
    Month,
    /// Three months: Q1–Q4.
    #[serde(alias = "quarterly")]
    Quarter,
    /// Six months: H1–H2.
    #[serde(alias = "half_yearly", alias = "half-yearly")]
    Half,
    /// Twelve months: the whole fiscal year.
    #[serde(alias = "annual", alias = "yearly")]
    Year,
}

impl PeriodKind {
    /// Every kind, shortest first.
    pub const ALL: [PeriodKind; 4] = [
        PeriodKind::Month,
        PeriodKind::Quarter,
        PeriodKind::Half,
        PeriodKind::Year,
    ];

    /// How many months a period of this kind lasts: 1, 3, 6 or 12.
    pub fn months(self) -> u32 {
        u32::from(self.months_u8())
    }

    fn months_u8(self) -> u8 {
        match self {
            PeriodKind::Month => 1,
            PeriodKind::Quarter => 3,
            PeriodKind::Half => 6,
            PeriodKind::Year => 12,
        }
    }

    /// How many periods of this kind make a year: 12, 4, 2 or 1.
    pub fn per_year(self) -> u32 {
        12 / self.months()
    }

    pub(crate) fn per_year_u8(self) -> u8 {
        12 / self.months_u8()
    }

    fn plural(self) -> &'static str {
        match self {
            PeriodKind::Month => "months",
            PeriodKind::Quarter => "quarters",
            PeriodKind::Half => "halves",
            PeriodKind::Year => "years",
        }
    }

    /// The lowercase name: `month`, `quarter`, `half`, `year`.
    pub fn as_str(self) -> &'static str {
        match self {
            PeriodKind::Month => "month",
            PeriodKind::Quarter => "quarter",
            PeriodKind::Half => "half",
            PeriodKind::Year => "year",
        }
    }
}

impl fmt::Display for PeriodKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for PeriodKind {
    type Err = Error;
    /// Parses `month`, `quarter`, `half` or `year`, or the frequency words `monthly`,
    /// `quarterly`, `half_yearly` (`half-yearly`), `annual` (`yearly`), ignoring case.
    fn from_str(s: &str) -> Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "month" | "monthly" => Ok(PeriodKind::Month),
            "quarter" | "quarterly" => Ok(PeriodKind::Quarter),
            "half" | "half_yearly" | "half-yearly" => Ok(PeriodKind::Half),
            "year" | "annual" | "yearly" => Ok(PeriodKind::Year),
            _ => Err(Error::invalid_value(
                s,
                "one of month, quarter, half, year (or monthly, quarterly, half_yearly, annual)",
            )),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Period

/// One month, quarter, half year or whole year of a [`FiscalCalendar`].
///
/// A period is a small `Copy` value (8 bytes) carrying its calendar's start month, the calendar
/// year in which its fiscal year starts, and its kind and index. Build one with
/// [`FiscalCalendar::parse`], [`FiscalCalendar::period`] (and `year`, `half`, `quarter`,
/// `month`), or from a date with [`FiscalCalendar::period_of`] (and `month_of`, ...).
///
/// Displays as its canonical label (`2015/16 Q3`). See the [module docs](self) for ordering and
/// serialization.
///
/// ```
/// use ragstatus::{FiscalCalendar, Period};
///
/// let calendar = FiscalCalendar::default();
/// let m12 = Period::parse("fy2015/16 m12", &calendar)?;
/// assert_eq!(m12.label(), "2015/16 M12");
/// assert_eq!(m12.next()?.label(), "2016/17 M01");
/// assert_eq!(m12.fiscal_year().label(), "2015/16");
/// assert_eq!(m12.last_date().to_string(), "2016-03-31");
/// # Ok::<(), ragstatus::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "PeriodRepr", into = "PeriodRepr")]
pub struct Period {
    start_month: u8,
    /// Calendar year in which the fiscal year starts; always within MIN_YEAR..=MAX_YEAR.
    year: i32,
    kind: PeriodKind,
    /// 1-based, within 1..=kind.per_year().
    index: u8,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct PeriodRepr {
    start_month: u32,
    label: String,
}

impl TryFrom<PeriodRepr> for Period {
    type Error = Error;
    fn try_from(repr: PeriodRepr) -> Result<Self> {
        Period::from_repr(repr).map_err(crate::error::remember)
    }
}

impl Period {
    /// Builds the value from its serde form, validating it.
    fn from_repr(repr: PeriodRepr) -> Result<Self> {
        FiscalCalendar::new(repr.start_month)?.parse(&repr.label)
    }
}

impl From<Period> for PeriodRepr {
    fn from(period: Period) -> Self {
        PeriodRepr {
            start_month: u32::from(period.start_month),
            label: period.label(),
        }
    }
}

/// The period a report of these data covers by default: the latest period with data, of the
/// length most indicators report in. A quarterly report with one monthly and one annual
/// indicator is a report of the latest quarter, not of the latest month or year; between
/// lengths used by as many indicators, the shorter wins. `rows` are the (indicator id,
/// period) of every value; none when there are none.
///
/// ```
/// use ragstatus::FiscalCalendar;
/// use ragstatus::period::latest_reported;
///
/// let c = FiscalCalendar::default();
/// let rows = [
///     ("SW-01", c.parse("2015/16 Q2")?),
///     ("SW-01", c.parse("2015/16 Q3")?),
///     ("LW-04", c.parse("2015/16 Q3")?),
///     ("AW-02", c.parse("2015/16 M08")?), // one monthly indicator, later than Q3's start
///     ("AW-09", c.parse("2015/16")?),
/// ];
/// assert_eq!(latest_reported(rows).map(|p| p.to_string()).as_deref(), Some("2015/16 Q3"));
/// assert_eq!(latest_reported([("A", c.parse("2015/16 M08")?), ("B", c.parse("2015/16 Q1")?)])
///     .map(|p| p.to_string()).as_deref(), Some("2015/16 M08"));
/// assert_eq!(latest_reported(std::iter::empty::<(&str, _)>()), None);
/// # Ok::<(), ragstatus::Error>(())
/// ```
pub fn latest_reported<'a>(rows: impl IntoIterator<Item = (&'a str, Period)>) -> Option<Period> {
    let mut users: std::collections::BTreeMap<PeriodKind, std::collections::HashSet<&str>> =
        std::collections::BTreeMap::new();
    let mut latest: std::collections::HashMap<PeriodKind, Period> =
        std::collections::HashMap::new();
    for (indicator, period) in rows {
        users.entry(period.kind()).or_default().insert(indicator);
        latest
            .entry(period.kind())
            .and_modify(|p| {
                if period.last_date() > p.last_date() {
                    *p = period;
                }
            })
            .or_insert(period);
    }
    let kind = users
        .iter()
        .max_by_key(|(kind, ids)| (ids.len(), std::cmp::Reverse(**kind)))
        .map(|(kind, _)| *kind)?;
    latest.get(&kind).copied()
}

/// Serializes a [`Period`] as its canonical label alone (`"2015/16 Q3"`), for use with
/// `#[serde(serialize_with = "ragstatus::period::serialize_label")]` where the calendar is known
/// from elsewhere (a report column, a map key). There is no matching deserializer, since the
/// label does not carry the calendar: parse such labels with [`FiscalCalendar::parse`].
pub fn serialize_label<S: serde::Serializer>(
    period: &Period,
    serializer: S,
) -> std::result::Result<S::Ok, S::Error> {
    serializer.collect_str(period)
}

impl PartialOrd for Period {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Period {
    /// By calendar, then by last day, then shorter first (see the module docs).
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        // Two periods of one kind and calendar (the usual pair) end in the order of their
        // (year, index): the same order without working out their last months.
        if self.start_month == other.start_month && self.kind == other.kind {
            return (self.year, self.index).cmp(&(other.year, other.index));
        }
        self.sort_key().cmp(&other.sort_key())
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.start_month == 1 {
            write!(f, "{}", self.year)?;
        } else {
            write!(f, "{}/{:02}", self.year, (self.year + 1).rem_euclid(100))?;
        }
        match self.kind {
            PeriodKind::Month => write!(f, " M{:02}", self.index),
            PeriodKind::Quarter => write!(f, " Q{}", self.index),
            PeriodKind::Half => write!(f, " H{}", self.index),
            PeriodKind::Year => Ok(()),
        }
    }
}

impl Period {
    /// Parses a period label with `calendar`; same as [`FiscalCalendar::parse`].
    ///
    /// A label in none of the accepted forms (see the [module docs](self)), with non-consecutive
    /// years, or whose year form does not match the calendar (`2015/16` on a January calendar,
    /// `2015` on any other) is an [`ErrorKind::PeriodLabel`] error naming the label. A
    /// well-formed label whose year is outside [`MIN_YEAR`]`..=`[`MAX_YEAR`] is an
    /// [`ErrorKind::InvalidValue`] error. Parsing never panics.
    ///
    /// ```
    /// use ragstatus::{ErrorKind, FiscalCalendar, Period};
    /// let april = FiscalCalendar::default();
    /// for label in ["2015/16 Q3", "Q3 2015/16", "2015-16 q3", "2015/2016 Q3", "FY2015/16 Q3"] {
    ///     assert_eq!(Period::parse(label, &april)?.label(), "2015/16 Q3");
    /// }
    /// let err = Period::parse("2015/17 Q3", &april).unwrap_err();
    /// assert!(matches!(err.kind(), ErrorKind::PeriodLabel { .. }));
    /// # Ok::<(), ragstatus::Error>(())
    /// ```
    pub fn parse(label: &str, calendar: &FiscalCalendar) -> Result<Period> {
        parse_label(label, *calendar)
    }

    /// The canonical label: `2015/16 Q3`, `2015/16 M07`, `2015/16 H1`, `2015/16`; for January
    /// calendars `2015 Q3`. Same as `to_string()`.
    pub fn label(self) -> String {
        // Written digit by digit (labels are made for every result: the formatting machinery
        // was a measurable part of `ragstatus evaluate`); the same text as `Display`.
        let mut out = String::with_capacity(12);
        let digit = |d: i32| char::from(b'0' + d.rem_euclid(10) as u8);
        if !(MIN_YEAR..=MAX_YEAR).contains(&self.year) || self.index > 99 {
            return self.to_string();
        }
        for place in [1000, 100, 10, 1] {
            out.push(digit(self.year / place));
        }
        if self.start_month != 1 {
            let next = (self.year + 1).rem_euclid(100);
            out.push('/');
            out.push(digit(next / 10));
            out.push(digit(next));
        }
        let index = i32::from(self.index);
        match self.kind {
            PeriodKind::Month => {
                out.push_str(" M");
                out.push(digit(index / 10));
                out.push(digit(index));
            }
            PeriodKind::Quarter | PeriodKind::Half => {
                out.push_str(if self.kind == PeriodKind::Quarter {
                    " Q"
                } else {
                    " H"
                });
                if index >= 10 {
                    out.push(digit(index / 10));
                }
                out.push(digit(index));
            }
            PeriodKind::Year => {}
        }
        out
    }

    /// The calendar this period belongs to.
    pub fn calendar(self) -> FiscalCalendar {
        FiscalCalendar {
            start_month: self.start_month,
        }
    }

    /// The calendar year in which this period's fiscal year starts (2015 for `2015/16 Q4`).
    pub fn start_year(self) -> i32 {
        self.year
    }

    /// The calendar year in which this period's fiscal year ends (2016 for `2015/16 Q1`; the
    /// same as [`start_year`](Period::start_year) for January calendars).
    pub fn end_year(self) -> i32 {
        if self.start_month == 1 {
            self.year
        } else {
            self.year + 1
        }
    }

    /// Month, quarter, half or year.
    pub fn kind(self) -> PeriodKind {
        self.kind
    }

    /// The 1-based number of this period within its fiscal year: 3 for Q3, 11 for M11, 1 for a
    /// year.
    pub fn index(self) -> u32 {
        u32::from(self.index)
    }

    /// The position in the year as `(k, n)`: period `k` of `n` of its kind (Q3 → `(3, 4)`,
    /// M11 → `(11, 12)`, a year → `(1, 1)`). An `even` target profile gives the YTD target at the
    /// end of period k of n as annual × k / n.
    pub fn position(self) -> (u32, u32) {
        (self.index(), self.kind.per_year())
    }

    /// The number of months from the start of the fiscal year to the end of this period (9 for
    /// Q3, 5 for M05, 12 for H2): the length of its [year to date](Period::year_to_date).
    pub fn months_to_date(self) -> u32 {
        self.index() * self.kind.months()
    }

    /// True for the last period of its kind in the year (M12, Q4, H2, the year).
    pub fn is_year_end(self) -> bool {
        self.index == self.kind.per_year_u8()
    }

    /// Zero-based month offsets (from the year's start) of this period's first and last months.
    fn month_offsets(self) -> (u8, u8) {
        let len = self.kind.months_u8();
        let last = self.index * len - 1;
        (last + 1 - len, last)
    }

    /// The calendar (year, month) of the month `offset` (0..12) months into the fiscal year.
    fn calendar_month(self, offset: u8) -> (i32, u32) {
        let zero_based = u32::from(self.start_month) - 1 + u32::from(offset);
        (self.year + i32::from(zero_based >= 12), zero_based % 12 + 1)
    }

    /// The first day of the period.
    pub fn first_date(self) -> NaiveDate {
        let (year, month) = self.calendar_month(self.month_offsets().0);
        ymd(year, month, 1)
    }

    /// The last day of the period.
    pub fn last_date(self) -> NaiveDate {
        let (year, month) = self.calendar_month(self.month_offsets().1);
        let (next_year, next_month) = if month == 12 {
            (year + 1, 1)
        } else {
            (year, month + 1)
        };
        ymd(next_year, next_month, 1)
            .pred_opt()
            .unwrap_or(NaiveDate::MAX)
    }

    /// The number of days in the period (92 for `2015/16 Q3`; 29 for a leap February).
    pub fn days(self) -> u32 {
        let days = self
            .last_date()
            .signed_duration_since(self.first_date())
            .num_days();
        u32::try_from(days.saturating_add(1)).unwrap_or(0)
    }

    /// True when `date` lies within the period (first and last day included).
    pub fn contains(self, date: NaiveDate) -> bool {
        self.first_date() <= date && date <= self.last_date()
    }

    /// True when `other` lies wholly within this period and belongs to the same calendar
    /// (a period contains itself; `2015/16 H1` contains `2015/16 Q2` and `2015/16 M06`).
    pub fn contains_period(self, other: Period) -> bool {
        if self.start_month != other.start_month || self.year != other.year {
            return false;
        }
        let (first, last) = self.month_offsets();
        let (other_first, other_last) = other.month_offsets();
        first <= other_first && other_last <= last
    }

    /// The period of `kind` that contains this one, if `kind` is at least as long (the quarter
    /// of a month: `2015/16 M08` → `2015/16 Q3`). `None` when `kind` is shorter.
    pub fn enclosing(self, kind: PeriodKind) -> Option<Period> {
        if kind < self.kind {
            return None;
        }
        let first = self.month_offsets().0;
        Some(Period {
            kind,
            index: first / kind.months_u8() + 1,
            ..self
        })
    }

    /// The period of `kind` that ends on the same day as this one, if any. For an indicator
    /// reported every `kind`, this says whether a value falls due at the end of this period
    /// (`2015/16 M06` ends Q2 and H1; `2015/16 M05` ends no quarter) and, for a shorter `kind`,
    /// which one is the latest (`2015/16 Q2` ends with `2015/16 M06`).
    ///
    /// ```
    /// use ragstatus::{FiscalCalendar, PeriodKind};
    /// let cal = FiscalCalendar::default();
    /// let m06 = cal.parse("2015/16 M06")?;
    /// assert_eq!(m06.period_ending(PeriodKind::Half).map(|p| p.label()), Some("2015/16 H1".into()));
    /// assert_eq!(cal.parse("2015/16 M05")?.period_ending(PeriodKind::Quarter), None);
    /// assert_eq!(cal.parse("2015/16 Q2")?.period_ending(PeriodKind::Month), Some(m06));
    /// # Ok::<(), ragstatus::Error>(())
    /// ```
    pub fn period_ending(self, kind: PeriodKind) -> Option<Period> {
        let months = self.month_offsets().1 + 1;
        let len = kind.months_u8();
        (months % len == 0).then_some(Period {
            kind,
            index: months / len,
            ..self
        })
    }

    /// The whole fiscal year this period sits in.
    pub fn fiscal_year(self) -> Period {
        Period {
            kind: PeriodKind::Year,
            index: 1,
            ..self
        }
    }

    /// The period `steps` periods of the same kind later (earlier when negative), across year
    /// boundaries: `2015/16 Q4` offset 1 is `2016/17 Q1`.
    ///
    /// Leaving the supported years is an [`ErrorKind::InvalidValue`] error.
    pub fn offset(self, steps: i64) -> Result<Period> {
        let per_year = i64::from(self.kind.per_year_u8());
        let out_of_range = || {
            Error::invalid_value(
                format!("{self} {steps:+} {}", self.kind.plural()),
                format!("a period in {}", supported_range(self.calendar())),
            )
            .with_period(self.label())
        };
        let absolute = i64::from(self.year)
            .checked_mul(per_year)
            .and_then(|a| a.checked_add(i64::from(self.index) - 1))
            .and_then(|a| a.checked_add(steps))
            .ok_or_else(out_of_range)?;
        let year = i32::try_from(absolute.div_euclid(per_year)).map_err(|_| out_of_range())?;
        let index = u8::try_from(absolute.rem_euclid(per_year) + 1).map_err(|_| out_of_range())?;
        if !(MIN_YEAR..=MAX_YEAR).contains(&year) {
            return Err(out_of_range());
        }
        Ok(Period {
            year,
            index,
            ..self
        })
    }

    /// The period just before this one (of the same kind): `2015/16 Q1` → `2014/15 Q4`.
    pub fn previous(self) -> Result<Period> {
        // Within the year (every period but a year's first): the general offset's answer
        // without its divisions, which a frame pays for every row.
        if self.index > 1 {
            return Ok(Period {
                index: self.index - 1,
                ..self
            });
        }
        self.offset(-1)
    }

    /// The period just after this one (of the same kind): `2015/16 M12` → `2016/17 M01`.
    pub fn next(self) -> Result<Period> {
        self.offset(1)
    }

    /// The same period a year before: `2015/16 Q3` → `2014/15 Q3`.
    pub fn year_ago(self) -> Result<Period> {
        // The same index a year before, while that year is supported: the general offset's
        // answer without its divisions.
        if self.year > MIN_YEAR {
            return Ok(Period {
                year: self.year - 1,
                ..self
            });
        }
        self.offset(-i64::from(self.kind.per_year_u8()))
    }

    /// A small number that tells apart the periods of one kind near each other (four years of
    /// months): a slot in a cache of few periods, not an identity.
    pub(crate) fn near_slot(self) -> usize {
        (usize::try_from(self.year.unsigned_abs()).unwrap_or(0) << 4) | usize::from(self.index)
    }

    /// How many periods of this kind `later` is after this one (negative when it is before),
    /// or `None` when the two differ in calendar or kind. `p.offset(n)?.steps_to(p) == -n`.
    pub fn steps_to(self, later: Period) -> Option<i64> {
        if self.start_month != later.start_month || self.kind != later.kind {
            return None;
        }
        let per_year = i64::from(self.kind.per_year_u8());
        let years = i64::from(later.year) - i64::from(self.year);
        Some(years * per_year + i64::from(later.index) - i64::from(self.index))
    }

    /// The span from the start of the fiscal year to the end of this period.
    pub fn year_to_date(self) -> YearToDate {
        YearToDate { end: self }
    }

    /// The periods of `kind` that this period contains, in order (empty when `kind` is
    /// longer): the months of a quarter, the quarters of a year.
    pub fn periods(self, kind: PeriodKind) -> Periods {
        let (first, last) = self.month_offsets();
        let len = kind.months_u8();
        if kind > self.kind {
            return Periods::empty(self, kind);
        }
        Periods {
            template: Period {
                kind,
                index: 1,
                ..self
            },
            front: first / len + 1,
            back: (last + 1) / len + 1,
        }
    }

    /// The months this period contains, in order (for rolling months up into quarters).
    pub fn months(self) -> Periods {
        self.periods(PeriodKind::Month)
    }

    /// Sorting key: calendar, fiscal year, end month, length (see the module docs).
    fn sort_key(self) -> (u8, i32, u8, u8) {
        (
            self.start_month,
            self.year,
            self.month_offsets().1,
            self.kind.months_u8(),
        )
    }
}

/// A date from parts known to be valid (years are kept within MIN_YEAR..=MAX_YEAR + 1, months
/// within 1..=12). The fallback is unreachable and exists only so that library code cannot panic.
fn ymd(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).unwrap_or(NaiveDate::MIN)
}

// ---------------------------------------------------------------------------------------------
// Periods iterator

/// An iterator over consecutive periods of one kind within one fiscal year, as returned by
/// [`Period::periods`], [`Period::months`] and [`YearToDate::periods`].
#[derive(Debug, Clone)]
pub struct Periods {
    template: Period,
    /// Next index to yield from the front.
    front: u8,
    /// One past the last index to yield.
    back: u8,
}

impl Periods {
    fn empty(template: Period, kind: PeriodKind) -> Periods {
        Periods {
            template: Period {
                kind,
                index: 1,
                ..template
            },
            front: 1,
            back: 1,
        }
    }

    fn at(&self, index: u8) -> Period {
        Period {
            index,
            ..self.template
        }
    }
}

impl Iterator for Periods {
    type Item = Period;

    fn next(&mut self) -> Option<Period> {
        if self.front >= self.back {
            return None;
        }
        let period = self.at(self.front);
        self.front += 1;
        Some(period)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = usize::from(self.back.saturating_sub(self.front));
        (n, Some(n))
    }
}

impl DoubleEndedIterator for Periods {
    fn next_back(&mut self) -> Option<Period> {
        if self.front >= self.back {
            return None;
        }
        self.back -= 1;
        Some(self.at(self.back))
    }
}

impl ExactSizeIterator for Periods {}

impl FusedIterator for Periods {}

// ---------------------------------------------------------------------------------------------
// YearToDate

/// The year-to-date span that ends with a period: from the first day of its fiscal year to the
/// last day of the period (SPEC §1). Made by [`Period::year_to_date`].
///
/// Displays as `YTD to 2015/16 Q3`; serializes as `{ "end": <period> }`.
///
/// ```
/// use ragstatus::{FiscalCalendar, PeriodKind};
/// let m05 = FiscalCalendar::default().parse("2015/16 M05")?;
/// let ytd = m05.year_to_date();
/// assert_eq!(ytd.to_string(), "YTD to 2015/16 M05");
/// assert_eq!((ytd.first_date().to_string(), ytd.last_date().to_string()),
///            ("2015-04-01".to_string(), "2015-08-31".to_string()));
/// assert_eq!(ytd.month_count(), 5);
/// // Only whole quarters: Q2 is not complete at the end of M05.
/// assert_eq!(ytd.periods(PeriodKind::Quarter).map(|q| q.label()).collect::<Vec<_>>(),
///            ["2015/16 Q1"]);
/// # Ok::<(), ragstatus::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct YearToDate {
    end: Period,
}

impl fmt::Display for YearToDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "YTD to {}", self.end)
    }
}

impl YearToDate {
    /// The period the span ends with.
    pub fn end(self) -> Period {
        self.end
    }

    /// The fiscal year the span lies in.
    pub fn fiscal_year(self) -> Period {
        self.end.fiscal_year()
    }

    /// The first day of the fiscal year.
    pub fn first_date(self) -> NaiveDate {
        self.end.fiscal_year().first_date()
    }

    /// The last day of the end period.
    pub fn last_date(self) -> NaiveDate {
        self.end.last_date()
    }

    /// The number of months in the span (1 to 12).
    pub fn month_count(self) -> u32 {
        self.end.months_to_date()
    }

    /// True when the span is the whole fiscal year.
    pub fn is_whole_year(self) -> bool {
        self.end.is_year_end()
    }

    /// True when `date` lies within the span.
    pub fn contains(self, date: NaiveDate) -> bool {
        self.first_date() <= date && date <= self.last_date()
    }

    /// True when `period` lies wholly within the span (same calendar and fiscal year, ending no
    /// later than the span).
    pub fn contains_period(self, period: Period) -> bool {
        period.start_month == self.end.start_month
            && period.year == self.end.year
            && period.month_offsets().1 <= self.end.month_offsets().1
    }

    /// The whole periods of `kind` within the span, in order. A period that has only begun is
    /// left out: at the end of M05 the quarters are `[Q1]`.
    pub fn periods(self, kind: PeriodKind) -> Periods {
        let count = self.end.month_offsets().1 + 1;
        Periods {
            template: Period {
                kind,
                index: 1,
                ..self.end
            },
            front: 1,
            back: count / kind.months_u8() + 1,
        }
    }

    /// The months of the span, in order.
    pub fn months(self) -> Periods {
        self.periods(PeriodKind::Month)
    }

    /// The whole quarters of the span, in order.
    pub fn quarters(self) -> Periods {
        self.periods(PeriodKind::Quarter)
    }
}

// ---------------------------------------------------------------------------------------------
// Parsing

/// The year part of a label.
#[derive(Debug, Clone, Copy)]
enum YearForm {
    /// `2015`: a January-start year.
    Single(i32),
    /// `2015/16`, `2015-16`, `2015/2016`: the start year of a two-year label.
    Double(i32),
}

fn parse_label(label: &str, calendar: FiscalCalendar) -> Result<Period> {
    let bad = || {
        Error::new(ErrorKind::PeriodLabel {
            label: label.to_string(),
        })
    };
    let upper = label.to_ascii_uppercase();
    let mut tokens = upper.split_whitespace();
    let mut year: Option<YearForm> = None;
    let mut span: Option<(PeriodKind, u8)> = None;
    while let Some(token) = tokens.next() {
        let year_text = if token == "FY" {
            Some(tokens.next().ok_or_else(bad)?)
        } else if let Some(rest) = token.strip_prefix("FY") {
            Some(rest)
        } else if token.starts_with(|c: char| c.is_ascii_digit()) {
            Some(token)
        } else {
            None
        };
        match year_text {
            Some(text) => {
                if year.is_some() {
                    return Err(bad());
                }
                year = Some(parse_year(text).ok_or_else(bad)?);
            }
            None => {
                if span.is_some() {
                    return Err(bad());
                }
                span = Some(parse_span(token).ok_or_else(bad)?);
            }
        }
    }
    let year = match (year, calendar.is_calendar_year()) {
        (Some(YearForm::Single(y)), true) | (Some(YearForm::Double(y)), false) => y,
        _ => return Err(bad()),
    };
    let (kind, index) = span.unwrap_or((PeriodKind::Year, 1));
    check_year(calendar, year).map_err(|e| e.with_period(label))?;
    Ok(Period {
        start_month: calendar.start_month,
        year,
        kind,
        index,
    })
}

/// Exactly `len` ASCII digits, as a number.
fn digits(text: &str, len: usize) -> Option<i32> {
    if text.len() == len && text.bytes().all(|b| b.is_ascii_digit()) {
        text.parse().ok()
    } else {
        None
    }
}

fn parse_year(text: &str) -> Option<YearForm> {
    match text.split_once(['/', '-', '–']) {
        None => digits(text, 4).map(YearForm::Single),
        Some((first, second)) => {
            let start = digits(first, 4)?;
            let consecutive = match second.len() {
                2 => digits(second, 2)? == (start + 1) % 100,
                4 => digits(second, 4)? == start + 1,
                _ => false,
            };
            consecutive.then_some(YearForm::Double(start))
        }
    }
}

fn parse_span(token: &str) -> Option<(PeriodKind, u8)> {
    let mut chars = token.chars();
    let kind = match chars.next()? {
        'M' => PeriodKind::Month,
        'Q' => PeriodKind::Quarter,
        'H' => PeriodKind::Half,
        _ => return None,
    };
    let rest = chars.as_str();
    let number = match kind {
        PeriodKind::Month => digits(rest, 1).or_else(|| digits(rest, 2))?,
        _ => digits(rest, 1)?,
    };
    let index = u8::try_from(number).ok()?;
    (index >= 1 && index <= kind.per_year_u8()).then_some((kind, index))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn label_is_the_display_text() {
        for month in [1, 4, 7, 12] {
            let cal = FiscalCalendar::new(month).unwrap();
            for year in (MIN_YEAR..=MAX_YEAR)
                .step_by(7)
                .chain([1999, 2000, 2099, MAX_YEAR])
            {
                for kind in PeriodKind::ALL {
                    for index in 1..=kind.per_year() {
                        let p = cal.period(year, kind, index).unwrap();
                        assert_eq!(p.label(), p.to_string());
                    }
                }
            }
        }
    }

    #[test]
    fn ordering_reads_like_a_report() {
        let cal = FiscalCalendar::APRIL;
        let mut periods: Vec<Period> = ["2015/16", "2015/16 H1", "2015/16 Q2", "2015/16 M03"]
            .into_iter()
            .chain(["2015/16 Q1", "2015/16 M01", "2015/16 H2", "2014/15 M12"])
            .map(|l| cal.parse(l).unwrap())
            .collect();
        periods.sort();
        let labels: Vec<String> = periods.iter().map(|p| p.label()).collect();
        assert_eq!(
            labels,
            [
                "2014/15 M12",
                "2015/16 M01",
                "2015/16 M03",
                "2015/16 Q1",
                "2015/16 Q2",
                "2015/16 H1",
                "2015/16 H2",
                "2015/16"
            ]
        );
    }

    #[test]
    fn serde_round_trips_with_calendar() {
        let july = FiscalCalendar::JULY;
        let p = july.parse("2015/16 Q3").unwrap();
        let json = serde_json::to_string(&p).unwrap();
        assert_eq!(json, r#"{"start_month":7,"label":"2015/16 Q3"}"#);
        let back: Period = serde_json::from_str(&json).unwrap();
        assert_eq!(back, p);
        assert_eq!(back.first_date(), date("2016-01-01"));
        let lenient: Period =
            serde_json::from_str(r#"{"start_month":7,"label":"q3 fy2015-2016"}"#).unwrap();
        assert_eq!(lenient, p);
        assert!(serde_json::from_str::<Period>(r#"{"start_month":1,"label":"2015/16"}"#).is_err());
        assert!(serde_json::from_str::<Period>(r#""2015/16 Q3""#).is_err());
        assert!(
            serde_json::from_str::<Period>(r#"{"start_month":4,"label":"2015/16","x":1}"#).is_err()
        );
    }

    #[test]
    fn calendar_serde() {
        let cal: FiscalCalendar = serde_json::from_str(r#"{"start_month":10}"#).unwrap();
        assert_eq!(cal, FiscalCalendar::OCTOBER);
        let default: FiscalCalendar = serde_json::from_str("{}").unwrap();
        assert_eq!(default, FiscalCalendar::APRIL);
        assert_eq!(
            serde_json::to_string(&FiscalCalendar::JANUARY).unwrap(),
            r#"{"start_month":1}"#
        );
        assert!(serde_json::from_str::<FiscalCalendar>(r#"{"start_month":0}"#).is_err());
        assert!(serde_json::from_str::<FiscalCalendar>(r#"{"start_month":13}"#).is_err());
        assert!(serde_json::from_str::<FiscalCalendar>(r#"{"month":4}"#).is_err());
    }

    #[test]
    fn serialize_label_helper() {
        #[derive(Serialize)]
        struct Row {
            #[serde(serialize_with = "serialize_label")]
            period: Period,
        }
        let period = FiscalCalendar::JANUARY.quarter(2015, 3).unwrap();
        assert_eq!(
            serde_json::to_string(&Row { period }).unwrap(),
            r#"{"period":"2015 Q3"}"#
        );
    }

    #[test]
    fn ytd_serde_and_display() {
        let ytd = FiscalCalendar::APRIL.year(2015).unwrap().year_to_date();
        assert_eq!(ytd.to_string(), "YTD to 2015/16");
        let json = serde_json::to_string(&ytd).unwrap();
        assert_eq!(json, r#"{"end":{"start_month":4,"label":"2015/16"}}"#);
        assert_eq!(serde_json::from_str::<YearToDate>(&json).unwrap(), ytd);
        assert!(ytd.is_whole_year());
        assert_eq!(ytd.quarters().len(), 4);
        assert_eq!(ytd.periods(PeriodKind::Year).len(), 1);
    }

    #[test]
    fn enclosing_and_contains_period() {
        let cal = FiscalCalendar::APRIL;
        let m08 = cal.month(2015, 8).unwrap();
        assert_eq!(
            m08.enclosing(PeriodKind::Quarter).unwrap().label(),
            "2015/16 Q3"
        );
        assert_eq!(
            m08.enclosing(PeriodKind::Half).unwrap().label(),
            "2015/16 H2"
        );
        assert_eq!(m08.enclosing(PeriodKind::Month), Some(m08));
        let q3 = cal.quarter(2015, 3).unwrap();
        assert_eq!(q3.enclosing(PeriodKind::Month), None);
        assert!(q3.contains_period(m08));
        assert!(!m08.contains_period(q3));
        assert!(!q3.contains_period(cal.month(2016, 8).unwrap()));
        assert!(!q3.contains_period(FiscalCalendar::JULY.month(2015, 8).unwrap()));
        assert_eq!(q3.periods(PeriodKind::Half).len(), 0);
        let h2 = cal.half(2015, 2).unwrap();
        let quarters: Vec<String> = h2.periods(PeriodKind::Quarter).map(|p| p.label()).collect();
        assert_eq!(quarters, ["2015/16 Q3", "2015/16 Q4"]);
        let months: Vec<String> = h2.months().rev().map(|p| p.label()).collect();
        assert_eq!(months.first().unwrap(), "2015/16 M12");
        assert_eq!(months.len(), 6);
    }

    #[test]
    fn one_kinds_order_is_the_general_order() {
        let kinds = [
            PeriodKind::Month,
            PeriodKind::Quarter,
            PeriodKind::Half,
            PeriodKind::Year,
        ];
        let cal = FiscalCalendar::new(7).unwrap();
        for kind in kinds {
            let all: Vec<Period> = (2014..2017)
                .flat_map(|y| (1..=u32::from(kind.per_year_u8())).map(move |i| (y, i)))
                .map(|(y, i)| cal.period(y, kind, i).unwrap())
                .collect();
            for a in &all {
                for b in &all {
                    assert_eq!(a.cmp(b), a.sort_key().cmp(&b.sort_key()), "{a} {b}");
                }
            }
        }
    }

    #[test]
    fn previous_and_year_ago_are_the_general_offsets() {
        let kinds = [
            PeriodKind::Month,
            PeriodKind::Quarter,
            PeriodKind::Half,
            PeriodKind::Year,
        ];
        for start in [1, 4, 10] {
            let cal = FiscalCalendar::new(start).unwrap();
            for kind in kinds {
                let per_year = kind.per_year_u8();
                for year in [MIN_YEAR, MIN_YEAR + 1, 2015, MAX_YEAR - 1, MAX_YEAR] {
                    for index in 1..=u32::from(per_year) {
                        let p = cal.period(year, kind, index).unwrap();
                        assert_eq!(p.previous().ok(), p.offset(-1).ok(), "{p}");
                        let back = -i64::from(per_year);
                        assert_eq!(p.year_ago().ok(), p.offset(back).ok(), "{p}");
                    }
                }
            }
        }
    }

    #[test]
    fn limits_are_errors_not_panics() {
        let cal = FiscalCalendar::APRIL;
        let last = cal.month(MAX_YEAR, 12).unwrap();
        assert_eq!(last.label(), "9998/99 M12");
        assert_eq!(last.last_date(), date("9999-03-31"));
        let err = last.next().unwrap_err();
        assert_eq!(
            err.to_string(),
            "period 9998/99 M12: \"9998/99 M12 +1 months\" is not valid; expected a period in \
             the fiscal years 1000/01 to 9998/99"
        );
        let first = cal.year(MIN_YEAR).unwrap();
        assert!(first.previous().is_err());
        assert!(first.year_ago().is_err());
        assert!(first.offset(i64::MIN).is_err());
        assert!(first.offset(i64::MAX).is_err());
        assert!(cal.year(MAX_YEAR + 1).is_err());
        assert!(cal.year(i32::MIN).is_err());
        assert!(cal.month_of(NaiveDate::MAX).is_err());
        assert!(cal.month_of(NaiveDate::MIN).is_err());
        assert!(cal.month_of(date("1000-03-31")).is_err());
        assert_eq!(
            cal.month_of(date("1000-04-01")).unwrap().label(),
            "1000/01 M01"
        );
        assert!(cal.period(2015, PeriodKind::Quarter, 5).is_err());
        assert!(cal.period(2015, PeriodKind::Quarter, 0).is_err());
        assert!(cal.period(2015, PeriodKind::Month, 256 + 3).is_err());
        assert!(matches!(
            cal.parse("9999/00 Q1").unwrap_err().kind(),
            ErrorKind::InvalidValue { .. }
        ));
        assert_eq!(cal.parse("1999/00").unwrap().label(), "1999/00");
        let jan = FiscalCalendar::JANUARY;
        assert_eq!(
            jan.month_of(date("9998-12-31")).unwrap().label(),
            "9998 M12"
        );
        assert!(jan.month_of(date("9999-01-01")).is_err());
    }

    #[test]
    fn steps_to_and_offset() {
        let cal = FiscalCalendar::OCTOBER;
        let a = cal.quarter(2015, 3).unwrap();
        let b = a.offset(6).unwrap();
        assert_eq!(b.label(), "2017/18 Q1");
        assert_eq!(a.steps_to(b), Some(6));
        assert_eq!(b.steps_to(a), Some(-6));
        assert_eq!(a.steps_to(a.fiscal_year()), None);
        assert_eq!(
            a.steps_to(FiscalCalendar::APRIL.quarter(2015, 3).unwrap()),
            None
        );
    }

    #[test]
    fn calendar_basics() {
        assert_eq!(FiscalCalendar::default().start_month(), 4);
        assert_eq!(FiscalCalendar::OCTOBER.start_month_name(), "October");
        assert_eq!(
            FiscalCalendar::JULY.to_string(),
            "fiscal years starting in July"
        );
        let err = FiscalCalendar::new(0).unwrap_err();
        assert_eq!(err.location().field.as_deref(), Some("start_month"));
        assert_eq!(
            "Quarter".parse::<PeriodKind>().unwrap(),
            PeriodKind::Quarter
        );
        assert!("weekly".parse::<PeriodKind>().is_err());
        assert_eq!(
            "Half-Yearly".parse::<PeriodKind>().unwrap(),
            PeriodKind::Half
        );
        assert_eq!("annual".parse::<PeriodKind>().unwrap(), PeriodKind::Year);
        for kind in PeriodKind::ALL {
            assert_eq!(kind.as_str().parse::<PeriodKind>().unwrap(), kind);
            let json = serde_json::to_string(&kind).unwrap();
            assert_eq!(json, format!("\"{kind}\""));
            assert_eq!(serde_json::from_str::<PeriodKind>(&json).unwrap(), kind);
        }
        assert_eq!(
            serde_json::from_str::<PeriodKind>("\"quarterly\"").unwrap(),
            PeriodKind::Quarter
        );
        let p = FiscalCalendar::APRIL.month(2015, 11).unwrap();
        assert_eq!(p.days(), 29);
        assert_eq!(p.start_year(), 2015);
        assert_eq!(p.end_year(), 2016);
        assert_eq!(FiscalCalendar::JANUARY.year(2015).unwrap().end_year(), 2015);
        assert_eq!(p.months_to_date(), 11);
        assert_eq!(std::mem::size_of::<Period>(), 8);
    }

    #[test]
    fn label_error_names_label() {
        let err = FiscalCalendar::APRIL.parse("2015 Q3").unwrap_err();
        assert_eq!(
            err.kind(),
            &ErrorKind::PeriodLabel {
                label: "2015 Q3".into()
            }
        );
        assert!(err.to_string().contains("\"2015 Q3\""));
        assert!(err.to_string().contains("2015/16 Q3"));
    }
}
