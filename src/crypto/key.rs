//! The registry key: 256 random bits kept in a key file outside the
//! database, so that a copy of the registry alone reveals no device secret
//! and can forge no row, audit entry or mark.
//!
//! The key file is read like an ssh private key (`KeyFile::load`): it must
//! be a regular file owned by the user running tokenctl, readable and
//! writable by nobody else, in a directory others cannot write; a FIFO or a
//! device at its path is refused before it is read, and at most a few bytes
//! are read. Two processes creating the same key file at once end with one
//! key: each writes its own candidate under a temporary name and links it
//! into place, and the one that loses reads the winner's.
//!
//! From the one key come, by HKDF, the subkeys of one registry
//! (`KeyFile::bind`): the AEAD key that seals each device secret (bound to
//! its serial), the MAC key of the audit chain, and the MAC key of every
//! row and of the witness. Each is derived with the registry's random ID in
//! its label, so that registries sharing one key file share no subkey: a
//! row, an audit entry or a sealed secret copied from one to the other never
//! verifies. The fingerprint depends on the key alone, so that the wrong key
//! file is recognised as such before anything else is looked at.
//!
//! Registries older than the registry ID (schema 2) were sealed and chained
//! under subkeys derived without it (`Binding::Legacy`); the upgrade opens
//! and verifies them with those and re-seals under the bound ones.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Nonce};
use hkdf::Hkdf;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use zeroize::Zeroizing;

use crate::catalogue::{Msg, OsError};
use crate::error::{Error, Result};

pub(crate) const KEY_FILE_ENV: &str = "TOKENCTL_KEY_FILE";

/// The first byte of a sealed secret: the sealing scheme's version.
const SEALED_V1: u8 = 1;
const NONCE_LEN: usize = 12;

/// A key file is 64 hex digits and a newline; anything much longer is not
/// one, and is not read to its end (`/dev/zero` at the key path).
const KEY_FILE_MAX_BYTES: u64 = 256;

/// The length of a row MAC and of the state tree's hashes: HMAC-SHA256 and
/// SHA-256 truncated to 128 bits, which a forger without the key still has
/// to guess.
pub(crate) const ROW_MAC_LEN: usize = 16;
pub(crate) type RowMac = [u8; ROW_MAC_LEN];

/// A registry's random ID (128 bits), drawn by `init`.
pub(crate) type RegistryId = [u8; 16];

type HmacSha256 = Hmac<Sha256>;

/// The key as read from its file, before it is bound to a registry.
pub struct KeyFile {
    path: PathBuf,
    bytes: Zeroizing<[u8; 32]>,
    fingerprint: String,
}

impl std::fmt::Debug for KeyFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyFile")
            .field("path", &self.path)
            .field("fingerprint", &self.fingerprint)
            .finish_non_exhaustive()
    }
}

/// Which subkeys a registry uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Binding {
    /// Schema 2: sealed and chained before registries had an ID.
    Legacy,
    /// Schema 3 and later: every subkey bound to the registry's ID.
    Registry(RegistryId),
}

/// The subkeys of one registry. Never printed.
pub struct RegistryKey {
    path: PathBuf,
    seal: Zeroizing<[u8; 32]>,
    audit: Zeroizing<[u8; 32]>,
    /// The row key's HMAC state, keyed once: a million rows are MAC'd on an
    /// import, and keying HMAC costs two hash blocks each time.
    rows: HmacSha256,
    fingerprint: String,
    binding: Binding,
    nonces: Mutex<NonceSource>,
}

/// Random nonces drawn from the OS a page at a time: an import of a
/// million devices made a million `getrandom` calls, 1.4 s of its time.
struct NonceSource {
    buffer: [u8; 4096],
    used: usize,
}

impl NonceSource {
    fn new() -> NonceSource {
        NonceSource {
            buffer: [0; 4096],
            used: 4096,
        }
    }

