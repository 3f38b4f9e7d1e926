//! SPC settings in indicator definitions and the indicator's SPC analysis
//! (`Indicator::spc`, `IndicatorSpc`).

use ragstatus::{
    Assurance, Definitions, ErrorKind, Improvement, IndicatorSpc, Observation, Period, PointType,
    Series, SpcRule,
};
use rust_decimal_macros::dec;

fn defs(indicator: &str) -> Definitions {
    Definitions::from_toml_str(&format!("[[indicator]]\nid = \"X\"\n{indicator}")).unwrap()
}

fn err(indicator: &str) -> ragstatus::Error {
    Definitions::from_toml_str(&format!("[[indicator]]\nid = \"X\"\n{indicator}")).unwrap_err()
}

/// Quarterly values from 2013/14 Q1.
fn quarterly(defs: &Definitions, values: &[i64]) -> Series {
    let mut series = Series::new();
    let mut period = defs.calendar.parse("2013/14 Q1").unwrap();
    for v in values {
        series.insert(period, Observation::value((*v).into()));
        period = period.next().unwrap();
    }
    series
}

fn p(defs: &Definitions, label: &str) -> Period {
    defs.calendar.parse(label).unwrap()
}

#[test]
fn spc_true_false_and_table_forms() {
    let d = defs("polarity = \"higher\"\nspc = true\n");
    assert_eq!(d.indicators[0].spc, Some(IndicatorSpc::default()));
    let d = defs("polarity = \"higher\"\nspc = false\n");
    assert!(!d.indicators[0].spc.as_ref().unwrap().enabled);
    let d = defs("polarity = \"higher\"\n");
    assert_eq!(d.indicators[0].spc, None);
    let d = defs(
        "polarity = \"higher\"\nspc = { baseline = 12, rebase = [\"2015/16 Q1\"], shift = 6, trend = 6, screen_outliers = false }\n",
    );
    let spc = d.indicators[0].spc.clone().unwrap();
    assert!(spc.enabled, "a table enables SPC unless it says otherwise");
    assert_eq!(spc.baseline, Some(12));
    assert_eq!(spc.rebase, vec!["2015/16 Q1".to_string()]);
    assert_eq!((spc.shift, spc.trend), (Some(6), Some(6)));
    assert_eq!(spc.screen_outliers, Some(false));
    let d = defs("polarity = \"higher\"\n[indicator.spc]\nenabled = false\nshift = 6\n");
    let spc = d.indicators[0].spc.clone().unwrap();
    assert!(!spc.enabled);
    assert_eq!(spc.shift, Some(6));
}

#[test]
fn spc_settings_round_trip_through_toml_and_json() {
    for text in [
        "polarity = \"higher\"\nspc = { baseline = 12, rebase = [\"2015/16 Q1\"], shift = 6 }\n",
        "polarity = \"lower\"\nspc = true\n",
        "polarity = \"lower\"\nspc = false\n",
    ] {
        let d = defs(text);
        let toml = d.to_toml_string().unwrap();
        assert_eq!(Definitions::from_toml_str(&toml).unwrap(), d, "{toml}");
        let json = d.to_json_string().unwrap();
        assert_eq!(Definitions::from_json_str(&json).unwrap(), d, "{json}");
    }
    let json = r#"{"indicators": [{"id": "J", "polarity": "higher", "spc": {"baseline": 15, "trend": 6}}]}"#;
    let d = Definitions::from_json_str(json).unwrap();
    let spc = d.indicators[0].spc.clone().unwrap();
    assert_eq!((spc.baseline, spc.trend), (Some(15), Some(6)));
    let d = Definitions::from_json_str(
        r#"{"indicators": [{"id": "J", "polarity": "higher", "spc": true}]}"#,
    )
    .unwrap();
    assert_eq!(d.indicators[0].spc, Some(IndicatorSpc::default()));
}

