//! A JSON Schema of the definitions format (feature `schema`), derived from the same serde
//! types that read definitions files, so it cannot drift from what the reader accepts.
//!
//! Editors use it to check a definitions file as it is typed: a JSON file names it in a
//! top-level `"$schema"` key; for TOML, taplo (Even Better TOML in VS Code) reads a
//! `#:schema ./definitions.schema.json` comment on the first line. `ragstatus schema` prints
//! it; the repository keeps a copy in `schema/definitions.schema.json`.
//!
//! The schema checks the shape of a file: the keys, their types, the names of units,
//! polarities and other choices, and that decimals are decimal numbers or text. Rules that
//! involve more than one field (a `within` indicator needs range targets, a tolerance is not
//! negative, target years exist in the calendar) are checked when the file is read, and are
//! reported with their line by [`Definitions::check_path`](crate::Definitions::check_path).
//!
//! ```
//! let schema = ragstatus::schema::definitions_schema();
//! assert_eq!(schema["title"], "ragstatus indicator definitions");
//! assert!(schema["properties"]["indicator"].is_object());
//! ```

use std::borrow::Cow;

use schemars::generate::SchemaSettings;
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde_json::Value;

use crate::definitions::Definitions;
use crate::indicator::IndicatorSpc;

/// The JSON Schema (draft 2020-12) of a definitions file, TOML or JSON.
pub fn definitions_schema() -> Value {
    let generator = SchemaSettings::draft2020_12().into_generator();
    let mut schema = generator.into_root_schema_for::<Definitions>().to_value();
    if let Some(root) = schema.as_object_mut() {
        root.insert(
            "title".into(),
            Value::from("ragstatus indicator definitions"),
        );
        root.insert(
            "description".into(),
            Value::from(
                "A fiscal calendar and a list of indicators, as read by ragstatus from TOML or \
                 JSON. Cross-field rules (range targets for within, tolerances not negative, \
                 target years of the calendar) are checked when the file is read.",
            ),
        );
    }
    tidy_descriptions(&mut schema);
    // The reader accepts these names too; schemars has no notion of serde aliases.
    add_alias(&mut schema, &["properties"], "indicator", "indicators");
    add_alias(
        &mut schema,
        &["$defs", "Indicator", "properties"],
        "target",
        "targets",
    );
    if let Some(properties) = schema.get_mut("properties").and_then(Value::as_object_mut) {
        properties.insert(
            "$schema".into(),
            serde_json::json!({
                "description": "The schema this file follows, for editors; ignored when read.",
                "type": "string"
            }),
        );
    }
    schema
}

/// The descriptions come from the Rust doc comments: drop their code examples and the
/// targets of their intra-doc links, which mean nothing in an editor's tooltip.
fn tidy_descriptions(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (key, item) in map.iter_mut() {
                match item {
                    Value::String(text) if key == "description" => *text = tidy(text),
                    other => tidy_descriptions(other),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(tidy_descriptions),
        _ => {}
    }
}

fn tidy(text: &str) -> String {
    let prose: String = text.split("```").step_by(2).collect();
    let mut out = String::with_capacity(prose.len());
    let mut rest = prose.as_str();
    while let Some(open) = rest.find('[') {
        out.push_str(rest.get(..open).unwrap_or_default());
        let after = rest.get(open.saturating_add(1)..).unwrap_or_default();
        let Some(close) = after.find(']') else {
            out.push_str(rest.get(open..).unwrap_or_default());
            rest = "";
            break;
        };
        let inner = after.get(..close).unwrap_or_default();
        let tail = after.get(close.saturating_add(1)..).unwrap_or_default();
        if let Some(target) = tail.strip_prefix('(') {
            out.push_str(inner);
            rest = target.find(')').map_or("", |end| {
                target.get(end.saturating_add(1)..).unwrap_or_default()
            });
        } else if inner.starts_with('`') && inner.ends_with('`') {
            out.push_str(inner);
            rest = tail;
        } else {
            out.push('[');
            rest = after;
        }
    }
    out.push_str(rest);
    let mut tidy = out.trim().to_string();
    while tidy.contains("\n\n\n") {
        tidy = tidy.replace("\n\n\n", "\n\n");
    }
    tidy
}

fn add_alias(schema: &mut Value, path: &[&str], name: &str, alias: &str) {
    let mut at = Some(schema);
    for key in path {
        at = at.and_then(|v| v.get_mut(*key));
    }
    if let Some(properties) = at.and_then(Value::as_object_mut) {
        if let Some(original) = properties.get(name).cloned() {
            properties.insert(alias.into(), original);
        }
    }
}

/// The schema of a decimal as definitions accept it: text (exact, recommended) or a number
/// (read from its text, never through a binary float).
pub(crate) struct DecimalText;

impl JsonSchema for DecimalText {
    fn schema_name() -> Cow<'static, str> {
        "Decimal".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A decimal number, preferably as text (\"94.95\"); a number is read \
                            from its text, never through a binary float.",
            "anyOf": [
                {
                    "type": "string",
                    "pattern": "^\\s*[+-]?([0-9][0-9_]*(\\.[0-9_]*)?|\\.[0-9][0-9_]*)([eE][+-]?[0-9]+)?\\s*$"
                },
                { "type": "number" }
            ]
        })
    }
}

/// `spc = true`, `spc = false`, or a table of settings.
pub(crate) fn spc(generator: &mut SchemaGenerator) -> Schema {
    let table = generator.subschema_for::<IndicatorSpc>();
    json_schema!({
        "description": "Statistical process control: true for the defaults, false for none, or \
                        a table of the settings that differ from the defaults.",
        "anyOf": [{ "type": "boolean" }, table]
    })
}

#[cfg(test)]
mod tests {
    use super::tidy;

    #[test]
    fn descriptions_lose_code_and_link_targets() {
        assert_eq!(
            tidy("A [`Band`](crate::Band) or [`Scheme`], [low, high].\n\n```\nlet x = 1;\n```"),
            "A `Band` or `Scheme`, [low, high]."
        );
        assert_eq!(tidy("see [the docs](self) [x"), "see the docs [x");
    }
}
