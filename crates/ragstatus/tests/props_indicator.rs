//! Property tests for values, direction of travel, summaries, indicators and definitions.

use std::collections::BTreeMap;

use proptest::prelude::*;
use ragstatus::direction::{StableBand, by_regression, compare};
use ragstatus::summary::{Summary, SummaryItem};
use ragstatus::{
    Aggregation, Decimal, Definitions, Direction, IndicatorResult, Observation, Polarity, Resolved,
    RollUp, Series, Status,
};

fn decimal() -> impl Strategy<Value = Decimal> {
    (-1_000_000i64..1_000_000, 0u32..4).prop_map(|(m, s)| Decimal::new(m, s))
}

fn status() -> impl Strategy<Value = Status> {
    prop::sample::select(Status::ALL.to_vec())
}

fn direction() -> impl Strategy<Value = Option<Direction>> {
    prop::option::of(prop::sample::select(Direction::ALL.to_vec()))
}

fn group() -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec(prop::sample::select(vec!["A", "B", "C"]), 0..3)
        .prop_map(|g| g.into_iter().map(String::from).collect())
}

fn items() -> impl Strategy<Value = Vec<SummaryItem>> {
    prop::collection::vec((group(), status(), direction()), 0..40).prop_map(|v| {
        v.into_iter()
            .enumerate()
            .map(|(i, (g, s, d))| SummaryItem::new(format!("I{i}"), g, s, d))
            .collect()
    })
}

fn rule() -> impl Strategy<Value = Option<RollUp>> {
    prop_oneof![
        Just(None),
        Just(Some(RollUp::Worst)),
        Just(Some(RollUp::Majority)),
        (0u32..=100, 0u32..=100).prop_map(|(g, r)| Some(RollUp::Share {
            green_from: Decimal::from(g),
            red_above: Decimal::from(r),
        })),
    ]
}

const POLARITIES: [&str; 3] = ["higher", "lower", "within"];

/// A definitions file from a few random choices; always valid.
fn definitions_text() -> impl Strategy<Value = String> {
    let one = (
        0usize..3,
        prop::sample::select(vec!["monthly", "quarterly", "half_yearly", "annual"]),
        prop::sample::select(vec!["sum", "ratio", "mean", "last", "max", "min"]),
        prop::sample::select(vec![
            "\"none\"",
            "{ absolute = \"2\" }",
            "{ relative = \"5.5\" }",
        ]),
        prop::option::of(0u32..4),
        prop::option::of(prop::sample::select(vec![
            "half_even",
            "half_away_from_zero",
        ])),
        1u32..100,
        prop::bool::ANY,
    );
    (prop::sample::select(vec![1u32, 4, 7, 10]), prop::collection::vec(one, 0..4)).prop_map(
        |(month, inds)| {
            let mut text = format!("[calendar]\nstart_month = {month}\n");
            let year = if month == 1 { "2015" } else { "2015/16" };
            for (i, (p, freq, agg, tol, dp, mode, t, stable)) in inds.into_iter().enumerate() {
                let polarity = POLARITIES[p];
                text.push_str(&format!(
                    "\n[[indicator]]\nid = \"X-{i}\"\nname = \"Indicator {i}\"\ngroup = [\"T{p}\"]\n\
                     unit = \"percent\"\npolarity = \"{polarity}\"\nfrequency = \"{freq}\"\n\
                     aggregation = \"{agg}\"\ntolerance = {tol}\n"
                ));
                if let Some(dp) = dp {
                    text.push_str(&format!("decimals = {dp}\n"));
                    if let Some(mode) = mode {
                        text.push_str(&format!("rounding = {{ decimals = {dp}, mode = \"{mode}\" }}\n"));
                    }
                }
                if stable {
                    text.push_str("direction = { compare = \"year_ago\", stable = { relative = \"1\" } }\n");
                }
                let target = if polarity == "within" {
                    format!("low = \"{t}\"\nhigh = \"{}\"", t + 10)
                } else {
                    format!("value = {t}.5")
                };
                text.push_str(&format!("[[indicator.target]]\nyear = \"{year}\"\n{target}\n"));
            }
            text
        },
    )
}