#[test]
fn bad_spc_settings_name_the_indicator_and_field() {
    let cases = [
        (
            "spc = { baseline = 11 }",
            "indicator[0].spc.baseline",
            "Definition",
        ),
        (
            "spc = { shift = 1 }",
            "indicator[0].spc.shift",
            "Definition",
        ),
        (
            "spc = { trend = 0 }",
            "indicator[0].spc.trend",
            "Definition",
        ),
        (
            "spc = { rebase = [\"2015/16 Q1\", \"Q5 2015\"] }",
            "indicator[0].spc.rebase[1]",
            "PeriodLabel",
        ),
    ];
    for (setting, field, kind) in cases {
        let e = err(&format!("polarity = \"higher\"\n{setting}\n"));
        assert_eq!(e.kind().name(), kind, "{setting}: {e}");
        assert_eq!(e.location().field.as_deref(), Some(field), "{setting}: {e}");
        assert_eq!(
            e.location().indicator.as_deref(),
            Some("X"),
            "{setting}: {e}"
        );
    }
    let e = err("polarity = \"higher\"\nspc = { shfit = 6 }\n");
    assert!(matches!(e.kind(), ErrorKind::Syntax { .. }), "{e}");
    assert!(e.to_string().contains("shfit"), "{e}");
    assert!(
        e.location()
            .field
            .as_deref()
            .unwrap()
            .starts_with("indicator[0].spc"),
        "{e}"
    );
    let e = err("polarity = \"higher\"\nspc = \"yes\"\n");
    assert!(e.to_string().contains("true, false, or a table"), "{e}");
    let e = err("polarity = \"higher\"\nspc = { baseline = \"twelve\" }\n");
    assert_eq!(
        e.location().field.as_deref(),
        Some("indicator[0].spc.baseline"),
        "{e}"
    );
}

#[test]
fn disabled_or_absent_spc_gives_no_analysis() {
    for text in [
        "polarity = \"higher\"\n",
        "polarity = \"higher\"\nspc = false\n",
    ] {
        let d = defs(text);
        let series = quarterly(&d, &[1, 2, 3]);
        let q3 = p(&d, "2013/14 Q3");
        assert_eq!(d.indicators[0].spc(q3, &series).unwrap(), None);
    }
}

#[test]
fn lower_is_better_gives_improvement_below_the_mean_and_assurance_from_the_year_target() {
    let d = defs(
        "polarity = \"lower\"\nspc = { shift = 6 }\n[[indicator.target]]\nyear = \"2015/16\"\nvalue = \"35\"\n[[indicator.target]]\nvalue = \"20\"\n",
    );
    let values = [30, 31, 29, 30, 32, 30, 26, 25, 26, 24, 25, 26];
    let series = quarterly(&d, &values);
    let result = d.indicators[0]
        .spc(p(&d, "2015/16 Q4"), &series)
        .unwrap()
        .unwrap();
    assert_eq!(result.improvement, Improvement::Decrease);
    assert_eq!(result.points.len(), 12);
    assert_eq!(result.points[0].label.as_deref(), Some("2013/14 Q1"));
    assert_eq!(result.points[11].label.as_deref(), Some("2015/16 Q4"));
    assert_eq!(result.variation, Some(PointType::SpecialCauseImprovement));
    assert_eq!(result.points[11].rules, vec![SpcRule::Shift]);
    // 2015/16's target of 35 is above the upper limit: a lower-is-better process always meets it.
    assert_eq!(result.target, Some(dec!(35)));
    assert_eq!(result.assurance, Some(Assurance::ConsistentPass));
    // Up to an earlier period: the points after it are left out, the target is that year's.
    let result = d.indicators[0]
        .spc(p(&d, "2014/15 Q2"), &series)
        .unwrap()
        .unwrap();
    assert_eq!(result.points.len(), 6);
    assert_eq!(result.target, Some(dec!(20)));
    assert_eq!(result.assurance, Some(Assurance::ConsistentFail));
    assert_eq!(result.variation, Some(PointType::CommonCause));
}

