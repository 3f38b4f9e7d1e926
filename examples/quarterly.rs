//! A quarterly performance report in miniature: a few indicators defined in TOML, a year and a
//! half of actuals, and the 2015/16 Q3 position with status, direction of travel and the
//! explanation of each, then a summary by theme.
//!
//! Run with `cargo run --example quarterly -p ragstatus` (or `./scripts/report.sh`).

use std::collections::BTreeMap;

use ragstatus::{Definitions, Observation, RollUp, Series};
use rust_decimal::Decimal;

const DEFINITIONS: &str = r#"
[calendar]
start_month = 4

[[indicator]]
id = "SW-01"
name = "Looked-after children with a Personal Education Plan"
group = ["Start Well", "Children's Services"]
unit = "percent"
polarity = "higher"
decimals = 1
aggregation = "ratio"
tolerance = { absolute = "2" }
[[indicator.target]]
year = "2015/16"
value = "95"
stretch = "98"

[[indicator]]
id = "SW-02"
name = "Re-referrals to children's social care within 12 months"
group = ["Start Well", "Children's Services"]
unit = "percent"
polarity = "lower"
decimals = 1
direction = { compare = "previous", stable = { absolute = "0.5" } }
tolerance = { relative = "10" }
[[indicator.target]]
year = "2015/16"
value = "22"

[[indicator]]
id = "LW-01"
name = "Affordable homes delivered (year to date)"
group = ["Live Well", "Housing"]
unit = "count"
polarity = "higher"
decimals = 0
aggregation = "sum"
tolerance = { relative = "10" }
direction = { compare = "year_ago" }
[[indicator.target]]
year = "2015/16"
annual = "240"
profile = "even"
[[indicator.target]]
year = "2014/15"
annual = "200"
profile = "even"

[[indicator]]
id = "LW-02"
name = "Days to process a new housing benefit claim"
group = ["Live Well", "Customer Services"]
unit = "days"
polarity = "lower"
frequency = "monthly"
aggregation = "mean"
decimals = 1
rounding = { decimals = 1, mode = "half_away_from_zero" }
tolerance = { floor = "25" }
[[indicator.target]]
value = "20"

[[indicator]]
id = "AW-01"
name = "Care home bed occupancy"
group = ["Age Well"]
unit = "percent"
polarity = "within"
decimals = 1
tolerance = { absolute = "2" }
[[indicator.target]]
low = "85"
high = "95"

[[indicator]]
id = "AW-02"
name = "Adults satisfied with their care and support (annual survey)"
group = ["Age Well"]
unit = "percent"
polarity = "higher"
frequency = "annual"
[[indicator.target]]
value = "65"
"#;

/// Actuals as (indicator, period, value) or (indicator, period, numerator/denominator).
const ACTUALS: &[(&str, &str, &str)] = &[
    ("SW-01", "2015/16 Q1", "171/180"),
    ("SW-01", "2015/16 Q2", "166/181"),
    ("SW-01", "2015/16 Q3", "172/179"),
    ("SW-02", "2015/16 Q2", "24.1"),
    ("SW-02", "2015/16 Q3", "23.4"),
    ("LW-01", "2014/15 Q1", "40"),
    ("LW-01", "2014/15 Q2", "52"),
    ("LW-01", "2014/15 Q3", "47"),
    ("LW-01", "2015/16 Q1", "61"),
    ("LW-01", "2015/16 Q2", "49"),
    ("LW-01", "2015/16 Q3", "42"),
    ("LW-02", "2015/16 M04", "21.2"),
    ("LW-02", "2015/16 M05", "20.4"),
    ("LW-02", "2015/16 M06", "19.9"),
    ("LW-02", "2015/16 M07", "19.6"),
    ("LW-02", "2015/16 M08", "20.1"),
    ("LW-02", "2015/16 M09", "20.35"),
    ("AW-01", "2015/16 Q2", "97.2"),
    ("AW-01", "2015/16 Q3", "96.1"),
    ("AW-02", "2014/15", "63"),
];

fn main() -> Result<(), ragstatus::Error> {
    let defs = Definitions::from_toml_str(DEFINITIONS)?;
    let mut actuals: BTreeMap<String, Series> = BTreeMap::new();
    for (id, label, text) in ACTUALS {
        let period = defs.calendar.parse(label)?;
        let observation = match text.split_once('/') {
            Some((n, d)) => Observation::fraction(decimal(n)?, decimal(d)?),
            None => Observation::value(decimal(text)?),
        };
        actuals
            .entry((*id).to_string())
            .or_default()
            .insert(period, observation);
    }

    let period = defs.calendar.parse("2015/16 Q3")?;
    let evaluation = defs.evaluate(period, &actuals);

    println!("Performance report, {period}\n");
    println!(
        "{:<6} {:<58} {:>10} {:>12}  {:<8} {:<13}",
        "id", "indicator", "actual", "target", "status", "direction"
    );
    println!("{}", "-".repeat(114));
    for result in &evaluation.results {
        let indicator = defs.get(&result.id);
        let unit = indicator.map(|i| &i.unit);
        let dp = indicator.and_then(|i| i.decimals);
        let show = |v: Option<Decimal>| match (v, unit) {
            (Some(v), Some(u)) => u.format_value(v, dp),
            _ => "-".to_string(),
        };
        let target = match result.target {
            Some(ragstatus::Target::Value(v)) => show(Some(v)),
            Some(ragstatus::Target::Range { low, high }) => {
                format!("{}-{}", show(Some(low)), show(Some(high)))
            }
            None => "-".to_string(),
        };
        println!(
            "{:<6} {:<58} {:>10} {:>12}  {:<8} {:<13}",
            result.id,
            result.name,
            show(result.actual),
            target,
            result.status.as_str(),
            if result.status == ragstatus::Status::NotDue {
                "-"
            } else {
                result.direction.words()
            }
        );
        println!("       {}", result.sentence());
    }
    for error in &evaluation.errors {
        println!("error: {error}");
    }

    let summary = evaluation.summary(Some(RollUp::Worst))?;
    println!("\nSummary (roll-up: worst rated status)\n");
    let o = &summary.overall.counts;
    println!(
        "{:<32} {:>5} {:>5} {:>5} {:>5} {:>7} {:>9}  roll-up",
        "group", "Blue", "Green", "Amber", "Red", "unrated", "on target"
    );
    let rows = summary
        .groups
        .iter()
        .filter(|g| g.path.len() == 1)
        .chain(std::iter::once(&summary.overall));
    for g in rows {
        let c = &g.counts;
        let name = if g.path.is_empty() {
            "All indicators".to_string()
        } else {
            g.path.join(" / ")
        };
        let pct = c
            .percent_on_target_rounded(0)
            .map(|p| format!("{p}%"))
            .unwrap_or_else(|| "-".into());
        let roll = g.roll_up.map(|s| s.as_str()).unwrap_or("(none rated)");
        println!(
            "{:<32} {:>5} {:>5} {:>5} {:>5} {:>7} {:>9}  {}",
            name,
            c.blue,
            c.green,
            c.amber,
            c.red,
            c.total - c.rated,
            pct,
            roll
        );
    }
    println!(
        "\n{} of {} rated indicators on target; {} improving, {} worsening.",
        o.on_target(),
        o.rated,
        o.improving,
        o.worsening
    );
    Ok(())
}

fn decimal(text: &str) -> Result<Decimal, ragstatus::Error> {
    text.trim()
        .parse()
        .map_err(|_| ragstatus::Error::invalid_value(text, "a decimal number"))
}
