//! Making a registry current: the schema of a new one, and the upgrade of
//! an older one, which the first command that writes does in one
//! transaction (never a read-only command, never `check`).
//!
//! Schema 1 held plaintext secrets and an unchained audit log: it is sealed
//! and chained as it is (there is nothing to verify it against). Schema 2
//! was sealed and chained under subkeys not yet bound to a registry ID: its
//! mode mark, every secret and the whole audit chain must verify under
//! those before anything is rewritten, so that the upgrade never launders
//! what someone changed (exit 9 and nothing written otherwise). Then, in the
//! same transaction: the schema migrated, a registry ID drawn, every secret
//! sealed and every audit row chained under the bound subkeys, every row
//! MAC'd, the state tree built, the marks written.
//!
//! Foreign keys are off while the migrations rebuild tables (SQLite's own
//! procedure for schema changes; with them on, dropping the old `devices`
//! table checked every self-reference through an unindexed column, and the
//! upgrade took quadratic time) and checked whole before the commit.
//! `secure_delete` is on throughout, and the WAL is truncated afterwards, so
//! no plaintext secret is left in the file's free space.

use rusqlite::{Transaction, TransactionBehavior};

use super::auth::{self, State};
use super::{AUTHENTICATED_SCHEMA, MIGRATIONS, SCHEMA_VERSION, Store, audit, meta, schema_version};
use crate::catalogue::Msg;
use crate::crypto::key::{Binding, RegistryId, RegistryKey};
use crate::error::{Error, Result};
use crate::store::meta::Mode;

/// Builds the current schema in a new, empty registry and writes its marks.
pub(super) fn create_schema(store: &mut Store, id: RegistryId, mode: Mode) -> Result<()> {
    store.conn.execute_batch("PRAGMA foreign_keys = OFF;")?;
    let tx = Transaction::new_unchecked(&store.conn, TransactionBehavior::Immediate)?;
    for (number, sql) in MIGRATIONS {
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", number)?;
    }
    tx.commit()?;
    store.conn.execute_batch("PRAGMA foreign_keys = ON;")?;
    store.version = SCHEMA_VERSION;
    store.write(|tx| {
        let empty = State {
            seq: 0,
            root: super::tree::EMPTY,
        };
        meta::initialise(tx, &id, mode, empty)
    })
}

/// Upgrades an older registry to the current schema (the module's doc says
/// how), then records it in the witness and leaves a note for stderr.
pub(super) fn upgrade(store: &mut Store) -> Result<()> {
    let from = store.version;
    store
        .conn
        .execute_batch("PRAGMA foreign_keys = OFF; PRAGMA secure_delete = ON;")?;
    let result = upgrade_in_one_transaction(store);
    store
        .conn
        .execute_batch("PRAGMA foreign_keys = ON; PRAGMA secure_delete = OFF;")?;
    let upgraded = result?;
    // The pages that held plaintext go from the WAL too.
    let _ = store
        .conn
        .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()));
    if let Some(state) = upgraded {
        store
            .notes
            .borrow_mut()
            .push(if from >= AUTHENTICATED_SCHEMA {
                Msg::RegistryUpgradedClocks {
                    from,
                    to: SCHEMA_VERSION,
                }
            } else {
                Msg::RegistryUpgraded {
                    from,
                    to: SCHEMA_VERSION,
                }
            });
        let position = store.position_in(&store.conn, &state)?;
        store.record_witness(&position, false);
    }
    Ok(())
}

/// The upgrade's one transaction. `None` when another process upgraded the
/// registry while this one waited for the lock (it is then bound anew).
fn upgrade_in_one_transaction(store: &mut Store) -> Result<Option<State>> {
    if store.version >= AUTHENTICATED_SCHEMA {
        return upgrade_authenticated(store);
    }
    let file = store.key_file.take().ok_or_else(|| Error::KeyFile {
        path: crate::crypto::key::default_path(),
        reason: Msg::KeyNeeded,
    })?;
    let legacy = file.bind(Binding::Legacy);
    let id = crate::crypto::key::new_registry_id()?;
    let mode = store.mode;
    store.key = Some(file.bind(Binding::Registry(id)));
    let outcome = {
        let tx = Transaction::new_unchecked(&store.conn, TransactionBehavior::Immediate)?;
        let from = schema_version(&tx)?;
        if from == SCHEMA_VERSION {
            None
        } else {
            let t = store.tx(&tx);
            let state = rewrite(&t, &legacy, from, &id, mode)?;
            drop(t);
            tx.commit()?;
            Some(state)
        }
    };
    match outcome {
        Some(state) => {
            store.version = SCHEMA_VERSION;
            store.registry_id = Some(id);
            store.key_file = Some(file);
            Ok(Some(state))
        }
        None => {
            // Another process upgraded it first: use what it wrote.
            store.version = SCHEMA_VERSION;
            let marks = meta::read_marks(&store.conn, SCHEMA_VERSION)?;
            store.bind_current(&file, &marks, super::Access::ReadWrite)?;
            store.key_file = Some(file);
            Ok(None)
        }
    }
}

