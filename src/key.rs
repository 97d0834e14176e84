//! The registry key: 256 random bits kept in a key file outside the
//! database, so that a copy of the registry alone reveals no device secret
//! and cannot forge an audit row.
//!
//! From the one key come, by HKDF with distinct labels: the AEAD key that
//! seals each device secret (bound to its serial), the MAC key of the audit
//! chain, and the fingerprint the registry records to recognise its key.

use std::io::Write;
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

pub const KEY_FILE_ENV: &str = "TOKENCTL_KEY_FILE";

/// The first byte of a sealed secret: the sealing scheme's version.
const SEALED_V1: u8 = 1;
const NONCE_LEN: usize = 12;

type HmacSha256 = Hmac<Sha256>;

/// The registry key and the keys derived from it. Never printed.
pub struct RegistryKey {
    path: PathBuf,
    seal: Zeroizing<[u8; 32]>,
    audit: Zeroizing<[u8; 32]>,
    fingerprint: String,
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
            .finish_non_exhaustive()
    }
}

/// Why a sealed secret did not open: it was altered, belongs to another
/// serial, or was sealed under another key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SealBroken;

impl RegistryKey {
    fn from_bytes(path: &Path, bytes: &[u8; 32]) -> RegistryKey {
        let hk = Hkdf::<Sha256>::new(Some(b"tokenctl registry key v1"), bytes);
        let mut seal = Zeroizing::new([0u8; 32]);
        let mut audit = Zeroizing::new([0u8; 32]);
        let mut fp = [0u8; 16];
        hk.expand(b"device secret sealing", seal.as_mut())
            .expect("32 bytes is a valid HKDF length");
        hk.expand(b"audit chain mac", audit.as_mut())
            .expect("32 bytes is a valid HKDF length");
        hk.expand(b"fingerprint", &mut fp)
            .expect("16 bytes is a valid HKDF length");
        RegistryKey {
            path: path.to_path_buf(),
            seal,
            audit,
            fingerprint: hex::encode(fp),
            nonces: Mutex::new(NonceSource::new()),
        }
    }

    /// Reads the key file at `path`: 64 hex digits (a trailing newline is
    /// allowed). A missing or malformed file is exit 8, naming the path.
    pub fn load(path: &Path) -> Result<RegistryKey> {
        let bad = |reason: Msg| Error::KeyFile {
            path: path.to_path_buf(),
            reason,
        };
        let text = Zeroizing::new(std::fs::read_to_string(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => bad(Msg::NoKeyFile),
            _ => bad(Msg::CannotReadKeyFile {
                error: OsError::from(&e),
            }),
        })?);
        let mut bytes = Zeroizing::new([0u8; 32]);
        hex::decode_to_slice(text.trim(), bytes.as_mut()).map_err(|_| bad(Msg::NotAKeyFile))?;
        Ok(RegistryKey::from_bytes(path, &bytes))
    }

    /// Uses the key file at `path`, or creates one (mode 0600, in a 0700
    /// directory) when none exists. Returns the key and whether it is new.
    pub fn load_or_create(path: &Path) -> Result<(RegistryKey, bool)> {
        if std::fs::symlink_metadata(path).is_ok() {
            return Ok((RegistryKey::load(path)?, false));
        }
        let mut bytes = Zeroizing::new([0u8; 32]);
        getrandom::fill(bytes.as_mut())
            .map_err(|e| Error::io(Msg::CannotDrawRandom, std::io::Error::other(e.to_string())))?;
        let text = Zeroizing::new(format!("{}\n", hex::encode(bytes.as_ref())));
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            crate::fsutil::create_private_dir(parent)?;
        }
        let cannot = |e: std::io::Error| Error::KeyFile {
            path: path.to_path_buf(),
            reason: Msg::CannotCreateKeyFile {
                error: OsError::from(&e),
            },
        };
        let mut file = crate::fsutil::create_private_file(path).map_err(cannot)?;
        file.write_all(text.as_bytes())
            .and_then(|()| file.sync_all())
            .map_err(cannot)?;
        Ok((RegistryKey::from_bytes(path, &bytes), true))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// A public name of the key, recorded in the registry: it tells which
    /// key a registry needs without revealing it.
    pub fn fingerprint(&self) -> &str {
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
    pub fn open(
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
    pub fn audit_mac(&self, bytes: &[u8]) -> [u8; 32] {
        let mut mac = <HmacSha256 as hmac::KeyInit>::new_from_slice(self.audit.as_ref())
            .expect("HMAC takes any key length");
        mac.update(bytes);
        mac.finalize().into_bytes().into()
    }

    /// Whether `expected` is the audit MAC of `bytes`, compared in constant time.
    pub fn audit_mac_matches(&self, bytes: &[u8], expected: &[u8]) -> bool {
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
pub fn default_path() -> PathBuf {
    dirs::config_dir()
        .unwrap_or_else(|| PathBuf::from("."))
        .join("tokenctl")
        .join("registry.key")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(byte: u8) -> RegistryKey {
        RegistryKey::from_bytes(Path::new("k"), &[byte; 32])
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
        let (created, new) = RegistryKey::load_or_create(&path).unwrap();
        assert!(new);
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&path), 0o600);
        assert_eq!(mode(path.parent().unwrap()), 0o700);
        let (again, new) = RegistryKey::load_or_create(&path).unwrap();
        assert!(!new);
        assert_eq!(again.fingerprint(), created.fingerprint());
    }

    #[test]
    fn a_malformed_key_file_is_refused_naming_its_path() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("registry.key");
        std::fs::write(&path, "not hex").unwrap();
        let e = RegistryKey::load(&path).unwrap_err();
        assert_eq!(e.exit_code(), 8);
        assert!(e.to_string().contains("registry.key"));
    }
}
