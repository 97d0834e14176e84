//! `import users FILE|-` and `import devices FILE|-`: CSV, or for devices
//! also a PSKC key container, into the registry in one transaction. Any bad
//! row or key stops the import, naming the file and the line or key, and
//! nothing is imported.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::path::Path;

use chrono::NaiveDate;
use zeroize::Zeroizing;

use crate::Context;
use crate::cli::ImportCommand;
use crate::cmd::{admin_actor, record};
use crate::error::{Error, Result};
use crate::output::progress;
use crate::pskc::{self, PskcOptions};
use crate::rules::otp::{Algorithm, DeviceKey, MIN_SECRET_BYTES, parse_secret};
use crate::rules::status::Role;
use crate::store::devices::{NewDevice, device_id_of, insert_device};
use crate::store::users::{NewUser, insert_user};
use crate::store::{Store, Tx, is_unique_violation};

/// Imports larger than this (in bytes) get a progress bar on a terminal.
const PROGRESS_BYTES: u64 = 1 << 20;

/// PSKC containers with more keys than this get a progress bar on a
/// terminal while their keys are inserted.
const PROGRESS_KEYS: u64 = 10_000;

/// How much of a delivery is read to tell a PSKC container from CSV: enough
/// for any XML declaration and leading comments.
const SNIFF_BYTES: u64 = 64 * 1024;

pub fn run(
    ctx: &Context,
    store: &mut Store,
    command: &ImportCommand,
    out: &mut dyn Write,
) -> Result<()> {
    let file = match command {
        ImportCommand::Users { file } | ImportCommand::Devices { file, .. } => file,
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
    let (kind, count) = match command {
        ImportCommand::Users { .. } => (
            Kind::Users,
            import_csv(ctx, store, Kind::Users, reader, name, size)?,
        ),
        ImportCommand::Devices {
            pskc_key_file,
            pskc_passphrase_file,
            expires,
            ..
        } => {
            let flags = PskcFlags {
                key_file: pskc_key_file.as_deref(),
                passphrase_file: pskc_passphrase_file.as_deref(),
                expires: expires.as_deref(),
            };
            (
                Kind::Devices,
                import_devices(ctx, store, reader, name, size, &flags)?,
            )
        }
    };
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

/// The `import devices` options that only a PSKC container takes.
struct PskcFlags<'a> {
    key_file: Option<&'a Path>,
    passphrase_file: Option<&'a Path>,
    expires: Option<&'a str>,
}

/// Imports a delivery: a PSKC container when its first bytes say so, else
/// CSV (which takes none of the PSKC options).
fn import_devices(
    ctx: &Context,
    store: &mut Store,
    mut reader: impl Read,
    name: &str,
    size: u64,
    flags: &PskcFlags<'_>,
) -> Result<u64> {
    let expires = flags
        .expires
        .map(|text| {
            parse_date(text)
                .ok_or_else(|| Error::usage(format!("--expires {text:?} is not a date YYYY-MM-DD")))
        })
        .transpose()?;
    let mut head = Vec::new();
    reader
        .by_ref()
        .take(SNIFF_BYTES)
        .read_to_end(&mut head)
        .map_err(|e| Error::usage(format!("cannot read {name}: {e}")))?;
    if !pskc::looks_like_pskc(&head) {
        let pskc_only = [
            (flags.key_file.is_some(), "--pskc-key-file"),
            (flags.passphrase_file.is_some(), "--pskc-passphrase-file"),
            (flags.expires.is_some(), "--expires"),
        ];
        if let Some((_, flag)) = pskc_only.iter().find(|(given, _)| *given) {
            return Err(Error::usage(format!(
                "{flag} applies to PSKC key containers, and {name} is CSV (its rows give their own keys and expiry dates)"
            )));
        }
        let reader = std::io::Cursor::new(head).chain(reader);
        return import_csv(ctx, store, Kind::Devices, reader, name, size);
    }
    let options = PskcOptions {
        key: flags.key_file.map(read_key_file).transpose()?,
        passphrase: flags
            .passphrase_file
            .map(read_passphrase_file)
            .transpose()?,
        default_expires: expires,
    };
    // A plain container holds its secrets in the clear: wiped once read.
    let mut bytes = Zeroizing::new(head);
    reader
        .read_to_end(&mut bytes)
        .map_err(|e| Error::usage(format!("cannot read {name}: {e}")))?;
    import_pskc(ctx, store, &bytes, name, &options)
}

/// Imports a CSV file in one transaction with its audit row.
fn import_csv(
    ctx: &Context,
    store: &mut Store,
    kind: Kind,
    reader: impl Read,
    name: &str,
    size: u64,
) -> Result<u64> {
    store.prepare_for_bulk_writes()?;
    store.write(|tx| {
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
    })
}

/// Imports the keys of a PSKC container in one transaction, each through
/// the same checks and insertion as a CSV row. The audit row says whether
/// the container was encrypted and its MACs verified.
fn import_pskc(
    ctx: &Context,
    store: &mut Store,
    bytes: &[u8],
    name: &str,
    options: &PskcOptions,
) -> Result<u64> {
    let container = pskc::read(bytes, options).map_err(|e| Error::pskc(name, e))?;
    store.prepare_for_bulk_writes()?;
    store.write(|tx| {
        let total = container.keys.len() as u64;
        let bar = progress::bar(total, "importing", PROGRESS_KEYS);
        for (done, key) in container.keys.iter().enumerate() {
            let device = Delivered {
                serial: &key.serial,
                secret: key.secret.to_vec(),
                expires: key.expires,
                digits: key.digits,
                period: key.period,
                algorithm: key.algorithm,
            };
            add_device(tx, device).map_err(|e| match e {
                RowError::Bad(message) => Error::Pskc {
                    file: name.to_string(),
                    key_id: Some(key.id.clone()),
                    message,
                },
                RowError::Registry(e) => e,
            })?;
            if done % 4096 == 0 {
                bar.set_position(done as u64);
            }
        }
        bar.finish_and_clear();
        let protection = match (container.encrypted, container.mac_verified) {
            (true, true) => "encrypted, MAC verified",
            (true, false) => "encrypted, no MAC",
            (false, _) => "not encrypted, no MAC",
        };
        record(
            ctx,
            tx,
            &admin_actor(),
            Kind::Devices.action(),
            &[],
            "ok",
            format!("{total} devices from {name} (PSKC key container, {protection})"),
        )?;
        Ok(total)
    })
}

/// The pre-shared key of `--pskc-key-file`: hex (whitespace ignored), 128 or
/// 256 bits. Messages never quote the file's contents.
fn read_key_file(path: &Path) -> Result<Zeroizing<Vec<u8>>> {
    let shown = path.display();
    let text = Zeroizing::new(
        std::fs::read_to_string(path)
            .map_err(|e| Error::usage(format!("cannot read the key file {shown}: {e}")))?,
    );
    let compact: Zeroizing<String> =
        Zeroizing::new(text.chars().filter(|c| !c.is_ascii_whitespace()).collect());
    let key = Zeroizing::new(hex::decode(compact.as_bytes()).map_err(|_| {
        Error::usage(format!(
            "the key file {shown} does not hold a key in hex (only 0-9 and a-f, an even number of them)"
        ))
    })?);
    if !matches!(key.len(), 16 | 32) {
        return Err(Error::usage(format!(
            "the key in {shown} is {} bits; an AES key is 128 or 256 bits (32 or 64 hex digits)",
            key.len() * 8
        )));
    }
    Ok(key)
}

/// The passphrase of `--pskc-passphrase-file`, UTF-8, without one trailing
/// newline (what an editor or `echo` leaves).
fn read_passphrase_file(path: &Path) -> Result<Zeroizing<String>> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        Error::usage(format!(
            "cannot read the passphrase file {}: {e}",
            path.display()
        ))
    })?;
    let passphrase = Zeroizing::new(crate::prompt::strip_newline(text));
    if passphrase.is_empty() {
        return Err(Error::usage(format!(
            "the passphrase file {} is empty",
            path.display()
        )));
    }
    Ok(passphrase)
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
    check_serial(serial)?;
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
            .parse::<u64>()
            .ok()
            .filter(|p| (1..=MAX_PERIOD).contains(p))
            .ok_or_else(|| format!("period {text:?} is not a number of seconds from 1 to 3600"))?,
    };
    let algorithm = match field("algorithm") {
        "" => Algorithm::Sha1,
        text => text.parse::<Algorithm>()?,
    };
    add_device(
        conn,
        Delivered {
            serial,
            secret,
            expires,
            digits,
            period,
            algorithm,
        },
    )
}

