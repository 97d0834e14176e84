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
