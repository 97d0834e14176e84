//! The files that open an encrypted PSKC container (`import devices
//! --pskc-key-file`, `--pskc-passphrase-file`): a pre-shared key in hex, or
//! a passphrase. Both are wiped from memory when dropped, and no message
//! quotes what they hold.

use std::path::Path;

use zeroize::Zeroizing;

use crate::catalogue::{Msg, OsError};
use crate::error::{Error, Result};

/// The pre-shared key of `--pskc-key-file`: hex (whitespace ignored), 128 or
/// 256 bits. Messages never quote the file's contents.
pub(crate) fn read_key_file(path: &Path) -> Result<Zeroizing<Vec<u8>>> {
    let shown = path.display();
    let text = Zeroizing::new(std::fs::read_to_string(path).map_err(|e| {
        Error::usage(Msg::CannotReadPskcKey {
            path: shown.to_string(),
            error: OsError::from(&e),
        })
    })?);
    let compact: Zeroizing<String> =
        Zeroizing::new(text.chars().filter(|c| !c.is_ascii_whitespace()).collect());
    let key = Zeroizing::new(hex::decode(compact.as_bytes()).map_err(|_| {
        Error::usage(Msg::PskcKeyNotHex {
            path: shown.to_string(),
        })
    })?);
    if !matches!(key.len(), 16 | 32) {
        return Err(Error::usage(Msg::PskcKeyBits {
            path: shown.to_string(),
            bits: key.len() * 8,
        }));
    }
    Ok(key)
}

/// The passphrase of `--pskc-passphrase-file`, UTF-8, without one trailing
/// newline (what an editor or `echo` leaves).
pub(crate) fn read_passphrase_file(path: &Path) -> Result<Zeroizing<String>> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        Error::usage(Msg::CannotReadPassphrase {
            path: path.display().to_string(),
            error: OsError::from(&e),
        })
    })?;
    let passphrase = Zeroizing::new(crate::ui::prompt::strip_newline(text));
    if passphrase.is_empty() {
        return Err(Error::usage(Msg::PassphraseEmpty {
            path: path.display().to_string(),
        }));
    }
    Ok(passphrase)
}
