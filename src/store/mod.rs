//! The SQLite registry: the one way a file is created or opened, its
//! numbered migrations, and the queries commands run.
//!
//! `Store::open` takes five steps, each its own function:
//! 1. *sniff*: the file's first 100 bytes, read as raw bytes through the
//!    read-only handle SQLite opened, before any statement runs (so nothing
//!    is created beside it): a file that is not a tokenctl registry (or one
//!    from a newer tokenctl) is refused without being opened for writing; and a
//!    command that writes refuses a registry on a network file system
//!    (`netfs`);
//! 2. *first look*: a read-only connection reads the schema version, the
//!    registry's marks and its audit position;
//! 3. *bind the key*: the key file (when the command needs it) must be the
//!    registry's; its marks must verify, and the registry must not be
//!    behind or beside its witness (`witness`);
//! 4. *connect*: writers reopen read-write; read-only commands keep the
//!    first look's connection, so they never write;
//! 5. *upgrade*: an older schema is upgraded, in one transaction, by the
//!    first command that writes (`upgrade`); nothing else ever repairs or
//!    seals a registry on its own.

pub(crate) mod audit;
mod auth;
pub(crate) mod check;
pub(crate) mod copy;
pub(crate) mod devices;
pub(crate) mod history;
pub(crate) mod meta;
pub(crate) mod netfs;
mod rekey;
#[cfg(test)]
pub(crate) mod testing;
mod tree;
mod upgrade;
pub(crate) mod users;
pub(crate) mod witness;

use std::cell::RefCell;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use chrono::{DateTime, Utc};
use rusqlite::config::DbConfig;
use rusqlite::{Connection, OpenFlags, OptionalExtension, Transaction, TransactionBehavior};

pub(crate) use devices::DeviceRow;
pub(crate) use meta::Mode;

use crate::catalogue::{Msg, OsError};
use crate::crypto::key::{Binding, KeyFile, RegistryId, RegistryKey};
use crate::error::{Error, Result};
use auth::{State, TxAuth};
use witness::{Position, Standing};

/// "tknc": the SQLite application_id of a tokenctl registry.
pub(crate) const APPLICATION_ID: u32 = 0x746b_6e63;

/// Numbered migrations, applied in order. The schema version stored in the
/// file (`PRAGMA user_version`) is the number of the last one applied.
const MIGRATIONS: &[(u32, &str)] = &[
    (1, include_str!("../../migrations/0001_init.sql")),
    (2, include_str!("../../migrations/0002_trust.sql")),
    (3, include_str!("../../migrations/0003_authenticated.sql")),
    (4, include_str!("../../migrations/0004_device_clocks.sql")),
];

pub(crate) const SCHEMA_VERSION: u32 = MIGRATIONS[MIGRATIONS.len() - 1].0;

/// The first schema whose rows are MAC'd under keys bound to a registry ID:
/// from here on a registry is read and verified as it is until a write
/// upgrades it (a later schema only adds columns).
pub(crate) const AUTHENTICATED_SCHEMA: u32 = 3;

/// Set to 1 for one command: a registry from before registry IDs, under a
/// key file that already guards a current registry, is one's own and may be
/// upgraded (see `Store::refuse_legacy_under_a_guarding_key`).
pub(crate) const UPGRADE_LEGACY_ENV: &str = "TOKENCTL_UPGRADE_LEGACY";

/// How long a command waits for another process's write lock.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// A test hook, not a setting: the test suite shortens the wait for a lock
/// held by another process with it, instead of sitting out five seconds.
/// It can only shorten the wait, and anything but a number of milliseconds
/// is ignored.
pub(crate) const BUSY_TIMEOUT_ENV: &str = "TOKENCTL_BUSY_TIMEOUT_MS";

/// The wait for another process's write lock: `BUSY_TIMEOUT`, or less when
/// the test hook asks for less.
fn busy_timeout() -> Duration {
    let hook = std::env::var(BUSY_TIMEOUT_ENV)
        .ok()
        .and_then(|ms| ms.trim().parse::<u64>().ok())
        .map(Duration::from_millis);
    shortened(BUSY_TIMEOUT, hook)
}

/// `default`, or `asked` when it is shorter.
fn shortened(default: Duration, asked: Option<Duration>) -> Duration {
    asked.map_or(default, |asked| asked.min(default))
}

/// How much of the file `map_for_reading` maps: all of it, up to SQLite's
/// own limit (SQLITE_MAX_MMAP_SIZE, raised from just under 2 GiB to 1 TiB
/// in `.cargo/config.toml`, so that ten million users' 3.8 GB map whole).
///
/// The pages a mapped command touches count in its peak RSS, although they
/// are the kernel's page cache (clean, shared, dropped under pressure), not
/// memory of its own: a command that touches the whole file shows about
/// the file's size. So only `check` (which reads every page anyway; 0.84x
/// the time at 200k users) and `expiring` (whose window touches most pages:
/// 0.56x the time, peak RSS 9.5 MB -> 73 MB for a 79 MB file at 200k
/// users) map the file; their RSS has no goal. `list` (peak RSS goal
/// < 50 MB at a million users) and the dry run (constant memory) keep
/// SQLite's 2 MiB page cache: a map capped to stay in such a goal gives
/// back only the mapped share of the gain (32 MiB of 79 MB: 0.85x).
const MMAP_SIZE: u64 = 1 << 40;

/// A temporary registry older than this is the leftover of an interrupted
/// `init`, not one being built right now.
const LEFTOVER_AGE: Duration = Duration::from_secs(15 * 60);

const SQLITE_MAGIC: &[u8; 16] = b"SQLite format 3\0";

/// How a command uses the registry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Access {
    /// Opened read-only: no migration, no journal-mode switch, no write.
    ReadOnly,
    /// Read-only, and what is found altered is reported, not refused:
    /// `check`.
    Inspect,
    /// Like `Inspect`, for a copy (`check --backup`, a backup just taken, a
    /// backup to restore): the witness may be ahead of it, not diverged.
    InspectCopy,
    ReadWrite,
    /// A verified copy just put back by `restore`: the witness is moved
    /// back to it, on purpose, by its first write.
    Restore,
}

impl Access {
    fn writes(self) -> bool {
        matches!(self, Access::ReadWrite | Access::Restore)
    }

    fn inspects(self) -> bool {
        matches!(self, Access::Inspect | Access::InspectCopy)
    }
}

/// Something `check` must report that was found while opening.
#[derive(Debug, Clone)]
pub(crate) struct OpenFinding {
    pub(crate) kind: &'static str,
    pub(crate) message: Msg,
}

/// An open registry, handed to commands. The connection is private: commands
/// read in `read` snapshots and write in `write` transactions.
pub(crate) struct Store {
    conn: Connection,
    path: PathBuf,
    version: u32,
    mode: Mode,
    key_file: Option<KeyFile>,
    key: Option<RegistryKey>,
    /// The key file was created by this open (a schema-1 registry upgraded).
    key_created: bool,
    registry_id: Option<RegistryId>,
    /// What `check` reports that was found at open.
    open_findings: Vec<OpenFinding>,
    /// Notes for stderr: an upgrade done, a witness that could not be written.
    notes: RefCell<Vec<Msg>>,
    /// Whether writes move the witness (not while `init` builds the file).
    witnessed: bool,
    access: Access,
    /// For a copy: how many audit rows its witness is ahead of it.
    witness_ahead: Option<u64>,
}

/// A transaction on the registry: a read snapshot or a write under the
/// write lock. Typed queries in `store::*` take it; it gives out no
/// connection.
pub(crate) struct Tx<'s> {
    conn: &'s Connection,
    store: &'s Store,
    /// Present when rows are verified and MAC'd (see `auth`).
    auth: Option<TxAuth>,
    /// A key other than the store's: `rekey` writes under the new key in
    /// the transaction that verified everything under the old one.
    key_override: Option<&'s RegistryKey>,
}

impl<'s> Tx<'s> {
    /// The registry key, which every command that reads a secret or writes
    /// was opened with.
    pub(crate) fn key(&self) -> Result<&'s RegistryKey> {
        if let Some(key) = self.key_override {
            return Ok(key);
        }
        self.store.key.as_ref().ok_or_else(|| Error::KeyFile {
            path: crate::crypto::key::default_path(),
            reason: Msg::KeyNeeded,
        })
    }

    pub(crate) fn version(&self) -> u32 {
        self.store.version
    }

    /// A second read-only connection to the registry, reading the snapshot
    /// this transaction reads, for work another thread can do beside this
    /// one: a write committed meanwhile is seen by neither. `None` when that
    /// cannot be had; the caller then does the work here.
    ///
    /// With frames in the WAL, the reader opens this transaction's snapshot
    /// (`sqlite3_snapshot_open`). Without (an empty WAL, or a registry not in
    /// WAL mode), there is no snapshot to take: this transaction reads the
    /// database file alone, and its read lock keeps any checkpoint (or, out
    /// of WAL mode, any writer) from changing that file, so the reader reads
    /// the same state if it too finds no frame when it starts.
    pub(crate) fn same_snapshot_reader(&self) -> Option<Connection> {
        let reader = Connection::open_with_flags(&self.store.path, FIRST_LOOK).ok()?;
        reader.busy_timeout(busy_timeout()).ok()?;
        let mapped: i64 = self
            .conn
            .query_row("PRAGMA mmap_size", [], |r| r.get(0))
            .ok()?;
        reader
            .execute_batch(&format!("PRAGMA mmap_size = {mapped};"))
            .ok()?;
        // The reader must have read the file once to know it is in WAL
        // mode, and be inside a transaction that has not read yet.
        let touch = |conn: &Connection| {
            conn.query_row("SELECT count(*) FROM sqlite_schema", [], |_| Ok(()))
                .ok()
        };
        touch(&reader)?;
        reader.execute_batch("BEGIN").ok()?;
        touch(self.conn)?;
        match Snapshot::of(self.conn) {
            Some(snapshot) => snapshot.open_on(&reader).then_some(reader),
            None => {
                touch(&reader)?;
                Snapshot::of(&reader).is_none().then_some(reader)
            }
        }
    }
}

