//! The one error type of tokenctl and the exit code of each failure (the
//! table is in the README). `output::errors` renders an error as the lines
//! on stderr, in the user's language: this module holds data, not wording.
//!
//! Every failure a user can meet is a variant here, carrying the context it
//! needs to explain itself; commands return it and never print errors
//! themselves.

use std::path::{Path, PathBuf};

use chrono::{DateTime, TimeDelta, Utc};

use crate::catalogue::{Msg, OsError};
use crate::exit::Exit;
use crate::rules::refusal::{Refusal, TargetRefusal};

pub(crate) type Result<T, E = Error> = std::result::Result<T, E>;

/// One target of a bulk revocation that cannot be revoked, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetFailure {
    pub(crate) login_id: String,
    pub(crate) refusal: TargetRefusal,
}

#[derive(Debug, thiserror::Error)]
#[error("{}", self.message().en())]
pub enum Error {
    /// A malformed flag value, a missing input without a TTY, and the like.
    Usage(Msg),

    /// A bad row or header in an imported CSV file. `line` is 1-based.
    BadRow {
        file: String,
        line: u64,
        message: Box<Msg>,
    },

    /// A PSKC container that cannot be imported (exit 2): malformed,
    /// unsupported or refused content, or a key option it needs is missing.
    /// `key_id` is the `Id` of the key at fault, if one is.
    Pskc {
        file: String,
        key_id: Option<String>,
        message: Box<Msg>,
    },

    /// A PSKC container whose key or passphrase is wrong, or whose MAC does
    /// not match (exit 3).
    PskcVerification {
        file: String,
        key_id: Option<String>,
        message: Box<Msg>,
    },

    Verification {
        login_id: String,
        reason: Box<Msg>,
        /// This failure was the one that locked the login.
        locked_now: bool,
        /// What may explain it: a device whose clock seems to have drifted.
        hint: Option<Box<Msg>>,
    },

    /// A resynchronisation of a device no one holds failed (exit 3).
    DeviceVerification {
        serial: String,
        reason: Box<Msg>,
        /// This failure was the one that locked the device.
        locked_now: bool,
    },

    /// A device locked after repeated failed resynchronisations (exit 4).
    DeviceLocked {
        serial: String,
    },

    Locked {
        login_id: String,
    },

    TooEarly {
        login_id: String,
        registrable_at: DateTime<Utc>,
        remaining: TimeDelta,
    },

    UnknownUser(String),

    UnknownSerial(String),

    /// Nothing matched what was looked for (exit 6).
    NotFound(Msg),

    /// A rule of the procedure forbids the action (exit 7).
    Rule(Refusal),

    /// Refused for another reason than the procedure's rules (exit 7).
    Refused(Msg),

    /// A bulk revocation in which some targets cannot be revoked.
    Targets {
        failures: Vec<TargetFailure>,
    },

    /// The registry file cannot be used (exit 8); it has not been written.
    Registry {
        path: PathBuf,
        reason: Msg,
    },

    AlreadyExists {
        path: PathBuf,
    },

    /// A file the command would write is there already (exit 1); nothing
    /// was written. The message names it and says what to do.
    WouldOverwrite(Msg),

    /// An operating-system failure; `context` says what was being done and
    /// holds the OS's reason.
    Io {
        context: Msg,
        #[source]
        source: std::io::Error,
    },

    Sqlite(#[from] rusqlite::Error),

    Prompt(String),

    Cancelled,

    /// The key file is missing, unreadable, malformed, or not the
    /// registry's (exit 8); nothing was written.
    KeyFile {
        path: PathBuf,
        reason: Msg,
    },

    /// A value read from the registry is not one tokenctl writes: the file
    /// was altered or damaged (exit 8).
    Corrupt(Msg),

    /// The registry was altered outside tokenctl: a row, mark, sealed
    /// secret or the witness does not verify under the key, or the file is
    /// behind its witness (exit 9); nothing was written.
    Altered(Msg),

    /// Another command changed the rows this one was acting on (exit 8).
    RaceLost,

    /// `TOKENCTL_NOW` on a command that would write to a live registry.
    FixedClockOnLive,

    /// `otp` on a live registry: codes come only from the device there.
    OtpOnLive,
}

impl Error {
    pub(crate) fn io(context: Msg, source: std::io::Error) -> Self {
        Error::Io { context, source }
    }

