//! The comparison with a national value (`benchmark = { against = "England", ... }`) and the
//! funnel plot: the report's "Compared with England" section in every format, and every reason
//! an indicator is not compared, said in its row and, where an input is at fault, listed as a
//! problem naming the file and line.

use assert_cmd::Command;

/// P-1: a percentage with counts, compared at both levels; P-2: lower is better, 95% only;
/// V-3: an actual given as a plain value; Z-4: a zero denominator; R-5: a rate.
const DEFS: &str = r#"
[[indicator]]
id = "P-1"
name = "Plans up to date"
unit = "percent"
polarity = "higher"
decimals = 1
aggregation = "ratio"
benchmark = { against = "England", method = "wilson", levels = ["95", "99.8"] }

[[indicator]]
id = "P-2"
name = "Re-referrals"
unit = "percent"
polarity = "lower"
decimals = 1
aggregation = "ratio"
benchmark = { against = "England", method = "wilson" }

[[indicator]]
id = "V-3"
name = "Given as a value"
unit = "percent"
polarity = "higher"
decimals = 1
benchmark = { against = "England", method = "wilson" }

[[indicator]]
id = "Z-4"
name = "Nobody eligible"
unit = "percent"
polarity = "higher"
decimals = 1
aggregation = "ratio"
benchmark = { against = "England", method = "wilson" }

[[indicator]]
id = "R-5"
name = "Admissions per 100,000"
unit = { rate = "100000" }
polarity = "lower"
decimals = 1
aggregation = "ratio"
benchmark = { against = "Region", method = "poisson" }
"#;

const ACTUALS: &str = "indicator,period,value,numerator,denominator\n\
P-1,2015/16 Q3,,407,437\n\
P-2,2015/16 Q3,,847,3516\n\
V-3,2015/16 Q3,71.5,,\n\
Z-4,2015/16 Q3,,0,0\n\
R-5,2015/16 Q3,,120,200000\n";

const COMPARATORS: &str = "indicator,period,comparator,value,numerator,denominator\n\
P-1,2015/16 Q3,North,91.2,468,513\n\
P-1,2015/16 Q3,South,88.4,275,311\n\
P-1,2015/16 Q3,East,,,\n\
P-1,2015/16 Q3,England,88.0,,\n\
P-2,2015/16 Q3,North,20.6,1345,6528\n\
P-2,2015/16 Q3,South,26.2,968,3695\n\
P-2,2015/16 Q3,England,22.3,,\n\
V-3,2015/16 Q3,North,70,,\n\
V-3,2015/16 Q3,England,72.0,,\n\
Z-4,2015/16 Q3,England,50,,\n\
R-5,2015/16 Q3,North,45.0,90,200000\n\
R-5,2015/16 Q3,Region,50.0,,\n";

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

fn run_with(files: &[(&str, &str)], args: &[&str]) -> Run {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    let out = Command::cargo_bin("ragstatus")
        .unwrap()
        .current_dir(dir.path())
        .args([
            "report",
            "--definitions",
            "defs.toml",
            "--actuals",
            "actuals.csv",
        ])
        .args(["--period", "2015/16 Q3"])
        .args(args)
        .output()
        .unwrap();
    Run {
        code: out.status.code(),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

fn run(comparators: &str, format: &str) -> Run {
    run_with(
        &[
            ("defs.toml", DEFS),
            ("actuals.csv", ACTUALS),
            ("comparators.csv", comparators),
        ],
        &["--comparators", "comparators.csv", "--format", format],
    )
}

/// The part of a text from the line starting `from` to the line starting `to` (or the end).
fn between<'a>(text: &'a str, from: &str, to: &str) -> &'a str {
    let start = text
        .find(from)
        .unwrap_or_else(|| panic!("{from:?} not in {text}"));
    let rest = &text[start..];
    match rest.find(to) {
        Some(end) => &rest[..end],
        None => rest,
    }
}