proptest! {
    #[test]
    fn summary_counts_add_up(items in items(), rule in rule()) {
        let s = Summary::build(&items, rule).unwrap();
        let o = &s.overall.counts;
        prop_assert_eq!(o.total, items.len());
        let by_status: usize = Status::ALL.iter().map(|st| o.of(*st)).sum();
        prop_assert_eq!(by_status, o.total);
        prop_assert_eq!(o.rated, o.red + o.amber + o.green + o.blue);
        prop_assert_eq!(o.improving + o.worsening + o.no_change + o.not_comparable + o.no_direction, o.total);
        for g in &s.groups {
            let n = items.iter().filter(|i| i.group.starts_with(&g.path)).count();
            prop_assert_eq!(g.counts.total, n);
            prop_assert_eq!(g.roll_up.is_some(), rule.is_some() && g.counts.rated > 0);
            if let Some(status) = g.roll_up {
                prop_assert!(status.is_rated());
            }
        }
        for g in s.groups.iter().chain(std::iter::once(&s.overall)) {
            match g.counts.percent_on_target {
                Some(p) => prop_assert!(p >= Decimal::ZERO && p <= Decimal::ONE_HUNDRED),
                None => prop_assert_eq!(g.counts.rated, 0),
            }
        }
    }

    #[test]
    fn direction_mirror_symmetry(a in prop::option::of(decimal()), c in prop::option::of(decimal()),
                                 band in decimal(), relative in prop::bool::ANY) {
        let band = if relative { StableBand::Relative(band.abs()) } else { StableBand::Absolute(band.abs()) };
        let up = compare(Polarity::Higher, a, c, None, band).unwrap();
        let down = compare(Polarity::Lower, a.map(|x| -x), c.map(|x| -x), None, band).unwrap();
        prop_assert_eq!(up.direction, down.direction);
        prop_assert_eq!(up.change, down.change);
        prop_assert_eq!(a.is_none() || c.is_none(), up.direction == Direction::NotComparable);
    }

    #[test]
    fn regression_mirror_symmetry(values in prop::collection::vec(prop::option::of(decimal()), 3..8),
                                  band in decimal()) {
        let band = StableBand::Absolute(band.abs());
        let negated: Vec<_> = values.iter().map(|v| v.map(|x| -x)).collect();
        let up = by_regression(Polarity::Higher, &values, None, band).unwrap();
        let down = by_regression(Polarity::Lower, &negated, None, band).unwrap();
        prop_assert_eq!(up.direction, down.direction);
    }

    /// The recent trend (SPEC §7): reversing the polarity mirrors the headline, with the same
    /// test, and any series (gaps, values given directly, counts above their denominators)
    /// evaluates without error. (The complement's symmetry is the core test's, in
    /// `props_groupstats`.)
    #[test]
    fn recent_trend_mirrors_with_the_polarity(
        points in prop::collection::vec(
            prop::option::of((0u32..2_000, 0u32..2_000, prop::bool::weighted(0.05))), 0..9),
    ) {
        let defs = |polarity: &str| {
            Definitions::from_toml_str(&format!(
                "[[indicator]]\nid = \"R\"\nunit = \"percent\"\npolarity = \"{polarity}\"\n\
                 frequency = \"annual\"\ndirection = {{ trend = \"recent\" }}\n"
            ))
            .unwrap()
        };
        let (higher, lower) = (defs("higher"), defs("lower"));
        let mut year = higher.calendar.parse("2010/11").unwrap();
        let mut series = Series::new();
        for p in &points {
            if let Some((x, n, as_value)) = *p {
                let (x, n) = (Decimal::from(x), Decimal::from(n));
                let o = if as_value {
                    Observation::value(x)
                } else {
                    Observation::fraction(x, n)
                };
                series.insert(year, o);
            }
            year = year.next().unwrap();
        }
        let last = year.previous().unwrap();
        let up = higher.indicators[0].evaluate(last, &series).unwrap();
        let down = lower.indicators[0].evaluate(last, &series).unwrap();
        let mirrored = |d: Direction| match d {
            Direction::Improving => Direction::Worsening,
            Direction::Worsening => Direction::Improving,
            other => other,
        };
        prop_assert_eq!(down.direction, mirrored(up.direction));
        prop_assert_eq!(
            up.recent_trend.as_ref().map(|t| (t.marker, t.chi_squared)),
            down.recent_trend.as_ref().map(|t| (t.marker, t.chi_squared))
        );
    }

    #[test]
    fn ratio_is_sum_over_sum(parts in prop::collection::vec((0u32..10_000, 1u32..10_000), 1..12)) {
        let obs: Vec<Observation> = parts
            .iter()
            .map(|(n, d)| Observation::fraction(Decimal::from(*n), Decimal::from(*d)))
            .collect();
        let n: u64 = parts.iter().map(|p| u64::from(p.0)).sum();
        let d: u64 = parts.iter().map(|p| u64::from(p.1)).sum();
        let expected = Decimal::from(n) * Decimal::ONE_HUNDRED / Decimal::from(d);
        let got = Aggregation::Ratio.aggregate(&obs, Decimal::ONE_HUNDRED).unwrap();
        prop_assert_eq!(got, Resolved::Value(expected));
    }

    #[test]
    fn definitions_round_trip(text in definitions_text()) {
        let defs = Definitions::from_toml_str(&text).unwrap();
        let json = defs.to_json_string().unwrap();
        prop_assert_eq!(&Definitions::from_json_str(&json).unwrap(), &defs);
        let toml = defs.to_toml_string().unwrap();
        prop_assert_eq!(&Definitions::from_toml_str(&toml).unwrap(), &defs);
        for indicator in &defs.indicators {
            let json = serde_json::to_string(indicator).unwrap();
            let back: ragstatus::Indicator = serde_json::from_str(&json).unwrap();
            prop_assert_eq!(&back, indicator);
        }
    }

    #[test]
    fn results_round_trip(text in definitions_text(),
                          values in prop::collection::vec(prop::option::of((0u32..500, 0u32..500)), 24),
                          kind in 0usize..4, index in 1u32..5) {
        let defs = Definitions::from_toml_str(&text).unwrap();
        let cal = defs.calendar;
        let start = 2014;
        // Two years of observations of every kind, numerators and denominators.
        let mut actuals: BTreeMap<String, Series> = BTreeMap::new();
        for ind in &defs.indicators {
            let mut series = Series::new();
            for (y, year) in [start, start + 1].into_iter().enumerate() {
                for k in ragstatus::PeriodKind::ALL {
                    for i in 1..=k.per_year() {
                        let slot = (y * 12 + usize::try_from(i).unwrap() - 1) % values.len();
                        if let Some((n, d)) = values[slot] {
                            let p = cal.period(year, k, i).unwrap();
                            series.insert(p, Observation::fraction(Decimal::from(n), Decimal::from(d)));
                        }
                    }
                }
            }
            actuals.insert(ind.id.clone(), series);
        }
        let kind = ragstatus::PeriodKind::ALL[kind];
        let period = cal.period(start + 1, kind, index.min(kind.per_year())).unwrap();
        let evaluation = defs.evaluate(period, &actuals);
        prop_assert!(evaluation.errors.is_empty(), "{:?}", evaluation.errors);
        for r in &evaluation.results {
            let json = serde_json::to_string(r).unwrap();
            let back: IndicatorResult = serde_json::from_str(&json).unwrap();
            prop_assert_eq!(&back, r);
            prop_assert_eq!(r.actual.is_none(), !matches!(r.status, Status::Red | Status::Amber | Status::Green | Status::Blue | Status::NoTarget));
        }
        let summary = evaluation.summary(Some(RollUp::Majority)).unwrap();
        prop_assert_eq!(summary.overall.counts.total, defs.indicators.len());
    }

    #[test]
    fn bare_numbers_are_read_exactly(m in any::<i64>(), scale in 0u32..20) {
        let d = Decimal::new(m, scale);
        let toml = format!("[[indicator]]\nid = \"A\"\npolarity = \"higher\"\n[[indicator.target]]\nvalue = {d}\n");
        let json = format!(r#"{{"indicator": [{{"id": "A", "polarity": "higher", "target": [{{"value": {d}}}]}}]}}"#);
        for defs in [Definitions::from_toml_str(&toml).unwrap(), Definitions::from_json_str(&json).unwrap()] {
            let target = defs.indicators[0].targets[0].target_for(1, 4).unwrap();
            prop_assert_eq!(target, Some(ragstatus::Target::Value(d)));
        }
    }

    #[test]
    fn parsing_arbitrary_text_never_panics(text in ".{0,200}") {
        let _ = Definitions::from_toml_str(&text);
        let _ = Definitions::from_json_str(&text);
    }

    #[test]
    fn parsing_mutated_definitions_never_panics(text in definitions_text(), at in 0usize..2000,
                                                 with in prop::sample::select(vec!["", "-", "\"", "]", "[", "=", "9e99", "x", "\n", "{", "1.5", "-0"])) {
        let mut cut = at.min(text.len());
        while !text.is_char_boundary(cut) { cut -= 1; }
        let mutated = format!("{}{}{}", &text[..cut], with, &text[(cut + 1).min(text.len())..]);
        let _ = Definitions::from_toml_str(&mutated);
        if let Ok(defs) = Definitions::from_toml_str(&text) {
            let json = defs.to_json_string().unwrap();
            let mut cut = at.min(json.len());
            while !json.is_char_boundary(cut) { cut -= 1; }
            let mutated = format!("{}{}{}", &json[..cut], with, &json[(cut + 1).min(json.len())..]);
            let _ = Definitions::from_json_str(&mutated);
        }
    }
}
