//! Row authentication: every row of `users`, `devices` and `registrations`
//! carries a MAC over its table and all of its columns, under a key bound to
//! the registry (see `crypto::key`), and its current MAC sits in the state tree
//! (see `tree`), whose root the state mark carries under a MAC.
//!
//! The argument, for someone who can write the file but not read the key:
//! - *Changing* a row breaks its MAC.
//! - *Copying* a row (to another id, table or registry) breaks its MAC: the
//!   MAC covers the table, the id and the registry's subkey.
//! - *Putting a row back* to an earlier version of itself, MAC and all,
//!   leaves a MAC that is not the one in its leaf of the tree; changing the
//!   tree to match breaks a hash above it, and the root is MAC'd.
//! - *Putting the state mark back* too (the whole file from yesterday) gives
//!   a state behind the witness beside the key file (`witness`).
//! - *Deleting or inserting* a row leaves a leaf without a row or a row
//!   without a leaf, which `check` finds; a command looking a row up by key
//!   finds nothing (exit 6) or a row it cannot verify (exit 9).
//!
//! Commands that need the key verify every row they read through the typed
//! queries of `store::*` (`Tx::verify`) before acting on it, and every write
//! re-MACs the rows it changed (`Tx::reseal`) and records their new leaves,
//! which `Tx::finish` writes into the tree before the commit. Read-only
//! listings that run without the key verify nothing; `check` verifies all.
//! What the key does not protect: someone who can read the key file can do
//! anything tokenctl can.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::sync::OnceLock;

use rusqlite::types::ValueRef;
use rusqlite::{OptionalExtension, params_from_iter};

use super::Tx;
use super::tree::{self, PathBreak};
use crate::catalogue::Msg;
use crate::crypto::key::{RegistryKey, RowMac};
use crate::error::{Error, Result};

/// The most columns a table of ours has (`for_each_row` reads a row into
/// an array this long).
const MAX_COLUMNS: usize = 32;

/// A table whose rows are authenticated: its name, its code in the tree's
/// positions, and its columns in schema order (all but `mac`).
#[derive(Debug)]
pub(crate) struct Table {
    pub(crate) name: &'static str,
    pub(crate) code: u8,
    pub(crate) columns: &'static [&'static str],
    sql: Sql,
}

/// A table's statements, written once.
#[derive(Debug)]
struct Sql {
    select_by_id: OnceLock<String>,
    insert: OnceLock<String>,
    update_mac: OnceLock<String>,
}

impl Sql {
    const fn new() -> Sql {
        Sql {
            select_by_id: OnceLock::new(),
            insert: OnceLock::new(),
            update_mac: OnceLock::new(),
        }
    }
}

pub(crate) static USERS: Table = Table {
    name: "users",
    code: 1,
    columns: &[
        "id",
        "login_id",
        "name",
        "role",
        "otp_required",
        "device_id",
        "registrable_at",
        "password_hash",
        "failed_attempts",
        "locked_at",
    ],
    sql: Sql::new(),
};

pub(crate) static DEVICES: Table = Table {
    name: "devices",
    code: 2,
    columns: &[
        "id",
        "serial",
        "secret",
        "algorithm",
        "digits",
        "period",
        "expires",
        "last_step",
        "out_of_use_since",
        "replaced_by",
        "disposed_at",
        "holders",
        "clock_offset",
        "failed_attempts",
        "locked_at",
        "delivered_at",
        "lost_at",
    ],
    sql: Sql::new(),
};

/// The devices table of schema 3, before the clock columns: what the
/// upgrade verifies a schema-3 registry's devices against.
pub(crate) static DEVICES_V3: Table = Table {
    name: "devices",
    code: 2,
    columns: &[
        "id",
        "serial",
        "secret",
        "algorithm",
        "digits",
        "period",
        "expires",
        "last_step",
        "out_of_use_since",
        "replaced_by",
        "disposed_at",
        "holders",
    ],
    sql: Sql::new(),
};

pub(crate) static REGISTRATIONS: Table = Table {
    name: "registrations",
    code: 3,
    columns: &[
        "id",
        "user_id",
        "device_id",
        "registered_at",
        "revoked_at",
        "revoked_by",
        "registrable_at",
        "bank_reference",
    ],
    sql: Sql::new(),
};

/// Every authenticated table, in the order `check` reads them.
pub(crate) static TABLES: [&Table; 3] = [&USERS, &DEVICES, &REGISTRATIONS];

