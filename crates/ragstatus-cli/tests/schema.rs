//! `ragstatus schema`: the checked-in schema is the command's output, every example and vector
//! definition validates against it, and known-bad definitions do not.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::{Value, json};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn schema_output() -> Vec<u8> {
    Command::cargo_bin("ragstatus")
        .unwrap()
        .arg("schema")
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone()
}

fn validator() -> jsonschema::Validator {
    let schema: Value = serde_json::from_slice(&schema_output()).unwrap();
    jsonschema::validator_for(&schema).unwrap()
}

fn problems(validator: &jsonschema::Validator, instance: &Value) -> Vec<String> {
    validator
        .iter_errors(instance)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

#[test]
fn checked_in_schema_is_the_command_output() {
    let path = root().join("schema/definitions.schema.json");
    let checked_in = std::fs::read_to_string(&path).unwrap();
    let output = String::from_utf8(schema_output()).unwrap();
    assert!(
        checked_in == output,
        "{} is stale: run `ragstatus schema > schema/definitions.schema.json`",
        path.display()
    );
}

fn definition_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            definition_files(&path, out);
        } else if matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("toml" | "json")
        ) {
            out.push(path);
        }
    }
}

fn as_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap();
    if path.extension().and_then(|e| e.to_str()) == Some("toml") {
        toml::from_str(&text).unwrap()
    } else {
        serde_json::from_str(&text).unwrap()
    }
}

#[test]
fn example_and_fixture_definitions_validate() {
    let validator = validator();
    let mut files = Vec::new();
    definition_files(&root().join("examples"), &mut files);
    definition_files(&root().join("crates/ragstatus-cli/tests/data"), &mut files);
    let mut checked = 0;
    for path in files {
        let value = as_json(&path);
        let is_definitions = value.get("indicator").is_some() || value.get("indicators").is_some();
        if !is_definitions {
            continue;
        }
        // Files that the reader accepts must pass; files it rejects for their shape must not.
        match ragstatus::Definitions::from_path(&path) {
            Ok(_) => {
                assert_eq!(
                    problems(&validator, &value),
                    Vec::<String>::new(),
                    "{}",
                    path.display()
                );
                checked += 1;
            }
            Err(e) if matches!(e.kind(), ragstatus::ErrorKind::Syntax { .. }) => {
                assert!(
                    !validator.is_valid(&value),
                    "{} should fail: {e}",
                    path.display()
                );
            }
            Err(_) => {}
        }
    }
    assert!(checked >= 3, "only {checked} definitions files found");
}

#[test]
fn vector_indicators_validate() {
    let validator = validator();
    let text = std::fs::read_to_string(root().join("tests/vectors/indicators.json")).unwrap();
    let vectors: Value = serde_json::from_str(&text).unwrap();
    let cases = vectors["cases"].as_array().unwrap();
    let mut accepted = 0;
    for case in cases {
        let input = &case["input"];
        let mut defs = json!({ "indicator": [input["indicator"].clone()] });
        if let Some(calendar) = input.get("calendar") {
            defs["calendar"] = calendar.clone();
        }
        let read = ragstatus::Definitions::from_json_str(&defs.to_string());
        match read {
            Ok(_) => {
                assert_eq!(
                    problems(&validator, &defs),
                    Vec::<String>::new(),
                    "{}",
                    case["name"]
                );
                accepted += 1;
            }
            Err(e) if matches!(e.kind(), ragstatus::ErrorKind::Syntax { .. }) => {
                assert!(
                    !validator.is_valid(&defs),
                    "{} should fail: {e}",
                    case["name"]
                );
            }
            Err(_) => {}
        }
    }
    assert!(
        accepted >= 50,
        "only {accepted} of {} cases read",
        cases.len()
    );
}

#[test]
fn known_bad_definitions_fail() {
    let validator = validator();
    let indicator = |extra: Value| {
        let mut i = json!({ "id": "A", "polarity": "higher" });
        for (k, v) in extra.as_object().unwrap() {
            i[k] = v.clone();
        }
        json!({ "indicator": [i] })
    };
    let good = indicator(json!({
        "tolerance": { "relative": 5 },
        "target": [{ "year": "2015/16", "value": "94.95" }],
        "spc": true,
        "unit": { "rate": "1000" }
    }));
    assert!(
        validator.is_valid(&good),
        "{:?}",
        problems(&validator, &good)
    );
    let bad = [
        indicator(json!({ "polarity": "sideways" })),
        indicator(json!({ "colour": "red" })),
        indicator(json!({ "decimals": "two" })),
        indicator(json!({ "tolerance": { "relativ": "5" } })),
        indicator(json!({ "target": [{ "value": "ninety" }] })),
        indicator(json!({ "unit": "percentage" })),
        indicator(json!({ "spc": "yes" })),
        json!({ "indicator": [{ "polarity": "higher" }] }),
        json!({ "calendar": { "start_month": "April" } }),
        json!({ "indicators": [], "extra": 1 }),
    ];
    for defs in bad {
        assert!(!validator.is_valid(&defs), "{defs} should fail the schema");
        assert!(
            ragstatus::Definitions::from_json_str(&defs.to_string()).is_err(),
            "{defs} should fail the reader too"
        );
    }
}
