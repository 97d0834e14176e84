//! `import users FILE|-` and `import devices FILE|-`: CSV, or for devices
//! also a PSKC key container, into the registry in one transaction. Any bad
//! row or key stops the import, naming the file and the line or key, and
//! nothing is imported.
//!
//! The file may be UTF-8 or Shift_JIS (CP932, as Excel saves CSV in Japan),
//! with CRLF line ends and a byte-order mark or not (`text::open` decodes
//! it). Login IDs and serials typed in full-width forms are read as ASCII.
//! Each row is checked by a pure parser before anything is written, and an
//! error quotes at most a short, single-line part of a field: never a secret,
//! never the rest of the file after a quote left open.
//!
//! The file is read row by row by `io::csv_rows`; this module says what a
//! users or devices row is (`rules::import`) and inserts it.

use std::collections::HashSet;
use std::io::{Read, Write};
use std::path::Path;

use chrono::{DateTime, NaiveDate, Utc};
use zeroize::Zeroizing;

use crate::catalogue::{Msg, OsError};
use crate::cli::ImportCommand;
use crate::cmd::{admin_actor, record};
use crate::context::Context;
use crate::crypto::pskc::{self, PskcKey, PskcOptions};
use crate::crypto::pskc_files::{read_key_file, read_passphrase_file};
use crate::error::{Error, Result};
use crate::io::csv_rows::{self, Fields, RowError};
use crate::output::record::{Column, Record, Value, write_record};
use crate::output::{Lang, progress};
pub(crate) use crate::rules::import::Kind;
use crate::rules::import::{self as rules, DeliveredKey, NewDevice, UserIn};
use crate::rules::refusal::Refusal;
use crate::rules::status::Role;
use crate::rules::user_update::{self, Update};
use crate::store::audit::{Action, Outcome};
use crate::store::devices::{bind_device, insert_device};
use crate::store::users::{find_user, insert_user, update_user};
use crate::store::{Store, Tx, is_unique_violation};
use crate::text::{self, escape_controls, quote_field};

/// PSKC containers with more keys than this get a progress bar on a
/// terminal while their keys are inserted.
const PROGRESS_KEYS: u64 = 10_000;

/// How much of a delivery is read to tell a PSKC container from CSV: enough
/// for any XML declaration and leading comments.
const SNIFF_BYTES: u64 = 64 * 1024;

pub(crate) fn run(
    ctx: &Context,
    store: &mut Store,
    command: &ImportCommand,
    out: &mut dyn Write,
) -> Result<()> {
    let (kind, file, encoding) = match command {
        ImportCommand::Users { file, encoding, .. } => (Kind::Users, file, *encoding),
        ImportCommand::Devices { file, encoding, .. } => (Kind::Devices, file, *encoding),
    };
    let file = file.to_string_lossy();
    let input = text::open(&file, encoding).map_err(|e| cannot_read(&file, &e))?;
    let name = if file == "-" { "stdin" } else { &*file };
    let count = match command {
        ImportCommand::Users { update: true, .. } => {
            let counts = update_users(ctx, store, input.reader, name, input.size)?;
            return report_update(ctx, name, &counts, out);
        }
        ImportCommand::Users { .. } => {
            import_csv(ctx, store, Kind::Users, input.reader, name, input.size)?
        }
        ImportCommand::Devices {
            pskc_key_file,
            pskc_passphrase_file,
            expires,
            ..
        } => {
            let flags = PskcFlags {
                key_file: pskc_key_file.as_deref(),
                passphrase_file: pskc_passphrase_file.as_deref(),
                expires: *expires,
            };
            import_devices(ctx, store, input.reader, name, input.size, &flags)?
        }
    };
    let file = escape_controls(name).into_owned();
    let done = match kind {
        Kind::Users => Msg::ImportedUsers { count, file },
        Kind::Devices => Msg::ImportedDevices { count, file },
    };
    let report = Imported {
        kind: noun(kind),
        imported: count,
        file: name,
    };
    write_record(&ctx.out, out, &report, done)
}