/// Tables tokenctl knows; `check` reports any other as inserted.
pub(crate) const KNOWN_TABLES: [&str; 6] =
    ["users", "devices", "registrations", "audit", "meta", "tree"];

impl Table {
    /// This table as a registry at schema `version` has it: a schema-3
    /// registry (read as it is until a write upgrades it) has the devices
    /// table without the clock columns.
    pub(crate) fn at_version(&'static self, version: u32) -> &'static Table {
        if version < 4 && self.code == DEVICES.code {
            &DEVICES_V3
        } else {
            self
        }
    }

    /// `SELECT <columns>, mac FROM <table>` with `rest` appended.
    pub(crate) fn select(&self, rest: &str) -> String {
        format!(
            "SELECT {}, mac FROM {} {rest}",
            self.columns.join(", "),
            self.name
        )
    }

    fn select_by_id(&self) -> &str {
        self.sql
            .select_by_id
            .get_or_init(|| self.select("WHERE id = ?1"))
    }

    fn update_mac(&self) -> &str {
        self.sql
            .update_mac
            .get_or_init(|| format!("UPDATE {} SET mac = ?2 WHERE id = ?1", self.name))
    }

    /// An INSERT of all columns and the MAC.
    fn insert(&self) -> &str {
        self.sql.insert.get_or_init(|| {
            let marks: Vec<String> = (1..=self.columns.len() + 1)
                .map(|i| format!("?{i}"))
                .collect();
            format!(
                "INSERT INTO {} ({}, mac) VALUES ({})",
                self.name,
                self.columns.join(", "),
                marks.join(", ")
            )
        })
    }
}

/// The bytes a row's MAC covers: the table's code, then each column's
/// typed value in the table's column order, length-prefixed so that no two
/// rows share an encoding. (Column names are not repeated in every row:
/// they would double the bytes hashed on a million-row import; a change of
/// columns is a migration, which MACs every row anew.)
pub(crate) fn canonical(table: &Table, values: &[ValueRef<'_>]) -> Vec<u8> {
    let mut out = Vec::with_capacity(128);
    encode(table, values, &mut out);
    out
}

fn encode(table: &Table, values: &[ValueRef<'_>], out: &mut Vec<u8>) {
    out.extend_from_slice(b"tokenctl row v1\0");
    out.push(table.code);
    out.push(values.len() as u8);
    for value in values {
        match value {
            ValueRef::Null => out.push(0),
            ValueRef::Integer(i) => {
                out.push(1);
                out.extend_from_slice(&i.to_be_bytes());
            }
            ValueRef::Real(r) => {
                out.push(2);
                out.extend_from_slice(&r.to_bits().to_be_bytes());
            }
            ValueRef::Text(t) => {
                out.push(3);
                put(out, t);
            }
            ValueRef::Blob(b) => {
                out.push(4);
                put(out, b);
            }
        }
    }
}

fn put(out: &mut Vec<u8>, bytes: &[u8]) {
    out.extend_from_slice(&(bytes.len() as u32).to_be_bytes());
    out.extend_from_slice(bytes);
}

pub(crate) fn row_mac(key: &RegistryKey, table: &Table, values: &[ValueRef<'_>]) -> RowMac {
    key.row_mac(&canonical(table, values))
}

/// `row_mac`, encoding the row into `buffer` (cleared first), which the
/// caller keeps from row to row.
pub(crate) fn row_mac_in(
    key: &RegistryKey,
    table: &Table,
    values: &[ValueRef<'_>],
    buffer: &mut Vec<u8>,
) -> RowMac {
    buffer.clear();
    encode(table, values, buffer);
    key.row_mac(buffer)
}

/// The MAC of a registry mark (a row of `meta`).
pub(crate) fn mark_mac(key: &RegistryKey, name: &str, value: &str) -> RowMac {
    let mut bytes = b"tokenctl mark v1\0".to_vec();
    put(&mut bytes, name.as_bytes());
    put(&mut bytes, value.as_bytes());
    key.row_mac(&bytes)
}

/// The registry's state: how many writes it has seen and the tree's root.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct State {
    pub(crate) seq: u64,
    pub(crate) root: RowMac,
}

impl State {
    pub(crate) fn encode(&self) -> String {
        format!("{} {}", self.seq, hex::encode(self.root))
    }

    pub(crate) fn decode(text: &str) -> Option<State> {
        let (seq, root) = text.split_once(' ')?;
        let mut bytes = tree::EMPTY;
        hex::decode_to_slice(root, &mut bytes).ok()?;
        Some(State {
            seq: seq.parse().ok()?,
            root: bytes,
        })
    }
}

/// A hasher for the tree's positions and node ids, which are integers
/// already spread enough: SipHash's protection against chosen keys buys
/// nothing here and cost a tenth of a million-row import.
#[derive(Default, Clone, Copy)]
pub(crate) struct PositionHasher(u64);

impl std::hash::Hasher for PositionHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(26) ^ n).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }

    fn write_u32(&mut self, n: u32) {
        self.write_u64(u64::from(n));
    }
}

pub(crate) type ByPosition = std::hash::BuildHasherDefault<PositionHasher>;
pub(crate) type Leaves = HashMap<u64, RowMac, ByPosition>;

/// What a transaction on an authenticated registry keeps: the leaves it
/// changed, the tree nodes it verified, the state it read, and the next
/// free id of each table it inserted into.
#[derive(Default)]
pub(crate) struct TxAuth {
    pub(super) dirty: RefCell<Leaves>,
    /// Rows verified in this transaction: the only ones a write may re-MAC
    /// (re-MACing a row no one verified would bless whatever it holds).
    verified: RefCell<std::collections::HashSet<u64, ByPosition>>,
    proven: RefCell<tree::Proven>,
    state: Cell<Option<State>>,
    next_ids: RefCell<HashMap<u8, i64>>,
}

/// The registry was altered outside tokenctl.
pub(crate) fn altered(detail: Msg) -> Error {
    Error::Altered(detail)
}

impl Tx<'_> {
    /// Whether this transaction verifies and MACs rows: the registry is at
    /// the current schema and was opened with its key.
    pub(crate) fn authenticated(&self) -> bool {
        self.auth.is_some()
    }

