//! `passwd LOGIN_ID`: set a master's confirmation password, stored only as
//! a salted Argon2id hash.

use std::io::Write;

use crate::Context;
use crate::cli::PasswdArgs;
use crate::cmd::{admin_actor, record, require_user};
use crate::error::{Error, Result};
use crate::output::write_error;
use crate::password;
use crate::prompt::PasswordInput;
use crate::rules::status::Role;
use crate::store::Store;
use crate::store::users::set_password_hash;

pub fn run(ctx: &Context, store: &mut Store, args: &PasswdArgs, out: &mut dyn Write) -> Result<()> {
    let user = require_user(&store.conn, &args.login_id)?;
    if user.role != Role::Master {
        return Err(Error::refused(format!(
            "{} is not a master user; only master users have a confirmation password",
            user.login_id
        )));
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
    let hash = password::hash(&new_password)?;
    store.transaction(|tx| {
        set_password_hash(tx, user.id, &hash)?;
        record(
            ctx,
            tx,
            &admin_actor(),
            "passwd",
            std::slice::from_ref(&user.login_id),
            "ok",
            "confirmation password set".to_string(),
        )
    })?;
    writeln!(
        out,
        "{}",
        ctx.out.pick(
            &format!("Confirmation password set for {}.", user.login_id),
            &format!("{} の確認用パスワードを設定しました。", user.login_id)
        )
    )
    .map_err(write_error)
}
