//! `notices [--out DIR]`: a notice for each user whose device was revoked
//! and who has not registered a new one yet (OTP status revoked, and a
//! device held before: a user who never had a device is not waiting for a
//! new one). Each notice gives the login ID, the name, the revoked serial
//! (the device of the user's latest registration), when registration
//! opens, the whole days the user could already have registered, and what
//! to do.
//!
//! A table to read (on a terminal, a line saying nobody is waiting when
//! nobody is; piped, nothing), JSON (`[]` when nobody is), CSV for a mail
//! merge (one row per user; the header alone when nobody is waiting, so a
//! mail merge still finds its fields), or with `--out DIR` one letter per
//! user, `DIR/LOGIN_ID.txt`, all written or none.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;

use chrono::{DateTime, Utc};

use crate::catalogue::Msg;
use crate::cli::NoticesArgs;
use crate::context::Context;
use crate::error::{Error, Result};
use crate::output::{Format, JsonArray, Output, csv_writer, rfc3339, write_json, write_table};
use crate::rules::registration::waiting_days;
use crate::store::Store;
use crate::store::users::{WaitingRow, for_each_waiting};

pub const CSV_HEADER: [&str; 5] = [
    "login_id",
    "name",
    "serial",
    "registrable_at",
    "waiting_days",
];

#[derive(Serialize)]
struct NoticeJson<'a> {
    login_id: &'a str,
    name: &'a str,
    serial: &'a str,
    registrable_at: String,
    waiting_days: i64,
}

impl<'a> NoticeJson<'a> {
    fn of(row: &'a WaitingRow, now: DateTime<Utc>) -> Self {
        NoticeJson {
            login_id: &row.login_id,
            name: &row.name,
            serial: &row.serial,
            registrable_at: rfc3339(row.registrable_at),
            waiting_days: waiting_days(row.registrable_at, now),
        }
    }
}

/// What `--out --format json` prints: the directory and the letters
/// written in it (file names).
#[derive(Serialize)]
struct LettersJson {
    dir: String,
    written: Vec<String>,
}

pub fn run(
    ctx: &Context,
    store: &mut Store,
    args: &NoticesArgs,
    out: &mut dyn Write,
) -> Result<()> {
    let now = ctx.clock.now();
    if let Some(dir) = &args.out {
        if ctx.out.format == Format::Csv {
            return Err(Error::usage(Msg::OutWithCsv));
        }
        let mut rows = Vec::new();
        store.read(|tx| {
            for_each_waiting(tx, |row| {
                rows.push(row);
                Ok(())
            })
        })?;
        return letters(&ctx.out, dir, &rows, out);
    }
    match ctx.out.format {
        Format::Json => {
            let mut array = JsonArray::new(out)?;
            store.read(|tx| for_each_waiting(tx, |row| array.push(&NoticeJson::of(&row, now))))?;
            array.finish()
        }
        Format::Csv => {
            let mut csv = csv_writer(&ctx.out, out);
            csv.write_record(CSV_HEADER)?;
            store.read(|tx| {
                for_each_waiting(tx, |row| {
                    let n = NoticeJson::of(&row, now);
                    let days = n.waiting_days.to_string();
                    csv.write_record([n.login_id, n.name, n.serial, &n.registrable_at, &days])?;
                    Ok(())
                })
            })?;
            Ok(csv.flush()?)
        }
        Format::Table => {
            let mut rows = Vec::new();
            store.read(|tx| {
                for_each_waiting(tx, |row| {
                    rows.push(table_row(&ctx.out, &row, now));
                    Ok(())
                })
            })?;
            table(&ctx.out, rows, out)
        }
    }
}

fn table_row(o: &Output, row: &WaitingRow, now: DateTime<Utc>) -> Vec<String> {
    vec![
        row.login_id.clone(),
        row.name.clone(),
        row.serial.clone(),
        o.instant(row.registrable_at),
        waiting_days(row.registrable_at, now).to_string(),
    ]
}

