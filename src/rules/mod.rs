//! The procedure's rules as pure functions over plain values: the business
//! calendar, the earliest re-registration time, the OTP window and replay
//! guard, device expiry, what an imported file may contain, who may revoke whom, when a user may register,
//! when a device is out of use, what a users file may update, and the
//! lockout threshold. Nothing here touches SQLite, the terminal or the
//! system clock.

pub mod calendar;
pub(crate) mod disposal;
pub(crate) mod expiry;
pub(crate) mod import;
pub(crate) mod inventory;
pub(crate) mod otp;
pub(crate) mod refusal;
pub(crate) mod registration;
pub(crate) mod revocation;
pub(crate) mod schedule;
pub(crate) mod status;
pub(crate) mod user_update;

/// Consecutive failed verifications (password or code) that lock a login.
pub(crate) const MAX_CONSECUTIVE_FAILURES: u32 = 5;

/// Whether a login with `failures` consecutive failures is locked.
pub(crate) fn is_locked_after(failures: u32) -> bool {
    failures >= MAX_CONSECUTIVE_FAILURES
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_fifth_consecutive_failure_locks() {
        assert!(!super::is_locked_after(4));
        assert!(super::is_locked_after(5));
    }
}