    fn next(&mut self) -> [u8; NONCE_LEN] {
        if self.used + NONCE_LEN > self.buffer.len() {
            getrandom::fill(&mut self.buffer).expect("the OS random source is available");
            self.used = 0;
        }
        let mut nonce = [0u8; NONCE_LEN];
        nonce.copy_from_slice(&self.buffer[self.used..self.used + NONCE_LEN]);
        // Each byte is used once: never twice for two nonces.
        self.buffer[self.used..self.used + NONCE_LEN].fill(0);
        self.used += NONCE_LEN;
        nonce
    }
}

impl std::fmt::Debug for RegistryKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RegistryKey")
            .field("path", &self.path)
            .field("fingerprint", &self.fingerprint)
            .field("binding", &self.binding)
            .finish_non_exhaustive()
    }
}

/// Why a sealed secret did not open: it was altered, belongs to another
/// serial, or was sealed under another key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct SealBroken;

/// Draws a new registry ID.
pub(crate) fn new_registry_id() -> Result<RegistryId> {
    let mut id = [0u8; 16];
    getrandom::fill(&mut id)
        .map_err(|e| Error::io(Msg::CannotDrawRandom, std::io::Error::other(e.to_string())))?;
    Ok(id)
}

impl KeyFile {
    fn from_bytes(path: &Path, bytes: &[u8; 32]) -> KeyFile {
        let hk = Hkdf::<Sha256>::new(Some(b"tokenctl registry key v1"), bytes);
        let mut fp = [0u8; 16];
        hk.expand(b"fingerprint", &mut fp)
            .expect("16 bytes is a valid HKDF length");
        KeyFile {
            path: path.to_path_buf(),
            bytes: Zeroizing::new(*bytes),
            fingerprint: hex::encode(fp),
        }
    }

    /// Reads the key file at `path` after checking it like an ssh private
    /// key. A missing, exposed or malformed file is exit 8, naming the path.
    pub(crate) fn load(path: &Path) -> Result<KeyFile> {
        let bad = |reason: Msg| Error::KeyFile {
            path: path.to_path_buf(),
            reason,
        };
        let file = open_checked(path).map_err(bad)?;
        let mut text = Zeroizing::new(String::new());
        file.take(KEY_FILE_MAX_BYTES + 1)
            .read_to_string(&mut text)
            .map_err(|e| match e.kind() {
                std::io::ErrorKind::InvalidData => bad(Msg::NotAKeyFile),
                _ => bad(Msg::CannotReadKeyFile {
                    error: OsError::from(&e),
                }),
            })?;
        let mut bytes = Zeroizing::new([0u8; 32]);
        hex::decode_to_slice(text.trim(), bytes.as_mut()).map_err(|_| bad(Msg::NotAKeyFile))?;
        Ok(KeyFile::from_bytes(path, &bytes))
    }

    /// Uses the key file at `path`, or creates one (mode 0600, in a 0700
    /// directory) when none exists. Returns the key and whether it is new.
    /// Safe against another process creating it at the same moment: both
    /// end with the one key that reached the path first.
    pub fn load_or_create(path: &Path) -> Result<(KeyFile, bool)> {
        if std::fs::symlink_metadata(path).is_ok() {
            return Ok((KeyFile::load(path)?, false));
        }
        let mut bytes = Zeroizing::new([0u8; 32]);
        getrandom::fill(bytes.as_mut())
            .map_err(|e| Error::io(Msg::CannotDrawRandom, std::io::Error::other(e.to_string())))?;
        let parent = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        crate::io::files::create_private_dir(parent)?;
        let cannot = |e: std::io::Error| Error::KeyFile {
            path: path.to_path_buf(),
            reason: Msg::CannotCreateKeyFile {
                error: OsError::from(&e),
            },
        };
        let text = Zeroizing::new(format!("{}\n", hex::encode(bytes.as_ref())));
        match crate::io::files::write_private_new(path, text.as_bytes()).map_err(cannot)? {
            true => Ok((KeyFile::from_bytes(path, &bytes), true)),
            // Another process linked its key first: use that one.
            false => Ok((KeyFile::load(path)?, false)),
        }
    }

