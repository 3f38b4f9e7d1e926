//! The bridge between the command line and the library: loading the definitions and telling
//! the actuals reader which indicators exist and how periods are labelled.

use std::collections::HashMap;
use std::path::Path;

use ragstatus::{Error, ErrorKind, FiscalCalendar, Period};

use crate::actuals::Catalog;

/// The definitions as the command line needs them.
#[derive(Debug, Clone)]
pub struct Defs {
    /// The fiscal calendar.
    pub calendar: FiscalCalendar,
    /// Indicator ids in file order, with their position.
    pub ids: HashMap<String, usize>,
}

impl Defs {
    /// Reads a definitions file (TOML, or JSON when the name ends in `.json`).
    pub fn load(path: &Path) -> Result<Defs, Error> {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| Error::from(e).with_file(&file))?;
        let value: serde_json::Value = if file.to_ascii_lowercase().ends_with(".json") {
            serde_json::from_str(&text).map_err(|e| Error::from(e).with_file(&file))?
        } else {
            let table: toml::Table =
                toml::from_str(&text).map_err(|e| Error::from(e).with_file(&file))?;
            serde_json::to_value(table).map_err(|e| Error::from(e).with_file(&file))?
        };
        let start_month = value
            .get("calendar")
            .and_then(|c| c.get("start_month"))
            .and_then(serde_json::Value::as_u64)
            .unwrap_or(4);
        let calendar = FiscalCalendar::new(u32::try_from(start_month).unwrap_or(0))
            .map_err(|e| e.with_file(&file))?;
        let mut ids = HashMap::new();
        let list = value
            .get("indicator")
            .or_else(|| value.get("indicators"))
            .and_then(serde_json::Value::as_array)
            .cloned()
            .unwrap_or_default();
        for (i, indicator) in list.iter().enumerate() {
            let id = indicator
                .get("id")
                .and_then(serde_json::Value::as_str)
                .ok_or_else(|| {
                    Error::new(ErrorKind::Missing { field: "id".into() })
                        .with_field(format!("indicator[{i}]"))
                        .with_file(&file)
                })?;
            if ids.insert(id.to_string(), i).is_some() {
                return Err(Error::new(ErrorKind::Duplicate {
                    what: "indicator id".into(),
                    key: id.into(),
                })
                .with_file(&file));
            }
        }
        Ok(Defs { calendar, ids })
    }
}

impl Catalog for &Defs {
    type Period = Period;

    fn knows(&self, id: &str) -> bool {
        self.ids.contains_key(id)
    }

    fn parse_period(&self, label: &str) -> Result<Period, Error> {
        self.calendar.parse(label)
    }
}