/// `import users --update`'s report: in the table, one sentence.
fn report_update(
    ctx: &Context,
    name: &str,
    counts: &UpdateCounts,
    out: &mut dyn Write,
) -> Result<()> {
    let (added, updated, unchanged) = (counts.added, counts.updated, counts.unchanged);
    let done = Msg::UsersUpdated {
        file: escape_controls(name).into_owned(),
        added,
        updated,
        unchanged,
    };
    let report = Updated {
        kind: noun(Kind::Users),
        imported: added + updated + unchanged,
        added,
        updated,
        unchanged,
        file: name,
    };
    write_record(&ctx.out, out, &report, done)
}

/// What `import` reports.
struct Imported<'a> {
    /// `users` or `devices`.
    kind: &'a str,
    imported: u64,
    /// The file as named on the command line, `stdin` for `-`.
    file: &'a str,
}

impl Record for Imported<'_> {
    fn columns() -> &'static [Column] {
        const COLUMNS: &[Column] = &[
            Column::data("kind"),
            Column::data("imported"),
            Column::data("file"),
        ];
        COLUMNS
    }

    fn values(&self) -> Vec<Value<'_>> {
        vec![
            Value::Text(self.kind),
            Value::Count(self.imported as i64),
            Value::Text(self.file),
        ]
    }
}

/// What `import users --update` reports: `imported` rows, of which `added`
/// were new, `updated` changed a user and `unchanged` changed nothing.
struct Updated<'a> {
    kind: &'a str,
    imported: u64,
    added: u64,
    updated: u64,
    unchanged: u64,
    file: &'a str,
}

impl Record for Updated<'_> {
    fn columns() -> &'static [Column] {
        const COLUMNS: &[Column] = &[
            Column::data("kind"),
            Column::data("imported"),
            Column::data("added"),
            Column::data("updated"),
            Column::data("unchanged"),
            Column::data("file"),
        ];
        COLUMNS
    }

    fn values(&self) -> Vec<Value<'_>> {
        vec![
            Value::Text(self.kind),
            Value::Count(self.imported as i64),
            Value::Count(self.added as i64),
            Value::Count(self.updated as i64),
            Value::Count(self.unchanged as i64),
            Value::Text(self.file),
        ]
    }
}

/// An input file that cannot be opened or read (exit 2).
fn cannot_read(file: &str, e: &std::io::Error) -> Error {
    Error::usage(Msg::CannotReadFile {
        file: file.to_string(),
        error: OsError::from(e),
    })
}

/// The `import devices` options that only a PSKC container takes.
struct PskcFlags<'a> {
    key_file: Option<&'a Path>,
    passphrase_file: Option<&'a Path>,
    expires: Option<NaiveDate>,
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
    let mut head = Vec::new();
    reader
        .by_ref()
        .take(SNIFF_BYTES)
        .read_to_end(&mut head)
        .map_err(|e| cannot_read(name, &e))?;
    if !pskc::looks_like_pskc(&head) {
        let pskc_only = [
            (flags.key_file.is_some(), "--pskc-key-file"),
            (flags.passphrase_file.is_some(), "--pskc-passphrase-file"),
            (flags.expires.is_some(), "--expires"),
        ];
        if let Some((_, flag)) = pskc_only.iter().find(|(given, _)| *given) {
            return Err(Error::usage(Msg::PskcFlagOnCsv {
                flag: flag.to_string(),
                file: name.to_string(),
            }));
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
        default_expires: flags.expires,
    };
    // A plain container holds its secrets in the clear: wiped once read.
    let mut bytes = Zeroizing::new(head);
    reader
        .read_to_end(&mut bytes)
        .map_err(|e| cannot_read(name, &e))?;
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
        let count = import(tx, kind, reader, name, size, ctx.clock.now(), ctx.out.lang)?;
        record(
            ctx,
            tx,
            &admin_actor(),
            action(kind),
            &[],
            Outcome::Ok,
            format!("{count} {} from {}", noun(kind), escape_controls(name)),
        )?;
        Ok(count)
    })
}