/// The upgrade of a registry already bound to its ID (schema 3): under the
/// same key and ID, everything `check` verifies must hold (every row and
/// the tree against the state mark, the marks, the secrets, the audit
/// chain); then the migrations run, every row is MAC'd anew over its new
/// columns, the tree is rebuilt and the state moves one write on. The
/// audit chain continues as it is.
fn upgrade_authenticated(store: &mut Store) -> Result<Option<State>> {
    let tx = Transaction::new_unchecked(&store.conn, TransactionBehavior::Immediate)?;
    let from = schema_version(&tx)?;
    if from == SCHEMA_VERSION {
        // Another process upgraded it while this one waited for the lock.
        drop(tx);
        store.version = SCHEMA_VERSION;
        return Ok(None);
    }
    let t = store.tx(&tx);
    let report = super::check::run(&t, None)?;
    if let Some(first) = report.findings.into_iter().next() {
        return Err(auth::altered(first.message));
    }
    let before = t.state()?;
    let key = t.key()?;
    for (number, sql) in MIGRATIONS.iter().filter(|(n, _)| *n > from) {
        t.conn.execute_batch(sql)?;
        t.conn.pragma_update(None, "user_version", number)?;
    }
    let root = auth::authenticate_all(&t, key)?;
    let state = State {
        seq: before.seq + 1,
        root,
    };
    meta::write_state(&t, &state)?;
    record_upgrade(&t, from, 0, None)?;
    drop(t);
    tx.commit()?;
    store.version = SCHEMA_VERSION;
    Ok(Some(state))
}

/// Everything the upgrade writes, inside its transaction.
fn rewrite(
    tx: &super::Tx<'_>,
    legacy: &RegistryKey,
    from: u32,
    id: &RegistryId,
    mode: Mode,
) -> Result<State> {
    let key = tx.key()?;
    let mut previous_head = None;
    if from >= 2 {
        let chain = audit::verify_chain(tx, legacy, None)?;
        if let Some(first) = chain.findings.into_iter().next() {
            return Err(auth::altered(first));
        }
        previous_head = chain.head;
    }
    let secrets = read_secrets(tx, (from >= 2).then_some(legacy))?;
    for (number, sql) in MIGRATIONS.iter().filter(|(n, _)| *n > from) {
        tx.conn.execute_batch(sql)?;
        tx.conn.pragma_update(None, "user_version", number)?;
    }
    seal_all(tx, key, &secrets)?;
    audit::rewrite_chain(tx, key)?;
    let root = auth::authenticate_all(tx, key)?;
    let state = State { seq: 1, root };
    meta::initialise(tx, id, mode, state)?;
    record_upgrade(tx, from, secrets.len(), previous_head)?;
    let broken: i64 =
        tx.conn
            .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
                r.get(0)
            })?;
    if broken > 0 {
        return Err(Error::Corrupt(Msg::UpgradeForeignKeys { count: broken }));
    }
    Ok(state)
}

/// The upgrade's audit row. It records the head the chain had reached under
/// the legacy subkeys: a head recorded then still passes `--expect-head`.
fn record_upgrade(
    tx: &super::Tx<'_>,
    from: u32,
    sealed: usize,
    previous_head: Option<[u8; 32]>,
) -> Result<()> {
    let key = tx.key()?;
    let previous = audit::previous_head_note(previous_head);
    audit::append(
        tx,
        &audit::AuditEntry {
            at: chrono::Utc::now(),
            actor: &audit::os_actor(),
            action: audit::Action::Upgrade,
            targets: &[],
            outcome: audit::Outcome::Ok,
            detail: if from >= AUTHENTICATED_SCHEMA {
                format!(
                    "schema {from} upgraded to {SCHEMA_VERSION}: device clock offsets added, \
                     every row authenticated anew under key {}",
                    key.fingerprint()
                )
            } else {
                format!(
                    "schema {from} upgraded to {SCHEMA_VERSION}: {sealed} device secret(s) sealed, \
                     every row authenticated under key {}{previous}",
                    key.fingerprint()
                )
            },
            clock_fixed: false,
        },
    )
}

/// A device's id, serial and secret in plaintext (zeroized when dropped).
pub(super) type PlainSecret = (i64, String, zeroize::Zeroizing<Vec<u8>>);

