//! Property tests for fiscal periods (SPEC §1).

use chrono::{Datelike, Days, NaiveDate};
use proptest::prelude::*;
use ragstatus::period::{MAX_YEAR, MIN_YEAR};
use ragstatus::{FiscalCalendar, Period, PeriodKind};

fn calendar() -> impl Strategy<Value = FiscalCalendar> {
    (1u32..=12).prop_map(|m| FiscalCalendar::new(m).unwrap())
}

fn kind() -> impl Strategy<Value = PeriodKind> {
    prop::sample::select(PeriodKind::ALL.to_vec())
}

/// Any supported period, with years concentrated near today and near both limits.
fn period() -> impl Strategy<Value = Period> {
    let year = prop_oneof![
        2 => 1990i32..=2040,
        1 => MIN_YEAR..=MAX_YEAR,
        1 => MIN_YEAR..=MIN_YEAR + 2,
        1 => MAX_YEAR - 2..=MAX_YEAR,
    ];
    (calendar(), year, kind(), 1u32..=12).prop_map(|(cal, year, kind, i)| {
        let index = (i - 1) % kind.per_year() + 1;
        cal.period(year, kind, index).unwrap()
    })
}

/// Any date whose fiscal year is supported by every calendar.
fn date() -> impl Strategy<Value = NaiveDate> {
    let lo = NaiveDate::from_ymd_opt(MIN_YEAR + 1, 1, 1).unwrap();
    let hi = NaiveDate::from_ymd_opt(MAX_YEAR, 12, 31).unwrap();
    let span = (hi - lo).num_days() as u64;
    prop_oneof![
        (0..=span).prop_map(move |d| lo + Days::new(d)),
        // Around leap days and year ends, where off-by-one errors live.
        (2000i32..2030, 0u64..70)
            .prop_map(|(y, d)| { NaiveDate::from_ymd_opt(y, 1, 1).unwrap() + Days::new(d + 20) }),
        (2000i32..2030, 0u64..10)
            .prop_map(|(y, d)| { NaiveDate::from_ymd_opt(y, 12, 27).unwrap() + Days::new(d) }),
    ]
}

/// The same day a year before, with 29 February mapping to 28 February.
fn year_before(d: NaiveDate) -> NaiveDate {
    d.with_year(d.year() - 1)
        .unwrap_or_else(|| NaiveDate::from_ymd_opt(d.year() - 1, 2, 28).unwrap())
}

