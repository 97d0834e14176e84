//! RFC 6238 one-time codes: what a device shows, and whether a typed code is
//! accepted.
//!
//! A code is accepted when it matches the current time step or one step
//! either side, and that step is newer than the last step accepted for the
//! device: a code of an older or the same step is a replay. Codes are
//! compared in constant time (totp-rs compares `Token`s that way).

use std::fmt;

use std::str::FromStr;
use zeroize::Zeroizing;

use totp_rs::{Builder, Totp};

/// Steps either side of the current one that are still accepted.
pub(crate) const WINDOW_STEPS: u64 = 1;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Algorithm {
    Sha1,
    Sha256,
    Sha512,
}

impl Algorithm {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Algorithm::Sha1 => "SHA1",
            Algorithm::Sha256 => "SHA256",
            Algorithm::Sha512 => "SHA512",
        }
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Algorithm {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_uppercase().replace('-', "").as_str() {
            "SHA1" => Ok(Algorithm::Sha1),
            "SHA256" => Ok(Algorithm::Sha256),
            "SHA512" => Ok(Algorithm::Sha512),
            _ => Err(format!(
                "unknown algorithm {s:?} (expected SHA1, SHA256 or SHA512)"
            )),
        }
    }
}

/// What a device needs to compute its codes.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct DeviceKey {
    /// Zeroized when dropped.
    pub(crate) secret: Zeroizing<Vec<u8>>,
    pub(crate) algorithm: Algorithm,
    pub(crate) digits: u8,
    pub(crate) period: u32,
}

impl fmt::Debug for DeviceKey {
    /// Never prints the secret.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DeviceKey")
            .field("secret", &"<redacted>")
            .field("algorithm", &self.algorithm)
            .field("digits", &self.digits)
            .field("period", &self.period)
            .finish()
    }
}

impl DeviceKey {
    fn totp(&self) -> Totp {
        let algorithm = match self.algorithm {
            Algorithm::Sha1 => totp_rs::Algorithm::SHA1,
            Algorithm::Sha256 => totp_rs::Algorithm::SHA256,
            Algorithm::Sha512 => totp_rs::Algorithm::SHA512,
        };
        // Digits and period are validated at import; secrets shorter than
        // RFC 4226's recommended 128 bits are accepted because the bank's
        // delivery decides them, not us.
        Builder::new()
            .with_algorithm(algorithm)
            .with_digits(self.digits)
            .with_step_duration(u64::from(self.period))
            .with_skew(0)
            .with_secret(self.secret.to_vec())
            .build_noncompliant()
    }

    /// The time step containing `unix` seconds.
    pub(crate) fn step_at(&self, unix: i64) -> u64 {
        u64::try_from(unix).unwrap_or(0) / u64::from(self.period)
    }

    /// The code the device shows at `unix` seconds.
    pub(crate) fn code_at(&self, unix: i64) -> String {
        self.totp()
            .generate(u64::try_from(unix).unwrap_or(0))
            .to_string()
    }
}

/// Why a well-formed code was not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Rejection {
    /// Matches no step in the window.
    Wrong,
    /// Matches a step not newer than the last accepted one.
    Replayed,
}

/// Why a typed code is not a code of the device.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BadCode {
    /// Not all digits (or nothing at all).
    NotDigits { digits: u8 },
    /// Digits, but not as many as the device shows.
    Length { digits: u8, got: usize },
}

/// Checks the shape of a typed code: all digits, the device's length.
pub(crate) fn check_format(code: &str, digits: u8) -> Result<(), BadCode> {
    if code.is_empty() || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(BadCode::NotDigits { digits });
    }
    if code.len() != usize::from(digits) {
        return Err(BadCode::Length {
            digits,
            got: code.len(),
        });
    }
    Ok(())
}