/// The longest time step accepted, in seconds.
const MAX_PERIOD: u64 = 3600;

/// One device of a delivery, whichever format it came in.
struct Delivered<'a> {
    serial: &'a str,
    secret: Vec<u8>,
    expires: NaiveDate,
    digits: u32,
    period: u64,
    algorithm: Algorithm,
}

/// A serial as printed on a device: not empty, at most 64 characters, no
/// spaces or control characters.
fn check_serial(serial: &str) -> std::result::Result<(), RowError> {
    if serial.is_empty() {
        return Err(RowError::Bad("serial is empty".into()));
    }
    if serial.len() > 64 || serial.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(RowError::Bad(format!(
            "serial {serial:?} must be at most 64 characters without spaces"
        )));
    }
    Ok(())
}

/// The one way a delivered device enters the registry, from CSV or PSKC:
/// the checks every device must pass, then the insertion (a serial already
/// in the registry or earlier in the file is a duplicate). The secret is
/// wiped from memory once inserted.
fn add_device(conn: &Tx<'_>, device: Delivered<'_>) -> std::result::Result<(), RowError> {
    let serial = device.serial;
    check_serial(serial)?;
    let secret = Zeroizing::new(device.secret);
    if secret.len() < MIN_SECRET_BYTES {
        return Err(RowError::Bad(format!(
            "device {serial}: the secret is too short ({} bits; at least {} are needed)",
            secret.len() * 8,
            MIN_SECRET_BYTES * 8
        )));
    }
    let digits = match device.digits {
        6 => 6,
        8 => 8,
        other => return Err(RowError::Bad(format!("digits {other} is not 6 or 8"))),
    };
    let period = u32::try_from(device.period)
        .ok()
        .filter(|p| (1..=MAX_PERIOD as u32).contains(p))
        .ok_or_else(|| {
            format!(
                "period {} is not a number of seconds from 1 to {MAX_PERIOD}",
                device.period
            )
        })?;
    let new = NewDevice {
        serial: serial.to_string(),
        key: DeviceKey {
            secret: Zeroizing::new(secret.to_vec()),
            algorithm: device.algorithm,
            digits,
            period,
        },
        expires: device.expires,
    };
    insert_device(conn, &new).map_err(|e| {
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
