//! `unlock LOGIN_ID --as MASTER`: another master, signing with password and
//! code, clears a lockout. `unlock LOGIN_ID --recovery` is the way out when
//! no master can sign: it needs the key file and a confirmation, and its
//! audit row says it was a recovery and by which OS account.

use std::io::Write;

use crate::cli::UnlockArgs;
use crate::cmd::{admin_actor, master_factors, password_prompt, record, require_user};
use crate::context::Context;
use crate::store::audit::{Action, Outcome};

use crate::catalogue::Msg;
use crate::error::{Error, Result};
use crate::output::record::{Column, Record, Value, write_record};
use crate::signed::Signature;
use crate::store::devices::{DeviceRow, find_device, reset_device_failures};
use crate::store::users::{UserRow, reset_failures};
use crate::store::{Store, Tx};
use crate::ui::prompt::PasswordInput;

pub(crate) fn run(
    ctx: &Context,
    store: &mut Store,
    args: &UnlockArgs,
    out: &mut dyn Write,
) -> Result<()> {
    let Some(login_id) = &args.login_id else {
        let serial = args.serial.as_deref().unwrap_or_default();
        return run_device(ctx, store, args, serial, out);
    };
    let target = store.read(|tx| require_user(tx, login_id))?;
    let (before, actor) = match &args.master {
        Some(master) => (
            signed_unlock(ctx, store, args, master, &target)?,
            master.clone(),
        ),
        None => {
            confirm_recovery(ctx, args, &target.login_id)?;
            let actor = admin_actor();
            let before = store.write(|tx| {
                let before = require_user(tx, login_id)?;
                reset_failures(tx, before.id)?;
                record(
                    ctx,
                    tx,
                    &actor,
                    Action::Recovery,
                    std::slice::from_ref(&before.login_id),
                    Outcome::Ok,
                    detail(&before, &format!("recovery unlock by {actor}")),
                )?;
                Ok(before)
            })?;
            (before, actor)
        }
    };
    let said = if before.locked {
        Msg::Unlocked {
            login_id: before.login_id.clone(),
            actor: actor.clone(),
        }
    } else {
        Msg::WasNotLocked {
            login_id: before.login_id.clone(),
        }
    };
    let report = Unlocked::<Login>::new(&before.login_id, before.locked, &actor);
    write_record(&ctx.out, out, &report, said)
}

/// Another master clears the login's lockout, signing with password and code.
fn signed_unlock(
    ctx: &Context,
    store: &mut Store,
    args: &UnlockArgs,
    master: &str,
    target: &UserRow,
) -> Result<UserRow> {
    if master == target.login_id {
        return Err(Error::refused(Msg::UnlockSelf {
            login_id: master.to_string(),
        }));
    }
    let targets = [target.login_id.clone()];
    let password = PasswordInput::from_flags(
        args.password.password_stdin,
        args.password.password_file.clone(),
    );
    let signature = Signature {
        signer: master,
        action: Action::Unlock,
        targets: &targets,
        password: &password,
        code: args.otp.as_deref(),
        password_prompt: password_prompt(ctx, master),
    };
    signature.run(
        ctx,
        store,
        |_, signer, at| master_factors(signer, at),
        |_| Ok(()),
        |tx, signed| {
            let before = require_user(tx, &target.login_id)?;
            reset_failures(tx, before.id)?;
            record(
                ctx,
                tx,
                &signed.signer.login_id,
                Action::Unlock,
                &targets,
                Outcome::Ok,
                detail(&before, "signed by a master"),
            )?;
            Ok(before)
        },
    )
}

/// What `unlock` reports: the login or device (`S`), whether it was
/// locked (else only its failure count was reset), and who cleared it: the
/// signing master, or `os:ACCOUNT` for a recovery.
struct Unlocked<'a, S> {
    name: &'a str,
    was_locked: bool,
    by: &'a str,
    subject: std::marker::PhantomData<S>,
}

impl<'a, S> Unlocked<'a, S> {
    fn new(name: &'a str, was_locked: bool, by: &'a str) -> Self {
        Unlocked {
            name,
            was_locked,
            by,
            subject: std::marker::PhantomData,
        }
    }
}

