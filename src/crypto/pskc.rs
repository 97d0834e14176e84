//! PSKC key containers (RFC 6030): the XML form in which a bank may deliver
//! its devices' keys instead of CSV. Pure: the container's bytes and the
//! user's pre-shared key or passphrase in, TOTP devices out. The registry is
//! not touched here; `cmd::import` checks and inserts the devices exactly as
//! it does CSV rows.
//!
//! What is read is what a TOTP delivery needs: each key's secret (plain, or
//! AES-128/256-CBC encrypted under a pre-shared key or a PBKDF2-derived one,
//! with its `ValueMAC` verified before anything is decrypted), digits,
//! period, hash and expiry, and the serial of its device. Anything else that
//! would make the simulated device show different codes (HOTP, a time origin
//! other than the Unix epoch, a recorded drift) is refused rather than
//! imported wrong: no device can be removed from a delivery once imported.
//!
//! Every refusal names the key's `Id` and says why as a catalogue message
//! (`Msg::Pskc…`), worded in the user's language; no message quotes a
//! secret, a key, a passphrase or a MAC (no entry takes one), and secrets,
//! keys and MAC keys are wiped from memory when dropped.

use std::fmt;

use aes::{Aes128, Aes256};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use cbc::cipher::block_padding::Pkcs7;
use cbc::cipher::{BlockModeDecrypt, KeyIvInit};
use chrono::{DateTime, NaiveDate, NaiveDateTime};
use hmac::{Hmac, KeyInit, Mac};
use roxmltree::{Document, Node, ParsingOptions};
use sha1::Sha1;
use sha2::{Sha256, Sha512};
use zeroize::Zeroizing;

use crate::catalogue::Msg;
use crate::error::Error;
use crate::rules::otp::Algorithm;
use crate::time::{JAPAN, japan_date};

/// The namespace of every PSKC element.
pub(crate) const PSKC_NS: &str = "urn:ietf:params:xml:ns:keyprov:pskc";
/// The algorithm URI of a TOTP key, the only kind a device of ours can be.
pub(crate) use crate::catalogue::TOTP_URI;
/// Early drafts of the TOTP profile spelled the URI with a `#`.
const TOTP_URI_DRAFT: &str = "urn:ietf:params:xml:ns:keyprov:pskc#totp";

/// The most PBKDF2 iterations accepted. A container is a file from outside:
/// a count of billions would hold the import for hours. Ten million takes a
/// few seconds and is far above what anyone deploys.
pub(crate) const MAX_PBKDF2_ITERATIONS: u32 = 10_000_000;

/// The RFC's default time step when a key names none.
const DEFAULT_PERIOD: u64 = 30;

/// What the user supplies besides the container.
#[derive(Default)]
pub struct PskcOptions {
    /// The pre-shared AES key (`--pskc-key-file`).
    pub key: Option<Zeroizing<Vec<u8>>>,
    /// The passphrase of a PBKDF2 `DerivedKey` (`--pskc-passphrase-file`).
    pub passphrase: Option<Zeroizing<String>>,
    /// The expiry of keys whose container gives none (`--expires`).
    pub default_expires: Option<NaiveDate>,
}

impl fmt::Debug for PskcOptions {
    /// Says whether a key or passphrase is given, never what it is.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PskcOptions")
            .field("key", &self.key.as_ref().map(|_| "<redacted>"))
            .field(
                "passphrase",
                &self.passphrase.as_ref().map(|_| "<redacted>"),
            )
            .field("default_expires", &self.default_expires)
            .finish()
    }
}

/// The keys of a container, and how they were protected.
#[derive(Debug)]
pub struct Container {
    pub(crate) keys: Vec<PskcKey>,
    /// Some value was encrypted (and so needed the key or passphrase).
    pub(crate) encrypted: bool,
    /// Every encrypted value's `ValueMAC` was verified. A container with
    /// encrypted values is refused unless all of them carry one.
    pub(crate) mac_verified: bool,
}

/// One TOTP key of the container, with its device's serial.
pub(crate) struct PskcKey {
    /// The key's `Id` attribute, which error messages name.
    pub(crate) id: String,
    pub(crate) serial: String,
    pub(crate) secret: Zeroizing<Vec<u8>>,
    pub(crate) digits: u32,
    pub(crate) period: u64,
    pub(crate) algorithm: Algorithm,
    pub(crate) expires: NaiveDate,
}

impl fmt::Debug for PskcKey {
    /// Never prints the secret.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PskcKey")
            .field("id", &self.id)
            .field("serial", &self.serial)
            .field("secret", &"<redacted>")
            .field("digits", &self.digits)
            .field("period", &self.period)
            .field("algorithm", &self.algorithm)
            .field("expires", &self.expires)
            .finish()
    }
}

/// Why a container was not read. `key_id` is the `Id` of the key at fault,
/// `None` when the fault is the container's; `message` says why, as the
/// catalogue words it in either language.
#[derive(Debug, Clone, PartialEq)]
pub enum PskcError {
    /// Malformed, unsupported or refused content, or a missing option.
    Invalid {
        key_id: Option<String>,
        message: Msg,
    },
    /// The key or passphrase is wrong, or a MAC does not match.
    Verification {
        key_id: Option<String>,
        message: Msg,
    },
}

impl PskcError {
    /// The registry error of this refusal of the container read from `file`
    /// (exit 2, or 3 for a wrong key or passphrase and a MAC that differs).
    pub(crate) fn into_error(self, file: &str) -> Error {
        let message = Box::new(self.message());
        match self {
            PskcError::Invalid { key_id, .. } => Error::Pskc {
                file: file.to_string(),
                key_id,
                message,
            },
            PskcError::Verification { key_id, .. } => Error::PskcVerification {
                file: file.to_string(),
                key_id,
                message,
            },
        }
    }
}

impl PskcError {
    fn invalid(key_id: Option<&str>, message: Msg) -> Self {
        PskcError::Invalid {
            key_id: key_id.map(str::to_string),
            message,
        }
    }

    fn verification(key_id: Option<&str>, message: Msg) -> Self {
        PskcError::Verification {
            key_id: key_id.map(str::to_string),
            message,
        }
    }

    /// Why, as the catalogue words it.
    pub(crate) fn message(&self) -> Msg {
        let (PskcError::Invalid { message, .. } | PskcError::Verification { message, .. }) = self;
        message.clone()
    }
}

