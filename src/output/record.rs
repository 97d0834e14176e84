//! Records: what a command reports, declared once and rendered by this
//! module in any format. A record names its columns (the JSON key, which is
//! also the CSV header, and the table's catalogue label, if the table shows
//! the column) and gives its values typed, in the same order; each format
//! then writes a value its own way: an instant is RFC 3339 with the Japan
//! offset in JSON and CSV and the bank's wording in a Japanese table, a
//! missing value is `null`, an empty CSV field or `-`, a list of names is a
//! JSON array and space-separated elsewhere. Commands never match on the
//! format for a record; adding a column is one line in `columns` and one in
//! `values`.

use std::io::Write;

use chrono::{DateTime, NaiveDate, Utc};
use serde::ser::{SerializeMap, SerializeSeq, Serializer};

use super::{CsvWriter, JsonArray, Output, csv_writer, write_json, write_table};
use crate::catalogue::Msg;
use crate::error::Result;
use crate::time::{IsoDate, IsoInstant};

/// One column of a record.
#[derive(Debug, Clone)]
pub(crate) struct Column {
    /// The JSON key and CSV header; never translated.
    pub(crate) key: &'static str,
    /// The table's header; `None`: JSON and CSV only.
    pub(crate) label: Option<Msg>,
    /// Whether JSON has it, and CSV.
    json: bool,
    csv: bool,
}

impl Column {
    /// A column every format shows.
    pub(crate) const fn shown(key: &'static str, label: Msg) -> Column {
        Column {
            key,
            label: Some(label),
            json: true,
            csv: true,
        }
    }

    /// A column of JSON and CSV only (a MAC, a second instant the table
    /// leaves out).
    pub(crate) const fn data(key: &'static str) -> Column {
        Column {
            key,
            label: None,
            json: true,
            csv: true,
        }
    }

    /// A column of the table only: what a person reads beside a record
    /// that JSON and CSV identify by its key (a user's name beside their
    /// login ID).
    pub(crate) const fn table_only(key: &'static str, label: Msg) -> Column {
        Column {
            key,
            label: Some(label),
            json: false,
            csv: false,
        }
    }

    /// A column of CSV only: what JSON says once for a whole document, a
    /// CSV row repeats (whether a revocation was a dry run).
    pub(crate) const fn csv_only(key: &'static str) -> Column {
        Column {
            key,
            label: None,
            json: false,
            csv: true,
        }
    }
}

/// One value of a record, typed; see the module's doc for how each is
/// written.
#[derive(Debug, Clone)]
pub(crate) enum Value<'a> {
    Text(&'a str),
    /// `null`, an empty CSV field, `-` in a table.
    Maybe(Option<&'a str>),
    Count(i64),
    /// `true` or `false` in every format (a record shown as a sentence).
    Bool(bool),
    Instant(DateTime<Utc>),
    MaybeInstant(Option<DateTime<Utc>>),
    /// `YYYY-MM-DD` in JSON and CSV; the bank's wording in a table.
    Date(NaiveDate),
    /// A date or `null`, an empty CSV field, `-` in a table.
    MaybeDate(Option<NaiveDate>),
    /// A JSON array; space-separated in CSV and tables.
    Names(&'a [String]),
    /// A JSON and CSV boolean; in a table, the label of its value.
    Flag {
        value: bool,
        yes: &'a Msg,
        no: &'a Msg,
    },
    /// Several items, each a few named texts (a check's findings): whole
    /// in JSON, their keys in the order given; counted in CSV and tables.
    Items(&'a [Vec<(&'static str, String)>]),
    /// A recorded name (an action, an outcome): as recorded in JSON and
    /// CSV; in a table, its label, or the name itself if it has none.
    Named {
        name: &'a str,
        label: Option<&'a Msg>,
    },
}