/// What `import users --update` did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct UpdateCounts {
    pub(crate) added: u64,
    pub(crate) updated: u64,
    pub(crate) unchanged: u64,
    /// Users whose role changed, from and to: a new master can sign
    /// revocations, so each change gets an audit row of its own.
    pub(crate) role_changes: Vec<(String, Role, Role)>,
}

/// `import users --update`: each row updates the user of its login ID (as
/// `rules::user_update` allows) or adds a new one, in one transaction with
/// its audit row. A row the rule refuses stops the import (exit 7) and
/// nothing is imported.
fn update_users(
    ctx: &Context,
    store: &mut Store,
    reader: impl Read,
    name: &str,
    size: u64,
) -> Result<UpdateCounts> {
    store.prepare_for_bulk_writes()?;
    store.write(|tx| {
        let now = ctx.clock.now();
        let counts = update_or_add(tx, reader, name, size, now, ctx.out.lang)?;
        record(
            ctx,
            tx,
            &admin_actor(),
            action(Kind::Users),
            &[],
            Outcome::Ok,
            format!(
                "users from {} (--update): {} added, {} updated, {} unchanged",
                escape_controls(name),
                counts.added,
                counts.updated,
                counts.unchanged,
            ),
        )?;
        for (login_id, from, to) in &counts.role_changes {
            record(
                ctx,
                tx,
                &admin_actor(),
                Action::Role,
                std::slice::from_ref(login_id),
                Outcome::Ok,
                format!(
                    "role {} -> {} (users file {})",
                    from.as_str(),
                    to.as_str(),
                    escape_controls(name)
                ),
            )?;
        }
        Ok(counts)
    })
}

/// Reads the users CSV in `reader` and updates or adds each row through
/// `conn`, which the caller holds in a transaction.
fn update_or_add(
    conn: &Tx<'_>,
    reader: impl Read,
    file: &str,
    size: u64,
    now: DateTime<Utc>,
    lang: Lang,
) -> Result<UpdateCounts> {
    let mut counts = UpdateCounts::default();
    // Two rows for one login ID would leave it to the order which one wins.
    let mut seen = HashSet::new();
    each_checked_row(Kind::Users, reader, file, size, lang, |row| {
        let Row::User(row) = row else {
            unreachable!("a users file yields user rows");
        };
        if !seen.insert(row.user.login_id.clone()) {
            return Err(RowError::Bad(Msg::LoginIdTwice {
                login_id: quote_field(&row.user.login_id),
            }));
        }
        let Some(current) = find_user(conn, &row.user.login_id)? else {
            insert_user_row(conn, row, now)?;
            counts.added += 1;
            return Ok(());
        };
        let decision = user_update::decide(
            &current.login_id,
            user_update::Current {
                name: &current.name,
                role: current.role,
                otp_required: current.otp_required,
                serial_in_service: current.device.as_ref().map(|d| d.serial.as_str()),
            },
            user_update::Wanted {
                name: &row.user.name,
                role: row.user.role,
                otp_required: row.user.otp_required,
                serial: row.serial.as_deref(),
            },
        )?;
        match decision {
            Update::Unchanged => counts.unchanged += 1,
            Update::Changed => {
                update_user(conn, current.id, &row.user)?;
                counts.updated += 1;
                if current.role != row.user.role {
                    counts.role_changes.push((
                        current.login_id.clone(),
                        current.role,
                        row.user.role,
                    ));
                }
            }
        }
        Ok(())
    })?;
    Ok(counts)
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
    let container = pskc::read(bytes, options).map_err(|e| e.into_error(name))?;
    store.prepare_for_bulk_writes()?;
    store.write(|tx| {
        let total = container.keys.len() as u64;
        let bar = progress::bar(
            total,
            ctx.out.t(Msg::ProgressImporting),
            progress::Unit::Rows,
            PROGRESS_KEYS,
        );
        let now = ctx.clock.now();
        for (done, key) in container.keys.iter().enumerate() {
            match device_from_pskc(key).and_then(|device| insert_device_row(tx, &device, now)) {
                Ok(()) => {}
                Err(RowError::Bad(message)) => {
                    return Err(Error::Pskc {
                        file: name.to_string(),
                        key_id: Some(key.id.clone()),
                        message: Box::new(message),
                    });
                }
                Err(RowError::Other(e)) => return Err(e),
            }
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
            action(Kind::Devices),
            &[],
            Outcome::Ok,
            format!(
                "{total} devices from {} (PSKC key container, {protection})",
                escape_controls(name)
            ),
        )?;
        Ok(total)
    })
}

