//! The procedure's rules as pure functions over plain values: the business
//! calendar, the earliest re-registration time, the OTP window and replay
//! guard, device expiry, what an imported file may contain, who may revoke whom, when a user may register,
//! when a device is out of use, what a users file may update, and the
//! lockout threshold. Nothing here touches SQLite, the terminal or the
//! system clock.

pub mod calendar;
pub mod disposal;
pub mod expiry;
pub mod import;
pub mod inventory;
pub mod otp;
pub mod refusal;
pub mod registration;
pub mod revocation;
pub mod schedule;
pub mod status;
pub mod user_update;

/// Consecutive failed verifications (password or code) that lock a login.
pub const MAX_CONSECUTIVE_FAILURES: u32 = 5;

/// Whether a login with `failures` consecutive failures is locked.
pub fn is_locked_after(failures: u32) -> bool {
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
