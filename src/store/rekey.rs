//! Key rotation: every secret re-sealed, every row, mark and audit row
//! MAC'd anew under a new key file, in one transaction.
//!
//! The whole registry is verified under the old key first, inside the same
//! transaction (a rotation must not bless what someone changed). The new key
//! file is written before the transaction commits (by the caller): a process
//! killed at any moment leaves the registry wholly under the old key (the
//! new file then protects nothing) or wholly under the new one. The audit
//! chain is re-chained from the first row, and a `rekey` row records the
//! head the chain had reached under the old key, which `check --expect-head`
//! still accepts. Afterwards the old key file is not the registry's key any
//! more (exit 8).

use rusqlite::{Transaction, TransactionBehavior};

use super::auth::{self, State};
use super::witness::Position;
use super::{Store, Tx, audit, meta};
use crate::catalogue::Msg;
use chrono::{DateTime, Utc};

use crate::crypto::key::{Binding, KeyFile, RegistryKey};
use crate::error::{Error, Result};

impl Store {
    /// Moves the registry under `new_file` (already written), returning the
    /// old fingerprint and the position reached.
    pub(crate) fn rekey(
        &mut self,
        new_file: KeyFile,
        at: DateTime<Utc>,
        clock_fixed: bool,
    ) -> Result<(String, Position)> {
        let id = self.registry_id.ok_or_else(|| Error::KeyFile {
            path: crate::crypto::key::default_path(),
            reason: Msg::KeyNeeded,
        })?;
        let new_key = new_file.bind(Binding::Registry(id));
        let old_fingerprint = self
            .key
            .as_ref()
            .map(|k| k.fingerprint().to_string())
            .unwrap_or_default();
        let position = {
            let tx = Transaction::new_unchecked(&self.conn, TransactionBehavior::Immediate)?;
            let verified = self.tx(&tx);
            let (old_head, state, secrets) = verify_all(&verified)?;
            drop(verified);
            let rewrite = Tx {
                conn: &tx,
                store: self,
                auth: None,
                key_override: Some(&new_key),
            };
            let state = rewrite_under(
                &rewrite,
                &new_key,
                secrets,
                state,
                old_head,
                at,
                clock_fixed,
            )?;
            drop(rewrite);
            let position = self.position_in(&tx, &state)?;
            tx.commit()?;
            position
        };
        self.key = Some(new_key);
        self.key_file = Some(new_file);
        self.record_witness(&position, false);
        Ok((old_fingerprint, position))
    }
}

type Secrets = Vec<super::upgrade::PlainSecret>;

/// Everything verified under the old key, as `check` verifies it; returns
/// the chain's head, the state, and every secret opened.
fn verify_all(tx: &Tx<'_>) -> Result<(Option<[u8; 32]>, State, Secrets)> {
    let report = super::check::run(tx, None)?;
    if let Some(finding) = report.findings.into_iter().next() {
        return Err(auth::altered(finding.message));
    }
    let secrets = super::upgrade::read_secrets(tx, Some(tx.key()?))?;
    Ok((report.audit_head, tx.state()?, secrets))
}