/// Every device's secret in plaintext, opened with `sealed_under`, or read
/// as stored when there is none (schema 1 kept secrets in plaintext). A
/// secret that does not open is an altered registry.
pub(super) fn read_secrets(
    tx: &super::Tx<'_>,
    sealed_under: Option<&RegistryKey>,
) -> Result<Vec<PlainSecret>> {
    let mut stmt = tx
        .conn
        .prepare("SELECT id, serial, secret FROM devices ORDER BY id")?;
    let mut rows = stmt.query([])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(0)?;
        let serial: String = r.get(1)?;
        let stored = zeroize::Zeroizing::new(r.get::<_, Vec<u8>>(2)?);
        let secret = match sealed_under {
            None => stored,
            Some(key) => key.open(&serial, &stored).map_err(|_| {
                auth::altered(Msg::SecretDoesNotOpen {
                    serial: serial.clone(),
                })
            })?,
        };
        out.push((id, serial, secret));
    }
    Ok(out)
}

/// Seals every secret anew under `key`.
pub(super) fn seal_all(
    tx: &super::Tx<'_>,
    key: &RegistryKey,
    secrets: &[PlainSecret],
) -> Result<()> {
    let mut update = tx
        .conn
        .prepare("UPDATE devices SET secret = ?2 WHERE id = ?1")?;
    for (id, serial, secret) in secrets {
        update.execute(rusqlite::params![id, key.seal(serial, secret)])?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Access;
    use crate::store::devices::{find_device, open_key};
    use crate::store::testing::fixture;

    /// What a reader of the older registry sees: its state's sequence (none
    /// before schema 3) and its audit chain's head.
    fn before(
        path: &std::path::Path,
        key: &std::path::Path,
        schema: u32,
    ) -> (Option<u64>, [u8; 32]) {
        let reader = Store::open(path, Access::ReadOnly, Some(key), false).unwrap();
        let seq =
            (schema >= AUTHENTICATED_SCHEMA).then(|| reader.read(|tx| tx.state()).unwrap().seq);
        let head = reader
            .read(|tx| audit::verify_chain(tx, tx.key()?, None))
            .unwrap()
            .head
            .unwrap();
        (seq, head)
    }

    /// The upgrade of each older schema: its secrets sealed anew (and
    /// opening to what they were), the state moved on, and an audit row
    /// that says what was done under which key (with the legacy chain's
    /// head, which `--expect-head` still accepts).
    #[test]
    fn an_upgrade_seals_moves_the_state_and_says_so() {
        let secret = crate::rules::otp::parse_secret("KRAVEUSPEBMG6RCMJRBUK3TCIRKTIQ2K").unwrap();
        for schema in [2, AUTHENTICATED_SCHEMA] {
            let (_dir, path, key) = fixture(schema);
            let (seq, head) = before(&path, &key, schema);
            let devices: i64 = rusqlite::Connection::open(&path)
                .unwrap()
                .query_row("SELECT count(*) FROM devices", [], |r| r.get(0))
                .unwrap();
            let writer = Store::open(&path, Access::ReadWrite, Some(&key), false).unwrap();
            let state = writer.read(|tx| tx.state()).unwrap();
            assert_eq!(state.seq, seq.map_or(1, |s| s + 1), "schema {schema}");
            let device = writer
                .read(|tx| find_device(tx, "23456789"))
                .unwrap()
                .unwrap();
            let opened = writer.read(|tx| open_key(tx, &device)).unwrap();
            assert_eq!(
                opened.secret.as_slice(),
                secret.as_slice(),
                "schema {schema}"
            );
            let fingerprint = writer
                .read(|tx| Ok(tx.key()?.fingerprint().to_string()))
                .unwrap();
            let last = crate::store::testing::last_audit_row(&writer);
            let expected = if schema < AUTHENTICATED_SCHEMA {
                format!(
                    "schema 2 upgraded to {SCHEMA_VERSION}: {devices} device secret(s) sealed, every row authenticated under key {fingerprint}{}",
                    audit::previous_head_note(Some(head))
                )
            } else {
                format!(
                    "schema 3 upgraded to {SCHEMA_VERSION}: device clock offsets added, every row authenticated anew under key {fingerprint}"
                )
            };
            assert_eq!(
                (last.action.as_str(), last.detail.as_str()),
                ("upgrade", expected.as_str())
            );
        }
    }

    /// A schema-2 registry whose rows point nowhere is not upgraded (its
    /// rows would be authenticated as they are).
    #[test]
    fn a_registry_with_broken_references_is_not_upgraded() {
        let (_dir, path, key) = fixture(2);
        rusqlite::Connection::open(&path)
            .unwrap()
            .execute_batch(
                "PRAGMA foreign_keys = OFF; UPDATE users SET device_id = 999 WHERE device_id IS NOT NULL AND id = (SELECT min(id) FROM users WHERE device_id IS NOT NULL);",
            )
            .unwrap();
        let before = std::fs::read(&path).unwrap();
        assert!(matches!(
            Store::open(&path, Access::ReadWrite, Some(&key), false),
            Err(Error::Corrupt(Msg::UpgradeForeignKeys { count: 1 }))
        ));
        assert_eq!(std::fs::read(&path).unwrap(), before);
    }
}
