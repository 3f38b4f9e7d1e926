//! Reading CSV with line numbers that are right for files saved on Windows.
//!
//! Every CSV reader of the project (budget lines, milestones, and the command line's actuals)
//! names the line of a bad row, so that a finance or performance officer can open the file and
//! find it. The `csv` crate's own line count is one short after every CRLF line ending
//! (rust-csv issue 395), and spreadsheets on Windows save CSV with CRLF, so a bad row on line 3
//! would be reported on line 2. [`CsvReader`](crate::csvio::CsvReader) wraps a
//! [`csv::Reader`] and counts the line breaks itself, in the bytes it passes to the parser:
//!
//! - a record's line is the line its first field starts on, also when a quoted field (a note with
//!   an embedded line break) runs over several lines;
//! - LF, CRLF, a lone CR (old Mac files) and any mix of them give the line a text editor shows,
//!   and so do blank lines, which the parser skips (its own count also goes wrong after blank
//!   lines, whatever the line ending);
//! - a parse error (a ragged row, a cell that is not UTF-8) names the line of its record, and
//!   its message leaves out the `csv` crate's own record and line numbers;
//! - a UTF-8 byte order mark at the start of the input (Excel's "CSV UTF-8" writes one) is
//!   dropped before parsing, so the first header is recognised whether or not it is quoted. The
//!   parser drops one itself only when its first read returns the three bytes together, which a
//!   file does but a pipe or network stream need not.
//!
//! - an unterminated quote (a note that opens `"` and never closes it) would make the parser read
//!   every following line into that one cell and say nothing; the reader follows the quoting as
//!   it counts lines (comma delimiter, `"` quote, `""` for a quote mark inside a quoted cell, as
//!   every reader of the project uses), and reports the row as a problem naming the line where
//!   the quote opened;
//! - a row whose every cell is empty or blank (`,,,,`, what a spreadsheet writes for a cleared
//!   row) is reported as a problem naming its line, never skipped: it may be a row whose content
//!   was lost. A truly empty line (no characters at all) is skipped, as the parser does: it holds
//!   nothing that could have been lost.
//!
//! Memory stays bounded by the parser's buffer: only the runs of line-ending bytes the parser
//! has read but no record has yet passed are kept. Lines must therefore be asked for in file
//! order, as reading records one after another does.
//!
//! ```
//! use ragstatus::csvio::CsvReader;
//!
//! let text = "\u{feff}\"id\",note\r\nA,\"two\r\nlines\"\r\nB,x\r\n";
//! let mut csv = CsvReader::new(&csv::ReaderBuilder::new(), text.as_bytes());
//! assert_eq!(&csv.headers()?[0], "id");
//! let mut record = csv::StringRecord::new();
//! let mut lines = Vec::new();
//! while let Some(line) = csv.next_record(&mut record) {
//!     lines.push(line?);
//! }
//! assert_eq!(lines, [2, 4]);
//!
//! // An unterminated quote is a problem on the line where it opened, not a silent end of file.
//! let mut csv = CsvReader::new(&csv::ReaderBuilder::new(), &b"id,note\nA,\"open\nB,x\n"[..]);
//! csv.headers()?;
//! let problem = csv.next_record(&mut record).and_then(Result::err).ok_or("no problem")?;
//! assert_eq!(problem.location().line, Some(2));
//! assert!(csv.next_record(&mut record).is_none());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::{HashMap, VecDeque};
use std::io::Read;

use crate::error::{Error, ErrorKind, Result};

const BOM: [u8; 3] = [0xEF, 0xBB, 0xBF];

/// A CSV reader that knows the true line of each record (see the [module docs](crate::csvio)).
pub struct CsvReader<R: Read> {
    csv: ::csv::Reader<LineCounter<R>>,
    /// Where the record that last failed UTF-8 decoding starts: the `csv` crate's error gives
    /// where the reader stood before the call instead, which for the first record is the header.
    bad_utf8_at: Option<u64>,
    /// Set after an I/O error or an unterminated quote, either of which ends the input.
    done: bool,
}

