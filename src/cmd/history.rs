//! `history --user LOGIN_ID | --serial SERIAL`: the events of a user's or a
//! device's story in time order (SPEC §5.3): delivered, registered,
//! revoked (by whom; registrable-at), revoked by the bank (reference),
//! resynchronised, lost, marked disposed. Read-only, without the key.

use std::io::Write;

use crate::catalogue::Msg;
use crate::cli::HistoryArgs;
use crate::context::Context;
use crate::error::{Error, Result};
use crate::output::record::{Column, Record, RecordStream, TableNotes, Value};
use crate::store::Store;
use crate::store::history::{Event, EventKind, Subject, history};
use crate::time::rfc3339;

pub(crate) fn run(
    ctx: &Context,
    store: &mut Store,
    args: &HistoryArgs,
    out: &mut dyn Write,
) -> Result<()> {
    let subject = match (&args.user, &args.serial) {
        (Some(user), _) => Subject::User(user),
        (None, Some(serial)) => Subject::Device(serial),
        (None, None) => return Err(Error::usage(Msg::HistoryNeedsSubject)),
    };
    let events = store.read(|tx| {
        match subject {
            Subject::User(login_id) => {
                crate::cmd::require_user(tx, login_id)?;
            }
            Subject::Device(serial) => {
                crate::store::devices::find_device(tx, serial)?
                    .ok_or_else(|| Error::UnknownSerial(serial.to_string()))?;
            }
        }
        history(tx, subject)
    })?;
    let notes = TableNotes {
        when_empty: Some(Msg::NoEvents),
        ..TableNotes::default()
    };
    let mut stream = RecordStream::start(&ctx.out, out, notes)?;
    for event in events {
        stream.push(&Entry {
            event_label: Msg::HistoryEventName {
                event: event.kind.as_str().to_string(),
            },
            detail: json_detail(&event.kind),
            label: table_detail(&event.kind),
            event,
        })?;
    }
    stream.finish()
}

/// An event as `history` reports it, with its detail in English (JSON and
/// CSV) and as the table says it.
struct Entry {
    event: Event,
    event_label: Msg,
    detail: String,
    label: Option<Msg>,
}

impl Record for Entry {
    fn columns() -> &'static [Column] {
        const COLUMNS: &[Column] = &[
            Column::shown("at", Msg::LabelAt),
            Column::shown("event", Msg::LabelEvent),
            Column::shown("login_id", Msg::LabelLoginId),
            Column::shown("serial", Msg::LabelSerial),
            Column::shown("by", Msg::LabelBy),
            Column::shown("detail", Msg::LabelDetail),
        ];
        COLUMNS
    }

    fn values(&self) -> Vec<Value<'_>> {
        let e = &self.event;
        let event = e.kind.as_str();
        vec![
            Value::Instant(e.at),
            Value::Named {
                name: event,
                label: Some(&self.event_label),
            },
            Value::Maybe(e.login_id.as_deref()),
            Value::Maybe(e.serial.as_deref()),
            Value::Maybe(e.by.as_deref()),
            Value::Named {
                name: &self.detail,
                label: self.label.as_ref(),
            },
        ]
    }
}

/// The detail JSON and CSV carry: English, instants in RFC 3339.
fn json_detail(kind: &EventKind) -> String {
    let at = |t: &Option<chrono::DateTime<chrono::Utc>>| t.map(rfc3339).unwrap_or_default();
    match kind {
        EventKind::Delivered { expires } => format!("usable through {expires}"),
        EventKind::Revoked { registrable_at } => format!("registrable at {}", at(registrable_at)),
        EventKind::BankRevoked {
            reference,
            registrable_at,
        } => format!(
            "bank reference {reference}; registrable at {}",
            at(registrable_at)
        ),
        EventKind::Resynced { detail } => detail.clone(),
        _ => String::new(),
    }
}

/// What an event's detail says in a table, if anything of its own: a
/// resync's is its audit row's, shown as recorded (in English).
fn table_detail(kind: &EventKind) -> Option<Msg> {
    match kind {
        EventKind::Delivered { expires } => Some(Msg::HistoryExpires {
            expires: expires.clone(),
        }),
        EventKind::Revoked {
            registrable_at: Some(at),
        } => Some(Msg::HistoryRegistrableAt { at: *at }),
        EventKind::BankRevoked {
            reference,
            registrable_at,
        } => Some(match registrable_at {
            Some(at) => Msg::HistoryBankReferenceAt {
                reference: reference.clone(),
                at: *at,
            },
            None => Msg::HistoryBankReference {
                reference: reference.clone(),
            },
        }),
        // A resync's detail is shown as recorded; the others have none.
        _ => None,
    }
}
