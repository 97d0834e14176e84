//! `unlock LOGIN_ID --as MASTER`: another master, signing with password and
//! code, clears a lockout. `unlock LOGIN_ID --recovery` is the way out when
//! no master can sign: it needs the key file and a confirmation, and its
//! audit row says it was a recovery and by which OS account.

use std::io::Write;

use crate::cli::UnlockArgs;
use crate::cmd::{admin_actor, master_factors, password_prompt, record, require_user};
use crate::context::Context;
use crate::store::audit::{Action, Outcome};
use serde::Serialize;

use crate::catalogue::Msg;
use crate::error::{Error, Result};
use crate::output::{Format, csv_writer, write_json};
use crate::prompt::PasswordInput;
use crate::signed::Signature;
use crate::store::Store;
use crate::store::users::{UserRow, reset_failures};

pub fn run(ctx: &Context, store: &mut Store, args: &UnlockArgs, out: &mut dyn Write) -> Result<()> {
    let target = store.read(|tx| require_user(tx, &args.login_id))?;
    let (before, actor) = match &args.master {
        Some(master) => {
            if *master == target.login_id {
                return Err(Error::refused(Msg::UnlockSelf {
                    login_id: master.clone(),
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
            let before = signature.run(
                ctx,
                store,
                |_, signer, at| master_factors(signer, at),
                |_| Ok(()),
                |tx, signed| {
                    let before = require_user(tx, &args.login_id)?;
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
            )?;
            (before, master.clone())
        }
        None => {
            if !args.yes {
                let prompt = ctx.out.t(Msg::ConfirmRecovery {
                    login_id: target.login_id.clone(),
                });
                if !ctx.term.confirm(&prompt)? {
                    return Err(Error::Cancelled);
                }
            }
            let actor = admin_actor();
            let before = store.write(|tx| {
                let before = require_user(tx, &args.login_id)?;
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
    let report = UnlockJson {
        login_id: &before.login_id,
        was_locked: before.locked,
        by: &actor,
    };
    match ctx.out.format {
        Format::Json => write_json(out, &report),
        Format::Csv => {
            let mut csv = csv_writer(&ctx.out, out);
            csv.write_record(["login_id", "was_locked", "by"])?;
            csv.write_record([
                report.login_id,
                if report.was_locked { "true" } else { "false" },
                report.by,
            ])?;
            Ok(csv.flush()?)
        }
        Format::Table => {
            let login_id = before.login_id.clone();
            let message = if before.locked {
                Msg::Unlocked { login_id, actor }
            } else {
                Msg::WasNotLocked { login_id }
            };
            writeln!(out, "{}", ctx.out.t(message))?;
            Ok(())
        }
    }
}

/// What `unlock --format json` prints.
#[derive(Serialize)]
struct UnlockJson<'a> {
    login_id: &'a str,
    /// Whether the login was locked (else only its failure count was reset).
    was_locked: bool,
    /// Who cleared it: the signing master, or `os:ACCOUNT` for a recovery.
    by: &'a str,
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
