//! The registry's marks, the rows of `meta`: its random ID, the fingerprint
//! of its key, its mode (live or simulation), and its state (the count of
//! writes and the state tree's root). Each mark carries a MAC under the
//! registry's row key, so that turning a live registry into a simulation
//! (whose clock anyone may set), or putting back an older state, needs the
//! key. Schema 2 kept only the mode's MAC (`mode_mac`), under the legacy
//! subkey.

use rusqlite::{Connection, OptionalExtension};

use super::Tx;
use super::auth::{State, altered, mark_mac};
use crate::catalogue::Msg;
use crate::crypto::key::{RegistryId, RegistryKey};
use crate::error::{Error, Result};

/// A live registry runs on the real clock; a simulation (training, tests,
/// what-if) lets `TOKENCTL_NOW` govern every command and shows codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    Live,
    Simulation,
}

impl Mode {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Mode::Live => "live",
            Mode::Simulation => "simulation",
        }
    }

    fn parse(text: &str) -> Option<Mode> {
        match text {
            "live" => Some(Mode::Live),
            "simulation" => Some(Mode::Simulation),
            _ => None,
        }
    }
}

pub(crate) const REGISTRY_ID: &str = "registry_id";
pub(crate) const FINGERPRINT: &str = "key_fingerprint";
pub(crate) const MODE: &str = "mode";
pub(crate) const STATE: &str = "state";
/// Schema 2's MAC of the mode, replaced by the marks' own MACs.
const LEGACY_MODE_MAC: &str = "mode_mac";
/// Every mark a registry of the current schema has.
pub(crate) const MARKS: [&str; 4] = [REGISTRY_ID, FINGERPRINT, MODE, STATE];

/// One row of `meta` as stored.
#[derive(Debug, Clone)]
pub(crate) struct Mark {
    pub(crate) name: String,
    pub(crate) value: String,
    pub(crate) mac: Option<Vec<u8>>,
}

/// The registry's marks as read at open, before any is verified (every
/// command reads them, `otp` included, which has a millisecond to spend).
#[derive(Debug, Clone, Default)]
pub(crate) struct Marks {
    rows: Vec<Mark>,
}

/// The marks after their MACs were checked.
#[derive(Debug, Clone, Copy)]
pub(crate) struct VerifiedMarks {
    pub(crate) mode: Mode,
    pub(crate) state: State,
}