/// The state an open read transaction reads, as SQLite can hand it to
/// another connection (a build with `SQLITE_ENABLE_SNAPSHOT`).
struct Snapshot(*mut rusqlite::ffi::sqlite3_snapshot);

impl Snapshot {
    /// `None` when `conn` reads no frame of the WAL (SQLite has then no
    /// snapshot to give), or is not in a read transaction in WAL mode.
    fn of(conn: &Connection) -> Option<Snapshot> {
        use rusqlite::ffi;
        let mut snapshot: *mut ffi::sqlite3_snapshot = std::ptr::null_mut();
        // SAFETY: `conn.handle()` is a live connection used on this thread
        // only; SQLite allocates the snapshot when it returns OK, and it is
        // freed once, by `Drop`.
        let rc = unsafe {
            ffi::sqlite3_snapshot_get(conn.handle(), c"main".as_ptr(), &raw mut snapshot)
        };
        (rc == ffi::SQLITE_OK && !snapshot.is_null()).then_some(Snapshot(snapshot))
    }

    /// Makes `reader`, inside a transaction that has not read yet, read
    /// this snapshot.
    fn open_on(&self, reader: &Connection) -> bool {
        use rusqlite::ffi;
        // SAFETY: `reader.handle()` is a live connection used on this
        // thread only; the snapshot is live until `Drop`.
        let rc = unsafe { ffi::sqlite3_snapshot_open(reader.handle(), c"main".as_ptr(), self.0) };
        rc == ffi::SQLITE_OK
    }
}

impl Drop for Snapshot {
    fn drop(&mut self) {
        // SAFETY: allocated by `sqlite3_snapshot_get`, freed only here.
        unsafe { rusqlite::ffi::sqlite3_snapshot_free(self.0) }
    }
}

/// A registry being built, not yet at its path. Dropping it deletes it.
pub(crate) struct NewRegistry {
    // Field order matters: the connection closes (removing its WAL) before
    // the temporary file is deleted.
    pub(crate) store: Store,
    file: tempfile::NamedTempFile,
    target: PathBuf,
}

impl NewRegistry {
    /// Moves the finished registry to its path, unless something appeared
    /// there meanwhile.
    pub(crate) fn persist(self) -> Result<()> {
        let NewRegistry {
            mut store,
            file,
            target,
        } = self;
        // Put the header (application_id, schema version) into the main
        // file, so the byte-level check at open sees it, and close.
        store
            .conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        let position = store.read(|tx| {
            let state = tx.state()?;
            store.position_in(tx.conn, &state)
        })?;
        let key = store.key.take();
        drop(store);
        file.persist_noclobber(&target).map_err(|e| {
            if e.error.kind() == std::io::ErrorKind::AlreadyExists {
                Error::AlreadyExists {
                    path: target.clone(),
                }
            } else {
                Error::io(
                    Msg::CannotCreate {
                        path: target.display().to_string(),
                    },
                    e.error,
                )
            }
        })?;
        // Only a registry that exists has a position to witness.
        if let Some(key) = &key {
            witness::record(key, &position, false)?;
        }
        Ok(())
    }
}

/// What the first, read-only look at a registry found.
struct FirstLook {
    conn: Connection,
    version: u32,
    marks: meta::Marks,
}

impl Store {
    /// Creates a new registry for `path`, readable by its owner only, with
    /// a new registry ID and every seal and MAC under `key_file`. It is
    /// built under a temporary name beside `path` and only appears there
    /// when `NewRegistry::persist` moves it into place, never over an
    /// existing file: an interrupted `init` leaves no half-built registry
    /// (and the next `init` removes what an interrupted one left). A
    /// directory on a network file system is refused first (`netfs`).
    pub(crate) fn create(path: &Path, key_file: KeyFile, mode: Mode) -> Result<NewRegistry> {
        if std::fs::symlink_metadata(path).is_ok() {
            return Err(Error::AlreadyExists {
                path: path.to_path_buf(),
            });
        }
        let parent = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        netfs::refuse_new(path)?;
        crate::io::files::create_private_dir(parent)?;
        remove_leftovers(parent, SystemTime::now());
        // tempfile creates the file with mode 0600 on Unix.
        let file = tempfile::Builder::new()
            .prefix(LEFTOVER_PREFIX)
            .suffix(".db")
            .tempfile_in(parent)
            .map_err(|e| {
                Error::io(
                    Msg::CannotCreateRegistryIn {
                        dir: parent.display().to_string(),
                    },
                    e,
                )
            })?;
        let id = crate::crypto::key::new_registry_id()?;
        let mut store = Store::bare(Connection::open(file.path())?, path, 0);
        store.key = Some(key_file.bind(Binding::Registry(id)));
        store.key_file = Some(key_file);
        store.registry_id = Some(id);
        store.mode = mode;
        store.witnessed = false;
        store.configure(false)?;
        upgrade::create_schema(&mut store, id, mode)?;
        Ok(NewRegistry {
            store,
            file,
            target: path.to_path_buf(),
        })
    }

    fn bare(conn: Connection, path: &Path, version: u32) -> Store {
        Store {
            conn,
            path: path.to_path_buf(),
            version,
            mode: Mode::Live,
            key_file: None,
            key: None,
            key_created: false,
            registry_id: None,
            open_findings: Vec::new(),
            notes: RefCell::new(Vec::new()),
            witnessed: true,
            access: Access::ReadWrite,
            witness_ahead: None,
        }
    }

    /// Opens an existing registry (the module's doc gives the steps).
    /// `ReadOnly` and `Inspect` change nothing in the file; `ReadWrite`
    /// upgrades an older schema. With a key, the key must be the
    /// registry's. With `clock_fixed`, a write to a live registry is
    /// refused before anything is written.
    pub(crate) fn open(
        path: &Path,
        access: Access,
        key_file: Option<&Path>,
        clock_fixed: bool,
    ) -> Result<Store> {
        let (conn, wal) = open_sniffed(path)?;
        if access.writes() {
            netfs::refuse(path, path)?;
        }
        let look = first_look(conn, path)?;
        let mut store = Store::bare(look.conn, path, look.version);
        store.access = access;
        store.mode = look.marks.recorded_mode()?;
        let writes = access.writes();
        if writes && clock_fixed && store.mode == Mode::Live {
            return Err(Error::FixedClockOnLive);
        }
        if let Some(key_path) = key_file {
            store.bind_key(key_path, &look.marks, access, clock_fixed)?;
            store.refuse_legacy_under_a_guarding_key(key_path, access)?;
        }
        if writes {
            store.reconnect_for_writing()?;
        }
        store.configure(wal || !writes)?;
        if writes && store.version < SCHEMA_VERSION {
            upgrade::upgrade(&mut store)?;
        }
        Ok(store)
    }

    /// Step 3: the key file must be the registry's key, its marks must
    /// verify, and it must stand where its witness says.
    fn bind_key(
        &mut self,
        key_path: &Path,
        marks: &meta::Marks,
        access: Access,
        clock_fixed: bool,
    ) -> Result<()> {
        if self.version < 2 {
            return self.bind_schema1(key_path, access.writes() && !clock_fixed);
        }
        let file = KeyFile::load(key_path).map_err(|e| match (e, marks.fingerprint()) {
            // Say which key is missing, so the right backup is found.
            (
                Error::KeyFile {
                    path,
                    reason: Msg::NoKeyFile,
                },
                Some(expected),
            ) => Error::KeyFile {
                path,
                reason: Msg::NoKeyFileFor {
                    expected: expected.chars().take(40).collect(),
                },
            },
            (e, _) => e,
        })?;
        let inspect = access.inspects();
        match marks.fingerprint() {
            // `check` reports the missing mark with the others.
            None if inspect => {}
            None => {
                return Err(auth::altered(Msg::MarkMissing {
                    name: meta::FINGERPRINT.to_string(),
                }));
            }
            Some(recorded) if recorded != file.fingerprint() => {
                return Err(Error::KeyFile {
                    path: key_path.to_path_buf(),
                    reason: Msg::KeyNotTheRegistrys {
                        expected: recorded.chars().take(40).collect(),
                        found: file.fingerprint().to_string(),
                    },
                });
            }
            Some(_) => {}
        }
        let verdict = if self.version < AUTHENTICATED_SCHEMA {
            self.bind_legacy(&file, marks)
        } else {
            self.bind_current(&file, marks, access)
        };
        self.key_file = Some(file);
        match verdict {
            // `check` reports what is altered instead of refusing it.
            Err(Error::Altered(message)) if inspect => {
                let kind = match message {
                    Msg::ModeMarkAltered { .. } => "mode",
                    Msg::MarkMissing { .. } | Msg::MarkAltered { .. } => "key",
                    _ => "rollback",
                };
                self.open_findings.push(OpenFinding { kind, message });
                Ok(())
            }
            other => other,
        }
    }

