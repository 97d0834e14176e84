//! The CSV row engine every CSV import runs on: reads a header and each
//! row of a CSV file (CRLF read as LF, so lines are counted as an editor
//! counts them), skips blank rows, and refuses a row with a quote left open
//! or the wrong number of fields, naming the file and the line. What the
//! columns mean, and what becomes of a row, is the caller's: a users or a
//! devices file is checked by `rules::import` in `cmd::import`.
//!
//! An error quotes no field of the file: a quote left open would otherwise
//! show the rest of the file, secrets included.

use std::collections::HashMap;
use std::io::Read;

use crate::catalogue::{Msg, OsError};
use crate::error::{Error, Result};
use crate::output::{Lang, progress};
use crate::text::decode_failure;

/// Imports larger than this (in bytes) get a progress bar on a terminal.
const PROGRESS_BYTES: u64 = 1 << 20;

/// Reads the header and every row of the CSV in `reader`: `columns` maps
/// the header to each column's index (or says why it cannot), and `each`
/// is handed every row that is not blank. Returns the number of rows.
/// Errors name `file` and the line.
pub(crate) fn for_each_row(
    reader: impl Read,
    file: &str,
    size: u64,
    lang: Lang,
    columns: impl FnOnce(&csv::StringRecord) -> std::result::Result<HashMap<String, usize>, Msg>,
    mut each: impl FnMut(&Fields<'_>) -> std::result::Result<(), RowError>,
) -> Result<u64> {
    let bad = |line: u64, message: Msg| bad_row(file, line, message);
    let read_error = |e: csv::Error, line: u64| csv_read_error(file, e, line);
    let mut csv = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .flexible(true)
        .from_reader(CrlfAsLf::new(reader));
    let headers = csv.headers().map_err(|e| read_error(e, 1))?.clone();
    let columns = columns(&headers).map_err(|m| bad(1, m))?;
    let bar = progress::bar(
        size,
        Msg::ProgressImporting.text(lang),
        progress::Unit::Bytes,
        PROGRESS_BYTES,
    );
    let mut record = csv::StringRecord::new();
    let mut count = 0u64;
    loop {
        let more = csv.read_record(&mut record).map_err(|e| read_error(e, 0))?;
        if !more {
            break;
        }
        let line = record.position().map_or(0, |p| p.line());
        match row_shape(&record, headers.len()) {
            Shape::Row => {}
            Shape::Blank => continue,
            Shape::Bad(message) => return Err(bad(line, message)),
        }
        let fields = Fields {
            record: &record,
            columns: &columns,
        };
        match each(&fields) {
            Ok(()) => {}
            Err(RowError::Bad(message)) => return Err(bad(line, message)),
            Err(RowError::Other(e)) => return Err(e),
        }
        count += 1;
        if count.is_multiple_of(4096) {
            bar.set_position(record.position().map_or(0, |p| p.byte()));
        }
    }
    bar.finish_and_clear();
    Ok(count)
}

/// A bad row of `file`, at `line`.
fn bad_row(file: &str, line: u64, message: Msg) -> Error {
    Error::BadRow {
        file: file.to_string(),
        line,
        message: Box::new(message),
    }
}

/// A record that could not be read. A line that is not valid in the file's
/// encoding is named by the decoder, which counts lines as an editor does.
fn csv_read_error(file: &str, e: csv::Error, line: u64) -> Error {
    let line = e.position().map_or(line, |p| p.line());
    match e.kind() {
        csv::ErrorKind::Io(io) => match decode_failure(io) {
            Some(failure) => bad_row(file, failure.line, failure.message()),
            None => bad_row(
                file,
                line,
                Msg::CannotReadWith {
                    error: OsError::from(io),
                },
            ),
        },
        csv::ErrorKind::Utf8 { .. } => bad_row(file, line, Msg::NotUtf8),
        _ => bad_row(
            file,
            line,
            Msg::CsvProblem {
                detail: e.to_string(),
            },
        ),
    }
}

/// What a record is before its fields are read.
enum Shape {
    Row,
    /// A blank line, or `,,,,` (a row Excel cleared): skipped.
    Blank,
    Bad(Msg),
}

fn row_shape(record: &csv::StringRecord, columns: usize) -> Shape {
    if record.iter().all(str::is_empty) {
        return Shape::Blank;
    }
    // No column holds a line break: a field that does is a quote left
    // open, which "expected 5 fields, found 2" would not say.
    if let Some(spanning) = record.iter().find(|f| f.contains('\n')) {
        let lines = spanning.matches('\n').count();
        return Shape::Bad(Msg::QuoteLeftOpen { lines });
    }
    if record.len() != columns {
        return Shape::Bad(Msg::FieldCount {
            expected: columns,
            found: record.len(),
        });
    }
    Shape::Row
}

/// One CSV row, read by column name.
pub(crate) struct Fields<'a> {
    record: &'a csv::StringRecord,
    columns: &'a HashMap<String, usize>,
}

