//! How results reach the user: table, JSON or CSV; English or Japanese
//! labels; Japan-time instants. JSON keys and CSV headers never change with
//! the language, so scripts can rely on them.

pub(crate) mod errors;
pub(crate) mod progress;
pub(crate) mod record;
pub(crate) mod stream_table;
pub(crate) mod wrap;

use std::io::Write;

use chrono::{DateTime, NaiveDate, Utc};

use crate::catalogue::Msg;
use crate::error::{Error, Result};
pub(crate) use crate::lang::Lang;
use crate::rules::status::{Role, Status};
use crate::text::escape_controls;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Format {
    Table,
    Json,
    Csv,
}

/// The output settings handed to every command.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Output {
    pub(crate) format: Format,
    pub(crate) lang: Lang,
    /// CSV for Excel (`--excel`): a byte-order mark, so Excel reads UTF-8
    /// rather than the locale's code page, and CRLF line ends.
    pub(crate) excel: bool,
    /// The width tables must fit in, in terminal cells: the terminal's when
    /// stdout is one (and `--wide` is not given); `None` draws tables at
    /// full width, as piped output always is.
    pub(crate) fit: Option<usize>,
}

impl Output {
    #[cfg(test)]
    pub(crate) fn english() -> Output {
        Output {
            format: Format::Table,
            lang: Lang::En,
            excel: false,
            fit: None,
        }
    }

    #[cfg(test)]
    pub(crate) fn japanese() -> Output {
        Output {
            format: Format::Table,
            lang: Lang::Ja,
            excel: false,
            fit: None,
        }
    }

    /// The width of stdout's terminal, unless `wide` or stdout is not a
    /// terminal (a pipe or a file is never cut).
    pub(crate) fn terminal_fit(wide: bool) -> Option<usize> {
        use std::io::IsTerminal;
        if wide || !std::io::stdout().is_terminal() {
            return None;
        }
        let (_, columns) = dialoguer::console::Term::stdout().size_checked()?;
        (columns > 0).then_some(usize::from(columns))
    }

    /// A date: `2026-06-30`, or as the bank writes it, `2026年6月30日`
    /// (month and day without a leading zero).
    pub(crate) fn date(&self, date: NaiveDate) -> String {
        crate::lang::date(self.lang, date)
    }

    /// A month (the date's): `2026-06`, or `2026年6月`.
    pub(crate) fn month(&self, date: NaiveDate) -> String {
        match self.lang {
            Lang::En => date.format("%Y-%m").to_string(),
            Lang::Ja => date.format("%Y年%-m月").to_string(),
        }
    }

    /// An instant in Japan time, in the table's form. Japanese writes it
    /// as the bank does, `2026年11月24日 8時10分`: no leading zero in the
    /// month, day and hour (minutes keep two digits, `21時00分`), and
    /// seconds only when there are any (a registrable-at instant 30 minutes
    /// after a revocation keeps the revocation's seconds, and dropping them
    /// would name a minute at which registration is still refused).
    pub(crate) fn instant(&self, at: DateTime<Utc>) -> String {
        crate::lang::instant(self.lang, at)
    }

    /// A catalogue message in this output's language.
    pub(crate) fn t(&self, msg: Msg) -> String {
        msg.text(self.lang)
    }

    /// The OTP status as the procedure's screen shows it (`-` for a user
    /// without OTP, in both languages).
    pub(crate) fn status(&self, status: Status) -> String {
        match status {
            Status::Active => self.t(Msg::StatusActive),
            Status::Revoked => self.t(Msg::StatusRevoked),
            Status::NotRequired => self.t(Msg::StatusNotRequired),
        }
    }

    pub(crate) fn role(&self, role: Role) -> String {
        match role {
            Role::Master => self.t(Msg::RoleMaster),
            Role::General => self.t(Msg::RoleGeneral),
        }
    }

    /// Table headers in this language.
    pub(crate) fn labels(&self, labels: &[Msg]) -> Vec<String> {
        labels.iter().map(|l| self.t(l.clone())).collect()
    }
}

