//! Confirmation passwords: stored only as Argon2id hashes with a random salt
//! (slow on purpose), verified in constant time by the argon2 crate.

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};

use crate::error::{Error, Result};

pub(crate) fn hash(password: &str) -> Result<String> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| {
            Error::io(
                crate::catalogue::Msg::CannotHashPassword,
                std::io::Error::other(e.to_string()),
            )
        })
}

/// Whether `password` matches the stored hash. A missing or unreadable hash
/// never matches.
pub(crate) fn verify(password: &str, stored: Option<&str>) -> bool {
    let Some(stored) = stored else {
        return false;
    };
    match PasswordHash::new(stored) {
        Ok(parsed) => Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_is_salted_and_verifies() {
        let a = hash("correct horse").unwrap();
        let b = hash("correct horse").unwrap();
        assert_ne!(a, b, "a random salt makes each hash different");
        assert!(a.starts_with("$argon2id$"));
        assert!(!a.contains("correct horse"));
        assert!(verify("correct horse", Some(&a)));
        assert!(!verify("wrong horse", Some(&a)));
        assert!(!verify("correct horse", None));
        assert!(!verify("correct horse", Some("garbage")));
    }
}

/// The shortest confirmation password accepted.
pub(crate) const MIN_LENGTH: usize = 8;

/// A new confirmation password must have at least `MIN_LENGTH` characters,
/// not all whitespace, and must not be the login ID.
pub(crate) fn check_new(
    login_id: &str,
    password: &str,
) -> std::result::Result<(), crate::catalogue::Msg> {
    use crate::catalogue::Msg;
    if password.chars().count() < MIN_LENGTH {
        return Err(Msg::PasswordTooShort { min: MIN_LENGTH });
    }
    if password.trim().is_empty() {
        return Err(Msg::PasswordOnlyWhitespace);
    }
    if password.trim() == login_id {
        return Err(Msg::PasswordIsLoginId);
    }
    Ok(())
}

#[cfg(test)]
mod policy_tests {
    use super::*;

    #[test]
    fn new_passwords_at_the_edges() {
        assert!(check_new("taro01", "1234567").is_err());
        assert!(check_new("taro01", "12345678").is_ok());
        assert!(check_new("taro01", "パスワード八文字だ").is_ok());
        assert!(check_new("taro01", "        ").is_err());
        assert!(check_new("taro0123", "taro0123").is_err());
        assert!(check_new("taro0123", "taro01234").is_ok());
    }
}