    /// A registry from before registry IDs (schema 1 or 2) carries nothing
    /// that ties it to one registry: under a key file that already guards a
    /// current registry (its witness lists one), it cannot be told from a
    /// file someone forged from pieces (rows are not MAC'd before the
    /// upgrade), and upgrading it would bless them. Refused (exit 9; a
    /// finding for `check`) unless `TOKENCTL_UPGRADE_LEGACY=1` says it is a
    /// registry of one's own not yet upgraded.
    fn refuse_legacy_under_a_guarding_key(
        &mut self,
        key_path: &Path,
        access: Access,
    ) -> Result<()> {
        if self.version >= AUTHENTICATED_SCHEMA || self.key_created {
            return Ok(());
        }
        let allowed = legacy_upgrade_allowed(std::env::var(UPGRADE_LEGACY_ENV).ok().as_deref());
        if allowed || !witness::lists_any(key_path) {
            return Ok(());
        }
        let message = Msg::LegacyUnderGuardingKey {
            version: self.version,
            key: key_path.display().to_string(),
        };
        if access.inspects() {
            self.open_findings.push(OpenFinding {
                kind: "key",
                message,
            });
            return Ok(());
        }
        Err(Error::Altered(message))
    }

    /// Schema 1 predates the key: a writer creates the key file if there is
    /// none (the upgrade seals under it).
    fn bind_schema1(&mut self, key_path: &Path, may_create: bool) -> Result<()> {
        let (file, created) = if may_create {
            KeyFile::load_or_create(key_path)?
        } else {
            (KeyFile::load(key_path)?, false)
        };
        self.key_created = created;
        self.key = Some(file.bind(Binding::Legacy));
        self.key_file = Some(file);
        Ok(())
    }

    /// Schema 2: sealed and chained under the legacy subkeys.
    fn bind_legacy(&mut self, file: &KeyFile, marks: &meta::Marks) -> Result<()> {
        let key = file.bind(Binding::Legacy);
        let mode = marks.verified_legacy_mode(&key);
        self.key = Some(key);
        self.mode = mode?;
        Ok(())
    }

    /// The current schema: the subkeys bound to the registry's ID, every
    /// mark verified (`check` verifies them itself, `inspect`), and the
    /// registry where its witness says.
    fn bind_current(&mut self, file: &KeyFile, marks: &meta::Marks, access: Access) -> Result<()> {
        let Some(id) = marks.registry_id()? else {
            return Err(auth::altered(Msg::MarkMissing {
                name: meta::REGISTRY_ID.to_string(),
            }));
        };
        self.registry_id = Some(id);
        self.key = Some(file.bind(Binding::Registry(id)));
        let key = self.key.as_ref().expect("just bound");
        match marks.verify(key) {
            Ok(verified) => {
                self.mode = verified.mode;
                match access {
                    // Going back on purpose: the restore moves the witness.
                    Access::Restore => Ok(()),
                    _ => self.check_witness(access == Access::InspectCopy),
                }
            }
            Err(_) if access.inspects() => Ok(()),
            Err(e) => Err(e),
        }
    }

    /// Refuses a registry behind or beside its witness (exit 9). The witness
    /// is read first and the registry after it, in one snapshot: another
    /// process committing in between leaves the registry ahead of what was
    /// read, never behind it.
    fn check_witness(&mut self, copy: bool) -> Result<()> {
        let key = self.key.as_ref().expect("bound");
        let Some(recorded) = witness::recorded(key, &self.registry_id.expect("bound"))? else {
            return Ok(());
        };
        let snapshot = self.conn.unchecked_transaction()?;
        let state = meta::read_marks(&snapshot, self.version)?
            .verify(key)?
            .state;
        let verdict = self.standing_in(&snapshot, &state, &recorded);
        drop(snapshot);
        match verdict {
            Err(Error::Altered(Msg::RegistryBehindWitness { .. }))
                if copy && state.seq < recorded.seq =>
            {
                self.witness_ahead = Some(
                    recorded.audit_len.saturating_sub(
                        audit_end(&self.conn)
                            .map(|(len, _)| len)
                            .unwrap_or_default(),
                    ),
                );
                Ok(())
            }
            other => other,
        }
    }

    /// The registry (its `state`, read on `conn`) against the witness's
    /// `recorded` position: behind or diverged is exit 9.
    fn standing_in(&self, conn: &Connection, state: &State, recorded: &Position) -> Result<()> {
        let now = self.position_in(conn, state)?;
        let standing = witness::standing(&now, recorded, |n| audit_mac_at(conn, n))?;
        match standing {
            Standing::Current => Ok(()),
            Standing::Behind => Err(Error::Altered(Msg::RegistryBehindWitness {
                registry: now.describe(),
                witness: recorded.describe(),
            })),
            Standing::Diverged => Err(Error::Altered(Msg::RegistryDivergedFromWitness {
                registry: now.describe(),
                witness: recorded.describe(),
            })),
        }
    }

    /// Inside a write transaction, under the write lock: the registry must
    /// still stand where the witness says. The check at open is not enough:
    /// the file may be replaced while a command waits at a prompt.
    fn check_witness_locked(&self, tx: &Tx<'_>) -> Result<()> {
        if !tx.authenticated() || self.access == Access::Restore {
            return Ok(());
        }
        let (Some(key), Some(id)) = (&self.key, self.registry_id) else {
            return Ok(());
        };
        let Some(recorded) = witness::recorded(key, &id)? else {
            return Ok(());
        };
        self.standing_in(tx.conn, &tx.state()?, &recorded)
    }

    /// The registry's position: its state and its audit chain's end, read
    /// on `conn` (inside the caller's transaction, if any).
    fn position_in(&self, conn: &Connection, state: &State) -> Result<Position> {
        let (audit_len, audit_head) = audit_end(conn)?;
        Ok(Position {
            registry_id: self.registry_id.unwrap_or_default(),
            seq: state.seq,
            audit_len,
            audit_head,
            root: state.root,
        })
    }

    /// Step 4 for writers: a read-write connection in place of the first
    /// look's.
    fn reconnect_for_writing(&mut self) -> Result<()> {
        let conn =
            Connection::open_with_flags(&self.path, WRITER).map_err(|e| Error::Registry {
                path: self.path.clone(),
                reason: Msg::CannotOpen {
                    detail: e.to_string(),
                },
            })?;
        self.conn = conn;
        Ok(())
    }