impl Value<'_> {
    fn csv_text(&self) -> String {
        match self {
            Value::Text(t) => (*t).to_string(),
            Value::Maybe(t) => t.unwrap_or("").to_string(),
            Value::Count(n) => n.to_string(),
            Value::Instant(at) => IsoInstant::of(*at).as_str().to_string(),
            Value::MaybeInstant(at) => {
                at.map_or_else(String::new, |at| IsoInstant::of(at).as_str().to_string())
            }
            Value::Date(d) => IsoDate::of(*d).as_str().to_string(),
            Value::MaybeDate(d) => {
                d.map_or_else(String::new, |d| IsoDate::of(d).as_str().to_string())
            }
            Value::Names(names) => names.join(" "),
            Value::Flag { value, .. } | Value::Bool(value) => value.to_string(),
            Value::Named { name, .. } => (*name).to_string(),
            Value::Items(items) => items.len().to_string(),
        }
    }

    /// The value as one CSV field, borrowed where it can be (text as it
    /// is, dates and instants formatted on the stack): `list` and
    /// `expiring` write millions of fields.
    fn write_csv(&self, csv: &mut CsvWriter<'_>) -> csv::Result<()> {
        match self {
            Value::Text(t) | Value::Maybe(Some(t)) | Value::Named { name: t, .. } => {
                csv.write_field(t.as_bytes())
            }
            Value::Maybe(None) | Value::MaybeInstant(None) | Value::MaybeDate(None) => {
                csv.write_field(b"")
            }
            Value::Instant(at) | Value::MaybeInstant(Some(at)) => {
                csv.write_field(IsoInstant::of(*at).as_str().as_bytes())
            }
            Value::Date(d) | Value::MaybeDate(Some(d)) => {
                csv.write_field(IsoDate::of(*d).as_str().as_bytes())
            }
            Value::Flag { value, .. } | Value::Bool(value) => {
                csv.write_field(if *value { b"true" } else { b"false" })
            }
            Value::Count(_) | Value::Names(_) | Value::Items(_) => {
                csv.write_field(self.csv_text().as_bytes())
            }
        }
    }

    fn table_text(&self, o: &Output) -> String {
        match self {
            Value::Maybe(None) | Value::MaybeInstant(None) | Value::MaybeDate(None) => {
                "-".to_string()
            }
            Value::Instant(at) | Value::MaybeInstant(Some(at)) => o.instant(*at),
            Value::Date(d) | Value::MaybeDate(Some(d)) => o.date(*d),
            Value::Flag { value, yes, no } => o.t(if *value {
                (*yes).clone()
            } else {
                (*no).clone()
            }),
            Value::Named {
                label: Some(label), ..
            } => o.t((*label).clone()),
            other => other.csv_text(),
        }
    }
}

impl serde::Serialize for Value<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        match self {
            Value::Text(t) | Value::Named { name: t, .. } => s.serialize_str(t),
            Value::Maybe(t) => t.serialize(s),
            Value::Count(n) => s.serialize_i64(*n),
            Value::Instant(at) => IsoInstant::of(*at).serialize(s),
            Value::MaybeInstant(at) => at.map(IsoInstant::of).serialize(s),
            Value::Date(d) => IsoDate::of(*d).serialize(s),
            Value::MaybeDate(d) => d.map(IsoDate::of).serialize(s),
            Value::Names(names) => names.serialize(s),
            Value::Flag { value, .. } | Value::Bool(value) => s.serialize_bool(*value),
            Value::Items(items) => {
                let mut seq = s.serialize_seq(Some(items.len()))?;
                for item in items.iter() {
                    seq.serialize_element(&Item(item))?;
                }
                seq.end()
            }
        }
    }
}

/// One of `Value::Items`, as a JSON object in its keys' order.
struct Item<'a>(&'a [(&'static str, String)]);

impl serde::Serialize for Item<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (key, text) in self.0 {
            map.serialize_entry(key, text)?;
        }
        map.end()
    }
}

/// What a command reports, one or many of.
pub(crate) trait Record {
    /// The columns, in JSON, CSV and table order.
    fn columns() -> &'static [Column];
    /// The values, one per column, in the same order.
    fn values(&self) -> Vec<Value<'_>>;
    /// The shown columns (by their place in the table) to leave out first,
    /// least needed first, when the table must fit a terminal and cannot:
    /// by default the rightmost (`write_table`).
    fn least_needed() -> &'static [usize] {
        &[]
    }

    /// A table cell the record words itself (`column` counts all columns),
    /// where the table says more than the value: `None` takes the value's
    /// own table text.
    fn table_cell(&self, _column: usize, _o: &Output) -> Option<String> {
        None
    }

    /// The shown columns a streamed table never leaves out.
    fn kept() -> &'static [usize] {
        &[]
    }
}