type Result<T> = std::result::Result<T, PskcError>;

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Whether `bytes` start like a PSKC key container: after an optional BOM,
/// XML declaration, comments and whitespace, a `KeyContainer` element (with
/// any prefix). A CSV file never starts with `<`, so it stays CSV. Enough of
/// the file's start to pass its prologue is all that is needed.
pub fn looks_like_pskc(bytes: &[u8]) -> bool {
    let mut rest = bytes.strip_prefix(BOM).unwrap_or(bytes);
    loop {
        rest = rest.trim_ascii_start();
        let skip = if rest.starts_with(b"<?") {
            find(rest, b"?>").map(|i| i + 2)
        } else if rest.starts_with(b"<!--") {
            find(&rest[4..], b"-->").map(|i| i + 7)
        } else if rest.starts_with(b"<!DOCTYPE") {
            // Refused when parsed; recognised here so the refusal says why.
            find(rest, b">").map(|i| i + 1)
        } else {
            break;
        };
        match skip {
            Some(n) => rest = &rest[n..],
            None => return false,
        }
    }
    let Some(tag) = rest.strip_prefix(b"<") else {
        return false;
    };
    let end = tag
        .iter()
        .position(|b| b.is_ascii_whitespace() || matches!(b, b'>' | b'/'))
        .unwrap_or(tag.len());
    let name = &tag[..end];
    let local = name.rsplit(|b| *b == b':').next().unwrap_or(name);
    local == b"KeyContainer"
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Reads every key of the container in `bytes`. All or nothing: the first
/// key that cannot be imported fails the whole container.
pub fn read(bytes: &[u8], opts: &PskcOptions) -> Result<Container> {
    let bytes = bytes.strip_prefix(BOM).unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|e| {
        PskcError::invalid(
            None,
            Msg::PskcNotUtf8 {
                byte: e.valid_up_to() + 1,
            },
        )
    })?;
    let options = ParsingOptions {
        allow_dtd: false,
        ..ParsingOptions::default()
    };
    let doc = Document::parse_with_options(text, options)
        .map_err(|e| PskcError::invalid(None, xml_error(e)))?;
    let root = doc.root_element();
    if root.tag_name().name() != "KeyContainer" || root.tag_name().namespace() != Some(PSKC_NS) {
        return Err(PskcError::invalid(
            None,
            Msg::PskcNotKeyContainer {
                namespace: PSKC_NS.to_string(),
            },
        ));
    }
    if let Some(version) = root.attribute("Version")
        && !matches!(version.trim(), "1.0" | "1")
    {
        return Err(PskcError::invalid(
            None,
            Msg::PskcVersion {
                version: version.to_string(),
            },
        ));
    }
    let encrypted = root
        .descendants()
        .any(|n| n.is_element() && n.tag_name().name() == "EncryptedValue");
    let crypto = if encrypted {
        Some(Crypto::from_container(root, opts)?)
    } else {
        None
    };
    let mut keys = Vec::new();
    let mut number = 0;
    for package in pskc_children(root, "KeyPackage") {
        for key in pskc_children(package, "Key") {
            number += 1;
            keys.push(read_key(package, key, number, crypto.as_ref(), opts)?);
        }
    }
    if keys.is_empty() {
        return Err(PskcError::invalid(None, Msg::PskcNoKeys));
    }
    Ok(Container {
        keys,
        encrypted,
        mac_verified: encrypted,
    })
}

/// Why the parser stopped. English gives the parser's own words, except
/// that a stray character is located but not quoted: it may be a character
/// of a secret. Japanese says where, or what kind of fault it is.
fn xml_error(e: roxmltree::Error) -> Msg {
    use roxmltree::Error as X;
    let pos = e.pos();
    let detail = match e {
        X::NonXmlChar(_, pos) | X::InvalidChar(.., pos) | X::InvalidChar2(.., pos) => {
            format!("an unexpected character at {pos}")
        }
        ref other => other.to_string(),
    };
    match e {
        X::UnexpectedEndOfStream | X::UnclosedRootNode => Msg::PskcXmlEnds { detail },
        X::NoRootNode => Msg::PskcXmlNoRoot { detail },
        X::DtdDetected => Msg::PskcXmlDtd { detail },
        X::NodesLimitReached | X::AttributesLimitReached | X::NamespacesLimitReached => {
            Msg::PskcXmlTooLarge { detail }
        }
        _ => Msg::PskcNotXmlAt {
            detail,
            line: pos.row,
            column: pos.col,
        },
    }
}

fn read_key(
    package: Node<'_, '_>,
    key: Node<'_, '_>,
    number: usize,
    crypto: Option<&Crypto>,
    opts: &PskcOptions,
) -> Result<PskcKey> {
    let id = key
        .attribute("Id")
        .map(str::trim)
        .filter(|id| !id.is_empty())
        .ok_or_else(|| PskcError::invalid(None, Msg::PskcKeyWithoutId { number }))?;
    let fail = |message: Msg| PskcError::invalid(Some(id), message);
    let uri = key.attribute("Algorithm").unwrap_or("").trim();
    if uri != TOTP_URI && uri != TOTP_URI_DRAFT {
        return Err(fail(Msg::PskcNotTotp {
            algorithm: (!uri.is_empty()).then(|| uri.to_string()),
        }));
    }
    let serial = pskc_child(package, "DeviceInfo")
        .and_then(|info| pskc_child(info, "SerialNo"))
        .map(text)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| fail(Msg::PskcNoSerial))?;
    let (digits, algorithm) = response_format(key, id)?;
    let data = pskc_child(key, "Data").ok_or_else(|| fail(Msg::PskcNoData))?;
    Ok(PskcKey {
        id: id.to_string(),
        serial: serial.to_string(),
        period: time_parameters(data, crypto, id)?,
        secret: secret(data, crypto, id)?,
        digits,
        algorithm,
        expires: expiry(package, key, id, opts)?,
    })
}