    pub(crate) fn usage(message: Msg) -> Self {
        Error::Usage(message)
    }

    pub(crate) fn refused(message: Msg) -> Self {
        Error::Refused(message)
    }

    /// What the error says first, as a catalogue message (`output::errors`
    /// adds the lines that follow it).
    pub(crate) fn message(&self) -> Msg {
        match self {
            Error::Usage(m) | Error::Refused(m) | Error::WouldOverwrite(m) | Error::NotFound(m) => {
                m.clone()
            }
            Error::Verification { reason, .. } | Error::DeviceVerification { reason, .. } => {
                (**reason).clone()
            }
            Error::DeviceLocked { serial } => Msg::DeviceLocked {
                serial: serial.clone(),
            },
            Error::BadRow {
                file,
                line,
                message,
            } => Msg::BadRow {
                file: file.clone(),
                line: *line,
                message: message.clone(),
            },
            Error::Pskc {
                file,
                key_id,
                message,
            }
            | Error::PskcVerification {
                file,
                key_id,
                message,
            } => pskc_message(file, key_id.as_deref(), message),
            Error::Locked { login_id } => Msg::Locked {
                login_id: login_id.clone(),
            },
            Error::TooEarly {
                login_id,
                registrable_at,
                remaining,
            } => Msg::TooEarly {
                login_id: login_id.clone(),
                at: *registrable_at,
                wait: *remaining,
            },
            Error::UnknownUser(login_id) => Msg::UnknownUser {
                login_id: login_id.clone(),
            },
            Error::UnknownSerial(serial) => Msg::UnknownSerial {
                serial: serial.clone(),
            },
            Error::Rule(refusal) => Msg::from(refusal),
            Error::Targets { failures } => Msg::TargetsRefused {
                count: failures.len(),
            },
            Error::Registry { path, reason } | Error::KeyFile { path, reason } => {
                path_problem(path, reason)
            }
            Error::AlreadyExists { path } => Msg::AlreadyExists {
                path: path.display().to_string(),
            },
            Error::Io { context, source } => Msg::WithCause {
                context: Box::new(context.clone()),
                error: OsError::from(source),
            },
            Error::Sqlite(e) => sqlite_message(e),
            Error::Prompt(detail) => Msg::PromptFailed {
                detail: detail.clone(),
            },
            Error::Cancelled => Msg::Cancelled,
            Error::Corrupt(detail) => Msg::RegistryDamaged {
                detail: Box::new(detail.clone()),
            },
            Error::Altered(detail) => Msg::RegistryAltered {
                detail: Box::new(detail.clone()),
            },
            Error::RaceLost => Msg::RaceLost,
            Error::FixedClockOnLive => Msg::FixedClockOnLive,
            Error::OtpOnLive => Msg::OtpOnLive,
        }
    }

    /// The documented exit code of this error (`exit::EXIT_CODES`).
    pub(crate) fn exit_code(&self) -> i32 {
        self.exit().code()
    }