/// The audit action of an import.
fn action(kind: Kind) -> Action {
    match kind {
        Kind::Users => Action::ImportUsers,
        Kind::Devices => Action::ImportDevices,
    }
}

fn noun(kind: Kind) -> &'static str {
    match kind {
        Kind::Users => "users",
        Kind::Devices => "devices",
    }
}

/// Reads CSV (UTF-8) from `reader` and inserts every row through `conn`,
/// which the caller holds in a transaction. Returns the number of rows.
pub(crate) fn import(
    conn: &Tx<'_>,
    kind: Kind,
    reader: impl Read,
    file: &str,
    size: u64,
    now: DateTime<Utc>,
    lang: Lang,
) -> Result<u64> {
    each_checked_row(kind, reader, file, size, lang, |row| match row {
        Row::User(user) => insert_user_row(conn, user, now),
        Row::Device(device) => insert_device_row(conn, &device, now),
    })
}

/// One checked row of either file.
enum Row {
    User(UserIn),
    Device(NewDevice),
}

fn check_row(kind: Kind, fields: &Fields<'_>) -> std::result::Result<Row, RowError> {
    Ok(match kind {
        Kind::Users => Row::User(rules::user(fields)?),
        Kind::Devices => Row::Device(rules::device(fields)?),
    })
}

impl From<rules::BadInput> for RowError {
    fn from(bad: rules::BadInput) -> Self {
        RowError::Bad(bad.into())
    }
}

impl From<Refusal> for RowError {
    fn from(refusal: Refusal) -> Self {
        RowError::Other(refusal.into())
    }
}

/// Reads the header and every row of a users or devices CSV file, checks
/// each row, and hands it to `each`. Returns the number of rows. Errors
/// name `file` and the line.
fn each_checked_row(
    kind: Kind,
    reader: impl Read,
    file: &str,
    size: u64,
    lang: Lang,
    mut each: impl FnMut(Row) -> std::result::Result<(), RowError>,
) -> Result<u64> {
    let columns = |headers: &csv::StringRecord| {
        if headers.is_empty() || headers.iter().all(str::is_empty) {
            return Err(Msg::NoHeader {
                expected: kind.expected(),
            });
        }
        rules::columns(kind, headers).map_err(Msg::from)
    };
    csv_rows::for_each_row(reader, file, size, lang, columns, |fields| {
        check_row(kind, fields).and_then(&mut each)
    })
}

impl rules::Fields for Fields<'_> {
    fn get(&self, name: &str) -> &str {
        self.field(name)
    }
}

/// An insert's outcome: a UNIQUE violation is a duplicate in the file or
/// the registry; any other failure is the registry's.
fn unless_duplicate<T>(
    inserted: Result<T>,
    duplicate: impl FnOnce() -> Msg,
) -> std::result::Result<T, RowError> {
    match inserted {
        Ok(value) => Ok(value),
        Err(e) if is_unique_violation(&e) => Err(RowError::Bad(duplicate())),
        Err(e) => Err(RowError::Other(e)),
    }
}