/// Roles and statuses are written in JSON as their `as_str` spellings
/// (`master`, `not_required`), which never change with the language; the
/// rules that define them know nothing of serde.
impl serde::Serialize for Role {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl serde::Serialize for crate::rules::inventory::DeviceState {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl serde::Serialize for Status {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// Renders rows as a bordered table. An empty table prints nothing. Control
/// characters in a cell (an audit detail quoting a file name) are shown
/// escaped: they would break the borders or drive the terminal. When `o`
/// says the table must fit a terminal, columns are left out (the rightmost
/// first) until the rest fit whole; see `write_table_dropping`.
pub(crate) fn write_table(
    o: &Output,
    out: &mut dyn Write,
    headers: Vec<String>,
    rows: Vec<Vec<String>>,
) -> Result<()> {
    let order: Vec<usize> = (1..headers.len()).rev().collect();
    write_table_dropping(o, out, headers, rows, &order)
}

/// `write_table`, leaving out the columns of `drop_first` (least needed
/// first) when the table must fit a terminal and cannot: a date, an
/// instant, a login ID or a serial is never cut (SPEC §5.5). A note after
/// the table names what was left out and `--wide`.
pub(crate) fn write_table_dropping(
    o: &Output,
    out: &mut dyn Write,
    headers: Vec<String>,
    rows: Vec<Vec<String>>,
    drop_first: &[usize],
) -> Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|row| {
            row.iter()
                .map(|c| escape_controls(c).into_owned())
                .collect()
        })
        .collect();
    // One table engine for every table, bounded or streamed; comfy-table
    // is the reference its drawing is tested against.
    let mut widths = stream_table::Widths::of_headers(&headers);
    for row in &rows {
        widths.measure(row);
    }
    if let Some(total) = o.fit {
        widths.drop_first(drop_first);
        widths.fit(total);
    }
    let mut table = stream_table::StreamTable::start(out, &headers, widths)?;
    for row in &rows {
        table.row(row)?;
    }
    let left_out = table.left_out();
    table.finish()?;
    write_left_out(o, out, &left_out)
}

/// A line of prose: on a terminal, wrapped to its width by the one
/// line-breaking routine (`wrap::wrap`); elsewhere as it is.
pub(crate) fn write_prose(o: &Output, out: &mut dyn Write, text: &str) -> Result<()> {
    for line in wrap::wrap(text, o.fit.unwrap_or(usize::MAX)) {
        writeln!(out, "{line}").map_err(write_error)?;
    }
    Ok(())
}

/// The note under a table fitted by leaving columns out: which, and that
/// `--wide` shows them all. Nothing when none was.
pub(crate) fn write_left_out(o: &Output, out: &mut dyn Write, left_out: &[String]) -> Result<()> {
    if left_out.is_empty() {
        return Ok(());
    }
    let note = o.t(Msg::ColumnsLeftOut {
        columns: left_out.join(o.lang.pick(", ", "、")),
    });
    write_prose(o, out, &note)
}

/// A JSON array written element by element, so large lists stream.
///
/// Each element is serialized into `line`, a buffer kept from one element
/// to the next, and handed to `out` in one write: serde_json writes an
/// element in many small pieces (each key, quote and comma), and through
/// `&mut dyn Write` each piece was a call through the vtable into the
/// `BufWriter`. Into a `Vec` those writes are inlined: callgrind counted
/// 1.92 G instructions for `list --format json` of 200k users before and
/// 1.59 G after.
pub(crate) struct JsonArray<'a> {
    out: &'a mut dyn Write,
    first: bool,
    line: Vec<u8>,
}

impl<'a> JsonArray<'a> {
    pub(crate) fn new(out: &'a mut dyn Write) -> Result<Self> {
        out.write_all(b"[").map_err(write_error)?;
        Ok(JsonArray {
            out,
            first: true,
            line: Vec::new(),
        })
    }