#[test]
fn every_format_has_a_section_per_national_value() {
    let table = run(COMPARATORS, "table");
    assert_eq!(table.code, Some(1), "{}", table.stderr);
    let england = between(
        &table.stdout,
        "Compared with England\n",
        "Compared with Region",
    );
    assert!(
        england.contains("Better (99.8%)") && england.contains("Worse (95%)"),
        "{england}"
    );
    assert!(
        england.contains(
            "P-2: 24.1 (95% CI 22.7 to 25.5) is significantly higher than England's 22.3, \
             which lies below the interval: Worse (95%)"
        ),
        "{england}"
    );
    let region = between(&table.stdout, "Compared with Region\n", "Data problems");
    assert!(region.contains("R-5"), "{region}");
    assert!(!region.contains("P-1"), "{region}");
    insta::assert_snapshot!(
        "national_table",
        between(&table.stdout, "Compared with England\n", "Data problems")
    );

    let markdown = run(COMPARATORS, "markdown").stdout;
    insta::assert_snapshot!(
        "national_markdown",
        between(&markdown, "## Compared with England", "## Data problems")
    );

    let html = run(COMPARATORS, "html").stdout;
    let section = between(&html, "<section>\n<h2>Compared with England", "</section>");
    assert_eq!(
        section.matches("<svg class=\"funnel\"").count(),
        2,
        "{section}"
    );
    assert!(section.contains("role=\"img\""), "{section}");
    assert!(section.contains("This council"), "{section}");
    assert!(section.contains("Not plotted: East (no numerator and denominator)"));
    insta::assert_snapshot!("national_html", section);

    let json: serde_json::Value = serde_json::from_str(&run(COMPARATORS, "json").stdout).unwrap();
    let sections = &json["compared_with"];
    assert_eq!(sections[0]["against"], "England");
    assert_eq!(sections[1]["against"], "Region");
    let p1 = &sections[0]["rows"][0];
    assert_eq!(p1["outcome"], "Better");
    assert_eq!(p1["outcome_level"], "99.8%");
    assert_eq!(p1["numerator"], "407");
    assert_eq!(p1["funnel"]["centre"], "88.0");
    let units = p1["funnel"]["units"].as_array().unwrap();
    assert_eq!(units.len(), 3, "North, South and this council: {units:?}");
    assert_eq!(units[2]["ours"], true);
    insta::assert_snapshot!(
        "national_json",
        serde_json::to_string_pretty(sections).unwrap()
    );

    let csv = run(COMPARATORS, "csv").stdout;
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let head = reader.headers().unwrap().clone();
    let column = |name: &str| head.iter().position(|h| h == name).unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(&rows[0][column("compared_with")], "England");
    assert_eq!(&rows[0][column("compared_outcome")], "Better (99.8%)");
    assert_eq!(&rows[4][column("compared_with")], "Region");
    insta::assert_snapshot!("national_csv", csv);
}

#[test]
fn the_national_row_is_not_ranked_with_the_group() {
    let out = run(COMPARATORS, "table").stdout;
    // North and South, not England: P-1 is ranked among three.
    assert!(out.contains("P-1 Benchmark: 1st of 3"), "{out}");
}

#[test]
fn an_indicator_that_cannot_be_compared_says_why_and_the_fault_is_named() {
    let out = run(COMPARATORS, "table");
    assert!(
        out.stdout.contains(
            "V-3: Not compared with England: the actual for 2015/16 Q3 is a value without a \
             numerator and denominator, so it has no confidence interval."
        ),
        "{}",
        out.stdout
    );
    assert!(
        out.stderr.lines().any(|l| l.starts_with("actuals.csv:4")
            && l.contains("V-3")
            && l.contains("numerator")),
        "{}",
        out.stderr
    );
    // A zero denominator has no interval: not compared, and not a fault.
    assert!(
        out.stdout.contains("Z-4: not compared with England's 50"),
        "{}",
        out.stdout
    );
    assert!(!out.stderr.contains("Z-4"), "{}", out.stderr);
}

#[test]
fn a_missing_national_row_is_a_problem_naming_the_file() {
    let comparators = COMPARATORS.replace("P-2,2015/16 Q3,England,22.3,,\n", "");
    let out = run(&comparators, "table");
    assert_eq!(out.code, Some(1));
    assert!(
        out.stdout
            .contains("P-2: Not compared with England: comparators.csv has no row for England"),
        "{}",
        out.stdout
    );
    assert!(
        out.stderr.lines().any(|l| l.starts_with("comparators.csv")
            && l.contains("P-2")
            && l.contains("2015/16 Q3")
            && l.contains("England")),
        "{}",
        out.stderr
    );
}