/// Verifies a well-formed `code` at `now` (unix seconds) against the device,
/// given the last step accepted for it and its learned clock `offset` (in
/// steps): the window is centred on the step of now + offset. Returns the
/// step to record; the device's new offset is that step minus
/// `key.step_at(now)` (`offset_of`).
pub(crate) fn verify(
    key: &DeviceKey,
    code: &str,
    now: i64,
    last_accepted: Option<u64>,
    offset: i64,
) -> Result<u64, Rejection> {
    let totp = key.totp();
    let current = centre(key, now, offset);
    let period = u64::from(key.period);
    // Every step of the window is computed and compared, match or not, so
    // the time taken does not tell which step matched.
    let mut fresh = None;
    let mut replayed = false;
    for step in current.saturating_sub(WINDOW_STEPS)..=current + WINDOW_STEPS {
        let matched = totp.check(code, step * period).is_some();
        let is_new = last_accepted.is_none_or(|last| step > last);
        if matched && is_new && fresh.is_none() {
            fresh = Some(step);
        } else if matched && !is_new {
            replayed = true;
        }
    }
    match (fresh, replayed) {
        (Some(step), _) => Ok(step),
        (None, true) => Err(Rejection::Replayed),
        (None, false) => Err(Rejection::Wrong),
    }
}

/// The step at now + `offset` steps (never before the epoch).
fn centre(key: &DeviceKey, now: i64, offset: i64) -> u64 {
    (key.step_at(now) as i64).saturating_add(offset).max(0) as u64
}

/// The clock offset (in steps) that accepting `step` at `now` teaches.
pub(crate) fn offset_of(key: &DeviceKey, step: u64, now: i64) -> i64 {
    step as i64 - key.step_at(now) as i64
}

/// How far a device's clock may seem to be off for a wrong code to say so:
/// ten minutes either side of its learned offset.
pub(crate) const DRIFT_HINT_SECONDS: u64 = 600;

/// How far a resynchronisation searches either side of the learned offset.
pub(crate) const RESYNC_SECONDS: u64 = 86_400;

/// For a code that failed: the device's clock error in seconds (against
/// the real clock) if the code matches a step within `DRIFT_HINT_SECONDS`
/// of now + offset, outside the accepted window and newer than the replay
/// guard (an old code typed again is not a drifted clock). Nearest first.
pub(crate) fn drift(
    key: &DeviceKey,
    code: &str,
    now: i64,
    last_accepted: Option<u64>,
    offset: i64,
) -> Option<i64> {
    let reach = DRIFT_HINT_SECONDS / u64::from(key.period);
    let centre = centre(key, now, offset);
    let step = nearest_first(centre, reach)
        .filter(|s| s.abs_diff(centre) > WINDOW_STEPS)
        .filter(|s| last_accepted.is_none_or(|last| *s > last))
        .find(|s| key.code_at(step_instant(key, *s)) == code)?;
    Some(offset_of(key, step, now) * i64::from(key.period))
}

/// For `resync`: the step of `second` when `first` and `second` are the
/// codes of two consecutive steps within `RESYNC_SECONDS` of now + offset,
/// both newer than the replay guard `last_accepted`. Nearest first.
pub(crate) fn resync(
    key: &DeviceKey,
    first: &str,
    second: &str,
    now: i64,
    last_accepted: Option<u64>,
    offset: i64,
) -> Option<u64> {
    let reach = RESYNC_SECONDS / u64::from(key.period);
    let totp = key.totp();
    let period = u64::from(key.period);
    nearest_first(centre(key, now, offset), reach)
        .filter(|s| last_accepted.is_none_or(|last| *s > last))
        .find(|s| {
            totp.check(first, s * period).is_some()
                && totp.check(second, (s + 1) * period).is_some()
        })
        .map(|s| s + 1)
}

fn step_instant(key: &DeviceKey, step: u64) -> i64 {
    (step * u64::from(key.period)) as i64
}

/// The steps within `reach` of `centre`, nearest first (then the earlier).
fn nearest_first(centre: u64, reach: u64) -> impl Iterator<Item = u64> {
    std::iter::once(centre).chain((1..=reach).flat_map(move |d| {
        [centre.checked_sub(d), Some(centre + d)]
            .into_iter()
            .flatten()
    }))
}

/// The shortest secret accepted: 80 bits, what common authenticator
/// secrets (16 base32 characters) carry. RFC 4226 asks for 128 bits, but
/// the bank's delivery decides the secrets, so shorter ones that are still
/// in use are not turned away; only ones too short to mean anything are.
pub(crate) const MIN_SECRET_BYTES: usize = 10;

