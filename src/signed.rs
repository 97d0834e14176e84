//! The one signed path: every action that needs a user's password, code or
//! both (revoke, bank revocations, register, passwd, unlock) runs through
//! `Signature::run`, which takes the steps in one order that a command
//! cannot change or skip:
//!
//! 1. a first look at the signer, on a read snapshot: unknown (exit 6),
//!    locked (audited, exit 4), refused by the caller's rule (exit 7);
//! 2. the caller's confirmation, then the credential prompts;
//! 3. the clock pinned: every decision, write and audit row of the action
//!    uses that one instant;
//! 4. one write transaction in which the signer's rows are read again, the
//!    rule is checked again at the pinned instant, the lock is checked, the
//!    code is verified against the replay guard, the step is consumed, the
//!    failure count reset, and the action itself runs.
//!
//! A failed verification commits only its failure count and audit row (and
//! the lock it may cause), then fails. The action can only be run with a
//! `Signed`, which only this module can make:
//!
//! ```compile_fail,E0451
//! // A command cannot make its own proof of a signature.
//! let signed = tokenctl::signed::Signed { at: chrono::Utc::now(), signer: todo!(), device: None, _proof: () };
//! ```

use chrono::{DateTime, Utc};

use crate::catalogue::Msg;
use crate::context::Context;
use crate::crypto::password;
use crate::error::{Error, Result};
use crate::rules::otp::{self, Rejection};
use crate::rules::{MAX_CONSECUTIVE_FAILURES, is_locked_after};
use crate::store::audit::record;
use crate::store::audit::{Action, Outcome};
use crate::store::devices::{DeviceRow, accept_step, guard, open_key};
use crate::store::users::{UserRow, find_user, record_failure, reset_failures};
use crate::store::{Commit, Store, Tx};
use crate::ui::prompt::{PasswordInput, code_prompt};

/// The factors a signature needs, as the caller's rule decides them for the
/// signer's current rows.
#[derive(Debug, Clone)]
pub(crate) struct Factors {
    /// The signer's confirmation password.
    pub(crate) password: bool,
    /// A code of this device (the signer's own, or the new device being
    /// registered).
    pub(crate) device: Option<DeviceRow>,
}

/// Proof that the signer's factors were verified in this transaction, at
/// `at`, and the code's step consumed. Only `Signature::run` makes one: the
/// private field keeps every other module of the crate (not only other
/// crates, as `#[non_exhaustive]` would) from building one.
#[derive(Debug)]
#[allow(clippy::manual_non_exhaustive)]
pub(crate) struct Signed {
    pub(crate) signer: UserRow,
    pub(crate) device: Option<DeviceRow>,
    pub(crate) at: DateTime<Utc>,
    _proof: (),
}

/// A request for a signature.
pub(crate) struct Signature<'a> {
    /// The login ID of the signer.
    pub(crate) signer: &'a str,
    /// The audit action and targets of the signed action (failures are
    /// audited under them too).
    pub(crate) action: Action,
    pub(crate) targets: &'a [String],
    pub(crate) password: &'a PasswordInput,
    /// The code given on the command line, if any.
    pub(crate) code: Option<&'a str>,
    /// What to call the password in the prompt.
    pub(crate) password_prompt: String,
}

