//! Copies of the registry: `backup` (SQLite's online backup API, one
//! consistent snapshot while other commands write) and `restore` (a
//! verified copy of the same registry put back, the witness moved back to
//! it on purpose).
//!
//! A copy is a single file in rollback-journal mode (no WAL beside it),
//! private to its owner, and never holds the key: the key file stays where
//! it is, and a copy alone reveals no secret and can forge nothing.

use std::path::Path;

use rusqlite::Connection;
use rusqlite::backup::{Backup, StepResult};

use super::Store;
use crate::catalogue::Msg;
use crate::error::{Error, Result};

impl Store {
    /// Copies the registry into the new, empty file `dest` in one step: a
    /// single read transaction, so the copy is one instant of the registry
    /// however many commands commit meanwhile (in WAL mode they are not
    /// held up).
    pub(crate) fn copy_into(&self, dest: &Path) -> Result<()> {
        let mut copy = Connection::open(dest)?;
        {
            let backup = Backup::new(&self.conn, &mut copy)?;
            match backup.step(-1)? {
                StepResult::Done => {}
                // Not possible with every page copied in one step; but a
                // copy that did not finish is no copy.
                _ => return Err(Error::RaceLost),
            }
        }
        copy.query_row("PRAGMA journal_mode = DELETE", [], |_| Ok(()))?;
        Ok(())
    }

    /// The key file this registry was opened with.
    pub(crate) fn key_path(&self) -> Option<&Path> {
        self.key_file.as_ref().map(|k| k.path())
    }

    /// For a copy checked against the witness: how many audit rows the
    /// witness (the registry it was copied from) is ahead of it.
    pub(crate) fn witness_ahead(&self) -> Option<u64> {
        self.witness_ahead
    }
}

/// Moves the registry at `path` (and its WAL and shared-memory files, so
/// the set stays whole) aside to `aside`, before a restore.
pub(crate) fn move_aside(path: &Path, aside: &Path) -> Result<()> {
    let cannot = |e: std::io::Error| {
        Error::io(
            Msg::CannotMoveAside {
                path: path.display().to_string(),
            },
            e,
        )
    };
    if std::fs::symlink_metadata(aside).is_ok() {
        return Err(Error::AlreadyExists {
            path: aside.to_path_buf(),
        });
    }
    std::fs::rename(path, aside).map_err(cannot)?;
    for suffix in ["-wal", "-shm"] {
        let mut from = path.as_os_str().to_owned();
        from.push(suffix);
        let mut to = aside.as_os_str().to_owned();
        to.push(suffix);
        match std::fs::rename(&from, &to) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(cannot(e)),
        }
    }
    Ok(())
}

/// The registry ID recorded at `path`, read without verifying anything:
/// what a restore compares a backup with. `Ok(None)` when no file is there
/// (the registry was lost); a file that is not a registry is refused.
pub(crate) fn recorded_id(path: &Path) -> Result<Option<Option<crate::crypto::key::RegistryId>>> {
    if std::fs::symlink_metadata(path).is_err() {
        return Ok(None);
    }
    let (conn, _) = super::open_sniffed(path)?;
    let look = super::first_look(conn, path)?;
    Ok(Some(look.marks.registry_id()?))
}

/// A copy of a registry in a private temporary file beside where it is to
/// go; dropped, it is removed.
pub(crate) struct PendingCopy {
    file: tempfile::NamedTempFile,
}

impl PendingCopy {
    pub(crate) fn path(&self) -> &Path {
        self.file.path()
    }

    /// Moves the copy to `dest`, never over an existing file.
    pub(crate) fn persist(self, dest: &Path) -> Result<()> {
        self.file.persist_noclobber(dest).map_err(|e| {
            if e.error.kind() == std::io::ErrorKind::AlreadyExists {
                Error::AlreadyExists {
                    path: dest.to_path_buf(),
                }
            } else {
                Error::io(
                    Msg::CannotCreate {
                        path: dest.display().to_string(),
                    },
                    e.error,
                )
            }
        })?;
        Ok(())
    }
}