/// Why a device secret is refused. It never carries any part of the
/// secret: only a position.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BadSecret {
    Empty,
    /// A character that is not base32, at this (1-based) position.
    NotBase32 {
        position: usize,
    },
    InvalidBase32,
    TooShort {
        bits: usize,
        needed: usize,
    },
}

/// Decodes an RFC 4648 base32 secret, forgiving case, spaces and padding.
pub(crate) fn parse_secret(text: &str) -> Result<Vec<u8>, BadSecret> {
    let cleaned: String = text
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect::<String>()
        .trim_end_matches('=')
        .to_ascii_uppercase();
    if cleaned.is_empty() {
        return Err(BadSecret::Empty);
    }
    // The position, never the character: error messages must not leak
    // any part of a secret.
    if let Some(position) = cleaned
        .chars()
        .position(|c| !matches!(c, 'A'..='Z' | '2'..='7'))
    {
        return Err(BadSecret::NotBase32 {
            position: position + 1,
        });
    }
    totp_rs::Secret::try_from_base32(&cleaned)
        .map(|s| s.as_bytes().to_vec())
        .map_err(|_| BadSecret::InvalidBase32)
        .and_then(|bytes| {
            if bytes.len() < MIN_SECRET_BYTES {
                Err(BadSecret::TooShort {
                    bits: bytes.len() * 8,
                    needed: MIN_SECRET_BYTES * 8,
                })
            } else {
                Ok(bytes)
            }
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rfc_key(algorithm: Algorithm) -> DeviceKey {
        // RFC 6238 Appendix B seeds: the ASCII string "1234567890" repeated
        // to the hash's block-size-appropriate length.
        let seed: &[u8] = match algorithm {
            Algorithm::Sha1 => b"12345678901234567890",
            Algorithm::Sha256 => b"12345678901234567890123456789012",
            Algorithm::Sha512 => {
                b"1234567890123456789012345678901234567890123456789012345678901234"
            }
        };
        DeviceKey {
            secret: seed.to_vec().into(),
            algorithm,
            digits: 8,
            period: 30,
        }
    }

    #[test]
    fn rfc6238_appendix_b_vectors() {
        let vectors: [(i64, &str, &str, &str); 6] = [
            (59, "94287082", "46119246", "90693936"),
            (1111111109, "07081804", "68084774", "25091201"),
            (1111111111, "14050471", "67062674", "99943326"),
            (1234567890, "89005924", "91819424", "93441116"),
            (2000000000, "69279037", "90698825", "38618901"),
            (20000000000, "65353130", "77737706", "47863826"),
        ];
        for (t, sha1, sha256, sha512) in vectors {
            assert_eq!(rfc_key(Algorithm::Sha1).code_at(t), sha1, "SHA1 at {t}");
            assert_eq!(
                rfc_key(Algorithm::Sha256).code_at(t),
                sha256,
                "SHA256 at {t}"
            );
            assert_eq!(
                rfc_key(Algorithm::Sha512).code_at(t),
                sha512,
                "SHA512 at {t}"
            );
        }
    }

    #[test]
    fn window_is_one_step_either_side() {
        let key = rfc_key(Algorithm::Sha1);
        let now = 1_111_111_111; // step 37037037
        let step = key.step_at(now);
        for (offset, accepted) in [(-2i64, false), (-1, true), (0, true), (1, true), (2, false)] {
            let code = key.code_at(now + offset * 30);
            let result = verify(&key, &code, now, None, 0);
            assert_eq!(result.is_ok(), accepted, "offset {offset}");
            if accepted {
                assert_eq!(result.unwrap(), (step as i64 + offset) as u64);
            }
        }
    }

    #[test]
    fn replayed_code_is_refused_and_newer_code_accepted() {
        let key = rfc_key(Algorithm::Sha256);
        let now = 2_000_000_000;
        let code = key.code_at(now);
        let step = verify(&key, &code, now, None, 0).unwrap();
        assert_eq!(
            verify(&key, &code, now, Some(step), 0),
            Err(Rejection::Replayed)
        );
        // The previous step's code is older than the accepted one: replay too.
        let older = key.code_at(now - 30);
        assert_eq!(
            verify(&key, &older, now, Some(step), 0),
            Err(Rejection::Replayed)
        );
        let newer = key.code_at(now + 30);
        assert_eq!(verify(&key, &newer, now, Some(step), 0), Ok(step + 1));
    }

    #[test]
    fn wrong_code_is_wrong() {
        let key = rfc_key(Algorithm::Sha512);
        let now = 1_234_567_890;
        let code = key.code_at(now);
        let wrong = format!("{:08}", (code.parse::<u32>().unwrap() + 1) % 100_000_000);
        assert_eq!(verify(&key, &wrong, now, None, 0), Err(Rejection::Wrong));
    }

    #[test]
    fn code_format() {
        assert!(check_format("123456", 6).is_ok());
        assert!(check_format("12345", 6).is_err());
        assert!(check_format("1234567", 6).is_err());
        assert!(check_format("12345a", 6).is_err());
        assert!(check_format("+12345", 6).is_err());
        assert!(check_format("", 6).is_err());
        assert!(check_format("12345678", 8).is_ok());
    }

    #[test]
    fn secrets() {
        assert_eq!(parse_secret("GEZDGNBVGY3TQOJQ").unwrap(), b"1234567890");
        assert_eq!(parse_secret("gezd gnbv gy3t qojq").unwrap(), b"1234567890");
        assert_eq!(parse_secret("GEZDGNBVGY3TQOJQ====").unwrap(), b"1234567890");
        assert!(parse_secret("").is_err());
        assert_eq!(
            parse_secret("JBSW"),
            Err(BadSecret::TooShort {
                bits: 16,
                needed: 80
            }),
            "16 bits is too short, and the message says how short"
        );
        assert_eq!(parse_secret("JBSWY3DPEHPK3PXP").unwrap().len(), 10);
        assert!(parse_secret("GEZDGNBVGY3TQOJ1").is_err());
        assert!(parse_secret("not*base32").is_err());
    }

    /// Regression: this test passed on an empty `Debug`; it now pins what
    /// is shown as well as what is not.
    #[test]
    fn debug_shows_the_parameters_and_never_the_secret() {
        let key = rfc_key(Algorithm::Sha1);
        assert_eq!(
            format!("{key:?}"),
            "DeviceKey { secret: \"<redacted>\", algorithm: Sha1, digits: 8, period: 30 }"
        );
    }

    #[test]
    fn algorithms_are_shown_and_read_as_the_delivery_spells_them() {
        for (algorithm, text) in [
            (Algorithm::Sha1, "SHA1"),
            (Algorithm::Sha256, "SHA256"),
            (Algorithm::Sha512, "SHA512"),
        ] {
            assert_eq!(algorithm.to_string(), text);
            assert_eq!(algorithm.as_str(), text);
            assert_eq!(text.parse::<Algorithm>(), Ok(algorithm));
            assert_eq!(text.to_lowercase().parse::<Algorithm>(), Ok(algorithm));
        }
        assert_eq!("sha-256".parse::<Algorithm>(), Ok(Algorithm::Sha256));
        assert_eq!(
            "MD5".parse::<Algorithm>(),
            Err("unknown algorithm \"MD5\" (expected SHA1, SHA256 or SHA512)".to_string())
        );
    }

    /// A wrong code typed just after an accepted one (while the accepted
    /// step is still in the window) is wrong, not a replay: reporting it
    /// as a replay would tell the user to wait when they mistyped, and
    /// audit a mistake as an attack.
    #[test]
    fn a_wrong_code_after_an_accepted_one_is_wrong_not_replayed() {
        let key = rfc_key(Algorithm::Sha1);
        let now = 1_111_111_111;
        let accepted = verify(&key, &key.code_at(now), now, None, 0).unwrap();
        let window: Vec<String> = (-1..=1).map(|s| key.code_at(now + s * 30)).collect();
        let wrong = (0..100_000_000u32)
            .map(|n| format!("{n:08}"))
            .find(|c| !window.contains(c))
            .unwrap();
        for later in [now, now + 29, now + 30, now + 59] {
            assert_eq!(
                verify(&key, &wrong, later, Some(accepted), 0),
                Err(Rejection::Wrong),
                "{} s after",
                later - now
            );
        }
    }

    #[test]
    fn steps_and_codes_at_instants_before_1970_are_those_of_1970() {
        let key = rfc_key(Algorithm::Sha1);
        assert_eq!(key.step_at(-1), 0);
        assert_eq!(key.step_at(29), 0);
        assert_eq!(key.step_at(30), 1);
        assert_eq!(key.code_at(-5), key.code_at(0));
    }

    /// A device whose clock runs 7 minutes fast (14 steps) fails at a
    /// zero offset, with the drift reported; accepted once the offset is
    /// learned.
    #[test]
    fn the_window_follows_the_learned_offset() {
        let key = rfc_key(Algorithm::Sha1);
        let now = 1_700_000_000;
        let shown = key.code_at(now + 420);
        assert_eq!(verify(&key, &shown, now, None, 0), Err(Rejection::Wrong));
        assert_eq!(drift(&key, &shown, now, None, 0), Some(420));
        let past = key.code_at(now - 300);
        assert_eq!(drift(&key, &past, now, None, 0), Some(-300));
        let used = Some(key.step_at(now - 240));
        assert_eq!(drift(&key, &past, now, used, 0), None, "a code used before");
        let step = verify(&key, &shown, now, None, 14).unwrap();
        assert_eq!(step, key.step_at(now + 420));
        assert_eq!(offset_of(&key, step, now), 14);
        // Beyond ten minutes of the offset: no hint.
        assert_eq!(drift(&key, &key.code_at(now + 900), now, None, 0), None);
        assert_eq!(
            drift(&key, &key.code_at(now + 900), now, None, 14),
            Some(900)
        );
    }

    /// At its edges: a code of the accepted window is no drift (it was
    /// accepted), two steps out is; the code of the step last accepted is
    /// a replay, the step after it is not.
    #[test]
    fn the_drift_hint_starts_outside_the_window_and_after_the_guard() {
        let key = rfc_key(Algorithm::Sha1);
        let now = 1_700_000_010; // 10 s into its step
        let at = |steps: i64| key.code_at(now + steps * 30);
        assert_eq!(drift(&key, &at(1), now, None, 0), None);
        assert_eq!(drift(&key, &at(-1), now, None, 0), None);
        assert_eq!(drift(&key, &at(2), now, None, 0), Some(60));
        assert_eq!(drift(&key, &at(-2), now, None, 0), Some(-60));
        let step_of = |steps: i64| key.step_at(now + steps * 30);
        assert_eq!(drift(&key, &at(5), now, Some(step_of(5)), 0), None);
        assert_eq!(drift(&key, &at(5), now, Some(step_of(4)), 0), Some(150));
        // Ten minutes (20 steps) reach, and no further.
        assert_eq!(drift(&key, &at(20), now, None, 0), Some(600));
        assert_eq!(drift(&key, &at(21), now, None, 0), None);
    }

    #[test]
    fn a_resync_finds_two_consecutive_codes_and_respects_the_guard() {
        let key = rfc_key(Algorithm::Sha1);
        let now = 1_700_000_000;
        let at = now - 3 * 3600;
        let (first, second) = (key.code_at(at), key.code_at(at + 30));
        let found = resync(&key, &first, &second, now, None, 0).unwrap();
        assert_eq!(found, key.step_at(at) + 1);
        // Not consecutive, reversed, or at/below the guard: no pair.
        assert_eq!(
            resync(&key, &first, &key.code_at(at + 60), now, None, 0),
            None
        );
        assert_eq!(resync(&key, &second, &first, now, None, 0), None);
        assert_eq!(resync(&key, &first, &second, now, Some(found), 0), None);
        assert_eq!(resync(&key, &first, &second, now, Some(found - 1), 0), None);
        // Beyond 24 hours of the offset, unless the offset is near it.
        let far = now + 86_400 + 600;
        let (a, b) = (key.code_at(far), key.code_at(far + 30));
        assert_eq!(resync(&key, &a, &b, now, None, 0), None);
        assert_eq!(
            resync(&key, &a, &b, now, None, 40),
            Some(key.step_at(far) + 1)
        );
    }
}
