//! Facts about the registry itself: live or simulation, and the key its
//! secrets are sealed under.
//!
//! The mode carries a MAC under the registry key, so that turning a live
//! registry into a simulation (whose clock anyone may set) needs the key.

use rusqlite::OptionalExtension;

use super::Tx;
use crate::catalogue::Msg;
use crate::error::{Error, Result};
use crate::key::RegistryKey;

/// A live registry runs on the real clock; a simulation (training, tests,
/// what-if) lets `TOKENCTL_NOW` govern every command and shows codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Live,
    Simulation,
}

impl Mode {
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Live => "live",
            Mode::Simulation => "simulation",
        }
    }
}

fn get(tx: &Tx<'_>, name: &str) -> Result<Option<String>> {
    if tx.version() < 2 {
        return Ok(None);
    }
    Ok(tx
        .prepare_cached("SELECT value FROM meta WHERE name = ?1")?
        .query_row([name], |r| r.get(0))
        .optional()?)
}

fn set(tx: &Tx<'_>, name: &str, value: &str) -> Result<()> {
    tx.prepare_cached("INSERT OR REPLACE INTO meta (name, value) VALUES (?1, ?2)")?
        .execute([name, value])?;
    Ok(())
}

/// The registry's marks, read in one query (every command reads them at
/// open, `otp` included, which has a millisecond to spend).
#[derive(Debug, Clone)]
pub struct Marks {
    /// The mode as recorded, before its MAC is checked. A registry without
    /// a mark (made before the mark existed) is live.
    pub mode: Mode,
    /// The fingerprint of the key the secrets are sealed under; none while
    /// the registry still holds plaintext secrets.
    pub fingerprint: Option<String>,
    mode_mac: Option<String>,
}

pub fn marks(tx: &Tx<'_>) -> Result<Marks> {
    let mut marks = Marks {
        mode: Mode::Live,
        fingerprint: None,
        mode_mac: None,
    };
    if tx.version() < 2 {
        return Ok(marks);
    }
    let mut stmt = tx.prepare_cached("SELECT name, value FROM meta")?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        let value: String = row.get(1)?;
        match row.get_ref(0)?.as_str().unwrap_or("") {
            "mode" => {
                marks.mode = match value.as_str() {
                    "simulation" => Mode::Simulation,
                    "live" => Mode::Live,
                    other => {
                        return Err(Error::Corrupt(Msg::BadModeValue {
                            value: other.chars().take(40).collect(),
                        }));
                    }
                }
            }
            "key_fingerprint" => marks.fingerprint = Some(value),
            "mode_mac" => marks.mode_mac = Some(value),
            _ => {}
        }
    }
    Ok(marks)
}

impl Marks {
    /// The mode, after checking its MAC under the key (exit 8 when altered).
    pub fn verified_mode(&self, key: &RegistryKey) -> Result<Mode> {
        let recorded = self.mode_mac.as_deref().unwrap_or_default();
        let expected = mode_mac(key, self.mode);
        let same: bool =
            subtle::ConstantTimeEq::ct_eq(recorded.as_bytes(), expected.as_bytes()).into();
        if same {
            Ok(self.mode)
        } else {
            Err(Error::Corrupt(Msg::ModeMarkAltered {
                mode: self.mode.as_str().to_string(),
            }))
        }
    }
}

/// The fingerprint of the key the secrets are sealed under; none while the
/// registry still holds plaintext secrets.
pub fn fingerprint(tx: &Tx<'_>) -> Result<Option<String>> {
    get(tx, "key_fingerprint")
}

fn mode_mac(key: &RegistryKey, mode: Mode) -> String {
    let message = format!("tokenctl mode\0{}\0{}", mode.as_str(), key.fingerprint());
    hex::encode(key.audit_mac(message.as_bytes()))
}

/// The mode, after checking its MAC under the key (exit 8 when altered).
pub fn verified_mode(tx: &Tx<'_>) -> Result<Mode> {
    marks(tx)?.verified_mode(tx.key()?)
}

/// The marks of a new registry.
pub fn initialise(tx: &Tx<'_>, mode: Mode) -> Result<()> {
    let key = tx.key()?;
    set(tx, "key_fingerprint", key.fingerprint())?;
    set(tx, "mode", mode.as_str())?;
    set(tx, "mode_mac", &mode_mac(key, mode))
}

/// Seals the plaintext secrets of a registry made before sealing existed,
/// chains its audit rows, and marks it live, in one transaction.
pub fn seal_legacy(tx: &Tx<'_>) -> Result<()> {
    if fingerprint(tx)?.is_some() {
        // Another process sealed it while this one waited for the lock.
        return Ok(());
    }
    let key = tx.key()?;
    let devices: Vec<(i64, String, Vec<u8>)> = {
        let mut stmt = tx.prepare("SELECT id, serial, secret FROM devices ORDER BY id")?;
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<rusqlite::Result<_>>()?
    };
    for (id, serial, secret) in &devices {
        let secret = zeroize::Zeroizing::new(secret.clone());
        tx.prepare_cached("UPDATE devices SET secret = ?2 WHERE id = ?1")?
            .execute(rusqlite::params![id, key.seal(serial, &secret)])?;
    }
    super::audit::chain_legacy_rows(tx, key)?;
    initialise(tx, Mode::Live)?;
    super::audit::append(
        tx,
        &super::audit::AuditEntry {
            at: chrono::Utc::now().timestamp(),
            actor: &super::audit::os_actor(),
            action: "seal",
            targets: &[],
            outcome: "ok",
            detail: format!(
                "{} device secret(s) sealed under key {}",
                devices.len(),
                key.fingerprint()
            ),
            clock_fixed: false,
        },
    )
}