/// A record's table cells, `shown` being `shown_columns::<R>()`.
fn table_cells<R: Record>(record: &R, o: &Output, shown: &[usize]) -> Vec<String> {
    let values = record.values();
    shown
        .iter()
        .map(|&i| {
            record
                .table_cell(i, o)
                .unwrap_or_else(|| values[i].table_text(o))
        })
        .collect()
}

/// What `write_streamed`, and a walk of `Records::Walked`, hand each record to.
pub(crate) type EachRecord<'f, R> = dyn FnMut(&R) -> Result<()> + 'f;

/// The table's headers: the labels of the shown columns.
fn table_headers<R: Record>(o: &Output) -> Vec<String> {
    shown_columns::<R>()
        .iter()
        .map(|&i| o.t(R::columns()[i].label.clone().expect("a shown column")))
        .collect()
}

/// Records walked in one read snapshot, which `walk` can do twice: JSON
/// and CSV stream in one walk; a table walks twice, measuring its columns
/// and then printing, so a million rows never sit in memory.
pub(crate) fn write_streamed<R: Record>(
    o: &Output,
    out: &mut dyn Write,
    notes: TableNotes,
    walk: &mut dyn FnMut(&mut EachRecord<'_, R>) -> Result<()>,
) -> Result<()> {
    if o.format != super::Format::Table {
        let mut stream = RecordStream::<R>::start(o, out, notes)?;
        walk(&mut |record| stream.push(record))?;
        return stream.finish();
    }
    let headers = table_headers::<R>(o);
    let shown = shown_columns::<R>();
    let mut widths = super::stream_table::Widths::of_headers(&headers);
    let mut any = false;
    walk(&mut |record| {
        widths.measure(&table_cells(record, o, &shown));
        any = true;
        Ok(())
    })?;
    if !any {
        return notes.write_empty(o, out);
    }
    if let Some(total) = o.fit {
        for &keep in R::kept() {
            widths.keep(keep);
        }
        if !R::least_needed().is_empty() {
            widths.drop_first(R::least_needed());
        }
        widths.fit(total);
    }
    let mut table = super::stream_table::StreamTable::start(out, &headers, widths)?;
    walk(&mut |record| table.row(&table_cells(record, o, &shown)))?;
    let left_out = table.left_out();
    table.finish()?;
    super::write_left_out(o, out, &left_out)
}

/// A record as a JSON object, its keys in column order.
struct JsonRecord<'r, R>(&'r R);

impl<R: Record> serde::Serialize for JsonRecord<'_, R> {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let columns = R::columns();
        let mut map = s.serialize_map(Some(columns.iter().filter(|c| c.json).count()))?;
        for (column, value) in columns.iter().zip(self.0.values()) {
            if column.json {
                map.serialize_entry(column.key, &value)?;
            }
        }
        map.end()
    }
}

/// The key of each column that JSON has, escaped and quoted as serde_json
/// writes it; `None` for the others.
fn json_keys<R: Record>() -> Vec<Option<Vec<u8>>> {
    R::columns()
        .iter()
        .map(|c| {
            c.json
                .then(|| serde_json::to_vec(c.key).expect("a str serializes"))
        })
        .collect()
}

/// A record as a streamed array's element: the bytes `JsonRecord` gives
/// (`{"key":value,…}`, serde_json's compact map), with each key written
/// as `json_keys` escaped it once for the whole stream. Escaping and
/// serializing every key again for each record was a fifth of `list
/// --format json` (callgrind, 200k users: 1.59 G instructions -> 1.43 G).
fn write_json_line<R: Record>(
    record: &R,
    keys: &[Option<Vec<u8>>],
    line: &mut Vec<u8>,
) -> Result<()> {
    line.push(b'{');
    let mut first = true;
    for (key, value) in keys.iter().zip(record.values()) {
        let Some(key) = key else {
            continue;
        };
        if !std::mem::take(&mut first) {
            line.push(b',');
        }
        line.extend_from_slice(key);
        line.push(b':');
        serde_json::to_writer(&mut *line, &value).map_err(super::json_error)?;
    }
    line.push(b'}');
    Ok(())
}

