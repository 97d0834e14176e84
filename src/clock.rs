//! The clock every rule reads: the system clock, or a fixed instant from
//! `TOKENCTL_NOW` (tests, demos, what-if reports).
//!
//! Rules never call `Utc::now()` themselves; they take the instant as a
//! value. A command that prompts pins the clock once the last answer is in,
//! so every decision, write and audit row of the action uses one instant:
//! a revocation confirmed at 20:30:05 after being started at 20:29:40 is a
//! revocation at 20:30:05.

use std::cell::Cell;

use chrono::{DateTime, Utc};

use crate::catalogue::Msg;
use crate::error::{Error, Result};
use crate::time::parse_instant;

pub(crate) const NOW_ENV: &str = "TOKENCTL_NOW";

#[derive(Debug, Clone)]
pub(crate) struct Clock {
    fixed: Option<DateTime<Utc>>,
    pinned: Cell<Option<DateTime<Utc>>>,
}

impl Clock {
    pub(crate) fn system() -> Clock {
        Clock {
            fixed: None,
            pinned: Cell::new(None),
        }
    }

    /// A simulated instant; audit rows record that the clock was fixed.
    pub(crate) fn fixed(at: DateTime<Utc>) -> Clock {
        Clock {
            fixed: Some(at),
            pinned: Cell::new(None),
        }
    }

    /// The clock chosen by the environment: `TOKENCTL_NOW` when set (and
    /// not empty).
    pub(crate) fn from_env() -> Result<Clock> {
        match std::env::var(NOW_ENV) {
            Ok(value) if value.trim().is_empty() => Ok(Clock::system()),
            Ok(value) => parse_instant(&value).map(Clock::fixed).map_err(|_| {
                Error::usage(Msg::NowNotInstant {
                    value: value.clone(),
                })
            }),
            Err(std::env::VarError::NotPresent) => Ok(Clock::system()),
            Err(std::env::VarError::NotUnicode(_)) => Err(Error::usage(Msg::NowNotUtf8)),
        }
    }

    pub(crate) fn now(&self) -> DateTime<Utc> {
        self.pinned.get().or(self.fixed).unwrap_or_else(Utc::now)
    }

    /// Reads the clock one last time and keeps that instant for the rest of
    /// the command.
    pub(crate) fn pin(&self) -> DateTime<Utc> {
        let now = self.now();
        self.pinned.set(Some(now));
        now
    }

    pub(crate) fn is_fixed(&self) -> bool {
        self.fixed.is_some()
    }

    /// The instant `TOKENCTL_NOW` fixed, if it is set.
    pub(crate) fn fixed_at(&self) -> Option<DateTime<Utc>> {
        self.fixed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    mod properties {
        use super::super::*;
        use crate::rules::{expiry::expired_from, schedule::registrable_at};
        use crate::time::japan_date;
        use proptest::prelude::*;

        proptest! {
            // Failures are reported, never saved beside the sources.
            #![proptest_config(ProptestConfig {
                cases: 256,
                failure_persistence: None,
                ..ProptestConfig::default()
            })]

            /// Any text, and anything shaped like an instant, parses or is
            /// refused; what parses can be shown and reasoned about in
            /// Japan time without a panic.
            #[test]
            fn any_text_as_an_instant_parses_or_is_refused(
                text in "\\PC*|[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,12})?([Zz]|[+-][0-9]{2}:[0-9]{2})",
            ) {
                if let Ok(at) = parse_instant(&text) {
                    let _ = crate::time::rfc3339(at);
                    let _ = crate::output::Output::japanese().instant(at);
                    let _ = registrable_at(at);
                    let _ = expired_from(japan_date(at));
                }
            }
        }
    }

    #[test]
    fn a_pinned_clock_stands_still() {
        let clock = Clock::system();
        let pinned = clock.pin();
        // The system clock moves on (waited for, not slept on)...
        while Utc::now() <= pinned {
            std::hint::spin_loop();
        }
        // ...and the pinned one does not.
        assert_eq!(clock.now(), pinned);
        assert!(!clock.is_fixed());
        let fixed = Clock::fixed(parse_instant("2026-11-20T21:00:00+09:00").unwrap());
        assert!(fixed.is_fixed());
        assert_eq!(fixed.pin(), fixed.now());
    }
}
