//! The SQLite registry: the one way a file is created or opened, its
//! numbered migrations, and the queries commands run.
//!
//! A path is read as raw bytes before SQLite ever touches it: a file that is
//! not a tokenctl registry (or one from a newer tokenctl) is refused without
//! being opened for writing, so it stays byte-for-byte as it was.

pub mod audit;
pub mod check;
pub mod devices;
pub mod meta;
pub mod users;

use std::io::Read;
use std::ops::Deref;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use rusqlite::config::DbConfig;
use rusqlite::{Connection, OpenFlags, Transaction, TransactionBehavior};

pub use audit::{AuditFilter, AuditRow};
pub use devices::{DeviceRow, NewDevice};
pub use meta::Mode;
pub use users::{ExpiringRow, ListFilter, ListRow, NewUser, UserRow};

use crate::catalogue::{Msg, OsError};
use crate::error::{Error, Result};
use crate::key::RegistryKey;

/// "tknc": the SQLite application_id of a tokenctl registry.
pub const APPLICATION_ID: u32 = 0x746b_6e63;

/// Numbered migrations, applied in order at open. The schema version stored
/// in the file (`PRAGMA user_version`) is the number of the last one applied.
const MIGRATIONS: &[(u32, &str)] = &[
    (1, include_str!("../../migrations/0001_init.sql")),
    (2, include_str!("../../migrations/0002_trust.sql")),
];

pub const SCHEMA_VERSION: u32 = MIGRATIONS[MIGRATIONS.len() - 1].0;

/// How long a command waits for another process's write lock.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// A test hook, not a setting: the test suite shortens the wait for a lock
/// held by another process with it, instead of sitting out five seconds.
/// It can only shorten the wait, and anything but a number of milliseconds
/// is ignored.
pub const BUSY_TIMEOUT_ENV: &str = "TOKENCTL_BUSY_TIMEOUT_MS";

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

/// A temporary registry older than this is the leftover of an interrupted
/// `init`, not one being built right now.
const LEFTOVER_AGE: Duration = Duration::from_secs(15 * 60);

const SQLITE_MAGIC: &[u8; 16] = b"SQLite format 3\0";

/// How a command uses the registry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Opened read-only: no migration, no journal-mode switch, no write.
    ReadOnly,
    ReadWrite,
}

/// An open registry, handed to commands. The connection is private: commands
/// read in `read` snapshots and write in `write` transactions.
pub struct Store {
    conn: Connection,
    path: PathBuf,
    version: u32,
    mode: Mode,
    key: Option<RegistryKey>,
    /// The key file was created by this open (a registry sealed now).
    key_created: bool,
}

/// A transaction on the registry: a read snapshot or a write under the
/// write lock. Typed queries in `store::*` take it.
pub struct Tx<'s> {
    conn: &'s Connection,
    store: &'s Store,
}

impl Deref for Tx<'_> {
    type Target = Connection;
    fn deref(&self) -> &Connection {
        self.conn
    }
}

impl<'s> Tx<'s> {
    /// The registry key, which every command that reads a secret or writes
    /// was opened with.
    pub fn key(&self) -> Result<&'s RegistryKey> {
        self.store.key.as_ref().ok_or_else(|| Error::KeyFile {
            path: crate::key::default_path(),
            reason: Msg::KeyNeeded,
        })
    }

    pub fn mode(&self) -> Mode {
        self.store.mode
    }

    pub(crate) fn version(&self) -> u32 {
        self.store.version
    }

    pub fn path(&self) -> &'s Path {
        &self.store.path
    }
}

/// A registry being built, not yet at its path. Dropping it deletes it.
pub struct NewRegistry {
    // Field order matters: the connection closes (removing its WAL) before
    // the temporary file is deleted.
    pub store: Store,
    file: tempfile::NamedTempFile,
    target: PathBuf,
}

impl NewRegistry {
    /// Moves the finished registry to its path, unless something appeared
    /// there meanwhile.
    pub fn persist(self) -> Result<()> {
        let NewRegistry {
            store,
            file,
            target,
        } = self;
        // Put the header (application_id, schema version) into the main
        // file, so the byte-level check at open sees it, and close.
        store
            .conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
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
        Ok(())
    }
}

