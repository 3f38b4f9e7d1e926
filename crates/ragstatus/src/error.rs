//! The one error type of ragstatus.
//!
//! Every fallible operation returns [`Error`]. An error has a [`kind`](Error::kind) — *what* went
//! wrong, and what was expected instead — and a [`Location`] — *where* it applies: the indicator,
//! the period, the field, the file, the line and the column, as far as they are known. Code that
//! catches an error on its way out adds what it knows with the `with_*` methods, so that an error
//! raised deep inside the evaluation of one value reaches the user as
//! `actuals.csv:14, indicator PI-07, period 2015/16 Q3, field value: "n/a" is not a number`.
//!
//! ```
//! use ragstatus::{Error, ErrorKind};
//!
//! let err = Error::new(ErrorKind::InvalidValue {
//!     found: "n/a".into(),
//!     expected: "a decimal number".into(),
//! })
//! .with_indicator("PI-07")
//! .with_field("value")
//! .with_file("actuals.csv")
//! .with_line(14);
//! assert_eq!(err.location().line, Some(14));
//! assert_eq!(
//!     err.to_string(),
//!     "actuals.csv:14, indicator PI-07, field value: \"n/a\" is not valid; expected a decimal number"
//! );
//! ```

use std::cell::RefCell;
use std::fmt;

use serde::{Deserialize, Serialize};

/// A `Result` whose error is ragstatus's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What went wrong. Each variant says what was found and what was expected.
///
/// Serialised with its variant name in a `kind` field beside the variant's own fields:
/// `{"kind": "PeriodLabel", "label": "2015/17 Q3"}`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[serde(tag = "kind")]
#[non_exhaustive]
pub enum ErrorKind {
    /// A period label that matches none of the accepted forms.
    #[error(
        "period label {} is not recognised; expected a form such as \"2015/16 Q3\", \"Q3 2015/16\", \"2015-16 Q3\", \"2015/2016 Q3\", \"FY2015/16 Q3\" (M01-M12, Q1-Q4, H1-H2, or a year alone; \"2015 Q3\" for years that start in January)",
        quoted(.label)
    )]
    PeriodLabel {
        /// The label as given.
        label: String,
    },
    /// A scalar value (number, date, amount, enum name, ...) that could not be read.
    #[error("{} is not valid; expected {expected}", quoted(.found))]
    InvalidValue {
        /// The text found.
        found: String,
        /// What would have been accepted.
        expected: String,
    },
    /// A definition (indicator, target, tolerance, threshold, setting) that is inconsistent.
    #[error("invalid definition: {}", long(.message))]
    Definition {
        /// What is wrong and what would be right.
        message: String,
    },
    /// A custom status scheme whose bands do not cover every value exactly once, in order.
    #[error("invalid scheme, band {band}: {}", long(.message))]
    Scheme {
        /// The zero-based index of the offending band.
        band: usize,
        /// What is wrong with it.
        message: String,
    },
    /// A field that must be present is missing.
    #[error("missing {field}")]
    Missing {
        /// The missing field.
        field: String,
    },
    /// A reference to an indicator that has no definition.
    #[error("unknown indicator {}", quoted(.id))]
    UnknownIndicator {
        /// The id found.
        id: String,
    },
    /// The same key given twice where it must be unique.
    #[error("duplicate {what} {}", quoted(.key))]
    Duplicate {
        /// What kind of key (indicator id, row, budget line, ...).
        what: String,
        /// The repeated key.
        key: String,
    },
    /// Columns of a batch that should have one entry per row have different lengths.
    #[error("column {column} has {found} rows; expected {expected}")]
    Length {
        /// The column that disagrees.
        column: String,
        /// Its length.
        found: usize,
        /// The batch length.
        expected: usize,
    },
    /// Decimal arithmetic that would overflow the 96-bit mantissa (values beyond ±7.9 × 10²⁸).
    #[error("arithmetic overflow computing {operation}")]
    Overflow {
        /// The quantity being computed.
        operation: String,
    },
    /// A file or text in a structured format (JSON, TOML, CSV) that does not parse or does not
    /// match the expected shape.
    #[error("{format}: {}", long(.message))]
    Syntax {
        /// The format: "JSON", "TOML", "CSV", ...
        format: String,
        /// The parser's message, with the path to the offending field where known.
        message: String,
    },
    /// A file that could not be read or written.
    #[error("{message}")]
    Io {
        /// The operating system's message.
        message: String,
    },
}

/// The longest text an error message repeats whole, in characters. Longer text (a 10 MB cell
/// of a CSV file) is cut to its start, with its full length, so that one bad field cannot
/// flood a terminal or a log; the error's fields keep the whole text.
pub const MAX_SHOWN_CHARS: usize = 60;