/// Rows of a file whose ids must be unique (budget lines, milestones), read in file order.
///
/// The duplicate check lives here, where the lines are known, so that `check` and the report
/// name the same rows: the first row of an id is kept, every later one is an
/// [`ErrorKind::Duplicate`] error naming both lines, and no row is dropped unreported.
pub(crate) struct UniqueRows<T> {
    pub(crate) items: Vec<T>,
    pub(crate) lines: Vec<u64>,
    pub(crate) errors: Vec<Error>,
}

/// Reads every record of `csv` with `read_row`, keeping rows with new ids (see [`UniqueRows`]).
/// `what` names an item in the duplicate message ("budget line"); `locate` adds the file.
pub(crate) fn read_unique_rows<T, R: Read>(
    csv: &mut CsvReader<R>,
    what: &str,
    id_of: impl Fn(&T) -> &str,
    mut read_row: impl FnMut(&::csv::StringRecord) -> std::result::Result<T, Vec<Error>>,
    locate: impl Fn(Error) -> Error,
) -> UniqueRows<T> {
    let mut out = UniqueRows {
        items: Vec::new(),
        lines: Vec::new(),
        errors: Vec::new(),
    };
    let mut first_lines: HashMap<String, u64> = HashMap::new();
    let mut record = ::csv::StringRecord::new();
    while let Some(read) = csv.next_record(&mut record) {
        match read {
            Ok(line) => match read_row(&record) {
                Ok(item) => {
                    let id = id_of(&item);
                    match first_lines.get(id) {
                        Some(first) => out.errors.push(locate(
                            Error::new(ErrorKind::Duplicate {
                                what: format!("{what} (also on line {first})"),
                                key: id.to_owned(),
                            })
                            .with_indicator(id)
                            .with_column("id")
                            .with_line(line),
                        )),
                        None => {
                            first_lines.insert(id.to_owned(), line);
                            out.items.push(item);
                            out.lines.push(line);
                        }
                    }
                }
                Err(errors) => out
                    .errors
                    .extend(errors.into_iter().map(|e| locate(e.with_line(line)))),
            },
            Err(problem) => out.errors.push(locate(problem)),
        }
    }
    out
}

/// Adds the file line of the row an error names by its id (in
/// [`Location::indicator`](crate::Location)), for errors found after reading, such as a
/// roll-up's. `line_of` maps an id to its line.
pub(crate) fn locate_by_id(error: Error, line_of: impl Fn(&str) -> Option<u64>) -> Error {
    match error.location().indicator.as_deref().and_then(line_of) {
        Some(line) => error.with_line(line).with_column("id"),
        None => error,
    }
}

/// The line of the item with `id`, from items' ids in file order and their lines.
pub(crate) fn line_of_id<'a>(
    mut ids: impl Iterator<Item = &'a str>,
    lines: &[u64],
    id: &str,
) -> Option<u64> {
    let index = ids.position(|i| i == id)?;
    lines.get(index).copied()
}

impl<R: Read> std::fmt::Debug for CsvReader<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CsvReader")
            .field("position", self.csv.position())
            .finish_non_exhaustive()
    }
}

impl<R: Read> CsvReader<R> {
    /// A reader of `input`, parsed as `builder` says (headers, flexibility, trimming, ...).
    pub fn new(builder: &::csv::ReaderBuilder, input: R) -> Self {
        CsvReader {
            csv: builder.from_reader(LineCounter::new(input)),
            bad_utf8_at: None,
            done: false,
        }
    }