    /// Creates a new key file at `path` (mode 0600, its directory 0700);
    /// refuses when anything is there already: a rotation never overwrites
    /// a key.
    pub(crate) fn create_new(path: &Path) -> Result<KeyFile> {
        if std::fs::symlink_metadata(path).is_ok() {
            return Err(Error::AlreadyExists {
                path: path.to_path_buf(),
            });
        }
        match KeyFile::load_or_create(path)? {
            (key, true) => Ok(key),
            (_, false) => Err(Error::AlreadyExists {
                path: path.to_path_buf(),
            }),
        }
    }

    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    pub(crate) fn fingerprint(&self) -> &str {
        &self.fingerprint
    }

    /// The subkeys of the registry `binding` names.
    pub fn bind(&self, binding: Binding) -> RegistryKey {
        let hk = Hkdf::<Sha256>::new(Some(b"tokenctl registry key v1"), self.bytes.as_ref());
        let label = |what: &str| -> Vec<u8> {
            let mut info = what.as_bytes().to_vec();
            if let Binding::Registry(id) = binding {
                info.extend_from_slice(b"\0registry ");
                info.extend_from_slice(&id);
            }
            info
        };
        let mut seal = Zeroizing::new([0u8; 32]);
        let mut audit = Zeroizing::new([0u8; 32]);
        let mut rows = Zeroizing::new([0u8; 32]);
        hk.expand(&label("device secret sealing"), seal.as_mut())
            .expect("32 bytes is a valid HKDF length");
        hk.expand(&label("audit chain mac"), audit.as_mut())
            .expect("32 bytes is a valid HKDF length");
        hk.expand(&label("row mac"), rows.as_mut())
            .expect("32 bytes is a valid HKDF length");
        let rows = <HmacSha256 as hmac::KeyInit>::new_from_slice(rows.as_ref())
            .expect("HMAC takes any key length");
        RegistryKey {
            path: self.path.clone(),
            seal,
            audit,
            rows,
            fingerprint: self.fingerprint.clone(),
            binding,
            nonces: Mutex::new(NonceSource::new()),
        }
    }
}

/// Opens the key file for reading after the checks an ssh client makes of a
/// private key, without following a symlink at the last component and
/// without blocking on a FIFO.
fn open_checked(path: &Path) -> std::result::Result<std::fs::File, Msg> {
    let meta = std::fs::symlink_metadata(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => Msg::NoKeyFile,
        _ => Msg::CannotReadKeyFile {
            error: OsError::from(&e),
        },
    })?;
    let meta = if meta.file_type().is_symlink() {
        std::fs::metadata(path).map_err(|e| Msg::CannotReadKeyFile {
            error: OsError::from(&e),
        })?
    } else {
        meta
    };
    if !meta.is_file() {
        return Err(Msg::KeyFileNotRegular);
    }
    #[cfg(unix)]
    check_private(path, &meta)?;
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(nix::libc::O_NONBLOCK);
    }
    let file = options.open(path).map_err(|e| Msg::CannotReadKeyFile {
        error: OsError::from(&e),
    })?;
    // The path may have been swapped between the look and the open.
    let opened = file.metadata().map_err(|e| Msg::CannotReadKeyFile {
        error: OsError::from(&e),
    })?;
    if !opened.is_file() {
        return Err(Msg::KeyFileNotRegular);
    }
    Ok(file)
}

