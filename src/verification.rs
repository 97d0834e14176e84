//! Verifying a login's credentials: the one implementation of the code
//! window, the replay guard and the lockout, shared by `revoke` (password
//! and code of the master) and `register` (code of the new device).
//!
//! Every decision that depends on shared state (the failure count, the
//! lock, the device's last accepted step) is taken inside a write
//! transaction on state read inside it, so two commands racing with the same
//! code or with wrong passwords are serialised by SQLite: one code is
//! accepted once, and parallel failures all count. A failure is recorded in
//! its own transaction, so the count and the audit row survive although the
//! command itself fails; nothing else is written.

use crate::Context;
use crate::cmd::record;
use crate::error::{Error, Result};
use crate::password;
use crate::rules::otp::{self, Rejection};
use crate::rules::{MAX_CONSECUTIVE_FAILURES, is_locked_after};
use crate::store::Store;
use crate::store::devices::{DeviceRow, accept_step, last_step};
use crate::store::users::{UserRow, lock_state, record_failure, reset_failures};

/// What is being proven, and by which factors.
pub struct Attempt<'a> {
    pub user: &'a UserRow,
    pub device: &'a DeviceRow,
    /// The confirmation password, when the action requires one.
    pub password: Option<&'a str>,
    pub code: &'a str,
    /// The action and its targets, as the audit row of a failure names them.
    pub action: &'a str,
    pub targets: &'a [String],
}

/// A verified attempt: the step to record when the action commits.
#[derive(Debug, Clone, Copy)]
pub struct Verified {
    pub user_id: i64,
    pub device_id: i64,
    pub step: u64,
}

/// Refuses a locked login (exit 4) before anything is asked of the user,
/// with an audit row: an attempt on a locked login is a failure to record.
pub fn refuse_if_locked(
    ctx: &Context,
    store: &mut Store,
    user: &UserRow,
    action: &str,
    targets: &[String],
) -> Result<()> {
    if !user.locked {
        return Ok(());
    }
    store.transaction(|tx| {
        record(
            ctx,
            tx,
            &user.login_id,
            action,
            targets,
            "refused",
            "the login is locked".to_string(),
        )
    })?;
    Err(locked(user))
}

fn locked(user: &UserRow) -> Error {
    Error::Locked {
        login_id: user.login_id.clone(),
    }
}

/// Checks the code's shape (exit 2) and that a password exists when one is
/// needed (exit 7), neither counted as a failure; then both factors. A
/// failure is counted toward the lockout and audited (exit 3); an attempt on
/// a locked login is audited too (exit 4).
pub fn verify(ctx: &Context, store: &mut Store, attempt: &Attempt<'_>) -> Result<Verified> {
    let user = attempt.user;
    otp::check_format(attempt.code, attempt.device.key.digits).map_err(Error::Usage)?;
    if attempt.password.is_some() && user.password_hash.is_none() && !user.locked {
        return Err(Error::refused(format!(
            "{0} has no confirmation password yet; set one with `tokenctl passwd {0}`",
            user.login_id
        )));
    }
    let now = ctx.clock.now().timestamp();
    // The slow hash is checked before the write lock is taken. Both factors
    // are always evaluated, so timing does not tell which one failed.
    let password_ok = match attempt.password {
        Some(p) => password::verify(p, user.password_hash.as_deref()),
        None => true,
    };
    // The outcome is decided under the write lock; a failure's records are
    // committed before the failure is returned.
    store.transaction(|tx| {
        let (failures, is_locked) = lock_state(tx, user.id)?;
        if is_locked {
            audit_failure(
                ctx,
                tx,
                attempt,
                "refused",
                "the login is locked".to_string(),
            )?;
            return Ok(Err(locked(user)));
        }
        let last = last_step(tx, attempt.device.id)?;
        let code = otp::verify(&attempt.device.key, attempt.code, now, last);
        // With a password involved, every failure reads the same: telling
        // a replayed code from a wrong one would confirm the password to
        // whoever holds an old code. The audit row keeps the difference.
        let (reason, what) = match (password_ok, code, attempt.password.is_some()) {
            (true, Ok(step), _) => {
                return Ok(Ok(Verified {
                    user_id: user.id,
                    device_id: attempt.device.id,
                    step,
                }));
            }
            (_, code, true) => (
                "the confirmation password or the one-time code is wrong (a code is accepted once: if it was just used, wait for the next one)".to_string(),
                match (password_ok, code) {
                    (true, Err(Rejection::Replayed)) => "replayed code",
                    _ => "wrong password or code",
                },
            ),
            (_, Err(Rejection::Replayed), false) => (replayed(attempt.device), "replayed code"),
            (_, _, false) => (
                format!(
                    "the one-time code is wrong for device {}; enter the code the device shows now",
                    attempt.device.serial
                ),
                "wrong code",
            ),
        };
        let failures = failures + 1;
        let locked_now = is_locked_after(failures);
        record_failure(tx, user.id, now, locked_now)?;
        audit_failure(
            ctx,
            tx,
            attempt,
            "failed",
            format!("verification failed ({failures} of {MAX_CONSECUTIVE_FAILURES}): {what}"),
        )?;
        if locked_now {
            record(
                ctx,
                tx,
                &user.login_id,
                "lock",
                std::slice::from_ref(&user.login_id),
                "locked",
                format!("locked after {MAX_CONSECUTIVE_FAILURES} consecutive failed verifications"),
            )?;
        }
        Ok(Err(Error::Verification {
            login_id: user.login_id.clone(),
            reason,
            locked_now,
        }))
    })?
}

fn replayed(device: &DeviceRow) -> String {
    format!(
        "the one-time code was already used for device {}; wait for the device's next code and try again",
        device.serial
    )
}

fn audit_failure(
    ctx: &Context,
    conn: &rusqlite::Connection,
    attempt: &Attempt<'_>,
    outcome: &str,
    detail: String,
) -> Result<()> {
    record(
        ctx,
        conn,
        &attempt.user.login_id,
        attempt.action,
        attempt.targets,
        outcome,
        detail,
    )
}

/// Inside the action's transaction: consume the code's step and reset the
/// failure count. Refuses if, since `verify`, another command accepted this
/// step (or a newer one) for the device or locked the login, so the action
/// rolls back.
pub fn commit_success(
    conn: &rusqlite::Connection,
    attempt: &Attempt<'_>,
    verified: Verified,
) -> Result<()> {
    if !accept_step(conn, verified.device_id, verified.step)? {
        return Err(Error::Verification {
            login_id: attempt.user.login_id.clone(),
            reason: replayed(attempt.device),
            locked_now: false,
        });
    }
    if lock_state(conn, verified.user_id)?.1 {
        return Err(locked(attempt.user));
    }
    reset_failures(conn, verified.user_id)
}