impl Store {
    /// Copies the registry into a private temporary file beside `dest`.
    pub(crate) fn copy_beside(&self, dest: &Path) -> Result<PendingCopy> {
        let dir = dest
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let file = tempfile::Builder::new()
            .prefix(".tokenctl-copy-")
            .suffix(".db")
            .tempfile_in(dir)
            .map_err(|e| {
                Error::io(
                    Msg::CannotCreate {
                        path: dest.display().to_string(),
                    },
                    e,
                )
            })?;
        self.copy_into(file.path())?;
        Ok(PendingCopy { file })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Access;
    use crate::store::testing::TempRegistry;

    /// A copy is made beside its destination, is one file in rollback
    /// mode with the registry's ID, and moves into place only where
    /// nothing is.
    #[test]
    fn a_copy_is_made_beside_and_never_replaces_a_file() {
        let r = TempRegistry::new();
        let store = r.open_as(Access::ReadOnly);
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("backup.db");
        let pending = store.copy_beside(&dest).unwrap();
        assert_eq!(pending.path().parent(), Some(dir.path()));
        pending.persist(&dest).unwrap();
        let mode: String = Connection::open(&dest)
            .unwrap()
            .query_row("PRAGMA journal_mode", [], |row| row.get(0))
            .unwrap();
        assert_eq!(mode, "delete");
        assert_eq!(
            recorded_id(&dest).unwrap(),
            Some(store.registry_id()),
            "the copy's ID is the registry's"
        );
        assert!(store.registry_id().is_some());
        let again = store.copy_beside(&dest).unwrap();
        let copied = std::fs::read(&dest).unwrap();
        assert!(matches!(
            again.persist(&dest),
            Err(Error::AlreadyExists { path }) if path == dest
        ));
        assert_eq!(std::fs::read(&dest).unwrap(), copied);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        let elsewhere = dir.path().join("missing").join("backup.db");
        assert!(matches!(
            store
                .copy_beside(&dir.path().join("x"))
                .unwrap()
                .persist(&elsewhere),
            Err(Error::Io { .. })
        ));
    }

    /// What a restore compares: nothing where no file is, a file that is
    /// not a registry refused.
    #[test]
    fn the_recorded_id_is_none_where_no_registry_is() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(recorded_id(&dir.path().join("none.db")).unwrap(), None);
        let other = dir.path().join("other.db");
        std::fs::write(&other, b"not a registry").unwrap();
        assert!(matches!(recorded_id(&other), Err(Error::Registry { .. })));
    }

    /// A registry moved aside takes its WAL and shared-memory files with
    /// it, never over a file already there.
    #[test]
    fn a_registry_is_moved_aside_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.db");
        let aside = dir.path().join("r.db.aside");
        for name in ["r.db", "r.db-wal"] {
            std::fs::write(dir.path().join(name), name).unwrap();
        }
        move_aside(&path, &aside).unwrap();
        let mut names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, ["r.db.aside", "r.db.aside-wal"]);
        assert_eq!(
            std::fs::read(dir.path().join("r.db.aside-wal")).unwrap(),
            b"r.db-wal"
        );
        std::fs::write(&path, "new").unwrap();
        assert!(matches!(
            move_aside(&path, &aside),
            Err(Error::AlreadyExists { .. })
        ));
        assert!(path.exists());
        // A WAL that cannot be moved (a directory is in its way) is an error.
        std::fs::write(dir.path().join("r.db-wal"), "wal").unwrap();
        let blocked = dir.path().join("b.db");
        std::fs::create_dir_all(dir.path().join("b.db-wal").join("x")).unwrap();
        assert!(matches!(move_aside(&path, &blocked), Err(Error::Io { .. })));
    }

    /// The key file a store was opened with, and none without one.
    #[test]
    fn the_key_path_is_the_one_opened_with() {
        let r = TempRegistry::new();
        assert_eq!(
            r.open_as(Access::ReadOnly).key_path(),
            Some(r.key_path.as_path())
        );
        let unkeyed = crate::store::Store::open(&r.path, Access::ReadOnly, None, false).unwrap();
        assert_eq!(unkeyed.key_path(), None);
    }
}