/// Writes `records` in `o`'s format: a JSON array (one element a line), CSV
/// with its header (also when empty), or a table of the labelled columns
/// (nothing when empty).
pub(crate) fn write_records<R: Record>(
    o: &Output,
    out: &mut dyn Write,
    records: &[R],
) -> Result<()> {
    write_records_or_chart(o, out, records, TableNotes::default(), None)
}

/// A table of a record's shown columns under their labels, `rows` being
/// their cells: columns left out least needed first when it must fit.
fn draw_table<R: Record>(o: &Output, out: &mut dyn Write, rows: Vec<Vec<String>>) -> Result<()> {
    let headers = table_headers::<R>(o);
    match R::least_needed() {
        [] => write_table(o, out, headers, rows),
        order => super::write_table_dropping(o, out, headers, rows, order),
    }
}

/// The lines a chart draws of records on a terminal so many columns wide.
pub(crate) type Chart<R> = dyn Fn(&Output, &[R], usize) -> Vec<String>;

/// Writes `records` as JSON, CSV or a table, with `notes` around the
/// table; given a `chart`, a table's place on a terminal is taken by the
/// lines it draws for the terminal's width, after the heading.
pub(crate) fn write_records_or_chart<R: Record>(
    o: &Output,
    out: &mut dyn Write,
    records: &[R],
    notes: TableNotes,
    chart: Option<&Chart<R>>,
) -> Result<()> {
    if let (super::Format::Table, Some(chart)) = (o.format, chart) {
        let columns = dialoguer::console::Term::stdout().size().1;
        let heading = notes.before.map(|before| o.t(before));
        for line in heading
            .into_iter()
            .chain(chart(o, records, usize::from(columns)))
        {
            writeln!(out, "{line}").map_err(super::write_error)?;
        }
        return Ok(());
    }
    let mut stream = RecordStream::start(o, out, notes)?;
    for record in records {
        stream.push(record)?;
    }
    stream.finish()
}

/// A walk over records: `each` called with every record, in order.
pub(crate) type Walk<'w, R> = dyn FnMut(&mut EachRecord<'_, R>) -> Result<()> + 'w;

/// A document's records: held, or walked as they are written (read in one
/// snapshot, so that tens of thousands are never all in memory).
pub(crate) enum Records<'r, 'w, R> {
    Held(&'r [R]),
    Walked(&'r mut Walk<'w, R>),
}

impl<R> Records<'_, '_, R> {
    /// Hands every record to `each`, in order, held or walked alike.
    fn for_each(&mut self, each: &mut EachRecord<'_, R>) -> Result<()> {
        match self {
            Records::Held(records) => records.iter().try_for_each(each),
            Records::Walked(walk) => walk(each),
        }
    }
}

/// A document's records as a JSON array, for the document to place. A
/// walk's failure to read is kept in `failed` (serde only carries a
/// message) for `write_document` to return.
pub(crate) struct JsonRecords<'r, 'w, R> {
    records: std::cell::RefCell<Records<'r, 'w, R>>,
    failed: &'r std::cell::RefCell<Option<crate::error::Error>>,
}

impl<R: Record> serde::Serialize for JsonRecords<'_, '_, R> {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::Error as _;
        // The array's length is not needed: serde_json writes the same
        // bytes without it.
        let mut seq = s.serialize_seq(None)?;
        let mut unwritten = None;
        let walked = self.records.borrow_mut().for_each(&mut |record| {
            seq.serialize_element(&JsonRecord(record)).map_err(|e| {
                unwritten = Some(e);
                // Only stops the walk: the serializer's own error is the
                // one returned.
                crate::error::Error::Cancelled
            })
        });
        if let Some(e) = unwritten {
            return Err(e);
        }
        match walked {
            Ok(()) => seq.end(),
            Err(e) => {
                let message = e.to_string();
                *self.failed.borrow_mut() = Some(e);
                Err(S::Error::custom(message))
            }
        }
    }
}

