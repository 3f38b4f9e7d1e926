//! Conformance vectors for rating: `tests/vectors/rag.json` (kind `rag`),
//! `tests/vectors/schemes.json` (kind `scheme`) and `tests/vectors/targets.json` (kind `target`).
//!
//! Decimals are JSON strings and are compared as numbers (`"2.0"` equals `"2"`). A case whose
//! `expected` is `{"error": "<ErrorKind>"}` must fail with that kind (and, for `Scheme`, the
//! given `band`).
//!
//! ## kind `rag`
//! input: `polarity` (`higher|lower|within`), `tolerance` (`"none"` or `{absolute|relative|floor:
//! decimal}`), `target` (decimal, `{low, high}` or null), `stretch` (decimal or null), `actual`
//! (decimal or null); optional `unit` (as in definitions; default count), `decimals` (display
//! decimals), `blue` (default true), `not_due` (true: the indicator is not due),
//! `no_value_reason` (NoData with this reason), `override` (`{status, reason, by}`).
//! expected: `status`; optional `shortfall`, `tolerance_amount`, `fired` (snake_case rule name),
//! `computed` (status before override), `sentence` (exact text).
//!
//! ## kind `scheme`
//! input: `polarity`, `scheme` (as in definitions: `{measure, polarity?, bands: [{status, gt|ge?,
//! lt|le?}]}` or `{measure, polarity?, first_match: [{status, one of gt|ge|lt|le}], otherwise}`),
//! `target`, `actual`. Without `actual` the case checks validation only.
//! Optional `unit` and `decimals` as for `rag`.
//! expected: `status`, optional `band` (index), `measure` (decimal) and `sentence`; or `{"error": "Scheme",
//! "band": n}` / `{"error": "Definition"}`.
//!
//! ## kind `target`
//! input: `spec` (a year's target as in definitions: `value` | `low`+`high` | `annual`+`profile`,
//! optional `stretch`), `k`, `n` (period k of n). expected: `target` (decimal, `{low, high}` or
//! null), optional `stretch`; or `{"error": ...}`.

mod support;

use ragstatus::{
    Decimal, Error, ErrorKind, Polarity, Rating, Rule, Scheme, Status, Target, TargetSpec,
    Tolerance, Unit, rate,
};
use serde_json::Value;
use support::{dec, load, opt_dec};

/// The ErrorKind variant's name, and the scheme band where it has one.
fn kind_and_band(e: &Error) -> (String, Option<usize>) {
    let name = support::kind_name(e).to_string();
    let band = match e.kind() {
        ErrorKind::Scheme { band, .. } => Some(*band),
        _ => None,
    };
    (name, band)
}

/// Reads a definition type as the Python bindings and file loaders do, with typed errors.
fn read<T: serde::de::DeserializeOwned>(v: &Value) -> Result<T, (String, Option<usize>)> {
    ragstatus::definitions::from_json_value(v).map_err(|e| kind_and_band(&e))
}

fn check_error(
    name: &str,
    expected: &Value,
    got: (String, Option<usize>),
    failures: &mut Vec<String>,
) {
    let want = expected["error"].as_str().unwrap();
    if got.0 != want {
        failures.push(format!("{name}: expected error {want}, got {}", got.0));
    }
    if let Some(band) = expected.get("band") {
        let band = band.as_u64().map(|b| b as usize);
        if got.1 != band {
            failures.push(format!("{name}: expected band {band:?}, got {:?}", got.1));
        }
    }
}

fn compare_dec(name: &str, field: &str, want: &Value, got: Option<Decimal>, f: &mut Vec<String>) {
    let want = opt_dec(want);
    if want != got {
        f.push(format!("{name}: {field} expected {want:?}, got {got:?}"));
    }
}

fn tolerance(v: &Value) -> Result<Tolerance, Error> {
    if v.is_null() || v == "none" {
        return Ok(Tolerance::None);
    }
    let obj = v.as_object().unwrap();
    assert_eq!(obj.len(), 1, "tolerance {v}");
    let (k, x) = obj.iter().next().unwrap();
    match k.as_str() {
        "absolute" => Tolerance::absolute(dec(x)),
        "relative" => Tolerance::relative(dec(x)),
        "floor" => Ok(Tolerance::floor(dec(x))),
        other => panic!("unknown tolerance {other}"),
    }
}