    pub(crate) fn push<T: serde::Serialize>(&mut self, item: &T) -> Result<()> {
        self.push_with(|line| serde_json::to_writer(line, item).map_err(json_error))
    }

    /// Pushes the element `write` puts in the line (one JSON value).
    pub(crate) fn push_with(
        &mut self,
        write: impl FnOnce(&mut Vec<u8>) -> Result<()>,
    ) -> Result<()> {
        let sep: &[u8] = if self.first { b"\n" } else { b",\n" };
        self.first = false;
        self.line.clear();
        self.line.extend_from_slice(sep);
        write(&mut self.line)?;
        // The error's kind only, as `json_error` gave it when serde_json
        // wrote to `out` itself: the same message on a full disk.
        self.out
            .write_all(&self.line)
            .map_err(|e| write_error(e.kind().into()))
    }

    pub(crate) fn finish(self) -> Result<()> {
        let end: &[u8] = if self.first { b"]\n" } else { b"\n]\n" };
        self.out.write_all(end).map_err(write_error)
    }
}

/// A document, pretty-printed. serde_json writes it in many small pieces
/// (each indent, quote and comma); into a `BufWriter` of a concrete type
/// they are inlined, rather than each a call through `out`'s vtable (a dry
/// run names every expired user: 392 M -> 387 M instructions at 200k
/// users). Write errors keep their kind only, as `json_error` gives them;
/// on an error what is still buffered is dropped, not written.
pub(crate) fn write_json<T: serde::Serialize>(out: &mut dyn Write, value: &T) -> Result<()> {
    let mut buffered = std::io::BufWriter::new(out);
    let written = serde_json::to_writer_pretty(&mut buffered, value)
        .map_err(json_error)
        .and_then(|()| writeln!(buffered).map_err(|e| write_error(e.kind().into())));
    match written {
        // Handed to `out` without flushing `out` itself: stdout is flushed
        // once, at the end of the command.
        Ok(()) => match buffered.into_inner() {
            Ok(_) => Ok(()),
            Err(e) => Err(write_error(e.error().kind().into())),
        },
        Err(e) => {
            let _ = buffered.into_parts();
            Err(e)
        }
    }
}

/// A JSON write error keeps its I/O kind, so a closed pipe stays a closed
/// pipe (not an error) rather than "cannot write JSON".
fn json_error(e: serde_json::Error) -> Error {
    match e.io_error_kind() {
        Some(kind) => write_error(std::io::Error::from(kind)),
        None => Error::io(Msg::CannotWriteJson, std::io::Error::other(e)),
    }
}

/// The CSV writer every command writes its CSV through, plain or for
/// Excel as `o` says. For Excel, a cell that a spreadsheet would read as a
/// formula is written with a leading `'` (see `excel_cell`).
pub(crate) struct CsvWriter<'a> {
    inner: csv::Writer<CsvSink<'a>>,
    excel: bool,
}

impl CsvWriter<'_> {
    /// One row.
    pub(crate) fn write_record<I, T>(&mut self, record: I) -> csv::Result<()>
    where
        I: IntoIterator<Item = T>,
        T: AsRef<[u8]>,
    {
        if !self.excel {
            return self.inner.write_record(record);
        }
        let cells: Vec<Vec<u8>> = record
            .into_iter()
            .map(|cell| excel_cell(cell.as_ref()))
            .collect();
        self.inner.write_record(&cells)
    }

    /// One field of a row written field by field (`end_record` ends it):
    /// a million-row report writes its fields without collecting them.
    pub(crate) fn write_field(&mut self, cell: &[u8]) -> csv::Result<()> {
        if self.excel && looks_like_a_formula(cell) {
            return self.inner.write_field(excel_cell(cell));
        }
        self.inner.write_field(cell)
    }

    /// Ends the row `write_field` began.
    pub(crate) fn end_record(&mut self) -> csv::Result<()> {
        self.inner.write_record(None::<&[u8]>)
    }

    pub(crate) fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

