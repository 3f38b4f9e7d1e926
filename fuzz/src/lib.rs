//! What the CSV targets share: the example council's definitions, so that fuzzed rows name
//! indicators that exist and reach the checks behind the indicator lookup.

use std::sync::OnceLock;

use ragstatus::Definitions;
use ragstatus::input::Catalog;

/// The catalog of `examples/council-q3/indicators.toml` (empty should it ever fail to load).
pub fn catalog() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| {
        Definitions::from_toml_str(include_str!("../../examples/council-q3/indicators.toml"))
            .map(|defs| Catalog::new(&defs))
            .unwrap_or_default()
    })
}

/// The example council's definitions (empty should they ever fail to load), for the frame
/// target.
pub fn definitions() -> &'static Definitions {
    static DEFINITIONS: OnceLock<Definitions> = OnceLock::new();
    DEFINITIONS.get_or_init(|| {
        Definitions::from_toml_str(include_str!("../../examples/council-q3/indicators.toml"))
            .unwrap_or_default()
    })
}
