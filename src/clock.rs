//! The clock every rule reads: the system clock, or a fixed instant from
//! `TOKENCTL_NOW` (tests, demos, what-if reports).
//!
//! Rules never call `Utc::now()` themselves; they take the instant as a value,
//! so the same instant is used for every check within one command.

use chrono::{DateTime, Utc};

use crate::error::{Error, Result};

pub const NOW_ENV: &str = "TOKENCTL_NOW";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Clock {
    System,
    /// A simulated instant; audit rows record that the clock was fixed.
    Fixed(DateTime<Utc>),
}

impl Clock {
    /// The clock chosen by the environment: `TOKENCTL_NOW` when set.
    pub fn from_env() -> Result<Clock> {
        match std::env::var(NOW_ENV) {
            Ok(value) => parse_instant(&value).map(Clock::Fixed).map_err(|_| {
                Error::usage(format!("{NOW_ENV} is not an RFC 3339 instant: {value:?}"))
            }),
            Err(std::env::VarError::NotPresent) => Ok(Clock::System),
            Err(std::env::VarError::NotUnicode(_)) => {
                Err(Error::usage(format!("{NOW_ENV} is not valid UTF-8")))
            }
        }
    }

    pub fn now(&self) -> DateTime<Utc> {
        match self {
            Clock::System => Utc::now(),
            Clock::Fixed(instant) => *instant,
        }
    }

    pub fn is_fixed(&self) -> bool {
        matches!(self, Clock::Fixed(_))
    }
}

/// Parses an RFC 3339 instant such as `2026-11-20T21:00:00+09:00`.
pub fn parse_instant(value: &str) -> std::result::Result<DateTime<Utc>, chrono::ParseError> {
    DateTime::parse_from_rfc3339(value.trim()).map(|t| t.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_offsets_to_the_same_instant() {
        let a = parse_instant("2026-11-20T21:00:00+09:00").unwrap();
        let b = parse_instant("2026-11-20T12:00:00Z").unwrap();
        assert_eq!(a, b);
        assert!(parse_instant("2026-11-20 21:00").is_err());
        assert!(parse_instant("yesterday").is_err());
    }
}
