//! `passwd LOGIN_ID`: set a master's confirmation password, stored only as
//! a salted Argon2id hash. The first password needs nothing more (audited
//! with the OS account); changing one needs the current password, or the
//! signature of another master, through the signed path.

use std::io::Write;

use crate::Context;
use crate::cli::PasswdArgs;
use crate::cmd::{admin_actor, master_factors, password_prompt, record, require_user};
use crate::error::{Error, Result};
use crate::password;
use crate::prompt::PasswordInput;
use crate::rules::status::Role;
use crate::signed::{Factors, Signature};
use crate::store::Store;
use crate::store::users::set_password_hash;

pub fn run(ctx: &Context, store: &mut Store, args: &PasswdArgs, out: &mut dyn Write) -> Result<()> {
    let user = store.read(|tx| require_user(tx, &args.login_id))?;
    if user.role != Role::Master {
        return Err(Error::refused(format!(
            "{} is not a master user; only master users have a confirmation password",
            user.login_id
        )));
    }
    let first = user.password_hash.is_none();
    if !first && args.master.is_none() && args.current_password_file.is_none() {
        ctx.term.require(
            "the current password",
            "pass --current-password-file, or --as MASTER to have another master sign",
        )?;
    }
    let input = PasswordInput::from_flags(
        args.password.password_stdin,
        args.password.password_file.clone(),
    );
    let prompt = ctx
        .out
        .pick(
            &format!("New confirmation password for {}", user.login_id),
            &format!("{} の新しい確認用パスワード", user.login_id),
        )
        .to_string();
    let new_password = ctx.term.password(&input, &prompt, true)?;
    password::check_new(&user.login_id, &new_password).map_err(Error::Usage)?;
    let hash = password::hash(&new_password)?;
    let targets = [user.login_id.clone()];

    if first {
        store.write(|tx| {
            let now = require_user(tx, &user.login_id)?;
            if now.password_hash.is_some() {
                return Err(Error::RaceLost);
            }
            set_password_hash(tx, now.id, &hash)?;
            record(
                ctx,
                tx,
                &admin_actor(),
                "passwd",
                &targets,
                "ok",
                "first confirmation password set".to_string(),
            )
        })?;
    } else {
        let (signer, password_input, how) = match &args.master {
            Some(master) => {
                if *master == user.login_id {
                    return Err(Error::usage(
                        "--as names another master; to change your own password, give the current one",
                    ));
                }
                let input = match &args.master_password_file {
                    Some(f) => PasswordInput::File(f.clone()),
                    None => PasswordInput::Prompt,
                };
                (master.clone(), input, format!("signed by {master}"))
            }
            None => (
                user.login_id.clone(),
                match &args.current_password_file {
                    Some(f) => PasswordInput::File(f.clone()),
                    None => PasswordInput::Prompt,
                },
                "with the current password".to_string(),
            ),
        };
        let signature = Signature {
            signer: &signer,
            action: "passwd",
            targets: &targets,
            password: &password_input,
            code: args.otp.as_deref(),
            password_prompt: if args.master.is_some() {
                password_prompt(ctx, &signer)
            } else {
                ctx.out
                    .pick(
                        &format!("Current confirmation password of {signer}"),
                        &format!("{signer} の現在の確認用パスワード"),
                    )
                    .to_string()
            },
        };
        let own = args.master.is_none();
        signature.run(
            ctx,
            store,
            |_, signer, at| {
                if own {
                    Ok(Factors {
                        password: true,
                        device: None,
                    })
                } else {
                    master_factors(signer, at)
                }
            },
            |_| Ok(()),
            |tx, signed| {
                let target = require_user(tx, &user.login_id)?;
                set_password_hash(tx, target.id, &hash)?;
                record(
                    ctx,
                    tx,
                    &signed.signer.login_id,
                    "passwd",
                    &targets,
                    "ok",
                    format!("confirmation password changed {how}"),
                )
            },
        )?;
    }
    writeln!(
        out,
        "{}",
        ctx.out.pick(
            &format!("Confirmation password set for {}.", user.login_id),
            &format!("{} の確認用パスワードを設定しました。", user.login_id)
        )
    )?;
    Ok(())
}
