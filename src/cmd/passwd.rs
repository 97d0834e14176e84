//! `passwd LOGIN_ID`: set a master's confirmation password, stored only as
//! a salted Argon2id hash. The first password needs nothing more (audited
//! with the OS account); changing one needs the current password, or the
//! signature of another master, through the signed path.

use std::io::Write;

use crate::cli::PasswdArgs;
use crate::cmd::{admin_actor, master_factors, password_prompt, record, require_user};
use crate::context::Context;
use crate::store::audit::{Action, Outcome};

use crate::catalogue::Msg;
use crate::crypto::password;
use crate::error::{Error, Result};
use crate::output::record::{Column, Record, Value, write_record};
use crate::rules::status::Role;
use crate::signed::{Factors, Signature};
use crate::store::Store;
use crate::store::users::set_password_hash;
use crate::ui::prompt::PasswordInput;

pub(crate) fn run(
    ctx: &Context,
    store: &mut Store,
    args: &PasswdArgs,
    out: &mut dyn Write,
) -> Result<()> {
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
    let hash = new_password_hash(ctx, args, &user.login_id, current.as_deref())?;
    if first {
        set_first(ctx, store, &user.login_id, &hash)?;
    } else {
        change_signed(ctx, store, args, &user.login_id, &hash, current)?;
    }
    report(ctx, &user.login_id, !first, out)
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

/// The new password, asked (twice on a terminal) or read, checked and
/// hashed; never the `current` one.
fn new_password_hash(
    ctx: &Context,
    args: &PasswdArgs,
    login_id: &str,
    current: Option<&str>,
) -> Result<String> {
    let input = PasswordInput::from_flags(
        args.password.password_stdin,
        args.password.password_file.clone(),
    );
    let prompt = ctx.out.t(Msg::NewPasswordPrompt {
        login_id: login_id.to_string(),
    });
    let new_password = ctx.term.password(&input, &prompt, true)?;
    password::check_new(login_id, &new_password).map_err(Error::Usage)?;
    if current == Some(new_password.as_str()) {
        return Err(Error::usage(Msg::NewPasswordIsCurrent {
            login_id: login_id.to_string(),
        }));
    }
    password::hash(&new_password)
}

/// The first password: nothing to sign with yet, so it is set as long as
/// no other process set one first (audited with the OS account).
fn set_first(ctx: &Context, store: &mut Store, login_id: &str, hash: &str) -> Result<()> {
    let targets = [login_id.to_string()];
    store.write(|tx| {
        let now = require_user(tx, login_id)?;
        if now.password_hash.is_some() {
            return Err(Error::RaceLost);
        }
        set_password_hash(tx, now.id, hash)?;
        record(
            ctx,
            tx,
            &admin_actor(),
            Action::Passwd,
            &targets,
            Outcome::Ok,
            "first confirmation password set".to_string(),
        )
    })
}

/// Who signs a change, and how: the master themselves with the current
/// password, or another master (`--as`) with password and code.
struct Signer {
    login_id: String,
    password: PasswordInput,
    prompt: String,
    how: String,
    /// Another master signs, so their device's code is needed too.
    other: bool,
}

fn signer(
    ctx: &Context,
    args: &PasswdArgs,
    login_id: &str,
    current: Option<String>,
) -> Result<Signer> {
    let file_or_prompt = |file: &Option<std::path::PathBuf>| match file {
        Some(f) => PasswordInput::File(f.clone()),
        None => PasswordInput::Prompt,
    };
    match &args.master {
        Some(master) if master == login_id => Err(Error::usage(Msg::PasswdAsSelf)),
        Some(master) => Ok(Signer {
            login_id: master.clone(),
            password: file_or_prompt(&args.master_password_file),
            prompt: password_prompt(ctx, master),
            how: format!("signed by {master}"),
            other: true,
        }),
        None => Ok(Signer {
            login_id: login_id.to_string(),
            // Asked first (`current_password_first`).
            password: current.map_or_else(
                || file_or_prompt(&args.current_password_file),
                PasswordInput::Given,
            ),
            prompt: ctx.out.t(Msg::CurrentPasswordPrompt {
                login_id: login_id.to_string(),
            }),
            how: "with the current password".to_string(),
            other: false,
        }),
    }
}

/// A change of an existing password, through the signed path.
fn change_signed(
    ctx: &Context,
    store: &mut Store,
    args: &PasswdArgs,
    login_id: &str,
    hash: &str,
    current: Option<String>,
) -> Result<()> {
    let signer = signer(ctx, args, login_id, current)?;
    let targets = [login_id.to_string()];
    let signature = Signature {
        signer: &signer.login_id,
        action: Action::Passwd,
        targets: &targets,
        password: &signer.password,
        code: args.otp.as_deref(),
        password_prompt: signer.prompt.clone(),
    };
    signature.run(
        ctx,
        store,
        |_, master, at| {
            if signer.other {
                master_factors(master, at)
            } else {
                Ok(Factors {
                    password: true,
                    device: None,
                })
            }
        },
        |_| Ok(()),
        |tx, signed| {
            let target = require_user(tx, login_id)?;
            set_password_hash(tx, target.id, hash)?;
            record(
                ctx,
                tx,
                &signed.signer.login_id,
                Action::Passwd,
                &targets,
                Outcome::Ok,
                format!("confirmation password changed {}", signer.how),
            )
        },
    )?;
    Ok(())
}

fn report(ctx: &Context, login_id: &str, changed: bool, out: &mut dyn Write) -> Result<()> {
    let done = Msg::PasswordSet {
        login_id: login_id.to_string(),
    };
    write_record(&ctx.out, out, &PasswdReport { login_id, changed }, done)
}

/// What `passwd` reports.
struct PasswdReport<'a> {
    login_id: &'a str,
    /// An existing password was replaced (false: the first one was set).
    changed: bool,
}

impl Record for PasswdReport<'_> {
    fn columns() -> &'static [Column] {
        const COLUMNS: &[Column] = &[Column::data("login_id"), Column::data("changed")];
        COLUMNS
    }

    fn values(&self) -> Vec<Value<'_>> {
        vec![Value::Text(self.login_id), Value::Bool(self.changed)]
    }
}