/// Writes a report that is one document around its records (a revocation
/// says whether it was a dry run, and whom it skipped): JSON writes what
/// `json` makes of the records (`JsonRecords`), CSV the records alone, a
/// table the lines `prose` gives before and after the records' table (no
/// table when there are none).
pub(crate) fn write_document<R: Record>(
    o: &Output,
    out: &mut dyn Write,
    records: Records<'_, '_, R>,
    json: impl FnOnce(&mut dyn Write, JsonRecords<'_, '_, R>) -> Result<()>,
    prose: impl FnOnce(&Output) -> (Vec<String>, Vec<String>),
) -> Result<()> {
    match (o.format, records) {
        (super::Format::Json, records) => {
            let failed = std::cell::RefCell::new(None);
            let written = json(
                out,
                JsonRecords {
                    records: std::cell::RefCell::new(records),
                    failed: &failed,
                },
            );
            match failed.into_inner() {
                Some(e) => Err(e),
                None => written,
            }
        }
        (super::Format::Csv, mut records) => {
            let mut stream = RecordStream::<R>::start(o, out, TableNotes::default())?;
            records.for_each(&mut |record| stream.push(record))?;
            stream.finish()
        }
        (super::Format::Table, mut records) => {
            let (before, after) = prose(o);
            write_lines(o, out, before)?;
            let shown = shown_columns::<R>();
            let mut rows = Vec::new();
            records.for_each(&mut |r| {
                rows.push(table_cells(r, o, &shown));
                Ok(())
            })?;
            if !rows.is_empty() {
                draw_table::<R>(o, out, rows)?;
            }
            write_lines(o, out, after)
        }
    }
}

/// Writes `records` as JSON or CSV, or, where a table would be, the lines
/// `prose` makes of them (a report people file, such as a disposal notice).
pub(crate) fn write_records_or_prose<R: Record>(
    o: &Output,
    out: &mut dyn Write,
    records: &[R],
    prose: impl FnOnce(&Output, &[R]) -> Vec<String>,
) -> Result<()> {
    if o.format != super::Format::Table {
        return write_records(o, out, records);
    }
    write_lines(o, out, prose(o, records))
}

/// What a table adds around its rows: a heading before them, notes after
/// them, and a line for an empty report (with `empty_on_terminal_only`,
/// only on a terminal: piped, an empty report then prints nothing, and
/// cron mails nothing).
#[derive(Default)]
pub(crate) struct TableNotes {
    pub(crate) before: Option<Msg>,
    pub(crate) after: Vec<Msg>,
    pub(crate) when_empty: Option<Msg>,
    pub(crate) empty_on_terminal_only: bool,
    /// A report for cron: when there is nothing to report, CSV prints
    /// nothing either, not even its header (JSON still prints `[]`, so a
    /// script always has a document to parse).
    pub(crate) csv_silent_when_empty: bool,
}

impl TableNotes {
    /// The line for an empty report, if there is one to say here.
    fn write_empty(&self, o: &Output, out: &mut dyn Write) -> Result<()> {
        if let Some(empty) = &self.when_empty
            && (!self.empty_on_terminal_only
                || std::io::IsTerminal::is_terminal(&std::io::stdout()))
        {
            writeln!(out, "{}", o.t(empty.clone())).map_err(super::write_error)?;
        }
        Ok(())
    }
}

/// Records written as they come: JSON and CSV stream; a table is drawn at
/// `finish` (its widths need every row), so only bounded reports use it.
pub(crate) struct RecordStream<'o, R> {
    o: &'o Output,
    sink: Sink<'o>,
    notes: TableNotes,
    _record: std::marker::PhantomData<R>,
}

enum Sink<'o> {
    /// The array, and each column's key as JSON writes it (`json_keys`).
    Json(JsonArray<'o>, Vec<Option<Vec<u8>>>),
    /// CSV, its header still to write before the first record when the
    /// report is silent when empty (`TableNotes::csv_silent_when_empty`).
    Csv {
        csv: Box<CsvWriter<'o>>,
        header_due: bool,
    },
    Table {
        out: &'o mut dyn Write,
        rows: Vec<Vec<String>>,
    },
}

impl<'o, R: Record> RecordStream<'o, R> {
    pub(crate) fn start(o: &'o Output, out: &'o mut dyn Write, notes: TableNotes) -> Result<Self> {
        let sink = match o.format {
            super::Format::Json => Sink::Json(JsonArray::new(out)?, json_keys::<R>()),
            super::Format::Csv => {
                let mut csv = Box::new(csv_writer(o, out));
                if !notes.csv_silent_when_empty {
                    write_csv_header::<R>(&mut csv)?;
                }
                Sink::Csv {
                    csv,
                    header_due: notes.csv_silent_when_empty,
                }
            }
            super::Format::Table => Sink::Table {
                out,
                rows: Vec::new(),
            },
        };
        Ok(RecordStream {
            o,
            sink,
            notes,
            _record: std::marker::PhantomData,
        })
    }