    /// The header record (the first record, when the builder says the file has headers). A
    /// parse error is a [`Syntax`](ErrorKind::Syntax) error with its line.
    pub fn headers(&mut self) -> Result<::csv::StringRecord> {
        let read = self.csv.headers().cloned();
        if let Some(problem) = self.unterminated_quote(0) {
            self.done = true;
            return Err(problem);
        }
        match read {
            Ok(headers) => Ok(headers),
            Err(err) => {
                self.bad_utf8_at = None;
                Err(self.error(err))
            }
        }
    }

    /// Reads the next record into `record` and returns the line it starts on; `None` at the end
    /// of the input. A problem with one row (ragged, not UTF-8, every cell blank) is an error
    /// with its line, and the next call goes on with the next row; an I/O error or an
    /// unterminated quote ends the input, so the call after it returns `None`.
    pub fn next_record(&mut self, record: &mut ::csv::StringRecord) -> Option<Result<u64>> {
        if self.done {
            return None;
        }
        let read = self.read_record(record);
        let start = match &read {
            Ok(_) => record.position().map(::csv::Position::byte),
            Err(err) => err.position().map(::csv::Position::byte),
        };
        if let Some(problem) = start.and_then(|start| self.unterminated_quote(start)) {
            self.done = true;
            return Some(Err(problem));
        }
        match read {
            Ok(false) => {
                self.done = true;
                None
            }
            Ok(true) => {
                let line = self.line_of(record).unwrap_or(0);
                if record.iter().all(|cell| cell.trim().is_empty()) {
                    return Some(Err(Error::new(ErrorKind::Syntax {
                        format: "CSV".into(),
                        message: "a row with every cell empty (delete the row, or fill it in)"
                            .into(),
                    })
                    .with_line(line)));
                }
                Some(Ok(line))
            }
            Err(err) => {
                self.done = err.is_io_error();
                Some(Err(self.error(err)))
            }
        }
    }

    /// The problem of a record starting at `start` that holds a quote never closed: the parser
    /// read to the end of the input into it.
    fn unterminated_quote(&mut self, start: u64) -> Option<Error> {
        let open = self.csv.get_ref().unterminated_quote()?;
        let end = self.csv.position().byte();
        if open < start || open >= end {
            return None;
        }
        let counter = self.csv.get_mut();
        let first = counter.line_at(start);
        let line = counter.line_at(open);
        let rows = if line > first {
            format!(" (the row starts on line {first})")
        } else {
            String::new()
        };
        Some(
            Error::new(ErrorKind::Syntax {
                format: "CSV".into(),
                message: format!(
                    "a quote opened on this line{rows} is never closed, so every line after it \
                     would be read into one cell; close the quote, or write a quote mark inside \
                     a quoted cell as two (\"\")"
                ),
            })
            .with_line(line),
        )
    }

    /// Reads the next record into `record`; false at the end of the input. The error is the
    /// `csv` crate's, so that the caller can tell an I/O error (stop) from a bad record (go on);
    /// turn it into an [`Error`] with [`error`](Self::error).
    fn read_record(
        &mut self,
        record: &mut ::csv::StringRecord,
    ) -> std::result::Result<bool, ::csv::Error> {
        let read = self.csv.read_record(record);
        self.bad_utf8_at = match &read {
            Err(err) if matches!(err.kind(), ::csv::ErrorKind::Utf8 { .. }) => {
                record.position().map(::csv::Position::byte)
            }
            _ => None,
        };
        read
    }

    /// The one-based line on which `record`, just read, starts. `None` for a record that was not
    /// read by this reader.
    fn line_of(&mut self, record: &::csv::StringRecord) -> Option<u64> {
        let byte = record.position()?.byte();
        Some(self.csv.get_mut().line_at(byte))
    }