/// Re-seals, re-MACs and re-chains everything under `key`.
fn rewrite_under(
    tx: &Tx<'_>,
    key: &RegistryKey,
    secrets: Secrets,
    before: State,
    old_head: Option<[u8; 32]>,
    at: DateTime<Utc>,
    clock_fixed: bool,
) -> Result<State> {
    super::upgrade::seal_all(tx, key, &secrets)?;
    audit::rewrite_chain(tx, key)?;
    let root = auth::authenticate_all(tx, key)?;
    let state = State {
        seq: before.seq + 1,
        root,
    };
    let id = tx.store.registry_id.expect("a current registry");
    meta::initialise(tx, &id, tx.store.mode, state)?;
    let previous = audit::previous_head_note(old_head);
    audit::append(
        tx,
        &audit::AuditEntry {
            at,
            actor: &audit::os_actor(),
            action: audit::Action::Rekey,
            targets: &[],
            outcome: audit::Outcome::Ok,
            detail: format!(
                "{} device secret(s) re-sealed and every row MAC'd under key {}{previous}",
                secrets.len(),
                key.fingerprint()
            ),
            clock_fixed,
        },
    )?;
    Ok(state)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Access;
    use crate::store::devices::{find_device, insert_device, open_key};
    use crate::store::testing::{SECRET, TempRegistry, at, new_device};

    /// A registry with device 1001 and one audit row, its key file, and
    /// a new key file beside it.
    fn registry() -> (TempRegistry, KeyFile, std::path::PathBuf) {
        let r = TempRegistry::new();
        let mut store = r.open();
        store
            .write(|tx| {
                insert_device(tx, &new_device("1001", "2030-01-31"), at(0))?;
                audit::record(
                    tx,
                    &crate::clock::Clock::fixed(at(50)),
                    "t",
                    audit::Action::ImportDevices,
                    &[],
                    audit::Outcome::Ok,
                    "1 device".into(),
                )
            })
            .unwrap();
        let new_path = r.path.with_file_name("new.key");
        let (new_key, created) = KeyFile::load_or_create(&new_path).unwrap();
        assert!(created);
        (r, new_key, new_path)
    }

    /// After a rotation the registry verifies whole under the new key, its
    /// secrets open with it, the old key is not the registry's, and the
    /// last audit row names the head reached under the old key.
    #[test]
    fn a_rotation_moves_everything_under_the_new_key() {
        let (r, new_key, new_path) = registry();
        let old = KeyFile::load(&r.key_path).unwrap();
        let mut store = r.open();
        let (old_head, before) = store
            .read(|tx| {
                let report = crate::store::check::run(tx, None)?;
                Ok((report.audit_head.unwrap(), tx.state()?.seq))
            })
            .unwrap();
        let (previous, position) = store.rekey(new_key, at(100), false).unwrap();
        assert_eq!(
            previous,
            old.bind(Binding::Registry(store.registry_id().unwrap()))
                .fingerprint()
        );
        assert_eq!(position.seq, before + 1);
        drop(store);
        let reopened = Store::open(&r.path, Access::Inspect, Some(&new_path), false).unwrap();
        let report = reopened
            .read(|tx| crate::store::check::run(tx, None))
            .unwrap();
        assert_eq!(report.findings, []);
        assert_eq!(report.audit_head, Some(position.audit_head));
        let device = reopened
            .read(|tx| find_device(tx, "1001"))
            .unwrap()
            .unwrap();
        let opened = reopened.read(|tx| open_key(tx, &device)).unwrap();
        assert_eq!(opened.secret.as_slice(), SECRET);
        let last = crate::store::testing::last_audit_row(&reopened);
        assert_eq!(last.action, "rekey");
        assert_eq!(
            last.detail,
            format!(
                "1 device secret(s) re-sealed and every row MAC'd under key {}{}",
                KeyFile::load(&new_path)
                    .unwrap()
                    .bind(Binding::Registry(reopened.registry_id().unwrap()))
                    .fingerprint(),
                audit::previous_head_note(Some(old_head))
            )
        );
        assert!(matches!(
            Store::open(&r.path, Access::ReadOnly, Some(&r.key_path), false),
            Err(Error::KeyFile {
                reason: Msg::KeyNotTheRegistrys { .. },
                ..
            })
        ));
    }

    /// A registry changed without the key is not rotated: a rotation
    /// would bless the change.
    #[test]
    fn a_changed_registry_is_not_rotated() {
        let (r, new_key, _) = registry();
        let mut store = r.open();
        r.raw()
            .execute_batch("UPDATE devices SET expires = '2099-12-31'")
            .unwrap();
        let before = std::fs::read(&r.path).unwrap();
        assert!(matches!(
            store.rekey(new_key, at(100), false),
            Err(Error::Altered(_))
        ));
        assert_eq!(std::fs::read(&r.path).unwrap(), before);
    }
}