    /// Per-connection settings. WAL mode is recorded in the file itself, so
    /// it is only switched on when the header says it is not on yet (and
    /// never by a read-only command). The page cache stays at SQLite's
    /// default (2 MiB), which keeps a full `list` of a million users small;
    /// bulk writers raise it.
    ///
    /// Plans do not depend on bound values (SQLite's query-planner stability
    /// guarantee). Without it SQLite marks the parameters of index and join
    /// lookups as plan-relevant, and rusqlite's statement cache, which
    /// clears bindings when a statement is returned, made SQLite recompile
    /// such a statement at every use: 40% of a bulk revoke went to the
    /// parser. Our queries are plain index lookups whose best plan does not
    /// change with the values.
    fn configure(&self, keep_journal_mode: bool) -> Result<()> {
        self.conn.busy_timeout(busy_timeout())?;
        self.conn
            .set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true)?;
        if !keep_journal_mode {
            self.conn
                .query_row("PRAGMA journal_mode = WAL", [], |_| Ok(()))?;
        }
        self.conn.execute_batch(
            "PRAGMA foreign_keys = ON;
             PRAGMA synchronous = NORMAL;",
        )?;
        Ok(())
    }

    /// A larger page cache for imports of many rows (index inserts hit
    /// pages all over the B-trees).
    pub(crate) fn prepare_for_bulk_writes(&self) -> Result<()> {
        self.conn.execute_batch("PRAGMA cache_size = -65536;")?;
        Ok(())
    }

    /// Reads the file through a memory map instead of 4 KiB `pread`s into
    /// SQLite's 2 MiB page cache, for the read-only commands that pay for it
    /// (see `MMAP_SIZE`). A writer's connection is left as it is.
    pub(crate) fn map_for_reading(&self) -> Result<()> {
        if !self.access.writes() {
            self.conn
                .execute_batch(&format!("PRAGMA mmap_size = {MMAP_SIZE};"))?;
        }
        Ok(())
    }

    pub(crate) fn mode(&self) -> Mode {
        self.mode
    }

    /// The path of a key file created by this open, to tell the user to
    /// back it up.
    pub(crate) fn created_key_file(&self) -> Option<&Path> {
        self.key
            .as_ref()
            .filter(|_| self.key_created)
            .map(RegistryKey::path)
    }

    /// Notes for stderr gathered while the registry was used: an upgrade, a
    /// witness that could not be written.
    pub(crate) fn take_notes(&self) -> Vec<Msg> {
        self.notes.take()
    }

    pub(crate) fn open_findings(&self) -> &[OpenFinding] {
        &self.open_findings
    }

    pub(crate) fn registry_id(&self) -> Option<RegistryId> {
        self.registry_id
    }

    #[cfg(test)]
    pub(crate) fn schema_version(&self) -> Result<u32> {
        schema_version(&self.conn)
    }

    fn tx<'s>(&'s self, conn: &'s Connection) -> Tx<'s> {
        let authenticated = self.version >= AUTHENTICATED_SCHEMA
            && self
                .key
                .as_ref()
                .is_some_and(|k| matches!(k.binding(), Binding::Registry(_)));
        Tx {
            conn,
            store: self,
            auth: authenticated.then(TxAuth::default),
            key_override: None,
        }
    }

    /// Runs `f` on one consistent read snapshot.
    pub(crate) fn read<T>(&self, f: impl FnOnce(&Tx<'_>) -> Result<T>) -> Result<T> {
        let tx = self.conn.unchecked_transaction()?;
        let value = f(&self.tx(&tx))?;
        tx.finish()?;
        Ok(value)
    }

    /// Runs `f` in one IMMEDIATE transaction: it commits only if `f`
    /// succeeds, and every decision `f` takes reads rows under the write lock.
    pub(crate) fn write<T>(&mut self, f: impl FnOnce(&Tx<'_>) -> Result<T>) -> Result<T> {
        self.write_then(|tx| f(tx).map(|value| (Commit::Yes, value)))
    }

    /// Like `write`, but `f` decides whether to commit: a verification that
    /// fails commits its failure count and audit row, and nothing else.
    pub(crate) fn write_then<T>(
        &mut self,
        f: impl FnOnce(&Tx<'_>) -> Result<(Commit, T)>,
    ) -> Result<T> {
        let tx = Transaction::new_unchecked(&self.conn, TransactionBehavior::Immediate)?;
        let changes_before = tx.total_changes();
        let t = self.tx(&tx);
        self.check_witness_locked(&t)?;
        let (commit, value) = f(&t)?;
        // A write that changed nothing leaves the file, state and witness
        // as they were.
        let commit = if tx.total_changes() == changes_before {
            Commit::No
        } else {
            commit
        };
        if commit == Commit::No {
            drop(t);
            tx.rollback()?;
            return Ok(value);
        }
        let position = match t.finish()? {
            Some(state) => Some(self.position_in(&tx, &state)?),
            None => None,
        };
        drop(t);
        tx.commit()?;
        if let Some(position) = position {
            self.record_witness(&position, self.access == Access::Restore);
        }
        Ok(value)
    }

    /// Records where the registry now stands; a failure to is a note (the
    /// write itself is done).
    fn record_witness(&self, position: &Position, force: bool) {
        let Some(key) = self.key.as_ref().filter(|_| self.witnessed) else {
            return;
        };
        if let Err(e) = witness::record(key, position, force) {
            self.notes.borrow_mut().push(e.message());
        }
    }
}

/// Step 1: the file's header, read as bytes. Returns whether it is in WAL
/// mode.
fn sniff(path: &Path) -> Result<bool> {
    let unusable = |reason: Msg| Error::Registry {
        path: path.to_path_buf(),
        reason,
    };
    let header = check_header(path).map_err(unusable)?;
    refuse_version(header.version).map_err(unusable)?;
    Ok(header.wal)
}

/// Steps 1 and 2 share one open of the file: SQLite opens it read-only
/// (which reads nothing but its header and creates nothing beside it until
/// a statement runs), and step 1 reads the header through SQLite's own file
/// handle before any statement runs. Anything unusual (the file missing, a
/// directory, unreadable, short) is left to `sniff`, which says why.
fn open_sniffed(path: &Path) -> Result<(Connection, bool)> {
    let opened = Connection::open_with_flags(path, FIRST_LOOK);
    let (conn, header) = match opened {
        Ok(conn) => match header_of(&conn) {
            Some(header) => (conn, header),
            None => {
                drop(conn);
                return sniff(path).and_then(|_| Err(cannot_open(path, "short read")));
            }
        },
        Err(e) => {
            sniff(path)?;
            return Err(cannot_open(path, &e.to_string()));
        }
    };
    let unusable = |reason: Msg| Error::Registry {
        path: path.to_path_buf(),
        reason,
    };
    let header = parse_header(&header).map_err(unusable)?;
    refuse_version(header.version).map_err(unusable)?;
    Ok((conn, header.wal))
}

/// The flags of the first look's connection, and of a writer's: one
/// thread uses each connection, so SQLite's own mutex is not needed.
const FIRST_LOOK: OpenFlags =
    OpenFlags::SQLITE_OPEN_READ_ONLY.union(OpenFlags::SQLITE_OPEN_NO_MUTEX);
const WRITER: OpenFlags = OpenFlags::SQLITE_OPEN_READ_WRITE.union(OpenFlags::SQLITE_OPEN_NO_MUTEX);

fn cannot_open(path: &Path, detail: &str) -> Error {
    Error::Registry {
        path: path.to_path_buf(),
        reason: Msg::CannotOpen {
            detail: detail.to_string(),
        },
    }
}

/// The first 100 bytes of the database file `conn` has open, read through
/// SQLite's own handle of it (`SQLITE_FCNTL_FILE_POINTER`): no second open
/// of the file, and no journal, WAL or shared memory touched. `None` when
/// they cannot be read whole.
fn header_of(conn: &Connection) -> Option<[u8; 100]> {
    use rusqlite::ffi;
    let mut file: *mut ffi::sqlite3_file = std::ptr::null_mut();
    let mut header = [0u8; 100];
    // SAFETY: `conn.handle()` is this live connection, used on this thread
    // only. FILE_POINTER stores the main database's `sqlite3_file` (owned
    // by SQLite, valid while the connection is open) in `file`; it is only
    // read from, with its own `xRead`, into a buffer of the length given.
    let read = unsafe {
        let rc = ffi::sqlite3_file_control(
            conn.handle(),
            c"main".as_ptr(),
            ffi::SQLITE_FCNTL_FILE_POINTER,
            (&raw mut file).cast(),
        );
        if rc != ffi::SQLITE_OK {
            return None;
        }
        // No file (an in-memory database) or no methods to read it with.
        if file.is_null() || (*file).pMethods.is_null() {
            return None;
        }
        let x_read = (*(*file).pMethods).xRead?;
        x_read(file, header.as_mut_ptr().cast(), header.len() as i32, 0)
    };
    (read == ffi::SQLITE_OK).then_some(header)
}

/// Step 2: a first, read-only look. The header may predate a write still in
/// the WAL, and the pragmas are authoritative. A read-only connection never
/// checkpoints, so a refused file stays as it was.
fn first_look(conn: Connection, path: &Path) -> Result<FirstLook> {
    let unusable = |reason: Msg| Error::Registry {
        path: path.to_path_buf(),
        reason,
    };
    conn.busy_timeout(busy_timeout())?;
    // One read transaction for the three reads: one snapshot, and one
    // round of locking instead of three.
    conn.execute_batch("BEGIN")?;
    let app_id: u32 = conn
        .query_row("PRAGMA application_id", [], |r| r.get::<_, i64>(0))
        .map(|v| v as u32)?;
    if app_id != APPLICATION_ID {
        return Err(unusable(Msg::NotARegistry));
    }
    let version = schema_version(&conn)?;
    refuse_version(version).map_err(unusable)?;
    let marks = meta::read_marks(&conn, version)?;
    conn.execute_batch("COMMIT")?;
    Ok(FirstLook {
        conn,
        version,
        marks,
    })
}

/// The audit chain's length (its last row's id) and head (that row's MAC).
fn audit_end(conn: &Connection) -> Result<(u64, [u8; 32])> {
    let last: Option<(i64, Option<Vec<u8>>)> = conn
        .prepare_cached("SELECT id, mac FROM audit ORDER BY id DESC LIMIT 1")?
        .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    Ok(match last {
        None => (0, [0; 32]),
        Some((id, mac)) => (
            id.max(0) as u64,
            mac.and_then(|m| m.try_into().ok()).unwrap_or([0; 32]),
        ),
    })
}

/// The MAC of audit row `n`, if there is one.
fn audit_mac_at(conn: &Connection, n: u64) -> Result<Option<[u8; 32]>> {
    let mac: Option<Option<Vec<u8>>> = conn
        .prepare_cached("SELECT mac FROM audit WHERE id = ?1")?
        .query_row([n as i64], |r| r.get(0))
        .optional()?;
    Ok(mac.flatten().and_then(|m| m.try_into().ok()))
}

/// Whether an insert failed on a UNIQUE constraint (a duplicate).
pub(crate) fn is_unique_violation(e: &Error) -> bool {
    matches!(
        e,
        Error::Sqlite(rusqlite::Error::SqliteFailure(f, _))
            if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
    )
}

/// Whether `Store::write_then` commits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Commit {
    Yes,
    No,
}

/// Whether `TOKENCTL_UPGRADE_LEGACY` (its value, if set) allows a legacy
/// registry to be upgraded under a key that guards another: only `1`.
fn legacy_upgrade_allowed(value: Option<&str>) -> bool {
    value.is_some_and(|v| v.trim() == "1")
}

fn schema_version(conn: &Connection) -> Result<u32> {
    Ok(conn.query_row("PRAGMA user_version", [], |r| r.get::<_, u32>(0))?)
}

fn refuse_version(version: u32) -> std::result::Result<(), Msg> {
    if version > SCHEMA_VERSION {
        return Err(Msg::NewerSchema {
            version,
            supported: SCHEMA_VERSION,
        });
    }
    if version == 0 {
        // `create` records the version in the same transaction as the
        // schema, so a marked file without one is damaged or not ours.
        return Err(Msg::NoSchemaVersion);
    }
    Ok(())
}

const LEFTOVER_PREFIX: &str = ".tokenctl-new-";

/// Removes registries an interrupted `init` left in `dir` (older than
/// `LEFTOVER_AGE` at `now`, so not another `init` at work).
fn remove_leftovers(dir: &Path, now: SystemTime) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if !name.starts_with(LEFTOVER_PREFIX) {
            continue;
        }
        let old = entry
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| now.duration_since(t).ok())
            .is_some_and(|age| age > LEFTOVER_AGE);
        if old {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// What the first 100 bytes of a tokenctl registry say.
#[derive(Debug, PartialEq, Eq)]
struct Header {
    version: u32,
    wal: bool,
}

/// Reads the SQLite header of `path` without opening it for writing and
/// returns what it records, or why the file is not ours.
fn check_header(path: &Path) -> std::result::Result<Header, Msg> {
    let cannot_read = |e: std::io::Error| Msg::CannotReadWith {
        error: OsError::from(&e),
    };
    let metadata = std::fs::metadata(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => Msg::NoRegistryHere,
        _ => cannot_read(e),
    })?;
    if metadata.is_dir() {
        return Err(Msg::IsADirectory);
    }
    let mut header = [0u8; 100];
    let mut file = std::fs::File::open(path).map_err(cannot_read)?;
    match file.read_exact(&mut header) {
        Ok(()) => parse_header(&header),
        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => Err(Msg::NotARegistry),
        Err(e) => Err(cannot_read(e)),
    }
}

