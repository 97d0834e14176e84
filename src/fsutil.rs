//! Files and directories tokenctl creates: private to their owner whatever
//! the umask, because they hold a registry or its key.

use std::fs::File;
use std::path::Path;

use crate::error::{Error, Result};

/// Creates `dir` and any missing parents with mode 0700. Directories that
/// exist already are left as they are.
pub fn create_private_dir(dir: &Path) -> Result<()> {
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
pub fn create_private_file(path: &Path) -> std::io::Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)
}
