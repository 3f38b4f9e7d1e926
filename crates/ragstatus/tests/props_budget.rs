//! Property tests for budget variance, amounts and the CSV readers.

use proptest::prelude::*;
use ragstatus::budget::{
    AmountUnit, BudgetCsvOptions, BudgetLine, BudgetSettings, LevelThresholds, LineKind,
    RatingBase, Threshold, evaluate_line, parse_amount, read_budget_csv, roll_up,
};
use ragstatus::milestone::{MilestoneCsvOptions, parse_date, read_milestones_csv};
use ragstatus::{Decimal, Status};

/// Pounds and pence up to £100m.
fn money() -> impl Strategy<Value = Decimal> {
    (0i64..10_000_000_000).prop_map(|pence| Decimal::new(pence, 2))
}

fn kind() -> impl Strategy<Value = LineKind> {
    prop_oneof![
        Just(LineKind::Expenditure),
        Just(LineKind::Income),
        Just(LineKind::Net)
    ]
}

fn threshold() -> impl Strategy<Value = Threshold> {
    let percent = (0i64..2000).prop_map(|p| Decimal::new(p, 2));
    let absolute = (0i64..50_000_000).prop_map(|p| Decimal::new(p, 2));
    prop_oneof![
        Just(Threshold::Any),
        percent.clone().prop_map(Threshold::Percent),
        absolute.clone().prop_map(Threshold::Absolute),
        (percent.clone(), absolute.clone())
            .prop_map(|(percent, absolute)| Threshold::Either { percent, absolute }),
        (percent, absolute).prop_map(|(percent, absolute)| Threshold::Both { percent, absolute }),
    ]
}

fn level() -> impl Strategy<Value = LevelThresholds> {
    (threshold(), threshold(), proptest::option::of(threshold())).prop_map(
        |(amber, red, underspend)| LevelThresholds {
            name: "service".into(),
            amber,
            red,
            underspend,
            underspend_amber: false,
        },
    )
}

fn severity(status: Status) -> u8 {
    match status {
        Status::Red => 2,
        Status::Amber => 1,
        _ => 0,
    }
}

fn line(id: String, kind: LineKind, budget: Decimal, forecast: Decimal) -> BudgetLine {
    let base = if kind == LineKind::Net {
        RatingBase::NetControllable
    } else {
        RatingBase::Gross
    };
    BudgetLine::new(id, kind, base, budget, forecast)
}

fn net_cost(kind: LineKind, amount: Decimal) -> Decimal {
    if kind == LineKind::Income {
        -amount
    } else {
        amount
    }
}