/// The code's length (6 or 8 decimal digits) and HMAC algorithm, from the
/// key's `AlgorithmParameters`.
fn response_format(key: Node<'_, '_>, id: &str) -> Result<(u32, Algorithm)> {
    let fail = |message: Msg| PskcError::invalid(Some(id), message);
    let params = pskc_child(key, "AlgorithmParameters");
    let format = params
        .and_then(|p| pskc_child(p, "ResponseFormat"))
        .ok_or_else(|| fail(Msg::PskcNoResponseFormat))?;
    if let Some(encoding) = format.attribute("Encoding")
        && encoding.trim() != "DECIMAL"
    {
        return Err(fail(Msg::PskcNotDecimal {
            encoding: encoding.to_string(),
        }));
    }
    let length = format.attribute("Length").unwrap_or("").trim();
    let digits = match length.parse::<u32>() {
        Ok(d @ (6 | 8)) => d,
        _ => {
            return Err(fail(Msg::PskcDigits {
                length: length.to_string(),
            }));
        }
    };
    let algorithm = match params.and_then(|p| pskc_child(p, "Suite")).map(text) {
        None | Some("") => Algorithm::Sha1,
        Some(suite) => suite_algorithm(suite).ok_or_else(|| {
            fail(Msg::PskcSuite {
                suite: suite.to_string(),
            })
        })?,
    };
    Ok((digits, algorithm))
}

/// The step in seconds. A time origin or drift other than zero is refused:
/// tokenctl's codes count steps from the Unix epoch, as the devices do.
fn time_parameters(data: Node<'_, '_>, crypto: Option<&Crypto>, id: &str) -> Result<u64> {
    let fail = |message: Msg| PskcError::invalid(Some(id), message);
    if let Some(time) = pskc_child(data, "Time") {
        let origin = integer(time, crypto, id, "Time")?;
        if origin != 0 {
            return Err(fail(Msg::PskcTimeOrigin { origin }));
        }
    }
    if let Some(drift) = pskc_child(data, "TimeDrift") {
        let drift = integer(drift, crypto, id, "TimeDrift")?;
        if drift != 0 {
            return Err(fail(Msg::PskcTimeDrift { drift }));
        }
    }
    match pskc_child(data, "TimeInterval") {
        None => Ok(DEFAULT_PERIOD),
        Some(interval) => {
            let seconds = integer(interval, crypto, id, "TimeInterval")?;
            u64::try_from(seconds)
                .ok()
                .filter(|s| *s > 0)
                .ok_or_else(|| fail(Msg::PskcIntervalNotPositive { seconds }))
        }
    }
}

/// The key's secret, in plain base64 or decrypted; never empty.
fn secret(data: Node<'_, '_>, crypto: Option<&Crypto>, id: &str) -> Result<Zeroizing<Vec<u8>>> {
    let fail = |message: Msg| PskcError::invalid(Some(id), message);
    let secret = match pskc_child(data, "Secret") {
        None => return Err(fail(Msg::PskcNoSecret)),
        Some(secret) => match value(secret, crypto, id, "Secret")? {
            Value::Plain(text) => {
                Zeroizing::new(decode_base64(text).ok_or_else(|| fail(Msg::PskcSecretNotBase64))?)
            }
            Value::Decrypted(bytes) => bytes,
        },
    };
    if secret.is_empty() {
        return Err(fail(Msg::PskcSecretEmpty));
    }
    Ok(secret)
}

/// The device's last valid day in Japan: the key's policy, else the
/// device's, else `--expires`.
fn expiry(
    package: Node<'_, '_>,
    key: Node<'_, '_>,
    id: &str,
    opts: &PskcOptions,
) -> Result<NaiveDate> {
    let fail = |message: Msg| PskcError::invalid(Some(id), message);
    let expiry = pskc_child(key, "Policy")
        .and_then(|p| pskc_child(p, "ExpiryDate"))
        .or_else(|| pskc_child(package, "DeviceInfo").and_then(|i| pskc_child(i, "ExpiryDate")));
    match expiry.map(text) {
        Some(when) => japan_date_of(when).ok_or_else(|| {
            fail(Msg::PskcExpiryInvalid {
                when: when.to_string(),
            })
        }),
        None => opts.default_expires.ok_or_else(|| fail(Msg::PskcNoExpiry)),
    }
}

/// `HMAC-SHA1`, `HMAC-SHA256` or `HMAC-SHA512` (any case; `SHA-256` too).
fn suite_algorithm(suite: &str) -> Option<Algorithm> {
    let upper = suite.trim().to_ascii_uppercase();
    upper
        .strip_prefix("HMAC-")
        .unwrap_or(&upper)
        .parse::<Algorithm>()
        .ok()
}

/// The date in Japan of an `xs:dateTime`: with an offset or `Z`, the
/// instant's date in Japan (`2027-06-13T16:00:00Z` is 14 June there);
/// without one, the date as written (taken as Japan time). A plain date is
/// accepted as itself.
pub(crate) fn japan_date_of(text: &str) -> Option<NaiveDate> {
    let text = text.trim();
    if let Ok(instant) = DateTime::parse_from_rfc3339(text) {
        return Some(japan_date(instant.to_utc()));
    }
    if let Ok(local) = NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f") {
        return local
            .and_local_timezone(JAPAN)
            .single()
            .map(|t| t.date_naive());
    }
    crate::time::parse_date(text)
}

/// A PSKC value: as written, or decrypted (after its MAC was verified).
enum Value<'a> {
    Plain(&'a str),
    Decrypted(Zeroizing<Vec<u8>>),
}

/// The `PlainValue` or `EncryptedValue` of a data element (`Secret`,
/// `Time`, ...). An encrypted value must carry a `ValueMAC`, verified before
/// the value is decrypted.
fn value<'a>(
    element: Node<'a, '_>,
    crypto: Option<&Crypto>,
    id: &str,
    what: &str,
) -> Result<Value<'a>> {
    if let Some(plain) = pskc_child(element, "PlainValue") {
        return Ok(Value::Plain(text(plain)));
    }
    let what_s = || what.to_string();
    let Some(encrypted) = pskc_child(element, "EncryptedValue") else {
        return Err(PskcError::invalid(
            Some(id),
            Msg::PskcNoValue { what: what_s() },
        ));
    };
    let Some(crypto) = crypto else {
        return Err(PskcError::invalid(
            Some(id),
            Msg::PskcEncryptedOutsideNamespace { what: what_s() },
        ));
    };
    let cipher = Cipher::of(encrypted, Some(id))?;
    let mac = pskc_child(element, "ValueMAC")
        .ok_or_else(|| PskcError::invalid(Some(id), Msg::PskcNoValueMac { what: what_s() }))?;
    let mac = decode_base64(text(mac)).ok_or_else(|| {
        PskcError::invalid(Some(id), Msg::PskcValueMacNotBase64 { what: what_s() })
    })?;
    crypto.verify_mac(&cipher.value, &mac, id, what)?;
    crypto
        .decrypt(&cipher, Some(id))
        .map(Value::Decrypted)
        .map_err(|e| match e {
            // The MAC matched, so the key did: the value itself is bad.
            PskcError::Verification { .. } => {
                PskcError::invalid(Some(id), Msg::PskcDecryptsBadly { what: what_s() })
            }
            other => other,
        })
}

