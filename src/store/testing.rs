//! The unit tests' registry: a new simulation registry in a temp dir (file,
//! key and witness, as `init --simulation` makes them), opened for writing,
//! and a second connection to it for the tests that play another process.

use std::path::PathBuf;

use chrono::NaiveDate;
use tempfile::TempDir;

use super::devices::NewDevice;
use super::users::NewUser;
use super::{Access, Mode, Store};
use crate::crypto::key::KeyFile;
use crate::rules::otp::{Algorithm, DeviceKey};
use crate::rules::status::Role;

/// A 6-digit, 30-second SHA1 test secret (20 bytes).
pub(crate) const SECRET: &[u8; 20] = b"12345678901234567890";

pub(crate) struct TempRegistry {
    /// Kept for its lifetime: the registry lives in it.
    _dir: TempDir,
    pub(crate) path: PathBuf,
    pub(crate) key_path: PathBuf,
}

impl TempRegistry {
    /// A new, empty simulation registry.
    pub(crate) fn new() -> TempRegistry {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("registry.db");
        let key_path = dir.path().join("registry.key");
        let (key, _) = KeyFile::load_or_create(&key_path).unwrap();
        Store::create(&path, key, Mode::Simulation)
            .unwrap()
            .persist()
            .unwrap();
        TempRegistry {
            _dir: dir,
            path,
            key_path,
        }
    }

    /// A connection of its own, as a command opens one.
    pub(crate) fn open(&self) -> Store {
        self.open_as(Access::ReadWrite)
    }

    pub(crate) fn open_as(&self, access: Access) -> Store {
        Store::open(&self.path, access, Some(&self.key_path), false).unwrap()
    }

    /// The registry file as raw SQLite, for what only someone without the
    /// key could do (tampering).
    pub(crate) fn raw(&self) -> rusqlite::Connection {
        rusqlite::Connection::open(&self.path).unwrap()
    }
}

/// A registry an earlier tokenctl made (`fixtures/schemaN/`), with its
/// key file (0600), in a directory of its own: (dir, registry, key file).
pub(crate) fn fixture(schema: u32) -> (TempDir, PathBuf, PathBuf) {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let from =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("fixtures/schema{schema}"));
    let (path, key) = (
        dir.path().join("registry.db"),
        dir.path().join("registry.key"),
    );
    std::fs::copy(from.join("registry.db"), &path).unwrap();
    std::fs::copy(from.join("registry.key"), &key).unwrap();
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o600)).unwrap();
    (dir, path, key)
}

/// The key of a test device (`SECRET`, SHA1, 6 digits, 30 s).
pub(crate) fn device_key() -> DeviceKey {
    DeviceKey {
        secret: zeroize::Zeroizing::new(SECRET.to_vec()),
        algorithm: Algorithm::Sha1,
        digits: 6,
        period: 30,
    }
}

pub(crate) fn new_device(serial: &str, expires: &str) -> NewDevice {
    NewDevice {
        serial: serial.to_string(),
        key: device_key(),
        expires: NaiveDate::parse_from_str(expires, "%Y-%m-%d").unwrap(),
    }
}

pub(crate) fn new_user(login_id: &str, role: Role) -> NewUser {
    NewUser {
        login_id: login_id.to_string(),
        name: format!("User {login_id}"),
        role,
        otp_required: true,
    }
}

/// The audit log's newest row, as `audit` shows it.
pub(crate) fn last_audit_row(store: &Store) -> super::audit::AuditRow {
    let filter = super::audit::AuditFilter {
        limit: Some(1),
        ..Default::default()
    };
    let rows = store.read(|tx| super::audit::newest(tx, &filter)).unwrap();
    rows.into_iter().next().expect("an audit row")
}

/// The instant `secs` seconds after the Unix epoch.
pub(crate) fn at(secs: i64) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp(secs, 0).unwrap()
}