#[test]
fn a_national_row_without_a_value_is_a_problem_naming_its_line() {
    let comparators =
        COMPARATORS.replace("P-2,2015/16 Q3,England,22.3,,", "P-2,2015/16 Q3,England,,,");
    let out = run(&comparators, "table");
    assert!(
        out.stderr
            .lines()
            .any(|l| l.starts_with("comparators.csv:8")
                && l.contains("P-2")
                && l.contains("England's value")),
        "{}",
        out.stderr
    );
    assert!(
        out.stdout
            .contains("P-2: Not compared with England: England has no value")
    );
}

#[test]
fn bad_counts_in_the_comparators_file_name_line_and_column() {
    let comparators = COMPARATORS
        .replace("North,91.2,468,513", "North,91.2,468,")
        .replace("South,88.4,275,311", "South,88.4,375,311")
        .replace("North,20.6,1345,6528", "North,20.6,1345,-5");
    let out = run(&comparators, "html");
    let problems: Vec<&str> = out.stderr.lines().collect();
    let has = |line: &str, words: &[&str]| {
        problems
            .iter()
            .any(|p| p.starts_with(line) && words.iter().all(|w| p.contains(w)))
    };
    assert!(has("comparators.csv:2", &["denominator"]), "{problems:#?}");
    assert!(
        has("comparators.csv:3", &["numerator", "wilson"]),
        "{problems:#?}"
    );
    assert!(
        has("comparators.csv:6", &["denominator", "-5"]),
        "{problems:#?}"
    );
    assert!(
        out.stdout
            .contains("South (numerator above denominator, line 3)"),
        "{}",
        out.stdout
    );
}

#[test]
fn a_comparator_value_that_is_not_its_counts_is_a_problem() {
    let comparators = COMPARATORS.replace("North,91.2,468,513", "North,95.2,468,513");
    let out = run(&comparators, "html");
    assert!(
        out.stderr
            .lines()
            .any(|l| l.starts_with("comparators.csv:2") && l.contains("95.2")),
        "{}",
        out.stderr
    );
    assert!(
        out.stdout
            .contains("North (value and counts disagree, line 2)")
    );
}

#[test]
fn without_a_comparators_file_every_comparison_says_so() {
    let out = run_with(
        &[("defs.toml", DEFS), ("actuals.csv", ACTUALS)],
        &["--format", "markdown"],
    );
    // Leaving the comparators out is a choice, not a bad row: every row says so.
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert_eq!(
        out.stdout
            .matches("Not compared with England: no comparators file was given (--comparators).")
            .count(),
        4,
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("## Compared with Region"),
        "{}",
        out.stdout
    );
}

#[test]
fn a_bad_benchmark_definition_names_the_line() {
    for (bad, words) in [
        (
            r#"method = "wilson""#,
            &["method = \"dobson\"", "dobson"][..],
        ),
        (
            r#"levels = ["95", "99.8"]"#,
            &["levels = [\"95\", \"95\"]", "levels"][..],
        ),
    ] {
        let defs = DEFS.replacen(bad, words[0], 1);
        let out = run_with(&[("defs.toml", &defs), ("actuals.csv", ACTUALS)], &[]);
        assert_eq!(out.code, Some(2), "{}", out.stderr);
        assert!(
            out.stderr.contains("defs.toml:9") && out.stderr.contains(words[1]),
            "{}",
            out.stderr
        );
    }
}

#[test]
fn a_monthly_actual_sums_its_counts_into_the_quarter() {
    let defs = DEFS.replacen(
        "id = \"P-2\"\nname = \"Re-referrals\"\n",
        "id = \"P-2\"\nname = \"Re-referrals\"\nfrequency = \"monthly\"\n",
        1,
    );
    let actuals = ACTUALS.replace(
        "P-2,2015/16 Q3,,847,3516\n",
        "P-2,2015/16 M07,,300,1200\nP-2,2015/16 M08,,247,1116\nP-2,2015/16 M09,,300,1200\n",
    );
    let out = run_with(
        &[
            ("defs.toml", &defs),
            ("actuals.csv", &actuals),
            ("comparators.csv", COMPARATORS),
        ],
        &["--comparators", "comparators.csv"],
    );
    assert!(
        out.stdout.contains("P-2: 24.1 (95% CI 22.7 to 25.5)"),
        "{}",
        out.stdout
    );
}

