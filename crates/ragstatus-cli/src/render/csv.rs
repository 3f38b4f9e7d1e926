//! The indicator table (section 3) as CSV, one row per indicator, for spreadsheets: the figures
//! as shown, the exact actual, the SPC icons and rule, and the benchmark figures as columns.

use super::view::{Shown, View, direction_key};
use super::walk::Sections;

/// The CSV being written; the first error met, if any.
pub struct Csv {
    writer: csv::Writer<Vec<u8>>,
    error: Option<String>,
}

const HEAD: [&str; 23] = [
    "id",
    "name",
    "theme",
    "directorate",
    "period",
    "target",
    "actual",
    "status",
    "vs_previous",
    "previous",
    "vs_year_ago",
    "year_ago",
    "provisional",
    "note",
    "explanation",
    "spc_variation",
    "spc_rule",
    "spc_assurance",
    "benchmark_rank",
    "benchmark_group_size",
    "benchmark_quartile",
    "benchmark_median",
    "benchmark_distance_from_median",
];

impl Csv {
    /// A CSV with its header.
    pub fn new() -> Csv {
        let mut writer = csv::Writer::from_writer(Vec::new());
        let error = writer.write_record(HEAD).err().map(|e| e.to_string());
        Csv { writer, error }
    }

    fn record(&mut self, period: &str, row: &Shown) -> Result<(), csv::Error> {
        fn text<T: ToString>(value: Option<T>) -> String {
            value.map(|v| v.to_string()).unwrap_or_default()
        }
        let spc = row.spc.as_ref();
        let bench = row.benchmark.as_ref().and_then(|b| b.result.as_ref());
        self.writer.write_record([
            row.id.clone(),
            row.name.clone(),
            row.group.first().cloned().unwrap_or_default(),
            row.group.get(1).cloned().unwrap_or_default(),
            period.to_string(),
            row.target.clone().unwrap_or_default(),
            row.actual_value
                .map(|v| v.normalize().to_string())
                .unwrap_or_default(),
            row.status.as_str().to_string(),
            direction_key(row.vs_previous).to_string(),
            row.previous.clone().unwrap_or_default(),
            direction_key(row.vs_year_ago).to_string(),
            row.year_ago.clone().unwrap_or_default(),
            if row.provisional { "yes" } else { "" }.to_string(),
            row.note.clone().unwrap_or_default(),
            row.explanation.clone(),
            spc.and_then(|s| s.variation)
                .map(|v| v.as_str().to_string())
                .unwrap_or_default(),
            spc.and_then(|s| s.rule)
                .map(|r| r.as_str().to_string())
                .unwrap_or_default(),
            spc.and_then(|s| s.assurance)
                .and_then(|a| serde_json::to_value(a).ok())
                .and_then(|v| v.as_str().map(String::from))
                .unwrap_or_default(),
            text(bench.and_then(|b| b.rank)),
            text(bench.map(|b| b.group_size)),
            text(bench.and_then(|b| b.quartile)),
            text(bench.and_then(|b| b.median)),
            text(bench.and_then(|b| b.distance_from_median)),
        ])
    }
}

impl<'a> Sections<'a> for Csv {
    fn group(&mut self, view: &'a View, _group: &'a [String], rows: &[&'a Shown]) {
        for row in rows {
            if self.error.is_some() {
                return;
            }
            self.error = self.record(&view.period, row).err().map(|e| e.to_string());
        }
    }

    fn finish(self) -> Result<String, String> {
        if let Some(error) = self.error {
            return Err(error);
        }
        let bytes = self.writer.into_inner().map_err(|e| e.to_string())?;
        String::from_utf8(bytes).map_err(|e| e.to_string())
    }
}
