//! The indicator table (section 3) as CSV, one row per indicator, for spreadsheets: the figures
//! as shown, the exact actual, the SPC icons and rule, the benchmark figures, the icon
//! summary's two icons and sentence, and the comparison with a national value (`compared_*`:
//! the value, its interval, the national value, the outcome and the sentence) as columns. A CSV
//! file holds one table, so the icon summary and the comparison are carried by their
//! indicators' rows rather than written as tables of their own.

use std::collections::HashMap;

use super::view::{IconShown, IconSummaryView, NationalShown, Shown, View, direction_key};
use super::walk::Sections;

/// The CSV being written; the first error met, if any.
pub struct Csv<'a> {
    writer: csv::Writer<Vec<u8>>,
    error: Option<String>,
    icons: HashMap<&'a str, &'a IconShown>,
}

const HEAD: [&str; 34] = [
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
    "variation_icon",
    "assurance_icon",
    "icon_summary",
    "compared_with",
    "compared_value",
    "compared_level",
    "compared_lower",
    "compared_upper",
    "compared_national",
    "compared_outcome",
    "compared_sentence",
];

impl<'a> Csv<'a> {
    /// A CSV with its header.
    pub fn new() -> Csv<'a> {
        let mut writer = csv::Writer::from_writer(Vec::new());
        let error = writer.write_record(HEAD).err().map(|e| e.to_string());
        Csv {
            writer,
            error,
            icons: HashMap::new(),
        }
    }

    fn record(
        &mut self,
        period: &str,
        row: &Shown,
        compared: Option<(&str, &NationalShown)>,
    ) -> Result<(), csv::Error> {
        fn text<T: ToString>(value: Option<T>) -> String {
            value.map(|v| v.to_string()).unwrap_or_default()
        }
        let spc = row.spc.as_ref();
        let bench = row.benchmark.as_ref().and_then(|b| b.result.as_ref());
        let icon = self.icons.get(row.id.as_str()).map(|i| &i.row);
        let against = compared.map(|(a, _)| a);
        let compared = compared.map(|(_, c)| c);
        let exact = |v: Option<ragstatus::Decimal>| v.map(|v| v.normalize());
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
            text(icon.map(|i| i.variation.as_str())),
            text(icon.map(|i| i.assurance.as_str())),
            text(icon.map(|i| &i.summary)),
            text(against),
            text(exact(compared.and_then(|c| c.value))),
            text(compared.and_then(|c| c.level)),
            text(exact(compared.and_then(|c| c.lower))),
            text(exact(compared.and_then(|c| c.upper))),
            text(exact(compared.and_then(|c| c.national))),
            text(compared.map(|c| c.outcome_shown.as_str())),
            text(compared.map(|c| c.sentence.as_str())),
        ])
    }
}

impl<'a> Sections<'a> for Csv<'a> {
    fn icon_summary(&mut self, _view: &'a View, icons: &'a IconSummaryView) {
        self.icons = icons.rows.iter().map(|i| (i.row.id.as_str(), i)).collect();
    }

    fn group(&mut self, view: &'a View, _group: &'a [String], rows: &[&'a Shown]) {
        for row in rows {
            if self.error.is_some() {
                return;
            }
            let compared = view.compared_with.iter().find_map(|section| {
                section
                    .rows
                    .iter()
                    .find(|r| r.id == row.id)
                    .map(|r| (section.against.as_str(), r))
            });
            self.error = self
                .record(&view.period, row, compared)
                .err()
                .map(|e| e.to_string());
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