/// The longest message of a parser or a check an error shows whole, in characters: room for
/// a list of the expected keys, but not for the text of a 10 MB field quoted inside it.
const MAX_MESSAGE_CHARS: usize = 400;

/// Text as an error message shows it: quoted or not, and cut at `limit` characters.
struct Shown<'a> {
    text: &'a str,
    quote: bool,
    limit: usize,
}

fn quoted(text: &str) -> Shown<'_> {
    Shown {
        text,
        quote: true,
        limit: MAX_SHOWN_CHARS,
    }
}

fn plain(text: &str) -> Shown<'_> {
    Shown {
        text,
        quote: false,
        limit: MAX_SHOWN_CHARS,
    }
}

fn long(text: &str) -> Shown<'_> {
    Shown {
        text,
        quote: false,
        limit: MAX_MESSAGE_CHARS,
    }
}

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let cut = self.text.char_indices().nth(self.limit).map(|(i, _)| i);
        let head = cut.and_then(|i| self.text.get(..i)).unwrap_or(self.text);
        match (self.quote, cut) {
            (true, None) => write!(f, "{head:?}"),
            (false, None) => f.write_str(head),
            (quote, Some(_)) => {
                let total = self.text.chars().count();
                if quote {
                    let quoted = format!("{head:?}");
                    let open = quoted.strip_suffix('"').unwrap_or(&quoted);
                    write!(f, "{open}…\" ({total} characters)")
                } else {
                    write!(f, "{head}… ({total} characters)")
                }
            }
        }
    }
}

impl ErrorKind {
    /// The variant's name, as written in conformance vectors and serialised errors
    /// (`"PeriodLabel"`, `"Definition"`, ...).
    pub fn name(&self) -> &'static str {
        match self {
            ErrorKind::PeriodLabel { .. } => "PeriodLabel",
            ErrorKind::InvalidValue { .. } => "InvalidValue",
            ErrorKind::Definition { .. } => "Definition",
            ErrorKind::Scheme { .. } => "Scheme",
            ErrorKind::Missing { .. } => "Missing",
            ErrorKind::UnknownIndicator { .. } => "UnknownIndicator",
            ErrorKind::Duplicate { .. } => "Duplicate",
            ErrorKind::Length { .. } => "Length",
            ErrorKind::Overflow { .. } => "Overflow",
            ErrorKind::Syntax { .. } => "Syntax",
            ErrorKind::Io { .. } => "Io",
        }
    }
}

/// Where an error applies. Every part is optional; an error gathers them on its way out.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Location {
    /// The file being read.
    pub file: Option<String>,
    /// The one-based line in that file (the header of a CSV file is line 1).
    pub line: Option<u64>,
    /// The column within that line: a CSV header name, or the one-based character position
    /// in a definitions file.
    pub column: Option<String>,
    /// The indicator, budget line or milestone id.
    pub indicator: Option<String>,
    /// The period label.
    pub period: Option<String>,
    /// The field (in a definition, the dotted path to it).
    pub field: Option<String>,
}

impl Location {
    /// True when no part of the location is known.
    pub fn is_empty(&self) -> bool {
        *self == Location::default()
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts: Vec<String> = Vec::new();
        match (&self.file, self.line) {
            (Some(file), Some(line)) => parts.push(format!("{file}:{line}")),
            (Some(file), None) => parts.push(file.clone()),
            (None, Some(line)) => parts.push(format!("line {line}")),
            (None, None) => {}
        }
        if let Some(column) = &self.column {
            parts.push(format!("column {}", plain(column)));
        }
        if let Some(indicator) = &self.indicator {
            parts.push(format!("indicator {}", plain(indicator)));
        }
        if let Some(period) = &self.period {
            parts.push(format!("period {}", plain(period)));
        }
        if let Some(field) = &self.field {
            parts.push(format!("field {}", plain(field)));
        }
        f.write_str(&parts.join(", "))
    }
}

/// The error type of every fallible ragstatus operation: a [`ErrorKind`] and a [`Location`].
///
/// Boxed, so that `Result<T, Error>` stays one pointer wide on the hot path.
#[derive(Clone, PartialEq, Eq)]
pub struct Error {
    inner: Box<Inner>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Inner {
    kind: ErrorKind,
    location: Location,
}

impl Error {
    /// An error of this kind, with no location yet.
    pub fn new(kind: ErrorKind) -> Self {
        Error {
            inner: Box::new(Inner {
                kind,
                location: Location::default(),
            }),
        }
    }