#[test]
fn check_finds_what_the_comparison_would_reject() {
    let comparators = COMPARATORS
        .replace("P-2,2015/16 Q3,England,22.3,,\n", "")
        .replace("South,88.4,275,311", "South,88.4,375,311")
        .replace("North,91.2,468,513", "North,95.2,468,513");
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in [
        ("defs.toml", DEFS),
        ("actuals.csv", ACTUALS),
        ("comparators.csv", comparators.as_str()),
    ] {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    let out = Command::cargo_bin("ragstatus")
        .unwrap()
        .current_dir(dir.path())
        .args([
            "check",
            "--definitions",
            "defs.toml",
            "--comparators",
            "comparators.csv",
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        lines[0].starts_with("comparators.csv:2") && lines[0].contains("95.2"),
        "{stdout}"
    );
    assert!(
        lines[1].starts_with("comparators.csv:3") && lines[1].contains("wilson"),
        "{stdout}"
    );
    assert!(
        lines[2].starts_with("comparators.csv")
            && lines[2].contains("P-2")
            && lines[2].contains("England"),
        "{stdout}"
    );
    assert!(stdout.contains("checked: 3 problems"), "{stdout}");
}

/// The funnel of `id` in a JSON report.
fn funnel_json(report: &str, id: &str) -> serde_json::Value {
    let json: serde_json::Value = serde_json::from_str(report).unwrap();
    let mut found = None;
    let mut stack = vec![&json];
    while let Some(v) = stack.pop() {
        match v {
            serde_json::Value::Object(map) => {
                if map.get("id").and_then(|i| i.as_str()) == Some(id) {
                    if let Some(f) = map.get("funnel").filter(|f| !f.is_null()) {
                        found = Some(f.clone());
                    }
                }
                stack.extend(map.values());
            }
            serde_json::Value::Array(items) => stack.extend(items),
            _ => {}
        }
    }
    found.unwrap_or_else(|| panic!("no funnel for {id} in {report}"))
}

#[test]
fn a_funnel_can_be_centred_on_the_group_and_adjusted_for_overdispersion() {
    let defs = DEFS.replacen(
        r#"levels = ["95", "99.8"] }"#,
        r#"levels = ["95", "99.8"], funnel = { centre = "group", overdispersion = true } }"#,
        1,
    );
    let files = [
        ("defs.toml", defs.as_str()),
        ("actuals.csv", ACTUALS),
        ("comparators.csv", COMPARATORS),
    ];
    let json = run_with(
        &files,
        &["--comparators", "comparators.csv", "--format", "json"],
    );
    assert_eq!(json.code, Some(1), "{}", json.stderr);
    let p1 = funnel_json(&json.stdout, "P-1");
    assert_eq!(p1["group_centre"], serde_json::json!(true), "{p1}");
    // The pooled average of North, South and this council: 1150 / 1261, not England's 88.0.
    let centre = p1["centre"].as_str().unwrap();
    assert!(centre.starts_with("91.197"), "{centre}");
    let dispersion = &p1["dispersion"];
    assert!(dispersion["phi"].is_string(), "{p1}");
    // P-2 keeps the defaults: around England, unadjusted, and says nothing of either.
    let p2 = funnel_json(&json.stdout, "P-2");
    assert_eq!(p2["centre"], serde_json::json!("22.3"), "{p2}");
    assert!(
        p2.get("group_centre").is_none() && p2.get("dispersion").is_none(),
        "{p2}"
    );

    let html = run_with(
        &files,
        &["--comparators", "comparators.csv", "--format", "html"],
    );
    let caption = between(&html.stdout, "Funnel plot: P-1", "</figcaption>");
    assert!(
        caption.contains("around the group average of 91.2%"),
        "{caption}"
    );
    assert!(
        caption.contains("limits widened for overdispersion")
            || caption.contains("no overdispersion found"),
        "{caption}"
    );
    assert!(html.stdout.contains("group average (centre)"));
    let caption = between(&html.stdout, "Funnel plot: P-2", "</figcaption>");
    assert!(caption.contains("around England&#39;s 22.3%"), "{caption}");

    // A centre the report does not know is a definition error naming its line.
    let bad = defs.replacen(r#"centre = "group""#, r#"centre = "mean""#, 1);
    let out = run_with(&[("defs.toml", &bad), ("actuals.csv", ACTUALS)], &[]);
    assert_eq!(out.code, Some(2), "{}", out.stderr);
    assert!(
        out.stderr.contains("defs.toml:9") && out.stderr.contains("mean"),
        "{}",
        out.stderr
    );
}
