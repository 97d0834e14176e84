//! Verifying a login's credentials: the one implementation of the code
//! window, the replay guard and the lockout, shared by `revoke` (password
//! and code of the master) and `register` (code of the new device).
//!
//! A failure is recorded in its own transaction, so the count and the audit
//! row survive although the command itself fails; nothing else is written.

use crate::Context;
use crate::cmd::record;
use crate::error::{Error, Result};
use crate::password;
use crate::rules::otp::{self, Rejection};
use crate::rules::{MAX_CONSECUTIVE_FAILURES, is_locked_after};
use crate::store::Store;
use crate::store::devices::{DeviceRow, accept_step};
use crate::store::users::{UserRow, record_failure, reset_failures};

/// What is being proven, and by which factors.
pub struct Attempt<'a> {
    pub user: &'a UserRow,
    pub device: &'a DeviceRow,
    /// The confirmation password, when the action requires one.
    pub password: Option<&'a str>,
    pub code: &'a str,
    /// The action named in the audit row of a failure.
    pub action: &'a str,
}

/// A verified attempt: the step to record when the action commits.
#[derive(Debug, Clone, Copy)]
pub struct Verified {
    pub user_id: i64,
    pub device_id: i64,
    pub step: u64,
}

/// Refuses a locked login (exit 4).
pub fn ensure_unlocked(user: &UserRow) -> Result<()> {
    if user.locked {
        return Err(Error::Locked {
            login_id: user.login_id.clone(),
        });
    }
    Ok(())
}

/// Checks the code's shape (exit 2, not counted as a failure), then both
/// factors; a failure is counted toward the lockout and audited (exit 3).
pub fn verify(ctx: &Context, store: &mut Store, attempt: &Attempt<'_>) -> Result<Verified> {
    ensure_unlocked(attempt.user)?;
    otp::check_format(attempt.code, attempt.device.key.digits).map_err(Error::Usage)?;
    let now = ctx.clock.now().timestamp();
    // Both factors are always evaluated, so timing does not tell which failed.
    let password_ok = match attempt.password {
        Some(p) => password::verify(p, attempt.user.password_hash.as_deref()),
        None => true,
    };
    let code = otp::verify(
        &attempt.device.key,
        attempt.code,
        now,
        attempt.device.last_step,
    );
    let rejection = match (password_ok, code) {
        (true, Ok(step)) => {
            return Ok(Verified {
                user_id: attempt.user.id,
                device_id: attempt.device.id,
                step,
            });
        }
        (true, Err(Rejection::Replayed)) => format!(
            "the one-time code was already used for device {}; wait for the device's next code and try again",
            attempt.device.serial
        ),
        (true, Err(Rejection::Wrong)) if attempt.password.is_none() => format!(
            "the one-time code is wrong for device {}; enter the code the device shows now",
            attempt.device.serial
        ),
        _ => "the confirmation password or the one-time code is wrong".to_string(),
    };
    let failures = attempt.user.failed_attempts + 1;
    let locked_now = is_locked_after(failures);
    let login_id = attempt.user.login_id.clone();
    store.transaction(|tx| {
        record_failure(tx, attempt.user.id, now, locked_now)?;
        let targets = [login_id.clone()];
        record(
            ctx,
            tx,
            &login_id,
            attempt.action,
            &targets,
            "failed",
            format!(
                "verification failed ({failures} of {MAX_CONSECUTIVE_FAILURES}): {}",
                if rejection.contains("already used") {
                    "replayed code"
                } else {
                    "wrong password or code"
                }
            ),
        )?;
        if locked_now {
            record(
                ctx,
                tx,
                &login_id,
                "lock",
                &targets,
                "locked",
                format!("locked after {MAX_CONSECUTIVE_FAILURES} consecutive failed verifications"),
            )?;
        }
        Ok(())
    })?;
    Err(Error::Verification {
        login_id,
        reason: rejection,
        locked_now,
    })
}

/// Inside the action's transaction: consume the code's step and reset the
/// failure count.
pub fn commit_success(conn: &rusqlite::Connection, verified: Verified) -> Result<()> {
    accept_step(conn, verified.device_id, verified.step)?;
    reset_failures(conn, verified.user_id)
}