/// What is unlocked: its columns, the first naming it.
trait Subject {
    const COLUMNS: &'static [Column];
}

struct Login;
struct Device;

impl Subject for Login {
    const COLUMNS: &'static [Column] = &[
        Column::data("login_id"),
        Column::data("was_locked"),
        Column::data("by"),
    ];
}

impl Subject for Device {
    const COLUMNS: &'static [Column] = &[
        Column::data("serial"),
        Column::data("was_locked"),
        Column::data("by"),
    ];
}

impl<S: Subject> Record for Unlocked<'_, S> {
    fn columns() -> &'static [Column] {
        S::COLUMNS
    }

    fn values(&self) -> Vec<Value<'_>> {
        vec![
            Value::Text(self.name),
            Value::Bool(self.was_locked),
            Value::Text(self.by),
        ]
    }
}

/// `unlock --serial S`: a device locked by failed resynchronisations,
/// signed by a master or by a recovery.
fn run_device(
    ctx: &Context,
    store: &mut Store,
    args: &UnlockArgs,
    serial: &str,
    out: &mut dyn Write,
) -> Result<()> {
    let require = |tx: &Tx<'_>| {
        find_device(tx, serial)?.ok_or_else(|| Error::UnknownSerial(serial.to_string()))
    };
    let device = store.read(require)?;
    let targets = [device.serial.clone()];
    let unlock = |tx: &Tx<'_>, actor: &str, action: Action, how: &str| {
        let before = require(tx)?;
        reset_device_failures(tx, before.id)?;
        let detail = if before.locked {
            format!("{how}: device lockout cleared")
        } else {
            format!(
                "{how}: device was not locked; {} failure(s) cleared",
                before.failed_attempts
            )
        };
        record(ctx, tx, actor, action, &targets, Outcome::Ok, detail)?;
        Ok(before)
    };
    let (before, actor) = match &args.master {
        Some(master) => {
            let password = PasswordInput::from_flags(
                args.password.password_stdin,
                args.password.password_file.clone(),
            );
            let signature = Signature {
                signer: master,
                action: Action::Unlock,
                targets: &targets,
                password: &password,
                code: args.otp.as_deref(),
                password_prompt: password_prompt(ctx, master),
            };
            let before = signature.run(
                ctx,
                store,
                |_, signer, at| master_factors(signer, at),
                |_| Ok(()),
                |tx, signed| {
                    unlock(
                        tx,
                        &signed.signer.login_id,
                        Action::Unlock,
                        "signed by a master",
                    )
                },
            )?;
            (before, master.clone())
        }
        None => {
            confirm_recovery(ctx, args, &device.serial)?;
            let actor = admin_actor();
            let how = format!("recovery unlock by {actor}");
            let before = store.write(|tx| unlock(tx, &actor, Action::Recovery, &how))?;
            (before, actor)
        }
    };
    render_device(ctx, &before, &actor, out)
}

fn render_device(
    ctx: &Context,
    before: &DeviceRow,
    actor: &str,
    out: &mut dyn Write,
) -> Result<()> {
    let serial = before.serial.clone();
    let said = if before.locked {
        Msg::DeviceUnlocked {
            serial,
            actor: actor.to_string(),
        }
    } else {
        Msg::DeviceWasNotLocked { serial }
    };
    let report = Unlocked::<Device>::new(&before.serial, before.locked, actor);
    write_record(&ctx.out, out, &report, said)
}

/// A recovery's confirmation, unless --yes.
fn confirm_recovery(ctx: &Context, args: &UnlockArgs, target: &str) -> Result<()> {
    if args.yes {
        return Ok(());
    }
    let prompt = ctx.out.t(Msg::ConfirmRecovery {
        login_id: target.to_string(),
    });
    if ctx.term.confirm(&prompt)? {
        Ok(())
    } else {
        Err(Error::Cancelled)
    }
}

/// The audit detail, from the target's rows as read in the transaction.
fn detail(before: &UserRow, how: &str) -> String {
    if before.locked {
        format!("{how}: lockout cleared")
    } else {
        format!(
            "{how}: was not locked; {} failure(s) cleared",
            before.failed_attempts
        )
    }
}