/// What a SQLite header says, or why the file is not a tokenctl registry.
fn parse_header(header: &[u8; 100]) -> std::result::Result<Header, Msg> {
    if &header[..16] != SQLITE_MAGIC {
        return Err(Msg::NotARegistry);
    }
    let application_id = u32::from_be_bytes(header[68..72].try_into().expect("4 bytes"));
    if application_id != APPLICATION_ID {
        return Err(Msg::NotARegistry);
    }
    Ok(Header {
        version: u32::from_be_bytes(header[60..64].try_into().expect("4 bytes")),
        // File format read/write versions 2 mean WAL mode.
        wal: header[18] == 2 && header[19] == 2,
    })
}

/// The default registry path: `registry.db` in the platform's data directory.
pub(crate) fn default_path() -> PathBuf {
    dirs::data_dir()
        .unwrap_or_else(|| PathBuf::from("."))
        .join("tokenctl")
        .join("registry.db")
}

/// An instant as the registry keeps it (Unix seconds, UTC), turned into a
/// `DateTime<Utc>` where it is read: commands and rules never see the
/// integer. A value chrono cannot represent is damage (exit 8, like any
/// value that does not convert), never a silent 1970.
pub(crate) fn instant_at(
    row: &rusqlite::Row<'_>,
    column: usize,
) -> rusqlite::Result<Option<DateTime<Utc>>> {
    row.get::<_, Option<i64>>(column)?
        .map(|unix| {
            DateTime::from_timestamp(unix, 0).ok_or_else(|| {
                rusqlite::Error::FromSqlConversionFailure(
                    column,
                    rusqlite::types::Type::Integer,
                    format!("bad instant {unix} in registry").into(),
                )
            })
        })
        .transpose()
}

