//! `unlock LOGIN_ID --as MASTER`: another master, signing with password and
//! code, clears a lockout. `unlock LOGIN_ID --recovery` is the way out when
//! no master can sign: it needs the key file and a confirmation, and its
//! audit row says it was a recovery and by which OS account.

use std::io::Write;

use crate::Context;
use crate::cli::UnlockArgs;
use crate::cmd::{admin_actor, master_factors, password_prompt, record, require_user};
use crate::error::{Error, Result};
use crate::prompt::PasswordInput;
use crate::signed::Signature;
use crate::store::Store;
use crate::store::users::{UserRow, reset_failures};

pub fn run(ctx: &Context, store: &mut Store, args: &UnlockArgs, out: &mut dyn Write) -> Result<()> {
    let target = store.read(|tx| require_user(tx, &args.login_id))?;
    let (before, actor) = match &args.master {
        Some(master) => {
            if *master == target.login_id {
                return Err(Error::refused(format!(
                    "{master} cannot unlock themself; another master must sign, or use --recovery"
                )));
            }
            let targets = [target.login_id.clone()];
            let password = PasswordInput::from_flags(
                args.password.password_stdin,
                args.password.password_file.clone(),
            );
            let signature = Signature {
                signer: master,
                action: "unlock",
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
                        "unlock",
                        &targets,
                        "ok",
                        detail(&before, "signed by a master"),
                    )?;
                    Ok(before)
                },
            )?;
            (before, master.clone())
        }
        None => {
            if !args.yes {
                let prompt = ctx
                    .out
                    .pick(
                        &format!(
                            "Clear the lockout of {} without a master's signature (recorded as a recovery)?",
                            target.login_id
                        ),
                        &format!(
                            "マスターユーザの署名なしで {} のロックを解除しますか（復旧として記録されます）？",
                            target.login_id
                        ),
                    )
                    .to_string();
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
                    "recovery",
                    std::slice::from_ref(&before.login_id),
                    "ok",
                    detail(&before, &format!("recovery unlock by {actor}")),
                )?;
                Ok(before)
            })?;
            (before, actor)
        }
    };
    let message = if before.locked {
        ctx.out
            .pick(
                &format!("Unlocked {} ({actor}).", before.login_id),
                &format!("{} のロックを解除しました（{actor}）。", before.login_id),
            )
            .to_string()
    } else {
        ctx.out
            .pick(
                &format!("{} was not locked.", before.login_id),
                &format!("{} はロックされていません。", before.login_id),
            )
            .to_string()
    };
    writeln!(out, "{message}")?;
    Ok(())
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
