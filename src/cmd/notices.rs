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

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::catalogue::Msg;
use crate::cli::NoticesArgs;
use crate::context::Context;
use crate::error::{Error, Result};
use crate::output::record::{Column, Record, RecordStream, TableNotes, Value, write_record};
use crate::output::{Format, Output};
use crate::rules::registration::waiting_days;
use crate::store::Store;
use crate::store::users::{WaitingRow, for_each_waiting};

/// A user waiting to register a new device, as `notices` lists them.
struct Notice {
    row: WaitingRow,
    waiting_days: i64,
}

impl Record for Notice {
    fn columns() -> &'static [Column] {
        const COLUMNS: &[Column] = &[
            Column::shown("login_id", Msg::LabelLoginId),
            Column::shown("name", Msg::LabelName),
            Column::shown("serial", Msg::LabelRevokedSerial),
            Column::shown("registrable_at", Msg::LabelRegistrableAt),
            Column::shown("waiting_days", Msg::LabelWaitingDays),
        ];
        COLUMNS
    }

    fn values(&self) -> Vec<Value<'_>> {
        vec![
            Value::Text(&self.row.login_id),
            Value::Text(&self.row.name),
            Value::Text(&self.row.serial),
            Value::Instant(self.row.registrable_at),
            Value::Count(self.waiting_days),
        ]
    }
}

/// What `--out` reports: the directory and the letters written in it
/// (file names).
struct Letters {
    dir: String,
    written: Vec<String>,
}

impl Record for Letters {
    fn columns() -> &'static [Column] {
        const COLUMNS: &[Column] = &[Column::data("dir"), Column::data("written")];
        COLUMNS
    }

    fn values(&self) -> Vec<Value<'_>> {
        vec![Value::Text(&self.dir), Value::Names(&self.written)]
    }
}

pub(crate) fn run(
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
    let notes = TableNotes {
        after: vec![Msg::NoticesWhatToDo],
        when_empty: Some(Msg::NoticesNobodyWaiting),
        empty_on_terminal_only: true,
        ..TableNotes::default()
    };
    let mut notices = RecordStream::start(&ctx.out, out, notes)?;
    store.read(|tx| {
        for_each_waiting(tx, |row| {
            let waiting_days = waiting_days(row.registrable_at, now);
            notices.push(&Notice { row, waiting_days })
        })
    })?;
    notices.finish()
}

/// One letter per user in `dir` (created 0700 when missing), in the
/// output's language, then a one-line summary. Every login ID is checked
/// to name a file inside `dir`, and no letter may exist yet, before the
/// first is written; the letters are written all or none.
fn letters(o: &Output, dir: &Path, rows: &[WaitingRow], out: &mut dyn Write) -> Result<()> {
    let shown = dir.display().to_string();
    if rows.is_empty() {
        let none = Letters {
            dir: shown,
            written: Vec::new(),
        };
        return write_record(o, out, &none, Msg::NoLettersWritten);
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
    crate::io::files::create_private_dir(dir)?;
    if let Some((path, _)) = files.iter().find(|(p, _)| p.symlink_metadata().is_ok()) {
        return Err(letter_exists(path));
    }
    match crate::io::files::write_all_new(&files) {
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
    let count = files.len() as u64;
    let written = Letters {
        written: rows.iter().map(|r| format!("{}.txt", r.login_id)).collect(),
        dir: shown.clone(),
    };
    write_record(o, out, &written, Msg::LettersWritten { count, dir: shown })
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
