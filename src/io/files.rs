//! Files and directories tokenctl creates: private to their owner whatever
//! the umask, because they hold a registry or its key.

use std::fs::File;
use std::path::Path;

use crate::error::{Error, Result};

/// Creates `dir` and any missing parents with mode 0700. Directories that
/// exist already are left as they are.
pub(crate) fn create_private_dir(dir: &Path) -> Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir).map_err(|e| {
        Error::io(
            crate::catalogue::Msg::CannotCreate {
                path: dir.display().to_string(),
            },
            e,
        )
    })
}

/// Creates a new file with mode 0600; fails if anything exists at `path`.
pub(crate) fn create_private_file(path: &Path) -> std::io::Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)
}

/// Writes `bytes` to a new private file at `path`, whole or not at all: the
/// bytes go to a temporary file beside it, which is then hard-linked to
/// `path` (atomic, and never over an existing file). Returns false when
/// something exists at `path` already (another process won), leaving it as
/// it is.
pub(crate) fn write_private_new(path: &Path, bytes: &[u8]) -> std::io::Result<bool> {
    use std::io::Write;
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut temp = tempfile::Builder::new()
        .prefix(".tokenctl-key-")
        .tempfile_in(dir)?;
    temp.write_all(bytes)?;
    temp.as_file().sync_all()?;
    match std::fs::hard_link(temp.path(), path) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(false),
        Err(e) => Err(e),
    }
}

/// Replaces the file at `path` with `bytes` atomically (a temporary file
/// beside it, synced, then renamed over it), private to its owner.
pub(crate) fn replace_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut temp = tempfile::Builder::new()
        .prefix(".tokenctl-witness-")
        .tempfile_in(dir)?;
    temp.write_all(bytes)?;
    temp.as_file().sync_all()?;
    temp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// Writes each `(path, text)` to a new private file (0600), all or none: a
/// file that exists already (or appears meanwhile) is never overwritten,
/// and the files this call wrote before a failure are removed again.
/// On failure, the path at fault and why.
pub(crate) fn write_all_new(
    files: &[(std::path::PathBuf, String)],
) -> std::result::Result<(), (std::path::PathBuf, std::io::Error)> {
    use std::io::Write;
    let mut written: Vec<&Path> = Vec::new();
    for (path, text) in files {
        let result = create_private_file(path).and_then(|mut file| {
            written.push(path);
            file.write_all(text.as_bytes())?;
            file.sync_all()
        });
        if let Err(e) = result {
            for done in written {
                let _ = std::fs::remove_file(done);
            }
            return Err((path.clone(), e));
        }
    }
    Ok(())
}
