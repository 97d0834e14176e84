//! The one error type of tokenctl and the exit code of each failure (the
//! table is in the README). `output::errors` renders an error as the lines
//! on stderr, in the user's language: this module holds data, not wording.
//!
//! Every failure a user can meet is a variant here, carrying the context it
//! needs to explain itself; commands return it and never print errors
//! themselves.

use std::path::PathBuf;

use chrono::{DateTime, TimeDelta, Utc};

use crate::rules::refusal::{Refusal, TargetRefusal};

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// One target of a bulk revocation that cannot be revoked, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetFailure {
    pub login_id: String,
    pub refusal: TargetRefusal,
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A malformed flag value, a missing input without a TTY, and the like.
    #[error("{0}")]
    Usage(String),

    /// A bad row or header in an imported CSV file. `line` is 1-based.
    #[error("{file}, line {line}: {message}; nothing was imported")]
    BadRow {
        file: String,
        line: u64,
        message: String,
    },

    /// A PSKC container that cannot be imported (exit 2): malformed,
    /// unsupported or refused content, or a key option it needs is missing.
    /// `key_id` is the `Id` of the key at fault, if one is.
    #[error("{}", pskc_text(file, key_id.as_deref(), message))]
    Pskc {
        file: String,
        key_id: Option<String>,
        message: String,
    },

    /// A PSKC container whose key or passphrase is wrong, or whose MAC does
    /// not match (exit 3).
    #[error("{}", pskc_text(file, key_id.as_deref(), message))]
    PskcVerification {
        file: String,
        key_id: Option<String>,
        message: String,
    },

    #[error("{reason}")]
    Verification {
        login_id: String,
        reason: String,
        /// This failure was the one that locked the login.
        locked_now: bool,
    },

    #[error(
        "{login_id} is locked after repeated failed verifications; an administrator must run `tokenctl unlock {login_id}`"
    )]
    Locked { login_id: String },

    #[error("too early: {login_id} may register a device from {registrable_at}")]
    TooEarly {
        login_id: String,
        registrable_at: DateTime<Utc>,
        remaining: TimeDelta,
    },

    #[error("unknown login ID: {0}")]
    UnknownUser(String),

    #[error("unknown serial number: {0} (no delivery contains it)")]
    UnknownSerial(String),

    /// A rule of the procedure forbids the action (exit 7).
    #[error("refused by a rule: {0:?}")]
    Rule(Refusal),

    /// Refused for another reason than the procedure's rules (exit 7).
    #[error("{0}")]
    Refused(String),

    /// A bulk revocation in which some targets cannot be revoked.
    #[error("revocation refused for {} target(s); nothing was changed", failures.len())]
    Targets { failures: Vec<TargetFailure> },

    /// The registry file cannot be used (exit 8); it has not been written.
    #[error("{}: {reason}", path.display())]
    Registry { path: PathBuf, reason: String },

    #[error("{} already exists; refusing to overwrite it", path.display())]
    AlreadyExists { path: PathBuf },

    #[error("{context}: {source}")]
    Io {
        context: String,
        #[source]
        source: std::io::Error,
    },

    #[error("registry error: {0}")]
    Sqlite(#[from] rusqlite::Error),

    #[error("terminal prompt failed: {0}")]
    Prompt(String),

    #[error("cancelled; nothing was changed")]
    Cancelled,

    /// The key file is missing, unreadable, malformed, or not the
    /// registry's (exit 8); nothing was written.
    #[error("{}: {reason}", path.display())]
    KeyFile { path: PathBuf, reason: String },

    /// A value read from the registry is not one tokenctl writes: the file
    /// was altered or damaged (exit 8).
    #[error("the registry is damaged or was altered: {0}")]
    Corrupt(String),

    /// Another command changed the rows this one was acting on (exit 8).
    #[error("the registry changed while this command ran; nothing was changed, try again")]
    RaceLost,

    /// `TOKENCTL_NOW` on a command that would write to a live registry.
    #[error(
        "TOKENCTL_NOW is set, but this registry uses the real clock; unset it to change a live registry (nothing was changed)"
    )]
    FixedClockOnLive,

    /// `otp` on a live registry: codes come only from the device there.
    #[error(
        "this is a live registry: codes come only from the device itself (otp works on simulation registries)"
    )]
    OtpOnLive,
}