/// Like `instant_at`, for a column that is never NULL.
pub(crate) fn required_instant_at(
    row: &rusqlite::Row<'_>,
    column: usize,
) -> rusqlite::Result<DateTime<Utc>> {
    instant_at(row, column)?.ok_or(rusqlite::Error::InvalidColumnType(
        column,
        "instant".to_string(),
        rusqlite::types::Type::Null,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::store::testing::fixture;

    fn test_key(dir: &tempfile::TempDir) -> KeyFile {
        KeyFile::load_or_create(&dir.path().join("registry.key"))
            .unwrap()
            .0
    }

    #[test]
    fn the_busy_timeout_hook_only_shortens_the_wait() {
        let five = Duration::from_secs(5);
        assert_eq!(shortened(five, None), five);
        assert_eq!(
            shortened(five, Some(Duration::from_millis(50))),
            Duration::from_millis(50)
        );
        assert_eq!(shortened(five, Some(Duration::from_secs(60))), five);
    }

    #[test]
    fn the_wait_is_five_seconds_unless_a_test_asks_for_less() {
        if std::env::var_os(BUSY_TIMEOUT_ENV).is_none() {
            assert_eq!(busy_timeout(), BUSY_TIMEOUT);
        }
        assert_eq!(BUSY_TIMEOUT, Duration::from_secs(5));
    }

    #[test]
    fn only_writers_write_and_only_check_inspects() {
        use Access::*;
        for (access, writes, inspects) in [
            (ReadOnly, false, false),
            (Inspect, false, true),
            (InspectCopy, false, true),
            (ReadWrite, true, false),
            (Restore, true, false),
        ] {
            assert_eq!(access.writes(), writes, "{access:?}");
            assert_eq!(access.inspects(), inspects, "{access:?}");
        }
    }

    /// The leftover of an interrupted `init` goes after 15 minutes; one
    /// younger may be an `init` still running.
    #[test]
    fn leftovers_of_an_interrupted_init_go_after_fifteen_minutes() {
        let dir = tempfile::tempdir().unwrap();
        let now = SystemTime::now();
        let aged = |name: &str, age: Duration| {
            let path = dir.path().join(name);
            let file = std::fs::File::create(&path).unwrap();
            file.set_modified(now - age).unwrap();
            path
        };
        let minutes = |n: u64| Duration::from_secs(n * 60);
        let running = aged(&format!("{LEFTOVER_PREFIX}running"), minutes(14));
        let just = aged(&format!("{LEFTOVER_PREFIX}just"), LEFTOVER_AGE);
        let interrupted = aged(&format!("{LEFTOVER_PREFIX}interrupted"), minutes(16));
        let other = aged("registry.db.old", minutes(600));
        remove_leftovers(dir.path(), now);
        assert!(running.exists());
        assert!(just.exists(), "fifteen minutes old is not yet older");
        assert!(!interrupted.exists());
        assert!(other.exists(), "only tokenctl's own leftovers");
    }

    /// A live registry runs on the real clock only: a write under a fixed
    /// clock is refused before the key is read; a read is not.
    #[test]
    fn a_fixed_clock_never_writes_a_live_registry() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.db");
        let key_path = dir.path().join("registry.key");
        Store::create(&path, test_key(&dir), Mode::Live)
            .unwrap()
            .persist()
            .unwrap();
        let open = |access, fixed| Store::open(&path, access, Some(&key_path), fixed);
        assert!(matches!(
            open(Access::ReadWrite, true),
            Err(Error::FixedClockOnLive)
        ));
        assert!(matches!(
            open(Access::Restore, true),
            Err(Error::FixedClockOnLive)
        ));
        assert!(open(Access::ReadOnly, true).is_ok());
        assert!(open(Access::ReadWrite, false).is_ok());
    }

    /// A registry made while another appeared at its path is never put over
    /// it.
    #[test]
    fn a_new_registry_never_replaces_a_file_that_appeared_meanwhile() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.db");
        let made = Store::create(&path, test_key(&dir), Mode::Simulation).unwrap();
        std::fs::write(&path, b"someone else's").unwrap();
        assert!(matches!(made.persist(), Err(Error::AlreadyExists { .. })));
        assert_eq!(std::fs::read(&path).unwrap(), b"someone else's");
    }

    #[test]
    fn migrations_are_numbered_from_one_without_gaps() {
        for (i, (number, _)) in MIGRATIONS.iter().enumerate() {
            assert_eq!(*number as usize, i + 1);
        }
    }

    #[test]
    fn create_then_open_round_trips_and_sets_the_header() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.db");
        Store::create(&path, test_key(&dir), Mode::Simulation)
            .unwrap()
            .persist()
            .unwrap();
        assert_eq!(
            check_header(&path),
            Ok(Header {
                version: SCHEMA_VERSION,
                wal: true
            })
        );
        let store = Store::open(
            &path,
            Access::ReadWrite,
            Some(&dir.path().join("registry.key")),
            false,
        )
        .unwrap();
        assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
        assert!(matches!(
            Store::create(&path, test_key(&dir), Mode::Live),
            Err(Error::AlreadyExists { .. })
        ));
    }

    /// Appends an audit row with `detail` (a write that moves the state).
    fn append_audit(store: &mut Store, detail: &str) -> Result<()> {
        store.write(|tx| {
            audit::record(
                tx,
                &crate::clock::Clock::fixed(chrono::Utc::now()),
                "t",
                audit::Action::Init,
                &[],
                audit::Outcome::Ok,
                detail.to_string(),
            )
        })
    }

    /// A registry with one write after its creation, the copy of it from
    /// before that write (yesterday's file), and its key file.
    struct PutBack {
        dir: tempfile::TempDir,
        path: PathBuf,
        key_path: PathBuf,
        yesterday: PathBuf,
    }

    impl PutBack {
        fn new() -> PutBack {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("r.db");
            let key_path = dir.path().join("registry.key");
            Store::create(&path, test_key(&dir), Mode::Simulation)
                .unwrap()
                .persist()
                .unwrap();
            let yesterday = dir.path().join("yesterday.db");
            let mut store = Store::open(&path, Access::ReadWrite, Some(&key_path), false).unwrap();
            store.copy_into(&yesterday).unwrap();
            append_audit(&mut store, "x").unwrap();
            PutBack {
                dir,
                path,
                key_path,
                yesterday,
            }
        }

        fn open(&self, path: &Path, access: Access) -> Result<Store> {
            Store::open(path, access, Some(&self.key_path), false)
        }

        /// Runs SQL on the registry as someone without the key would.
        fn tamper(&self, sql: &str) {
            Connection::open(&self.path)
                .unwrap()
                .execute_batch(sql)
                .unwrap();
        }
    }

    /// Yesterday's file is behind the witness: refused to a command,
    /// reported by `check`, allowed as a copy (a backup is behind by
    /// nature: `witness_ahead` says by how much), and taken back on purpose
    /// by `restore`.
    #[test]
    fn a_registry_behind_its_witness_is_refused_reported_or_taken_as_a_copy() {
        let r = PutBack::new();
        for access in [Access::ReadOnly, Access::ReadWrite] {
            assert!(matches!(
                r.open(&r.yesterday, access),
                Err(Error::Altered(Msg::RegistryBehindWitness { .. }))
            ));
        }
        let checked = r.open(&r.yesterday, Access::Inspect).unwrap();
        let kinds: Vec<&str> = checked.open_findings().iter().map(|f| f.kind).collect();
        assert_eq!(kinds, ["rollback"]);
        assert_eq!(checked.witness_ahead(), None);
        let copy = r.open(&r.yesterday, Access::InspectCopy).unwrap();
        assert!(copy.open_findings().is_empty());
        assert_eq!(copy.witness_ahead(), Some(1), "one audit row behind");
        assert!(r.open(&r.yesterday, Access::Restore).is_ok());
        // The registry itself stands where the witness says.
        let current = r.open(&r.path, Access::Inspect).unwrap();
        assert!(current.open_findings().is_empty());
        assert_eq!(current.witness_ahead(), None);
        assert!(current.registry_id().is_some());
        assert_ne!(current.registry_id(), Some(RegistryId::default()));
    }

    /// A key file that is not the registry's is named as such, with the
    /// fingerprint the registry expects.
    #[test]
    fn another_key_file_is_not_the_registrys() {
        let r = PutBack::new();
        let other = r.dir.path().join("other.key");
        KeyFile::load_or_create(&other).unwrap();
        let opened = Store::open(&r.path, Access::ReadOnly, Some(&other), false);
        assert!(matches!(
            opened,
            Err(Error::KeyFile {
                reason: Msg::KeyNotTheRegistrys { .. },
                ..
            })
        ));
    }

    /// A mark removed or changed without the key: refused to a command;
    /// `check` opens the registry all the same, and its own verification
    /// of the marks reports it.
    #[test]
    fn altered_marks_are_refused_to_a_command_and_left_to_check() {
        let missing = |name: &str| Msg::MarkMissing {
            name: name.to_string(),
        };
        let altered = |name: &str| Msg::MarkAltered {
            name: name.to_string(),
        };
        let flip_mode = format!(
            "UPDATE meta SET value = CASE value WHEN 'simulation' THEN 'live' ELSE 'simulation' END WHERE name = '{}'",
            meta::MODE
        );
        // What `check` verifies itself is not an open finding; without the
        // registry ID, the key cannot even be bound: a finding of its own.
        for (sql, refusal, finding) in [
            (
                format!("DELETE FROM meta WHERE name = '{}'", meta::FINGERPRINT),
                missing(meta::FINGERPRINT),
                None,
            ),
            (flip_mode, altered(meta::MODE), None),
            (
                "UPDATE meta SET mac = zeroblob(32) WHERE name = 'state'".to_string(),
                altered("state"),
                None,
            ),
            (
                format!("DELETE FROM meta WHERE name = '{}'", meta::REGISTRY_ID),
                missing(meta::REGISTRY_ID),
                Some("key"),
            ),
        ] {
            let r = PutBack::new();
            r.tamper(&sql);
            match r.open(&r.path, Access::ReadOnly) {
                Err(Error::Altered(message)) => assert_eq!(message, refusal, "{sql}"),
                other => panic!("{sql}: {:?}", other.map(|_| ())),
            }
            let checked = r.open(&r.path, Access::Inspect).unwrap();
            let found: Vec<(&str, &Msg)> = checked
                .open_findings()
                .iter()
                .map(|f| (f.kind, &f.message))
                .collect();
            let expected: Vec<(&str, &Msg)> =
                finding.map(|kind| (kind, &refusal)).into_iter().collect();
            assert_eq!(found, expected, "{sql}");
        }
        let r = PutBack::new();
        r.tamper(&format!(
            "UPDATE meta SET value = 'x' || value WHERE name = '{}'",
            meta::FINGERPRINT
        ));
        assert!(matches!(
            r.open(&r.path, Access::ReadOnly),
            Err(Error::KeyFile {
                reason: Msg::KeyNotTheRegistrys { .. },
                ..
            })
        ));
    }

    /// A reader takes an older registry as it is; the first writer upgrades
    /// it to the current schema.
    #[test]
    fn an_older_schema_is_read_as_it_is_and_upgraded_by_a_writer() {
        for schema in [2, 3] {
            let (_dir, path, key) = fixture(schema);
            let reader = Store::open(&path, Access::ReadOnly, Some(&key), false).unwrap();
            assert_eq!(reader.schema_version().unwrap(), schema);
            drop(reader);
            let writer = Store::open(&path, Access::ReadWrite, Some(&key), false).unwrap();
            assert_eq!(writer.schema_version().unwrap(), SCHEMA_VERSION);
            let upgraded = if schema < AUTHENTICATED_SCHEMA {
                Msg::RegistryUpgraded {
                    from: schema,
                    to: SCHEMA_VERSION,
                }
            } else {
                Msg::RegistryUpgradedClocks {
                    from: schema,
                    to: SCHEMA_VERSION,
                }
            };
            assert_eq!(writer.take_notes(), [upgraded]);
            assert_eq!(writer.take_notes(), []);
            // Every row verifies against the new tree, and the audit chain
            // under the registry's key.
            let users: Vec<i64> = Connection::open(&path)
                .unwrap()
                .prepare("SELECT id FROM users")
                .unwrap()
                .query_map([], |r| r.get(0))
                .unwrap()
                .collect::<rusqlite::Result<_>>()
                .unwrap();
            assert!(!users.is_empty());
            for id in users {
                writer.read(|tx| tx.verify(&auth::USERS, id)).unwrap();
            }
            let chain = writer
                .read(|tx| audit::verify_chain(tx, tx.key()?, None))
                .unwrap();
            assert!(chain.rows > 0 && chain.findings.is_empty(), "{chain:?}");
        }
    }

    #[test]
    fn only_one_allows_a_legacy_upgrade_under_a_guarding_key() {
        assert!(legacy_upgrade_allowed(Some("1")));
        assert!(legacy_upgrade_allowed(Some(" 1\n")));
        for value in [None, Some(""), Some("0"), Some("yes"), Some("11")] {
            assert!(!legacy_upgrade_allowed(value), "{value:?}");
        }
    }

    /// A file at the witness's state whose audit log lost its last row is
    /// not an older copy (a copy is behind in state too): `check` of a copy
    /// reports it as rolled back.
    #[test]
    fn a_cut_audit_tail_is_not_an_older_copy() {
        let r = PutBack::new();
        r.tamper(
            "DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE id = (SELECT max(id) FROM audit);",
        );
        let copy = r.open(&r.path, Access::InspectCopy).unwrap();
        assert_eq!(copy.witness_ahead(), None);
        let found: Vec<&OpenFinding> = copy.open_findings().iter().collect();
        assert!(
            matches!(
                found[..],
                [OpenFinding {
                    kind: "rollback",
                    message: Msg::RegistryBehindWitness { .. }
                }]
            ),
            "{found:?}"
        );
    }

    /// A restore goes back on purpose: its writes are not refused for
    /// standing behind the witness, and move the witness back.
    #[test]
    fn a_restore_writes_behind_the_witness() {
        let r = PutBack::new();
        let mut restore = r.open(&r.yesterday, Access::Restore).unwrap();
        append_audit(&mut restore, "restored").unwrap();
        drop(restore);
        // The witness follows the restore: the restored file is current,
        // and the file it replaced is no longer.
        assert!(r.open(&r.yesterday, Access::ReadOnly).is_ok());
        assert!(matches!(
            r.open(&r.path, Access::ReadOnly),
            Err(Error::Altered(_))
        ));
    }

    /// An in-memory database has no file to read a header from.
    #[test]
    fn a_database_without_a_file_has_no_header() {
        assert_eq!(header_of(&Connection::open_in_memory().unwrap()), None);
    }

    /// A writer opening a registry of the current schema upgrades nothing:
    /// no note, and the file as it was.
    #[test]
    fn a_current_registry_is_not_upgraded_again() {
        let r = PutBack::new();
        let before = std::fs::read(&r.path).unwrap();
        let writer = r.open(&r.path, Access::ReadWrite).unwrap();
        assert_eq!(writer.take_notes(), []);
        assert_eq!(writer.created_key_file(), None);
        drop(writer);
        assert_eq!(std::fs::read(&r.path).unwrap(), before);
    }

    /// A schema-2 registry without its fingerprint mark is refused to a
    /// command: nothing else there names the key it was sealed under.
    #[test]
    fn a_legacy_registry_without_its_fingerprint_is_refused() {
        let (_dir, path, key) = fixture(2);
        Connection::open(&path)
            .unwrap()
            .execute_batch(&format!(
                "DELETE FROM meta WHERE name = '{}'",
                meta::FINGERPRINT
            ))
            .unwrap();
        match Store::open(&path, Access::ReadOnly, Some(&key), false) {
            Err(Error::Altered(message)) => assert_eq!(
                message,
                Msg::MarkMissing {
                    name: meta::FINGERPRINT.to_string()
                }
            ),
            other => panic!("{:?}", other.map(|_| ())),
        }
        assert!(Store::open(&path, Access::Inspect, Some(&key), false).is_ok());
    }

    /// A writer opening a current registry takes no write lock: it opens
    /// while another process is in the middle of a write.
    #[test]
    fn a_current_registry_opens_for_writing_during_anothers_write() {
        let r = PutBack::new();
        let other = Connection::open(&r.path).unwrap();
        other.execute_batch("BEGIN IMMEDIATE").unwrap();
        let started = std::time::Instant::now();
        assert!(r.open(&r.path, Access::ReadWrite).is_ok());
        assert!(started.elapsed() < Duration::from_secs(2));
        other.execute_batch("ROLLBACK").unwrap();
    }

    /// A schema-1 registry (before the key): only a writer on the real
    /// clock creates the missing key file, and says where.
    #[test]
    fn only_a_writer_on_the_real_clock_creates_a_schema_1_key() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.db");
        let key = dir.path().join("registry.key");
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch("PRAGMA journal_mode = WAL;").unwrap();
        conn.execute_batch(include_str!("../../migrations/0001_init.sql"))
            .unwrap();
        conn.execute_batch("PRAGMA user_version = 1;").unwrap();
        drop(conn);
        for access in [Access::ReadOnly, Access::Inspect] {
            assert!(
                matches!(
                    Store::open(&path, access, Some(&key), false),
                    Err(Error::KeyFile { .. })
                ),
                "{access:?}"
            );
            assert!(!key.exists(), "{access:?}");
        }
        // Schema 1 records no mode: it is live, and a fixed clock writes nothing.
        assert!(matches!(
            Store::open(&path, Access::ReadWrite, Some(&key), true),
            Err(Error::FixedClockOnLive)
        ));
        assert!(!key.exists());
        let writer = Store::open(&path, Access::ReadWrite, Some(&key), false).unwrap();
        assert!(key.exists());
        assert_eq!(writer.created_key_file(), Some(key.as_path()));
        assert_eq!(writer.schema_version().unwrap(), SCHEMA_VERSION);
    }

    /// A new registry is built beside its final path (so that moving it
    /// there is a rename on one file system), even under a bare file name.
    #[test]
    fn a_new_registry_is_built_beside_its_path() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.db");
        let new = Store::create(&path, test_key(&dir), Mode::Simulation).unwrap();
        assert_eq!(new.file.path().parent(), Some(dir.path()));
        assert!(
            new.file
                .path()
                .file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with(LEFTOVER_PREFIX)
        );
    }

    /// A schema-2 registry's mode is MAC'd with the key: flipped, it is
    /// refused to a command and reported by `check` as a mode finding.
    #[test]
    fn a_legacy_mode_changed_without_the_key_is_refused_or_reported() {
        let (_dir, path, key) = fixture(2);
        Connection::open(&path)
            .unwrap()
            .execute_batch("UPDATE meta SET value = 'live' WHERE name = 'mode'")
            .unwrap();
        assert!(matches!(
            Store::open(&path, Access::ReadOnly, Some(&key), false),
            Err(Error::Altered(Msg::ModeMarkAltered { .. }))
        ));
        let checked = Store::open(&path, Access::Inspect, Some(&key), false).unwrap();
        let kinds: Vec<&str> = checked.open_findings().iter().map(|f| f.kind).collect();
        assert_eq!(kinds, ["mode"]);
    }

    /// Under a key file that already guards a current registry, a schema-2
    /// file cannot be told from one forged from pieces: refused (exit 9),
    /// reported by `check` as a key finding.
    #[test]
    fn a_legacy_file_under_a_guarding_key_is_refused_or_reported() {
        let (dir, path, key) = fixture(2);
        Store::create(
            &dir.path().join("current.db"),
            KeyFile::load(&key).unwrap(),
            Mode::Simulation,
        )
        .unwrap()
        .persist()
        .unwrap();
        for access in [Access::ReadOnly, Access::ReadWrite] {
            assert!(matches!(
                Store::open(&path, access, Some(&key), false),
                Err(Error::Altered(Msg::LegacyUnderGuardingKey {
                    version: 2,
                    ..
                }))
            ));
        }
        let checked = Store::open(&path, Access::Inspect, Some(&key), false).unwrap();
        let kinds: Vec<&str> = checked.open_findings().iter().map(|f| f.kind).collect();
        assert_eq!(kinds, ["key"]);
        // A current registry under the same key is not refused.
        assert!(
            Store::open(
                &dir.path().join("current.db"),
                Access::ReadOnly,
                Some(&key),
                false
            )
            .is_ok()
        );
    }

    /// Readers map the file when asked (`check`, `expiring`); a writer
    /// never does, and an import takes a 64 MiB page cache.
    #[test]
    fn only_readers_map_the_file_and_imports_take_a_larger_cache() {
        let r = PutBack::new();
        let pragma = |store: &Store, name: &str| -> i64 {
            store
                .conn
                .query_row(&format!("PRAGMA {name}"), [], |row| row.get(0))
                .unwrap()
        };
        let reader = r.open(&r.path, Access::ReadOnly).unwrap();
        reader.map_for_reading().unwrap();
        assert_eq!(pragma(&reader, "mmap_size"), MMAP_SIZE as i64);
        drop(reader);
        let writer = r.open(&r.path, Access::ReadWrite).unwrap();
        writer.map_for_reading().unwrap();
        assert_eq!(pragma(&writer, "mmap_size"), 0);
        writer.prepare_for_bulk_writes().unwrap();
        assert_eq!(pragma(&writer, "cache_size"), -65536);
    }

    /// Only a tokenctl registry of a schema this version knows is opened:
    /// a missing file, a directory, a short or foreign file, a newer or an
    /// unmarked schema are each named.
    #[test]
    fn what_is_not_a_registry_of_ours_is_named() {
        let r = PutBack::new();
        let at = |name: &str| r.dir.path().join(name);
        assert_eq!(check_header(&at("none.db")), Err(Msg::NoRegistryHere));
        assert_eq!(check_header(r.dir.path()), Err(Msg::IsADirectory));
        std::fs::write(at("short.db"), b"SQLite format 3\0").unwrap();
        assert_eq!(check_header(&at("short.db")), Err(Msg::NotARegistry));
        Connection::open(at("other.db"))
            .unwrap()
            .execute_batch("CREATE TABLE t (x)")
            .unwrap();
        assert_eq!(check_header(&at("other.db")), Err(Msg::NotARegistry));
        assert_eq!(check_header(&r.path).map(|h| h.version), Ok(SCHEMA_VERSION));
        assert!(matches!(
            refuse_version(SCHEMA_VERSION + 1),
            Err(Msg::NewerSchema { .. })
        ));
        assert!(refuse_version(0).is_err());
        assert_eq!(refuse_version(SCHEMA_VERSION), Ok(()));
        assert_eq!(refuse_version(1), Ok(()));
        r.tamper(&format!("PRAGMA user_version = {}", SCHEMA_VERSION + 1));
        assert!(matches!(
            r.open(&r.path, Access::ReadOnly),
            Err(Error::Registry {
                reason: Msg::NewerSchema { .. },
                ..
            })
        ));
    }

    /// A file that cannot be read is named as such, not as a foreign file
    /// (reading the start of this process's own memory fails with EIO).
    #[cfg(target_os = "linux")]
    #[test]
    fn an_unreadable_file_is_not_called_foreign() {
        let mem = Path::new("/proc/self/mem");
        assert!(
            matches!(check_header(mem), Err(Msg::CannotReadWith { .. })),
            "{:?}",
            check_header(mem)
        );
    }

    /// The header's fields: SQLite's magic, our application id, the schema
    /// version, and WAL mode only when both format versions say 2.
    #[test]
    fn a_header_is_ours_only_with_the_magic_and_our_application_id() {
        let mut header = [0u8; 100];
        header[..16].copy_from_slice(SQLITE_MAGIC);
        assert_eq!(parse_header(&header), Err(Msg::NotARegistry));
        header[68..72].copy_from_slice(&APPLICATION_ID.to_be_bytes());
        header[60..64].copy_from_slice(&7u32.to_be_bytes());
        assert_eq!(
            parse_header(&header),
            Ok(Header {
                version: 7,
                wal: false
            })
        );
        for (read, write, wal) in [(2, 1, false), (1, 2, false), (2, 2, true)] {
            header[18] = read;
            header[19] = write;
            assert_eq!(parse_header(&header).map(|h| h.wal), Ok(wal));
        }
        header[0] = b's';
        assert_eq!(parse_header(&header), Err(Msg::NotARegistry));
    }

    /// The header read through SQLite's own handle is the file's first 100
    /// bytes; a file SQLite opens but cannot read 100 bytes of is named.
    #[test]
    fn the_header_is_read_through_sqlites_handle() {
        let r = PutBack::new();
        let conn = Connection::open_with_flags(&r.path, OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
        let on_disk = std::fs::read(&r.path).unwrap();
        assert_eq!(
            header_of(&conn).map(|h| h.to_vec()),
            Some(on_disk[..100].to_vec())
        );
        let short = r.dir.path().join("short.db");
        std::fs::write(&short, b"SQLite format 3\0").unwrap();
        match open_sniffed(&short) {
            Err(Error::Registry { reason, .. }) => assert_eq!(reason, Msg::NotARegistry),
            other => panic!("{:?}", other.map(|(_, wal)| wal)),
        }
        assert_eq!(open_sniffed(&r.path).map(|(_, wal)| wal).ok(), Some(true));
        assert_eq!(sniff(&r.path).ok(), Some(true));
        assert!(matches!(
            sniff(&r.dir.path().join("none.db")),
            Err(Error::Registry {
                reason: Msg::NoRegistryHere,
                ..
            })
        ));
    }

    /// Only a UNIQUE constraint is a duplicate: another constraint, or an
    /// error that is not SQLite's, is not.
    #[test]
    fn only_a_unique_constraint_is_a_duplicate() {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(
            "CREATE TABLE t (a TEXT UNIQUE, b TEXT NOT NULL); INSERT INTO t VALUES ('x', 'y');",
        )
        .unwrap();
        let error = |sql: &str| Error::from(conn.execute(sql, []).unwrap_err());
        assert!(is_unique_violation(&error(
            "INSERT INTO t VALUES ('x', 'z')"
        )));
        assert!(!is_unique_violation(&error(
            "INSERT INTO t VALUES ('w', NULL)"
        )));
        assert!(!is_unique_violation(&error(
            "INSERT INTO nowhere VALUES (1)"
        )));
        assert!(!is_unique_violation(&Error::Altered(Msg::NotARegistry)));
    }

    /// The audit chain's end and the MAC of a given row, read from the
    /// rows themselves.
    #[test]
    fn the_audit_end_and_a_rows_mac_are_the_rows() {
        let r = PutBack::new();
        let conn = Connection::open(&r.path).unwrap();
        let (n, head) = audit_end(&conn).unwrap();
        assert!(n >= 1);
        let mac: Vec<u8> = conn
            .query_row("SELECT mac FROM audit WHERE id = ?1", [n as i64], |row| {
                row.get(0)
            })
            .unwrap();
        assert_eq!(head.to_vec(), mac);
        assert_eq!(audit_mac_at(&conn, n).unwrap(), Some(head));
        assert_eq!(audit_mac_at(&conn, n + 1).unwrap(), None);
        if n > 1 {
            assert_ne!(audit_mac_at(&conn, n - 1).unwrap(), Some(head));
        }
        let empty = Connection::open_in_memory().unwrap();
        empty
            .execute_batch("CREATE TABLE audit (id INTEGER PRIMARY KEY, mac BLOB)")
            .unwrap();
        assert_eq!(audit_end(&empty).unwrap(), (0, [0; 32]));
    }

    /// The default registry is `tokenctl/registry.db` in the data directory.
    #[test]
    fn the_default_registry_is_in_the_data_directory() {
        let path = default_path();
        assert!(path.ends_with("tokenctl/registry.db"), "{}", path.display());
        if let Some(data) = dirs::data_dir() {
            assert_eq!(path, data.join("tokenctl").join("registry.db"));
        }
    }

    /// A registry put back while a command waits (at a prompt, for the
    /// lock) after its open: the write, under the lock, finds it behind its
    /// witness and writes nothing.
    #[test]
    fn a_write_refuses_a_registry_put_back_after_its_open() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.db");
        let key_path = dir.path().join("registry.key");
        Store::create(&path, test_key(&dir), Mode::Simulation)
            .unwrap()
            .persist()
            .unwrap();
        let open = || Store::open(&path, Access::ReadWrite, Some(&key_path), false).unwrap();
        let append = |store: &mut Store| append_audit(store, "x");
        let mut waiting = open();
        let yesterday = dir.path().join("yesterday.db");
        waiting.copy_into(&yesterday).unwrap();
        append(&mut open()).unwrap();
        let mut conn = Connection::open(&path).unwrap();
        conn.restore(
            rusqlite::MAIN_DB,
            &yesterday,
            None::<fn(rusqlite::backup::Progress)>,
        )
        .unwrap();
        drop(conn);
        let before = std::fs::read(&path).unwrap();
        assert!(matches!(
            append(&mut waiting),
            Err(Error::Altered(Msg::RegistryBehindWitness { .. }))
        ));
        assert_eq!(std::fs::read(&path).unwrap(), before);
    }

    #[test]
    fn an_unfinished_registry_leaves_nothing_behind() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.db");
        drop(Store::create(&path, test_key(&dir), Mode::Live).unwrap());
        std::fs::remove_file(dir.path().join("registry.key")).unwrap();
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    /// Regression: the bulk revoke spent 40% of its time recompiling the
    /// user lookup, because SQLite expired the cached statement whenever
    /// rusqlite cleared its bindings.
    #[test]
    fn cached_lookups_are_not_recompiled_at_every_use() {
        use rusqlite::StatementStatus;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.db");
        Store::create(&path, test_key(&dir), Mode::Simulation)
            .unwrap()
            .persist()
            .unwrap();
        let store = Store::open(
            &path,
            Access::ReadWrite,
            Some(&dir.path().join("registry.key")),
            false,
        )
        .unwrap();
        for sql in [
            "SELECT u.id, d.id FROM users u LEFT JOIN devices d ON d.id = u.device_id \
             WHERE u.login_id = ?1",
            "SELECT login_id FROM users WHERE device_id = ?1 ORDER BY login_id",
        ] {
            let mut reprepared = 0;
            for i in 0..5 {
                let mut stmt = store.conn.prepare_cached(sql).unwrap();
                let mut rows = stmt.query([i.to_string()]).unwrap();
                while rows.next().unwrap().is_some() {}
                drop(rows);
                reprepared = stmt.get_status(StatementStatus::RePrepare);
            }
            assert_eq!(reprepared, 0, "{sql}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn new_registry_is_private_to_its_owner() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.db");
        Store::create(&path, test_key(&dir), Mode::Simulation)
            .unwrap()
            .persist()
            .unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}

#[cfg(test)]
mod snapshot_tests {
    use super::testing::TempRegistry;
    use rusqlite::Connection;

    fn tables(conn: &Connection) -> i64 {
        conn.query_row(
            "SELECT count(*) FROM sqlite_schema WHERE type = 'table'",
            [],
            |r| r.get(0),
        )
        .unwrap()
    }

    /// A registry with a table added by hand and, for `empty_wal`, every
    /// connection closed since (so that the WAL is gone and SQLite has no
    /// snapshot to give); the store and a connection of one's own.
    fn registry(empty_wal: bool) -> (TempRegistry, super::Store, Connection) {
        let r = TempRegistry::new();
        let store = r.open();
        r.raw().execute_batch("CREATE TABLE pad(a)").unwrap();
        let store = if empty_wal {
            drop(store);
            r.open()
        } else {
            store
        };
        let raw = r.raw();
        (r, store, raw)
    }

    /// The second reader sees what the transaction it came from sees, and
    /// not a write committed after: with frames in the WAL (an opened
    /// snapshot) and with none (the database file both read alone).
    #[test]
    fn a_second_reader_reads_the_snapshot_of_its_transaction() {
        for empty_wal in [false, true] {
            let (_r, store, raw) = registry(empty_wal);
            let before = tables(&raw);
            store
                .read(|tx| {
                    assert_eq!(tables(tx.conn), before);
                    assert_eq!(super::Snapshot::of(tx.conn).is_none(), empty_wal);
                    let reader = tx.same_snapshot_reader().expect("a reader");
                    raw.execute_batch("CREATE TABLE later(a)").unwrap();
                    assert_eq!(tables(&reader), before, "empty WAL: {empty_wal}");
                    assert_eq!(tables(tx.conn), before);
                    Ok(())
                })
                .unwrap();
            assert_eq!(tables(&raw), before + 1);
        }
    }

    /// A write committed after the transaction began and before the reader
    /// is made: with frames in the WAL the reader still reads the
    /// transaction's snapshot; with none, it could only read the newer
    /// state, and there is no reader.
    #[test]
    fn a_write_before_the_reader_is_made_is_not_read() {
        for empty_wal in [false, true] {
            let (_r, store, raw) = registry(empty_wal);
            let before = tables(&raw);
            store
                .read(|tx| {
                    assert_eq!(tables(tx.conn), before);
                    raw.execute_batch("CREATE TABLE later(a)").unwrap();
                    let reader = tx.same_snapshot_reader();
                    if empty_wal {
                        assert!(reader.is_none());
                    } else {
                        assert_eq!(tables(&reader.expect("a reader")), before);
                    }
                    Ok(())
                })
                .unwrap();
        }
    }
}