/// An integer data element (`Time`, `TimeInterval`, `TimeDrift`): decimal
/// text when plain, a big-endian number when encrypted.
fn integer(element: Node<'_, '_>, crypto: Option<&Crypto>, id: &str, what: &str) -> Result<i64> {
    match value(element, crypto, id, what)? {
        Value::Plain(text) => text.parse::<i64>().map_err(|_| {
            PskcError::invalid(
                Some(id),
                Msg::PskcNotInteger {
                    what: what.to_string(),
                    text: text.to_string(),
                },
            )
        }),
        Value::Decrypted(bytes) => {
            if bytes.is_empty() || bytes.len() > 8 {
                return Err(PskcError::invalid(
                    Some(id),
                    Msg::PskcEncryptedNotInteger {
                        what: what.to_string(),
                    },
                ));
            }
            let mut be = [0u8; 8];
            be[8 - bytes.len()..].copy_from_slice(&bytes);
            Ok(i64::from_be_bytes(be))
        }
    }
}

/// Base64 with the line breaks and indentation XML writers put in it. The
/// decoder's own message is not passed on: it quotes the offending byte.
fn decode_base64(text: &str) -> Option<Vec<u8>> {
    let compact: String = text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    BASE64.decode(compact).ok()
}

/// Where the container's encryption key comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum KeySource {
    PreShared,
    Passphrase,
}