fn looks_like_a_formula(cell: &[u8]) -> bool {
    matches!(
        cell.first(),
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r')
    )
}

/// A cell as Excel should get it: one that starts with `=`, `+`, `-`, `@`,
/// a tab or a carriage return would be read as a formula (a name
/// `=HYPERLINK(…)` from an imported file runs when the sheet is opened),
/// so it gets a leading `'`, which Excel shows as text and does not
/// display (SPEC §5.5).
pub(crate) fn excel_cell(cell: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(cell.len() + 1);
    if looks_like_a_formula(cell) {
        out.push(b'\'');
    }
    out.extend_from_slice(cell);
    out
}

pub(crate) fn csv_writer<'a>(o: &Output, out: &'a mut dyn Write) -> CsvWriter<'a> {
    let mut builder = csv::WriterBuilder::new();
    builder.has_headers(false);
    if o.excel {
        builder.terminator(csv::Terminator::CRLF);
    }
    CsvWriter {
        inner: builder.from_writer(CsvSink {
            out,
            bom_pending: o.excel,
        }),
        excel: o.excel,
    }
}

/// Where a `CsvWriter` writes: the command's output, preceded by a UTF-8
/// byte-order mark for Excel. The mark goes out with the first byte, so a
/// command that writes no CSV at all (an empty `expiring` report) still
/// prints nothing.
pub(crate) struct CsvSink<'a> {
    out: &'a mut dyn Write,
    bom_pending: bool,
}

impl Write for CsvSink<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.bom_pending && !buf.is_empty() {
            self.out.write_all("\u{feff}".as_bytes())?;
            self.bom_pending = false;
        }
        self.out.write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
}

pub(crate) fn write_error(e: std::io::Error) -> Error {
    Error::io(Msg::CannotWriteOutput, e)
}