    /// The state mark, read and verified once per transaction.
    pub(crate) fn state(&self) -> Result<State> {
        let auth = self.auth.as_ref().expect("an authenticated transaction");
        if let Some(state) = auth.state.get() {
            return Ok(state);
        }
        let state = super::meta::read_state(self)?;
        auth.state.set(Some(state));
        Ok(state)
    }

    /// Verifies row `id` of `table` before a decision rests on it: its MAC,
    /// and that it is the version tokenctl last wrote (exit 9 otherwise).
    /// Does nothing on a transaction that is not authenticated.
    /// That the row `id` of `table` was verified earlier in this
    /// transaction: a row read a second time in one read snapshot is the
    /// row verified the first time, and need not be proved again, but only
    /// if the first reading did verify it.
    pub(crate) fn verified_before(&self, table: &'static Table, id: i64) -> Result<()> {
        let Some(auth) = &self.auth else {
            return Ok(());
        };
        if auth
            .verified
            .borrow()
            .contains(&tree::position(table.code, id))
        {
            Ok(())
        } else {
            Err(Error::Corrupt(Msg::ReadUnverified {
                table: table.name.to_string(),
                id,
            }))
        }
    }

    pub(crate) fn verify(&self, table: &'static Table, id: i64) -> Result<()> {
        if self.auth.is_none() {
            return Ok(());
        }
        let table = table.at_version(self.version());
        let key = self.key()?;
        let mut stmt = self.conn.prepare_cached(table.select_by_id())?;
        let found = stmt
            .query_row([id], |r| {
                let n = table.columns.len();
                let values: Vec<ValueRef<'_>> = (0..n)
                    .map(|i| r.get_ref(i))
                    .collect::<rusqlite::Result<_>>()?;
                let stored: Option<Vec<u8>> = r.get(n)?;
                Ok((row_mac(key, table, &values), stored))
            })
            .optional()?;
        let Some((mac, stored)) = found else {
            return Err(altered(Msg::RowMissing {
                table: table.name.to_string(),
                id,
            }));
        };
        self.verify_mac(table, id, &mac, stored.as_deref())
    }

