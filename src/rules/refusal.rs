//! Why a rule of the procedure refuses an action: plain values, rendered (in
//! English or Japanese) only by `error.rs`.

use chrono::{DateTime, NaiveDate, Utc};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// Only a master user may revoke.
    NotMaster {
        login_id: String,
    },
    /// A master confirms with their own device's code, so needs one.
    MasterWithoutDevice {
        login_id: String,
    },
    /// An expired device cannot confirm anything.
    MasterDeviceExpired {
        login_id: String,
        serial: String,
        expires: NaiveDate,
    },
    NoOtp {
        login_id: String,
    },
    /// Registration needs a revocation first.
    AlreadyInService {
        login_id: String,
        serial: String,
    },
    DeviceDisposed {
        serial: String,
        at: DateTime<Utc>,
    },
    DeviceExpired {
        serial: String,
        expires: NaiveDate,
    },
    /// Disposal: someone still uses the device.
    StillInService {
        serial: String,
        holders: Vec<String>,
    },
    /// Disposal: revoked, but its holders have not registered a new device.
    NotYetReplaced {
        serial: String,
        former_users: Vec<String>,
        expires: NaiveDate,
    },
    /// Disposal: the bank revoked it as lost.
    DeviceLost {
        serial: String,
    },
    /// Disposal: never registered and not expired.
    NeverUsed {
        serial: String,
    },
    AlreadyDisposed {
        serial: String,
        at: DateTime<Utc>,
    },
    /// `import users --update`: a row names another device than the one in
    /// service (or one for a user with none); devices change only by revoke
    /// and register. Nothing was imported.
    ImportChangesDevice {
        login_id: String,
        in_service: Option<String>,
        named: String,
    },
    /// `import users --update`: a row turns one-time passwords off for a
    /// user whose device is in service. Nothing was imported.
    ImportTurnsOtpOff {
        login_id: String,
        serial: String,
    },
}

/// Why one target of a bulk revocation cannot be revoked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TargetRefusal {
    /// No such login ID (exit 6 rather than 7).
    Unknown,
    NoOtp,
    NotInService,
    /// Past its expiry date: only the bank can act.
    DeviceExpired {
        serial: String,
        expires: NaiveDate,
    },
}