    /// A `csv` crate error as a [`Syntax`](ErrorKind::Syntax) error, with the true line of the
    /// record it is about when it has one. The message leaves out the `csv` crate's own record
    /// and line numbers, which may disagree with that line.
    fn error(&mut self, err: ::csv::Error) -> Error {
        let byte = match err.kind() {
            ::csv::ErrorKind::Utf8 { .. } => self.bad_utf8_at.take(),
            _ => None,
        }
        .or_else(|| err.position().map(::csv::Position::byte));
        let line = byte.map(|byte| self.csv.get_mut().line_at(byte));
        let message = match err.kind() {
            ::csv::ErrorKind::Utf8 { err, .. } => format!(
                "invalid UTF-8 in column {} (save the file as UTF-8)",
                err.field().saturating_add(1)
            ),
            ::csv::ErrorKind::UnequalLengths {
                expected_len, len, ..
            } => format!(
                "found a record with {len} fields, but the {} has {expected_len}",
                if self.csv.has_headers() {
                    "header"
                } else {
                    "first record"
                }
            ),
            _ => err.to_string(),
        };
        let error = Error::new(ErrorKind::Syntax {
            format: "CSV".into(),
            message,
        });
        match line {
            Some(line) => error.with_line(line),
            None => error,
        }
    }
}

/// Where a leading byte order mark stands.
#[derive(Debug)]
enum Start {
    /// Still reading the first bytes, to see whether they are a BOM.
    Sniffing { buf: [u8; 3], len: usize },
    /// Not a BOM: the sniffed bytes, from `at`, still to hand on.
    Replaying { buf: [u8; 3], at: usize, len: usize },
    /// Past the start.
    Done,
}

/// A run of adjacent line-ending bytes (`\r`, `\n`) in the input: one line ending, or blank
/// lines, or line breaks inside a quoted field.
#[derive(Debug, Clone, Copy)]
struct Run {
    /// Offset of its first byte.
    start: u64,
    /// Offset just past its last byte.
    end: u64,
    /// The line breaks in it: `\r\n`, `\n` and a lone `\r` count one each.
    breaks: u64,
    /// Its last byte is `\r`, so a `\n` next completes a CRLF.
    after_cr: bool,
}

/// Where the parser stands in the quoting of a field, followed as the bytes go by (csv-core's
/// rules for the comma delimiter and the `"` quote with doubling).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Quoting {
    /// At the start of a field: a `"` here opens a quoted field.
    FieldStart,
    /// Inside an unquoted field: a `"` is an ordinary character.
    Unquoted,
    /// Inside a quoted field opened at this offset.
    Quoted(u64),
    /// Just after a `"` inside the quoted field opened at this offset: a second `"` is a quote
    /// mark, anything else closes the field.
    QuoteInQuoted(u64),
}

/// A reader that drops a leading UTF-8 BOM and records where the line breaks are as the csv
/// parser pulls bytes through it. Offsets count the bytes handed on, which are the offsets the
/// parser reports.
#[derive(Debug)]
struct LineCounter<R> {
    inner: R,
    start: Start,
    /// Bytes handed on so far.
    read: u64,
    /// The runs of line-ending bytes handed on that no asked-for record has yet passed. A long
    /// stretch of blank lines is one run, so this holds no more runs than the parser's buffer
    /// holds lines.
    pending: VecDeque<Run>,
    /// Line breaks before the last asked-for record.
    passed: u64,
    /// The quoting state after the last byte handed on.
    quoting: Quoting,
    /// The input has ended.
    eof: bool,
}

impl<R: Read> LineCounter<R> {
    fn new(inner: R) -> Self {
        LineCounter {
            inner,
            start: Start::Sniffing {
                buf: [0; 3],
                len: 0,
            },
            read: 0,
            pending: VecDeque::new(),
            passed: 0,
            quoting: Quoting::FieldStart,
            eof: false,
        }
    }

    /// Where the quote that the input ended inside opened, once the input has ended.
    fn unterminated_quote(&self) -> Option<u64> {
        match self.quoting {
            Quoting::Quoted(open) if self.eof => Some(open),
            _ => None,
        }
    }