/// A write to a closed pipe (`tokenctl list | head`) ends the command
/// quietly: it is not an error.
pub(crate) fn is_broken_pipe(error: &Error) -> bool {
    matches!(error, Error::Io { source, .. } if source.kind() == std::io::ErrorKind::BrokenPipe)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::duration;
    use crate::time::rfc3339;

    #[test]
    fn roles_and_statuses_are_written_as_as_str_spells_them() {
        for status in [Status::Active, Status::Revoked, Status::NotRequired] {
            assert_eq!(serde_json::to_value(status).unwrap(), status.as_str());
        }
        for role in [Role::Master, Role::General] {
            assert_eq!(serde_json::to_value(role).unwrap(), role.as_str());
        }
    }

    use crate::time::parse_ymd;

    #[test]
    fn stored_dates_are_read_strictly_and_written_as_before() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day);
        assert_eq!(parse_ymd("2026-12-30"), d(2026, 12, 30));
        assert_eq!(parse_ymd("0999-01-02"), d(999, 1, 2));
        for bad in [
            "2026-02-30",
            "2026-1-01",
            "2026/01/01",
            "２０２６-01-01",
            "",
            "2026-01-011",
        ] {
            assert_eq!(parse_ymd(bad), None, "{bad}");
        }
        let en = Output::english();
        let ja = Output::japanese();
        for text in ["2026-12-30", "0999-01-02", "9999-12-31"] {
            let date = parse_ymd(text).unwrap();
            assert_eq!(en.date(date), date.format("%Y-%m-%d").to_string());
            assert_eq!(ja.date(date), date.format("%Y年%-m月%-d日").to_string());
        }
    }

    #[test]
    fn japanese_dates_follow_the_procedure_screen() {
        let out = Output {
            format: Format::Table,
            lang: Lang::Ja,
            excel: false,
            fit: None,
        };
        let date = NaiveDate::from_ymd_opt(2023, 12, 30).unwrap();
        assert_eq!(out.date(date), "2023年12月30日");
        let date = NaiveDate::from_ymd_opt(2017, 6, 2).unwrap();
        assert_eq!(out.date(date), "2017年6月2日");
    }

    #[test]
    fn instants_are_shown_in_japan_time() {
        let at = "2026-11-23T23:10:00Z".parse::<DateTime<Utc>>().unwrap();
        assert_eq!(rfc3339(at), "2026-11-24T08:10:00+09:00");
        let en = Output {
            format: Format::Table,
            lang: Lang::En,
            excel: false,
            fit: None,
        };
        assert_eq!(en.instant(at), "2026-11-24 08:10:00 JST");
        let ja = Output::japanese();
        assert_eq!(ja.instant(at), "2026年11月24日 8時10分");
        let evening = "2026-11-20T12:00:00Z".parse::<DateTime<Utc>>().unwrap();
        assert_eq!(ja.instant(evening), "2026年11月20日 21時00分");
        let odd = "2026-11-20T03:30:07Z".parse::<DateTime<Utc>>().unwrap();
        assert_eq!(ja.instant(odd), "2026年11月20日 12時30分07秒");
    }

    #[test]
    fn durations_round_up_to_the_minute() {
        use chrono::TimeDelta;
        let en = |d| duration(Lang::En, d);
        assert_eq!(en(TimeDelta::seconds(1)), "1 second");
        assert_eq!(en(TimeDelta::seconds(59)), "59 seconds");
        assert_eq!(en(TimeDelta::seconds(61)), "2 minutes");
        assert_eq!(en(TimeDelta::minutes(60)), "1 hour");
        assert_eq!(
            en(TimeDelta::minutes(2 * 1440 + 11 * 60 + 10)),
            "2 days 11 hours 10 minutes"
        );
        assert_eq!(
            duration(Lang::Ja, TimeDelta::minutes(22 * 60 + 10)),
            "22時間10分"
        );
        assert_eq!(duration(Lang::Ja, TimeDelta::seconds(1)), "1秒");
    }

    #[test]
    fn excel_cells_that_would_be_formulas_get_a_quote() {
        for (cell, expected) in [
            ("=1+1", "'=1+1"),
            ("+81", "'+81"),
            ("-", "'-"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\tx"),
            ("\rx", "'\rx"),
            ("taro01", "taro01"),
            ("", ""),
            ("芳金 太郎", "芳金 太郎"),
        ] {
            assert_eq!(excel_cell(cell.as_bytes()), expected.as_bytes(), "{cell:?}");
        }
    }

    #[test]
    fn excel_csv_has_a_bom_and_crlf_and_plain_csv_neither() {
        let write = |excel: bool| {
            let o = Output {
                format: Format::Csv,
                lang: Lang::En,
                excel,
                fit: None,
            };
            let mut buf = Vec::new();
            let mut csv = csv_writer(&o, &mut buf);
            csv.write_record(["a", "b"]).unwrap();
            csv.write_record(["line\nbreak", "2"]).unwrap();
            csv.flush().unwrap();
            drop(csv);
            buf
        };
        assert_eq!(write(false), b"a,b\n\"line\nbreak\",2\n");
        assert_eq!(
            write(true),
            "\u{feff}a,b\r\n\"line\nbreak\",2\r\n".as_bytes()
        );
        let o = Output {
            format: Format::Csv,
            lang: Lang::En,
            excel: true,
            fit: None,
        };
        let mut nothing = Vec::new();
        csv_writer(&o, &mut nothing).flush().unwrap();
        assert!(nothing.is_empty(), "no CSV, no mark");
    }

    #[test]
    fn json_array_streams_valid_json() {
        let mut buf = Vec::new();
        let mut array = JsonArray::new(&mut buf).unwrap();
        for n in [1, 2, 3] {
            array.push(&n).unwrap();
        }
        array.finish().unwrap();
        let parsed: Vec<i32> = serde_json::from_slice(&buf).unwrap();
        assert_eq!(parsed, [1, 2, 3]);
        let mut empty = Vec::new();
        JsonArray::new(&mut empty).unwrap().finish().unwrap();
        assert_eq!(empty, b"[]\n");
    }
}
