//! `unlock LOGIN_ID`: clear a lockout and the failure count (audited).

use std::io::Write;

use crate::Context;
use crate::cli::UnlockArgs;
use crate::cmd::{admin_actor, record, require_user};
use crate::error::Result;
use crate::output::write_error;
use crate::store::Store;
use crate::store::users::reset_failures;

pub fn run(ctx: &Context, store: &mut Store, args: &UnlockArgs, out: &mut dyn Write) -> Result<()> {
    let user = require_user(&store.conn, &args.login_id)?;
    let was_locked = user.locked;
    store.transaction(|tx| {
        reset_failures(tx, user.id)?;
        let detail = if was_locked {
            "lockout cleared".to_string()
        } else {
            format!(
                "was not locked; {} failure(s) cleared",
                user.failed_attempts
            )
        };
        record(
            ctx,
            tx,
            &admin_actor(),
            "unlock",
            std::slice::from_ref(&user.login_id),
            "ok",
            detail,
        )
    })?;
    let lang = ctx.out.lang;
    let message = if was_locked {
        lang.pick(
            &format!("Unlocked {}.", user.login_id),
            &format!("{} のロックを解除しました。", user.login_id),
        )
        .to_string()
    } else {
        lang.pick(
            &format!("{} was not locked.", user.login_id),
            &format!("{} はロックされていません。", user.login_id),
        )
        .to_string()
    };
    writeln!(out, "{message}").map_err(write_error)
}
