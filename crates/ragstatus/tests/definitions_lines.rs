//! Every definitions error names the line (and column) of the offending key, in TOML and JSON,
//! and `check_*` lists every bad indicator, not only the first.

use ragstatus::{Definitions, Error, ErrorKind};

fn lines(problems: &[Error]) -> Vec<(Option<u64>, Option<&str>)> {
    problems
        .iter()
        .map(|e| (e.location().line, e.location().indicator.as_deref()))
        .collect()
}

const TOML: &str = r#"[calendar]
start_month = 4

[[indicator]]
id = "A"
polarity = "sideways"

[[indicator]]
id = "B"
polarity = "higher"
tolerance = { absolute = "-2" }

[[indicator]]
id = "C"
polarity = "higher"
decimals = "two"

[[indicator]]
id = "D"
polarity = "higher"
colour = "red"

[[indicator]]
id = "E"
polarity = "higher"

[[indicator.target]]
year = "2015/16"
value = "ninety"

[[indicator]]
id = "F"

[[indicator]]
id = "B"
polarity = "lower"
"#;

#[test]
fn toml_errors_name_line_and_column() {
    let problems = Definitions::check_toml_str(TOML).unwrap_err();
    assert_eq!(
        lines(&problems),
        [
            (Some(6), Some("A")),
            (Some(11), Some("B")),
            (Some(16), Some("C")),
            (Some(21), Some("D")),
            (Some(29), Some("E")),
            (Some(31), Some("F")),
            (Some(35), Some("B")),
        ]
    );
    assert_eq!(problems[1].location().column.as_deref(), Some("15"));
    assert!(matches!(problems[1].kind(), ErrorKind::Definition { .. }));
    assert!(matches!(problems[6].kind(), ErrorKind::Duplicate { .. }));
    assert!(
        problems[3]
            .to_string()
            .starts_with("line 21, column 1, indicator D")
    );
    // The first-error loader says the same.
    let first = Definitions::from_toml_str(TOML).unwrap_err();
    assert_eq!(first, problems[0]);
}

#[test]
fn json_errors_name_line_and_column() {
    let text = "{\n  \"calendar\": {\"start_month\": 13},\n  \"indicators\": [\n    {\"id\": \"A\", \"polarity\": \"sideways\"},\n    {\"id\": \"B\", \"polarity\": \"higher\",\n     \"tolerance\": {\"absolute\": -2}},\n    {\"id\": \"C\", \"polarity\": \"higher\", \"decimals\": \"two\"},\n    {\"id\": \"D\", \"polarity\": \"higher\", \"colour\": \"red\"},\n    {\"id\": \"E\", \"polarity\": \"higher\", \"direction\": {\"regression\": 100000000}}\n  ],\n  \"extra\": 1\n}\n";
    let problems = Definitions::check_json_str(text).unwrap_err();
    let found: Vec<_> = problems
        .iter()
        .map(|e| {
            (
                e.location().line,
                e.location().column.as_deref(),
                e.location().field.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            (Some(11), Some("3"), Some("extra")),
            (Some(2), Some("16"), Some("calendar.start_month")),
            (Some(4), Some("17"), Some("indicators[0].polarity")),
            (
                Some(6),
                Some("20"),
                Some("indicators[1].tolerance.absolute")
            ),
            (Some(7), Some("39"), Some("indicators[2].decimals")),
            (Some(8), Some("39"), Some("indicators[3].colour")),
            (
                Some(9),
                Some("53"),
                Some("indicators[4].direction.regression")
            ),
        ],
        "{problems:#?}"
    );
    // Syntax errors keep serde_json's line and column.
    let e = Definitions::from_json_str("{\n  \"indicator\": [\n    {\"id\": }\n").unwrap_err();
    assert_eq!(e.location().line, Some(3), "{e}");
    assert!(e.location().column.is_some(), "{e}");
}

#[test]
fn a_schema_key_is_allowed_in_json() {
    let defs = Definitions::from_json_str(
        r#"{"$schema": "../schema/definitions.schema.json", "indicator": [{"id": "A", "polarity": "higher"}]}"#,
    );
    assert!(defs.is_ok(), "{defs:?}");
}

#[test]
fn from_path_adds_the_file() {
    let dir = std::env::temp_dir().join(format!("ragstatus-lines-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("defs.toml");
    std::fs::write(&path, TOML).unwrap();
    let e = Definitions::from_path(&path).unwrap_err();
    assert_eq!(
        e.location().file.as_deref(),
        Some(path.display().to_string().as_str())
    );
    assert_eq!(e.location().line, Some(6));
    let all = Definitions::check_path(&path).unwrap_err();
    assert_eq!(all.len(), 7);
    assert!(all.iter().all(|e| e.location().file.is_some()));
    std::fs::remove_dir_all(&dir).unwrap();
}

/// `trend = "recent"` beside `regression`, an unknown trend method and a recent trend on a
/// `within` indicator are each an error naming the indicator, the field and the line of its
/// `direction`; a file names the file too (SPEC §7).
#[test]
fn recent_trend_definition_errors_name_line_and_field() {
    let text = r#"[[indicator]]
id = "T-1"
polarity = "higher"
direction = { trend = "recent", regression = 4 }

[[indicator]]
id = "T-2"
polarity = "lower"
direction = { trend = "recnt" }

[[indicator]]
id = "T-3"
polarity = "within"
direction = { trend = "recent" }

[[indicator]]
id = "T-4"
polarity = "lower"
direction = { trend = "recent", compare = "year_ago" }
"#;
    let problems = Definitions::check_toml_str(text).unwrap_err();
    let found: Vec<_> = problems
        .iter()
        .map(|e| {
            (
                e.kind().name(),
                e.location().line,
                e.location().indicator.as_deref(),
                e.location().field.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            (
                "Definition",
                Some(4),
                Some("T-1"),
                Some("indicator[0].direction.trend")
            ),
            (
                "Syntax",
                Some(9),
                Some("T-2"),
                Some("indicator[1].direction.trend")
            ),
            (
                "Definition",
                Some(14),
                Some("T-3"),
                Some("indicator[2].direction.trend")
            ),
        ],
        "{problems:#?}"
    );
    assert!(
        problems[0].to_string().contains("give one"),
        "{}",
        problems[0]
    );
    assert!(problems[1].to_string().contains("recnt"), "{}", problems[1]);
    let dir = std::env::temp_dir().join(format!("ragstatus-trend-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("defs.toml");
    std::fs::write(&path, text).unwrap();
    let e = Definitions::from_path(&path).unwrap_err();
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(
        e.location().file.as_deref(),
        Some(path.display().to_string().as_str())
    );
    assert_eq!(e.location().line, Some(4));
}