    pub(crate) fn push(&mut self, record: &R) -> Result<()> {
        match &mut self.sink {
            Sink::Json(array, keys) => array.push_with(|line| write_json_line(record, keys, line)),
            Sink::Csv { csv, header_due } => {
                if std::mem::take(header_due) {
                    write_csv_header::<R>(csv)?;
                }
                write_csv_row(csv, record)
            }
            Sink::Table { rows, .. } => {
                rows.push(table_cells(record, self.o, &shown_columns::<R>()));
                Ok(())
            }
        }
    }

    /// A note to print after the table, known only once records were seen
    /// (whether any device had already expired, say).
    pub(crate) fn note_after(&mut self, note: Msg) {
        self.notes.after.push(note);
    }

    pub(crate) fn finish(self) -> Result<()> {
        let o = self.o;
        match self.sink {
            Sink::Json(array, _) => array.finish(),
            Sink::Csv { mut csv, .. } => Ok(csv.flush()?),
            Sink::Table { out, rows } => {
                if rows.is_empty() {
                    return self.notes.write_empty(o, out);
                }
                if let Some(before) = self.notes.before {
                    writeln!(out, "{}", o.t(before)).map_err(super::write_error)?;
                }
                draw_table::<R>(o, out, rows)?;
                for after in self.notes.after {
                    super::write_prose(o, out, &o.t(after))?;
                }
                Ok(())
            }
        }
    }
}

/// The CSV header: the record's keys.
fn write_csv_header<R: Record>(csv: &mut CsvWriter<'_>) -> Result<()> {
    let keys = R::columns().iter().filter(|c| c.csv).map(|c| c.key);
    Ok(csv.write_record(keys)?)
}

/// Writes one record: a JSON object, CSV with one row, or, in a table, the
/// sentence `said` (a single result reads better as a sentence).
pub(crate) fn write_record<R: Record>(
    o: &Output,
    out: &mut dyn Write,
    record: &R,
    said: Msg,
) -> Result<()> {
    write_record_or_prose(o, out, record, |o, _| vec![o.t(said)])
}

/// Writes one record as JSON or CSV, or, where a table would be, the lines
/// `prose` makes of it.
pub(crate) fn write_record_or_prose<R: Record>(
    o: &Output,
    out: &mut dyn Write,
    record: &R,
    prose: impl FnOnce(&Output, &R) -> Vec<String>,
) -> Result<()> {
    match o.format {
        super::Format::Json => write_json(out, &JsonRecord(record)),
        super::Format::Csv => write_csv(o, out, std::slice::from_ref(record)),
        super::Format::Table => write_lines(o, out, prose(o, record)),
    }
}

/// Prose lines, each wrapped to the terminal by the one line-breaking
/// routine (`super::write_prose`); as they are when piped.
fn write_lines(o: &Output, out: &mut dyn Write, lines: Vec<String>) -> Result<()> {
    for line in lines {
        super::write_prose(o, out, &line)?;
    }
    Ok(())
}

/// Writes a list of names (serials, login IDs): a JSON array of strings,
/// CSV with `header`, or one name a line.
pub(crate) fn write_names(
    o: &Output,
    out: &mut dyn Write,
    header: &str,
    names: &[String],
) -> Result<()> {
    match o.format {
        super::Format::Json => {
            let mut array = JsonArray::new(out)?;
            for name in names {
                array.push(name)?;
            }
            array.finish()
        }
        super::Format::Csv => {
            let mut csv = csv_writer(o, out);
            csv.write_record([header])?;
            for name in names {
                csv.write_record([name])?;
            }
            Ok(csv.flush()?)
        }
        super::Format::Table => write_lines(o, out, names.to_vec()),
    }
}

fn write_csv<R: Record>(o: &Output, out: &mut dyn Write, records: &[R]) -> Result<()> {
    let mut csv = csv_writer(o, out);
    write_csv_header::<R>(&mut csv)?;
    for record in records {
        write_csv_row(&mut csv, record)?;
    }
    Ok(csv.flush()?)
}