    /// Verifies a row read whole (its columns in `table.columns` order, as
    /// `Table::select` reads them, then its stored MAC), without reading it
    /// again.
    pub(crate) fn verify_values(
        &self,
        table: &Table,
        values: &[ValueRef<'_>],
        stored: Option<&[u8]>,
    ) -> Result<()> {
        if self.auth.is_none() {
            return Ok(());
        }
        let id = values[0].as_i64().unwrap_or(0);
        let mac = row_mac(self.key()?, table, values);
        self.verify_mac(table, id, &mac, stored)
    }

    /// The row's computed MAC against its stored one and its leaf.
    fn verify_mac(
        &self,
        table: &Table,
        id: i64,
        mac: &RowMac,
        stored: Option<&[u8]>,
    ) -> Result<()> {
        let auth = self.auth.as_ref().expect("checked by the caller");
        if stored != Some(mac.as_slice()) {
            return Err(altered(Msg::RowAltered {
                table: table.name.to_string(),
                id,
            }));
        }
        let pos = tree::position(table.code, id);
        if let Some(written) = auth.dirty.borrow().get(&pos) {
            return if written == mac {
                Ok(())
            } else {
                Err(altered(Msg::RowAltered {
                    table: table.name.to_string(),
                    id,
                }))
            };
        }
        let root = self.state()?.root;
        let path = tree::verify_path(self.conn, pos, mac, &root, &mut auth.proven.borrow_mut())?;
        match path {
            Ok(()) => {
                auth.verified.borrow_mut().insert(pos);
                Ok(())
            }
            Err(PathBreak::Leaf) => Err(altered(Msg::RowRolledBack {
                table: table.name.to_string(),
                id,
            })),
            Err(PathBreak::Node) => Err(altered(Msg::TreeAltered)),
        }
    }

    /// Re-MACs row `id` of `table` after a write changed it. The row must
    /// have been verified (or written) in this transaction before the
    /// change: a write never blesses a row it did not check.
    pub(crate) fn reseal(&self, table: &Table, id: i64) -> Result<()> {
        let Some(auth) = &self.auth else {
            return Ok(());
        };
        let pos = tree::position(table.code, id);
        if !auth.verified.borrow().contains(&pos) && !auth.dirty.borrow().contains_key(&pos) {
            return Err(Error::Corrupt(Msg::WrittenUnverified {
                table: table.name.to_string(),
                id,
            }));
        }
        let key = self.key()?;
        let mac = self
            .conn
            .prepare_cached(table.select_by_id())?
            .query_row([id], |r| {
                let values: Vec<ValueRef<'_>> = (0..table.columns.len())
                    .map(|i| r.get_ref(i))
                    .collect::<rusqlite::Result<_>>()?;
                Ok(row_mac(key, table, &values))
            })?;
        self.conn
            .prepare_cached(table.update_mac())?
            .execute(rusqlite::params![id, mac.as_slice()])?;
        auth.dirty
            .borrow_mut()
            .insert(tree::position(table.code, id), mac);
        Ok(())
    }

    /// The MAC of a row about to be inserted with these values (none on a
    /// transaction that is not authenticated), recorded as its leaf.
    pub(crate) fn mac_new_row(
        &self,
        table: &Table,
        values: &[ValueRef<'_>],
    ) -> Result<Option<RowMac>> {
        let Some(auth) = &self.auth else {
            return Ok(None);
        };
        let ValueRef::Integer(id) = values[0] else {
            unreachable!("the first column is the id");
        };
        let mac = row_mac(self.key()?, table, values);
        auth.dirty
            .borrow_mut()
            .insert(tree::position(table.code, id), mac);
        Ok(Some(mac))
    }

    /// The id the next row inserted into `table` gets (ids are assigned
    /// here, so that a row's MAC, which covers its id, is written with it).
    pub(crate) fn next_id(&self, table: &Table) -> Result<i64> {
        let Some(auth) = &self.auth else {
            let max: Option<i64> = self
                .conn
                .prepare_cached(&format!("SELECT max(id) FROM {}", table.name))?
                .query_row([], |r| r.get(0))?;
            return Ok(max.unwrap_or(0) + 1);
        };
        let mut ids = auth.next_ids.borrow_mut();
        let next = match ids.get(&table.code) {
            Some(next) => *next,
            None => {
                let max: Option<i64> = self
                    .conn
                    .prepare_cached(&format!("SELECT max(id) FROM {}", table.name))?
                    .query_row([], |r| r.get(0))?;
                max.unwrap_or(0) + 1
            }
        };
        if next > tree::MAX_ROWID {
            return Err(Error::Corrupt(Msg::RegistryFull {
                table: table.name.to_string(),
            }));
        }
        ids.insert(table.code, next + 1);
        Ok(next)
    }

    /// Writes the changed leaves into the tree and the new state mark; the
    /// caller commits. Returns the new state (none when not authenticated).
    pub(crate) fn finish(&self) -> Result<Option<State>> {
        let Some(auth) = &self.auth else {
            return Ok(None);
        };
        let before = self.state()?;
        let dirty = auth.dirty.take();
        let root = if dirty.is_empty() {
            before.root
        } else {
            let mut proven = auth.proven.borrow_mut();
            match tree::apply(self.conn, &dirty, Some((&before.root, &mut proven)))? {
                Ok(root) => root,
                Err(_) => return Err(altered(Msg::TreeAltered)),
            }
        };
        let state = State {
            seq: before.seq + 1,
            root,
        };
        super::meta::write_state(self, &state)?;
        Ok(Some(state))
    }
}

/// Runs `each` over the values of every row of `table`, in id order.
pub(crate) fn for_each_row(
    tx: &Tx<'_>,
    table: &Table,
    mut each: impl FnMut(i64, &[ValueRef<'_>], Option<&[u8]>) -> Result<()>,
) -> Result<()> {
    let mut stmt = tx.conn.prepare(&table.select("ORDER BY id"))?;
    let mut rows = stmt.query([])?;
    let n = table.columns.len();
    while let Some(r) = rows.next()? {
        // On the stack, not a vector for each row: `check` reads every row
        // of the registry through here.
        let mut values = [ValueRef::Null; MAX_COLUMNS];
        for (i, value) in values[..n].iter_mut().enumerate() {
            *value = r.get_ref(i)?;
        }
        let id = values[0].as_i64().unwrap_or(0);
        let stored = match r.get_ref(n)? {
            ValueRef::Blob(b) => Some(b),
            _ => None,
        };
        each(id, &values[..n], stored)?;
    }
    Ok(())
}

/// MACs every row of every table and builds the tree from nothing: the
/// upgrade of an older registry and a re-key. Returns the root.
pub(crate) fn authenticate_all(tx: &Tx<'_>, key: &RegistryKey) -> Result<RowMac> {
    tx.conn.execute("DELETE FROM tree", [])?;
    let mut leaves = Leaves::default();
    for table in TABLES {
        let mut macs = Vec::new();
        for_each_row(tx, table, |id, values, _| {
            macs.push((id, row_mac(key, table, values)));
            Ok(())
        })?;
        let mut update = tx.conn.prepare(table.update_mac())?;
        for (id, mac) in macs {
            if !(1..=tree::MAX_ROWID).contains(&id) {
                return Err(Error::Corrupt(Msg::RegistryFull {
                    table: table.name.to_string(),
                }));
            }
            update.execute(rusqlite::params![id, mac.as_slice()])?;
            leaves.insert(tree::position(table.code, id), mac);
        }
    }
    Ok(tree::apply(tx.conn, &leaves, None)?.expect("a tree built anew is not checked"))
}

/// Inserts a row of `table` with all its columns and its MAC.
pub(crate) fn insert_row(tx: &Tx<'_>, table: &Table, values: &[ValueRef<'_>]) -> Result<()> {
    let mac = tx.mac_new_row(table, values)?;
    let mac_value = match &mac {
        Some(m) => ValueRef::Blob(m.as_slice()),
        None => ValueRef::Null,
    };
    let all = values
        .iter()
        .copied()
        .chain(std::iter::once(mac_value))
        .map(rusqlite::types::ToSqlOutput::Borrowed);
    tx.conn
        .prepare_cached(table.insert())?
        .execute(params_from_iter(all))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `for_each_row` reads a row into an array of `MAX_COLUMNS` values
    /// (and the MAC after them): every table's columns fit.
    #[test]
    fn every_table_fits_the_row_array() {
        for table in [&USERS, &DEVICES, &DEVICES_V3, &REGISTRATIONS] {
            assert!(table.columns.len() <= MAX_COLUMNS, "{}", table.name);
        }
    }

    /// The tree's hasher spreads neighbouring positions: a constant hash
    /// would still be correct, and a million-row import quadratic.
    #[test]
    fn neighbouring_positions_hash_apart() {
        use std::hash::{BuildHasher, Hash, Hasher};
        let build = ByPosition::default();
        let hashes: std::collections::HashSet<u64> =
            (0u64..10_000).map(|n| build.hash_one(n)).collect();
        assert_eq!(hashes.len(), 10_000);
        let pairs: std::collections::HashSet<u64> = (0u32..100)
            .flat_map(|a| (0u32..100).map(move |b| (a, b)))
            .map(|pair| build.hash_one(pair))
            .collect();
        assert_eq!(pairs.len(), 10_000);
        let mut bytes = build.build_hasher();
        [1u8, 2].hash(&mut bytes);
        assert_ne!(bytes.finish(), build.hash_one([2u8, 1]));
        assert_ne!(bytes.finish(), build.hash_one([1u8, 2, 3]));
    }

    /// Ids follow the table's largest, one per insert in a transaction, up
    /// to the largest the tree has a position for; with or without the key.
    #[test]
    fn ids_follow_the_largest_up_to_the_trees_last_position() {
        use crate::store::testing::{TempRegistry, at, new_device};
        let registry = TempRegistry::new();
        let mut store = registry.open();
        store
            .write(|tx| {
                for serial in ["1001", "1002"] {
                    crate::store::devices::insert_device(
                        tx,
                        &new_device(serial, "2030-01-31"),
                        at(0),
                    )?;
                }
                Ok(())
            })
            .unwrap();
        assert_eq!(store.read(|tx| tx.next_id(&DEVICES)).unwrap(), 3);
        let ids = store
            .read(|tx| Ok((tx.next_id(&DEVICES)?, tx.next_id(&DEVICES)?)))
            .unwrap();
        assert_eq!(ids, (3, 4));
        let unkeyed =
            crate::store::Store::open(&registry.path, crate::store::Access::ReadOnly, None, false)
                .unwrap();
        assert_eq!(unkeyed.read(|tx| tx.next_id(&DEVICES)).unwrap(), 3);
        registry
            .raw()
            .execute(
                "UPDATE devices SET id = ?1 WHERE id = 2",
                [tree::MAX_ROWID - 1],
            )
            .unwrap();
        let last = store.read(|tx| {
            let last = tx.next_id(&DEVICES)?;
            Ok((last, tx.next_id(&DEVICES)))
        });
        match last {
            Ok((last, Err(Error::Corrupt(Msg::RegistryFull { table })))) => {
                assert_eq!((last, table.as_str()), (tree::MAX_ROWID, "devices"));
            }
            other => panic!("{:?}", other.map(|(last, next)| (last, next.ok()))),
        }
    }

    /// A transaction verifies and MACs rows only when the registry was
    /// opened with its key.
    #[test]
    fn only_a_transaction_under_the_key_is_authenticated() {
        let registry = crate::store::testing::TempRegistry::new();
        let keyed = registry.open_as(crate::store::Access::ReadOnly);
        assert!(keyed.read(|tx| Ok(tx.authenticated())).unwrap());
        let unkeyed =
            crate::store::Store::open(&registry.path, crate::store::Access::ReadOnly, None, false)
                .unwrap();
        assert!(!unkeyed.read(|tx| Ok(tx.authenticated())).unwrap());
    }
    use crate::crypto::key::Binding;

    #[test]
    fn the_encoding_changes_with_every_column_and_the_table() {
        let base = [ValueRef::Integer(1), ValueRef::Text(b"a"), ValueRef::Null];
        let encoded = canonical(&USERS, &base);
        for changed in [
            [ValueRef::Integer(2), ValueRef::Text(b"a"), ValueRef::Null],
            [ValueRef::Integer(1), ValueRef::Text(b"b"), ValueRef::Null],
            [ValueRef::Integer(1), ValueRef::Blob(b"a"), ValueRef::Null],
            [
                ValueRef::Integer(1),
                ValueRef::Text(b"a"),
                ValueRef::Integer(0),
            ],
            [ValueRef::Integer(1), ValueRef::Null, ValueRef::Text(b"a")],
        ] {
            assert_ne!(canonical(&USERS, &changed), encoded);
        }
        assert_ne!(canonical(&DEVICES, &base), encoded);
    }

    #[test]
    fn a_row_mac_is_bound_to_the_registry() {
        let values = [ValueRef::Integer(1), ValueRef::Text(b"u1")];
        let a = RegistryKey::for_tests(1, Binding::Registry([1; 16]));
        let b = RegistryKey::for_tests(1, Binding::Registry([2; 16]));
        assert_ne!(row_mac(&a, &USERS, &values), row_mac(&b, &USERS, &values));
        assert_ne!(mark_mac(&a, "mode", "live"), mark_mac(&b, "mode", "live"));
        assert_ne!(
            mark_mac(&a, "mode", "live"),
            mark_mac(&a, "mode", "simulation")
        );
    }

    #[test]
    fn the_state_mark_round_trips() {
        let state = State {
            seq: 42,
            root: [7; 16],
        };
        assert_eq!(State::decode(&state.encode()), Some(state));
        assert_eq!(State::decode("42"), None);
        assert_eq!(State::decode("x 00"), None);
    }
}
