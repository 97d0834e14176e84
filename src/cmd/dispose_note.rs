//! `dispose-note [SERIAL…] [--mark-disposed]`: a notice for each device out
//! of use (no holder in service, and replaced or expired), and the record of
//! its disposal. A disposed device is never registered again.

use std::io::Write;

use chrono::{DateTime, NaiveDate, Utc};

use crate::catalogue::Msg;
use crate::cli::DisposeNoteArgs;
use crate::cmd::{admin_actor, record};
use crate::context::Context;
use crate::error::{Error, Result};
use crate::output::Output;
use crate::output::record::{Column, Record, Value, write_records_or_prose};
use crate::rules::disposal;
use crate::store::audit::{Action, Outcome};
use crate::store::devices::{
    DeviceRow, find_device, former_users, mark_disposed, out_of_use_candidates, serial_of,
};
use crate::store::users::holders;
use crate::store::{Store, Tx};
use crate::time::japan_date;

/// A device's disposal notice.
struct Note {
    serial: String,
    former_users: Vec<String>,
    replaced_by: Option<String>,
    out_of_use_since: DateTime<Utc>,
    disposed_at: Option<DateTime<Utc>>,
}

impl Record for Note {
    fn columns() -> &'static [Column] {
        const COLUMNS: &[Column] = &[
            Column::data("serial"),
            Column::data("former_users"),
            Column::data("replaced_by"),
            Column::data("out_of_use_since"),
            Column::data("disposed_at"),
        ];
        COLUMNS
    }

    fn values(&self) -> Vec<Value<'_>> {
        vec![
            Value::Text(&self.serial),
            Value::Names(&self.former_users),
            Value::Maybe(self.replaced_by.as_deref()),
            Value::Instant(self.out_of_use_since),
            Value::MaybeInstant(self.disposed_at),
        ]
    }
}

pub(crate) fn run(
    ctx: &Context,
    store: &mut Store,
    args: &DisposeNoteArgs,
    out: &mut dyn Write,
) -> Result<()> {
    let now = ctx.clock.now();
    let today = japan_date(now);
    if args.mark_disposed && args.serials.is_empty() {
        if !args.all {
            return Err(Error::usage(Msg::MarkDisposedNeedsSerials));
        }
        if ctx.term.interactive {
            let preview = store.read(|tx| choose(tx, &[], today, false))?;
            if preview.is_empty() {
                return render(ctx, out, &[]);
            }
            let serials: Vec<&str> = preview.iter().map(|(_, n)| n.serial.as_str()).collect();
            let prompt = ctx.out.t(Msg::ConfirmDisposal {
                serials: serials.iter().map(|s| s.to_string()).collect(),
            });
            if !ctx.term.confirm(&prompt)? {
                return Err(Error::Cancelled);
            }
        }
    }
    let notes = if args.mark_disposed {
        // The instant recorded is after the confirmation (which may wait a
        // while), not when the command started; the audit row's too.
        let now = ctx.clock.pin();
        let today = japan_date(now);
        // Chosen and checked under the write lock, so a device registered
        // by someone a moment ago is never recorded as disposed of.
        store.write(|tx| {
            let mut chosen = choose(tx, &args.serials, today, true)?;
            for (device_id, note) in &mut chosen {
                if !mark_disposed(tx, *device_id, now)? {
                    return Err(Error::RaceLost);
                }
                record(
                    ctx,
                    tx,
                    &admin_actor(),
                    Action::Dispose,
                    std::slice::from_ref(&note.serial),
                    Outcome::Ok,
                    "disposal recorded".to_string(),
                )?;
                note.disposed_at = Some(now);
            }
            Ok(chosen)
        })?
    } else {
        store.read(|snapshot| choose(snapshot, &args.serials, today, false))?
    };
    let notes: Vec<Note> = notes.into_iter().map(|(_, note)| note).collect();
    render(ctx, out, &notes)
}