/// Owner, mode and directory of a key file, as ssh checks them.
#[cfg(unix)]
fn check_private(path: &Path, meta: &std::fs::Metadata) -> std::result::Result<(), Msg> {
    use std::os::unix::fs::MetadataExt;
    let me = nix::unistd::geteuid().as_raw();
    if meta.uid() != me {
        return Err(Msg::KeyFileNotYours { owner: meta.uid() });
    }
    let mode = meta.mode() & 0o777;
    if mode & 0o077 != 0 {
        return Err(Msg::KeyFileExposed {
            mode: format!("{mode:04o}"),
            path: path.display().to_string(),
        });
    }
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if let Ok(dir_meta) = std::fs::metadata(dir) {
        let dir_mode = dir_meta.mode();
        // Writable by others, unless sticky and ours (like /tmp is not ours).
        let others_write = dir_mode & 0o022 != 0;
        let sticky = dir_mode & 0o1000 != 0;
        if others_write && !(sticky && dir_meta.uid() == me) {
            return Err(Msg::KeyDirWritable {
                dir: dir.display().to_string(),
                mode: format!("{:04o}", dir_mode & 0o7777),
            });
        }
    }
    Ok(())
}

impl RegistryKey {
    /// The subkeys of a test registry.
    #[cfg(test)]
    pub(crate) fn for_tests(byte: u8, binding: Binding) -> RegistryKey {
        KeyFile::from_bytes(Path::new("k"), &[byte; 32]).bind(binding)
    }

    pub(crate) fn binding(&self) -> Binding {
        self.binding
    }

    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// A public name of the key, recorded in the registry: it tells which
    /// key a registry needs without revealing it.
    pub(crate) fn fingerprint(&self) -> &str {
        &self.fingerprint
    }

    /// Seals a device secret under the key, bound to `serial`: a sealed
    /// secret copied to another device's row does not open.
    pub fn seal(&self, serial: &str, secret: &[u8]) -> Vec<u8> {
        let cipher = ChaCha20Poly1305::new(self.seal.as_ref().into());
        let nonce = self
            .nonces
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .next();
        let sealed = cipher
            .encrypt(
                Nonce::from_slice(&nonce),
                Payload {
                    msg: secret,
                    aad: &associated_data(serial),
                },
            )
            .expect("sealing a short secret cannot fail");
        let mut out = Vec::with_capacity(1 + NONCE_LEN + sealed.len());
        out.push(SEALED_V1);
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&sealed);
        out
    }

    /// Opens a secret sealed by `seal` for `serial`.
    pub(crate) fn open(
        &self,
        serial: &str,
        sealed: &[u8],
    ) -> std::result::Result<Zeroizing<Vec<u8>>, SealBroken> {
        let Some((&SEALED_V1, rest)) = sealed.split_first() else {
            return Err(SealBroken);
        };
        if rest.len() < NONCE_LEN {
            return Err(SealBroken);
        }
        let (nonce, body) = rest.split_at(NONCE_LEN);
        let cipher = ChaCha20Poly1305::new(self.seal.as_ref().into());
        cipher
            .decrypt(
                Nonce::from_slice(nonce),
                Payload {
                    msg: body,
                    aad: &associated_data(serial),
                },
            )
            .map(Zeroizing::new)
            .map_err(|_| SealBroken)
    }

    /// HMAC-SHA256 under the audit chain's key.
    pub(crate) fn audit_mac(&self, bytes: &[u8]) -> [u8; 32] {
        let mut mac = <HmacSha256 as hmac::KeyInit>::new_from_slice(self.audit.as_ref())
            .expect("HMAC takes any key length");
        mac.update(bytes);
        mac.finalize().into_bytes().into()
    }

    /// HMAC-SHA256 under the row key, truncated to `ROW_MAC_LEN`: the MAC of
    /// a row, a registry mark, the state or the witness.
    pub(crate) fn row_mac(&self, bytes: &[u8]) -> RowMac {
        let mut mac = self.rows.clone();
        mac.update(bytes);
        let full = mac.finalize().into_bytes();
        let mut out = [0u8; ROW_MAC_LEN];
        out.copy_from_slice(&full[..ROW_MAC_LEN]);
        out
    }

    /// Whether `expected` is the row MAC of `bytes`, compared in constant time.
    pub(crate) fn row_mac_matches(&self, bytes: &[u8], expected: &[u8]) -> bool {
        subtle::ConstantTimeEq::ct_eq(self.row_mac(bytes).as_slice(), expected).into()
    }

    /// Whether `expected` is the audit MAC of `bytes`, compared in constant time.
    pub(crate) fn audit_mac_matches(&self, bytes: &[u8], expected: &[u8]) -> bool {
        let mut mac = <HmacSha256 as hmac::KeyInit>::new_from_slice(self.audit.as_ref())
            .expect("HMAC takes any key length");
        mac.update(bytes);
        mac.verify_slice(expected).is_ok()
    }
}