    /// What went wrong.
    pub fn kind(&self) -> &ErrorKind {
        &self.inner.kind
    }

    /// Where it applies.
    pub fn location(&self) -> &Location {
        &self.inner.location
    }

    /// Shorthand for an [`ErrorKind::InvalidValue`].
    pub fn invalid_value(found: impl Into<String>, expected: impl Into<String>) -> Self {
        Error::new(ErrorKind::InvalidValue {
            found: found.into(),
            expected: expected.into(),
        })
    }

    /// Shorthand for an [`ErrorKind::Definition`].
    pub fn definition(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::Definition {
            message: message.into(),
        })
    }

    /// Shorthand for an [`ErrorKind::Overflow`].
    pub fn overflow(operation: impl Into<String>) -> Self {
        Error::new(ErrorKind::Overflow {
            operation: operation.into(),
        })
    }

    /// Sets the file, unless an inner layer already set a more specific one.
    pub fn with_file(mut self, file: impl Into<String>) -> Self {
        self.inner.location.file.get_or_insert_with(|| file.into());
        self
    }

    /// Sets the line, unless already set.
    pub fn with_line(mut self, line: u64) -> Self {
        self.inner.location.line.get_or_insert(line);
        self
    }

    /// Sets the column, unless already set.
    pub fn with_column(mut self, column: impl Into<String>) -> Self {
        self.inner
            .location
            .column
            .get_or_insert_with(|| column.into());
        self
    }

    /// Sets the indicator (or budget line, or milestone) id, unless already set.
    pub fn with_indicator(mut self, id: impl Into<String>) -> Self {
        self.inner
            .location
            .indicator
            .get_or_insert_with(|| id.into());
        self
    }

    /// Sets the period label, unless already set.
    pub fn with_period(mut self, period: impl Into<String>) -> Self {
        self.inner
            .location
            .period
            .get_or_insert_with(|| period.into());
        self
    }

    /// Sets the field, or prefixes an inner field path: `target` then `annual` gives
    /// `target.annual`.
    pub fn with_field(mut self, field: impl Into<String>) -> Self {
        let field = field.into();
        let location = &mut self.inner.location;
        location.field = Some(match location.field.take() {
            // A value that names its own field ("tolerance.absolute") read at a path that
            // already ends in that field ("indicator[0].tolerance") must not say it twice.
            Some(inner) => match inner.split_once('.') {
                Some((head, rest)) if field.rsplit('.').next() == Some(head) => {
                    format!("{field}.{rest}")
                }
                _ if field.rsplit('.').next() == Some(inner.as_str()) => field,
                _ => format!("{field}.{inner}"),
            },
            None => field,
        });
        self
    }
}

/// The serialised form of an [`Error`]: the kind's fields, the location, and the message as
/// [`Display`](fmt::Display) writes it (ignored when read back: it is derived).
#[derive(Serialize, Deserialize)]
struct ErrorRepr {
    #[serde(flatten)]
    kind: ErrorKind,
    #[serde(default)]
    location: Location,
    #[serde(default, skip_deserializing)]
    message: String,
}