/// The devices to note: the named ones (each must be out of use, and not
/// yet disposed of when `marking`), or every device out of use and not
/// disposed of. Returns each device's id with its notice.
fn choose(
    conn: &Tx<'_>,
    serials: &[String],
    today: NaiveDate,
    marking: bool,
) -> Result<Vec<(i64, Note)>> {
    let mut chosen = Vec::new();
    if serials.is_empty() {
        // The query narrows the field; the rule decides.
        for device in out_of_use_candidates(conn, today)? {
            let facts = Facts::load(conn, &device)?;
            if let Ok(since) = disposal::out_of_use_since(&facts.state(&device), today) {
                chosen.push((device.id, facts.note(&device, since)));
            }
        }
        return Ok(chosen);
    }
    for serial in serials {
        if chosen
            .iter()
            .any(|(_, note): &(i64, Note)| &note.serial == serial)
        {
            continue; // named twice: one notice, one disposal
        }
        let device =
            find_device(conn, serial)?.ok_or_else(|| Error::UnknownSerial(serial.clone()))?;
        let facts = Facts::load(conn, &device)?;
        let state = facts.state(&device);
        let since = if marking {
            disposal::check_disposable(&state, today)
        } else {
            disposal::out_of_use_since(&state, today)
        }?;
        chosen.push((device.id, facts.note(&device, since)));
    }
    Ok(chosen)
}

/// What the registry knows about a device beyond its own row.
struct Facts {
    holders: Vec<String>,
    former_users: Vec<String>,
    replaced_by: Option<String>,
}

impl Facts {
    fn load(conn: &Tx<'_>, device: &DeviceRow) -> Result<Facts> {
        Ok(Facts {
            holders: holders(conn, device.id)?,
            former_users: former_users(conn, device.id)?,
            replaced_by: match device.replaced_by {
                Some(id) => serial_of(conn, id)?,
                None => None,
            },
        })
    }

    fn state<'a>(&'a self, device: &'a DeviceRow) -> disposal::DeviceState<'a> {
        disposal::DeviceState {
            serial: &device.serial,
            expires: device.expires,
            holders: &self.holders,
            former_users: &self.former_users,
            replaced_at: device.out_of_use_since,
            disposed_at: device.disposed_at,
            lost: device.lost_at.is_some(),
        }
    }

    fn note(self, device: &DeviceRow, since: DateTime<Utc>) -> Note {
        Note {
            serial: device.serial.clone(),
            former_users: self.former_users,
            replaced_by: self.replaced_by,
            out_of_use_since: since,
            disposed_at: device.disposed_at,
        }
    }
}

fn render(ctx: &Context, out: &mut dyn Write, notes: &[Note]) -> Result<()> {
    write_records_or_prose(&ctx.out, out, notes, prose)
}

/// The notices as the organisation files them: a few lines a device, then
/// the rule for disposing of it.
fn prose(o: &Output, notes: &[Note]) -> Vec<String> {
    if notes.is_empty() {
        // Silent for cron; a person at a terminal is told.
        return match o.fit {
            Some(_) => vec![o.t(Msg::NothingToDispose)],
            None => Vec::new(),
        };
    }
    let mut lines = Vec::new();
    for n in notes {
        let users = if n.former_users.is_empty() {
            "-".to_string()
        } else {
            n.former_users.join(", ")
        };
        let replaced = n
            .replaced_by
            .clone()
            .unwrap_or_else(|| o.t(Msg::CellReplacedNone));
        let disposed = n
            .disposed_at
            .map(|t| o.instant(t))
            .unwrap_or_else(|| o.t(Msg::CellNotYet));
        lines.push(o.t(Msg::NoteOutOfUse {
            serial: n.serial.clone(),
            since: o.instant(n.out_of_use_since),
        }));
        lines.push(o.t(Msg::NoteFormerUsers { users }));
        lines.push(o.t(Msg::NoteReplacedBy { replaced }));
        lines.push(o.t(Msg::NoteDisposedOf { disposed }));
    }
    lines.push(String::new());
    lines.push(o.t(Msg::DisposalRule));
    lines
}
