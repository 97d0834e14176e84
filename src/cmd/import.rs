//! `import users FILE|-` and `import devices FILE|-`: CSV into the registry
//! in one transaction. Any bad row stops the import with its file and line,
//! and nothing is imported.

use std::collections::HashMap;
use std::io::{Read, Write};

use chrono::NaiveDate;

use crate::Context;
use crate::cli::ImportCommand;
use crate::cmd::{admin_actor, record};
use crate::error::{Error, Result};
use crate::output::progress;
use crate::rules::otp::{Algorithm, DeviceKey, parse_secret};
use crate::rules::status::Role;
use crate::store::devices::{NewDevice, device_id_of, insert_device};
use crate::store::users::{NewUser, insert_user};
use crate::store::{Store, Tx, is_unique_violation};

/// Imports larger than this (in bytes) get a progress bar on a terminal.
const PROGRESS_BYTES: u64 = 1 << 20;

pub fn run(
    ctx: &Context,
    store: &mut Store,
    command: &ImportCommand,
    out: &mut dyn Write,
) -> Result<()> {
    let (kind, file) = match command {
        ImportCommand::Users { file } => (Kind::Users, file),
        ImportCommand::Devices { file } => (Kind::Devices, file),
    };
    let (reader, size): (Box<dyn Read>, u64) = if file == "-" {
        (Box::new(std::io::stdin()), 0)
    } else {
        let f = std::fs::File::open(file)
            .map_err(|e| Error::usage(format!("cannot read {file}: {e}")))?;
        let size = f.metadata().map(|m| m.len()).unwrap_or(0);
        (Box::new(f), size)
    };
    let name = if file == "-" { "stdin" } else { file.as_str() };
    store.prepare_for_bulk_writes()?;
    let count = store.write(|tx| {
        let count = import(tx, kind, reader, name, size, ctx.clock.now().timestamp())?;
        record(
            ctx,
            tx,
            &admin_actor(),
            kind.action(),
            &[],
            "ok",
            format!("{count} {} from {name}", kind.noun()),
        )?;
        Ok(count)
    })?;
    writeln!(
        out,
        "{}",
        match ctx.out.lang {
            crate::output::Lang::En => format!("Imported {count} {} from {name}.", kind.noun()),
            crate::output::Lang::Ja =>
                format!("{name} から{}を {count} 件取り込みました。", kind.noun_ja()),
        }
    )
    .map_err(crate::output::write_error)
}

#[derive(Debug, Clone, Copy)]
pub enum Kind {
    Users,
    Devices,
}

impl Kind {
    fn action(self) -> &'static str {
        match self {
            Kind::Users => "import-users",
            Kind::Devices => "import-devices",
        }
    }
    fn noun(self) -> &'static str {
        match self {
            Kind::Users => "users",
            Kind::Devices => "devices",
        }
    }
    fn noun_ja(self) -> &'static str {
        match self {
            Kind::Users => "利用者",
            Kind::Devices => "パスワード生成機",
        }
    }
    fn required(self) -> &'static [&'static str] {
        match self {
            Kind::Users => &["login_id", "name", "role", "otp_required"],
            Kind::Devices => &["serial", "secret", "expires"],
        }
    }
    fn optional(self) -> &'static [&'static str] {
        match self {
            Kind::Users => &["serial"],
            Kind::Devices => &["digits", "period", "algorithm"],
        }
    }
}