impl KeySource {
    fn wrong(self) -> Msg {
        match self {
            KeySource::PreShared => Msg::PskcKeyWrong,
            KeySource::Passphrase => Msg::PskcPassphraseWrong,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum MacAlgorithm {
    Sha1,
    Sha256,
}

/// The container's encryption key and MAC key, set up once for all keys.
struct Crypto {
    source: KeySource,
    key: Zeroizing<Vec<u8>>,
    mac: MacAlgorithm,
    mac_key: Zeroizing<Vec<u8>>,
}

impl Crypto {
    fn from_container(root: Node<'_, '_>, opts: &PskcOptions) -> Result<Crypto> {
        let encryption_key = pskc_child(root, "EncryptionKey");
        if encryption_key.is_some_and(|k| any_child(k, "X509Data").is_some()) {
            return Err(PskcError::invalid(None, Msg::PskcAsymmetric));
        }
        let derived = encryption_key.and_then(|k| any_child(k, "DerivedKey"));
        let (source, key) = match derived {
            Some(derived) => {
                let Some(passphrase) = &opts.passphrase else {
                    return Err(PskcError::invalid(None, Msg::PskcNeedsPassphrase));
                };
                (
                    KeySource::Passphrase,
                    derive_key(root, derived, passphrase)?,
                )
            }
            None => {
                let Some(key) = &opts.key else {
                    return Err(PskcError::invalid(None, Msg::PskcNeedsKey));
                };
                (KeySource::PreShared, key.clone())
            }
        };
        let method = pskc_child(root, "MACMethod")
            .ok_or_else(|| PskcError::invalid(None, Msg::PskcNoMacMethod))?;
        let uri = method.attribute("Algorithm").unwrap_or("").trim();
        let mac = match uri.rsplit('#').next().unwrap_or("") {
            "hmac-sha1" => MacAlgorithm::Sha1,
            "hmac-sha256" => MacAlgorithm::Sha256,
            _ => {
                return Err(PskcError::invalid(
                    None,
                    Msg::PskcMacMethod {
                        uri: uri.to_string(),
                    },
                ));
            }
        };
        let mut crypto = Crypto {
            source,
            mac_key: key.clone(),
            key,
            mac,
        };
        // Without a MACKey the encryption key doubles as the MAC key, as in
        // the drafts before RFC 6030.
        if let Some(mac_key) = pskc_child(method, "MACKey") {
            let cipher = Cipher::of(mac_key, None)?;
            crypto.mac_key = crypto.decrypt(&cipher, None).map_err(|e| match e {
                PskcError::Verification { message, .. } => PskcError::verification(
                    None,
                    Msg::PskcMacKeyDoesNotDecrypt {
                        reason: Box::new(message),
                    },
                ),
                other => other,
            })?;
            if crypto.mac_key.is_empty() {
                return Err(PskcError::invalid(None, Msg::PskcMacKeyEmpty));
            }
        }
        Ok(crypto)
    }

    /// Verifies, in constant time, the MAC of an encrypted value (over its
    /// whole CipherValue: IV and ciphertext).
    fn verify_mac(&self, cipher_value: &[u8], mac: &[u8], id: &str, what: &str) -> Result<()> {
        let verified = match self.mac {
            MacAlgorithm::Sha1 => hmac_verify::<Hmac<Sha1>>(&self.mac_key, cipher_value, mac),
            MacAlgorithm::Sha256 => hmac_verify::<Hmac<Sha256>>(&self.mac_key, cipher_value, mac),
        };
        if verified {
            Ok(())
        } else {
            let what = what.to_string();
            Err(PskcError::verification(
                Some(id),
                match self.source {
                    KeySource::PreShared => Msg::PskcValueMacMismatchKey { what },
                    KeySource::Passphrase => Msg::PskcValueMacMismatchPassphrase { what },
                },
            ))
        }
    }

    /// Decrypts a CipherValue (IV, then ciphertext) and removes its PKCS#7
    /// padding. A padding failure is a `Verification` error: with the right
    /// key it does not happen.
    fn decrypt(&self, cipher: &Cipher, id: Option<&str>) -> Result<Zeroizing<Vec<u8>>> {
        let needed = cipher.kind.key_len();
        if self.key.len() != needed {
            let (bits, cipher) = (self.key.len() * 8, cipher.kind.name().to_string());
            let message = match self.source {
                KeySource::PreShared => Msg::PskcKeyBitsWrong { bits, cipher },
                KeySource::Passphrase => Msg::PskcDerivedKeyBits { bits, cipher },
            };
            return Err(match self.source {
                KeySource::PreShared => PskcError::verification(id, message),
                KeySource::Passphrase => PskcError::invalid(id, message),
            });
        }
        let (iv, body) = cipher.value.split_at(16);
        let mut buffer = Zeroizing::new(body.to_vec());
        let plain_len = match cipher.kind {
            CipherKind::Aes128Cbc => cbc::Decryptor::<Aes128>::new_from_slices(&self.key, iv)
                .expect("key and IV lengths checked")
                .decrypt_padded::<Pkcs7>(&mut buffer)
                .map(<[u8]>::len),
            CipherKind::Aes256Cbc => cbc::Decryptor::<Aes256>::new_from_slices(&self.key, iv)
                .expect("key and IV lengths checked")
                .decrypt_padded::<Pkcs7>(&mut buffer)
                .map(<[u8]>::len),
        }
        .map_err(|_| PskcError::verification(id, self.source.wrong()))?;
        buffer.truncate(plain_len);
        Ok(buffer)
    }
}

fn hmac_verify<M: Mac + KeyInit>(key: &[u8], data: &[u8], tag: &[u8]) -> bool {
    let mut mac = <M as KeyInit>::new_from_slice(key).expect("HMAC takes keys of any length");
    mac.update(data);
    mac.verify_slice(tag).is_ok()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CipherKind {
    Aes128Cbc,
    Aes256Cbc,
}

impl CipherKind {
    fn from_uri(uri: &str) -> Option<CipherKind> {
        match uri.trim() {
            "http://www.w3.org/2001/04/xmlenc#aes128-cbc" => Some(CipherKind::Aes128Cbc),
            "http://www.w3.org/2001/04/xmlenc#aes256-cbc" => Some(CipherKind::Aes256Cbc),
            _ => None,
        }
    }

    fn key_len(self) -> usize {
        match self {
            CipherKind::Aes128Cbc => 16,
            CipherKind::Aes256Cbc => 32,
        }
    }

    fn name(self) -> &'static str {
        match self {
            CipherKind::Aes128Cbc => "AES-128-CBC",
            CipherKind::Aes256Cbc => "AES-256-CBC",
        }
    }
}

/// An xmlenc encrypted value: its algorithm and its CipherValue bytes.
struct Cipher {
    kind: CipherKind,
    /// IV (16 bytes), then the ciphertext.
    value: Vec<u8>,
}

impl Cipher {
    fn of(element: Node<'_, '_>, id: Option<&str>) -> Result<Cipher> {
        let what = || element.tag_name().name().to_string();
        let uri = any_child(element, "EncryptionMethod")
            .and_then(|m| m.attribute("Algorithm"))
            .ok_or_else(|| PskcError::invalid(id, Msg::PskcNoEncryptionMethod { what: what() }))?;
        let kind = CipherKind::from_uri(uri).ok_or_else(|| {
            PskcError::invalid(
                id,
                Msg::PskcEncryption {
                    uri: uri.to_string(),
                },
            )
        })?;
        let value = any_child(element, "CipherData")
            .and_then(|d| any_child(d, "CipherValue"))
            .ok_or_else(|| PskcError::invalid(id, Msg::PskcNoCipherValue { what: what() }))?;
        let value = decode_base64(text(value)).ok_or_else(|| {
            PskcError::invalid(id, Msg::PskcCipherValueNotBase64 { what: what() })
        })?;
        // The IV and at least one block, whole blocks only.
        if value.len() < 32 || !value.len().is_multiple_of(16) {
            return Err(PskcError::invalid(
                id,
                Msg::PskcCipherValueBlocks { what: what() },
            ));
        }
        Ok(Cipher { kind, value })
    }
}

/// The PBKDF2 key of a `DerivedKey` (RFC 6030 section 6.2, PKCS #5 v2.0):
/// salt, iteration count, key length and PRF (HMAC-SHA1 when unnamed). The
/// parameters appear in several namespaces in the wild (none in the RFC's
/// own example), so they are matched by local name.
fn derive_key(
    root: Node<'_, '_>,
    derived: Node<'_, '_>,
    passphrase: &str,
) -> Result<Zeroizing<Vec<u8>>> {
    let bad = |message: Msg| PskcError::invalid(None, message);
    let method = any_child(derived, "KeyDerivationMethod")
        .ok_or_else(|| bad(Msg::PskcNoDerivationMethod))?;
    let uri = method.attribute("Algorithm").unwrap_or("").trim();
    if !uri.ends_with("#pbkdf2") {
        return Err(bad(Msg::PskcDerivation {
            uri: uri.to_string(),
        }));
    }
    let params = any_child(method, "PBKDF2-params").ok_or_else(|| bad(Msg::PskcNoPbkdf2Params))?;
    let salt = any_child(params, "Salt")
        .and_then(|s| any_child(s, "Specified"))
        .map(text)
        .ok_or_else(|| bad(Msg::PskcNoSalt))?;
    let salt = decode_base64(salt).ok_or_else(|| bad(Msg::PskcSaltNotBase64))?;
    let iterations = any_child(params, "IterationCount").map(text).unwrap_or("");
    let iterations = iterations
        .parse::<u32>()
        .ok()
        .filter(|n| (1..=MAX_PBKDF2_ITERATIONS).contains(n))
        .ok_or_else(|| {
            bad(Msg::PskcIterations {
                count: iterations.to_string(),
                max: MAX_PBKDF2_ITERATIONS,
            })
        })?;
    let key_len = match any_child(params, "KeyLength").map(text) {
        Some(length) => length
            .parse::<usize>()
            .ok()
            .filter(|l| matches!(l, 16 | 32))
            .ok_or_else(|| {
                bad(Msg::PskcPbkdf2KeyLength {
                    length: length.to_string(),
                })
            })?,
        // PKCS #5 lets the cipher imply the length: the first one named.
        None => root
            .descendants()
            .filter(|n| n.is_element() && n.tag_name().name() == "EncryptionMethod")
            .find_map(|m| m.attribute("Algorithm").and_then(CipherKind::from_uri))
            .map(CipherKind::key_len)
            .unwrap_or(16),
    };
    let prf = any_child(params, "PRF")
        .map(|p| p.attribute("Algorithm").unwrap_or_else(|| text(p)).trim())
        .unwrap_or("");
    let password = passphrase.as_bytes();
    let mut key = Zeroizing::new(vec![0u8; key_len]);
    match prf.rsplit('#').next().unwrap_or("") {
        "" | "hmac-sha1" => pbkdf2::pbkdf2_hmac::<Sha1>(password, &salt, iterations, &mut key),
        "hmac-sha256" => pbkdf2::pbkdf2_hmac::<Sha256>(password, &salt, iterations, &mut key),
        "hmac-sha512" => pbkdf2::pbkdf2_hmac::<Sha512>(password, &salt, iterations, &mut key),
        _ => {
            return Err(bad(Msg::PskcPrf {
                prf: prf.to_string(),
            }));
        }
    }
    Ok(key)
}

/// The first child element of `node` named `name` in the PSKC namespace.
fn pskc_child<'a, 'i>(node: Node<'a, 'i>, name: &str) -> Option<Node<'a, 'i>> {
    pskc_children(node, name).next()
}

fn pskc_children<'a, 'i>(node: Node<'a, 'i>, name: &str) -> impl Iterator<Item = Node<'a, 'i>> {
    node.children().filter(move |n| {
        n.is_element() && n.tag_name().name() == name && n.tag_name().namespace() == Some(PSKC_NS)
    })
}

/// The first child element of `node` with local name `name`, in any
/// namespace: for the xmlenc and PKCS #5 parts, which writers place
/// differently.
fn any_child<'a, 'i>(node: Node<'a, 'i>, name: &str) -> Option<Node<'a, 'i>> {
    node.children()
        .find(|n| n.is_element() && n.tag_name().name() == name)
}

/// An element's text, trimmed.
fn text<'a>(node: Node<'a, '_>) -> &'a str {
    node.text().unwrap_or("").trim()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> Vec<u8> {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures/pskc")
            .join(name);
        std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    fn text_fixture(name: &str) -> String {
        String::from_utf8(fixture(name)).unwrap()
    }

    fn with_key(hex_key: &str) -> PskcOptions {
        PskcOptions {
            key: Some(Zeroizing::new(hex::decode(hex_key).unwrap())),
            ..PskcOptions::default()
        }
    }

    fn with_passphrase(passphrase: &str) -> PskcOptions {
        PskcOptions {
            passphrase: Some(Zeroizing::new(passphrase.to_string())),
            ..PskcOptions::default()
        }
    }

    /// The first key's secret, decrypted as `read` would but without the
    /// TOTP checks: the RFC's encrypted examples are HOTP keys.
    fn first_secret(xml: &str, opts: &PskcOptions) -> Result<Vec<u8>> {
        let doc = Document::parse(xml).unwrap();
        let root = doc.root_element();
        let crypto = Crypto::from_container(root, opts)?;
        let key = root
            .descendants()
            .find(|n| n.is_element() && n.tag_name().name() == "Key")
            .unwrap();
        let id = key.attribute("Id").unwrap();
        let secret = pskc_child(pskc_child(key, "Data").unwrap(), "Secret").unwrap();
        match value(secret, Some(&crypto), id, "Secret")? {
            Value::Decrypted(bytes) => Ok(bytes.to_vec()),
            Value::Plain(_) => panic!("the RFC example is encrypted"),
        }
    }

    const RFC_SECRET: &str = "3132333435363738393031323334353637383930";
    const FIGURE6_KEY: &str = "12345678901234567890123456789012";

    #[test]
    fn recognises_a_key_container_by_its_content() {
        for yes in [
            &b"<KeyContainer Version=\"1.0\" xmlns=\"urn:ietf:params:xml:ns:keyprov:pskc\">"[..],
            b"\xEF\xBB\xBF<?xml version=\"1.0\"?>\n<pskc:KeyContainer xmlns:pskc=\"x\">",
            b"  \r\n<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- a <comment> -->\n\t<KeyContainer>",
            b"<?xml version=\"1.0\"?><!DOCTYPE KeyContainer><KeyContainer/>",
        ] {
            assert!(looks_like_pskc(yes), "{}", String::from_utf8_lossy(yes));
        }
        for no in [
            &b"serial,secret,expires\n1,GEZDGNBVGY3TQOJQ,2030-01-01\n"[..],
            b"\xEF\xBB\xBFserial,secret,expires\n",
            b"",
            b"<?xml version=\"1.0\"?><KeyContainers>",
            b"<?xml version=\"1.0\"?><html>",
            b"<?xml version=\"1.0\"",
            b"<!-- never closed <KeyContainer>",
        ] {
            assert!(!looks_like_pskc(no), "{}", String::from_utf8_lossy(no));
        }
    }

    #[test]
    fn rfc6030_figure6_decrypts_under_the_preshared_key_and_its_mac_verifies() {
        let xml = text_fixture("rfc6030-figure6.pskcxml");
        let secret = first_secret(&xml, &with_key(FIGURE6_KEY)).unwrap();
        assert_eq!(hex::encode(secret), RFC_SECRET);
        let doc = Document::parse(&xml).unwrap();
        let crypto = Crypto::from_container(doc.root_element(), &with_key(FIGURE6_KEY)).unwrap();
        assert_eq!(
            hex::encode(&crypto.mac_key[..]),
            "1122334455667788990011223344556677889900"
        );
        assert_eq!(crypto.mac, MacAlgorithm::Sha1);
    }

    #[test]
    fn rfc6030_figure6_under_another_key_is_a_verification_failure() {
        let xml = text_fixture("rfc6030-figure6.pskcxml");
        let wrong = with_key("12345678901234567890123456789013");
        assert!(matches!(
            first_secret(&xml, &wrong),
            Err(PskcError::Verification { .. })
        ));
        let aes256 = with_key(&FIGURE6_KEY.repeat(2));
        let Err(PskcError::Verification { message, .. }) = first_secret(&xml, &aes256) else {
            panic!("a 256-bit key for AES-128 is the wrong key");
        };
        assert_eq!(
            message,
            Msg::PskcMacKeyDoesNotDecrypt {
                reason: Box::new(Msg::PskcKeyBitsWrong {
                    bits: 256,
                    cipher: "AES-128-CBC".into()
                })
            }
        );
        assert!(message.en().contains("256 bits"), "{}", message.en());
    }

    #[test]
    fn rfc6030_figure6_with_an_altered_mac_is_refused_naming_the_key() {
        let xml = text_fixture("rfc6030-figure6.pskcxml").replace(
            "Su+NvtQfmvfJzF6bmQiJqoLRExc=",
            "Tu+NvtQfmvfJzF6bmQiJqoLRExc=",
        );
        let refused = first_secret(&xml, &with_key(FIGURE6_KEY));
        assert_eq!(
            refused,
            Err(PskcError::Verification {
                key_id: Some("12345678".into()),
                message: Msg::PskcValueMacMismatchKey {
                    what: "Secret".into()
                },
            })
        );
        assert_eq!(
            refused.unwrap_err().message().en(),
            "the ValueMAC of its Secret does not match: the pre-shared key is wrong, or the file was altered"
        );
    }

    #[test]
    fn rfc6030_figure7_derives_its_key_from_the_passphrase() {
        let xml = text_fixture("rfc6030-figure7.pskcxml");
        let doc = Document::parse(&xml).unwrap();
        let crypto =
            Crypto::from_container(doc.root_element(), &with_passphrase("qwerty")).unwrap();
        assert_eq!(
            hex::encode(&crypto.key[..]),
            "651e63cd57008476af1ff6422cd02e41"
        );
        let secret = first_secret(&xml, &with_passphrase("qwerty")).unwrap();
        assert_eq!(hex::encode(secret), RFC_SECRET);
        assert!(matches!(
            first_secret(&xml, &with_passphrase("qwertz")),
            Err(PskcError::Verification { key_id: None, .. })
        ));
    }

    #[test]
    fn the_rfc_examples_are_refused_as_hotp() {
        let cases = [
            ("rfc6030-figure2.pskcxml", PskcOptions::default()),
            ("rfc6030-figure3.pskcxml", PskcOptions::default()),
            ("rfc6030-figure6.pskcxml", with_key(FIGURE6_KEY)),
        ];
        for (name, opts) in cases {
            let Err(PskcError::Invalid { key_id, message }) = read(&fixture(name), &opts) else {
                panic!("{name} is HOTP");
            };
            assert_eq!(key_id.as_deref(), Some("12345678"), "{name}");
            assert_eq!(
                message,
                Msg::PskcNotTotp {
                    algorithm: Some("urn:ietf:params:xml:ns:keyprov:pskc:hotp".into())
                },
                "{name}"
            );
        }
    }

    #[test]
    fn an_encrypted_container_says_which_option_it_needs() {
        let need = |name: &str| match read(&fixture(name), &PskcOptions::default()) {
            Err(PskcError::Invalid {
                key_id: None,
                message,
            }) => message,
            other => panic!("{name}: {other:?}"),
        };
        assert_eq!(need("rfc6030-figure6.pskcxml"), Msg::PskcNeedsKey);
        assert_eq!(need("aes256.pskcxml"), Msg::PskcNeedsKey);
        assert_eq!(need("rfc6030-figure7.pskcxml"), Msg::PskcNeedsPassphrase);
        assert_eq!(need("pbkdf2-ja.pskcxml"), Msg::PskcNeedsPassphrase);
        assert!(Msg::PskcNeedsKey.en().contains("--pskc-key-file"));
        assert!(Msg::PskcNeedsKey.ja().contains("--pskc-key-file"));
        assert!(
            Msg::PskcNeedsPassphrase
                .ja()
                .contains("--pskc-passphrase-file")
        );
    }

    /// One row of keys.csv, written by make.py from what it gave python-pskc.
    struct Expected {
        file: String,
        id: String,
        serial: String,
        secret_hex: String,
        digits: u32,
        period: u64,
        algorithm: Algorithm,
        expires: Option<NaiveDate>,
    }

    fn expected_keys() -> Vec<Expected> {
        text_fixture("keys.csv")
            .lines()
            .skip(1)
            .map(|line| {
                let f: Vec<&str> = line.split(',').collect();
                Expected {
                    file: f[0].into(),
                    id: f[1].into(),
                    serial: f[2].into(),
                    secret_hex: f[3].into(),
                    digits: f[4].parse().unwrap(),
                    period: f[5].parse().unwrap(),
                    algorithm: f[6].parse().unwrap(),
                    expires: NaiveDate::parse_from_str(f[7], "%Y-%m-%d").ok(),
                }
            })
            .collect()
    }

    fn options_for(file: &str) -> PskcOptions {
        let read_text = |name: &str| text_fixture(name).trim_end_matches('\n').to_string();
        match file {
            "aes128.pskcxml" => with_key(&read_text("aes128.key")),
            "aes256.pskcxml" => with_key(&read_text("aes256.key")),
            "pbkdf2.pskcxml" => with_passphrase(&read_text("pbkdf2.passphrase")),
            "pbkdf2-ja.pskcxml" => with_passphrase(&read_text("pbkdf2-ja.passphrase")),
            "no-expiry.pskcxml" => PskcOptions {
                default_expires: NaiveDate::from_ymd_opt(2030, 1, 31),
                ..PskcOptions::default()
            },
            _ => PskcOptions::default(),
        }
    }

    #[test]
    fn containers_written_by_python_pskc_read_as_written() {
        let expected = expected_keys();
        let mut files: Vec<&str> = expected.iter().map(|e| e.file.as_str()).collect();
        files.dedup();
        assert_eq!(files.len(), 6, "{files:?}");
        for file in files {
            let container = read(&fixture(file), &options_for(file))
                .unwrap_or_else(|e| panic!("{file}: {e:?}"));
            let plain = matches!(file, "plain.pskcxml" | "no-expiry.pskcxml");
            assert_eq!(container.encrypted, !plain, "{file}");
            assert_eq!(container.mac_verified, !plain, "{file}");
            let want: Vec<&Expected> = expected.iter().filter(|e| e.file == file).collect();
            assert_eq!(container.keys.len(), want.len(), "{file}");
            for (key, want) in container.keys.iter().zip(want) {
                assert_eq!(key.id, want.id, "{file}");
                assert_eq!(key.serial, want.serial, "{file} {}", want.id);
                assert_eq!(hex::encode(&key.secret[..]), want.secret_hex, "{}", want.id);
                assert_eq!(key.digits, want.digits, "{}", want.id);
                assert_eq!(key.period, want.period, "{}", want.id);
                assert_eq!(key.algorithm, want.algorithm, "{}", want.id);
                let expires = want.expires.or(NaiveDate::from_ymd_opt(2030, 1, 31));
                assert_eq!(Some(key.expires), expires, "{}", want.id);
            }
        }
    }

    #[test]
    fn a_non_ascii_passphrase_is_its_utf8_bytes() {
        // NFC and NFD spell パ differently: only the bytes the writer used open it.
        let nfd = "ハ\u{309a}スフレース\u{3099}";
        assert!(matches!(
            read(&fixture("pbkdf2-ja.pskcxml"), &with_passphrase(nfd)),
            Err(PskcError::Verification { .. })
        ));
    }

    #[test]
    fn each_refusal_names_the_key_at_fault() {
        let cases = [
            ("refuse-hotp.pskcxml", "only TOTP keys"),
            (
                "refuse-time.pskcxml",
                "Time (the TOTP time origin T0) is 1234567",
            ),
            ("refuse-drift.pskcxml", "TimeDrift is 2 steps"),
            ("refuse-no-serial.pskcxml", "no serial number"),
            ("refuse-digits-7.pskcxml", "Length \"7\" is not 6 or 8"),
            ("refuse-no-expiry.pskcxml", "--expires YYYY-MM-DD"),
        ];
        for (file, needle) in cases {
            match read(&fixture(file), &PskcOptions::default()) {
                Err(PskcError::Invalid { key_id, message }) => {
                    assert_eq!(key_id.as_deref(), Some("bad"), "{file}");
                    let text = message.en();
                    assert!(text.contains(needle), "{file}: {text}");
                }
                other => panic!("{file}: {other:?}"),
            }
        }
        let aes128 = options_for("aes128.pskcxml");
        assert!(matches!(
            read(&fixture("refuse-no-mac.pskcxml"), &aes128),
            Err(PskcError::Invalid { key_id: Some(id), message: Msg::PskcNoValueMac { what } }) if id == "bad" && what == "Secret"
        ));
        assert!(matches!(
            read(&fixture("refuse-tampered.pskcxml"), &aes128),
            Err(PskcError::Verification { key_id: Some(id), .. }) if id == "a2"
        ));
    }

    #[test]
    fn malformed_xml_and_other_documents_are_invalid() {
        let plain = text_fixture("plain.pskcxml");
        for (what, xml) in [
            ("truncated", plain[..plain.len() / 2].to_string()),
            (
                "entity expansion",
                "<?xml version=\"1.0\"?><!DOCTYPE KeyContainer [<!ENTITY a \"aaaa\">]><KeyContainer xmlns=\"urn:ietf:params:xml:ns:keyprov:pskc\">&a;</KeyContainer>".to_string(),
            ),
            (
                "another namespace",
                "<KeyContainer xmlns=\"urn:example\"/>".to_string(),
            ),
            (
                "no keys",
                "<KeyContainer Version=\"1.0\" xmlns=\"urn:ietf:params:xml:ns:keyprov:pskc\"/>"
                    .to_string(),
            ),
            ("version 2", plain.replace("Version=\"1.0\"", "Version=\"2.0\"")),
            ("no Id", plain.replacen(" Id=\"p1\"", "", 1)),
            (
                "bad base64",
                plain.replacen("<pskc:PlainValue>MTIz", "<pskc:PlainValue>MT*z", 1),
            ),
            (
                "bad expiry",
                plain.replacen("2027-06-14T01:00:00+09:00", "14 June 2027", 1),
            ),
            ("alphanumeric codes", plain.replacen("DECIMAL", "ALPHANUMERIC", 1)),
            ("unknown suite", plain.replacen("HMAC-SHA1", "HMAC-MD5", 1)),
        ] {
            assert!(
                matches!(read(xml.as_bytes(), &PskcOptions::default()), Err(PskcError::Invalid { .. })),
                "{what}"
            );
        }
        assert!(matches!(
            read(b"<KeyContainer \xff/>", &PskcOptions::default()),
            Err(PskcError::Invalid { .. })
        ));
        // A character the parser stops at is located, never quoted.
        let broken = plain.replacen("<pskc:PlainValue>MTIz", "<pskc:PlainValue>MT\u{1}z", 1);
        let Err(PskcError::Invalid { message, .. }) =
            read(broken.as_bytes(), &PskcOptions::default())
        else {
            panic!("a control character is not XML");
        };
        assert_eq!(
            message,
            Msg::PskcNotXmlAt {
                detail: "an unexpected character at 16:25".into(),
                line: 16,
                column: 25
            }
        );
    }

    #[test]
    fn an_absurd_iteration_count_is_refused_before_deriving() {
        let xml = text_fixture("rfc6030-figure7.pskcxml")
            .replace("<IterationCount>1000<", "<IterationCount>4000000000<");
        let Err(PskcError::Invalid { message, .. }) =
            first_secret(&xml, &with_passphrase("qwerty"))
        else {
            panic!("refused");
        };
        assert_eq!(
            message,
            Msg::PskcIterations {
                count: "4000000000".into(),
                max: MAX_PBKDF2_ITERATIONS
            }
        );
    }

    #[test]
    fn expiry_is_the_date_in_japan() {
        let date = |y, m, d| NaiveDate::from_ymd_opt(y, m, d);
        assert_eq!(
            japan_date_of("2027-06-14T01:00:00+09:00"),
            date(2027, 6, 14)
        );
        assert_eq!(japan_date_of("2027-06-13T16:00:00Z"), date(2027, 6, 14));
        assert_eq!(japan_date_of("2027-06-13T14:59:59Z"), date(2027, 6, 13));
        assert_eq!(japan_date_of("2027-06-13T15:00:00.000Z"), date(2027, 6, 14));
        assert_eq!(
            japan_date_of(" 2027-06-13T23:30:00-05:00 "),
            date(2027, 6, 14)
        );
        assert_eq!(japan_date_of("2027-06-13T23:59:59"), date(2027, 6, 13));
        assert_eq!(japan_date_of("2027-06-13"), date(2027, 6, 13));
        assert_eq!(japan_date_of("13/06/2027"), None);
        assert_eq!(japan_date_of("2027-02-30T00:00:00Z"), None);
    }

    #[test]
    fn debug_never_shows_secrets_or_keys() {
        let container = read(&fixture("aes128.pskcxml"), &options_for("aes128.pskcxml")).unwrap();
        let shown = format!("{container:?} {:?}", options_for("aes128.pskcxml"));
        let key = text_fixture("aes128.key");
        assert!(!shown.contains(key.trim()), "{shown}");
        for key in &container.keys {
            assert!(!shown.contains(&hex::encode(&key.secret[..])), "{shown}");
            assert!(
                !shown.contains(&format!("{:?}", &key.secret[..])),
                "{shown}"
            );
        }
        assert!(shown.contains("<redacted>"));
    }
}
