//! `passwd LOGIN_ID`: set a master's confirmation password, stored only as
//! a salted Argon2id hash. The first password needs nothing more (audited
//! with the OS account); changing one needs the current password, or the
//! signature of another master, through the signed path.

use std::io::Write;

use crate::cli::PasswdArgs;
use crate::cmd::{admin_actor, master_factors, password_prompt, record, require_user};
use crate::context::Context;
use crate::store::audit::{Action, Outcome};
use serde::Serialize;

use crate::catalogue::Msg;
use crate::error::{Error, Result};
use crate::output::{Format, csv_writer, write_json};
use crate::password;
use crate::prompt::PasswordInput;
use crate::rules::status::Role;
use crate::signed::{Factors, Signature};
use crate::store::Store;
use crate::store::users::set_password_hash;

pub fn run(ctx: &Context, store: &mut Store, args: &PasswdArgs, out: &mut dyn Write) -> Result<()> {
    let user = store.read(|tx| require_user(tx, &args.login_id))?;
    if user.role != Role::Master {
        return Err(Error::refused(Msg::PasswdNotMaster {
            login_id: user.login_id.clone(),
        }));
    }
    let first = user.password_hash.is_none();
    if !first && args.master.is_none() && args.current_password_file.is_none() {
        ctx.term.require(Msg::NeedCurrentPassword)?;
    }
    let current = current_password_first(ctx, args, &user.login_id, first)?;
    let input = PasswordInput::from_flags(
        args.password.password_stdin,
        args.password.password_file.clone(),
    );
    let prompt = ctx.out.t(Msg::NewPasswordPrompt {
        login_id: user.login_id.clone(),
    });
    let new_password = ctx.term.password(&input, &prompt, true)?;
    password::check_new(&user.login_id, &new_password).map_err(Error::Usage)?;
    if current.as_deref() == Some(new_password.as_str()) {
        return Err(Error::usage(Msg::NewPasswordIsCurrent {
            login_id: user.login_id.clone(),
        }));
    }
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
                Action::Passwd,
                &targets,
                Outcome::Ok,
                "first confirmation password set".to_string(),
            )
        })?;
    } else {
        let (signer, password_input, how) = match &args.master {
            Some(master) => {
                if *master == user.login_id {
                    return Err(Error::usage(Msg::PasswdAsSelf));
                }
                let input = match &args.master_password_file {
                    Some(f) => PasswordInput::File(f.clone()),
                    None => PasswordInput::Prompt,
                };
                (master.clone(), input, format!("signed by {master}"))
            }
            None => (
                user.login_id.clone(),
                PasswordInput::Given(current.clone().unwrap_or_default()),
                "with the current password".to_string(),
            ),
        };
        let signature = Signature {
            signer: &signer,
            action: Action::Passwd,
            targets: &targets,
            password: &password_input,
            code: args.otp.as_deref(),
            password_prompt: if args.master.is_some() {
                password_prompt(ctx, &signer)
            } else {
                ctx.out.t(Msg::CurrentPasswordPrompt {
                    login_id: signer.clone(),
                })
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
                    Action::Passwd,
                    &targets,
                    Outcome::Ok,
                    format!("confirmation password changed {how}"),
                )
            },
        )?;
    }
    let report = PasswdJson {
        login_id: &user.login_id,
        changed: !first,
    };
    match ctx.out.format {
        Format::Json => write_json(out, &report),
        Format::Csv => {
            let mut csv = csv_writer(&ctx.out, out);
            csv.write_record(["login_id", "changed"])?;
            csv.write_record([report.login_id, if first { "false" } else { "true" }])?;
            Ok(csv.flush()?)
        }
        Format::Table => {
            let done = Msg::PasswordSet {
                login_id: user.login_id.clone(),
            };
            writeln!(out, "{}", ctx.out.t(done))?;
            Ok(())
        }
    }
}

/// What `passwd --format json` prints.
#[derive(Serialize)]
struct PasswdJson<'a> {
    login_id: &'a str,
    /// An existing password was replaced (false: the first one was set).
    changed: bool,
}

/// The current password, asked before the new one as people expect (it
/// was asked after, so the habit of typing it first put it in the new
/// password's prompt), when the user changes their own: `None` for a first
/// password or one another master signs for.
fn current_password_first(
    ctx: &Context,
    args: &PasswdArgs,
    login_id: &str,
    first: bool,
) -> Result<Option<String>> {
    if first || args.master.is_some() {
        return Ok(None);
    }
    let input = match &args.current_password_file {
        Some(f) => PasswordInput::File(f.clone()),
        None => PasswordInput::Prompt,
    };
    let prompt = ctx.out.t(Msg::CurrentPasswordPrompt {
        login_id: login_id.to_string(),
    });
    ctx.term.password(&input, &prompt, false).map(Some)
}