proptest! {
    #[test]
    fn parent_variance_is_the_sum_of_its_children(
        spec in proptest::collection::vec((kind(), money(), money(), 0usize..3, 0usize..2), 1..30)
    ) {
        let directorates = ["Adults", "Place", "Resources"];
        let lines: Vec<BudgetLine> = spec
            .iter()
            .enumerate()
            .map(|(i, (kind, budget, forecast, d, s))| {
                let group = if *s == 0 {
                    vec![directorates[*d].to_string()]
                } else {
                    vec![directorates[*d].to_string(), format!("Sub {s}")]
                };
                line(format!("L{i}"), *kind, *budget, *forecast).with_group(group)
            })
            .collect();
        let report = roll_up(&lines, &BudgetSettings::default()).unwrap();
        prop_assert!(report.errors.is_empty());
        for total in &report.totals {
            let under: Decimal = lines
                .iter()
                .zip(&report.lines)
                .filter(|(l, _)| l.group.starts_with(&total.path))
                .map(|(l, r)| net_cost(l.kind, r.variance))
                .sum();
            prop_assert_eq!(total.variance, under, "total {}", total.id);
            // And each total's variance is the sum of its direct sub-totals' and lines'.
            let direct_totals: Decimal = report
                .totals
                .iter()
                .filter(|t| t.path.len() == total.path.len() + 1 && t.path.starts_with(&total.path))
                .map(|t| t.variance)
                .sum();
            let direct_lines: Decimal = lines
                .iter()
                .zip(&report.lines)
                .filter(|(l, _)| l.group == total.path)
                .map(|(l, r)| net_cost(l.kind, r.variance))
                .sum();
            prop_assert_eq!(total.variance, direct_totals + direct_lines, "total {}", total.id);
        }
    }

    #[test]
    fn rating_is_monotone_in_the_forecast(
        kind in kind(), level in level(), budget in money(), a in money(), b in money()
    ) {
        let (low, high) = if a <= b { (a, b) } else { (b, a) };
        let budget = if kind == LineKind::Net { -budget } else { budget };
        let r_low = evaluate_line(&line("X".into(), kind, budget, low), &level).unwrap();
        let r_high = evaluate_line(&line("X".into(), kind, budget, high), &level).unwrap();
        // A higher forecast raises net cost for expenditure and net lines, lowers it for income.
        if kind == LineKind::Income {
            prop_assert!(severity(r_low.status) >= severity(r_high.status));
        } else {
            prop_assert!(severity(r_low.status) <= severity(r_high.status));
        }
    }

    #[test]
    fn expenditure_and_income_mirror_each_other(
        level in level(), budget in money(), fraction in 0i64..=200
    ) {
        // forecast in [0, 2 × budget], mirrored about the budget for income.
        let forecast = (budget * Decimal::new(fraction, 2)).round_dp(2);
        let mirrored = budget + budget - forecast;
        let e = evaluate_line(&line("E".into(), LineKind::Expenditure, budget, forecast), &level).unwrap();
        let i = evaluate_line(&line("I".into(), LineKind::Income, budget, mirrored), &level).unwrap();
        prop_assert_eq!(e.variance, -i.variance);
        prop_assert_eq!(e.status, i.status);
        prop_assert_eq!(e.direction, i.direction);
        prop_assert_eq!(e.significant_underspend, i.significant_underspend);
        prop_assert_eq!(e.explanation.adverse_amount, i.explanation.adverse_amount);
        prop_assert_eq!(e.explanation.rule, i.explanation.rule);
    }

    #[test]
    fn amounts_round_trip_in_every_published_style(
        mantissa in -1_000_000_000_000i64..1_000_000_000_000,
        scale in 0u32..4,
        unit in prop_oneof![Just(AmountUnit::Pounds), Just(AmountUnit::Thousands), Just(AmountUnit::Millions)],
        style in 0usize..9,
        grouped in any::<bool>(),
        spaces in any::<bool>(),
    ) {
        let value = Decimal::new(mantissa, scale);
        let text = format_amount(value, style, grouped);
        let text = if spaces { format!("  {text} ") } else { text };
        let parsed = parse_amount(&text, unit).unwrap();
        prop_assert_eq!(parsed, value * unit.factor(), "{}", text);
    }

    #[test]
    fn amount_and_date_parsing_never_panic(text in "\\PC{0,20}") {
        let _ = parse_amount(&text, AmountUnit::Thousands);
        let _ = parse_date(&text);
    }

    #[test]
    fn budget_csv_reading_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let _ = read_budget_csv(bytes.as_slice(), &BudgetCsvOptions::default());
        let _ = read_milestones_csv(bytes.as_slice(), &MilestoneCsvOptions::default());
    }

    #[test]
    fn budget_csv_rows_never_panic_and_none_is_lost(
        rows in proptest::collection::vec(
            proptest::collection::vec(
                prop_oneof![
                    "[0-9,.()£-]{0,8}",
                    "\\PC{0,6}",
                    Just("expenditure".to_string()),
                    Just("income".to_string()),
                    Just("gross".to_string()),
                ],
                6,
            ),
            0..12,
        )
    ) {
        let mut text = String::from("id,kind,base,budget,forecast,variance\n");
        for row in &rows {
            let cells: Vec<String> = row
                .iter()
                .map(|c| format!("\"{}\"", c.replace('"', "\"\"")))
                .collect();
            text.push_str(&cells.join(","));
            text.push('\n');
        }
        let read = read_budget_csv(text.as_bytes(), &BudgetCsvOptions::default()).unwrap();
        // Every row is either a line or at least one error: none dropped silently.
        let bad_lines: std::collections::BTreeSet<u64> =
            read.errors.iter().filter_map(|e| e.location().line).collect();
        prop_assert_eq!(read.lines.len() + bad_lines.len(), rows.len());
    }
}

/// Formats `value` (in the file's unit) as a council might publish it.
fn format_amount(value: Decimal, style: usize, grouped: bool) -> String {
    let magnitude = value.abs().to_string();
    let (int, frac) = match magnitude.split_once('.') {
        Some((i, f)) => (i.to_string(), Some(f.to_string())),
        None => (magnitude.clone(), None),
    };
    let int = if grouped {
        let digits: Vec<char> = int.chars().collect();
        let mut out = String::new();
        for (i, c) in digits.iter().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                out.push(',');
            }
            out.push(*c);
        }
        out
    } else {
        int
    };
    let body = match frac {
        Some(f) => format!("{int}.{f}"),
        None => int,
    };
    let negative = value.is_sign_negative() && !value.is_zero();
    match (style, negative) {
        (0, false) | (1, false) | (2, false) | (3, false) => body,
        (0, true) => format!("-{body}"),
        (1, true) => format!("({body})"),
        (2, true) => format!("\u{2212}{body}"),
        (3, true) => format!("-£{body}"),
        (4, false) | (5, false) | (6, false) | (7, false) | (8, false) => format!("£{body}"),
        (4, true) => format!("(£{body})"),
        (5, true) => format!("£-{body}"),
        (6, true) => format!("£\u{2212}{body}"),
        (_, true) => format!("-£{body}"),
        _ => body,
    }
}