fn insert_user_row(
    conn: &Tx<'_>,
    row: UserIn,
    now: DateTime<Utc>,
) -> std::result::Result<(), RowError> {
    let device_id = match &row.serial {
        None => None,
        Some(serial) => match bind_device(conn, serial)? {
            None => {
                return Err(RowError::Bad(Msg::SerialNotDelivered {
                    serial: quote_field(serial),
                }));
            }
            Some((_, true)) => {
                return Err(RowError::Bad(Msg::SerialDisposed {
                    serial: quote_field(serial),
                }));
            }
            Some((id, false)) => Some(id),
        },
    };
    unless_duplicate(insert_user(conn, &row.user, device_id, now), || {
        Msg::LoginIdDuplicate {
            login_id: quote_field(&row.user.login_id),
        }
    })?;
    Ok(())
}

/// A key of a PSKC container, through the checks a CSV row passes.
fn device_from_pskc(key: &PskcKey) -> std::result::Result<NewDevice, RowError> {
    Ok(rules::delivered_device(&DeliveredKey {
        serial: &key.serial,
        secret: &key.secret,
        digits: key.digits,
        period: key.period,
        algorithm: key.algorithm,
        expires: key.expires,
    })?)
}

/// The one way a delivered device enters the registry, from CSV or PSKC (a
/// serial already in the registry or earlier in the file is a duplicate).
fn insert_device_row(
    conn: &Tx<'_>,
    device: &NewDevice,
    now: DateTime<Utc>,
) -> std::result::Result<(), RowError> {
    unless_duplicate(insert_device(conn, device, now), || Msg::SerialDuplicate {
        serial: quote_field(&device.serial),
    })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    /// Checks every row of `csv` without a registry; the rows that parsed.
    fn parsed(kind: Kind, csv: &str) -> Result<u64> {
        each_checked_row(kind, csv.as_bytes(), "t.csv", 0, Lang::En, |_| Ok(()))
    }

    fn bad_message(result: Result<u64>) -> (u64, String) {
        match result {
            Err(Error::BadRow { line, message, .. }) => (line, message.en()),
            other => panic!("expected a bad row, got {other:?}"),
        }
    }

    /// Regression: a stray quote in the header made the "unknown column"
    /// error quote the rest of the file, every secret included.
    #[test]
    fn a_stray_quote_in_the_header_quotes_no_secret() {
        let csv = "serial,\"secret,expires\n1,JBSWY3DPEHPK3PXP,2030-01-01\n2,KRAVEUSPEBMG6RCM,2030-01-01\n";
        let (line, message) = bad_message(parsed(Kind::Devices, csv));
        assert_eq!(line, 1);
        assert!(message.contains("unknown column"), "{message}");
        assert!(message.contains("quote left open"), "{message}");
        assert!(
            !message.contains("JBSW") && !message.contains("KRAV"),
            "{message}"
        );
    }

    #[test]
    fn a_stray_quote_in_a_row_quotes_no_secret() {
        let csv = "serial,secret,expires\n1,JBSWY3DPEHPK3PXP,\"2030-01-01\n2,KRAVEUSPEBMG6RCM,2030-01-01\n";
        let (_, message) = bad_message(parsed(Kind::Devices, csv));
        assert!(
            !message.contains("JBSW") && !message.contains("KRAV"),
            "{message}"
        );
    }

    #[test]
    fn long_fields_are_cut_in_errors() {
        let role = "r".repeat(500);
        let csv = format!("login_id,name,role,otp_required\na,A,{role},true\n");
        let (line, message) = bad_message(parsed(Kind::Users, &csv));
        assert_eq!(line, 2);
        assert!(
            message.contains(&format!("\"{}…\"", "r".repeat(40))),
            "{message}"
        );
        assert!(!message.contains(&"r".repeat(41)), "{message}");
    }

    #[test]
    fn full_width_login_ids_and_serials_are_read_as_ascii() {
        let columns: HashMap<String, usize> =
            ["login_id", "name", "role", "otp_required", "serial"]
                .iter()
                .enumerate()
                .map(|(i, c)| (c.to_string(), i))
                .collect();
        let record = csv::StringRecord::from(vec![
            "ｙａｍａｄａ０１",
            "山田 太郎",
            "general",
            "true",
            "１２３４",
        ]);
        let user = rules::user(&Fields::new(&record, &columns))
            .unwrap_or_else(|m| panic!("{}", Msg::from(m).en()));
        assert_eq!(user.user.login_id, "yamada01");
        assert_eq!(user.user.name, "山田 太郎", "names are kept as written");
        assert_eq!(user.serial.as_deref(), Some("1234"));
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        fn fields_of(kind: Kind) -> HashMap<String, usize> {
            kind.required()
                .iter()
                .chain(kind.optional())
                .enumerate()
                .map(|(i, c)| (c.to_string(), i))
                .collect()
        }

        proptest! {
            // Failures are reported, never saved beside the sources.
            #![proptest_config(ProptestConfig {
                cases: 256,
                failure_persistence: None,
                ..ProptestConfig::default()
            })]

            #[test]
            fn any_user_row_parses_or_says_why(row in proptest::collection::vec("\\PC{0,20}|.{0,70}", 5)) {
                let columns = fields_of(Kind::Users);
                let record = csv::StringRecord::from(row);
                if let Err(bad) = rules::user(&Fields::new(&record, &columns)) {
                    let message = Msg::from(bad);
                    prop_assert!(!message.en().is_empty() && !message.ja().is_empty());
                }
            }

            #[test]
            fn any_device_row_parses_or_says_why_without_its_secret(
                row in proptest::collection::vec("\\PC{0,20}|[A-Z2-7]{0,40}|.{0,70}", 6),
            ) {
                let columns = fields_of(Kind::Devices);
                let record = csv::StringRecord::from(row.clone());
                if let Err(bad) = rules::device(&Fields::new(&record, &columns)) {
                    let message = Msg::from(bad);
                    let secret = row[1].trim();
                    let elsewhere = row.iter().enumerate().any(|(i, f)| i != 1 && f.contains(secret));
                    for message in [message.en(), message.ja()] {
                        prop_assert!(!message.is_empty());
                        if secret.len() >= 8 && !elsewhere {
                            prop_assert!(!message.contains(secret), "{} leaks {}", message, secret);
                        }
                    }
                }
            }

            #[test]
            fn any_bytes_as_either_file_import_or_name_a_line(
                bytes in proptest::collection::vec(any::<u8>(), 0..300),
                devices in any::<bool>(),
            ) {
                let kind = if devices { Kind::Devices } else { Kind::Users };
                let header = if devices { "serial,secret,expires\n" } else { "login_id,name,role,otp_required,serial\n" };
                let mut with_header = header.as_bytes().to_vec();
                with_header.extend_from_slice(&bytes);
                for input in [bytes.clone(), with_header] {
                    let lines = input.iter().filter(|b| **b == b'\n').count() as u64 + 1;
                    // Decoded as the importer decodes files, and raw.
                    let decoded = text::decode(&input, text::Encoding::Auto);
                    let raw = each_checked_row(kind, input.as_slice(), "p.csv", 0, Lang::En, |_| Ok(()));
                    for result in [decoded.map(|t| parsed(kind, &t).map(|_| ())).unwrap_or(Ok(())), raw.map(|_| ())] {
                        if let Err(e) = result {
                            match e {
                                Error::BadRow { line, .. } => prop_assert!(line <= lines, "line {} of {}", line, lines),
                                other => prop_assert!(false, "not a bad row: {:?}", other),
                            }
                        }
                    }
                }
            }
        }
    }
}