/// Reads CSV from `reader` and inserts every row through `conn`, which the
/// caller holds in a transaction. Returns the number of rows.
pub fn import(
    conn: &Tx<'_>,
    kind: Kind,
    reader: impl Read,
    file: &str,
    size: u64,
    now: i64,
) -> Result<u64> {
    let bad = |line: u64, message: String| Error::BadRow {
        file: file.to_string(),
        line,
        message,
    };
    let mut csv = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .flexible(true)
        .from_reader(CrlfAsLf::new(reader));
    let headers = csv.headers().map_err(|e| bad(1, csv_message(&e)))?.clone();
    if headers.is_empty() || headers.iter().all(str::is_empty) {
        return Err(bad(1, format!("no header; expected {}", expected(kind))));
    }
    let columns = column_map(kind, &headers).map_err(|m| bad(1, m))?;
    let bar = progress::bar(size, "importing", PROGRESS_BYTES);
    let mut record = csv::StringRecord::new();
    let mut count = 0u64;
    loop {
        let more = csv
            .read_record(&mut record)
            .map_err(|e| bad(e.position().map_or(0, |p| p.line()), csv_message(&e)))?;
        if !more {
            break;
        }
        let line = record.position().map_or(0, |p| p.line());
        if record.len() == 1 && record[0].is_empty() {
            continue; // a blank line
        }
        if record.len() != headers.len() {
            return Err(bad(
                line,
                format!("expected {} fields, found {}", headers.len(), record.len()),
            ));
        }
        let fields = Fields {
            record: &record,
            columns: &columns,
        };
        match kind {
            Kind::Users => import_user(conn, &fields, now),
            Kind::Devices => import_device(conn, &fields),
        }
        .map_err(|e| match e {
            RowError::Bad(message) => bad(line, message),
            RowError::Registry(e) => e,
        })?;
        count += 1;
        if count.is_multiple_of(4096) {
            bar.set_position(record.position().map_or(0, |p| p.byte()));
        }
    }
    bar.finish_and_clear();
    Ok(count)
}

fn expected(kind: Kind) -> String {
    let mut all: Vec<&str> = kind.required().to_vec();
    all.extend(kind.optional().iter().copied());
    all.join(",")
}

fn column_map(
    kind: Kind,
    headers: &csv::StringRecord,
) -> std::result::Result<HashMap<String, usize>, String> {
    let mut map = HashMap::new();
    for (i, name) in headers.iter().enumerate() {
        let name = name.trim_start_matches('\u{feff}');
        if !kind.required().contains(&name) && !kind.optional().contains(&name) {
            return Err(format!(
                "unknown column {name:?}; expected {}",
                expected(kind)
            ));
        }
        if map.insert(name.to_string(), i).is_some() {
            return Err(format!("column {name:?} appears twice"));
        }
    }
    if let Some(missing) = kind.required().iter().find(|c| !map.contains_key(**c)) {
        return Err(format!(
            "missing column {missing:?}; expected {}",
            expected(kind)
        ));
    }
    Ok(map)
}

fn csv_message(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::Utf8 { .. } => "not valid UTF-8".to_string(),
        csv::ErrorKind::Io(io) => format!("cannot read: {io}"),
        _ => e.to_string(),
    }
}

/// One CSV row, read by column name.
struct Fields<'a> {
    record: &'a csv::StringRecord,
    columns: &'a HashMap<String, usize>,
}

impl<'a> Fields<'a> {
    /// The value of `name`, or "" when the optional column is absent.
    fn get(&self, name: &str) -> &'a str {
        self.columns.get(name).map_or("", |&i| &self.record[i])
    }
}

/// Why a row was not imported: the row is bad (exit 2, naming the line), or
/// the registry failed (a full disk is not a bad row).
enum RowError {
    Bad(String),
    Registry(Error),
}

impl From<String> for RowError {
    fn from(message: String) -> Self {
        RowError::Bad(message)
    }
}

impl From<Error> for RowError {
    fn from(e: Error) -> Self {
        RowError::Registry(e)
    }
}

/// An insert's error: a UNIQUE violation is a duplicate in the file or the
/// registry; anything else is the registry's.
fn duplicate_or(e: Error, duplicate: String) -> RowError {
    if is_unique_violation(&e) {
        RowError::Bad(duplicate)
    } else {
        RowError::Registry(e)
    }
}