impl Store {
    /// Creates a new registry for `path`, readable by its owner only, with
    /// its secrets sealed under `key`. It is built under a temporary name
    /// beside `path` and only appears there when `NewRegistry::persist`
    /// moves it into place, never over an existing file: an interrupted
    /// `init` leaves no half-built registry (and the next `init` removes
    /// what an interrupted one left).
    pub fn create(path: &Path, key: RegistryKey, mode: Mode) -> Result<NewRegistry> {
        let exists = || Error::AlreadyExists {
            path: path.to_path_buf(),
        };
        if std::fs::symlink_metadata(path).is_ok() {
            return Err(exists());
        }
        let parent = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        crate::fsutil::create_private_dir(parent)?;
        remove_leftovers(parent);
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
        let mut store = Store {
            conn: Connection::open(file.path())?,
            path: path.to_path_buf(),
            version: 0,
            mode,
            key: Some(key),
            key_created: false,
        };
        store.configure(false)?;
        store.migrate()?;
        store.write(|tx| meta::initialise(tx, mode))?;
        Ok(NewRegistry {
            store,
            file,
            target: path.to_path_buf(),
        })
    }

    /// Opens an existing registry. `ReadOnly` changes nothing in the file;
    /// `ReadWrite` applies pending migrations. With a key, the key must be
    /// the registry's (a registry from before sealing is sealed now, which
    /// is a write even for a command that only reads). With `clock_fixed`,
    /// a write to a live registry is refused before anything is written.
    pub fn open(
        path: &Path,
        access: Access,
        key_file: Option<&Path>,
        clock_fixed: bool,
    ) -> Result<Store> {
        let unusable = |reason: Msg| Error::Registry {
            path: path.to_path_buf(),
            reason,
        };
        let Header { version, wal } = check_header(path).map_err(unusable)?;
        refuse_version(version).map_err(unusable)?;
        // A first, read-only look: the header may predate a write still in
        // the WAL, and the pragmas are authoritative. A read-only connection
        // never checkpoints, so a refused file stays as it was.
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| {
            unusable(Msg::CannotOpen {
                detail: e.to_string(),
            })
        })?;
        conn.busy_timeout(busy_timeout())?;
        let app_id: u32 = conn
            .query_row("PRAGMA application_id", [], |r| r.get::<_, i64>(0))
            .map(|v| v as u32)?;
        if app_id != APPLICATION_ID {
            return Err(unusable(Msg::NotARegistry));
        }
        let version = schema_version(&conn)?;
        refuse_version(version).map_err(unusable)?;
        let first_look = Store {
            conn,
            path: path.to_path_buf(),
            version,
            mode: Mode::Live,
            key: None,
            key_created: false,
        };
        let marks = first_look.read(meta::marks)?;
        let recorded_mode = marks.mode;
        let never_sealed = marks.fingerprint.is_none();
        // The key is read once the file is known to be a registry: a file
        // that is not one is reported as such, key or no key. A registry
        // from before sealed secrets has no key yet: its first use with a
        // key file path creates the key there (unless a fixed clock forbids
        // the write that sealing is).
        let mut key_created = false;
        let key = match key_file {
            None => None,
            Some(file) if never_sealed && !clock_fixed => {
                let (key, created) = RegistryKey::load_or_create(file)?;
                key_created = created;
                Some(key)
            }
            Some(file) => Some(RegistryKey::load(file)?),
        };
        let unsealed = key.is_some() && (version < SCHEMA_VERSION || never_sealed);
        let conn = first_look.conn;
        let access = if unsealed { Access::ReadWrite } else { access };
        if clock_fixed && access == Access::ReadWrite && recorded_mode == Mode::Live {
            return Err(Error::FixedClockOnLive);
        }
        let conn = match access {
            Access::ReadOnly => conn,
            Access::ReadWrite => {
                drop(conn);
                Connection::open_with_flags(
                    path,
                    OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
                )
                .map_err(|e| {
                    unusable(Msg::CannotOpen {
                        detail: e.to_string(),
                    })
                })?
            }
        };
        let mut store = Store {
            conn,
            path: path.to_path_buf(),
            version,
            mode: Mode::Live,
            key,
            key_created,
        };
        store.configure(wal || access == Access::ReadOnly)?;
        // A read-only open keeps the first look's marks; a writer reads them
        // again under its own connection, after any migration.
        let marks = match access {
            Access::ReadOnly => marks,
            Access::ReadWrite => {
                store.migrate()?;
                store.read(meta::marks)?
            }
        };
        store.mode = marks.mode;
        if store.key.is_some() {
            store.bind_key(access, &marks)?;
        }
        if clock_fixed && access == Access::ReadWrite && store.mode == Mode::Live {
            return Err(Error::FixedClockOnLive);
        }
        Ok(store)
    }

    /// Checks that the key is this registry's, sealing a registry that
    /// predates sealed secrets. Refuses a foreign key (exit 8).
    fn bind_key(&mut self, access: Access, marks: &meta::Marks) -> Result<()> {
        let key = self.key.as_ref().expect("called with a key");
        match &marks.fingerprint {
            Some(fp) if fp == key.fingerprint() => {
                self.mode = marks.verified_mode(key)?;
                return Ok(());
            }
            Some(_) => {
                return Err(Error::KeyFile {
                    path: key.path().to_path_buf(),
                    reason: Msg::KeyNotTheRegistrys,
                });
            }
            None if access == Access::ReadOnly => {
                return Err(Error::KeyFile {
                    path: key.path().to_path_buf(),
                    reason: Msg::MustSealFirst,
                });
            }
            None => {
                self.write(meta::seal_legacy)?;
            }
        }
        self.mode = self.read(meta::verified_mode)?;
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
    pub fn prepare_for_bulk_writes(&self) -> Result<()> {
        self.conn.execute_batch("PRAGMA cache_size = -65536;")?;
        Ok(())
    }

    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// The path of a key file created by this open, to tell the user to
    /// back it up.
    pub fn created_key_file(&self) -> Option<&Path> {
        self.key
            .as_ref()
            .filter(|_| self.key_created)
            .map(RegistryKey::path)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn schema_version(&self) -> Result<u32> {
        schema_version(&self.conn)
    }

    /// Applies pending migrations under the write lock, re-reading the
    /// version inside it: two processes opening an old registry at once
    /// apply each migration once.
    fn migrate(&mut self) -> Result<()> {
        if self.version == SCHEMA_VERSION {
            return Ok(());
        }
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let from = schema_version(&tx)?;
        for (number, sql) in MIGRATIONS.iter().filter(|(n, _)| *n > from) {
            tx.execute_batch(sql)?;
            tx.pragma_update(None, "user_version", number)?;
        }
        tx.commit()?;
        self.version = SCHEMA_VERSION;
        Ok(())
    }

    /// Runs `f` on one consistent read snapshot.
    pub fn read<T>(&self, f: impl FnOnce(&Tx<'_>) -> Result<T>) -> Result<T> {
        let tx = self.conn.unchecked_transaction()?;
        let value = f(&Tx {
            conn: &tx,
            store: self,
        })?;
        tx.finish()?;
        Ok(value)
    }

    /// Runs `f` in one IMMEDIATE transaction: it commits only if `f`
    /// succeeds, and every decision `f` takes reads rows under the write lock.
    pub fn write<T>(&mut self, f: impl FnOnce(&Tx<'_>) -> Result<T>) -> Result<T> {
        let tx = Transaction::new_unchecked(&self.conn, TransactionBehavior::Immediate)?;
        let value = f(&Tx {
            conn: &tx,
            store: self,
        })?;
        tx.commit()?;
        Ok(value)
    }

    /// Like `write`, but `f` decides whether to commit: a verification that
    /// fails commits its failure count and audit row, and nothing else.
    pub fn write_then<T>(&mut self, f: impl FnOnce(&Tx<'_>) -> Result<(Commit, T)>) -> Result<T> {
        let tx = Transaction::new_unchecked(&self.conn, TransactionBehavior::Immediate)?;
        let (commit, value) = f(&Tx {
            conn: &tx,
            store: self,
        })?;
        match commit {
            Commit::Yes => tx.commit()?,
            Commit::No => tx.rollback()?,
        }
        Ok(value)
    }
}

/// Whether an insert failed on a UNIQUE constraint (a duplicate).
pub fn is_unique_violation(e: &Error) -> bool {
    matches!(
        e,
        Error::Sqlite(rusqlite::Error::SqliteFailure(f, _))
            if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
    )
}

/// Whether `Store::write_then` commits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Commit {
    Yes,
    No,
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

/// Removes registries an interrupted `init` left in `dir` (old enough not
/// to be another `init` at work).
fn remove_leftovers(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let now = SystemTime::now();
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
    let read = read_up_to(&mut file, &mut header).map_err(cannot_read)?;
    if read < header.len() || &header[..16] != SQLITE_MAGIC {
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

fn read_up_to(file: &mut std::fs::File, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match file.read(&mut buf[filled..])? {
            0 => break,
            n => filled += n,
        }
    }
    Ok(filled)
}

/// The default registry path: `registry.db` in the platform's data directory.
pub fn default_path() -> PathBuf {
    dirs::data_dir()
        .unwrap_or_else(|| PathBuf::from("."))
        .join("tokenctl")
        .join("registry.db")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn test_key(dir: &tempfile::TempDir) -> RegistryKey {
        RegistryKey::load_or_create(&dir.path().join("registry.key"))
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
