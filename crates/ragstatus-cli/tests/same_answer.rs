//! The command line rates a value exactly as the library does, whichever text form the value is
//! written in: plain, with an exponent, with thousands separators, with a plus sign or trailing
//! zeros. Each generated decimal is written in every form it has, one row (and one indicator)
//! each, and every row's status from `ragstatus evaluate` must be `rate_status` of the decimal
//! itself (issue #10: one reading of numbers behind every door).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use assert_cmd::Command;
use ragstatus::{Decimal, Polarity, Rule, Target, Tolerance, rate_status};

/// A SplitMix64 generator: deterministic data without a dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

/// Plain text with thousands separators in groups of three (`12,345.6`).
fn grouped(value: Decimal) -> Option<String> {
    let text = value.to_string();
    let (sign, digits) = match text.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", text.as_str()),
    };
    let (int, frac) = match digits.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (digits, None),
    };
    if int.len() <= 3 {
        return None;
    }
    let mut out = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    Some(match frac {
        Some(f) => format!("{sign}{out}.{f}"),
        None => format!("{sign}{out}"),
    })
}

/// The forms of `value` a spreadsheet or a statistics package may write.
fn forms(value: Decimal) -> Vec<String> {
    let plain = value.to_string();
    let mut out = vec![plain.clone(), format!("{value:e}")];
    if !value.is_sign_negative() {
        out.push(format!("+{plain}"));
    }
    if value.scale() < 20 {
        out.push(if plain.contains('.') {
            format!("{plain}00")
        } else {
            format!("{plain}.00")
        });
    }
    out.extend(grouped(value));
    out
}

#[test]
fn evaluate_rates_every_text_form_as_the_library_rates_the_decimal() {
    let mut rng = Rng(2015);
    let target = Decimal::new(45, 0);
    let tolerance = Decimal::new(2, 0);
    // Values on and around the band edges, and values of every size and scale.
    let mut values: Vec<Decimal> = ["45", "43", "42.9999", "43.0001", "47", "-0.5", "0"]
        .iter()
        .filter_map(|t| t.parse().ok())
        .collect();
    for _ in 0..150 {
        let mantissa = (rng.next() % 2_000_000_000) as i64 - 1_000_000_000;
        let scale = (rng.next() % 8) as u32;
        values.push(Decimal::new(mantissa, scale));
    }

    let mut definitions = String::from("[calendar]\nstart_month = 4\n");
    let mut actuals = String::from("indicator,period,value\n");
    let mut expected: BTreeMap<String, (String, Decimal)> = BTreeMap::new();
    for (i, value) in values.iter().enumerate() {
        for (j, text) in forms(*value).into_iter().enumerate() {
            let id = format!("I-{i}-{j}");
            write!(
                definitions,
                "[[indicator]]\nid = \"{id}\"\nname = \"n\"\nunit = \"count\"\n\
                 polarity = \"higher\"\ntolerance = {{ absolute = \"{tolerance}\" }}\n\
                 [[indicator.target]]\nvalue = \"{target}\"\n"
            )
            .unwrap();
            let cell = if text.contains(',') {
                format!("\"{text}\"")
            } else {
                text.clone()
            };
            writeln!(actuals, "{id},2015/16 Q3,{cell}").unwrap();
            expected.insert(id, (text, *value));
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let defs_path = dir.path().join("defs.toml");
    let actuals_path = dir.path().join("actuals.csv");
    std::fs::write(&defs_path, definitions).unwrap();
    std::fs::write(&actuals_path, actuals).unwrap();

    let output = Command::cargo_bin("ragstatus")
        .unwrap()
        .args(["evaluate", "--format", "jsonl", "--definitions"])
        .arg(&defs_path)
        .arg("--actuals")
        .arg(&actuals_path)
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );

    let rule = Rule::new(Polarity::Higher, Tolerance::Absolute(tolerance));
    let mut seen = 0;
    for line in stdout.lines() {
        let row: serde_json::Value = serde_json::from_str(line).unwrap();
        let id = row["indicator"].as_str().unwrap();
        let (text, value) = &expected[id];
        let want = rate_status(Some(*value), Some(&Target::Value(target)), None, &rule).unwrap();
        assert_eq!(
            row["status"].as_str(),
            Some(want.as_str()),
            "{text:?} (the decimal {value}) in row {id}"
        );
        let actual: Decimal = row["actual"].as_str().unwrap().parse().unwrap();
        assert_eq!(actual, *value, "{text:?} read as {actual}");
        seen += 1;
    }
    assert_eq!(seen, expected.len(), "every row rated, none dropped");
}