pub(crate) fn read_marks(conn: &Connection, version: u32) -> Result<Marks> {
    if version < 2 {
        return Ok(Marks::default());
    }
    let sql = if version >= 3 {
        "SELECT name, value, mac FROM meta ORDER BY name"
    } else {
        "SELECT name, value, NULL FROM meta ORDER BY name"
    };
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt
        .query_map([], |r| {
            Ok(Mark {
                name: r.get(0)?,
                value: r.get(1)?,
                mac: r.get(2)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(Marks { rows })
}

impl Marks {
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.rows
            .iter()
            .find(|m| m.name == name)
            .map(|m| m.value.as_str())
    }

    pub(crate) fn rows(&self) -> &[Mark] {
        &self.rows
    }

    /// The mode as recorded, unverified: what a command without the key
    /// shows. A registry without a mark (schema 1) is live.
    pub(crate) fn recorded_mode(&self) -> Result<Mode> {
        match self.get(MODE) {
            None => Ok(Mode::Live),
            Some(text) => Mode::parse(text).ok_or_else(|| {
                Error::Corrupt(Msg::BadModeValue {
                    value: text.chars().take(40).collect(),
                })
            }),
        }
    }

    pub(crate) fn fingerprint(&self) -> Option<&str> {
        self.get(FINGERPRINT)
    }

    /// The registry ID; `Ok(None)` when no mark records one.
    pub(crate) fn registry_id(&self) -> Result<Option<RegistryId>> {
        let Some(text) = self.get(REGISTRY_ID) else {
            return Ok(None);
        };
        let mut id = [0u8; 16];
        hex::decode_to_slice(text, &mut id).map_err(|_| {
            altered(Msg::MarkAltered {
                name: REGISTRY_ID.to_string(),
            })
        })?;
        Ok(Some(id))
    }

    /// Checks every mark of a current-schema registry under its key: all
    /// present, none unknown, every MAC right (exit 9 otherwise).
    pub(crate) fn verify(&self, key: &RegistryKey) -> Result<VerifiedMarks> {
        for name in MARKS {
            if self.get(name).is_none() {
                return Err(altered(Msg::MarkMissing {
                    name: name.to_string(),
                }));
            }
        }
        for mark in &self.rows {
            let known = MARKS.contains(&mark.name.as_str());
            let expected = mark_mac(key, &mark.name, &mark.value);
            if !known || mark.mac.as_deref() != Some(expected.as_slice()) {
                return Err(altered(Msg::MarkAltered {
                    name: mark.name.chars().take(40).collect(),
                }));
            }
        }
        let mode = self.recorded_mode()?;
        let state = State::decode(self.get(STATE).unwrap_or_default()).ok_or_else(|| {
            altered(Msg::MarkAltered {
                name: STATE.to_string(),
            })
        })?;
        Ok(VerifiedMarks { mode, state })
    }

    /// Schema 2: the mode, after checking its MAC under the legacy subkey.
    pub(crate) fn verified_legacy_mode(&self, key: &RegistryKey) -> Result<Mode> {
        let mode = self.recorded_mode()?;
        let recorded = self.get(LEGACY_MODE_MAC).unwrap_or_default();
        let expected = legacy_mode_mac(key, mode);
        let same: bool =
            subtle::ConstantTimeEq::ct_eq(recorded.as_bytes(), expected.as_bytes()).into();
        if same {
            Ok(mode)
        } else {
            Err(altered(Msg::ModeMarkAltered {
                mode: mode.as_str().to_string(),
            }))
        }
    }
}

fn legacy_mode_mac(key: &RegistryKey, mode: Mode) -> String {
    let message = format!("tokenctl mode\0{}\0{}", mode.as_str(), key.fingerprint());
    hex::encode(key.audit_mac(message.as_bytes()))
}

/// Writes (or replaces) a mark with its MAC.
pub(crate) fn write_mark(tx: &Tx<'_>, name: &str, value: &str) -> Result<()> {
    let mac = mark_mac(tx.key()?, name, value);
    tx.conn
        .prepare_cached("INSERT OR REPLACE INTO meta (name, value, mac) VALUES (?1, ?2, ?3)")?
        .execute(rusqlite::params![name, value, mac.as_slice()])?;
    Ok(())
}

/// The state mark, verified, read inside the caller's transaction.
pub(crate) fn read_state(tx: &Tx<'_>) -> Result<State> {
    let row: Option<(String, Option<Vec<u8>>)> = tx
        .conn
        .prepare_cached("SELECT value, mac FROM meta WHERE name = 'state'")?
        .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let state_altered = || {
        altered(Msg::MarkAltered {
            name: STATE.to_string(),
        })
    };
    let Some((value, mac)) = row else {
        return Err(altered(Msg::MarkMissing {
            name: STATE.to_string(),
        }));
    };
    let expected = mark_mac(tx.key()?, STATE, &value);
    if mac.as_deref() != Some(expected.as_slice()) {
        return Err(state_altered());
    }
    State::decode(&value).ok_or_else(state_altered)
}

pub(crate) fn write_state(tx: &Tx<'_>, state: &State) -> Result<()> {
    write_mark(tx, STATE, &state.encode())
}

/// The marks of a registry at the current schema: a new one, or one just
/// upgraded (whose schema-2 mode MAC is dropped).
pub(crate) fn initialise(tx: &Tx<'_>, id: &RegistryId, mode: Mode, state: State) -> Result<()> {
    tx.conn
        .execute("DELETE FROM meta WHERE name = ?1", [LEGACY_MODE_MAC])?;
    write_mark(tx, REGISTRY_ID, &hex::encode(id))?;
    write_mark(tx, FINGERPRINT, tx.key()?.fingerprint())?;
    write_mark(tx, MODE, mode.as_str())?;
    write_state(tx, &state)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::testing::TempRegistry;

    fn marks_of(r: &TempRegistry) -> Marks {
        let conn = r.raw();
        read_marks(&conn, crate::store::SCHEMA_VERSION).unwrap()
    }

    #[test]
    fn a_new_registry_records_its_id_key_mode_and_state() {
        let r = TempRegistry::new();
        let marks = marks_of(&r);
        let names: Vec<&str> = marks.rows().iter().map(|m| m.name.as_str()).collect();
        // Read in name order.
        assert_eq!(names, [FINGERPRINT, MODE, REGISTRY_ID, STATE]);
        assert_eq!(marks.recorded_mode().unwrap(), Mode::Simulation);
        let key = crate::crypto::key::KeyFile::load(&r.key_path).unwrap();
        assert_eq!(marks.fingerprint(), Some(key.fingerprint()));
        assert!(marks.registry_id().unwrap().is_some());
        let store = r.open();
        let verified = store.read(|tx| marks.verify(tx.key()?)).unwrap();
        assert_eq!(verified.mode, Mode::Simulation);
        assert_eq!(store.read(read_state).unwrap(), verified.state);
    }

    #[test]
    fn schema_1_has_no_marks_and_reads_as_live() {
        let r = TempRegistry::new();
        let marks = read_marks(&r.raw(), 1).unwrap();
        assert!(marks.rows().is_empty());
        assert_eq!(marks.recorded_mode().unwrap(), Mode::Live);
        assert_eq!(marks.fingerprint(), None);
        assert_eq!(marks.registry_id().unwrap(), None);
    }

    #[test]
    fn another_registrys_key_verifies_no_mark() {
        let r = TempRegistry::new();
        let other = TempRegistry::new();
        let marks = marks_of(&r);
        let result = other.open().read(|tx| marks.verify(tx.key()?));
        assert!(
            matches!(&result, Err(Error::Altered(Msg::MarkAltered { .. }))),
            "{result:?}"
        );
    }

    #[test]
    fn a_changed_missing_or_unknown_mark_is_altered() {
        let cases = [
            (
                "UPDATE meta SET value = 'live' WHERE name = 'mode'",
                Msg::MarkAltered {
                    name: MODE.to_string(),
                },
            ),
            (
                "DELETE FROM meta WHERE name = 'registry_id'",
                Msg::MarkMissing {
                    name: REGISTRY_ID.to_string(),
                },
            ),
            (
                "INSERT INTO meta (name, value, mac) SELECT 'extra', value, mac FROM meta \
                 WHERE name = 'mode'",
                Msg::MarkAltered {
                    name: "extra".to_string(),
                },
            ),
        ];
        for (sql, expected) in cases {
            let r = TempRegistry::new();
            let store = r.open();
            r.raw().execute_batch(sql).unwrap();
            let marks = marks_of(&r);
            match store.read(|tx| marks.verify(tx.key()?)) {
                Err(Error::Altered(msg)) => assert_eq!(msg, expected, "{sql}"),
                other => panic!("{sql}: {other:?}"),
            }
        }
    }

    #[test]
    fn a_bad_mode_or_registry_id_is_reported_not_guessed() {
        let r = TempRegistry::new();
        r.raw()
            .execute_batch(
                "UPDATE meta SET value = 'sandbox' WHERE name = 'mode'; \
                 UPDATE meta SET value = 'zz' WHERE name = 'registry_id';",
            )
            .unwrap();
        let marks = marks_of(&r);
        assert!(matches!(
            marks.recorded_mode(),
            Err(Error::Corrupt(Msg::BadModeValue { .. }))
        ));
        assert!(matches!(
            marks.registry_id(),
            Err(Error::Altered(Msg::MarkAltered { .. }))
        ));
    }

    #[test]
    fn the_state_mark_round_trips_and_a_changed_one_is_refused() {
        let r = TempRegistry::new();
        let mut store = r.open();
        let state = store.read(read_state).unwrap();
        let next = State {
            seq: state.seq + 1,
            root: state.root,
        };
        store
            .write_then(|tx| {
                write_state(tx, &next)?;
                assert_eq!(read_state(tx)?, next);
                // Not committed: the registry's own state is left as it was.
                Ok((crate::store::Commit::No, ()))
            })
            .unwrap();
        assert_eq!(store.read(read_state).unwrap(), state);
        r.raw()
            .execute_batch("UPDATE meta SET value = '999 00' WHERE name = 'state'")
            .unwrap();
        assert!(matches!(
            store.read(read_state),
            Err(Error::Altered(Msg::MarkAltered { .. }))
        ));
        r.raw()
            .execute_batch("DELETE FROM meta WHERE name = 'state'")
            .unwrap();
        assert!(matches!(
            store.read(read_state),
            Err(Error::Altered(Msg::MarkMissing { .. }))
        ));
    }
}