impl Signature<'_> {
    /// Runs the signed path. `factors` is the caller's rule: given the
    /// signer's rows and an instant, which factors the action needs (or why
    /// it is refused); it runs at the first look and again in the
    /// transaction. `confirm` runs after the first look and before any
    /// credential is asked for. `act` runs in the transaction, after the
    /// signature is verified.
    pub(crate) fn run<T>(
        &self,
        ctx: &Context,
        store: &mut Store,
        factors: impl Fn(&Tx<'_>, &UserRow, DateTime<Utc>) -> Result<Factors>,
        confirm: impl FnOnce(&Factors) -> Result<()>,
        act: impl FnOnce(&Tx<'_>, &Signed) -> Result<T>,
    ) -> Result<T> {
        // 1. The first look; 2. confirmation and credentials.
        let (signer, first) = self.first_look(ctx, store, &factors)?;
        confirm(&first)?;
        let (password, code) = self.credentials(ctx, &first)?;

        // 3. One instant for the action. The slow hash is checked before
        // the write lock is taken, against the hash of the first look (the
        // transaction refuses if it changed since).
        let now = ctx.clock.pin();
        let password_ok = password
            .as_deref()
            .is_none_or(|p| password::verify(p, signer.password_hash.as_deref()));

        // 4. Everything else under the write lock.
        store.write_then(|tx| {
            let current = require(tx, self.signer)?;
            if current.locked {
                self.audit_failure(ctx, tx, Outcome::Refused, "the login is locked")?;
                return Ok((Commit::Yes, Err(locked(&current))));
            }
            let now_factors = factors(tx, &current, now)?;
            let same_device =
                now_factors.device.as_ref().map(|d| d.id) == first.device.as_ref().map(|d| d.id);
            if now_factors.password != first.password
                || !same_device
                || current.password_hash != signer.password_hash
            {
                return Err(Error::RaceLost);
            }
            let checked = match (&now_factors.device, &code) {
                (Some(device), Some(code)) => Some(check_code(tx, device, code, now.timestamp())?),
                _ => None,
            };
            let verdict = checked.as_ref().map(|c| c.verdict);
            let serial = device_serial(&now_factors);
            let failure = failure_of(first.password, password_ok, verdict, serial);
            if let Some((reason, what)) = failure {
                let hint = checked
                    .as_ref()
                    .and_then(|c| c.hint(device_serial(&now_factors)));
                let error = self.fail(ctx, tx, &current, reason, what, hint)?;
                return Ok((Commit::Yes, Err(error)));
            }
            // The replay guard: the step is consumed in the same
            // transaction as the action, or not at all; the offset moves
            // to the step that matched.
            if let (Some(device), Some(checked)) = (&now_factors.device, &checked)
                && let Ok(step) = checked.verdict
                && !accept_step(tx, device.id, step, checked.offset_of(step))?
            {
                return Err(Error::RaceLost);
            }
            reset_failures(tx, current.id)?;
            let signed = Signed {
                signer: current,
                device: now_factors.device,
                at: now,
                _proof: (),
            };
            act(tx, &signed).map(|value| (Commit::Yes, Ok(value)))
        })?
    }

    /// The first look, on a read snapshot: the signer exists, is not
    /// locked (a locked login's attempt is audited), and the caller's rule
    /// names factors the signer has.
    fn first_look(
        &self,
        ctx: &Context,
        store: &mut Store,
        factors: &impl Fn(&Tx<'_>, &UserRow, DateTime<Utc>) -> Result<Factors>,
    ) -> Result<(UserRow, Factors)> {
        let first_now = ctx.clock.now();
        let looked = store.read(|tx| {
            let signer = require(tx, self.signer)?;
            if signer.locked {
                return Ok((signer, None));
            }
            let first = factors(tx, &signer, first_now)?;
            Ok((signer, Some(first)))
        });
        let (signer, first) = self.audit_refusal(ctx, store, looked)?;
        let Some(first) = first else {
            store
                .write(|tx| self.audit_failure(ctx, tx, Outcome::Refused, "the login is locked"))?;
            return Err(locked(&signer));
        };
        if !first.password && first.device.is_none() {
            return Err(Error::refused(Msg::NoSignFactor {
                login_id: signer.login_id.clone(),
                action: self.action.as_str().to_string(),
            }));
        }
        if first.password && signer.password_hash.is_none() {
            return Err(Error::refused(Msg::NoPasswordYet {
                login_id: signer.login_id.clone(),
            }));
        }
        Ok((signer, first))
    }

    /// The password and the code the factors need, given or asked for.
    fn credentials(
        &self,
        ctx: &Context,
        first: &Factors,
    ) -> Result<(Option<String>, Option<String>)> {
        let password = if first.password {
            Some(
                ctx.term
                    .password(self.password, &self.password_prompt, false)?,
            )
        } else {
            None
        };
        let code = match &first.device {
            Some(device) => Some(ctx.term.code(
                self.code,
                &code_prompt(ctx.out.lang, &device.serial),
                device.digits,
            )?),
            None => None,
        };
        Ok((password, code))
    }

    /// Counts a failed verification toward the signer's lockout, audits
    /// it (and the lock it may cause), and returns the error to report.
    fn fail(
        &self,
        ctx: &Context,
        tx: &Tx<'_>,
        current: &UserRow,
        reason: Msg,
        what: &str,
        hint: Option<Msg>,
    ) -> Result<Error> {
        let failures = current.failed_attempts + 1;
        let locked_now = is_locked_after(failures);
        record_failure(tx, current.id, ctx.clock.now(), locked_now)?;
        let drifted = if hint.is_some() {
            "; the code matches the device's clock off by minutes"
        } else {
            ""
        };
        self.audit_failure(
            ctx,
            tx,
            Outcome::Failed,
            &format!(
                "verification failed ({failures} of {MAX_CONSECUTIVE_FAILURES}): {what}{drifted}"
            ),
        )?;
        if locked_now {
            record(
                tx,
                &ctx.clock,
                &current.login_id,
                Action::Lock,
                std::slice::from_ref(&current.login_id),
                Outcome::Locked,
                format!("locked after {MAX_CONSECUTIVE_FAILURES} consecutive failed verifications"),
            )?;
        }
        Ok(Error::Verification {
            login_id: current.login_id.clone(),
            reason: Box::new(with_tries_left(reason, &current.login_id, failures)),
            locked_now,
            hint: hint.map(Box::new),
        })
    }

    /// A refusal by a rule at the first look (too early, an expired or
    /// foreign device, a target already revoked) is audited like a failed
    /// verification, so the log shows the attempt; the error is returned.
    fn audit_refusal<T>(&self, ctx: &Context, store: &mut Store, looked: Result<T>) -> Result<T> {
        match looked {
            Err(
                e @ (Error::TooEarly { .. }
                | Error::Rule(_)
                | Error::Refused(_)
                | Error::Targets { .. }),
            ) => {
                let detail = format!("refused: {}", e.message().en());
                store.write(|tx| self.audit_failure(ctx, tx, Outcome::Refused, &detail))?;
                Err(e)
            }
            other => other,
        }
    }

    fn audit_failure(
        &self,
        ctx: &Context,
        tx: &Tx<'_>,
        outcome: Outcome,
        detail: &str,
    ) -> Result<()> {
        record(
            tx,
            &ctx.clock,
            self.signer,
            self.action,
            self.targets,
            outcome,
            detail.to_string(),
        )
    }
}

/// A code checked against a device, under the write lock.
struct CodeCheck {
    verdict: std::result::Result<u64, Rejection>,
    /// The device's current step (at the pinned instant, offset 0).
    now_step: i64,
    /// For a wrong code: the device's clock error in seconds, when the code
    /// matches within ten minutes of the learned offset.
    drift: Option<i64>,
}

impl CodeCheck {
    /// The offset that accepting `step` teaches.
    fn offset_of(&self, step: u64) -> i64 {
        step as i64 - self.now_step
    }

    /// The "probably drifted" hint for a failure, naming `serial`.
    fn hint(&self, serial: &str) -> Option<Msg> {
        self.drift.map(|seconds| drift_hint(serial, seconds))
    }
}

/// The hint that a device's clock seems off by `seconds`.
pub(crate) fn drift_hint(serial: &str, seconds: i64) -> Msg {
    Msg::ClockDrifted {
        serial: serial.to_string(),
        minutes: ((seconds.unsigned_abs() + 30) / 60).max(1),
    }
}

/// What a failed verification says, and what its audit row records; `None`
/// when the password (if needed) and the code (if any) verified. With a
/// password involved, every failure reads the same: telling a replayed code
/// from a wrong one would confirm the password to whoever holds an old
/// code. The audit row keeps the difference.
fn failure_of(
    needs_password: bool,
    password_ok: bool,
    verdict: Option<std::result::Result<u64, Rejection>>,
    serial: &str,
) -> Option<(Msg, &'static str)> {
    match (password_ok, verdict) {
        (true, Some(Ok(_)) | None) => None,
        (ok, verdict) if needs_password => Some((
            if verdict.is_some() {
                Msg::WrongPasswordOrCode
            } else {
                Msg::WrongPassword
            },
            match (ok, verdict) {
                (true, Some(Err(Rejection::Replayed))) => "replayed code",
                (false, None) => "wrong password",
                _ => "wrong password or code",
            },
        )),
        (_, Some(Err(Rejection::Replayed))) => Some((
            Msg::CodeReplayed {
                serial: serial.to_string(),
            },
            "replayed code",
        )),
        _ => Some((
            Msg::CodeWrong {
                serial: serial.to_string(),
            },
            "wrong code",
        )),
    }
}

/// Verifies `code` for `device` at `now` against its fresh replay guard and
/// learned offset; for a wrong code, looks for a drifted clock. A locked
/// device is refused (exit 4).
fn check_code(tx: &Tx<'_>, device: &DeviceRow, code: &str, now: i64) -> Result<CodeCheck> {
    let key = open_key(tx, device)?;
    let guard = guard(tx, device.id)?;
    // A device locked by failed resynchronisations verifies nothing until
    // a master unlocks it.
    if guard.locked {
        return Err(Error::DeviceLocked {
            serial: device.serial.clone(),
        });
    }
    let verdict = otp::verify(&key, code, now, guard.last_step, guard.offset);
    let drift = match verdict {
        Err(Rejection::Wrong) => otp::drift(&key, code, now, guard.last_step, guard.offset),
        _ => None,
    };
    Ok(CodeCheck {
        verdict,
        now_step: key.step_at(now) as i64,
        drift,
    })
}

fn device_serial(factors: &Factors) -> &str {
    factors.device.as_ref().map_or("", |d| d.serial.as_str())
}

fn require(tx: &Tx<'_>, login_id: &str) -> Result<UserRow> {
    find_user(tx, login_id)?.ok_or_else(|| Error::UnknownUser(login_id.to_string()))
}

fn locked(user: &UserRow) -> Error {
    Error::Locked {
        login_id: user.login_id.clone(),
    }
}

/// Why a verification failed and, unless this failure locked the login,
/// how many tries remain (the audit row says "3 of 5"; so does the person's
/// terminal).
fn with_tries_left(reason: Msg, login_id: &str, failures: u32) -> Msg {
    if is_locked_after(failures) {
        return reason;
    }
    Msg::Tried {
        reason: Box::new(reason),
        tries: Box::new(Msg::TriesLeft {
            login_id: login_id.to_string(),
            failures,
            max: MAX_CONSECUTIVE_FAILURES,
        }),
    }
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;

    use super::*;
    use crate::clock::Clock;
    use crate::lang::Lang;
    use crate::rules::status::Role;
    use crate::store::devices::{bind_device, find_device, insert_device};
    use crate::store::testing::{TempRegistry, at, device_key, new_device, new_user};
    use crate::store::users::{insert_user, revoke, set_password_hash};
    use crate::ui::prompt::Terminal;

    const PASSWORD: &str = "a long enough test password";
    /// 2026-11-20 12:00:00 UTC.
    const NOW: i64 = 1_795_694_400;

    /// A registry with master `boss`, holding device 1001 and a password.
    fn registry() -> TempRegistry {
        let r = TempRegistry::new();
        let hash = password::hash(PASSWORD).unwrap();
        r.open()
            .write(|tx| {
                insert_device(tx, &new_device("1001", "2030-01-31"), at(0))?;
                let (device, _) = bind_device(tx, "1001")?.unwrap();
                let boss = insert_user(tx, &new_user("boss", Role::Master), Some(device), at(100))?;
                find_user(tx, "boss")?;
                set_password_hash(tx, boss, &hash)
            })
            .unwrap();
        r
    }

    fn ctx() -> Context {
        Context {
            clock: Clock::fixed(DateTime::from_timestamp(NOW, 0).unwrap()),
            out: crate::output::Output::english(),
            term: Terminal {
                interactive: false,
                lang: Lang::En,
            },
        }
    }

    fn code(at: i64) -> String {
        device_key().code_at(at)
    }

    /// The rule of a revocation: the password and the signer's own device.
    fn password_and_device(_: &Tx<'_>, user: &UserRow, _: DateTime<Utc>) -> Result<Factors> {
        Ok(Factors {
            password: true,
            device: user.device.clone(),
        })
    }

    /// Signs as `boss` with `password` and `code`; `confirm` runs between the
    /// first look and the transaction. Returns the result and whether the
    /// action ran.
    fn sign(
        r: &TempRegistry,
        password: &str,
        code: &str,
        factors: impl Fn(&Tx<'_>, &UserRow, DateTime<Utc>) -> Result<Factors>,
        confirm: impl FnOnce(),
    ) -> (Result<String>, bool) {
        let ran = Cell::new(false);
        let targets = ["kai".to_string()];
        let password = PasswordInput::Given(password.to_string());
        let signature = Signature {
            signer: "boss",
            action: Action::Revoke,
            targets: &targets,
            password: &password,
            code: Some(code),
            password_prompt: String::new(),
        };
        let result = signature.run(
            &ctx(),
            &mut r.open(),
            factors,
            |_| {
                confirm();
                Ok(())
            },
            |_, signed| {
                ran.set(true);
                Ok(format!(
                    "{} at {}",
                    signed.signer.login_id,
                    signed.at.timestamp()
                ))
            },
        );
        (result, ran.get())
    }

    /// The audit rows as (outcome, detail), oldest first.
    fn audit(r: &TempRegistry) -> Vec<(String, String)> {
        let conn = r.raw();
        let mut stmt = conn
            .prepare("SELECT outcome, detail FROM audit ORDER BY id")
            .unwrap();
        stmt.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap()
    }

    fn last_step_of(r: &TempRegistry) -> Option<u64> {
        r.open()
            .read(|tx| {
                let device = find_device(tx, "1001")?.unwrap();
                Ok(crate::store::devices::guard(tx, device.id)?.last_step)
            })
            .unwrap()
    }

    #[test]
    fn the_right_password_and_code_sign_once_and_consume_the_step() {
        let r = registry();
        let (result, ran) = sign(&r, PASSWORD, &code(NOW), password_and_device, || {});
        assert_eq!(result.unwrap(), format!("boss at {NOW}"));
        assert!(ran);
        assert_eq!(last_step_of(&r), Some(NOW as u64 / 30));
        // The same code again is a replay, and reads like a wrong password.
        let (result, ran) = sign(&r, PASSWORD, &code(NOW), password_and_device, || {});
        assert!(!ran);
        match result {
            Err(Error::Verification {
                login_id,
                reason,
                locked_now,
                hint,
            }) => {
                assert_eq!(hint, None);
                assert_eq!(login_id, "boss");
                assert_eq!(*reason.without_tries(), Msg::WrongPasswordOrCode);
                assert!(!locked_now);
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            audit(&r),
            [(
                "failed".to_string(),
                "verification failed (1 of 5): replayed code".to_string()
            )]
        );
    }

    #[test]
    fn an_action_without_a_signature_factor_is_refused_before_anything_is_asked() {
        let r = registry();
        let confirmed = Cell::new(false);
        let none = |_: &Tx<'_>, _: &UserRow, _: DateTime<Utc>| {
            Ok(Factors {
                password: false,
                device: None,
            })
        };
        let (result, ran) = sign(&r, PASSWORD, &code(NOW), none, || confirmed.set(true));
        assert!(matches!(
            result,
            Err(Error::Refused(Msg::NoSignFactor { ref login_id, ref action }))
                if login_id == "boss" && action == "revoke"
        ));
        assert!(!ran && !confirmed.get());
        assert_eq!(audit(&r), []);
        assert_eq!(last_step_of(&r), None);
    }

    #[test]
    fn a_password_factor_without_a_password_set_is_refused() {
        let r = registry_without_password();
        let (result, ran) = sign(&r, PASSWORD, &code(NOW), password_and_device, || {});
        assert!(matches!(
            result,
            Err(Error::Refused(Msg::NoPasswordYet { ref login_id })) if login_id == "boss"
        ));
        assert!(!ran);
    }

    fn registry_without_password() -> TempRegistry {
        let r = TempRegistry::new();
        r.open()
            .write(|tx| {
                insert_device(tx, &new_device("1001", "2030-01-31"), at(0))?;
                let (device, _) = bind_device(tx, "1001")?.unwrap();
                insert_user(tx, &new_user("boss", Role::Master), Some(device), at(100))
            })
            .unwrap();
        r
    }

    #[test]
    fn an_unknown_signer_is_refused_at_the_first_look() {
        let r = registry();
        let password = PasswordInput::Given(PASSWORD.into());
        let result = Signature {
            signer: "nobody",
            action: Action::Revoke,
            targets: &[],
            password: &password,
            code: Some(&code(NOW)),
            password_prompt: String::new(),
        }
        .run(
            &ctx(),
            &mut r.open(),
            password_and_device,
            |_| Ok(()),
            |_, _| Ok(()),
        );
        assert!(matches!(result, Err(Error::UnknownUser(ref id)) if id == "nobody"));
        assert_eq!(audit(&r), []);
    }

    /// The password changed by another process after the first look: the
    /// slow hash was checked against the old one, so the transaction
    /// refuses rather than sign with a stale check.
    #[test]
    fn a_password_changed_after_the_first_look_loses_the_race() {
        let r = registry();
        let (result, ran) = sign(&r, PASSWORD, &code(NOW), password_and_device, || {
            let hash = password::hash("another long password").unwrap();
            r.open()
                .write(|tx| {
                    let boss = find_user(tx, "boss")?.unwrap();
                    set_password_hash(tx, boss.id, &hash)
                })
                .unwrap();
        });
        assert!(matches!(result, Err(Error::RaceLost)), "{result:?}");
        assert!(!ran);
        assert_eq!(last_step_of(&r), None, "the code was not consumed");
        assert_eq!(audit(&r), []);
    }

    /// The signer's device revoked by another process after the first look:
    /// the factors are read again in the transaction and differ.
    #[test]
    fn a_device_changed_after_the_first_look_loses_the_race() {
        let r = registry();
        let (result, ran) = sign(&r, PASSWORD, &code(NOW), password_and_device, || {
            r.open()
                .write(|tx| {
                    let boss = find_user(tx, "boss")?.unwrap();
                    let device = boss.device.unwrap().id;
                    revoke(tx, boss.id, device, boss.id, at(NOW), at(NOW + 1800), None)
                })
                .unwrap();
        });
        assert!(matches!(result, Err(Error::RaceLost)), "{result:?}");
        assert!(!ran);
        assert_eq!(last_step_of(&r), None);
    }

    /// The login locked by another process's failures after the first look:
    /// the transaction sees the lock, audits the refusal, and signs nothing.
    #[test]
    fn a_lock_taken_between_the_first_look_and_the_transaction_refuses() {
        let r = registry();
        let (result, ran) = sign(&r, PASSWORD, &code(NOW), password_and_device, || {
            r.open()
                .write(|tx| {
                    let boss = find_user(tx, "boss")?.unwrap();
                    record_failure(tx, boss.id, at(NOW), true)
                })
                .unwrap();
        });
        assert!(matches!(result, Err(Error::Locked { ref login_id }) if login_id == "boss"));
        assert!(!ran);
        assert_eq!(last_step_of(&r), None);
        assert_eq!(
            audit(&r),
            [("refused".to_string(), "the login is locked".to_string())]
        );
        // And a later attempt is refused at the first look, audited too.
        let (result, _) = sign(&r, PASSWORD, &code(NOW), password_and_device, || {
            panic!("no confirmation for a locked login")
        });
        assert!(matches!(result, Err(Error::Locked { .. })));
        assert_eq!(audit(&r).len(), 2);
    }

    /// Another signature with the same code between this one's first look
    /// and its transaction: the replay guard is read in the transaction, so
    /// the code is accepted once.
    #[test]
    fn a_code_used_between_the_first_look_and_the_transaction_is_a_replay() {
        let r = registry();
        let (result, ran) = sign(&r, PASSWORD, &code(NOW), password_and_device, || {
            let (other, ran) = sign(&r, PASSWORD, &code(NOW), password_and_device, || {});
            assert!(other.is_ok() && ran, "{other:?}");
        });
        assert!(!ran);
        assert!(
            matches!(result, Err(Error::Verification { ref reason, .. }) if *reason.without_tries() == Msg::WrongPasswordOrCode)
        );
        assert_eq!(
            audit(&r),
            [(
                "failed".to_string(),
                "verification failed (1 of 5): replayed code".to_string()
            )]
        );
    }

    /// Without a password (a registration), the refusal names the code's
    /// fault; the fifth consecutive failure locks the login.
    #[test]
    fn code_only_failures_say_why_and_the_fifth_locks() {
        let r = registry();
        let device_only = |_: &Tx<'_>, user: &UserRow, _: DateTime<Utc>| {
            Ok(Factors {
                password: false,
                device: user.device.clone(),
            })
        };
        let wrong = format!("{:06}", (code(NOW).parse::<u32>().unwrap() + 1) % 1_000_000);
        for n in 1..=5 {
            let (result, ran) = sign(&r, "", &wrong, device_only, || {});
            assert!(!ran);
            match result {
                Err(Error::Verification {
                    reason, locked_now, ..
                }) => {
                    assert_eq!(
                        *reason.without_tries(),
                        Msg::CodeWrong {
                            serial: "1001".into()
                        }
                    );
                    assert_eq!(locked_now, n == 5, "failure {n}");
                }
                other => panic!("failure {n}: {other:?}"),
            }
        }
        let outcomes: Vec<String> = audit(&r).into_iter().map(|(o, _)| o).collect();
        assert_eq!(
            outcomes,
            ["failed", "failed", "failed", "failed", "failed", "locked"]
        );
        let (result, _) = sign(&r, "", &code(NOW), device_only, || {});
        assert!(matches!(result, Err(Error::Locked { .. })));
    }

    #[test]
    fn a_wrong_password_with_the_right_code_consumes_nothing() {
        let r = registry();
        let (result, ran) = sign(
            &r,
            "not the password",
            &code(NOW),
            password_and_device,
            || {},
        );
        assert!(!ran);
        assert!(
            matches!(result, Err(Error::Verification { ref reason, .. }) if *reason.without_tries() == Msg::WrongPasswordOrCode)
        );
        assert_eq!(last_step_of(&r), None);
        assert_eq!(
            audit(&r),
            [(
                "failed".to_string(),
                // The code was right; the audit row does not tell which
                // of the two was wrong.
                "verification failed (1 of 5): wrong password or code".to_string()
            )]
        );
        // The same code then signs.
        let (result, ran) = sign(&r, PASSWORD, &code(NOW), password_and_device, || {});
        assert!(result.is_ok() && ran);
    }
}
