//! The pieces of a `__repr__`, written as Python would write them.

use ragstatus::Decimal;

/// A Python string literal for a repr: `'text'`.
pub fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len().saturating_add(2));
    out.push('\'');
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

/// `Decimal('1.5')` or `None`, for a repr.
pub fn dec_repr(d: Option<Decimal>) -> String {
    match d {
        Some(d) => format!("Decimal('{d}')"),
        None => "None".to_string(),
    }
}