#[test]
fn shift_length_setting_changes_the_verdict() {
    let values = [30, 31, 29, 30, 32, 30, 26, 25, 26, 24, 25, 26];
    let seven = defs("polarity = \"lower\"\nspc = true\n");
    let six = defs("polarity = \"lower\"\nspc = { shift = 6 }\n");
    let q = |d: &Definitions| {
        d.indicators[0]
            .spc(p(d, "2015/16 Q4"), &quarterly(d, &values))
            .unwrap()
            .unwrap()
            .variation
    };
    assert_eq!(q(&six), Some(PointType::SpecialCauseImprovement));
    assert_eq!(q(&seven), Some(PointType::CommonCause));
}

#[test]
fn rebase_labels_start_new_segments() {
    let d = defs("polarity = \"higher\"\nspc = { rebase = [\"2014/15 Q3\", \"2020/21 Q1\"] }\n");
    let series = quarterly(&d, &[10, 11, 10, 12, 11, 10, 20, 21, 20, 22]);
    let result = d.indicators[0]
        .spc(p(&d, "2015/16 Q2"), &series)
        .unwrap()
        .unwrap();
    assert_eq!(
        result.segments.len(),
        2,
        "a rebase after the data applies later"
    );
    assert_eq!(result.segments[1].start, 6);
    assert_eq!(result.points[6].label.as_deref(), Some("2014/15 Q3"));
    assert_eq!(result.segments[1].limits.mean, dec!(20.75));
    // A rebase between quarters of a monthly series starts at the quarter's first month.
    let d = defs(
        "polarity = \"higher\"\nfrequency = \"monthly\"\nspc = { rebase = [\"2013/14 Q2\"] }\n",
    );
    let mut series = Series::new();
    let mut m = p(&d, "2013/14 M01");
    for v in [5, 6, 5, 9, 9, 8] {
        series.insert(m, Observation::value(v.into()));
        m = m.next().unwrap();
    }
    let result = d.indicators[0]
        .spc(p(&d, "2013/14 Q2"), &series)
        .unwrap()
        .unwrap();
    assert_eq!(result.segments[1].start, 3);
    assert_eq!(result.points[3].label.as_deref(), Some("2013/14 M04"));
}

#[test]
fn monthly_series_fractions_rounding_and_gaps() {
    let d = defs(
        "polarity = \"higher\"\nunit = \"percent\"\nfrequency = \"monthly\"\naggregation = \"ratio\"\nrounding = { decimals = 1 }\nspc = true\n[[indicator.target]]\nvalue = \"80\"\n",
    );
    let mut series = Series::new();
    series.insert(
        p(&d, "2015/16 M01"),
        Observation::fraction(dec!(2), dec!(3)),
    );
    series.insert(
        p(&d, "2015/16 M02"),
        Observation::fraction(dec!(1), dec!(0)),
    );
    series.insert(
        p(&d, "2015/16 M04"),
        Observation::fraction(dec!(4), dec!(5)),
    );
    // A quarterly observation of a monthly indicator is not one of its points.
    series.insert(p(&d, "2015/16 Q1"), Observation::value(dec!(50)));
    series.insert(
        p(&d, "2015/16 M07"),
        Observation::fraction(dec!(1), dec!(1)),
    );
    let result = d.indicators[0]
        .spc(p(&d, "2015/16 Q2"), &series)
        .unwrap()
        .unwrap();
    let labels: Vec<&str> = result
        .points
        .iter()
        .map(|p| p.label.as_deref().unwrap())
        .collect();
    assert_eq!(labels, ["2015/16 M01", "2015/16 M04"]);
    assert_eq!(result.points[0].value, dec!(66.7));
    assert_eq!(result.target, Some(dec!(80)));
    assert!(result.segments[0].trial_limits);
}