fn import_user(conn: &Tx<'_>, fields: &Fields<'_>, now: i64) -> std::result::Result<(), RowError> {
    let field = |name: &str| fields.get(name);
    let login_id = field("login_id");
    if login_id.is_empty() {
        return Err(RowError::Bad("login_id is empty".into()));
    }
    if login_id.len() > 64
        || login_id
            .chars()
            .any(|c| c.is_whitespace() || c.is_control())
    {
        return Err(RowError::Bad(format!(
            "login_id {login_id:?} must be at most 64 characters without spaces"
        )));
    }
    let name = field("name");
    if name.is_empty() {
        return Err(RowError::Bad(format!("name of {login_id} is empty")));
    }
    if name.chars().any(char::is_control) {
        // Escape sequences or line breaks would garble every table.
        return Err(RowError::Bad(format!(
            "name of {login_id} contains control characters"
        )));
    }
    let role = Role::parse(field("role"))
        .ok_or_else(|| format!("role {:?} is not master or general", field("role")))?;
    let otp_required = match field("otp_required").to_ascii_lowercase().as_str() {
        "true" => true,
        "false" => false,
        other => {
            return Err(RowError::Bad(format!(
                "otp_required {other:?} is not true or false"
            )));
        }
    };
    let serial = field("serial");
    let device_id = if serial.is_empty() {
        None
    } else {
        if !otp_required {
            return Err(RowError::Bad(format!(
                "{login_id} does not use OTP (otp_required false) but names device {serial}"
            )));
        }
        match device_id_of(conn, serial)? {
            None => {
                return Err(RowError::Bad(format!(
                    "serial {serial} is not in any imported delivery; import the devices first"
                )));
            }
            Some((_, true)) => {
                return Err(RowError::Bad(format!(
                    "device {serial} has been disposed of"
                )));
            }
            Some((id, false)) => Some(id),
        }
    };
    let user = NewUser {
        login_id: login_id.to_string(),
        name: name.to_string(),
        role,
        otp_required,
    };
    insert_user(conn, &user, device_id, now).map_err(|e| {
        duplicate_or(
            e,
            format!("login ID {login_id} is already in the registry (or earlier in this file)"),
        )
    })?;
    Ok(())
}

fn import_device(conn: &Tx<'_>, fields: &Fields<'_>) -> std::result::Result<(), RowError> {
    let field = |name: &str| fields.get(name);
    let serial = field("serial");
    if serial.is_empty() {
        return Err(RowError::Bad("serial is empty".into()));
    }
    if serial.len() > 64 || serial.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(RowError::Bad(format!(
            "serial {serial:?} must be at most 64 characters without spaces"
        )));
    }
    let secret = parse_secret(field("secret")).map_err(|m| format!("device {serial}: {m}"))?;
    let expires = parse_date(field("expires"))
        .ok_or_else(|| format!("expires {:?} is not a date YYYY-MM-DD", field("expires")))?;
    let digits = match field("digits") {
        "" | "6" => 6,
        "8" => 8,
        other => return Err(RowError::Bad(format!("digits {other:?} is not 6 or 8"))),
    };
    let period = match field("period") {
        "" => 30,
        text => text
            .parse::<u32>()
            .ok()
            .filter(|p| (1..=3600).contains(p))
            .ok_or_else(|| format!("period {text:?} is not a number of seconds from 1 to 3600"))?,
    };
    let algorithm = match field("algorithm") {
        "" => Algorithm::Sha1,
        text => text.parse::<Algorithm>()?,
    };
    let device = NewDevice {
        serial: serial.to_string(),
        key: DeviceKey {
            secret: zeroize::Zeroizing::new(secret),
            algorithm,
            digits,
            period,
        },
        expires,
    };
    insert_device(conn, &device).map_err(|e| {
        duplicate_or(
            e,
            format!("serial {serial} is already in the registry (or earlier in this file)"),
        )
    })?;
    Ok(())
}

/// A strict `YYYY-MM-DD` date that exists on the calendar.
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    let b = text.as_bytes();
    let shape = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shape {
        return None;
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
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

    #[test]
    fn dates_are_strict() {
        assert!(parse_date("2026-12-30").is_some());
        assert!(parse_date("2028-02-29").is_some());
        for bad in [
            "2026-02-30",
            "2027-02-29",
            "2026-13-01",
            "2026-1-05",
            "26-01-05",
            "2026/01/05",
            "",
        ] {
            assert!(parse_date(bad).is_none(), "{bad}");
        }
    }
}
