//! `history --user LOGIN_ID | --serial SERIAL`: the events of a user's or a
//! device's story in time order (SPEC §5.3): delivered, registered,
//! revoked (by whom; registrable-at), revoked by the bank (reference),
//! resynchronised, lost, marked disposed. Read-only, without the key.

use std::io::Write;

use serde::Serialize;

use crate::catalogue::Msg;
use crate::cli::HistoryArgs;
use crate::context::Context;
use crate::error::{Error, Result};
use crate::output::{Format, Output, csv_writer, rfc3339_unix, write_json_array, write_table};
use crate::store::Store;
use crate::store::history::{Event, EventKind, Subject, history};

#[derive(Serialize)]
struct EventJson<'a> {
    at: String,
    event: &'static str,
    login_id: Option<&'a str>,
    serial: Option<&'a str>,
    by: Option<&'a str>,
    detail: String,
}

pub fn run(
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
    let o = &ctx.out;
    let json: Vec<EventJson<'_>> = events
        .iter()
        .map(|e| EventJson {
            at: rfc3339_unix(e.at),
            event: e.kind.as_str(),
            login_id: e.login_id.as_deref(),
            serial: e.serial.as_deref(),
            by: e.by.as_deref(),
            detail: json_detail(&e.kind),
        })
        .collect();
    match o.format {
        Format::Json => write_json_array(out, &json),
        Format::Csv => {
            let mut csv = csv_writer(o, out);
            csv.write_record(["at", "event", "login_id", "serial", "by", "detail"])?;
            for e in &json {
                csv.write_record([
                    e.at.as_str(),
                    e.event,
                    e.login_id.unwrap_or(""),
                    e.serial.unwrap_or(""),
                    e.by.unwrap_or(""),
                    &e.detail,
                ])?;
            }
            Ok(csv.flush()?)
        }
        Format::Table => {
            if events.is_empty() {
                return Ok(writeln!(out, "{}", o.t(Msg::NoEvents))?);
            }
            let rows = events.iter().map(|e| table_row(o, e)).collect();
            write_table(o, out, table_headers(o), rows)
        }
    }
}

/// The detail JSON and CSV carry: English, instants in RFC 3339.
fn json_detail(kind: &EventKind) -> String {
    let at = |t: &Option<i64>| t.map(rfc3339_unix).unwrap_or_default();
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

/// What an event's detail says in a table, if anything (a resync's is
/// its audit row's, as recorded).
fn detail(kind: &EventKind) -> Option<Msg> {
    match kind {
        EventKind::Delivered { expires } => Some(Msg::HistoryExpires {
            expires: expires.clone(),
        }),
        EventKind::Revoked {
            registrable_at: Some(at),
        } => Some(Msg::HistoryRegistrableAt {
            at: crate::output::from_unix(*at),
        }),
        EventKind::BankRevoked {
            reference,
            registrable_at,
        } => Some(match registrable_at {
            Some(at) => Msg::HistoryBankReferenceAt {
                reference: reference.clone(),
                at: crate::output::from_unix(*at),
            },
            None => Msg::HistoryBankReference {
                reference: reference.clone(),
            },
        }),
        _ => None,
    }
}

fn table_headers(o: &Output) -> Vec<String> {
    o.labels(&[
        Msg::LabelAt,
        Msg::LabelEvent,
        Msg::LabelLoginId,
        Msg::LabelSerial,
        Msg::LabelBy,
        Msg::LabelDetail,
    ])
}

fn table_row(o: &Output, e: &Event) -> Vec<String> {
    let dash = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".to_string());
    vec![
        o.instant_unix(e.at),
        o.t(Msg::HistoryEventName {
            event: e.kind.as_str().to_string(),
        }),
        dash(&e.login_id),
        dash(&e.serial),
        dash(&e.by),
        match &e.kind {
            // Audit details are recorded in English and shown as recorded.
            EventKind::Resynced { detail } => detail.clone(),
            kind => detail(kind).map(|m| o.t(m)).unwrap_or_default(),
        },
    ]
}
