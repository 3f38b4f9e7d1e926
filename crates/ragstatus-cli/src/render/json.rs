//! The report as one JSON document: every section, with exact decimals as strings beside the
//! text each format shows, the full SPC result and the benchmark.

use super::view::View;
use super::walk::Sections;

/// The report, held until every section has been walked.
#[derive(Default)]
pub struct Json<'a> {
    view: Option<&'a View>,
}

impl<'a> Sections<'a> for Json<'a> {
    // The view is already in the document's shape, section by section, so it is written whole.
    fn title(&mut self, view: &'a View) {
        self.view = Some(view);
    }

    fn finish(self) -> Result<String, String> {
        serde_json::to_string_pretty(&self.view)
            .map(|s| s + "\n")
            .map_err(|e| e.to_string())
    }
}
