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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::status::Role;
    use crate::store::audit::{Action, AuditEntry, Outcome, append};
    use crate::store::devices::{
        bind_device, find_device, insert_device, mark_disposed, mark_lost,
    };
    use crate::store::testing::{TempRegistry, at, new_device, new_user};
    use crate::store::users::{find_user, insert_user, register, revoke};

    /// A registry whose device 1001, delivered at 100, was held by `boss`
    /// (100 to 300, revoked by himself), resynchronised at 300, held by
    /// `kai` (400 to 500, revoked by the bank on `boss`'s word), lost at
    /// 500 and disposed of at 700; `boss` registered 1002 at 650.
    fn registry() -> TempRegistry {
        let r = TempRegistry::new();
        let mut store = r.open();
        let (boss, kai, d1, d2) = store
            .write(|tx| {
                insert_device(tx, &new_device("1001", "2030-01-31"), at(100))?;
                insert_device(tx, &new_device("1002", "2031-01-31"), at(50))?;
                let (d1, _) = bind_device(tx, "1001")?.unwrap();
                let boss = insert_user(tx, &new_user("boss", Role::Master), Some(d1), at(100))?;
                let kai = insert_user(tx, &new_user("kai", Role::General), None, at(100))?;
                let d2 = find_device(tx, "1002")?.unwrap().id;
                Ok((boss, kai, d1, d2))
            })
            .unwrap();
        store
            .write(|tx| {
                find_user(tx, "boss")?;
                revoke(tx, boss, d1, boss, at(300), at(2100), None)
            })
            .unwrap();
        store
            .write(|tx| {
                for (targets, outcome, at_secs) in [
                    ("1001", Outcome::Ok, 300),
                    ("1001", Outcome::Failed, 310),
                    ("1002", Outcome::Ok, 320),
                ] {
                    append(
                        tx,
                        &AuditEntry {
                            at: at(at_secs),
                            actor: "os:me",
                            action: Action::Resync,
                            targets: &[targets.to_string()],
                            outcome,
                            detail: format!("offset +1 ({at_secs})"),
                            clock_fixed: true,
                        },
                    )?;
                }
                Ok(())
            })
            .unwrap();
        store
            .write(|tx| {
                find_user(tx, "kai")?;
                find_device(tx, "1001")?;
                register(tx, kai, d1, at(400))
            })
            .unwrap();
        store
            .write(|tx| {
                find_user(tx, "kai")?;
                revoke(tx, kai, d1, boss, at(500), at(600), Some("BK-1"))?;
                mark_lost(tx, d1, at(500))?;
                assert!(mark_disposed(tx, d1, at(700))?);
                find_user(tx, "boss")?;
                find_device(tx, "1002")?;
                register(tx, boss, d2, at(650))
            })
            .unwrap();
        r
    }

    fn event(secs: i64, kind: EventKind, login_id: Option<&str>, serial: &str) -> Event {
        Event {
            at: at(secs),
            kind,
            login_id: login_id.map(str::to_string),
            serial: Some(serial.to_string()),
            by: login_id.map(str::to_string),
        }
    }

    fn by(event: Event, by: Option<&str>) -> Event {
        Event {
            by: by.map(str::to_string),
            ..event
        }
    }

    /// A device's history is everything that happened to it, from its
    /// registrations, its own row and the audit log's successful resyncs
    /// of it alone; events at one instant come in the order they happen
    /// (delivered before registered, a resync before the revocation), not
    /// the order they are read in. This is what `history --device` shows
    /// an auditor.
    #[test]
    fn a_devices_history_is_its_events_in_the_order_they_happened() {
        let r = registry();
        let store = r.open();
        let events = store
            .read(|tx| history(tx, Subject::Device("1001")))
            .unwrap();
        let resynced = EventKind::Resynced {
            detail: "offset +1 (300)".into(),
        };
        assert_eq!(
            events,
            [
                event(
                    100,
                    EventKind::Delivered {
                        expires: "2030-01-31".into()
                    },
                    None,
                    "1001"
                ),
                event(100, EventKind::Registered, Some("boss"), "1001"),
                by(event(300, resynced, None, "1001"), Some("os:me")),
                event(
                    300,
                    EventKind::Revoked {
                        registrable_at: Some(at(2100))
                    },
                    Some("boss"),
                    "1001"
                ),
                event(400, EventKind::Registered, Some("kai"), "1001"),
                by(
                    event(
                        500,
                        EventKind::BankRevoked {
                            reference: "BK-1".into(),
                            registrable_at: Some(at(600))
                        },
                        Some("kai"),
                        "1001"
                    ),
                    Some("boss")
                ),
                event(500, EventKind::Lost, None, "1001"),
                event(700, EventKind::Disposed, None, "1001"),
            ]
        );
        assert_eq!(
            store
                .read(|tx| history(tx, Subject::Device("9999")))
                .unwrap(),
            []
        );
    }

    /// A user's history is their registrations of every device and the
    /// losses of those devices; a device's delivery, disposal and resyncs
    /// are its own history, not the user's.
    #[test]
    fn a_users_history_is_their_registrations_and_their_devices_losses() {
        let r = registry();
        let store = r.open();
        let events = store.read(|tx| history(tx, Subject::User("boss"))).unwrap();
        assert_eq!(
            events,
            [
                event(100, EventKind::Registered, Some("boss"), "1001"),
                event(
                    300,
                    EventKind::Revoked {
                        registrable_at: Some(at(2100))
                    },
                    Some("boss"),
                    "1001"
                ),
                event(500, EventKind::Lost, None, "1001"),
                event(650, EventKind::Registered, Some("boss"), "1002"),
            ]
        );
        assert_eq!(
            store
                .read(|tx| history(tx, Subject::User("nobody")))
                .unwrap(),
            []
        );
    }

    /// The words JSON and CSV output use for each kind of event: they are
    /// an interface scripts read.
    #[test]
    fn each_kind_of_event_has_its_own_word() {
        let words: Vec<&str> = [
            EventKind::Delivered {
                expires: String::new(),
            },
            EventKind::Registered,
            EventKind::Revoked {
                registrable_at: None,
            },
            EventKind::BankRevoked {
                reference: String::new(),
                registrable_at: None,
            },
            EventKind::Resynced {
                detail: String::new(),
            },
            EventKind::Lost,
            EventKind::Disposed,
        ]
        .iter()
        .map(EventKind::as_str)
        .collect();
        assert_eq!(
            words,
            [
                "delivered",
                "registered",
                "revoked",
                "bank-revoked",
                "resynced",
                "lost",
                "disposed"
            ]
        );
    }
}