impl<'a> Fields<'a> {
    /// A row read from no file, for the rules' tests.
    #[cfg(test)]
    pub(crate) fn new(record: &'a csv::StringRecord, columns: &'a HashMap<String, usize>) -> Self {
        Fields { record, columns }
    }

    /// The field of the column `name`; empty when the file has no such
    /// column.
    pub(crate) fn field(&self, name: &str) -> &'a str {
        self.columns
            .get(name)
            .and_then(|&i| self.record.get(i))
            .unwrap_or("")
    }
}

/// Why a row was not taken: the row is bad (exit 2, naming the line), or
/// another error passed on as it is (a full disk is not a bad row; a rule
/// refusing the row has its own exit code).
pub(crate) enum RowError {
    Bad(Msg),
    Other(Error),
}

impl From<Msg> for RowError {
    fn from(message: Msg) -> Self {
        RowError::Bad(message)
    }
}

impl From<Error> for RowError {
    fn from(e: Error) -> Self {
        RowError::Other(e)
    }
}

/// Reads CRLF line endings (spreadsheets on Windows write them) as LF, so
/// the csv crate's line numbers in error messages match what an editor
/// shows; its own count drifts on CRLF files.
struct CrlfAsLf<R> {
    inner: std::io::BufReader<R>,
    pending_cr: bool,
}

impl<R: Read> CrlfAsLf<R> {
    fn new(inner: R) -> Self {
        CrlfAsLf {
            inner: std::io::BufReader::with_capacity(1 << 16, inner),
            pending_cr: false,
        }
    }
}

impl<R: Read> Read for CrlfAsLf<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        use std::io::BufRead;
        if out.is_empty() {
            return Ok(0);
        }
        loop {
            let data = self.inner.fill_buf()?;
            if data.is_empty() {
                // End of input: a trailing lone CR is kept.
                if std::mem::take(&mut self.pending_cr) {
                    out[0] = b'\r';
                    return Ok(1);
                }
                return Ok(0);
            }
            let mut written = 0;
            if std::mem::take(&mut self.pending_cr) && data[0] != b'\n' {
                out[written] = b'\r';
                written += 1;
            }
            let mut consumed = 0;
            while consumed < data.len() && written < out.len() {
                let byte = data[consumed];
                consumed += 1;
                if byte == b'\r' {
                    match data.get(consumed) {
                        Some(b'\n') => continue,
                        Some(_) => {}
                        None => {
                            self.pending_cr = true;
                            continue;
                        }
                    }
                }
                out[written] = byte;
                written += 1;
            }
            self.inner.consume(consumed);
            if written > 0 {
                return Ok(written);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Feeds `input` in chunks of `chunk` bytes, as a pipe might.
    struct Chunked<'a> {
        data: &'a [u8],
        chunk: usize,
    }

    impl Read for Chunked<'_> {
        fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
            let n = self.chunk.min(out.len()).min(self.data.len());
            out[..n].copy_from_slice(&self.data[..n]);
            self.data = &self.data[n..];
            Ok(n)
        }
    }

    #[test]
    fn crlf_reads_as_lf_across_chunk_boundaries() {
        let input = b"a,b\r\n1,2\r\nlone\rcr\r\nend\r";
        for chunk in 1..=input.len() {
            let mut text = Vec::new();
            CrlfAsLf::new(Chunked { data: input, chunk })
                .read_to_end(&mut text)
                .unwrap();
            assert_eq!(text, b"a,b\n1,2\nlone\rcr\nend\r", "chunk {chunk}");
        }
    }
}
