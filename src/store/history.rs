//! What happened to a user's or a device's devices, in time order: read
//! from the registrations (who held which device when, revoked by whom),
//! the devices' own rows (delivered, lost, disposed of) and the audit log's
//! resynchronisations. Read-only, without the key.

use chrono::{DateTime, Utc};
use rusqlite::params;

use super::Tx;
use crate::error::Result;

/// One event of a history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Event {
    pub(crate) at: DateTime<Utc>,
    pub(crate) kind: EventKind,
    pub(crate) login_id: Option<String>,
    pub(crate) serial: Option<String>,
    pub(crate) by: Option<String>,
}

/// What happened, with what the event's detail says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum EventKind {
    Delivered {
        expires: String,
    },
    Registered,
    Revoked {
        registrable_at: Option<DateTime<Utc>>,
    },
    BankRevoked {
        reference: String,
        registrable_at: Option<DateTime<Utc>>,
    },
    Resynced {
        detail: String,
    },
    Lost,
    Disposed,
}

impl EventKind {
    /// The word JSON and CSV use.
    pub(crate) fn as_str(&self) -> &'static str {
        match self {
            EventKind::Delivered { .. } => "delivered",
            EventKind::Registered => "registered",
            EventKind::Revoked { .. } => "revoked",
            EventKind::BankRevoked { .. } => "bank-revoked",
            EventKind::Resynced { .. } => "resynced",
            EventKind::Lost => "lost",
            EventKind::Disposed => "disposed",
        }
    }
}

/// Whose history.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Subject<'a> {
    User(&'a str),
    Device(&'a str),
}

/// The events of `subject`, oldest first (events at the same instant in
/// the order they happen: delivered, registered, revoked, lost, disposed).
pub(crate) fn history(conn: &Tx<'_>, subject: Subject<'_>) -> Result<Vec<Event>> {
    let mut events = registrations(conn, subject)?;
    devices(conn, subject, &mut events)?;
    if let Subject::Device(serial) = subject {
        resyncs(conn, serial, &mut events)?;
    }
    events.sort_by_key(|e| (e.at, rank(&e.kind)));
    Ok(events)
}

fn rank(kind: &EventKind) -> u8 {
    match kind {
        EventKind::Delivered { .. } => 0,
        EventKind::Registered => 1,
        EventKind::Resynced { .. } => 2,
        EventKind::Revoked { .. } | EventKind::BankRevoked { .. } => 3,
        EventKind::Lost => 4,
        EventKind::Disposed => 5,
    }
}

fn condition(subject: Subject<'_>) -> (&'static str, &str) {
    match subject {
        Subject::User(login_id) => ("u.login_id = ?1", login_id),
        Subject::Device(serial) => ("d.serial = ?1", serial),
    }
}

fn registrations(conn: &Tx<'_>, subject: Subject<'_>) -> Result<Vec<Event>> {
    let (condition, key) = condition(subject);
    let mut stmt = conn.conn.prepare(&format!(
        "SELECT r.registered_at, r.revoked_at, r.registrable_at, r.bank_reference, \
                u.login_id, d.serial, b.login_id \
         FROM registrations r JOIN users u ON u.id = r.user_id \
         JOIN devices d ON d.id = r.device_id LEFT JOIN users b ON b.id = r.revoked_by \
         WHERE {condition} ORDER BY r.id"
    ))?;
    let mut rows = stmt.query(params![key])?;
    let mut events = Vec::new();
    while let Some(r) = rows.next()? {
        let login_id: String = r.get(4)?;
        let serial: String = r.get(5)?;
        events.push(Event {
            at: super::required_instant_at(r, 0)?,
            kind: EventKind::Registered,
            login_id: Some(login_id.clone()),
            serial: Some(serial.clone()),
            by: Some(login_id.clone()),
        });
        let Some(revoked_at) = super::instant_at(r, 1)? else {
            continue;
        };
        let registrable_at = super::instant_at(r, 2)?;
        let kind = match r.get::<_, Option<String>>(3)? {
            Some(reference) => EventKind::BankRevoked {
                reference,
                registrable_at,
            },
            None => EventKind::Revoked { registrable_at },
        };
        events.push(Event {
            at: revoked_at,
            kind,
            login_id: Some(login_id),
            serial: Some(serial),
            by: r.get(6)?,
        });
    }
    Ok(events)
}

/// Delivered, lost and disposed of: the device's own row, for a device's
/// history or for each device the user ever registered.
fn devices(conn: &Tx<'_>, subject: Subject<'_>, events: &mut Vec<Event>) -> Result<()> {
    let clock = conn.version() >= 4;
    let (delivered, lost) = if clock {
        ("d.delivered_at", "d.lost_at")
    } else {
        ("NULL", "NULL")
    };
    let sql = match subject {
        Subject::Device(_) => format!(
            "SELECT d.serial, d.expires, {delivered}, {lost}, d.disposed_at \
             FROM devices d WHERE d.serial = ?1"
        ),
        Subject::User(_) => format!(
            "SELECT d.serial, d.expires, NULL, {lost}, NULL FROM devices d \
             WHERE d.id IN (SELECT r.device_id FROM registrations r \
                            JOIN users u ON u.id = r.user_id WHERE u.login_id = ?1)"
        ),
    };
    let key = match subject {
        Subject::User(k) | Subject::Device(k) => k,
    };
    let mut stmt = conn.conn.prepare(&sql)?;
    let mut rows = stmt.query([key])?;
    while let Some(r) = rows.next()? {
        let serial: String = r.get(0)?;
        let expires: String = r.get(1)?;
        let found: [(Option<DateTime<Utc>>, EventKind); 3] = [
            (super::instant_at(r, 2)?, EventKind::Delivered { expires }),
            (super::instant_at(r, 3)?, EventKind::Lost),
            (super::instant_at(r, 4)?, EventKind::Disposed),
        ];
        for (at, kind) in found {
            if let Some(at) = at {
                events.push(Event {
                    at,
                    kind,
                    login_id: None,
                    serial: Some(serial.clone()),
                    by: None,
                });
            }
        }
    }
    Ok(())
}

/// The device's resynchronisations, as the audit log recorded them.
fn resyncs(conn: &Tx<'_>, serial: &str, events: &mut Vec<Event>) -> Result<()> {
    let targets = serde_json::to_string(&[serial]).unwrap_or_default();
    let mut stmt = conn.conn.prepare(
        "SELECT at, actor, detail FROM audit \
         WHERE action = 'resync' AND outcome = 'ok' AND targets = ?1 ORDER BY id",
    )?;
    let mut rows = stmt.query([targets])?;
    while let Some(r) = rows.next()? {
        events.push(Event {
            at: super::required_instant_at(r, 0)?,
            kind: EventKind::Resynced { detail: r.get(2)? },
            login_id: None,
            serial: Some(serial.to_string()),
            by: Some(r.get(1)?),
        });
    }
    Ok(())
}