fn target(v: &Value) -> Result<Option<Target>, Error> {
    match v {
        Value::Null => Ok(None),
        Value::String(_) => Ok(Some(Target::Value(dec(v)))),
        _ => Target::range(dec(&v["low"]), dec(&v["high"])).map(Some),
    }
}

fn run_rag(input: &Value) -> Result<(Rating, Unit, Option<u32>), Error> {
    let polarity: Polarity = serde_json::from_value(input["polarity"].clone()).unwrap();
    let rule = Rule::new(polarity, tolerance(&input["tolerance"])?)
        .with_blue(input.get("blue").and_then(Value::as_bool).unwrap_or(true));
    let unit: Unit = input
        .get("unit")
        .map(|u| serde_json::from_value(u.clone()).unwrap())
        .unwrap_or_default();
    let decimals = input
        .get("decimals")
        .and_then(Value::as_u64)
        .map(|d| d as u32);
    let mut rating = if input.get("not_due").and_then(Value::as_bool) == Some(true) {
        Rating::not_due(&rule)
    } else if let Some(reason) = input.get("no_value_reason").and_then(Value::as_str) {
        Rating::no_data(reason, &rule)
    } else {
        let t = target(&input["target"])?;
        rate(
            opt_dec(&input["actual"]),
            t.as_ref(),
            opt_dec(&input["stretch"]),
            &rule,
        )?
    };
    rating = rating.explained(&unit, decimals);
    if let Some(o) = input.get("override") {
        let status: Status = serde_json::from_value(o["status"].clone()).unwrap();
        rating = rating.with_override(
            status,
            o["reason"].as_str().unwrap(),
            o["by"].as_str().unwrap(),
        );
    }
    Ok((rating, unit, decimals))
}