proptest! {
    #[test]
    fn parse_render_round_trip(p in period()) {
        prop_assert_eq!(p.calendar().parse(&p.label()).unwrap(), p);
        prop_assert_eq!(Period::parse(&p.label().to_lowercase(), &p.calendar()).unwrap(), p);
        let json = serde_json::to_string(&p).unwrap();
        prop_assert_eq!(serde_json::from_str::<Period>(&json).unwrap(), p);
    }

    #[test]
    fn every_accepted_form_parses_to_the_same_period(p in period()) {
        let canonical = p.label();
        let (year, span) = match canonical.split_once(' ') {
            Some((y, s)) => (y.to_string(), Some(s.to_string())),
            None => (canonical.clone(), None),
        };
        let mut years = vec![year.clone(), format!("FY{year}"), format!("fy {year}")];
        if !p.calendar().is_calendar_year() {
            let end = p.start_year() + 1;
            years.push(format!("{}-{:02}", p.start_year(), end % 100));
            years.push(format!("{}/{end}", p.start_year()));
        }
        for y in years {
            let forms = match &span {
                Some(s) => vec![format!("{y} {s}"), format!("{s} {y}"), format!(" {s}  {y} ")],
                None => vec![y.clone()],
            };
            for form in forms {
                prop_assert_eq!(p.calendar().parse(&form).ok(), Some(p), "form {:?}", form);
            }
        }
    }

    #[test]
    fn next_and_previous_are_inverse(p in period()) {
        if let Ok(n) = p.next() {
            prop_assert_eq!(n.previous().unwrap(), p);
            prop_assert!(p < n);
            prop_assert_eq!(p.steps_to(n), Some(1));
        }
        if let Ok(q) = p.previous() {
            prop_assert_eq!(q.next().unwrap(), p);
        }
    }

    #[test]
    fn next_starts_the_day_after_last(p in period()) {
        if let Ok(n) = p.next() {
            prop_assert_eq!(n.first_date(), p.last_date().succ_opt().unwrap());
            prop_assert_eq!(n.kind(), p.kind());
        }
        prop_assert!(p.first_date() <= p.last_date());
        prop_assert!(p.contains(p.first_date()) && p.contains(p.last_date()));
        prop_assert!(!p.contains(p.first_date().pred_opt().unwrap()));
        prop_assert!(!p.contains(p.last_date().succ_opt().unwrap()));
    }

    #[test]
    fn months_tile_the_period(p in period()) {
        let months: Vec<Period> = p.months().collect();
        prop_assert_eq!(months.len() as u32, p.kind().months());
        prop_assert_eq!(months.first().unwrap().first_date(), p.first_date());
        prop_assert_eq!(months.last().unwrap().last_date(), p.last_date());
        for pair in months.windows(2) {
            prop_assert_eq!(pair[0].next().unwrap(), pair[1]);
        }
        for m in &months {
            prop_assert!(p.contains_period(*m));
            prop_assert_eq!(m.enclosing(p.kind()), Some(p));
        }
        let days: u32 = months.iter().map(|m| m.days()).sum();
        prop_assert_eq!(days, p.days());
    }

    #[test]
    fn every_date_maps_into_a_period_containing_it(cal in calendar(), d in date(), k in kind()) {
        let p = cal.period_of(d, k).unwrap();
        prop_assert!(p.contains(d));
        prop_assert_eq!(p.kind(), k);
        prop_assert_eq!(p.calendar(), cal);
        prop_assert!(p.year_to_date().contains(d));
        prop_assert_eq!(cal.month_of(d).unwrap().enclosing(k), Some(p));
        prop_assert_eq!(cal.year_of(d).unwrap(), p.fiscal_year());
    }

    #[test]
    fn year_ago_shifts_dates_by_one_year(p in period()) {
        if let Ok(a) = p.year_ago() {
            prop_assert_eq!(a.kind(), p.kind());
            prop_assert_eq!(a.index(), p.index());
            prop_assert_eq!(a.start_year(), p.start_year() - 1);
            prop_assert_eq!(a.first_date(), year_before(p.first_date()));
            prop_assert_eq!(a.last_date().succ_opt().unwrap(),
                            year_before(p.last_date().succ_opt().unwrap()));
            prop_assert_eq!(p.steps_to(a), Some(-i64::from(p.kind().per_year())));
        }
    }

    #[test]
    fn year_to_date_runs_from_year_start_to_period_end(p in period()) {
        let ytd = p.year_to_date();
        prop_assert_eq!(ytd.first_date(), p.fiscal_year().first_date());
        prop_assert_eq!(ytd.last_date(), p.last_date());
        let months: Vec<Period> = ytd.months().collect();
        prop_assert_eq!(months.len() as u32, ytd.month_count());
        prop_assert_eq!(months.first().unwrap().first_date(), ytd.first_date());
        prop_assert_eq!(months.last().unwrap().last_date(), ytd.last_date());
        let (k, n) = p.position();
        prop_assert_eq!(ytd.month_count() * n, 12 * k);
        for q in ytd.quarters() {
            prop_assert!(ytd.contains_period(q));
            prop_assert!(q.last_date() <= ytd.last_date());
        }
        // Only whole quarters: the next one would run past the span's end.
        let next_quarter = ytd.quarters().next_back().map_or(1, |q| q.index() + 1);
        prop_assert!(next_quarter * 3 > ytd.month_count());
    }

    #[test]
    fn period_ending_ends_on_the_same_day(p in period(), k in kind()) {
        match p.period_ending(k) {
            Some(q) => {
                prop_assert_eq!(q.kind(), k);
                prop_assert_eq!(q.last_date(), p.last_date());
            }
            None => {
                prop_assert!(k > p.kind());
                let enclosing = p.enclosing(k).unwrap();
                prop_assert!(enclosing.last_date() > p.last_date());
            }
        }
    }

    #[test]
    fn ordering_matches_end_date_then_length(a in period(), b in period()) {
        if a.calendar() == b.calendar() {
            let key = |p: Period| (p.last_date(), p.kind());
            prop_assert_eq!(a.cmp(&b), key(a).cmp(&key(b)));
        }
    }

    #[test]
    fn parsing_never_panics(s in "\\PC{0,24}") {
        for m in [1, 4, 7, 10] {
            let _ = FiscalCalendar::new(m).unwrap().parse(&s);
        }
    }

    #[test]
    fn parsing_label_like_strings_never_panics(
        s in "(FY|fy| )?[0-9]{1,5}([-/–][0-9]{0,5})? ?([MQHmqh][0-9+]{0,3})?"
    ) {
        for m in [1, 4, 12] {
            if let Ok(p) = FiscalCalendar::new(m).unwrap().parse(&s) {
                prop_assert_eq!(p.calendar().parse(&p.label()).unwrap(), p);
            }
        }
    }

    #[test]
    fn offsets_never_panic(p in period(), steps in prop_oneof![-200i64..200, any::<i64>()]) {
        if let Ok(q) = p.offset(steps) {
            prop_assert_eq!(p.steps_to(q), Some(steps));
        }
    }
}