fn write_csv_row<R: Record>(csv: &mut CsvWriter<'_>, record: &R) -> Result<()> {
    for (column, value) in R::columns().iter().zip(record.values()) {
        if column.csv {
            value.write_csv(csv)?;
        }
    }
    Ok(csv.end_record()?)
}

fn shown_columns<R: Record>() -> Vec<usize> {
    R::columns()
        .iter()
        .enumerate()
        .filter(|(_, c)| c.label.is_some())
        .map(|(i, _)| i)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::Format;

    struct Sample {
        name: String,
        at: Option<DateTime<Utc>>,
        tags: Vec<String>,
        on: bool,
    }

    impl Record for Sample {
        fn columns() -> &'static [Column] {
            const COLUMNS: &[Column] = &[
                Column::shown("name", Msg::LabelLoginId),
                Column::data("at"),
                Column::shown("tags", Msg::LabelTargets),
                Column::shown("on", Msg::LabelLocked),
            ];
            COLUMNS
        }

        fn values(&self) -> Vec<Value<'_>> {
            vec![
                Value::Text(&self.name),
                Value::MaybeInstant(self.at),
                Value::Names(&self.tags),
                Value::Flag {
                    value: self.on,
                    yes: &Msg::CellLocked,
                    no: &Msg::CellClockSystem,
                },
            ]
        }
    }

    fn samples() -> Vec<Sample> {
        vec![
            Sample {
                name: "a,b".into(),
                at: DateTime::from_timestamp(1_795_650_600, 0),
                tags: vec!["x".into(), "y".into()],
                on: true,
            },
            Sample {
                name: "c".into(),
                at: None,
                tags: vec![],
                on: false,
            },
        ]
    }

    fn render(format: Format) -> String {
        let mut o = Output::english();
        o.format = format;
        let mut out = Vec::new();
        write_records(&o, &mut out, &samples()).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn json_keeps_types_and_column_order() {
        assert_eq!(
            render(Format::Json),
            "[\n{\"name\":\"a,b\",\"at\":\"2026-11-26T08:50:00+09:00\",\"tags\":[\"x\",\"y\"],\"on\":true},\n\
             {\"name\":\"c\",\"at\":null,\"tags\":[],\"on\":false}\n]\n"
        );
    }

    #[test]
    fn csv_has_the_keys_as_header_and_every_column() {
        assert_eq!(
            render(Format::Csv),
            "name,at,tags,on\n\"a,b\",2026-11-26T08:50:00+09:00,x y,true\nc,,,false\n"
        );
    }

    #[test]
    fn a_table_shows_the_labelled_columns_with_their_labels() {
        assert_eq!(
            render(Format::Table),
            "┌──────────┬─────────┬────────┐\n\
             │ Login ID ┆ Targets ┆ Locked │\n\
             ╞══════════╪═════════╪════════╡\n\
             │ a,b      ┆ x y     ┆ locked │\n\
             │ c        ┆         ┆ system │\n\
             └──────────┴─────────┴────────┘\n"
        );
    }

    #[test]
    fn a_value_is_small() {
        // A million-row report builds a row of values per record: labels
        // are borrowed, not carried, so a value moves as a few words.
        assert!(std::mem::size_of::<Value<'_>>() <= 32);
    }

    #[test]
    fn an_empty_report_is_an_empty_array_a_header_and_no_table() {
        let mut o = Output::english();
        let none: Vec<Sample> = Vec::new();
        for (format, expected) in [
            (Format::Json, "[]\n"),
            (Format::Csv, "name,at,tags,on\n"),
            (Format::Table, ""),
        ] {
            o.format = format;
            let mut out = Vec::new();
            write_records(&o, &mut out, &none).unwrap();
            assert_eq!(String::from_utf8(out).unwrap(), expected);
        }
    }

    /// A record with a column for CSV only and one for the table only.
    struct Partial(&'static str);

    impl Record for Partial {
        fn columns() -> &'static [Column] {
            const COLUMNS: &[Column] = &[
                Column::csv_only("dry_run"),
                Column::shown("login_id", Msg::LabelLoginId),
                Column::table_only("name", Msg::LabelName),
            ];
            COLUMNS
        }

        fn values(&self) -> Vec<Value<'_>> {
            vec![Value::Bool(true), Value::Text(self.0), Value::Text("Ann")]
        }
    }

    /// The document of `records`, written from them held and walked: both
    /// must write the same bytes.
    fn document(format: Format, records: &[Partial]) -> String {
        let held = document_from(format, Records::Held(records)).unwrap();
        let mut walk = |each: &mut EachRecord<'_, Partial>| records.iter().try_for_each(each);
        let walked = document_from(format, Records::Walked(&mut walk)).unwrap();
        assert_eq!(held, walked, "{format:?}");
        held
    }

    fn document_from(format: Format, records: Records<'_, '_, Partial>) -> Result<String> {
        let mut o = Output::english();
        o.format = format;
        let mut out = Vec::new();
        let json = |out: &mut dyn Write, rows: JsonRecords<'_, '_, Partial>| {
            write_json(out, &std::collections::BTreeMap::from([("rows", rows)]))
        };
        let prose = |_: &Output| (vec!["before".to_string()], vec!["after".to_string()]);
        write_document(&o, &mut out, records, json, prose)?;
        Ok(String::from_utf8(out).unwrap())
    }

    #[test]
    fn a_walk_that_fails_fails_the_document_with_its_own_error() {
        for format in [Format::Json, Format::Csv, Format::Table] {
            let mut walk = |each: &mut EachRecord<'_, Partial>| {
                each(&Partial("u1"))?;
                Err(crate::error::Error::RaceLost)
            };
            let written = document_from(format, Records::Walked(&mut walk));
            assert!(
                matches!(written, Err(crate::error::Error::RaceLost)),
                "{format:?}"
            );
        }
    }

    #[test]
    fn a_document_that_cannot_be_written_stops_its_walk() {
        struct Closed;
        impl Write for Closed {
            fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
                Err(std::io::ErrorKind::BrokenPipe.into())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let mut o = Output::english();
        o.format = Format::Json;
        let mut read = 0;
        // More than the JSON writer's buffer holds, so a write must fail.
        let mut walk = |each: &mut EachRecord<'_, Partial>| {
            for _ in 0..100_000 {
                read += 1;
                each(&Partial("u1"))?;
            }
            Ok(())
        };
        let json = |out: &mut dyn Write, rows: JsonRecords<'_, '_, Partial>| write_json(out, &rows);
        let written = write_document(&o, &mut Closed, Records::Walked(&mut walk), json, |_| {
            (vec![], vec![])
        });
        assert!(written.is_err_and(|e| crate::output::is_broken_pipe(&e)));
        assert!(read < 100_000, "the walk went on after the pipe closed");
    }

    #[test]
    fn a_document_places_its_records_and_each_format_its_own_columns() {
        let records = [Partial("u1")];
        assert_eq!(
            document(Format::Json, &records),
            "{\n  \"rows\": [\n    {\n      \"login_id\": \"u1\"\n    }\n  ]\n}\n"
        );
        assert_eq!(
            document(Format::Csv, &records),
            "dry_run,login_id\ntrue,u1\n"
        );
        assert_eq!(
            document(Format::Table, &records),
            "before\n\
             ┌──────────┬───────────┐\n\
             │ Login ID ┆ User name │\n\
             ╞══════════╪═══════════╡\n\
             │ u1       ┆ Ann       │\n\
             └──────────┴───────────┘\n\
             after\n"
        );
        assert_eq!(document(Format::Table, &[]), "before\nafter\n");
    }

    #[test]
    fn a_silent_report_writes_no_csv_header_until_a_record_comes() {
        let mut o = Output::english();
        o.format = Format::Csv;
        let notes = || TableNotes {
            csv_silent_when_empty: true,
            ..TableNotes::default()
        };
        let mut out = Vec::new();
        RecordStream::<Sample>::start(&o, &mut out, notes())
            .unwrap()
            .finish()
            .unwrap();
        assert_eq!(out, b"");
        let mut stream = RecordStream::start(&o, &mut out, notes()).unwrap();
        stream.push(&samples()[1]).unwrap();
        stream.finish().unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "name,at,tags,on\nc,,,false\n"
        );
    }
}