#[test]
fn rag_vectors() {
    let cases = load("rag.json", "rag");
    let mut failures = Vec::new();
    for case in &cases {
        let name = case["name"].as_str().unwrap();
        let expected = &case["expected"];
        match run_rag(&case["input"]) {
            Err(e) if expected.get("error").is_some() => {
                check_error(name, expected, kind_and_band(&e), &mut failures)
            }
            Err(e) => failures.push(format!("{name}: unexpected error {e}")),
            Ok((r, ..)) if expected.get("error").is_some() => {
                failures.push(format!("{name}: expected an error, got {:?}", r.status))
            }
            Ok((r, unit, dp)) => {
                let want: Status = serde_json::from_value(expected["status"].clone()).unwrap();
                if r.status != want {
                    failures.push(format!("{name}: status expected {want}, got {}", r.status));
                }
                for (field, got) in [
                    ("shortfall", r.shortfall),
                    ("tolerance_amount", r.tolerance_amount),
                ] {
                    if let Some(w) = expected.get(field) {
                        compare_dec(name, field, w, got, &mut failures);
                    }
                }
                if let Some(w) = expected.get("computed") {
                    let w: Status = serde_json::from_value(w.clone()).unwrap();
                    if r.computed != w {
                        failures.push(format!("{name}: computed expected {w}, got {}", r.computed));
                    }
                }
                if let Some(w) = expected.get("fired") {
                    let got = serde_json::to_value(r.fired).unwrap();
                    if &got != w {
                        failures.push(format!("{name}: fired expected {w}, got {got}"));
                    }
                }
                if let Some(w) = expected.get("sentence") {
                    let got = r.explanation.sentence.clone().unwrap_or_default();
                    if w.as_str() != Some(got.as_str()) {
                        failures.push(format!("{name}: sentence expected {w}, got {got:?}"));
                    }
                }
                // Every rated sentence ends with the computed status (before any override
                // text); unrated ones say it in words.
                let sentence = r.sentence(&unit, dp);
                if r.computed.is_rated() && !sentence.contains(&format!(": {}", r.computed)) {
                    failures.push(format!("{name}: sentence {sentence:?} lacks the status"));
                }
            }
        }
    }
    assert!(cases.len() >= 120, "only {} rag cases", cases.len());
    assert!(
        failures.is_empty(),
        "{} failing:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn scheme_vectors() {
    let cases = load("schemes.json", "scheme");
    let mut failures = Vec::new();
    for case in &cases {
        let name = case["name"].as_str().unwrap();
        let input = &case["input"];
        let expected = &case["expected"];
        let scheme = match read::<Scheme>(&input["scheme"]) {
            Ok(s) => s,
            Err(e) => {
                if expected.get("error").is_some() {
                    check_error(name, expected, e, &mut failures);
                } else {
                    failures.push(format!("{name}: unexpected error {e:?}"));
                }
                continue;
            }
        };
        // Serde round trip of every valid scheme.
        let back: Scheme = serde_json::from_value(serde_json::to_value(&scheme).unwrap()).unwrap();
        if back != scheme {
            failures.push(format!("{name}: scheme does not round-trip"));
        }
        if input.get("actual").is_none() {
            if expected.get("error").is_some() {
                failures.push(format!("{name}: expected an error, the scheme is valid"));
            }
            continue;
        }
        let polarity: Polarity = serde_json::from_value(input["polarity"].clone()).unwrap();
        let rule = Rule::new(polarity, Tolerance::None).with_scheme(scheme);
        let result = target(&input["target"])
            .and_then(|t| rate(opt_dec(&input["actual"]), t.as_ref(), None, &rule));
        match result {
            Err(e) if expected.get("error").is_some() => {
                check_error(name, expected, kind_and_band(&e), &mut failures)
            }
            Err(e) => failures.push(format!("{name}: unexpected error {e}")),
            Ok(r) if expected.get("error").is_some() => {
                failures.push(format!("{name}: expected an error, got {:?}", r.status))
            }
            Ok(r) => {
                let want: Status = serde_json::from_value(expected["status"].clone()).unwrap();
                if r.status != want {
                    failures.push(format!("{name}: status expected {want}, got {}", r.status));
                }
                if let Some(w) = expected.get("sentence") {
                    let unit: Unit = input
                        .get("unit")
                        .map(|u| serde_json::from_value(u.clone()).unwrap())
                        .unwrap_or_default();
                    let dp = input
                        .get("decimals")
                        .and_then(Value::as_u64)
                        .map(|d| d as u32);
                    let got = r.sentence(&unit, dp);
                    if w.as_str() != Some(got.as_str()) {
                        failures.push(format!("{name}: sentence expected {w}, got {got:?}"));
                    }
                }
                if let ragstatus::Fired::Band { index, value, .. } = r.fired {
                    if let Some(b) = expected.get("band").and_then(Value::as_u64) {
                        if b as usize != index {
                            failures.push(format!("{name}: band expected {b}, got {index}"));
                        }
                    }
                    if let Some(m) = expected.get("measure") {
                        compare_dec(name, "measure", m, Some(value), &mut failures);
                    }
                }
            }
        }
    }
    assert!(!cases.is_empty());
    assert!(
        failures.is_empty(),
        "{} failing:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn target_vectors() {
    let cases = load("targets.json", "target");
    let mut failures = Vec::new();
    for case in &cases {
        let name = case["name"].as_str().unwrap();
        let input = &case["input"];
        let expected = &case["expected"];
        let k = input["k"].as_u64().unwrap() as u32;
        let n = input["n"].as_u64().unwrap() as u32;
        let result = read::<TargetSpec>(&input["spec"]).and_then(|spec| {
            let t = spec.target_for(k, n).map_err(|e| kind_and_band(&e))?;
            let s = spec.stretch_for(k, n).map_err(|e| kind_and_band(&e))?;
            Ok((t, s))
        });
        match result {
            Err(got) if expected.get("error").is_some() => {
                check_error(name, expected, got, &mut failures)
            }
            Err(got) => failures.push(format!("{name}: unexpected error {got:?}")),
            Ok(got) if expected.get("error").is_some() => {
                failures.push(format!("{name}: expected an error, got {got:?}"))
            }
            Ok((t, s)) => {
                let want = target(&expected["target"]).unwrap();
                if want != t {
                    failures.push(format!("{name}: target expected {want:?}, got {t:?}"));
                }
                if let Some(w) = expected.get("stretch") {
                    compare_dec(name, "stretch", w, s, &mut failures);
                }
            }
        }
    }
    assert!(!cases.is_empty());
    assert!(
        failures.is_empty(),
        "{} failing:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