    pub(crate) fn exit(&self) -> Exit {
        match self {
            Error::Usage(_) | Error::BadRow { .. } | Error::Pskc { .. } => Exit::Usage,
            Error::Verification { .. }
            | Error::DeviceVerification { .. }
            | Error::PskcVerification { .. } => Exit::Verification,
            Error::Locked { .. } | Error::DeviceLocked { .. } => Exit::Locked,
            Error::TooEarly { .. } => Exit::TooEarly,
            Error::UnknownUser(_) | Error::UnknownSerial(_) | Error::NotFound(_) => Exit::NotFound,
            Error::Refused(_) | Error::Rule(_) => Exit::Refused,
            Error::Targets { failures } => {
                if failures.iter().any(|f| f.refusal == TargetRefusal::Unknown) {
                    Exit::NotFound
                } else {
                    Exit::Refused
                }
            }
            Error::Registry { .. }
            | Error::KeyFile { .. }
            | Error::Corrupt(_)
            | Error::RaceLost => Exit::Unusable,
            Error::Altered(_) => Exit::Altered,
            Error::FixedClockOnLive => Exit::Usage,
            Error::OtpOnLive => Exit::Refused,
            Error::Sqlite(e) if registry_unusable(e) || damaged_value(e).is_some() => {
                Exit::Unusable
            }
            Error::AlreadyExists { .. }
            | Error::WouldOverwrite(_)
            | Error::Io { .. }
            | Error::Sqlite(_)
            | Error::Prompt(_)
            | Error::Cancelled => Exit::Other,
        }
    }
}

/// A file's problem, naming the file.
fn path_problem(path: &Path, reason: &Msg) -> Msg {
    Msg::PathProblem {
        path: path.display().to_string(),
        reason: Box::new(reason.clone()),
    }
}

/// A PSKC container's problem, naming the key when it has one.
fn pskc_message(file: &str, key_id: Option<&str>, message: &Msg) -> Msg {
    match key_id {
        Some(key_id) => Msg::PskcKeyProblem {
            file: file.to_string(),
            key_id: key_id.to_string(),
            message: Box::new(message.clone()),
        },
        None => Msg::PskcProblem {
            file: file.to_string(),
            message: Box::new(message.clone()),
        },
    }
}

/// What an SQLite error means to the user: busy, a damaged value, an
/// unusable file, or SQLite's own words.
fn sqlite_message(e: &rusqlite::Error) -> Msg {
    if is_busy(e) {
        return Msg::RegistryBusy;
    }
    if let Some(detail) = damaged_value(e) {
        return Msg::RegistryDamaged {
            detail: Box::new(Msg::DamagedValue { detail }),
        };
    }
    if registry_unusable(e) {
        return Msg::RegistryUnusable {
            detail: e.to_string(),
        };
    }
    Msg::RegistryError {
        detail: e.to_string(),
    }
}

/// A value read from the registry that is not one tokenctl writes (a date
/// that does not exist, a role it does not know, text where a number
/// belongs): what it is, for the message. Every command reports it the
/// same way, as damage (exit 8).
pub(crate) fn damaged_value(e: &rusqlite::Error) -> Option<String> {
    use rusqlite::Error::*;
    match e {
        FromSqlConversionFailure(_, _, inner) => Some(inner.to_string()),
        InvalidColumnType(_, name, kind) => Some(format!("column {name} holds a {kind} value")),
        IntegralValueOutOfRange(_, value) => Some(format!("{value} is out of range")),
        _ => None,
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

impl From<crate::rules::import::BadInput> for Msg {
    fn from(bad: crate::rules::import::BadInput) -> Msg {
        use crate::rules::import::BadInput as B;
        match bad {
            B::XmlGivenAsUsers => Msg::XmlGivenAsUsers,
            B::UnknownColumn { quoted, expected } => Msg::UnknownColumn { quoted, expected },
            B::ColumnTwice { quoted } => Msg::ColumnTwice { quoted },
            B::MissingColumn { name, expected } => Msg::MissingColumn { name, expected },
            B::IdEmpty { column } => Msg::IdEmpty { column },
            B::IdMalformed {
                column,
                quoted,
                max,
            } => Msg::IdMalformed {
                column,
                quoted,
                max,
            },
            B::LoginIdChars { quoted, max } => Msg::LoginIdChars { quoted, max },
            B::NameEmpty { login_id } => Msg::NameEmpty { login_id },
            B::NameControls { login_id } => Msg::NameControls { login_id },
            B::NameTooLong { login_id, max } => Msg::NameTooLong { login_id, max },
            B::RoleInvalid { quoted } => Msg::RoleInvalid { quoted },
            B::OtpRequiredInvalid { quoted } => Msg::OtpRequiredInvalid { quoted },
            B::NoOtpButSerial { login_id, serial } => Msg::NoOtpButSerial { login_id, serial },
            B::DeviceSecret { serial, problem } => Msg::DeviceSecret {
                serial,
                problem: Box::new(Msg::from(*problem)),
            },
            B::Secret(bad) => Msg::from(bad),
            B::ExpiresInvalid => Msg::ExpiresInvalid,
            B::DigitsNot6Or8 => Msg::DigitsNot6Or8,
            B::PeriodNotSeconds => Msg::PeriodNotSeconds,
            B::AlgorithmNotKnown => Msg::AlgorithmNotKnown,
            B::DigitsInvalid { quoted } => Msg::DigitsInvalid { quoted },
            B::PeriodInvalid { quoted } => Msg::PeriodInvalid { quoted },
        }
    }
}

impl From<crate::rules::otp::BadCode> for Msg {
    fn from(bad: crate::rules::otp::BadCode) -> Msg {
        use crate::rules::otp::BadCode;
        match bad {
            BadCode::NotDigits { digits } => Msg::CodeDigitsOnly { digits },
            BadCode::Length { digits, got } => Msg::CodeLength { digits, got },
        }
    }
}

impl From<crate::rules::otp::BadSecret> for Msg {
    fn from(bad: crate::rules::otp::BadSecret) -> Msg {
        use crate::rules::otp::BadSecret;
        match bad {
            BadSecret::Empty => Msg::SecretEmpty,
            BadSecret::NotBase32 { position } => Msg::SecretNotBase32 { position },
            BadSecret::InvalidBase32 => Msg::SecretInvalidBase32,
            BadSecret::TooShort { bits, needed } => Msg::SecretTooShort { bits, needed },
        }
    }
}

impl From<&Refusal> for Msg {
    fn from(refusal: &Refusal) -> Msg {
        let s = |text: &String| text.clone();
        match refusal {
            Refusal::NotMaster { login_id } => Msg::NotMaster {
                login_id: s(login_id),
            },
            Refusal::MasterWithoutDevice { login_id } => Msg::MasterWithoutDevice {
                login_id: s(login_id),
            },
            Refusal::MasterDeviceExpired {
                login_id,
                serial,
                expires,
            } => Msg::MasterDeviceExpired {
                login_id: s(login_id),
                serial: s(serial),
                expires: *expires,
            },
            Refusal::NoOtp { login_id } => Msg::NoOtp {
                login_id: s(login_id),
            },
            Refusal::AlreadyInService { login_id, serial } => Msg::AlreadyInService {
                login_id: s(login_id),
                serial: s(serial),
            },
            Refusal::DeviceDisposed { serial, at } => Msg::DeviceDisposed {
                serial: s(serial),
                at: *at,
            },
            Refusal::DeviceExpired { serial, expires } => Msg::DeviceExpired {
                serial: s(serial),
                expires: *expires,
            },
            Refusal::StillInService { serial, holders } => Msg::StillInService {
                serial: s(serial),
                holders: holders.clone(),
            },
            Refusal::NotYetReplaced {
                serial,
                former_users,
                expires,
            } => Msg::NotYetReplaced {
                serial: s(serial),
                former_users: former_users.clone(),
                expires: *expires,
            },
            Refusal::NeverUsed { serial } => Msg::NeverUsed { serial: s(serial) },
            Refusal::DeviceLost { serial } => Msg::DeviceLostNotDisposable { serial: s(serial) },
            Refusal::AlreadyDisposed { serial, at } => Msg::AlreadyDisposed {
                serial: s(serial),
                at: *at,
            },
            Refusal::ImportChangesDevice {
                login_id,
                in_service: Some(serial),
                named,
            } => Msg::ImportChangesDevice {
                login_id: s(login_id),
                serial: s(serial),
                named: s(named),
            },
            Refusal::ImportChangesDevice {
                login_id,
                in_service: None,
                named,
            } => Msg::ImportNamesDevice {
                login_id: s(login_id),
                named: s(named),
            },
            Refusal::ImportTurnsOtpOff { login_id, serial } => Msg::ImportTurnsOtpOff {
                login_id: s(login_id),
                serial: s(serial),
            },
        }
    }
}

impl From<&TargetRefusal> for Msg {
    fn from(refusal: &TargetRefusal) -> Msg {
        match refusal {
            TargetRefusal::Unknown => Msg::TargetUnknown,
            TargetRefusal::NoOtp => Msg::TargetNoOtp,
            TargetRefusal::NotInService => Msg::TargetNotInService,
            TargetRefusal::DeviceExpired { serial, expires } => Msg::TargetDeviceExpired {
                serial: serial.clone(),
                expires: *expires,
            },
        }
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
        Error::io(Msg::CannotWriteOutput, e)
    }
}

impl From<csv::Error> for Error {
    fn from(e: csv::Error) -> Self {
        match e.into_kind() {
            csv::ErrorKind::Io(io) => io.into(),
            other => Error::io(
                Msg::CannotWriteCsv,
                std::io::Error::other(format!("{other:?}")),
            ),
        }
    }
}