/// The table and what to do; when nobody is waiting, a line saying so on a
/// terminal and nothing at all when piped (cron mails nothing).
fn table(o: &Output, rows: Vec<Vec<String>>, out: &mut dyn Write) -> Result<()> {
    if rows.is_empty() {
        if std::io::stdout().is_terminal() {
            writeln!(out, "{}", o.t(Msg::NoticesNobodyWaiting))?;
        }
        return Ok(());
    }
    let headers = o.labels(&[
        Msg::LabelLoginId,
        Msg::LabelName,
        Msg::LabelRevokedSerial,
        Msg::LabelRegistrableAt,
        Msg::LabelWaitingDays,
    ]);
    write_table(o, out, headers, rows)?;
    writeln!(out, "{}", o.t(Msg::NoticesWhatToDo))?;
    Ok(())
}

/// One letter per user in `dir` (created 0700 when missing), in the
/// output's language, then a one-line summary. Every login ID is checked
/// to name a file inside `dir`, and no letter may exist yet, before the
/// first is written; the letters are written all or none.
fn letters(o: &Output, dir: &Path, rows: &[WaitingRow], out: &mut dyn Write) -> Result<()> {
    let shown = dir.display().to_string();
    if rows.is_empty() {
        return match o.format {
            Format::Json => write_json(
                out,
                &LettersJson {
                    dir: shown,
                    written: Vec::new(),
                },
            ),
            _ => Ok(writeln!(out, "{}", o.t(Msg::NoLettersWritten))?),
        };
    }
    if let Some(row) = rows.iter().find(|r| !is_safe_file_stem(&r.login_id)) {
        return Err(Error::usage(Msg::LoginIdNotAFileName {
            login_id: row.login_id.clone(),
        }));
    }
    let files: Vec<(PathBuf, String)> = rows
        .iter()
        .map(|row| (dir.join(format!("{}.txt", row.login_id)), letter(o, row)))
        .collect();
    crate::fsutil::create_private_dir(dir)?;
    if let Some((path, _)) = files.iter().find(|(p, _)| p.symlink_metadata().is_ok()) {
        return Err(letter_exists(path));
    }
    match crate::fsutil::write_all_new(&files) {
        Ok(()) => {}
        Err((path, e)) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            return Err(letter_exists(&path));
        }
        Err((path, e)) => {
            let context = Msg::CannotCreate {
                path: path.display().to_string(),
            };
            return Err(Error::io(context, e));
        }
    }
    match o.format {
        Format::Json => {
            let written = rows.iter().map(|r| format!("{}.txt", r.login_id)).collect();
            write_json(
                out,
                &LettersJson {
                    dir: shown,
                    written,
                },
            )
        }
        _ => {
            let count = files.len() as u64;
            Ok(writeln!(
                out,
                "{}",
                o.t(Msg::LettersWritten { count, dir: shown })
            )?)
        }
    }
}

fn letter_exists(path: &Path) -> Error {
    Error::WouldOverwrite(Msg::LetterExists {
        path: path.display().to_string(),
    })
}

/// Whether `login_id` names a file inside the letters' directory and
/// nothing else: no `/`, not `.`-led (`..`, a hidden file), not empty.
fn is_safe_file_stem(login_id: &str) -> bool {
    !login_id.is_empty() && !login_id.contains(['/', '\0']) && !login_id.starts_with('.')
}

fn letter(o: &Output, row: &WaitingRow) -> String {
    o.t(Msg::NoticeLetter {
        login_id: row.login_id.clone(),
        name: row.name.clone(),
        serial: row.serial.clone(),
        at: row.registrable_at,
    })
}

#[cfg(test)]
mod tests {
    use super::is_safe_file_stem;

    #[test]
    fn login_ids_that_would_leave_the_directory_are_not_file_names() {
        for ok in ["hamako01", "a.b", "x@example.com", "a-b_c"] {
            assert!(is_safe_file_stem(ok), "{ok}");
        }
        for bad in ["", ".", "..", ".hidden", "a/b", "../x", "/etc"] {
            assert!(!is_safe_file_stem(bad), "{bad}");
        }
    }
}