    fn follow_quoting(&mut self, offset: u64, byte: u8) {
        let ends_field = matches!(byte, b',' | b'\r' | b'\n');
        self.quoting = match self.quoting {
            Quoting::FieldStart if byte == b'"' => Quoting::Quoted(offset),
            Quoting::FieldStart | Quoting::Unquoted if ends_field => Quoting::FieldStart,
            Quoting::FieldStart | Quoting::Unquoted => Quoting::Unquoted,
            Quoting::Quoted(open) if byte == b'"' => Quoting::QuoteInQuoted(open),
            Quoting::Quoted(open) => Quoting::Quoted(open),
            Quoting::QuoteInQuoted(open) if byte == b'"' => Quoting::Quoted(open),
            Quoting::QuoteInQuoted(_) if ends_field => Quoting::FieldStart,
            Quoting::QuoteInQuoted(_) => Quoting::Unquoted,
        };
    }

    /// The one-based line of the record the parser reports as starting at `byte`. The parser
    /// reports the offset just after the previous record's terminator, before any blank lines
    /// it then skipped, and with CRLF after the `\r` only (the cause of rust-csv issue 395). So
    /// the record really starts after the run of line-ending bytes at `byte`, if there is one:
    /// every run that starts at or before `byte` is passed.
    fn line_at(&mut self, byte: u64) -> u64 {
        while let Some(run) = self.pending.front().filter(|run| run.start <= byte) {
            self.passed = self.passed.saturating_add(run.breaks);
            self.pending.pop_front();
        }
        self.passed.saturating_add(1)
    }

    fn note(&mut self, offset: u64, byte: u8) {
        let (cr, lf) = (byte == b'\r', byte == b'\n');
        if !cr && !lf {
            return;
        }
        let end = offset.saturating_add(1);
        match self.pending.back_mut().filter(|run| run.end == offset) {
            Some(run) => {
                if cr || !run.after_cr {
                    run.breaks = run.breaks.saturating_add(1);
                }
                run.end = end;
                run.after_cr = cr;
            }
            None => self.pending.push_back(Run {
                start: offset,
                end,
                breaks: 1,
                after_cr: cr,
            }),
        }
    }

    /// Hands on bytes from the input, once any BOM is dropped.
    fn read_body(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        loop {
            match &mut self.start {
                Start::Done => return self.inner.read(out),
                Start::Sniffing { buf, len } => {
                    let Some(rest) = buf.get_mut(*len..) else {
                        self.start = Start::Done;
                        continue;
                    };
                    let n = if rest.is_empty() {
                        0
                    } else {
                        self.inner.read(rest)?
                    };
                    *len = len.saturating_add(n);
                    if *len == BOM.len() && *buf == BOM {
                        self.start = Start::Done;
                    } else if n == 0 || *len == BOM.len() || buf.get(..*len) != BOM.get(..*len) {
                        self.start = Start::Replaying {
                            buf: *buf,
                            at: 0,
                            len: *len,
                        };
                    }
                }
                Start::Replaying { buf, at, len } => {
                    let Some(rest) = buf.get(*at..*len).filter(|r| !r.is_empty()) else {
                        self.start = Start::Done;
                        continue;
                    };
                    let n = rest.len().min(out.len());
                    if let (Some(to), Some(from)) = (out.get_mut(..n), rest.get(..n)) {
                        to.copy_from_slice(from);
                    }
                    *at = at.saturating_add(n);
                    return Ok(n);
                }
            }
        }
    }
}

