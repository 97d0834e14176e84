//! One module per subcommand. Commands orchestrate: they read the registry,
//! ask `rules` for decisions, write in one transaction, and render. They
//! hold no rules of their own.

pub mod audit;
pub mod backup;
pub mod check;
pub mod completions;
pub mod demo;
pub mod devices;
pub mod dispose_note;
pub mod expiring;
pub mod history;
pub mod identify;
pub mod import;
pub mod init;
pub mod list;
pub mod notices;
pub mod otp;
pub mod passwd;
pub mod register;
pub mod rekey;
pub mod restore;
pub mod resync;
pub mod revoke;
pub mod unlock;

use crate::catalogue::Msg;
use crate::context::Context;
use crate::error::{Error, Result};
use crate::rules::calendar::japan_date;
use crate::rules::revocation::{self, DeviceView};
use crate::signed::Factors;
use crate::store::Tx;
use crate::store::users::{UserRow, find_user};

/// The actor recorded for administrative commands: the OS account.
pub fn admin_actor() -> String {
    crate::store::audit::os_actor()
}

pub use crate::store::audit::{Action, Outcome};

/// Appends an audit row stamped with the command's clock.
pub fn record(
    ctx: &Context,
    tx: &Tx<'_>,
    actor: &str,
    action: Action,
    targets: &[String],
    outcome: Outcome,
    detail: String,
) -> Result<()> {
    crate::store::audit::record(tx, &ctx.clock, actor, action, targets, outcome, detail)
}

pub fn require_user(tx: &Tx<'_>, login_id: &str) -> Result<UserRow> {
    find_user(tx, login_id)?.ok_or_else(|| Error::UnknownUser(login_id.to_string()))
}

/// The factors of a master's signature: their password and the code of
/// their own device, which must be in service and not expired.
pub fn master_factors(master: &UserRow, at: chrono::DateTime<chrono::Utc>) -> Result<Factors> {
    let device = master.device.as_ref().map(|d| DeviceView {
        serial: &d.serial,
        expires: d.expires,
    });
    revocation::check_master(&master.login_id, master.role, device, japan_date(at))?;
    Ok(Factors {
        password: true,
        device: master.device.clone(),
    })
}

/// The prompt for a master's confirmation password.
pub fn password_prompt(ctx: &Context, login_id: &str) -> String {
    ctx.out.t(Msg::PasswordPrompt {
        login_id: login_id.to_string(),
    })
}
