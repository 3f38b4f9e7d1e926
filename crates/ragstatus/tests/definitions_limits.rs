//! Bounds on definition settings, and direction of travel at the edge of the decimal range.

use std::collections::BTreeMap;

use ragstatus::direction::{StableBand, by_regression, compare};
use ragstatus::{
    Decimal, Definitions, Direction, ErrorKind, Observation, Polarity, Series, Status,
};

fn defs(direction: &str) -> Result<Definitions, ragstatus::Error> {
    Definitions::from_toml_str(&format!(
        "[[indicator]]\nid = \"A\"\npolarity = \"higher\"\ndirection = {direction}\n\
         [[indicator.target]]\nvalue = \"10\"\n"
    ))
}

#[test]
fn regression_window_has_a_maximum() {
    assert!(
        defs(&format!(
            "{{ regression = {} }}",
            ragstatus::direction::MAX_REGRESSION
        ))
        .is_ok()
    );
    let err = defs("{ regression = 100000000 }").unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::InvalidValue { .. }),
        "{err}"
    );
    assert_eq!(
        err.location().field.as_deref(),
        Some("indicator[0].direction.regression")
    );
    assert!(err.to_string().contains("at most 60"), "{err}");
}

#[test]
fn overflow_in_change_is_not_comparable_and_keeps_the_status() -> Result<(), ragstatus::Error> {
    let defs = defs("{ compare = \"previous\" }")?;
    let q1 = defs.calendar.parse("2015/16 Q1")?;
    let q2 = defs.calendar.parse("2015/16 Q2")?;
    let series = Series::from([
        (q1, Observation::value(-Decimal::MAX)),
        (q2, Observation::value(Decimal::from(12))),
    ]);
    let actuals = BTreeMap::from([("A".to_string(), series)]);
    let evaluation = defs.evaluate(q2, &actuals);
    assert!(evaluation.errors.is_empty(), "{:?}", evaluation.errors);
    let result = &evaluation.results[0];
    assert_eq!(result.status, Status::Green);
    assert_eq!(result.direction, Direction::NotComparable);
    let reason = result.previous.reason.as_deref().unwrap_or_default();
    assert!(reason.contains("too large"), "{reason}");
    Ok(())
}

#[test]
fn overflow_in_compare_and_regression_is_not_comparable() -> Result<(), ragstatus::Error> {
    let t = compare(
        Polarity::Lower,
        Some(Decimal::MAX),
        Some(-Decimal::MAX),
        None,
        StableBand::default(),
    )?;
    assert_eq!(t.direction, Direction::NotComparable);
    assert_eq!(t.actual, Some(Decimal::MAX));
    assert!(t.reason.is_some());
    let t = compare(
        Polarity::Higher,
        Some(Decimal::ONE),
        Some(Decimal::MAX),
        None,
        StableBand::Relative(Decimal::ONE_HUNDRED),
    )?;
    assert_eq!(t.direction, Direction::NotComparable);
    assert!(
        t.reason
            .as_deref()
            .unwrap_or_default()
            .contains("stable band")
    );
    let t = by_regression(
        Polarity::Higher,
        &[Some(Decimal::MAX), Some(-Decimal::MAX), Some(Decimal::MAX)],
        None,
        StableBand::default(),
    )?;
    assert_eq!(t.direction, Direction::NotComparable);
    assert!(t.reason.is_some());
    let codes = ragstatus::columnar::direction_codes(
        Polarity::Higher,
        &[Some(Decimal::MAX)],
        &[Some(-Decimal::MAX)],
        None,
        StableBand::default(),
    )?;
    assert_eq!(codes, [Direction::NotComparable.code()]);
    Ok(())
}