impl Serialize for Error {
    fn serialize<S: serde::Serializer>(
        &self,
        serializer: S,
    ) -> std::result::Result<S::Ok, S::Error> {
        ErrorRepr {
            kind: self.inner.kind.clone(),
            location: self.inner.location.clone(),
            message: self.to_string(),
        }
        .serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Error {
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> std::result::Result<Self, D::Error> {
        let repr = ErrorRepr::deserialize(deserializer)?;
        Ok(Error {
            inner: Box::new(Inner {
                kind: repr.kind,
                location: repr.location,
            }),
        })
    }
}

thread_local! {
    /// The last error raised while building a value from its serde form. Serde passes only an
    /// error's text through a deserializer; the loaders use this to give back its kind.
    static REMEMBERED: RefCell<Option<Error>> = const { RefCell::new(None) };
}

/// Remembers `err` for [`recall`] and returns it: used by the validating `TryFrom` conversions
/// that serde runs while reading definitions.
pub(crate) fn remember(err: Error) -> Error {
    REMEMBERED.with(|cell| *cell.borrow_mut() = Some(err.clone()));
    err
}

/// The error most recently [remembered](remember), if a deserializer's `message` carries its
/// text; so a negative tolerance in a TOML file is a [`ErrorKind::Definition`] error, not a
/// syntax error.
pub(crate) fn recall(message: &str) -> Option<Error> {
    REMEMBERED
        .with(|cell| cell.borrow_mut().take())
        .filter(|err| message.contains(&err.to_string()))
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Error")
            .field("kind", &self.inner.kind)
            .field("location", &self.inner.location)
            .finish()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.inner.location.is_empty() {
            write!(f, "{}", self.inner.kind)
        } else {
            write!(f, "{}: {}", self.inner.location, self.inner.kind)
        }
    }
}

impl std::error::Error for Error {}

impl From<ErrorKind> for Error {
    fn from(kind: ErrorKind) -> Self {
        Error::new(kind)
    }
}

impl From<std::io::Error> for Error {
    fn from(err: std::io::Error) -> Self {
        Error::new(ErrorKind::Io {
            message: err.to_string(),
        })
    }
}

impl From<serde_json::Error> for Error {
    fn from(err: serde_json::Error) -> Self {
        let error = Error::new(ErrorKind::Syntax {
            format: "JSON".into(),
            message: err.to_string(),
        });
        match u64::try_from(err.line()) {
            Ok(line) if line > 0 => error.with_line(line),
            _ => error,
        }
    }
}

impl From<toml::de::Error> for Error {
    fn from(err: toml::de::Error) -> Self {
        Error::new(ErrorKind::Syntax {
            format: "TOML".into(),
            message: err.message().to_string(),
        })
    }
}

impl From<csv::Error> for Error {
    fn from(err: csv::Error) -> Self {
        let line = err.position().map(|p| p.line());
        let error = Error::new(ErrorKind::Syntax {
            format: "CSV".into(),
            message: err.to_string(),
        });
        match line {
            Some(line) => error.with_line(line),
            None => error,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inner_location_wins_and_fields_nest() {
        let err = Error::invalid_value("x", "a number")
            .with_field("annual")
            .with_line(3)
            .with_field("target")
            .with_line(99)
            .with_indicator("PI-1");
        assert_eq!(err.location().field.as_deref(), Some("target.annual"));
        let read_at_path = Error::definition("negative")
            .with_field("tolerance.absolute")
            .with_field("indicator[0].tolerance");
        assert_eq!(
            read_at_path.location().field.as_deref(),
            Some("indicator[0].tolerance.absolute")
        );
        assert_eq!(err.location().line, Some(3));
        assert_eq!(
            err.to_string(),
            "line 3, indicator PI-1, field target.annual: \"x\" is not valid; expected a number"
        );
    }

    #[test]
    fn serde_round_trip_keeps_kind_and_location() {
        let err = Error::new(ErrorKind::PeriodLabel {
            label: "2015/17 Q3".into(),
        })
        .with_file("actuals.csv")
        .with_line(7);
        let json = serde_json::to_value(&err).unwrap();
        assert_eq!(json["kind"], "PeriodLabel");
        assert_eq!(json["label"], "2015/17 Q3");
        assert_eq!(json["location"]["line"], 7);
        assert_eq!(json["message"], err.to_string());
        let back: Error = serde_json::from_value(json).unwrap();
        assert_eq!(back, err);
        assert_eq!(back.kind().name(), "PeriodLabel");
    }

    #[test]
    fn long_text_is_cut_in_messages_and_kept_in_fields() {
        let huge = "9".repeat(10_000_000);
        let err = Error::invalid_value(huge.clone(), "a decimal number")
            .with_indicator(huge.clone())
            .with_line(2);
        let shown = err.to_string();
        assert!(shown.len() < 400, "{} bytes", shown.len());
        let head = "9".repeat(MAX_SHOWN_CHARS);
        assert!(
            shown.contains(&format!("\"{head}…\" (10000000 characters) is not valid")),
            "{shown}"
        );
        assert!(shown.contains(&format!("indicator {head}… (10000000 characters)")));
        assert!(matches!(err.kind(), ErrorKind::InvalidValue { found, .. } if *found == huge));
        let short = Error::new(ErrorKind::Duplicate {
            what: "row".into(),
            key: "é\"x".into(),
        });
        assert_eq!(short.to_string(), "duplicate row \"é\\\"x\"");
        let parser = Error::new(ErrorKind::Syntax {
            format: "TOML".into(),
            message: format!("invalid value: string \"{huge}\""),
        })
        .to_string();
        assert!(parser.len() < 600, "{} bytes", parser.len());
        assert!(parser.ends_with("… (10000024 characters)"), "{parser}");
        let exact = "é".repeat(MAX_SHOWN_CHARS);
        let at_limit = Error::invalid_value(exact.clone(), "x").to_string();
        assert_eq!(at_limit, format!("\"{exact}\" is not valid; expected x"));
    }

    #[test]
    fn error_is_one_pointer() {
        assert_eq!(std::mem::size_of::<Error>(), std::mem::size_of::<usize>());
    }
}
