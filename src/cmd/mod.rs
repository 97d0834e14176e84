//! One module per subcommand. Commands orchestrate: they read the registry,
//! ask `rules` for decisions, write in one transaction, and render. They
//! hold no rules of their own.

pub(crate) mod audit;
pub(crate) mod backup;
pub(crate) mod check;
pub(crate) mod completions;
pub(crate) mod demo;
pub(crate) mod devices;
pub(crate) mod dispose_note;
pub(crate) mod expiring;
pub(crate) mod history;
pub(crate) mod identify;
pub(crate) mod import;
pub(crate) mod init;
pub(crate) mod list;
pub(crate) mod notices;
pub(crate) mod otp;
pub(crate) mod passwd;
pub(crate) mod register;
pub(crate) mod rekey;
pub(crate) mod restore;
pub(crate) mod resync;
pub(crate) mod revoke;
pub(crate) mod unlock;

use crate::catalogue::Msg;
use crate::cli::Command;
use crate::context::Context;
use crate::error::{Error, Result};
use crate::rules::revocation::{self, DeviceView};
use crate::signed::Factors;
use crate::store::Access;
use crate::store::Tx;
use crate::store::users::{UserRow, find_user};
use crate::time::japan_date;

/// The actor recorded for administrative commands: the OS account.
pub(crate) fn admin_actor() -> String {
    crate::store::audit::os_actor()
}

pub(crate) use crate::store::audit::{Action, Outcome};

/// Appends an audit row stamped with the command's clock.
pub(crate) fn record(
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

pub(crate) fn require_user(tx: &Tx<'_>, login_id: &str) -> Result<UserRow> {
    find_user(tx, login_id)?.ok_or_else(|| Error::UnknownUser(login_id.to_string()))
}

/// The factors of a master's signature: their password and the code of
/// their own device, which must be in service and not expired.
pub(crate) fn master_factors(
    master: &UserRow,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<Factors> {
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
pub(crate) fn password_prompt(ctx: &Context, login_id: &str) -> String {
    ctx.out.t(Msg::PasswordPrompt {
        login_id: login_id.to_string(),
    })
}

/// What a command needs of the registry.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Needs {
    pub(crate) access: Access,
    /// The key file: to read a secret or to write (every audit row is
    /// chained under it).
    pub(crate) key: bool,
}

/// What `command` needs of the registry: how to open it, and whether with
/// the key. (Here, not in `cli`: the command line knows nothing of the store.)
pub(crate) fn needs(command: &Command) -> Needs {
    let read_only = Needs {
        access: Access::ReadOnly,
        key: false,
    };
    let read_with_key = Needs {
        access: Access::ReadOnly,
        key: true,
    };
    let write = Needs {
        access: Access::ReadWrite,
        key: true,
    };
    match command {
        Command::List(_)
        | Command::Expiring(_)
        | Command::Audit(_)
        | Command::Notices(_)
        | Command::Devices(_)
        | Command::History(_) => read_only,
        Command::Identify(_) => read_with_key,
        Command::DisposeNote(a) if !a.mark_disposed => read_only,
        Command::Revoke(a) if a.dry_run => read_with_key,
        Command::Otp(_) => read_with_key,
        Command::Check(a) => Needs {
            access: if a.backup {
                Access::InspectCopy
            } else {
                Access::Inspect
            },
            key: true,
        },
        Command::Backup(_) => read_with_key,
        _ => write,
    }
}