impl Error {
    pub fn io(context: impl Into<String>, source: std::io::Error) -> Self {
        Error::Io {
            context: context.into(),
            source,
        }
    }

    pub fn usage(message: impl Into<String>) -> Self {
        Error::Usage(message.into())
    }

    pub fn refused(message: impl Into<String>) -> Self {
        Error::Refused(message.into())
    }

    /// The error of the PSKC container read from `file`.
    pub fn pskc(file: &str, e: crate::pskc::PskcError) -> Self {
        use crate::pskc::PskcError;
        match e {
            PskcError::Invalid { key_id, message } => Error::Pskc {
                file: file.to_string(),
                key_id,
                message,
            },
            PskcError::Verification { key_id, message } => Error::PskcVerification {
                file: file.to_string(),
                key_id,
                message,
            },
        }
    }

    /// The documented exit code of this error.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Usage(_) | Error::BadRow { .. } | Error::Pskc { .. } => 2,
            Error::Verification { .. } | Error::PskcVerification { .. } => 3,
            Error::Locked { .. } => 4,
            Error::TooEarly { .. } => 5,
            Error::UnknownUser(_) | Error::UnknownSerial(_) => 6,
            Error::Refused(_) | Error::Rule(_) => 7,
            Error::Targets { failures } => {
                if failures.iter().any(|f| f.refusal == TargetRefusal::Unknown) {
                    6
                } else {
                    7
                }
            }
            Error::Registry { .. }
            | Error::KeyFile { .. }
            | Error::Corrupt(_)
            | Error::RaceLost => 8,
            Error::FixedClockOnLive => 2,
            Error::OtpOnLive => 7,
            Error::Sqlite(e) if registry_unusable(e) => 8,
            Error::AlreadyExists { .. }
            | Error::Io { .. }
            | Error::Sqlite(_)
            | Error::Prompt(_)
            | Error::Cancelled => 1,
        }
    }
}

/// `FILE: key ID: MESSAGE; nothing was imported`, the key left out when the
/// fault is the container's.
fn pskc_text(file: &str, key_id: Option<&str>, message: &str) -> String {
    match key_id {
        Some(id) => format!("{file}: key {id}: {message}; nothing was imported"),
        None => format!("{file}: {message}; nothing was imported"),
    }
}

pub(crate) fn is_busy(e: &rusqlite::Error) -> bool {
    use rusqlite::ErrorCode::*;
    matches!(e.sqlite_error_code(), Some(DatabaseBusy | DatabaseLocked))
}

/// SQLite errors that mean the file cannot serve as a registry right now:
/// locked by another process past the busy timeout, not a database, unreadable.
pub(crate) fn registry_unusable(e: &rusqlite::Error) -> bool {
    use rusqlite::ErrorCode::*;
    matches!(
        e.sqlite_error_code(),
        Some(
            DatabaseBusy | DatabaseLocked | NotADatabase | CannotOpen | ReadOnly | DatabaseCorrupt
        )
    )
}

/// A rule's refusal is the error of the command it refuses (exit 7).
impl From<Refusal> for Error {
    fn from(refusal: Refusal) -> Self {
        Error::Rule(refusal)
    }
}

/// A file named on the command line that cannot be read (exit 2).
impl From<crate::text::UnreadableInput> for Error {
    fn from(e: crate::text::UnreadableInput) -> Self {
        Error::Usage(e.0)
    }
}

impl From<dialoguer::Error> for Error {
    fn from(e: dialoguer::Error) -> Self {
        Error::Prompt(e.to_string())
    }
}

/// Output that cannot be written (a closed pipe ends the command quietly;
/// see `output::is_broken_pipe`).
impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        Error::io("cannot write output", e)
    }
}

impl From<csv::Error> for Error {
    fn from(e: csv::Error) -> Self {
        match e.into_kind() {
            csv::ErrorKind::Io(io) => io.into(),
            other => Error::io(
                "cannot write CSV",
                std::io::Error::other(format!("{other:?}")),
            ),
        }
    }
}