fn associated_data(serial: &str) -> Vec<u8> {
    let mut aad = b"tokenctl device secret v1\0".to_vec();
    aad.extend_from_slice(serial.as_bytes());
    aad
}

/// The key file's path: `--key-file`, else `TOKENCTL_KEY_FILE`, else
/// `registry.key` in the platform's config directory.
pub(crate) fn default_path() -> PathBuf {
    dirs::config_dir()
        .unwrap_or_else(|| PathBuf::from("."))
        .join("tokenctl")
        .join("registry.key")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(byte: u8) -> RegistryKey {
        RegistryKey::for_tests(byte, Binding::Legacy)
    }

    #[test]
    fn a_sealed_secret_opens_only_with_its_key_and_serial() {
        let k = key(1);
        let sealed = k.seal("12345678", b"secret bytes");
        assert_eq!(
            k.open("12345678", &sealed).unwrap().as_slice(),
            b"secret bytes"
        );
        assert_eq!(k.open("12345679", &sealed), Err(SealBroken));
        assert_eq!(key(2).open("12345678", &sealed), Err(SealBroken));
        let mut flipped = sealed.clone();
        *flipped.last_mut().unwrap() ^= 1;
        assert_eq!(k.open("12345678", &flipped), Err(SealBroken));
        assert_eq!(k.open("12345678", &[]), Err(SealBroken));
        assert_eq!(k.open("12345678", b"\x01short"), Err(SealBroken));
        assert!(
            !sealed
                .windows(b"secret bytes".len())
                .any(|w| w == b"secret bytes")
        );
    }

    #[test]
    fn two_seals_of_one_secret_differ() {
        let k = key(1);
        assert_ne!(k.seal("1", b"s"), k.seal("1", b"s"));
    }

    /// Nonces come from a buffer refilled from the OS: across a refill and
    /// over many seals, no nonce repeats.
    #[test]
    fn nonces_do_not_repeat_across_buffer_refills() {
        let k = key(1);
        let mut seen = std::collections::HashSet::new();
        for _ in 0..2_000 {
            let sealed = k.seal("1", b"s");
            assert!(seen.insert(sealed[1..1 + NONCE_LEN].to_vec()));
        }
    }

    #[test]
    fn fingerprints_tell_keys_apart_and_debug_hides_the_key() {
        assert_ne!(key(1).fingerprint(), key(2).fingerprint());
        assert_eq!(key(1).fingerprint().len(), 32);
        let shown = format!("{:?}", key(7));
        assert!(shown.contains("fingerprint"));
        assert!(!shown.contains("0707"));
    }

    #[test]
    fn audit_macs_verify_in_constant_time_against_the_right_bytes() {
        let k = key(3);
        let mac = k.audit_mac(b"row");
        assert!(k.audit_mac_matches(b"row", &mac));
        assert!(!k.audit_mac_matches(b"rox", &mac));
        assert!(!key(4).audit_mac_matches(b"row", &mac));
    }

    #[cfg(unix)]
    #[test]
    fn a_new_key_file_is_private_in_a_private_directory() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("conf").join("registry.key");
        let (created, new) = KeyFile::load_or_create(&path).unwrap();
        assert!(new);
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&path), 0o600);
        assert_eq!(mode(path.parent().unwrap()), 0o700);
        let (again, new) = KeyFile::load_or_create(&path).unwrap();
        assert!(!new);
        assert_eq!(again.fingerprint(), created.fingerprint());
    }

    #[test]
    fn a_malformed_key_file_is_refused_naming_its_path() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("registry.key");
        std::fs::write(&path, "not hex").unwrap();
        let e = KeyFile::load(&path).unwrap_err();
        assert_eq!(e.exit_code(), 8);
        assert!(e.to_string().contains("registry.key"));
    }

    #[test]
    fn registries_sharing_a_key_file_share_no_subkey() {
        let a = RegistryKey::for_tests(1, Binding::Registry([1; 16]));
        let b = RegistryKey::for_tests(1, Binding::Registry([2; 16]));
        assert_eq!(a.fingerprint(), b.fingerprint());
        assert_ne!(a.row_mac(b"row"), b.row_mac(b"row"));
        assert_ne!(a.audit_mac(b"row"), b.audit_mac(b"row"));
        assert_eq!(b.open("1", &a.seal("1", b"s")), Err(SealBroken));
        let legacy = key(1);
        assert_ne!(legacy.row_mac(b"row"), a.row_mac(b"row"));
        assert!(a.row_mac_matches(b"row", &a.row_mac(b"row")));
        assert!(!a.row_mac_matches(b"rox", &a.row_mac(b"row")));
    }

    #[cfg(unix)]
    fn refusal(path: &Path) -> Msg {
        match KeyFile::load(path).unwrap_err() {
            Error::KeyFile { reason, .. } => reason,
            other => panic!("{other:?}"),
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_key_file_others_can_read_or_write_is_refused() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("k").join("registry.key");
        KeyFile::load_or_create(&path).unwrap();
        for mode in [0o644, 0o640, 0o606, 0o666] {
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
            assert_eq!(
                refusal(&path),
                Msg::KeyFileExposed {
                    mode: format!("{mode:04o}"),
                    path: path.display().to_string()
                }
            );
        }
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o400)).unwrap();
        assert!(KeyFile::load(&path).is_ok());
        let parent = path.parent().unwrap();
        std::fs::set_permissions(parent, std::fs::Permissions::from_mode(0o777)).unwrap();
        assert_eq!(
            refusal(&path),
            Msg::KeyDirWritable {
                dir: parent.display().to_string(),
                mode: "0777".into()
            }
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_or_a_device_at_the_key_path_is_refused_without_reading_it() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("fifo.key");
        nix::unistd::mkfifo(&fifo, nix::sys::stat::Mode::S_IRWXU).unwrap();
        assert_eq!(refusal(&fifo), Msg::KeyFileNotRegular);
        assert_eq!(refusal(Path::new("/dev/zero")), Msg::KeyFileNotRegular);
    }

    #[test]
    fn a_long_file_is_not_a_key_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("registry.key");
        crate::io::files::write_private_new(&path, &[b'0'; 10_000]).unwrap();
        assert!(matches!(
            KeyFile::load(&path),
            Err(Error::KeyFile {
                reason: Msg::NotAKeyFile,
                ..
            })
        ));
    }

    #[test]
    fn two_creators_of_one_key_file_end_with_one_key() {
        for _ in 0..20 {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("conf").join("registry.key");
            let threads: Vec<_> = (0..4)
                .map(|_| {
                    let path = path.clone();
                    std::thread::spawn(move || KeyFile::load_or_create(&path).unwrap())
                })
                .collect();
            let keys: Vec<(KeyFile, bool)> =
                threads.into_iter().map(|t| t.join().unwrap()).collect();
            assert_eq!(keys.iter().filter(|(_, created)| *created).count(), 1);
            assert!(
                keys.iter()
                    .all(|(k, _)| k.fingerprint() == keys[0].0.fingerprint())
            );
            let names: Vec<_> = std::fs::read_dir(path.parent().unwrap())
                .unwrap()
                .map(|e| e.unwrap().file_name())
                .collect();
            assert_eq!(names, vec![std::ffi::OsString::from("registry.key")]);
        }
    }
}