#[test]
fn cumulative_and_range_targets_give_no_assurance() {
    let d = defs(
        "polarity = \"higher\"\naggregation = \"sum\"\nspc = true\n[[indicator.target]]\nannual = \"400\"\nprofile = \"even\"\n",
    );
    let series = quarterly(&d, &[100, 110, 90, 100, 105]);
    let result = d.indicators[0]
        .spc(p(&d, "2014/15 Q1"), &series)
        .unwrap()
        .unwrap();
    assert_eq!(result.target, None);
    assert_eq!(result.assurance, None);
    // Period values, not the running totals of the year.
    assert_eq!(result.points[3].value, dec!(100));

    let d = defs(
        "polarity = \"within\"\nspc = true\n[[indicator.target]]\nlow = \"85\"\nhigh = \"95\"\n",
    );
    let series = quarterly(&d, &[90, 91, 89, 92, 80]);
    let result = d.indicators[0]
        .spc(p(&d, "2014/15 Q1"), &series)
        .unwrap()
        .unwrap();
    assert_eq!(result.improvement, Improvement::Neutral);
    assert_eq!(result.assurance, None);
}

#[test]
fn errors_carry_indicator_and_period() {
    let d = defs("polarity = \"higher\"\nspc = { baseline = 12 }\n");
    let mut series = Series::new();
    series.insert(
        p(&d, "2015/16 Q1"),
        Observation::value(dec!(79228162514264337593543950335)),
    );
    series.insert(
        p(&d, "2015/16 Q2"),
        Observation::value(dec!(-79228162514264337593543950335)),
    );
    let e = d.indicators[0]
        .spc(p(&d, "2015/16 Q2"), &series)
        .unwrap_err();
    assert!(matches!(e.kind(), ErrorKind::Overflow { .. }), "{e}");
    assert_eq!(e.location().indicator.as_deref(), Some("X"));
    assert_eq!(e.location().period.as_deref(), Some("2015/16 Q2"));
}

/// A ratio indicator's values carry 28 decimals; its sentences show its display decimals, its
/// data stays exact.
#[test]
fn sentences_show_the_indicator_display_decimals() {
    let d = defs(
        "polarity = \"higher\"\ndecimals = 1\naggregation = \"ratio\"\nmultiplier = \"100\"\nspc = true\n[[indicator.target]]\nvalue = \"99\"\n",
    );
    let mut series = Series::new();
    let mut period = p(&d, "2013/14 Q1");
    for (n, den) in [
        (88, 97),
        (90, 97),
        (89, 97),
        (91, 97),
        (90, 97),
        (89, 97),
        (90, 97),
        (91, 97),
        (90, 97),
        (89, 97),
        (60, 97),
        (90, 97),
    ] {
        series.insert(period, Observation::fraction(n.into(), den.into()));
        period = period.next().unwrap();
    }
    let result = d.indicators[0]
        .spc(p(&d, "2015/16 Q4"), &series)
        .unwrap()
        .unwrap();
    let lower = result.segments[0].limits.lower_process_limit.unwrap();
    assert!(lower.scale() > 10, "the limit itself stays exact: {lower}");
    let shown = lower.round_dp(1);
    let outside = result
        .signals
        .iter()
        .find(|s| s.rule == SpcRule::Outside && s.start == 10)
        .unwrap();
    assert_eq!(
        outside.explanation,
        format!("2015/16 Q3 is below the lower process limit of {shown}: special cause concern")
    );
    for text in result
        .signals
        .iter()
        .map(|s| s.explanation.as_str())
        .chain(result.points.iter().map(|p| p.explanation.as_str()))
        .chain([result.explanation.as_str()])
    {
        for number in text.split(|c: char| !(c.is_ascii_digit() || c == '.')) {
            if let Some((_, decimals)) = number.split_once('.') {
                assert!(
                    decimals.len() <= 1 || number.ends_with('.'),
                    "{number} in {text}"
                );
            }
        }
    }
}