impl<R: Read> Read for LineCounter<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let n = self.read_body(out)?;
        if n == 0 && !out.is_empty() {
            self.eof = true;
        }
        let start = self.read;
        for (i, b) in out.iter().take(n).enumerate() {
            let offset = start.saturating_add(i as u64);
            self.note(offset, *b);
            self.follow_quoting(offset, *b);
        }
        self.read = start.saturating_add(n as u64);
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Hands on one byte per read, to split the BOM and the CRLFs across reads.
    struct Trickle<'a>(&'a [u8]);

    impl Read for Trickle<'_> {
        fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
            match (self.0.split_first(), out.first_mut()) {
                (Some((b, rest)), Some(o)) => {
                    *o = *b;
                    self.0 = rest;
                    Ok(1)
                }
                _ => Ok(0),
            }
        }
    }

    fn all(input: impl Read) -> Vec<u8> {
        let mut out = Vec::new();
        LineCounter::new(input).read_to_end(&mut out).unwrap();
        out
    }

    #[test]
    fn a_leading_bom_is_dropped_and_nothing_else() {
        for (input, expected) in [
            (&b"\xEF\xBB\xBFid\n"[..], &b"id\n"[..]),
            (b"\xEF\xBB\xBF", b""),
            (b"\xEF\xBB", b"\xEF\xBB"),
            (b"\xEFid", b"\xEFid"),
            (b"id\xEF\xBB\xBF", b"id\xEF\xBB\xBF"),
            (b"\xEF\xBB\xBF\xEF\xBB\xBF", b"\xEF\xBB\xBF"),
            (b"", b""),
            (b"i", b"i"),
        ] {
            assert_eq!(all(input), expected, "{input:?}");
            assert_eq!(all(Trickle(input)), expected, "trickled {input:?}");
        }
    }

    fn lines(builder: &::csv::ReaderBuilder, input: impl Read) -> Vec<(String, Option<u64>)> {
        let mut csv = CsvReader::new(builder, input);
        let mut record = ::csv::StringRecord::new();
        let mut out = Vec::new();
        while csv.read_record(&mut record).unwrap() {
            out.push((
                record.get(0).unwrap_or("").to_string(),
                csv.line_of(&record),
            ));
        }
        out
    }

    #[test]
    fn records_get_the_line_they_start_on_with_any_line_ending() {
        let lf = "h\na\n\"b\nb\"\nc\n\n\nd\n";
        let expected = [("a", 2), ("b\nb", 3), ("c", 5), ("d", 8)];
        let builder = ::csv::ReaderBuilder::new();
        for text in [
            lf.to_string(),
            lf.replace('\n', "\r\n"),
            lf.replace('\n', "\r"),
            format!("\u{feff}{lf}"),
            "h\r\na\n\"b\r\nb\"\rc\r\n\n\r\nd".to_string(),
        ] {
            let got = lines(&builder, text.as_bytes());
            let got: Vec<(String, u64)> = got
                .into_iter()
                .map(|(s, l)| (s.replace("\r\n", "\n").replace('\r', "\n"), l.unwrap()))
                .collect();
            let got: Vec<(&str, u64)> = got.iter().map(|(s, l)| (s.as_str(), *l)).collect();
            assert_eq!(got, expected, "{text:?}");
            assert_eq!(
                lines(&builder, Trickle(text.as_bytes())),
                lines(&builder, text.as_bytes()),
                "trickled {text:?}"
            );
        }
    }

    #[test]
    fn errors_get_the_true_line() {
        let text = "a,b\r\n1,2\r\n3\r\n";
        let mut csv = CsvReader::new(&::csv::ReaderBuilder::new(), text.as_bytes());
        let mut record = ::csv::StringRecord::new();
        assert!(csv.read_record(&mut record).unwrap());
        let err = csv.read_record(&mut record).unwrap_err();
        let err = csv.error(err);
        assert_eq!(err.location().line, Some(3));
        assert_eq!(
            err.to_string(),
            "line 3: CSV: found a record with 1 fields, but the header has 2"
        );
        let mut csv = CsvReader::new(&::csv::ReaderBuilder::new(), &b"a,b\n\n1,\xE92\n"[..]);
        let err = csv.read_record(&mut record).unwrap_err();
        let err = csv.error(err);
        assert_eq!(
            err.to_string(),
            "line 3: CSV: invalid UTF-8 in column 2 (save the file as UTF-8)"
        );
    }
}
